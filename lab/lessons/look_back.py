"""Lesson 2, One word looks back: the queries, keys and values of one word in a four-word window, from the
trained model's own forward pass (the pictures of the Lab's Step by step view)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import attention
from attention import charts
from attention.i18n import N_, _
from attention.teaching import lessons as measure

from . import Lesson, Step, presets

WINDOW = 4
MATRIX_NAMES = {"weights": N_("weights")}
"""The matrices' names that are words (Q, K, V are symbols)."""


@dataclass(frozen=True)
class Measured:
    steps: attention.ForwardSteps
    labels: list[str]
    prediction: attention.NextWordDistribution
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    del seed  # the model carries it
    (model,) = models
    context = presets.example_context(WINDOW)
    steps = model.forward_steps(context)
    labels = charts.position_labels(steps.words, range(presets.EXAMPLE_END - WINDOW + 2, presets.EXAMPLE_END + 2))
    prediction = model.next_word_distribution(context)
    return Measured(steps, labels, prediction, measure.one_word_looks_back(model, context))


def head_matrix(name: str, columns: bool = False):
    """A picture of head 1's matrix `name` (Q, K, V, weights), rows the window's words."""

    def picture(m: Measured) -> partial:
        matrix = getattr(m.steps, name)[0]
        title = _("{matrix}, head 1").format(matrix=_(MATRIX_NAMES[name]) if name in MATRIX_NAMES else name)
        if columns:
            return partial(charts.matrix_chart, matrix, m.labels, title=title, column_labels=m.labels,
                           column_title=_("word looked at"))  # fmt: skip
        return partial(charts.matrix_chart, matrix, m.labels, title=title)

    return picture


LESSON = Lesson(
    slug="one-word-looks-back",
    title=N_("One word looks back"),
    promise=N_("Queries, keys and values: how one word gathers what the earlier words offer."),
    minutes=8,
    measure=measured,
    training_text=presets.TEXT,
    settings=(presets.LEARNED,),
    steps=(
        Step(
            N_("Each word asks a question"),
            N_(
                "The model reads 'mara walked back up from the' four words at a time. Each word's vector goes through "
                "W_q to become its query: what it is looking for. The outlined row is the word we predict after."
            ),
            N_("Why does every word get a query, when only the last one predicts?"),
            N_("Hover the outlined row: these 8 numbers are all the question there is."),
            head_matrix("Q"),
        ),
        Step(
            N_("Each word offers a key"),
            N_(
                "The same vectors through W_k become keys: what each word has to offer. A query and a key that point "
                "the same way give a large score."
            ),
            N_("Can a word's key match its own query?"),
            N_("Compare a column of Q with the same column of K."),
            head_matrix("K"),
        ),
        Step(
            N_("Weights: who looks at whom"),
            N_(
                "softmax(Q·Kᵀ/√d_k) with the causal mask: each row sums to 1, and the grey cells are later words, "
                "which a word may never see."
            ),
            N_("Why must a word never look at the words after it?"),
            N_("Read the outlined row: where does the last word look most?"),
            head_matrix("weights", columns=True),
        ),
        Step(
            N_("Values: what is passed on"),
            N_(
                "The values V are what each word hands over. The last word's output is the weighted average of the "
                "value rows, with its weights from the previous step."
            ),
            N_("If all weight went to one word, what would the output be?"),
            N_("Open the Lab's Step by step view on your own text: the same matrices, every number."),
            head_matrix("V"),
        ),
        Step(
            N_("From the output to the next word"),
            N_(
                "The output goes through W_out to a score for every word of the vocabulary, and a softmax gives the "
                "prediction."
            ),
            N_("Is the true next word 'harbour' at the top?"),
            N_("In the Lab, pick another word of your text and compare."),
            lambda m: partial(
                charts.next_word_chart, m.prediction, top_k=6, true_next="harbour", score_title=_("logit z")
            ),
        ),
    ),
)
