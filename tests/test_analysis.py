"""analysis: PCA against hand-worked numbers and the covariance's eigenvectors; what-if edits never
mutate; generation is deterministic given the seed; the blog's distortion measured exactly."""

import numpy as np
import pytest

import attention
from attention import NextWordDistribution, Vocabulary, limits, softmax
from attention.core import generation
from attention.teaching import analysis

# --- pca_2d ---------------------------------------------------------------------------------------


def test_pca_of_points_on_a_line_is_that_line():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    result = analysis.pca_2d(X)
    r = np.sqrt(0.5)
    np.testing.assert_allclose(result.components[0], [r, r], atol=1e-12)  # positive by the sign rule
    np.testing.assert_allclose(result.points[:, 0], np.array([-1.5, -0.5, 0.5, 1.5]) * np.sqrt(2), atol=1e-12)
    np.testing.assert_allclose(result.points[:, 1], 0, atol=1e-12)
    np.testing.assert_allclose(result.explained_variance_ratio, [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(result.mean, [1.5, 1.5])


def test_pca_hand_worked_cross():
    # Variance along x: (4 + 4) / 3; along y: (1 + 1) / 3; so the ratios are 8/10 and 2/10.
    X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    result = analysis.pca_2d(X)
    np.testing.assert_allclose(result.components, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(result.points, X, atol=1e-12)
    np.testing.assert_allclose(result.explained_variance_ratio, [0.8, 0.2], atol=1e-12)


def test_pca_matches_the_eigendecomposition_of_the_covariance():
    X = np.random.default_rng(3).normal(size=(40, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])
    result = analysis.pca_2d(X)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(X, rowvar=False))  # ascending
    eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]
    np.testing.assert_allclose(result.explained_variance_ratio, eigenvalues[:2] / eigenvalues.sum(), rtol=1e-10)
    for i in range(2):  # same direction up to sign
        np.testing.assert_allclose(abs(result.components[i] @ eigenvectors[:, i]), 1.0, rtol=1e-10)
    np.testing.assert_allclose(result.components @ result.components.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(result.points.var(axis=0, ddof=1), eigenvalues[:2], rtol=1e-10)
    np.testing.assert_allclose(result.points.mean(axis=0), 0, atol=1e-12)


def test_pca_sign_is_deterministic():
    X = np.random.default_rng(0).normal(size=(30, 4))
    a, b = analysis.pca_2d(X), analysis.pca_2d(-X)
    np.testing.assert_allclose(a.components, b.components, atol=1e-12)  # flipping the data does not flip the axes
    np.testing.assert_allclose(a.points, -b.points, atol=1e-12)
    for row in a.components:
        assert row[np.argmax(np.abs(row))] > 0


@pytest.mark.parametrize(
    ("shape", "ratio"),
    [((5, 1), [1.0, 0.0]), ((1, 4), [0.0, 0.0])],
    ids=["one dimension", "one word"],
)
def test_pca_degenerate_shapes_still_give_two_columns(shape, ratio):
    X = np.arange(np.prod(shape), dtype=float).reshape(shape)
    result = analysis.pca_2d(X)
    assert result.points.shape == (shape[0], 2)
    np.testing.assert_allclose(result.explained_variance_ratio, ratio)
    assert np.isfinite(result.points).all()


def test_pca_rejects_a_vector():
    with pytest.raises(ValueError, match=r"\[words, dimensions\]"):
        analysis.pca_2d(np.ones(4))


# --- what-if edits --------------------------------------------------------------------------------

CONTEXT = ("the", "cat", "sat", "on", "the")


def test_remove_and_replace_return_new_lists():
    context = list(CONTEXT)
    assert analysis.remove_word(context, 1) == ["the", "sat", "on", "the"]
    assert analysis.replace_word(context, 4, "a") == ["the", "cat", "sat", "on", "a"]
    assert analysis.remove_word(CONTEXT, 0) == ["cat", "sat", "on", "the"]  # tuples work too
    assert context == list(CONTEXT)  # never mutated


@pytest.mark.parametrize("index", [-1, 5, 99])
def test_edits_reject_an_index_outside_the_context(index):
    with pytest.raises(ValueError, match="between 0 and 4"):
        analysis.remove_word(CONTEXT, index)
    with pytest.raises(ValueError, match="between 0 and 4"):
        analysis.replace_word(CONTEXT, index, "dog")


def test_edit_errors_that_teach():
    with pytest.raises(ValueError, match="only word"):
        analysis.remove_word(["cat"], 0)
    with pytest.raises(ValueError, match="non-empty"):
        analysis.replace_word(CONTEXT, 0, "  ")
    with pytest.raises(TypeError, match="list of words"):
        analysis.remove_word("the cat", 0)


@pytest.mark.parametrize("seed", range(20))
def test_shuffle_is_a_different_permutation_when_possible(seed):
    context = list(CONTEXT)
    shuffled = analysis.shuffle_context(context, np.random.default_rng(seed))
    assert sorted(shuffled) == sorted(context) and shuffled != context
    assert context == list(CONTEXT)
    assert analysis.shuffle_context(context, np.random.default_rng(seed)) == shuffled  # same seed, same order
    assert analysis.shuffle_context(["a", "b"], np.random.default_rng(seed)) == ["b", "a"]


def test_shuffle_of_identical_words_is_the_same_words():
    rng = np.random.default_rng(0)
    assert analysis.shuffle_context(["the", "the", "the"], rng) == ["the", "the", "the"]
    assert analysis.shuffle_context(["cat"], rng) == ["cat"]


def test_distribution_change_hand_worked():
    change = analysis.distribution_change(np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5]), words=["a", "b", "c"])
    assert change.total_variation == pytest.approx(0.3)  # ½ (0.3 + 0 + 0.3)
    assert [(c.word, round(c.change, 12)) for c in change.largest_changes] == [("a", -0.3), ("c", 0.3)]  # 'b' unchanged


