"""One path from a number to its code: every view reads the one forward pass (the one training runs),
once per context, and *Show the code* shows functions that ran.

The views' attention is marked by replacing the one implementation, `mechanism.scaled_dot_product_attention`
as `layers.attention_forward` calls it, with one whose weights send every word to the first word only: a
view that computed attention another way would show other numbers.
"""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import attention
from attention.core import layers, mechanism, steps
from attention.teaching.examples import EXAMPLES
from lab import views

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ATTENTION_VIEWS = ["Predict", "Attention on the words", "Attention map", "Step by step", "Generate"]


def trained_app(**query) -> AppTest:
    """The app with its model trained (training runs in the background; rerun until it is done)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({key: str(value) for key, value in query.items()})
    at.run()
    for _ in range(240):
        if not at.get("progress") and not any("queue" in info.value for info in at.info):
            assert not at.exception, [e.message for e in at.exception]
            return at
        time.sleep(0.25)
        at.run()
    raise AssertionError("training did not finish")


def chart_tables(at: AppTest) -> list[pd.DataFrame]:
    return [
        pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()
        for chart in at.get("vega_lite_chart")
        if chart.proto.datasets
    ]


def first_word_only(q, k, v, mask=None, *, dropout=None, keep_scores=True):
    """The real attention, then weights replaced: every word looks at the first word only."""
    real = REAL_ATTENTION(q, k, v, mask, dropout=dropout, keep_scores=keep_scores)
    weights = np.zeros_like(real.weights)
    weights[..., 0] = 1.0
    return mechanism.AttentionResult(real.scores, real.scaled_scores, weights, weights @ v)


REAL_ATTENTION = mechanism.scaled_dot_product_attention


def test_the_views_and_predictions_read_the_training_forward():
    assert layers.scaled_dot_product_attention is mechanism.scaled_dot_product_attention  # what training runs
    assert steps.forward is attention.core.model.forward
    model = attention.train_model(EXAMPLES["Nursery rhyme"], max_steps=5)
    context = attention.tokenize(EXAMPLES["Nursery rhyme"])[3:9]
    record = model.forward_steps(context)
    assert model.forward_steps(context) is record  # remembered, not recomputed
    assert model.attention_weights(context) is record.weights
    np.testing.assert_array_equal(model.next_word_distribution(context).scores, record.logits)
    logits, cache = attention.core.model.forward(model.architecture, model.parameters, np.asarray([record.ids]))
    np.testing.assert_allclose(record.weights, cache.A[0], rtol=1e-5, atol=1e-6)  # float64 view of the same pass
    np.testing.assert_allclose(record.logits, logits[0, -1], rtol=1e-4, atol=1e-5)
    assert not record.weights.flags.writeable and not record.layers[0].residual.flags.writeable


def test_training_keeps_no_display_matrices():
    model = attention.train_model(EXAMPLES["Nursery rhyme"], max_steps=5)
    ids = np.asarray([model.vocabulary.ids(["the", "tree"])])
    _, cache = attention.core.model.forward(model.architecture, model.parameters, ids)
    assert cache.layers[0].attention.scores is None and cache.layers[0].stream is None  # training's default
    _, kept = attention.core.model.forward(model.architecture, model.parameters, ids, keep=True)
    assert kept.layers[0].attention.scores is not None and kept.layers[0].stream is not None


def test_the_steps_cache_is_bounded_and_survives_pickling():
    import pickle

    model = attention.train_model(EXAMPLES["Nursery rhyme"], max_steps=5)
    tokens = attention.tokenize(EXAMPLES["Nursery rhyme"])
    for start in range(20):
        model.forward_steps(tokens[start : start + 4])
    assert len(model._steps_cache) == attention.limits.MAX_CACHED_CONTEXTS
    clone = pickle.loads(pickle.dumps(model))
    assert len(clone._steps_cache) == 0
    np.testing.assert_array_equal(clone.forward_steps(tokens[:4]).logits, model.forward_steps(tokens[:4]).logits)


def test_the_steps_cache_is_safe_to_share_between_threads():
    model = attention.train_model(EXAMPLES["Nursery rhyme"], max_steps=5)
    tokens = attention.tokenize(EXAMPLES["Nursery rhyme"])
    contexts = [tokens[start : start + 5] for start in range(0, 60, 6)]  # more contexts than the cache keeps
    expected = [attention.core.steps.forward_steps(model.architecture, model.parameters, *model.context_ids(c)).logits
                for c in contexts]  # fmt: skip

    def read(i: int) -> bool:
        return np.array_equal(model.forward_steps(contexts[i % len(contexts)]).logits, expected[i % len(contexts)])

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(read, range(400)))
    assert len(model._steps_cache) <= attention.limits.MAX_CACHED_CONTEXTS


def test_a_predict_rerun_runs_the_forward_pass_once(monkeypatch):
    at = trained_app(view="Predict", seed=3131, position=9, window=4)
    passes, attentions = [], []

    def counted_forward(*args, **kwargs):
        passes.append(args[2].shape)
        return attention.core.model.forward(*args, **kwargs)

    def counted_attention(*args, **kwargs):
        attentions.append(1)
        return REAL_ATTENTION(*args, **kwargs)

    monkeypatch.setattr(steps, "forward", counted_forward)
    monkeypatch.setattr(layers, "scaled_dot_product_attention", counted_attention)
    at.slider(key="position").set_value(33).run()  # a context this model has not seen yet
    assert not at.exception
    assert any("Sampled next word" in metric.label for metric in at.metric)
    assert passes == [(1, 4)] and len(attentions) == 1  # one pass: the bars, the sample, the rows, the strip
    at.run()  # the same context again: remembered
    assert passes == [(1, 4)] and len(attentions) == 1


@pytest.mark.parametrize("view", ATTENTION_VIEWS)
def test_every_view_shows_the_one_attentions_numbers(view, monkeypatch):
    trained_app(view="Predict", seed=4242, position=9)  # trained before the marking
    monkeypatch.setattr(layers, "scaled_dot_product_attention", first_word_only)
    at = trained_app(view=view, seed=4242, position=30 + ATTENTION_VIEWS.index(view), window=6)
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    tables = chart_tables(at)
    weights = [table["weight"].dropna().to_numpy() for table in tables if "weight" in table.columns]
    if view == "Step by step":  # its weights picture: one row per word, one column per word looked at
        weights += [table["value"].dropna().to_numpy() for table in tables if "chosen" in table.columns][7:8]
    assert len(weights) >= 2  # the strip and the view's own charts
    for shown in weights:
        assert set(np.unique(shown)) <= {0.0, 1.0} and 1.0 in shown, shown  # the marked weights, nothing else


@pytest.mark.parametrize(
    ("view", "query"),
    [
        *((view, {}) for view in ATTENTION_VIEWS),
        ("Generate", {"gen_top_k": 3}),  # top-k is shown when it ran
        ("What if", {}),
        ("What if", {"edit": "remove"}),
        ("Embedding map", {}),
        ("The blog's method: a toy", {}),
    ],
)
def test_show_the_code_shows_functions_that_ran(view, query, monkeypatch):
    trained_app(view="Predict", seed=5353, position=9)
    shown = []
    for module in vars(views).values():
        if hasattr(module, "show_code"):
            monkeypatch.setattr(module, "show_code", lambda *functions: shown.extend(functions))
    called = set()

    def profile(frame, event, arg):
        if event == "call":
            called.add(frame.f_code)

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(
        {"view": view, "seed": "5353", "position": str(40 + len(view) + 9 * len(query)), "window": "5"}
    )
    at.query_params.update({key: str(value) for key, value in query.items()})
    threading.setprofile(profile)  # the script runs in a thread of its own
    try:
        at.run()
    finally:
        threading.setprofile(None)
        sys.setprofile(None)
    assert not at.exception
    assert shown, "the view shows no code"
    assert [f.__qualname__ for f in shown if f.__code__ not in called] == []
    if view in ATTENTION_VIEWS:
        assert {layers.attention_forward, mechanism.scaled_dot_product_attention} <= set(shown)
    if "gen_top_k" in query:
        assert attention.core.generation.top_k_filter in shown
