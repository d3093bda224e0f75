"""How much arithmetic a training does, counted from its settings, and the step budget that keeps it bounded.

A step on b windows of T tokens runs every token forward and back (BACKWARD_FACTOR forward passes in all); an
evaluation runs each scored position's window of T tokens forward and reads the logits of its
last position only. Per token and layer, counting multiply-adds, plus the element-wise work (softmax, GELU,
LayerNorm, dropout) at ELEMENTWISE_COST multiply-adds per number touched:

    attention    4·d²  (Q, K, V and W_o)  +  2·T·d  (Q·Kᵀ and A·V)         softmax over h·T scores
    MLP block    8·d²  (d -> 4d -> d)                                       GELU over 4d numbers
    output       d·V   (every position in training, the last one when scoring)

    step work        = 2 · b · T · (L · layer + output)
    evaluation work  = windows · (T · L · layer + d · V)

The step budget: the settings' max_steps, unless the steps and the evaluations they bring (one every
`evaluation_interval` steps, and the last one with the test part) would do more than TRAINING_WORK_BUDGET
multiply-adds; then the most steps that fit. It depends only on the settings, the vocabulary size and the
number of tokens, never on the machine, so a link gives the same model everywhere. TRAINING_WORK_BUDGET is
what one core here does in about 20 s (bench/training_memory.py --time); the default settings never reach it.
"""

from __future__ import annotations

from .. import limits
from ..core.parameters import MLP_WIDTH, Architecture

BACKWARD_FACTOR = 2
"""A step costs this many forward passes: the backward pass's matrix products double the forward's, but the forward
pass does most of the element-wise work (measured: a step at the largest settings took 2.2 forward passes)."""

ELEMENTWISE_COST = 8
"""Multiply-adds one number of an element-wise pass costs, in time (measured: memory-bound passes over float32
arrays against matrix products, on one core; bench/training_memory.py --time)."""


def layer_work(architecture: Architecture) -> int:
    """Multiply-adds of one layer for one token that attends to T keys (the full T×T matrix is computed)."""
    T, d, h = architecture.context_window, architecture.dim, architecture.heads
    matrix = 4 * d * d + 2 * T * d + (2 * MLP_WIDTH * d * d if architecture.mlp else 0)
    elementwise = 6 * h * T + 4 * d  # softmax over each head's T scores; residual and dropout
    elementwise += (4 * MLP_WIDTH * d if architecture.mlp else 0) + (6 * d if architecture.layernorm else 0)
    return matrix + ELEMENTWISE_COST * elementwise


def output_work(architecture: Architecture) -> int:
    """Multiply-adds of the output layer (and its softmax) for one position."""
    return architecture.dim * architecture.vocab_size + ELEMENTWISE_COST * 3 * architecture.vocab_size


def step_work(architecture: Architecture, batch_size: int) -> int:
    """One training step: forward and backward (BACKWARD_FACTOR forward passes) over batch_size · T tokens."""
    per_token = architecture.layers * layer_work(architecture) + output_work(architecture)
    return BACKWARD_FACTOR * batch_size * architecture.context_window * per_token


def evaluation_work(architecture: Architecture, windows: int) -> int:
    """Scoring `windows` positions: each one's window through every layer, and the output of its last position."""
    layers = architecture.context_window * architecture.layers * layer_work(architecture)
    return windows * (layers + output_work(architecture))


BASELINE_WORK_PER_TOKEN = 500_000
"""Fitting and scoring the counting baselines (Python dictionaries), per training token, in multiply-adds of time."""


def baseline_work(n_train: int) -> int:
    """The counting baselines scored at the end, in the same units (they run in Python, not in matrix products)."""
    return BASELINE_WORK_PER_TOKEN * n_train


def step_cap(step: int, evaluation: int, evaluation_interval: int, final: int, budget: int | None = None) -> int:
    """The most steps whose work, with an evaluation every `evaluation_interval` steps and the `final` one, fits
    `budget` (default limits.TRAINING_WORK_BUDGET): floor((budget - final) / (step + evaluation / interval)),
    and at least 1."""
    budget = limits.TRAINING_WORK_BUDGET if budget is None else budget
    per_step = step + evaluation / max(evaluation_interval, 1)
    return max(int((budget - final) // per_step), 1)
