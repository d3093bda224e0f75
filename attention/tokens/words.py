"""From text to tokens to ids: `tokenize` and `Vocabulary`.

Words are runs of letters and digits in any script (accents, Cyrillic, Greek, Devanagari with its
vowel signs), keeping inner apostrophes and hyphens ("don't", "well-known"). Chinese is written
without spaces: a run of Han characters is cut into words by jieba, a maintained Chinese segmenter
(小雨 / 走 / 到 / 奶奶家), with its own dictionary, so the same text always gives the same words. Kana
(Japanese) has no segmenter here: each kana character is a token. Every other visible character is a
token of its own: punctuation marks, symbols and emoji (an emoji built from several code points, such
as a family or a flag, stays one token).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import regex

_CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
"""Han ideographs and kana: written without spaces, so each character is a token (as in BERT)."""

_LETTER = rf"(?:(?!{_CJK})[\p{{L}}\p{{N}}]|\p{{M}})"
"""A letter or digit of any script, or a combining mark (accents, Devanagari vowel signs) that joins it."""

_TOKEN = regex.compile(
    rf"{_CJK}"  # one Han or kana character
    rf"|{_LETTER}+(?:['’\-]{_LETTER}+)*"  # a word, with inner apostrophes and hyphens
    r"|(?=[^\p{L}\p{N}\p{M}\s\x1c-\x1f_])\X"  # any other visible character and what joins it: a flag, a ZWJ emoji
    r"|_"
)
# \x1c-\x1f: Python's str.isspace() counts them as space, Unicode's \s does not; both are left out.


def normalize(text: str, *, lowercase: bool = True) -> str:
    """The text as the tokenizers read it: NFC (é is one character however it was typed), lowercased."""
    text = unicodedata.normalize("NFC", text)
    return text.lower() if lowercase else text


_HAN_RUN = regex.compile(r"\p{Han}+")


@cache
def _jieba():
    """jieba's segmenter, its dictionary loaded once (about a second; only for texts with Chinese in them)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces each dictionary load on stderr
    return jieba.Tokenizer()


def chinese_words(run: str) -> list[str]:
    """A run of Han characters cut into words by jieba's dictionary (no HMM guessing of new words, so the cut
    depends on the dictionary alone): "小雨走到奶奶家" -> ["小雨", "走", "到", "奶奶家"]."""
    return list(_jieba().cut(run, HMM=False))


def token_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each of `tokenize(text)`'s tokens in `normalize(text)` (the string they are cut from)."""
    return _spans(normalize(text))


def _spans(normalized: str) -> list[tuple[int, int]]:
    spans = [match.span() for match in _TOKEN.finditer(normalized)]
    if not _HAN_RUN.search(normalized):
        return spans
    joined: list[tuple[int, int]] = []  # adjacent Han characters, one span a run, then jieba's words
    for start, end in spans:
        if (
            _HAN_RUN.fullmatch(normalized, start, end)
            and joined
            and joined[-1][1] == start
            and (_HAN_RUN.fullmatch(normalized, *joined[-1]))
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    cut: list[tuple[int, int]] = []
    for start, end in joined:
        if not _HAN_RUN.fullmatch(normalized, start, end) or end - start == 1:
            cut.append((start, end))
            continue
        for word in chinese_words(normalized[start:end]):
            cut.append((start, start + len(word)))
            start += len(word)
    return cut


def tokenize(text: str, *, lowercase: bool = True) -> list[str]:
    """Split text into word and punctuation tokens; never raises on a str.

    >>> tokenize("Don't stop: the well-known cat sat.")
    ["don't", 'stop', ':', 'the', 'well-known', 'cat', 'sat', '.']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}")
    normalized = normalize(text, lowercase=lowercase)
    if not _HAN_RUN.search(normalized):
        return _TOKEN.findall(normalized)
    return [normalized[start:end] for start, end in _spans(normalized)]


def is_word(token: str) -> bool:
    """True for a token with a letter, a digit or an emoji/symbol picture; False for punctuation."""
    return any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in token)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&^\"'])")


def escape_markdown(text: str) -> str:
    """Markdown that displays `text` as written: every ASCII punctuation mark backslash-escaped.

    CommonMark allows a backslash before any ASCII punctuation, so no emphasis, link, HTML tag,
    LaTeX ($) or emoji shortcode (:smile:) can form from user words. Newlines become spaces.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def as_code_span(text: str, *, max_chars: int | None = None) -> str:
    """Markdown that shows `text` literally: a code span fenced by more backticks than it holds.

    Inside a code span nothing is markup: no HTML, links, LaTeX, emphasis or emoji shortcodes.
    Text longer than `max_chars` is cut with "…" (a 5,000-letter "word" is not worth a page).
    """
    text = " ".join(text.split()) or " "
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


@dataclass(frozen=True)
class Vocabulary:
    """Words and their ids, in order of first appearance (the blog's order).

    >>> vocab = Vocabulary.from_tokens(["the", "cat", "the", "mat"])
    >>> vocab.words, vocab.ids(["the", "mat"])
    (('the', 'cat', 'mat'), [0, 2])
    """

    words: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {word: i for i, word in enumerate(self.words)}
        if len(index) != len(self.words):
            raise ValueError("Vocabulary words must be unique")
        object.__setattr__(self, "_index", index)

    @classmethod
    def from_tokens(cls, tokens: Iterable[str]) -> Vocabulary:
        return cls(tuple(dict.fromkeys(tokens)))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def id_of(self, word: str) -> int:
        try:
            return self._index[word]
        except KeyError:
            raise KeyError(f"{word!r} is not in the vocabulary of {len(self)} words") from None

    def ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.id_of(token) for token in tokens]


def words_by_frequency(tokens: Iterable[str]) -> list[str]:
    """Distinct tokens, most frequent first; ties keep the order of first appearance."""
    return [word for word, _ in Counter(tokens).most_common()]
