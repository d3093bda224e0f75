"""The tiny self-attention language model: parameters, forward, backward, Adam.

One layer of causal multi-head self-attention with a residual connection, as in "Attention Is All
You Need" (Vaswani et al., 2017) but without the feed-forward block or layer normalisation, so
every number between a word and its prediction can be shown:

    X = E[w] + P                              token embedding plus position                [T, d]
    Q, K, V = X·W_q, X·W_k, X·W_v             for each head, d_k = d / h                   [h, T, d_k]
    A = softmax(Q·Kᵀ / sqrt(d_k) + M)         M = 0 where key j <= query i, else -inf      [h, T, T]
    H = X + concat_h(A·V)·W_o                 residual connection                          [T, d]
    logits = H·W_out + b                      W_out = Eᵀ when the output layer is tied     [T, V]
    loss = -mean_t log softmax(logits_t)[w_(t+1)]    every position predicts its next word

P is learned, sinusoidal (fixed) or absent. W_q, W_k and W_v of every head are stored side by side
in one matrix W_qkv [d, 3d] (columns: all queries, then all keys, then all values; head i owns
columns i·d_k to (i+1)·d_k of each block), so one matrix product computes all of them.

The hot path (`forward`, `backward`) is hand-written numpy in float32 (float64 for gradient
checks); `forward_steps` recomputes one context with `mechanism.scaled_dot_product_attention` so a
step-by-step view shows the numbers the core computes. Parameters and their gradients live in one
flat buffer each (the dicts hold views), so clipping and Adam are a few whole-buffer operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .mechanism import causal_mask, scaled_dot_product_attention, sinusoidal_positions, softmax
from .predict import NextWordDistribution
from .text import Vocabulary

if TYPE_CHECKING:
    from .baselines import Evaluation
    from .train import HistoryPoint, TrainingSettings

POSITION_KINDS = ("learned", "sinusoidal", "none")
UNKNOWN_TOKEN = "<unk>"
"""Stands for every word the model did not learn (rare or unseen). `tokenize` never produces it."""

Parameters = dict[str, np.ndarray]
"""Name -> array: E [V, d], P [T, d] (learned positions only), W_qkv [d, 3d], W_o [d, d],
W_out [d, V] (untied only), b_out [V]."""


@dataclass(frozen=True)
class Architecture:
    """The shape of the model: everything needed to lay out its parameters."""

    vocab_size: int  # V
    context_window: int  # T, the most words the model looks at
    dim: int  # d
    heads: int  # h
    positions: str = "learned"  # "learned" | "sinusoidal" | "none"
    tied: bool = False  # output layer W_out = Eᵀ

    @property
    def head_dim(self) -> int:  # d_k
        return self.dim // self.heads

    def shapes(self) -> dict[str, tuple[int, ...]]:
        V, T, d = self.vocab_size, self.context_window, self.dim
        shapes: dict[str, tuple[int, ...]] = {"E": (V, d)}
        if self.positions == "learned":
            shapes["P"] = (T, d)
        shapes |= {"W_qkv": (d, 3 * d), "W_o": (d, d)}
        if not self.tied:
            shapes["W_out"] = (d, V)
        shapes["b_out"] = (V,)
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


def init_parameters(architecture: Architecture, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    """A flat buffer of fresh parameters: E, P ~ N(0, 0.5²), matrices ~ N(0, 1/fan_in), b_out = 0.

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
    for name in ("W_qkv", "W_o", "W_out"):
        if name in p:
            p[name][:] = rng.standard_normal(p[name].shape) * architecture.dim**-0.5
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


@dataclass
class ForwardCache:
    """What `backward` needs from `forward` (batched, B windows of n tokens)."""

    ids: np.ndarray  # [B, n]
    X: np.ndarray  # [B, n, d]
    Q: np.ndarray  # [B, h, n, d_k]
    K: np.ndarray  # [B, h, n, d_k]
    V: np.ndarray  # [B, h, n, d_k]
    A: np.ndarray  # [B, h, n, n]
    O_cat: np.ndarray  # [B, n, d]  concatenated head outputs
    H: np.ndarray  # [B, n, d]


def masked_softmax_rows(S: np.ndarray) -> np.ndarray:  # [..., n, n] -> same, in place
    """softmax over keys with the causal mask, overwriting S (the training path's fused version)."""
    n = S.shape[-1]
    S += np.where(causal_mask(n), 0.0, -np.inf).astype(S.dtype)  # [n, n] M, broadcast over batch and heads
    S -= S.max(axis=-1, keepdims=True)  # the diagonal is never masked, so the max is finite
    np.exp(S, out=S)
    S /= S.sum(axis=-1, keepdims=True)
    return S


