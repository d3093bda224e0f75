"""Attention on the words, in the spirit of BertViz's head view: the context twice, side by side
(left: the word that looks, its query; right: the words it looks at, their keys), a line from each
word to each earlier (or the same) word, thicker and darker the more attention it gets; one panel per
head, and the chosen (last) word's lines in vermillion, drawn on top."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from .. import limits
from ..i18n import N_, _, count, percent
from .frames import position_labels
from .heatmaps import line_px, text_px
from .style import BLUE, NATURAL_SIZE, VERMILLION
from .summaries import _list_rest
from .theme import font_sizes

CHOSEN, EARLIER = N_("the chosen word looks at"), N_("the earlier words look at")
SIDE_TITLES = {"query": N_("word (query)"), "key": N_("word (key)")}
"""A word's tooltip title on each side of the head view."""


def head_name(n: int) -> str:
    """ "head 2": a head's name in the frame, its filter and its panel title, in the page's language."""
    return _("head {n}").format(n=count(n))


def _check_heads(weights, n_words: int) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 3 or w.shape[1] != w.shape[2]:
        raise ValueError(f"attention weights must have shape [heads, n, n], got {w.shape}")
    if w.shape[1] != n_words:
        raise ValueError(f"got {n_words} words for {w.shape[1]} × {w.shape[1]} weights; give one word per row")
    if not 1 <= len(w) <= limits.MAX_HEADS or not 1 <= n_words <= limits.MAX_HEATMAP_TOKENS:
        raise ValueError(
            f"the head view shows 1 to {limits.MAX_HEADS} heads of 1 to {limits.MAX_HEATMAP_TOKENS} words, "
            f"got {len(w)} heads of {n_words}; choose a smaller context window"
        )
    return w


