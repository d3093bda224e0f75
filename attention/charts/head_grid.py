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
from .style import BLUE, FIT_WIDTH, HEATMAP_SCHEME, NATURAL_SIZE, VERMILLION, layered

SCORE_KINDS = {"previous_token": "previous-token score", "induction": "induction score"}
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
            rows.append({"layer": f"layer {layer + 1}", "head": f"head {head + 1}", "kind": label, "score": value})
    return pd.DataFrame(rows, columns=["layer", "head", "kind", "score"])


def head_grid_chart(scores: HeadScores, *, title: str | None = None, present: bool = False) -> alt.FacetChart:
    """Two small grids, one above the other (so they fit a phone), layer rows × head columns: the
    previous-token and the induction score, each cell coloured (0 dark, 1 bright) and labelled with its value."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    frame = head_scores_frame(scores)
    base = alt.Chart(frame).encode(
        x=alt.X("head:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("layer:N", title=None),
        tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("layer:N"), alt.Tooltip("head:N"),
                 alt.Tooltip("score:Q", format=".2f")],
    )  # fmt: skip
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("score:Q", scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 1]), title="score")
    )
    text = base.mark_text(fontSize=14).encode(
        text=alt.Text("score:Q", format=".2f"),
        color=alt.condition(alt.datum.score > 0.5, alt.value("black"), alt.value("white")),
    )
    layers = frame["layer"].nunique()
    chart = (
        alt.layer(cells, text)
        .properties(width=56 * frame["head"].nunique(), height=40 * layers)
        .facet(row=alt.Row("kind:N", title=None, sort=list(SCORE_KINDS.values()), header=HEADER_ON_TOP))
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
        for kind, label in SCORE_KINDS.items():
            rows.append({"step": int(point.step), "series": f"best {label}", "score": scores.best(kind)[2]})
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
    series = [f"best {label}" for label in SCORE_KINDS.values()]
    lines = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=16))
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("score:Q", title="score (0 to 1)", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("series:N", scale=alt.Scale(domain=series, range=[BLUE, VERMILLION]),
                            legend=alt.Legend(title=None, orient="top", labelLimit=400)),
            strokeDash=alt.StrokeDash(  # the same legend as colour (legend=None here is what Vega warns about)
                "series:N", scale=alt.Scale(domain=series, range=[[6, 3], [1, 0]]),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
            tooltip=[alt.Tooltip("series:N"), alt.Tooltip("step:Q"), alt.Tooltip("score:Q", format=".2f")],
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
    return (
        f"The strongest induction head is layer {layer + 1}, head {head + 1} (score {value:.2f}); the strongest "
        f"previous-token head is layer {p_layer + 1}, head {p_head + 1} ({p_value:.2f})."
    )


def summarize_head_score_history(points: Sequence) -> str:
    """One sentence: where the best induction score started, where it ended, and when it first passed 0.5."""
    frame = head_score_history_frame(points)
    induction = frame[frame["series"] == f"best {SCORE_KINDS['induction']}"]
    if induction.empty:
        return "No head scores yet."
    first, last = induction.iloc[0], induction.iloc[-1]
    crossed = induction[induction["score"] >= INDUCTION_THRESHOLD]
    when = (
        f"it first passed {INDUCTION_THRESHOLD} at step {int(crossed.iloc[0]['step']):,}"
        if len(crossed)
        else f"it has not reached {INDUCTION_THRESHOLD}"
    )
    return (
        f"The best induction score went from {first['score']:.2f} at step {int(first['step']):,} to "
        f"{last['score']:.2f} at step {int(last['step']):,}; {when}."
    )
