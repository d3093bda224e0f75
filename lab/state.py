"""The session's state and the link that carries it; the settings it holds are lab/table.py's.

Links are written here rather than with widgets' bind="query-params": Streamlit 1.67 resets an
out-of-range URL value to the default where the lab clamps it (temperature=99 gives 3.0), and it
keeps no value for widgets a run does not draw (the training settings count in every view).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

import attention
from attention.teaching import collection
from attention.teaching.examples import DEFAULT_EXAMPLES, EXAMPLES
from attention.tokens.tokenization import Tokenized
from attention.training.settings import TrainingSettings

from . import i18n, replica, session
from .long_texts import store_text, stored_text
from .serving import links
from .table import SETTINGS

_LOG = logging.getLogger(__name__)

TEXT_KEY = "text_key"
"""Link key for a text too long for the URL: its key in the server's text store (lab/serving/text_store.py)."""
TRAIN_KEY = "train_key"
"""Link key for an uploaded training text: its key in the server's text store."""
TRAINING_MARK = "training"
"""Link key set to "1" while the session's model trains, so a page reopened after a restart can say so."""


def value(key: str, *, low: float | None = None, high: float | None = None):
    """Setting `key` as this session has it, always valid: a widget's value is whatever the client sent (an
    option not offered, None, NaN), so every reader takes it through here (low/high: a range narrower than
    the table's, such as the position's top, the text's length)."""
    return SETTINGS[key].valid(st.session_state.get(key), low=low, high=high)


def repair() -> None:
    """Put any setting a client forged back in range before this run draws its widgets (a widget shows, and a
    link carries, what the session holds). Widgets drawn already in this run keep theirs; readers use value().
    Every run and fragment starts here, so it also sets the language `_` answers in."""
    for key, setting in SETTINGS.items():
        held = st.session_state.get(key)
        fixed = setting.valid(held)
        if key in st.session_state and (type(fixed) is not type(held) or fixed != held):
            _LOG.debug("session value %s=%.80r replaced by %r", key, held, fixed)
            with contextlib.suppress(StreamlitAPIException):  # drawn already in this run
                st.session_state[key] = fixed
    i18n.activate()


def training_settings() -> TrainingSettings:
    """The trained model's settings as the session has them (the Train view's widgets, or a link)."""
    return TrainingSettings(
        context_window=value("t_window"), dim=value("t_dim"), heads=value("t_heads"),
        positions=value("t_positions"), tied=value("t_tied"), epochs=value("t_epochs"),
        learning_rate=value("t_lr"), seed=value("seed"), layers=value("t_layers"), mlp=value("t_mlp"),
        layernorm=value("t_layernorm"),
        tokenization=value("t_tokens"), merges=value("t_merges"),
    )  # fmt: skip


def load_from_link() -> None:
    """Once per session: every setting from the URL (or its default), and the text (in the URL or the store)."""
    if session.LOADED.get():
        return
    query = st.query_params.to_dict()
    values = {key: setting.default for key, setting in SETTINGS.items()}
    values.update(links.decode(query, SETTINGS))
    if "lang" not in query:  # the browser's language, if the lab speaks it; the sidebar changes it
        values["lang"] = i18n.from_browser(st.context.locale)
    if not set(query) - FRESH_KEYS and values["lang"] in collection.LANGUAGES:  # a fresh page: its language's
        values["stories"] = values["lang"]  # stories and their first prompt (a link says which, so a link shows
        values["example"] = DEFAULT_EXAMPLES[str(values["lang"])]  # the same numbers in every language)
    for key, held in values.items():
        st.session_state[key] = held
    st.session_state.text = query.get("text") or stored_text(query.get(TEXT_KEY)) or EXAMPLES[str(values["example"])]
    if value("reads") == "upload":
        session.UPLOAD_TEXT.set(stored_text(query.get(TRAIN_KEY), session.STORED_UPLOAD_KEY))
    if replica.written_elsewhere(query):  # this page's server died and this one took over (lab/replica.py)
        session.TOOK_OVER.set((training_text(st.session_state.text), training_settings()))
    elif query.get(TRAINING_MARK) == "1":  # the model was training when this server last wrote the link
        session.INTERRUPTED.set((training_text(st.session_state.text), training_settings()))
    session.LOADED.set(True)


FRESH_KEYS = frozenset({"lang", "present"})
"""A link with no other key opens the page as new: on the stories and prompt of the page's language."""


