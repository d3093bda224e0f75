"""Attention heatmaps: who looks at whom, one panel per head, cells near square and labels that never overlap."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _, count
from .frames import attention_frame, position_labels
from .style import (
    BLACK,
    FIT_WIDTH,
    HEATMAP_SCHEME,
    MASKED_GREY,
    MASKED_NOTE,
    NATURAL_SIZE,
    WHITE,
    black_ink_from,
    layered,
    viridis,
)
from .summaries import summarize_heatmap
from .theme import font_sizes

CHAR_EM = 0.62
"""Width of an average label character in ems: a generous estimate for sans-serif, so labels never collide."""


LINE_EM = 1.4
"""Height of one line of label text in ems as the browser boxes it (Chromium: 16 px for 12 px text, 24 px for
18 px): rows get a label only every so many cells that these boxes never touch."""


def line_px(font: float) -> int:
    """Height in pixels of one line of label text at `font` px, with the box the browser draws around it."""
    return math.ceil(LINE_EM * font)


def text_px(label: str, font: float) -> float:
    """Estimated width in pixels of `label` drawn at `font` px."""
    return len(label) * CHAR_EM * font


VALUE_INK_FROM = black_ink_from(viridis)
"""Cell values print in white on the dark end of viridis and in black from this weight on (≥ 4.5:1 either way)."""
_VALUE_INK = alt.condition(f"datum.weight < {VALUE_INK_FROM}", alt.value(WHITE), alt.value(BLACK))

TWO_LINES = "split(datum.label, ': ', 2)"
"""Vega expression: "12: little" -> ["12", "little"], drawn as two lines under a column."""


@dataclass(frozen=True)
class Layout:
    """How big a heatmap's cells are and which labels it prints (every `x_step`-th column, `y_step`-th row)."""

    cell: int
    x_step: int
    y_step: int
    label_limit: int  # px: longer labels end in "…"
    font: int


