"""The trained model a view asks for: one training per text and settings per server, queued fairly, with
live progress, and a clear word when a model this session expects is gone (evicted, or a server restart).

The registry (`lab/serving/queue.py`) knows sessions (tabs) by id and clients by browser: `request` when a
session asks for a model, `show` on every run that displays one (so it is never evicted under the session),
and closed tabs are noticed through `session_alive`. `browser_id` reads which browser a tab belongs to, so
one browser's many tabs queue one training at a time.
"""

from __future__ import annotations

import hashlib
import math
from functools import partial

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

import attention
from attention import charts
from attention.evaluation.held_out import ngrams, seen_share
from attention.i18n import N_, _, count, decimal, ngettext
from attention.teaching import collection, report
from attention.training.settings import TrainingSettings

from . import i18n, session
from .render import show_chart
from .serving import limits, model_cache
from .serving.queue import JobRegistry, JobState, JobStatus, TrainingJob
from .serving.text_store import text_key
from .state import ViewContext
from .table import TRAINING_SOURCES

PROGRESS_EVERY_S = 0.25
"""How often a watcher's progress fragment redraws while its model trains."""
QUEUE_EVERY_S = 1.0
"""How often a session waiting in the queue checks its place (a queue of 28 polling 4x a second slows all)."""
INLINE_WAIT_S = 0.5
"""A training this quick finishes inside the run that started it: no progress bar flashes by."""

PRESS_TRAIN = N_("Press **Train** to train on the text above. Every view that needs the model also trains it.")
EVICTED = N_(
    "This model was trained earlier but the server let it go to make room; press **{button}** to train it again. "
    "Training counts steps, so it gives the same numbers as before."
)
INTERRUPTED = N_(
    "The server restarted while this model was training, so that training is gone; press **{button}** to start "
    "it again. The text and settings are as you left them, and the numbers will be the same."
)
TOOK_OVER = N_(
    "Another server took over: the one this page was on stopped, with your model. Your model is being retrained "
    "here, on the same text and settings; training counts steps, so it gives the same numbers."
)
RETRAINED = N_(
    "Another server took over: the one this page was on stopped, with your model. Your model was retrained here "
    "on the same text and settings, with the same numbers (training counts steps)."
)

HAD_IT = N_(
    "Another server took over: the one this page was on stopped. This server has your model already, trained "
    "here on the same text and settings, so the numbers are the same."
)
COULD_NOT_TRAIN = N_("The model could not be trained: {error}")


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
        _version, mask_hex, masked_hex, _time = cookie.split("|")
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
    trainer = model_cache.cached(attention.train_model, keep=is_built_in)  # built-in texts' models kept on disk
    return JobRegistry(max_jobs=limits.MAX_CACHED_MODELS, session_alive=session_alive, trainer=trainer)


def is_built_in(text: str) -> bool:
    """The built-in collections: the server keeps their models on disk, so a restart opens on them at once."""
    return any(text == collection.collection(language) for language in collection.LANGUAGES)


def trained_model(
    ctx: ViewContext, *, train: bool = False, wait_for_train: bool = False
) -> attention.TrainedModel | None:
    """The model trained on this text with the current settings, or None after saying why it is not there yet.

    train: Train was pressed in this run. wait_for_train: the Train view, which trains only when asked;
    every other view trains a model nobody has asked for yet. A model the server evicted, or one whose
    training a restart cut off, is retrained only on request, never silently. While the model waits in
    the queue or trains, a fragment shows its place, then its progress, and reruns the page once it is ready.
    """
    if ctx.training_source == "upload" and not ctx.training_text:
        st.info(
            _(
                "The model is to read a file of yours: upload a .txt file in **Train**, or choose the built-in "
                "stories there."
            )
        )
        return None
    if ctx.memorising and len(ctx.tokens) < limits.MIN_TRAIN_TOKENS:
        st.info(
            _(
                "Training needs at least {least} tokens so some can be held out to check the model; this text has "
                "{n}. Paste a few more sentences, or pick an example."
            ).format(least=count(limits.MIN_TRAIN_TOKENS), n=count(len(ctx.tokens)))
        )
        return None
    registry, me = training_jobs(), session_id()
    status = registry.status(ctx.training_text, ctx.training)
    took_over = session.TOOK_OVER.get() == (ctx.training_text, ctx.training)
    if took_over and status.state in (JobState.NONE, JobState.EVICTED):
        train = True  # the model was on the server that died: retrained here, and said so (below)
    elif took_over and status.state == JobState.DONE:
        st.info(_(HAD_IT))  # another session here trained it (or this page's reconnect did): nothing to wait for
        session.TOOK_OVER.set(None)
    elif took_over and status.state == JobState.FAILED:
        session.TOOK_OVER.set(None)  # it failed here: the warning below says why
    if not train and status.state in (JobState.NONE, JobState.EVICTED, JobState.FAILED):
        notice = why_not_trained(ctx, status, _("Train") if wait_for_train else _("Train again"))
        if notice is None and not wait_for_train:
            train = True  # nobody has asked for this model: the view that needs it asks
        else:
            (st.warning if status.state == JobState.FAILED else st.info)(notice or _(PRESS_TRAIN))
            if notice is not None and not wait_for_train:
                train = st.button(_("Train again"), key="retrain", type="primary")
            if not train:
                session.JOB.set(None)
                return None
    if train or status.job is None or not status.job.done:
        job = registry.request(
            me, ctx.training_text, ctx.training, browser_id()
        )  # joins a job others started: ours too
        session.INTERRUPTED.set(None)
    else:
        job = status.job
    session.JOB.set(job)  # the link marks a training in progress (see state.save_to_link)
    if job.started and not job.done:
        job.wait(INLINE_WAIT_S)
    if session.TOOK_OVER.get() == (ctx.training_text, ctx.training):
        st.info(_(RETRAINED) if job.done else _(TOOK_OVER))
        if job.done:
            session.TOOK_OVER.set(None)
    if not job.done:
        (progress if job.started else waiting)(job)
        return None
    if job.error:
        st.warning(_(COULD_NOT_TRAIN).format(error=job.error))
        return None
    registry.show(me, ctx.training_text, ctx.training)
    return job.model


