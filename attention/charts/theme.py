"""One chart configuration for the light and dark themes and for the projector ("present") mode.

The builders leave text colours and font sizes to this configuration, so one call themes every chart:

    spec = chart.to_dict()
    spec = apply_theme(spec, dark=True, present=True)   # a copy; config merged, mark text lifted to 18 px
    st.vega_lite_chart(spec, theme=None)                # our colours rather than Streamlit's

Contrast is checked by tests/test_chart_theme.py with `style.contrast_ratio` against both backgrounds.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ..i18n import number_locale

LIGHT_BACKGROUND, DARK_BACKGROUND = "#FFFFFF", "#171614"
"""Streamlit 1.67's light and dark page backgrounds (.stApp, measured in Chromium: rgb(23, 22, 20) in dark; the
older #0E1117 drew every dark chart as a blue-black box on the page). tests/test_browser_room.py checks they match."""
PRESENT_MIN_FONT = 18
"""Smallest chart text in present mode, in CSS pixels: readable from the back of a classroom."""
PRESENT_GRADIENT_LENGTH = 10 * PRESENT_MIN_FONT
"""Shortest colour-legend gradient in present mode, in pixels: room for "0%", "50%" and "100%" at 18 px apart."""
PRESENT_UPRIGHT_GRADIENT_LENGTH = 5 * PRESENT_MIN_FONT
"""The same for a legend standing at the side (orient left or right): its labels are one above the other."""
LEGEND_LABEL_LIMIT = 320
"""Longest legend label, in pixels, before Vega cuts it with "…": Vega's 160 cut "palabra siguiente en el texto"
(Spanish runs about 25% longer than English) at 18 px."""


@dataclass(frozen=True)
class Palette:
    background: str
    text: str  # titles, axis titles, legend titles, mark text on the background
    muted: str  # axis labels, subtitles, legend labels
    grid: str  # lines only, never text


LIGHT = Palette(background=LIGHT_BACKGROUND, text="#31333F", muted="#4B4E5A", grid="#E6E7EB")
DARK = Palette(background=DARK_BACKGROUND, text="#FAFAFA", muted="#C4C7D0", grid="#31333F")


def palette(dark: bool) -> Palette:
    return DARK if dark else LIGHT


def font_sizes(present: bool) -> dict[str, int]:
    """Text sizes by role; every one at least PRESENT_MIN_FONT in present mode."""
    if present:
        return {"label": 18, "title": 20, "chart_title": 24, "subtitle": 18, "mark": 18}
    return {"label": 12, "title": 13, "chart_title": 15, "subtitle": 12, "mark": 12}


def chart_config(dark: bool = False, present: bool = False) -> dict:
    """A Vega-Lite `config` for the theme: text colours with at least 4.5:1 contrast, sizes for the room."""
    p, s = palette(dark), font_sizes(present)
    axis = {
        "labelColor": p.muted,
        "titleColor": p.text,
        "labelFontSize": s["label"],
        "titleFontSize": s["title"],
        "domainColor": p.muted,
        "tickColor": p.muted,
        "gridColor": p.grid,
        "labelSeparation": 6,  # numbers on an axis keep a gap (they hide in turn): "0%2%4%" ran together at 18 px
    }
    legend = {"labelColor": p.muted, "titleColor": p.text, "labelFontSize": s["label"], "titleFontSize": s["title"],
              "labelLimit": LEGEND_LABEL_LIMIT}  # fmt: skip
    if present:
        legend["gradientLength"] = PRESENT_GRADIENT_LENGTH
    return {
        "background": p.background,
        "axis": axis,
        "legend": legend,
        "header": {
            "labelColor": p.text,
            "titleColor": p.text,
            "labelFontSize": s["label"],
            "titleFontSize": s["title"],
        },
        "title": {
            "color": p.text,
            "subtitleColor": p.muted,
            "fontSize": s["chart_title"],
            "subtitleFontSize": s["subtitle"],
        },
        "text": {"color": p.text, "fontSize": s["mark"]},
        "view": {"stroke": None},
    }


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _lift_text(node, minimum: int) -> None:
    """Raise every explicit font size in the spec (marks, axes, titles, text size channels) to `minimum`, and
    colour legends to PRESENT_GRADIENT_LENGTH (PRESENT_UPRIGHT_GRADIENT_LENGTH at a side) so their bigger labels
    keep apart."""
    if isinstance(node, list):
        for item in node:
            _lift_text(item, minimum)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.lower().endswith("fontsize") and isinstance(value, int | float) and value < minimum:
            node[key] = minimum
        elif key == "gradientLength" and isinstance(value, int | float):  # its labels grow with the text
            upright = node.get("orient") in ("left", "right")
            node[key] = max(value, PRESENT_UPRIGHT_GRADIENT_LENGTH if upright else PRESENT_GRADIENT_LENGTH)
        else:
            _lift_text(value, minimum)
    mark = node.get("mark")
    if mark == "text" or (isinstance(mark, dict) and mark.get("type") == "text"):
        size = node.get("encoding", {}).get("size", {})
        conditions = size.get("condition", [])
        for part in [size, *(conditions if isinstance(conditions, list) else [conditions])]:
            if isinstance(part.get("value"), int | float) and part["value"] < minimum:
                part["value"] = minimum


def apply_theme(spec: dict, *, dark: bool = False, present: bool = False) -> dict:
    """A copy of a Vega-Lite spec with the theme's config merged in (the spec's own config wins, except
    for font sizes, which present mode lifts to at least PRESENT_MIN_FONT everywhere)."""
    out = copy.deepcopy(spec)
    out["config"] = _merge(chart_config(dark, present), out.get("config", {}))
    if (numbers := number_locale()) is not None:  # 21,5 % in Spanish, as the sentences beside the chart write it
        out["config"]["locale"] = {"number": numbers}
    if present:
        _lift_text(out, PRESENT_MIN_FONT)
    return out
