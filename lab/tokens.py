"""The prompt's tokens as the current model reads them: words and marks, or the subword pieces of its tokenizer.

The subword tokenizer is the very one the model's training learns (`tokenizer_for`), learned once per
training text and merges and shared read-only by every session.
"""

from __future__ import annotations

import streamlit as st

from attention.tokens.subword import SubwordTokenizer
from attention.tokens.tokenization import Tokenized, split
from attention.training.entry import tokenizer_for
from attention.training.settings import TrainingSettings

from .serving.text_store import text_key
from .state import training_settings, training_text


@st.cache_resource(max_entries=8, show_spinner=False)
def shared_tokenizer(training_text: str, merges: int, validation: float, test: float) -> SubwordTokenizer | None:
    """The BPE pieces a subword model of this training text reads (the very tokenizer its training learns)."""
    settings = TrainingSettings(tokenization="subwords", merges=merges, validation_fraction=validation,
                                test_fraction=test)  # fmt: skip
    return tokenizer_for(training_text, settings)


@st.cache_resource(max_entries=32, show_spinner=False)
def split_prompt(text: str, _tokenizer: SubwordTokenizer | None, tokenizer_key: tuple) -> Tokenized:
    """The prompt as the model reads it; shared read-only by every session (`tokenizer_key` names the tokenizer)."""
    return split(text, _tokenizer)


def prompt_tokens(text: str) -> Tokenized:
    """The prompt cut as the current settings' model cuts it: words and marks, or its subword pieces."""
    settings = training_settings()
    if settings.tokenization != "subwords":
        return split_prompt(text, None, ())
    source = training_text(text)
    key = (text_key(source), settings.merges, settings.validation_fraction, settings.test_fraction)
    return split_prompt(text, shared_tokenizer(source, *key[1:]), key)
