"""The blog's method: correct by default, and faithful=True reproduces the blog's own numbers.

The blog's original code is copied below verbatim (as a fixture) and run side by side with ours.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from attention import Vocabulary, blog_method
from attention.blog import post as ours

BLOG_CODE = """
import numpy as np

def softmax(x):
  x -= np.max(x)
  exp_x = np.exp(x)
  softmax_x = exp_x / np.sum(exp_x)
  return softmax_x

def create_word_representations(sentences):
    word_to_index = {}
    index_to_word = {}
    word_embeddings = []

    for sentence in sentences:
        for word in sentence.split():
            if word not in word_to_index:
                word_to_index[word] = len(word_to_index)
                index_to_word[len(index_to_word)] = word
                word_embeddings.append(np.random.rand(3))  # Random embeddings

    return np.array(word_embeddings), word_to_index, index_to_word

def calculate_self_attention(query, keys, values):
    scores = np.dot(query, keys.T) / np.sqrt(keys.shape[1])
    attention_weights = np.empty_like(scores)
    for i in range(len(scores)):
        if len(keys[i].shape) == 1:  # Check if 1D array
            attention_weights[i] = np.exp(scores[i])  # No need to sum for unique words
        else:
            attention_weights[i] = np.exp(scores[i]) / np.sum(np.exp(scores[i]), axis=1, keepdims=True)

    return attention_weights

def predict_next_word_with_self_attention(current_word, context_window, words, word_embeddings, word_to_index, index_to_word):
    context_embeddings = word_embeddings[[word_to_index[word] for word in context_window]]
    query = np.mean(context_embeddings, axis=0)  # Average context embeddings
    keys = values = np.array([word_embeddings[word_to_index[word]] for word in words])
    attention_weights = calculate_self_attention(query, keys, values)
    attention_probabilities = softmax(attention_weights)
    predicted_index = np.random.choice(range(len(words)), p=attention_probabilities)
    predicted_word = index_to_word[predicted_index]
    return predicted_word, attention_probabilities
