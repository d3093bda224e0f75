"""The tiny self-attention language model: forward and backward, with dropout.

L = 1..3 layers of causal multi-head self-attention with residual connections, as in "Attention Is
All You Need" (Vaswani et al., 2017), each optionally followed by an MLP block and with optional
pre-LayerNorm (GPT-2's; `attention.core.layers` has each kind). The default is the smallest of
them, one attention layer without the MLP block or LayerNorm, so every number between a word and
its prediction can be shown:

    X = drop(E[w] + P)                        token embedding plus position                [T, d]
    Q, K, V = X·W_q, X·W_k, X·W_v             for each head, d_k = d / n_h                 [n_h, T, d_k]
    A = softmax(Q·Kᵀ / sqrt(d_k) + M)         M = 0 where key j <= query i, else -inf      [n_h, T, T]
    H = X + drop(concat_h(drop(A)·V)·W_o)     residual connection                          [T, d]
    logits = H·W_out + b                      W_out = Eᵀ when the output layer is tied     [T, V]
    loss = -mean_t log softmax(logits_t)[w_(t+1)]    every position predicts its next word

With L layers (ℓ = 1..L) each layer reads the residual stream and adds to it:

    H_0 = X
    H_ℓ' = H_(ℓ-1) + drop(Attention_ℓ(LN1_ℓ(H_(ℓ-1))))     LN = identity without LayerNorm
    H_ℓ = H_ℓ' + drop(MLP_ℓ(LN2_ℓ(H_ℓ')))                   H_ℓ = H_ℓ' without the MLP block
    logits = LN_f(H_L)·W_out + b

drop(·) is inverted dropout (Srivastava et al., 2014), only while training: each entry is zeroed
with probability r and the rest are scaled by 1 / (1 - r), so the expected value is unchanged and
prediction needs no rescaling. The places (embeddings, attention weights, each residual branch)
are those of GPT-2. P is learned, sinusoidal (fixed) or absent; the layout of the parameters is in
`attention.core.parameters`.

The hot path (`forward`, `backward`) is hand-written numpy in float32 (float64 for gradient
checks). It is the only forward pass: `attention.core.steps.forward_steps` runs it with keep=True
for one context, so the step-by-step view, the attention maps and the predictions all show the
numbers training computes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dropout import NO_DROPOUT, DropoutMasks
from .layers import (
    AttentionCache,
    LayerNormCache,
    MLPCache,
    attention_backward,
    attention_forward,
    layernorm_backward,
    layernorm_forward,
    mlp_backward,
    mlp_forward,
    times,
)
from .parameters import (
    POSITION_KINDS,
    UNKNOWN_TOKEN,
    Architecture,
    Parameters,
    init_parameters,
    layer_name,
    output_matrix,
    position_table,
    split_heads,
    unflatten,
)

__all__ = [
    "NO_DROPOUT",
    "POSITION_KINDS",
    "UNKNOWN_TOKEN",
    "Architecture",
    "DropoutMasks",
    "ForwardCache",
    "LayerCache",
    "LayerStream",
    "Parameters",
    "backward",
    "cross_entropy",
    "embedding_gradient",
    "forward",
    "init_parameters",
    "layer_name",
    "output_matrix",
    "position_table",
    "split_heads",
    "unflatten",
]


@dataclass(frozen=True)
class LayerStream:
    """The residual stream around one layer, kept only for display (forward(keep=True)): [B, n, d] each."""

    input: np.ndarray  # H_(ℓ-1), the stream coming in
    projected: np.ndarray  # concat_h(A·V)·W_o, the attention branch
    attended: np.ndarray  # H_ℓ' = H_(ℓ-1) + drop(projected)
    mlp_output: np.ndarray | None  # MLP_ℓ(LN2_ℓ(H_ℓ')), None without the MLP block
    residual: np.ndarray  # H_ℓ = H_ℓ' + drop(mlp_output), or H_ℓ' without the MLP block


@dataclass
class LayerCache:
    """What one layer's backward needs: H <- H + drop(attention(LN(H))); H <- H + drop(MLP(LN(H)))."""

    attention: AttentionCache
    ln1: LayerNormCache | None = None
    mlp: MLPCache | None = None
    ln2: LayerNormCache | None = None
    stream: LayerStream | None = None  # only with forward(keep=True)


