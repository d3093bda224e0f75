"""Looking at a model from the outside: embedding maps, what-if edits, blog vs corrected. (Generation is
`attention.core.generation`, also importable as `attention.generate`.)

Pure functions in numpy: arrays, word lists and callables in, results out. Nothing here draws or
imports a UI; `attention.charts` turns the results into pictures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..blog.method import BlogMethodResult, blog_method
from ..core.predict import NextWordDistribution
from ..i18n import _, decimal
from ..tokens.words import Vocabulary
from .unknown import marked

# --- Embedding map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Embeddings projected onto their top two principal components."""

    points: np.ndarray  # [V, 2] coordinates, one row per word
    components: np.ndarray  # [2, d] unit principal directions (a row of zeros if d < 2)
    explained_variance_ratio: np.ndarray  # [2] share of the total variance along each direction
    mean: np.ndarray  # [d] the centre that was subtracted


def pca_2d(embeddings: np.ndarray) -> Projection:  # [V, d] -> points [V, 2]
    """Principal component analysis down to two dimensions, via the SVD of the centred matrix.

    X_c = X - mean(X), X_c = U·S·Vᵀ; points = X_c·V[:, :2]; ratio_i = S_i² / Σ_j S_j².
    The two directions along which the words spread out most, so the flat picture loses as little
    as possible. Each direction's sign is fixed so its largest-magnitude loading is positive
    (SVD signs are otherwise arbitrary), which keeps the picture from flipping between runs.
    """
    X = np.asarray(embeddings, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"embeddings must be a [words, dimensions] matrix with at least one of each, got {X.shape}")
    mean = X.mean(axis=0)  # [d]
    _U, S, Vt = np.linalg.svd(X - mean, full_matrices=False)  # S [r], Vt [r, d], r = min(V, d)
    components = np.zeros((2, X.shape[1]))
    k = min(2, Vt.shape[0])
    components[:k] = Vt[:k]
    for row in components:  # deterministic sign: largest |loading| positive
        row *= 1.0 if row[np.argmax(np.abs(row))] >= 0 else -1.0
    total = float(np.sum(S**2))
    ratio = np.zeros(2)
    if total > 0:
        ratio[:k] = S[:k] ** 2 / total
    return Projection(
        points=(X - mean) @ components.T, components=components, explained_variance_ratio=ratio, mean=mean
    )


def embedding_rows(
    embeddings: np.ndarray, vocabulary: Vocabulary, words: Sequence[str]
) -> tuple[np.ndarray, list[str]]:  # [V, d], words -> [n, d], the n words kept
    """The rows of `embeddings` for `words`, in their order, leaving out words the vocabulary lacks."""
    kept = [word for word in words if word in vocabulary]
    rows = np.asarray(embeddings)[np.array([vocabulary.id_of(word) for word in kept], dtype=int)]
    return rows, kept


# --- The words a model sees ----------------------------------------------------------------------


def seen_context(
    context_ids: Callable[[Sequence[str]], tuple[list[int], tuple[str, ...]]], context: Sequence[str], position: int
) -> tuple[list[str], list[int]]:
    """The words a model actually sees (its last window) and their text positions, as labels: a word it
    does not know (it reads `<unk>`) is the prompt's word with the mark of `unknown.marked` ("bees*").

    `context_ids` is the model's own (e.g. `TrainedModel.context_ids`); `position` is the 0-based index of
    the last context word in the text, so the words seen sit at 1-based positions ending at position + 1.
    """
    _ids, seen = context_ids(context)
    words = list(context)[len(context) - len(seen) :]
    labels = [marked(word, read == word) for word, read in zip(words, seen, strict=True)]
    return labels, list(range(position + 2 - len(seen), position + 2))


# --- What-if context edits -----------------------------------------------------------------------


def _check_context(context: Sequence[str]) -> list[str]:
    if isinstance(context, str):
        raise TypeError("context must be a list of words, e.g. attention.tokenize(text), not one string")
    return list(context)


def _check_index(words: list[str], index: int) -> None:
    if not 0 <= index < len(words):
        raise ValueError(f"word index must be between 0 and {len(words) - 1} for a context of {len(words)} words")


def remove_word(context: Sequence[str], index: int) -> list[str]:
    """A new context without the word at `index` (0-based). Refuses to leave the context empty."""
    words = _check_context(context)
    _check_index(words, index)
    if len(words) == 1:
        raise ValueError("cannot remove the only word: the model needs at least one word to predict from")
    return words[:index] + words[index + 1 :]


def replace_word(context: Sequence[str], index: int, word: str) -> list[str]:
    """A new context with the word at `index` (0-based) replaced by `word`."""
    words = _check_context(context)
    _check_index(words, index)
    if not isinstance(word, str) or not word.strip():
        raise ValueError("the replacement word must be a non-empty string")
    return [*words[:index], word, *words[index + 1 :]]


