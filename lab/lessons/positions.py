"""Lesson 3, Why positions matter: shuffle the earlier words, with positions 'none' and with learned ones."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import attention
from attention import charts
from attention.core.streams import Use, rng_for
from attention.i18n import N_, _
from attention.teaching import lessons as measure
from attention.teaching.analysis import shuffle_earlier_words

from . import Lesson, Step, presets

TOP = 6


@dataclass(frozen=True)
class Measured:
    context: list[str]
    shuffled: list[str]
    learned: tuple[attention.NextWordDistribution, attention.NextWordDistribution]  # before, after
    none: tuple[attention.NextWordDistribution, attention.NextWordDistribution]
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    without, learned = models
    context = presets.example_context(learned.context_window)
    shuffled = shuffle_earlier_words(context, rng_for(seed, Use.LESSON, 4))
    pair = {name: (m.next_word_distribution(context), m.next_word_distribution(shuffled))
            for name, m in (("none", without), ("learned", learned))}  # fmt: skip
    claim = measure.positions_matter(without, learned, presets.TOKENS, seed)
    return Measured(context, shuffled, pair["learned"], pair["none"], claim)


def compare(which: str):
    def picture(m: Measured) -> partial:
        before, after = getattr(m, which)
        return partial(charts.comparison_chart, before, after, top_k=TOP, before_label=_("in order"),
                       after_label=_("shuffled"))  # fmt: skip

    return picture


LESSON = Lesson(
    slug="why-positions-matter",
    title=N_("Why positions matter"),
    promise=N_("Without positions, attention cannot tell 'the dog bit the man' from 'the man bit the dog'."),
    minutes=7,
    measure=measured,
    training_text=presets.TEXT,
    settings=(presets.NO_POSITIONS, presets.LEARNED),
    steps=(
        Step(
            N_("A prediction from six words"),
            N_(
                "The model with learned positions reads 'mara walked back up from the'. Its position vectors P are "
                "added to the words: X = E[w] + P, so 'the' at place 6 differs from 'the' at place 1."
            ),
            N_("Which word should come next? How sure is the model?"),
            N_("Say the sentence with its words shuffled: can you still guess?"),
            lambda m: partial(charts.next_word_chart, m.learned[0], top_k=TOP, true_next="harbour"),
        ),
        Step(
            N_("Shuffle the earlier words: learned positions"),
            N_(
                "The last word stays, the five before it are shuffled. With positions, the model sees the new order "
                "and its prediction moves."
            ),
            N_("Did the top word change? Why would order matter for the next word?"),
            N_("In the Lab, open What if and shuffle the words of your own text."),
            compare("learned"),
        ),
        Step(
            N_("The same with positions 'none'"),
            N_(
                "A second model, trained alike but without positions. Its last word attends to a set of words: the "
                "same words in another order give the very same weights and output."
            ),
            N_("Why are the two bars of each word exactly equal?"),
            N_("In the Lab, set Train's Positions to none, train, and shuffle in What if."),
            compare("none"),
        ),
        Step(
            N_("Measured on this run"),
            N_(
                "The same shuffle over many contexts of the story, for both models: the average distance between the "
                "predictions before and after (0 = the same, 1 = nothing in common)."
            ),
            N_("Where else would a model need to know order: in numbers, in code, in music?"),
            N_("Change the seed in the link (seed=...) and see whether the numbers hold."),
            compare("none"),
        ),
    ),
)
