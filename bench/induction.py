"""The induction lesson's acceptance, every seed: does the preset learn to copy fresh segments, and does one layer fail?

    python bench/induction.py            # 3 seeds × 20, 40 and 60 made-up words (about 5 minutes)
    python bench/induction.py --quick    # seed 0, 20 words

For each text of the family (segments of 4-12 words drawn uniformly from N made-up words, each followed by
its exact repeat, segments separated by "."), trains attention.PRESETS["induction"] and the same preset
with layers=1, then scores both on 150 fresh segments they never saw: top-1 accuracy on the second copy's
words after its first (attention.teaching.induction.copy_accuracy). Also the best head's induction score (on the
training probe), the step and second at which it first passed 0.5 during training (the phase change),
and the wall time. Targets (issue 12): ≥ 80% for the preset, 3 of 3 seeds, best induction score ≥ 0.5,
within 60 s (aim 20 s); ≤ 30% for one layer. Prints a Markdown table for the README.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import attention
from attention.evaluation import head_scores as heads
from attention.teaching import induction

WORDS = (20, 40, 60)
SEEDS = (0, 1, 2)


def run(words: int, seed: int, layers: int) -> dict:
    text = induction.lesson_text(words=words, seed=seed)
    crossed: list[tuple[int, float]] = []
    start = time.perf_counter()

    def watch(progress) -> None:
        if not crossed and progress.heads and progress.heads.best("induction")[2] >= 0.5:
            crossed.append((progress.step, time.perf_counter() - start))

    settings = {**attention.PRESETS["induction"], "layers": layers, "seed": seed}
    model = attention.train_model(text, **settings, callback=watch)
    return {
        "accuracy": induction.copy_accuracy(model, text),
        "induction": heads.model_scores(model).best("induction")[2],
        "crossed": crossed[0] if crossed else None,
        "seconds": model.seconds,
        "steps": model.steps,
    }


def main() -> None:
    quick = "--quick" in sys.argv
    print("| words | seed | 2 layers: held-out copy accuracy | best induction score | phase change (step, s) "
          "| training s | 1 layer: accuracy | 1 layer: best induction score |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    passed = total = 0
    slowest = 0.0
    for words in WORDS[:1] if quick else WORDS:
        for seed in SEEDS[:1] if quick else SEEDS:
            two, one = run(words, seed, 2), run(words, seed, 1)
            ok = two["accuracy"] >= 0.8 and two["induction"] >= 0.5 and one["accuracy"] <= 0.3 and two["seconds"] <= 60
            passed, total, slowest = passed + ok, total + 1, max(slowest, two["seconds"])
            change = f"{two['crossed'][0]:,}, {two['crossed'][1]:.1f}" if two["crossed"] else "never"
            print(
                f"| {words} | {seed} | {two['accuracy']:.1%} | {two['induction']:.2f} | {change} | "
                f"{two['seconds']:.1f} | {one['accuracy']:.1%} | {one['induction']:.2f} |",
                flush=True,
            )
    print(f"\n{passed} of {total} texts meet every target; slowest 2-layer training {slowest:.1f} s.")


if __name__ == "__main__":
    main()
