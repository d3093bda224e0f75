"""What each head does: a layer × head grid of its scores, and the best head's score against training step.

The numbers come from `attention.evaluation.head_scores` (previous-token and induction scores on a repeated probe).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from .. import limits
from ..evaluation.head_scores import HeadScores
from ..i18n import N_, _, count, decimal
from .style import BLUE, FIT_WIDTH, HEATMAP_SCHEME, NATURAL_SIZE, VERMILLION, layered

SCORE_KINDS = {"previous_token": N_("previous-token score"), "induction": N_("induction score")}
BEST_SCORES = {"previous_token": N_("best previous-token score"), "induction": N_("best induction score")}
"""The score curve's series: the best head's score of each kind (translated where the frame is built)."""
HEADER_ON_TOP = alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0, labelFontWeight="bold")
"""Each grid's name above it, not beside it: the two grids then fit a 390 px phone."""
INDUCTION_THRESHOLD = 0.5
"""An induction score above this means the head puts most of its attention "one after the last time"."""


def head_scores_frame(scores: HeadScores) -> pd.DataFrame:
    """Long form (layer, head, kind, score), layers and heads counted from 1, one row per head and kind."""
    rows = []
    for kind, label in SCORE_KINDS.items():
        grid = np.asarray(getattr(scores, kind))  # [L, h]
        for (layer, head), value in np.ndenumerate(grid):
            layer_name, head_name = _("layer {n}").format(n=count(layer + 1)), _("head {n}").format(n=count(head + 1))
            rows.append({"layer": layer_name, "head": head_name, "kind": _(label), "score": value})
    return pd.DataFrame(rows, columns=["layer", "head", "kind", "score"])


def head_grid_chart(scores: HeadScores, *, title: str | None = None, present: bool = False) -> alt.FacetChart:
    """Two small grids, one above the other (so they fit a phone), layer rows × head columns: the
    previous-token and the induction score, each cell coloured (0 dark, 1 bright) and labelled with its value."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    frame = head_scores_frame(scores)
    base = alt.Chart(frame).encode(
        x=alt.X("head:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("layer:N", title=None),
        tooltip=[alt.Tooltip("kind:N", title=_("kind")), alt.Tooltip("layer:N", title=_("layer")),
                 alt.Tooltip("head:N", title=_("head")), alt.Tooltip("score:Q", title=_("score"), format=".2f")],
    )  # fmt: skip
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("score:Q", scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 1]), title=_("score"))
    )
    text = base.mark_text(fontSize=14).encode(
        text=alt.Text("score:Q", format=".2f"),
        color=alt.condition(alt.datum.score > 0.5, alt.value("black"), alt.value("white")),
    )
    layers = frame["layer"].nunique()
    chart = (
        alt.layer(cells, text)
        .properties(width=56 * frame["head"].nunique(), height=40 * layers)
        .facet(
            row=alt.Row("kind:N", title=None, sort=[_(label) for label in SCORE_KINDS.values()], header=HEADER_ON_TOP)
        )
        .properties(description=summarize_head_scores(scores), autosize=NATURAL_SIZE)
    )
    return chart.properties(title=title) if title else chart


def head_score_history_frame(points: Sequence) -> pd.DataFrame:
    """Long form (step, series, score) of the best head's scores from history points or progress records
    (anything with `step` and `heads`); points without scores are skipped, long histories thinned."""
    rows = []
    for point in points:
        scores = getattr(point, "heads", None)
        if scores is None:
            continue
        for kind, label in BEST_SCORES.items():
            rows.append({"step": int(point.step), "series": _(label), "score": scores.best(kind)[2]})
    frame = pd.DataFrame(rows, columns=["step", "series", "score"])
    steps = frame["step"].unique()
    if len(steps) > limits.MAX_LOSS_CURVE_POINTS:
        keep = steps[np.unique(np.linspace(0, len(steps) - 1, limits.MAX_LOSS_CURVE_POINTS).round().astype(int))]
        frame = frame[frame["step"].isin(keep)].reset_index(drop=True)
    return frame


def head_score_curve_chart(points: Sequence, *, present: bool = False) -> alt.LayerChart:
    """The best head's induction score (vermillion) and previous-token score (blue) against training step,
    with a dashed line at 0.5."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    frame = head_score_history_frame(points)
    series = [_(label) for label in BEST_SCORES.values()]
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=16))
        .encode(
            x=alt.X("step:Q", title=_("training step")),
            y=alt.Y("score:Q", title=_("score (0 to 1)"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("series:N", scale=alt.Scale(domain=series, range=[BLUE, VERMILLION]),
                            legend=alt.Legend(title=None, orient="top", labelLimit=400)),
            strokeDash=alt.StrokeDash(  # the same legend as colour (legend=None here is what Vega warns about)
                "series:N", scale=alt.Scale(domain=series, range=[[6, 3], [1, 0]]),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
            tooltip=[alt.Tooltip("series:N", title=_("series")), alt.Tooltip("step:Q", title=_("step")),
                     alt.Tooltip("score:Q", title=_("score"), format=".2f")],
        )
    )  # fmt: skip
    rule = (
        alt.Chart(pd.DataFrame({"score": [INDUCTION_THRESHOLD]}))
        .mark_rule(strokeDash=[2, 4], color="gray")
        .encode(y=alt.Y("score:Q"))
    )
    return layered(lines, rule).properties(
        height=260, autosize=FIT_WIDTH, description=summarize_head_score_history(points)
    )


def summarize_head_scores(scores: HeadScores) -> str:
    """One sentence: the best induction head and the best previous-token head, with their scores."""
    layer, head, value = scores.best("induction")
    p_layer, p_head, p_value = scores.best("previous_token")
    return _(
        "The strongest induction head is layer {layer}, head {head} (score {score}); the strongest "
        "previous-token head is layer {p_layer}, head {p_head} ({p_score})."
    ).format(
        layer=count(layer + 1), head=count(head + 1), score=decimal(value, 2),
        p_layer=count(p_layer + 1), p_head=count(p_head + 1), p_score=decimal(p_value, 2),
    )  # fmt: skip


def summarize_head_score_history(points: Sequence) -> str:
    """One sentence: where the best induction score started, where it ended, and when it first passed 0.5."""
    frame = head_score_history_frame(points)
    induction = frame[frame["series"] == _(BEST_SCORES["induction"])]
    if induction.empty:
        return _("No head scores yet.")
    first, last = induction.iloc[0], induction.iloc[-1]
    crossed = induction[induction["score"] >= INDUCTION_THRESHOLD]
    numbers = {
        "first": decimal(first["score"], 2),
        "first_step": count(int(first["step"])),
        "last": decimal(last["score"], 2),
        "last_step": count(int(last["step"])),
        "threshold": decimal(INDUCTION_THRESHOLD, 1),
    }
    if len(crossed):
        return _(
            "The best induction score went from {first} at step {first_step} to {last} at step {last_step}; "
            "it first passed {threshold} at step {crossed_step}."
        ).format(**numbers, crossed_step=count(int(crossed.iloc[0]["step"])))
    return _(
        "The best induction score went from {first} at step {first_step} to {last} at step {last_step}; "
        "it has not reached {threshold}."
    ).format(**numbers)
