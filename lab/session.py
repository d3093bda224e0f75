"""The session's own state, typed: what one module writes and another reads, each under one name.

`st.session_state` is an untyped mapping shared with every widget; the lab's private values (no
widget draws them) go through these slots instead of bare `st.session_state._name` attributes, so a
misspelt key is a NameError and mypy knows what each slot holds:

    session.JOB.set(job)        # lab/models.py, when a view asks for the trained model
    session.JOB.get()           # lab/state.py, to mark a training in progress in the link
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import streamlit as st

if TYPE_CHECKING:
    from attention.training.settings import TrainingSettings

    from .serving.training_job import TrainingJob

T = TypeVar("T")


@dataclass(frozen=True)
class Slot(Generic[T]):
    """One private value of this browser tab's session; None until set (and after `take`)."""

    key: str

    def get(self) -> T | None:
        return st.session_state.get(self.key)

    def set(self, value: T | None) -> None:
        st.session_state[self.key] = value

    def take(self) -> T | None:
        """The value, removed: for a message shown once."""
        return st.session_state.pop(self.key, None)


@dataclass(frozen=True)
class Notice:
    """A message for the page, shown once: kept as the function that words it, and worded when taken, in the
    page's language (it may be set while the link loads, before the run knows which language that is)."""

    key: str

    def set(self, words: Callable[[], str]) -> None:
        st.session_state[self.key] = words

    def take(self) -> str | None:
        """The message in the active language, removed; None if there is none."""
        words = st.session_state.pop(self.key, None)
        return None if words is None else words()


LOADED: Slot[bool] = Slot("_loaded")
"""True once the settings and text came from the link (lab/state.py load_from_link, once per session)."""
JOB: Slot[TrainingJob] = Slot("_job")
"""The training job of the model the open view uses (lab/models.py); the link marks it while it runs."""
INTERRUPTED: Slot[tuple[str, TrainingSettings]] = Slot("_interrupted")
"""(text, settings) of a training a server restart cut off, from the link's training mark."""
TOOK_OVER: Slot[tuple[str, TrainingSettings]] = Slot("_took_over")
"""(text, settings) of the model a link's server had when it died and this server took over (lab/replica.py)."""
STORED_KEY: Slot[str] = Slot("_stored_key")
"""The text-store key of the session's long text, once stored (each text is stored once per session)."""
STORED_UPLOAD_KEY: Slot[str] = Slot("_stored_upload_key")
"""The text-store key of the uploaded training text, once stored (the link carries it as train_key)."""
UPLOAD_TEXT: Slot[str] = Slot("_upload_text")
"""The uploaded training text, decoded (lab/controls.py training_source); the model reads it."""
UPLOAD_ID: Slot[str] = Slot("_upload_id")
"""The uploader's file id of that text, so the same file is read once."""
MISSING_TEXT = Notice("_missing_text")
"""A warning for the text box: the link's stored text is gone (shown once, then taken)."""
START_LESSON: Slot[bool] = Slot("_start_lesson")
"""The induction lesson's Start button was pressed (set in its callback, taken by the view)."""
