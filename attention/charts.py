"""Altair chart builders: arrays in, `alt.Chart` out. Never imports streamlit, so they work in notebooks.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour blindness; every chart also says what matters in text (labels or tooltips), not by colour alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from . import limits
from .predict import NextWordDistribution

BLUE, SKY, ORANGE, GREY = "#0072B2", "#56B4E9", "#E69F00", "#D9D9D9"
BAR_HEIGHT = 26  # pixels per bar, so k bars always fit their labels
TRUE_NEXT, OTHER = "next word in the text", "other word"
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
"""Fill the container's width but keep the height we set for the plot: Streamlit's default ("fit")
squeezes legend and axes into that height and drops every other bar label."""
NATURAL_SIZE = alt.AutoSizeParams(type="pad", contains="padding")


def next_word_frame(
    distribution: NextWordDistribution,
    *,
    top_k: int = 10,
    true_next: str | None = None,
    highlight_label: str = TRUE_NEXT,
) -> pd.DataFrame:
    """The top-k words (plus the true next word if it ranks lower), most probable first.

    The highlighted word's `kind` is `highlight_label` (e.g. "the word it chose" when generating).
    """
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
            "kind": [highlight_label if distribution.words[i] == true_next else OTHER for i in shown],
        }
    )


def next_word_chart(
    distribution: NextWordDistribution,
    *,
    top_k: int = 10,
    true_next: str | None = None,
    score_title: str = "score",
    highlight_label: str = TRUE_NEXT,
) -> alt.LayerChart:
    """Horizontal bars of p(next word), most probable on top, the text's real next word in orange."""
    frame = next_word_frame(distribution, top_k=top_k, true_next=true_next, highlight_label=highlight_label)
    frame["label"] = frame["rank"].astype(str) + ". " + frame["word"]
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
        .mark_text(align="left", dx=3, color="gray")
        .encode(x=alt.X("probability:Q"), y=y, text=alt.Text("probability:Q", format=".1%"), tooltip=tooltip)
    )
    return alt.layer(bars, labels, data=frame).properties(height=BAR_HEIGHT * len(frame), autosize=FIT_WIDTH)


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


# --- Attention, comparison, embedding and training charts ----------------------------------------

VERMILLION, BLACK = "#D55E00", "#000000"
MASKED_GREY = "#BDBDBD"
"""Masked (future) cells: a neutral grey outside the heatmap's colour scheme, so they never read as weight 0."""
HEATMAP_SCHEME = "viridis"  # perceptually uniform and colour-blind safe; dark = little attention
MASKED, VISIBLE = "masked (future word)", "can attend"
TRAIN, VALIDATION = "train", "validation (held out)"
CONTEXT_WORD, OTHER_WORD = "context word", "other word"
MASKED_NOTE = "grey cells: masked (a word cannot look at later words)"


def position_labels(tokens: Sequence[str], positions: Sequence[int] | None = None) -> list[str]:
    """ "position: token" labels, so two "the" at positions 3 and 7 stay two rows ("3: the", "7: the")."""
    positions = range(1, len(tokens) + 1) if positions is None else positions
    if len(positions) != len(tokens):
        raise ValueError(f"got {len(positions)} positions for {len(tokens)} tokens; give one position per token")
    return [f"{p}: {t}" for p, t in zip(positions, tokens, strict=True)]


def _check_square(weights, n_tokens: int) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"attention weights must be a square [queries, keys] matrix for one head, got shape {w.shape}")
    if w.shape[0] != n_tokens:
        raise ValueError(f"got {n_tokens} tokens for a {w.shape[0]} × {w.shape[0]} weight matrix; give one per row")
    if w.shape[0] > limits.MAX_HEATMAP_TOKENS:
        raise ValueError(
            f"the attention heatmap shows at most {limits.MAX_HEATMAP_TOKENS} words, got {w.shape[0]}; "
            f"choose a context window of {limits.MAX_HEATMAP_TOKENS} or fewer words"
        )
    return w


