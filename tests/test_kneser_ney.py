"""The Kneser–Ney baseline: a distribution for every context, worked by hand on a tiny text."""

import numpy as np
import pytest

from attention.evaluation.kneser_ney import KneserNey

# the cat the mat the cat  ->  0 1 0 2 0 1, V = 4 (word 3 never seen)
TRAIN = np.array([0, 1, 0, 2, 0, 1])


@pytest.mark.parametrize("order", [2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_probabilities_sum_to_one_over_the_vocabulary_for_every_context(order, seed):
    rng = np.random.default_rng(seed)
    ids = rng.zipf(1.3, size=3000) % 200  # a skewed text: many rare words, a few frequent ones
    V = 210  # ten words never seen
    model = KneserNey(ids, V, order)
    contexts = {tuple(ids[i : i + order - 1]) for i in range(len(ids) - order + 1)}
    contexts |= {(205,) * (order - 1), (int(ids[0]), 205)[-(order - 1) :]}  # unseen contexts back off
    for context in contexts:
        p = model.probabilities(context)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert p.min() > 0  # every word, seen or not, keeps some probability


def test_the_bigram_by_hand():
    kn = KneserNey(TRAIN, 4, order=2)
    # Pairs: 0->1 twice, 0->2 once, 1->0 once, 2->0 once. n1 = 3, n2 = 1: D2 = 3 / (3 + 2) = 0.6.
    # Continuation counts N1+(• w): word 0 after {1, 2} = 2, word 1 after {0} = 1, word 2 after {0} = 1.
    # Their counts of counts: n1 = 2, n2 = 1, so D1 = 2 / 4 = 0.5; 3 types over a total of 4.
    p1 = (np.maximum(np.array([2, 1, 1, 0]) - 0.5, 0) + 0.5 * 3 / 4) / 4  # the unigram level, with 1/V
    np.testing.assert_allclose(kn.probabilities((3,)), p1)  # never seen first: the continuation unigram
    expected = np.array([0, 2 - 0.6, 1 - 0.6, 0]) / 3 + 0.6 * 2 / 3 * p1  # after word 0: 3 pairs, 2 types
    np.testing.assert_allclose(kn.probabilities((0,)), expected)
    log_p, guesses = kn.score(np.array([0, 1, 0, 3]), np.array([1, 2, 3]))
    np.testing.assert_allclose(log_p, np.log([expected[1], kn.probabilities((1,))[0], kn.probabilities((0,))[3]]))
    assert list(guesses) == [1, 0, 1]


def test_continuation_counts_favour_words_that_follow_many_words():
    # "francisco" (1) is frequent but only ever after "san" (0); "the" (2) follows many different words.
    ids = np.array([0, 1, 3, 2, 4, 2, 5, 2, 0, 1, 6, 2, 0, 1, 0, 1])
    p = KneserNey(ids, 8, order=2).probabilities((7,))  # an unseen context: only the lower order speaks
    assert p[2] > p[1]  # even though "francisco" is seen as often as "the"
