"""The model's layer kinds, each a forward and a hand-written backward: attention, MLP, LayerNorm.

Every function works on a batch, B windows of n tokens of width d, in float32 for training and
float64 for gradient checks (tests/test_layers.py). A forward returns its output and a small cache;
the backward takes d loss / d output and that cache, writes the parameters' gradients into the
views it is given, and returns d loss / d input.

    attention   O = concat_h(drop(softmax(Q_h·K_hᵀ / sqrt(d_k) + M))·V_h)·W_o,  Q, K, V = U·W_qkv
    MLP         Y = GELU(U·W_1 + b_1)·W_2 + b_2                                 (d -> 4d -> d)
    LayerNorm   LN(x) = γ ⊙ (x - mean(x)) / sqrt(var(x) + ε) + β                 over each token's d numbers
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mechanism import causal_mask, scaled_dot_product_attention

LAYERNORM_EPS = 1e-5
GELU_C = np.sqrt(2.0 / np.pi)


def times(x: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """x ⊙ mask, or x itself when there is no dropout mask."""
    return x if mask is None else x * mask


# ------------------------------------------------------------------ causal multi-head attention


@dataclass
class AttentionCache:
    U: np.ndarray  # [B, n, d]  the block's input (LN(H) with LayerNorm, else H)
    Q: np.ndarray  # [B, h, n, d_k]
    K: np.ndarray  # [B, h, n, d_k]
    V: np.ndarray  # [B, h, n, d_k]
    A: np.ndarray  # [B, h, n, n]  attention weights before dropout
    O_cat: np.ndarray  # [B, n, d]  concatenated head outputs
    mask: np.ndarray | None  # [B, h, n, n]  dropout on A
    scores: np.ndarray | None = None  # [B, h, n, n]  Q·Kᵀ, kept only for display (forward(keep=True))
    scaled_scores: np.ndarray | None = None  # [B, h, n, n]  Q·Kᵀ / sqrt(d_k), the same

    @property
    def head_outputs(self) -> np.ndarray:  # [B, h, n, d_k]
        """Each head's drop(A)·V: the columns of O_cat that are the head's (no copy)."""
        B, h, n, d_k = self.Q.shape
        return self.O_cat.reshape(B, n, h, d_k).transpose(0, 2, 1, 3)


def attention_forward(
    U: np.ndarray, W_qkv: np.ndarray, W_o: np.ndarray, heads: int, mask: np.ndarray | None, *, keep: bool = False
) -> tuple[np.ndarray, AttentionCache]:  # [B, n, d] -> [B, n, d] concat_h(drop(A)·V)·W_o, cache
    """Causal multi-head self-attention of one layer (its residual is added by the caller).

    Every head at once through `mechanism.scaled_dot_product_attention`; keep=True also keeps the scores
    and scaled scores (for display; training leaves them out, so it holds no more than it needs).
    """
    B, n, d = U.shape
    d_k = d // heads
    QKV = (U @ W_qkv).reshape(B, n, 3, heads, d_k).transpose(2, 0, 3, 1, 4)  # [3, B, h, n, d_k]
    Q, K, V = QKV[0], QKV[1], QKV[2]
    attended = scaled_dot_product_attention(Q, K, V, causal_mask(n), dropout=mask, keep_scores=keep)
    O_cat = attended.output.transpose(0, 2, 1, 3).reshape(B, n, d)  # [B, n, h, d_k] -> [B, n, d]
    cache = AttentionCache(U, Q, K, V, attended.weights, O_cat, mask, attended.scores, attended.scaled_scores)
    return O_cat @ W_o, cache


def attention_backward(
    cache: AttentionCache, dOut: np.ndarray, W_qkv: np.ndarray, W_o: np.ndarray, g_qkv: np.ndarray, g_o: np.ndarray
) -> np.ndarray:  # dOut [B, n, d] -> dU [B, n, d]; writes g_qkv [d, 3d], g_o [d, d]
    """Through O_cat·W_o, O = drop(A)·V, A = softmax(S), S = Q·Kᵀ/sqrt(d_k): dS = A ⊙ (dA - rowsum(dA ⊙ A))."""
    B, h, n, d_k = cache.Q.shape
    d = h * d_k
    dOut = dOut.reshape(B * n, d)  # one 2-D product each (the same rounding as the one-layer model always had)
    np.matmul(cache.O_cat.reshape(B * n, d).T, dOut, out=g_o)
    dO = (dOut @ W_o.T).reshape(B, n, h, d_k).transpose(0, 2, 1, 3)  # [B, h, n, d_k]
    dA = times(dO @ cache.V.swapaxes(-1, -2), cache.mask)  # [B, h, n, n] through the dropout mask
    A = cache.A
    dV = times(A, cache.mask).swapaxes(-1, -2) @ dO  # [B, h, n, d_k]: drop(A)ᵀ·dO
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))  # softmax backward; masked entries stay 0
    dS /= np.sqrt(np.asarray(d_k, dtype=dS.dtype))
    dQ = dS @ cache.K  # [B, h, n, d_k]
    dK = dS.swapaxes(-1, -2) @ cache.Q  # [B, h, n, d_k]
    dQKV = np.stack([dQ, dK, dV]).transpose(1, 3, 0, 2, 4).reshape(B * n, 3 * d)  # [B, n, 3, h, d_k] -> [B·n, 3d]
    np.matmul(cache.U.reshape(B * n, d).T, dQKV, out=g_qkv)
    return (dQKV @ W_qkv.T).reshape(B, n, d)


# ------------------------------------------------------------------ the MLP block


@dataclass
class MLPCache:
    U: np.ndarray  # [B, n, d]  the block's input
    Z: np.ndarray  # [B, n, 4d]  U·W_1 + b_1
    tanh: np.ndarray  # [B, n, 4d]  tanh(c·(Z + 0.044715·Z³)), reused by the backward
    Y: np.ndarray  # [B, n, 4d]  GELU(Z)


def gelu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # [...] -> GELU(Z), the tanh inside it
    """GELU(z) ≈ ½·z·(1 + tanh(c·(z + 0.044715·z³))), c = sqrt(2/π): the smooth ReLU of GPT-2."""
    t = np.tanh(np.asarray(GELU_C, dtype=Z.dtype) * (Z + np.asarray(0.044715, dtype=Z.dtype) * (Z * Z * Z)))
    return 0.5 * Z * (1.0 + t), t


def gelu_derivative(Z: np.ndarray, t: np.ndarray) -> np.ndarray:  # [...] -> dGELU/dz
    """½·(1 + t) + ½·z·(1 - t²)·c·(1 + 3·0.044715·z²)."""
    c = np.asarray(GELU_C, dtype=Z.dtype)  # a float64 scalar would turn the whole backward into float64
    return 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * Z * Z)


def mlp_forward(U: np.ndarray, W_1, b_1, W_2, b_2) -> tuple[np.ndarray, MLPCache]:  # [B, n, d] -> [B, n, d]
    """Y = GELU(U·W_1 + b_1)·W_2 + b_2: each token on its own, through a layer 4 times as wide."""
    Z = U @ W_1 + b_1  # [B, n, 4d]
    Y, t = gelu(Z)
    return Y @ W_2 + b_2, MLPCache(U, Z, t, Y)


def mlp_backward(cache: MLPCache, dOut: np.ndarray, W_1, W_2, grads: dict[str, np.ndarray]) -> np.ndarray:
    """dOut [B, n, d] -> dU [B, n, d]; writes grads "W_1", "b_1", "W_2", "b_2"."""
    B, n, wide = cache.Z.shape
    d = dOut.shape[-1]
    d2 = dOut.reshape(B * n, d)
    np.matmul(cache.Y.reshape(B * n, wide).T, d2, out=grads["W_2"])
    d2.sum(axis=0, out=grads["b_2"])
    dZ = (d2 @ W_2.T) * gelu_derivative(cache.Z, cache.tanh).reshape(B * n, wide)  # [B·n, 4d]
    np.matmul(cache.U.reshape(B * n, d).T, dZ, out=grads["W_1"])
    dZ.sum(axis=0, out=grads["b_1"])
    return (dZ @ W_1.T).reshape(B, n, d)


# ------------------------------------------------------------------ LayerNorm


@dataclass
class LayerNormCache:
    normalized: np.ndarray  # [B, n, d]  (x - mean) / sqrt(var + ε)
    inverse_std: np.ndarray  # [B, n, 1]  1 / sqrt(var + ε)


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, LayerNormCache]:
    """LN(x) = γ ⊙ (x - mean(x)) / sqrt(var(x) + ε) + β over the last axis (each token's d numbers).

    γ (gain, "ln*_g") and β (bias, "ln*_b") are learned, one per dimension; ε = 1e-5.
    """
    centred = x - x.mean(axis=-1, keepdims=True)
    inverse_std = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + LAYERNORM_EPS)
    normalized = centred * inverse_std
    return normalized * gamma + beta, LayerNormCache(normalized, inverse_std)


def layernorm_backward(
    cache: LayerNormCache, dy: np.ndarray, gamma: np.ndarray, d_gamma: np.ndarray, d_beta: np.ndarray
) -> np.ndarray:
    """dx = (dx̂ - mean(dx̂) - x̂·mean(dx̂ ⊙ x̂)) / σ with dx̂ = dy ⊙ γ; writes dγ = Σ dy ⊙ x̂, dβ = Σ dy."""
    d = dy.shape[-1]
    x_hat = cache.normalized
    d_gamma[:] = (dy * x_hat).reshape(-1, d).sum(axis=0)
    d_beta[:] = dy.reshape(-1, d).sum(axis=0)
    d_hat = dy * gamma
    return cache.inverse_std * (
        d_hat - d_hat.mean(axis=-1, keepdims=True) - x_hat * (d_hat * x_hat).mean(axis=-1, keepdims=True)
    )
