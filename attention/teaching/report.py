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
from ..i18n import N_, _, count, decimal, ngettext, percent
from ..training.result import TrainedModel

# ngettext here has one English text for both forms: the English always said the plural, even of 1 (tests
# compare it), and a translation gives each of its forms its own text.

MODEL_LABEL = N_("self-attention model")
"""The model's row in the score table (the baselines' names are evaluation.held_out.BASELINE_LABELS), a msgid."""

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

    method: str  # as shown, in the page's language: "self-attention model", "Kneser–Ney bigram (word pairs)", ...
    perplexity: float  # over all test next words (lower is better)
    known_perplexity: float  # over the test next words that are known words (nan if none)
    accuracy: float  # top-1, 0..1
    bits_per_char: float  # -Σ log₂ p / characters of the test part: compares across tokenizations (nan if unknown)
    word_perplexity: float  # exp(-Σ log p / words of the test part), whatever the tokens (nan if unknown)
    is_model: bool
    is_strongest_baseline: bool  # the counter the verdict compares with


def score_rows(evaluation: Evaluation) -> list[ScoreRow]:
    """The model, then every counting baseline (strongest kind first), all on the same test words."""
    strongest, _strongest_score = evaluation.strongest_baseline()
    methods = {MODEL_LABEL: evaluation.model, **evaluation.baselines()}
    return [
        ScoreRow(
            _(label),
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
    return decimal(x, 2) if x < 10 else decimal(x, 1)


def verdict(evaluation: Evaluation) -> str:
    """One honest sentence: did the model beat the strongest counting baseline on the test part?

    Compares perplexity over all test words (the same unknown-word rule for every method); a win is
    claimed only when the model's number is lower as shown (same rounding), never on a tie.
    """
    label, counter = evaluation.strongest_baseline()
    n = evaluation.n_targets
    words = {
        "model": _number(evaluation.model.perplexity),
        "best": _number(counter.perplexity),
        "counter": _(label),
        "n": count(n),
        "per_character": _per_character(evaluation, counter),
    }
    small = n < SMALL_TEST
    if words["model"] == words["best"]:
        if small:
            return ngettext(
                "A tie: test perplexity {model} for the model and for the best counter, the {counter}; on only {n} "
                "test words, chance plays a large part{per_character}.",
                "A tie: test perplexity {model} for the model and for the best counter, the {counter}; on only {n} "
                "test words, chance plays a large part{per_character}.",
                n,
            ).format(**words)
        return _(
            "A tie: test perplexity {model} for the model and for the best counter, the {counter}{per_character}."
        ).format(**words)
    if evaluation.model.perplexity < counter.perplexity:
        if small:
            return ngettext(
                "Attention beat counting on this text: test perplexity {model} for the model against {best} for the "
                "best counter, the {counter}; on only {n} test words, chance plays a large part{per_character}.",
                "Attention beat counting on this text: test perplexity {model} for the model against {best} for the "
                "best counter, the {counter}; on only {n} test words, chance plays a large part{per_character}.",
                n,
            ).format(**words)
        return _(
            "Attention beat counting on this text: test perplexity {model} for the model against {best} for the "
            "best counter, the {counter}{per_character}."
        ).format(**words)
    if small:
        return ngettext(
            "Counting won on this text: test perplexity {best} for the best counter, the {counter}, against {model} "
            "for the model; on only {n} test words, chance plays a large part{per_character}.",
            "Counting won on this text: test perplexity {best} for the best counter, the {counter}, against {model} "
            "for the model; on only {n} test words, chance plays a large part{per_character}.",
            n,
        ).format(**words)
    return _(
        "Counting won on this text: test perplexity {best} for the best counter, the {counter}, against {model} "
        "for the model{per_character}."
    ).format(**words)


def _per_character(evaluation: Evaluation, counter) -> str:
    """The same comparison per character, the measure that compares words with subword pieces: an aside that
    ends the verdict's sentence (empty when the characters are not known)."""
    ours, theirs = evaluation.bits_per_char(evaluation.model), evaluation.bits_per_char(counter)
    if ours != ours or theirs != theirs:  # nan: the characters of the test part are not known
        return ""
    return _(" (per character: {ours} bits for the model, {theirs} for the counter)").format(
        ours=decimal(ours, 3), theirs=decimal(theirs, 3)
    )


def overlap_sentence(evaluation: Evaluation) -> str | None:
    """How much of the test part repeats the training part, with a warning when the score measures memorising."""
    if evaluation.overlap is None:
        return None
    share = percent(evaluation.overlap, 0)
    if evaluation.overlap >= HIGH_OVERLAP:
        return _(
            "{share} of the test part's 4-word sequences also occur in the training part: the test part mostly "
            "repeats text the model trained on, so these scores measure memorising more than predicting new text."
        ).format(share=share)
    return _("{share} of the test part's 4-word sequences also occur in the training part.").format(share=share)


def scored_on_sentence(evaluation: Evaluation) -> str:
    """Which words the scores come from, and what perplexity means."""
    return ngettext(
        "Scored on the {n} next words of the test part (the end of the text, used neither to train nor to choose "
        "the weights; {unknown} of them unknown words). Perplexity: as unsure as a fair die with that many sides; "
        "'known words' leaves out the unknown ones. Bits per character and perplexity per word compare word tokens "
        "with subword pieces on the same text; with word tokens an unknown word costs only the probability of "
        "<unk>, which flatters them.",
        "Scored on the {n} next words of the test part (the end of the text, used neither to train nor to choose "
        "the weights; {unknown} of them unknown words). Perplexity: as unsure as a fair die with that many sides; "
        "'known words' leaves out the unknown ones. Bits per character and perplexity per word compare word tokens "
        "with subword pieces on the same text; with word tokens an unknown word costs only the probability of "
        "<unk>, which flatters them.",
        evaluation.n_targets,
    ).format(n=count(evaluation.n_targets), unknown=percent(evaluation.unknown_fraction, 0))


def safety_clock_notice(model: TrainedModel) -> str | None:
    """None, unless the wall-clock safety net ended training: then say so, and what it means for a link."""
    if not model.clock_stopped:
        return None
    return _(
        "Stopped by the safety clock after {seconds} s (step {step} of at most {max_steps}), before its step "
        "budget: on a faster or less busy machine the same link trains further and shows different numbers."
    ).format(
        seconds=f"{model.seconds:.0f}",  # no thousands separator, as before
        step=count(model.steps),
        max_steps=count(model.settings.max_steps),
    )


def reading_sentence(source: str, training_tokens: int, share: float | None, *, memorising: bool) -> str:
    """What the model read, and whether the prompt is new to it (share: of the prompt's 4-token runs, those
    that occur in what it read; `source` names the text in the page's language, e.g. "the built-in stories")."""
    n = training_tokens
    if memorising:
        return ngettext(
            "The model reads the prompt itself ({tokens} tokens): it has seen every word here, so its predictions "
            "show what it memorised.",
            "The model reads the prompt itself ({tokens} tokens): it has seen every word here, so its predictions "
            "show what it memorised.",
            n,
        ).format(tokens=count(n))
    if share is None:
        return ngettext(
            "The model read {source} ({tokens} tokens); the prompt is too short to compare with it.",
            "The model read {source} ({tokens} tokens); the prompt is too short to compare with it.",
            n,
        ).format(source=source, tokens=count(n))
    if share < 0.1:
        return ngettext(
            "The model read {source} ({tokens} tokens); this prompt is new to it: {share} of the prompt's 4-token "
            "runs occur there.",
            "The model read {source} ({tokens} tokens); this prompt is new to it: {share} of the prompt's 4-token "
            "runs occur there.",
            n,
        ).format(source=source, tokens=count(n), share=percent(share, 0))
    return ngettext(
        "The model read {source} ({tokens} tokens); {share} of this prompt's 4-token runs occur there, so here it "
        "partly recalls text it has read.",
        "The model read {source} ({tokens} tokens); {share} of this prompt's 4-token runs occur there, so here it "
        "partly recalls text it has read.",
        n,
    ).format(source=source, tokens=count(n), share=percent(share, 0))


def regime_sentence(n_words: int) -> str:
    """How the model fared against counting on real prose of about this many words (whitespace-separated, as
    bench/data_size.py counts them), from DATA_SIZE: the measured size nearest on a log scale."""
    words, ratios = min(DATA_SIZE, key=lambda row: abs(math.log(max(n_words, 1) / row[0])))
    low, high = min(ratios), max(ratios)
    numbers = {
        "n": count(n_words),
        "size": count(words),
        "ratio": _("{ratio}x").format(ratio=decimal(low, 2))
        if len(ratios) == 1
        else _("{low}–{high}x over seeds 0–{last}").format(
            low=decimal(low, 2), high=decimal(high, 2), last=count(len(ratios) - 1)
        ),
    }
    if low > 1 + EVEN:
        return ngettext(
            "This training text has {n} words. On real prose of about that size ({size} words of Vim's help, the "
            "default settings, bench/data_size.py) counting word triples beat the model: model / Kneser–Ney "
            "trigram {ratio} in perplexity on known test words.",
            "This training text has {n} words. On real prose of about that size ({size} words of Vim's help, the "
            "default settings, bench/data_size.py) counting word triples beat the model: model / Kneser–Ney "
            "trigram {ratio} in perplexity on known test words.",
            n_words,
        ).format(**numbers)
    if high < 1 - EVEN:
        return ngettext(
            "This training text has {n} words. On real prose of about that size ({size} words of Vim's help, the "
            "default settings, bench/data_size.py) the model beat counting word triples: model / Kneser–Ney "
            "trigram {ratio} in perplexity on known test words.",
            "This training text has {n} words. On real prose of about that size ({size} words of Vim's help, the "
            "default settings, bench/data_size.py) the model beat counting word triples: model / Kneser–Ney "
            "trigram {ratio} in perplexity on known test words.",
            n_words,
        ).format(**numbers)
    return ngettext(
        "This training text has {n} words. On real prose of about that size ({size} words of Vim's help, the "
        "default settings, bench/data_size.py) the model and counting word triples came out about even: model / "
        "Kneser–Ney trigram {ratio} in perplexity on known test words.",
        "This training text has {n} words. On real prose of about that size ({size} words of Vim's help, the "
        "default settings, bench/data_size.py) the model and counting word triples came out about even: model / "
        "Kneser–Ney trigram {ratio} in perplexity on known test words.",
        n_words,
    ).format(**numbers)
