"""Colours, sizes and labels every chart shares.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour blindness; every chart also says what matters in text (labels or tooltips), not by colour alone.
"""

from __future__ import annotations

import altair as alt

BLUE, SKY, ORANGE, GREY = "#0072B2", "#56B4E9", "#E69F00", "#D9D9D9"
VERMILLION, BLACK = "#D55E00", "#000000"
BAR_HEIGHT = 26  # pixels per bar, so k bars always fit their labels

FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fill the container's width but keep the height we set for the plot: Streamlit's default ("fit")
squeezes legend and axes into that height and drops every other bar label."""
NATURAL_SIZE = alt.AutoSizeParams(type="pad", contains="padding")

MASKED_GREY = "#BDBDBD"
"""Masked (future) cells: a neutral grey outside the heatmap's colour scheme, so they never read as weight 0."""
HEATMAP_SCHEME = "viridis"  # perceptually uniform and colour-blind safe; dark = little attention

TRUE_NEXT, OTHER = "next word in the text", "other word"
STRIP_ROLES = ["predict after", "context", "next word", "other"]
MASKED, VISIBLE = "masked (future word)", "can attend"
TRAIN, VALIDATION = "train", "validation (held out)"
CONTEXT_WORD, OTHER_WORD = "context word", "other word"
MASKED_NOTE = "grey cells: masked (a word cannot look at later words)"
