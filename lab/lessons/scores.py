"""Lesson 1, From scores to weights: dot products, the division by √d_k, softmax and temperature. Pure math:
one query and six keys of random numbers, no training."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from attention import charts
from attention.i18n import N_, _
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
    title=N_("From scores to weights"),
    promise=N_("How a query's dot products with the keys become attention weights that sum to 1."),
    minutes=8,
    measure=measured,
    steps=(
        Step(
            N_("One score per word"),
            N_(
                "The last word asks a question, its query q; every word answers with a key k. The score is their "
                "dot product q·k: large when the two vectors point the same way. Hover a cell for its number."
            ),
            N_("Which word scores highest? Can a score be negative, and what would that mean?"),
            N_("Find the largest and the smallest score and say how far apart they are."),
            lambda m: partial(
                charts.matrix_chart,
                rows(m.found, "scores"),
                ["q·k"],
                column_labels=LABELS,
                column_title=_("word looked at"),
                value_title=_("score"),
            ),
        ),
        Step(
            N_("Divide by √d_k"),
            N_(
                "With d_k = 64 numbers per vector, random dot products spread about √64 = 8 times wider than one "
                "number does. Dividing by √d_k brings them back to a spread of about 1."
            ),
            N_("Why would a wide spread of scores be a problem for the next step?"),
            N_("Compare the two rows: the order of the words is the same, only the spread changes."),
            lambda m: partial(
                charts.matrix_chart,
                rows(m.found, "scores", "scaled_scores"),
                ["q·k", "q·k/√d_k"],
                column_labels=LABELS,
                column_title=_("word looked at"),
                value_title=_("score"),
            ),
        ),
        Step(
            N_("Softmax turns scores into weights"),
            N_(
                "softmax(s)_j = exp(s_j) / Σ exp(s_i): every weight is positive and they add up to 100%. "
                "These bars are the attention weights a = softmax(q·Kᵀ/√d_k)."
            ),
            N_("Do the weights keep the scores' order? What happens to a negative score?"),
            N_("Add up the percentages on the bars."),
            lambda m: partial(charts.attention_row_chart, m.found.weights, list(WORDS)),
        ),
        Step(
            N_("Without the scaling"),
            N_(
                "The same softmax on the unscaled scores: the widest gap wins almost everything, and the other "
                "words get next to nothing, so training learns little about them."
            ),
            N_("Which picture lets the word look at more than one other word?"),
            N_("Compare the top bar here with the top bar of the previous step."),
            lambda m: partial(charts.attention_row_chart, m.found.unscaled_weights, list(WORDS)),
        ),
        Step(
            N_("Temperature: sharper or flatter"),
            N_(
                "Dividing the scores by a temperature τ before the softmax sharpens the weights (τ < 1) or flattens "
                "them (τ > 1). The Lab's temperature slider does this to the next-word prediction."
            ),
            N_("Which τ would make the model always pick its favourite? Which makes it guess at random?"),
            N_("In the Lab, move the temperature slider and watch the next-word bars."),
            lambda m: partial(
                charts.matrix_chart,
                np.stack(list(m.found.by_temperature.values())),
                [f"τ = {t:g}" for t in m.found.by_temperature],
                column_labels=LABELS,
                column_title=_("word looked at"),
                value_title=_("weight"),
            ),
        ),
    ),
)
