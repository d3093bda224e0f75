"""The training loop: batches, evaluations, early stop, the step budget, the safety clock, progress.

The text is cut into three contiguous parts (`attention.training.parts`): train, validation, test. Each
epoch cuts the training tokens into windows of T = context_window tokens (from a random offset, in
random order), and every position of every window predicts its next token (teacher forcing), so
each training token is a target once per epoch with contexts of 1 to T words. AdamW with dropout.
At the end of an epoch, once enough steps have passed since the last evaluation (`EVALUATION_SHARE`:
every epoch on small texts, every few epochs on long ones), and when training ends, the model predicts
every validation token from the T tokens before it (and up to TRAIN_LOSS_SAMPLE = 1,024 training
tokens, for the training loss); the weights with the lowest validation loss are kept, and training
stops when that loss has not improved for `patience` steps: long enough to wait out the plateau before
attention learns to look back. The kept model and the counting baselines are then scored on the test part.

Every budget counts steps (max_steps, epochs, patience), so the same text, settings and seed give
bit-identical weights under any load. A wall clock (max_seconds) remains only as a safety net;
if it fires, the model says so (`clock_stopped`).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.dropout import dropout_masks
from ..core.model import backward, cross_entropy, forward
from ..core.parameters import UNKNOWN_TOKEN, Parameters, decay_mask, init_parameters, unflatten
from ..core.streams import Use, rng_for
from ..evaluation import head_scores as heads
from ..evaluation.held_out import Evaluation, evaluate, next_token_log_probabilities
from ..tokens.words import Vocabulary
from . import work
from .memory import MemoryPlan
from .optim import AdamW, clip_gradient
from .parts import TRAIN_LOSS_SAMPLE, Parts
from .result import HistoryPoint, TrainedModel
from .stops import StopReason

__all__ = ["TrainingProgress", "epoch_windows"]

GRADIENT_CLIP = 1.0
"""Largest global gradient norm; Adam can diverge without it at d = 64."""

MIN_PATIENCE_EPOCHS = 3
"""Early stop waits at least this many evaluations (epochs), however few steps an epoch has."""

MIN_IMPROVEMENT = 1e-4
"""A validation loss must beat the best so far by this much (nats) to count as better."""

PROGRESS_INTERVAL_S = 0.1
"""The callback is called at most this often, so a UI is not flooded."""

EVALUATION_SHARE = 4
"""Evaluate at an epoch's end once, since the last evaluation, one window was trained for every EVALUATION_SHARE
tokens the evaluation scores (every ceil(scored / (EVALUATION_SHARE · B)) steps): with long windows and few steps
per epoch, evaluating each epoch would cost more than training (T = 32 on 4,000 tokens: 4 steps an epoch). Small
texts still get a point every epoch."""

FORECAST_MARGIN = 1.5
"""The safety clock stops training when the last evaluation, forecast at the pace so far times this, would end
past max_seconds (a busy machine's pace changes while it runs)."""

clock = time.perf_counter
"""The safety clock and the progress throttle read this (tests replace it with a slow clock)."""


@dataclass(frozen=True)
class TrainingProgress:
    """What the callback receives; losses are mean cross-entropy in nats (nan before the first)."""

    step: int
    epoch: int
    train_loss: float  # at the last evaluation (nan before the first)
    validation_loss: float  # at the last evaluation; nan without a validation part
    fraction_done: float  # 0..1, of the step budget (max_steps, or epochs if fewer)
    heads: heads.HeadScores | None = None  # every head's scores on a fixed probe, measured now (heads.py)


Callback = Callable[[TrainingProgress], bool | None]


def epoch_windows(n_train: int, context_window: int, rng: np.random.Generator) -> np.ndarray:  # -> [W] starts
    """Starts of non-overlapping windows from a random offset, shuffled: each window predicts T tokens."""
    T = context_window
    offset = int(rng.integers(min(T, n_train - T)))
    starts = np.arange(offset, n_train - T, T)  # window [s, s+T) predicts tokens s+1 .. s+T
    return rng.permutation(starts)


class _Trainer:
    """One training run; `run()` returns the TrainedModel. Not reused."""

    def __init__(
        self, settings, vocabulary: Vocabulary, ids: np.ndarray, parts: Parts, callback, overlap, memory: MemoryPlan,
        scope: tuple[int, int] | None,
    ):  # fmt: skip
        self.settings, self.vocabulary, self.callback, self.overlap = settings, vocabulary, callback, overlap
        self.memory, self.batch_size = memory, memory.batch_size  # the settings' batch unless the budget halved it
        self.scope = scope  # (characters, words) of the test part, or None
        self.ids, self.parts, self.n_train = ids, parts, parts.n_train
        self.train_ids = ids[: parts.n_train]
        self.architecture = settings.architecture(len(vocabulary))
        self.rng = rng_for(settings.seed, Use.TRAINING)  # the initial weights, then batches and dropout
        self.theta = init_parameters(self.architecture, self.rng)  # [size] every parameter
        self.grad = np.zeros_like(self.theta)
        self.p, self.g = unflatten(self.theta, self.architecture), unflatten(self.grad, self.architecture)
        self.optimizer = AdamW.like(self.theta, settings.weight_decay, decay_mask(self.architecture))
        self.best_theta, self.best_loss, self.best_step = self.theta.copy(), math.inf, 0
        self.history: list[HistoryPoint] = []
        self.step = self.epoch = 0
        self.train_loss = self.validation_loss = math.nan
        T = settings.context_window
        sample = np.linspace(T, self.n_train - 1, min(TRAIN_LOSS_SAMPLE, self.n_train - T)).round()
        self.train_targets = np.unique(sample).astype(np.int64)  # evenly spaced, no randomness
        self.validation_targets = np.arange(parts.validation_start, parts.test_start)
        windows = (self.n_train - 1) // T
        self.steps_per_epoch = math.ceil(windows / self.batch_size)
        self.patience = max(settings.patience, MIN_PATIENCE_EPOCHS * self.steps_per_epoch)
        scored = len(self.train_targets) + len(self.validation_targets)
        self.evaluate_every = math.ceil(scored / (EVALUATION_SHARE * self.batch_size))  # steps
        self.probe = heads.training_probe(vocabulary, T, settings.seed)  # [P, 2m] a repeated segment, or None
        self._plan_work(scored)

    def _plan_work(self, scored: int) -> None:
        """The step budget: max_steps (or the epochs' steps), or fewer when these settings' work would exceed
        limits.TRAINING_WORK_BUDGET (attention.training.work: counted from the settings, never timed)."""
        a, settings = self.architecture, self.settings
        self.step_work = work.step_work(a, min(self.batch_size, (self.n_train - 1) // settings.context_window))
        self.evaluation_work = work.evaluation_work(a, scored)
        self.final_work = self.evaluation_work + work.evaluation_work(a, self.parts.n_test)
        self.final_work += work.baseline_work(self.n_train)
        epochs_between = math.ceil(self.evaluate_every / self.steps_per_epoch)  # evaluations come at an epoch's end
        interval = self.steps_per_epoch * epochs_between
        self.size_cap = work.step_cap(self.step_work, self.evaluation_work, interval, self.final_work)
        self.budget = min(settings.max_steps, settings.epochs * self.steps_per_epoch, self.size_cap)
        self.work_done = 0  # multiply-adds so far, for the safety clock's forecast of the last evaluation

    def run(self) -> TrainedModel:
        self.start = self.last_callback = clock()
        stopped = ""
        while not stopped and self.epoch < self.settings.epochs:
            self.epoch += 1
            stopped = self._train_one_epoch() or ""
            if not stopped and self.step - self._last_evaluated() >= self.evaluate_every:
                if self._out_of_time():
                    self._evaluate()
                    stopped = StopReason.SAFETY_CLOCK
                else:
                    stopped = self._evaluate() or ""
        stopped = stopped or self._evaluate() or StopReason.EPOCHS_DONE  # the last weights are always evaluated
        model = self._model(StopReason(stopped))
        if self.callback is not None:  # a last report, so a progress bar ends full
            self.callback(dataclasses.replace(self._progress(), fraction_done=1.0))
        return model

    def _train_one_epoch(self) -> str | None:
        T, B = self.settings.context_window, self.batch_size
        starts = epoch_windows(self.n_train, T, self.rng)
        offsets = np.arange(T + 1)
        for lo in range(0, len(starts), B):
            tokens = self.train_ids[starts[lo : lo + B, None] + offsets]  # [b, T+1]
            self._step(tokens[:, :-1], tokens[:, 1:])
            if self.step >= self.budget:
                return self._evaluate() or self._budget_reason()
            if self._out_of_time():
                self._evaluate()
                return StopReason.SAFETY_CLOCK
            if self._maybe_report():
                return StopReason.STOPPED_BY_USER
        return None

    def _budget_reason(self) -> StopReason:
        if self.step >= self.settings.max_steps:
            return StopReason.STEP_BUDGET
        return StopReason.SIZE_BUDGET if self.step >= self.size_cap else StopReason.EPOCHS_DONE

    def _out_of_time(self) -> bool:
        """The safety clock: True when, at the pace so far (with a margin), the last evaluation (the training
        and validation losses, then the test part and the baselines) would end after max_seconds."""
        elapsed = clock() - self.start
        pace = elapsed / max(self.work_done, 1)  # seconds per multiply-add on this machine, now
        return elapsed + FORECAST_MARGIN * pace * self.final_work > self.settings.max_seconds

    def _last_evaluated(self) -> int:
        return self.history[-1].step if self.history else 0

    def _step(self, inputs: np.ndarray, targets: np.ndarray) -> float:  # [b, T], [b, T] -> batch loss
        masks = dropout_masks(self.architecture, self.rng, inputs.shape, self.settings.dropout)
        logits, cache = forward(self.architecture, self.p, inputs, masks=masks)  # [b, T, V]
        loss, dlogits = cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.ravel())
        backward(self.architecture, self.p, cache, dlogits.reshape(logits.shape), self.g)
        clip_gradient(self.grad, GRADIENT_CLIP)
        self.optimizer.step(self.theta, self.grad, self.settings.learning_rate)
        self.step += 1
        self.work_done += self.step_work
        return loss

    def _evaluate(self) -> str | None:
        """Record a history point; keep the best weights; say "early stop" when patience runs out."""
        if self.history and self._last_evaluated() == self.step:
            return None  # already evaluated at this step
        self.train_loss = self._loss(self.train_targets)
        if len(self.validation_targets):
            self.validation_loss = self._loss(self.validation_targets)
        self.work_done += self.evaluation_work
        point = HistoryPoint(self.step, self.epoch, self.train_loss, self.validation_loss, self._head_scores())
        self.history.append(point)
        if not len(self.validation_targets):
            self.best_step = self.step
            np.copyto(self.best_theta, self.theta)
            return None
        if self.validation_loss < self.best_loss - MIN_IMPROVEMENT:
            self.best_loss, self.best_step = self.validation_loss, self.step
            np.copyto(self.best_theta, self.theta)
        if self._maybe_report():
            return StopReason.STOPPED_BY_USER
        if self.step - self.best_step >= self.patience:
            return StopReason.EARLY_STOP
        return None

    def _loss(self, targets: np.ndarray) -> float:
        log_p, _ = self._scores(self.p, targets)
        return float(-log_p.mean())

    def _scores(self, parameters: Parameters, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log p and top-1 guesses of ids[targets], `memory.evaluation_chunk` windows per forward pass."""
        chunk = self.memory.evaluation_chunk
        return next_token_log_probabilities(self.architecture, parameters, self.ids, targets, chunk)

    def _head_scores(self) -> heads.HeadScores | None:
        """Each head's scores on the fixed probe (one small forward pass: 8 windows of at most 16 tokens)."""
        return None if self.probe is None else heads.measure(self.architecture, self.p, self.probe)

    def _progress(self) -> TrainingProgress:
        done = min(self.step / self.budget, 1.0)
        scores = self._head_scores()
        return TrainingProgress(self.step, self.epoch, self.train_loss, self.validation_loss, done, scores)

    def _maybe_report(self) -> bool:
        """Call the callback if PROGRESS_INTERVAL_S has passed; True means stop."""
        now = clock()
        if self.callback is None or now - self.last_callback < PROGRESS_INTERVAL_S:
            return False
        self.last_callback = now
        return bool(self.callback(self._progress()))

    def _model(self, stopped: StopReason) -> TrainedModel:
        """The kept weights, scored on the test part; `seconds` counts that scoring too (the safety clock did)."""
        theta = self.best_theta
        theta.flags.writeable = False
        parameters = unflatten(theta, self.architecture)
        evaluation = self._evaluation(parameters)
        return TrainedModel(
            vocabulary=self.vocabulary,
            architecture=self.architecture,
            parameters=parameters,
            settings=self.settings,
            history=tuple(self.history),
            stopped_because=stopped,
            best_step=self.best_step,
            steps=self.step,
            seconds=clock() - self.start,
            evaluation=evaluation,
            clock_stopped=stopped == StopReason.SAFETY_CLOCK,
            memory=self.memory,
            size_budget=self.size_cap if self.size_cap < self.settings.max_steps else None,
        )

    def _evaluation(self, parameters: Parameters) -> Evaluation | None:
        """The kept model and every baseline on the test part."""
        start = self.parts.test_start
        if start == len(self.ids):
            return None
        model = self._scores(parameters, np.arange(start, len(self.ids)))
        unknown = self.vocabulary.id_of(UNKNOWN_TOKEN)
        evaluation = evaluate(model, self.ids, self.n_train, start, unknown, len(self.vocabulary), self.overlap)
        if self.scope is None:
            return evaluation
        return dataclasses.replace(evaluation, test_chars=self.scope[0], test_words=self.scope[1])
