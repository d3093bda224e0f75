"""The trained model a view asks for: one training per text and settings per server, with live progress."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import charts, limits
from attention.examples import DEFAULT_EXAMPLE, EXAMPLES
from attention.jobs import JobRegistry, TrainingJob
from attention.settings import TrainingSettings

from .render import show_chart
from .state import ViewContext

PROGRESS_EVERY_S = 0.25
"""How often a watcher's progress fragment redraws while the model trains."""
INLINE_WAIT_S = 0.5
"""A training this quick finishes inside the run that started it: no progress bar flashes by."""


@st.cache_resource(show_spinner=False)
def training_jobs() -> JobRegistry:
    """One registry per server: a class opening the same link trains the model once."""
    return JobRegistry(max_jobs=limits.MAX_CACHED_MODELS)


def existing_job(ctx: ViewContext) -> TrainingJob | None:
    return training_jobs().get(ctx.text, ctx.training)


def trained_model(ctx: ViewContext) -> attention.TrainedModel | None:
    """The model trained on this text with the current settings, training it now if needed.

    While it trains, a progress fragment redraws itself and reruns the page once the model is ready;
    the view shows the progress and nothing else (None).
    """
    if len(ctx.tokens) < limits.MIN_TRAIN_TOKENS:
        st.info(
            f"Training needs at least {limits.MIN_TRAIN_TOKENS} tokens so some can be held out to check the "
            f"model; this text has {len(ctx.tokens)}. Paste a few more sentences, or pick an example."
        )
        return None
    job = training_jobs().start(ctx.text, ctx.training)
    if not job.wait(INLINE_WAIT_S):
        progress(job)
        return None
    if job.error:
        st.warning(f"The model could not be trained: {job.error}")
        return None
    return job.model


@st.fragment(run_every=PROGRESS_EVERY_S)
def progress(job: TrainingJob) -> None:
    """Live progress of a running job (a Stop button asks it to end early); the page reruns when it ends."""
    if job.done:
        st.rerun()
    st.button("Stop training", key="stop_training", on_click=job.stop, help="Keep the best weights so far.")
    latest = job.progress[-1] if job.progress else None
    if latest is None:
        st.progress(0.0, text="Training…")
        return
    st.progress(
        min(latest.fraction_done, 1.0),
        text=f"Training: epoch {latest.epoch}, step {latest.step}, loss {latest.train_loss:.3f} "
        f"(held out {latest.validation_loss:.3f})",
    )
    show_chart(partial(charts.loss_curve_chart, tuple(job.progress)))  # one spec shared by every watcher


@st.cache_resource(show_spinner=False)
def warm_up_default_model() -> bool:
    """Once per server, at its first page view: train the built-in example's model (well under a second),
    so Predict opens on a trained model for everyone. Returns True, for the cache."""
    training_jobs().start(EXAMPLES[DEFAULT_EXAMPLE], TrainingSettings())
    return True


def ready_model(ctx: ViewContext) -> attention.TrainedModel | None:
    """The model for this text and settings if it is already trained; never starts a training."""
    job = existing_job(ctx)
    return job.model if job is not None and job.done and not job.error else None
