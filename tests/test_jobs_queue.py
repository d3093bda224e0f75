"""The training queue: fair (one training per session, first come first served), bounded (at most N at
once), shared (one job per text and settings), and never evicting a model a session shows.

A fake trainer runs until the test opens its gate, so every ordering here is decided by the test, not by
timing: the registry starts queued jobs synchronously (inside request() or inside the finishing job's
thread, before wait() returns), and the assertions read its state right after.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from attention.training.memory import MB, upper_bound_bytes
from attention.training.settings import TrainingSettings
from lab.serving import limits
from lab.serving import queue as jobs
from lab.serving.queue import JobRegistry

S = TrainingSettings(context_window=4, dim=8, epochs=5, seed=0)
T = 10  # seconds any wait may take before the test fails; never reached when the code is right


class GatedTrainer:
    """A trainer that runs until `open(text)`, polling the stop switch like the real one; counts overlap."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.running = self.peak = 0
        self._gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def gate(self, text: str) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(text, threading.Event())

    def open(self, *texts: str) -> None:
        for text in texts:
            self.gate(text).set()

    def __call__(self, text: str, *, callback, **settings) -> SimpleNamespace:
        with self._lock:
            self.started.append(text)
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            stopped = False
            while not self.gate(text).wait(0.005):
                if callback(SimpleNamespace(step=1)):
                    stopped = True
                    break
            if text.startswith("bad"):
                raise ValueError("this text cannot be trained")
            if text.startswith("crash"):
                raise RuntimeError("boom")
            return SimpleNamespace(stopped_because=jobs.STOPPED_BY_USER if stopped else "early stop", text=text)
        finally:
            with self._lock:
                self.running -= 1


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def trainer():
    trainer = GatedTrainer()
    yield trainer
    trainer.open(*list(trainer._gates), *trainer.started)  # never leave a thread behind


def registry(trainer, **kwargs) -> JobRegistry:
    kwargs.setdefault("max_running", 2)
    return JobRegistry(trainer=trainer, **kwargs)


def finish(trainer, *jobs_: jobs.TrainingJob) -> None:
    trainer.open(*(job.text for job in jobs_))
    for job in jobs_:
        assert job.wait(T)


# ---------------------------------------------------------------- bounded and fair


def test_at_most_max_running_at_once_the_rest_wait_in_order(trainer):
    reg = registry(trainer)
    started = [reg.request(f"s{i}", f"text {i}", S) for i in range(5)]
    assert [job.state for job in started] == ["running", "running", "queued", "queued", "queued"]
    assert [reg.queue_place(job) for job in started] == [None, None, 1, 2, 3]
    assert reg.status("text 4", S) == jobs.JobStatus("queued", started[4], 3)
    finish(trainer, started[1])
    assert started[2].state == "running" and reg.queue_place(started[3]) == 1
    finish(trainer, *started)
    assert trainer.started == [f"text {i}" for i in range(5)] and trainer.peak == 2
    counts = {"held": 0, "queued": 0, "running": 0, "finished": 5, "holds": 5}
    assert reg.counts() == counts  # each session shows its own


def test_the_default_number_of_trainings_at_once_is_the_cores(trainer):
    assert JobRegistry(trainer=trainer).max_running == limits.MAX_CONCURRENT_TRAININGS >= 1


def test_one_link_opened_by_a_class_trains_once(trainer):
    reg = registry(trainer)
    class_jobs = {reg.request(f"student {i}", "the shared text", S) for i in range(30)}
    assert len(class_jobs) == 1
    finish(trainer, *class_jobs)
    assert trainer.started == ["the shared text"]
    assert reg.status("the shared text", S).state == "done"


def test_a_new_request_replaces_the_sessions_queued_job(trainer):
    reg = registry(trainer, max_running=1)
    reg.request("other", "busy", S)
    first = reg.request("tab", "seed 1", S)
    second = reg.request("tab", "seed 2", S)
    assert first.done and first.error == jobs.REPLACED and first.model is None
    assert reg.get("seed 1", S) is None and reg.queue_place(second) == 1
    finish(trainer, reg.get("busy", S), second)
    assert "seed 1" not in trainer.started


