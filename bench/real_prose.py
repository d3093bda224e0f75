"""The model against counting on English that people wrote, with default settings.

    python bench/real_prose.py

For each real text found on this machine (harness/prose.py: licence texts, Vim's user manual), trains
`attention.train_model(text)` with its defaults and prints test-part perplexity over known words
(the issue's target: model ≤ 1.2 × the Kneser–Ney bigram, aiming to beat it) and over all words,
for the model and every counting baseline, with the training time (machine-dependent; the weights
are not).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

import attention  # noqa: E402
from harness.prose import real_prose  # noqa: E402

COLUMNS = ("model", "kneser_ney_bigram", "kneser_ney_trigram", "bigram", "unigram")
HEADER = ("model", "KN bigram", "KN trigram", "add-one", "unigram")


def main() -> None:
    print("Test-part perplexity, known words (all words in brackets); defaults; lower is better\n")
    print(f"{'text':26} {'tokens':>7} " + " ".join(f"{h:>16}" for h in HEADER) + "  model/KN2  seconds  steps")
    for name, text in real_prose().items():
        start = time.perf_counter()
        model = attention.train_model(text)
        seconds = time.perf_counter() - start
        e = model.evaluation
        scores = [getattr(e, column) for column in COLUMNS]
        cells = " ".join(f"{s.known_perplexity:7.1f} ({s.perplexity:6.1f})" for s in scores)
        ratio = e.model.known_perplexity / e.kneser_ney_bigram.known_perplexity
        n = len(attention.tokenize(text))
        print(f"{name:26} {n:7,} {cells}  {ratio:9.2f}  {seconds:7.1f}  {model.steps:5d}")
    print("\ntarget: model/KN2 ≤ 1.2 (known words), aim < 1.0")


if __name__ == "__main__":
    main()
