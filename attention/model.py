"""The tiny self-attention language model: forward and backward, with dropout.

One layer of causal multi-head self-attention with a residual connection, as in "Attention Is All
You Need" (Vaswani et al., 2017) but without the feed-forward block or layer normalisation, so
every number between a word and its prediction can be shown:

    X = drop(E[w] + P)                        token embedding plus position                [T, d]
    Q, K, V = X·W_q, X·W_k, X·W_v             for each head, d_k = d / h                   [h, T, d_k]
    A = softmax(Q·Kᵀ / sqrt(d_k) + M)         M = 0 where key j <= query i, else -inf      [h, T, T]
    H = X + drop(concat_h(drop(A)·V)·W_o)     residual connection                          [T, d]
    logits = H·W_out + b                      W_out = Eᵀ when the output layer is tied     [T, V]
    loss = -mean_t log softmax(logits_t)[w_(t+1)]    every position predicts its next word

drop(·) is inverted dropout (Srivastava et al., 2014), only while training: each entry is zeroed
with probability r and the rest are scaled by 1 / (1 - r), so the expected value is unchanged and
prediction needs no rescaling. The three places (embeddings, attention weights, residual branch)
are those of GPT-2. P is learned, sinusoidal (fixed) or absent; the layout of the parameters is in
`attention.parameters`.

The hot path (`forward`, `backward`) is hand-written numpy in float32 (float64 for gradient
checks); `forward_steps` recomputes one context with `mechanism.scaled_dot_product_attention` so a
step-by-step view shows the numbers the core computes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mechanism import causal_mask
from .parameters import (
    POSITION_KINDS,
    UNKNOWN_TOKEN,
    Architecture,
    Parameters,
    init_parameters,
    output_matrix,
    position_table,
    split_heads,
    unflatten,
)
from .steps import ForwardSteps, forward_steps

__all__ = [
    "POSITION_KINDS",
    "UNKNOWN_TOKEN",
    "Architecture",
    "DropoutMasks",
    "ForwardCache",
    "ForwardSteps",
    "Parameters",
    "backward",
    "cross_entropy",
    "dropout_masks",
    "embedding_gradient",
    "forward",
    "forward_steps",
    "init_parameters",
    "output_matrix",
    "position_table",
    "split_heads",
    "unflatten",
]


@dataclass(frozen=True)
class DropoutMasks:
    """Inverted-dropout masks for one batch: entries 0 (dropped) or 1 / (1 - r) (kept); None = no dropout."""

    X: np.ndarray | None = None  # [B, n, d]     on the embeddings E[w] + P
    A: np.ndarray | None = None  # [B, h, n, n]  on the attention weights
    R: np.ndarray | None = None  # [B, n, d]     on the residual branch concat_h(A·V)·W_o


def dropout_mask(rng: np.random.Generator, shape: tuple[int, ...], rate: float, dtype) -> np.ndarray | None:
    """m_i = [u_i >= r] / (1 - r), u_i ~ U(0, 1): keeps each entry with probability 1 - r, mean 1."""
    if rate <= 0:
        return None
    keep = rng.random(shape, dtype=np.float32) >= rate
    return keep.astype(dtype) * np.asarray(1.0 / (1.0 - rate), dtype=dtype)


def dropout_masks(
    architecture: Architecture, rng: np.random.Generator, shape: tuple[int, int], rate: float, dtype=np.float32
) -> DropoutMasks:  # (B, n) -> masks for a batch of B windows of n tokens
    """Fresh masks for the three dropout places, drawn from `rng` (deterministic for a seed)."""
    B, n = shape
    d, h = architecture.dim, architecture.heads
    return DropoutMasks(
        X=dropout_mask(rng, (B, n, d), rate, dtype),
        A=dropout_mask(rng, (B, h, n, n), rate, dtype),
        R=dropout_mask(rng, (B, n, d), rate, dtype),
    )


NO_DROPOUT = DropoutMasks()


@dataclass
class ForwardCache:
    """What `backward` needs from `forward` (batched, B windows of n tokens)."""

    ids: np.ndarray  # [B, n]
    X: np.ndarray  # [B, n, d]  after embedding dropout
    Q: np.ndarray  # [B, h, n, d_k]
    K: np.ndarray  # [B, h, n, d_k]
    V: np.ndarray  # [B, h, n, d_k]
    A: np.ndarray  # [B, h, n, n]  attention weights before dropout
    A_dropped: np.ndarray  # [B, h, n, n]  the weights that multiplied V (A itself without dropout)
    O_cat: np.ndarray  # [B, n, d]  concatenated head outputs
    H: np.ndarray  # [B, n, d]
    masks: DropoutMasks


def masked_softmax_rows(S: np.ndarray) -> np.ndarray:  # [..., n, n] -> same, in place
    """softmax over keys with the causal mask, overwriting S (the training path's fused version)."""
    n = S.shape[-1]
    S += np.where(causal_mask(n), 0.0, -np.inf).astype(S.dtype)  # [n, n] M, broadcast over batch and heads
    S -= S.max(axis=-1, keepdims=True)  # the diagonal is never masked, so the max is finite
    np.exp(S, out=S)
    S /= S.sum(axis=-1, keepdims=True)
    return S


def _times(x: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    return x if mask is None else x * mask


def forward(
    architecture: Architecture,
    p: Parameters,
    ids: np.ndarray,
    *,
    last_only: bool = False,
    masks: DropoutMasks = NO_DROPOUT,
) -> tuple[np.ndarray, ForwardCache]:  # [B, n] -> [B, n, V] (or [B, V] if last_only), cache
    """logits = (X + drop(concat_h(drop(softmax(Q·Kᵀ/sqrt(d_k) + M))·V)·W_o))·W_out + b, B windows at once."""
    B, n = ids.shape
    h, d_k, d = architecture.heads, architecture.head_dim, architecture.dim
    X = p["E"][ids]  # [B, n, d]
    pe = position_table(architecture, p, n)
    if pe is not None:
        X += pe
    X = _times(X, masks.X)
    QKV = (X @ p["W_qkv"]).reshape(B, n, 3, h, d_k).transpose(2, 0, 3, 1, 4)  # [3, B, h, n, d_k]
    Q, K, V = QKV[0], QKV[1], QKV[2]
    S = Q @ K.swapaxes(-1, -2)  # [B, h, n, n]
    S *= np.asarray(d_k**-0.5, dtype=S.dtype)
    A = masked_softmax_rows(S)  # [B, h, n, n]
    A_dropped = _times(A, masks.A)
    O_cat = (A_dropped @ V).transpose(0, 2, 1, 3).reshape(B, n, d)  # [B, n, h, d_k] -> [B, n, d]
    H = X + _times(O_cat @ p["W_o"], masks.R)  # [B, n, d]
    W_out = output_matrix(architecture, p)
    logits = (H[:, -1] if last_only else H) @ W_out  # [B, n, V] or [B, V]
    logits += p["b_out"]
    return logits, ForwardCache(ids, X, Q, K, V, A, A_dropped, O_cat, H, masks)


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:  # [N, V], [N] -> loss, [N, V]
    """loss = -mean_i log softmax(logits_i)[y_i]; d loss / d logits = (softmax(logits) - onehot(y)) / N.

    Overwrites `logits` with the gradient (it is not needed afterwards and the buffer is large).
    """
    N = logits.shape[0]
    rows = np.arange(N)
    logits -= logits.max(axis=1, keepdims=True)
    picked = logits[rows, targets].astype(np.float64)  # z_y - max
    np.exp(logits, out=logits)
    total = logits.sum(axis=1, keepdims=True)  # [N, 1]
    loss = float(np.mean(np.log(total[:, 0].astype(np.float64)) - picked))
    logits *= (1.0 / N) / total  # softmax / N in one pass
    logits[rows, targets] -= np.asarray(1.0 / N, dtype=logits.dtype)
    return loss, logits


def _output_backward(architecture, p, cache, dlogits, g) -> np.ndarray:  # -> dH [B·n, d]
    """logits = H·W_out + b: db = Σ dlogits, dW_out = Hᵀ·dlogits, dH = dlogits·W_outᵀ (tied: E gets Hᵀ·dl too)."""
    B, n, d = cache.H.shape
    H2, dl2 = cache.H.reshape(B * n, d), dlogits.reshape(B * n, architecture.vocab_size)  # [B·n, d], [B·n, V]
    dl2.sum(axis=0, out=g["b_out"])
    if architecture.tied:
        g["E"][:] = dl2.T @ H2  # [V, d]; the input side is added later
        return dl2 @ p["E"]
    np.matmul(H2.T, dl2, out=g["W_out"])
    return dl2 @ p["W_out"].T


def _attention_backward(architecture, cache, dO) -> np.ndarray:  # dO [B, h, n, d_k] -> dQKV [B·n, 3d]
    """Through O = drop(A)·V and A = softmax(S), S = Q·Kᵀ/sqrt(d_k): dS = A ⊙ (dA - rowsum(dA ⊙ A))."""
    B, n = cache.ids.shape
    d_k, d = architecture.head_dim, architecture.dim
    dA = _times(dO @ cache.V.swapaxes(-1, -2), cache.masks.A)  # [B, h, n, n] through the dropout mask
    dV = cache.A_dropped.swapaxes(-1, -2) @ dO  # [B, h, n, d_k]
    A = cache.A
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))  # softmax backward; masked entries stay 0
    dS *= np.asarray(d_k**-0.5, dtype=dS.dtype)
    dQ = dS @ cache.K  # [B, h, n, d_k]
    dK = dS.swapaxes(-1, -2) @ cache.Q  # [B, h, n, d_k]
    return np.stack([dQ, dK, dV]).transpose(1, 3, 0, 2, 4).reshape(B * n, 3 * d)  # [B, n, 3, h, d_k] -> [B·n, 3d]


