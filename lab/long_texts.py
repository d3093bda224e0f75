"""Long texts and the page: a link's key turned back into its text, a long text stored for a link.

The store itself (lab/serving/text_store.py) knows nothing of Streamlit; this is where the session learns
what became of a link's text, so the text box can say it.
"""

from __future__ import annotations

import logging
import sqlite3

import streamlit as st

from .serving import limits
from .serving.text_store import TextStore, text_key

_LOG = logging.getLogger(__name__)

MISSING_TEXT = (
    "This link's text is no longer on this server: a stored text nobody opens for "
    f"{limits.MAX_STORED_TEXT_AGE_DAYS} days is let go, and a link made on another server keeps its text there. "
    "The page shows an example instead; paste the text again and the page makes a new link."
)


@st.cache_resource(show_spinner=False)
def text_store() -> TextStore | None:
    """The server's store of long texts (LAB_STORE_PATH), or None if it cannot be opened (links then lack them)."""
    try:
        return TextStore()
    except (OSError, sqlite3.Error) as error:
        _LOG.warning("text store unavailable, long texts stay out of links: %s", error)
        return None


def stored_text(key: str | None) -> str | None:
    """The text a link's key stands for; None (and a warning for the text box) if the store has no such text."""
    if key is None:
        return None
    store = text_store()
    text = store.get(key) if store is not None else None
    if text is None:
        st.session_state._missing_text = MISSING_TEXT
    else:
        st.session_state._stored_key = key
    return text


def store_text(text: str) -> str | None:
    """The store key of `text`, storing it the first time this session links it; None if it cannot be stored."""
    key = text_key(text)
    if st.session_state.get("_stored_key") == key:
        return key
    store = text_store()
    if store is None:
        return None
    try:
        store.put(text)
    except (OSError, sqlite3.Error, ValueError) as error:
        _LOG.warning("could not store a text of %d characters: %s", len(text), error)
        return None
    st.session_state._stored_key = key
    return key
