"""Lesson 4, Attention is not explanation: remove the most-attended word, or another, and measure the move."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

import attention
from attention import charts
from attention.i18n import N_, _
from attention.teaching import lessons as measure
from attention.teaching.analysis import remove_word

from . import Lesson, Step, presets

TOP = 6


@dataclass(frozen=True)
class Measured:
    example: measure.Removal
    before: attention.NextWordDistribution
    without_most_attended: attention.NextWordDistribution
    without_mattered_most: attention.NextWordDistribution
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    (model,) = models
    claim, example = measure.attention_is_not_explanation(model, presets.TOKENS, seed)
    if example is None:  # the most-attended word mattered most everywhere: show the story's example context
        example = measure.removals(model, presets.example_context(model.context_window))
    words = list(example.context)
    return Measured(
        example, model.next_word_distribution(words),
        model.next_word_distribution(remove_word(words, example.most_attended)),
        model.next_word_distribution(remove_word(words, example.mattered_most)), claim,
    )  # fmt: skip


def labels(m: Measured) -> list[str]:
    return charts.position_labels(m.example.context)


def side_by_side(m: Measured) -> np.ndarray:  # -> [2, n - 1]: attention and the move, per earlier word
    return np.stack([m.example.weights[:-1], m.example.moved])


LESSON = Lesson(
    slug="attention-is-not-explanation",
    title=N_("Attention is not explanation"),
    promise=N_("The word a model looks at most is not always the word its prediction depends on."),
    minutes=8,
    measure=measured,
    training_text=presets.TEXT,
    settings=(presets.LEARNED,),
    steps=(
        Step(
            N_("Where the last word looks"),
            N_(
                "The model's attention from the last word of a context of the story, averaged over its heads. It is "
                "tempting to read the longest bar as the reason for the prediction."
            ),
            N_("Which earlier word would you remove to change the prediction most?"),
            N_("Write down your guess before the next step."),
            lambda m: partial(charts.attention_row_chart, m.example.weights, list(m.example.context)),
        ),
        Step(
            N_("Remove the most-attended word"),
            N_("The context without the earlier word that got the most attention: the bars before and after."),
            N_("Did the prediction move as much as you expected?"),
            N_("In the Lab, open What if, choose remove one word, and remove the most-attended one."),
            lambda m: partial(
                charts.comparison_chart,
                m.before,
                m.without_most_attended,
                top_k=TOP,
                before_label=_("whole context"),
                after_label=_("without the most-attended"),
            ),
        ),
        Step(
            N_("Remove the word that matters most"),
            N_(
                "Removing each earlier word in turn finds the one the prediction depends on most. Here it is another "
                "word than the most-attended one (or the same, if this run found no such context)."
            ),
            N_("How can a word matter without being looked at? (Think of what the values carry, and the last word.)"),
            N_("Remove other words in What if and rank them by how much the prediction moves."),
            lambda m: partial(
                charts.comparison_chart,
                m.before,
                m.without_mattered_most,
                top_k=TOP,
                before_label=_("whole context"),
                after_label=_("without the word that matters most"),
            ),
        ),
        Step(
            N_("Measured on this run"),
            N_(
                "Top row: the attention each earlier word gets; bottom row: how far removing it moves the prediction "
                "(total variation). The two rows need not agree."
            ),
            N_("What would you need, beyond attention weights, to explain a prediction?"),
            N_("Change the seed in the link (seed=...) and see whether the numbers hold."),
            lambda m: partial(
                charts.matrix_chart,
                side_by_side(m),
                [_("attention"), _("moved by removing")],
                column_labels=labels(m)[:-1],
                column_title=_("earlier word"),
                value_title=_("share"),
            ),
        ),
    ),
)
