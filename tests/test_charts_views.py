"""The attention, comparison, embedding-map and loss charts: specs, data and one-sentence summaries."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from attention import HistoryPoint, NextWordDistribution, causal_mask, charts, limits, softmax

TOKENS = ["the", "cat", "sat", "on", "the"]


def causal_weights(n, seed=0):
    scores = np.random.default_rng(seed).normal(size=(n, n))
    return softmax(np.where(causal_mask(n), scores, -np.inf))


def datasets(spec):
    return list(spec["datasets"].values())


def only_dataset(spec):
    (rows,) = datasets(spec)
    return rows


# --- attention heatmap ----------------------------------------------------------------------------


def test_heatmap_has_one_cell_per_pair_and_flags_the_masked_ones():
    n = len(TOKENS)
    weights = causal_weights(n)
    spec = charts.attention_heatmap(weights, TOKENS).to_dict()
    rows = only_dataset(spec)
    assert len(rows) == n * n
    assert set(rows[0]) >= {"query", "key", "weight", "masked"}
    assert sum(r["masked"] for r in rows) == n * (n - 1) // 2
    labels = charts.position_labels(TOKENS)
    for r in rows:
        i, j = labels.index(r["query"]), labels.index(r["key"])
        assert r["masked"] == (j > i)
        assert r["weight"] == pytest.approx(weights[i, j])
        assert r["status"] == (charts.MASKED if j > i else charts.VISIBLE)
    assert {"1: the", "5: the"} <= {r["query"] for r in rows}  # two "the", two rows


def test_a_heatmap_cap_shrinks_its_cells_to_fit_a_lesson_step():
    weights = causal_weights(13)
    tokens = [f"w{i}" for i in range(13)]
    projector = charts.attention_heatmap(weights, tokens, present=True).to_dict()
    capped = charts.attention_heatmap(weights, tokens, present=True, cap=360).to_dict()
    assert projector["height"] == 13 * 55 and capped["height"] == 13 * (360 // 13) <= 360


def test_heatmap_encodings_colour_tooltips_and_size():
    spec = charts.attention_heatmap(causal_weights(5), TOKENS, title="head 1").to_dict()
    cells, values = (layer["encoding"] for layer in spec["layer"])
    assert cells["x"]["field"] == "key" and cells["y"]["field"] == "query"
    assert cells["x"]["sort"] == cells["y"]["sort"] == charts.position_labels(TOKENS)
    colour = cells["color"]
    assert colour["field"] == "weight" and colour["scale"] == {"scheme": "viridis", "domain": [0, 1]}
    assert colour["condition"] == {"test": "datum.masked", "value": charts.MASKED_GREY}  # masked ≠ weight 0
    assert [t["field"] for t in cells["tooltip"]] == ["query", "key", "weight", "status"]
    assert values["text"]["field"] == "weight"
    assert spec["layer"][1]["transform"] == [{"filter": "!datum.masked"}]  # no numbers in masked cells
    assert spec["width"] == spec["height"] and 160 <= spec["height"] <= 480
    assert spec["title"]["text"] == "head 1" and "masked" in spec["title"]["subtitle"]


def test_heatmap_prints_values_only_for_small_contexts():
    assert len(charts.attention_heatmap(causal_weights(12), [f"w{i}" for i in range(12)]).to_dict()["layer"]) == 2
    big = [f"w{i}" for i in range(13)]
    assert len(charts.attention_heatmap(causal_weights(13), big).to_dict()["layer"]) == 1
    assert len(charts.attention_heatmap(causal_weights(13), big, show_values=True).to_dict()["layer"]) == 2


def test_heatmap_uses_given_positions():
    rows = only_dataset(charts.attention_heatmap(causal_weights(3), ["a", "b", "a"], positions=[7, 8, 9]).to_dict())
    assert [r["query"] for r in rows[::3]] == ["7: a", "8: b", "9: a"]


def test_heatmap_refuses_more_than_the_limit_and_bad_shapes():
    n = limits.MAX_HEATMAP_TOKENS + 1
    with pytest.raises(ValueError, match=f"at most {limits.MAX_HEATMAP_TOKENS} words"):
        charts.attention_heatmap(np.eye(n), ["w"] * n)
    with pytest.raises(ValueError, match="square"):
        charts.attention_heatmap(np.ones((2, 3)), ["a", "b"])
    with pytest.raises(ValueError, match="one per row"):
        charts.attention_heatmap(np.eye(3), ["a", "b"])
    with pytest.raises(ValueError, match="one position per token"):
        charts.attention_heatmap(np.eye(2), ["a", "b"], positions=[1])


def test_heatmap_at_the_limit_stays_under_altairs_row_cap():
    n = limits.MAX_HEATMAP_TOKENS
    spec = charts.attention_heatmaps(np.stack([causal_weights(n, s) for s in range(4)]), [f"w{i}" for i in range(n)])
    assert sum(len(rows) for rows in datasets(spec.to_dict())) == 4 * n * n


def test_heatmaps_one_per_head_side_by_side_with_a_shared_scale():
    weights = np.stack([causal_weights(5, seed) for seed in range(3)])
    spec = charts.attention_heatmaps(weights, TOKENS).to_dict()
    heads = spec["hconcat"]
    assert [h["title"]["text"] for h in heads] == ["head 1", "head 2", "head 3"]
    assert spec["resolve"]["scale"]["color"] == "shared"
    assert all(160 <= h["width"] <= 320 for h in heads)
    assert sum(h["width"] for h in heads) <= 1200
    assert heads[0]["layer"][0]["encoding"]["y"]["axis"] is not None
    assert all(h["layer"][0]["encoding"]["y"]["axis"] is None for h in heads[1:])  # row labels once
    assert all(len(rows) == 25 for rows in datasets(spec))
    assert "masked" in spec["title"]["subtitle"]


def test_heatmaps_reject_a_single_matrix():
    with pytest.raises(ValueError, match=r"\[heads, n, n\]"):
        charts.attention_heatmaps(np.eye(3), ["a", "b", "c"])


# --- attention row --------------------------------------------------------------------------------


def test_attention_row_chart_labels_and_percent_axis():
    row = np.array([0.1, 0.2, 0.05, 0.15, 0.5])
    spec = charts.attention_row_chart(row, TOKENS, positions=[10, 11, 12, 13, 14]).to_dict()
    bars, labels = (layer["encoding"] for layer in spec["layer"])
    assert bars["x"]["field"] == "weight" and bars["x"]["axis"]["format"] == "%"
    assert bars["y"]["sort"] == ["10: the", "11: cat", "12: sat", "13: on", "14: the"]  # text order
    assert labels["text"]["field"] == "weight"
    assert [r["weight"] for r in only_dataset(spec)] == pytest.approx(row)
    assert spec["height"] == 5 * charts.BAR_HEIGHT


def test_attention_row_chart_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="one weight per token"):
        charts.attention_row_chart(np.ones(3) / 3, TOKENS)


# --- comparison -----------------------------------------------------------------------------------

WORDS = ("mat", "hat", "cat", "dog", "log", "fog")


def dist(probabilities):
    p = np.asarray(probabilities, dtype=float)
    return NextWordDistribution(WORDS, np.log(p), p)


def test_comparison_has_two_rows_per_word_for_the_top_words_of_either():
    before = dist([0.50, 0.20, 0.15, 0.10, 0.03, 0.02])
    after = dist([0.05, 0.10, 0.05, 0.05, 0.70, 0.05])  # 'log' jumps from 3% to 70%
    spec = charts.comparison_chart(before, after, top_k=3, before_label="blog", after_label="corrected").to_dict()
    rows = only_dataset(spec)
    assert len(rows) == 2 * 3
    assert [r["word"] for r in rows[::2]] == ["log", "mat", "hat"]  # by max(p_before, p_after)
    assert [r["version"] for r in rows[:2]] == ["blog", "corrected"]
    assert rows[0]["probability"] == pytest.approx(0.03) and rows[1]["probability"] == pytest.approx(0.70)
    assert rows[0]["change"] == pytest.approx(0.67)
    bars = spec["layer"][0]["encoding"]
    assert bars["yOffset"]["field"] == "version" and bars["y"]["sort"] == ["log", "mat", "hat"]
    assert bars["color"]["scale"]["domain"] == ["blog", "corrected"]
    assert [t["field"] for t in bars["tooltip"]] == ["word", "version", "probability", "change"]
    assert spec["height"] > 0


def test_comparison_refuses_different_vocabularies_or_labels():
    other = NextWordDistribution(("a", "b"), np.zeros(2), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="same words"):
        charts.comparison_chart(dist(np.ones(6) / 6), other)
    with pytest.raises(ValueError, match="labels must differ"):
        charts.comparison_chart(dist(np.ones(6) / 6), dist(np.ones(6) / 6), before_label="x", after_label="x")


# --- embedding map --------------------------------------------------------------------------------


def test_embedding_map_caps_the_words_but_keeps_the_context():
    words = [f"w{i}" for i in range(300)]
    points = np.random.default_rng(0).normal(size=(300, 2))
    spec = charts.embedding_map_chart(points, words, highlight=["w3", "w250"], title="map").to_dict()
    rows = only_dataset(spec)
    assert len(rows) == limits.MAX_EMBEDDING_MAP_WORDS
    kinds = {r["word"]: r["kind"] for r in rows}
    assert kinds["w3"] == kinds["w250"] == charts.CONTEXT_WORD and kinds["w0"] == charts.OTHER_WORD
    w250 = next(r for r in rows if r["word"] == "w250")
    assert (w250["x"], w250["y"]) == pytest.approx(tuple(points[250]))
    other_dots, other_names, context_dots, context_names = spec["layer"]  # one pair of layers per kind
    assert context_dots["encoding"]["color"]["scale"]["domain"] == [charts.OTHER_WORD, charts.CONTEXT_WORD]
    assert context_dots["mark"]["size"] > other_dots["mark"]["size"]  # context words bigger
    assert context_names["mark"]["fontSize"] > other_names["mark"]["fontSize"]
    assert context_names["encoding"]["text"]["field"] == other_names["encoding"]["text"]["field"] == "word"
    assert "color" not in context_names["encoding"]  # names take the theme's text colour: readable in dark mode
    assert spec["height"] == 420


def test_embedding_map_small_vocabularies_are_drawn_whole():
    rows = only_dataset(charts.embedding_map_chart(np.zeros((4, 2)), list("abcd")).to_dict())
    assert [r["word"] for r in rows] == list("abcd")
    with pytest.raises(ValueError, match="one 2-D point per word"):
        charts.embedding_map_chart(np.zeros((4, 3)), list("abcd"))


# --- loss curve -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    step: int
    train_loss: float
    validation_loss: float | None


HISTORY = [Point(0, 5.0, 5.2), Point(10, 4.0, None), Point(20, 3.0, 3.5), Point(30, 2.5, float("nan"))]


@pytest.mark.parametrize(
    "history",
    [
        HISTORY,
        [vars(p) for p in HISTORY],
        pd.DataFrame([vars(p) for p in HISTORY]),
    ],
    ids=["dataclasses", "dicts", "frame"],
)
def test_loss_curve_has_two_series_and_drops_missing_validation(history):
    spec = charts.loss_curve_chart(history).to_dict()
    rows = only_dataset(spec)
    train = [(r["step"], r["loss"]) for r in rows if r["series"] == charts.TRAIN]
    held_out = [(r["step"], r["loss"]) for r in rows if r["series"] == charts.VALIDATION]
    assert train == [(0, 5.0), (10, 4.0), (20, 3.0), (30, 2.5)]
    assert held_out == [(0, 5.2), (20, 3.5)]
    enc = spec["encoding"]
    assert enc["x"]["field"] == "step" and enc["y"]["field"] == "loss" and "nats" in enc["y"]["title"]
    assert enc["color"]["scale"]["domain"] == ["train", "validation (held out)"]
    assert enc["strokeDash"]["field"] == "series"  # told apart by dash too, not colour alone


def test_loss_curve_without_validation_and_thinned_when_long():
    rows = only_dataset(charts.loss_curve_chart([Point(0, 3.0, None), Point(1, 2.0, None)]).to_dict())
    assert {r["series"] for r in rows} == {charts.TRAIN}
    long = [Point(s, 1.0 / (s + 1), 1.0) for s in range(3 * limits.MAX_LOSS_CURVE_POINTS)]
    frame = charts.loss_history_frame(long)
    train_steps = frame.loc[frame["series"] == charts.TRAIN, "step"]
    assert len(train_steps) <= limits.MAX_LOSS_CURVE_POINTS
    assert train_steps.iloc[0] == 0 and train_steps.iloc[-1] == len(long) - 1


def test_loss_curve_needs_steps_and_train_loss():
    with pytest.raises(ValueError, match="step and train_loss"):
        charts.loss_curve_chart(pd.DataFrame({"epoch": [1]}))


def test_loss_curve_accepts_the_trainers_history_points():
    points = [HistoryPoint(step=s, epoch=0, train_loss=3.0 - s, validation_loss=np.nan) for s in range(2)]
    rows = only_dataset(charts.loss_curve_chart(points).to_dict())
    assert [(r["series"], r["loss"]) for r in rows] == [(charts.TRAIN, 3.0), (charts.TRAIN, 2.0)]


# --- one sentence per chart -----------------------------------------------------------------------


def test_summarize_distribution():
    d = dist([0.62, 0.09, 0.05, 0.2, 0.03, 0.01])
    assert charts.summarize_distribution(d) == "'mat' gets 62%, then 'dog' 20% and 'hat' 9%."
    assert charts.summarize_distribution(d, top=1) == "'mat' gets 62%."
    assert charts.summarize_distribution(d, top=2) == "'mat' gets 62%, then 'dog' 20%."


def test_summarize_attention_row_names_repeated_words_by_position():
    row = np.array([0.05, 0.1, 0.02, 0.03, 0.8])
    assert (
        charts.summarize_attention_row(row, TOKENS)
        == "The last word attends most to 'the' at position 5 (80%), then 'cat' (10%) and 'the' at position 1 (5%)."
    )
    assert charts.summarize_attention_row([1.0], ["cat"]) == "The last word attends most to 'cat' (100%)."
    assert "under 1%" in charts.summarize_attention_row([0.995, 0.005], ["a", "b"])


def test_summaries_of_the_other_charts_are_one_plain_sentence():
    w = np.tril(np.ones((3, 3)))
    w = w / w.sum(axis=1, keepdims=True)
    before, after = dist([0.5, 0.2, 0.15, 0.1, 0.03, 0.02]), dist([0.1, 0.6, 0.15, 0.1, 0.03, 0.02])
    sentences = [
        charts.summarize_heatmap(w, ["a", "b", "c"]),
        charts.summarize_comparison(before, after, before_label="blog", after_label="corrected"),
        charts.summarize_loss_curve(HISTORY),
        charts.summarize_embedding_map(np.zeros((3, 2)), ["a", "b", "c"], highlight=["b", "c"]),
    ]
    assert sentences == [
        "3 words, each looking only at itself and earlier words (3 future cells masked); "
        "the last word, 'c', attends most to 'a' (33%).",
        "Top word blog: 'mat' (50%); corrected: 'hat' (60%); 'mat' changed most (-40 percentage points).",
        "Training loss went from 5.00 to 2.50 nats over 30 steps; held-out loss was lowest (3.50) at step 20.",
        "Showing 3 of 3 words; the context words 'b' and 'c' are highlighted.",
    ]
    for sentence in sentences:
        assert sentence.endswith(".") and not any(ch in sentence for ch in "<>*_`#")


def test_user_text_travels_as_data():
    tokens = ["<script>", "**bold**"]
    rows = only_dataset(charts.attention_heatmap(np.tril(np.ones((2, 2))) / [[1], [2]], tokens).to_dict())
    assert rows[0]["query"] == "1: <script>"


def test_loss_curve_before_the_first_evaluation_is_empty_not_an_error():
    nan = float("nan")
    for history in ([], [Point(0, nan, nan)]):
        assert only_dataset(charts.loss_curve_chart(history).to_dict()) == []
        assert charts.summarize_loss_curve(history) == "No training steps yet."


def test_every_chart_carries_its_sentence_as_the_aria_description():
    w = causal_weights(5)
    before, after = dist([0.5, 0.2, 0.15, 0.1, 0.03, 0.02]), dist([0.1, 0.6, 0.15, 0.1, 0.03, 0.02])
    cases = [
        (charts.attention_heatmap(w, TOKENS), charts.summarize_heatmap(w, TOKENS)),
        (charts.attention_row_chart(w[-1], TOKENS), charts.summarize_attention_row(w[-1], TOKENS)),
        (charts.comparison_chart(before, after), charts.summarize_comparison(before, after)),
        (charts.embedding_map_chart(np.eye(2), ["a", "b"], highlight=["a"]), "Showing 2 of 2 words; "
         "the context word 'a' is highlighted."),
        (charts.loss_curve_chart(p for p in HISTORY), charts.summarize_loss_curve(HISTORY)),  # a generator, read once
    ]  # fmt: skip
    for chart, sentence in cases:
        assert chart.to_dict()["description"] == sentence
    spec = charts.attention_heatmaps(np.stack([w, w]), TOKENS).to_dict()
    assert spec["description"].startswith("Head 1: 5 words") and "Head 2: " in spec["description"]


def test_punctuation_labels_are_quoted_so_they_can_be_seen():
    assert charts.position_labels(["the", ".", ",", "東", "👍"], [8, 9, 10, 11, 12]) == [
        "8: the",
        "9: ‘.’",
        "10: ‘,’",
        "11: 東",
        "12: 👍",
    ]


def test_value_bars_are_blue_below_zero_labelled_with_their_values_and_refuse_a_missing_label():
    spec = charts.value_bars_chart(("a", "b", "c"), (-0.5, 0.0, 0.25), value_title="log₂ ratio").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [(r["label"], r["value"], r["sign"]) for r in rows] == [
        ("a", -0.5, "below 0"), ("b", 0.0, "0 or more"), ("c", 0.25, "0 or more")
    ]  # fmt: skip
    bars, zero, text, text_below = spec["layer"]  # values after a bar's end: right of it, or left below 0
    assert bars["encoding"]["color"]["scale"] == {"domain": ["below 0", "0 or more"], "range": [charts.BLUE,
                                                  charts.VERMILLION]}  # fmt: skip
    assert text["encoding"]["text"]["format"] == ".2f" and bars["encoding"]["x"]["title"] == "log₂ ratio"
    assert zero["mark"]["type"] == "rule" and zero["encoding"]["x"] == {"datum": 0}
    assert (text["mark"]["align"], text_below["mark"]["align"]) == ("left", "right")
    assert [t["transform"] for t in (text, text_below)] == [
        [{"filter": "datum.value >= 0"}],
        [{"filter": "datum.value < 0"}],
    ]
    with pytest.raises(ValueError, match="one label per value"):
        charts.value_bars_chart(("a",), (1.0, 2.0), value_title="x")
    only_above = charts.value_bars_chart(("a", "b"), (0.07, 0.0), value_title="share").to_dict()["layer"]
    assert len(only_above) == 3  # no layer for values below 0 when there are none (Vega warns of an empty one)
