"""Inverted dropout (Srivastava et al., 2014) for the model's training batches: one mask per place it drops
(the embeddings, each layer's attention weights, its attention branch and its MLP branch), drawn from the
training's own random stream. `attention.core.model` applies them in its forward and backward passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parameters import Architecture


@dataclass(frozen=True)
class DropoutMasks:
    """Inverted-dropout masks for one batch: entries 0 (dropped) or 1 / (1 - r) (kept); None = no dropout."""

    X: np.ndarray | None = None  # [B, n, d]        on the embeddings E[w] + P
    A: np.ndarray | None = None  # [L, B, h, n, n]  on each layer's attention weights
    R: np.ndarray | None = None  # [L, B, n, d]     on each layer's attention branch concat_h(A·V)·W_o
    M: np.ndarray | None = None  # [L, B, n, d]     on each layer's MLP branch (with the MLP block)

    def layer(self, name: str, layer: int) -> np.ndarray | None:
        mask = getattr(self, name)
        return None if mask is None else mask[layer]


def dropout_mask(rng: np.random.Generator, shape: tuple[int, ...], rate: float, dtype) -> np.ndarray | None:
    """m_i = [u_i >= r] / (1 - r), u_i ~ U(0, 1): keeps each entry with probability 1 - r, mean 1."""
    if rate <= 0:
        return None
    keep = rng.random(shape, dtype=np.float32) >= rate
    return keep.astype(dtype) * np.asarray(1.0 / (1.0 - rate), dtype=dtype)


def dropout_masks(
    architecture: Architecture, rng: np.random.Generator, shape: tuple[int, int], rate: float, dtype=np.float32
) -> DropoutMasks:  # (B, n) -> masks for a batch of B windows of n tokens
    """Fresh masks for every dropout place, drawn from `rng` (deterministic for a seed).

    Drawn in the order X, A, R, M with a leading layer axis, so a one-layer model draws exactly the
    numbers it always drew.
    """
    B, n = shape
    d, h, L = architecture.dim, architecture.heads, architecture.layers
    return DropoutMasks(
        X=dropout_mask(rng, (B, n, d), rate, dtype),
        A=dropout_mask(rng, (L, B, h, n, n), rate, dtype),
        R=dropout_mask(rng, (L, B, n, d), rate, dtype),
        M=dropout_mask(rng, (L, B, n, d), rate, dtype) if architecture.mlp else None,
    )


NO_DROPOUT = DropoutMasks()
