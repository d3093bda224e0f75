"""What the Train panel says about a trained model, as pure functions: rows, sentences, notices.

The UI only places these; every claim here is computed from the test-part numbers, so the page
never says more than they show:

    rows = score_rows(model.evaluation)          # the score table, model first
    verdict(model.evaluation)                    # did attention beat the strongest counter?
    overlap_sentence(model.evaluation)           # how much of the test part repeats training
    safety_clock_notice(model)                   # None unless the wall clock ended training
    regime_sentence(n_words)                     # how the model fared on real prose of about this size
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..evaluation.held_out import Evaluation
from ..training.result import TrainedModel

MODEL_LABEL = "self-attention model"

HIGH_OVERLAP = 0.5
"""When at least this share of the test part's 4-word sequences occur in training, scores measure memorising."""

SMALL_TEST = 50
"""Fewer test words than this: the verdict says the sample is small."""

DATA_SIZE: tuple[tuple[int, tuple[float, ...]], ...] = (
    (5_000, (1.243,)),
    (10_000, (1.117,)),
    (20_000, (1.001,)),
    (40_000, (1.022,)),
    (80_000, (0.929,)),
    (200_000, (1.033, 1.048, 1.078)),
)
"""(words, model / Kneser–Ney trigram known-word test perplexity) for the default settings on growing prefixes of
Vim's help, seed 0 (seeds 0–2 at 200,000 words): `python bench/data_size.py --settings default` and
`--sizes 10000 40000 --seeds 0`. At 200,000 words the 3,000 steps cover under four passes over the text."""

EVEN = 0.03
"""A ratio within this of 1 is "about even": the spread of seeds 0–2 at 200,000 words is 0.045."""


@dataclass(frozen=True)
class ScoreRow:
    """One line of the score table."""

    method: str  # "self-attention model", "word pairs, Kneser–Ney (bigram)", ...
    perplexity: float  # over all test next words (lower is better)
    known_perplexity: float  # over the test next words that are known words (nan if none)
    accuracy: float  # top-1, 0..1
    bits_per_char: float  # -Σ log₂ p / characters of the test part: compares across tokenizations (nan if unknown)
    word_perplexity: float  # exp(-Σ log p / words of the test part), whatever the tokens (nan if unknown)
    is_model: bool
    is_strongest_baseline: bool  # the counter the verdict compares with


def score_rows(evaluation: Evaluation) -> list[ScoreRow]:
    """The model, then every counting baseline (strongest kind first), all on the same test words."""
    strongest, _ = evaluation.strongest_baseline()
    methods = {MODEL_LABEL: evaluation.model, **evaluation.baselines()}
    return [
        ScoreRow(
            label,
            s.perplexity,
            s.known_perplexity,
            s.accuracy,
            evaluation.bits_per_char(s),
            evaluation.word_perplexity(s),
            label == MODEL_LABEL,
            label == strongest,
        )
        for label, s in methods.items()
    ]


def _number(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:,.1f}"


def verdict(evaluation: Evaluation) -> str:
    """One honest sentence: did the model beat the strongest counting baseline on the test part?

    Compares perplexity over all test words (the same unknown-word rule for every method); a win is
    claimed only when the model's number is lower as shown (same rounding), never on a tie.
    """
    label, counter = evaluation.strongest_baseline()
    model, best = _number(evaluation.model.perplexity), _number(counter.perplexity)
    small = f"; on only {evaluation.n_targets} test words, chance plays a large part"
    small = small if evaluation.n_targets < SMALL_TEST else ""
    small += _per_character(evaluation, counter)
    if model == best:
        return f"A tie: test perplexity {model} for the model and for the best counter, the {label}{small}."
    if evaluation.model.perplexity < counter.perplexity:
        return (
            f"Attention beat counting on this text: test perplexity {model} for the model against {best} for the "
            f"best counter, the {label}{small}."
        )
    return (
        f"Counting won on this text: test perplexity {best} for the best counter, the {label}, against {model} "
        f"for the model{small}."
    )


