"""The blog post's four functions, with the same names and positional arguments, made correct.

The blog ("Understanding Self-Attention Mechanism in Natural Language Processing") predicts the
next word like this: average the embeddings of the context words into one query q, score every
candidate word w by q·E[w] / sqrt(d), turn the scores into probabilities and sample. Its code has
these bugs; each is fixed by default and comes back with ``faithful=True``:

1. **Double exponential.** ``calculate_self_attention`` returns exp(s) without normalising, and
   ``softmax`` is applied on top: p = softmax(exp(s)). The ranking survives (exp is increasing),
   but the gaps are distorted: p_i / p_j = exp(e^s_i - e^s_j) instead of exp(s_i - s_j). With the
   blog's embeddings (uniform in [0, 1)^3) the scores lie in [0, 1.7), so the correct odds between
   two words are at most e^1.7 ≈ 5.5 while the blog's reach e^(e^1.7 - 1) ≈ 100; and temperature,
   had the blog one, would act on exp(s) rather than on s. Fix: p = softmax(s) once.
2. **Wrong word for the sampled index.** The index i is a position in ``words`` but is looked up
   in ``index_to_word``, which is ordered by first appearance in the sentences. Whenever ``words``
   is not exactly the vocabulary in that order (for example the text's words with repeats), the
   word printed is not the word whose probability was sampled, or the lookup raises KeyError.
   Fix: return ``words[i]``.
3. **Input mutated in place.** ``softmax`` runs ``x -= np.max(x)``, changing the caller's array.
   Fix: compute on a copy.
4. **Hidden global randomness.** ``np.random.rand`` and ``np.random.choice`` use numpy's global
   state, so results cannot be reproduced or isolated. Fix: every random step takes a
   ``numpy.random.Generator``.
5. **Unused arguments.** ``current_word`` and ``values`` are never used, and the
   ``len(keys[i].shape) == 1`` branch is always taken, so the "else" normalisation is dead code.
   Kept for signature compatibility; documented here rather than silently "used".

What the method is, honestly: attention of one averaged query over the candidate words, whose
weights are read directly as next-word probabilities. There are no learned projections and no
attention among the context words, so with random embeddings the prediction is noise. The app's
trained model (``attention.core.model``) is the real thing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.mechanism import softmax as _stable_softmax


def softmax(x: np.ndarray) -> np.ndarray:
    """The blog's softmax with its bug fixed: the input is no longer modified in place."""
    return _stable_softmax(x, axis=-1)


def create_word_representations(
    sentences: Sequence[str], dim: int = 3, *, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:  # -> [V, dim], word->id, id->word
    """One random embedding per distinct whitespace-separated word, uniform in [0, 1)^dim.

    Words are split on whitespace exactly as the blog does ("mat." and "mat" are different words);
    the app tokenizes with ``attention.tokenize`` instead. Ids follow first appearance.
    """
    rng = np.random.default_rng() if rng is None else rng
    word_to_index: dict[str, int] = {}
    for sentence in sentences:
        for word in sentence.split():
            word_to_index.setdefault(word, len(word_to_index))
    index_to_word = {i: word for word, i in word_to_index.items()}
    return random_embeddings(len(word_to_index), dim, rng), word_to_index, index_to_word


def random_embeddings(vocab_size: int, dim: int, rng: np.random.Generator) -> np.ndarray:  # -> [V, dim]
    """The blog's embeddings: each entry uniform in [0, 1), drawn from `rng`."""
    if dim < 1:
        raise ValueError(f"embedding dimension must be at least 1 (got {dim})")
    return rng.random((vocab_size, dim))


def attention_scores(query: np.ndarray, keys: np.ndarray) -> np.ndarray:  # [d], [N, d] -> [N]
    """s = keys · q / sqrt(d): how well each candidate word (key) answers the query."""
    return np.dot(query, keys.T) / np.sqrt(keys.shape[1])


def calculate_self_attention(
    query: np.ndarray, keys: np.ndarray, values: np.ndarray, *, faithful: bool = False
) -> np.ndarray:  # [d], [N, d], [N, d_v] (unused) -> [N]
    """Attention weights of one query over N keys.

    Correct: softmax(keys · q / sqrt(d)), which sums to 1.
    faithful=True: exp(keys · q / sqrt(d)) unnormalised, as the blog returns it.
    """
    scores = attention_scores(query, keys)
    return np.exp(scores) if faithful else _stable_softmax(scores)


def context_query(
    context_window: Sequence[str], word_embeddings: np.ndarray, word_to_index: dict[str, int]
) -> np.ndarray:
    """q = mean of the context words' embeddings (the blog's query). [k words] -> [d]."""
    missing = [word for word in context_window if word not in word_to_index]
    if missing:
        raise KeyError(f"context words not in the vocabulary: {missing[:5]}")
    if len(context_window) == 0:
        raise ValueError("the context window needs at least one word")
    return np.mean(word_embeddings[[word_to_index[word] for word in context_window]], axis=0)


def next_word_probabilities(scores: np.ndarray, *, temperature: float = 1.0, faithful: bool = False) -> np.ndarray:
    """Correct: p = softmax(s / T). faithful=True: p = softmax(exp(s) / T), the blog's double exponential."""
    return _stable_softmax(np.exp(scores) if faithful else scores, temperature=temperature)


def predict_next_word_with_self_attention(
    current_word: str,
    context_window: Sequence[str],
    words: Sequence[str],
    word_embeddings: np.ndarray,
    word_to_index: dict[str, int],
    index_to_word: dict[int, str],
    *,
    rng: np.random.Generator | None = None,
    temperature: float = 1.0,
    faithful: bool = False,
) -> tuple[str, np.ndarray]:  # -> sampled word, probabilities [len(words)]
    """Sample the next word from p = softmax(keys · q / sqrt(d) / T) over the candidate `words`.

    q is the mean embedding of `context_window`; keys are the embeddings of `words`.
    `current_word` is accepted for compatibility with the blog and not used (neither does the blog).
    With faithful=True the probabilities and the returned word are the blog's (bugs 1 and 2).
    """
    rng = np.random.default_rng() if rng is None else rng
    query = context_query(context_window, word_embeddings, word_to_index)
    keys = word_embeddings[[word_to_index[word] for word in words]]  # [N, d]
    probabilities = next_word_probabilities(attention_scores(query, keys), temperature=temperature, faithful=faithful)
    i = int(rng.choice(len(words), p=probabilities))
    return (index_to_word[i] if faithful else words[i]), probabilities
