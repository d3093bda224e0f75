"""Long texts and the page: a link's key turned back into its text, a long text stored for a link.

The store itself (lab/serving/text_store.py) knows nothing of Streamlit; this is where the session learns
what became of a link's text, so the text box can say it.
"""

from __future__ import annotations

import logging

import streamlit as st

from attention.i18n import _, count, ngettext

from . import session
from .serving import limits
from .serving.text_store import Store, StoreUnavailable, open_store, text_key

_LOG = logging.getLogger(__name__)


def missing_text() -> str:
    """The text box's warning when the link's stored text is gone, in the active language."""
    return ngettext(
        "This link's text is no longer on this server: a stored text nobody opens for {days} day is let go (the "
        "least recently opened go first when the store is full), and a link made on another server keeps its text "
        "there. The page shows an example instead; paste the text again and the page makes a new link.",
        "This link's text is no longer on this server: a stored text nobody opens for {days} days is let go (the "
        "least recently opened go first when the store is full), and a link made on another server keeps its text "
        "there. The page shows an example instead; paste the text again and the page makes a new link.",
        limits.MAX_STORED_TEXT_AGE_DAYS,
    ).format(days=count(limits.MAX_STORED_TEXT_AGE_DAYS))


def store_down() -> str:
    """The text box's warning when the store of long texts fails, in the active language."""
    return _(
        "The server cannot keep long texts right now: its store of long texts failed (the server's log says why), "
        "so this link's text could not be read here. The page shows an example instead; paste the text again. "
        "Its other settings are as the link had them."
    )


@st.cache_resource(show_spinner=False)
def text_store() -> Store | None:
    """The server's store of long texts (lab/serving/text_store.py open_store), or None if it cannot be made."""
    try:
        return open_store()
    except Exception as error:  # a bad LAB_STORE_URL, psycopg missing: the page still works, without stored texts
        _LOG.warning("text store unavailable, long texts stay out of links: %s", error)
        return None


def stored_text(key: str | None, slot: session.Slot[str] = session.STORED_KEY) -> str | None:
    """The text a link's key stands for; None (and a warning for the text box: gone, or the store failing).

    `slot` remembers the key, so the page does not store the same text again (one slot per text the link
    carries: the prompt's, the uploaded training text's)."""
    if key is None:
        return None
    store = text_store()
    try:
        text = store.get(key) if store is not None else None
    except StoreUnavailable:  # logged by the store
        session.MISSING_TEXT.set(store_down)
        return None
    if text is None:
        session.MISSING_TEXT.set(missing_text if store is not None else store_down)
    else:
        slot.set(key)
    return text


def store_text(text: str, slot: session.Slot[str] = session.STORED_KEY) -> str | None:
    """The store key of `text`, storing it the first time this session links it; None if it cannot be stored."""
    key = text_key(text)
    if slot.get() == key:
        return key
    store = text_store()
    if store is None:
        return None
    try:
        store.put(text)
    except StoreUnavailable:  # logged by the store
        return None
    except ValueError as error:
        _LOG.warning("could not store a text of %d characters: %s", len(text), error)
        return None
    slot.set(key)
    return key
