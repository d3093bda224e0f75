"""Counting baselines, so the app can say honestly how much attention buys over counting.

Both are fitted on the training part of the text and scored on the same held-out words as the model:

    unigram (word frequency):  p(w) = (c(w) + 1) / (N + V)
    bigram (word pairs):       p(w | u) = (c(u, w) + 1) / (c(u) + V)

c counts in the training tokens (N of them), c(u) counts u as the first word of a pair, V is the
vocabulary size. Adding one to every count ("add-one" or Laplace smoothing) keeps unseen words and
pairs possible, so the perplexity stays finite. A baseline's top-1 guess is its most probable
word; ties go to the more frequent word, then to the lower id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MethodScore:
    """How well one method predicts the held-out words."""

    perplexity: float  # exp(mean negative log-likelihood): "as unsure as a fair die with this many sides"
    accuracy: float  # fraction of held-out words that were the method's top-1 guess


@dataclass(frozen=True)
class Evaluation:
    """The model and both baselines on the same held-out next words."""

    model: MethodScore
    bigram: MethodScore
    unigram: MethodScore
    n_targets: int  # held-out words scored
    unknown_fraction: float  # of those, the fraction that are "<unk>" (words the model never learned)


def score(log_probabilities: np.ndarray, guesses: np.ndarray, targets: np.ndarray) -> MethodScore:  # [N], [N], [N]
    """perplexity = exp(-mean log p(target)), accuracy = mean(guess == target)."""
    return MethodScore(
        perplexity=float(np.exp(-np.mean(log_probabilities))),
        accuracy=float(np.mean(guesses == targets)),
    )


def unigram_probabilities(train_ids: np.ndarray, vocab_size: int) -> np.ndarray:  # [N] -> [V]
    """p(w) = (c(w) + 1) / (N + V)."""
    counts = np.bincount(train_ids, minlength=vocab_size)
    return (counts + 1) / (len(train_ids) + vocab_size)


def unigram_score(train_ids: np.ndarray, targets: np.ndarray, vocab_size: int) -> MethodScore:
    """Every held-out word gets the same guess: the most frequent training word."""
    p = unigram_probabilities(train_ids, vocab_size)
    guesses = np.full(len(targets), np.argmax(p))
    return score(np.log(p[targets]), guesses, targets)


def bigram_probabilities(train_ids: np.ndarray, previous: int, vocab_size: int) -> np.ndarray:  # -> [V]
    """p(w | previous) = (c(previous, w) + 1) / (c(previous) + V), for every w."""
    followers = train_ids[1:][train_ids[:-1] == previous]
    return (np.bincount(followers, minlength=vocab_size) + 1) / (len(followers) + vocab_size)


def bigram_score(train_ids: np.ndarray, previous: np.ndarray, targets: np.ndarray, vocab_size: int) -> MethodScore:
    """Score p(target | previous word) for held-out pairs, all at once (no [V, V] table)."""
    V = vocab_size
    pair_codes, pair_counts = np.unique(train_ids[:-1] * V + train_ids[1:], return_counts=True)  # sorted codes
    first_counts = np.bincount(train_ids[:-1], minlength=V)  # c(u)
    asked = previous * V + targets
    at = np.minimum(np.searchsorted(pair_codes, asked), len(pair_codes) - 1)
    c_pair = np.where(pair_codes[at] == asked, pair_counts[at], 0)
    log_p = np.log((c_pair + 1) / (first_counts[previous] + V))
    return score(log_p, bigram_guesses(pair_codes, pair_counts, train_ids, previous, V), targets)


def bigram_guesses(
    pair_codes: np.ndarray, pair_counts: np.ndarray, train_ids: np.ndarray, previous: np.ndarray, V: int
) -> np.ndarray:  # -> [len(previous)]
    """argmax_w c(u, w) for each u, ties to the more frequent w; a u never seen first falls back to unigram."""
    frequency = np.bincount(train_ids, minlength=V)
    first, second = pair_codes // V, pair_codes % V
    order = np.lexsort((second, -frequency[second], -pair_counts, first))  # best pair first within each u
    best = np.full(V, np.argmax(frequency))  # add-one makes an unseen u uniform: ties -> most frequent
    seen_first = first[order]
    keep = np.r_[True, seen_first[1:] != seen_first[:-1]]  # the first (best) row of each u
    best[seen_first[keep]] = second[order][keep]
    return best[previous]
