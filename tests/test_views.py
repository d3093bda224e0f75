"""Every view of the app, on every built-in example and at the edges, driven without a browser."""

import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import attention
from attention.teaching import formulas, report
from attention.teaching.examples import EXAMPLES
from harness.app import open_app, until_trained
from harness.page_text import formulas_shown
from lab.views import VIEWS as REGISTRY

VIEWS = list(REGISTRY)  # the registry is the one list of views
MEMORISING = {"example": "Nursery rhyme", "reads": "prompt"}
"""The model reads the prompt itself: these tests check the numbers of a model trained on the rhyme."""
OWN_TEXTS = ["Nursery rhyme", "Short story", "Repeated patterns", "La gaviota (a Spanish rhyme)"]
"""The examples written to be trained on themselves (the others are prompts for the built-in stories' model)."""
DEFAULT_TRAINING = {"context_window": 8, "dim": 32, "heads": 1, "positions": "learned", "epochs": 200, "seed": 0}


def chart_specs(at):
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def assert_fine(at):
    assert not at.exception, [e.message for e in at.exception]
    assert not at.warning, [w.value for w in at.warning]


def test_this_file_knows_every_view_the_app_has():
    # The app's view picker offers exactly the registry's views, in its order.
    assert open_app().button_group(key="view").options == VIEWS


@pytest.mark.parametrize("example", list(EXAMPLES))
@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_for_every_example(view, example):
    at = open_app({"view": view, "example": example})
    assert_fine(at)
    if view != "Train":
        assert at.get("vega_lite_chart") or at.dataframe


@pytest.mark.parametrize(
    "query",
    [
        {"position": 5, "window": 1},  # window 1
        {"position": 125, "window": 125},  # the whole text up to the last word
        {"position": 1},  # the first word: nothing before it
        {"t_heads": 4},
        {"t_heads": 2, "t_positions": "none", "t_tied": 1},
        {"t_positions": "sinusoidal", "t_window": 1},
    ],
)
@pytest.mark.parametrize("view", ["Predict", "Attention map", "Step by step", "Generate", "What if"])
def test_views_at_the_edges(view, query):
    at = open_app({"view": view, **query})
    assert_fine(at)


def test_pressing_train_shows_the_loss_curve_and_the_summary():
    at = open_app({"reads": "prompt", "view": "Train", "example": "Repeated patterns"})
    at = until_trained(at.button(key="train").click().run())
    assert_fine(at)
    specs = chart_specs(at)
    assert any("loss" in json.dumps(spec) for spec in specs)
    table = at.table[0].value
    model = attention.train_model(EXAMPLES["Repeated patterns"], **DEFAULT_TRAINING)  # the app's defaults
    labels = ["self-attention model", *model.evaluation.baselines()]
    strongest, _ = model.evaluation.strongest_baseline()
    assert [m.removesuffix(" (strongest counter)") for m in table["method"]] == labels
    assert f"{strongest} (strongest counter)" in list(table["method"])
    assert (table["perplexity, all test words"] > 0).all()
    assert any("stopped:" in md.value for md in at.markdown)
    assert attention.escape_markdown(report.verdict(model.evaluation)) in [md.value for md in at.markdown]
    regime = report.regime_sentence(len(EXAMPLES["Repeated patterns"].split()))  # the text the model read
    assert attention.escape_markdown(regime) in [caption.value for caption in at.caption]


def test_trained_predictions_follow_the_text():
    # "... sitting in the" -> "tree" in the nursery rhyme: the trained model should see it coming.
    at = trained_app({"position": 9, "window": 4, **MEMORISING})
    assert_fine(at)
    said = " ".join(md.value for md in at.markdown).replace("\\", "")
    assert "next word is 'tree': probability" in said
    probability = float(re.search(r"next word is 'tree': probability ([\d.]+)%", said).group(1))
    assert probability > 30  # percent; random embeddings give about 2.5%


def matrix_pictures(at) -> list[pd.DataFrame]:
    """The step-by-step pictures' numbers: every chart whose data marks the chosen row, as [rows, columns]."""
    out = []
    for chart in at.get("vega_lite_chart"):
        table = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()
        if "chosen" in table.columns:
            rows = list(dict.fromkeys(table["row"]))
            columns = list(dict.fromkeys(table["column"]))
            out.append(table.pivot(index="row", columns="column", values="value").loc[rows, columns])
    return out


