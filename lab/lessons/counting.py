"""Lesson, When does attention beat counting? A copy grammar, where the answer sits three words back and
attention wins, and real stories, where counting word pairs and triples wins on little text and the model
catches up with more. The models' own test-part scores against the counting baselines (the Train view's)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

import attention
from attention import charts
from attention.i18n import N_, _
from attention.teaching import copying
from attention.teaching import lessons as measure
from attention.tokens.words import tokenize

from . import Lesson, Step, presets

COPY_TOKENS = tuple(tokenize(presets.COPY_TEXT))
AT = [i for i, t in enumerate(COPY_TOKENS) if t == "is"][2] + 1  # 1-based: predict after the third 'is'
CONTEXT = list(COPY_TOKENS[AT - presets.COPY.context_window : AT])
WORDS = (len(presets.FEW_STORIES.split()), len(presets.STORIES.split()))  # whitespace-separated words


@dataclass(frozen=True)
class Measured:
    looks: np.ndarray  # [n] the copy model's attention from 'is', mean over heads
    prediction: attention.NextWordDistribution  # the copy model's, after 'is'
    few_stories: dict[str, float]  # counting baseline -> log₂(model's test perplexity ÷ its)
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    del seed  # the models carry it
    copy, few, every = models
    copied = copying.copy_accuracy(copy, presets.COPY_TEXT)
    claim = measure.attention_vs_counting(copy.evaluation, few.evaluation, every.evaluation, copied, WORDS)
    looks = copy.attention_weights(CONTEXT)[:, -1].mean(axis=0)
    return Measured(looks, copy.next_word_distribution(CONTEXT), measure.log_ratios(few.evaluation), claim)


def against_counters(m: Measured) -> partial:
    labels = [label.split(" (")[0].replace("Kneser–Ney", "KN") for label in m.few_stories]
    return partial(charts.value_bars_chart, tuple(labels), tuple(m.few_stories.values()),
                   value_title=_("log₂ ratio on a few stories (< 0: model wins)"))  # fmt: skip


def summary(m: Measured) -> partial:
    n = m.claim.numbers
    ratios = tuple(n[f"{name}_log2_ratio"] for name in ("copy", "small", "large"))
    names = (_("colour copy"), _("few stories"), _("all stories"))
    return partial(charts.value_bars_chart, names, ratios,
                   value_title=_("log₂ ratio, model ÷ best counter (< 0: model wins)"))  # fmt: skip


LESSON = Lesson(
    slug="attention-vs-counting",
    title=N_("When does attention beat counting?"),
    promise=N_("Attention wins when the answer is far back; on a little real text, counting words wins."),
    minutes=8,
    measure=measured,
    settings=(presets.COPY, presets.DEFAULTS, presets.DEFAULTS),
    texts=(presets.COPY_TEXT, presets.FEW_STORIES, presets.STORIES),
    steps=(
        Step(
            N_("A sentence that copies"),
            N_(
                "800 sentences like 'the red ball is red .': the word after 'is' repeats the colour three words "
                "back. A counter of word pairs or triples sees only 'ball is' and can only guess among ten colours."
            ),
            N_("What must a model remember to say the last word?"),
            N_("Say the rule in one sentence, then find where a trigram's view of the text ends."),
            lambda m: partial(
                charts.token_strip_chart, COPY_TOKENS[: AT + 2], AT, presets.COPY.context_window, chars_per_row=44
            ),
        ),
        Step(
            N_("Attention looks back at the colour"),
            N_(
                "The trained model's attention from 'is' over its window: the weight on the colour word three back "
                "is what lets it copy."
            ),
            N_("Which earlier word gets the most weight? Is it the word it will say?"),
            N_("Hover the bars and find the colour's weight."),
            lambda m: partial(charts.attention_row_chart, m.looks, CONTEXT),
        ),
        Step(
            N_("So it names the colour"),
            N_(
                "The model's next-word bars after 'is': nearly all on the colour the sentence began with. A word-"
                "triple counter would spread them over the ten colours."
            ),
            N_("How sure is the model? How sure could a counter be?"),
            N_("In the Lab, train on a copy text of your own and compare with the Train view's baselines."),
            lambda m: partial(charts.next_word_chart, m.prediction, top_k=6, true_next=CONTEXT[1]),
        ),
        Step(
            N_("Real stories, a little text: counting wins"),
            N_(
                "The same model on {few} words of the built-in stories, scored on their last tenth by perplexity "
                "(as unsure as a die with that many sides), against each counting baseline: a cell is log₂(model's "
                "perplexity ÷ the counter's), blue below 0 where the model wins, orange above 0 where the counter wins."
            ),
            N_("Why would counting word pairs and triples do well on a small text?"),
            N_("In the Lab's Train view, read the same table for your own text."),
            against_counters,
            numbers={"few": WORDS[0]},
        ),
        Step(
            N_("Measured on this run"),
            N_(
                "The copy text, {few} words and {every} words of stories, each against its strongest "
                "counting baseline: log₂(model's perplexity ÷ the counter's), blue where the model wins."
            ),
            N_("What does attention need more of before it beats counting on real text?"),
            N_("Change the seed in the link (seed=...) and see whether the numbers hold."),
            summary,
            numbers={"few": WORDS[0], "every": WORDS[1]},
        ),
    ),
)
