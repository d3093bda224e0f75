"""Training: three parts, determinism under any clock, learning, stopping, clear errors, "<unk>"."""

import math
import threading

import numpy as np
import pytest

import attention
from attention import limits
from attention.core.model import UNKNOWN_TOKEN
from attention.evaluation.baselines import bigram_score_arrays, unigram_probabilities, unigram_score_arrays
from attention.evaluation.kneser_ney import KneserNey
from attention.evaluation.scores import MethodScore, score
from attention.teaching.examples import NURSERY_RHYME, PATTERNS
from attention.training.loop import epoch_windows, next_token_log_probabilities
from attention.training.parts import Parts, build_vocabulary, split_parts, token_ids

HOMES = {"cat": "mat", "dog": "log", "frog": "pond", "bird": "nest", "fox": "den", "owl": "tree"}


def templated_text(sentences: int = 300, seed: int = 0) -> str:
    """'the <animal> <verb> on the <its home> .': the home is fixed by the animal four words back."""
    rng = np.random.default_rng(seed)
    animals, verbs = list(HOMES), ["sat", "slept", "lay"]
    return " ".join(
        f"the {a} {verbs[rng.integers(3)]} on the {HOMES[a]} ."
        for a in (animals[rng.integers(len(animals))] for _ in range(sentences))
    )


@pytest.fixture(scope="module")
def templated_model():
    return attention.train_model(templated_text(), seed=0)


def test_the_model_learns_what_counting_cannot(templated_model):
    e = templated_model.evaluation
    # Per sentence, 6 of 8 next words are certain given the context; the unigram guess "the" gets 2 of 8,
    # and neither word pairs nor word triples ("on the") can tell which home follows.
    assert e.unigram.accuracy == pytest.approx(0.29, abs=0.05)
    assert e.model.accuracy > e.unigram.accuracy + 0.35
    _, strongest = e.strongest_baseline()
    assert e.model.accuracy > e.bigram.accuracy + 0.1 and e.model.accuracy > strongest.accuracy + 0.05
    assert e.model.perplexity < strongest.perplexity <= e.bigram.perplexity < e.unigram.perplexity
    for animal, home in HOMES.items():  # the home four words back, from a held-out-like context
        p = templated_model.next_word_probabilities(f"{home} . the {animal} sat on the".split())
        assert templated_model.vocabulary.words[int(np.argmax(p))] == home


def test_the_loss_decreases(templated_model):
    history = templated_model.history
    assert len(history) >= 3
    assert history[-1].train_loss < 0.5 * history[0].train_loss
    best = min(h.validation_loss for h in history)
    assert best < 0.5 * history[0].validation_loss
    assert [h.step for h in history] == sorted(h.step for h in history)
    assert templated_model.best_step in {h.step for h in history}
    best_point = next(h for h in history if h.step == templated_model.best_step)
    assert best_point.validation_loss == best  # the kept weights are the best validation ones


def test_the_text_is_three_contiguous_parts():
    parts = split_parts(200, attention.TrainingSettings(validation_fraction=0.1, test_fraction=0.15))
    assert parts == Parts(n_train=150, n_validation=20, n_test=30)
    assert (parts.validation_start, parts.test_start, parts.n_tokens) == (150, 170, 200)


def test_validation_picks_the_weights_and_the_test_part_alone_gives_the_scores(templated_model):
    tokens = attention.tokenize(templated_text())
    settings, model = templated_model.settings, templated_model
    parts = split_parts(len(tokens), settings)
    ids = token_ids(tokens, model.vocabulary)
    e = model.evaluation
    assert (e.test_start, e.n_targets) == (parts.test_start, parts.n_test)
    # The kept weights' loss on the validation part is the history's best validation loss ...
    validation = np.arange(parts.validation_start, parts.test_start)
    log_p, _ = next_token_log_probabilities(model.architecture, model.parameters, ids, validation)
    assert -log_p.mean() == pytest.approx(min(h.validation_loss for h in model.history), rel=1e-5)
    # ... and the reported perplexity is theirs on the test part, a different number.
    test = np.arange(parts.test_start, len(tokens))
    log_p, guesses = next_token_log_probabilities(model.architecture, model.parameters, ids, test)
    assert e.model.perplexity == pytest.approx(math.exp(-log_p.mean()), rel=1e-9)
    assert e.model.accuracy == np.mean(guesses == ids[test])
    # Every baseline is fitted on the training part only and scored on the same test targets.
    train_ids, V = ids[: parts.n_train], len(model.vocabulary)
    for order, kn_score in ((2, e.kneser_ney_bigram), (3, e.kneser_ney_trigram)):
        kn_log_p, _ = KneserNey(train_ids, V, order).score(ids, test)
        assert kn_score.perplexity == pytest.approx(math.exp(-kn_log_p.mean()), rel=1e-9)
    assert e.bigram.perplexity == pytest.approx(bigram_score(train_ids, ids[test - 1], ids[test], V).perplexity)
    assert e.unigram.perplexity == pytest.approx(
        score(*unigram_score_arrays(train_ids, ids[test], V), ids[test]).perplexity
    )


