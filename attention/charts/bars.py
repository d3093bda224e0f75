"""Bar charts: next-word probabilities, one row of attention weights, before/after comparisons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

import altair as alt

from ..core.predict import NextWordDistribution
from .frames import attention_row_frame, comparison_frame, next_word_frame, visible_token
from .style import BAR_HEIGHT, BLUE, FIT_WIDTH, ORANGE, OTHER, PRESENT_BAR_HEIGHT, TRUE_NEXT, VERMILLION, layered
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
    score_title: str = "score",
    highlight_label: str = TRUE_NEXT,
    present: bool = False,
) -> alt.LayerChart:
    """Horizontal bars of p(next word), most probable on top, the text's real next word in orange.

    `present=True`: bars 22 px apart instead of 26, so ten bars in 18 px type fit a 720 px projector."""
    frame = next_word_frame(distribution, top_k=top_k, true_next=true_next, highlight_label=highlight_label)
    frame["label"] = frame["rank"].astype(str) + ". " + frame["word"].map(visible_token)  # "4. ‘,’"
    # Sorted by a field, not by a list of labels: the spec then stays the same when only the numbers
    # change, and Streamlit updates the drawn chart's data instead of rebuilding it.
    y = alt.Y("label:N", sort=alt.EncodingSortField(field="rank", op="min"), title=None, axis=alt.Axis(labelLimit=160))
    tooltip = [
        alt.Tooltip("word:N", title="word"),
        alt.Tooltip("rank:Q", title="rank"),
        alt.Tooltip("probability:Q", title="probability", format=".2%"),
        alt.Tooltip("score:Q", title=score_title, format=".4f"),
    ]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("probability:Q", title="probability of being the next word", axis=alt.Axis(format="%")),
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=[OTHER, highlight_label], range=[BLUE, ORANGE]),
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
    height = (PRESENT_BAR_HEIGHT if present else BAR_HEIGHT) * len(frame)
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
    tooltip = [alt.Tooltip("label:N", title="word"), alt.Tooltip("weight:Q", title="attention weight", format=".1%")]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("weight:Q", title="attention from the last word", axis=alt.Axis(format="%")),
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
    before_label: str = "before",
    after_label: str = "after",
    present: bool = False,
) -> alt.LayerChart:
    """Paired bars: each of the top-k words with its probability before and after (e.g. blog vs corrected)."""
    del present  # sizes fixed in pixels: in present mode only the text grows (theme.apply_theme lifts it)
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
        alt.Tooltip("word:N", title="word"),
        alt.Tooltip("version:N", title="version"),
        alt.Tooltip("probability:Q", title="probability", format=".2%"),
        alt.Tooltip("change:Q", title=f"change ({after_label} − {before_label})", format="+.2%"),
    ]


def _comparison_bars(y: alt.Y, y_offset: alt.YOffset, versions: list[str], tooltip: list[alt.Tooltip]) -> alt.Chart:
    """One bar per word and version: the first version vermillion, the second blue."""
    return (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("probability:Q", title="probability of being the next word", axis=alt.Axis(format="%")),
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
