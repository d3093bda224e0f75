"""Lesson, Heads specialise: heads trained together take different jobs, shown by their scores and their maps.
The two-layer model of the induction lesson (the same preset, trained once for both lessons)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

import attention
from attention import charts
from attention.evaluation import head_scores as heads
from attention.i18n import N_, _
from attention.teaching import lessons as measure

from . import Lesson, Step, presets


@dataclass(frozen=True)
class Measured:
    model: attention.TrainedModel
    scores: heads.HeadScores
    context: list[str]
    previous_map: np.ndarray  # [n, n] the previous-token head's weights on the context
    other_map: np.ndarray  # [n, n] another head of the same layer
    previous_head: tuple[int, int]  # (layer, head), from 0
    other_head: tuple[int, int]
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    (model,) = models
    scores = measure.model_head_scores(model)
    layer, head, _score = scores.best("previous_token")
    other = (head + 1) % model.settings.heads
    context = presets.induction_context(seed)
    weights = model.attention_weights(context, layer=layer)  # [h, n, n]
    return Measured(model, scores, context, weights[head], weights[other], (layer, head), (layer, other),
                    measure.heads_specialise(scores))  # fmt: skip


def previous_map(m: Measured) -> partial:
    layer, head = m.previous_head
    title = _("layer {layer}, head {head} (previous-token)").format(layer=layer + 1, head=head + 1)
    return partial(
        charts.attention_heatmap, m.previous_map, m.context, cap=presets.HEATMAP_CAP, square=True, title=title
    )


def other_map(m: Measured) -> partial:
    layer, head = m.other_head
    title = _("layer {layer}, head {head} (another head)").format(layer=layer + 1, head=head + 1)
    return partial(charts.attention_heatmap, m.other_map, m.context, cap=presets.HEATMAP_CAP, square=True, title=title)


LESSON = Lesson(
    slug="heads-specialise",
    title=N_("Heads specialise"),
    promise=N_("Several heads look at the same words; training gives each a job, and a score can name it."),
    minutes=7,
    measure=measured,
    training_text=presets.INDUCTION_TEXT,
    settings=(presets.TWO_LAYERS,),
    steps=(
        Step(
            N_("A head that looks one word back"),
            N_(
                "A two-layer model with two heads per layer, trained on segments of made-up words said twice. This "
                "head's map: each row is a word, each column a word it may look at. Nearly all of each row's weight "
                "sits just left of the diagonal, on the word before."
            ),
            N_("Why would a model want every word to know the word before it?"),
            N_("Hover a few cells left of the diagonal: how close to 1 are they?"),
            previous_map,
        ),
        Step(
            N_("Its neighbour does something else"),
            N_(
                "The other head of the same layer, on the same words, trained at the same time from the same loss. "
                "Its weights spread elsewhere: nothing told the two heads to differ, yet they did."
            ),
            N_("If two heads did the same job, what would the model lose?"),
            N_("Compare the two maps row by row."),
            other_map,
        ),
        Step(
            N_("Scores name the jobs"),
            N_(
                "A score per head: the previous-token score is the mean attention to the word just before; the "
                "induction score the mean attention to the word after the last copy of the current word (on a probe "
                "of random words said twice)."
            ),
            N_("Which head is the previous-token head? Which are induction heads, and in which layer?"),
            N_("In the Lab's Induction heads view, train and read the same grid."),
            lambda m: partial(charts.head_grid_chart, m.scores),
        ),
        Step(
            N_("Measured on this run"),
            N_(
                "The scores during training: the previous-token head forms first, then the induction heads that read "
                "what it wrote."
            ),
            N_("Does one score tell us everything a head does?"),
            N_("Change the seed in the link (seed=...): does the job move to another head?"),
            lambda m: partial(charts.head_score_curve_chart, m.model.history),
        ),
    ),
)