def head_view_frame(weights, words: Sequence[str], positions: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per (head, query i, key j <= i): the line from word i (left) to word j (right) and its weight.

    The chosen word's rows (i = n-1) come last in each head, so their lines are drawn on top.
    """
    w = _check_heads(weights, len(words))
    labels = position_labels(words, positions)
    n = len(labels)
    i, j = np.tril_indices(n)  # [n(n+1)/2] each: the visible (query, key) pairs
    order = np.argsort(i == n - 1, kind="stable")  # the chosen word's lines last
    i, j = i[order], j[order]
    parts = [
        pd.DataFrame(
            {
                "head": head_name(h + 1),
                "i": i,
                "j": j,
                "query": [labels[a] for a in i],
                "key": [labels[b] for b in j],
                "weight": w[h, i, j],
                "emphasis": np.where(i == n - 1, _(CHOSEN), _(EARLIER)),
            }
        )
        for h in range(len(w))
    ]
    return pd.concat(parts, ignore_index=True)


def _sizes(labels: list[str], present: bool) -> tuple[int, int, int]:
    """(row height, label column width, font) in px: rows tighten as the window grows, never below the font."""
    font = font_sizes(present)["label"]
    row = max(line_px(font) + 1, min(2 * font + 4, 560 // max(len(labels), 1)))  # a label's whole box, and 1 px
    label_px = int(min(max((text_px(label, font) for label in labels), default=font), 9 * font)) + 8
    return row, label_px, font


def _words(labels: list[str], row: int, left: float, right: float) -> pd.DataFrame:
    n = len(labels)
    return pd.DataFrame(
        {
            "label": labels * 2,
            "side": ["query"] * n + ["key"] * n,
            "x": [left] * n + [right] * n,
            "y": [row * (k + 0.5) for k in range(n)] * 2,
            "chosen": [k == n - 1 for k in range(n)] * 2,
        }
    )


def _word_layer(words: pd.DataFrame, x, y, *, side: str, chosen: bool) -> alt.Chart:
    align: Literal["left", "right"] = "right" if side == "query" else "left"
    dx = -6 if side == "query" else 6
    test = f"datum.side == '{side}' && {'' if chosen else '!'}datum.chosen"
    return (
        alt.Chart(words)
        .transform_filter(test)
        .mark_text(align=align, dx=dx, fontWeight="bold" if chosen else "normal")
        .encode(x=x, y=y, text=alt.Text("label:N"), tooltip=[alt.Tooltip("label:N", title=_(SIDE_TITLES[side]))])
    )


LINE_STYLE = {EARLIER: ((0.3, 4.0), (0.04, 0.55)), CHOSEN: ((0.6, 8.0), (0.15, 1.0))}
"""emphasis -> (stroke width range px, opacity range) over weights 0..1: the chosen word's lines stand out."""


def _lines(frame: pd.DataFrame, x_scale, y_scale, left: float, right: float, row: int, head: str, emphasis: str):
    tooltip = [
        alt.Tooltip("head:N", title=_("head")),
        alt.Tooltip("query:N", title=_("word (query)")),
        alt.Tooltip("key:N", title=_("looks at (key)")),
        alt.Tooltip("weight:Q", title=_("attention weight"), format=".1%"),
    ]
    widths, opacities = LINE_STYLE[emphasis]
    keep = alt.LogicalAndPredicate(
        **{
            "and": [
                alt.FieldEqualPredicate(field="head", equal=head),
                alt.FieldEqualPredicate(field="emphasis", equal=_(emphasis)),
            ]
        }
    )
    return (
        alt.Chart(frame)
        .transform_filter(keep)
        .transform_calculate(x0=str(left), x1=str(right), y0=f"{row} * (datum.i + 0.5)", y1=f"{row} * (datum.j + 0.5)")
        .mark_rule(strokeCap="round")
        .encode(
            x=alt.X("x0:Q", scale=x_scale, axis=None),
            x2=alt.X2("x1:Q"),
            y=alt.Y("y0:Q", scale=y_scale, axis=None),
            y2=alt.Y2("y1:Q"),
            color=alt.Color(
                "emphasis:N",
                scale=alt.Scale(domain=[_(CHOSEN), _(EARLIER)], range=[VERMILLION, BLUE]),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
            strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(domain=[0, 1], range=list(widths)), legend=None),
            opacity=alt.Opacity("weight:Q", scale=alt.Scale(domain=[0, 1], range=list(opacities)), legend=None),
            tooltip=tooltip,
        )
    )


def attention_on_words_chart(
    weights,  # [h, n, n] attention per head: query rows × key columns
    words: Sequence[str],  # [n] the context, oldest first; the last one is the chosen word
    *,
    positions: Sequence[int] | None = None,  # [n] text positions (1-based), shown in the labels
    present: bool = False,
    title: str | None = None,
    first_head: int = 1,  # the number of weights[0]'s head, when drawing heads one chart each
) -> alt.HConcatChart:
    """Attention drawn on the words: per head, a line from each word (left) to each word it may look at
    (right), width and opacity by weight, the chosen word's lines emphasised. 1–4 heads, 1–32 words."""
    w = _check_heads(weights, len(words))
    frame = head_view_frame(w, words, positions)
    names = {head_name(h + 1): head_name(first_head + h) for h in range(len(w))}
    frame["head"] = frame["head"].map(names)
    labels = position_labels(words, positions)
    row, label_px, _font = _sizes(labels, present)
    width, height = 2 * label_px + (170 if present else 120), row * len(labels)
    left, right = float(label_px), float(width - label_px)
    x_scale = alt.Scale(domain=[0, width], range=[0, width], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, height], range=[0, height], nice=False, zero=False)
    x, y = alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None)
    word_frame = _words(labels, row, left, right)

    def panel_title(h: int) -> dict:  # one head under its own title ("head 2") needs no second "head 2" over it
        return {} if title and len(w) == 1 else {"title": alt.Title(head_name(first_head + h), anchor="middle")}

    panels = [
        alt.layer(
            *(
                _lines(frame, x_scale, y_scale, left, right, row, head_name(first_head + h), e)
                for e in (EARLIER, CHOSEN)
            ),
            *(_word_layer(word_frame, x, y, side=s, chosen=c) for s in ("query", "key") for c in (False, True)),
        )
        .resolve_scale(strokeWidth="independent", opacity="independent")
        .properties(width=width, height=height, **panel_title(h))
        for h in range(len(w))
    ]
    chart = alt.hconcat(*panels, spacing=16 if present else 8)
    chart = chart.properties(autosize=NATURAL_SIZE, description=summarize_head_view(w, words, positions))
    return chart.properties(title=alt.Title(title, anchor="start")) if title else chart


def summarize_head_view(weights, words: Sequence[str], positions: Sequence[int] | None = None) -> str:
    """ "The chosen word, 'girl' (position 10), looks most at 'little' (position 9) in head 1 (45%) and …" """
    w = _check_heads(weights, len(words))
    positions = list(range(1, len(words) + 1) if positions is None else positions)
    peaks = [int(np.argmax(head[-1])) for head in w]
    parts = [
        _("at '{word}' (position {position}) in head {head} ({share})").format(
            word=words[j], position=str(positions[j]), head=count(h + 1), share=percent(w[h, -1, j], 0)
        )
        for h, j in enumerate(peaks)
    ]
    return _("The chosen word, '{word}' (position {position}), looks most {places}.").format(
        word=words[-1], position=str(positions[-1]), places=_list_rest(parts)
    )
