"""Interpolated Kneser–Ney: the strong counting baseline (Kneser & Ney, 1995; Chen & Goodman, 1998).

For order n (2 = word pairs, 3 = word triples), with h the last k - 1 words and a_k the counts of
order k (raw counts at the top order n, continuation counts N1+(• h w), "how many different words
came before", below it):

    p_k(w | h) = max(a_k(h, w) - D_k, 0) / a_k(h)  +  D_k · N1+(h •) / a_k(h) · p_(k-1)(w | h')
    p_0(w)     = 1 / V
    D_k        = n1 / (n1 + 2·n2)      n1, n2: how many (h, w) have a_k = 1, 2

a_k(h) = Σ_w a_k(h, w); a context h never seen at order k uses p_(k-1) directly. Each level takes
D_k from every seen count and gives it to the lower order, so p sums to 1 over the vocabulary for
every context. Intuition: "Francisco" is frequent, but only after "San", so as a guess after an
unseen context it should be rare; continuation counts say exactly that.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

Context = tuple[int, ...]


@dataclass(frozen=True)
class Level:
    """One order k: for each context h, its next words, their (discounted) counts and their total."""

    discount: float  # D_k
    followers: dict[Context, tuple[np.ndarray, np.ndarray, float]]  # h -> (words, max(a - D, 0), a(h))


def _discount(counts: Counter) -> float:
    """D = n1 / (n1 + 2·n2), kept in [0.1, 1] so no seen context gives its unseen words probability 0."""
    n1 = sum(1 for c in counts.values() if c == 1)
    n2 = sum(1 for c in counts.values() if c == 2)
    return 0.5 if n1 + n2 == 0 else min(max(n1 / (n1 + 2 * n2), 0.1), 1.0)


def _level(counts: Counter) -> Level:
    """Group the counts a(h, w) of one order by context h."""
    D = _discount(counts)
    grouped: dict[Context, list[tuple[int, int]]] = defaultdict(list)
    for (*h, w), c in counts.items():
        grouped[tuple(h)].append((w, c))
    followers = {}
    for h, pairs in grouped.items():
        words, word_counts = (np.array(x) for x in zip(*pairs, strict=True))
        followers[h] = (words, np.maximum(word_counts - D, 0.0), float(word_counts.sum()))
    return Level(D, followers)


class KneserNey:
    """An interpolated Kneser–Ney model of `order` fitted on ids [N] over a vocabulary of V words."""

    def __init__(self, train_ids: np.ndarray, vocab_size: int, order: int = 2) -> None:
        self.order, self.vocab_size = order, vocab_size
        ids = [int(i) for i in train_ids]
        grams = Counter(tuple(ids[i : i + order]) for i in range(len(ids) - order + 1))  # raw counts, top order
        self.levels = [_level(grams)]
        for _ in range(order - 1):  # continuation counts: distinct words before each shorter n-gram
            grams = Counter(gram[1:] for gram in grams)
            self.levels.insert(0, _level(grams))  # levels[k - 1] is order k

    def probabilities(self, context: Context) -> np.ndarray:  # -> [V], sums to 1
        """p(w | context) for every word w; only the last order - 1 words of the context matter."""
        p = np.full(self.vocab_size, 1.0 / self.vocab_size)
        for k, level in enumerate(self.levels, start=1):
            h = tuple(context[len(context) - (k - 1) :]) if k > 1 else ()
            if h not in level.followers:
                continue  # an unseen context: keep the lower order as it is
            words, discounted, total = level.followers[h]
            p *= level.discount * len(words) / total  # the mass the discounts set aside
            p[words] += discounted / total
        return p

    def score(self, ids: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # [N], [M] -> [M], [M]
        """log p(ids[j] | the words before j) and the top-1 guess, for each target position j."""
        log_p, guesses = np.empty(len(targets)), np.empty(len(targets), dtype=np.int64)
        for i, j in enumerate(targets):
            p = self.probabilities(tuple(int(x) for x in ids[max(0, j - self.order + 1) : j]))
            log_p[i], guesses[i] = np.log(p[ids[j]]), np.argmax(p)
        return log_p, guesses
