"""The simple counting baselines: add-one word frequency and add-one word pairs.

Both are fitted on the training part of the text and scored on the same test words as the model
(the strong baseline, Kneser–Ney, is in `attention.evaluation.kneser_ney`):

    unigram (word frequency):  p(w) = (c(w) + 1) / (N + V)
    bigram (word pairs):       p(w | u) = (c(u, w) + 1) / (c(u) + V)

c counts in the training tokens (N of them), c(u) counts u as the first word of a pair, V is the
vocabulary size. Adding one to every count ("add-one" or Laplace smoothing) keeps unseen words and
pairs possible, so the perplexity stays finite, but over a large vocabulary it gives far too much
to unseen pairs: that is why the Kneser–Ney baseline stands beside it. A baseline's top-1 guess is
its most probable word; ties go to the more frequent word, then to the lower id.
"""

from __future__ import annotations

import numpy as np


def unigram_probabilities(train_ids: np.ndarray, vocab_size: int) -> np.ndarray:  # [N] -> [V]
    """p(w) = (c(w) + 1) / (N + V)."""
    counts = np.bincount(train_ids, minlength=vocab_size)
    return (counts + 1) / (len(train_ids) + vocab_size)


def unigram_score_arrays(
    train_ids: np.ndarray, targets: np.ndarray, vocab_size: int
) -> tuple[np.ndarray, np.ndarray]:  # -> log p [M], guesses [M]
    """Every target gets the same guess: the most frequent training word."""
    p = unigram_probabilities(train_ids, vocab_size)
    return np.log(p[targets]), np.full(len(targets), np.argmax(p))


def bigram_score_arrays(
    train_ids: np.ndarray, previous: np.ndarray, targets: np.ndarray, vocab_size: int
) -> tuple[np.ndarray, np.ndarray]:  # [N], [M], [M] -> log p [M], guesses [M]
    """log p(target | previous word) for every pair at once (no [V, V] table), and the top-1 guesses."""
    V = vocab_size
    pair_codes, pair_counts = np.unique(train_ids[:-1] * V + train_ids[1:], return_counts=True)  # sorted codes
    first_counts = np.bincount(train_ids[:-1], minlength=V)  # c(u)
    asked = previous * V + targets
    at = np.minimum(np.searchsorted(pair_codes, asked), len(pair_codes) - 1)
    c_pair = np.where(pair_codes[at] == asked, pair_counts[at], 0)
    log_p = np.log((c_pair + 1) / (first_counts[previous] + V))
    return log_p, bigram_guesses(pair_codes, pair_counts, train_ids, previous, V)


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
