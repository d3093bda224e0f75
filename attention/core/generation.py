"""Generation: continue a text word by word from any next-word model, with top-k sampling."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import limits
from .predict import NextWordDistribution, sample_word


def top_k_filter(probabilities: np.ndarray, k: int) -> np.ndarray:  # [V] -> [V]
    """Keep the k most probable words, zero the rest and renormalise: p'(v) = p(v)·[v in top k] / Σ_top-k p.

    Ties keep vocabulary order (the first words win). k >= V leaves p unchanged (up to renormalising).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probabilities must be a non-empty vector, got shape {p.shape}")
    if not (isinstance(k, int | np.integer) and k >= 1):
        raise ValueError(f"top-k must be a whole number of at least 1 (got {k!r}); use None for no top-k filter")
    kept = np.zeros_like(p)
    top = np.argsort(-p, kind="stable")[:k]
    kept[top] = p[top]
    total = kept.sum()
    if not total > 0:
        raise ValueError("the top-k words all have probability 0, so there is nothing to sample from")
    return kept / total


@dataclass(frozen=True)
class GenerationStep:
    context: tuple[str, ...]  # the words the model was given (after clipping to the context window)
    distribution: NextWordDistribution  # what it predicted, after top-k renormalisation
    word: str  # the word drawn from `distribution`


NextDistribution = Callable[[list[str], float], NextWordDistribution]
"""(context words, temperature) -> the next-word distribution; e.g. a TrainedModel's next_word_distribution."""


def generate(
    next_distribution: NextDistribution,
    context: Sequence[str],
    n_words: int,
    *,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    context_window: int | None = None,
) -> list[GenerationStep]:
    """Write `n_words` words, one at a time: predict, (top-k filter,) sample, append, repeat.

    w_(t+1) ~ p(· | w_(t-k+1..t)) with p = next_distribution(context, T), then top-k filtered.
    Works with any model given as a callable. The same seed gives the same words.
    """
    words = _checked_context(context, n_words, temperature, context_window)
    steps = []
    for _ in range(n_words):
        used = words[-context_window:] if context_window else list(words)
        predicted = next_distribution(used, temperature)
        if top_k is not None:
            p = top_k_filter(predicted.probabilities, top_k)
            predicted = NextWordDistribution(words=predicted.words, scores=predicted.scores, probabilities=p)
        word = sample_word(predicted, rng)
        steps.append(GenerationStep(context=tuple(used), distribution=predicted, word=word))
        words.append(word)
    return steps


def _checked_context(context: Sequence[str], n_words: int, temperature: float, context_window: int | None) -> list[str]:
    """The context as a list of words, after checking every argument of `generate` (ValueError says how to fix)."""
    if isinstance(context, str):
        raise TypeError("context must be a list of words, e.g. attention.tokenize(text), not one string")
    words = list(context)
    if not words:
        raise ValueError("the context is empty: give at least one word to continue from")
    if not (isinstance(n_words, int | np.integer) and 1 <= n_words <= limits.MAX_GENERATED_WORDS):
        raise ValueError(
            f"number of words to generate must be between 1 and {limits.MAX_GENERATED_WORDS} (got {n_words!r})"
        )
    if not temperature > 0:
        raise ValueError(
            f"temperature must be > 0 (got {temperature}); use a small value such as 0.1 for near-greedy choices"
        )
    if context_window is not None and not context_window >= 1:
        raise ValueError(
            f"context window must be at least 1 word (got {context_window}), or None for the whole context"
        )
    return words