def test_distribution_change_reads_words_from_distributions_and_keeps_top():
    words = tuple("abcdefgh")
    rng = np.random.default_rng(1)
    p, q = softmax(rng.normal(size=8)), softmax(rng.normal(size=8))
    before = NextWordDistribution(words, np.log(p), p)
    after = NextWordDistribution(words, np.log(q), q)
    change = analysis.distribution_change(before, after, top=3)
    assert len(change.largest_changes) == 3
    magnitudes = [abs(c.change) for c in change.largest_changes]
    assert magnitudes == sorted(magnitudes, reverse=True) and magnitudes[0] == pytest.approx(np.max(np.abs(q - p)))
    assert all(c.word == words[c.index] for c in change.largest_changes)
    assert 0 <= change.total_variation <= 1
    assert analysis.distribution_change(after, before).total_variation == pytest.approx(change.total_variation)
    assert analysis.distribution_change(before, before).total_variation == 0
    assert analysis.distribution_change(before, before).largest_changes == ()


def test_distribution_change_rejects_different_vocabularies():
    with pytest.raises(ValueError, match="same order"):
        analysis.distribution_change(np.ones(3) / 3, np.ones(4) / 4)


# --- generation -----------------------------------------------------------------------------------


def test_top_k_filter_hand_worked():
    p = np.array([0.1, 0.4, 0.2, 0.3])
    np.testing.assert_allclose(generation.top_k_filter(p, 2), [0, 4 / 7, 0, 3 / 7])
    np.testing.assert_allclose(generation.top_k_filter(p, 1), [0, 1, 0, 0])
    np.testing.assert_allclose(generation.top_k_filter(p, 4), p)
    np.testing.assert_allclose(generation.top_k_filter(p, 10), p)
    np.testing.assert_allclose(generation.top_k_filter(np.full(4, 0.25), 2), [0.5, 0.5, 0, 0])  # ties: first words
    np.testing.assert_array_equal(p, [0.1, 0.4, 0.2, 0.3])  # input untouched


@pytest.mark.parametrize("k", [0, -1, 1.5])
def test_top_k_filter_rejects_bad_k(k):
    with pytest.raises(ValueError, match="at least 1"):
        generation.top_k_filter(np.array([0.5, 0.5]), k)


WORDS = ("a", "b", "c", "d")


def cycling_model(calls):
    """p(next = the word after the last one, cyclically) = 0.7; the other three share 0.3."""

    def next_distribution(context, temperature):
        calls.append((list(context), temperature))
        p = np.full(len(WORDS), 0.1)
        p[(WORDS.index(context[-1]) + 1) % len(WORDS)] = 0.7
        return NextWordDistribution(WORDS, np.log(p), p)

    return next_distribution


def test_generate_top_1_follows_the_most_probable_word_and_clips_the_context():
    calls = []
    steps = generation.generate(
        cycling_model(calls), ["a", "b"], 5, rng=np.random.default_rng(0), top_k=1, context_window=3, temperature=0.5
    )
    assert [s.word for s in steps] == ["c", "d", "a", "b", "c"]
    assert [s.context for s in steps] == [
        ("a", "b"),
        ("a", "b", "c"),
        ("b", "c", "d"),
        ("c", "d", "a"),
        ("d", "a", "b"),
    ]
    assert all(t == 0.5 for _, t in calls) and len(calls) == 5
    np.testing.assert_allclose(steps[0].distribution.probabilities, [0, 0, 1, 0])  # renormalised after top-k


def test_generate_is_deterministic_given_the_seed_and_samples_within_top_k():
    model = cycling_model([])
    first = generation.generate(model, ["a"], 30, rng=np.random.default_rng(42), top_k=2)
    again = generation.generate(model, ["a"], 30, rng=np.random.default_rng(42), top_k=2)
    assert [s.word for s in first] == [s.word for s in again]
    for step in first:
        p = step.distribution.probabilities
        assert np.count_nonzero(p) == 2 and p.sum() == pytest.approx(1.0)
        assert p[WORDS.index(step.word)] > 0
    runs = [generation.generate(model, ["a"], 30, rng=np.random.default_rng(seed)) for seed in range(5)]
    assert len({tuple(step.word for step in run) for run in runs}) > 1


