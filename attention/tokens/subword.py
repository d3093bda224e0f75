"""Subword tokens as GPT models use them: byte-pair encoding (BPE) with a byte fallback.

Frequent words become one token (" the"), rare ones a few pieces (" token", "izer"): BPE starts
from single characters and keeps gluing the most frequent neighbouring pair. Text is first cut into
words as GPT-2 does, each word keeping its leading space, so no token spans two words. The base
alphabet is the characters seen in training (Chinese, accents and emoji stay whole characters); a
character never seen becomes its UTF-8 bytes, tokens "<0xE4>" "<0xB8>" "<0xAD>", so no text is ever
unknown and `decode(encode(s).tokens) == s` for every str, with no normalisation.

>>> tokenizer = train_bpe("the cat sat on the mat, the end", merges=3)
>>> [(m.left, m.right, m.count) for m in tokenizer.merges]
[('a', 't', 3), ('h', 'e', 3), ('t', 'he', 3)]
>>> pieces = tokenizer.encode("the hat 中")
>>> pieces.tokens
('the', ' ', 'h', 'at', ' ', '<0xE4>', '<0xB8>', '<0xAD>')
>>> pieces.labels[-3:]
('中 (byte 1 of 3)', '中 (byte 2 of 3)', '中 (byte 3 of 3)')
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import regex

from ..i18n import N_, _, count
from .bpe import apply_merges, learn_merges

PRE_TOKEN = regex.compile(
    r"'(?:s|t|re|ve|m|ll|d)"  # English contractions, as GPT-2
    r"| ?[\p{L}\p{M}]+"  # a word of any script with its leading space; marks (accents, vowel signs) join it
    r"| ?\p{N}+"  # a number
    r"| ?[^\s\p{L}\p{M}\p{N}]+"  # punctuation, symbols, emoji
    r"|\s+(?!\S)"  # a run of whitespace, leaving its last space to the word that follows
    r"|\s+"
)
"""GPT-2's pre-tokenizer, with combining marks kept in their word (GPT-2 splits "é" written as e + ◌́).

Every character falls in one alternative, so the pieces cover the text. Han and kana are letters:
a run of them is one word, which BPE then splits into frequent pieces.
"""

MAX_MERGES = 50_000
"""GPT-2 learned 50,000 merges from 40 GB of text; more than that is no teaching lab's."""

BYTE_TOKENS = tuple(f"<0x{b:02X}>" for b in range(256))
"""One token per byte value, for characters the training text never showed. A merged token can
never read "<0x41>": "<", "0" and "x" are never in one pre-token."""

_BYTE_OF = {token: b for b, token in enumerate(BYTE_TOKENS)}


BYTE_LABEL = N_("{character} (byte {place} of {bytes})")
"""How a byte token shows: the whole character it is part of, and which of its bytes it is."""


@dataclass(frozen=True)
class ByteLabel:
    """A byte token's label, kept apart from its words: a tokenized text is shared by every session, and each
    shows the label in its own language (`str()` gives it in the active one)."""

    character: str
    place: int  # 1 for the character's first byte
    of: int  # the character's bytes in UTF-8

    def __str__(self) -> str:
        return _(BYTE_LABEL).format(character=self.character, place=count(self.place), bytes=count(self.of))


Label = str | ByteLabel
"""What a picture shows for a token: its own text, or a byte token's ByteLabel."""


def said(labels: Sequence[Label]) -> tuple[str, ...]:
    """The labels as the active language shows them."""
    return tuple(label if isinstance(label, str) else str(label) for label in labels)


def _utf8(text: str) -> bytes:
    """UTF-8 that also carries lone surrogates ("\\ud800"), so every Python str round-trips."""
    return text.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class Merge:
    """One learned merge: `left` + `right` became one token, when the pair occurred `count` times.

    The count is of places in the training text's words, at the moment of the merge (the largest
    then); overlapping places count, as BPE ranks pairs that way ("aaa" holds "aa" twice).
    """

    left: str
    right: str
    count: int

    @property
    def token(self) -> str:
        return self.left + self.right


