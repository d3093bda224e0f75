"""Every string the app shows, and every formula, uses each symbol with one meaning (attention/teaching/notation.py)."""

from streamlit.testing.v1 import AppTest

from attention.blog import method as blog_method
from attention.teaching import formulas, symbol_check
from harness.app import open_app
from lab.table import CONTROLS, VIEW_NAMES


def shown_strings(at: AppTest) -> list[str]:
    texts = [e.value for kind in ("markdown", "caption", "latex", "info", "warning", "subheader") for e in at.get(kind)]
    for kind in ("slider", "select_slider", "selectbox", "radio", "toggle", "number_input", "button"):
        texts += [w.label for w in at.get(kind)] + [w.help or "" for w in at.get(kind)]
    return [t for t in texts if isinstance(t, str)]


def test_no_symbol_has_two_meanings_anywhere_on_screen_or_in_the_formulas():
    texts = [formulas.MODEL_SUMMARY, blog_method.QUERY_FORMULA, *blog_method.PROBABILITY_FORMULAS.values()]
    texts += [latex + " " + why for latex, why in formulas.MODEL_STEPS.values()]
    for layers, mlp, layernorm in [(1, False, False), (2, True, True), (3, False, True)]:
        texts.append(formulas.model_formula(layers=layers, mlp=mlp, layernorm=layernorm))  # Predict's formula
        for layer in range(1, layers + 1):  # Step by step's, layer by layer
            rows = formulas.layer_formulas(layer, layers=layers, mlp=mlp, layernorm=layernorm)
            texts += [latex + " " + why for _, latex, why in rows]
    texts += [control.label + " " + (control.help or "") for control in CONTROLS.values()]
    for view in VIEW_NAMES:
        texts += shown_strings(open_app({"view": view, "t_heads": "2"}))
    assert symbol_check.symbol_conflicts(texts) == {}


def test_the_checker_would_catch_the_old_double_meanings():
    old = ["the model sees at most T = 8", "T = 1 divides z before the softmax"]
    assert "T" in symbol_check.symbol_conflicts(old)