def forward(
    architecture: Architecture, p: Parameters, ids: np.ndarray, *, last_only: bool = False
) -> tuple[np.ndarray, ForwardCache]:  # [B, n] -> [B, n, V] (or [B, V] if last_only), cache
    """logits = (X + concat_h(softmax(Q·Kᵀ/sqrt(d_k) + M)·V)·W_o)·W_out + b, for B windows at once."""
    B, n = ids.shape
    h, d_k, d = architecture.heads, architecture.head_dim, architecture.dim
    X = p["E"][ids]  # [B, n, d]
    pe = position_table(architecture, p, n)
    if pe is not None:
        X += pe
    QKV = (X @ p["W_qkv"]).reshape(B, n, 3, h, d_k).transpose(2, 0, 3, 1, 4)  # [3, B, h, n, d_k]
    Q, K, V = QKV[0], QKV[1], QKV[2]
    S = Q @ K.swapaxes(-1, -2)  # [B, h, n, n]
    S *= np.asarray(d_k**-0.5, dtype=S.dtype)
    A = masked_softmax_rows(S)  # [B, h, n, n]
    O_cat = (A @ V).transpose(0, 2, 1, 3).reshape(B, n, d)  # [B, n, h, d_k] -> [B, n, d]
    H = X + O_cat @ p["W_o"]  # [B, n, d]
    W_out = output_matrix(architecture, p)
    logits = (H[:, -1] if last_only else H) @ W_out  # [B, n, V] or [B, V]
    logits += p["b_out"]
    return logits, ForwardCache(ids=ids, X=X, Q=Q, K=K, V=V, A=A, O_cat=O_cat, H=H)


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


def backward(
    architecture: Architecture, p: Parameters, cache: ForwardCache, dlogits: np.ndarray, g: Parameters
) -> None:
    """Write d loss / d parameter into the views `g`, given d loss / d logits [B, n, V]."""
    B, n = cache.ids.shape
    h, d_k, d, Vs = architecture.heads, architecture.head_dim, architecture.dim, architecture.vocab_size
    H2, dl2 = cache.H.reshape(B * n, d), dlogits.reshape(B * n, Vs)  # [B·n, d], [B·n, V]
    dl2.sum(axis=0, out=g["b_out"])
    if architecture.tied:
        dH = dl2 @ p["E"]  # [B·n, d]
        dE_out = dl2.T @ H2  # [V, d]
    else:
        np.matmul(H2.T, dl2, out=g["W_out"])
        dH = dl2 @ p["W_out"].T  # [B·n, d]
    np.matmul(cache.O_cat.reshape(B * n, d).T, dH, out=g["W_o"])  # residual: H = X + O·W_o
    dO = (dH @ p["W_o"].T).reshape(B, n, h, d_k).transpose(0, 2, 1, 3)  # [B, h, n, d_k]
    A = cache.A
    dA = dO @ cache.V.swapaxes(-1, -2)  # [B, h, n, n]
    dV = A.swapaxes(-1, -2) @ dO  # [B, h, n, d_k]
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))  # softmax backward; masked entries stay 0
    dS *= np.asarray(d_k**-0.5, dtype=dS.dtype)
    dQ = dS @ cache.K  # [B, h, n, d_k]
    dK = dS.swapaxes(-1, -2) @ cache.Q  # [B, h, n, d_k]
    dQKV = np.stack([dQ, dK, dV]).transpose(1, 3, 0, 2, 4).reshape(B * n, 3 * d)  # [B, n, 3, h, d_k] -> [B·n, 3d]
    X2 = cache.X.reshape(B * n, d)
    np.matmul(X2.T, dQKV, out=g["W_qkv"])
    dX = dH + dQKV @ p["W_qkv"].T  # [B·n, d]  both paths from X
    if "P" in g:
        g["P"][:] = 0.0
        g["P"][:n] = dX.reshape(B, n, d).sum(axis=0)
    g["E"][:] = embedding_gradient(cache.ids.ravel(), dX, Vs)
    if architecture.tied:
        g["E"] += dE_out


def embedding_gradient(ids: np.ndarray, dX: np.ndarray, vocab_size: int) -> np.ndarray:  # [N], [N, d] -> [V, d]
    """dE[v] = Σ_{i: ids_i = v} dX_i, summed with one np.bincount (far faster than np.add.at)."""
    d = dX.shape[1]
    slots = (ids[:, None] * d + np.arange(d)).ravel()  # [N·d] flat index into [V, d]
    return np.bincount(slots, weights=dX.ravel(), minlength=vocab_size * d).reshape(vocab_size, d)


