"""The head-score charts: valid specs, the numbers they were given, sentences that say what they show."""

import numpy as np

from attention import charts
from attention.evaluation.head_scores import HeadScores
from attention.training.result import HistoryPoint

SCORES = HeadScores.from_arrays(np.array([[0.9, 0.1], [0.2, 0.05]]), np.array([[0.0, 0.1], [0.75, 0.2]]))


def test_head_grid_has_a_cell_per_layer_head_and_kind():
    frame = charts.head_scores_frame(SCORES)
    assert len(frame) == 2 * 2 * 2
    row = frame[(frame["layer"] == "layer 2") & (frame["head"] == "head 1") & (frame["kind"] == "induction score")]
    assert row.score.item() == 0.75
    spec = charts.head_grid_chart(SCORES).to_dict()
    assert "layer 2, head 1 (score 0.75)" in spec["description"]
    assert "previous-token head is layer 1, head 1 (0.90)" in charts.summarize_head_scores(SCORES)


def test_head_score_curve_follows_the_best_head_and_says_when_it_passed_one_half():
    low = HeadScores.from_arrays(np.zeros((2, 2)), np.full((2, 2), 0.1))
    points = [HistoryPoint(0, 1, 3.0, 3.1, low), HistoryPoint(10, 1, 2.9, 3.0), HistoryPoint(20, 2, 2.0, 2.1, SCORES)]
    frame = charts.head_score_history_frame(points)
    assert sorted(frame.step.unique()) == [0, 20]  # a point without scores is skipped
    assert frame[(frame.step == 20) & (frame.series == "best induction score")].score.item() == 0.75
    spec = charts.head_score_curve_chart(points).to_dict()
    assert spec["description"] == (
        "The best induction score went from 0.10 at step 0 to 0.75 at step 20; it first passed 0.5 at step 20."
    )
    assert charts.summarize_head_score_history([]) == "No head scores yet."