def test_a_new_request_stops_the_sessions_running_job(trainer):
    reg = registry(trainer, max_running=1)
    first = reg.request("tab", "seed 1", S)
    second = reg.request("tab", "seed 2", S)
    assert first.wait(T), "the replaced training should stop, freeing its slot"
    assert first.model.stopped_because == jobs.STOPPED_BY_USER
    assert second.state == "running"
    finish(trainer, second)


def test_one_tab_pressing_train_twenty_times_runs_one_training_at_a_time(trainer):
    reg = registry(trainer, max_running=2)
    requested = [reg.request("tab", f"seed {i}", S) for i in range(20)]
    for job in requested[:-1]:
        assert job.wait(T)
    assert trainer.peak <= 2
    assert [job.state for job in requested[:-1]] == ["done"] * 19 and requested[-1].state == "running"
    finish(trainer, requested[-1])


def test_replacing_keeps_a_job_that_another_session_waits_for(trainer):
    reg = registry(trainer, max_running=1)
    reg.request("other", "busy", S)
    shared = reg.request("a", "shared", S)
    assert reg.request("b", "shared", S) is shared
    reg.request("a", "something else", S)
    assert not shared.done and reg.queue_place(shared) == 1
    finish(trainer, reg.get("busy", S), shared, reg.get("something else", S))


def test_a_closed_sessions_queued_job_is_dropped_and_its_running_job_finishes(trainer):
    reg = registry(trainer, max_running=1)
    running = reg.request("leaver", "running", S)
    queued = reg.request("stayer", "queued", S)
    dropped = reg.request("leaver 2", "dropped", S)
    reg.forget_session("leaver")
    reg.forget_session("leaver 2")
    assert dropped.done and dropped.error == jobs.DROPPED
    assert running.state == "running" and reg.queue_place(queued) == 1
    finish(trainer, running, queued)
    assert running.model is not None and "dropped" not in trainer.started


def test_stop_on_a_queued_job_ends_it_now_and_the_queue_moves_up(trainer):
    reg = registry(trainer, max_running=1)
    busy = reg.request("a", "busy", S)
    waiting = reg.request("b", "waiting", S)
    behind = reg.request("c", "behind", S)
    waiting.stop()
    assert waiting.done and waiting.error == jobs.STOPPED_WHILE_QUEUED
    assert reg.queue_place(behind) == 1
    finish(trainer, busy, behind)


# ---------------------------------------------------------------- eviction and holds


def train_all(reg, trainer, texts):
    """Train each text in its own session, which then closes (so nothing here holds the models)."""
    done = [reg.request(f"trainer of {text}", text, S) for text in texts]
    finish(trainer, *done)
    for text in texts:
        reg.forget_session(f"trainer of {text}")
    return done


def test_a_finished_model_is_held_for_the_sessions_that_waited_for_it(trainer):
    reg = registry(trainer, max_jobs=1)
    mine = reg.request("me", "mine", S)
    finish(trainer, mine)
    train_all(reg, trainer, ["a", "b", "c"])  # others finish before my page shows "mine"
    assert reg.status("mine", S).state == "done"
    assert reg.request("late joiner", "mine", S) is mine  # asking for a trained model holds it too
    reg.forget_session("me")
    train_all(reg, trainer, ["d"])
    assert reg.status("mine", S).state == "done"


def test_least_recently_used_models_are_evicted_and_remembered(trainer):
    reg = registry(trainer, max_jobs=2)
    train_all(reg, trainer, ["a", "b"])
    reg.request("again", "a", S)  # "a" used again: "b" is now the oldest
    reg.forget_session("again")
    train_all(reg, trainer, ["c"])
    assert reg.get("b", S) is None and reg.get("a", S) is not None
    assert reg.status("b", S).state == "evicted" and reg.was_evicted("b", S)
    assert reg.status("never", S).state == "none"
    trainer.gate("b").clear()  # its first training opened the gate: this one runs until the test says
    retrained = reg.request("back", "b", S)  # the page offers to retrain; the student accepts
    assert not reg.was_evicted("b", S) and reg.status("b", S).state in ("running", "queued")
    finish(trainer, retrained)


def test_a_model_a_session_shows_is_never_evicted(trainer):
    reg = registry(trainer, max_jobs=2)
    train_all(reg, trainer, ["shown"])
    reg.show("viewer", "shown", S)
    train_all(reg, trainer, [f"other {i}" for i in range(6)])
    assert reg.status("shown", S).state == "done"
    reg.release("viewer")
    train_all(reg, trainer, ["one more"])
    assert reg.status("shown", S).state == "evicted"


