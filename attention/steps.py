"""The model's forward pass for one context, keeping every intermediate for display."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .mechanism import causal_mask, scaled_dot_product_attention, softmax
from .parameters import Architecture, Parameters, output_matrix, position_table, split_heads


@dataclass(frozen=True)
class ForwardSteps:
    """Every intermediate of the model for one context of n words (the last one predicts).

    Built on `mechanism.scaled_dot_product_attention`, so a step-by-step view shows the core's
    numbers; the logits equal the batched training forward's (up to float rounding).
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
    residual: np.ndarray  # [n, d]  H = X + projected
    logits: np.ndarray  # [V]  H[last]·W_out + b
    probabilities: np.ndarray  # [V]  softmax(logits)


def forward_steps(architecture: Architecture, p: Parameters, ids: Sequence[int], words: Sequence[str]) -> ForwardSteps:
    """The same computation as `forward`, for one context, keeping every step for display."""
    ids = np.asarray(ids)
    n, h, d_k = len(ids), architecture.heads, architecture.head_dim
    token_embeddings = p["E"][ids]  # [n, d]
    pe = position_table(architecture, p, n)
    positions = np.zeros_like(token_embeddings) if pe is None else pe
    X = token_embeddings + positions  # [n, d]
    W_q, W_k, W_v = np.split(p["W_qkv"], 3, axis=1)  # each [d, d], heads side by side
    Q, K, V = (split_heads(X @ W, h) for W in (W_q, W_k, W_v))  # each [h, n, d_k]
    mask = causal_mask(n)
    attention = scaled_dot_product_attention(Q, K, V, mask)
    concatenated = attention.output.transpose(1, 0, 2).reshape(n, h * d_k)  # [n, h, d_k] -> [n, d]
    projected = concatenated @ p["W_o"]
    residual = X + projected
    logits = residual[-1] @ output_matrix(architecture, p) + p["b_out"]
    return ForwardSteps(
        words=tuple(words),
        ids=ids,
        token_embeddings=token_embeddings,
        positions=positions,
        X=X,
        Q=Q,
        K=K,
        V=V,
        scores=attention.scores,
        scaled_scores=attention.scaled_scores,
        mask=mask,
        weights=attention.weights,
        head_outputs=attention.output,
        concatenated=concatenated,
        projected=projected,
        residual=residual,
        logits=logits,
        probabilities=softmax(logits),
    )
