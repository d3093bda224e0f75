"""What each attention head does, in two numbers: its previous-token score and its induction score.

Both read attention weights A[ℓ, h, i, j] (query i, key j) on a probe: random distinct words (no
punctuation), then the same words again (Olsson et al., 2022, "In-context Learning and Induction Heads"):

    previous-token score(ℓ, h) = mean_i A[ℓ, h, i, i-1]              over every position i ≥ 1
    induction score(ℓ, h)      = mean_i A[ℓ, h, i, prev(i) + 1]      over every i whose word occurred before,
                                 prev(i) = the latest j < i with w_j = w_i

A previous-token head looks one word back; an induction head looks at the word right after the last
time it saw the current word (on the probe: from each word of the second copy to the word that
followed it in the first). Both scores are between 0 and 1: 1 is all the attention in the right place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.model import forward
from ..core.parameters import UNKNOWN_TOKEN, Architecture, Parameters
from ..core.streams import Use, rng_for
from ..tokens.words import Vocabulary, is_word

PROBE_SEQUENCES = 8
"""Probe sequences scored at once (each a random segment and its repeat)."""

PROBE_MAX_SEGMENT = 8
"""Words per probe segment at most (fewer when the context window or the vocabulary is smaller)."""


@dataclass(frozen=True)
class HeadScores:
    """Scores per layer × head, as nested tuples (hashable, comparable, small to store in every history point)."""

    previous_token: tuple[tuple[float, ...], ...]  # [L][h]
    induction: tuple[tuple[float, ...], ...]  # [L][h]

    @classmethod
    def from_arrays(cls, previous_token: np.ndarray, induction: np.ndarray) -> HeadScores:  # [L, h], [L, h]
        as_tuples = lambda a: tuple(tuple(float(x) for x in row) for row in a)  # noqa: E731
        return cls(as_tuples(previous_token), as_tuples(induction))

    def best(self, kind: str = "induction") -> tuple[int, int, float]:
        """(layer, head, score) of the head with the highest score of this kind, both counted from 0."""
        scores = np.asarray(getattr(self, kind))  # [L, h]
        layer, head = np.unravel_index(int(scores.argmax()), scores.shape)
        return int(layer), int(head), float(scores[layer, head])


def previous_token_scores(weights: np.ndarray) -> np.ndarray:  # [B, L, h, n, n] -> [L, h]
    """mean over windows and positions i ≥ 1 of A[ℓ, h, i, i-1]."""
    n = weights.shape[-1]
    if n < 2:
        return np.zeros(weights.shape[1:3])
    i = np.arange(1, n)
    return weights[..., i, i - 1].mean(axis=(0, -1))  # [B, L, h, n-1] -> [L, h]


def induction_pairs(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # [n] -> queries [M], keys [M]
    """Each position i whose word occurred before, and the position right after its latest earlier occurrence."""
    latest: dict[int, int] = {}
    queries, keys = [], []
    for i, token in enumerate(ids.tolist()):
        if token in latest:
            queries.append(i)
            keys.append(latest[token] + 1)
        latest[token] = i
    return np.asarray(queries, dtype=np.int64), np.asarray(keys, dtype=np.int64)


def induction_scores(weights: np.ndarray, ids: np.ndarray) -> np.ndarray:  # [B, L, h, n, n], [B, n] -> [L, h]
    """mean over every repeated word of every window of A[ℓ, h, i, prev(i) + 1]; zeros when nothing repeats."""
    picked = []
    for b in range(len(ids)):
        queries, keys = induction_pairs(ids[b])
        picked.append(weights[b][..., queries, keys])  # [L, h, M_b]
    found = np.concatenate(picked, axis=-1)
    return found.mean(axis=-1) if found.shape[-1] else np.zeros(weights.shape[1:3])


def head_scores(weights: np.ndarray, ids: np.ndarray) -> HeadScores:  # [B, L, h, n, n], [B, n]
    """Both scores of every layer × head on windows `ids` whose attention weights are `weights`."""
    return HeadScores.from_arrays(previous_token_scores(weights), induction_scores(weights, ids))


def probe(words: np.ndarray, context_window: int, rng: np.random.Generator) -> np.ndarray | None:  # -> [P, 2m]
    """PROBE_SEQUENCES random segments of m distinct ids drawn from `words`, each followed by its repeat;
    None when the window or the words are too few for a repeat (m < 2)."""
    m = min(PROBE_MAX_SEGMENT, context_window // 2, len(words))
    if m < 2:
        return None
    segments = np.stack([words[rng.permutation(len(words))[:m]] for _ in range(PROBE_SEQUENCES)])  # [P, m]
    return np.concatenate([segments, segments], axis=1)


def probe_words(vocabulary: Vocabulary) -> np.ndarray:  # -> [W] ids
    """The ids a probe draws from: real words, not punctuation (a "." inside a probe segment ends a sentence
    the repeat then continues) and not "<unk>"."""
    return np.array([i for i, w in enumerate(vocabulary.words) if is_word(w) and w != UNKNOWN_TOKEN], dtype=np.int64)


def training_probe(vocabulary: Vocabulary, context_window: int, seed: int) -> np.ndarray | None:  # -> [P, 2m]
    """The probe a training run with this seed measures its heads on (its own random stream)."""
    return probe(probe_words(vocabulary), context_window, rng_for(seed, Use.HEAD_PROBE))


def model_scores(model) -> HeadScores | None:
    """A trained model's head scores on its training probe (None when its vocabulary is too small)."""
    ids = training_probe(model.vocabulary, model.context_window, model.settings.seed)
    return None if ids is None else measure(model.architecture, model.parameters, ids)


def measure(architecture: Architecture, parameters: Parameters, probe_ids: np.ndarray) -> HeadScores:
    """The model's head scores on the probe (a forward pass without dropout)."""
    _, cache = forward(architecture, parameters, probe_ids, last_only=True)
    return head_scores(cache.weights, probe_ids)
