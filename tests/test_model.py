"""The tiny attention model's math: gradients by finite differences, the display steps (the same forward
pass, in float64) against the training forward and the core mechanism, and the TrainedModel's read-only API."""

import itertools
import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import attention
from attention.core.dropout import NO_DROPOUT, DropoutMasks, dropout_mask, dropout_masks
from attention.core.mechanism import scaled_dot_product_attention, softmax
from attention.core.model import (
    POSITION_KINDS,
    UNKNOWN_TOKEN,
    Architecture,
    backward,
    cross_entropy,
    embedding_gradient,
    forward,
    init_parameters,
    unflatten,
)
from attention.core.parameters import decay_mask
from attention.core.steps import forward_steps
from attention.teaching.examples import PATTERNS
from attention.training.optim import AdamW, clip_gradient

TINY = {"vocab_size": 7, "context_window": 4, "dim": 8}


def tiny_model(heads, positions, tied, dtype=np.float64, seed=1):
    """A tiny architecture with parameters moved away from their init, plus a batch of windows."""
    architecture = Architecture(**TINY, heads=heads, positions=positions, tied=tied)
    rng = np.random.default_rng(seed)
    theta = init_parameters(architecture, rng, dtype)
    theta += (0.3 * rng.standard_normal(theta.shape)).astype(dtype)  # b_out and friends off zero
    ids = rng.integers(TINY["vocab_size"], size=(3, TINY["context_window"]))  # [B, T]
    targets = rng.integers(TINY["vocab_size"], size=(3, TINY["context_window"]))
    return architecture, theta, ids, targets


def loss_and_gradient(architecture, theta, ids, targets, masks=NO_DROPOUT):
    grad = np.zeros_like(theta)
    logits, cache = forward(architecture, unflatten(theta, architecture), ids, masks=masks)
    loss, dlogits = cross_entropy(logits.reshape(-1, architecture.vocab_size), targets.ravel())
    backward(
        architecture,
        unflatten(theta, architecture),
        cache,
        dlogits.reshape(logits.shape),
        unflatten(grad, architecture),
    )
    return loss, grad


def assert_gradient_matches_finite_differences(architecture, theta, ids, targets, masks=NO_DROPOUT):
    _, grad = loss_and_gradient(architecture, theta, ids, targets, masks)
    numeric, h = np.zeros_like(theta), 1e-6
    for i in range(theta.size):  # central differences, one parameter at a time
        saved = theta[i]
        theta[i] = saved + h
        up = loss_and_gradient(architecture, theta, ids, targets, masks)[0]
        theta[i] = saved - h
        down = loss_and_gradient(architecture, theta, ids, targets, masks)[0]
        theta[i] = saved
        numeric[i] = (up - down) / (2 * h)
    relative = np.abs(grad - numeric) / np.maximum(np.abs(grad) + np.abs(numeric), 1e-8)
    assert relative.max() < 1e-4
    for name, g in unflatten(grad, architecture).items():  # every parameter actually gets a gradient
        assert np.abs(g).max() > 0, name


@pytest.mark.parametrize(("heads", "positions", "tied"), list(itertools.product([1, 2], POSITION_KINDS, [False, True])))
def test_backward_matches_finite_differences_for_every_parameter(heads, positions, tied):
    assert_gradient_matches_finite_differences(*tiny_model(heads, positions, tied))


@pytest.mark.parametrize("where", ["X", "A", "R", "all"])
@pytest.mark.parametrize(("heads", "positions", "tied"), [(1, "learned", False), (2, "sinusoidal", True)])
def test_backward_through_dropout_matches_finite_differences(where, heads, positions, tied):
    """With the masks held fixed, dropout is a fixed linear map: its backward must match finite differences."""
    architecture, theta, ids, targets = tiny_model(heads, positions, tied)
    masks = dropout_masks(architecture, np.random.default_rng(7), ids.shape, rate=0.3, dtype=np.float64)
    if where != "all":
        masks = DropoutMasks(**{where: getattr(masks, where)})
    assert_gradient_matches_finite_differences(architecture, theta, ids, targets, masks)
    plain, _ = loss_and_gradient(architecture, theta, ids, targets)
    dropped, _ = loss_and_gradient(architecture, theta, ids, targets, masks)
    assert plain != dropped  # the masks really change the computation


def test_dropout_masks_are_inverted_and_seeded():
    mask = dropout_mask(np.random.default_rng(0), (200, 500), rate=0.25, dtype=np.float32)
    assert set(np.unique(mask)) == {0.0, np.float32(1 / 0.75)}  # dropped, or kept and scaled by 1 / (1 - r)
    assert np.mean(mask == 0) == pytest.approx(0.25, abs=0.01)
    assert mask.mean() == pytest.approx(1.0, abs=0.01)  # the expected value is unchanged
    again = dropout_mask(np.random.default_rng(0), (200, 500), rate=0.25, dtype=np.float32)
    np.testing.assert_array_equal(mask, again)
    assert dropout_mask(np.random.default_rng(0), (3, 3), rate=0.0, dtype=np.float32) is None


