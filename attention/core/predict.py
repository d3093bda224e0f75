"""Next-word distributions and sampling, for the app and for notebooks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .mechanism import softmax
from .parameters import UNKNOWN_TOKEN


@dataclass(frozen=True)
class NextWordDistribution:
    """A probability for every vocabulary word, with the scores softmax turned into them."""

    words: tuple[str, ...]  # [V] candidates, in vocabulary order
    scores: np.ndarray  # [V] the scores before softmax (s for the blog method, logits for a model)
    probabilities: np.ndarray  # [V] sums to 1

    def top_k(self, k: int) -> np.ndarray:  # -> [min(k, V)] indices, most probable first
        """Indices of the k most probable words; ties keep vocabulary order."""
        order = np.argsort(-self.probabilities, kind="stable")
        return order[: max(k, 0)]

    def reads_as(self, word: str) -> str:
        """The candidate that stands for `word`: the word itself, or "<unk>" for a word the model never learned."""
        return UNKNOWN_TOKEN if word not in self.words and UNKNOWN_TOKEN in self.words else word

    def probability_of(self, word: str) -> float:
        """p(word). A word the model does not know gets the probability of "<unk>", the token it reads it as:
        the chance that the next word is some word it does not know (never a false 0)."""
        word = self.reads_as(word)
        return float(self.probabilities[self.words.index(word)]) if word in self.words else 0.0


def sample_word(distribution: NextWordDistribution, rng: np.random.Generator) -> str:
    """Draw one word with probability p(word), using only the generator passed in."""
    return distribution.words[int(rng.choice(len(distribution.words), p=distribution.probabilities))]


def context_slice(n_tokens: int, position: int, context_window: int) -> slice:
    """Tokens w[position-k+1 .. position] (0-based position of the word we predict after).

    Raises ValueError with the allowed range when the window does not fit.
    """
    if not 0 <= position < n_tokens:
        raise ValueError(f"position must be between 1 and {n_tokens} for a text of {n_tokens} tokens")
    if not 1 <= context_window <= position + 1:
        raise ValueError(
            f"context window must be between 1 and {position + 1} when predicting after word {position + 1}"
        )
    return slice(position + 1 - context_window, position + 1)


def distribution_from_logits(
    words: Sequence[str], logits: np.ndarray, *, temperature: float = 1.0
) -> NextWordDistribution:  # [V] words, [V] logits z
    """p = softmax(z / T): the next-word distribution a model's logits give at temperature T."""
    return NextWordDistribution(
        words=tuple(words), scores=logits, probabilities=softmax(logits, temperature=temperature)
    )
