"""The model's forward pass for one context, keeping every intermediate of every layer for display.

Not a second implementation: `forward_steps` runs `model.forward` (the pass training runs) with
keep=True and lays out what it kept, one context at a time, as read-only arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .layers import attention_forward
from .mechanism import causal_mask, scaled_dot_product_attention, softmax
from .model import ForwardCache, LayerCache, forward
from .parameters import Architecture, Parameters, position_table

ATTENTION_PATH = (forward, attention_forward, scaled_dot_product_attention)
"""The code every number of the model's forward pass on screen comes from, caller first: the forward pass,
a layer's attention, the attention itself. *Show the code* shows these (tests/test_one_path.py checks they ran)."""


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

    What `model.forward` computed (the training forward, through `mechanism.scaled_dot_product_attention`,
    here in float64), so every view shows the numbers the model computes. The fields from Q to residual
    are layer 1's (a one-layer model's only layer); `layers` has every layer. Every array is read-only.
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


def layer_steps(cache: LayerCache, layer: int) -> LayerSteps:
    """Layer `layer` (0-based) of window 0 of a forward(keep=True) cache, as LayerSteps."""
    att, stream, mlp = cache.attention, cache.stream, cache.mlp
    if stream is None or att.scores is None or att.scaled_scores is None:
        raise ValueError("layer_steps needs the cache of forward(..., keep=True)")
    return LayerSteps(
        layer + 1, stream.input[0], att.U[0], att.Q[0], att.K[0], att.V[0], att.scores[0], att.scaled_scores[0],
        att.A[0], att.head_outputs[0], att.O_cat[0], stream.projected[0], stream.attended[0],
        None if mlp is None else mlp.U[0], None if mlp is None else mlp.Y[0],
        None if stream.mlp_output is None else stream.mlp_output[0], stream.residual[0],
    )  # fmt: skip


def forward_steps(architecture: Architecture, p: Parameters, ids: Sequence[int], words: Sequence[str]) -> ForwardSteps:
    """`forward` for one context (no dropout, in float64), keeping every step of every layer for display."""
    token_ids = np.asarray(ids)  # [n]
    logits, cache = forward(architecture, p, token_ids[None, :], last_only=True, keep=True, dtype=np.float64)  # [1, V]
    return steps_from_cache(architecture, p, cache, logits[0], words)


def steps_from_cache(
    architecture: Architecture, p: Parameters, cache: ForwardCache, logits: np.ndarray, words: Sequence[str]
) -> ForwardSteps:  # window 0 of a forward(keep=True) cache, its last logits [V]
    ids = cache.ids[0]
    token_embeddings = p["E"][ids]  # [n, d]
    pe = position_table(architecture, p, len(ids))
    layers = tuple(layer_steps(layer_cache, layer) for layer, layer_cache in enumerate(cache.layers))
    first = layers[0]
    steps = ForwardSteps(
        words=tuple(words),
        ids=ids,
        token_embeddings=token_embeddings,
        positions=np.zeros_like(token_embeddings) if pe is None else pe,
        X=cache.X[0],
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
        layers=layers,
        final=cache.F[0],
    )
    for value in (*vars(steps).values(), *(a for layer in layers for a in vars(layer).values())):
        if isinstance(value, np.ndarray):
            value.flags.writeable = False  # shared between the views (and sessions) that read it
    return steps
