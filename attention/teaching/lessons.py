"""The measurements behind the lessons' claims: each lesson states its claim with a number measured on
the run the class watches, and says so when this run does not show it.

Every function reuses the library (the one attention implementation, the what-if edits, the distance
between two predictions); none computes attention a second way.

>>> claim = scaling_and_temperature(seed=0)
>>> claim.holds
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..blog.method import blog_method
from ..core.mechanism import scaled_dot_product_attention, softmax
from ..core.parameters import UNKNOWN_TOKEN
from ..core.streams import Use, rng_for
from ..evaluation import head_scores
from ..tokens.subword import SubwordTokenizer
from ..tokens.words import Vocabulary
from . import induction
from .analysis import distribution_change, remove_word, shuffle_earlier_words

UNCHANGED = 1e-4
"""Below this total variation distance two predictions are the same up to float32 rounding."""
MOVED = 0.01
"""At least this total variation distance: the prediction moved (one percentage point of probability)."""
TEMPERATURES = (0.5, 1.0, 2.0)
"""The temperatures the first lesson compares: sharper, as is, flatter."""


@dataclass(frozen=True)
class Claim:
    """A lesson's claim as measured now: whether it held, the sentence to show, and the numbers in it."""

    holds: bool
    sentence: str  # the claim with the measured numbers, or what was seen instead
    numbers: dict[str, float] = field(default_factory=dict)


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
    if holds:
        sentence = (
            f"Without dividing by √d_k = {np.sqrt(d_k):g}, the top word takes {top_raw:.0%} of the attention; "
            f"with it, {top_scaled:.0%}. Temperature τ = 0.5 gives the top word {tops[0]:.0%}, τ = 1 {tops[1]:.0%}, "
            f"τ = 2 {tops[2]:.0%}: lower is sharper, higher is flatter."
        )
    else:
        sentence = (
            f"This seed does not show it: the top weight is {top_raw:.0%} without the scaling and {top_scaled:.0%} "
            f"with it; at τ = 0.5, 1, 2 it is {tops[0]:.0%}, {tops[1]:.0%}, {tops[2]:.0%}. Try another seed."
        )
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
    look = f"'{steps.words[-1]}' looks most at '{steps.words[top]}' ({mean_row[top]:.0%} of its attention)"
    if holds:
        sentence = (
            f"{look}. Its output is Σ_j a_j v_j to within {gap:.0e} (recomputed by a loop), its weights sum to 1 "
            f"to within {row_sum_error:.0e}, and later words get exactly {future:g}."
        )
    else:
        sentence = (
            f"{look}; but the check failed: the weighted sum differs by {gap:.2g}, the rows by {row_sum_error:.2g}."
        )
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
    measured = (
        f"over {len(chosen)} contexts, shuffling the earlier words moved the prediction by {moved['none']:.3f} "
        f"with positions 'none' and by {moved['learned']:.3f} with learned positions (total variation, 0 to 1)"
    )
    if holds:
        return Claim(
            True, measured[0].upper() + measured[1:] + ": without positions, word order is invisible.", numbers
        )
    return Claim(False, f"This run does not show it clearly: {measured}.", numbers)


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
    average = (
        f"removing the most-attended earlier word moved the prediction by {top.mean():.3f} on average, a random "
        f"other earlier word by {other.mean():.3f}"
    )
    if surprises:
        sentence = (
            f"In {len(surprises)} of {len(found)} contexts another word mattered more than the most-attended one; "
            f"{average}. A weight says where the model looked, not what its prediction depends on."
        )
    else:
        sentence = f"In this run the most-attended word mattered most in all {len(found)} contexts; {average}."
    example = max(surprises, key=lambda r: r.moved[r.mattered_most] - r.moved[r.most_attended], default=None)
    return Claim(bool(surprises), sentence, numbers), example


COPIES = 0.8
"""Induction: the two-layer model predicts at least this share of fresh second copies (bench/induction.py's target)."""
HEAD_FORMED = 0.5
"""A head whose score (previous-token or induction) reaches this puts half its attention where its job says."""
ONE_LAYER_AT_MOST = 0.3
"""Induction: one layer predicts at most this share of the second copies (its target in the README)."""


def phase_change_step(history: Sequence, threshold: float = HEAD_FORMED) -> int | None:
    """The step of the first history point whose best induction head scored at least `threshold` (None: never)."""
    formed = (p.step for p in history if p.heads is not None and p.heads.best("induction")[2] >= threshold)
    return next(formed, None)


