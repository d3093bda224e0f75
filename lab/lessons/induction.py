"""Lesson, Induction heads: two layers learn to copy repeated segments in a sudden phase change; one layer
cannot. The Lab's Induction heads view, as a path: the same text family, preset (fewer steps), charts."""

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
    two_layers: attention.TrainedModel
    scores: heads.HeadScores  # the two-layer model's
    one_layer_scores: heads.HeadScores
    context: list[str]  # '.', a fresh segment, its repeat
    induction_map: np.ndarray  # [n, n] the best induction head's weights on the context
    induction_head: tuple[int, int]  # (layer, head), from 0
    claim: measure.Claim


def measured(models: tuple, seed: int) -> Measured:
    two, one = models
    scores = measure.model_head_scores(two)
    layer, head, _score = scores.best("induction")
    context = presets.induction_context(seed)
    claim = measure.induction_heads(two, one, presets.INDUCTION_TEXT)
    weights = two.attention_weights(context, layer=layer)[head]
    return Measured(two, scores, measure.model_head_scores(one), context, weights, (layer, head), claim)


def strip(m: Measured) -> partial:
    return partial(charts.token_strip_chart, m.context, len(m.context), 1, chars_per_row=44)


def induction_map(m: Measured) -> partial:
    layer, head = m.induction_head
    title = _("layer {layer}, head {head} (induction)").format(layer=layer + 1, head=head + 1)
    return partial(
        charts.attention_heatmap, m.induction_map, m.context, cap=presets.HEATMAP_CAP, square=True, title=title
    )


LESSON = Lesson(
    slug="induction-heads",
    title=N_("Induction heads"),
    promise=N_("Two attention layers learn to copy what came before, suddenly; one layer cannot."),
    minutes=10,
    measure=measured,
    training_text=presets.INDUCTION_TEXT,
    settings=(presets.TWO_LAYERS, presets.ONE_LAYER),
    steps=(
        Step(
            N_("A text made for copying"),
            N_(
                "Made-up words in segments, each segment said twice: '. tafo rimu bepe … tafo rimu bepe …'. The first "
                "copy is random; the second can be predicted word for word, but only by looking back: find the last "
                "time you saw this word and say the word that came right after it."
            ),
            N_("Which words of the strip could nobody predict? Which could anyone?"),
            N_("Read the strip aloud and stop before each word of the second copy: guess it."),
            strip,
        ),
        Step(
            N_("The loss: a plateau, then a drop"),
            N_(
                "The two-layer model's loss while it trained on 2,000 such segments: it sits on a plateau, where it "
                "only knows how common each word is, then drops within a few hundred steps."
            ),
            N_("What could the model have found at the moment the loss drops?"),
            N_("Open this lesson with another seed (seed=... in the link) and find the drop again."),
            lambda m: partial(charts.loss_curve_chart, m.two_layers.history),
        ),
        Step(
            N_("The phase change"),
            N_(
                "At every report the training measured each head on a probe (random words, then the same words again). "
                "The previous-token score (attention to the word just before) rises first; the induction score "
                "(attention to the word after the last copy of this word) follows, when the loss drops."
            ),
            N_("Why must a head look one word back before another can copy?"),
            N_("Compare the step where the induction score jumps with the drop of the loss."),
            lambda m: partial(charts.head_score_curve_chart, m.two_layers.history),
        ),
        Step(
            N_("Which head does it"),
            N_(
                "Every head of both layers, scored after training. Layer 1 has a previous-token head: it writes "
                "'my predecessor was rimu' into each word. A layer-2 head then finds the word whose predecessor is "
                "the current word, and copies the word that followed."
            ),
            N_("Why is the induction head in layer 2 and not in layer 1?"),
            N_("Find the previous-token head and the induction head in the grid."),
            lambda m: partial(charts.head_grid_chart, m.scores, title=_("two layers")),
        ),
        Step(
            N_("The induction stripe"),
            N_(
                "The induction head's attention on a fresh segment and its repeat. Each word of the second copy looks "
                "at the word one after its first occurrence: a stripe one step right of the first copy."
            ),
            N_("Where does the first word of the second copy look, and why there, not at itself?"),
            N_("Hover the stripe: how much weight does each word put there?"),
            induction_map,
        ),
        Step(
            N_("One layer cannot"),
            N_(
                "The same model with one layer, trained alike: a word can look for earlier copies of itself, but not "
                "for the word after one, because no word yet knows its predecessor. Its heads score near 0."
            ),
            N_("What does the second layer read that the first layer wrote?"),
            N_("In the Lab's Induction heads view, press Contrast and watch the one-layer model stay on the plateau."),
            lambda m: partial(charts.head_grid_chart, m.one_layer_scores, title=_("one layer")),
        ),
    ),
)
