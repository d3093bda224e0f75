"""Every layer's formulas, recomputed as written and compared with the model's numbers (2-3 layers)."""

import numpy as np
import pytest

import attention
from attention.core.layers import gelu
from attention.core.model import layer_name, output_matrix, split_heads
from attention.teaching import formulas
from attention.teaching.examples import PATTERNS


def layer_norm(x, g, b):
    return g * (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) + b


@pytest.fixture(scope="module", params=[(2, False, False), (2, True, True), (3, True, False), (3, False, True)])
def model(request):
    layers, mlp, layernorm = request.param
    return attention.train_model(
        PATTERNS, context_window=6, dim=8, heads=2, layers=layers, mlp=mlp, layernorm=layernorm, max_steps=20
    )


def test_every_layer_step_has_a_formula_and_only_those_that_apply(model):
    a = model.architecture
    fields = set(attention.core.steps.LayerSteps.__dataclass_fields__)
    for layer in range(1, a.layers + 1):
        rows = formulas.layer_formulas(layer, layers=a.layers, mlp=a.mlp, layernorm=a.layernorm)
        names = [name for name, _, _ in rows]
        assert set(names) <= fields
        assert ("normalized" in names) == a.layernorm and ("mlp_hidden" in names) == a.mlp
        latex = " ".join(tex for _, tex, _ in rows)
        assert rf"^{{({layer})}}" in latex and r"\ell" not in latex  # ℓ is written as the layer's number
        assert ("LN" in latex) == a.layernorm and ("GELU" in latex) == a.mlp


def test_every_layer_formula_matches_the_numbers(model):
    a, p = model.architecture, model.parameters
    s = model.forward_steps(attention.tokenize("the dog sat on the"))
    H = s.X
    for layer, st in enumerate(s.layers):
        key = lambda name, layer=layer: p[layer_name(name, layer)]  # noqa: E731
        np.testing.assert_allclose(st.input, H, rtol=1e-6)  # H^(ℓ-1)
        U = layer_norm(H, key("ln1_g"), key("ln1_b")) if a.layernorm else H  # U = LN1(H^(ℓ-1))
        np.testing.assert_allclose(st.normalized, U, rtol=1e-4, atol=1e-5)
        W_q, W_k, W_v = np.split(key("W_qkv"), 3, axis=1)
        np.testing.assert_allclose(st.Q, split_heads(U @ W_q, a.heads), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(st.K, split_heads(U @ W_k, a.heads), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(st.V, split_heads(U @ W_v, a.heads), rtol=1e-4, atol=1e-5)
        M = np.where(np.tri(len(s.words), dtype=bool), 0.0, -np.inf)
        A = attention.softmax(st.Q @ st.K.swapaxes(-1, -2) / np.sqrt(a.head_dim) + M)
        np.testing.assert_allclose(st.weights, A, rtol=1e-4, atol=1e-6)
        concat = np.concatenate(list(A @ st.V), axis=-1)
        H_attended = H + concat @ key("W_o")  # H'^(ℓ) = H^(ℓ-1) + concat(O) W^O(ℓ)
        np.testing.assert_allclose(st.attended, H_attended, rtol=1e-4, atol=1e-5)
        H = H_attended
        if a.mlp:  # H^(ℓ) = H' + GELU(LN2(H') W_1 + b_1) W_2 + b_2
            inner = layer_norm(H, key("ln2_g"), key("ln2_b")) if a.layernorm else H
            G = gelu(inner @ key("W_1") + key("b_1"))[0]
            np.testing.assert_allclose(st.mlp_hidden, G, rtol=1e-4, atol=1e-5)
            H = H + G @ key("W_2") + key("b_2")
        np.testing.assert_allclose(st.residual, H, rtol=1e-4, atol=1e-5)
    final = layer_norm(H, p["lnf_g"], p["lnf_b"]) if a.layernorm else H  # z = LN_f(H^(L))_t W_out + b
    z = final[-1] @ output_matrix(a, p) + p["b_out"]
    np.testing.assert_allclose(s.logits, z, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(s.probabilities, model.next_word_probabilities(s.words), rtol=1e-4, atol=1e-6)
    assert ("LN" in formulas.final_formula(layernorm=a.layernorm)[0]) == a.layernorm


def test_per_layer_attention_weights_for_the_views(model):
    context = attention.tokenize("the dog sat on the")
    every = model.all_attention_weights(context)
    assert every.shape == (model.layers, 2, 5, 5)
    for layer in range(model.layers):
        np.testing.assert_array_equal(model.attention_weights(context, layer=layer), every[layer])
    np.testing.assert_allclose(model.forward_steps(context).all_weights, every, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="layer must be between"):
        model.attention_weights(context, layer=model.layers)


@pytest.mark.parametrize(
    ("layers", "mlp", "layernorm"), [(1, True, False), (1, False, True), (2, False, False), (3, True, True)]
)
def test_the_models_one_formula_is_made_of_its_layer_rows(layers, mlp, layernorm):
    latex = formulas.model_formula(layers=layers, mlp=mlp, layernorm=layernorm)
    rows = (
        formulas.layer_formulas(1, layers=layers, mlp=mlp, layernorm=layernorm)
        if layers == 1
        else [(field, row, why) for field, row, why in formulas.layer_rows(mlp=mlp, layernorm=layernorm)]
    )
    for field, row, _ in rows:
        if field in formulas.SUMMARY_FIELDS and field != "weights":  # weights: S written out as Q Kᵀ
            assert row.replace(" = ", " &= ", 1) in latex, field
    assert (r"\operatorname{GELU}" in latex) == mlp and (r"\operatorname{LN}" in latex) == layernorm
    final = formulas.final_formula(layernorm=layernorm)[0].replace("(L)", f"({layers})")  # z from H^(L)
    assert final.replace(" = ", " &= ", 1) in latex
    assert latex.endswith(r"p &= \operatorname{softmax}(z / \tau)\end{aligned}")
    assert formulas.model_formula(layers=1, mlp=False, layernorm=False) == formulas.MODEL_SUMMARY
