"""Scores on the test part: the model and every counting baseline, on the same next words.

    perplexity = exp(-mean_j log p(w_j | words before j))    over all test targets j
    known-word perplexity: the same over the targets the model knows (not "<unk>")
    top-1 accuracy = mean_j [argmax_w p(w | ...) = w_j]

Every method reads the text through the same vocabulary (words it did not learn are "<unk>"), is
fitted on the training part only and is scored on the test part only: the validation part chose
the model's weights, so a score on it would flatter the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.model import forward
from ..core.parameters import Architecture, Parameters, output_matrix
from ..i18n import N_
from .baselines import bigram_score_arrays, unigram_score_arrays
from .kneser_ney import KneserNey
from .scores import MethodScore, score

EVALUATION_CHUNK = 1024
"""Windows whose logits are computed in one product F·W_out (chunk × V logits). It stays fixed: BLAS rounds a
product differently for another number of rows, so changing it would change every score in the last bits."""


FORWARD_TOKENS = 1024
"""Tokens per forward pass through the layers when scoring (FORWARD_TOKENS // T windows): passes this small keep
their arrays in the CPU's cache and ran twice as fast per token as passes of 256 windows of 32 tokens."""


OVERLAP_N = 4
"""The test part's n-word sequences (n = 4) are looked up in the training part to measure repetition."""


BASELINE_LABELS = {
    "kneser_ney_trigram": N_("Kneser–Ney trigram (word triples)"),
    "kneser_ney_bigram": N_("Kneser–Ney bigram (word pairs)"),
    "bigram": N_("add-one bigram (word pairs)"),
    "unigram": N_("unigram (word frequency)"),
}
"""Field name -> what the score table calls it, strongest kind first: English msgids, the baselines' names in
`baselines()` and `strongest_baseline()`; translate them (`_`) where they are shown."""


@dataclass(frozen=True)
class Evaluation:
    """The model and every counting baseline on the same test-part next words."""

    model: MethodScore
    kneser_ney_trigram: MethodScore
    kneser_ney_bigram: MethodScore
    bigram: MethodScore  # add-one word pairs
    unigram: MethodScore  # add-one word frequency
    n_targets: int  # test words scored
    unknown_fraction: float  # of those, the fraction that are "<unk>" (words the model never learned)
    overlap: float | None  # share of the test part's 4-word sequences that also occur in the training part
    test_start: int = 0  # index of the first test token in the text's tokens
    test_chars: int | None = None  # characters of text the test part covers (None: not known)
    test_words: int | None = None  # words and marks (as `tokenize` cuts them) the test part covers

    def bits_per_char(self, method: MethodScore) -> float:
        """bits per character = -Σ log₂ p(token) / characters: a cost that compares across tokenizations."""
        return method.nats / math.log(2) / self.test_chars if self.test_chars else math.nan

    def word_perplexity(self, method: MethodScore) -> float:
        """exp(-Σ log p(token) / words): perplexity per word, whatever the tokens (words or pieces)."""
        return math.exp(method.nats / self.test_words) if self.test_words else math.nan

    def baselines(self) -> dict[str, MethodScore]:
        """Table label -> score, for every counting baseline."""
        return {label: getattr(self, name) for name, label in BASELINE_LABELS.items()}

    def strongest_baseline(self) -> tuple[str, MethodScore]:
        """The counting baseline with the lowest perplexity over all test targets: the one to beat."""
        return min(self.baselines().items(), key=lambda item: item[1].perplexity)


def ngram_overlap(train_tokens, test_tokens, n: int = OVERLAP_N) -> float | None:
    """Share of the test part's n-word sequences that also occur in the training part (None if it has none).

    Near 1, the test part repeats the training text, so a low perplexity there measures memorising.
    """
    return seen_share(ngrams(train_tokens, n), test_tokens, n)


def ngrams(tokens, n: int = OVERLAP_N) -> frozenset[tuple[str, ...]]:
    """Every run of n consecutive tokens."""
    return frozenset(zip(*(tokens[i:] for i in range(n)), strict=False))  # the same runs, ~2x faster than slicing


def seen_share(seen: frozenset[tuple[str, ...]], tokens, n: int = OVERLAP_N) -> float | None:
    """Share of the n-token runs of `tokens` that are in `seen` (None when `tokens` has no run of n)."""
    runs = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return sum(run in seen for run in runs) / len(runs) if runs else None


def evaluate(
    model_scores: tuple[np.ndarray, np.ndarray], ids: np.ndarray, n_train: int, test_start: int, unknown_id: int,
    vocab_size: int, overlap: float | None,
) -> Evaluation:  # fmt: skip
    """Score the model's (log p, guesses) [M] and every baseline on the targets ids[test_start:]."""
    train_ids, targets = ids[:n_train], np.arange(test_start, len(ids))
    words = ids[targets]
    known = words != unknown_id

    def as_score(log_p_and_guesses):
        return score(*log_p_and_guesses[:2], words, known)

    return Evaluation(
        model=as_score(model_scores),
        kneser_ney_trigram=as_score(KneserNey(train_ids, vocab_size, order=3).score(ids, targets)),
        kneser_ney_bigram=as_score(KneserNey(train_ids, vocab_size, order=2).score(ids, targets)),
        bigram=as_score(bigram_score_arrays(train_ids, ids[targets - 1], words, vocab_size)),
        unigram=as_score(unigram_score_arrays(train_ids, words, vocab_size)),
        n_targets=len(targets),
        unknown_fraction=float(np.mean(~known)),
        overlap=overlap,
        test_start=test_start,
    )


def next_token_log_probabilities(
    architecture: Architecture, p: Parameters, ids: np.ndarray, targets: np.ndarray,
    forward_chunk: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # [N], [M] positions >= T -> [M] log p(ids[j]), [M] top-1 guesses  # fmt: skip
    """Predict each token ids[j] from the T tokens before it, as the app does (last position only).

    forward_chunk: windows per forward pass through the layers (default `forward_windows`); it bounds the
    memory an evaluation takes (attention.training.memory), and the numbers do not depend on it.
    """
    T = architecture.context_window
    forward_chunk = forward_windows(T) if forward_chunk is None else forward_chunk
    log_p, guesses = np.empty(len(targets)), np.empty(len(targets), dtype=np.int64)
    for lo in range(0, len(targets), EVALUATION_CHUNK):
        chunk = targets[lo : lo + EVALUATION_CHUNK]
        windows = ids[chunk[:, None] - T + np.arange(T)]  # [m, T]  tokens j-T .. j-1
        logits = last_position_logits(architecture, p, windows, forward_chunk)  # [m, V]
        guesses[lo : lo + len(chunk)] = logits.argmax(axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        picked = logits[np.arange(len(chunk)), ids[chunk]].astype(np.float64)
        np.exp(logits, out=logits)
        log_p[lo : lo + len(chunk)] = picked - np.log(logits.sum(axis=1).astype(np.float64))
        del logits  # before the next chunk's passes, not after them
    return log_p, guesses


def forward_windows(context_window: int) -> int:
    """Windows per forward pass when scoring: FORWARD_TOKENS tokens' worth."""
    return max(FORWARD_TOKENS // context_window, 1)


def last_position_logits(
    architecture: Architecture, p: Parameters, windows: np.ndarray, forward_chunk: int
) -> np.ndarray:  # [m, T] -> [m, V]
    """forward(..., last_only=True) for m windows, through the layers `forward_chunk` windows at a time.

    The layers treat each window on its own, so only what the output layer reads, F[:, -1], is kept from
    each pass, and logits = F_last·W_out + b is one product over all m rows, bit for bit as one pass.
    """
    if forward_chunk >= len(windows):
        return forward(architecture, p, windows, last_only=True)[0]
    last = np.concatenate(
        [forward(architecture, p, windows[lo : lo + forward_chunk], last_only=True)[1].F[:, -1].copy()
         for lo in range(0, len(windows), forward_chunk)]
    )  # fmt: skip  # [m, d]; a copy of each last row, so no pass's activations outlive it
    logits = last @ output_matrix(architecture, p)  # [m, V]
    logits += p["b_out"]
    return logits
