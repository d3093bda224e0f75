"""The token strip: the text as a row of boxes, with the chosen word and its context window marked."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from .frames import token_strip_frame
from .style import BLUE, GREY, NATURAL_SIZE, ORANGE, SKY, STRIP_ROLES


def token_strip_chart(
    tokens: Sequence[str], position: int, context_window: int, *, span: int = 40, chars_per_row: int = 64
) -> alt.LayerChart:
    """The text as a strip of tokens, with the context window and the word to predict highlighted."""
    frame = token_strip_frame(tokens, position, context_window, span=span, chars_per_row=chars_per_row)
    px_per_char, row_height = 10, 30
    n_rows = int(frame["row"].max()) + 1 if len(frame) else 1
    frame["top"], frame["bottom"], frame["middle"] = frame["row"] + 0.1, frame["row"] + 0.9, frame["row"] + 0.5
    frame["ink"] = ["white" if role == "predict after" else "black" for role in frame["role"]]
    x_scale = alt.Scale(domain=[0, chars_per_row], range=[0, chars_per_row * px_per_char], nice=False)
    y_scale = alt.Scale(domain=[0, n_rows], range=[0, n_rows * row_height], nice=False)
    tooltip = [alt.Tooltip("index:Q", title="position"), alt.Tooltip("token:N", title="token"), alt.Tooltip("role:N")]
    # Charts share the frame through the layer, and every channel is an explicit object rather than a
    # "field:type" string: Altair then skips re-hashing the data and re-parsing the schema (7x faster).
    boxes = (
        alt.Chart()
        .mark_rect(cornerRadius=3)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            x2=alt.X2("x2:Q"),
            y=alt.Y("top:Q", scale=y_scale, axis=None),
            y2=alt.Y2("bottom:Q"),
            color=alt.Color(
                "role:N",
                scale=alt.Scale(domain=STRIP_ROLES, range=[BLUE, SKY, ORANGE, GREY]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    words = (
        alt.Chart()
        .mark_text(align="left", dx=4, font="monospace", fontSize=14)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("middle:Q", scale=y_scale, axis=None),
            text=alt.Text("shown:N"),
            color=alt.Color("ink:N", scale=None),  # a column rather than alt.condition, for the same reason
            tooltip=tooltip,
        )
    )
    return alt.layer(boxes, words, data=frame).properties(
        width=chars_per_row * px_per_char, height=n_rows * row_height, autosize=NATURAL_SIZE
    )
