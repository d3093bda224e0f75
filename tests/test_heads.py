"""Head scores on hand-built attention patterns, and live during training."""

import numpy as np
import pytest

import attention
from attention.evaluation import head_scores as heads
from attention.evaluation.head_scores import (
    HeadScores,
    head_scores,
    induction_pairs,
    induction_scores,
    previous_token_scores,
)


def previous_token_pattern(n):  # [n, n]: each word looks one back (the first at itself)
    A = np.zeros((n, n))
    A[0, 0] = 1
    A[np.arange(1, n), np.arange(n - 1)] = 1
    return A


def induction_pattern(ids):  # [n, n]: each repeated word looks one after its latest earlier occurrence
    n = len(ids)
    A = np.eye(n)
    for i, j in zip(*induction_pairs(np.asarray(ids)), strict=True):
        A[i] = 0
        A[i, j] = 1
    return A


def uniform_pattern(n):
    return np.tril(np.ones((n, n))) / np.arange(1, n + 1)[:, None]


IDS = np.array([5, 2, 7, 1, 5, 2, 7, 1])  # a segment and its repeat


def test_induction_pairs_point_one_after_the_latest_earlier_occurrence():
    queries, keys = induction_pairs(IDS)
    assert queries.tolist() == [4, 5, 6, 7] and keys.tolist() == [1, 2, 3, 4]
    queries, keys = induction_pairs(np.array([3, 9, 3, 4, 3]))  # 3 thrice: the latest earlier one counts
    assert queries.tolist() == [2, 4] and keys.tolist() == [1, 3]
    assert induction_pairs(np.array([1, 2, 3]))[0].size == 0


def test_hand_built_heads_get_the_scores_they_were_built_for():
    n = len(IDS)
    grid = np.stack([  # layer 1: previous-token head, uniform head; layer 2: induction head, self head
        np.stack([previous_token_pattern(n), uniform_pattern(n)]),
        np.stack([induction_pattern(IDS), np.eye(n)]),
    ])[None]  # fmt: skip  # [B=1, L=2, h=2, n, n]
    scores = head_scores(grid, IDS[None])
    assert scores.previous_token[0][0] == 1.0 and scores.induction[1][0] == 1.0
    assert scores.previous_token[1][1] == 0.0 and scores.induction[1][1] == 0.0  # looking at itself: neither
    uniform_induction = np.mean([1 / (i + 1) for i in range(4, 8)])  # 1/(i+1) of the attention on the right word
    assert scores.induction[0][1] == pytest.approx(uniform_induction)
    assert scores.previous_token[0][1] == pytest.approx(np.mean([1 / (i + 1) for i in range(1, 8)]))
    # a previous-token head is not an induction head: from word i it looks at i-1, not at prev(i) + 1
    assert scores.induction[0][0] == 0.0
    assert scores.best("induction") == (1, 0, 1.0) and scores.best("previous_token")[:2] == (0, 0)


def test_scores_average_over_windows_and_are_zero_without_repeats():
    n = len(IDS)
    half = np.stack([induction_pattern(IDS), uniform_pattern(n)])[:, None, None]  # [B=2, L=1, h=1, n, n]
    expected = (1.0 + np.mean([1 / (i + 1) for i in range(4, 8)])) / 2
    assert induction_scores(half, np.stack([IDS, IDS]))[0, 0] == pytest.approx(expected)
    no_repeat = np.arange(4)[None]
    assert induction_scores(uniform_pattern(4)[None, None, None], no_repeat)[0, 0] == 0.0
    assert previous_token_scores(np.ones((1, 1, 1, 1, 1))).shape == (1, 1)


def test_head_scores_are_hashable_and_comparable_for_history_points():
    a = HeadScores.from_arrays(np.array([[0.1, 0.2]]), np.array([[0.3, 0.4]]))
    assert a == HeadScores.from_arrays(np.array([[0.1, 0.2]]), np.array([[0.3, 0.4]])) and hash(a)


def test_the_probe_is_a_repeated_segment_of_distinct_known_words():
    words = [f"w{i}" for i in range(12)] + [".", ",", attention.UNKNOWN_TOKEN]
    vocabulary = attention.Vocabulary(tuple(words))
    probe = heads.training_probe(vocabulary, context_window=16, seed=0)
    assert probe.shape == (heads.PROBE_SEQUENCES, 16)
    np.testing.assert_array_equal(probe[:, :8], probe[:, 8:])
    assert all(len(set(row[:8])) == 8 for row in probe)
    assert probe.max() < 12  # words only: never punctuation, never <unk>
    tiny = attention.Vocabulary(("a", ".", attention.UNKNOWN_TOKEN))
    assert heads.training_probe(tiny, context_window=16, seed=0) is None


def test_training_reports_head_scores_live_and_in_the_history():
    seen = []
    model = attention.train_model(
        "a b c d e f g h . " * 12, context_window=8, layers=2, heads=2, dim=8, max_steps=30,
        callback=lambda progress: seen.append(progress),
    )  # fmt: skip
    assert seen and all(p.heads is not None for p in seen)
    assert np.shape(seen[-1].heads.induction) == (2, 2)
    point = model.history[-1]
    assert np.shape(point.heads.previous_token) == (2, 2)
    assert all(0 <= x <= 1 for row in point.heads.induction for x in row)