def test_showing_another_model_or_closing_releases_the_hold(trainer):
    reg = registry(trainer, max_jobs=1)
    train_all(reg, trainer, ["first", "second"])
    reg.show("viewer", "second", S)
    reg.show("viewer", "first", S)  # switched: "second" is no longer shown
    assert reg.status("first", S).state == "evicted"  # it had been evicted before it was shown again
    train_all(reg, trainer, ["third"])
    assert reg.status("second", S).state == "evicted"
    reg.show("viewer", "third", S)
    reg.forget_session("viewer")
    train_all(reg, trainer, ["fourth"])
    assert reg.status("third", S).state == "evicted"


def test_a_hold_lapses_when_the_session_goes_silent(trainer):
    clock = Clock()
    reg = registry(trainer, max_jobs=1, hold_seconds=60, clock=clock)
    train_all(reg, trainer, ["dead tab"])
    reg.show("dead", "dead tab", S)
    clock.now = 30
    train_all(reg, trainer, ["next"])
    assert reg.status("dead tab", S).state == "done"  # still held at 30 s
    clock.now = 61
    train_all(reg, trainer, ["after"])
    assert reg.status("dead tab", S).state == "evicted" and reg.counts()["holds"] == 0


def test_a_class_of_thirty_distinct_texts_keeps_every_shown_model(trainer):
    reg = registry(trainer, max_jobs=8, max_running=2)
    texts = [f"student text {i}" for i in range(30)]

    def student(i: int) -> None:
        job = reg.request(f"student {i}", texts[i], S)
        trainer.open(texts[i])
        assert job.wait(T)
        reg.show(f"student {i}", texts[i], S)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(T)
    assert trainer.peak <= 2 and sorted(trainer.started) == sorted(texts)
    assert all(reg.status(text, S).state == "done" for text in texts), "a shown model was evicted"
    for i in range(30):
        reg.forget_session(f"student {i}")
    assert reg.counts()["finished"] == 8


# ---------------------------------------------------------------- failures and the current app's API


def test_failures_are_reported_free_their_slot_and_are_retrained_on_request(trainer):
    reg = registry(trainer, max_running=1)
    bad, crash = reg.request("a", "bad text", S), reg.request("b", "crash text", S)
    finish(trainer, bad, crash)
    assert bad.error == "this text cannot be trained"
    assert crash.error.startswith("training failed unexpectedly: RuntimeError")
    assert reg.status("bad text", S).state == "failed"
    again = reg.request("a", "bad text", S)
    assert again is not bad
    finish(trainer, again)


def test_start_and_get_still_work_without_sessions(trainer):
    reg = registry(trainer)
    job = reg.start("legacy", S)
    assert reg.start("legacy", S) is job and reg.get("legacy", S) is job
    reg.request("tab", "legacy", S)
    reg.request("tab", "other", S)  # the session moves on; the sessionless caller still waits
    assert not job.done
    finish(trainer, job, reg.get("other", S))


def test_allocator_helpers_never_raise():
    assert isinstance(jobs.configure_allocator(), bool)
    assert isinstance(jobs.release_free_memory(), bool)


def test_evictions_are_remembered_up_to_the_limit(trainer, monkeypatch):
    monkeypatch.setattr(limits, "MAX_REMEMBERED_EVICTIONS", 2)
    reg = registry(trainer, max_jobs=1)
    train_all(reg, trainer, ["a", "b", "c", "d"])  # a, b, c evicted in turn; only the last two remembered
    assert [reg.status(t, S).state for t in "abcd"] == ["none", "evicted", "evicted", "done"]


@pytest.mark.skipif(jobs._glibc() is None, reason="malloc arenas are a glibc setting")
def test_the_arena_cap_applies_on_glibc():
    assert jobs.configure_allocator(limits.MALLOC_ARENA_MAX) is True


