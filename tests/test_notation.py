"""One meaning per symbol: the notation table, the formulas that use it, and the finder of double meanings."""

import itertools
import re
from pathlib import Path

import pytest

from attention.blog import method as blog_method
from attention.teaching import formulas, notation, symbol_check

SHAPES = list(itertools.product([1, 2, 3], [False, True], [False, True]))  # layers × MLP × LayerNorm
FORMULAS = [
    blog_method.QUERY_FORMULA,
    *blog_method.PROBABILITY_FORMULAS.values(),
    formulas.MODEL_SUMMARY,
    *(f"{latex} — {why}" for latex, why in formulas.MODEL_STEPS.values()),
    *(
        f"{latex} — {why}"
        for layers, mlp, layernorm in SHAPES
        for layer in range(1, layers + 1)
        for _, latex, why in formulas.layer_formulas(layer, layers=layers, mlp=mlp, layernorm=layernorm)
    ),
    *(formulas.model_formula(layers=layers, mlp=mlp, layernorm=layernorm) for layers, mlp, layernorm in SHAPES),
    *(" — ".join(formulas.final_formula(layernorm=layernorm)) for layernorm in (False, True)),
]
README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def readme_formulas() -> list[str]:
    """The README's formula blocks: indented lines outside fenced code (the model's equations)."""
    unfenced = re.sub(r"```.*?```", "", README, flags=re.S)
    return [line.strip() for line in unfenced.splitlines() if re.match(r" {4}\S", line) and "=" in line]


def readme_symbol_tables() -> list[list[tuple[str, str]]]:
    """Every README table headed | symbol | meaning |, as (symbol, meaning) rows."""
    tables = re.findall(r"^\| symbol \| meaning \|\n\|---\|---\|\n((?:\|.*\|\n)+)", README, flags=re.M)
    return [[tuple(cell.strip() for cell in row.strip("|").split(" | ")) for row in t.splitlines()] for t in tables]


def test_every_symbol_is_in_the_table_once_with_one_meaning():
    texts = [s.text for s in notation.NOTATION]
    assert len(texts) == len(set(texts))
    meanings = [s.meaning for s in notation.NOTATION if s.meaning]
    assert len(meanings) == len(set(meanings))
    assert set(meanings) <= set(symbol_check.CUES)
    for wanted in ("τ", "k", "n_ctx", "d_e", "d", "ℓ", "MLP", "LN", "γ", "β", "b"):
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
    assert symbol_check.symbol_conflicts(old) == {
        "T": {"temperature", "model window"},
        "k": {"top words", "context window"},
        "d": {"blog dimension", "model dimension"},
    }


def test_formulas_use_each_symbol_with_one_meaning():
    assert symbol_check.symbol_conflicts(FORMULAS) == {}
    for formula in FORMULAS:
        assert not any(symbol == "T" for symbol, _ in symbol_check.symbol_meanings(formula))  # τ now, never T
    assert r"\tau" in blog_method.PROBABILITY_FORMULAS[False] and r"\sqrt{d_e}" in blog_method.QUERY_FORMULA
    assert r"\tau" in formulas.MODEL_STEPS["probabilities"][0]


def test_new_ui_wording_passes():
    captions = [
        "k = 4 context words (the model's longest context n_ctx = 8); temperature τ = 1 divides z.",
        "Context window k (words it may look at)",
        "Show the top 10 words",
        "the blog's random embeddings have d_e = 3 numbers; the model width d = 32",
    ]
    assert symbol_check.symbol_conflicts(captions + FORMULAS) == {}


def test_latex_is_read_as_captions_write_it():
    assert symbol_check.plain(r"n_{\text{ctx}} \tau \ell") == "n_ctx τ ℓ"
    rows = notation.notation_rows()
    assert rows[0].keys() == {"symbol", "text", "meaning", "where"} and len(rows) == len(notation.NOTATION)


def test_a_symbol_in_a_script_is_seen():
    heads_as_H = r"\operatorname{concat}\big(O^{(\ell)}_1,\dots,O^{(\ell)}_H\big)\,W^{O(\ell)} — heads side by side"
    assert symbol_check.symbol_conflicts([heads_as_H]) == {
        "H": {notation.symbol("H").description, "an index in a script"}
    }
    assert symbol_check.script_misuses("H'⁽ℓ⁾ = H⁽ℓ⁻¹⁾ + concat(O_1, …, O_H)") == {"H"}  # the README's Unicode too
    assert (
        symbol_check.scripts_apart(r"W^{Q(\ell)}_h n_{\text{ctx}} d_k O_{n_h} b^{(2)}_1") == "W h  n_ctx d_k O n_h  b_1"
    )
    assert symbol_check.symbol_conflicts(["k = 4 context words; the model sees at most T_k = 8 words"]) == {
        "k": {"context window", "model window"}
    }  # k in a subscript, beside a cue for the model's window
    assert symbol_check.symbol_conflicts(["times a gain γ, plus a bias b", "z = H_t W_out + b"]) == {
        "b": {"output bias", "LayerNorm bias"}
    }  # LayerNorm's bias written with the output bias's letter


def test_readme_formulas_and_symbol_tables_use_each_symbol_with_one_meaning():
    formulas_shown, tables = readme_formulas(), readme_symbol_tables()
    assert len(formulas_shown) >= 9 and len(tables) == 2  # the model's and the deeper model's; both tables
    assert symbol_check.symbol_conflicts(formulas_shown + FORMULAS) == {}
    assert any("d_k = d / n_h" in line for line in formulas_shown)  # n_h heads; h is one head
    assert not any(symbol_check.script_misuses(f"{symbol} {meaning}") for table in tables for symbol, meaning in table)
    known = {s.text for s in notation.NOTATION}
    for symbol, meaning in tables[1]:  # the deeper model's: the table's symbols, with LayerNorm's γ and β
        assert {part for part in re.split(r",\s*|⁽ℓ⁾", symbol) if part} <= known, symbol
        assert "bias b" not in meaning and "gain g" not in meaning


def test_the_readme_notation_table_is_the_table():
    assert readme_symbol_tables()[0] == [(s.text, s.description) for s in notation.NOTATION]