def heatmap_layout(labels: Sequence[str], *, cap: int, present: bool = False) -> Layout:
    """Square cells filling at most `cap` px, labels thinned (counted back from the last word) until none overlap."""
    n, font = max(len(labels), 1), font_sizes(present)["label"]
    cell = int(max(min(cap // n, 56 if present else 40), math.ceil(160 / n)))
    # key labels print on two lines, position over word ("12" / "little"): the word's width is what counts
    widest = max((text_px(part, font) for label in labels for part in label.split(": ", 1)), default=0)
    label_limit = int(max(min(widest, 7 * font), font))  # at most ~11 characters on the key axis
    x_step = math.ceil((label_limit + 6) / cell)  # horizontal key labels: one per x_step columns
    y_step = math.ceil(line_px(font) / cell)  # query labels: one line of text (its whole box) per y_step rows
    return Layout(cell=cell, x_step=x_step, y_step=y_step, label_limit=label_limit, font=font)


def shown_labels(labels: Sequence[str], step: int) -> list[str]:
    """Every `step`-th label, counted back from the last (the word we predict after is always labelled)."""
    return list(labels)[::-1][::step][::-1]


def _encodings(labels: list[str], layout: Layout, show_query_axis: bool):
    x_axis = alt.Axis(
        labelAngle=0,
        labelLimit=layout.label_limit,
        labelOverlap=True,
        labelExpr=TWO_LINES,
        values=shown_labels(labels, layout.x_step),
    )
    y_axis = alt.Axis(labelLimit=120, labelOverlap=True, values=shown_labels(labels, layout.y_step))
    x = alt.X("key:N", sort=labels, title=_("looks at (key)"), axis=x_axis)
    y = alt.Y("query:N", sort=labels, title=_("word (query)"), axis=y_axis if show_query_axis else None)
    tooltip = [
        alt.Tooltip("query:N", title=_("word (query)")),
        alt.Tooltip("key:N", title=_("looks at (key)")),
        alt.Tooltip("weight:Q", title=_("attention weight"), format=".1%"),
        alt.Tooltip("status:N", title=_("status")),
    ]
    return x, y, tooltip


def _heatmap(
    frame: pd.DataFrame,
    labels: list[str],
    layout: Layout,
    *,
    title: str,
    show_values: bool,
    show_query_axis: bool = True,
    with_note: bool = True,
    legend: bool = True,
) -> alt.LayerChart:
    x, y, tooltip = _encodings(labels, layout, show_query_axis)
    colour = alt.Color(
        "weight:Q",
        scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 1]),
        legend=alt.Legend(title=_("attention weight"), format="%", orient="bottom", gradientLength=120)
        if legend
        else None,
    )
    cells = (
        alt.Chart()
        .mark_rect(stroke=MASKED_GREY, strokeWidth=0.5)
        .encode(x=x, y=y, color=alt.condition("datum.masked", alt.value(MASKED_GREY), colour), tooltip=tooltip)
    )
    layers = [cells]
    if show_values:
        values = (
            alt.Chart()
            .transform_filter("!datum.masked")
            .mark_text(fontSize=min(layout.font, int(layout.cell * 0.32)))
            .encode(x=x, y=y, text=alt.Text("weight:Q", format=".0%"), color=_VALUE_INK, tooltip=tooltip)
        )
        layers.append(values)
    chart_title = alt.Title(title, subtitle=_(MASKED_NOTE) if with_note else alt.Undefined, anchor="start")
    size = layout.cell * len(labels)
    return layered(*layers, data=frame).properties(width=size, height=size, title=chart_title)


def attention_heatmap(
    weights,  # [n, n] one head: query rows × key columns
    tokens: Sequence[str],
    *,
    positions: Sequence[int] | None = None,
    title: str | None = None,
    show_values: bool | None = None,
    present: bool = False,
    legend: bool = True,
    square: bool = False,
    cap: int | None = None,
) -> alt.LayerChart:
    """Who looks at whom: cell (i, j) is how much word i attends to word j; future cells greyed out.

    `square=True` draws square cells at their own size (at most 280 px of cells, so it fits a phone's
    column; 720 px in present mode), for `width="content"`; otherwise the cells stretch to the column.

    `legend=False` leaves out the colour legend: heads drawn side by side as separate charts (so they
    wrap on a phone) share one fixed scale, 0 to 100%, and one legend under the first.

    Values print in the cells when there are at most 12 words (`show_values` overrides), in black or
    white to contrast with the cell; every cell has a tooltip. `present=True` sizes cells and thins
    labels for the projector's 18 px text. `cap`: at most this many px of cells (a lesson's step beside its
    text, on a 720 px screen). Refuses more than limits.MAX_HEATMAP_TOKENS words.
    """
    frame = attention_frame(weights, tokens, positions)
    labels = position_labels(tokens, positions)
    show = len(labels) <= 12 if show_values is None else show_values
    cap = cap or (720 if present else 280 if square else 480)
    layout = heatmap_layout(labels, cap=cap, present=present)
    chart = _heatmap(frame, labels, layout, title=title or _("attention weights"), show_values=show, legend=legend)
    if square:
        return chart.properties(autosize=NATURAL_SIZE, description=summarize_heatmap(weights, tokens, positions))
    # fit-x: in a Streamlit column (width="stretch") the cells shrink to the column, so it never overflows
    return chart.properties(autosize=FIT_WIDTH, description=summarize_heatmap(weights, tokens, positions))


def attention_heatmaps(
    weights_per_head,  # [h, n, n]
    tokens: Sequence[str],
    *,
    positions: Sequence[int] | None = None,
    show_values: bool | None = None,
    present: bool = False,
) -> alt.HConcatChart:
    """One heatmap per head, side by side ("head 1", "head 2", ...), sharing one colour scale and one legend."""
    w = np.asarray(weights_per_head, dtype=np.float64)
    if w.ndim != 3:
        raise ValueError(f"weights per head must have shape [heads, n, n], got {w.shape}")
    labels = position_labels(tokens, positions)
    show = len(labels) <= 12 if show_values is None else show_values
    cap = max(160, min(420 if present else 300, (1700 if present else 1200) // max(len(w), 1)))
    layout = heatmap_layout(labels, cap=cap, present=present)
    charts = [
        _heatmap(
            attention_frame(head, tokens, positions),
            labels,
            layout,
            title=_("head {n}").format(n=count(h + 1)),
            show_values=show,
            show_query_axis=h == 0,
            with_note=False,
        )
        for h, head in enumerate(w)
    ]
    title = alt.Title(_("attention weights, one heatmap per head"), subtitle=_(MASKED_NOTE), anchor="start")
    chart = alt.hconcat(*charts, spacing=12, title=title)
    description = " ".join(
        _("Head {n}: {summary}").format(n=count(h + 1), summary=summarize_heatmap(head, tokens, positions))
        for h, head in enumerate(w)
    )
    return chart.resolve_scale(color="shared").properties(autosize=NATURAL_SIZE, description=description)
