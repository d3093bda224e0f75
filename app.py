"""Self-attention next-word lab: paste text, pick a word and a context window, watch attention predict.

Two pages (st.navigation): the **Lab** (settings from the link, the title, the sidebar, the text box, then the
stage: position, token strip, the view picker and the open view) and the **Lessons** (a list, then one lesson
at a step: lab/lessons/). Widgets live in `lab/`; every number in `attention/`.

Only what the page's first elements need is imported here: the charts (Altair, pandas) and the models are
imported by `lab()` once the title, the sidebar and the text box are on their way, so a browser draws those
while the server imports the rest on its first page.
"""

from __future__ import annotations

import streamlit as st

from attention.i18n import _
from lab import controls, css, state
from lab.lessons import LESSON_PAGE
from lab.lessons import PAGE as LESSONS_PAGE  # the package: its pages' scripts import their catalog when opened


def lab() -> None:
    """Today's page: the views of your own prompt and model."""
    st.html(css.PRESENTATION_CSS if state.value("present") else css.PAGE_CSS)  # style only: no element, no Markdown
    if not state.value("present"):  # a projector's screen belongs to the strip and the chart (the tab has the title)
        st.title(_("Self-attention next-word lab"))
    controls.sidebar()
    text = controls.text_input()
    from lab import models, page  # the charts and the models: after the elements above are sent

    models.warm_up_default_model()  # once per server: Predict opens on the built-in example's trained model
    page.stage(text)


state.load_from_link()
state.repair()  # a widget's value is whatever the client sent: back in range before any widget is drawn
st.set_page_config(  # after the link is read: its title is in the page's language
    page_title=_("Self-attention next-word lab"),
    page_icon="🔎",  # with none the tab shows the page's Material icon, which the browser fetches from Google
    layout="wide",
    initial_sidebar_state="collapsed" if st.query_params.get("present") == "1" else "auto",
)
pages = [
    st.Page(lab, title=_("Lab"), icon=":material/science:", url_path="lab", default=True),
    st.Page(LESSONS_PAGE, title=_("Lessons"), icon=":material/school:", url_path="lessons"),
    st.Page(LESSON_PAGE, title=_("Lesson"), url_path="lesson", visibility="hidden"),
]
st.navigation(pages).run()
