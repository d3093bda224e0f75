"""Colours, sizes and labels every chart shares, and the colour arithmetic that keeps chart text readable.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour blindness; every chart also says what matters in text (labels or tooltips), not by colour alone.

Text on the chart's background never carries a colour of its own: it takes the theme's colour from
`theme.chart_config(dark, present)`, so it stays readable in light and dark mode. Text drawn over a
coloured cell or box gets black or white, whichever contrasts more with that cell (`ink_for`).
"""

from __future__ import annotations

from typing import Final

import altair as alt
import numpy as np

from ..i18n import N_

BLUE, SKY, ORANGE, GREY = "#0072B2", "#56B4E9", "#E69F00", "#D9D9D9"
VERMILLION, BLACK, WHITE = "#D55E00", "#000000", "#FFFFFF"
BAR_HEIGHT = 26  # pixels per bar, so k bars always fit their labels
PRESENT_BAR_HEIGHT = 22  # the same for 18 px projector text, tighter so the chart fits a 720 px screen

FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fill the container's width but keep the height we set for the plot: Streamlit's default ("fit")
squeezes legend and axes into that height and drops every other bar label."""
NATURAL_SIZE = alt.AutoSizeParams(type="pad", contains="padding")


def layered(*charts: alt.Chart, **properties) -> alt.LayerChart:
    """`alt.layer` for layers without facet encodings, typed as what it returns then: a LayerChart
    (Altair 6.3 types alt.layer as LayerChart | FacetChart, as it hoists a facet every layer shares)."""
    return alt.LayerChart(layer=list(charts), **properties)


MASKED_GREY = "#BDBDBD"
"""Masked (future) cells: a neutral grey outside the heatmap's colour scheme, so they never read as weight 0."""
HEATMAP_SCHEME: Final = "viridis"  # perceptually uniform and colour-blind safe; dark = little attention

# Legend and tooltip values: English msgids; the frames hold them translated (`_(TRUE_NEXT)`), the scales too.
TRUE_NEXT, OTHER = N_("next word in the text"), N_("other word")
STRIP_ROLES = [N_("predict after"), N_("context"), N_("next word"), N_("other")]
STRIP_COLOURS = [BLUE, SKY, ORANGE, GREY]
MASKED, VISIBLE = N_("masked (future word)"), N_("can attend")
TRAIN, VALIDATION = N_("train"), N_("validation (held out)")
CONTEXT_WORD, OTHER_WORD = N_("context word"), N_("other word")
MASKED_NOTE = N_("grey cells: masked (a word cannot look at later words)")

SHADE_RANGE = ["#D4E9F8", "#08306B"]
"""The token strip's attention shading: a pale sky blue at weight 0 to a deep blue at 1, interpolated in RGB."""

# Vega's "viridis" scheme, as its 31 stops (vega-scale's schemes table), so the ink over a heatmap
# cell can be chosen against the colour the browser will really draw there.
_VIRIDIS = (
    "440154470e61481a6c482575472f7d443a834144873d4e8a39568c35608d31688e2d708e2a788e27818e23888e21918d"
    "1f988b1fa08822a8842ab07f35b77943bf7154c56866cc5d7ad1518fd744a5db36bcdf27d2e21be9e51afde725"
)
VIRIDIS_STOPS = [f"#{_VIRIDIS[i : i + 6]}" for i in range(0, len(_VIRIDIS), 6)]


def rgb(colour: str) -> np.ndarray:
    """ "#0072B2" or "#07b" -> [0, 114, 178] as floats."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        raise ValueError(f"colours are given as #rrggbb or #rgb, got {colour!r}")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def hex_colour(values) -> str:
    r, g, b = (round(float(v)) for v in np.clip(values, 0, 255))
    return f"#{r:02X}{g:02X}{b:02X}"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour: 0 for black, 1 for white."""
    c = rgb(colour) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio (L_lighter + 0.05) / (L_darker + 0.05), from 1 (none) to 21 (black on white).

    Body text needs at least 4.5 (level AA).
    """
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def ink_for(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill`: never below 4.58:1, whatever the fill."""
    return BLACK if contrast_ratio(BLACK, fill) >= contrast_ratio(WHITE, fill) else WHITE


def interpolate(stops: list[str], value: float) -> str:
    """The colour at `value` in [0, 1] along evenly spaced `stops`, linear in RGB (Vega's default)."""
    t = float(np.clip(value, 0, 1)) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    return hex_colour(rgb(stops[i]) + (t - i) * (rgb(stops[i + 1]) - rgb(stops[i])))


def viridis(value: float) -> str:
    """The colour Vega's "viridis" scheme gives `value` on a [0, 1] domain."""
    return interpolate(VIRIDIS_STOPS, value)


def shade(value: float) -> str:
    """The token strip's attention shade for a weight in [0, 1]."""
    return interpolate(SHADE_RANGE, value)


def black_ink_from(colour_at, steps: int = 1000) -> float:
    """The smallest value in [0, 1] from which black text contrasts more than white with `colour_at(value)`.

    For a scale that only gets lighter (viridis, the strip's shade), text below it is white and from it black, so
    the first black value of the grid of `steps` + 1 is found by bisection (a dozen colours, not hundreds: this
    runs when the charts are imported, on a server's first page).
    """
    grid = np.linspace(0, 1, steps + 1)
    low, high = 0, len(grid)  # the answer's index is in [low, high]; high = len(grid): black nowhere
    while low < high:
        middle = (low + high) // 2
        if ink_for(colour_at(float(grid[middle]))) == BLACK:
            high = middle
        else:
            low = middle + 1
    return round(float(grid[low]), 3) if low < len(grid) else 1.0


def vega_string(text: str) -> str:
    """`text` as a string literal in a Vega expression: "context" -> "'context'" (a translation may hold a quote)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
