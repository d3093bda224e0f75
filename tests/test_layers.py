"""Deeper models: every layer kind's backward against finite differences in float64, for every
combination of layers × MLP × LayerNorm with dropout masks held fixed, and the display forward
(every layer) against the training forward."""

import itertools

import numpy as np
import pytest
from test_model import loss_and_gradient

from attention.core.dropout import dropout_masks
from attention.core.layers import gelu, gelu_derivative, layernorm_backward, layernorm_forward
from attention.core.model import (
    Architecture,
    forward,
    init_parameters,
    unflatten,
)
from attention.core.parameters import decay_mask
from attention.core.steps import forward_steps

TINY = {"vocab_size": 7, "context_window": 4, "dim": 8}
COMBINATIONS = list(itertools.product([1, 2, 3], [False, True], [False, True]))  # layers × mlp × layernorm


def deep_model(layers, mlp, layernorm, heads=2, dtype=np.float64, seed=1):
    architecture = Architecture(**TINY, heads=heads, layers=layers, mlp=mlp, layernorm=layernorm)
    rng = np.random.default_rng(seed)
    theta = init_parameters(architecture, rng, dtype)
    theta += (0.3 * rng.standard_normal(theta.shape)).astype(dtype)  # biases and gains off 0 and 1
    theta *= 0.6  # keeps a 3-layer stream without LayerNorm from blowing up (a loss of ~245 swamps the differences)
    ids = rng.integers(TINY["vocab_size"], size=(3, TINY["context_window"]))  # [B, T]
    targets = rng.integers(TINY["vocab_size"], size=(3, TINY["context_window"]))
    return architecture, theta, ids, targets


def assert_gradient_matches_finite_differences(architecture, theta, ids, targets, masks=None):
    """Central differences, one parameter at a time. Tolerance: 1e-4 relative, or 2e-9 absolute for the
    tiny entries of deep layers, where the differences' own rounding (ε·loss/h ≈ 4e-10) dominates."""
    masks = masks or dropout_masks(architecture, np.random.default_rng(0), ids.shape, rate=0.0)
    _, grad = loss_and_gradient(architecture, theta, ids, targets, masks)
    numeric, h = np.zeros_like(theta), 1e-6
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = loss_and_gradient(architecture, theta, ids, targets, masks)[0]
        theta[i] = saved - h
        down = loss_and_gradient(architecture, theta, ids, targets, masks)[0]
        theta[i] = saved
        numeric[i] = (up - down) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=2e-9)
    for name, g in unflatten(grad, architecture).items():  # every parameter actually gets a gradient
        assert np.abs(g).max() > 1e-6, name


@pytest.mark.parametrize(("layers", "mlp", "layernorm"), COMBINATIONS)
def test_backward_matches_finite_differences_for_every_combination(layers, mlp, layernorm):
    architecture, theta, ids, targets = deep_model(layers, mlp, layernorm)
    masks = dropout_masks(architecture, np.random.default_rng(7), ids.shape, rate=0.3, dtype=np.float64)
    assert_gradient_matches_finite_differences(architecture, theta, ids, targets, masks)
    plain, _ = loss_and_gradient(architecture, theta, ids, targets)
    dropped, _ = loss_and_gradient(architecture, theta, ids, targets, masks)
    assert plain != dropped  # the masks really change the computation


@pytest.mark.parametrize(("layers", "mlp", "layernorm"), [(2, True, True), (3, False, False)])
def test_backward_without_dropout_matches_finite_differences(layers, mlp, layernorm):
    assert_gradient_matches_finite_differences(*deep_model(layers, mlp, layernorm, heads=1, seed=2))


def test_parameter_names_keep_one_layer_and_number_the_rest():
    shapes = Architecture(**TINY, heads=2, layers=2, mlp=True, layernorm=True).shapes()
    assert list(shapes) == [
        "E", "P",
        "ln1_g", "ln1_b", "W_qkv", "W_o", "ln2_g", "ln2_b", "W_1", "b_1", "W_2", "b_2",
        "ln1_g.2", "ln1_b.2", "W_qkv.2", "W_o.2", "ln2_g.2", "ln2_b.2", "W_1.2", "b_1.2", "W_2.2", "b_2.2",
        "lnf_g", "lnf_b", "W_out", "b_out",
    ]  # fmt: skip
    assert shapes["W_1.2"] == (8, 32) and shapes["W_2"] == (32, 8)
    one = Architecture(**TINY, heads=2).shapes()
    assert list(one) == ["E", "P", "W_qkv", "W_o", "W_out", "b_out"]


