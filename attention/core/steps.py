"""The model's forward pass for one context, keeping every intermediate of every layer for display."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .layers import gelu, layernorm_forward
from .mechanism import causal_mask, scaled_dot_product_attention, softmax
from .parameters import Architecture, Parameters, layer_name, output_matrix, position_table, split_heads


@dataclass(frozen=True)
class LayerSteps:
    """Every intermediate of layer ℓ for one context of n words (ℓ = `layer`, counted from 1).

    Without LayerNorm `normalized` is `input` (and `mlp_normalized` is `attended`); without the MLP
    block the three mlp fields are None and `residual` is `attended`.
    """

    layer: int  # ℓ, 1..L
    input: np.ndarray  # [n, d]  H_(ℓ-1), the residual stream coming in (X for ℓ = 1)
    normalized: np.ndarray  # [n, d]  U = LN1_ℓ(H_(ℓ-1)), what the attention reads
    Q: np.ndarray  # [h, n, d_k]
    K: np.ndarray  # [h, n, d_k]
    V: np.ndarray  # [h, n, d_k]
    scores: np.ndarray  # [h, n, n]  Q·Kᵀ
    scaled_scores: np.ndarray  # [h, n, n]  Q·Kᵀ / sqrt(d_k)
    weights: np.ndarray  # [h, n, n]  softmax of the masked scaled scores; rows sum to 1
    head_outputs: np.ndarray  # [h, n, d_k]  weights·V
    concatenated: np.ndarray  # [n, d]  heads side by side
    projected: np.ndarray  # [n, d]  concatenated·W_o
    attended: np.ndarray  # [n, d]  H_ℓ' = H_(ℓ-1) + projected
    mlp_normalized: np.ndarray | None  # [n, d]  LN2_ℓ(H_ℓ')
    mlp_hidden: np.ndarray | None  # [n, 4d]  GELU(LN2_ℓ(H_ℓ')·W_1 + b_1)
    mlp_output: np.ndarray | None  # [n, d]  mlp_hidden·W_2 + b_2
    residual: np.ndarray  # [n, d]  H_ℓ = H_ℓ' + mlp_output: the stream the next layer reads


@dataclass(frozen=True)
class ForwardSteps:
    """Every intermediate of the model for one context of n words (the last one predicts).

    Built on `mechanism.scaled_dot_product_attention`, so a step-by-step view shows the core's
    numbers; the logits equal the batched training forward's (up to float rounding). The fields
    from Q to residual are layer 1's (a one-layer model's only layer); `layers` has every layer.
    """

    words: tuple[str, ...]  # [n] the context as the model sees it (unknown words as <unk>)
    ids: np.ndarray  # [n]
    token_embeddings: np.ndarray  # [n, d]  E[w]
    positions: np.ndarray  # [n, d]  P (zeros when the model uses no positions)
    X: np.ndarray  # [n, d]  E[w] + P
    Q: np.ndarray  # [h, n, d_k]
    K: np.ndarray  # [h, n, d_k]
    V: np.ndarray  # [h, n, d_k]
    scores: np.ndarray  # [h, n, n]  Q·Kᵀ
    scaled_scores: np.ndarray  # [h, n, n]  Q·Kᵀ / sqrt(d_k)
    mask: np.ndarray  # [n, n] bool, True where query i may attend to key j (j <= i)
    weights: np.ndarray  # [h, n, n]  softmax of the masked scaled scores; rows sum to 1
    head_outputs: np.ndarray  # [h, n, d_k]  weights·V
    concatenated: np.ndarray  # [n, d]  heads side by side
    projected: np.ndarray  # [n, d]  concatenated·W_o
    residual: np.ndarray  # [n, d]  H = X + projected (layer 1's attention block; the one-layer model's H)
    logits: np.ndarray  # [V]  final[last]·W_out + b
    probabilities: np.ndarray  # [V]  softmax(logits)
    layers: tuple[LayerSteps, ...] = ()  # [L] every layer, layer 1 first
    final: np.ndarray | None = None  # [n, d]  what the output layer reads: LN_f(H_L), or H_L

    @property
    def all_weights(self) -> np.ndarray:  # [L, h, n, n]
        """Every layer's attention weights."""
        return np.stack([layer.weights for layer in self.layers])


def layer_steps(architecture: Architecture, p: Parameters, H: np.ndarray, layer: int) -> LayerSteps:
    """Layer `layer` (0-based) on the stream H [n, d], step by step, as `model._layer_forward` computes it."""
    n, h = len(H), architecture.heads
    key = lambda name: p[layer_name(name, layer)]  # noqa: E731
    U = layernorm_forward(H, key("ln1_g"), key("ln1_b"))[0] if architecture.layernorm else H
    W_q, W_k, W_v = np.split(key("W_qkv"), 3, axis=1)  # each [d, d], heads side by side
    Q, K, V = (split_heads(U @ W, h) for W in (W_q, W_k, W_v))  # each [h, n, d_k]
    attention = scaled_dot_product_attention(Q, K, V, causal_mask(n))
    concatenated = attention.output.transpose(1, 0, 2).reshape(n, -1)  # [n, h, d_k] -> [n, d]
    projected = concatenated @ key("W_o")
    attended = H + projected
    mlp_normalized = mlp_hidden = mlp_output = None
    residual = attended
    if architecture.mlp:
        mlp_normalized = attended
        if architecture.layernorm:
            mlp_normalized = layernorm_forward(attended, key("ln2_g"), key("ln2_b"))[0]
        mlp_hidden = gelu(mlp_normalized @ key("W_1") + key("b_1"))[0]  # [n, 4d]
        mlp_output = mlp_hidden @ key("W_2") + key("b_2")
        residual = attended + mlp_output
    return LayerSteps(
        layer + 1, H, U, Q, K, V, attention.scores, attention.scaled_scores, attention.weights, attention.output,
        concatenated, projected, attended, mlp_normalized, mlp_hidden, mlp_output, residual,
    )  # fmt: skip


def forward_steps(architecture: Architecture, p: Parameters, ids: Sequence[int], words: Sequence[str]) -> ForwardSteps:
    """The same computation as `forward`, for one context, keeping every step of every layer for display."""
    token_ids = np.asarray(ids)  # [n]
    token_embeddings = p["E"][token_ids]  # [n, d]
    pe = position_table(architecture, p, len(ids))
    positions = np.zeros_like(token_embeddings) if pe is None else pe
    X = token_embeddings + positions  # [n, d]
    layers, H = [], X
    for layer in range(architecture.layers):
        layers.append(layer_steps(architecture, p, H, layer))
        H = layers[-1].residual
    final = layernorm_forward(H, p["lnf_g"], p["lnf_b"])[0] if architecture.layernorm else H
    logits = final[-1] @ output_matrix(architecture, p) + p["b_out"]
    first = layers[0]
    return ForwardSteps(
        words=tuple(words),
        ids=token_ids,
        token_embeddings=token_embeddings,
        positions=positions,
        X=X,
        Q=first.Q,
        K=first.K,
        V=first.V,
        scores=first.scores,
        scaled_scores=first.scaled_scores,
        mask=causal_mask(len(ids)),
        weights=first.weights,
        head_outputs=first.head_outputs,
        concatenated=first.concatenated,
        projected=first.projected,
        residual=first.attended,
        logits=logits,
        probabilities=softmax(logits),
        layers=tuple(layers),
        final=final,
    )
