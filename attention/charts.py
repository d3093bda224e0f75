"""Altair chart builders: arrays in, `alt.Chart` out. Never imports streamlit, so they work in notebooks.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour blindness; every chart also says what matters in text (labels or tooltips), not by colour alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import altair as alt
import pandas as pd

from .predict import NextWordDistribution

BLUE, SKY, ORANGE, GREY = "#0072B2", "#56B4E9", "#E69F00", "#D9D9D9"
BAR_HEIGHT = 26  # pixels per bar, so k bars always fit their labels
TRUE_NEXT, OTHER = "next word in the text", "other word"
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fill the container's width but keep the height we set for the plot: Streamlit's default ("fit")
squeezes legend and axes into that height and drops every other bar label."""
NATURAL_SIZE = alt.AutoSizeParams(type="pad", contains="padding")


def next_word_frame(
    distribution: NextWordDistribution, *, top_k: int = 10, true_next: str | None = None
) -> pd.DataFrame:
    """The top-k words (plus the true next word if it ranks lower), most probable first."""
    order = distribution.top_k(len(distribution.words))
    rank = {int(i): r + 1 for r, i in enumerate(order)}
    shown = [int(i) for i in order[:top_k]]
    if true_next in distribution.words and distribution.words.index(true_next) not in shown:
        shown.append(distribution.words.index(true_next))
    return pd.DataFrame(
        {
            "rank": [rank[i] for i in shown],
            "word": [distribution.words[i] for i in shown],
            "probability": distribution.probabilities[shown].astype(float),
            "score": distribution.scores[shown].astype(float),
            "kind": [TRUE_NEXT if distribution.words[i] == true_next else OTHER for i in shown],
        }
    )


def next_word_chart(
    distribution: NextWordDistribution,
    *,
    top_k: int = 10,
    true_next: str | None = None,
    score_title: str = "score",
) -> alt.LayerChart:
    """Horizontal bars of p(next word), most probable on top, the text's real next word in orange."""
    frame = next_word_frame(distribution, top_k=top_k, true_next=true_next)
    frame["label"] = frame["rank"].astype(str) + ". " + frame["word"]
    y = alt.Y("label:N", sort=list(frame["label"]), title=None, axis=alt.Axis(labelLimit=160))
    tooltip = [
        alt.Tooltip("word:N", title="word"),
        alt.Tooltip("rank:Q", title="rank"),
        alt.Tooltip("probability:Q", title="probability", format=".2%"),
        alt.Tooltip("score:Q", title=score_title, format=".4f"),
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("probability:Q", title="probability of being the next word", axis=alt.Axis(format="%")),
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=[OTHER, TRUE_NEXT], range=[BLUE, ORANGE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    labels = bars.mark_text(align="left", dx=3, color="gray").encode(
        text=alt.Text("probability:Q", format=".1%"), color=alt.value("gray")
    )
    return (bars + labels).properties(height=BAR_HEIGHT * len(frame), autosize=FIT_WIDTH)


def _display_width(token: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in token)


def token_strip_frame(
    tokens: Sequence[str], position: int, context_window: int, *, span: int = 40, chars_per_row: int = 64
) -> pd.DataFrame:
    """Tokens around `position` (0-based), laid out in wrapped rows, each with its role.

    Roles: "predict after" (the word at `position`), "context" (the rest of the window),
    "next word" (the word that really follows), "other".
    """
    first, last = max(0, position - span), min(len(tokens), position + span + 1)
    rows = []
    x, row = 0, 0
    for i in range(first, last):
        shown = tokens[i] if len(tokens[i]) <= 16 else tokens[i][:15] + "…"
        width = _display_width(shown) + 1
        if x + width > chars_per_row and x > 0:
            x, row = 0, row + 1
        if i == position:
            role = "predict after"
        elif position - context_window < i < position:
            role = "context"
        elif i == position + 1:
            role = "next word"
        else:
            role = "other"
        rows.append(
            {
                "index": i + 1,
                "token": tokens[i],
                "shown": shown,
                "x": x,
                "x2": x + width - 0.3,
                "row": row,
                "role": role,
            }
        )
        x += width
    return pd.DataFrame(rows)


STRIP_ROLES = ["predict after", "context", "next word", "other"]


def token_strip_chart(
    tokens: Sequence[str], position: int, context_window: int, *, span: int = 40, chars_per_row: int = 64
) -> alt.LayerChart:
    """The text as a strip of tokens, with the context window and the word to predict highlighted."""
    frame = token_strip_frame(tokens, position, context_window, span=span, chars_per_row=chars_per_row)
    px_per_char, row_height = 10, 30
    n_rows = int(frame["row"].max()) + 1 if len(frame) else 1
    frame["top"], frame["bottom"], frame["middle"] = frame["row"] + 0.1, frame["row"] + 0.9, frame["row"] + 0.5
    x_scale = alt.Scale(domain=[0, chars_per_row], range=[0, chars_per_row * px_per_char], nice=False)
    y_scale = alt.Scale(domain=[0, n_rows], range=[0, n_rows * row_height], nice=False)
    tooltip = [alt.Tooltip("index:Q", title="position"), alt.Tooltip("token:N", title="token"), alt.Tooltip("role:N")]
    boxes = (
        alt.Chart(frame)
        .mark_rect(cornerRadius=3)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            x2="x2:Q",
            y=alt.Y("top:Q", scale=y_scale, axis=None),
            y2="bottom:Q",
            color=alt.Color(
                "role:N",
                scale=alt.Scale(domain=STRIP_ROLES, range=[BLUE, SKY, ORANGE, GREY]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    words = (
        alt.Chart(frame)
        .mark_text(align="left", dx=4, font="monospace", fontSize=14)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("middle:Q", scale=y_scale, axis=None),
            text="shown:N",
            color=alt.condition(alt.datum.role == "predict after", alt.value("white"), alt.value("black")),
            tooltip=tooltip,
        )
    )
    return (boxes + words).properties(
        width=chars_per_row * px_per_char, height=n_rows * row_height, autosize=NATURAL_SIZE
    )