def attention_frame(weights, tokens: Sequence[str], positions: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per (query, key) pair, n·n rows, query-major; masked = key after query (j > i)."""
    w = _check_square(weights, len(tokens))
    labels = position_labels(tokens, positions)
    n = len(labels)
    i, j = np.divmod(np.arange(n * n), n)  # query index, key index of each cell, [n·n] each
    masked = j > i
    return pd.DataFrame(
        {
            "query": [labels[a] for a in i],
            "key": [labels[b] for b in j],
            "weight": w.ravel(),
            "masked": masked,
            "status": np.where(masked, MASKED, VISIBLE),
        }
    )


def _heatmap_size(n: int, cap: int) -> int:
    return int(min(cap, max(160, 24 * n)))


def _heatmap(
    frame: pd.DataFrame,
    labels: list[str],
    *,
    size: int,
    title: str,
    show_values: bool,
    show_query_axis: bool = True,
    with_note: bool = True,
) -> alt.LayerChart:
    x = alt.X(
        "key:N", sort=labels, title="looks at (key)", axis=alt.Axis(labelAngle=-45, labelLimit=90, labelOverlap=False)
    )
    y_axis = alt.Axis(labelLimit=90, labelOverlap=False) if show_query_axis else None
    y = alt.Y("query:N", sort=labels, title="word (query)", axis=y_axis)
    tooltip = [
        alt.Tooltip("query:N", title="word (query)"),
        alt.Tooltip("key:N", title="looks at (key)"),
        alt.Tooltip("weight:Q", title="attention weight", format=".1%"),
        alt.Tooltip("status:N", title="status"),
    ]
    colour = alt.Color(
        "weight:Q",
        scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, 1]),
        legend=alt.Legend(title="attention weight", format="%", orient="bottom", gradientLength=120),
    )
    cells = (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(x=x, y=y, color=alt.condition("datum.masked", alt.value(MASKED_GREY), colour), tooltip=tooltip)
    )
    layers = [cells]
    if show_values:
        values = (
            alt.Chart(frame)
            .transform_filter("!datum.masked")
            .mark_text(fontSize=10)
            .encode(
                x=x,
                y=y,
                text=alt.Text("weight:Q", format=".0%"),
                color=alt.condition("datum.weight < 0.6", alt.value("white"), alt.value(BLACK)),
                tooltip=tooltip,
            )
        )
        layers.append(values)
    chart_title = alt.Title(title, subtitle=MASKED_NOTE if with_note else alt.Undefined, anchor="start")
    return alt.layer(*layers).properties(width=size, height=size, title=chart_title)


def attention_heatmap(
    weights,  # [n, n] one head: query rows × key columns
    tokens: Sequence[str],
    *,
    positions: Sequence[int] | None = None,
    title: str | None = None,
    show_values: bool | None = None,
) -> alt.LayerChart:
    """Who looks at whom: cell (i, j) is how much word i attends to word j; future cells greyed out.

    Values print in the cells when there are at most 12 words (`show_values` overrides); every cell
    has a tooltip. Refuses more than limits.MAX_HEATMAP_TOKENS words.
    """
    frame = attention_frame(weights, tokens, positions)
    labels = position_labels(tokens, positions)
    show = len(labels) <= 12 if show_values is None else show_values
    size = _heatmap_size(len(labels), 480)
    chart = _heatmap(frame, labels, size=size, title=title or "attention weights", show_values=show)
    # fit-x: in a Streamlit column (width="stretch") the cells shrink to the column, so it never overflows
    return chart.properties(autosize=FIT_WIDTH, description=summarize_heatmap(weights, tokens, positions))


def attention_heatmaps(
    weights_per_head,  # [h, n, n]
    tokens: Sequence[str],
    *,
    positions: Sequence[int] | None = None,
    show_values: bool | None = None,
) -> alt.HConcatChart:
    """One heatmap per head, side by side ("head 1", "head 2", ...), sharing one colour scale."""
    w = np.asarray(weights_per_head, dtype=np.float64)
    if w.ndim != 3:
        raise ValueError(f"weights per head must have shape [heads, n, n], got {w.shape}")
    labels = position_labels(tokens, positions)
    show = len(labels) <= 12 if show_values is None else show_values
    size = _heatmap_size(len(labels), cap=max(160, min(300, 1200 // max(len(w), 1))))
    charts = [
        _heatmap(
            attention_frame(head, tokens, positions),
            labels,
            size=size,
            title=f"head {h + 1}",
            show_values=show,
            show_query_axis=h == 0,
            with_note=False,
        )
        for h, head in enumerate(w)
    ]
    title = alt.Title("attention weights, one heatmap per head", subtitle=MASKED_NOTE, anchor="start")
    chart = alt.hconcat(*charts, spacing=12, title=title)
    description = " ".join(f"Head {h + 1}: {summarize_heatmap(head, tokens, positions)}" for h, head in enumerate(w))
    return chart.resolve_scale(color="shared").properties(autosize=NATURAL_SIZE, description=description)


def attention_row_frame(weights_row, tokens: Sequence[str], positions: Sequence[int] | None = None) -> pd.DataFrame:
    w = np.asarray(weights_row, dtype=np.float64)
    if w.ndim != 1 or len(w) != len(tokens):
        raise ValueError(f"give one weight per token: got weights of shape {w.shape} for {len(tokens)} tokens")
    if len(w) > limits.MAX_HEATMAP_TOKENS:
        raise ValueError(f"the attention row chart shows at most {limits.MAX_HEATMAP_TOKENS} words, got {len(w)}")
    return pd.DataFrame({"label": position_labels(tokens, positions), "token": list(tokens), "weight": w})


def attention_row_chart(
    weights_row,  # [n] the last query's weights over the n context words
    tokens: Sequence[str],
    positions: Sequence[int] | None = None,
    *,
    title: str | None = None,
) -> alt.LayerChart:
    """How much the word we predict from attends to each context word, in text order."""
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
    labels = bars.mark_text(align="left", dx=3, color="gray").encode(text=alt.Text("weight:Q", format=".1%"))
    chart = (bars + labels).properties(
        height=BAR_HEIGHT * len(frame),
        autosize=FIT_WIDTH,
        description=summarize_attention_row(weights_row, tokens, positions),
    )
    return chart.properties(title=title) if title else chart


def comparison_frame(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    top_k: int = 10,
    before_label: str = "before",
    after_label: str = "after",
) -> pd.DataFrame:
    """Two rows per word (before, after) for the top-k words by max(p_before, p_after)."""
    if tuple(before.words) != tuple(after.words):
        raise ValueError("both distributions must be over the same words in the same order (the same vocabulary)")
    if before_label == after_label:
        raise ValueError(f"the two labels must differ, got {before_label!r} twice")
    p, q = np.asarray(before.probabilities, float), np.asarray(after.probabilities, float)
    shown = np.argsort(-np.maximum(p, q), kind="stable")[: max(top_k, 1)]
    rows = [
        {"word": before.words[i], "version": label, "probability": float(probs[i]), "change": float(q[i] - p[i])}
        for i in shown
        for label, probs in ((before_label, p), (after_label, q))
    ]
    return pd.DataFrame(rows)


def comparison_chart(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    top_k: int = 10,
    before_label: str = "before",
    after_label: str = "after",
) -> alt.LayerChart:
    """Paired bars: each of the top-k words with its probability before and after (e.g. blog vs corrected)."""
    frame = comparison_frame(before, after, top_k=top_k, before_label=before_label, after_label=after_label)
    order = list(dict.fromkeys(frame["word"]))
    versions = [before_label, after_label]
    y = alt.Y("word:N", sort=order, title=None, axis=alt.Axis(labelLimit=160))
    tooltip = [
        alt.Tooltip("word:N", title="word"),
        alt.Tooltip("version:N", title="version"),
        alt.Tooltip("probability:Q", title="probability", format=".2%"),
        alt.Tooltip("change:Q", title=f"change ({after_label} − {before_label})", format="+.2%"),
    ]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("probability:Q", title="probability of being the next word", axis=alt.Axis(format="%")),
            y=y,
            yOffset=alt.YOffset("version:N", sort=versions),
            color=alt.Color(
                "version:N",
                scale=alt.Scale(domain=versions, range=[VERMILLION, BLUE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=3, fontSize=10, color="gray")
        .encode(
            x=alt.X("probability:Q"),
            y=y,
            yOffset=alt.YOffset("version:N", sort=versions),
            text=alt.Text("probability:Q", format=".1%"),
            tooltip=tooltip,
        )
    )
    description = summarize_comparison(before, after, before_label=before_label, after_label=after_label)
    return alt.layer(bars, labels, data=frame).properties(
        height=2 * 20 * len(order), autosize=FIT_WIDTH, description=description
    )


def embedding_map_frame(points, words: Sequence[str], *, highlight: Sequence[str] = ()) -> pd.DataFrame:
    """The highlighted words plus the first other words, at most limits.MAX_EMBEDDING_MAP_WORDS rows."""
    xy = np.asarray(points, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) != len(words):
        raise ValueError(f"give one 2-D point per word: got points of shape {xy.shape} for {len(words)} words")
    wanted = set(highlight)
    marked = [i for i, w in enumerate(words) if w in wanted][: limits.MAX_EMBEDDING_MAP_WORDS]
    others = [i for i, w in enumerate(words) if w not in wanted][: limits.MAX_EMBEDDING_MAP_WORDS - len(marked)]
    shown = sorted(marked + others)
    return pd.DataFrame(
        {
            "word": [words[i] for i in shown],
            "x": xy[shown, 0],
            "y": xy[shown, 1],
            "kind": [CONTEXT_WORD if words[i] in wanted else OTHER_WORD for i in shown],
        }
    )


def embedding_map_chart(
    points,  # [V, 2], e.g. analysis.pca_2d(E).points
    words: Sequence[str],  # [V], most frequent (or first) first: only the first ones are drawn
    *,
    highlight: Sequence[str] = (),
    title: str | None = None,
    axis_titles: tuple[str, str] = ("principal component 1", "principal component 2"),
) -> alt.LayerChart:
    """Words as points in a 2-D map of their embeddings, the context words bigger and in orange."""
    frame = embedding_map_frame(points, words, highlight=highlight)
    kinds = [OTHER_WORD, CONTEXT_WORD]
    tooltip = [alt.Tooltip("word:N"), alt.Tooltip("kind:N", title="kind"), "x:Q", "y:Q"]
    base = alt.Chart(frame).encode(
        x=alt.X("x:Q", title=axis_titles[0], scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=axis_titles[1], scale=alt.Scale(zero=False)),
        tooltip=tooltip,
    )
    dots = base.mark_point(filled=True, opacity=0.85).encode(
        color=alt.Color(
            "kind:N", scale=alt.Scale(domain=kinds, range=[BLUE, ORANGE]), legend=alt.Legend(title=None, orient="top")
        ),
        size=alt.Size("kind:N", scale=alt.Scale(domain=kinds, range=[30, 160]), legend=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), legend=None),
    )
    names = base.mark_text(align="left", dx=6, dy=-4).encode(
        text="word:N",
        color=alt.condition(f"datum.kind == '{CONTEXT_WORD}'", alt.value(BLACK), alt.value("gray")),
        size=alt.condition(f"datum.kind == '{CONTEXT_WORD}'", alt.value(14), alt.value(10)),
    )
    description = summarize_embedding_map(points, words, highlight=highlight)
    chart = (dots + names).properties(height=420, autosize=FIT_WIDTH, description=description)
    return chart.properties(title=title) if title else chart


def loss_history_frame(history) -> pd.DataFrame:
    """Long form (step, series, loss) from records, dataclasses, dicts or a frame with columns
    step, train_loss, validation_loss; missing validation losses (None/NaN) are dropped."""
    if isinstance(history, pd.DataFrame):
        wide = history
    else:
        fields = ("step", "train_loss", "validation_loss")
        wide = pd.DataFrame(
            [{f: (r.get(f) if isinstance(r, dict) else getattr(r, f, None)) for f in fields} for r in history],
            columns=list(fields),
        )
    missing = {"step", "train_loss"} - set(wide.columns)
    if missing:
        raise ValueError(f"the loss history needs the fields step and train_loss (missing: {sorted(missing)})")
    if len(wide) > limits.MAX_LOSS_CURVE_POINTS:
        keep = np.unique(np.linspace(0, len(wide) - 1, limits.MAX_LOSS_CURVE_POINTS).round().astype(int))
        wide = wide.iloc[keep]
    validation = wide["validation_loss"] if "validation_loss" in wide else pd.Series(np.nan, index=wide.index)
    parts = [
        pd.DataFrame({"step": wide["step"], "series": TRAIN, "loss": pd.to_numeric(wide["train_loss"])}),
        pd.DataFrame({"step": wide["step"], "series": VALIDATION, "loss": pd.to_numeric(validation)}),
    ]
    frame = pd.concat(parts, ignore_index=True).astype({"step": int, "loss": float})
    return frame.dropna(subset=["loss"]).reset_index(drop=True)


def loss_curve_chart(history) -> alt.Chart:
    """Cross-entropy loss against training step: train (solid blue) and held-out validation (dashed orange)."""
    frame = loss_history_frame(history)
    series = [TRAIN, VALIDATION]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=20))
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("loss:Q", title="cross-entropy loss (nats)", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=series, range=[BLUE, ORANGE]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[[1, 0], [6, 3]]), legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="loss on"),
                alt.Tooltip("step:Q", title="step"),
                alt.Tooltip("loss:Q", title="loss (nats)", format=".3f"),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH, description=_summarize_loss_frame(frame))
    )


# --- One plain-English sentence per chart, for screen readers and captions -----------------------


def _percent(p: float) -> str:
    return f"{p:.0%}" if p >= 0.01 or p == 0 else "under 1%"


def _list_rest(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summarize_distribution(distribution: NextWordDistribution, top: int = 3) -> str:
    """ "'mat' gets 62%, then 'hat' 9% and 'cat' 5%." (plain text: words quoted, no markup)."""
    order = [int(i) for i in distribution.top_k(max(top, 1))]
    p, w = distribution.probabilities, distribution.words
    head = f"'{w[order[0]]}' gets {_percent(float(p[order[0]]))}"
    rest = [f"'{w[i]}' {_percent(float(p[i]))}" for i in order[1:]]
    return f"{head}, then {_list_rest(rest)}." if rest else f"{head}."


def _word_refs(tokens: Sequence[str], positions: Sequence[int] | None) -> list[str]:
    """'the' for a word that appears once; 'the' at position 3 when the context repeats it."""
    positions = range(1, len(tokens) + 1) if positions is None else positions
    repeated = {t for t in tokens if list(tokens).count(t) > 1}
    return [f"'{t}' at position {p}" if t in repeated else f"'{t}'" for t, p in zip(tokens, positions, strict=True)]


def summarize_attention_row(
    weights_row, tokens: Sequence[str], positions: Sequence[int] | None = None, *, top: int = 3
) -> str:
    """ "The last word attends most to 'little' (80%), then 'the' (12%) and 'a' (5%)." """
    w = np.asarray(weights_row, dtype=np.float64)
    if w.ndim != 1 or len(w) != len(tokens) or len(w) == 0:
        raise ValueError(f"give one weight per token: got weights of shape {w.shape} for {len(tokens)} tokens")
    refs = _word_refs(tokens, positions)
    order = [int(i) for i in np.argsort(-w, kind="stable")[: max(top, 1)]]
    head = f"The last word attends most to {refs[order[0]]} ({_percent(w[order[0]])})"
    rest = [f"{refs[i]} ({_percent(w[i])})" for i in order[1:]]
    return f"{head}, then {_list_rest(rest)}." if rest else f"{head}."


def summarize_heatmap(weights, tokens: Sequence[str], positions: Sequence[int] | None = None) -> str:
    """One sentence for a causal attention heatmap: its size, the masked cells and the last row's peak."""
    w = _check_square(weights, len(tokens))
    n = len(tokens)
    refs = _word_refs(tokens, positions)
    j = int(np.argmax(w[-1]))
    return (
        f"{n} words, each looking only at itself and earlier words ({n * (n - 1) // 2} future cells masked); "
        f"the last word, {refs[-1]}, attends most to {refs[j]} ({_percent(w[-1, j])})."
    )


def summarize_comparison(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    before_label: str = "before",
    after_label: str = "after",
) -> str:
    """ "Top word before: 'mat' (62%); after: 'hat' (40%); 'mat' changed most (-50 points)." """
    p, q = np.asarray(before.probabilities, float), np.asarray(after.probabilities, float)
    if p.shape != q.shape:
        raise ValueError("both distributions must be over the same words")
    b, a, c = int(np.argmax(p)), int(np.argmax(q)), int(np.argmax(np.abs(q - p)))
    points = 100 * (q[c] - p[c])
    return (
        f"Top word {before_label}: '{before.words[b]}' ({_percent(p[b])}); {after_label}: '{after.words[a]}' "
        f"({_percent(q[a])}); '{before.words[c]}' changed most ({points:+.0f} percentage points)."
    )


def summarize_loss_curve(history) -> str:
    """ "Training loss went from 5.20 to 2.10 nats over 300 steps; held-out loss was lowest (2.80) at step 200." """
    return _summarize_loss_frame(loss_history_frame(history))


def _summarize_loss_frame(frame: pd.DataFrame) -> str:
    train, held_out = frame[frame["series"] == TRAIN], frame[frame["series"] == VALIDATION]
    if train.empty:
        return "No training steps yet."
    text = (
        f"Training loss went from {train['loss'].iloc[0]:.2f} to {train['loss'].iloc[-1]:.2f} nats "
        f"over {int(train['step'].iloc[-1])} steps"
    )
    if held_out.empty:
        return text + " (no held-out text to validate on)."
    best = held_out.loc[held_out["loss"].idxmin()]
    return text + f"; held-out loss was lowest ({best['loss']:.2f}) at step {int(best['step'])}."


def summarize_embedding_map(points, words: Sequence[str], *, highlight: Sequence[str] = ()) -> str:
    """ "Showing 150 of 2,000 words; the context words 'the', 'cat' are highlighted." """
    frame = embedding_map_frame(points, words, highlight=highlight)
    marked = [f"'{w}'" for w in frame.loc[frame["kind"] == CONTEXT_WORD, "word"]]
    shown = f"Showing {len(frame):,} of {len(words):,} words"
    if not marked:
        return shown + "."
    if len(marked) == 1:
        return shown + f"; the context word {marked[0]} is highlighted."
    return shown + f"; the context words {_list_rest(marked)} are highlighted."
