"""Small matrix pictures for step by step: any matrix (X, Q, K, V, scores, weights, …) as a compact
heatmap beside its formula, one row per word, the chosen word's row outlined, every number on hover."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .heatmaps import TWO_LINES, shown_labels, text_px
from .style import MASKED_GREY, NATURAL_SIZE, VERMILLION, layered
from .theme import font_sizes

MAX_MATRIX_CELLS = 4096
"""Most cells in one matrix picture (e.g. 32 words × 128 dimensions)."""


def matrix_frame(matrix, row_labels: Sequence[str], column_labels: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per cell: row label, column label, value; masked = not finite (e.g. -inf above the diagonal)."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim == 1:
        m = m[None, :]  # [c] -> [1, c]: a single vector shown as one row
    if m.ndim != 2 or m.shape[0] != len(row_labels):
        raise ValueError(
            f"give a [rows, columns] matrix with one label per row: got {m.shape}, {len(row_labels)} labels"
        )
    if m.size > MAX_MATRIX_CELLS:
        raise ValueError(f"a matrix picture shows at most {MAX_MATRIX_CELLS} cells, got {m.shape[0]} × {m.shape[1]}")
    columns = [str(c) for c in (range(1, m.shape[1] + 1) if column_labels is None else column_labels)]
    if len(columns) != m.shape[1]:
        raise ValueError(f"got {len(columns)} column labels for {m.shape[1]} columns")
    r, c = np.divmod(np.arange(m.size), m.shape[1])  # [rows·cols] row and column of each cell
    values = m.ravel()
    finite = np.isfinite(values)
    return pd.DataFrame(
        {
            "row": [row_labels[i] for i in r],
            "column": [columns[j] for j in c],
            "value": np.where(finite, values, np.nan),
            "shade": np.where(finite, values, 0.0),  # what the colour encodes: Vega-Lite drops NaN cells, masked too
            "masked": ~finite,
            "chosen": r == m.shape[0] - 1,
        }
    )


def _colour(values: np.ndarray, title: str, height: int) -> alt.Color:
    """Weights in [0, 1] in viridis; anything else on a diverging scale centred on 0 (blue < 0 < orange). The
    legend stands to the right, about as tall as the `height` px matrix, so it adds no height of its own."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0 and finite.max() <= 1:
        scale = alt.Scale(scheme="viridis", domain=[0, 1])
    else:
        bound = float(np.abs(finite).max()) if finite.size and np.abs(finite).max() > 0 else 1.0
        scale = alt.Scale(scheme="blueorange", domain=[-bound, bound])
    legend = alt.Legend(title=title, orient="right", gradientLength=max(40, height - 16), direction="vertical")
    return alt.Color("shade:Q", scale=scale, legend=legend)


def _column_axis(columns: list[str], title: str, row_px: int, present: bool) -> tuple[alt.X, int]:
    """The column channel and cell width: labels on two lines ("12" over "little"), thinned so none overlap."""
    font = font_sizes(present)["label"]
    widest = max(text_px(part, font) for label in columns for part in label.split(": ", 1))  # two-line labels
    limit = int(min(widest, 7 * font))
    # columns widen to fit their labels when the budget allows (a few keys), else shrink (32 dimensions)
    cell_w = int(max(6, min(max(row_px, limit + 6), (400 if present else 220) // max(len(columns), 1))))
    axis = alt.Axis(
        labelAngle=0,
        labelExpr=TWO_LINES,
        labelLimit=limit,
        values=shown_labels(columns, int(np.ceil((limit + 6) / cell_w))),
    )
    return alt.X("column:N", sort=columns, title=title, axis=axis), cell_w


def matrix_chart(
    matrix,  # [rows, columns] (or [columns] for one vector); -inf/NaN cells are drawn grey (masked)
    row_labels: Sequence[str],  # [rows] e.g. position_labels(words, positions); the last row is the chosen word
    *,
    title: str = "",
    column_labels: Sequence[str] | None = None,  # [columns]; default 1..columns (dimensions)
    column_title: str | None = None,  # default "dimension", in the page's language
    value_title: str | None = None,  # default "value"
    present: bool = False,
) -> alt.LayerChart:
    """A compact heatmap of one matrix: ~20 px rows (28 in present mode), the chosen (last) row outlined
    in vermillion, each cell's number in its tooltip. About 110 px tall for 4 rows, so a dozen fit in two screens."""
    column_title = _("dimension") if column_title is None else column_title
    value_title = _("value") if value_title is None else value_title
    frame = matrix_frame(matrix, row_labels, column_labels)
    rows, columns = list(dict.fromkeys(frame["row"])), list(dict.fromkeys(frame["column"]))
    row_px = 28 if present else 20
    x, cell_w = _column_axis(columns, column_title, row_px, present)
    y = alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=140))
    colour = _colour(frame["value"].to_numpy(), value_title, row_px * len(rows))
    return layered(_cells(x, y, colour, column_title, value_title), _chosen_row(y), data=frame).properties(
        width=cell_w * len(columns),
        height=row_px * len(rows),
        title=alt.Title(title, anchor="start"),
        autosize=NATURAL_SIZE,
    )


def _cells(x: alt.X, y: alt.Y, colour: alt.Color, column_title: str, value_title: str) -> alt.Chart:
    """One rect per cell in `colour`, masked cells grey; its row, column and value on hover."""
    tooltip = [
        alt.Tooltip("row:N", title=_("word")),
        alt.Tooltip("column:N", title=column_title),
        alt.Tooltip("value:Q", title=value_title, format=".4f"),
    ]
    return (
        alt.Chart()
        .mark_rect()
        .encode(x=x, y=y, color=alt.condition("datum.masked", alt.value(MASKED_GREY), colour), tooltip=tooltip)
    )


def _chosen_row(y: alt.Y) -> alt.Chart:
    """A vermillion outline around the chosen (last) row: one rect spanning the row's width."""
    return (
        alt.Chart()
        .transform_filter("datum.chosen")
        .transform_aggregate(groupby=["row"])
        .mark_rect(fill=None, stroke=VERMILLION, strokeWidth=2.5)
        .encode(y=y)
    )