@dataclass
class ForwardCache:
    """What `backward` needs from `forward` (batched, B windows of n tokens)."""

    ids: np.ndarray  # [B, n]
    X: np.ndarray  # [B, n, d]  after embedding dropout
    layers: tuple[LayerCache, ...]  # [L]
    H: np.ndarray  # [B, n, d]  the residual stream after the last layer
    F: np.ndarray  # [B, n, d]  what the output layer reads: LN_f(H) with LayerNorm, else H
    lnf: LayerNormCache | None
    masks: DropoutMasks

    @property
    def A(self) -> np.ndarray:  # [B, h, n, n]
        """The first layer's attention weights (the one-layer model's only ones)."""
        return self.layers[0].attention.A

    @property
    def weights(self) -> np.ndarray:  # [B, L, h, n, n]
        """Every layer's attention weights."""
        return np.stack([layer.attention.A for layer in self.layers], axis=1)


def _layer_parameters(p: Parameters, layer: int, names) -> list[np.ndarray]:
    return [p[layer_name(name, layer)] for name in names]


def _layer_forward(
    architecture: Architecture, p: Parameters, H: np.ndarray, layer: int, masks: DropoutMasks, keep: bool = False
) -> tuple[np.ndarray, LayerCache]:  # [B, n, d] -> [B, n, d], cache
    """H + drop(attention(LN(H))), then + drop(MLP(LN(H))) when on: one layer on the residual stream."""
    ln = architecture.layernorm
    U, ln1 = layernorm_forward(H, *_layer_parameters(p, layer, ("ln1_g", "ln1_b"))) if ln else (H, None)
    W_qkv, W_o = _layer_parameters(p, layer, ("W_qkv", "W_o"))
    projected, att = attention_forward(U, W_qkv, W_o, architecture.heads, masks.layer("A", layer), keep=keep)
    attended = H + times(projected, masks.layer("R", layer))  # [B, n, d]
    if not architecture.mlp:
        stream = LayerStream(H, projected, attended, None, attended) if keep else None
        return attended, LayerCache(att, ln1, stream=stream)
    U, ln2 = layernorm_forward(attended, *_layer_parameters(p, layer, ("ln2_g", "ln2_b"))) if ln else (attended, None)
    out, mlp = mlp_forward(U, *_layer_parameters(p, layer, ("W_1", "b_1", "W_2", "b_2")))
    residual = attended + times(out, masks.layer("M", layer))
    stream = LayerStream(H, projected, attended, out, residual) if keep else None
    return residual, LayerCache(att, ln1, mlp, ln2, stream)


def forward(
    architecture: Architecture,
    p: Parameters,
    ids: np.ndarray,
    *,
    last_only: bool = False,
    masks: DropoutMasks = NO_DROPOUT,
    keep: bool = False,
    dtype: type[np.floating] | None = None,
) -> tuple[np.ndarray, ForwardCache]:  # [B, n] -> [B, n, V] (or [B, V] if last_only), cache
    """logits = H_L·W_out + b, H_0 = drop(E[w] + P), H_ℓ = H_(ℓ-1) + drop(attention_ℓ(H_(ℓ-1))) [+ MLP_ℓ].

    The one forward pass: training runs it, and so does every view (through `steps.forward_steps`, which
    asks keep=True for the scores and the residual stream of every layer; training keeps only what
    `backward` needs). dtype: compute in this float type (the views use float64), else in the parameters'.
    """
    X = p["E"][ids] if dtype is None else p["E"][ids].astype(dtype)  # [B, n, d]
    pe = position_table(architecture, p, ids.shape[1])
    if pe is not None:
        X += pe
    X = times(X, masks.X)
    H, layers = X, []
    for layer in range(architecture.layers):
        H, cache = _layer_forward(architecture, p, H, layer, masks, keep)
        layers.append(cache)
    F, lnf = layernorm_forward(H, p["lnf_g"], p["lnf_b"]) if architecture.layernorm else (H, None)
    W_out = output_matrix(architecture, p)
    logits = (F[:, -1] if last_only else F) @ W_out  # [B, n, V] or [B, V]
    logits += p["b_out"]
    return logits, ForwardCache(ids, X, tuple(layers), H, F, lnf, masks)


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


