"""Background training jobs: one per text and settings, progress visible, stoppable, errors reported."""

import pytest

from attention.teaching.examples import PATTERNS
from attention.training.settings import TrainingSettings
from lab.serving.queue import JobRegistry, TrainingJob

QUICK = TrainingSettings(context_window=4, dim=8, heads=1, epochs=5, seed=0)


def test_a_job_trains_and_reports_progress():
    job = TrainingJob(PATTERNS, QUICK).start()
    assert job.wait(60)
    assert job.error is None and job.model is not None
    assert job.progress and job.progress[-1].step > 0


def test_same_request_same_job_and_different_settings_another():
    registry = JobRegistry(max_jobs=4)
    first = registry.start(PATTERNS, QUICK)
    assert registry.start(PATTERNS, QUICK) is first
    assert registry.get(PATTERNS, QUICK) is first
    other = registry.start(PATTERNS, TrainingSettings(context_window=4, dim=8, epochs=5, seed=1))
    assert other is not first
    assert first.wait(60) and other.wait(60)


def test_stopping_keeps_a_model_and_pressing_train_again_retrains():
    registry = JobRegistry()
    settings = TrainingSettings(context_window=4, dim=8, epochs=1000, seed=0, max_seconds=60)
    job = registry.start(PATTERNS * 20, settings)
    job.stop()
    assert job.wait(60)
    assert job.model.stopped_because == "stopped by user"
    again = registry.start(PATTERNS * 20, settings)
    assert again is not job
    again.stop()
    assert again.wait(60)


def test_a_text_too_short_gives_a_message_not_a_crash():
    job = TrainingJob("too short", QUICK).start()
    assert job.wait(10)
    assert job.model is None and "token" in job.error


def test_registry_forgets_the_oldest_finished_jobs():
    registry = JobRegistry(max_jobs=2)
    jobs = [registry.start(PATTERNS, TrainingSettings(context_window=4, dim=8, epochs=3, seed=s)) for s in range(2)]
    for job in jobs:
        assert job.wait(60)
    registry.start(PATTERNS, TrainingSettings(context_window=4, dim=8, epochs=3, seed=9)).wait(60)
    assert registry.get(PATTERNS, jobs[0].settings) is None
    assert registry.get(PATTERNS, jobs[1].settings) is jobs[1]


@pytest.mark.parametrize("bad", [TrainingSettings(dim=10, heads=4)])
def test_bad_settings_are_reported(bad):
    job = TrainingJob(PATTERNS, bad).start()
    assert job.wait(10) and "heads must divide dim" in job.error
