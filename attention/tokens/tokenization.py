"""A text as a model reads it: its tokens (words, or subword pieces), where each came from, which word each is part of.

    tokenized = split(text, tokenizer)        # tokenizer None: words and marks, as `tokenize` cuts them
    tokenized.tokens                          # what the model reads: ('the', 'cat', ...) or (' the', ' c', 'at')
    tokenized.labels                          # what a picture shows: never a broken character
    tokenized.continues_word(i)               # piece i joins the piece before it (one word, several tokens)

Both kinds cut the same string, `normalize(text)` (NFC, lowercased), so scores per character compare
across them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from .subword import Label, SubwordTokenizer, said
from .words import normalize, token_spans


@dataclass(frozen=True)
class Tokenized:
    """One text cut into tokens; every tuple has one entry per token."""

    text: str  # normalize(original): the string the spans index
    tokens: tuple[str, ...]  # the model's tokens
    spans: tuple[tuple[int, int], ...]  # [start, end) of each token in `text`
    word_index: tuple[int, ...]  # the word (a pre-token) each token is part of: pieces of one word share it
    label_parts: tuple[Label, ...]  # what a picture shows for each token, byte tokens' labels not yet worded

    @property
    def labels(self) -> tuple[str, ...]:
        """What a picture shows for each token, in the active language (a byte token: "中 (byte 1 of 3)")."""
        return said(self.label_parts)

    def __len__(self) -> int:
        return len(self.tokens)

    def continues_word(self, i: int) -> bool:
        """True when token i is a later piece of the same word as token i - 1."""
        return i > 0 and self.word_index[i] == self.word_index[i - 1]

    @property
    def joins(self) -> tuple[bool, ...]:
        """continues_word for every token."""
        return tuple(self.continues_word(i) for i in range(len(self.tokens)))


def split(text: str, tokenizer: SubwordTokenizer | None = None) -> Tokenized:
    """`text` as words and marks (tokenizer None), or as the subword pieces `tokenizer` cuts it into."""
    normalized = normalize(text)
    if tokenizer is None:
        spans = token_spans(text)
        tokens = tuple(normalized[a:b] for a, b in spans)
        return Tokenized(normalized, tokens, tuple(spans), tuple(range(len(tokens))), tokens)
    pieces = tokenizer.encode(normalized)
    return Tokenized(normalized, pieces.tokens, pieces.spans, pieces.word_index, pieces.label_parts)


def words_between(text: str, start: int, end: int, spans: Sequence[tuple[int, int]] | None = None) -> int:
    """How many words and marks (`tokenize`'s tokens) of `normalize(text)` start in [start, end)."""
    starts = [a for a, _ in (token_spans(text) if spans is None else spans)]
    return bisect.bisect_left(starts, end) - bisect.bisect_left(starts, start)
