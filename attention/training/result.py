"""A trained model and how it got there: what the app and a notebook use after training."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core.mechanism import softmax
from ..core.model import forward
from ..core.parameters import UNKNOWN_TOKEN, Architecture, Parameters
from ..core.predict import NextWordDistribution
from ..core.steps import ForwardSteps, forward_steps
from ..evaluation.head_scores import HeadScores
from ..evaluation.held_out import Evaluation
from ..tokens.words import Vocabulary
from .memory import MemoryPlan
from .settings import TrainingSettings
from .stops import StopReason


@dataclass(frozen=True)
class HistoryPoint:
    step: int
    epoch: int
    train_loss: float  # loss on (up to 2,048) training tokens, each predicted from the T tokens before it
    validation_loss: float  # the same on the validation part; nan without one
    heads: HeadScores | None = None  # every head's previous-token and induction score on the probe (heads.py)


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A trained model and how it got there. Read-only after training: safe to share between threads.

    Context words are tokens as `attention.tokenize` makes them. Words the model did not learn
    (rare, or only in the validation or test part) are read as the unknown token "<unk>";
    contexts longer than the window use their last `context_window` words.
    """

    vocabulary: Vocabulary  # the model's words in id order; the last is "<unk>"
    architecture: Architecture
    parameters: Parameters  # best weights (lowest validation loss), read-only arrays
    settings: TrainingSettings
    history: tuple[HistoryPoint, ...]  # one point per evaluation
    stopped_because: StopReason  # a str: "early stop", "step budget", "safety clock", ... (training.stops)
    best_step: int  # the step whose weights these are
    steps: int  # steps taken in all
    seconds: float  # training time (wall clock: varies between machines, unlike everything else here)
    evaluation: Evaluation | None  # test-part scores vs the baselines; None without a test part
    clock_stopped: bool = False  # the safety clock ended training: another machine may give other weights
    memory: MemoryPlan | None = None  # the batch and evaluation chunk its memory budget allowed, and the estimate
    size_budget: int | None = None  # steps allowed for a model this size, when fewer than max_steps (training.work)

    @property
    def deterministic(self) -> bool:
        """True when the weights depend only on the text and settings (the safety clock did not fire)."""
        return not self.clock_stopped

    @property
    def context_window(self) -> int:
        return self.architecture.context_window

    def context_ids(self, context_words: Sequence[str]) -> tuple[list[int], tuple[str, ...]]:
        """Ids and words of the last `context_window` words, unknown words mapped to "<unk>"."""
        if isinstance(context_words, str):
            raise TypeError("context_words must be a list of words, e.g. attention.tokenize(text), not one string")
        words = list(context_words)[-self.context_window :]
        if not words:
            raise ValueError("the context is empty: give at least one word to predict the word after it")
        known = tuple(word if word in self.vocabulary else UNKNOWN_TOKEN for word in words)
        return self.vocabulary.ids(known), known

    def _logits_and_weights(self, context_words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        ids, _ = self.context_ids(context_words)
        logits, cache = forward(self.architecture, self.parameters, np.asarray([ids]), last_only=True)
        return logits[0], cache.weights[0]  # [V], [L, h, n, n]

    def next_word_probabilities(self, context_words: Sequence[str], temperature: float = 1.0) -> np.ndarray:  # [V]
        """p = softmax(logits / temperature) for the word after the context, aligned with vocabulary.words."""
        return softmax(self._logits_and_weights(context_words)[0], temperature=temperature)

    def next_word_distribution(self, context_words: Sequence[str], temperature: float = 1.0) -> NextWordDistribution:
        logits, _ = self._logits_and_weights(context_words)
        return NextWordDistribution(
            words=self.vocabulary.words, scores=logits, probabilities=softmax(logits, temperature=temperature)
        )

    @property
    def layers(self) -> int:
        return self.architecture.layers

    def attention_weights(self, context_words: Sequence[str], layer: int = 0) -> np.ndarray:  # -> [h, n, n]
        """A[head, i, j]: how much word i of the (clipped) context looks at word j <= i, in layer `layer`
        (0-based: 0 is the first layer, the one-layer model's only one)."""
        if not 0 <= layer < self.layers:
            raise ValueError(f"layer must be between 0 and {self.layers - 1} for this {self.layers}-layer model")
        return self._logits_and_weights(context_words)[1][layer]

    def all_attention_weights(self, context_words: Sequence[str]) -> np.ndarray:  # -> [L, h, n, n]
        """Every layer's attention weights for the (clipped) context, first layer first."""
        return self._logits_and_weights(context_words)[1]

    def forward_steps(self, context_words: Sequence[str]) -> ForwardSteps:
        ids, words = self.context_ids(context_words)
        return forward_steps(self.architecture, self.parameters, ids, words)
