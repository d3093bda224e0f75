"""The token strip: the text as a row of boxes, the chosen word and its context window marked, clickable.

Clicking a box selects its text position through the point selection named `PICK` ("pick"); in
Streamlit, `st.vega_lite_chart(spec, on_select="rerun", key=...)` returns it as
`event["selection"]["pick"] == [{"index": 7}]` (1-based text position), or `[]` before any click.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import _
from .frames import token_strip_frame
from .style import NATURAL_SIZE, SHADE_RANGE, STRIP_COLOURS, STRIP_ROLES, ink_for, layered, shade, vega_string

PICK = "pick"
"""Name of the strip's click selection: its value is the clicked token's 1-based text position, `index`."""
CONTEXT = STRIP_ROLES[1]
SIZES = {False: (10, 30, 14), True: (13, 40, 18)}
"""present -> (px per character, px per row, font px): monospace text at 0.6 em per character fits its box."""


def _ink(frame: pd.DataFrame) -> list[str]:
    """Black or white text per box, against the box's role colour or its attention shade."""
    role_fill = dict(zip(_roles(), STRIP_COLOURS, strict=True))
    shaded = (frame["role"] == _(CONTEXT)) & frame["weight"].notna()
    return [
        ink_for(shade(w) if s else role_fill[r]) for r, w, s in zip(frame["role"], frame["weight"], shaded, strict=True)
    ]


def _roles() -> list[str]:
    """STRIP_ROLES in the page's language: the values of the frame's `role` column."""
    return [_(role) for role in STRIP_ROLES]


def _tooltip(with_attention: bool, with_vocabulary: bool = False) -> list[alt.Tooltip]:
    tooltip = [
        alt.Tooltip("index:Q", title=_("position")),
        alt.Tooltip("token:N", title=_("token")),
        alt.Tooltip("role:N", title=_("role")),
    ]
    if with_vocabulary:
        tooltip.append(alt.Tooltip("vocabulary:N", title=_("the model")))
    if with_attention:
        tooltip.append(alt.Tooltip("weight:Q", title=_("attention from the chosen word"), format=".1%"))
    return tooltip


def _box(x_scale, y_scale) -> dict:
    """Where a token's box is drawn: from x to x2 along its row, from top to bottom."""
    return {
        "x": alt.X("x:Q", scale=x_scale, axis=None),
        "x2": alt.X2("x2:Q"),
        "y": alt.Y("top:Q", scale=y_scale, axis=None),
        "y2": alt.Y2("bottom:Q"),
    }


def _shades(x_scale, y_scale, tooltip, orient: Literal["right", "bottom"]) -> alt.Chart:
    """The context boxes again, filled by the chosen word's attention (pale = little, deep blue = much).

    The legend's title does not name the word (its box is the one marked "predict after"): the spec then stays
    the same from word to word, and the browser updates the drawn strip on Next rather than building it again."""
    return (
        alt.Chart()
        .transform_filter(f"datum.role == {vega_string(_(CONTEXT))} && isValid(datum.weight)")
        .mark_rect(cornerRadius=3, cursor="pointer")
        .encode(
            **_box(x_scale, y_scale),
            color=alt.Color(
                "weight:Q",
                scale=alt.Scale(domain=[0, 1], range=SHADE_RANGE, interpolate="rgb"),
                legend=alt.Legend(  # two lines: on a projector the legend is beside the boxes, in little width
                    title=_("attention from\nthe chosen word").split("\n"),
                    format="%",
                    orient=orient,
                    gradientLength=100,
                ),
            ),
            tooltip=tooltip,
        )
    )


