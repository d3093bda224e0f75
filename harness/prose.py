"""A generated English-like text for benchmarks: real function words, invented content words.

Sentences follow a few templates ("the old miller saw a quiet river near the town .") whose slots
draw Zipf-distributed words, so the vocabulary grows like prose (about 2,000 distinct words in
20,000 tokens) and the next word is partly predictable from the words before it.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

ONSETS = "b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sh sl st t th tr v w".split()
VOWELS = "a e i o u ai ea ee oa ou".split()
CODAS = "", "n", "r", "l", "st", "nd", "ck", "m", "t", "sh"

DETERMINERS = "the the the a a this that every one no".split()
PREPOSITIONS = "in on near under over behind with from into across".split()
CONJUNCTIONS = "and but so because while when".split()
PRONOUNS = "he she they we it".split()

TEMPLATES = (
    "D A N V D N .",
    "D N V P D A N .",
    "D A N V D N C R V D N .",
    "P D N , D N V D A N .",
    "R V D N P D N .",
    "D N V D N C D N V .",
)
"""D determiner, A adjective, N noun, V verb, P preposition, C conjunction, R pronoun."""


def _invented_words(rng: np.random.Generator, count: int, suffix: str = "") -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.integers(1, 4)
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))
        words[word + suffix] = None
    return list(words)


def _zipf_choice(rng: np.random.Generator, words: list[str], size: int, exponent: float = 1.05) -> list[str]:
    weights = 1.0 / np.arange(1, len(words) + 1) ** exponent
    return [words[i] for i in rng.choice(len(words), size=size, p=weights / weights.sum())]


def generated_prose(n_tokens: int = 20_000, seed: int = 0) -> str:
    """About n_tokens tokens of English-like sentences, the same for the same seed."""
    rng = np.random.default_rng(seed)
    pools = {
        "N": _invented_words(rng, 2000),
        "A": _invented_words(rng, 800, "y"),
        "V": _invented_words(rng, 1000, "ed"),
        "D": DETERMINERS,
        "P": PREPOSITIONS,
        "C": CONJUNCTIONS,
        "R": PRONOUNS,
    }
    draws = {slot: iter(_zipf_choice(rng, words, n_tokens)) for slot, words in pools.items()}
    sentences, total = [], 0
    while total < n_tokens:
        slots = TEMPLATES[rng.integers(len(TEMPLATES))].split()
        words = [slot if slot in ".," else next(draws[slot]) for slot in slots]
        sentences.append(" ".join(words).replace(" .", ".").replace(" ,", ","))
        total += len(words)
    return " ".join(sentences)


LICENCES = ("GPL-3", "GFDL-1.3", "MPL-2.0", "LGPL-2.1", "Apache-2.0")
LICENCE_DIR = Path("/usr/share/common-licenses")
VIM_MANUAL = tuple(Path("/usr/share/vim/vim90/doc") / f"usr_0{i}.txt" for i in range(1, 5))


def real_prose() -> dict[str, str]:
    """English that people wrote, found on this machine (10k–25k words each): name -> text.

    The licence texts Debian ships (legal prose, ~21,000 tokens) and the first four chapters of
    Vim's user manual (a tutorial, ~20,000 tokens). Either is left out when its files are missing.
    These are the texts the defaults are chosen on (their validation parts, bench/real_prose.py),
    so their test parts are not the headline: `fresh_prose()` is.
    """
    found = {}
    licences = [LICENCE_DIR / name for name in LICENCES]
    if all(path.exists() for path in licences):
        found["licence texts"] = "\n".join(path.read_text(encoding="utf-8") for path in licences)
    if all(path.exists() for path in VIM_MANUAL):
        found["Vim user manual, ch. 1–4"] = "\n".join(
            p.read_text(encoding="utf-8", errors="replace") for p in VIM_MANUAL
        )
    return found


FRESH_MANUALS = {
    "GNU grep manual": Path("/usr/share/info/grep.info.gz"),
    "GNU Readline user manual": Path("/usr/share/info/rluserman.info.gz"),
}
"""Debian's `grep` (essential: on every Debian system) and `readline-common` packages install these."""


def fresh_prose() -> dict[str, str]:
    """English that people wrote, never used to choose a setting: name -> text (~18,000–25,000 tokens each).

    Two GNU manuals in Info's plain-text format, read whole as a new user would paste them (node
    headers and menus included): grep's (~24,700 tokens) and Readline's user manual (~18,000 tokens).
    The headline numbers of bench/real_prose.py are their test parts. Either is left out when missing.
    """
    return {
        name: gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        for name, path in FRESH_MANUALS.items()
        if path.exists()
    }