@dataclass(frozen=True)
class Pieces:
    """A text cut into tokens, with what a UI needs to show them: spans and which word each is in.

    `spans[i]` is token i's [start, end) in `text`; the byte tokens of one character all carry that
    character's span. `word_index[i]` numbers the pre-token word token i belongs to (a run of spaces
    or newlines is a word of its own), so a UI can visibly join the pieces of one word.
    """

    text: str
    tokens: tuple[str, ...]  # [n] model-facing strings: " the", "ing", "<0xE4>"
    ids: tuple[int, ...]  # [n] positions in the tokenizer's vocabulary
    spans: tuple[tuple[int, int], ...]  # [n] (start, end) in text
    word_index: tuple[int, ...]  # [n] which word of text

    def __len__(self) -> int:
        return len(self.tokens)

    def continues_word(self, i: int) -> bool:
        """True if token i is not the first piece of its word (so a UI draws it joined to the last)."""
        return i > 0 and self.word_index[i] == self.word_index[i - 1]

    @property
    def labels(self) -> tuple[str, ...]:
        """What to show for each token, never a broken character, in the active language.

        A token's own text without its leading space (" the" shows "the"; a token that is only
        whitespace shows as it is). A byte token shows the whole character it is part of, marked:
        "中 (byte 1 of 3)".
        """
        return said(self.label_parts)

    @functools.cached_property
    def label_parts(self) -> tuple[Label, ...]:
        """The labels before they are worded: a byte token's is a ByteLabel, said in the language that shows it."""
        labels: list[Label] = []
        for i, (token, (start, end)) in enumerate(zip(self.tokens, self.spans, strict=True)):
            shown = self.text[start:end]
            if token in _BYTE_OF:
                first = i
                while first > 0 and self.spans[first - 1] == (start, end):
                    first -= 1
                labels.append(ByteLabel(shown, i - first + 1, len(_utf8(shown))))
            else:
                labels.append(shown[1:] if shown.startswith(" ") and shown.strip() else shown)
        return tuple(labels)


