"""The text's three parts and the model's vocabulary.

    tokens = [ train ........................ | validation | test ]      three contiguous blocks

The training part fits the weights; the validation part picks the kept weights and when to stop;
the test part, never seen by either, gives the reported scores. Contiguous blocks (not shuffled
sentences) so the test part is text that comes after everything the model learned from.

The vocabulary is the training part's words, except that a share of the words seen only once are
read as "<unk>" (chosen by the seed): so the model learns what an unknown word looks like and
gives sensible probability to words it never saw.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from .. import limits
from ..core.parameters import UNKNOWN_TOKEN
from ..core.streams import Use, rng_for
from ..i18n import _, count, ngettext
from ..tokens.words import Vocabulary
from .settings import TrainingSettings

TRAIN_LOSS_SAMPLE = 1024
"""The reported training loss is measured on at most this many evenly spaced training tokens."""


@dataclass(frozen=True)
class Parts:
    """Token counts of the three parts; they tile [0, n_tokens) in this order."""

    n_train: int
    n_validation: int
    n_test: int

    @property
    def validation_start(self) -> int:
        return self.n_train

    @property
    def test_start(self) -> int:
        return self.n_train + self.n_validation

    @property
    def n_tokens(self) -> int:
        return self.n_train + self.n_validation + self.n_test


class UnsuitableText(ValueError):
    """A text that cannot be split for training with these settings; its message is in the active language.

    `words()` says it again in the language active where it is called: a training thread's error is shown to
    each session in its own (lab/serving/training_job.py)."""

    def __init__(self, words: Callable[[], str]) -> None:
        super().__init__(words())
        self.words = words


def _too_short(n_tokens: int) -> str:
    return ngettext(
        "this text has {n} token; training needs at least {needed}: paste a few more sentences",
        "this text has {n} tokens; training needs at least {needed}: paste a few more sentences",
        n_tokens,
    ).format(n=count(n_tokens), needed=count(limits.MIN_TRAIN_TOKENS))


def _window_too_long(n_train: int, n_tokens: int) -> str:
    return _(
        "context window must be between 1 and {top} for this text: it keeps {train} of its {tokens} tokens for "
        "training; use a smaller window or a longer text"
    ).format(top=count(n_train - 1), train=count(n_train), tokens=count(n_tokens))


def split_parts(n_tokens: int, settings: TrainingSettings) -> Parts:
    """Train, validation and test sizes: ceil(fraction · n) for the last two. Raises UnsuitableText (a
    ValueError) if too few."""
    if n_tokens < limits.MIN_TRAIN_TOKENS:
        raise UnsuitableText(partial(_too_short, n_tokens))
    n_validation = math.ceil(settings.validation_fraction * n_tokens)
    n_test = math.ceil(settings.test_fraction * n_tokens)
    n_train = n_tokens - n_validation - n_test
    if settings.context_window > n_train - 1:
        raise UnsuitableText(partial(_window_too_long, n_train, n_tokens))
    return Parts(n_train, n_validation, n_test)


def build_vocabulary(
    train_tokens: Sequence[str], max_words: int, unknown_fraction: float = 0.0, seed: int = 0
) -> Vocabulary:
    """The most frequent training words (at most max_words, in order of first appearance), then "<unk>".

    round(unknown_fraction · n1) of the n1 words seen once, picked by `seed`, are left out, so their
    one occurrence trains "<unk>".
    """
    counts = Counter(train_tokens)
    once = [word for word in dict.fromkeys(train_tokens) if counts[word] == 1]
    rng = rng_for(seed, Use.UNKNOWN_WORDS)
    for i in rng.permutation(len(once))[: round(unknown_fraction * len(once))]:
        del counts[once[i]]
    if len(counts) > max_words:
        rank = {word: i for i, word in enumerate(dict.fromkeys(train_tokens))}
        kept = set(sorted(counts, key=lambda w: (-counts[w], rank[w]))[:max_words])
        counts = Counter({word: counts[word] for word in kept})
    return Vocabulary((*(w for w in dict.fromkeys(train_tokens) if w in counts), UNKNOWN_TOKEN))


def token_ids(tokens: Sequence[str], vocabulary: Vocabulary) -> np.ndarray:  # [N] str -> [N] int64
    """Each token's id; a word outside the vocabulary gets the id of "<unk>"."""
    index, unknown = {word: i for i, word in enumerate(vocabulary.words)}, vocabulary.id_of(UNKNOWN_TOKEN)
    return np.array([index.get(token, unknown) for token in tokens], dtype=np.int64)


def word_vocabulary(tokens: Sequence[str], settings: TrainingSettings) -> Vocabulary:
    """A word model's vocabulary for this text and settings: its training part's words (`build_vocabulary`)."""
    n_train = split_parts(len(tokens), settings).n_train
    return build_vocabulary(tokens[:n_train], limits.MAX_MODEL_VOCABULARY, settings.unknown_fraction, settings.seed)
