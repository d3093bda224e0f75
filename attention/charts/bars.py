"""Bar charts: next-word probabilities, one row of attention weights, before/after comparisons, a few named numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

import altair as alt
import pandas as pd

from ..core.predict import NextWordDistribution
from ..i18n import _
from .frames import attention_row_frame, comparison_frame, next_word_frame, version_labels, visible_token
from .style import (
    BAR_HEIGHT,
    BLUE,
    FIT_WIDTH,
    GREY,
    NATURAL_SIZE,
    ORANGE,
    OTHER,
    PRESENT_BAR_HEIGHT,
    TRUE_NEXT,
    VERMILLION,
    layered,
)  # fmt: skip
from .summaries import summarize_attention_row, summarize_comparison


class ComparisonLabels(TypedDict):
    """The two versions' names in a comparison chart: `comparison_chart(before, after, **labels)`."""

    before_label: str
    after_label: str


def next_word_chart(
    distribution: NextWordDistribution,
    *,
    top_k: int = 10,
    true_next: str | None = None,
    score_title: str | None = None,
    highlight_label: str | None = None,
    present: bool = False,
) -> alt.LayerChart:
    """Horizontal bars of p(next word), most probable on top, the text's real next word in orange.

    `score_title` defaults to "score", `highlight_label` to TRUE_NEXT, in the page's language.
    `present=True`: bars 22 px apart instead of 26, so ten bars in 18 px type fit a 720 px projector. With the
    true next word's eleventh bar they close up to keep the ten bars' height (20 px apart on a projector, 24 on a
    page), so the spec stays the same from word to word: the browser then updates the drawn chart's numbers
    instead of building it again."""
    score_title = _("score") if score_title is None else score_title
    highlight_label = _(TRUE_NEXT) if highlight_label is None else highlight_label
    frame = next_word_frame(distribution, top_k=top_k, true_next=true_next, highlight_label=highlight_label)
    frame["label"] = frame["rank"].astype(str) + ". " + frame["word"].map(visible_token)  # "4. ‘,’"
    # Sorted by a field, not by a list of labels: the spec then stays the same when only the numbers
    # change, and Streamlit updates the drawn chart's data instead of rebuilding it.
    y = alt.Y("label:N", sort=alt.EncodingSortField(field="rank", op="min"), title=None, axis=alt.Axis(labelLimit=160))
    tooltip = [
        alt.Tooltip("word:N", title=_("word")),
        alt.Tooltip("rank:Q", title=_("rank")),
        alt.Tooltip("probability:Q", title=_("probability"), format=".2%"),
        alt.Tooltip("score:Q", title=score_title, format=".4f"),
    ]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("probability:Q", title=_("probability of being the next word"), axis=alt.Axis(format="%")),
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=[_(OTHER), highlight_label], range=[BLUE, ORANGE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=3)
        .encode(x=alt.X("probability:Q"), y=y, text=alt.Text("probability:Q", format=".1%"), tooltip=tooltip)
    )
    height = (PRESENT_BAR_HEIGHT if present else BAR_HEIGHT) * min(len(frame), top_k)
    return layered(bars, labels, data=frame).properties(height=height, autosize=FIT_WIDTH)


def attention_row_chart(
    weights_row,  # [n] the last query's weights over the n context words
    tokens: Sequence[str],
    positions: Sequence[int] | None = None,
    *,
    title: str | None = None,
    present: bool = False,
) -> alt.LayerChart:
    """How much the word we predict from attends to each context word, in text order."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    frame = attention_row_frame(weights_row, tokens, positions)
    y = alt.Y("label:N", sort=list(frame["label"]), title=None, axis=alt.Axis(labelLimit=160))
    tooltip = [
        alt.Tooltip("label:N", title=_("word")),
        alt.Tooltip("weight:Q", title=_("attention weight"), format=".1%"),
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("weight:Q", title=_("attention from the last word"), axis=alt.Axis(format="%")),
            y=y,
            tooltip=tooltip,
        )
    )
    labels = bars.mark_text(align="left", dx=3).encode(text=alt.Text("weight:Q", format=".1%"))
    chart = (bars + labels).properties(
        height=BAR_HEIGHT * len(frame),
        autosize=FIT_WIDTH,
        description=summarize_attention_row(weights_row, tokens, positions),
    )
    return chart.properties(title=title) if title else chart


def comparison_chart(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    top_k: int = 10,
    before_label: str | None = None,
    after_label: str | None = None,
    present: bool = False,
) -> alt.LayerChart:
    """Paired bars: each of the top-k words with its probability before and after (e.g. blog vs corrected);
    the labels default to "before" and "after" in the page's language."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
    before_label, after_label = version_labels(before_label, after_label)
    frame = comparison_frame(before, after, top_k=top_k, before_label=before_label, after_label=after_label)
    order = list(dict.fromkeys(frame["word"]))
    versions = [before_label, after_label]
    y = alt.Y("word:N", sort=order, title=None, axis=alt.Axis(labelLimit=160))
    y_offset = alt.YOffset("version:N", sort=versions)  # the two versions side by side within a word's row
    tooltip = _comparison_tooltip(before_label, after_label)
    description = summarize_comparison(before, after, before_label=before_label, after_label=after_label)
    return layered(
        _comparison_bars(y, y_offset, versions, tooltip), _comparison_labels(y, y_offset, tooltip), data=frame
    ).properties(height=2 * 20 * len(order), autosize=FIT_WIDTH, description=description)


