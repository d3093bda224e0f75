"""Attention heatmaps: who looks at whom, one panel per head."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from .frames import attention_frame, position_labels
from .style import BLACK, FIT_WIDTH, HEATMAP_SCHEME, MASKED_GREY, MASKED_NOTE, NATURAL_SIZE
from .summaries import summarize_heatmap


def _heatmap_size(n: int, cap: int) -> int:
    return int(min(cap, max(160, 24 * n)))


def _heatmap(
    frame: pd.DataFrame,
    labels: list[str],
    *,
    size: int,
    title: str,
    show_values: bool,
    show_query_axis: bool = True,
    with_note: bool = True,
) -> alt.LayerChart:
    x = alt.X(
        "key:N", sort=labels, title="looks at (key)", axis=alt.Axis(labelAngle=-45, labelLimit=90, labelOverlap=False)
    )
    y_axis = alt.Axis(labelLimit=90, labelOverlap=False) if show_query_axis else None
    y = alt.Y("query:N", sort=labels, title="word (query)", axis=y_axis)
    tooltip = [
        alt.Tooltip("query:N", title="word (query)"),
        alt.Tooltip("key:N", title="looks at (key)"),
        alt.Tooltip("weight:Q", title="attention weight", format=".1%"),
        alt.Tooltip("status:N", title="status"),
    ]
    colour = alt.Color(
        "weight:Q",
        scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 1]),
        legend=alt.Legend(title="attention weight", format="%", orient="bottom", gradientLength=120),
    )
    cells = (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(x=x, y=y, color=alt.condition("datum.masked", alt.value(MASKED_GREY), colour), tooltip=tooltip)
    )
    layers = [cells]
    if show_values:
        values = (
            alt.Chart(frame)
            .transform_filter("!datum.masked")
            .mark_text(fontSize=10)
            .encode(
                x=x,
                y=y,
                text=alt.Text("weight:Q", format=".0%"),
                color=alt.condition("datum.weight < 0.6", alt.value("white"), alt.value(BLACK)),
                tooltip=tooltip,
            )
        )
        layers.append(values)
    chart_title = alt.Title(title, subtitle=MASKED_NOTE if with_note else alt.Undefined, anchor="start")
    return alt.layer(*layers).properties(width=size, height=size, title=chart_title)


def attention_heatmap(
    weights,  # [n, n] one head: query rows × key columns
    tokens: Sequence[str],
    *,
    positions: Sequence[int] | None = None,
    title: str | None = None,
    show_values: bool | None = None,
) -> alt.LayerChart:
    """Who looks at whom: cell (i, j) is how much word i attends to word j; future cells greyed out.

    Values print in the cells when there are at most 12 words (`show_values` overrides); every cell
    has a tooltip. Refuses more than limits.MAX_HEATMAP_TOKENS words.
    """
    frame = attention_frame(weights, tokens, positions)
    labels = position_labels(tokens, positions)
    show = len(labels) <= 12 if show_values is None else show_values
    size = _heatmap_size(len(labels), 480)
    chart = _heatmap(frame, labels, size=size, title=title or "attention weights", show_values=show)
    # fit-x: in a Streamlit column (width="stretch") the cells shrink to the column, so it never overflows
    return chart.properties(autosize=FIT_WIDTH, description=summarize_heatmap(weights, tokens, positions))


def attention_heatmaps(
    weights_per_head,  # [h, n, n]
    tokens: Sequence[str],
    *,
    positions: Sequence[int] | None = None,
    show_values: bool | None = None,
) -> alt.HConcatChart:
    """One heatmap per head, side by side ("head 1", "head 2", ...), sharing one colour scale."""
    w = np.asarray(weights_per_head, dtype=np.float64)
    if w.ndim != 3:
        raise ValueError(f"weights per head must have shape [heads, n, n], got {w.shape}")
    labels = position_labels(tokens, positions)
    show = len(labels) <= 12 if show_values is None else show_values
    size = _heatmap_size(len(labels), cap=max(160, min(300, 1200 // max(len(w), 1))))
    charts = [
        _heatmap(
            attention_frame(head, tokens, positions),
            labels,
            size=size,
            title=f"head {h + 1}",
            show_values=show,
            show_query_axis=h == 0,
            with_note=False,
        )
        for h, head in enumerate(w)
    ]
    title = alt.Title("attention weights, one heatmap per head", subtitle=MASKED_NOTE, anchor="start")
    chart = alt.hconcat(*charts, spacing=12, title=title)
    description = " ".join(f"Head {h + 1}: {summarize_heatmap(head, tokens, positions)}" for h, head in enumerate(w))
    return chart.resolve_scale(color="shared").properties(autosize=NATURAL_SIZE, description=description)
