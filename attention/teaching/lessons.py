"""The measurements behind the lessons' claims: each lesson states its claim with a number measured on
the run the class watches, and says so when this run does not show it.

Every function reuses the library (the one attention implementation, the what-if edits, the distance
between two predictions); none computes attention a second way.

>>> claim = scaling_and_temperature(seed=0)
>>> claim.holds
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core.mechanism import scaled_dot_product_attention, softmax
from ..core.streams import Use, rng_for
from ..i18n import _, count, decimal, percent
from .analysis import distribution_change, remove_word, shuffle_earlier_words
from .claims import UNCHANGED, Claim
from .trained_lessons import (  # the trained-model lessons' claims, under the one name lessons import
    COPIED,
    COPIES,
    HEAD_FORMED,
    ONE_LAYER_AT_MOST,
    against_counting,
    attention_vs_counting,
    blog_toy,
    heads_specialise,
    induction_heads,
    log_ratios,
    model_head_scores,
    phase_change_step,
    windows_and_next,
    words_or_pieces,
)

MOVED = 0.01
"""At least this total variation distance: the prediction moved (one percentage point of probability)."""
TEMPERATURES = (0.5, 1.0, 2.0)
"""The temperatures the first lesson compares: sharper, as is, flatter."""


@dataclass(frozen=True)
class ScoresToWeights:
    """One query against a few keys, every stage kept for the pictures: raw Q·Kᵀ, scaled, and softmaxed."""

    d_k: int
    scores: np.ndarray  # [n]  q·k_j
    scaled_scores: np.ndarray  # [n]  q·k_j / sqrt(d_k)
    unscaled_weights: np.ndarray  # [n]  softmax(q·k_j): what attention would be without the scaling
    weights: np.ndarray  # [n]  softmax(q·k_j / sqrt(d_k))
    by_temperature: dict[float, np.ndarray]  # τ -> [n]  softmax(q·k_j / (sqrt(d_k) τ))


def scores_to_weights(seed: int, n_words: int = 6, d_k: int = 64) -> ScoresToWeights:
    """q and k_j drawn N(0, 1) in d_k dimensions (as a fresh model's are, roughly), through the one
    attention function: a = softmax(q·Kᵀ / sqrt(d_k)). Random vectors' dot products spread like sqrt(d_k),
    which is why the scores are divided by it."""
    rng = rng_for(seed, Use.LESSON, 0)
    q, k = rng.standard_normal((1, d_k)), rng.standard_normal((n_words, d_k))  # [1, d_k], [n, d_k]
    result = scaled_dot_product_attention(q, k, k)  # V = K: only the weights matter here
    assert result.scores is not None and result.scaled_scores is not None  # kept by default
    scaled = result.scaled_scores[0]  # [n]
    return ScoresToWeights(
        d_k=d_k, scores=result.scores[0], scaled_scores=scaled, unscaled_weights=softmax(result.scores[0]),
        weights=result.weights[0], by_temperature={t: softmax(scaled, temperature=t) for t in TEMPERATURES},
    )  # fmt: skip


def scaling_and_temperature(seed: int, n_words: int = 6, d_k: int = 64) -> Claim:
    """Claim: without the sqrt(d_k) the softmax is nearly one-hot (its top weight is larger than with it),
    and a lower temperature sharpens the weights while a higher one flattens them."""
    found = scores_to_weights(seed, n_words, d_k)
    top_raw, top_scaled = float(found.unscaled_weights.max()), float(found.weights.max())
    tops = [float(found.by_temperature[t].max()) for t in TEMPERATURES]
    holds = top_raw > top_scaled and tops[0] > tops[1] > tops[2]
    numbers = {
        "top_unscaled": top_raw,
        "top_scaled": top_scaled,
        **{f"top_t{t:g}": v for t, v in zip(TEMPERATURES, tops, strict=True)},
    }
    shares = {"unscaled": percent(top_raw, 0), "scaled": percent(top_scaled, 0), "sharp": percent(tops[0], 0),
              "as_is": percent(tops[1], 0), "flat": percent(tops[2], 0)}  # fmt: skip
    if holds:
        sentence = _(
            "Without dividing by √d_k = {root}, the top word takes {unscaled} of the attention; "
            "with it, {scaled}. Temperature τ = 0.5 gives the top word {sharp}, τ = 1 {as_is}, "
            "τ = 2 {flat}: lower is sharper, higher is flatter."
        ).format(root=f"{np.sqrt(d_k):g}", **shares)
    else:
        sentence = _(
            "This seed does not show it: the top weight is {unscaled} without the scaling and {scaled} "
            "with it; at τ = 0.5, 1, 2 it is {sharp}, {as_is}, {flat}. Try another seed."
        ).format(**shares)
    return Claim(holds, sentence, numbers)


def weighted_sum_gap(weights: np.ndarray, V: np.ndarray, head_outputs: np.ndarray) -> float:
    """max |o_t - Σ_j a_tj v_j| over the last word's output, every head: [h, n, n], [h, n, d_k], [h, n, d_k].

    The model computed o = A·V inside its one attention path; this recomputes the last row by a loop."""
    last = weights[:, -1, :]  # [h, n]
    by_loop = np.stack([sum(a[j] * v[j] for j in range(len(a))) for a, v in zip(last, V, strict=True)])  # [h, d_k]
    return float(np.abs(by_loop - head_outputs[:, -1, :]).max())


def one_word_looks_back(model, context: Sequence[str]) -> Claim:
    """Claim: the last word's output is the attention-weighted average of the value rows, o_t = Σ_j a_tj v_j,
    its weights sum to 1, and every weight on a later word is exactly 0 (measured on the model's own pass)."""
    steps = model.forward_steps(list(context))
    gap = weighted_sum_gap(steps.weights, steps.V, steps.head_outputs)
    row_sum_error = float(np.abs(steps.weights.sum(axis=-1) - 1).max())
    future = float(np.abs(np.where(steps.mask, 0.0, steps.weights)).max())
    mean_row = steps.weights[:, -1].mean(axis=0)  # [n] over heads
    top = int(mean_row.argmax())
    holds = gap < 1e-4 and row_sum_error < 1e-4 and future == 0.0
    look = {"word": steps.words[-1], "looked_at": steps.words[top], "share": percent(float(mean_row[top]), 0)}
    if holds:
        sentence = _(
            "'{word}' looks most at '{looked_at}' ({share} of its attention). Its output is Σ_j a_j v_j to within "
            "{gap} (recomputed by a loop), its weights sum to 1 to within {rows}, and later words get exactly {future}."
        ).format(**look, gap=f"{gap:.0e}", rows=f"{row_sum_error:.0e}", future=f"{future:g}")
    else:
        sentence = _(
            "'{word}' looks most at '{looked_at}' ({share} of its attention); but the check failed: the weighted sum "
            "differs by {gap}, the rows by {rows}."
        ).format(**look, gap=f"{gap:.2g}", rows=f"{row_sum_error:.2g}")
    return Claim(holds, sentence, {"gap": gap, "row_sum_error": row_sum_error, "top_weight": float(mean_row[top])})


def contexts(tokens: Sequence[str], window: int, most: int, rng: np.random.Generator) -> list[list[str]]:
    """Up to `most` full windows of `tokens` (each `window` words ending before the text's last token), drawn
    without repeats by `rng`, in text order."""
    ends = np.arange(window - 1, len(tokens) - 1)  # the last word of each window
    picked = np.sort(rng.choice(ends, size=min(most, len(ends)), replace=False))
    return [list(tokens[end - window + 1 : end + 1]) for end in picked]


def shuffle_change(model, context: Sequence[str], rng: np.random.Generator) -> float:
    """Total variation distance between the predictions before and after shuffling the earlier words."""
    before = model.next_word_probabilities(list(context))
    after = model.next_word_probabilities(shuffle_earlier_words(context, rng))
    return distribution_change(before, after).total_variation


def positions_matter(without, learned, tokens: Sequence[str], seed: int, most: int = 40) -> Claim:
    """Claim: with positions 'none' shuffling the earlier words moves the prediction by 0 (attention sees a set),
    with learned positions it moves it. `without`/`learned`: one-layer models trained alike but for positions.
    The same contexts and the same shuffles for both (mean total variation distance over them)."""
    window = min(without.context_window, learned.context_window)
    chosen = contexts(tokens, window, most, rng_for(seed, Use.LESSON, 1))
    moved = {}
    for name, model in (("none", without), ("learned", learned)):
        rng = rng_for(seed, Use.LESSON, 2)  # the same shuffles for both models
        moved[name] = float(np.mean([shuffle_change(model, c, rng) for c in chosen]))
    holds = moved["none"] < UNCHANGED and moved["learned"] >= MOVED
    numbers = {"none": moved["none"], "learned": moved["learned"], "contexts": float(len(chosen))}
    said = {"contexts": count(len(chosen)), "none": decimal(moved["none"], 3), "learned": decimal(moved["learned"], 3)}
    if holds:
        return Claim(True, _(
            "Over {contexts} contexts, shuffling the earlier words moved the prediction by {none} with positions "
            "'none' and by {learned} with learned positions (total variation, 0 to 1): without positions, word "
            "order is invisible."
        ).format(**said), numbers)  # fmt: skip
    return Claim(False, _(
        "This run does not show it clearly: over {contexts} contexts, shuffling the earlier words moved the "
        "prediction by {none} with positions 'none' and by {learned} with learned positions (total variation, 0 to 1)."
    ).format(**said), numbers)  # fmt: skip


@dataclass(frozen=True)
class Removal:
    """One context: which earlier word got the most attention, and how far removing each earlier word moved
    the prediction (total variation distance)."""

    context: tuple[str, ...]
    weights: np.ndarray  # [n] the last word's attention, mean over heads (the last layer's, for a deeper model)
    most_attended: int  # index in the context (an earlier word, not the last one)
    moved: np.ndarray  # [n - 1]  TV after removing earlier word j

    @property
    def mattered_most(self) -> int:
        return int(self.moved.argmax())


def removals(model, context: Sequence[str]) -> Removal:
    """Remove each earlier word in turn (the last word, whose query predicts, stays) and measure the move."""
    words = list(context)
    weights = model.all_attention_weights(words)[-1][:, -1].mean(axis=0)  # [n]
    before = model.next_word_probabilities(words)
    moved = np.array(
        [distribution_change(before, model.next_word_probabilities(remove_word(words, j))).total_variation
         for j in range(len(words) - 1)]
    )  # fmt: skip
    return Removal(tuple(words), weights, int(weights[:-1].argmax()), moved)


def attention_is_not_explanation(
    model, tokens: Sequence[str], seed: int, most: int = 30
) -> tuple[Claim, Removal | None]:
    """Claim: the most-attended word is not always the one the prediction depends on most. Over up to `most`
    contexts, removing the most-attended earlier word vs a random other earlier word; returns the claim and the
    context where the most-attended word mattered least relative to the word that mattered most (None if none)."""
    rng = rng_for(seed, Use.LESSON, 3)
    found = [removals(model, c) for c in contexts(tokens, model.context_window, most, rng)]
    found = [r for r in found if len(r.moved) >= 2]  # a random *other* word needs two earlier words
    top = np.array([r.moved[r.most_attended] for r in found])
    other = np.array([r.moved[rng.choice([j for j in range(len(r.moved)) if j != r.most_attended])] for r in found])
    surprises = [r for r in found if r.mattered_most != r.most_attended]
    numbers = {"most_attended": float(top.mean()), "random": float(other.mean()), "surprises": float(len(surprises)),
               "contexts": float(len(found))}  # fmt: skip
    said = {"surprises": count(len(surprises)), "contexts": count(len(found)), "top": decimal(float(top.mean()), 3),
            "other": decimal(float(other.mean()), 3)}  # fmt: skip
    if surprises:
        sentence = _(
            "In {surprises} of {contexts} contexts another word mattered more than the most-attended one; removing "
            "the most-attended earlier word moved the prediction by {top} on average, a random other earlier word by "
            "{other}. A weight says where the model looked, not what its prediction depends on."
        ).format(**said)
    else:
        sentence = _(
            "In this run the most-attended word mattered most in all {contexts} contexts; removing the most-attended "
            "earlier word moved the prediction by {top} on average, a random other earlier word by {other}."
        ).format(**said)
    example = max(surprises, key=lambda r: r.moved[r.mattered_most] - r.moved[r.most_attended], default=None)
    return Claim(bool(surprises), sentence, numbers), example


__all__ = [  # the mechanism lessons' claims, and the trained-model lessons' (trained_lessons.py)
    "COPIED",
    "COPIES",
    "HEAD_FORMED",
    "MOVED",
    "ONE_LAYER_AT_MOST",
    "TEMPERATURES",
    "UNCHANGED",
    "Claim",
    "Removal",
    "ScoresToWeights",
    "against_counting",
    "attention_is_not_explanation",
    "attention_vs_counting",
    "blog_toy",
    "contexts",
    "heads_specialise",
    "induction_heads",
    "log_ratios",
    "model_head_scores",
    "one_word_looks_back",
    "phase_change_step",
    "positions_matter",
    "removals",
    "scaling_and_temperature",
    "scores_to_weights",
    "shuffle_change",
    "weighted_sum_gap",
    "windows_and_next",
    "words_or_pieces",
]
