"""The settings table, the session's state, and the link that carries it.

One row per setting: its default and range (which links are validated against) and its label, help
and unit (which its widget is built from), so a widget's range can never disagree with its link.

Links are written here rather than with widgets' bind="query-params": Streamlit 1.67 resets an
out-of-range URL value to the default where the lab clamps it (temperature=99 gives 3.0), and it
keeps no value for widgets a run does not draw (the training settings count in every view).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Literal

import streamlit as st
from streamlit.errors import StreamlitAPIException

import attention
from attention.charts import export
from attention.core.parameters import POSITION_KINDS
from attention.teaching import collection, induction
from attention.teaching.examples import DEFAULT_EXAMPLE, EXAMPLES
from attention.tokens.tokenization import Tokenized
from attention.training.settings import TOKENIZATIONS, TrainingSettings

from . import replica, session
from .long_texts import store_text, stored_text
from .serving import limits, links
from .serving.links import Setting

_LOG = logging.getLogger(__name__)

VIEW_NAMES = (
    "Predict",
    "Train",
    "Attention on the words",
    "Attention map",
    "Step by step",
    "Generate",
    "What if",
    "Embedding map",
    "Tokens",
    "Induction heads",
    "The blog's method: a toy",
)  # the views, in order; lab/views/__init__.py maps each to its module
TRAINING_SOURCES = {
    "collection": "the built-in stories",
    "upload": "a .txt file you upload",
    "prompt": "the prompt itself (it memorises it)",
}
"""What the model reads -> how the Train view names it. The prompt is what every view inspects."""
EDITS = {"shuffle": "shuffle the earlier words", "remove": "remove one word", "replace": "replace one word"}
TRAINING_DEFAULTS = TrainingSettings()
TEXT_KEY = "text_key"
"""Link key for a text too long for the URL: its key in the server's text store (lab/serving/text_store.py)."""
TRAIN_KEY = "train_key"
"""Link key for an uploaded training text: its key in the server's text store."""
TRAINING_MARK = "training"
"""Link key set to "1" while the session's model trains, so a page reopened after a restart can say so."""


WidgetKind = Literal[
    "slider", "select_slider", "selectbox", "radio", "segmented_control", "toggle", "number_input", "none"
]
"""The Streamlit widget a setting is drawn with; "none" for a value with no widget of its own (Sample again's draw)."""


@dataclass(frozen=True)
class Control:
    """A setting and its widget: `kind` is the Streamlit widget, `setting` the default and range links accept."""

    setting: Setting
    kind: WidgetKind
    label: str = ""
    help: str | None = None
    step: int | float | None = None
    labels: dict = field(default_factory=dict)  # option -> shown text, for choices


