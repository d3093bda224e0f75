"""Every choice that determines a trained model, in one frozen record.

`train_model(text, **fields)` takes exactly these fields as keyword arguments, so a preset is a
plain dict of them and `dataclasses.asdict(settings)` round-trips. Same text + same settings = the
same model, bit for bit: every budget counts steps, never seconds (the wall clock is a safety net
whose firing the model records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .. import limits
from ..core.parameters import POSITION_KINDS, Architecture, PositionKind

Tokenization = Literal["words", "subwords"]
TOKENIZATIONS: tuple[Tokenization, ...] = ("words", "subwords")
"""How the text becomes tokens: whole words (and marks), or byte-pair-encoded pieces (as GPT models use)."""


@dataclass(frozen=True)
class TrainingSettings:
    """Every choice that determines the trained model: same text + same settings = same model."""

    context_window: int = 8  # T, the most words the model looks at
    dim: int = 32  # d
    heads: int = 1  # h
    layers: int = 1  # L, attention layers (each with its residual; the MLP block too when on)
    mlp: bool = False  # an MLP block d -> 4d -> d (GELU) after each attention
    layernorm: bool = False  # pre-LayerNorm before each block and before the output layer
    positions: PositionKind = "learned"  # checked at run time too: links and notebooks pass plain strings
    tokenization: Tokenization = "words"  # "words" (words and marks; rare ones read as "<unk>") | "subwords" (BPE)
    merges: int = 1000  # with subwords: BPE merges learned on the training part (0 = single characters)
    tied: bool = False  # output layer W_out = Eᵀ (measured: worse on real prose, breaks copying with dropout)
    dropout: float = 0.1  # r, on X = E[w] + P, attention weights and each residual branch (training only)
    weight_decay: float = 0.05  # λ of AdamW on E and the weight matrices (chosen on validation: README)
    epochs: int = 200  # passes over the training part (early stopping usually ends sooner)
    max_steps: int = 3000  # the step budget: training never takes more optimizer steps
    patience: int = 300  # early stop after this many steps without a better validation loss
    learning_rate: float = 0.01
    batch_size: int = 32  # windows per step
    seed: int = 0
    validation_fraction: float = 0.1  # the middle part: picks the kept weights and when to stop
    test_fraction: float = 0.1  # the last part: the reported scores, never used to train or choose
    unknown_fraction: float = 0.5  # of the words seen once in training, the share read as "<unk>"
    max_seconds: float = limits.TRAIN_TIME_BUDGET_S  # safety clock only; the model records if it fired

    def check(self) -> None:
        """Raise ValueError, saying what to change, for any setting out of range."""
        _in_range("context window", self.context_window, 1, limits.MAX_CONTEXT_WINDOW)
        _in_range("dim", self.dim, 1, limits.MAX_MODEL_DIM)
        _in_range("heads", self.heads, 1, limits.MAX_HEADS)
        _in_range("layers", self.layers, 1, limits.MAX_LAYERS)
        for name in ("mlp", "layernorm"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise ValueError(f"{name} must be True or False (got {getattr(self, name)!r})")
        if self.dim % self.heads:
            fits = [h for h in range(1, limits.MAX_HEADS + 1) if self.dim % h == 0]
            raise ValueError(f"heads must divide dim: dim {self.dim} splits evenly into {fits} heads, not {self.heads}")
        if self.tokenization not in TOKENIZATIONS:
            raise ValueError(f"tokenization must be one of {', '.join(TOKENIZATIONS)} (got {self.tokenization!r})")
        _in_range("merges", self.merges, 0, limits.MAX_MERGES)
        if self.positions not in POSITION_KINDS:
            raise ValueError(f"positions must be one of {', '.join(POSITION_KINDS)} (got {self.positions!r})")
        _in_range("epochs", self.epochs, 1, limits.MAX_EPOCHS)
        _in_range("max steps", self.max_steps, 1, limits.MAX_TRAIN_STEPS)
        _in_range("patience", self.patience, 1, limits.MAX_TRAIN_STEPS)
        _in_range("batch size", self.batch_size, 1, limits.MAX_BATCH_SIZE)
        _fraction("learning rate", self.learning_rate, 0, 1, "0.01", low_open=True)
        _fraction("dropout", self.dropout, 0, 0.9, "0.1")
        _fraction("weight decay", self.weight_decay, 0, 1, "0.01")
        _fraction("validation fraction", self.validation_fraction, 0, 0.5, "0.1")
        _fraction("test fraction", self.test_fraction, 0, 0.5, "0.1")
        _fraction("unknown fraction", self.unknown_fraction, 0, 1, "0.5")
        if not self.max_seconds > 0:
            raise ValueError(f"max seconds must be > 0 (got {self.max_seconds})")

    def architecture(self, vocab_size: int) -> Architecture:
        return Architecture(
            vocab_size, self.context_window, self.dim, self.heads, self.positions, self.tied,
            layers=self.layers, mlp=bool(self.mlp), layernorm=bool(self.layernorm),
        )  # fmt: skip


def _in_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number between {low} and {high} (got {value!r})")


def _fraction(name: str, value: float, low: float, high: float, example: str, low_open: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and (low < value if low_open else low <= value)
    if not (ok and value <= high):
        interval = f"({low:g}, {high:g}]" if low_open else f"between {low:g} and {high:g}"
        raise ValueError(f"{name} must be {'in ' if low_open else ''}{interval}, e.g. {example} (got {value!r})")
