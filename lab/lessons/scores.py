"""Lesson 1, From scores to weights: dot products, the division by √d_k, softmax and temperature. Pure math:
one query and six keys of random numbers, no training."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from attention import charts
from attention.teaching import lessons as measure

from . import Lesson, Step

WORDS = ("the", "cat", "sat", "on", "the", "mat")
LABELS = charts.position_labels(WORDS)


@dataclass(frozen=True)
class Measured:
    found: measure.ScoresToWeights
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    del models  # no model: the numbers are drawn from the seed
    found = measure.scores_to_weights(seed, n_words=len(WORDS))
    return Measured(found, measure.scaling_and_temperature(seed, n_words=len(WORDS)))


def rows(found: measure.ScoresToWeights, *names: str) -> np.ndarray:  # -> [len(names), n]
    return np.stack([getattr(found, name) for name in names])


LESSON = Lesson(
    slug="scores-to-weights",
    title="From scores to weights",
    promise="How a query's dot products with the keys become attention weights that sum to 1.",
    minutes=8,
    measure=measured,
    steps=(
        Step(
            "One score per word",
            "The last word asks a question, its query q; every word answers with a key k. The score is their "
            "dot product q·k: large when the two vectors point the same way. Hover a cell for its number.",
            "Which word scores highest? Can a score be negative, and what would that mean?",
            "Find the largest and the smallest score and say how far apart they are.",
            lambda m: partial(
                charts.matrix_chart,
                rows(m.found, "scores"),
                ["q·k"],
                column_labels=LABELS,
                column_title="word looked at",
                value_title="score",
            ),
        ),
        Step(
            "Divide by √d_k",
            "With d_k = 64 numbers per vector, random dot products spread about √64 = 8 times wider than one "
            "number does. Dividing by √d_k brings them back to a spread of about 1.",
            "Why would a wide spread of scores be a problem for the next step?",
            "Compare the two rows: the order of the words is the same, only the spread changes.",
            lambda m: partial(
                charts.matrix_chart,
                rows(m.found, "scores", "scaled_scores"),
                ["q·k", "q·k/√d_k"],
                column_labels=LABELS,
                column_title="word looked at",
                value_title="score",
            ),
        ),
        Step(
            "Softmax turns scores into weights",
            "softmax(s)_j = exp(s_j) / Σ exp(s_i): every weight is positive and they add up to 100%. "
            "These bars are the attention weights a = softmax(q·Kᵀ/√d_k).",
            "Do the weights keep the scores' order? What happens to a negative score?",
            "Add up the percentages on the bars.",
            lambda m: partial(charts.attention_row_chart, m.found.weights, list(WORDS)),
        ),
        Step(
            "Without the scaling",
            "The same softmax on the unscaled scores: the widest gap wins almost everything, and the other "
            "words get next to nothing, so training learns little about them.",
            "Which picture lets the word look at more than one other word?",
            "Compare the top bar here with the top bar of the previous step.",
            lambda m: partial(charts.attention_row_chart, m.found.unscaled_weights, list(WORDS)),
        ),
        Step(
            "Temperature: sharper or flatter",
            "Dividing the scores by a temperature τ before the softmax sharpens the weights (τ < 1) or flattens "
            "them (τ > 1). The Lab's temperature slider does this to the next-word prediction.",
            "Which τ would make the model always pick its favourite? Which makes it guess at random?",
            "In the Lab, move the temperature slider and watch the next-word bars.",
            lambda m: partial(
                charts.matrix_chart,
                np.stack(list(m.found.by_temperature.values())),
                [f"τ = {t:g}" for t in m.found.by_temperature],
                column_labels=LABELS,
                column_title="word looked at",
                value_title="weight",
            ),
        ),
    ),
)
