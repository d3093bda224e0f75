"""Training in the background: shared, fair and bounded, for a class on one server.

A class opening one link asks for the same model thirty times; the registry keeps one `TrainingJob` per
(text, settings) and every session watches it, so the model is trained once. A class pasting thirty
texts asks for thirty models at once; the registry runs at most `max_running` of them (one per core by
default), and only while their estimated memory peaks fit the server's memory together
(`memory_bytes`), and queues the rest in order, so each training gets a whole core and the same numbers
as on a quiet machine. Each session (a browser tab) has at most one training of its own: a new request
replaces the previous one, so one tab cannot start twenty. Each client (a browser, however many tabs
it has open) has at most one training in the queue or running: the trainings its other tabs ask for
are held back and join the end of the queue one at a time, as its previous one ends, so a student
behind a browser with ten tabs waits for at most one of them. Models a session is showing are never
evicted under it; the least recently used models nobody shows are, and the registry remembers which
keys it evicted so the page can say so instead of silently retraining. Plain threads and locks: no
Streamlit here, so it is testable and usable from a notebook. Who waits and who runs next (held, queued,
running) is `fair_queue.FairQueue`, a mixin of the registry: one object, one lock.

    registry.request(session_id, text, settings, client_id)  # Train pressed: the job (shared, queued or running)
    registry.status(text, settings)                # JobState.NONE | EVICTED | HELD | QUEUED (with place) | ...
    registry.show(session_id, text, settings)      # this session shows this model: do not evict it
    registry.forget_session(session_id)            # tab closed: drop its queued job and its hold
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from attention.training.entry import train_model
from attention.training.memory import MB, upper_bound_bytes
from attention.training.settings import TrainingSettings

from . import limits
from .allocator import _glibc, configure_allocator, release_free_memory  # noqa: F401  (bench/training_memory.py patches them here)
from .fair_queue import FairQueue
from .training_job import (  # noqa: F401  (re-exported: callers and tests name them here)
    _SHARED,
    DROPPED,
    REPLACED,
    STOPPED_BY_USER,
    STOPPED_WHILE_QUEUED,
    EndReason,
    JobState,
    Key,
    Trainer,
    TrainingJob,
)


@dataclass(frozen=True)
class JobStatus:
    """What the page needs to say about one (text, settings): the state, the job, the place in the queue.

    state: see `JobState`; `place` 1 starts next when QUEUED; `job.error` says why when FAILED.
    """

    state: JobState
    job: TrainingJob | None = None
    place: int | None = None


class JobRegistry(FairQueue):
    """The server's training jobs by (text, settings): shared, queued fairly, evicted least recently used.

    max_jobs: finished models kept (limits.MAX_CACHED_MODELS); models a session shows are kept beyond it.
    max_running: trainings at once (limits.MAX_CONCURRENT_TRAININGS: the cores, or LAB_MAX_TRAININGS).
    memory_bytes: what running trainings may take together (limits.TRAINING_MEMORY_BYTES: the server's memory,
        from its cgroup, less what it keeps for itself); None for no limit. One training may always run alone.
    training_budget_mb: each training's own memory budget (limits.TRAINING_BUDGET_MB), given to the trainer.
    hold_seconds: a session's hold on the model it shows lapses after this long without `show()`.
    session_alive: optional; tells whether a session is still connected (in Streamlit:
        `Runtime.instance().is_active_session`), so a closed tab's queued training is dropped and its hold
        released even if nobody called `forget_session`.
    """

    def __init__(
        self,
        max_jobs: int = limits.MAX_CACHED_MODELS,
        *,
        max_running: int | None = None,
        memory_bytes: int | None = limits.TRAINING_MEMORY_BYTES,
        training_budget_mb: float = limits.TRAINING_BUDGET_MB,
        hold_seconds: float = limits.MODEL_HOLD_IDLE_S,
        trainer: Trainer = train_model,
        clock: Callable[[], float] = time.monotonic,
        session_alive: Callable[[str], bool] | None = None,
    ) -> None:
        self.max_jobs = max_jobs
        self.max_running = max(1, max_running or limits.MAX_CONCURRENT_TRAININGS)
        self.memory_bytes, self.training_budget_mb = memory_bytes, training_budget_mb
        self.hold_seconds, self._trainer, self._clock = hold_seconds, trainer, clock
        self._alive = session_alive or (lambda session_id: True)
        self._jobs: OrderedDict[Key, TrainingJob] = OrderedDict()  # least recently used first
        self._queue: deque[TrainingJob] = deque()
        self._held: list[TrainingJob] = []  # waiting for their clients' other training to end, in request order
        self._running: set[TrainingJob] = set()
        self._counted: dict[TrainingJob, str] = {}  # queued or running job -> the client it counts for ("": none)
        self._clients: dict[str, str] = {}  # session -> its client (browser)
        self._wanted: dict[str, TrainingJob] = {}  # session -> its own held, queued or running training
        self._holds: dict[str, tuple[Key, float]] = {}  # session -> (the model it shows, when it said so)
        self._evicted: OrderedDict[bytes, None] = OrderedDict()  # digests of evicted keys, bounded
        self._lock = threading.RLock()  # reentrant: stop() of a running job may call back under it
        configure_allocator()

    # ------------------------------------------------------------ asking for models

    def request(
        self, session_id: str | None, text: str, settings: TrainingSettings, client_id: str | None = None
    ) -> TrainingJob:
        """Train pressed in `session_id` (a tab of the browser `client_id`; default: a client of its own): the
        shared job for (text, settings), held, queued or started now.

        The same (text, settings) from any session gets the same job. The session's previous training,
        if it was another one and nobody else waits for it, is dropped (queued) or stopped (running).
        A finished job that failed or was stopped by hand is replaced, so pressing Train again retrains.
        A new job joins the queue if none of its clients has another there (or running), else it is held.
        """
        key = (text, settings)
        with self._lock:
            found = self._jobs.get(key)
            created = found is None or not found.usable
            job = self._create(key) if created or found is None else found
            self._jobs.move_to_end(key)
            if session_id is None:
                job.sessions.add(_SHARED)
            else:
                self._clients[session_id] = client_id or session_id
                self._switch(session_id, job)
            if created:
                self._held.append(job)
            self._admit_held()
            self._start_queued()
            self._evict()
        return job

    def start(self, text: str, settings: TrainingSettings) -> TrainingJob:
        """The job for this text and settings (kept for the current app: a request without a session)."""
        return self.request(None, text, settings)

    def get(self, text: str, settings: TrainingSettings) -> TrainingJob | None:
        """The job for this text and settings if the registry has one (queued, running or finished)."""
        with self._lock:
            return self._jobs.get((text, settings))

    def status(self, text: str, settings: TrainingSettings) -> JobStatus:
        """What to tell a session about (text, settings); see `JobStatus`."""
        key = (text, settings)
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                return JobStatus(JobState.EVICTED if _digest(key) in self._evicted else JobState.NONE)
            if job in self._held:
                return JobStatus(JobState.HELD, job)
            if not job.started and not job.done:
                return JobStatus(JobState.QUEUED, job, self._queue.index(job) + 1)
            if not job.done:
                return JobStatus(JobState.RUNNING, job)
            return JobStatus(JobState.FAILED if job.error else JobState.DONE, job)

    def queue_place(self, job: TrainingJob) -> int | None:
        """1 if `job` starts next, 2 after that...; None while held, once it runs, ends, or if never queued here."""
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else None

    def is_held(self, job: TrainingJob) -> bool:
        """True while `job` waits for another training of its browser to end before it joins the queue."""
        with self._lock:
            return job in self._held

    def was_evicted(self, text: str, settings: TrainingSettings) -> bool:
        """True if this (text, settings) was trained here and then evicted to make room."""
        with self._lock:
            return _digest((text, settings)) in self._evicted

    # ------------------------------------------------------------ sessions

    def show(self, session_id: str, text: str, settings: TrainingSettings) -> None:
        """`session_id` is showing this model: keep it until the session shows another one, closes, or
        stays silent for `hold_seconds` (a dead tab). Call it on every rerun that shows the model."""
        with self._lock:
            self._holds[session_id] = ((text, settings), self._clock())
            if (text, settings) in self._jobs:
                self._jobs.move_to_end((text, settings))

    def release(self, session_id: str) -> None:
        """The session no longer shows a trained model."""
        with self._lock:
            self._holds.pop(session_id, None)
            self._evict()

    def forget_session(self, session_id: str) -> None:
        """The session has closed: drop its queued training (unless others wait for it) and its hold.

        A running training is left to finish: it is bounded by `max_running`, and its model may serve
        the next session that asks for the same text and settings.
        """
        with self._lock:
            job = self._wanted.pop(session_id, None)
            if job is not None:
                self._abandon(job, session_id, DROPPED, stop_running=False)
            self._holds.pop(session_id, None)
            self._clients.pop(session_id, None)
            self._admit_held()
            self._start_queued()
            self._evict()

    def counts(self) -> dict[str, int]:
        """How many jobs are queued, running and finished, and how many sessions hold a model."""
        with self._lock:
            finished = sum(job.done for job in self._jobs.values())
            return {"held": len(self._held), "queued": len(self._queue), "running": len(self._running),
                    "finished": finished, "holds": len(self._holds)}  # fmt: skip

    def memory_in_use(self) -> int:
        """Bytes the running trainings are counted for (their estimated peaks)."""
        with self._lock:
            return sum(job.memory_bytes for job in self._running)

    # ------------------------------------------------------------ inside (all under the lock)

    def _create(self, key: Key) -> TrainingJob:
        """A new job for `key`, not yet held or queued; it is counted for its estimated peak under the budget."""
        text, settings = key
        peak = upper_bound_bytes(settings, len(text), int(self.training_budget_mb * MB))
        job = TrainingJob(text, settings, trainer=self._trainer, memory_budget_mb=self.training_budget_mb,
                          memory_bytes=peak)  # fmt: skip
        job._on_finish, job._on_stop = self._finished, self._stopped
        self._jobs[key] = job
        self._evicted.pop(_digest(key), None)
        return job

    def _stopped(self, job: TrainingJob) -> None:
        """Stop pressed: a queued job ends now rather than when its turn comes."""
        with self._lock:
            if not job.started and not job.done and (job in self._queue or job in self._held):
                self._drop_queued(job, STOPPED_WHILE_QUEUED)
                self._start_queued()

    def _finished(self, job: TrainingJob) -> None:
        """Called by the job's thread as training ends: free its slot, start the next, give memory back."""
        with self._lock:
            self._running.discard(job)
            self._counted.pop(job, None)
            for session_id in job.sessions:  # each waited for this model: it is theirs to show next
                if self._wanted.get(session_id) is job:
                    del self._wanted[session_id]
                    self._holds[session_id] = (job.key, self._clock())
            job.sessions.clear()
            self._admit_held()
            self._start_queued()
            self._evict(finishing=job)
        release_free_memory()

    def _held_keys(self) -> set[Key]:
        """Keys some live session shows; holds silent for longer than hold_seconds lapse here."""
        now = self._clock()
        lapsed = [s for s, (_, seen) in self._holds.items() if now - seen > self.hold_seconds or not self._alive(s)]
        for session_id in lapsed:
            del self._holds[session_id]
        return {key for key, _ in self._holds.values()}

    def _evict(self, finishing: TrainingJob | None = None) -> None:
        """Forget the least recently used finished jobs beyond max_jobs, never one a session shows."""
        finished = [key for key, job in self._jobs.items() if job.done or job is finishing]
        excess = len(finished) - self.max_jobs
        if excess <= 0:
            return
        held = self._held_keys()
        for key in finished:
            if excess <= 0:
                break
            if key not in held:
                self._forget(key)
                excess -= 1

    def _forget(self, key: Key) -> None:
        job = self._jobs.pop(key)
        if job.model is not None:
            self._evicted[_digest(key)] = None
            while len(self._evicted) > limits.MAX_REMEMBERED_EVICTIONS:
                self._evicted.popitem(last=False)


def _digest(key: Key) -> bytes:
    """A fixed-size stand-in for (text, settings), so remembering evictions costs 32 bytes, not the text."""
    text, settings = key
    return hashlib.sha256(f"{text}\0{settings!r}".encode("utf-8", "surrogatepass")).digest()