def backward(
    architecture: Architecture, p: Parameters, cache: ForwardCache, dlogits: np.ndarray, g: Parameters
) -> None:
    """Write d loss / d parameter into the views `g`, given d loss / d logits [B, n, V]."""
    B, n = cache.ids.shape
    h, d_k, d = architecture.heads, architecture.head_dim, architecture.dim
    dH = _output_backward(architecture, p, cache, dlogits, g)  # [B·n, d]
    dR = _times(dH.reshape(B, n, d), cache.masks.R).reshape(B * n, d)  # residual branch through its mask
    np.matmul(cache.O_cat.reshape(B * n, d).T, dR, out=g["W_o"])  # H = X + drop(O·W_o)
    dO = (dR @ p["W_o"].T).reshape(B, n, h, d_k).transpose(0, 2, 1, 3)  # [B, h, n, d_k]
    dQKV = _attention_backward(architecture, cache, dO)
    np.matmul(cache.X.reshape(B * n, d).T, dQKV, out=g["W_qkv"])
    dX = dH + dQKV @ p["W_qkv"].T  # [B·n, d]  both paths from X
    dX = _times(dX.reshape(B, n, d), cache.masks.X)  # through the embedding dropout: d(E[w] + P)
    if "P" in g:
        g["P"][:] = 0.0
        g["P"][:n] = dX.sum(axis=0)
    dE_in = embedding_gradient(cache.ids.ravel(), dX.reshape(B * n, d), architecture.vocab_size)
    if architecture.tied:
        g["E"] += dE_in
    else:
        g["E"][:] = dE_in


def embedding_gradient(ids: np.ndarray, dX: np.ndarray, vocab_size: int) -> np.ndarray:  # [N], [N, d] -> [V, d]
    """dE[v] = Σ_{i: ids_i = v} dX_i, summed with one np.bincount (far faster than np.add.at)."""
    d = dX.shape[1]
    slots = (ids[:, None] * d + np.arange(d)).ravel()  # [N·d] flat index into [V, d]
    return np.bincount(slots, weights=dX.ravel(), minlength=vocab_size * d).reshape(vocab_size, d)
