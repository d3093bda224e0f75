"""What the Train panel says: the score table, the verdict, the overlap warning and the safety-clock notice."""

import dataclasses

import pytest

import attention
from attention.evaluation.held_out import Evaluation
from attention.evaluation.scores import MethodScore
from attention.teaching import report
from attention.teaching.examples import PATTERNS


def evaluation(model: float, trigram: float = 50.0, bigram_kn: float = 60.0, n: int = 500, overlap=0.1) -> Evaluation:
    def s(ppl):
        return MethodScore(perplexity=ppl, accuracy=0.3, known_perplexity=ppl * 0.9)

    return Evaluation(
        model=s(model), kneser_ney_trigram=s(trigram), kneser_ney_bigram=s(bigram_kn), bigram=s(300.0),
        unigram=s(200.0), n_targets=n, unknown_fraction=0.05, overlap=overlap,
    )  # fmt: skip


def test_score_rows_put_the_model_first_and_mark_the_counter_to_beat():
    rows = report.score_rows(evaluation(model=55.0, trigram=62.0, bigram_kn=58.0))
    assert [r.method for r in rows] == [
        "self-attention model",
        "Kneser–Ney trigram (word triples)",
        "Kneser–Ney bigram (word pairs)",
        "add-one bigram (word pairs)",
        "unigram (word frequency)",
    ]
    assert [r.is_model for r in rows] == [True, False, False, False, False]
    assert [r.is_strongest_baseline for r in rows] == [False, False, True, False, False]  # 58 < 62 < 200 < 300
    assert rows[0].known_perplexity == pytest.approx(49.5) and rows[0].accuracy == 0.3


@pytest.mark.parametrize(
    ("model", "starts", "claims_win"),
    [
        (40.0, "Attention beat counting on this text: test perplexity 40.0 for the model against 50.0", True),
        (65.0, "Counting won on this text: test perplexity 50.0 for the best counter, the Kneser–Ney trigram", False),
        (50.04, "A tie: test perplexity 50.0 for the model and for the best counter", False),  # no win claimed
    ],
)
def test_the_verdict_claims_only_what_the_numbers_show(model, starts, claims_win):
    sentence = report.verdict(evaluation(model=model))
    assert sentence.startswith(starts)
    assert ("beat" in sentence) == claims_win
    assert "chance" not in sentence


def test_the_verdict_warns_about_a_small_test_part():
    assert "on only 13 test words" in report.verdict(evaluation(model=4.0, n=13))


def test_the_overlap_sentence_warns_when_the_test_part_repeats_training():
    assert report.overlap_sentence(evaluation(40.0, overlap=0.2)) == (
        "20% of the test part's 4-word sequences also occur in the training part."
    )
    high = report.overlap_sentence(evaluation(40.0, overlap=0.6))
    assert high.startswith("60% of the test part's") and "measure memorising" in high
    assert report.overlap_sentence(evaluation(40.0, overlap=None)) is None


def test_a_trained_model_on_a_repetitive_text_is_told_it_memorises():
    model = attention.train_model(PATTERNS, epochs=20)
    assert model.evaluation.overlap == 1.0  # its last lines repeat its first
    assert "measure memorising" in report.overlap_sentence(model.evaluation)
    assert report.safety_clock_notice(model) is None
    assert "test part" in report.scored_on_sentence(model.evaluation)


def test_the_safety_clock_notice_appears_only_when_the_clock_fired():
    model = attention.train_model(PATTERNS, max_seconds=1e-6)
    notice = report.safety_clock_notice(model)
    assert notice.startswith("Stopped by the safety clock") and "step 1 of at most 3,000" in notice
    assert report.safety_clock_notice(dataclasses.replace(model, clock_stopped=False)) is None


@pytest.mark.parametrize(
    ("words", "nearest", "verdict"),
    [
        (1, "5,000", "counting word triples beat the model: model / Kneser–Ney trigram 1.24x"),
        (7_000, "5,000", "counting word triples beat the model"),  # 7,000 / 5,000 < 10,000 / 7,000
        (7_100, "10,000", "counting word triples beat the model: model / Kneser–Ney trigram 1.12x"),
        (25_000, "20,000", "about even: model / Kneser–Ney trigram 1.00x"),
        (60_000, "80,000", "the model beat counting word triples: model / Kneser–Ney trigram 0.93x"),
        (1_000_000, "200,000", "beat the model: model / Kneser–Ney trigram 1.03–1.08x over seeds 0–2"),
    ],
)  # fmt: skip
def test_the_regime_sentence_reports_the_measured_size_nearest_the_text(words, nearest, verdict):
    sentence = report.regime_sentence(words)
    assert sentence.startswith(f"This training text has {words:,} words. On real prose of about that size ({nearest} ")
    assert verdict in sentence and "bench/data_size.py" in sentence


def test_the_regime_table_is_the_benchs_sizes_and_says_who_won_by_the_ratio():
    sizes = [words for words, _ in report.DATA_SIZE]
    assert sizes == sorted(sizes) and {5_000, 20_000, 80_000, 200_000} <= set(sizes)  # the sizes, measured
    for words, ratios in report.DATA_SIZE:
        sentence = report.regime_sentence(words)
        assert ("beat the model" in sentence) == (min(ratios) > 1 + report.EVEN)
        assert ("the model beat" in sentence) == (max(ratios) < 1 - report.EVEN)
