"""One training run in a daemon thread: its progress, a stop switch, then the model or the error.

`lab.serving.queue.JobRegistry` queues these and shares them between sessions; this module knows nothing
of sessions or queues.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from dataclasses import asdict
from enum import StrEnum

from attention.i18n import N_, _
from attention.training.entry import train_model
from attention.training.loop import TrainingProgress
from attention.training.parts import UnsuitableText
from attention.training.result import TrainedModel
from attention.training.settings import TrainingSettings
from attention.training.stops import StopReason

Trainer = Callable[..., TrainedModel]  # train_model's signature: (text, **settings, callback=..., memory_budget_mb=...)
Key = tuple[str, TrainingSettings]


class JobState(StrEnum):
    """Where a training is, as the page needs to say it (a str: compares equal to its value)."""

    NONE = "none"  # never asked for here, or forgotten long ago
    EVICTED = "evicted"  # trained here, then let go to make room: say so and offer to retrain
    HELD = "held"  # waits behind another training of the same browser before it joins the queue
    QUEUED = "queued"  # waits for a free trainer (and for memory)
    RUNNING = "running"
    DONE = "done"  # with a model
    FAILED = "failed"  # with an error


class EndReason(StrEnum):
    """Why a training ended before it trained (the job's error, shown after "The model could not be trained:").

    A str equal to its English words (an msgid); it prints as them in the active language, the watching page's."""

    REPLACED = N_("replaced by a newer training request from the same session")
    DROPPED = N_("dropped before it started: the session that asked for it has closed")
    STOPPED_WHILE_QUEUED = N_("stopped before it started")

    def __str__(self) -> str:
        return _(self.value)

    def __format__(self, spec: str) -> str:
        return format(_(self.value), spec)


class Said(str):
    """Words that are English as a str (what logs and tests compare) and in the active language when formatted or
    str()-ed: a job's error is written once, by its training thread, and each watching page shows it in its own
    language (`f"...: {job.error}"`)."""

    words: Callable[[], str]

    def __new__(cls, words: Callable[[], str]) -> Said:
        said = super().__new__(cls, contextvars.Context().run(words))  # a fresh context speaks English
        said.words = words
        return said

    def __str__(self) -> str:
        return self.words()

    def __format__(self, spec: str) -> str:
        return format(self.words(), spec)


STOPPED_BY_USER = StopReason.STOPPED_BY_USER
REPLACED, DROPPED, STOPPED_WHILE_QUEUED = EndReason.REPLACED, EndReason.DROPPED, EndReason.STOPPED_WHILE_QUEUED
_SHARED = "\0shared"  # stands for callers without a session (the legacy start()): never abandoned


class TrainingJob:
    """One training run in a daemon thread: progress so far, a stop switch, then the model or the error.

    `start()` runs it now; a `JobRegistry` creates jobs queued and starts them when a slot is free.
    """

    def __init__(
        self, text: str, settings: TrainingSettings, trainer: Trainer = train_model, *,
        memory_budget_mb: float | None = None, memory_bytes: int = 0,
    ) -> None:  # fmt: skip
        self.text, self.settings = text, settings
        self.memory_budget_mb = memory_budget_mb  # the trainer's budget (None: the library's default)
        self.memory_bytes = memory_bytes  # what the registry counts it for while it runs (its estimated peak)
        self.progress: list[TrainingProgress] = []  # appended by the training thread only
        self.model: TrainedModel | None = None
        self.error: str | None = None
        self.sessions: set[str] = set()  # who waits for it; kept by the registry under its lock
        self._trainer = trainer
        self._on_finish: Callable[[TrainingJob], None] | None = None  # set by the registry
        self._on_stop: Callable[[TrainingJob], None] | None = None  # set by the registry
        self._stop = threading.Event()
        self._started = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="attention-training", daemon=True)

    @property
    def key(self) -> Key:
        return (self.text, self.settings)

    def start(self) -> TrainingJob:
        self._started.set()
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            budget = {} if self.memory_budget_mb is None else {"memory_budget_mb": self.memory_budget_mb}
            self.model = self._trainer(self.text, **asdict(self.settings), callback=self._on_progress, **budget)
        except UnsuitableText as error:  # a text too short for training, or for the window: said in each page's words
            self.error = Said(error.words)
        except ValueError as error:  # a setting the trainer cannot use (the page offers none): say why
            self.error = str(error)
        except Exception as error:  # never leave a watcher waiting forever
            kind, detail = type(error).__name__, str(error)  # not the error itself: its traceback holds the arrays
            self.error = Said(
                lambda: _("training failed unexpectedly: {kind}: {error}").format(kind=kind, error=detail)
            )
        finally:
            try:
                if self._on_finish is not None:
                    self._on_finish(self)  # before done: a waiter wakes to a registry that has moved on
            finally:
                self._done.set()

    def _on_progress(self, progress: TrainingProgress) -> bool:
        self.progress.append(progress)
        return self._stop.is_set()

    def stop(self) -> None:
        """Ask training to stop; it keeps the best weights so far. A queued job ends without training."""
        self._stop.set()
        if self._on_stop is not None:
            self._on_stop(self)

    def cancel(self, reason: EndReason) -> None:
        """End a job that never started: its waiters wake up with `reason` as the error."""
        if self._started.is_set():
            raise RuntimeError("only a queued job can be cancelled; stop() a running one")
        self.error = reason
        self._done.set()

    @property
    def started(self) -> bool:
        return self._started.is_set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def state(self) -> JobState:
        """Where the job is: queued, running or done (then with `model` or `error`)."""
        return JobState.DONE if self.done else JobState.RUNNING if self.started else JobState.QUEUED

    @property
    def usable(self) -> bool:
        """Worth sharing with the next request: not failed, not cancelled, not stopped by hand."""
        if not self.done:
            return True
        return self.error is None and self.model is not None and self.model.stopped_because != STOPPED_BY_USER

    def wait(self, timeout: float | None = None) -> bool:
        """Block until training ends (or `timeout` seconds pass); True if it ended."""
        return self._done.wait(timeout)