"""

SENTENCES = ["the cat sat on the mat", "the dog sat on the log", "a cat saw a dog"]


class FixedChoice:
    """Stands in for a random generator: always 'draws' index i, so both codes pick the same one."""

    def __init__(self, i):
        self.i = i

    def choice(self, n, p):
        assert len(p) == n
        return self.i


@pytest.fixture
def blog():
    namespace = {}
    exec(BLOG_CODE, namespace)
    return namespace


@pytest.fixture
def world(blog):
    np.random.seed(7)  # the blog uses numpy's global random state
    return blog["create_word_representations"](SENTENCES)


BLOG_POST = Path(__file__).resolve().parents[2] / "shared" / "seed" / "self-attention-blog.md"


@pytest.mark.skipif(not BLOG_POST.exists(), reason="the blog post (../shared/seed) is not beside this checkout")
def test_blog_fixture_is_the_blog_verbatim():
    blocks = re.findall(r"```python\n(.*?)```", BLOG_POST.read_text(), flags=re.S)

    def code_lines(code):
        return [line for line in code.splitlines() if line.strip()]

    assert code_lines("\n".join(blocks)) == code_lines(BLOG_CODE)


@pytest.mark.parametrize("words_kind", ["vocabulary", "text with repeats"])
@pytest.mark.parametrize("context", [["cat"], ["the", "cat", "sat"], ["on", "the"]])
def test_faithful_mode_reproduces_the_blogs_numbers(blog, world, words_kind, context, monkeypatch):
    embeddings, word_to_index, index_to_word = world
    words = list(word_to_index) if words_kind == "vocabulary" else SENTENCES[0].split()
    i = len(words) - 1
    monkeypatch.setattr(np.random, "choice", lambda n, p: i)  # make the blog's draw deterministic
    blog_word, blog_p = blog["predict_next_word_with_self_attention"](
        "x", context, words, embeddings.copy(), word_to_index, index_to_word
    )
    our_word, our_p = ours.predict_next_word_with_self_attention(
        "x", context, words, embeddings, word_to_index, index_to_word, rng=FixedChoice(i), faithful=True
    )
    np.testing.assert_allclose(our_p, blog_p.ravel(), rtol=1e-13)
    assert our_word == blog_word


def test_blog_attention_weights_match_faithful_calculate_self_attention(blog, world):
    embeddings, _, _ = world
    query = embeddings[:2].mean(axis=0)
    np.testing.assert_allclose(
        ours.calculate_self_attention(query, embeddings, embeddings, faithful=True),
        blog["calculate_self_attention"](query, embeddings, embeddings),
        rtol=1e-14,
    )


def test_correct_mode_is_a_single_softmax_of_scaled_scores(world):
    embeddings, word_to_index, index_to_word = world
    words = list(word_to_index)
    context = ["the", "cat"]
    _, p = ours.predict_next_word_with_self_attention(
        "cat", context, words, embeddings, word_to_index, index_to_word, rng=np.random.default_rng(0)
    )
    q = (embeddings[word_to_index["the"]] + embeddings[word_to_index["cat"]]) / 2
    s = np.array([embeddings[word_to_index[w]] @ q for w in words]) / np.sqrt(3)
    expected = np.exp(s) / np.exp(s).sum()
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    assert p.sum() == pytest.approx(1.0)


def test_the_double_exponential_changes_the_odds(world):
    embeddings, word_to_index, _ = world
    q = embeddings[word_to_index["cat"]]
    s = ours.attention_scores(q, embeddings)
    correct = ours.next_word_probabilities(s)
    blog_p = ours.next_word_probabilities(s, faithful=True)
    assert np.argmax(correct) == np.argmax(blog_p)  # same ranking: exp is increasing
    hi, lo = np.argmax(s), np.argmin(s)
    assert correct[hi] / correct[lo] == pytest.approx(np.exp(s[hi] - s[lo]))
    assert blog_p[hi] / blog_p[lo] == pytest.approx(np.exp(np.exp(s[hi]) - np.exp(s[lo])))
    assert blog_p[hi] / blog_p[lo] > correct[hi] / correct[lo]


def test_correct_mode_returns_the_sampled_word_even_when_words_repeat(world):
    embeddings, word_to_index, index_to_word = world
    words = SENTENCES[1].split()  # the dog sat on the log
    for i, expected in enumerate(words):
        word, _ = ours.predict_next_word_with_self_attention(
            "x", ["dog"], words, embeddings, word_to_index, index_to_word, rng=FixedChoice(i)
        )
        assert word == expected
    # The blog's lookup names a different word for the same draw:
    assert index_to_word[1] != words[1]


def test_blog_softmax_bug_is_fixed_input_not_mutated():
    x = np.array([1.0, 2.0, 3.0])
    ours.softmax(x)
    assert x.tolist() == [1.0, 2.0, 3.0]
    blog_ns = {}
    exec(BLOG_CODE, blog_ns)
    blog_ns["softmax"](x)
    assert x.tolist() == [-2.0, -1.0, 0.0]  # the blog's version changes its caller's array


def test_create_word_representations_uses_only_the_generator_passed_in():
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    e1, w2i, i2w = ours.create_word_representations(SENTENCES, 5, rng=np.random.default_rng(3))
    e2, _, _ = ours.create_word_representations(SENTENCES, 5, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(e1, e2)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global state untouched
    assert e1.shape == (len(w2i), 5) and np.all((e1 >= 0) & (e1 < 1))
    assert list(w2i) == ["the", "cat", "sat", "on", "mat", "dog", "log", "a", "saw"]
    assert all(i2w[i] == w for w, i in w2i.items())


def test_predict_needs_context_words_it_knows(world):
    embeddings, word_to_index, index_to_word = world
    with pytest.raises(KeyError, match="not in the vocabulary"):
        ours.predict_next_word_with_self_attention("x", ["zebra"], ["cat"], embeddings, word_to_index, index_to_word)
    with pytest.raises(ValueError, match="at least one word"):
        ours.predict_next_word_with_self_attention("x", [], ["cat"], embeddings, word_to_index, index_to_word)


@pytest.mark.parametrize("faithful", [False, True])
@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_app_blog_method_matches_the_seed_functions(world, faithful, temperature):
    embeddings, word_to_index, index_to_word = world
    vocabulary = Vocabulary(tuple(word_to_index))
    context = ["the", "dog", "sat"]
    result = blog_method(embeddings, vocabulary, context, temperature=temperature, faithful=faithful)
    _, p = ours.predict_next_word_with_self_attention(
        "sat", context, list(vocabulary.words), embeddings, word_to_index, index_to_word,
        rng=np.random.default_rng(0), temperature=temperature, faithful=faithful,
    )  # fmt: skip
    np.testing.assert_allclose(result.probabilities, p, rtol=1e-12)
    np.testing.assert_allclose(result.scores * np.sqrt(3), result.dot_products, rtol=1e-12)
    np.testing.assert_allclose(result.query, embeddings[[0, 5, 2]].mean(axis=0))