def test_step_by_step_shows_the_cores_numbers():
    at = open_app({**MEMORISING, "view": "Step by step", "position": 9, "window": 4})
    assert_fine(at)
    tokens = attention.tokenize(EXAMPLES["Nursery rhyme"])
    model = attention.train_model(EXAMPLES["Nursery rhyme"], **DEFAULT_TRAINING)
    steps = model.forward_steps(tokens[5:9])
    shown = matrix_pictures(at)
    expected = [steps.X, steps.Q[0], steps.K[0], steps.V[0], steps.scores[0], steps.scaled_scores[0]]
    assert len(shown) == 11  # X, Q, K, V, scores, scaled, mask, weights, head outputs, projected, residual
    for picture, numbers in zip(shown, expected, strict=False):
        np.testing.assert_array_equal(picture.to_numpy(), np.asarray(numbers, dtype=np.float64))
    assert list(shown[0].index) == ["6: ‘,’", "7: sitting", "8: in", "9: the"]
    weights = shown[7].to_numpy()
    np.testing.assert_array_equal(weights, np.asarray(steps.weights[0], dtype=np.float64))
    assert (weights[np.triu_indices(4, 1)] == 0).all()
    mask = shown[6].to_numpy()
    assert np.isnan(mask[np.triu_indices(4, 1)]).all() and (mask[np.tril_indices(4)] == 0).all()  # masked: grey
    bars = [c for c in at.get("vega_lite_chart") if "probability" in c.proto.spec][-1]
    output = pa.ipc.open_stream(bars.proto.datasets[0].data.data).read_all().to_pandas().sort_values("rank")
    top = int(np.argmax(steps.probabilities))
    assert output["word"].iloc[0] == model.vocabulary.words[top] == "tree"
    assert output["probability"].iloc[0] == pytest.approx(float(steps.probabilities[top]), rel=1e-6)


def test_what_if_shuffle_without_positions_changes_nothing():
    at = trained_app({**MEMORISING, "view": "What if", "t_positions": "none", "position": 20, "window": 6})
    assert_fine(at)
    assert any("cannot tell word order apart" in info.value for info in at.info)
    assert any("The prediction did not move" in md.value for md in at.markdown)


def test_what_if_shuffle_with_learned_positions_changes_the_prediction():
    at = trained_app({**MEMORISING, "view": "What if", "position": 20, "window": 6})
    assert_fine(at)
    assert not any("cannot tell word order apart" in info.value for info in at.info)
    assert not any("Total variation distance: **0.000**" in md.value for md in at.markdown)


def test_texts_too_small_to_train_get_an_explanation():
    at = open_app({"reads": "prompt", "view": "Attention map", "text": "a short text of nine tokens , really ."})
    assert not at.exception
    assert any("Training needs at least" in info.value for info in at.info)


@pytest.mark.parametrize("example", OWN_TEXTS)
def test_training_each_example_beats_simple_counts_and_the_panel_says_who_won(example):
    at = open_app({"reads": "prompt", "view": "Train", "example": example})
    at = until_trained(at.button(key="train").click().run())
    assert_fine(at)
    table = at.table[0].value.set_index("method")["perplexity, all test words"]
    assert table["self-attention model"] < table["unigram (word frequency)"]
    assert table["self-attention model"] <= table["add-one bigram (word pairs)"]

    model = attention.train_model(EXAMPLES[example], **DEFAULT_TRAINING)  # the app's defaults: same model
    _, strongest = model.evaluation.strongest_baseline()
    said = " ".join(md.value for md in at.markdown)
    if model.evaluation.model.perplexity < strongest.perplexity:  # a win is claimed only when the numbers show one
        assert "Attention beat counting" in said
    else:
        assert "Attention beat counting" not in said and ("Counting won" in said or "A tie" in said)
    assert model.history[-1].train_loss < model.history[0].train_loss / 2  # the loss curve falls
    tokens = attention.tokenize(EXAMPLES[example])
    hits = [
        model.vocabulary.words[int(model.next_word_distribution(tokens[max(0, i - 7) : i + 1]).top_k(1)[0])]
        == tokens[i + 1]
        for i in range(len(tokens) - 1)
    ]
    assert np.mean(hits) > 0.5  # its top guess is the text's next word more often than not