def model_head_scores(model) -> head_scores.HeadScores:
    """A trained model's head scores on its training probe; ValueError when its vocabulary makes no probe."""
    found = head_scores.model_scores(model)
    if found is None:
        raise ValueError("this model's vocabulary has too few different words for head scores: train on more words")
    return found


def induction_heads(two_layers, one_layer, text: str) -> Claim:
    """Claim: two layers learn to copy fresh repeated segments (accuracy >= COPIES, an induction head scoring
    >= HEAD_FORMED, formed suddenly at a step of training), one layer trained alike does not (<= ONE_LAYER_AT_MOST)."""
    two, one = (induction.copy_accuracy(m, text) for m in (two_layers, one_layer))
    best_two, best_one = (model_head_scores(m).best("induction")[2] for m in (two_layers, one_layer))
    step = phase_change_step(two_layers.history)
    numbers = {"two_layers": two, "one_layer": one, "best_induction_two": best_two, "best_induction_one": best_one,
               "phase_change_step": float(step or 0)}  # fmt: skip
    measured = (
        f"on {induction.HELD_OUT_SEGMENTS} fresh segments it never saw, the two-layer model predicts {two:.0%} of "
        f"the second copies' words, its best induction head scores {best_two:.2f}"
        + (f" (it passed {HEAD_FORMED} at step {step})" if step is not None else "")
        + f"; the one-layer model, trained alike, predicts {one:.0%} (best induction score {best_one:.2f})"
    )
    holds = two >= COPIES and best_two >= HEAD_FORMED and one <= ONE_LAYER_AT_MOST
    if holds:
        return Claim(True, measured[0].upper() + measured[1:] + ". Copying needs two layers.", numbers)
    return Claim(False, f"This run does not show it clearly: {measured}.", numbers)


def heads_specialise(scores: head_scores.HeadScores) -> Claim:
    """Claim: one head becomes a previous-token head (score >= HEAD_FORMED) while every other head scores below
    it, and the best induction head is another head: heads trained together take different jobs."""
    previous = np.asarray(scores.previous_token)  # [L, h]
    layer, head, best = scores.best("previous_token")
    others = np.delete(previous.ravel(), layer * previous.shape[1] + head)  # [L·h - 1]
    i_layer, i_head, i_best = scores.best("induction")
    numbers = {"previous_token": best, "others_at_most": float(others.max()), "induction": i_best}
    measured = (
        f"layer {layer + 1}, head {head + 1} puts {best:.0%} of its attention on the word just before (its "
        f"previous-token score); every other head at most {others.max():.0%}; the best induction head is layer "
        f"{i_layer + 1}, head {i_head + 1} ({i_best:.2f})"
    )
    holds = best >= HEAD_FORMED and others.max() < HEAD_FORMED and (i_layer, i_head) != (layer, head)
    if holds:
        return Claim(True, measured[0].upper() + measured[1:] + ". Each head took a job of its own.", numbers)
    return Claim(False, f"This run does not show it clearly: {measured}.", numbers)


def windows_and_next(tokens: Sequence[str], window: int) -> list[tuple[list[str], str]]:
    """Every full window of `window` tokens with the token that follows it."""
    return [(list(tokens[end - window + 1 : end + 1]), tokens[end + 1]) for end in range(window - 1, len(tokens) - 1)]


def blog_toy(embeddings: np.ndarray, vocabulary: Vocabulary, tokens: Sequence[str], window: int, seed: int) -> Claim:
    """Claim: the blog's method (random vectors, one averaged query) is no better than always guessing the
    text's most common word, and shuffling its context never moves its prediction: it has no order and
    learns nothing. `embeddings`: [V, d_e] random rows for `vocabulary.words`."""
    rng = rng_for(seed, Use.LESSON, 5)
    found = windows_and_next(tokens, window)
    hits, moved = 0, 0.0
    for context, true_next in found:
        result = blog_method(embeddings, vocabulary, context)
        hits += result.words[int(result.top_k(1)[0])] == true_next
        shuffled = blog_method(embeddings, vocabulary, shuffle_earlier_words(context, rng))
        moved = max(moved, distribution_change(result, shuffled).total_variation)
    common, times = Counter(t for _, t in found).most_common(1)[0]
    accuracy, baseline = hits / len(found), times / len(found)
    numbers = {"accuracy": accuracy, "most_common": baseline, "chance": 1 / len(vocabulary.words),
               "shuffle_moved": moved, "contexts": float(len(found))}  # fmt: skip
    measured = (
        f"over all {len(found)} windows of the story, the blog's top word is the true next word {accuracy:.1%} of the "
        f"time; always saying '{common}' is right {baseline:.1%} of the time. Shuffling the context moved its "
        f"prediction by at most {moved:.3f}"
    )
    if accuracy < baseline and moved < UNCHANGED:
        return Claim(True, measured[0].upper() + measured[1:] + ": an average of random vectors has no order and "
                     "learns nothing.", numbers)  # fmt: skip
    return Claim(False, f"This run does not show it clearly: {measured}.", numbers)


