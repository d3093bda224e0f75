"""The defaults chosen on validation parts, then the model against counting on texts not used to choose.

    python bench/real_prose.py                       # both tables, seeds 0-2 (~20 minutes on 2 shared cores)
    python bench/real_prose.py --table choice        # only the choice of defaults
    python bench/real_prose.py --table headline      # only the headline, with the library's defaults
    python bench/real_prose.py --table headline --set dropout=0.2 --set patience=600   # other settings

Table 1, the choice: for every candidate setting of the four regularisation defaults (dropout, weight
decay, tied output, patience) and every seed, trains on the choice texts (harness/prose.py `real_prose`:
licence texts, Vim's user manual) and scores the **validation** part: the model's known-word perplexity
as a multiple of the Kneser–Ney bigram's, fitted on the same training part and scored on the same words.
The candidate with the lowest mean ratio over texts and seeds is validation's choice; "below the default's"
counts the (text, seed) runs where a candidate's ratio is lower than the current default's. Nothing in the
choice reads a test part; the test-part ratios are printed below it, for reference only.

Table 2, the headline: the given settings (the library's defaults unless --set) on texts never used to
choose (`fresh_prose`: two GNU manuals), test-part perplexity over known words (all words in brackets)
for the model and every counting baseline, per seed, with the training time (machine-dependent; the
weights are not on one machine and BLAS kernel: README, "Same model, same weights").
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

import attention  # noqa: E402
from attention.evaluation.held_out import Evaluation, evaluate, next_token_log_probabilities  # noqa: E402
from attention.training.parts import split_parts, token_ids  # noqa: E402
from attention.training.settings import TrainingSettings  # noqa: E402
from harness.prose import fresh_prose, real_prose  # noqa: E402

SEEDS = (0, 1, 2)
CHOSEN = ("dropout", "weight_decay", "tied", "patience")
"""The defaults this bench chooses; every other setting stays the library's default."""

CANDIDATES = (
    {"dropout": 0.0, "weight_decay": 0.0, "tied": False, "patience": 300},
    {"dropout": 0.0, "weight_decay": 0.0, "tied": True, "patience": 300},
    {"dropout": 0.1, "weight_decay": 0.01, "tied": True, "patience": 300},
    {"dropout": 0.1, "weight_decay": 0.0, "tied": False, "patience": 300},
    {"dropout": 0.0, "weight_decay": 0.01, "tied": False, "patience": 300},
    {"dropout": 0.2, "weight_decay": 0.01, "tied": False, "patience": 300},
    {"dropout": 0.1, "weight_decay": 0.05, "tied": False, "patience": 300},
    {"dropout": 0.1, "weight_decay": 0.1, "tied": False, "patience": 300},
    {"dropout": 0.1, "weight_decay": 0.2, "tied": False, "patience": 300},
    {"dropout": 0.1, "weight_decay": 0.01, "tied": False, "patience": 150},
    {"dropout": 0.1, "weight_decay": 0.01, "tied": False, "patience": 600},
    {"dropout": 0.1, "weight_decay": 0.01, "tied": False, "patience": 300},
)
"""The rows of the README's table before this bench chose on validation, weight decay 0.05 and 0.2 on either side
of 0.1 (the lowest of the old rows, so the grid brackets the choice), and patience halved and doubled."""

COLUMNS = ("model", "kneser_ney_bigram", "kneser_ney_trigram", "bigram", "unigram")
HEADER = ("model", "KN bigram", "KN trigram", "add-one bigram", "unigram")


def held_out(model: attention.TrainedModel, text: str, part: str) -> Evaluation:
    """The model and every baseline scored on the text's "validation" or "test" part, as the library scores test.

    One BLAS thread, as in training: with two, OpenBLAS splits the sums differently and the last digits move.
    """
    tokens = attention.tokenize(text)
    parts = split_parts(len(tokens), model.settings)
    ids = token_ids(tokens, model.vocabulary)
    start, end = (parts.validation_start, parts.test_start) if part == "validation" else (parts.test_start, len(ids))
    with threadpool_limits(limits=1, user_api="blas"):
        scores = next_token_log_probabilities(model.architecture, model.parameters, ids, np.arange(start, end))
    unknown = model.vocabulary.id_of(attention.UNKNOWN_TOKEN)
    return evaluate(scores, ids[:end], parts.n_train, start, unknown, len(model.vocabulary), overlap=None)


def ratio(evaluation: Evaluation, baseline: str = "kneser_ney_bigram") -> float:
    """Model's known-word perplexity as a multiple of a baseline's (below 1: the model wins)."""
    return evaluation.model.known_perplexity / getattr(evaluation, baseline).known_perplexity


def describe(candidate: dict) -> str:
    defaults = TrainingSettings()
    words = [
        f"dropout {candidate['dropout']:g}",
        f"weight decay {candidate['weight_decay']:g}",
        "tied output" if candidate["tied"] else "untied",
        f"patience {candidate['patience']}",
    ]
    current = all(candidate[name] == getattr(defaults, name) for name in CHOSEN)
    return ", ".join(words) + (" (the current default)" if current else "")


