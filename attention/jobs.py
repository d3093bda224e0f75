"""Training in the background, shared by everyone who asks for the same text and settings.

A class opening one link asks for the same model thirty times; the app keeps one `TrainingJob` per
(text, settings) and every session watches its progress, so the model is trained once. Plain
threads and locks: no Streamlit here, so it is testable and usable from a notebook.
"""

from __future__ import annotations

import threading
from dataclasses import asdict

from .model import TrainedModel
from .train import TrainingProgress, TrainingSettings, train_model


class TrainingJob:
    """One training run in a daemon thread: progress so far, a stop switch, then the model or the error."""

    def __init__(self, text: str, settings: TrainingSettings) -> None:
        self.text, self.settings = text, settings
        self.progress: list[TrainingProgress] = []  # appended by the training thread only
        self.model: TrainedModel | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="attention-training", daemon=True)

    def start(self) -> TrainingJob:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.model = train_model(self.text, **asdict(self.settings), callback=self._on_progress)
        except ValueError as error:  # a text or setting the trainer cannot use: say why
            self.error = str(error)
        except Exception as error:  # never leave a watcher waiting forever
            self.error = f"training failed unexpectedly: {type(error).__name__}: {error}"
        finally:
            self._done.set()

    def _on_progress(self, progress: TrainingProgress) -> bool:
        self.progress.append(progress)
        return self._stop.is_set()

    def stop(self) -> None:
        """Ask training to stop; it keeps the best weights so far."""
        self._stop.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until training ends (or `timeout` seconds pass); True if it ended."""
        return self._done.wait(timeout)


class JobRegistry:
    """The server's training jobs by (text, settings), newest kept; the same request gets the same job."""

    def __init__(self, max_jobs: int = 8) -> None:
        self.max_jobs = max_jobs
        self._jobs: dict[tuple[str, TrainingSettings], TrainingJob] = {}
        self._lock = threading.Lock()

    def get(self, text: str, settings: TrainingSettings) -> TrainingJob | None:
        with self._lock:
            return self._jobs.get((text, settings))

    def start(self, text: str, settings: TrainingSettings) -> TrainingJob:
        """The job for this text and settings, started now unless one exists (running or finished).

        A job that was stopped by hand or failed is replaced, so pressing Train again retrains.
        """
        key = (text, settings)
        with self._lock:
            job = self._jobs.get(key)
            if job is None or (job.done and (job.error or job.model.stopped_because == "stopped by user")):
                job = self._jobs[key] = TrainingJob(text, settings).start()
            self._jobs[key] = self._jobs.pop(key)  # most recently used last
            while len(self._jobs) > self.max_jobs:  # forget the oldest finished jobs first
                finished = [k for k, j in self._jobs.items() if j.done]
                if not finished and len(self._jobs) <= 2 * self.max_jobs:
                    break  # all still training: let them finish rather than lose them
                del self._jobs[(finished or list(self._jobs))[0]]
        return job
