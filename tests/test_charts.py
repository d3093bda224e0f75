"""Every chart builder gives a valid Vega-Lite spec with the encodings the app relies on."""

import numpy as np
import pytest

from attention import NextWordDistribution, charts, softmax


def layer_encodings(spec):
    return [layer["encoding"] for layer in spec["layer"]]


def dataset(spec):
    (rows,) = spec["datasets"].values()
    return rows


@pytest.fixture
def distribution():
    words = ("the", "cat", "sat", "on", "mat", ".")
    scores = np.array([0.1, 2.0, 0.5, 0.3, 1.5, -1.0])
    return NextWordDistribution(words=words, scores=scores, probabilities=softmax(scores))


def test_next_word_chart_sorted_top_k_with_tooltips(distribution):
    spec = charts.next_word_chart(distribution, top_k=3, score_title="score s").to_dict()
    bars, labels = layer_encodings(spec)
    assert bars["x"]["field"] == "probability" and bars["y"]["field"] == "label"
    assert [t["field"] for t in bars["tooltip"]] == ["word", "rank", "probability", "score"]
    assert bars["tooltip"][3]["title"] == "score s"
    assert labels["text"]["field"] == "probability"
    rows = dataset(spec)
    assert [r["word"] for r in rows] == ["cat", "mat", "sat"]  # most probable first
    assert bars["y"]["sort"] == {"field": "rank", "op": "min"}  # rank 1 on top, spec independent of the numbers
    assert [r["label"] for r in rows] == ["1. cat", "2. mat", "3. sat"]
    assert spec["height"] == 3 * charts.BAR_HEIGHT
    assert spec["autosize"]["type"] == "fit-x"


def test_next_word_chart_highlights_the_true_next_word_even_outside_top_k(distribution):
    spec = charts.next_word_chart(distribution, top_k=2, true_next=".").to_dict()
    rows = dataset(spec)
    assert [(r["word"], r["rank"], r["kind"]) for r in rows] == [
        ("cat", 1, charts.OTHER),
        ("mat", 2, charts.OTHER),
        (".", 6, charts.TRUE_NEXT),
    ]
    colour = layer_encodings(spec)[0]["color"]
    assert colour["scale"] == {"domain": [charts.OTHER, charts.TRUE_NEXT], "range": [charts.BLUE, charts.ORANGE]}


@pytest.mark.parametrize("present", [False, True])
def test_next_word_chart_spec_is_the_same_with_the_eleventh_bar(distribution, present):
    """Word to word only the numbers change (the eleventh bar closes the bars up), so the browser updates the
    drawn chart instead of building it again."""
    inside, outside = (
        charts.next_word_chart(distribution, top_k=2, true_next=word, present=present).to_dict(validate=False)
        for word in ("cat", ".")  # in the top two, then sixth: a third bar
    )
    assert len(dataset(inside)) == 2 and len(dataset(outside)) == 3
    assert {**inside, "datasets": None, "data": None} == {**outside, "datasets": None, "data": None}


def test_next_word_frame_numbers_are_the_distributions(distribution):
    frame = charts.next_word_frame(distribution, top_k=6)
    np.testing.assert_allclose(frame["probability"].sum(), 1.0)
    assert frame["probability"].is_monotonic_decreasing


def test_token_strip_roles_and_layout():
    tokens = "the cat sat on the mat and the dog sat on the log".split()
    frame = charts.token_strip_frame(tokens, position=5, context_window=3, chars_per_row=12)
    roles = dict(zip(frame["index"], frame["role"], strict=True))
    assert roles[6] == "predict after" and roles[5] == roles[4] == "context" and roles[7] == "next word"
    assert roles[3] == "other" and roles[8] == "other"
    assert frame["row"].max() > 0  # wrapped into rows
    assert (frame["x2"] <= 12).all()


def test_token_strip_shows_only_a_span_around_the_position():
    tokens = [f"w{i}" for i in range(500)]
    frame = charts.token_strip_frame(tokens, position=250, context_window=2, span=10)
    assert frame["index"].min() == 241 and frame["index"].max() == 261


