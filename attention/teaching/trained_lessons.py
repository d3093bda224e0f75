"""The measurements behind the claims of the lessons on trained models: heads that specialise, induction heads,
the blog's toy, words or pieces, and attention against counting (the mechanism lessons' are in lessons.py).

Each reuses the library (the one attention implementation, head scores, the tokenizers, the baselines'
scores); none computes attention a second way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..blog.method import blog_method
from ..core.parameters import UNKNOWN_TOKEN
from ..core.streams import Use, rng_for
from ..evaluation import head_scores
from ..i18n import N_, _, count, decimal, percent
from ..tokens.subword import SubwordTokenizer
from ..tokens.words import Vocabulary
from . import induction
from .analysis import distribution_change, shuffle_earlier_words
from .claims import UNCHANGED, Claim

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
    said = {"segments": count(induction.HELD_OUT_SEGMENTS), "two": percent(two, 0), "best_two": decimal(best_two, 2),
            "threshold": decimal(HEAD_FORMED, 1), "step": count(step or 0), "one": percent(one, 0),
            "best_one": decimal(best_one, 2)}  # fmt: skip
    holds = two >= COPIES and best_two >= HEAD_FORMED and one <= ONE_LAYER_AT_MOST
    if holds and step is not None:
        sentence = _(
            "On {segments} fresh segments it never saw, the two-layer model predicts {two} of the second copies' "
            "words, its best induction head scores {best_two} (it passed {threshold} at step {step}); the one-layer "
            "model, trained alike, predicts {one} (best induction score {best_one}). Copying needs two layers."
        )
    elif holds:
        sentence = _(
            "On {segments} fresh segments it never saw, the two-layer model predicts {two} of the second copies' "
            "words, its best induction head scores {best_two}; the one-layer model, trained alike, predicts {one} "
            "(best induction score {best_one}). Copying needs two layers."
        )
    elif step is not None:
        sentence = _(
            "This run does not show it clearly: on {segments} fresh segments it never saw, the two-layer model "
            "predicts {two} of the second copies' words, its best induction head scores {best_two} (it passed "
            "{threshold} at step {step}); the one-layer model, trained alike, predicts {one} (best induction score "
            "{best_one})."
        )
    else:
        sentence = _(
            "This run does not show it clearly: on {segments} fresh segments it never saw, the two-layer model "
            "predicts {two} of the second copies' words, its best induction head scores {best_two}; the one-layer "
            "model, trained alike, predicts {one} (best induction score {best_one})."
        )
    return Claim(holds, sentence.format(**said), numbers)


def heads_specialise(scores: head_scores.HeadScores) -> Claim:
    """Claim: one head becomes a previous-token head (score >= HEAD_FORMED) while every other head scores below
    it, and the best induction head is another head: heads trained together take different jobs."""
    previous = np.asarray(scores.previous_token)  # [L, h]
    layer, head, best = scores.best("previous_token")
    others = np.delete(previous.ravel(), layer * previous.shape[1] + head)  # [L·h - 1]
    i_layer, i_head, i_best = scores.best("induction")
    numbers = {"previous_token": best, "others_at_most": float(others.max()), "induction": i_best}
    said = {"layer": layer + 1, "head": head + 1, "share": percent(best, 0), "others": percent(float(others.max()), 0),
            "i_layer": i_layer + 1, "i_head": i_head + 1, "score": decimal(i_best, 2)}  # fmt: skip
    holds = best >= HEAD_FORMED and others.max() < HEAD_FORMED and (i_layer, i_head) != (layer, head)
    if holds:
        return Claim(True, _(
            "Layer {layer}, head {head} puts {share} of its attention on the word just before (its previous-token "
            "score); every other head at most {others}; the best induction head is layer {i_layer}, head {i_head} "
            "({score}). Each head took a job of its own."
        ).format(**said), numbers)  # fmt: skip
    return Claim(False, _(
        "This run does not show it clearly: layer {layer}, head {head} puts {share} of its attention on the word just "
        "before (its previous-token score); every other head at most {others}; the best induction head is layer "
        "{i_layer}, head {i_head} ({score})."
    ).format(**said), numbers)  # fmt: skip


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
    common, times = Counter(t for _context, t in found).most_common(1)[0]
    accuracy, baseline = hits / len(found), times / len(found)
    numbers = {"accuracy": accuracy, "most_common": baseline, "chance": 1 / len(vocabulary.words),
               "shuffle_moved": moved, "contexts": float(len(found))}  # fmt: skip
    said = {"windows": count(len(found)), "accuracy": percent(accuracy, 1), "word": common,
            "baseline": percent(baseline, 1), "moved": decimal(moved, 3)}  # fmt: skip
    if accuracy < baseline and moved < UNCHANGED:
        return Claim(True, _(
            "Over all {windows} windows of the story, the blog's top word is the true next word {accuracy} of the "
            "time; always saying '{word}' is right {baseline} of the time. Shuffling the context moved its "
            "prediction by at most {moved}: an average of random vectors has no order and learns nothing."
        ).format(**said), numbers)  # fmt: skip
    return Claim(False, _(
        "This run does not show it clearly: over all {windows} windows of the story, the blog's top word is the true "
        "next word {accuracy} of the time; always saying '{word}' is right {baseline} of the time. Shuffling the "
        "context moved its prediction by at most {moved}."
    ).format(**said), numbers)  # fmt: skip


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
    said = {"unknown": count(len(unknown)), "words": count(len(words)), "share": percent(numbers["unknown_share"], 0),
            "known": count(len(vocabulary.words)), "named": ", ".join(dict.fromkeys(unknown)),
            "no_piece": count(len(no_piece)), "pieces": count(len(pieces))}  # fmt: skip
    if unknown and not no_piece:  # then some words are unknown, and named
        return Claim(True, _(
            "In word mode {unknown} of the prompt's {words} words ({share}) are not in the model's {known} words "
            "({named}); cut by BPE, {no_piece} of its {pieces} pieces are unknown: pieces can spell any word."
        ).format(**said), numbers)  # fmt: skip
    if unknown:
        sentence = _(
            "This run does not show it clearly: in word mode {unknown} of the prompt's {words} words ({share}) are not "
            "in the model's {known} words ({named}); cut by BPE, {no_piece} of its {pieces} pieces are unknown."
        )
    else:
        sentence = _(
            "This run does not show it clearly: in word mode {unknown} of the prompt's {words} words ({share}) are not "
            "in the model's {known} words; cut by BPE, {no_piece} of its {pieces} pieces are unknown."
        )
    return Claim(False, sentence.format(**said), numbers)


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
    ratio = {name: model / best for name, (_label, best, model) in found.items()}  # < 1: the model wins
    numbers = {f"{name}_{what}": value for name, (_label, best, model) in found.items()
               for what, value in (("model", model), ("counting", best))}  # fmt: skip
    numbers |= {"copied": copied, **{f"{name}_ratio": r for name, r in ratio.items()}}
    numbers |= {f"{name}_log2_ratio": float(np.log2(r)) for name, r in ratio.items()}
    said = {f"{name}_{what}": value for name, (label, best, model) in found.items()
            for what, value in (("model", decimal(model, 1)), ("counter", label.split(" (")[0]),
                                ("counting", decimal(best, 1)))}  # fmt: skip
    said |= {"copied": percent(copied, 0), "small_words": count(words[0]), "large_words": count(words[1])}
    holds = copied >= COPIED and ratio["copy"] < 1 < ratio["small"] and ratio["large"] < ratio["small"]
    return Claim(holds, _(COUNTING_SENTENCES[holds, bool(ratio["large"] < 1)]).format(**said), numbers)


COUNTING_SENTENCES = {  # (the claim holds, the model wins on all the stories) -> the sentence
    (True, True): N_(
        "Test perplexity (lower is better): on the copy grammar the model {copy_model} vs the {copy_counter} "
        "{copy_counting} (it copies the colour in {copied} of test sentences); on {small_words} words of stories the "
        "model {small_model} vs the {small_counter} {small_counting}; on {large_words} words the model {large_model} "
        "vs the {large_counter} {large_counting}: the model wins. Attention wins where the answer is far back; on a "
        "little real text, counting wins."
    ),
    (True, False): N_(
        "Test perplexity (lower is better): on the copy grammar the model {copy_model} vs the {copy_counter} "
        "{copy_counting} (it copies the colour in {copied} of test sentences); on {small_words} words of stories the "
        "model {small_model} vs the {small_counter} {small_counting}; on {large_words} words the model {large_model} "
        "vs the {large_counter} {large_counting}: counting still wins, by less. Attention wins where the answer is "
        "far back; on a little real text, counting wins."
    ),
    (False, True): N_(
        "This run does not show it clearly: test perplexity (lower is better): on the copy grammar the model "
        "{copy_model} vs the {copy_counter} {copy_counting} (it copies the colour in {copied} of test sentences); on "
        "{small_words} words of stories the model {small_model} vs the {small_counter} {small_counting}; on "
        "{large_words} words the model {large_model} vs the {large_counter} {large_counting}: the model wins."
    ),
    (False, False): N_(
        "This run does not show it clearly: test perplexity (lower is better): on the copy grammar the model "
        "{copy_model} vs the {copy_counter} {copy_counting} (it copies the colour in {copied} of test sentences); on "
        "{small_words} words of stories the model {small_model} vs the {small_counter} {small_counting}; on "
        "{large_words} words the model {large_model} vs the {large_counter} {large_counting}: counting still wins, "
        "by less."
    ),
}
