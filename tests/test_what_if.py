"""The classic lesson: without positions, word order is invisible to attention."""

import numpy as np
import pytest

import attention
from attention.teaching import analysis
from attention.teaching.examples import NURSERY_RHYME, PATTERNS


@pytest.fixture(scope="module")
def models():
    settings = {"context_window": 8, "dim": 16, "heads": 2, "epochs": 60, "seed": 3}
    return {
        positions: attention.train_model(PATTERNS + NURSERY_RHYME, positions=positions, **settings)
        for positions in ("none", "learned", "sinusoidal")
    }


CONTEXTS = ["the dog sat on the", "little owl , little owl , sitting in", "what do you see when you look at"]


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("seed", range(3))
def test_without_positions_shuffling_the_earlier_words_changes_nothing(models, context, seed):
    words = attention.tokenize(context)
    shuffled = analysis.shuffle_earlier_words(words, np.random.default_rng(seed))
    assert shuffled != words and shuffled[-1] == words[-1]
    model = models["none"]
    np.testing.assert_allclose(
        model.next_word_probabilities(shuffled), model.next_word_probabilities(words), rtol=0, atol=1e-6
    )


@pytest.mark.parametrize("positions", ["learned", "sinusoidal"])
def test_with_positions_shuffling_generally_changes_the_prediction(models, positions):
    rng = np.random.default_rng(0)
    changes = []
    for context in CONTEXTS:
        words = attention.tokenize(context)
        before = models[positions].next_word_probabilities(words)
        after = models[positions].next_word_probabilities(analysis.shuffle_earlier_words(words, rng))
        changes.append(analysis.distribution_change(before, after).total_variation)
    assert min(changes) > 1e-3  # every one of them moves


def test_shuffle_earlier_words_keeps_the_last_and_never_mutates():
    words = ["a", "b", "c", "d"]
    shuffled = analysis.shuffle_earlier_words(words, np.random.default_rng(1))
    assert words == ["a", "b", "c", "d"] and shuffled[-1] == "d" and sorted(shuffled) == words
    assert analysis.shuffle_earlier_words(["only"], np.random.default_rng(1)) == ["only"]
