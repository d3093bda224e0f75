"""Write corpus/en/colour-copy.txt, the colour-copy grammar's text (attention/teaching/copying.py):

    python corpus/make_colour_copy.py          # writes the file
    python corpus/make_colour_copy.py --check  # exits 1 if the committed file is not what this draws

800 sentences "the {colour} {object} is {colour} .", colour and object drawn uniformly from 10 each with numpy's
generator seeded 0, joined by spaces, one line. The text is drawn here once and committed, so the library itself
draws no randomness outside its seeded streams (attention/core/streams.py), and every colour-copy number in the
README was measured on this exact text; tests/test_lessons.py checks the file is what this script writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

COLOURS = "red blue green yellow black white pink brown grey orange".split()
OBJECTS = "ball cup hat box car kite shoe book lamp door".split()
TARGET = Path(__file__).resolve().parent / "en" / "colour-copy.txt"


def colour_copy_text(sentences: int = 800, seed: int = 0) -> str:
    """The file's content: 'the {colour} {object} is {colour} .' `sentences` times, then a newline."""
    rng = np.random.default_rng(seed)
    colours, objects = rng.integers(10, size=sentences), rng.integers(10, size=sentences)
    sentence = "the {colour} {thing} is {colour} ."
    drawn = zip(colours, objects, strict=True)
    return " ".join(sentence.format(colour=COLOURS[c], thing=OBJECTS[o]) for c, o in drawn) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args()
    text = colour_copy_text()
    if args.check:
        same = TARGET.is_file() and TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET.name}: {'the same' if same else 'differs from what this script draws'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(text):,} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