@pytest.mark.parametrize("settings", [{}, {"heads": 2, "positions": "sinusoidal", "tied": True}])
def test_same_seed_same_text_same_settings_same_model(settings):
    first, second = (attention.train_model(PATTERNS, epochs=30, **settings) for _ in range(2))
    assert first.history == second.history
    assert first.best_step == second.best_step and first.steps == second.steps
    for name, value in first.parameters.items():
        np.testing.assert_array_equal(value, second.parameters[name])
    other_seed = attention.train_model(PATTERNS, epochs=30, seed=1, **settings)
    assert not np.array_equal(other_seed.parameters["E"], first.parameters["E"])


def test_the_model_reports_its_settings_and_why_it_stopped():
    model = attention.train_model(NURSERY_RHYME, context_window=4, dim=8, epochs=3)
    assert model.settings == attention.TrainingSettings(context_window=4, dim=8, epochs=3)
    assert model.stopped_because == "epochs done" and len(model.history) == 3
    assert model.evaluation.n_targets == math.ceil(0.1 * len(attention.tokenize(NURSERY_RHYME)))
    assert 0 <= model.evaluation.model.accuracy <= 1 and model.evaluation.model.perplexity > 1


def test_early_stop_keeps_the_best_weights_on_a_small_text():
    model = attention.train_model(PATTERNS, patience=40)
    assert model.stopped_because == "early stop"
    assert model.best_step < model.steps
    assert model.evaluation.model.perplexity < model.evaluation.unigram.perplexity


def test_the_default_example_trains_to_its_step_budget_and_beats_word_frequency():
    model = attention.train_model(NURSERY_RHYME)
    assert model.steps <= model.settings.max_steps and not model.clock_stopped
    assert model.evaluation.model.perplexity < model.evaluation.unigram.perplexity


def test_a_callback_sees_progress_and_can_stop_training(monkeypatch):
    monkeypatch.setattr("attention.training.loop.PROGRESS_INTERVAL_S", 0.0)  # report at every step
    seen = []

    def stop_after_ten_steps(progress):
        seen.append(progress)
        return progress.step >= 10

    model = attention.train_model(templated_text(), callback=stop_after_ten_steps)
    assert model.stopped_because == "stopped by user"
    assert model.steps == 10
    assert all(isinstance(p, attention.TrainingProgress) and 0 <= p.fraction_done <= 1 for p in seen)
    assert seen[-1].fraction_done == 1.0  # a last report when training ends


def test_the_callback_is_throttled(monkeypatch):
    """At most one report per PROGRESS_INTERVAL_S of the training's clock (a fake one: no wall time involved)."""
    ticks = iter(range(10**9))
    monkeypatch.setattr("attention.training.loop.clock", lambda: next(ticks) * 0.001)  # 1 ms per look at the clock
    calls = []
    model = attention.train_model(PATTERNS, epochs=200, callback=calls.append)
    elapsed = next(ticks) * 0.001
    interval = attention.training.loop.PROGRESS_INTERVAL_S
    assert len(calls) <= elapsed / interval + 2 < model.steps  # throttled, and far fewer than one per step


def test_the_safety_clock_stops_training_and_the_model_says_so():
    model = attention.train_model(templated_text(), max_seconds=1e-6)
    assert model.stopped_because == "safety clock" and model.clock_stopped and not model.deterministic
    assert model.steps == 1 and len(model.history) == 1


def test_the_step_budget_ends_training():
    model = attention.train_model(templated_text(), max_steps=7)
    assert model.stopped_because == "step budget" and model.steps == 7 and not model.clock_stopped


def slow_clock():
    """A clock that runs 50 ms per reading: training 'takes' far longer, as on a very busy machine."""
    now = [0.0]

    def read():
        now[0] += 0.05
        return now[0]

    return read


def busy_cpu():
    """A thread that keeps numpy busy until told to stop (a loaded classroom server)."""
    stop = threading.Event()

    def burn():
        a = np.random.default_rng(0).standard_normal((200, 200))
        while not stop.is_set():
            a = np.tanh(a @ a.T / 200)

    thread = threading.Thread(target=burn, daemon=True)
    thread.start()
    return stop, thread


