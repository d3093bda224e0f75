"""The trained model a view asks for: one training per text and settings per server, queued fairly, with
live progress, and a clear word when a model this session expects is gone (evicted, or a server restart).

The registry (`lab/serving/queue.py`) knows sessions (tabs) by id and clients by browser: `request` when a
session asks for a model, `show` on every run that displays one (so it is never evicted under the session),
and closed tabs are noticed through `session_alive`. `browser_id` reads which browser a tab belongs to, so
one browser's many tabs queue one training at a time.
"""

from __future__ import annotations

import hashlib
from functools import partial

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

import attention
from attention import charts
from attention.teaching.examples import DEFAULT_EXAMPLE, EXAMPLES
from attention.training.settings import TrainingSettings

from .render import show_chart
from .serving import limits
from .serving.queue import JobRegistry, JobState, JobStatus, TrainingJob
from .state import ViewContext

PROGRESS_EVERY_S = 0.25
"""How often a watcher's progress fragment redraws while its model trains."""
QUEUE_EVERY_S = 1.0
"""How often a session waiting in the queue checks its place (a queue of 28 polling 4x a second slows all)."""
INLINE_WAIT_S = 0.5
"""A training this quick finishes inside the run that started it: no progress bar flashes by."""

PRESS_TRAIN = "Press **Train** to train on the text above. Every view that needs the model also trains it."
EVICTED = (
    "This model was trained earlier but the server let it go to make room; press **{button}** to train it again. "
    "Training counts steps, so it gives the same numbers as before."
)
INTERRUPTED = (
    "The server restarted while this model was training, so that training is gone; press **{button}** to start "
    "it again. The text and settings are as you left them, and the numbers will be the same."
)


def session_id() -> str:
    """This browser tab's id, the one the server's runtime knows it by."""
    # Streamlit 1.67 has no public session id (st.context has none); the script-run context carries it.
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


XSRF_COOKIE = "_streamlit_xsrf"
"""Streamlit sets this cookie once per browser (with XSRF protection on, its default) and every tab sends it."""


def browser_id() -> str:
    """This browser's id, the same for all its tabs: a hash of the token in Streamlit's XSRF cookie, or the tab's
    session id when there is none (XSRF protection off, or no browser: AppTest)."""
    token = xsrf_token(st.context.cookies.get(XSRF_COOKIE))
    if token is None:
        return session_id()
    return "browser:" + hashlib.sha256(token).hexdigest()[:32]  # the token itself never leaves this function


def xsrf_token(cookie: str | None) -> bytes | None:
    """The token inside a `_streamlit_xsrf` cookie, or None if it is missing or malformed.

    Streamlit re-masks the token on every response ("2|mask|masked token|timestamp", hex; each tab holds a
    different string), so the token is unmasked: token[i] = masked[i] XOR mask[i mod 4]. Version 1 cookies are
    the bare token in hex."""
    if not cookie:
        return None
    try:
        if not cookie.startswith("2|"):
            return bytes.fromhex(cookie) or None
        _, mask_hex, masked_hex, _ = cookie.split("|")
        mask, masked = bytes.fromhex(mask_hex), bytes.fromhex(masked_hex)
    except ValueError:
        return None
    if len(mask) != 4 or not masked:
        return None
    return bytes(b ^ mask[i % 4] for i, b in enumerate(masked))


def session_alive(session: str) -> bool:
    """False once the tab has closed, so its queued training and its hold on a model are dropped."""
    # Runtime is not public either; it exists under `streamlit run`, not in AppTest (there every session lives).
    return Runtime.instance().is_active_session(session) if Runtime.exists() else True


@st.cache_resource(show_spinner=False)
def training_jobs() -> JobRegistry:
    """One registry per server: a class opening the same link trains the model once."""
    return JobRegistry(max_jobs=limits.MAX_CACHED_MODELS, session_alive=session_alive)