def _comparison_tooltip(before_label: str, after_label: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("word:N", title=_("word")),
        alt.Tooltip("version:N", title=_("version")),
        alt.Tooltip("probability:Q", title=_("probability"), format=".2%"),
        alt.Tooltip(
            "change:Q",
            title=_("change ({after} − {before})").format(after=after_label, before=before_label),
            format="+.2%",
        ),
    ]


def _comparison_bars(y: alt.Y, y_offset: alt.YOffset, versions: list[str], tooltip: list[alt.Tooltip]) -> alt.Chart:
    """One bar per word and version: the first version vermillion, the second blue."""
    return (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("probability:Q", title=_("probability of being the next word"), axis=alt.Axis(format="%")),
            y=y,
            yOffset=y_offset,
            color=alt.Color(
                "version:N",
                scale=alt.Scale(domain=versions, range=[VERMILLION, BLUE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
    )


def _comparison_labels(y: alt.Y, y_offset: alt.YOffset, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """Each bar's probability written just past its end."""
    return (
        alt.Chart()
        .mark_text(align="left", dx=3, fontSize=10)
        .encode(
            x=alt.X("probability:Q"),
            y=y,
            yOffset=y_offset,
            text=alt.Text("probability:Q", format=".1%"),
            tooltip=tooltip,
        )
    )


def value_bars_chart(
    labels: Sequence[str],  # [n] what each bar is
    values,  # [n] one number each; negative ones drawn blue, the rest vermillion
    *,
    value_title: str,
    value_format: str = ".2f",
    present: bool = False,
) -> alt.LayerChart:
    """A few named numbers as horizontal bars from 0, each labelled with its value (a lesson's measured
    numbers: shares, log ratios). Bars below 0 are blue, the rest vermillion, so a sign reads at a glance."""
    numbers = [float(v) for v in values]
    if len(numbers) != len(labels):
        raise ValueError(f"give one label per value: got {len(labels)} labels for {len(numbers)} values")
    frame = [{"label": str(label), "value": v, "sign": "below 0" if v < 0 else "0 or more"} for label, v in
             zip(labels, numbers, strict=True)]  # fmt: skip
    y = alt.Y("label:N", sort=[str(label) for label in labels], title=None, axis=alt.Axis(labelLimit=200))
    # padding: room beyond the longest bars for their value labels (outside the bar, on its far side)
    x = alt.X("value:Q", title=value_title, scale=alt.Scale(zero=True, nice=True, padding=44),
              axis=alt.Axis(format=value_format), stack=None)  # fmt: skip
    tooltip = [alt.Tooltip("label:N", title=_("what")), alt.Tooltip("value:Q", title=value_title, format=value_format)]
    colour = alt.Color("sign:N", scale=alt.Scale(domain=["below 0", "0 or more"], range=[BLUE, VERMILLION]),
                       legend=None)  # fmt: skip
    bars = alt.Chart().mark_bar().encode(x=x, y=y, color=colour, tooltip=tooltip)
    said = {"x": alt.X("value:Q"), "y": y, "text": alt.Text("value:Q", format=value_format), "tooltip": tooltip}
    after = alt.Chart().transform_filter("datum.value >= 0").mark_text(align="left", dx=4).encode(**said)
    before = alt.Chart().transform_filter("datum.value < 0").mark_text(align="right", dx=-4).encode(**said)
    texts = [after] * any(v >= 0 for v in numbers) + [before] * any(v < 0 for v in numbers)  # no empty layer:
    zero = alt.Chart().mark_rule(color=GREY).encode(x=alt.datum(0))  # Vega warns of an empty one's extent
    height = (PRESENT_BAR_HEIGHT if present else BAR_HEIGHT) * len(frame)
    width = VALUE_BARS_WIDTH[present]  # its own width: a lesson draws it beside its text, not across a page
    return layered(bars, zero, *texts, data=pd.DataFrame(frame)).properties(
        width=width, height=height, autosize=NATURAL_SIZE
    )


VALUE_BARS_WIDTH = {False: 360, True: 520}
"""The value bars' plot width (px), at a desk and on a projector (its axis title and value labels fit)."""
