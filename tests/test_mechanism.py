"""softmax, causal_mask and scaled dot-product attention against hand-worked numbers,
a naive loop reference and the invariants the math promises."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention import causal_mask, scaled_dot_product_attention, sinusoidal_positions, softmax


def test_softmax_hand_worked():
    # e^0 : e^1 : e^2 = 1 : 2.71828 : 7.38906, total 11.10734
    np.testing.assert_allclose(softmax([0.0, 1.0, 2.0]), [0.0900306, 0.2447285, 0.6652410], atol=1e-7)


def test_softmax_temperature_divides_the_scores():
    x = np.array([1.0, 3.0])
    np.testing.assert_allclose(softmax(x, temperature=2.0), softmax(x / 2.0))
    # p1/p0 = exp((3-1)/2) = e
    p = softmax(x, temperature=2.0)
    assert p[1] / p[0] == pytest.approx(math.e)


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan")])
def test_softmax_rejects_non_positive_temperature(temperature):
    with pytest.raises(ValueError, match="temperature must be > 0"):
        softmax([1.0, 2.0], temperature=temperature)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        ([1000.0, 1000.0], [0.5, 0.5]),
        ([-1000.0, -1000.0], [0.5, 0.5]),
        ([1e308, 0.0], [1.0, 0.0]),
        ([1e-300, 0.0], [0.5, 0.5]),
        ([-np.inf, 0.0], [0.0, 1.0]),
    ],
)
def test_softmax_is_exact_for_large_and_tiny_values(x, expected):
    p = softmax(np.array(x))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, expected, atol=1e-15)


def test_softmax_never_mutates_and_accepts_integers():
    x = np.array([[1, 2, 3], [3, 2, 1]])
    before = x.copy()
    p = softmax(x, axis=1)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_softmax_axis():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(softmax(x, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(softmax(x, axis=0)[:, 0], softmax(x[:, 0]))


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)), st.floats(0.05, 20))
def test_softmax_properties(x, temperature):
    p = softmax(x, temperature=temperature)
    assert np.all(p >= 0) and np.all(p <= 1)
    assert p.sum() == pytest.approx(1.0)
    # shift invariance and order preservation
    np.testing.assert_allclose(softmax(x + 123.0, temperature=temperature), p, atol=1e-9)
    assert p[np.argmax(x)] == p.max()


def test_causal_mask():
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(1).dtype == bool


def test_attention_hand_worked():
    # One query [1, 0] against keys [1, 0] and [0, 1], d_k = 2:
    # scores = [1, 0]; scaled = [1/√2, 0] = [0.70711, 0]; weights = softmax = [0.66976, 0.33024]
    q, k = np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[10.0], [20.0]])
    r = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(r.scores, [[1.0, 0.0]])
    np.testing.assert_allclose(r.scaled_scores, [[1 / math.sqrt(2), 0.0]])
    np.testing.assert_allclose(r.weights, [[0.6697615, 0.3302385]], atol=1e-7)
    np.testing.assert_allclose(r.output, [[10 * 0.6697615 + 20 * 0.3302385]], atol=1e-5)


def naive_attention(q, k, v, mask):
    """The textbook loops, one query and one key at a time."""
    n_q, n_k, d_k = q.shape[0], k.shape[0], q.shape[1]
    weights = np.zeros((n_q, n_k))
    for i in range(n_q):
        allowed = [j for j in range(n_k) if mask is None or mask[i, j]]
        scores = {j: sum(q[i, c] * k[j, c] for c in range(d_k)) / math.sqrt(d_k) for j in allowed}
        total = sum(math.exp(s) for s in scores.values())
        for j, s in scores.items():
            weights[i, j] = math.exp(s) / total
    output = np.array(
        [[sum(weights[i, j] * v[j, c] for j in range(n_k)) for c in range(v.shape[1])] for i in range(n_q)]
    )
    return weights, output


@pytest.mark.parametrize("n,d_k,d_v", [(1, 1, 1), (4, 3, 2), (7, 8, 5)])
@pytest.mark.parametrize("masked", [False, True])
def test_attention_matches_naive_loops(n, d_k, d_v, masked):
    rng = np.random.default_rng(n * 100 + d_k)
    q, k, v = rng.normal(size=(n, d_k)), rng.normal(size=(n, d_k)), rng.normal(size=(n, d_v))
    mask = causal_mask(n) if masked else None
    r = scaled_dot_product_attention(q, k, v, mask)
    weights, output = naive_attention(q, k, v, mask)
    np.testing.assert_allclose(r.weights, weights, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.output, output, rtol=1e-12, atol=1e-12)


def test_attention_invariants_with_a_causal_mask():
    rng = np.random.default_rng(0)
    q = k = v = rng.normal(size=(6, 4))
    before = q.copy()
    r = scaled_dot_product_attention(q, k, v, causal_mask(6))
    np.testing.assert_allclose(r.weights.sum(axis=-1), 1.0)
    assert np.all(r.weights[~causal_mask(6)] == 0.0)  # exactly zero, not merely small
    assert r.weights[0, 0] == 1.0  # the first word can only look at itself
    np.testing.assert_array_equal(q, before)
    assert not r.weights.flags.writeable  # results are frozen, safe to cache and share


def test_attention_batches_and_heads():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 5, 6))
    r = scaled_dot_product_attention(q, k, v, causal_mask(5))
    assert r.weights.shape == (2, 3, 5, 5) and r.output.shape == (2, 3, 5, 6)
    one = scaled_dot_product_attention(q[1, 2], k[1, 2], v[1, 2], causal_mask(5))
    np.testing.assert_allclose(r.output[1, 2], one.output)


def test_a_query_with_nothing_to_attend_gets_zero_weights_not_nan():
    mask = np.array([[False, False], [True, False]])
    r = scaled_dot_product_attention(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 3)), mask)
    assert r.weights.tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert np.all(np.isfinite(r.output))


def test_attention_shape_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match="same last dimension d_k"):
        scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="one row per key"):
        scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 1)))


def test_scaling_keeps_the_spread_of_scores_independent_of_d_k():
    rng = np.random.default_rng(2)
    spreads = []
    for d_k in (4, 256):
        q, k = rng.normal(size=(200, d_k)), rng.normal(size=(200, d_k))
        spreads.append(scaled_dot_product_attention(q, k, k).scaled_scores.std())
    assert spreads[0] == pytest.approx(1.0, abs=0.1) and spreads[1] == pytest.approx(1.0, abs=0.1)


def test_sinusoidal_positions():
    pe = sinusoidal_positions(4, 6)
    assert pe.shape == (4, 6)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1, 0, 1])
    assert pe[1, 0] == pytest.approx(math.sin(1.0)) and pe[1, 1] == pytest.approx(math.cos(1.0))
    assert sinusoidal_positions(3, 5).shape == (3, 5)  # odd dimensions work too


def test_distribution_from_logits_is_softmax_at_temperature():
    from attention.core.predict import distribution_from_logits

    logits = np.array([2.0, 1.0, -1.0])
    d = distribution_from_logits(["a", "b", "c"], logits, temperature=0.5)
    expected = np.exp(logits / 0.5) / np.exp(logits / 0.5).sum()
    np.testing.assert_allclose(d.probabilities, expected, rtol=1e-12)
    assert d.words == ("a", "b", "c") and d.scores is logits