@dataclass(frozen=True)
class SubwordTokenizer:
    """BPE learned on a text: its alphabet, its merges in order, and the vocabulary they make.

    `vocabulary` is the 256 byte tokens, then the alphabet (in code-point order), then one token per
    merge (a merge whose token is already there, which BPE allows, adds none). Immutable: one
    tokenizer can serve every session.
    """

    alphabet: tuple[str, ...]  # single characters, in code-point order
    merges: tuple[Merge, ...]  # in the order learned
    vocabulary: tuple[str, ...] = field(init=False)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _ranks: dict[tuple[int, int], tuple[int, int]] = field(init=False, repr=False, compare=False)
    _cut: Callable[[str], tuple[tuple[int, ...], tuple[tuple[int, int], ...]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if any(len(ch) != 1 for ch in self.alphabet) or list(self.alphabet) != sorted(set(self.alphabet)):
            raise ValueError("alphabet must be distinct single characters in code-point order, e.g. sorted(set(text))")
        index = {token: i for i, token in enumerate(BYTE_TOKENS + self.alphabet)}
        ranks: dict[tuple[int, int], tuple[int, int]] = {}
        for rank, merge in enumerate(self.merges):
            if not (merge.left in index and merge.right in index) or {merge.left, merge.right} & _BYTE_OF.keys():
                raise ValueError(
                    f"merge {rank} ({merge.left!r} + {merge.right!r}) must join tokens of the alphabet or of earlier "
                    "merges (byte tokens never merge); keep the merges in the order train_bpe() learned them"
                )
            index.setdefault(merge.token, len(index))
            ranks.setdefault((index[merge.left], index[merge.right]), (rank, index[merge.token]))
        object.__setattr__(self, "vocabulary", tuple(index))
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_ranks", ranks)
        object.__setattr__(self, "_cut", functools.lru_cache(maxsize=2**16)(self._cut_word))  # words repeat

    def __reduce__(self) -> tuple[type, tuple]:
        return type(self), (self.alphabet, self.merges)  # pickles (st.cache_data) without the cache

    def _cut_word(self, word: str) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        """One pre-token's token ids and their [start, end) within the word."""
        symbols, starts, ends = [], [], []
        for at, ch in enumerate(word):
            ids = [self._index[ch]] if ch in self._index else list(_utf8(ch))  # byte b has id b
            symbols += ids
            starts += [at] * len(ids)
            ends += [at + 1] * len(ids)
        merged, first = apply_merges(symbols, self._ranks)
        last = [*(start - 1 for start in first[1:]), len(symbols) - 1]
        return tuple(merged), tuple((starts[a], ends[b]) for a, b in zip(first, last, strict=True))

    def encode(self, text: str) -> Pieces:
        """`text` cut into tokens: pre-tokenized into words, then each word cut by the merges."""
        if not isinstance(text, str):
            raise TypeError(f"encode() needs a str, got {type(text).__name__}")
        ids: list[int] = []
        spans: list[tuple[int, int]] = []
        word_index: list[int] = []
        for w, match in enumerate(PRE_TOKEN.finditer(text)):
            word_ids, word_spans = self._cut(match.group())
            ids += word_ids
            spans += [(match.start() + start, match.start() + end) for start, end in word_spans]
            word_index += [w] * len(word_ids)
        tokens = tuple(self.vocabulary[i] for i in ids)
        return Pieces(text, tokens, tuple(ids), tuple(spans), tuple(word_index))

    def decode(self, tokens: Sequence[str] | Sequence[int]) -> str:
        """The text of a sequence of tokens or of ids; `decode(encode(s).tokens) == s`.

        Byte tokens join into characters. Bytes that make no character (a model's sample may stop
        mid-character) show as U+FFFD.
        """
        data = bytearray()
        for token in tokens:
            if isinstance(token, str) and token not in self._index:
                raise ValueError(f"{token!r} is not a token of this tokenizer; use tokens from encode() or ids")
            if not isinstance(token, str) and not 0 <= operator.index(token) < len(self.vocabulary):
                raise ValueError(f"id {token} is not in the vocabulary; ids go from 0 to {len(self.vocabulary) - 1}")
            token = token if isinstance(token, str) else self.vocabulary[token]
            data += bytes([_BYTE_OF[token]]) if token in _BYTE_OF else _utf8(token)
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return data.decode("utf-8", "replace")

    def cost(self, word: str) -> int:
        """How many tokens `word` costs in the middle of a sentence, i.e. encoded with a leading space."""
        if not isinstance(word, str):
            raise TypeError(f"cost() needs a str, got {type(word).__name__}")
        if not word:
            raise ValueError(f"cost() needs a non-empty word such as 'cat', got {word!r}")
        return len(self.encode(" " + word))


def count_words(text: str) -> Counter[str]:  # -> pre-token word -> times it occurs
    """The words BPE learns from: `text` cut by the GPT-2 pattern, counted."""
    return Counter(PRE_TOKEN.findall(text))


def train_bpe(text: str, merges: int) -> SubwordTokenizer:
    """BPE learned on `text`: at most `merges` merges (0: characters only; fewer if no pair is left).

    Each merge glues the pair of neighbouring tokens that occurs most often in the text's words, so
    frequent words end up whole. The merges are those Hugging Face tokenizers' BpeTrainer learns with
    the same pre-tokenizer, in the same order. An empty text gives a tokenizer of bytes only.
    """
    if not isinstance(text, str):
        raise TypeError(f"train_bpe() needs a str, got {type(text).__name__}")
    if isinstance(merges, bool) or not isinstance(merges, int) or not 0 <= merges <= MAX_MERGES:
        raise ValueError(f"merges must be a whole number from 0 (characters only) to {MAX_MERGES:,}, got {merges!r}")
    counts = count_words(text)
    alphabet = sorted({ch for word in counts for ch in word})
    names = list(alphabet)  # symbol id -> text, as tokenizers numbers them
    index = {ch: i for i, ch in enumerate(alphabet)}
    words = [[index[ch] for ch in word] for word in counts]
    learned = learn_merges(words, list(counts.values()), names, merges)
    return SubwordTokenizer(
        tuple(alphabet), tuple(Merge(names[left], names[right], count) for (left, right), _, count in learned)
    )
