"""A trained model and how it got there: what the app and a notebook use after training."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import limits
from ..core.mechanism import softmax
from ..core.parameters import UNKNOWN_TOKEN, Architecture, Parameters
from ..core.predict import NextWordDistribution
from ..core.steps import ForwardSteps, forward_steps
from ..evaluation.head_scores import HeadScores
from ..evaluation.held_out import Evaluation
from ..tokens.subword import SubwordTokenizer
from ..tokens.tokenization import Tokenized, split
from ..tokens.words import Vocabulary
from .memory import MemoryPlan
from .settings import TrainingSettings
from .stops import StopReason


@dataclass(frozen=True)
class HistoryPoint:
    step: int
    epoch: int
    train_loss: float  # loss on (up to 1,024) evenly spaced training tokens, each from the T tokens before it
    validation_loss: float  # the same on the validation part; nan without one
    heads: HeadScores | None = None  # every head's previous-token and induction score on the probe (heads.py)


class StepsCache:
    """The last few contexts' forward steps, least recently used first out; safe to share between threads.

    A pickled or copied cache comes back empty (a lock cannot be pickled, and the steps are cheap to redo).
    """

    def __init__(self, max_entries: int = limits.MAX_CACHED_CONTEXTS) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, ...], ForwardSteps] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], compute: Callable[[], ForwardSteps]) -> ForwardSteps:
        """The steps kept for `key`, or compute() kept as the most recent (the oldest out beyond max_entries)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        steps = compute()  # outside the lock: another context's pass need not wait for this one
        with self._lock:
            self._entries[key] = steps
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return steps

    def __len__(self) -> int:
        return len(self._entries)

    def __getstate__(self) -> dict:
        return {"max_entries": self.max_entries}

    def __setstate__(self, state: dict) -> None:
        self.max_entries = state["max_entries"]
        self._entries = OrderedDict()
        self._lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A trained model and how it got there. Read-only after training: safe to share between threads.

    Context words are tokens as `attention.tokenize` makes them. Words the model did not learn
    (rare, or only in the validation or test part) are read as the unknown token "<unk>";
    contexts longer than the window use their last `context_window` words.

    Every prediction reads `forward_steps(context)`: one forward pass per context, remembered for the
    last few contexts, so the views of one page (and the sessions sharing the model) run it once.
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
    _steps_cache: StepsCache = field(default_factory=StepsCache, init=False, repr=False, compare=False)
    tokenizer: SubwordTokenizer | None = None  # the BPE pieces a subword model reads; None: words and marks
    memory: MemoryPlan | None = None  # the batch and evaluation chunk its memory budget allowed, and the estimate
    size_budget: int | None = None  # steps allowed for a model this size, when fewer than max_steps (training.work)

    def split(self, text: str) -> Tokenized:
        """`text` as this model reads it: words and marks, or its subword pieces (which no text lacks)."""
        return split(text, self.tokenizer)

    def knows(self, token: str) -> bool:
        """False for a word the model reads as "<unk>" (never for a subword model's pieces)."""
        return token in self.vocabulary and token != UNKNOWN_TOKEN

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

    def forward_steps(self, context_words: Sequence[str]) -> ForwardSteps:
        """Every number of the forward pass for this context (the words the model sees): the one record
        that the predictions, the attention weights and every view read. Remembered per context."""
        ids, words = self.context_ids(context_words)
        return self._steps_cache.get(words, lambda: forward_steps(self.architecture, self.parameters, ids, words))

    def next_word_probabilities(self, context_words: Sequence[str], temperature: float = 1.0) -> np.ndarray:  # [V]
        """p = softmax(logits / temperature) for the word after the context, aligned with vocabulary.words."""
        return softmax(self.forward_steps(context_words).logits, temperature=temperature)

    def next_word_distribution(self, context_words: Sequence[str], temperature: float = 1.0) -> NextWordDistribution:
        """p = softmax(z / τ) of the logits z the forward pass gave for this context."""
        logits = self.forward_steps(context_words).logits
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
        return self.forward_steps(context_words).layers[layer].weights

    def all_attention_weights(self, context_words: Sequence[str]) -> np.ndarray:  # -> [L, h, n, n]
        """Every layer's attention weights for the (clipped) context, first layer first."""
        return self.forward_steps(context_words).all_weights
