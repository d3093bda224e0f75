"""A training's budgets, fixed before it starts: its memory (the batch and the evaluation chunk that fit) and its
work (the steps a model of its size may take), and the safety clock that now counts the last evaluation.

Memory is measured with tracemalloc, which numpy reports its arrays to; each measured training runs after a
warm-up one, so the process's first-call allocations (about 2 MB, once per server) are not counted.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import attention
import attention.training.loop as loop
from attention import limits
from attention.core.model import forward
from attention.core.parameters import Architecture, init_parameters, unflatten
from attention.evaluation import held_out
from attention.teaching.examples import PATTERNS
from attention.training import memory, work
from attention.training.settings import TrainingSettings
from attention.training.stops import StopReason
from harness.prose import generated_prose

LARGEST = {"context_window": 32, "dim": 64, "heads": 4, "layers": 3, "mlp": True, "layernorm": True}
"""The largest settings the page offers."""


def traced_peak(text: str, **settings) -> tuple[attention.TrainedModel, int]:
    """Train, and return the model and the most bytes numpy and Python held at once while it trained."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        model = attention.train_model(text, **settings)
        return model, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def warm():
    attention.train_model(PATTERNS, max_steps=2)  # first-call allocations happen once per process


@pytest.mark.parametrize(
    ("words", "settings"),
    [
        (3000, {}),  # the defaults
        (3000, {"batch_size": 512}),  # a large batch (its logits dominate)
        (3000, {"context_window": 32, "dim": 64, "heads": 4}),  # long windows, one layer
        (2000, {"context_window": 16, "dim": 32, "heads": 2, "layers": 2, "mlp": True, "batch_size": 128}),
        (2000, {"context_window": 8, "dim": 16, "layernorm": True, "tied": True, "batch_size": 1024}),
        (1500, {"context_window": 24, "dim": 64, "heads": 4, "layers": 3, "dropout": 0.0, "batch_size": 128}),
        (4000, LARGEST),
        (20000, {"dim": 16}),  # a long text and a small model: the baselines' tables dominate
    ],
    ids=["defaults", "batch 512", "window 32", "2 layers MLP", "LayerNorm tied", "3 layers no dropout", "largest",
         "long text"],
)  # fmt: skip
def test_the_estimate_is_within_a_quarter_of_the_measured_peak(warm, words, settings):
    model, peak = traced_peak(generated_prose(words, seed=3), max_steps=3, **settings)
    estimate = model.memory.peak_bytes
    assert 0.75 * peak <= estimate <= 1.25 * peak, f"estimated {estimate / 2**20:.1f} MB, measured {peak / 2**20:.1f}"


def test_a_batch_too_large_for_the_budget_is_halved_and_the_training_stays_under_it(warm):
    text = generated_prose(3000, seed=3)
    budget_mb = 40
    model, peak = traced_peak(text, max_steps=3, batch_size=512, memory_budget_mb=budget_mb, **LARGEST)
    assert model.memory.batch_size == 32  # 512 halved four times: the first that fits 40 MB
    assert model.memory.fits and peak <= budget_mb * 2**20
    again = attention.train_model(text, max_steps=3, batch_size=512, memory_budget_mb=budget_mb, **LARGEST)
    assert again.history == model.history  # the same settings and budget give the same batch, and the same model
    same_batch = attention.train_model(text, max_steps=3, batch_size=32, memory_budget_mb=budget_mb, **LARGEST)
    assert same_batch.history == model.history  # the halved batch is exactly what it trained with


def test_the_defaults_keep_their_batch_under_the_default_budget_on_the_longest_text():
    plan = memory.plan_memory(TrainingSettings(), limits.MAX_MODEL_VOCABULARY + 1, 40_000,
                              limits.TRAINING_MEMORY_BUDGET_MB * memory.MB)  # fmt: skip
    assert plan.batch_size == TrainingSettings().batch_size and plan.fits


def test_the_largest_settings_fit_the_default_budget_without_changing_the_batch():
    largest = TrainingSettings(**LARGEST)
    plan = memory.plan_memory(largest, limits.MAX_MODEL_VOCABULARY + 1, 40_000,
                              limits.TRAINING_MEMORY_BUDGET_MB * memory.MB)  # fmt: skip
    assert plan.batch_size == 32 and plan.fits and plan.peak_mb < limits.TRAINING_MEMORY_BUDGET_MB / 2


def test_a_tiny_budget_shrinks_the_plan_to_one_window_and_says_it_does_not_fit():
    plan = memory.plan_memory(TrainingSettings(**LARGEST), 2001, 20_000, budget_bytes=2**20)
    assert (plan.batch_size, plan.evaluation_chunk, plan.fits) == (1, 1, False)


def test_the_upper_bound_covers_the_real_plan():
    text = generated_prose(3000, seed=3)
    settings = TrainingSettings(**LARGEST)
    bound = memory.upper_bound_bytes(settings, len(text), 300 * memory.MB)
    model = attention.train_model(text, max_steps=1, **LARGEST)
    assert model.memory.peak_bytes <= bound