def clip_gradient(grad: np.ndarray, max_norm: float) -> float:  # [size], in place -> norm before clipping
    """g <- g · min(1, max_norm / ||g||): one global norm over every parameter."""
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= np.asarray(max_norm / norm, dtype=grad.dtype)
    return norm


@dataclass
class Adam:
    """Adam (Kingma & Ba, 2015) on a flat buffer: m, v are running means of g and g².

    θ <- θ - lr · m̂ / (sqrt(v̂) + ε), with m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t).
    """

    m: np.ndarray
    v: np.ndarray
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0

    @classmethod
    def like(cls, theta: np.ndarray) -> Adam:
        return cls(m=np.zeros_like(theta), v=np.zeros_like(theta))

    def step(self, theta: np.ndarray, grad: np.ndarray, learning_rate: float) -> None:
        """Update θ in place."""
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * grad
        self.v *= self.beta2
        scratch = np.square(grad)
        scratch *= 1 - self.beta2
        self.v += scratch
        step_size = learning_rate * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        np.sqrt(self.v, out=scratch)
        scratch += self.eps * np.sqrt(1 - self.beta2**self.t)
        np.divide(self.m, scratch, out=scratch)
        scratch *= -step_size
        theta += scratch


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


def split_heads(M: np.ndarray, heads: int) -> np.ndarray:  # [n, d] -> [h, n, d_k]
    n, d = M.shape
    return M.reshape(n, heads, d // heads).transpose(1, 0, 2)


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A trained model and how it got there. Read-only after training: safe to share between threads.

    Context words are tokens as `attention.tokenize` makes them. Words the model did not learn
    (rare, or only in the held-out part of the text) are read as the unknown token "<unk>";
    contexts longer than the window use their last `context_window` words.
    """

    vocabulary: Vocabulary  # the model's words in id order; the last is "<unk>"
    architecture: Architecture
    parameters: Parameters  # best weights (lowest validation loss), read-only arrays
    settings: TrainingSettings
    history: tuple[HistoryPoint, ...]  # one point per evaluation
    stopped_because: str  # "early stop" | "epochs done" | "time budget" | "stopped by user"
    best_step: int  # the step whose weights these are
    steps: int  # steps taken in all
    seconds: float  # training time
    evaluation: Evaluation | None  # held-out scores vs the baselines; None without a validation split

    @property
    def context_window(self) -> int:
        return self.architecture.context_window

    def context_ids(self, context_words: Sequence[str]) -> tuple[list[int], tuple[str, ...]]:
        """Ids and words of the last `context_window` words, unknown words mapped to "<unk>"."""
        if isinstance(context_words, str):
            raise TypeError("context_words must be a list of words, e.g. attention.tokenize(text), not one string")
        words = list(context_words)[-self.context_window :]
        if not words:
            raise ValueError("the context is empty: give at least one word to predict the word after it")
        known = tuple(word if word in self.vocabulary else UNKNOWN_TOKEN for word in words)
        return self.vocabulary.ids(known), known

    def _logits_and_weights(self, context_words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        ids, _ = self.context_ids(context_words)
        logits, cache = forward(self.architecture, self.parameters, np.asarray([ids]), last_only=True)
        return logits[0], cache.A[0]  # [V], [h, n, n]

    def next_word_probabilities(self, context_words: Sequence[str], temperature: float = 1.0) -> np.ndarray:  # [V]
        """p = softmax(logits / temperature) for the word after the context, aligned with vocabulary.words."""
        return softmax(self._logits_and_weights(context_words)[0], temperature=temperature)

    def next_word_distribution(self, context_words: Sequence[str], temperature: float = 1.0) -> NextWordDistribution:
        logits, _ = self._logits_and_weights(context_words)
        return NextWordDistribution(
            words=self.vocabulary.words, scores=logits, probabilities=softmax(logits, temperature=temperature)
        )

    def attention_weights(self, context_words: Sequence[str]) -> np.ndarray:  # -> [h, n, n]
        """A[head, i, j]: how much word i of the (clipped) context looks at word j <= i."""
        return self._logits_and_weights(context_words)[1]

    def forward_steps(self, context_words: Sequence[str]) -> ForwardSteps:
        ids, words = self.context_ids(context_words)
        return forward_steps(self.architecture, self.parameters, ids, words)
