"""Scaled dot-product attention, as in "Attention Is All You Need" (Vaswani et al., 2017).

Queries ask, keys answer: each query scores every key, the scores become weights that sum to 1,
and the output is the weighted mix of the values.

    Attention(Q, K, V) = softmax(Q·Kᵀ / sqrt(d_k)) · V
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def softmax(x: np.ndarray, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """softmax(x / T)_i = exp(x_i/T - m) / Σ_j exp(x_j/T - m), with m = max_j x_j/T.

    Subtracting the max changes nothing mathematically and keeps exp() from overflowing, so
    [1000, 1000] gives [0.5, 0.5]. Entries of -inf get probability exactly 0. The input is never
    modified. Any shape; normalised along `axis`.
    """
    if not temperature > 0:
        raise ValueError(
            f"temperature must be > 0 (got {temperature}); use a small value such as 0.1 for near-greedy choices"
        )
    z = np.asarray(x, dtype=np.result_type(np.asarray(x).dtype, np.float32)) / temperature
    peak = np.max(z, axis=axis, keepdims=True)
    exp_z = np.exp(z - np.where(np.isfinite(peak), peak, 0.0))
    return exp_z / np.sum(exp_z, axis=axis, keepdims=True)


def causal_mask(n: int) -> np.ndarray:  # -> [n, n] bool
    """True where query i may attend to key j, i.e. j <= i: no peeking at later words."""
    return np.tri(n, dtype=bool)


@dataclass(frozen=True)
class AttentionResult:
    """Every step of one attention computation, so a UI can show it without recomputing.

    Shapes for queries [..., n_q, d_k], keys [..., n_k, d_k], values [..., n_k, d_v].
    """

    scores: np.ndarray  # [..., n_q, n_k]  Q·Kᵀ
    scaled_scores: np.ndarray  # [..., n_q, n_k]  Q·Kᵀ / sqrt(d_k)
    weights: np.ndarray  # [..., n_q, n_k]  softmax over keys; masked entries exactly 0
    output: np.ndarray  # [..., n_q, d_v]  weights · V


def scaled_dot_product_attention(
    q: np.ndarray,  # [..., n_q, d_k]
    k: np.ndarray,  # [..., n_k, d_k]
    v: np.ndarray,  # [..., n_k, d_v]
    mask: np.ndarray | None = None,  # [..., n_q, n_k] bool, True = may attend
) -> AttentionResult:
    """softmax(Q·Kᵀ / sqrt(d_k), masked) · V.

    Dividing by sqrt(d_k) keeps the scores' spread independent of the dimension, so softmax does
    not saturate as d_k grows. Masked keys get weight exactly 0; a query that may attend to no key
    at all gets all-zero weights (and a zero output) rather than NaN.
    """
    q, k, v = (np.asarray(a) for a in (q, k, v))
    d_k = q.shape[-1]
    if k.shape[-1] != d_k:
        raise ValueError(f"queries and keys need the same last dimension d_k, got {q.shape} and {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"keys and values need one row per key, got {k.shape} and {v.shape}")
    scores = q @ np.swapaxes(k, -1, -2)  # [..., n_q, n_k]
    scaled = scores / np.sqrt(d_k)
    if mask is None:
        weights = softmax(scaled)
    else:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scaled.shape)
        blocked_rows = ~mask.any(axis=-1, keepdims=True)  # queries that may attend to nothing
        weights = softmax(np.where(mask | blocked_rows, scaled, -np.inf))
        weights = np.where(mask, weights, 0.0)
    return AttentionResult(
        scores=_read_only(scores),
        scaled_scores=_read_only(scaled),
        weights=_read_only(weights),
        output=_read_only(weights @ v),
    )


def sinusoidal_positions(n: int, d: int) -> np.ndarray:  # -> [n, d]
    """PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(t / 10000^(2i/d))."""
    t = np.arange(n)[:, None]  # [n, 1]
    rates = 1.0 / 10000 ** (np.arange(0, d, 2) / d)  # [ceil(d/2)]
    angles = t * rates  # [n, ceil(d/2)]
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d // 2])
    return pe


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)  # own copy, so freezing it never freezes a caller's array
    a.flags.writeable = False
    return a
