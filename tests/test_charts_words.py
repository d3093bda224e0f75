"""Attention on the words (the head view) and the small matrix pictures of step by step."""

import numpy as np
import pytest

from attention import causal_mask, charts, softmax


def causal(h, n, seed=0):
    scores = np.random.default_rng(seed).normal(size=(h, n, n))
    return softmax(np.where(causal_mask(n), scores, -np.inf))


def test_head_view_frame_has_one_line_per_visible_pair_and_the_chosen_words_last():
    w = causal(2, 4)
    frame = charts.head_view_frame(w, ["the", "cat", "sat", "."], positions=[5, 6, 7, 8])
    assert len(frame) == 2 * 10  # n(n+1)/2 visible pairs per head
    assert (frame["j"] <= frame["i"]).all()
    for _, r in frame.iterrows():
        assert r["weight"] == pytest.approx(w[int(r["head"][-1]) - 1, r["i"], r["j"]])
    head1 = frame[frame["head"] == "head 1"]
    assert list(head1["i"].iloc[-4:]) == [3] * 4 and set(head1["emphasis"].iloc[-4:]) == {"the chosen word looks at"}
    assert "8: ‘.’" in set(frame["query"])


@pytest.mark.parametrize(("h", "n"), [(1, 1), (1, 5), (2, 12), (4, 32)])
def test_head_view_panels_per_head_and_rows_that_do_not_overlap(h, n):
    words = [f"w{i}" for i in range(n)]
    spec = charts.attention_on_words_chart(causal(h, n), words).to_dict()
    assert len(spec["hconcat"]) == h
    for present in (False, True):
        row, _, font = charts.word_lines._sizes(charts.position_labels(words), present)
        assert row > charts.heatmaps.line_px(font)  # one label per row: the boxes the browser draws never touch
    assert [p["title"]["text"] for p in spec["hconcat"]] == [f"head {k + 1}" for k in range(h)]
    titled = charts.attention_on_words_chart(causal(h, n), words, title="head 3").to_dict()
    assert titled["title"]["text"] == "head 3"
    assert all(("title" in p) == (h > 1) for p in titled["hconcat"])  # one head under its title: no second title
    assert spec["description"].startswith("The chosen word, 'w")


def test_head_view_lines_width_and_opacity_by_weight_chosen_on_top():
    spec = charts.attention_on_words_chart(causal(1, 3), ["a", "b", "c"]).to_dict()
    earlier, chosen = spec["hconcat"][0]["layer"][:2]
    for layer in (earlier, chosen):
        assert layer["mark"]["type"] == "rule"
        assert layer["encoding"]["strokeWidth"]["field"] == layer["encoding"]["opacity"]["field"] == "weight"
    assert (
        chosen["encoding"]["strokeWidth"]["scale"]["range"][1] > earlier["encoding"]["strokeWidth"]["scale"]["range"][1]
    )
    assert [t["field"] for t in chosen["encoding"]["tooltip"]] == ["head", "query", "key", "weight"]


def test_head_view_summary_names_each_heads_peak():
    w = np.zeros((2, 3, 3))
    w[:, 0, 0], w[:, 1, :2] = 1, 0.5
    w[0, 2] = [0.7, 0.2, 0.1]
    w[1, 2] = [0.1, 0.3, 0.6]
    assert charts.summarize_head_view(w, ["the", "cat", "sat"], [4, 5, 6]) == (
        "The chosen word, 'sat' (position 6), looks most at 'the' (position 4) in head 1 (70%) "
        "and at 'sat' (position 6) in head 2 (60%)."
    )


def test_head_view_refuses_bad_shapes_with_a_fix():
    with pytest.raises(ValueError, match=r"\[heads, n, n\]"):
        charts.attention_on_words_chart(np.ones((3, 3)), ["a", "b", "c"])
    with pytest.raises(ValueError, match="smaller context window"):
        charts.attention_on_words_chart(causal(1, 33), [f"w{i}" for i in range(33)])
    with pytest.raises(ValueError, match="one word per row"):
        charts.attention_on_words_chart(causal(1, 3), ["a", "b"])


def test_matrix_frame_one_row_per_cell_masked_where_not_finite():
    m = np.where(causal_mask(3), np.arange(9.0).reshape(3, 3), -np.inf)
    frame = charts.matrix_frame(m, ["1: a", "2: b", "3: c"])
    assert len(frame) == 9 and frame["masked"].sum() == 3
    assert frame.loc[frame["masked"], "value"].isna().all()
    assert list(frame.loc[frame["chosen"], "row"].unique()) == ["3: c"]
    assert len(charts.matrix_frame(np.ones(5), ["q"])) == 5  # a vector is one row
    with pytest.raises(ValueError, match="one label per row"):
        charts.matrix_frame(np.ones((2, 2)), ["a"])


def test_matrix_chart_is_compact_marks_the_chosen_row_and_shows_numbers_on_hover():
    labels = charts.position_labels(["the", "cat", "sat", "."], [4, 5, 6, 7])
    spec = charts.matrix_chart(np.random.default_rng(0).normal(size=(4, 32)), labels, title="X").to_dict()
    cells, chosen = spec["layer"]
    assert spec["height"] <= 90 and spec["width"] <= 340  # ~20 px rows: 12 of them fit two screens at window 4
    assert [t["field"] for t in cells["encoding"]["tooltip"]] == ["row", "column", "value"]
    assert cells["encoding"]["color"]["scale"]["scheme"] == "blueorange"  # signed values: diverging, centred on 0
    domain = cells["encoding"]["color"]["scale"]["domain"]
    assert domain[0] == -domain[1]
    assert chosen["transform"][0] == {"filter": "datum.chosen"} and chosen["mark"]["stroke"] == charts.VERMILLION
    weights = softmax(np.where(causal_mask(4), 0.0, -np.inf))
    spec = charts.matrix_chart(weights, labels, column_labels=labels, column_title="key").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"] == {"scheme": "viridis", "domain": [0, 1]}
    assert spec["layer"][0]["encoding"]["x"]["axis"]["values"] == labels  # a few keys: every label fits
