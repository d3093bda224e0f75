"""Self-attention for next-word prediction, in numpy: the math, the blog's method, and charts.

>>> import attention
>>> tokens = attention.tokenize("The cat sat on the mat.")
>>> attention.causal_mask(3).astype(int).tolist()
[[1, 0, 0], [1, 1, 0], [1, 1, 1]]
"""

from . import core as core  # attention.core.model.forward etc. (Show the code names them)
from .blog.method import PROBABILITY_FORMULAS, QUERY_FORMULA, BlogMethodResult, blog_method
from .blog.post import random_embeddings
from .core.generation import GenerationStep, generate, top_k_filter
from .core.mechanism import (
    AttentionResult,
    causal_mask,
    scaled_dot_product_attention,
    sinusoidal_positions,
    softmax,
)
from .core.parameters import UNKNOWN_TOKEN
from .core.predict import NextWordDistribution, context_slice, sample_word
from .core.steps import ForwardSteps
from .evaluation.head_scores import HeadScores
from .evaluation.held_out import Evaluation
from .evaluation.scores import MethodScore
from .teaching.analysis import (
    BlogComparison,
    DistributionChange,
    Projection,
    blog_vs_corrected,
    distribution_change,
    pca_2d,
    remove_word,
    replace_word,
    shuffle_context,
    shuffle_earlier_words,
)
from .tokens.words import Vocabulary, as_code_span, escape_markdown, is_word, tokenize
from .training.entry import train_model
from .training.loop import TrainingProgress
from .training.presets import PRESETS
from .training.result import HistoryPoint, TrainedModel
from .training.settings import TrainingSettings

__all__ = [
    "PRESETS",
    "PROBABILITY_FORMULAS",
    "QUERY_FORMULA",
    "UNKNOWN_TOKEN",
    "AttentionResult",
    "BlogComparison",
    "BlogMethodResult",
    "DistributionChange",
    "Evaluation",
    "ForwardSteps",
    "GenerationStep",
    "HeadScores",
    "HistoryPoint",
    "MethodScore",
    "NextWordDistribution",
    "Projection",
    "TrainedModel",
    "TrainingProgress",
    "TrainingSettings",
    "Vocabulary",
    "as_code_span",
    "blog_method",
    "blog_vs_corrected",
    "causal_mask",
    "context_slice",
    "distribution_change",
    "escape_markdown",
    "generate",
    "is_word",
    "pca_2d",
    "random_embeddings",
    "remove_word",
    "replace_word",
    "sample_word",
    "scaled_dot_product_attention",
    "shuffle_context",
    "shuffle_earlier_words",
    "sinusoidal_positions",
    "softmax",
    "tokenize",
    "top_k_filter",
    "train_model",
]
