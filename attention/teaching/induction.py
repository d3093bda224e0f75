"""The induction-head lesson: texts of repeated segments, the preset that learns them, and its score.

An induction head (Olsson et al., 2022, "In-context Learning and Induction Heads") finds the previous
occurrence of the current word and predicts the word that followed it: "look one after the last time
you saw this word". One attention layer cannot do it (a word cannot look for the word *after* an earlier
copy of itself); two can: a head in layer 1 copies each word's predecessor into it (a previous-token
head), and a head in layer 2 matches the current word against those copied predecessors.

The lesson's texts are made for it: segments of 4 to 12 made-up words, each followed by its exact
repeat, segments separated by ".":

    tafo rimu bepe sulo tafo rimu bepe sulo . kiba rimu dosa kiba rimu dosa . ...

The first copy is unpredictable (its words are drawn at random), the second copy is predictable word
for word after its first word, but only by looking back: exactly the induction head's job.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.parameters import UNKNOWN_TOKEN
from ..core.streams import Use, rng_for
from ..evaluation.held_out import next_token_log_probabilities
from ..tokens.words import Vocabulary, tokenize

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
SEPARATOR = "."
MIN_SEGMENT, MAX_SEGMENT = 4, 12  # words per segment (before its repeat)
MIN_WORDS, MAX_WORDS = 20, 60  # made-up words a text of the family is drawn from


def made_up_words(count: int, rng: np.random.Generator) -> tuple[str, ...]:
    """`count` distinct pronounceable nonsense words of two syllables ("tafo", "rimu"), drawn by `rng`."""
    syllables = [c + v for c in CONSONANTS for v in VOWELS]  # 70
    words: dict[str, None] = {}
    while len(words) < count:
        first, second = rng.integers(len(syllables), size=2)
        words[syllables[first] + syllables[second]] = None
    return tuple(words)


def repeated_segments(
    words: Sequence[str],
    segments: int,
    rng: np.random.Generator,
    min_length: int = MIN_SEGMENT,
    max_length: int = MAX_SEGMENT,
) -> list[tuple[str, ...]]:
    """`segments` random segments: a length uniform in [min_length, max_length], words drawn uniformly
    (with replacement) from `words`."""
    lengths = rng.integers(min_length, max_length + 1, size=segments)
    return [tuple(words[i] for i in rng.integers(len(words), size=int(n))) for n in lengths]


def segments_tokens(segments: Sequence[Sequence[str]]) -> list[str]:
    """Each segment, then its exact repeat, then "." : the family's token stream."""
    tokens: list[str] = []
    for segment in segments:
        tokens += [*segment, *segment, SEPARATOR]
    return tokens


LESSON_SEGMENTS = 2000
"""Segments in the lesson's text (~34,000 tokens, ~165,000 characters; it never goes through the text box).
With fewer the model memorises the training segments instead of learning to copy: with 400 the held-out
loss rose from the first steps; with 1,000 and 60 words one seed of three stayed at 78% (bench/induction.py)."""


def lesson_text(words: int = 40, segments: int = LESSON_SEGMENTS, seed: int = 0) -> str:
    """A text of the family: `segments` segments of `words` made-up words, each followed by its repeat."""
    rng = rng_for(seed, Use.LESSON_TEXT)
    vocabulary = made_up_words(words, rng)
    return " ".join(segments_tokens(repeated_segments(vocabulary, segments, rng)))


def copy_targets(segments: Sequence[Sequence[str]], start: int = 0) -> np.ndarray:  # -> [M] token positions
    """Positions (in `segments_tokens(segments)`, offset by `start`) of the second copy's words after its
    first: the words an induction head can predict."""
    positions: list[int] = []
    at = start
    for segment in segments:
        n = len(segment)
        positions.extend(range(at + n + 1, at + 2 * n))  # copy words 2..n
        at += 2 * n + 1
    return np.asarray(positions, dtype=np.int64)


def fresh_segments(
    words: Sequence[str], segments: int, seen: set[tuple[str, ...]], rng: np.random.Generator
) -> list[tuple[str, ...]]:
    """Random segments of the family that are not in `seen` (the ones the model trained on)."""
    found: list[tuple[str, ...]] = []
    while len(found) < segments:
        found += [s for s in repeated_segments(words, segments - len(found), rng) if s not in seen]
    return found


def text_segments(tokens: Sequence[str]) -> tuple[set[tuple[str, ...]], tuple[str, ...]]:
    """The segments of a text of the family (each first copy) and its words, in first-appearance order."""
    seen: set[tuple[str, ...]] = set()
    current: list[str] = []
    for token in tokens:
        if token == SEPARATOR:
            half = len(current) // 2
            seen.add(tuple(current[:half]))
            current = []
        else:
            current.append(token)
    words = tuple(dict.fromkeys(t for t in tokens if t != SEPARATOR))
    return seen, words


def held_out_stream(
    tokens: Sequence[str], vocabulary: Vocabulary, context_window: int, segments: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:  # -> ids [N], targets [M]
    """Fresh segments (never in `tokens`) of the text's own words, as ids, and the copy positions to score.

    A first block of segments only gives the scored ones a full context window of the same kind of text.
    """
    seen, words = text_segments(tokens)
    rng = rng_for(seed, Use.HELD_OUT_SEGMENTS)
    warm_up: list[tuple[str, ...]] = []
    while sum(2 * len(s) + 1 for s in warm_up) < context_window:
        warm_up += fresh_segments(words, 1, seen, rng)
    scored = fresh_segments(words, segments, seen | set(warm_up), rng)
    stream = segments_tokens(warm_up) + segments_tokens(scored)
    index, unknown = {w: i for i, w in enumerate(vocabulary.words)}, vocabulary.id_of(UNKNOWN_TOKEN)
    ids = np.array([index.get(t, unknown) for t in stream], dtype=np.int64)
    return ids, copy_targets(scored, start=len(segments_tokens(warm_up)))


HELD_OUT_SEGMENTS = 150
"""Fresh segments the copy accuracy is measured on (about 1,000 scored words)."""


def copy_accuracy(model, text: str, segments: int = HELD_OUT_SEGMENTS, seed: int = 0) -> float:
    """Top-1 accuracy on the second copies (after their first word) of `segments` fresh segments made of
    the text's words and never in it, each word predicted from the context window before it."""
    ids, targets = held_out_stream(tokenize(text), model.vocabulary, model.context_window, segments, seed)
    _, guesses = next_token_log_probabilities(model.architecture, model.parameters, ids, targets)
    return float(np.mean(guesses == ids[targets]))


def example_context(text: str, length: int = 8, seed: int = 0) -> list[str]:
    """'.', a fresh segment of `length` distinct words of the text, and its repeat: where an induction head
    shows its stripe (each word of the second copy looks at the word after its first occurrence)."""
    seen, words = text_segments(tokenize(text))
    rng = rng_for(seed, Use.EXAMPLE_SEGMENT)
    segment = tuple(words[i] for i in rng.permutation(len(words))[:length])
    while segment in seen:
        segment = tuple(words[i] for i in rng.permutation(len(words))[:length])
    return [SEPARATOR, *segment, *segment]
