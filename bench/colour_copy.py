"""Does training wait long enough for attention to learn to copy? Seeds × settings on a copy grammar.

    python bench/colour_copy.py [--seeds 10] [--windows 8 16 32] [--set weight_decay=0.1 ...]

Sentences "the {colour} {object} is {colour} ." with 10 colours and 10 objects, 800 of them: the
word after "is" repeats the colour three words back, which no word-pair counter can know and
attention can. The table gives, for each seed and setting, the model's top-1 accuracy at the copy
position on the test part's sentences (target: at least 90% for at least 9 of 10 seeds with the
default settings, and for windows 16 and 32 too), and the steps it trained.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

import attention  # noqa: E402
from attention.teaching.copying import colour_copy_text, copy_accuracy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--windows", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--set", action="append", default=[], help="a setting NAME=VALUE instead of its default")
    args = parser.parse_args()
    changed = {name: json.loads(value) for name, _, value in (item.partition("=") for item in args.set)}
    label = ", ".join(f"{name} {value}" for name, value in changed.items()) or "defaults"
    text = colour_copy_text()
    print(f"colour-copy grammar: {len(attention.tokenize(text)):,} tokens; copy accuracy on the test part\n")
    print(f"{'setting':22}" + "".join(f"{s:>6}" for s in range(args.seeds)) + "   learned (≥ 90%)   mean steps   s/run")
    for window in args.windows:
        accuracies, steps, start = [], [], time.perf_counter()
        for seed in range(args.seeds):
            model = attention.train_model(text, **{"context_window": window, **changed}, seed=seed)
            accuracies.append(copy_accuracy(model, text))
            steps.append(model.steps)
        seconds = (time.perf_counter() - start) / args.seeds
        learned = sum(a >= 0.9 for a in accuracies)
        cells = "".join(f"{a:6.0%}" for a in accuracies)
        summary = f"{learned:>2} of {args.seeds:<9} {np.mean(steps):10.0f}   {seconds:5.2f}"
        print(f"{label + ', window ' + str(window):22}{cells}   {summary}")


if __name__ == "__main__":
    main()