@pytest.mark.parametrize(
    "architecture",
    [Architecture(991, 32, 64, 4, layers=3, mlp=True, layernorm=True), Architecture(50, 8, 32, 1),
     Architecture(60, 6, 16, 2, tied=True, positions="none", layers=2)],
    ids=["largest", "default", "tied 2 layers"],
)  # fmt: skip
def test_scores_do_not_depend_on_the_evaluation_chunk(architecture):
    rng = np.random.default_rng(0)
    p = unflatten(init_parameters(architecture, rng), architecture)
    windows = rng.integers(0, architecture.vocab_size, (300, architecture.context_window))
    one_pass, _ = forward(architecture, p, windows, last_only=True)
    for chunk in (1, 7, 32, 299, 300, 1024):
        np.testing.assert_array_equal(held_out.last_position_logits(architecture, p, windows, chunk), one_pass)


# ---------------------------------------------------------------- work: the steps a model of its size may take


def default_cap(vocab_size: int, n_tokens: int, settings: TrainingSettings) -> int:
    """The step cap the trainer computes, for a text of n_tokens tokens (the trainer's own arithmetic)."""
    n_validation = n_test = int(np.ceil(0.1 * n_tokens))
    n_train = n_tokens - n_validation - n_test
    T, B = settings.context_window, settings.batch_size
    steps_per_epoch = int(np.ceil(((n_train - 1) // T) / B))
    scored = min(1024, n_train - T) + n_validation
    evaluate_every = int(np.ceil(scored / (loop.EVALUATION_SHARE * B)))
    interval = steps_per_epoch * int(np.ceil(evaluate_every / steps_per_epoch))
    a = settings.architecture(vocab_size)
    final = work.evaluation_work(a, scored) + work.evaluation_work(a, n_test) + work.baseline_work(n_train)
    return work.step_cap(work.step_work(a, B), work.evaluation_work(a, scored), interval, final)


def test_the_defaults_are_never_cut_short_even_on_the_longest_text():
    assert default_cap(limits.MAX_MODEL_VOCABULARY + 1, 40_000, TrainingSettings()) >= TrainingSettings().max_steps


def test_the_largest_settings_get_fewer_steps_and_bigger_models_fewer_still():
    largest = default_cap(2001, 20_000, TrainingSettings(**LARGEST))
    wider = default_cap(2001, 20_000, TrainingSettings(**{**LARGEST, "dim": 128}))
    assert 100 < largest < TrainingSettings().max_steps and wider < largest


def test_a_model_over_the_work_budget_stops_at_its_size_budget_and_reproduces(monkeypatch):
    monkeypatch.setattr(limits, "TRAINING_WORK_BUDGET", 2 * 10**9)
    text = generated_prose(3000, seed=3)
    first = attention.train_model(text, context_window=16, dim=32, heads=2, layers=2)
    assert first.stopped_because == StopReason.SIZE_BUDGET == "step budget for this model's size"
    assert first.steps == first.size_budget < first.settings.max_steps and not first.clock_stopped
    second = attention.train_model(text, context_window=16, dim=32, heads=2, layers=2)
    assert second.history == first.history and second.steps == first.steps


def test_the_default_example_is_not_given_a_size_budget():
    model = attention.train_model(PATTERNS, epochs=5)
    assert model.size_budget is None and model.stopped_because == StopReason.EPOCHS_DONE


# ---------------------------------------------------------------- the safety clock counts the last evaluation


class WorkClock:
    """A clock that advances only when the trainer works, in proportion to that work (as a slow machine would)."""

    def __init__(self, seconds_per_unit: float) -> None:
        self.now, self.rate = 0.0, seconds_per_unit

    def __call__(self) -> float:
        return self.now

    def spend(self, units: int) -> None:
        self.now += units * self.rate


def test_the_safety_clock_leaves_time_for_the_last_evaluation(monkeypatch):
    text, settings = generated_prose(3000, seed=3), {"context_window": 16, "dim": 32, "heads": 2, "max_seconds": 20.0}
    architecture = attention.train_model(text, max_steps=1, **settings).architecture
    fake = WorkClock(seconds_per_unit=1e-8)
    real_step, real_scores, real_evaluate = loop._Trainer._step, loop.next_token_log_probabilities, loop.evaluate

    def step(self, inputs, targets):
        fake.spend(work.step_work(architecture, len(inputs)))
        return real_step(self, inputs, targets)

    def scores(a, p, ids, targets, *rest):
        fake.spend(work.evaluation_work(architecture, len(targets)))
        return real_scores(a, p, ids, targets, *rest)

    def baselines(model_scores, ids, n_train, *rest):
        fake.spend(work.baseline_work(n_train))
        return real_evaluate(model_scores, ids, n_train, *rest)

    monkeypatch.setattr(loop, "clock", fake)
    monkeypatch.setattr(loop._Trainer, "_step", step)
    monkeypatch.setattr(loop, "next_token_log_probabilities", scores)
    monkeypatch.setattr(loop, "evaluate", baselines)
    model = attention.train_model(text, **settings)
    assert model.stopped_because == StopReason.SAFETY_CLOCK and model.clock_stopped
    assert 0.5 * settings["max_seconds"] < model.seconds <= settings["max_seconds"]  # the test part counted too
    assert model.evaluation is not None
