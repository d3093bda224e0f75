"""Lesson, Words or pieces: how subword tokens (BPE) cut text, the first merges, and why no word is ever unknown.
The built-in stories the Lab's default model reads, and a prompt written apart from them. No training: the
word list and the merges are what a model of those stories would read with (the library's own functions)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from attention import charts
from attention.charts.tokens import merges_chart
from attention.i18n import N_, _
from attention.teaching import lessons as measure
from attention.tokens.subword import SubwordTokenizer
from attention.tokens.tokenization import Tokenized, split
from attention.tokens.words import Vocabulary, is_word
from attention.training.entry import tokenizer_for
from attention.training.parts import word_vocabulary
from attention.training.settings import TrainingSettings

from . import Lesson, Step, presets

SHOWN = 36  # tokens of the prompt on the strip
ROW = 44  # characters per row of the strip (its present-mode width fits the lesson's picture column)


@dataclass(frozen=True)
class Measured:
    as_words: Tokenized
    unknown: tuple[int, ...]  # positions (in as_words) of words a word model reads as <unk>
    as_pieces: Tokenized
    tokenizer: SubwordTokenizer
    vocabulary: Vocabulary
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    del models  # a tokenizer, not a model: the seed picks which words seen once are left out of the word list
    settings = TrainingSettings(tokenization="subwords", seed=seed)  # the Lab's defaults: 1,000 merges
    vocabulary = word_vocabulary(split(presets.STORIES).tokens, settings)
    tokenizer = tokenizer_for(presets.STORIES, settings)
    if tokenizer is None:  # never: the settings ask for subwords
        raise ValueError("subword settings gave no tokenizer")
    as_words, as_pieces = split(presets.STORIES_PROMPT), split(presets.STORIES_PROMPT, tokenizer)
    words = [t for t in as_words.tokens if is_word(t)]
    unknown = tuple(i for i, t in enumerate(as_words.tokens) if is_word(t) and t not in vocabulary.words)
    claim = measure.words_or_pieces(vocabulary, words, tokenizer, as_pieces.tokens)
    return Measured(as_words, unknown, as_pieces, tokenizer, vocabulary, claim)


def strip(tokenized: Tokenized, unknown: tuple[int, ...] = ()) -> partial:
    n = min(SHOWN, len(tokenized))
    return partial(charts.token_strip_chart, tokenized.tokens[:n], n, 1, span=n, chars_per_row=ROW,
                   labels=tokenized.labels[:n], joins=tokenized.joins[:n],
                   unknown=tuple(i + 1 for i in unknown if i < n))  # fmt: skip


def shares(m: Measured) -> np.ndarray:  # -> [1, 2]
    return np.array([[m.claim.numbers["unknown_share"], m.claim.numbers["unknown_pieces"] / m.claim.numbers["pieces"]]])


LESSON = Lesson(
    slug="words-or-pieces",
    title=N_("Words or pieces"),
    promise=N_("How subword tokens cut text into pieces, and why no word is ever unknown to them."),
    minutes=7,
    measure=measured,
    steps=(
        Step(
            N_("A model of words has a list"),
            N_(
                "A word model knows the words of the text it trained on (the Lab's built-in stories), and reads any "
                "other word as <unk>. This passage was written apart from the stories: the words marked * are not "
                "on the list."
            ),
            N_("What can a model predict after a word it reads as <unk>? Could it ever say that word?"),
            N_("Hover a starred word; then think of three words no children's story would use."),
            lambda m: strip(m.as_words, m.unknown),
        ),
        Step(
            N_("Byte-pair encoding: glue the commonest pair"),
            N_(
                "BPE starts from single characters and glues the neighbouring pair seen most often in the stories, "
                "again and again, 1,000 times. The first merges are the commonest pieces of English."
            ),
            N_("Why would ' t' + 'h' come before any rare word?"),
            N_("In the Lab, open Tokens and read what the merges make of your own text."),
            lambda m: partial(merges_chart, m.tokenizer.merges),
        ),
        Step(
            N_("Words become pieces"),
            N_(
                "The same passage cut by the merges: common words stay whole (with their leading space), rare ones "
                "become pieces that touch on the strip. Nothing is starred."
            ),
            N_("Which starred word of step 1 became which pieces?"),
            N_("In the Lab's Tokens view, type a word in the box and see what it costs."),
            lambda m: strip(m.as_pieces),
        ),
        Step(
            N_("Measured: no piece is unknown"),
            N_(
                "A word of pieces can always be spelled: a character the stories never used becomes its bytes. The "
                "share of the passage that is unknown, as words and as pieces."
            ),
            N_("What does a model pay for having no unknown words?"),
            N_(
                "In the Lab's Tokens view, type a word in any script, or an emoji: BPE never fails, it needs more "
                "pieces."
            ),
            lambda m: partial(
                charts.value_bars_chart,
                (_("as words"), _("as pieces")),
                tuple(shares(m).ravel()),
                value_title=_("share unknown to the model"),
                value_format=".0%",
            ),
        ),
    ),
)