def test_parameters_follow_the_settings():
    shapes = Architecture(**TINY, heads=2, positions="learned", tied=False).shapes()
    assert shapes == {"E": (7, 8), "P": (4, 8), "W_qkv": (8, 24), "W_o": (8, 8), "W_out": (8, 7), "b_out": (7,)}
    tied_without_positions = Architecture(**TINY, heads=1, positions="none", tied=True).shapes()
    assert set(tied_without_positions) == {"E", "W_qkv", "W_o", "b_out"}
    assert set(Architecture(**TINY, heads=1, positions="sinusoidal").shapes()) == {
        "E",
        "W_qkv",
        "W_o",
        "W_out",
        "b_out",
    }


def test_cross_entropy_matches_the_definition():
    rng = np.random.default_rng(0)
    logits, targets = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    p = softmax(logits)
    expected_loss = -np.mean(np.log(p[np.arange(5), targets]))
    expected_grad = (p - np.eye(4)[targets]) / 5
    loss, grad = cross_entropy(logits.copy(), targets)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, atol=1e-12)


def test_embedding_gradient_sums_rows_like_add_at():
    rng = np.random.default_rng(0)
    ids, dX = rng.integers(5, size=40), rng.standard_normal((40, 3))
    expected = np.zeros((5, 3))
    np.add.at(expected, ids, dX)
    np.testing.assert_allclose(embedding_gradient(ids, dX, 5), expected, atol=1e-12)