def test_closed_tabs_found_by_session_alive_lose_their_queued_jobs_and_holds(trainer):
    closed: set[str] = set()
    reg = registry(trainer, max_jobs=1, max_running=1, session_alive=lambda s: s not in closed)
    busy = reg.request("a", "busy", S)
    gone = reg.request("b", "gone", S)
    kept = reg.request("c", "kept", S)
    closed.add("b")  # the tab closed without forget_session()
    finish(trainer, busy)
    assert gone.error == jobs.DROPPED and kept.state == "running"
    finish(trainer, kept)
    reg.show("d", "kept", S)
    closed.update({"a", "c", "d"})
    train_all(reg, trainer, ["next"])
    assert reg.status("kept", S).state == "evicted"


# ---------------------------------------------------------------- fair per browser, bounded by memory


def test_ten_tabs_of_one_browser_hold_nine_trainings_and_a_student_behind_waits_for_one(trainer):
    reg = registry(trainer, max_running=1)
    tabs = [reg.request(f"tab {i}", f"big text {i}", S, client_id="browser") for i in range(10)]
    student = reg.request("student tab", "student text", S, client_id="student's browser")
    assert tabs[0].state == "running" and reg.queue_place(student) == 1
    assert [reg.status(f"big text {i}", S).state for i in range(1, 10)] == [jobs.JobState.HELD] * 9
    assert reg.counts()["held"] == 9 and reg.counts()["queued"] == 1
    finish(trainer, tabs[0])
    assert student.state == "running"  # it waited for one of the ten, not for ten
    finish(trainer, student, *tabs[1:])
    assert trainer.started == ["big text 0", "student text", *[f"big text {i}" for i in range(1, 10)]]


def test_a_browser_has_at_most_one_training_in_the_queue_however_many_tabs(trainer):
    reg = registry(trainer, max_running=1)
    busy = reg.request("someone", "busy", S, client_id="someone")
    tabs = [reg.request(f"tab {i}", f"text {i}", S, client_id="browser") for i in range(3)]
    student = reg.request("student", "student text", S, client_id="student")
    assert [reg.queue_place(job) for job in (tabs[0], student)] == [1, 2]  # behind one of the browser's, not three
    assert reg.is_held(tabs[1]) and reg.is_held(tabs[2]) and reg.queue_place(tabs[1]) is None
    finish(trainer, busy, tabs[0])
    assert student.state == "running" and reg.queue_place(tabs[1]) == 1 and reg.is_held(tabs[2])
    finish(trainer, student, tabs[1], tabs[2])


def test_without_a_client_id_each_tab_is_a_client_of_its_own(trainer):
    reg = registry(trainer, max_running=1)
    first, second = reg.request("tab 1", "one", S), reg.request("tab 2", "two", S)
    assert first.state == "running" and reg.queue_place(second) == 1
    finish(trainer, first, second)


def test_another_browser_asking_for_a_held_training_brings_it_into_the_queue(trainer):
    reg = registry(trainer, max_running=1)
    running = reg.request("x tab 1", "first", S, client_id="x")
    held = reg.request("x tab 2", "shared", S, client_id="x")
    assert reg.is_held(held)
    assert reg.request("y tab", "shared", S, client_id="y") is held
    assert not reg.is_held(held) and reg.queue_place(held) == 1  # it counts for browser y now
    later = reg.request("x tab 3", "third", S, client_id="x")
    assert reg.is_held(later)  # browser x still has "first" running
    finish(trainer, running, held, later)


def test_closing_a_tab_drops_its_held_training_and_lets_the_browsers_next_one_in(trainer):
    reg = registry(trainer, max_running=1)
    busy = reg.request("someone", "busy", S, client_id="someone")
    queued = reg.request("tab 1", "queued", S, client_id="browser")
    held = [reg.request(f"tab {i}", f"held {i}", S, client_id="browser") for i in (2, 3)]
    reg.forget_session("tab 2")
    assert held[0].done and held[0].error == jobs.DROPPED and reg.is_held(held[1])
    reg.forget_session("tab 1")
    assert queued.error == jobs.DROPPED and reg.queue_place(held[1]) == 1
    held[1].stop()  # Stop pressed while it waits
    assert held[1].error == jobs.STOPPED_WHILE_QUEUED and reg.counts()["queued"] == 0
    finish(trainer, busy)
    assert trainer.started == ["busy"]


def test_a_tab_whose_held_training_is_replaced_keeps_its_browsers_place(trainer):
    reg = registry(trainer, max_running=1)
    running = reg.request("tab 1", "running", S, client_id="browser")
    first = reg.request("tab 2", "first choice", S, client_id="browser")
    second = reg.request("tab 2", "second choice", S, client_id="browser")  # the same tab changes its mind
    assert first.error == jobs.REPLACED and reg.is_held(second)
    finish(trainer, running, second)
    assert trainer.started == ["running", "second choice"]


