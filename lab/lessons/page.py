"""The Lessons pages: the list of lessons, and one lesson at one step (?lesson=<slug>&step=<n>, 1-based).

Previous/Next (keys ← →, and PageUp/PageDown for a presentation clicker) move through the steps and keep the
link in step, so a copied link opens the same step. The lesson's models come from the Lab's shared registry.
"""

from __future__ import annotations

import contextvars
from functools import partial
from typing import Any

import streamlit as st

from attention.i18n import ENGLISH, _

from .. import i18n
from ..controls import widget
from ..css import PRESENTATION_CSS
from ..models import INLINE_WAIT_S, training_jobs, waiting
from ..render import is_present, show_chart
from ..views.induction import live
from . import LESSON_PAGE, PAGE, Lesson, claim_of, steps_and_minutes, teacher_sheet
from .catalog import LESSONS

CLICKER = "lesson_clicker"
"""Key of the box of the PageUp/PageDown twins of Previous/Next, hidden by LESSON_CSS."""
LESSON_CSS = f"<style>.st-key-{CLICKER} {{ display: none; }}</style>"


def language_picker() -> None:
    """The language, in the sidebar as on the Lab page; the link says it (?lang=es), so a copied link keeps it."""
    with st.sidebar:
        widget("lang")
    if (code := i18n.code()) != ENGLISH:
        st.query_params["lang"] = code
    else:
        st.query_params.pop("lang", None)


def render_lesson() -> None:
    """The lesson page: ?lesson=<slug>&step=<n>, or the list after saying so for a lesson it does not have."""
    language_picker()
    slug = st.query_params.get("lesson")
    if slug in LESSONS:
        lesson_page(list(LESSONS).index(slug) + 1, LESSONS[slug])
    else:
        st.info(_("There is no lesson of that name in this lab; here are the lessons it has."))
        lesson_list()


def link_query(slug: str, step: int) -> dict[str, str]:
    query = {"lesson": slug, "step": str(step)}
    if (code := i18n.code()) != ENGLISH:
        query["lang"] = code
    return {**query, "present": "1"} if is_present() else query


def lesson_list() -> None:
    if st.query_params.get("lesson") is None:  # the list page itself (render_lesson has drawn the picker)
        language_picker()
    st.title(_("Lessons"))
    st.markdown(_("A path for a class, in an order that builds. Each lesson measures its claim on this run."))
    for number, lesson in enumerate(LESSONS.values(), start=1):
        label = _("{number}. {title}").format(number=number, title=_(lesson.title))
        st.page_link(LESSON_PAGE, label=label, query_params=link_query(lesson.slug, 1))
        st.caption(
            _("{promise} {steps}, about {minutes}.").format(promise=_(lesson.promise), **steps_and_minutes(lesson))
        )


def seed() -> int:
    """The seed from the link (seed=...), 0 if it has none or a bad one."""
    raw = st.query_params.get("seed", "0")
    return int(raw) if raw.isdigit() and int(raw) < 2**31 else 0


def step_number(lesson: Lesson) -> int:
    """The link's step, kept within the lesson (a bad value opens step 1)."""
    raw = st.query_params.get("step", "1")
    return min(max(int(raw), 1), len(lesson.steps)) if raw.isdigit() else 1


def go_to(step: int) -> None:
    st.query_params["step"] = str(step)


def lesson_models(lesson: Lesson, at_seed: int) -> tuple | None:
    """The lesson's trained models (each trained once per server), or None while one is queued or training."""
    jobs = [training_jobs().start(text, settings) for text, settings in lesson.presets(at_seed)]
    for job in jobs:
        if not job.done:
            job.wait(INLINE_WAIT_S)
        if not job.done:
            if job.started:
                live(job, job.settings.layers)  # the loss and the best heads' scores: the phase change, live
            else:
                waiting(job)
            return None
        if job.error or job.model is None:
            st.warning(_("The lesson's model could not be trained: {error}").format(error=job.error))
            return None
    return tuple(job.model for job in jobs)


@st.cache_resource(max_entries=64, show_spinner=False)
def measured(slug: str, at_seed: int, lang: str, _models: tuple) -> Any:
    """The lesson's measurement for this seed (its models are determined by the slug and the seed), its claim's
    sentence in the page's language `lang` (lab.i18n.code(), the active language)."""
    del lang  # a cache key: the claim is written in the active language
    return LESSONS[slug].measure(_models, at_seed)


def lesson_page(number: int, lesson: Lesson) -> None:
    style = PRESENTATION_CSS + LESSON_CSS if is_present() else LESSON_CSS
    st.html(style)  # our own style sheets, no user text in them: style only, so no element and no Markdown
    at_seed, step = seed(), step_number(lesson)
    models = lesson_models(lesson, at_seed)
    if models is None:
        return
    found = measured(lesson.slug, at_seed, i18n.code(), models)
    shown = lesson.steps[step - 1]
    st.subheader(
        _("{number}. {lesson} · step {step} of {steps}: {title}").format(
            number=number, lesson=_(lesson.title), step=step, steps=len(lesson.steps), title=_(shown.title)
        )
    )
    words, picture = st.columns([2, 3], gap="large")
    with words:
        st.markdown(shown.said(shown.look))
        st.markdown(_("**Ask:** {question}").format(question=shown.said(shown.ask)))
        st.markdown(_("**Try:** {suggestion}").format(suggestion=shown.said(shown.try_this)))
        if step == len(lesson.steps):
            claim = claim_of(found)
            (st.success if claim.holds else st.warning)(claim.sentence)
        steppers(step, len(lesson.steps))
    with picture:
        show_chart(
            shown.picture(found), width="content", key=f"lesson_picture_{lesson.slug}_{step}"
        )  # a new chart per step
    if not is_present():
        # Written when clicked, in another context: it runs in a copy of this run's, so in the page's language
        sheet = partial(contextvars.copy_context().run, teacher_sheet, lesson, number, found, at_seed)
        with st.container(horizontal=True):
            st.download_button(_("Teacher's sheet (Markdown)"), sheet, file_name=f"lesson-{number}-{lesson.slug}.md",
                               mime="text/markdown", on_click="ignore", key="sheet")  # fmt: skip
            st.page_link(PAGE, label=_("All lessons"))


def steppers(step: int, steps: int) -> None:
    """Previous/Next with ← →, and hidden twins for a clicker's PageUp/PageDown (one shortcut per button)."""
    moves = ((_("◀ Previous"), -1, "Left", "PageUp"), (_("Next ▶"), 1, "Right", "PageDown"))
    with st.container(horizontal=True):
        for label, delta, key, _clicker in moves:
            st.button(label, on_click=go_to, args=(step + delta,), key=f"lesson_{delta}", shortcut=key,
                      disabled=not 1 <= step + delta <= steps, help=_("Key: {key}").format(key=key))  # fmt: skip
    with st.container(key=CLICKER):
        for label, delta, _key, clicker in moves:
            st.button(label, on_click=go_to, args=(step + delta,), key=f"lesson_clicker_{delta}", shortcut=clicker,
                      disabled=not 1 <= step + delta <= steps)  # fmt: skip