def test_clipping_bounds_the_global_norm_and_leaves_small_gradients_alone():
    g = np.array([3.0, 4.0])
    assert clip_gradient(g, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(g, [0.6, 0.8])
    small = np.array([0.3, 0.4])
    clip_gradient(small, 1.0)
    np.testing.assert_array_equal(small, [0.3, 0.4])


def test_adamw_without_decay_is_adam_as_in_the_paper():
    theta, grads = np.array([1.0, -2.0]), [np.array([0.5, -1.0]), np.array([0.1, 0.2])]
    adam, m, v, expected = AdamW.like(theta), np.zeros(2), np.zeros(2), theta.copy()
    for t, g in enumerate(grads, start=1):
        adam.step(theta, g.copy(), 0.1)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        expected -= 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    np.testing.assert_allclose(theta, expected, rtol=1e-12)


def test_adamw_decays_weights_apart_from_the_gradient_step():
    theta, grads = np.array([1.0, -2.0, 3.0]), [np.array([0.5, -1.0, 0.0]), np.array([0.1, 0.2, 0.3])]
    mask = np.array([1.0, 1.0, 0.0])  # the last entry (a bias, say) does not decay
    adam, m, v, expected = AdamW.like(theta, weight_decay=0.1, decay_mask=mask), np.zeros(3), np.zeros(3), theta.copy()
    for t, g in enumerate(grads, start=1):
        adam.step(theta, g.copy(), 0.1)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        expected -= 0.1 * ((m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8) + 0.1 * mask * expected)
    np.testing.assert_allclose(theta, expected, rtol=1e-12)


def test_weight_decay_spares_positions_and_the_output_bias():
    architecture = Architecture(**TINY, heads=1, positions="learned", tied=False)
    decays = {name: set(np.unique(view)) for name, view in unflatten(decay_mask(architecture), architecture).items()}
    assert decays == {"E": {1}, "P": {0}, "W_qkv": {1}, "W_o": {1}, "W_out": {1}, "b_out": {0}}


@pytest.mark.parametrize(("dtype", "tolerance"), [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize(
    ("heads", "positions", "tied"), [(1, "learned", False), (2, "sinusoidal", True), (2, "none", False)]
)
def test_forward_steps_agree_with_the_batched_training_forward(dtype, tolerance, heads, positions, tied):
    architecture, theta, ids, _ = tiny_model(heads, positions, tied, dtype=dtype)
    p = unflatten(theta, architecture)
    logits, cache = forward(architecture, p, ids)  # [B, T, V]
    for b, n in itertools.product(range(ids.shape[0]), range(1, ids.shape[1] + 1)):
        steps = forward_steps(architecture, p, ids[b, :n], [str(i) for i in ids[b, :n]])
        np.testing.assert_allclose(steps.logits, logits[b, n - 1], rtol=tolerance, atol=tolerance)
        if n == ids.shape[1]:  # the whole window: every intermediate matches the training cache
            np.testing.assert_allclose(steps.weights, cache.A[b], rtol=tolerance, atol=tolerance)
            np.testing.assert_allclose(steps.X, cache.X[b], rtol=tolerance, atol=tolerance)
            np.testing.assert_allclose(steps.residual, cache.H[b], rtol=tolerance, atol=tolerance)
    last_only, _ = forward(architecture, p, ids, last_only=True)  # the prediction path
    np.testing.assert_allclose(last_only, logits[:, -1], rtol=tolerance, atol=tolerance)


def test_forward_steps_are_the_core_mechanism_step_by_step():
    architecture, theta, ids, _ = tiny_model(2, "learned", False)
    p = unflatten(theta, architecture)
    steps = forward_steps(architecture, p, ids[0], list("abcd"))
    core = scaled_dot_product_attention(steps.Q, steps.K, steps.V, attention.causal_mask(4))
    np.testing.assert_array_equal(steps.weights, core.weights)
    np.testing.assert_array_equal(steps.scaled_scores, steps.scores / np.sqrt(architecture.head_dim))
    np.testing.assert_allclose(steps.weights.sum(axis=-1), 1.0)
    assert np.all(steps.weights[:, ~steps.mask] == 0)  # no word looks at a later word
    np.testing.assert_allclose(steps.X, steps.token_embeddings + steps.positions)
    np.testing.assert_allclose(steps.concatenated[:, :4], steps.head_outputs[0])  # head 0's columns first
    np.testing.assert_allclose(steps.residual, steps.X + steps.projected)
    np.testing.assert_allclose(steps.probabilities, softmax(steps.logits))
    assert steps.Q.shape == (2, 4, 4) and steps.logits.shape == (7,)


# --- the trained model's API ------------------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    return attention.train_model(PATTERNS, context_window=6, dim=16, heads=2, epochs=40)


def test_next_word_probabilities_are_a_distribution_over_the_vocabulary(model):
    p = model.next_word_probabilities(["the", "cat"])
    assert p.shape == (len(model.vocabulary),)
    assert p.sum() == pytest.approx(1.0) and np.all(p >= 0)
    assert model.vocabulary.words[-1] == UNKNOWN_TOKEN


def test_temperature_sharpens_and_flattens(model):
    cold, warm = (model.next_word_probabilities(["the", "cat"], temperature=t) for t in (0.2, 5.0))
    assert cold.max() > model.next_word_probabilities(["the", "cat"]).max() > warm.max()
    with pytest.raises(ValueError, match="temperature"):
        model.next_word_probabilities(["the"], temperature=0)


def test_next_word_distribution_uses_the_logits_and_the_vocabulary(model):
    distribution = model.next_word_distribution(["the", "dog", "sat"])
    assert isinstance(distribution, attention.NextWordDistribution)
    assert distribution.words == model.vocabulary.words
    np.testing.assert_allclose(distribution.probabilities, softmax(distribution.scores), rtol=1e-6)
    np.testing.assert_allclose(distribution.probabilities, model.next_word_probabilities(["the", "dog", "sat"]))


def test_forward_steps_of_a_trained_model_give_its_probabilities(model):
    context = ["the", "dog", "sat", "on", "the"]
    steps = model.forward_steps(context)
    np.testing.assert_allclose(steps.probabilities, model.next_word_probabilities(context), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(steps.weights, model.attention_weights(context), rtol=1e-5, atol=1e-7)


def test_attention_weights_cover_the_last_context_window_words(model):
    weights = model.attention_weights(["the", "cat", "sat"])
    assert weights.shape == (2, 3, 3)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-6)
    assert np.all(np.triu(weights, k=1) == 0)
    long_context = "the cat sat on the mat . the dog sat on".split()
    assert model.attention_weights(long_context).shape == (2, 6, 6)
    np.testing.assert_array_equal(
        model.next_word_probabilities(long_context), model.next_word_probabilities(long_context[-6:])
    )
    assert model.forward_steps(long_context).words == tuple(long_context[-6:])


def test_unknown_words_become_the_unknown_token_and_never_crash(model):
    steps = model.forward_steps(["the", "zebra", "sat"])
    assert steps.words == ("the", UNKNOWN_TOKEN, "sat")
    np.testing.assert_array_equal(
        model.next_word_probabilities(["the", "zebra"]), model.next_word_probabilities(["the", UNKNOWN_TOKEN])
    )


def test_empty_or_string_contexts_get_clear_errors(model):
    with pytest.raises(ValueError, match="context is empty"):
        model.next_word_probabilities([])
    with pytest.raises(TypeError, match="list of words"):
        model.attention_weights("the cat")


def test_a_trained_model_pickles_and_is_read_only(model):
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.next_word_probabilities(["the"]), model.next_word_probabilities(["the"]))
    assert clone.vocabulary == model.vocabulary and clone.history == model.history
    with pytest.raises(ValueError, match="read-only"):
        model.parameters["E"][0, 0] = 1.0


def test_a_trained_model_can_be_shared_between_threads(model):
    contexts = [["the", w] for w in ("cat", "dog", "frog", "bird")] * 8
    expected = [model.next_word_probabilities(c) for c in contexts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(model.next_word_probabilities, contexts))
    for got, want in zip(results, expected, strict=True):
        np.testing.assert_array_equal(got, want)
