"""The model's shape and its parameters: one flat buffer, named views into it, and their initial values.

W_q, W_k and W_v of every head are stored side by side in one matrix W_qkv [d, 3d] (columns: all
queries, then all keys, then all values; head i owns columns i·d_k to (i+1)·d_k of each block), so
one matrix product computes all of them.

Layer ℓ = 1..L has its own matrices; layer 1's keep the one-layer names ("W_qkv", "W_o") and layer
ℓ ≥ 2 adds ".ℓ" ("W_qkv.2"), so a one-layer model's parameters are exactly what they always were.
With the MLP block a layer also has W_1 [d, 4d], b_1 [4d], W_2 [4d, d], b_2 [d]; with LayerNorm it
has a gain and a bias before attention (ln1_g, ln1_b) and before the MLP (ln2_g, ln2_b), and the
model one more pair before the output layer (lnf_g, lnf_b). Parameters and their gradients live in one flat buffer
each (the dicts hold views), so clipping and AdamW are a few whole-buffer operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from .mechanism import sinusoidal_positions

PositionKind = Literal["learned", "sinusoidal", "none"]
"""How the model knows word order: learned vectors P, fixed sine waves, or no positions at all."""
POSITION_KINDS: tuple[PositionKind, ...] = get_args(PositionKind)
UNKNOWN_TOKEN = "<unk>"
"""Stands for every word the model did not learn (rare or unseen). `tokenize` never produces it."""

Parameters = dict[str, np.ndarray]
"""Name -> array: E [V, d], P [T, d] (learned positions only), per layer W_qkv [d, 3d], W_o [d, d]
(and the MLP and LayerNorm parameters when on), W_out [d, V] (untied only), b_out [V]."""

MLP_WIDTH = 4
"""The MLP block's hidden width is MLP_WIDTH · d (as in GPT-2)."""


def layer_name(name: str, layer: int) -> str:
    """The key of parameter `name` of layer `layer` (0-based): "W_qkv" for the first, "W_qkv.2" for the second."""
    return name if layer == 0 else f"{name}.{layer + 1}"


def base_name(key: str) -> str:
    """ "W_qkv.2" -> "W_qkv"."""
    return key.split(".")[0]


def is_decayed(key: str) -> bool:
    """Weight decay shrinks the token embeddings E and the weight matrices (W_qkv, W_o, W_1, W_2, W_out), not the
    learned positions P, the biases (b_out, b_1, b_2) or LayerNorm's gains and biases γ, β (GPT-2's choice)."""
    name = base_name(key)
    return not (name == "P" or name.startswith(("b_", "ln")))


@dataclass(frozen=True)
class Architecture:
    """The shape of the model: everything needed to lay out its parameters."""

    vocab_size: int  # V
    context_window: int  # T, the most words the model looks at
    dim: int  # d
    heads: int  # h
    positions: PositionKind = "learned"
    tied: bool = False  # output layer W_out = Eᵀ
    layers: int = 1  # L, each causal multi-head attention with its residual (then the MLP, if on)
    mlp: bool = False  # an MLP block d -> 4d -> d (GELU) with its residual after each attention
    layernorm: bool = False  # pre-LayerNorm before each block and before the output layer

    @property
    def head_dim(self) -> int:  # d_k
        return self.dim // self.heads

    def shapes(self) -> dict[str, tuple[int, ...]]:
        V, T, d = self.vocab_size, self.context_window, self.dim
        shapes: dict[str, tuple[int, ...]] = {"E": (V, d)}
        if self.positions == "learned":
            shapes["P"] = (T, d)
        for layer in range(self.layers):
            shapes |= {layer_name(name, layer): shape for name, shape in self.layer_shapes().items()}
        if self.layernorm:
            shapes |= {"lnf_g": (d,), "lnf_b": (d,)}
        if not self.tied:
            shapes["W_out"] = (d, V)
        shapes["b_out"] = (V,)
        return shapes

    def layer_shapes(self) -> dict[str, tuple[int, ...]]:
        """One layer's parameters, in buffer order: [LayerNorm,] attention, [LayerNorm, MLP]."""
        d, wide = self.dim, MLP_WIDTH * self.dim
        shapes: dict[str, tuple[int, ...]] = {"ln1_g": (d,), "ln1_b": (d,)} if self.layernorm else {}
        shapes |= {"W_qkv": (d, 3 * d), "W_o": (d, d)}
        if self.mlp:
            if self.layernorm:
                shapes |= {"ln2_g": (d,), "ln2_b": (d,)}
            shapes |= {"W_1": (d, wide), "b_1": (wide,), "W_2": (wide, d), "b_2": (d,)}
        return shapes

    def size(self) -> int:
        return sum(int(np.prod(shape)) for shape in self.shapes().values())


def unflatten(flat: np.ndarray, architecture: Architecture) -> Parameters:  # [size] -> views
    """Named views into one flat buffer: writing to a view writes to the buffer."""
    views, start = {}, 0
    for name, shape in architecture.shapes().items():
        stop = start + int(np.prod(shape))
        views[name] = flat[start:stop].reshape(shape)
        start = stop
    return views


def decay_mask(architecture: Architecture, dtype=np.float32) -> np.ndarray:  # -> [size] of 0 and 1
    """1 where AdamW's weight decay applies (E and the W matrices), 0 for positions P, biases and LayerNorm."""
    mask = np.ones(architecture.size(), dtype=dtype)
    for name, view in unflatten(mask, architecture).items():
        if not is_decayed(name):
            view[...] = 0
    return mask


def init_parameters(architecture: Architecture, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    """A flat buffer of fresh parameters: E, P ~ N(0, 0.5²), matrices ~ N(0, 1/fan_in), biases 0, gains 1.

    Embeddings of half the sinusoids' scale (their entries lie in [-1, 1]) trained most reliably on
    the templated test text (a scan of init scales over ten seeds); a tied output layer starts E
    at 1/sqrt(d) so its first logits H·Eᵀ are not huge.
    """
    flat = np.zeros(architecture.size(), dtype=dtype)
    p = unflatten(flat, architecture)
    embedding_scale = architecture.dim**-0.5 if architecture.tied else 0.5
    for name in ("E", "P"):
        if name in p:
            p[name][:] = rng.standard_normal(p[name].shape) * embedding_scale
    for name, view in p.items():  # in buffer order: one layer's draws are those of the one-layer model
        if base_name(name).startswith("W_"):
            view[:] = rng.standard_normal(view.shape) * view.shape[0] ** -0.5
        elif base_name(name).endswith("_g"):
            view[:] = 1.0
    return flat


def position_table(architecture: Architecture, parameters: Parameters, n: int) -> np.ndarray | None:  # -> [n, d]
    """P for the first n positions: learned rows, the fixed sinusoids, or None (no positions)."""
    if architecture.positions == "learned":
        return parameters["P"][:n]
    if architecture.positions == "sinusoidal":
        return sinusoidal_positions(n, architecture.dim).astype(parameters["E"].dtype)
    return None


def output_matrix(architecture: Architecture, parameters: Parameters) -> np.ndarray:  # -> [d, V]
    """W_out, or Eᵀ when the output layer is tied to the token embeddings."""
    return parameters["E"].T if architecture.tied else parameters["W_out"]


def split_heads(M: np.ndarray, heads: int) -> np.ndarray:  # [n, d] -> [h, n, d_k]
    n, d = M.shape
    return M.reshape(n, heads, d // heads).transpose(1, 0, 2)