def test_biases_and_layernorm_are_not_decayed_and_gains_start_at_one():
    architecture = Architecture(**TINY, heads=1, layers=2, mlp=True, layernorm=True)
    decays = {name: set(np.unique(v)) for name, v in unflatten(decay_mask(architecture), architecture).items()}
    assert {name for name, values in decays.items() if values == {0}} == {
        "P", "ln1_g", "ln1_b", "ln2_g", "ln2_b", "b_1", "b_2", "ln1_g.2", "ln1_b.2", "ln2_g.2", "ln2_b.2",
        "b_1.2", "b_2.2", "lnf_g", "lnf_b", "b_out",
    }  # fmt: skip
    p = unflatten(init_parameters(architecture, np.random.default_rng(0)), architecture)
    assert (p["ln1_g.2"] == 1).all() and (p["lnf_b"] == 0).all() and (p["b_1"] == 0).all()


def test_layernorm_normalises_each_token_and_its_backward_matches_a_naive_reference():
    rng = np.random.default_rng(0)
    x, g, b = rng.standard_normal((2, 3, 5)), rng.standard_normal(5), rng.standard_normal(5)
    _, cache = layernorm_forward(x, g, b)
    np.testing.assert_allclose(cache.normalized.mean(axis=-1), 0, atol=1e-12)
    np.testing.assert_allclose(cache.normalized.var(axis=-1), 1, atol=1e-4)  # ε = 1e-5 in the denominator
    dy = rng.standard_normal(x.shape)
    dg, db = np.zeros(5), np.zeros(5)
    dx = layernorm_backward(cache, dy, g, dg, db)
    numeric, h = np.zeros_like(x), 1e-6
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = ((layernorm_forward(up, g, b)[0] - layernorm_forward(down, g, b)[0]) * dy).sum() / (2 * h)
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(db, dy.sum(axis=(0, 1)))


def test_gelu_is_the_tanh_approximation_and_its_derivative_matches():
    z = np.linspace(-4, 4, 81)
    y, t = gelu(z)
    np.testing.assert_allclose(y, 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))))
    numeric = (gelu(z + 1e-6)[0] - gelu(z - 1e-6)[0]) / 2e-6
    np.testing.assert_allclose(gelu_derivative(z, t), numeric, rtol=1e-6, atol=1e-9)
    assert y[0] == pytest.approx(0, abs=1e-3) and y[-1] == pytest.approx(4, abs=1e-3)  # ≈ ReLU far from 0


@pytest.mark.parametrize(("layers", "mlp", "layernorm"), COMBINATIONS)
def test_forward_steps_of_every_layer_agree_with_the_training_forward(layers, mlp, layernorm):
    architecture, theta, ids, _ = deep_model(layers, mlp, layernorm)
    p = unflatten(theta, architecture)
    logits, cache = forward(architecture, p, ids)
    steps = forward_steps(architecture, p, ids[0], [str(i) for i in ids[0]])
    assert len(steps.layers) == layers and [s.layer for s in steps.layers] == list(range(1, layers + 1))
    np.testing.assert_allclose(steps.logits, logits[0, -1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(steps.all_weights, cache.weights[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(steps.layers[-1].residual, cache.H[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(steps.final, cache.F[0], rtol=1e-10, atol=1e-12)
    for before, after in itertools.pairwise(steps.layers):  # each layer reads the stream the last one wrote
        np.testing.assert_array_equal(after.input, before.residual)
    assert (steps.layers[0].mlp_hidden is None) == (not mlp)


def test_one_layer_masks_draw_what_they_always_drew():
    """A leading layer axis must not change a one-layer model's random stream (bit-identical trainings)."""
    architecture = Architecture(**TINY, heads=2)
    masks = dropout_masks(architecture, np.random.default_rng(3), (2, 4), rate=0.2)
    rng = np.random.default_rng(3)
    rng.random((2, 4, 8), dtype=np.float32)  # X
    expected_A = (rng.random((2, 2, 4, 4), dtype=np.float32) >= 0.2) / np.float32(0.8)
    np.testing.assert_array_equal(masks.A[0], expected_A)
    assert masks.M is None