def words_or_pieces(
    vocabulary: Vocabulary, words: Sequence[str], tokenizer: SubwordTokenizer, pieces: Sequence[str]
) -> Claim:
    """Claim: in word mode some of the prompt's words are not in the model's vocabulary (read as <unk>); BPE
    cuts the same prompt into pieces that are all in its vocabulary (an unseen character becomes its bytes).
    `words`: the prompt's words (marks left out); `vocabulary`: a word model's; `pieces`: the prompt as
    `tokenizer` cut it."""
    unknown = [w for w in words if w not in vocabulary.words or w == UNKNOWN_TOKEN]
    no_piece = [p for p in pieces if p not in tokenizer.vocabulary]
    numbers = {"unknown_words": float(len(unknown)), "words": float(len(words)), "pieces": float(len(pieces)),
               "unknown_pieces": float(len(no_piece)), "unknown_share": len(unknown) / max(len(words), 1)}  # fmt: skip
    named = ", ".join(dict.fromkeys(unknown))
    measured = (
        f"in word mode {len(unknown)} of the prompt's {len(words)} words ({numbers['unknown_share']:.0%}) are not in "
        f"the model's {len(vocabulary.words):,} words" + (f" ({named})" if named else "")
        + f"; cut by BPE, {len(no_piece)} of its {len(pieces)} pieces are unknown"
    )  # fmt: skip
    if unknown and not no_piece:
        return Claim(True, measured[0].upper() + measured[1:] + ": pieces can spell any word.", numbers)
    return Claim(False, f"This run does not show it clearly: {measured}.", numbers)


COPIED = 0.9
"""The colour copy: the model names the colour in at least this share of test sentences (bench/colour_copy.py)."""


def against_counting(evaluation) -> tuple[str, float, float]:
    """(the strongest counting baseline's name, its test perplexity, the model's): lower is better."""
    name, best = evaluation.strongest_baseline()
    return name, best.perplexity, evaluation.model.perplexity


def log_ratios(evaluation) -> dict[str, float]:
    """log₂(model's perplexity ÷ each counting baseline's), by the baseline's label: below 0 the model is the
    less unsure, above 0 the counter is; 1 means twice as unsure."""
    model = evaluation.model.perplexity
    return {label: float(np.log2(model / score.perplexity)) for label, score in evaluation.baselines().items()}


def attention_vs_counting(copy, small, large, copied: float, words: tuple[int, int]) -> Claim:
    """Claim: on the colour-copy grammar the model copies (>= COPIED) and beats the strongest counting baseline
    (test perplexity), on
    a small text of real stories that baseline beats the model, and on far more stories the model's gap to
    it shrinks or turns. `copy`, `small`, `large`: the three models' Evaluation; `copied`: the copy accuracy;
    `words`: how many words the small and the large text have."""
    found = {name: against_counting(e) for name, e in (("copy", copy), ("small", small), ("large", large))}
    ratio = {name: model / best for name, (_, best, model) in found.items()}  # < 1: the model wins
    numbers = {f"{name}_{what}": value for name, (_, best, model) in found.items()
               for what, value in (("model", model), ("counting", best))}  # fmt: skip
    numbers |= {"copied": copied, **{f"{name}_ratio": r for name, r in ratio.items()}}
    numbers |= {f"{name}_log2_ratio": float(np.log2(r)) for name, r in ratio.items()}
    said = {name: f"the model {model:.1f} vs the {label.split(' (')[0]} {best:.1f}"
            for name, (label, best, model) in found.items()}  # fmt: skip
    turned = "the model wins" if ratio["large"] < 1 else "counting still wins, by less"
    measured = (
        f"test perplexity (lower is better): on the copy grammar {said['copy']} (it copies the colour in "
        f"{copied:.0%} of test sentences); on {words[0]:,} words of stories {said['small']}; on {words[1]:,} words "
        f"{said['large']}: {turned}"
    )
    if copied >= COPIED and ratio["copy"] < 1 < ratio["small"] and ratio["large"] < ratio["small"]:
        return Claim(True, measured[0].upper() + measured[1:] + ". Attention wins where the answer is far back; "
                     "on a little real text, counting wins.", numbers)  # fmt: skip
    return Claim(False, f"This run does not show it clearly: {measured}.", numbers)
