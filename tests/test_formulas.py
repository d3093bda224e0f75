"""Every formula the step-by-step view shows, recomputed as written and compared with the model's numbers."""

import numpy as np
import pytest

import attention
from attention.core.model import output_matrix, split_heads
from attention.teaching import formulas
from attention.teaching.examples import PATTERNS


@pytest.fixture(scope="module", params=[(1, "learned", False), (2, "sinusoidal", True), (4, "none", False)])
def model(request):
    heads, positions, tied = request.param
    return attention.train_model(
        PATTERNS, context_window=6, dim=8, heads=heads, positions=positions, tied=tied, epochs=5, seed=1
    )


def test_every_formula_names_a_step_the_forward_pass_keeps():
    """Each formula Step by step shows is of a ForwardSteps field (not: every field has a formula)."""
    fields = set(attention.ForwardSteps.__dataclass_fields__)
    assert set(formulas.MODEL_STEPS) <= fields


def test_formulas_match_the_numbers(model):
    context = attention.tokenize("the dog sat on the")
    s = model.forward_steps(context)
    p = model.parameters
    n, d_k = len(s.words), s.Q.shape[-1]
    np.testing.assert_allclose(s.X, p["E"][s.ids] + s.positions, rtol=1e-6)  # X = E[w] + P
    if model.settings.positions == "none":
        assert not s.positions.any()
    W_q, W_k, W_v = np.split(p["W_qkv"], 3, axis=1)
    np.testing.assert_allclose(s.Q, split_heads(s.X @ W_q, len(s.Q)), rtol=1e-5, atol=1e-6)  # Q_h = X W^Q_h
    np.testing.assert_allclose(s.K, split_heads(s.X @ W_k, len(s.Q)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s.V, split_heads(s.X @ W_v, len(s.Q)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s.scores, s.Q @ s.K.swapaxes(-1, -2), rtol=1e-5, atol=1e-6)  # S = Q Kᵀ
    np.testing.assert_allclose(s.scaled_scores, s.scores / np.sqrt(d_k), rtol=1e-6)  # S / √d_k
    M = np.where(s.mask, 0.0, -np.inf)  # M: 0 where j <= i, -inf after
    assert (s.mask == np.tri(n, dtype=bool)).all()
    np.testing.assert_allclose(s.weights, attention.softmax(s.scaled_scores + M), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(s.head_outputs, s.weights @ s.V, rtol=1e-5, atol=1e-6)  # O_h = A_h V_h
    concat = np.concatenate(list(s.head_outputs), axis=-1)
    np.testing.assert_allclose(s.projected, concat @ p["W_o"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s.residual, s.X + s.projected, rtol=1e-6)  # H = X + concat(O) W^O
    z = s.residual[-1] @ output_matrix(model.architecture, p) + p["b_out"]  # z = H_t W_out + b
    np.testing.assert_allclose(s.logits, z, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(s.probabilities, attention.softmax(s.logits), rtol=1e-6)  # p = softmax(z/T), T=1


def test_step_by_step_matches_the_batched_model(model):
    context = attention.tokenize("the cat ate the")
    s = model.forward_steps(context)
    np.testing.assert_allclose(s.probabilities, model.next_word_probabilities(context), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(s.weights, model.attention_weights(context), rtol=1e-4, atol=1e-6)
