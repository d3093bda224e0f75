"""Scaled dot-product attention, as in "Attention Is All You Need" (Vaswani et al., 2017).

Queries ask, keys answer: each query scores every key, the scores become weights that sum to 1,
and the output is the weighted mix of the values.

    Attention(Q, K, V) = softmax(Q·Kᵀ / sqrt(d_k)) · V

`scaled_dot_product_attention` is the only attention here: the model's training forward
(`attention.core.layers.attention_forward`) calls it, and every view reads what that forward kept.
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

    Shapes for queries [..., n_q, d_k], keys [..., n_k, d_k], values [..., n_k, d_v]. The arrays are
    read-only: a result may be cached and shared.
    """

    scores: np.ndarray | None  # [..., n_q, n_k]  Q·Kᵀ (None unless kept: training does not keep it)
    scaled_scores: np.ndarray | None  # [..., n_q, n_k]  Q·Kᵀ / sqrt(d_k) (None unless kept)
    weights: np.ndarray  # [..., n_q, n_k]  softmax over keys; masked entries exactly 0
    output: np.ndarray  # [..., n_q, d_v]  drop(weights) · V (weights · V without dropout)


def masked_softmax_(S: np.ndarray, mask: np.ndarray | None) -> np.ndarray:  # [..., n_q, n_k] -> S, overwritten
    """softmax over keys of S + M, M = 0 where `mask` allows and -inf elsewhere, computed in place (no copy).

    The max is subtracted first, so exp() never overflows; a row with no allowed key gets all zeros, not NaN.
    """
    if mask is not None:
        S += np.where(mask, 0.0, -np.inf).astype(S.dtype)  # M, broadcast over batch and heads
    peak = S.max(axis=-1, keepdims=True)
    S -= np.where(np.isfinite(peak), peak, 0)  # a blocked row is all -inf: leave it so
    np.exp(S, out=S)
    total = S.sum(axis=-1, keepdims=True)
    S /= np.where(total > 0, total, 1)
    return S


def scaled_dot_product_attention(
    q: np.ndarray,  # [..., n_q, d_k]
    k: np.ndarray,  # [..., n_k, d_k]
    v: np.ndarray,  # [..., n_k, d_v]
    mask: np.ndarray | None = None,  # [..., n_q, n_k] bool, True = may attend
    *,
    dropout: np.ndarray | None = None,  # [..., n_q, n_k] inverted-dropout mask on the weights (training only)
    keep_scores: bool = True,  # False: do not keep Q·Kᵀ and its scaled copy (training saves the memory)
) -> AttentionResult:
    """softmax(Q·Kᵀ / sqrt(d_k) + M) · V, the one attention the model runs: in training, in every view.

    Dividing by sqrt(d_k) keeps the scores' spread independent of the dimension, so softmax does
    not saturate as d_k grows. Masked keys get weight exactly 0; a query that may attend to no key
    at all gets all-zero weights (and a zero output) rather than NaN. Computed in the inputs' float
    type (float32 in training), in place where it can be.
    """
    q, k, v = (np.asarray(a) for a in (q, k, v))
    d_k = q.shape[-1]
    if k.shape[-1] != d_k:
        raise ValueError(f"queries and keys need the same last dimension d_k, got {q.shape} and {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"keys and values need one row per key, got {k.shape} and {v.shape}")
    S = q @ np.swapaxes(k, -1, -2)  # [..., n_q, n_k]
    S = S.astype(np.result_type(S.dtype, np.float32), copy=False)  # integer inputs: scores in float
    scores = S.copy() if keep_scores else None
    S /= np.sqrt(np.asarray(d_k, dtype=S.dtype))
    scaled = S.copy() if keep_scores else None
    weights = masked_softmax_(S, mask)  # [..., n_q, n_k]
    output = (weights if dropout is None else weights * dropout) @ v  # [..., n_q, d_v]
    return AttentionResult(
        scores=None if scores is None else _read_only(scores),
        scaled_scores=None if scaled is None else _read_only(scaled),
        weights=_read_only(weights),
        output=_read_only(output),
    )  # each array frozen: the result may be cached and shared


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
    """Freeze an array this module made (never a caller's), so results can be cached and shared."""
    a.flags.writeable = False
    return a
