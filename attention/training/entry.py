"""From a text to a trained model: the tokenizer, the parts and the vocabulary, the memory plan, then the loop.

    model = attention.train_model(text, context_window=8, dim=32, heads=1)
    model.next_word_probabilities(["the", "cat"])

`train_model` tokenizes the text (words, or BPE pieces learned on its training part: `tokenizer_for`); `fit`
cuts the tokens into parts, builds the vocabulary, plans the training's memory and runs the loop
(`attention.training.loop`, whose docstring gives the procedure) with one BLAS thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import math
from collections.abc import Sequence

from .. import limits
from ..core.parameters import UNKNOWN_TOKEN
from ..evaluation.held_out import ngram_overlap
from ..tokens.subword import SubwordTokenizer, train_bpe
from ..tokens.tokenization import Tokenized, split, words_between
from ..tokens.words import Vocabulary, normalize
from .loop import Callback, _Trainer
from .memory import MB, plan_memory
from .parts import split_parts, token_ids, word_vocabulary
from .result import TrainedModel
from .settings import TrainingSettings

__all__ = ["fit", "tokenizer_for", "train_model"]


def train_model(
    text: str, *, callback: Callback | None = None, memory_budget_mb: float | None = None, **settings
) -> TrainedModel:
    """Tokenize `text` and train the model on it (`attention.training.loop` gives the procedure).

    The keyword arguments are the fields of `TrainingSettings`, one to one (a preset is a dict of
    them). callback(progress) is called at most every 0.1 s; returning True stops training (the best
    weights so far are kept). memory_budget_mb: the most memory the training may take (default
    limits.TRAINING_MEMORY_BUDGET_MB); a larger batch than fits is halved (`attention.training.memory`).
    Raises ValueError with what to change when the text is too short or a setting is out of range. With
    tokenization="subwords" the model reads BPE pieces learned on the text's training part (`tokenizer_for`),
    and its vocabulary is the tokenizer's: no piece is unknown.
    """
    chosen = TrainingSettings(**settings)
    chosen.check()
    tokenizer = tokenizer_for(text, chosen)
    tokenized = split(text, tokenizer)
    vocabulary = None if tokenizer is None else Vocabulary((*tokenizer.vocabulary, UNKNOWN_TOKEN))
    model = fit(tokenized.tokens, chosen, callback, memory_budget_mb, vocabulary=vocabulary, tokenized=tokenized)
    return dataclasses.replace(model, tokenizer=tokenizer)


def tokenizer_for(text: str, settings: TrainingSettings) -> SubwordTokenizer | None:
    """The BPE tokenizer a subword model of `text` reads with (None for words): learned on the first
    (1 - validation - test) share of the normalised text's characters, so the scored test part is text the
    merges were not chosen on."""
    if settings.tokenization != "subwords":
        return None
    normalized = normalize(text)
    share = 1.0 - settings.validation_fraction - settings.test_fraction
    return train_bpe(normalized[: math.floor(share * len(normalized))], settings.merges)


train_model.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # help(train_model) lists every setting
    [inspect.Parameter("text", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)]
    + [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=f.type)
        for f in dataclasses.fields(TrainingSettings)
    ]
    + [inspect.Parameter("callback", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Callback | None")]
    + [inspect.Parameter("memory_budget_mb", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="float | None")],
    return_annotation=TrainedModel,
)


def fit(
    tokens: Sequence[str],
    settings: TrainingSettings,
    callback: Callback | None = None,
    memory_budget_mb: float | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    tokenized: Tokenized | None = None,
) -> TrainedModel:
    """Train on already tokenized text; `train_model` is the usual entry point.

    vocabulary: the model's words (default: the training part's, rare ones read as "<unk>").
    tokenized: where the tokens came from, so the test part's scores can also be given per character and
    per word (`Evaluation.bits_per_char`, `word_perplexity`).
    """
    settings.check()
    parts = split_parts(len(tokens), settings)
    if vocabulary is None:
        vocabulary = word_vocabulary(tokens, settings)
    ids = token_ids(tokens, vocabulary)
    overlap = ngram_overlap(tokens[: parts.n_train], tokens[parts.test_start :])
    scope = test_scope(tokenized, parts.test_start) if tokenized is not None else None
    budget_mb = limits.TRAINING_MEMORY_BUDGET_MB if memory_budget_mb is None else memory_budget_mb
    memory = plan_memory(settings, len(vocabulary), len(tokens), int(budget_mb * MB))
    with _one_blas_thread():
        return _Trainer(settings, vocabulary, ids, parts, callback, overlap, memory, scope).run()


def test_scope(tokenized: Tokenized, test_start: int) -> tuple[int, int] | None:
    """(characters, words) the test part covers in the text, for scores per character and per word."""
    if test_start >= len(tokenized):
        return None
    start, end = tokenized.spans[test_start][0], tokenized.spans[-1][1]
    return end - start, words_between(tokenized.text, start, end)


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """One BLAS thread while training: these matrices are small, and OpenBLAS's threads cost more than
    they give (8× slower on a busy 2-core machine, bench/train_speed.py). The limit is process-wide;
    two trainings overlapping in one server may restore it early, which costs speed, never correctness.

    threadpoolctl is imported here, not with the library: importing it sets KMP_DUPLICATE_LIB_OK in the
    process's environment, and importing `attention` changes nothing of the process (tests/test_library.py)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - the package works without it, only slower on busy machines
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
