"""Lesson 2, One word looks back: the queries, keys and values of one word in a four-word window, from the
trained model's own forward pass (the pictures of the Lab's Step by step view)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import attention
from attention import charts
from attention.teaching import lessons as measure

from . import Lesson, Step, presets

WINDOW = 4


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
        matrix, title = getattr(m.steps, name)[0], f"{name}, head 1"
        if columns:
            return partial(charts.matrix_chart, matrix, m.labels, title=title, column_labels=m.labels,
                           column_title="word looked at")  # fmt: skip
        return partial(charts.matrix_chart, matrix, m.labels, title=title)

    return picture


LESSON = Lesson(
    slug="one-word-looks-back",
    title="One word looks back",
    promise="Queries, keys and values: how one word gathers what the earlier words offer.",
    minutes=8,
    measure=measured,
    training_text=presets.TEXT,
    settings=(presets.LEARNED,),
    steps=(
        Step(
            "Each word asks a question",
            "The model reads 'mara walked back up from the' four words at a time. Each word's vector goes through "
            "W_q to become its query: what it is looking for. The outlined row is the word we predict after.",
            "Why does every word get a query, when only the last one predicts?",
            "Hover the outlined row: these 8 numbers are all the question there is.",
            head_matrix("Q"),
        ),
        Step(
            "Each word offers a key",
            "The same vectors through W_k become keys: what each word has to offer. A query and a key that point "
            "the same way give a large score.",
            "Can a word's key match its own query?",
            "Compare a column of Q with the same column of K.",
            head_matrix("K"),
        ),
        Step(
            "Weights: who looks at whom",
            "softmax(Q·Kᵀ/√d_k) with the causal mask: each row sums to 1, and the grey cells are later words, "
            "which a word may never see.",
            "Why must a word never look at the words after it?",
            "Read the outlined row: where does the last word look most?",
            head_matrix("weights", columns=True),
        ),
        Step(
            "Values: what is passed on",
            "The values V are what each word hands over. The last word's output is the weighted average of the "
            "value rows, with its weights from the previous step.",
            "If all weight went to one word, what would the output be?",
            "Open the Lab's Step by step view on your own text: the same matrices, every number.",
            head_matrix("V"),
        ),
        Step(
            "From the output to the next word",
            "The output goes through W_out to a score for every word of the vocabulary, and a softmax gives the "
            "prediction.",
            "Is the true next word 'harbour' at the top?",
            "In the Lab, pick another word of your text and compare.",
            lambda m: partial(
                charts.next_word_chart, m.prediction, top_k=6, true_next="harbour", score_title="logit z"
            ),
        ),
    ),
)