def test_generate_works_with_the_blog_method_as_the_model():
    tokens = attention.tokenize("the cat sat on the mat and the dog sat on the log")
    vocabulary = Vocabulary.from_tokens(tokens)
    embeddings = attention.random_embeddings(len(vocabulary), 3, np.random.default_rng(0))

    def model(context, temperature):
        return attention.blog_method(embeddings, vocabulary, context, temperature=temperature)

    steps = generation.generate(model, tokens[:3], 10, rng=np.random.default_rng(1), context_window=4)
    assert len(steps) == 10 and all(s.word in vocabulary for s in steps)
    assert all(len(s.context) <= 4 for s in steps)


@pytest.mark.parametrize("n_words", [0, limits.MAX_GENERATED_WORDS + 1, 2.5])
def test_generate_rejects_a_bad_number_of_words(n_words):
    with pytest.raises(ValueError, match=f"between 1 and {limits.MAX_GENERATED_WORDS}"):
        generation.generate(cycling_model([]), ["a"], n_words, rng=np.random.default_rng(0))


def test_generate_rejects_bad_settings():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="empty"):
        generation.generate(cycling_model([]), [], 3, rng=rng)
    with pytest.raises(ValueError, match="temperature"):
        generation.generate(cycling_model([]), ["a"], 3, rng=rng, temperature=0)
    with pytest.raises(ValueError, match="context window"):
        generation.generate(cycling_model([]), ["a"], 3, rng=rng, context_window=0)
    with pytest.raises(ValueError, match="top-k"):
        generation.generate(cycling_model([]), ["a"], 3, rng=rng, top_k=0)


# --- blog vs corrected ----------------------------------------------------------------------------


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_blog_vs_corrected_measures_the_double_exponential(temperature):
    tokens = attention.tokenize("the cat sat on the mat while the dog slept by the door")
    vocabulary = Vocabulary.from_tokens(tokens)
    embeddings = attention.random_embeddings(len(vocabulary), 3, np.random.default_rng(7))
    context = ["the", "cat", "sat"]
    result = analysis.blog_vs_corrected(embeddings, vocabulary, context, temperature)

    blog = attention.blog_method(embeddings, vocabulary, context, temperature=temperature, faithful=True)
    corrected = attention.blog_method(embeddings, vocabulary, context, temperature=temperature)
    np.testing.assert_allclose(result.blog.probabilities, blog.probabilities)
    np.testing.assert_allclose(result.corrected.probabilities, corrected.probabilities)

    s = corrected.scores  # p_i / p_j = exp((s_i - s_j) / T) corrected, exp((e^s_i - e^s_j) / T) as published
    assert result.corrected_odds == pytest.approx(np.exp((s.max() - s.min()) / temperature), rel=1e-5)
    assert result.blog_odds == pytest.approx(np.exp((np.exp(s.max()) - np.exp(s.min())) / temperature), rel=1e-5)
    assert result.blog_odds > result.corrected_odds  # e^s stretches gaps when s > 0
    np.testing.assert_array_equal(np.argsort(-blog.probabilities), np.argsort(-corrected.probabilities))
    assert result.total_variation == pytest.approx(0.5 * np.abs(blog.probabilities - corrected.probabilities).sum())
    top = corrected.words[int(np.argmax(corrected.probabilities))]
    assert f"both put '{top}' first" in result.description
    assert f"{result.total_variation:.2f}" in result.description


def test_embedding_rows_follow_the_words_and_skip_unknown_ones():
    from attention.teaching.analysis import embedding_rows

    vocabulary = attention.Vocabulary.from_tokens(["a", "b", "c"])
    E = np.arange(6.0).reshape(3, 2)
    rows, kept = embedding_rows(E, vocabulary, ["c", "zzz", "a"])
    assert kept == ["c", "a"]
    np.testing.assert_array_equal(rows, [[4.0, 5.0], [0.0, 1.0]])
    rows, kept = embedding_rows(E, vocabulary, ["zzz"])
    assert kept == [] and rows.shape == (0, 2)


def test_seen_context_gives_the_model_window_and_its_text_positions():
    from attention.teaching.analysis import seen_context

    def last_three(words):  # a model with a window of 3 that knows every word
        return list(range(len(words[-3:]))), tuple(words[-3:])

    words, positions = seen_context(last_three, ["w1", "w2", "w3", "w4", "w5"], position=9)
    assert words == ["w3", "w4", "w5"] and positions == [8, 9, 10]
    words, positions = seen_context(last_three, ["only"], position=0)
    assert words == ["only"] and positions == [1]