def save_to_link(text: str) -> None:
    """Keep the URL in step with the settings, so a copied link reopens the same numbers.

    A text that fits goes in the link itself; a longer one goes to the server's store and the link
    carries its key. While the session's model trains, the link also says so (TRAINING_MARK), and while it
    has a model, which server it is on (replica.SERVER_MARK).
    """
    values = {key: value(key) for key in SETTINGS}
    query = links.encode(values, SETTINGS)
    upload = session.UPLOAD_TEXT.get() if value("reads") == "upload" else None
    if upload and (key := store_text(upload, session.STORED_UPLOAD_KEY)) is not None:
        query[TRAIN_KEY] = key
    if text != EXAMPLES[str(values["example"])]:
        if links.text_fits_in_link(text):
            query["text"] = text
        elif (key := store_text(text)) is not None:
            query[TEXT_KEY] = key
    job = session.JOB.get()
    if job is not None:
        query[replica.SERVER_MARK] = replica.this_server()
        if not job.done:
            query[TRAINING_MARK] = "1"
    if dict(st.query_params.to_dict()) != query:
        st.query_params.from_dict(query)


def shared_query() -> dict[str, str]:
    """The link to share: the page's query without the training and server marks (another reader is not
    mid-training, and opens it on whichever server)."""
    marks = (TRAINING_MARK, replica.SERVER_MARK)
    return {key: held for key, held in st.query_params.to_dict().items() if key not in marks}


def clamp(key: str, low: int, high: int) -> int:
    """Keep a slider's remembered value inside its current range (texts change under it)."""
    clamped = value(key, low=low, high=high)
    st.session_state[key] = clamped
    return clamped


@dataclass(frozen=True)
class ViewContext:
    """Everything a view needs, fixed for one run: the text, the chosen word and window, the settings."""

    text: str  # the prompt: what every view inspects
    tokens: tuple[str, ...]
    vocabulary: attention.Vocabulary
    tokenized: Tokenized  # the prompt's tokens with their labels and word joins
    position: int  # 0-based index of the last context word (the word we predict after)
    window: int  # k: context words, up to and including `position`
    faithful: bool
    dim: int
    seed: int
    temperature: float
    top_k: int
    training: TrainingSettings
    training_text: str = ""  # what the model reads: the built-in collection, an upload, or the prompt itself
    training_source: str = "collection"  # a key of TRAINING_SOURCES

    @property
    def token_word(self) -> str:
        """'word', or 'token' when the model reads subword pieces (the next token may be part of a word)."""
        return "token" if self.training.tokenization == "subwords" else "word"

    @property
    def memorising(self) -> bool:
        """True when the model reads the prompt itself: its scores on the prompt measure memory."""
        return self.training_source == "prompt"

    @property
    def context(self) -> list[str]:
        return list(self.tokens[attention.context_slice(len(self.tokens), self.position, self.window)])

    @property
    def true_next(self) -> str | None:
        return self.tokens[self.position + 1] if self.position + 1 < len(self.tokens) else None

    def title_line(self, method: str) -> str:
        """The line an exported picture carries: the text's first words, the position, the method, the seed."""
        from attention.charts import export  # Altair: imported after the page's first elements are on their way

        return export.export_title(self.text, position=self.position + 1, method=method, seed=self.seed)

    @property
    def label(self) -> str:
        """For file names: 'after-10-tree'."""
        return f"after-{self.position + 1}-{self.tokens[self.position]}"


def view_context(text: str, tokenized: Tokenized, position: int) -> ViewContext:
    return ViewContext(
        text=text, tokens=tokenized.tokens, vocabulary=attention.Vocabulary.from_tokens(tokenized.tokens),
        tokenized=tokenized, position=position,
        window=value("window", high=position + 1), faithful=value("faithful"), dim=value("dim"), seed=value("seed"),
        temperature=value("temperature"), top_k=value("top_k"), training=training_settings(),
        training_text=training_text(text), training_source=value("reads"),
    )  # fmt: skip


def training_text(prompt: str) -> str:
    """The text the model reads: the built-in collection, the uploaded file ("" until one is), or the prompt."""
    source = value("reads")
    if source == "collection":
        return collection.collection(value("stories"))
    if source == "upload":
        return session.UPLOAD_TEXT.get() or ""
    return prompt
