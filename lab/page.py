"""The page below the text box: the chosen word, the token strip, the tabs and the open view.

`stage` is a fragment: moving the position or the window, or anything inside a view, reruns it
alone, not the title, sidebar and text box above it.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

import attention
from attention import charts, limits, links
from attention.examples import EXAMPLES

from .controls import position_controls, widget
from .render import vega_lite_spec
from .state import TEXT_KEY, ViewContext, save_to_link, shared_query, view_context
from .views import VIEWS

PRESENTATION_CSS = """
<style>
  .stApp, .stMarkdown p, .stCaption, label p { font-size: 1.25rem !important; }
  h1 { font-size: 2.6rem !important; }
  .block-container { max-width: 100% !important; padding-left: 2rem; padding-right: 2rem; }
</style>
"""  # presentation mode's larger type; a constant: no user text ever goes into HTML


@st.cache_data(max_entries=32, show_spinner=False)
def tokenize_text(text: str) -> tuple[list[str], attention.Vocabulary]:
    tokens = attention.tokenize(text)
    return tokens, attention.Vocabulary.from_tokens(tokens)


@st.cache_data(max_entries=256, show_spinner=False)
def token_strip_spec(text: str, position: int, window: int) -> dict:
    tokens, _ = tokenize_text(text)
    strip = charts.token_strip_chart(
        tokens, position, window, span=limits.TOKEN_STRIP_SPAN, chars_per_row=limits.TOKEN_STRIP_ROW_CHARS
    )
    return vega_lite_spec(strip)


def usable_tokens(text: str) -> tuple[list[str], attention.Vocabulary] | None:
    """The text's tokens, or None after telling the user, kindly, why there is nothing to predict."""
    tokens, vocabulary = tokenize_text(text)
    if not text.strip():
        st.info("The text box is empty. Paste a few sentences, or pick an example in the sidebar.")
    elif not any(attention.is_word(token) for token in tokens):
        st.info("This text has only punctuation. Add some words so there is something to predict.")
    elif len(tokens) < limits.MIN_TOKENS:
        st.info(
            "Predicting the next word needs at least two tokens: one to look at and one after it. Add a few more words."
        )
    else:
        return tokens, vocabulary
    return None


@st.fragment
def stage(text: str) -> None:
    """Position, window and token strip, then the tabs with the open view; the link follows every change."""
    usable = usable_tokens(text)
    if usable is not None:
        tokens, vocabulary = usable
        controls, strip = st.columns([2, 3], gap="medium")
        with controls:
            position = position_controls(len(tokens))
        ctx = view_context(text, tokens, vocabulary, position)
        with strip:
            st.vega_lite_chart(token_strip_spec(text, position, ctx.window), width="content")
        view(widget("view", common={"label_visibility": "collapsed"}), ctx)  # one element, not a tab per view
    save_to_link(text)
    link_box(text)


@st.fragment
def view(name: str, ctx: ViewContext) -> None:
    """One view; a widget of its own reruns this alone (and keeps the link in step)."""
    VIEWS[name](ctx)
    save_to_link(ctx.text)


def link_box(text: str) -> None:
    with st.expander("Share this exact view", key="share_open", on_change="rerun") as box:
        if text != EXAMPLES[st.session_state.example] and not links.text_fits_in_link(text):
            if TEXT_KEY in st.query_params:
                st.info(
                    f"Your text has {len(text):,} characters, too long for a link (over "
                    f"{limits.MAX_LINK_TEXT_CHARS:,}), so it is kept on this server and the link carries its key: "
                    "the link works for anyone who opens it here, also after the server restarts."
                )
            else:
                st.info(
                    f"Your text has {len(text):,} characters, too long for a link (over "
                    f"{limits.MAX_LINK_TEXT_CHARS:,}), and the server could not keep it. The link keeps every other "
                    "setting; paste the text again after opening it."
                )
        if box.open:  # the link is built only when asked for
            base = st.context.url or ""
            st.code(f"{base}?{urlencode(shared_query())}", language=None, wrap_lines=True)
            st.caption(
                "Copy it with the button at the right of the box: it reopens the same text, settings and numbers. "
                "Long texts are kept on the server so links work."
            )
