"""The fair, bounded queue inside `lab.serving.queue.JobRegistry`: which training waits, which runs next.

A new job is held until none of its clients (browsers) has another training queued or running, then joins
the end of the queue; the queue starts its head while fewer than `max_running` run and its estimated memory
peak fits beside theirs (`memory_bytes`; always when none runs), in order, so nothing overtakes a training
waiting for memory. Each session has one training of its own: asking for another abandons the previous one,
dropped if queued and nobody else waits for it, stopped if running. Jobs everyone has abandoned (their tabs
closed) are dropped.

`FairQueue` is a mixin of `JobRegistry`, not an object of its own: its state is the registry's, set in
`JobRegistry.__init__` and guarded by the registry's one lock, and every method here runs under that lock.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable

from .training_job import _SHARED, DROPPED, REPLACED, EndReason, Key, TrainingJob


class FairQueue:
    """The queue's bookkeeping for `JobRegistry`; the attributes below are the registry's (see its __init__)."""

    max_running: int
    memory_bytes: int | None
    _clock: Callable[[], float]
    _alive: Callable[[str], bool]
    _jobs: OrderedDict[Key, TrainingJob]
    _queue: deque[TrainingJob]
    _held: list[TrainingJob]
    _running: set[TrainingJob]
    _counted: dict[TrainingJob, str]
    _clients: dict[str, str]
    _wanted: dict[str, TrainingJob]
    _holds: dict[str, tuple[Key, float]]

    def _client(self, session_id: str) -> str:
        return _SHARED if session_id == _SHARED else self._clients.get(session_id, session_id)

    def _free_client(self, job: TrainingJob) -> str | None:
        """A client waiting for `job` with no other training queued or running, or None; sessionless callers
        (_SHARED) are never limited."""
        clients = [self._client(s) for s in sorted(job.sessions)]
        if _SHARED in clients:
            return _SHARED
        busy = set(self._counted.values())
        return next((client for client in clients if client not in busy), None)

    def _admit_held(self) -> None:
        """Move each held job whose client is now free to the end of the queue, in request order; drop held jobs
        everyone has abandoned (their tabs closed)."""
        for job in list(self._held):
            if not any(s == _SHARED or self._alive(s) for s in job.sessions):
                for session_id in list(job.sessions):
                    self._wanted.pop(session_id, None)
                self._drop_queued(job, DROPPED)
                continue
            client = self._free_client(job)
            if client is not None:
                self._held.remove(job)
                self._queue.append(job)
                self._counted[job] = client

    def _recount(self, job: TrainingJob) -> None:
        """A session left `job`: if its client no longer waits for it, count it for another free client (or
        nobody), and let the client's held trainings move up."""
        counted = self._counted.get(job)
        if counted is None or counted in {self._client(s) for s in job.sessions}:
            return
        self._counted[job] = ""
        self._counted[job] = self._free_client(job) or ""
        self._admit_held()

    def _switch(self, session_id: str, job: TrainingJob) -> None:
        """Make `job` the session's one training, abandoning the previous one if it was another."""
        previous = self._wanted.get(session_id)
        job.sessions.add(session_id)
        if not job.done:
            self._wanted[session_id] = job
        else:  # already trained: the session shows it next
            self._wanted.pop(session_id, None)
            self._holds[session_id] = (job.key, self._clock())
        if previous is not None and previous is not job:
            self._abandon(previous, session_id, REPLACED, stop_running=True)

    def _abandon(self, job: TrainingJob, session_id: str, reason: EndReason, *, stop_running: bool) -> None:
        """`session_id` no longer waits for `job`; if nobody else does, drop it (queued) or stop it."""
        job.sessions.discard(session_id)
        if job.sessions or job.done:
            self._recount(job)
            return
        if not job.started:
            self._drop_queued(job, reason)
        elif stop_running:
            job.stop()  # keeps its best weights; its slot frees within one progress interval

    def _drop_queued(self, job: TrainingJob, reason: EndReason) -> None:
        if job in self._held:
            self._held.remove(job)
        else:
            self._queue.remove(job)
        if self._jobs.get(job.key) is job:
            del self._jobs[job.key]
        job.cancel(reason)
        if self._counted.pop(job, None) is not None:
            self._admit_held()

    def _fits(self, job: TrainingJob) -> bool:
        """There is memory for `job` beside the running trainings (always, when none runs)."""
        if self.memory_bytes is None or not self._running:
            return True
        return sum(running.memory_bytes for running in self._running) + job.memory_bytes <= self.memory_bytes

    def _start_queued(self) -> None:
        while self._queue and len(self._running) < self.max_running:
            job = self._queue[0]
            if job.sessions and not any(s == _SHARED or self._alive(s) for s in job.sessions):
                for session_id in list(job.sessions):
                    self._wanted.pop(session_id, None)
                self._drop_queued(job, DROPPED)  # everyone who asked has closed their tab
                continue
            if not self._fits(job):
                return  # in order: the next training waits for memory rather than being overtaken
            self._queue.popleft()
            self._running.add(job)
            job.start()
