"""Self-attention for next-word prediction, in numpy: the math, the blog's method, and charts.

>>> import attention
>>> tokens = attention.tokenize("The cat sat on the mat.")
>>> attention.causal_mask(3).astype(int).tolist()
[[1, 0, 0], [1, 1, 0], [1, 1, 1]]
"""

from .baselines import Evaluation, MethodScore
from .mechanism import AttentionResult, causal_mask, scaled_dot_product_attention, sinusoidal_positions, softmax
from .model import UNKNOWN_TOKEN, ForwardSteps, TrainedModel
from .predict import (
    PROBABILITY_FORMULAS,
    QUERY_FORMULA,
    BlogMethodResult,
    NextWordDistribution,
    blog_method,
    context_slice,
    sample_word,
)
from .seed import random_embeddings
from .text import Vocabulary, as_code_span, is_word, tokenize
from .train import HistoryPoint, TrainingProgress, TrainingSettings, train_model

__all__ = [
    "PROBABILITY_FORMULAS",
    "QUERY_FORMULA",
    "UNKNOWN_TOKEN",
    "AttentionResult",
    "BlogMethodResult",
    "Evaluation",
    "ForwardSteps",
    "HistoryPoint",
    "MethodScore",
    "NextWordDistribution",
    "TrainedModel",
    "TrainingProgress",
    "TrainingSettings",
    "Vocabulary",
    "as_code_span",
    "blog_method",
    "causal_mask",
    "context_slice",
    "is_word",
    "random_embeddings",
    "sample_word",
    "scaled_dot_product_attention",
    "sinusoidal_positions",
    "softmax",
    "tokenize",
    "train_model",
]
