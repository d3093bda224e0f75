"""Scatter and line charts: the embedding map and the loss curves."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from .frames import embedding_map_frame, loss_history_frame
from .style import BLACK, BLUE, CONTEXT_WORD, FIT_WIDTH, ORANGE, OTHER_WORD, TRAIN, VALIDATION
from .summaries import _summarize_loss_frame, summarize_embedding_map


def embedding_map_chart(
    points,  # [V, 2], e.g. analysis.pca_2d(E).points
    words: Sequence[str],  # [V], most frequent (or first) first: only the first ones are drawn
    *,
    highlight: Sequence[str] = (),
    title: str | None = None,
    axis_titles: tuple[str, str] = ("principal component 1", "principal component 2"),
) -> alt.LayerChart:
    """Words as points in a 2-D map of their embeddings, the context words bigger and in orange."""
    frame = embedding_map_frame(points, words, highlight=highlight)
    kinds = [OTHER_WORD, CONTEXT_WORD]
    tooltip = [alt.Tooltip("word:N"), alt.Tooltip("kind:N", title="kind"), "x:Q", "y:Q"]
    base = alt.Chart(frame).encode(
        x=alt.X("x:Q", title=axis_titles[0], scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=axis_titles[1], scale=alt.Scale(zero=False)),
        tooltip=tooltip,
    )
    dots = base.mark_point(filled=True, opacity=0.85).encode(
        color=alt.Color(
            "kind:N", scale=alt.Scale(domain=kinds, range=[BLUE, ORANGE]), legend=alt.Legend(title=None, orient="top")
        ),
        size=alt.Size("kind:N", scale=alt.Scale(domain=kinds, range=[30, 160]), legend=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), legend=None),
    )
    names = base.mark_text(align="left", dx=6, dy=-4).encode(
        text="word:N",
        color=alt.condition(f"datum.kind == '{CONTEXT_WORD}'", alt.value(BLACK), alt.value("gray")),
        size=alt.condition(f"datum.kind == '{CONTEXT_WORD}'", alt.value(14), alt.value(10)),
    )
    description = summarize_embedding_map(points, words, highlight=highlight)
    chart = (dots + names).properties(height=420, autosize=FIT_WIDTH, description=description)
    return chart.properties(title=title) if title else chart


def loss_curve_chart(history) -> alt.Chart:
    """Cross-entropy loss against training step: train (solid blue) and held-out validation (dashed orange)."""
    frame = loss_history_frame(history)
    series = [TRAIN, VALIDATION]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=20))
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("loss:Q", title="cross-entropy loss (nats)", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=series, range=[BLUE, ORANGE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[[1, 0], [6, 3]]), legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="loss on"),
                alt.Tooltip("step:Q", title="step"),
                alt.Tooltip("loss:Q", title="loss (nats)", format=".3f"),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH, description=_summarize_loss_frame(frame))
    )
