"""The colour-copy grammar: a text where the next word repeats one three words back, which attention can
learn and no word-pair or word-triple counter can (bench/colour_copy.py; the lesson "When does attention
beat counting?").

    the red ball is red . the blue cup is blue . ...

The text is a prepared file, `corpus/en/colour-copy.txt`, written by `corpus/make_colour_copy.py`: 800 sentences,
colour (10) and object (10) drawn uniformly once with numpy's generator seeded 0 (the text every colour-copy number
in the README was measured on).
"""

from __future__ import annotations

import numpy as np

from ..evaluation.held_out import next_token_log_probabilities
from ..tokens.words import tokenize
from .collection import example_text


def colour_copy_text() -> str:
    """'the {colour} {object} is {colour} .' 800 times, as the bench and the lesson read it."""
    return example_text("en", "colour-copy").rstrip("\n")


def copy_accuracy(model, text: str) -> float:
    """Top-1 accuracy at the copy positions (the word after "is") in the test part."""
    tokens = tokenize(text)
    ids = np.array([model.vocabulary.id_of(t) for t in tokens])
    start = model.evaluation.test_start
    targets = np.array([j for j in range(start, len(tokens)) if tokens[j - 1] == "is"])
    _, guesses = next_token_log_probabilities(model.architecture, model.parameters, ids, targets)
    return float(np.mean(guesses == ids[targets]))
