"""Train the tiny self-attention model on a text: batches, epochs, early stop, progress, history.

    model = attention.train_model(text, context_window=8, dim=32, heads=1)
    model.next_word_probabilities(["the", "cat"])

The text is split in two: the first (1 - validation_fraction) of its tokens train the model, the
rest are held out. Each epoch cuts the training tokens into windows of T = context_window tokens
(from a random offset, in random order), and every position of every window predicts its next
token (teacher forcing), so each training token is a target once per epoch with contexts of 1 to T
words. After each epoch the model predicts every held-out token from the T tokens before it; the
weights with the lowest held-out loss are kept, and training stops early when that loss has not
improved for a while, so small texts are not memorised into absurd held-out perplexity.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import limits
from .baselines import Evaluation, bigram_score, score, unigram_score
from .model import (
    POSITION_KINDS,
    UNKNOWN_TOKEN,
    Adam,
    Architecture,
    Parameters,
    TrainedModel,
    backward,
    clip_gradient,
    cross_entropy,
    forward,
    init_parameters,
    unflatten,
)
from .text import Vocabulary, tokenize

try:  # optional: one BLAS thread is faster for these small matrices (see bench/train_speed.py)
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - the package works without it, only slower on busy machines
    threadpool_limits = None

GRADIENT_CLIP = 1.0
"""Largest global gradient norm; Adam can diverge without it at d = 64."""

PATIENCE_EPOCHS = 3
MIN_PATIENCE_STEPS = 40
"""Early stop when the held-out loss has not improved for max(3 epochs, 40 steps)."""

MIN_IMPROVEMENT = 1e-4
"""A held-out loss must beat the best so far by this much (nats) to count as better."""

PROGRESS_INTERVAL_S = 0.1
"""The callback is called at most this often, so a UI is not flooded."""

EVALUATION_CHUNK = 1024
"""Windows scored per forward pass when evaluating (bounds memory: chunk × V logits)."""

TRAIN_LOSS_SAMPLE = 2048
"""The reported training loss is measured on at most this many evenly spaced training tokens."""


@dataclass(frozen=True)
class TrainingSettings:
    """Every choice that determines the trained model: same text + same settings = same model."""

    context_window: int = 8
    dim: int = 32
    heads: int = 1
    positions: str = "learned"  # "learned" | "sinusoidal" | "none"
    tied: bool = False
    epochs: int = 200
    learning_rate: float = 0.01
    batch_size: int = 32
    seed: int = 0
    validation_fraction: float = 0.1
    max_seconds: float = limits.TRAIN_TIME_BUDGET_S

    def check(self) -> None:
        """Raise ValueError, saying what to change, for any setting out of range."""
        _in_range("context window", self.context_window, 1, limits.MAX_CONTEXT_WINDOW)
        _in_range("dim", self.dim, 1, limits.MAX_MODEL_DIM)
        _in_range("heads", self.heads, 1, limits.MAX_HEADS)
        if self.dim % self.heads:
            fits = [h for h in range(1, limits.MAX_HEADS + 1) if self.dim % h == 0]
            raise ValueError(f"heads must divide dim: dim {self.dim} splits evenly into {fits} heads, not {self.heads}")
        if self.positions not in POSITION_KINDS:
            raise ValueError(f"positions must be one of {', '.join(POSITION_KINDS)} (got {self.positions!r})")
        _in_range("epochs", self.epochs, 1, limits.MAX_EPOCHS)
        _in_range("batch size", self.batch_size, 1, limits.MAX_BATCH_SIZE)
        if not 0 < self.learning_rate <= 1:
            raise ValueError(f"learning rate must be in (0, 1], e.g. 0.01 (got {self.learning_rate})")
        if not 0 <= self.validation_fraction <= 0.5:
            raise ValueError(
                f"validation fraction must be between 0 and 0.5, e.g. 0.1 (got {self.validation_fraction})"
            )
        if not self.max_seconds > 0:
            raise ValueError(f"max seconds must be > 0 (got {self.max_seconds})")

    def architecture(self, vocab_size: int) -> Architecture:
        return Architecture(vocab_size, self.context_window, self.dim, self.heads, self.positions, self.tied)


def _in_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number between {low} and {high} (got {value!r})")


@dataclass(frozen=True)
class TrainingProgress:
    """What the callback receives; losses are mean cross-entropy in nats (nan before the first)."""

    step: int
    epoch: int
    train_loss: float  # at the last evaluation (nan before the first)
    validation_loss: float  # at the last evaluation; nan without a validation split
    fraction_done: float  # 0..1, of the epochs or of the time budget, whichever is further


@dataclass(frozen=True)
class HistoryPoint:
    step: int
    epoch: int
    train_loss: float  # loss on (up to 2,048) training tokens, each predicted from the T tokens before it
    validation_loss: float  # the same on the held-out tokens; nan without a validation split


Callback = Callable[[TrainingProgress], bool | None]


def train_model(
    text: str,
    *,
    context_window: int = 8,
    dim: int = 32,
    heads: int = 1,
    positions: str = "learned",
    tied: bool = False,
    epochs: int = 200,
    learning_rate: float = 0.01,
    batch_size: int = 32,
    seed: int = 0,
    validation_fraction: float = 0.1,
    max_seconds: float = limits.TRAIN_TIME_BUDGET_S,
    callback: Callback | None = None,
) -> TrainedModel:
    """Tokenize `text` and train the model on it (see the module docstring for the procedure).

    callback(progress) is called at most every 0.1 s; returning True stops training (the best
    weights so far are kept). Raises ValueError with what to change when the text is too short or a
    setting is out of range.
    """
    settings = TrainingSettings(
        context_window, dim, heads, positions, tied, epochs, learning_rate, batch_size, seed,
        validation_fraction, max_seconds,
    )  # fmt: skip
    return fit(tokenize(text), settings, callback)


def fit(tokens: Sequence[str], settings: TrainingSettings, callback: Callback | None = None) -> TrainedModel:
    """Train on already tokenized text; `train_model` is the usual entry point."""
    settings.check()
    n_train = split_point(len(tokens), settings)
    vocabulary = build_vocabulary(tokens[:n_train], limits.MAX_MODEL_VOCABULARY)
    index, unknown = {word: i for i, word in enumerate(vocabulary.words)}, vocabulary.id_of(UNKNOWN_TOKEN)
    ids = np.array([index.get(token, unknown) for token in tokens], dtype=np.int64)
    with _one_blas_thread():
        return _Trainer(settings, vocabulary, ids[:n_train], ids, callback).run()


def split_point(n_tokens: int, settings: TrainingSettings) -> int:
    """How many leading tokens train; the rest are held out. Raises ValueError if too few."""
    if n_tokens < limits.MIN_TRAIN_TOKENS:
        raise ValueError(
            f"this text has {n_tokens} tokens; training needs at least {limits.MIN_TRAIN_TOKENS}: "
            "paste a few more sentences"
        )
    n_held_out = math.ceil(settings.validation_fraction * n_tokens)
    n_train = n_tokens - n_held_out
    if settings.context_window > n_train - 1:
        raise ValueError(
            f"context window must be between 1 and {n_train - 1} for this text: it keeps {n_train} of its "
            f"{n_tokens} tokens for training; use a smaller window or a longer text"
        )
    return n_train


def build_vocabulary(train_tokens: Sequence[str], max_words: int) -> Vocabulary:
    """The most frequent training words (at most max_words, in order of first appearance), then "<unk>"."""
    counts = Counter(train_tokens)
    if len(counts) > max_words:
        rank = {word: i for i, word in enumerate(dict.fromkeys(train_tokens))}
        kept = set(sorted(counts, key=lambda w: (-counts[w], rank[w]))[:max_words])
        counts = Counter({word: counts[word] for word in kept})
    return Vocabulary((*(w for w in dict.fromkeys(train_tokens) if w in counts), UNKNOWN_TOKEN))


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """One BLAS thread while training: these matrices are small, and OpenBLAS's threads cost more than
    they give (8× slower on a busy 2-core machine, bench/train_speed.py). The limit is process-wide;
    two trainings overlapping in one server may restore it early, which costs speed, never correctness."""
    if threadpool_limits is None:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def epoch_windows(n_train: int, context_window: int, rng: np.random.Generator) -> np.ndarray:  # -> [W] starts
    """Starts of non-overlapping windows from a random offset, shuffled: each window predicts T tokens."""
    T = context_window
    offset = int(rng.integers(min(T, n_train - T)))
    starts = np.arange(offset, n_train - T, T)  # window [s, s+T) predicts tokens s+1 .. s+T
    return rng.permutation(starts)


def next_token_log_probabilities(
    architecture: Architecture, p: Parameters, ids: np.ndarray, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # [N], [M] positions >= T -> [M] log p(ids[j]), [M] top-1 guesses
    """Predict each token ids[j] from the T tokens before it, as the app does (last position only)."""
    T = architecture.context_window
    log_p, guesses = np.empty(len(targets)), np.empty(len(targets), dtype=np.int64)
    for lo in range(0, len(targets), EVALUATION_CHUNK):
        chunk = targets[lo : lo + EVALUATION_CHUNK]
        windows = ids[chunk[:, None] - T + np.arange(T)]  # [m, T]  tokens j-T .. j-1
        logits, _ = forward(architecture, p, windows, last_only=True)  # [m, V]
        guesses[lo : lo + len(chunk)] = logits.argmax(axis=1)
        logits -= logits.max(axis=1, keepdims=True)
        picked = logits[np.arange(len(chunk)), ids[chunk]].astype(np.float64)
        np.exp(logits, out=logits)
        log_p[lo : lo + len(chunk)] = picked - np.log(logits.sum(axis=1).astype(np.float64))
    return log_p, guesses


class _Trainer:
    """One training run; `run()` returns the TrainedModel. Not reused."""

    def __init__(self, settings, vocabulary, train_ids, ids, callback):
        self.settings, self.vocabulary, self.callback = settings, vocabulary, callback
        self.train_ids, self.ids = train_ids, ids
        self.n_train = len(train_ids)
        self.has_held_out = len(ids) > self.n_train
        self.architecture = settings.architecture(len(vocabulary))
        self.rng = np.random.default_rng(settings.seed)
        self.theta = init_parameters(self.architecture, self.rng)  # [size] every parameter
        self.grad = np.zeros_like(self.theta)
        self.p, self.g = unflatten(self.theta, self.architecture), unflatten(self.grad, self.architecture)
        self.adam = Adam.like(self.theta)
        self.best_theta, self.best_loss, self.best_step = self.theta.copy(), math.inf, 0
        self.history: list[HistoryPoint] = []
        self.step = self.epoch = 0
        self.train_loss = self.validation_loss = math.nan
        T = settings.context_window
        self.train_targets = np.unique(
            np.linspace(T, self.n_train - 1, min(TRAIN_LOSS_SAMPLE, self.n_train - T)).round()
        )
        self.train_targets = self.train_targets.astype(np.int64)  # evenly spaced, no randomness
        self.held_out_targets = np.arange(self.n_train, len(ids))
        windows = (self.n_train - 1) // settings.context_window
        self.steps_per_epoch = math.ceil(windows / settings.batch_size)
        self.patience = max(PATIENCE_EPOCHS * self.steps_per_epoch, MIN_PATIENCE_STEPS)

    def run(self) -> TrainedModel:
        s = self.settings
        self.start = self.last_callback = time.perf_counter()
        for self.epoch in range(1, s.epochs + 1):
            stopped = self._train_one_epoch() or ""
            stopped = self._evaluate() or stopped
            if stopped:
                break
        else:
            stopped = "epochs done"
        seconds = time.perf_counter() - self.start
        if self.callback is not None:  # a last report, so a progress bar ends full
            self.callback(dataclasses.replace(self._progress(1.0), fraction_done=1.0))
        return self._model(stopped, seconds)

    def _train_one_epoch(self) -> str | None:
        T, B = self.settings.context_window, self.settings.batch_size
        starts = epoch_windows(self.n_train, T, self.rng)
        offsets = np.arange(T + 1)
        for lo in range(0, len(starts), B):
            tokens = self.train_ids[starts[lo : lo + B, None] + offsets]  # [b, T+1]
            self._step(tokens[:, :-1], tokens[:, 1:])
            if time.perf_counter() - self.start > self.settings.max_seconds:
                return "time budget"
            if self._maybe_report(epoch_fraction=(lo + B) / len(starts)):
                return "stopped by user"
        return None

    def _step(self, inputs: np.ndarray, targets: np.ndarray) -> float:  # [b, T], [b, T] -> batch loss
        logits, cache = forward(self.architecture, self.p, inputs)  # [b, T, V]
        loss, dlogits = cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.ravel())
        backward(self.architecture, self.p, cache, dlogits.reshape(logits.shape), self.g)
        clip_gradient(self.grad, GRADIENT_CLIP)
        self.adam.step(self.theta, self.grad, self.settings.learning_rate)
        self.step += 1
        return loss

    def _evaluate(self) -> str | None:
        """Record a history point; keep the best weights; say "early stop" when patience runs out."""
        self.train_loss = self._loss(self.train_targets)
        if self.has_held_out:
            self.validation_loss = self._loss(self.held_out_targets)
        self.history.append(HistoryPoint(self.step, self.epoch, self.train_loss, self.validation_loss))
        if not self.has_held_out:
            self.best_step = self.step
            return None
        if self.validation_loss < self.best_loss - MIN_IMPROVEMENT:
            self.best_loss, self.best_step = self.validation_loss, self.step
            np.copyto(self.best_theta, self.theta)
        if self._maybe_report(epoch_fraction=1.0):
            return "stopped by user"
        if self.step - self.best_step >= self.patience:
            return "early stop"
        return None

    def _loss(self, targets: np.ndarray) -> float:
        log_p, _ = next_token_log_probabilities(self.architecture, self.p, self.ids, targets)
        return float(-log_p.mean())

    def _progress(self, epoch_fraction: float) -> TrainingProgress:
        s = self.settings
        elapsed = time.perf_counter() - self.start
        done = max((self.epoch - 1 + epoch_fraction) / s.epochs, elapsed / s.max_seconds)
        return TrainingProgress(self.step, self.epoch, self.train_loss, self.validation_loss, min(done, 1.0))

    def _maybe_report(self, epoch_fraction: float) -> bool:
        """Call the callback if PROGRESS_INTERVAL_S has passed; True means stop."""
        now = time.perf_counter()
        if self.callback is None or now - self.last_callback < PROGRESS_INTERVAL_S:
            return False
        self.last_callback = now
        return bool(self.callback(self._progress(min(epoch_fraction, 1.0))))

    def _model(self, stopped: str, seconds: float) -> TrainedModel:
        theta = self.best_theta if self.has_held_out else self.theta.copy()
        theta.flags.writeable = False
        parameters = unflatten(theta, self.architecture)
        return TrainedModel(
            vocabulary=self.vocabulary,
            architecture=self.architecture,
            parameters=parameters,
            settings=self.settings,
            history=tuple(self.history),
            stopped_because=stopped,
            best_step=self.best_step,
            steps=self.step,
            seconds=seconds,
            evaluation=self._evaluation(parameters),
        )

    def _evaluation(self, parameters: Parameters) -> Evaluation | None:
        """The kept model and both baselines on the held-out tokens."""
        if not self.has_held_out:
            return None
        V, ids, n = self.architecture.vocab_size, self.ids, self.n_train
        log_p, guesses = next_token_log_probabilities(self.architecture, parameters, ids, self.held_out_targets)
        targets = ids[n:]
        return Evaluation(
            model=score(log_p, guesses, targets),
            bigram=bigram_score(self.train_ids, ids[n - 1 : -1], targets, V),
            unigram=unigram_score(self.train_ids, targets, V),
            n_targets=len(targets),
            unknown_fraction=float(np.mean(targets == self.vocabulary.id_of(UNKNOWN_TOKEN))),
        )
