"""One meaning per symbol: the notation table, the formulas that use it, and the finder of double meanings."""

import pytest

from attention.core import predict
from attention.teaching import formulas, notation

FORMULAS = [
    predict.QUERY_FORMULA,
    *predict.PROBABILITY_FORMULAS.values(),
    formulas.MODEL_SUMMARY,
    *(f"{latex} — {why}" for latex, why in formulas.MODEL_STEPS.values()),
]


def test_every_symbol_is_in_the_table_once_with_one_meaning():
    texts = [s.text for s in notation.NOTATION]
    assert len(texts) == len(set(texts))
    meanings = [s.meaning for s in notation.NOTATION if s.meaning]
    assert len(meanings) == len(set(meanings))
    assert set(meanings) <= set(notation.CUES)
    for wanted in ("τ", "k", "n_ctx", "d_e", "d", "ℓ", "MLP", "LN"):
        assert notation.symbol(wanted).description
    with pytest.raises(KeyError, match="notation table"):
        notation.symbol("T")


def test_the_old_double_meanings_are_found():
    old = [
        "k = 4 context words (the model sees at most T = 8), T = 1 divides z before the softmax.",
        "Top-k words shown",
        "the blog's random embeddings: d = 3",
        "model width d = 32",
    ]
    assert notation.symbol_conflicts(old) == {
        "T": {"temperature", "model window"},
        "k": {"top words", "context window"},
        "d": {"blog dimension", "model dimension"},
    }


def test_formulas_use_each_symbol_with_one_meaning():
    assert notation.symbol_conflicts(FORMULAS) == {}
    for formula in FORMULAS:
        assert not any(symbol == "T" for symbol, _ in notation.symbol_meanings(formula))  # τ now, never T
    assert r"\tau" in predict.PROBABILITY_FORMULAS[False] and r"\sqrt{d_e}" in predict.QUERY_FORMULA
    assert r"\tau" in formulas.MODEL_STEPS["probabilities"][0]


def test_new_ui_wording_passes():
    captions = [
        "k = 4 context words (the model's longest context n_ctx = 8); temperature τ = 1 divides z.",
        "Context window k (words it may look at)",
        "Show the top 10 words",
        "the blog's random embeddings have d_e = 3 numbers; the model width d = 32",
    ]
    assert notation.symbol_conflicts(captions + FORMULAS) == {}


def test_latex_is_read_as_captions_write_it():
    assert notation.plain(r"n_{\text{ctx}} \tau \ell") == "n_ctx τ ℓ"
    rows = notation.notation_rows()
    assert rows[0].keys() == {"symbol", "text", "meaning", "where"} and len(rows) == len(notation.NOTATION)
