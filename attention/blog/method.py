"""The blog's method, step by step, as the app shows it: one averaged query scored against every word.

Not self-attention (no Q, K, V, no learned weights): the blog post's four functions (`post.py`) put
together, with its formulas as the app writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core.predict import NextWordDistribution
from ..tokens.words import Vocabulary
from . import post as seed


@dataclass(frozen=True)
class BlogMethodResult(NextWordDistribution):
    """The blog's method, step by step: q = mean(E[context]), s = E·q / sqrt(d_e), p = softmax(s / τ)."""

    query: np.ndarray  # [d_e] mean embedding of the context
    dot_products: np.ndarray  # [V] E·q, before dividing by sqrt(d_e)


def blog_method(
    embeddings: np.ndarray,  # [V, d_e], row i for vocabulary.words[i]
    vocabulary: Vocabulary,
    context: Sequence[str],
    *,
    temperature: float = 1.0,
    faithful: bool = False,
) -> BlogMethodResult:
    """Score every vocabulary word against the averaged context, as the blog does (bugs optional).

    Correct: p = softmax(s / τ). faithful=True: p = softmax(exp(s) / τ), the blog's numbers (τ = temperature).
    """
    word_to_index = {word: i for i, word in enumerate(vocabulary.words)}
    query = seed.context_query(context, embeddings, word_to_index)
    scores = seed.attention_scores(query, embeddings)
    return BlogMethodResult(
        words=vocabulary.words,
        scores=scores,
        probabilities=seed.next_word_probabilities(scores, temperature=temperature, faithful=faithful),
        query=query,
        dot_products=embeddings @ query,
    )


QUERY_FORMULA = r"q = \frac{1}{k}\sum_{j=t-k+1}^{t} E[w_j], \qquad s_v = \frac{E[v]\cdot q}{\sqrt{d_e}}"
"""The blog's query and scores, as `seed.context_query` and `seed.attention_scores` compute them."""

PROBABILITY_FORMULAS = {
    False: r"p(v) = \operatorname{softmax}(s / \tau)_v = \frac{\exp(s_v / \tau)}{\sum_{u} \exp(s_u / \tau)}",
    True: r"p(v) = \operatorname{softmax}(e^{s} / \tau)_v = \frac{\exp(e^{s_v} / \tau)}{\sum_{u} \exp(e^{s_u} / \tau)}",
}
"""faithful -> the formula `seed.next_word_probabilities` computes (shown in the app with st.latex)."""
