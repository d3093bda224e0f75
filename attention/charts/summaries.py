"""One-sentence text summaries of each chart, for screen readers and captions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.parameters import UNKNOWN_TOKEN
from ..core.predict import NextWordDistribution
from ..teaching.unknown import said
from .frames import _check_square, embedding_map_frame, loss_history_frame
from .style import CONTEXT_WORD, TRAIN, VALIDATION


def _percent(p: float) -> str:
    return f"{p:.0%}" if p >= 0.01 or p == 0 else "under 1%"


def _list_rest(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summarize_distribution(distribution: NextWordDistribution, top: int = 3) -> str:
    """ "'mat' gets 62%, then 'hat' 9% and 'cat' 5%." (plain text: words quoted, no markup)."""
    order = [int(i) for i in distribution.top_k(max(top, 1))]
    p, w = distribution.probabilities, distribution.words
    head = f"{_quoted(w[order[0]])} gets {_percent(float(p[order[0]]))}"
    rest = [f"{_quoted(w[i])} {_percent(float(p[i]))}" for i in order[1:]]
    return f"{head}, then {_list_rest(rest)}." if rest else f"{head}."


def _quoted(token: str) -> str:
    """'mat' in quotes; the unknown token as what it is: a word it does not know."""
    return said(token) if token == UNKNOWN_TOKEN else f"'{token}'"


def _word_refs(tokens: Sequence[str], positions: Sequence[int] | None) -> list[str]:
    """'the' for a word that appears once; 'the' at position 3 when the context repeats it."""
    positions = range(1, len(tokens) + 1) if positions is None else positions
    repeated = {t for t in tokens if list(tokens).count(t) > 1}
    return [f"'{t}' at position {p}" if t in repeated else f"'{t}'" for t, p in zip(tokens, positions, strict=True)]


def summarize_attention_row(
    weights_row, tokens: Sequence[str], positions: Sequence[int] | None = None, *, top: int = 3
) -> str:
    """ "The last word attends most to 'little' (80%), then 'the' (12%) and 'a' (5%)." """
    w = np.asarray(weights_row, dtype=np.float64)
    if w.ndim != 1 or len(w) != len(tokens) or len(w) == 0:
        raise ValueError(f"give one weight per token: got weights of shape {w.shape} for {len(tokens)} tokens")
    refs = _word_refs(tokens, positions)
    order = [int(i) for i in np.argsort(-w, kind="stable")[: max(top, 1)]]
    head = f"The last word attends most to {refs[order[0]]} ({_percent(w[order[0]])})"
    rest = [f"{refs[i]} ({_percent(w[i])})" for i in order[1:]]
    return f"{head}, then {_list_rest(rest)}." if rest else f"{head}."


def summarize_heatmap(weights, tokens: Sequence[str], positions: Sequence[int] | None = None) -> str:
    """One sentence for a causal attention heatmap: its size, the masked cells and the last row's peak."""
    w = _check_square(weights, len(tokens))
    n = len(tokens)
    refs = _word_refs(tokens, positions)
    j = int(np.argmax(w[-1]))
    return (
        f"{n} words, each looking only at itself and earlier words ({n * (n - 1) // 2} future cells masked); "
        f"the last word, {refs[-1]}, attends most to {refs[j]} ({_percent(w[-1, j])})."
    )


def summarize_comparison(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    before_label: str = "before",
    after_label: str = "after",
) -> str:
    """ "Top word before: 'mat' (62%); after: 'hat' (40%); 'mat' changed most (-50 points)." """
    p, q = np.asarray(before.probabilities, float), np.asarray(after.probabilities, float)
    if p.shape != q.shape:
        raise ValueError("both distributions must be over the same words")
    b, a, c = int(np.argmax(p)), int(np.argmax(q)), int(np.argmax(np.abs(q - p)))
    points = 100 * (q[c] - p[c])
    return (
        f"Top word {before_label}: '{before.words[b]}' ({_percent(p[b])}); {after_label}: '{after.words[a]}' "
        f"({_percent(q[a])}); '{before.words[c]}' changed most ({points:+.0f} percentage points)."
    )


def summarize_loss_curve(history) -> str:
    """ "Training loss went from 5.20 to 2.10 nats over 300 steps; held-out loss was lowest (2.80) at step 200." """
    return _summarize_loss_frame(loss_history_frame(history))


def _summarize_loss_frame(frame: pd.DataFrame) -> str:
    train, held_out = frame[frame["series"] == TRAIN], frame[frame["series"] == VALIDATION]
    if train.empty:
        return "No training steps yet."
    text = (
        f"Training loss went from {train['loss'].iloc[0]:.2f} to {train['loss'].iloc[-1]:.2f} nats "
        f"over {int(train['step'].iloc[-1])} steps"
    )
    if held_out.empty:
        return text + " (no held-out text to validate on)."
    best = held_out.loc[held_out["loss"].idxmin()]
    return text + f"; held-out loss was lowest ({best['loss']:.2f}) at step {int(best['step'])}."


def summarize_embedding_map(points, words: Sequence[str], *, highlight: Sequence[str] = ()) -> str:
    """ "Showing 150 of 2,000 words; the context words 'the', 'cat' are highlighted." """
    frame = embedding_map_frame(points, words, highlight=highlight)
    marked = [f"'{w}'" for w in frame.loc[frame["kind"] == CONTEXT_WORD, "word"]]
    shown = f"Showing {len(frame):,} of {len(words):,} words"
    if not marked:
        return shown + "."
    if len(marked) == 1:
        return shown + f"; the context word {marked[0]} is highlighted."
    return shown + f"; the context words {_list_rest(marked)} are highlighted."
