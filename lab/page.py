"""The page below the text box: the chosen word, the token strip, the tabs and the open view.

`stage` is a fragment: moving the position or the window, or anything inside a view, reruns it
alone, not the title, sidebar and text box above it.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import streamlit as st

import attention
from attention import charts
from attention.charts.theme import apply_theme
from attention.i18n import _, count
from attention.teaching import unknown as unknown_note
from attention.teaching.examples import EXAMPLES
from attention.tokens.tokenization import Tokenized

from . import i18n
from .controls import position_controls, widget
from .models import reading, ready_model
from .render import is_dark, is_present, plain, vega_lite_spec
from .serving import limits, links
from .serving.text_store import text_key
from .state import TEXT_KEY, ViewContext, repair, save_to_link, shared_query, value, view_context
from .tokens import prompt_tokens
from .views import VIEWS


@st.cache_data(max_entries=256, show_spinner=False)
def token_strip_spec(
    _tokenized: Tokenized, text_id: tuple, position: int, window: int, attention_row: tuple | None,
    unknown: frozenset[int], dark: bool, present: bool, lang: str,
):  # fmt: skip
    """The token strip's spec, cached; `lang` keys it by the page's language (the strip's labels and titles)."""
    del lang
    tokenized = _tokenized  # named by text_id (the prompt and its tokenizer) in the cache key
    strip = charts.token_strip_chart(
        tokenized.tokens, position, window, chars_per_row=limits.TOKEN_STRIP_ROW_CHARS,
        span=limits.TOKEN_STRIP_SPAN_PRESENT if present else limits.TOKEN_STRIP_SPAN,
        attention=attention_row, labels=tokenized.labels, joins=tokenized.joins, unknown=unknown, present=present,
    )  # fmt: skip
    spec = apply_theme(vega_lite_spec(strip), dark=dark, present=present)
    spec["config"]["background"] = None  # the page's own colour, as in render.show_chart
    return spec


def strip_attention(ctx: ViewContext) -> tuple | None:
    """The chosen word's attention over its window (mean over heads), if the model is trained already;
    words beyond the model's own window get none (NaN)."""
    model = ready_model(ctx)
    if model is None:
        return None
    row = model.attention_weights(ctx.context)[:, -1].mean(axis=0)  # [n] over the words the model sees
    return (float("nan"),) * (ctx.window - len(row)) + tuple(float(w) for w in row)


def pick_position(n_tokens: int) -> None:
    """A click on the token strip picks that word (the window then follows its rules)."""
    picked = charts.picked_position(st.session_state.get("strip"))
    if picked is not None:
        st.session_state.position = min(max(picked, 1), n_tokens - 1)


def unknown_positions(ctx: ViewContext) -> frozenset[int]:
    """Positions near the chosen word (as far as the strip shows) of words the model does not know."""
    model = ready_model(ctx)
    if model is None or model.tokenizer is not None:
        return frozenset()
    span = max(limits.TOKEN_STRIP_SPAN, limits.TOKEN_STRIP_SPAN_PRESENT)
    first, last = max(0, ctx.position - span), min(len(ctx.tokens), ctx.position + span + 1)
    return frozenset(i for i in range(first, last) if not model.knows(ctx.tokens[i]))


def token_strip(ctx: ViewContext) -> None:
    """The strip, shaded by the model's attention and marking the words it does not know once the model is here."""
    unknown = unknown_positions(ctx)
    text_id = (ctx.text, ctx.training.tokenization, ctx.training.merges, text_key(ctx.training_text))
    spec = token_strip_spec(ctx.tokenized, text_id, ctx.position, ctx.window, strip_attention(ctx), unknown,
                            is_dark(), is_present(), i18n.code())  # fmt: skip
    st.vega_lite_chart(spec, width="content", theme=None, key="strip",
                       on_select=partial(pick_position, len(ctx.tokens)), selection_mode=charts.PICK)  # fmt: skip
    if not is_present():  # on a projector the screen belongs to the strip and the chart
        caption = _(
            "Click a token to see which word the model predicts after it; hover for its position and the attention "
            "it gets."
        )
        st.caption(caption + (f" {plain(_(unknown_note.MARK_NOTE))}." if unknown else ""))


def usable_tokens(text: str) -> Tokenized | None:
    """The prompt's tokens, or None after telling the user, kindly, why there is nothing to predict."""
    tokenized = prompt_tokens(text)
    tokens = tokenized.tokens
    if not text.strip():
        st.info(_("The text box is empty. Paste a few sentences, or pick an example in the sidebar."))
    elif not any(attention.is_word(token) for token in tokens):
        st.info(_("This text has only punctuation. Add some words so there is something to predict."))
    elif len(tokens) < limits.MIN_TOKENS:
        st.info(
            _(
                "Predicting the next word needs at least two tokens: one to look at and one after it. Add a few "
                "more words."
            )
        )
    else:
        return tokenized
    return None


@st.fragment
def stage(text: str) -> None:
    """Position, window and token strip, then the tabs with the open view; the link follows every change."""
    repair()  # a fragment's rerun starts here, not at the top of app.py
    tokenized = usable_tokens(text)
    if tokenized is not None:
        controls, strip = st.columns([2, 3], gap="medium")
        with controls:
            position = position_controls(len(tokenized))
        ctx = view_context(text, tokenized, position)
        strip_first = ready_model(ctx) is not None  # else the view may train the model, or wait for it, in this run
        if strip_first:
            with strip:
                token_strip(ctx)
        view(widget("view", common={"label_visibility": "collapsed"}), ctx)  # one element, not a tab per view
        if not strip_first:  # the strip's column holds only the strip: drawn after the view, it is still at the top
            with strip:  # and shows the attention and unknown words of a model that came meanwhile
                token_strip(ctx)
        with controls:  # after the view: a server's first page does not wait on tokenizing the stories for it
            if not is_present() and (read := reading(ctx)):  # what the model read, beside the strip of the prompt
                st.caption(plain(read))
    save_to_link(text)
    link_box(text)


@st.fragment
def view(name: str, ctx: ViewContext) -> None:
    """One view; a widget of its own reruns this alone (and keeps the link in step)."""
    repair()
    VIEWS[name](ctx)
    save_to_link(ctx.text)


def link_box(text: str) -> None:
    with st.expander(_("Share this exact view"), key="share_open", on_change="rerun") as box:
        if text != EXAMPLES[value("example")] and not links.text_fits_in_link(text):
            too_long = {
                "chars": count(len(text)),
                "most": count(limits.MAX_LINK_TEXT_CHARS),
                "bytes": count(limits.MAX_LINK_TEXT_BYTES),
            }
            if TEXT_KEY in st.query_params:
                st.info(
                    _(
                        "Your text has {chars} characters, too long for a link (over {most} characters, or over "
                        "{bytes} once written for a URL: other scripts and emoji take 3-12 each), so it is kept on "
                        "this server and the link carries its key: the link works for anyone who opens it here, "
                        "also after the server restarts."
                    ).format(**too_long)
                )
            else:
                st.info(
                    _(
                        "Your text has {chars} characters, too long for a link (over {most} characters, or over "
                        "{bytes} once written for a URL: other scripts and emoji take 3-12 each), and the server "
                        "cannot keep long texts right now (its store failed; the server's log says why). The link "
                        "keeps every other setting; paste the text again after opening it."
                    ).format(**too_long)
                )
        if box.open:  # the link is built only when asked for
            base = st.context.url or ""
            st.code(f"{base}?{urlencode(shared_query())}", language=None, wrap_lines=True)
            st.caption(
                _(
                    "Copy it with the button at the right of the box: it reopens the same text, settings and "
                    "numbers. Long texts are kept on the server so links work."
                )
            )