def _boxes_and_words(x_scale, y_scale, tooltip, font: int) -> tuple[alt.Chart, alt.Chart]:
    """One box per token coloured by role (clickable: selection PICK), and its text in black or white."""
    pick = alt.selection_point(name=PICK, fields=["index"], on="click", clear=False, empty=False)
    # Charts share the frame through the layer, and every channel is an explicit object rather than a
    # "field:type" string: Altair then skips re-hashing the data and re-parsing the schema (7x faster).
    boxes = (
        alt.Chart()
        .mark_rect(cornerRadius=3, cursor="pointer")
        .encode(
            **_box(x_scale, y_scale),
            color=alt.Color(
                "role:N",
                scale=alt.Scale(domain=_roles(), range=STRIP_COLOURS),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    words = (
        alt.Chart()
        .mark_text(align="left", dx=4, font="monospace", fontSize=font, cursor="pointer")
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("middle:Q", scale=y_scale, axis=None),
            text=alt.Text("shown:N"),
            fill=alt.Fill("ink:N", scale=None),  # black or white against its own box, whatever the theme
            tooltip=tooltip,
        )
    )
    return boxes, words


def token_strip_chart(
    tokens: Sequence[str],
    position: int,
    context_window: int,
    *,
    span: int = 40,
    chars_per_row: int = 64,
    attention=None,  # [context_window] the chosen word's attention weights, oldest context word first
    labels: Sequence[str] | None = None,  # [N] what each token shows (subword pieces)
    joins: Sequence[bool] | None = None,  # [N] True where a token continues the word before it
    unknown: Collection[int] = (),  # positions of words the model does not know: marked "word*"
    present: bool = False,
) -> alt.LayerChart:
    """The text as a strip of tokens, with the context window and the word to predict highlighted.

    Click a token to pick it (selection `PICK`, field `index`); hover for its position (and, given
    `attention`, how much the chosen word attends to it: the context boxes are shaded by that weight).
    `present=True` draws 18 px text in bigger boxes, for a projector. Subword pieces of one word
    (`joins`) are drawn touching; words the model does not know (`unknown`) carry a star and say so on hover.
    """
    px_per_char, row_height, font = SIZES[present]
    frame = token_strip_frame(
        tokens, position, context_window, span=span, chars_per_row=chars_per_row, attention=attention,
        labels=labels, joins=joins, unknown=unknown,
    )  # fmt: skip
    n_rows = int(frame["row"].max()) + 1 if len(frame) else 1
    frame["top"], frame["bottom"], frame["middle"] = frame["row"] + 0.1, frame["row"] + 0.9, frame["row"] + 0.5
    frame["ink"] = _ink(frame) if len(frame) else []
    x_scale = alt.Scale(domain=[0, chars_per_row], range=[0, chars_per_row * px_per_char], nice=False)
    y_scale = alt.Scale(domain=[0, n_rows], range=[0, n_rows * row_height], nice=False)
    tooltip = _tooltip(attention is not None, with_vocabulary=bool(unknown))
    boxes, words = _boxes_and_words(x_scale, y_scale, tooltip, font)
    layers = [boxes, words]
    if attention is not None:
        # to the right of the boxes on a wide projector; below them on a page that may be a phone's
        layers.insert(1, _shades(x_scale, y_scale, tooltip, "right" if present else "bottom"))
    # sizes and resolve given to the one LayerChart: .properties() and .resolve_scale() would each build it
    # again (Altair copies and re-lifts every layer's params), about half of the strip's cost
    sized = {"width": chars_per_row * px_per_char, "height": n_rows * row_height, "autosize": NATURAL_SIZE}
    if attention is not None:
        sized["resolve"] = alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))
    return layered(*layers, data=frame, **sized)


def picked_position(event) -> int | None:
    """The 1-based text position a click on the strip picked, from what `st.vega_lite_chart(...,
    on_select="rerun")` returned (a mapping with "selection"); None before any click, and for anything not of
    that shape (a websocket client can send any JSON)."""
    try:
        points = event["selection"][PICK]
    except (KeyError, TypeError):
        return None
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    index = points[0].get("index")
    if isinstance(index, bool) or not isinstance(index, int | float | np.integer) or not np.isfinite(index):
        return None
    return int(index)