def test_a_slow_clock_or_a_busy_cpu_changes_nothing(monkeypatch):
    settings = {"context_window": 6, "dim": 16, "epochs": 60}
    quiet = attention.train_model(PATTERNS, **settings)
    monkeypatch.setattr("attention.training.loop.clock", slow_clock())
    slow = attention.train_model(PATTERNS, **settings)
    monkeypatch.undo()
    stop, thread = busy_cpu()
    try:
        busy = attention.train_model(PATTERNS, **settings)
    finally:
        stop.set()
        thread.join()
    for other in (slow, busy):
        assert other.history == quiet.history and other.steps == quiet.steps and not other.clock_stopped
        for name, value in quiet.parameters.items():
            np.testing.assert_array_equal(value, other.parameters[name])  # bit-identical weights


def test_without_a_validation_part_training_runs_its_budget_and_keeps_the_last_weights():
    model = attention.train_model(PATTERNS, epochs=5, validation_fraction=0)
    assert model.stopped_because == "epochs done" and model.evaluation is not None  # still scored on the test part
    assert all(math.isnan(h.validation_loss) for h in model.history)
    assert model.best_step == model.steps


def test_without_validation_or_test_parts_there_is_no_evaluation():
    model = attention.train_model(PATTERNS, epochs=5, validation_fraction=0, test_fraction=0)
    assert model.stopped_because == "epochs done" and model.evaluation is None
    assert model.best_step == model.steps


@pytest.mark.parametrize(
    ("text", "settings", "message"),
    [
        ("the cat sat on the mat .", {}, r"7 tokens; training needs at least 20"),
        (PATTERNS, {"heads": 3}, r"heads must divide dim: dim 32 splits evenly into \[1, 2, 4\] heads"),
        (PATTERNS, {"heads": 5}, r"heads must be a whole number between 1 and 4"),
        (PATTERNS, {"positions": "rotary"}, r"positions must be one of learned, sinusoidal, none"),
        (PATTERNS, {"context_window": 0}, r"context window must be a whole number between 1 and 32"),
        (" ".join(["word"] * 22), {"context_window": 20}, r"context window must be between 1 and 15 for this text"),
        (PATTERNS, {"dim": 1000}, r"dim must be a whole number between 1 and 128"),
        (PATTERNS, {"learning_rate": 0}, r"learning rate must be in \(0, 1\]"),
        (PATTERNS, {"validation_fraction": 0.9}, r"validation fraction must be between 0 and 0.5"),
        (PATTERNS, {"epochs": 2.5}, r"epochs must be a whole number"),
        (PATTERNS, {"batch_size": 0}, r"batch size must be a whole number"),
        (PATTERNS, {"max_seconds": 0}, r"max seconds must be > 0"),
        (PATTERNS, {"max_steps": 0}, r"max steps must be a whole number between 1 and 20000"),
        (PATTERNS, {"dropout": 1.0}, r"dropout must be between 0 and 0.9"),
        (PATTERNS, {"weight_decay": -1}, r"weight decay must be between 0 and 1"),
        (PATTERNS, {"test_fraction": 0.6}, r"test fraction must be between 0 and 0.5"),
        (PATTERNS, {"unknown_fraction": 2}, r"unknown fraction must be between 0 and 1"),
        (PATTERNS, {"patience": 0}, r"patience must be a whole number"),
    ],
)
def test_bad_texts_and_settings_are_refused_with_what_to_change(text, settings, message):
    with pytest.raises(ValueError, match=message):
        attention.train_model(text, **settings)


