"""How much memory a training takes at its peak, estimated from its settings before it starts, and the batch
and evaluation chunk that fit it under a budget.

    peak = resident + max(one training step, one evaluation pass, the baselines)

    resident       the parameters, their gradient, the kept best weights, AdamW's two moments, its scratch
                   and decay mask (8 × size float32); the text's tokens and their ids
    training step  b windows of T tokens: every layer's activations kept for the backward pass
                   (~ b·T·d per array, 4× wider inside the MLP block), the attention weights
                   (b·h·T² per layer, with their dropout masks), the output logits b·T·V, and the backward
                   pass's temporaries
    evaluation     c windows through the layers at a time (the same activations without dropout), and the
                   logits of EVALUATION_CHUNK last positions
    baselines      the counting models fitted on the training part (dictionaries of word pairs and triples)

Counts are in float32 numbers; each term's coefficient was measured with tracemalloc (numpy reports its
arrays to it) on the settings in tests/test_training_budgets.py, where the estimate stays within 25% of the measured
peak. `plan_memory` chooses, deterministically from the settings, the vocabulary size, the number of tokens
and the budget alone (never the machine or its load):

    evaluation chunk c: halve forward_windows(T) (FORWARD_TOKENS' worth) until the evaluation fits (scores
        do not depend on c);
    batch b: halve the settings' batch_size until the training step fits (this changes the model, so the
        same settings and the same budget give the same batch, and a link reproduces on any server with
        that budget).

Neither goes below 1; a plan that does not fit even then says so (`fits`) rather than failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .. import limits
from ..core.parameters import MLP_WIDTH, Architecture
from ..evaluation.held_out import EVALUATION_CHUNK, forward_windows
from .parts import TRAIN_LOSS_SAMPLE
from .settings import TrainingSettings

FLOAT = 4  # bytes of a float32
MB = 2**20

TOKEN_BYTES = 80
"""Per token of the text, for the whole training: its string and list slot, its id (int64), the word tables
(measured: 70-85 bytes)."""

BASELINE_BYTES_PER_TOKEN = 300
"""Per token, while the counting baselines are fitted and scored (Kneser–Ney's dictionaries of word pairs and
triples: 320-360 bytes per training token measured, 0.8 of the text's tokens)."""


@dataclass(frozen=True)
class MemoryPlan:
    """How a training fits its memory budget: the batch and evaluation chunk chosen, and the estimated peak."""

    batch_size: int  # windows per training step (the settings' batch_size, halved until it fits)
    evaluation_chunk: int  # windows per forward pass while scoring (does not change any number)
    peak_bytes: int  # estimated peak of the whole training with this plan
    budget_bytes: int

    @property
    def fits(self) -> bool:
        return self.peak_bytes <= self.budget_bytes

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / MB


def _forward_kept(architecture: Architecture, dropout: bool) -> tuple[int, int]:  # -> (T·d arrays, h·T² arrays)
    """Per window: the float32 arrays a forward pass keeps for the backward pass, counted in T·d and h·T² numbers.

    Per layer: [LayerNorm: x̂ and its output] Q, K, V, the heads' output, the stream H (kept as the next
    block's input without LayerNorm), [MLP: Z, tanh, GELU(Z) at 4d each], [dropout: a mask per branch];
    A [and with dropout its mask and drop(A)]. Then the embeddings (and their mask), the last H, LN_f.
    """
    ln, mlp, L = architecture.layernorm, architecture.mlp, architecture.layers
    blocks = 1 + mlp
    per_layer = 3 + 1 + blocks * (2 if ln else 1) + mlp * 3 * MLP_WIDTH + dropout * blocks  # H is a block's input
    return L * per_layer + 1 + dropout + 3 * ln, L * (1 + 2 * dropout)  # with LayerNorm: the last H, x̂, LN_f(H)


def _transient(architecture: Architecture) -> tuple[int, int]:  # -> (T·d arrays, h·T² arrays)
    """Per window, what a pass holds for a moment beyond what it keeps (the largest layer's temporaries)."""
    return (2 * MLP_WIDTH if architecture.mlp else 2), 0


def _backward_transient(architecture: Architecture) -> tuple[int, int]:  # -> (T·d arrays, h·T² arrays)
    """Per window, the backward pass's temporaries: one layer's (the MLP's 4d-wide ones, or attention's
    dA, dS and the stacked dQ, dK, dV), and the embedding gradient's float64 and index arrays."""
    mlp = 4 * MLP_WIDTH if architecture.mlp else 0
    return max(mlp, 8) + 4, 3


def step_bytes(architecture: Architecture, batch_size: int, dropout: bool = True) -> int:
    """One training step on `batch_size` windows: forward activations, logits and backward temporaries."""
    T, d, h, V = architecture.context_window, architecture.dim, architecture.heads, architecture.vocab_size
    kept_td, kept_t2 = _forward_kept(architecture, dropout)
    back_td, back_t2 = _backward_transient(architecture)
    per_window = (kept_td + back_td) * T * d + (kept_t2 + back_t2) * h * T * T + T * V  # logits, then their gradient
    return FLOAT * (batch_size * per_window + 4 * V * d)  # and the embedding gradient [V, d] in float64


def evaluation_bytes(architecture: Architecture, chunk: int, rows: int = EVALUATION_CHUNK) -> int:
    """Scoring `rows` positions, `chunk` windows per forward pass: one pass's activations, and the logits."""
    T, d, h, V = architecture.context_window, architecture.dim, architecture.heads, architecture.vocab_size
    kept_td, kept_t2 = _forward_kept(architecture, dropout=False)
    moment_td, _ = _transient(architecture)
    per_window = (kept_td + moment_td) * T * d + kept_t2 * h * T * T + V  # a pass's own last-position logits
    return FLOAT * (max(chunk * per_window, rows * V) + rows * d)  # the passes, then all rows' logits at once


def resident_bytes(architecture: Architecture, n_tokens: int) -> int:
    """What the whole training holds: parameters, gradient, best weights, AdamW's m and v (and two scratch
    buffers), the decay mask; the tokens and their ids."""
    return 8 * FLOAT * architecture.size() + TOKEN_BYTES * n_tokens


def baseline_bytes(n_tokens: int) -> int:
    return BASELINE_BYTES_PER_TOKEN * n_tokens


def _sizes(settings: TrainingSettings, n_tokens: int) -> tuple[int, int]:  # -> (windows per epoch, rows scored)
    """The most windows a step can take (an epoch's) and the most positions one evaluation call scores."""
    n_validation = math.ceil(settings.validation_fraction * n_tokens)
    n_test = math.ceil(settings.test_fraction * n_tokens)
    n_train = max(n_tokens - n_validation - n_test, 2)
    windows = max((n_train - 1) // settings.context_window, 1)
    train_sample = min(TRAIN_LOSS_SAMPLE, max(n_train - settings.context_window, 1))
    return windows, min(EVALUATION_CHUNK, max(train_sample, n_validation, n_test))


def estimate_peak_bytes(
    settings: TrainingSettings, vocab_size: int, n_tokens: int, *, batch_size: int | None = None,
    evaluation_chunk: int | None = None,
) -> int:  # fmt: skip
    """The training's estimated peak in bytes (see the module docstring), for this batch and evaluation chunk."""
    architecture = settings.architecture(vocab_size)
    windows, rows = _sizes(settings, n_tokens)
    b = min(settings.batch_size if batch_size is None else batch_size, windows)
    evaluation_chunk = forward_windows(settings.context_window) if evaluation_chunk is None else evaluation_chunk
    busiest = max(
        step_bytes(architecture, b, dropout=settings.dropout > 0),
        evaluation_bytes(architecture, min(evaluation_chunk, rows), rows),
        baseline_bytes(n_tokens),
    )
    return resident_bytes(architecture, n_tokens) + busiest


def plan_memory(settings: TrainingSettings, vocab_size: int, n_tokens: int, budget_bytes: int) -> MemoryPlan:
    """The batch and evaluation chunk for this training under `budget_bytes` (rules in the module docstring)."""
    architecture = settings.architecture(vocab_size)
    windows, rows = _sizes(settings, n_tokens)
    room = budget_bytes - resident_bytes(architecture, n_tokens)
    chunk = forward_windows(settings.context_window)
    while chunk > 1 and evaluation_bytes(architecture, min(chunk, rows), rows) > room:
        chunk //= 2
    batch = settings.batch_size
    while batch > 1 and step_bytes(architecture, min(batch, windows), dropout=settings.dropout > 0) > room:
        batch //= 2
    peak = estimate_peak_bytes(settings, vocab_size, n_tokens, batch_size=batch, evaluation_chunk=chunk)
    return MemoryPlan(batch, chunk, peak, budget_bytes)


def batch_for_budget(settings: TrainingSettings, vocab_size: int, n_tokens: int, budget_bytes: int) -> int:
    """The batch a training with these settings uses under `budget_bytes`: its batch_size, halved until it fits."""
    return plan_memory(settings, vocab_size, n_tokens, budget_bytes).batch_size


def upper_bound_bytes(settings: TrainingSettings, n_chars: int, budget_bytes: int) -> int:
    """Before the text is even tokenized: the most a training of a text of `n_chars` characters can take,
    with the largest vocabulary it could have (a queue admits trainings on this)."""
    n_tokens = max(n_chars, 1)  # every token is at least one character
    vocab_size = min(limits.MAX_MODEL_VOCABULARY, n_tokens) + 1  # and "<unk>"
    return plan_memory(settings, vocab_size, n_tokens, budget_bytes).peak_bytes
