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
    ("tokens", "regime"),
    [
        (1_200, "a small text: at this size counting word triples wins"),
        (6_247, "a small text"),  # bench/data_size.py's 5k-word prefix: 1.09-1.25x
        (report.SMALL_TEXT_TOKENS - 1, "a small text"),
        (report.SMALL_TEXT_TOKENS, "a middle-sized text: attention and counting word triples come out about even"),
        (24_773, "a middle-sized text"),  # 20k words: 1.00-1.03x
        (report.LARGE_TEXT_TOKENS - 1, "a middle-sized text"),
        (report.LARGE_TEXT_TOKENS, 'a large text: a wider model (the "prose" preset) beats counting word triples'),
        (252_473, "a large text"),  # 200k words: the preset 0.87-0.91x
    ],
)
def test_the_regime_sentence_places_a_text_by_the_measured_table(tokens, regime):
    sentence = report.regime_sentence(tokens)
    assert sentence.startswith(f"With {tokens:,} training tokens this is {regime}")
    assert "bench/data_size.py" in sentence


def test_the_regime_boundaries_fall_between_the_sizes_where_the_verdict_changed():
    assert 12_573 < report.SMALL_TEXT_TOKENS < 24_773  # counting wins at 10k words, about even at 20k
    assert 24_773 < report.LARGE_TEXT_TOKENS < 49_479  # about even at 20k words, the preset wins at 40k
    assert "prose" in attention.PRESETS  # the preset the large-text sentence names
