"""Scatter and line charts: the embedding map and the loss curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import altair as alt

from ..i18n import _
from .frames import embedding_map_frame, loss_history_frame
from .style import BLUE, CONTEXT_WORD, FIT_WIDTH, ORANGE, OTHER_WORD, TRAIN, VALIDATION, layered
from .summaries import _summarize_loss_frame, summarize_embedding_map

POINT_STYLES: tuple[tuple[str, str, int, int, Literal["normal", "bold"]], ...] = (
    (OTHER_WORD, "circle", 30, 11, "normal"),
    (CONTEXT_WORD, "diamond", 160, 14, "bold"),
)
"""The embedding map's two kinds of word: kind, point shape, point size, name's font size and weight."""


def embedding_map_chart(
    points,  # [V, 2], e.g. analysis.pca_2d(E).points
    words: Sequence[str],  # [V], most frequent (or first) first: only the first ones are drawn
    *,
    highlight: Sequence[str] = (),
    title: str | None = None,
    axis_titles: tuple[str, str] | None = None,
    present: bool = False,
) -> alt.LayerChart:
    """Words as points in a 2-D map of their embeddings, the context words bigger and in orange (`axis_titles`
    default to "principal component 1" and "… 2", in the page's language)."""
    if axis_titles is None:
        axis_titles = (_("principal component {n}").format(n=1), _("principal component {n}").format(n=2))
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    frame = embedding_map_frame(points, words, highlight=highlight)
    kinds = [_(OTHER_WORD), _(CONTEXT_WORD)]
    tooltip = [
        alt.Tooltip("word:N", title=_("word")),
        alt.Tooltip("kind:N", title=_("kind")),
        alt.Tooltip("x:Q", title="x"),
        alt.Tooltip("y:Q", title="y"),
    ]
    x = alt.X("x:Q", title=axis_titles[0], scale=alt.Scale(zero=False))
    y = alt.Y("y:Q", title=axis_titles[1], scale=alt.Scale(zero=False))
    colour = alt.Color(
        "kind:N", scale=alt.Scale(domain=kinds, range=[BLUE, ORANGE]), legend=alt.Legend(title=None, orient="top")
    )
    # One layer per kind (shape and size as mark properties, not channels): a size channel on a nominal
    # field and legend=None beside a legend on the same field are what Vega warned about.
    # Names carry no colour of their own: the theme's text colour keeps them readable in dark mode.
    layers = []
    for kind, shape, size, font, weight in POINT_STYLES:
        keep = alt.FieldEqualPredicate(field="kind", equal=_(kind))
        dots = alt.Chart().transform_filter(keep).mark_point(filled=True, opacity=0.85, shape=shape, size=size)
        names = (
            alt.Chart().transform_filter(keep).mark_text(align="left", dx=6, dy=-4, fontSize=font, fontWeight=weight)
        )
        layers += [
            dots.encode(x=x, y=y, color=colour, tooltip=tooltip),
            names.encode(x=x, y=y, text=alt.Text("word:N"), tooltip=tooltip),
        ]
    description = summarize_embedding_map(points, words, highlight=highlight)
    chart = layered(*layers, data=frame).properties(height=420, autosize=FIT_WIDTH, description=description)
    return chart.properties(title=title) if title else chart


def loss_curve_chart(history, *, present: bool = False) -> alt.Chart:
    """Cross-entropy loss against training step: train (solid blue) and held-out validation (dashed orange)."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    frame = loss_history_frame(history)
    series = [_(TRAIN), _(VALIDATION)]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=20))
        .encode(
            x=alt.X("step:Q", title=_("training step")),
            y=alt.Y("loss:Q", title=_("cross-entropy loss (nats)"), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=series, range=[BLUE, ORANGE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(  # the same legend as colour: one legend, solid and dashed (no Vega warning)
                "series:N",
                scale=alt.Scale(domain=series, range=[[1, 0], [6, 3]]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("series:N", title=_("loss on")),
                alt.Tooltip("step:Q", title=_("step")),
                alt.Tooltip("loss:Q", title=_("loss (nats)"), format=".3f"),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH, description=_summarize_loss_frame(frame))
    )