def shuffle_context(context: Sequence[str], rng: np.random.Generator) -> list[str]:
    """A new context with the same words in a random order, different from the original when possible.

    Possible means at least two different words. One permutation is drawn from `rng`; if it reads
    the same as the original, it is rotated by one place (which always changes a sequence of at
    least two different words), so the result is still determined by the seed.
    """
    words = _check_context(context)
    shuffled = [words[i] for i in rng.permutation(len(words))]
    if shuffled == words and len(set(words)) > 1:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def shuffle_earlier_words(context: Sequence[str], rng: np.random.Generator) -> list[str]:
    """Shuffle every word but the last, which stays: its query is the one that predicts.

    Without positions, attention from the last word sees only which words are there, not where, so
    this shuffle cannot change the prediction; with positions it generally does. A one-word context
    comes back as it is.
    """
    words = _check_context(context)
    return [*shuffle_context(words[:-1], rng), words[-1]] if len(words) > 1 else words


@dataclass(frozen=True)
class WordChange:
    index: int  # position in the vocabulary
    word: str | None  # None when only probabilities were given
    before: float
    after: float

    @property
    def change(self) -> float:  # signed: after - before
        return self.after - self.before


@dataclass(frozen=True)
class DistributionChange:
    total_variation: float  # ½ Σ_v |p_after(v) - p_before(v)|, between 0 (same) and 1 (disjoint)
    largest_changes: tuple[WordChange, ...]  # biggest |change| first


def distribution_change(
    before_probabilities: np.ndarray | NextWordDistribution,  # [V]
    after_probabilities: np.ndarray | NextWordDistribution,  # [V], same words in the same order
    *,
    words: Sequence[str] | None = None,
    top: int = 5,
) -> DistributionChange:
    """How much a what-if edit moved the prediction.

    TV(p, q) = ½ Σ_v |p(v) - q(v)|: the most probability any set of words gained (or lost).
    Also the `top` words whose probability changed most, with the signed change q(v) - p(v).
    Words come from `words`, or from the distributions themselves when they are NextWordDistributions.
    """
    if words is None and isinstance(before_probabilities, NextWordDistribution):
        words = before_probabilities.words
    p, q = (
        np.asarray(getattr(x, "probabilities", x), dtype=np.float64)
        for x in (before_probabilities, after_probabilities)
    )
    if p.ndim != 1 or p.shape != q.shape:
        raise ValueError(
            f"both distributions need one probability per word, in the same order; got {p.shape} and {q.shape}"
        )
    if words is not None and len(words) != len(p):
        raise ValueError(f"got {len(words)} words for {len(p)} probabilities")
    delta = q - p  # [V]
    order = np.argsort(-np.abs(delta), kind="stable")[: max(top, 0)]
    changes = tuple(
        WordChange(int(i), None if words is None else words[i], float(p[i]), float(q[i]))
        for i in order
        if delta[i] != 0
    )
    return DistributionChange(total_variation=float(0.5 * np.abs(delta).sum()), largest_changes=changes)


# --- The blog's method: as published vs corrected ------------------------------------------------


@dataclass(frozen=True)
class BlogComparison:
    blog: BlogMethodResult  # faithful=True: p = softmax(exp(s) / T), the blog's numbers
    corrected: BlogMethodResult  # p = softmax(s / T)
    total_variation: float  # ½ Σ |p_blog - p_corrected|
    blog_odds: float  # max p / min p under the blog's formula (inf if a probability underflows to 0)
    corrected_odds: float  # max p / min p, corrected
    description: str  # one measured sentence for the UI


def _odds(p: np.ndarray) -> float:  # most over least probable word
    low = float(np.min(p))
    return float(np.max(p)) / low if low > 0 else float("inf")


def blog_vs_corrected(
    embeddings: np.ndarray,  # [V, d]
    vocabulary: Vocabulary,
    context: Sequence[str],
    temperature: float = 1.0,
) -> BlogComparison:
    """Run the blog's method twice, with its double exponential (as published) and without it.

    The ranking is the same (exp is increasing) but the odds between words are exp(e^s_i - e^s_j)
    instead of exp(s_i - s_j); this measures how much that distorts the distribution.
    """
    blog = blog_method(embeddings, vocabulary, context, temperature=temperature, faithful=True)
    corrected = blog_method(embeddings, vocabulary, context, temperature=temperature, faithful=False)
    tv = float(0.5 * np.abs(blog.probabilities - corrected.probabilities).sum())
    blog_odds, corrected_odds = _odds(blog.probabilities), _odds(corrected.probabilities)
    top_blog, top_corrected = (r.words[int(r.top_k(1)[0])] for r in (blog, corrected))
    numbers = {"blog": _times(blog_odds), "corrected": _times(corrected_odds), "tv": decimal(tv, 2)}
    if top_blog == top_corrected:
        description = _(
            "The blog's double exponential makes the most likely word {blog} as likely as the least likely "
            "(corrected: {corrected}); the two distributions differ by a total variation distance of {tv}, and both "
            "put '{word}' first."
        ).format(**numbers, word=top_blog)
    else:
        description = _(
            "The blog's double exponential makes the most likely word {blog} as likely as the least likely "
            "(corrected: {corrected}); the two distributions differ by a total variation distance of {tv}, and "
            "'{blog_word}' vs '{corrected_word}' first."
        ).format(**numbers, blog_word=top_blog, corrected_word=top_corrected)
    return BlogComparison(blog, corrected, tv, blog_odds, corrected_odds, description)


def _times(ratio: float) -> str:
    if not np.isfinite(ratio):
        return _("infinitely many times (a probability underflows to 0)")
    return _("{ratio} times").format(ratio=decimal(ratio, 1 if ratio < 100 else 0))