def test_minimum_train_tokens_is_enough_to_train():
    text = " ".join(["a", "b", "c", "d"] * (limits.MIN_TRAIN_TOKENS // 4))
    model = attention.train_model(text, context_window=4, epochs=2)
    assert model.steps >= 2


def test_the_vocabulary_keeps_the_most_frequent_words_and_an_unknown_token():
    vocabulary = build_vocabulary(["b", "a", "c", "a", "d", "c", "a"], max_words=2)
    assert vocabulary.words == ("a", "c", UNKNOWN_TOKEN)  # first appearance order among the kept
    assert build_vocabulary(["x", "y", "x"], max_words=10).words == ("x", "y", UNKNOWN_TOKEN)


def test_a_share_of_the_words_seen_once_stand_in_for_unknown_words():
    tokens = ["a", "b", "a", "c", "d", "e", "a", "f"]  # seen once: b c d e f
    vocabulary = build_vocabulary(tokens, max_words=100, unknown_fraction=0.4, seed=3)
    left_out = {"b", "c", "d", "e", "f"} - set(vocabulary.words)
    assert len(left_out) == 2 and "a" in vocabulary and vocabulary.words[-1] == UNKNOWN_TOKEN
    assert build_vocabulary(tokens, 100, 0.4, seed=3) == vocabulary  # the seed decides which
    assert build_vocabulary(tokens, 100, 1.0, seed=0).words == ("a", UNKNOWN_TOKEN)


def test_unknown_words_get_sensible_probability_after_training_on_rare_words():
    # Every sentence names someone new, so each name is seen once: some stand in for "<unk>" in training.
    rng = np.random.default_rng(0)
    names = ["".join(rng.choice(list("bcdfgklmnprstvz"), 6)) for _ in range(400)]
    verbs = ["sat", "ran", "slept"]
    text = " ".join(f"then {name} {verbs[i % 3]} on the mat ." for i, name in enumerate(names))
    model = attention.train_model(text, context_window=4, dim=16)
    p_unknown = model.next_word_probabilities(["mat", ".", "then"])[model.vocabulary.id_of(UNKNOWN_TOKEN)]
    assert p_unknown > 0.2  # a new name is what comes next; an untrained "<unk>" gets about 1e-6
    e = model.evaluation
    assert e.unknown_fraction > 0.1
    assert math.log(e.model.perplexity) < 3.0  # every test name is unknown, yet the mean loss stays low


def test_words_only_in_the_held_out_part_are_unknown_to_the_model():
    text = PATTERNS + " zebra"  # the last token is held out
    model = attention.train_model(text, epochs=2)
    assert "zebra" not in model.vocabulary
    assert model.evaluation.unknown_fraction > 0


def test_epoch_windows_cover_the_training_tokens_once():
    starts = epoch_windows(n_train=50, context_window=8, rng=np.random.default_rng(0))
    assert sorted(starts) == list(range(min(starts), 42, 8))  # window [s, s+8] must end by token 49
    assert min(starts) < 8


# --- baselines, worked by hand (Kneser–Ney is tested in test_kneser_ney.py) ----------------------
# Training ids: the cat the mat the cat  ->  0 1 0 2 0 1, V = 4 (word 3 never seen).


TRAIN = np.array([0, 1, 0, 2, 0, 1])


def bigram_score(train_ids: np.ndarray, previous: np.ndarray, targets: np.ndarray, vocab_size: int) -> MethodScore:
    """The add-one bigram's score as `evaluate` makes it (every target known)."""
    return score(*bigram_score_arrays(train_ids, previous, targets, vocab_size), targets)


def test_unigram_is_add_one_word_frequency():
    # counts 3, 2, 1, 0 over N = 6 tokens: p = (c + 1) / (6 + 4)
    np.testing.assert_allclose(unigram_probabilities(TRAIN, 4), [0.4, 0.3, 0.2, 0.1])
    targets = np.array([0, 2])
    log_p, guesses = unigram_score_arrays(TRAIN, targets, 4)
    np.testing.assert_array_equal(guesses, [0, 0])  # always guesses word 0
    np.testing.assert_allclose(log_p, np.log([0.4, 0.2]))


def test_bigram_is_add_one_word_pairs():
    # pairs: 0->1 twice, 0->2 once, 1->0 once, 2->0 once.  c(0) = 3 as a first word.
    every_word = np.arange(4)
    log_p, _ = bigram_score_arrays(TRAIN, np.zeros(4, dtype=int), every_word, 4)
    np.testing.assert_allclose(np.exp(log_p), [1 / 7, 3 / 7, 2 / 7, 1 / 7])
    log_p, _ = bigram_score_arrays(TRAIN, np.full(4, 3), every_word, 4)
    np.testing.assert_allclose(np.exp(log_p), [0.25] * 4)  # never seen first: uniform
    previous, targets = np.array([0, 1, 3]), np.array([1, 2, 0])
    result = bigram_score(TRAIN, previous, targets, 4)
    # p(1|0) = 3/7, p(2|1) = (0+1)/(1+4) = 1/5, p(0|3) = 1/4; guesses 1, 0, 0 (unseen 3 -> most frequent)
    assert result.perplexity == pytest.approx((3 / 7 * 1 / 5 * 1 / 4) ** (-1 / 3))
    assert result.accuracy == pytest.approx(2 / 3)


def test_bigram_ties_go_to_the_more_frequent_word():
    train = np.array([2, 1, 3, 2, 0, 0, 0])  # after 2: 1 once, 0 once; word 0 is more frequent
    assert bigram_score(train, np.array([2]), np.array([0]), 4).accuracy == 1.0
