"""Lesson, The blog's toy: the post's method (one averaged query of random vectors, scored against every word),
its bugs, and why it is not self-attention. The pictures of the Lab's "The blog's method: a toy" view."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

import attention
from attention import charts
from attention.core.streams import Use, rng_for
from attention.i18n import N_, _
from attention.teaching import analysis
from attention.teaching import lessons as measure

from . import Lesson, Step, presets

D_E, WINDOW, TOP = 3, 4, 6  # the blog's embedding size and the Lab's default window
VOCABULARY = attention.Vocabulary.from_tokens(presets.TOKENS)


def labels() -> charts.ComparisonLabels:
    """The comparison's two bars, in the page's language."""
    return {"before_label": _("as in the blog"), "after_label": _("corrected")}


@dataclass(frozen=True)
class Measured:
    context: list[str]
    result: attention.BlogMethodResult  # corrected
    shuffled: attention.BlogMethodResult  # the same context, earlier words shuffled
    comparison: analysis.BlogComparison
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    del models  # no training: random vectors drawn from the seed, as the blog does
    embeddings = attention.random_embeddings(len(VOCABULARY), D_E, rng_for(seed, Use.BLOG_EMBEDDINGS))
    context = presets.example_context(WINDOW)
    result = attention.blog_method(embeddings, VOCABULARY, context)
    shuffled = analysis.shuffle_earlier_words(context, rng_for(seed, Use.LESSON, 4))
    return Measured(
        context,
        result,
        attention.blog_method(embeddings, VOCABULARY, shuffled),
        analysis.blog_vs_corrected(embeddings, VOCABULARY, context),
        measure.blog_toy(embeddings, VOCABULARY, presets.TOKENS, WINDOW, seed),
    )


def accuracies(m: Measured) -> np.ndarray:  # -> [1, 3]
    return np.array([[m.claim.numbers["accuracy"], m.claim.numbers["most_common"], m.claim.numbers["chance"]]])


LESSON = Lesson(
    slug="the-blogs-toy",
    title=N_("The blog's toy"),
    promise=N_("The blog post this lab started from: its method, its bugs, and why it is not self-attention."),
    minutes=7,
    measure=measured,
    steps=(
        Step(
            N_("The blog's method"),
            N_(
                "Every word gets a random vector of {d_e} numbers. The query is the average of the last {window} "
                "words' vectors, q = mean(E[context]); every word of the vocabulary is scored by E[v]·q/√d_e, and a "
                "softmax gives the bars. Nothing is learned."
            ),
            N_("Is the true next word 'harbour' near the top? Would you expect it to be?"),
            N_("In the Lab, open The blog's method and change the seed: the whole ranking changes."),
            lambda m: partial(
                charts.next_word_chart, m.result, top_k=TOP, true_next="harbour", score_title=_("score s")
            ),
            numbers={"d_e": D_E, "window": WINDOW},
        ),
        Step(
            N_("Its main bug: a double exponential"),
            N_(
                "The post applies softmax to exp(s) instead of s: the order of the words stays, but the odds between "
                "them are distorted. The Lab's Blog-faithful switch puts the bug back."
            ),
            N_("Which bars grew and which shrank? Does the top word change?"),
            N_("Turn on Blog-faithful in the Lab's sidebar and compare."),
            lambda m: partial(
                charts.comparison_chart, m.comparison.blog, m.comparison.corrected, top_k=TOP, **labels()
            ),
        ),
        Step(
            N_("It cannot see order"),
            N_(
                "The same context with its earlier words shuffled: an average of vectors is the same in any order, so "
                "the bars are exactly equal. Its other bugs: the sampled index looked up in the wrong list, an input "
                "changed in place, global randomness, two arguments never used."
            ),
            N_("What would 'the dog bit the man' and 'the man bit the dog' give?"),
            N_("Compare this with the lesson Why positions matter."),
            lambda m: partial(
                charts.comparison_chart,
                m.result,
                m.shuffled,
                top_k=TOP,
                before_label=_("in order"),
                after_label=_("shuffled"),
            ),
        ),
        Step(
            N_("Measured: why it is not self-attention"),
            N_(
                "Self-attention gives every word a query, a key and a value made by learned weights, and each word "
                "weighs the others. The blog has one query, no keys or values, no learning: its top-1 accuracy on the "
                "story, beside always saying the most common word, and chance."
            ),
            N_("What would the blog's method need to get better with more text?"),
            N_("Change the seed in the link (seed=...) and see whether the numbers hold."),
            lambda m: partial(
                charts.matrix_chart,
                accuracies(m),
                [_("top-1 right")],
                column_labels=[_("blog's method"), _("most common word"), _("chance")],
                column_title=_("guess"),
                value_title=_("share"),
            ),
        ),
    ),
)
