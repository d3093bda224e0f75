"""The two long builders split into pieces (comparison_chart, matrix_chart) draw exactly what they drew before.

tests/specs/*.json hold their Vega-Lite specs for a few inputs, saved from the builders as they stood
before the split (in the commit that added this file). A change meant to alter these charts rewrites the files:
UPDATE_SPECS=1 pytest tests/test_chart_specs.py, then read the diff.
"""

import inspect
import json
import os
from pathlib import Path

import numpy as np
import pytest

import attention
from attention import charts
from attention.core.predict import NextWordDistribution

SPECS = Path(__file__).parent / "specs"
WORDS = ("the", "cat", "sat", "on", "mat", ".", "a", "dog")
LABELS = ["1: the", "2: cat", "3: sat", "4: on", "5: the"]


def distribution(seed: int) -> NextWordDistribution:
    """Probabilities from whole counts (exact on any machine: no exp, no libm)."""
    counts = np.random.default_rng(seed).integers(1, 20, size=len(WORDS)).astype(np.float64)
    return NextWordDistribution(WORDS, counts, counts / counts.sum())


def matrix(seed: int, rows: int, columns: int) -> np.ndarray:  # [rows, columns] tenths in [-5, 5)
    return np.random.default_rng(seed).integers(-50, 50, size=(rows, columns)) / 10


def weights(n: int) -> np.ndarray:  # [n, n] causal rows that sum to 1, -inf above the diagonal (masked)
    counts = np.random.default_rng(n).integers(1, 10, size=(n, n)) * np.tri(n)
    return np.where(np.tri(n, dtype=bool), counts / counts.sum(axis=1, keepdims=True), -np.inf)


CASES = {
    "comparison_default": lambda: charts.comparison_chart(distribution(0), distribution(1)),
    "comparison_labels_top3": lambda: charts.comparison_chart(
        distribution(2), distribution(3), top_k=3, before_label="blog", after_label="corrected"
    ),
    "matrix_vectors": lambda: charts.matrix_chart(matrix(0, 4, 16), ["1: the", "2: cat", "3: sat", "4: on"], title="X"),
    "matrix_vectors_present": lambda: charts.matrix_chart(
        matrix(1, 3, 8), ["1: a", "2: dog", "3: sat"], title="Q", present=True
    ),
    "matrix_masked_weights": lambda: charts.matrix_chart(
        weights(5), LABELS, column_labels=LABELS, column_title="key", value_title="weight"
    ),
    "matrix_one_vector": lambda: charts.matrix_chart(np.arange(6.0) - 2.5, ["6: mat"], value_title="z"),
}


@pytest.mark.parametrize("name", CASES)
def test_the_spec_is_the_one_saved_before_the_split(name):
    spec = json.loads(json.dumps(CASES[name]().to_dict()))  # tuples -> lists, as the saved file has them
    path = SPECS / f"{name}.json"
    if os.environ.get("UPDATE_SPECS") == "1":
        path.write_text(json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    assert spec == json.loads(path.read_text())


def builders() -> dict:
    """Every chart builder attention.charts exports: the functions that return an Altair chart."""
    found = {}
    for name in charts.__all__:
        value = getattr(charts, name)
        if inspect.isfunction(value) and str(inspect.signature(value).return_annotation).startswith("alt."):
            found[name] = value
    return found


def test_every_builder_takes_present_so_the_lab_passes_it_to_each():
    assert len(builders()) >= 12  # next_word, attention_row, comparison, heatmaps, matrix, strip, maps, heads, ...
    for name, builder in builders().items():
        parameter = inspect.signature(builder).parameters.get("present")
        assert parameter is not None and parameter.kind is parameter.KEYWORD_ONLY, name
        assert parameter.default is False, name


def test_the_lab_caches_each_builders_spec_under_its_own_name_and_passes_present():
    from attention.charts.theme import apply_theme
    from lab.render import builder_name, chart_spec, vega_lite_spec

    assert builder_name(charts.matrix_chart) == "attention.charts.matrices.matrix_chart"
    args = (matrix(2, 3, 4), ["1: a", "2: b", "3: c"])
    for present in (False, True):
        expected = apply_theme(vega_lite_spec(charts.matrix_chart(*args, present=present)), present=present)
        assert chart_spec(charts.matrix_chart, args, {}, False, present) == expected
    points = [attention.HistoryPoint(step=s, epoch=0, train_loss=3.0 - s, validation_loss=2.5) for s in range(3)]
    loss = chart_spec(charts.loss_curve_chart, (points,), {}, False, False)
    assert loss["mark"]["type"] == "line" and loss != chart_spec(charts.head_score_curve_chart, (points,), {})


def test_a_distributions_cache_key_changes_with_its_words_scores_or_probabilities():
    from lab.render import distribution_digest

    base = distribution(0)
    same = NextWordDistribution(tuple(base.words), base.scores.copy(), base.probabilities.copy())
    assert distribution_digest(same) == distribution_digest(base)  # equal content, other objects: one cache entry
    renamed = NextWordDistribution(("a\0", "b", *base.words[2:]), base.scores, base.probabilities)
    shifted = NextWordDistribution(("a", "\0b", *base.words[2:]), base.scores, base.probabilities)
    rescored = NextWordDistribution(base.words, base.scores + 1, base.probabilities)
    other = distribution(1)
    keys = {distribution_digest(d) for d in (base, renamed, shifted, rescored, other)}
    assert len(keys) == 5  # words that join alike, other scores, other probabilities: each its own entry