def _output_backward(architecture, p, cache, dlogits, g) -> np.ndarray:  # -> dF [B·n, d]
    """logits = F·W_out + b: db = Σ dlogits, dW_out = Fᵀ·dlogits, dF = dlogits·W_outᵀ (tied: E gets Fᵀ·dl too)."""
    B, n, d = cache.F.shape
    F2, dl2 = cache.F.reshape(B * n, d), dlogits.reshape(B * n, architecture.vocab_size)  # [B·n, d], [B·n, V]
    dl2.sum(axis=0, out=g["b_out"])
    if architecture.tied:
        g["E"][:] = dl2.T @ F2  # [V, d]; the input side is added later
        return dl2 @ p["E"]
    np.matmul(F2.T, dl2, out=g["W_out"])
    return dl2 @ p["W_out"].T


def _through_layernorm(p, g, ln: LayerNormCache | None, d_out: np.ndarray, names) -> np.ndarray:
    """d loss / d input of LN (or d_out itself without LayerNorm)."""
    if ln is None:
        return d_out
    gain, bias = names
    return layernorm_backward(ln, d_out, p[gain], g[gain], g[bias])


def _layer_backward(architecture, p, g, cache: LayerCache, dH: np.ndarray, layer: int, masks) -> np.ndarray:
    """d loss / d H_(ℓ-1) from d loss / d H_ℓ: each residual block adds its branch's gradient to dH."""
    key = lambda name: layer_name(name, layer)  # noqa: E731
    if cache.mlp is not None:
        W_1, W_2 = p[key("W_1")], p[key("W_2")]
        grads = {name: g[key(name)] for name in ("W_1", "b_1", "W_2", "b_2")}
        dU = mlp_backward(cache.mlp, times(dH, masks.layer("M", layer)), W_1, W_2, grads)
        dH = dH + _through_layernorm(p, g, cache.ln2, dU, (key("ln2_g"), key("ln2_b")))
    W_qkv, W_o = p[key("W_qkv")], p[key("W_o")]
    dR = times(dH, masks.layer("R", layer))  # the attention branch through its dropout mask
    dU = attention_backward(cache.attention, dR, W_qkv, W_o, g[key("W_qkv")], g[key("W_o")])
    return dH + _through_layernorm(p, g, cache.ln1, dU, (key("ln1_g"), key("ln1_b")))


def backward(
    architecture: Architecture, p: Parameters, cache: ForwardCache, dlogits: np.ndarray, g: Parameters
) -> None:
    """Write d loss / d parameter into the views `g`, given d loss / d logits [B, n, V]."""
    B, n = cache.ids.shape
    d = architecture.dim
    dF = _output_backward(architecture, p, cache, dlogits, g).reshape(B, n, d)
    dH = _through_layernorm(p, g, cache.lnf, dF, ("lnf_g", "lnf_b"))
    for layer in reversed(range(architecture.layers)):
        dH = _layer_backward(architecture, p, g, cache.layers[layer], dH, layer, cache.masks)
    dX = times(dH, cache.masks.X)  # through the embedding dropout: d(E[w] + P)
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