def _per_character(evaluation: Evaluation, counter) -> str:
    """The same comparison per character, the measure that compares words with subword pieces."""
    ours, theirs = evaluation.bits_per_char(evaluation.model), evaluation.bits_per_char(counter)
    if ours != ours or theirs != theirs:  # nan: the characters of the test part are not known
        return ""
    return f" (per character: {ours:.3f} bits for the model, {theirs:.3f} for the counter)"


def overlap_sentence(evaluation: Evaluation) -> str | None:
    """How much of the test part repeats the training part, with a warning when the score measures memorising."""
    if evaluation.overlap is None:
        return None
    share = f"{evaluation.overlap:.0%} of the test part's 4-word sequences also occur in the training part"
    if evaluation.overlap >= HIGH_OVERLAP:
        return (
            f"{share}: the test part mostly repeats text the model trained on, so these scores measure "
            "memorising more than predicting new text."
        )
    return f"{share}."


def scored_on_sentence(evaluation: Evaluation) -> str:
    """Which words the scores come from, and what perplexity means."""
    return (
        f"Scored on the {evaluation.n_targets:,} next words of the test part (the end of the text, used neither to "
        f"train nor to choose the weights; {evaluation.unknown_fraction:.0%} of them unknown words). Perplexity: "
        "as unsure as a fair die with that many sides; 'known words' leaves out the unknown ones. Bits per "
        "character and perplexity per word compare word tokens with subword pieces on the same text; with word "
        "tokens an unknown word costs only the probability of <unk>, which flatters them."
    )


def safety_clock_notice(model: TrainedModel) -> str | None:
    """None, unless the wall-clock safety net ended training: then say so, and what it means for a link."""
    if not model.clock_stopped:
        return None
    return (
        f"Stopped by the safety clock after {model.seconds:.0f} s (step {model.steps:,} of at most "
        f"{model.settings.max_steps:,}), before its step budget: on a faster or less busy machine the same link "
        "trains further and shows different numbers."
    )


def reading_sentence(source: str, training_tokens: int, share: float | None, *, memorising: bool) -> str:
    """What the model read, and whether the prompt is new to it (share: of the prompt's 4-token runs, those
    that occur in what it read; `source` names the text, e.g. "the built-in stories")."""
    if memorising:
        return (
            f"The model reads the prompt itself ({training_tokens:,} tokens): it has seen every word here, so "
            "its predictions show what it memorised."
        )
    read = f"The model read {source} ({training_tokens:,} tokens)"
    if share is None:
        return f"{read}; the prompt is too short to compare with it."
    if share < 0.1:
        return f"{read}; this prompt is new to it: {share:.0%} of the prompt's 4-token runs occur there."
    return f"{read}; {share:.0%} of this prompt's 4-token runs occur there, so here it partly recalls text it has read."


def regime_sentence(n_words: int) -> str:
    """How the model fared against counting on real prose of about this many words (whitespace-separated, as
    bench/data_size.py counts them), from DATA_SIZE: the measured size nearest on a log scale."""
    words, ratios = min(DATA_SIZE, key=lambda row: abs(math.log(max(n_words, 1) / row[0])))
    low, high = min(ratios), max(ratios)
    shown = f"{low:.2f}x" if len(ratios) == 1 else f"{low:.2f}–{high:.2f}x over seeds 0–{len(ratios) - 1}"
    if low > 1 + EVEN:
        verdict = "counting word triples beat the model"
    elif high < 1 - EVEN:
        verdict = "the model beat counting word triples"
    else:
        verdict = "the model and counting word triples came out about even"
    return (
        f"This training text has {n_words:,} words. On real prose of about that size ({words:,} words of Vim's "
        f"help, the default settings, bench/data_size.py) {verdict}: model / Kneser–Ney trigram {shown} in "
        "perplexity on known test words."
    )