CONTROLS: dict[str, Control] = {
    "example": Control(
        Setting(DEFAULT_EXAMPLE, choices=tuple(EXAMPLES)), "selectbox", "Example prompt",
        "Built-in texts written for this lab. Choosing one replaces the prompt; the first six are new to the "
        "model trained on the built-in stories.",
    ),
    "reads": Control(
        Setting("collection", choices=tuple(TRAINING_SOURCES)), "radio", "The model reads",
        "What the model learns from. The prompt above is what every view asks it about: with the built-in "
        "stories or your own file, the prompt can be a sentence it has never read.", labels=TRAINING_SOURCES,
    ),
    "present": Control(Setting(False), "toggle", "Presentation mode", "Large type and wide charts for projecting."),
    "faithful": Control(
        Setting(False), "toggle", "Blog-faithful (with its bugs)",
        "Reproduce the blog post's numbers exactly, double exponential included.",
    ),
    "dim": Control(
        Setting(3, low=2, high=limits.MAX_EMBEDDING_DIM), "slider", "Blog embedding size d_e",
        "Length of each word's random vector. The blog uses 3.",
    ),
    "seed": Control(
        Setting(0, low=0, high=2**31 - 1), "number_input", "Seed",
        "Fixes the random embeddings, the sampling and the training, so everyone sees the same numbers.", step=1,
    ),
    "temperature": Control(
        Setting(1.0, low=0.1, high=3.0), "slider", "Temperature τ",
        "τ divides the scores before the softmax: below 1 sharpens the distribution, above 1 flattens it.", step=0.1,
    ),
    "top_k": Control(
        Setting(10, low=3, high=limits.MAX_TOP_K), "slider", "Words shown in the chart",
        "How many of the most probable next words to chart.",
    ),
    "position": Control(
        Setting(9, low=1), "slider", "Predict the word after token number",
        "The last word the model sees. The token after it is the 'true' next word.",
    ),  # its top is the text's length: clamped by the controls
    "window": Control(Setting(4, low=1), "slider", "Context window k (words it may look at)"),  # top: position
    "view": Control(
        Setting(VIEW_NAMES[0], choices=VIEW_NAMES), "segmented_control", "View",
        "Each view shows the same prediction from another side.",
    ),
    "draw": Control(Setting(0, low=0, high=10**9), "none"),  # Sample again
    "t_window": Control(
        Setting(TRAINING_DEFAULTS.context_window, low=1, high=limits.MAX_CONTEXT_WINDOW), "slider",
        "Model window n_ctx", "The longest context the model trains with; a prediction uses at most this many words.",
    ),
    "t_dim": Control(
        Setting(TRAINING_DEFAULTS.dim, choices=(8, 16, 32, 64)), "select_slider", "Model dimension d",
        "Length of each word vector.",
    ),
    "t_heads": Control(
        Setting(TRAINING_DEFAULTS.heads, choices=(1, 2, 4)), "select_slider", "Heads",
        "Attention heads: each looks at the context in its own way (d is split between them).",
    ),
    "t_positions": Control(
        Setting(TRAINING_DEFAULTS.positions, choices=POSITION_KINDS), "selectbox", "Positions",
        "How the model knows word order: learned vectors, fixed sine waves, or none at all.",
    ),
    "t_epochs": Control(
        Setting(TRAINING_DEFAULTS.epochs, low=10, high=limits.MAX_EPOCHS), "slider", "Epochs (at most)",
        "Passes over the text; training stops earlier when held-out loss stops improving.", step=10,
    ),
    "t_lr": Control(
        Setting(TRAINING_DEFAULTS.learning_rate, choices=(0.001, 0.003, 0.01, 0.03)), "select_slider",
        "Learning rate", "Adam's step size. 0.01 suits these small models.",
    ),
    "t_tied": Control(
        Setting(TRAINING_DEFAULTS.tied), "toggle", "Tie output to E", "Use the embedding matrix E as the output layer."
    ),
    "t_tokens": Control(
        Setting(TRAINING_DEFAULTS.tokenization, choices=TOKENIZATIONS), "segmented_control", "Tokens",
        "Words: each word and mark is a token, and a word the model never learned reads as <unk>. Subwords: "
        "byte-pair encoding, as GPT models use: frequent words are one token, rare ones a few pieces, any "
        "character at worst its bytes, so no text is unknown.",
        labels={"words": "words", "subwords": "subwords (BPE)"},
    ),
    "t_merges": Control(
        Setting(TRAINING_DEFAULTS.merges, choices=(0, 100, 300, 1000, 2000, 4000)), "select_slider",
        "BPE merges", "Subwords only: how many pairs BPE glues into new tokens (0: single characters).",
    ),
    "t_layers": Control(
        Setting(TRAINING_DEFAULTS.layers, low=1, high=limits.MAX_LAYERS), "slider", "Layers L",
        "Attention layers stacked on the residual stream; two can build an induction head (see that lesson).",
    ),
    "t_mlp": Control(
        Setting(TRAINING_DEFAULTS.mlp), "toggle", "MLP block",
        "After each attention, every word vector goes through a small network: d -> 4d -> d.",
    ),
    "t_layernorm": Control(
        Setting(TRAINING_DEFAULTS.layernorm), "toggle", "LayerNorm", "Normalise each word's vector before each block."
    ),
    "ind_words": Control(
        Setting(40, low=induction.MIN_WORDS, high=induction.MAX_WORDS), "slider", "Made-up words in the lesson's text",
        "The text's segments draw their words from this many made-up words: fewer means more repeats inside a segment.",
    ),
    "ind_layers": Control(Setting(2, low=1, high=3), "none"),  # the lesson's model: 2, or 1 for the contrast
    "gen_words": Control(Setting(12, low=1, high=limits.MAX_GENERATED_WORDS), "slider", "Words to generate"),
    "gen_top_k": Control(
        Setting(0, low=0, high=limits.MAX_TOP_K), "slider", "Sample only from the top N words (0 = all)",
        "Keep the N most probable words, renormalise, then sample. 1 always takes the most probable word.",
    ),
    "edit": Control(Setting("shuffle", choices=tuple(EDITS)), "radio", "Change", labels=EDITS),
}  # fmt: skip
SETTINGS: dict[str, Setting] = {key: control.setting for key, control in CONTROLS.items()}
"""What a link may carry: every setting's default and range, read from the table above."""


def value(key: str, *, low: float | None = None, high: float | None = None):
    """Setting `key` as this session has it, always valid: a widget's value is whatever the client sent (an
    option not offered, None, NaN), so every reader takes it through here (low/high: a range narrower than
    the table's, such as the position's top, the text's length)."""
    return SETTINGS[key].valid(st.session_state.get(key), low=low, high=high)


def repair() -> None:
    """Put any setting a client forged back in range before this run draws its widgets (a widget shows, and a
    link carries, what the session holds). Widgets drawn already in this run keep theirs; readers use value()."""
    for key, setting in SETTINGS.items():
        held = st.session_state.get(key)
        fixed = setting.valid(held)
        if key in st.session_state and (type(fixed) is not type(held) or fixed != held):
            _LOG.debug("session value %s=%.80r replaced by %r", key, held, fixed)
            with contextlib.suppress(StreamlitAPIException):  # drawn already in this run
                st.session_state[key] = fixed


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
        return collection.collection("en")
    if source == "upload":
        return session.UPLOAD_TEXT.get() or ""
    return prompt
