"""One random stream per use of a seed: the same seed gives the same numbers on every machine (a link
reproduces them), and no two uses, nor two values of one use, share a stream.

    rng = rng_for(seed, Use.PREDICT_SAMPLE, position, window, draw)

The stream's key has a fixed length, [seed, use, v1, v2, v3], a value a use does not have filled with a
non-zero sentinel: numpy's SeedSequence mixes the whole key but drops trailing zeros, so keys of different
lengths (or a use whose last value is 0) could otherwise give one stream to two uses.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

KEY_VALUES = 3
"""Most values a use adds to its key (Predict's position, window and draw)."""
UNUSED = 0x5EED
"""The key's filling for a value a use does not have: not 0, which SeedSequence would drop at the end."""
MAX_KEY_ENTRY = 2**32 - 1
"""Every key entry is one 32-bit word: a larger one would take two, and keys of one length could collide."""


class Use(Enum):
    """Every use of randomness in the library and the app: its code in the key and the values it adds."""

    TRAINING = (1, ())  # the model's initial weights, then each epoch's window order and dropout masks
    UNKNOWN_WORDS = (2, ())  # which words seen once in training are read as <unk>
    HEAD_PROBE = (3, ())  # the repeated segments every head is scored on while training
    PREDICT_SAMPLE = (4, ("position", "window", "draw"))  # Predict's sampled word
    BLOG_SAMPLE = (5, ("position", "window", "draw"))  # the blog view's sampled word
    GENERATE = (6, ("draw",))  # Generate's words
    WHAT_IF_SHUFFLE = (7, ("draw",))  # What if's shuffle of the earlier words
    BLOG_EMBEDDINGS = (8, ())  # the blog's random embeddings
    LESSON_TEXT = (9, ())  # the induction lesson's made-up words and segments
    HELD_OUT_SEGMENTS = (10, ())  # the lesson's fresh segments, for its copy accuracy
    EXAMPLE_SEGMENT = (11, ())  # the lesson's example segment, for its attention maps
    LESSON = (12, ("part",))  # the lessons' measurements (attention/teaching/lessons.py): vectors, contexts, shuffles

    @property
    def code(self) -> int:
        return self.value[0]

    @property
    def names(self) -> tuple[str, ...]:
        """The values this use adds to its key, in order."""
        return self.value[1]


def stream_key(seed: int, use: Use, *values: int) -> list[int]:  # -> [2 + KEY_VALUES] 32-bit words
    """[seed, use, v1, v2, v3]: the use's values, then UNUSED for those it does not have."""
    if len(values) != len(use.names):
        raise ValueError(f"{use.name} takes {len(use.names)} values ({', '.join(use.names) or 'none'}), got {values}")
    key = [int(seed), use.code, *(int(v) for v in values), *[UNUSED] * (KEY_VALUES - len(values))]
    if not all(0 <= entry <= MAX_KEY_ENTRY for entry in key):
        raise ValueError(f"a seed and a stream's values must be whole numbers from 0 to {MAX_KEY_ENTRY}, got {key}")
    return key


def rng_for(seed: int, use: Use, *values: int) -> np.random.Generator:
    """The random stream of `use` for this seed (and the use's values, e.g. position, window, draw)."""
    return np.random.default_rng(stream_key(seed, use, *values))