def trained_app(query: dict) -> AppTest:
    """The app on a view that needs a model, rerun until its training (in the background) is done."""
    return until_trained(open_app(query))


def test_step_by_step_shows_every_layer_of_a_deeper_model():
    query = {"t_layers": 2, "t_mlp": 1, "t_layernorm": 1, "position": 9, "window": 4, **MEMORISING}
    at = trained_app({"view": "Step by step", **query})
    assert_fine(at)
    assert [r.label for r in at.radio] == ["Layer"]
    settings = {**DEFAULT_TRAINING, "layers": 2, "mlp": True, "layernorm": True}
    model = attention.train_model(EXAMPLES["Nursery rhyme"], **settings)
    steps = model.forward_steps(attention.tokenize(EXAMPLES["Nursery rhyme"])[5:9])
    for layer in (0, 1):
        at.radio(key="layer").set_value(layer).run()
        shown = dict(zip([md.value.split("**")[1] for md in at.markdown if md.value.startswith("**")],
                         matrix_pictures(at), strict=False))  # fmt: skip
        np.testing.assert_array_equal(shown["Q"].to_numpy(), np.asarray(steps.layers[layer].Q[0], dtype=np.float64))
        np.testing.assert_array_equal(shown["residual"].to_numpy(), steps.layers[layer].residual.astype(np.float64))
        latex = " ".join(md.value for md in at.markdown)  # each step's formula inline, with its name
        assert f"U^{{({layer + 1})}}" in latex and r"\operatorname{GELU}" in latex  # this layer's formulas


@pytest.mark.parametrize(
    ("query", "layers", "mlp", "layernorm"),
    [({}, 1, False, False), ({"t_layers": 2, "t_mlp": 1, "t_layernorm": 1}, 2, True, True)],
)
def test_predict_shows_the_formula_of_the_model_shown(query, layers, mlp, layernorm):
    at = trained_app({"view": "Predict", **MEMORISING, **query})
    assert_fine(at)
    shown = formulas_shown(at)
    assert formulas.model_formula(layers=layers, mlp=mlp, layernorm=layernorm) in shown
    assert (formulas.MODEL_SUMMARY in shown) == (layers == 1 and not mlp and not layernorm)
    joined = " ".join(shown)
    assert (r"\operatorname{GELU}" in joined) == mlp and (r"\operatorname{LN}" in joined) == layernorm
    assert (f"L = {layers}" in joined) == (layers > 1)


def test_predict_s_formula_its_heading_and_its_note_are_one_element():
    at = trained_app({"view": "Predict", **MEMORISING, "window": 3})
    assert_fine(at)
    (block,) = [md for md in at.markdown if "$$" in md.value]  # one element per rerun, not three
    heading, formula, note = block.value.split("\n\n")
    assert heading == "**How the probabilities are computed**"
    assert formula.strip("$\n") in formulas_shown(at) and formulas.MODEL_SUMMARY in formula
    assert note.startswith(":gray[:small[k = 3 context words (the model was trained with contexts of up to n_ctx = ")
    assert note.endswith("See **Step by step** for every number.]]")
    assert not any("context words" in caption.value for caption in at.caption)  # the note is not also a caption


def test_a_formula_note_s_own_brackets_stay_inside_its_small_grey_type():
    def script():
        from lab.render import show_formulas

        show_formulas("x = 1", "y = 2", note="see [1] and **this**", heading="**H**")

    at = AppTest.from_function(script).run()
    assert not at.exception
    (block,) = at.markdown
    assert block.value == "**H**\n\n$$\nx = 1\n$$\n\n$$\ny = 2\n$$\n\n:gray[:small[see \\[1\\] and **this**]]"


@pytest.mark.parametrize(("words", "widths"), [(4, [2, 2, 3, 2, 2]), (8, [2, 2, 2, 2, 2, 1])])
def test_step_by_step_puts_three_narrow_pictures_to_a_row_only_in_a_short_context(words, widths):
    from lab.views.step_by_step import MATRICES, grid_rows

    shown = [(name, "", "", np.zeros((words, words))) for name in MATRICES]
    rows = grid_rows(shown, narrow=words <= 6)
    assert [len(row) for row in rows] == widths
    assert [step for row in rows for step in row] == shown  # every step once, in the computation's order
