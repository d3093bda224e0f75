"""A method's score on next words: perplexity (all targets and known words) and top-1 accuracy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MethodScore:
    """How well one method predicts the test part's words."""

    perplexity: float  # exp(mean negative log-likelihood): "as unsure as a fair die with this many sides"
    accuracy: float  # fraction of test words that were the method's top-1 guess
    known_perplexity: float = float("nan")  # the same perplexity over known-word targets only (nan if none)
    nats: float = float("nan")  # -Σ log p(target) over all targets: the text's cost, for scores per character


def score(
    log_probabilities: np.ndarray, guesses: np.ndarray, targets: np.ndarray, known: np.ndarray | None = None
) -> MethodScore:  # [N], [N], [N], [N] bool
    """perplexity = exp(-mean log p(target)), accuracy = mean(guess == target), both over all N targets."""
    known_log_p = log_probabilities if known is None else log_probabilities[known]
    return MethodScore(
        perplexity=float(np.exp(-np.mean(log_probabilities))),
        accuracy=float(np.mean(guesses == targets)),
        known_perplexity=float(np.exp(-np.mean(known_log_p))) if len(known_log_p) else float("nan"),
        nats=float(-np.sum(log_probabilities)),
    )
