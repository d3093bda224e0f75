"""Self-attention next-word lab: paste text, pick a word and a context window, watch attention predict.

Two pages (st.navigation): the **Lab** (settings from the link, the title, the sidebar, the text box, then the
stage: position, token strip, the view picker and the open view) and the **Lessons** (a list, then one lesson
at a step: lab/lessons/). Widgets live in `lab/`; every number in `attention/`.
"""

from __future__ import annotations

import streamlit as st

from attention.i18n import _
from lab import controls, page, state
from lab import models as training
from lab.lessons import LESSON_PAGE
from lab.lessons import PAGE as LESSONS_PAGE  # the package: its pages' scripts import their catalog when opened


def lab() -> None:
    """Today's page: the views of your own prompt and model."""
    st.html(page.PRESENTATION_CSS if state.value("present") else page.PAGE_CSS)  # style only: no element, no Markdown
    if not state.value("present"):  # a projector's screen belongs to the strip and the chart (the tab has the title)
        st.title(_("Self-attention next-word lab"))
    page.stage(controls.text_input())
    controls.sidebar()  # after the stage, whose values are in the session: the browser gets the charts' code first


state.load_from_link()
state.repair()  # a widget's value is whatever the client sent: back in range before any widget is drawn
st.set_page_config(  # after the link is read: its title is in the page's language
    page_title=_("Self-attention next-word lab"),
    page_icon="🔎",  # with none the tab shows the page's Material icon, which the browser fetches from Google
    layout="wide",
    initial_sidebar_state="collapsed" if st.query_params.get("present") == "1" else "auto",
)
training.warm_up_default_model()  # once per server: Predict opens on the built-in example's trained model
pages = [
    st.Page(lab, title=_("Lab"), icon=":material/science:", url_path="lab", default=True),
    st.Page(LESSONS_PAGE, title=_("Lessons"), icon=":material/school:", url_path="lessons"),
    st.Page(LESSON_PAGE, title=_("Lesson"), url_path="lesson", visibility="hidden"),
]
st.navigation(pages).run()