def choose(texts: dict[str, str], seeds: tuple[int, ...]) -> dict:
    """Table 1: validation ratio per candidate, text and seed; the lowest mean is the choice."""
    names = list(texts)
    print(f"Table 1. Choice on the validation parts, seeds {seeds[0]}–{seeds[-1]}: model / KN bigram, known words")
    print("(mean over seeds, min–max in brackets; lower is better)\n")
    print("| settings | " + " | ".join(names) + " | mean | below the default's | steps (mean) |")
    print("|---|" + "---|" * (len(names) + 3))
    default = {name: getattr(TrainingSettings(), name) for name in CHOSEN}
    ordered = [default, *(c for c in CANDIDATES if c != default)]  # the default first: the others pair with it
    rows, paired = [], []
    for candidate in ordered:
        validation = {name: [] for name in names}
        test = {name: [] for name in names}
        steps = []
        for name, text in texts.items():
            for seed in seeds:
                model = attention.train_model(text, **candidate, seed=seed)
                check = dataclasses.replace(held_out(model, text, "test"), overlap=model.evaluation.overlap)
                assert check == model.evaluation, "held_out() scores differently from the library: fix it"
                validation[name].append(ratio(held_out(model, text, "validation")))
                test[name].append(ratio(model.evaluation))
                steps.append(model.steps)
        flat = [v for values in validation.values() for v in values]
        mean, paired = statistics.fmean(flat), paired or flat
        rows.append((mean, candidate, test))
        cells = " | ".join(f"{statistics.fmean(v):.3f} ({min(v):.2f}–{max(v):.2f})" for v in validation.values())
        wins = sum(v < d for v, d in zip(flat, paired, strict=True))
        below = "—" if candidate == default else f"{wins} of {len(flat)}"
        cells += f" | {mean:.3f} | {below} | {statistics.fmean(steps):,.0f}"
        print(f"| {describe(candidate)} | {cells} |", flush=True)
    best_mean, best, _ = min(rows, key=lambda row: row[0])
    print(f"\nValidation's choice: {describe(best)} (mean {best_mean:.3f}).")
    print("\nFor reference only, not used to choose: the same runs' test-part ratio (mean over seeds)\n")
    print("| settings | " + " | ".join(names) + " | mean |")
    print("|---|" + "---|" * (len(names) + 1))
    for _, candidate, test in rows:
        cells = " | ".join(f"{statistics.fmean(v):.3f}" for v in test.values())
        overall = statistics.fmean(v for values in test.values() for v in values)
        print(f"| {describe(candidate)} | {cells} | {overall:.3f} |")
    test_best = min(rows, key=lambda row: statistics.fmean(v for values in row[2].values() for v in values))
    print(f"\nThe test parts would have chosen: {describe(test_best[1])}.\n")
    return best


def headline(texts: dict[str, str], seeds: tuple[int, ...], settings: dict) -> None:
    """Table 2: test-part perplexities on texts the choice never read."""
    chosen = {name: getattr(TrainingSettings(**settings), name) for name in CHOSEN}
    print(f"Table 2. Texts not used to choose, test part; settings: {describe(chosen)}")
    if settings:
        print(f"(changed from the library's defaults: {settings})")
    print("Known-word perplexity (all words in brackets); lower is better\n")
    print("| text | tokens | seed | " + " | ".join(HEADER) + " | model / KN bigram | model / KN trigram | steps | s |")
    print("|---|---|---|" + "---|" * (len(HEADER) + 4))
    to_bigram, to_trigram = [], []
    for name, text in texts.items():
        n = len(attention.tokenize(text))
        for seed in seeds:
            start = time.perf_counter()
            model = attention.train_model(text, **settings, seed=seed)
            seconds = time.perf_counter() - start
            e = model.evaluation
            cells = " | ".join(
                f"{s.known_perplexity:.1f} ({s.perplexity:.1f})" for s in (getattr(e, c) for c in COLUMNS)
            )
            to_bigram.append(ratio(e))
            to_trigram.append(ratio(e, "kneser_ney_trigram"))
            print(
                f"| {name} | {n:,} | {seed} | {cells} | {to_bigram[-1]:.2f} | {to_trigram[-1]:.2f} | "
                f"{model.steps:,} | {seconds:.1f} |",
                flush=True,
            )
    print(
        f"\nmodel / KN bigram {min(to_bigram):.2f}–{max(to_bigram):.2f}, "
        f"model / KN trigram {min(to_trigram):.2f}–{max(to_trigram):.2f} (known words, every text and seed)"
    )


def setting(text: str) -> tuple[str, object]:
    name, _, value = text.partition("=")
    fields = {f.name for f in dataclasses.fields(TrainingSettings)}
    if name not in fields or not value:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with NAME one of {', '.join(sorted(fields))}")
    return name, json.loads(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", choices=("choice", "headline", "both"), default="both")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--set", type=setting, action="append", default=[], help="headline setting NAME=VALUE")
    args = parser.parse_args()
    seeds = tuple(args.seeds)
    if args.table in ("choice", "both"):
        choose(real_prose(), seeds)
    if args.table in ("headline", "both"):
        headline(fresh_prose(), seeds, dict(args.set))


if __name__ == "__main__":
    main()