def why_not_trained(ctx: ViewContext, status: JobStatus, button: str) -> str | None:
    """What to tell a session whose model is not here, or None when nobody has trained it yet."""
    if status.state == JobState.EVICTED:
        return _(EVICTED).format(button=button)
    if status.state == JobState.FAILED and status.job is not None:
        return _(COULD_NOT_TRAIN).format(error=status.job.error)
    if session.INTERRUPTED.get() == (ctx.training_text, ctx.training):
        return _(INTERRUPTED).format(button=button)
    return None


HELD = N_(
    "Waiting for this browser's other training (in another tab) to finish: each browser trains one model at a time, "
    "so everyone in the class gets a turn. This one joins the queue as soon as that one ends."
)


@st.fragment(run_every=QUEUE_EVERY_S)
def waiting(job: TrainingJob) -> None:
    """The session's place in the queue; the page reruns when its training starts (or is dropped)."""
    i18n.activate()  # a fragment's rerun starts here, not at the top of app.py
    place = training_jobs().queue_place(job)
    if place is None and training_jobs().is_held(job):
        st.info(_(HELD))
        return
    if place is None:
        st.rerun()
    running = training_jobs().max_running
    if place == 1:
        queue = _("Waiting for a free trainer: this model is number {place} in the queue and starts next.")
    else:
        queue = ngettext(
            "Waiting for a free trainer: this model is number {place} in the queue and starts after {others} other "
            "training.",
            "Waiting for a free trainer: this model is number {place} in the queue and starts after {others} other "
            "trainings.",
            place - 1,
        )
    server = ngettext(
        "The server trains {n} model at a time, so each gets a whole core and the same numbers as on a quiet machine.",
        "The server trains {n} models at a time, so each gets a whole core and the same numbers as on a quiet machine.",
        running,
    )
    first = queue.format(place=count(place), others=count(place - 1))
    st.info(_("{first} {second}").format(first=first, second=server.format(n=count(running))))


@st.fragment(run_every=PROGRESS_EVERY_S)
def progress(job: TrainingJob) -> None:
    """Live progress of a running job (a Stop button asks it to end early); the page reruns when it ends."""
    i18n.activate()  # a fragment's rerun starts here, not at the top of app.py
    if job.done:
        st.rerun()
    st.button(_("Stop training"), key="stop_training", on_click=job.stop, help=_("Keep the best weights so far."))
    latest = job.progress[-1] if job.progress else None
    if latest is None:
        st.progress(0.0, text=_("Training…"))
        return
    text = _("Training: epoch {epoch}, step {step}, loss {loss} (held out {held_out})").format(
        epoch=latest.epoch, step=latest.step, loss=decimal(latest.train_loss, 3),
        held_out=decimal(latest.validation_loss, 3),
    )  # fmt: skip
    st.progress(min(latest.fraction_done, 1.0), text=text)
    if any(math.isfinite(point.train_loss) for point in job.progress):  # a curve once there is a first loss
        show_chart(partial(charts.loss_curve_chart, tuple(job.progress)))  # one spec shared by every watcher


@st.cache_resource(show_spinner=False)
def warm_up_default_model() -> bool:
    """Once per server, at its first Lab page: the default model, trained on the built-in stories (loaded
    from disk after the first time; training it takes some seconds once), so Predict opens on it for everyone.
    Returns True, for the cache."""
    training_jobs().start(collection.collection("en"), TrainingSettings()).wait(INLINE_WAIT_S)  # ready for the strip
    return True


@st.cache_resource(max_entries=8, show_spinner=False)
def training_runs(training_text: str, tokenizer_key: tuple, _model: attention.TrainedModel) -> tuple[int, frozenset]:
    """The training text's token count and its 4-token runs, as the model read them (shared by every session)."""
    tokens = _model.split(training_text).tokens
    return len(tokens), ngrams(tokens)


def reading(ctx: ViewContext) -> str | None:
    """What the model read and whether the prompt is new to it, once the model is here (None before)."""
    model = ready_model(ctx)
    if model is None:
        return None
    key = (text_key(ctx.training_text), ctx.training.tokenization, ctx.training.merges)
    n_tokens, runs = training_runs(ctx.training_text, key, model)
    source = _(TRAINING_SOURCES[ctx.training_source])
    return report.reading_sentence(source, n_tokens, seen_share(runs, ctx.tokens), memorising=ctx.memorising)


def ready_model(ctx: ViewContext) -> attention.TrainedModel | None:
    """The model for this text and settings if it is already trained; never starts a training."""
    job = training_jobs().status(ctx.training_text, ctx.training).job
    return job.model if job is not None and job.done and not job.error else None