def test_trainings_start_only_while_their_memory_fits_beside_the_running_ones(trainer, monkeypatch):
    peaks = {"big": 600, "small": 100}
    monkeypatch.setattr(jobs, "upper_bound_bytes", lambda settings, n, budget: peaks["big" if n > 5 else "small"])
    reg = registry(trainer, max_running=3, memory_bytes=1000)
    first, second = reg.request("a", "big one", S), reg.request("b", "big two", S)  # 7 characters: big
    small = reg.request("c", "tiny", S)  # 4 characters: small
    assert first.state == "running" and second.state == "queued" and small.state == "queued"  # in order
    assert reg.memory_in_use() == 600
    finish(trainer, first)
    assert second.state == "running" and small.state == "running" and reg.memory_in_use() == 700
    finish(trainer, second, small)


def test_a_training_larger_than_the_servers_memory_still_runs_alone(trainer, monkeypatch):
    monkeypatch.setattr(jobs, "upper_bound_bytes", lambda settings, n, budget: 5000)
    reg = registry(trainer, max_running=2, memory_bytes=1000)
    alone, behind = reg.request("a", "huge", S), reg.request("b", "huge too", S)
    assert alone.state == "running" and behind.state == "queued"
    finish(trainer, alone)
    assert behind.state == "running"
    finish(trainer, behind)


def test_the_trainer_gets_the_registrys_memory_budget():
    seen = {}

    def trainer(text, *, callback, **settings):
        seen.update(settings)
        return SimpleNamespace(stopped_because="early stop")

    reg = JobRegistry(trainer=trainer, max_running=1, training_budget_mb=123)
    assert reg.request("tab", "text", S).wait(T)
    assert seen["memory_budget_mb"] == 123 and seen["context_window"] == S.context_window


def test_the_default_estimate_counts_a_training_for_less_than_its_budget():
    largest = TrainingSettings(context_window=32, dim=64, heads=4, layers=3, mlp=True, layernorm=True)
    peak = upper_bound_bytes(largest, limits.MAX_TEXT_CHARS, limits.TRAINING_BUDGET_MB * MB)
    assert 20 * MB < peak <= limits.TRAINING_BUDGET_MB * MB


# ---------------------------------------------------------------- the server's memory, from its cgroup


def cgroup_tree(tmp_path, lines: str, files: dict[str, str]):
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "cgroup").write_text(lines)
    for name, value in files.items():
        path = tmp_path / "cg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value)
    return tmp_path / "cg", tmp_path / "proc" / "cgroup"


@pytest.mark.parametrize(
    ("lines", "files", "expected"),
    [
        ("0::/\n", {"memory.max": "1073741824\n"}, 2**30),  # cgroup v2 in a container (its own namespace)
        ("0::/lab.slice/app\n", {"lab.slice/memory.max": "800000000", "lab.slice/app/memory.max": "max"}, 800_000_000),
        ("0::/a/b\n", {"a/memory.max": "900", "a/b/memory.max": "700"}, 700),  # the tightest of the group and parents
        ("4:memory:/docker/x\n0::/\n", {"memory/docker/x/memory.limit_in_bytes": "536870912"}, 2**29),  # cgroup v1
        ("4:memory:/\n", {"memory/memory.limit_in_bytes": "9223372036854771712"}, None),  # v1 without a limit
        ("0::/\n", {"memory.max": "max"}, None),
        ("", {}, None),  # no cgroups at all (macOS, or /proc unreadable)
    ],
    ids=["v2", "v2 parent", "v2 tightest", "v1", "v1 unlimited", "v2 unlimited", "none"],
)
def test_the_servers_memory_is_read_from_its_cgroup(tmp_path, lines, files, expected):
    root, self_cgroup = cgroup_tree(tmp_path, lines, files)
    assert limits.cgroup_memory_limit(root, self_cgroup) == expected


def test_a_host_setting_overrides_the_cgroup(monkeypatch):
    monkeypatch.setenv("LAB_SERVER_MEMORY_MB", "1024")
    assert limits.server_memory_bytes() == 2**30