def trained_model(
    ctx: ViewContext, *, train: bool = False, wait_for_train: bool = False
) -> attention.TrainedModel | None:
    """The model trained on this text with the current settings, or None after saying why it is not there yet.

    train: Train was pressed in this run. wait_for_train: the Train view, which trains only when asked;
    every other view trains a model nobody has asked for yet. A model the server evicted, or one whose
    training a restart cut off, is retrained only on request, never silently. While the model waits in
    the queue or trains, a fragment shows its place, then its progress, and reruns the page once it is ready.
    """
    if len(ctx.tokens) < limits.MIN_TRAIN_TOKENS:
        st.info(
            f"Training needs at least {limits.MIN_TRAIN_TOKENS} tokens so some can be held out to check the "
            f"model; this text has {len(ctx.tokens)}. Paste a few more sentences, or pick an example."
        )
        return None
    registry, me = training_jobs(), session_id()
    status = registry.status(ctx.text, ctx.training)
    if not train and status.state in (JobState.NONE, JobState.EVICTED, JobState.FAILED):
        notice = why_not_trained(ctx, status, "Train" if wait_for_train else "Train again")
        if notice is None and not wait_for_train:
            train = True  # nobody has asked for this model: the view that needs it asks
        else:
            (st.warning if status.state == JobState.FAILED else st.info)(notice or PRESS_TRAIN)
            if notice is not None and not wait_for_train:
                train = st.button("Train again", key="retrain", type="primary")
            if not train:
                st.session_state._job = None
                return None
    if train or status.job is None or not status.job.done:
        job = registry.request(me, ctx.text, ctx.training, browser_id())  # also joins a job others started: ours too
        st.session_state._interrupted = None
    else:
        job = status.job
    st.session_state._job = job  # the link marks a training in progress (see state.save_to_link)
    if job.started and not job.done:
        job.wait(INLINE_WAIT_S)
    if not job.done:
        (progress if job.started else waiting)(job)
        return None
    if job.error:
        st.warning(f"The model could not be trained: {job.error}")
        return None
    registry.show(me, ctx.text, ctx.training)
    return job.model


def why_not_trained(ctx: ViewContext, status: JobStatus, button: str) -> str | None:
    """What to tell a session whose model is not here, or None when nobody has trained it yet."""
    if status.state == JobState.EVICTED:
        return EVICTED.format(button=button)
    if status.state == JobState.FAILED:
        return f"The model could not be trained: {status.job.error}"
    if st.session_state.get("_interrupted") == (ctx.text, ctx.training):
        return INTERRUPTED.format(button=button)
    return None


HELD = (
    "Waiting for this browser's other training (in another tab) to finish: each browser trains one model at a time, "
    "so everyone in the class gets a turn. This one joins the queue as soon as that one ends."
)


@st.fragment(run_every=QUEUE_EVERY_S)
def waiting(job: TrainingJob) -> None:
    """The session's place in the queue; the page reruns when its training starts (or is dropped)."""
    place = training_jobs().queue_place(job)
    if place is None and training_jobs().is_held(job):
        st.info(HELD)
        return
    if place is None:
        st.rerun()
    running = training_jobs().max_running
    ahead = "starts next" if place == 1 else f"starts after {place - 1} other trainings"
    st.info(
        f"Waiting for a free trainer: this model is number {place} in the queue and {ahead}. The server trains "
        f"{running} model{'s' if running > 1 else ''} at a time, so each gets a whole core and the same numbers "
        "as on a quiet machine."
    )


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
    training_jobs().start(EXAMPLES[DEFAULT_EXAMPLE], TrainingSettings()).wait(INLINE_WAIT_S)  # ready for the strip
    return True


def ready_model(ctx: ViewContext) -> attention.TrainedModel | None:
    """The model for this text and settings if it is already trained; never starts a training."""
    job = training_jobs().status(ctx.text, ctx.training).job
    return job.model if job is not None and job.done and not job.error else None