def test_token_strip_chart_spec():
    tokens = ["<script>", "a", "very" * 10, "東", "👍"]
    spec = charts.token_strip_chart(tokens, position=1, context_window=2).to_dict()
    boxes, words = layer_encodings(spec)
    assert boxes["color"]["scale"]["domain"] == charts.STRIP_ROLES
    assert words["text"]["field"] == "shown"
    rows = dataset(spec)
    assert rows[0]["token"] == "<script>"  # user text travels as data, never as markup
    assert rows[2]["shown"].endswith("…") and len(rows[2]["shown"]) == 16
    assert spec["autosize"]["type"] == "pad"


def test_next_word_chart_can_name_its_highlight(distribution):
    spec = charts.next_word_chart(distribution, top_k=3, true_next="mat", highlight_label="the word it chose").to_dict()
    rows = dataset(spec)
    assert [r["kind"] for r in rows if r["word"] == "mat"] == ["the word it chose"]
    assert layer_encodings(spec)[0]["color"]["scale"]["domain"] == [charts.OTHER, "the word it chose"]


def test_token_strip_can_be_clicked_to_pick_a_text_position():
    tokens = "the cat sat on the mat .".split()
    spec = charts.token_strip_chart(tokens, position=5, context_window=3).to_dict()
    (param,) = spec["params"]
    assert param["name"] == charts.PICK == "pick"
    assert param["select"] == {"type": "point", "fields": ["index"], "on": "click", "clear": False}
    rows = dataset(spec)
    assert [r["index"] for r in rows] == list(range(1, 8))  # 1-based text positions, as the app shows them
    assert rows[-1]["shown"] == "‘.’"  # punctuation quoted so it can be seen and clicked
    assert charts.picked_position({"selection": {"pick": [{"index": 4}]}}) == 4
    assert charts.picked_position({"selection": {"pick": []}}) is None
    assert charts.picked_position(None) is None
    for forged in (True, "x", {"index": 4}, [4], [{"index": True}], [{"index": float("inf")}], [{"index": "4"}]):
        assert charts.picked_position({"selection": {"pick": forged}}) is None, forged  # any JSON a client sends


@pytest.mark.parametrize("present", [False, True])
def test_token_strip_spec_is_the_same_from_word_to_word(present):
    """Next ▶ changes the strip's numbers and roles, not its spec: the browser updates the drawn strip in place."""
    tokens = "the cat sat on the mat and the dog sat on the log".split()
    specs = [
        charts.token_strip_chart(tokens, position, 3, attention=weights, present=present).to_dict(validate=False)
        for position, weights in ((3, [0.1, 0.6, 0.3]), (8, [0.5, 0.2, 0.3]))  # the chosen words 'on', 'dog'
    ]
    assert [r["role"] for r in dataset(specs[0])] != [r["role"] for r in dataset(specs[1])]
    assert {**specs[0], "datasets": None, "data": None} == {**specs[1], "datasets": None, "data": None}


def test_token_strip_shades_the_context_by_the_chosen_words_attention():
    tokens = "the cat sat on the mat".split()
    spec = charts.token_strip_chart(tokens, position=4, context_window=3, attention=[0.1, 0.6, 0.3]).to_dict()
    rows = {r["index"]: r for r in dataset(spec)}
    assert [rows[i]["weight"] for i in (3, 4, 5)] == [0.1, 0.6, 0.3]
    assert rows[1]["weight"] is None and rows[6]["weight"] is None  # outside the window: no weight
    _, shades, words = layer_encodings(spec)
    assert shades["color"]["field"] == "weight" and shades["color"]["scale"]["domain"] == [0, 1]
    assert shades["color"]["legend"]["title"] == ["attention from", "the chosen word"]  # its box: "predict after"
    assert [t["field"] for t in words["tooltip"]] == ["index", "token", "role", "weight"]
    assert spec["resolve"] == {"scale": {"color": "independent"}}
    for r in rows.values():
        fill = (
            charts.shade(r["weight"])
            if r["role"] == "context"
            else dict(zip(charts.STRIP_ROLES, charts.STRIP_COLOURS, strict=True))[r["role"]]
        )
        assert charts.contrast_ratio(r["ink"], fill) >= 4.5
    with pytest.raises(ValueError, match="one attention weight per context word"):
        charts.token_strip_chart(tokens, position=4, context_window=3, attention=[0.5, 0.5])
