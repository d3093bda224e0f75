"""One-sentence text summaries of each chart, for screen readers and captions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.parameters import UNKNOWN_TOKEN
from ..core.predict import NextWordDistribution
from ..i18n import _, count, decimal, ngettext, percent
from ..teaching.unknown import said
from .frames import _check_square, embedding_map_frame, loss_history_frame, version_labels
from .style import CONTEXT_WORD, TRAIN, VALIDATION

# ngettext here has one English text for both forms: the English always said the plural, even of 1 (tests
# compare it), and a translation gives each of its forms its own text.


def _percent(p: float) -> str:
    return percent(p, 0) if p >= 0.01 or p == 0 else _("under {share}").format(share=percent(0.01, 0))


def _list_rest(parts: list[str]) -> str:
    """ "a, b and c", in the page's language (a list of already written items)."""
    listed = parts[0]
    for part in parts[1:-1]:
        listed = _("{list}, {item}").format(list=listed, item=part)
    return listed if len(parts) == 1 else _("{list} and {last}").format(list=listed, last=parts[-1])


def quote(word: str) -> str:
    """A word of the text quoted in a sentence: 'mat'."""
    return _("'{word}'").format(word=word)


def summarize_distribution(distribution: NextWordDistribution, top: int = 3) -> str:
    """ "'mat' gets 62%, then 'hat' 9% and 'cat' 5%." (plain text: words quoted, no markup)."""
    order = [int(i) for i in distribution.top_k(max(top, 1))]
    p, w = distribution.probabilities, distribution.words
    word, share = _quoted(w[order[0]]), _percent(float(p[order[0]]))
    rest = [_("{word} {share}").format(word=_quoted(w[i]), share=_percent(float(p[i]))) for i in order[1:]]
    if not rest:
        return _("{word} gets {share}.").format(word=word, share=share)
    return _("{word} gets {share}, then {others}.").format(word=word, share=share, others=_list_rest(rest))


def _quoted(token: str) -> str:
    """'mat' in quotes; the unknown token as what it is: a word it does not know."""
    return said(token) if token == UNKNOWN_TOKEN else quote(token)


def _word_refs(tokens: Sequence[str], positions: Sequence[int] | None) -> list[str]:
    """'the' for a word that appears once; 'the' at position 3 when the context repeats it."""
    positions = range(1, len(tokens) + 1) if positions is None else positions
    repeated = {t for t in tokens if list(tokens).count(t) > 1}
    return [
        _("'{word}' at position {position}").format(word=t, position=str(p)) if t in repeated else quote(t)
        for t, p in zip(tokens, positions, strict=True)
    ]


def summarize_attention_row(
    weights_row, tokens: Sequence[str], positions: Sequence[int] | None = None, *, top: int = 3
) -> str:
    """ "The last word attends most to 'little' (80%), then 'the' (12%) and 'a' (5%)." """
    w = np.asarray(weights_row, dtype=np.float64)
    if w.ndim != 1 or len(w) != len(tokens) or len(w) == 0:
        raise ValueError(f"give one weight per token: got weights of shape {w.shape} for {len(tokens)} tokens")
    refs = _word_refs(tokens, positions)
    order = [int(i) for i in np.argsort(-w, kind="stable")[: max(top, 1)]]
    word, share = refs[order[0]], _percent(w[order[0]])
    rest = [_("{word} ({share})").format(word=refs[i], share=_percent(w[i])) for i in order[1:]]
    if not rest:
        return _("The last word attends most to {word} ({share}).").format(word=word, share=share)
    return _("The last word attends most to {word} ({share}), then {others}.").format(
        word=word, share=share, others=_list_rest(rest)
    )


def summarize_heatmap(weights, tokens: Sequence[str], positions: Sequence[int] | None = None) -> str:
    """One sentence for a causal attention heatmap: its size, the masked cells and the last row's peak."""
    w = _check_square(weights, len(tokens))
    n = len(tokens)
    refs = _word_refs(tokens, positions)
    j = int(np.argmax(w[-1]))
    return ngettext(
        "{n} words, each looking only at itself and earlier words ({cells} future cells masked); the last word, "
        "{last}, attends most to {word} ({share}).",
        "{n} words, each looking only at itself and earlier words ({cells} future cells masked); the last word, "
        "{last}, attends most to {word} ({share}).",
        n,
    ).format(n=count(n), cells=count(n * (n - 1) // 2), last=refs[-1], word=refs[j], share=_percent(w[-1, j]))


def summarize_comparison(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    before_label: str | None = None,
    after_label: str | None = None,
) -> str:
    """ "Top word before: 'mat' (62%); after: 'hat' (40%); 'mat' changed most (-50 points)." """
    before_label, after_label = version_labels(before_label, after_label)
    p, q = np.asarray(before.probabilities, float), np.asarray(after.probabilities, float)
    if p.shape != q.shape:
        raise ValueError("both distributions must be over the same words")
    b, a, c = int(np.argmax(p)), int(np.argmax(q)), int(np.argmax(np.abs(q - p)))
    points = 100 * (q[c] - p[c])
    return _(
        "Top word {before}: {top_before} ({share_before}); {after}: {top_after} ({share_after}); "
        "{changed} changed most ({points} percentage points)."
    ).format(
        before=before_label,
        top_before=quote(before.words[b]),
        share_before=_percent(p[b]),
        after=after_label,
        top_after=quote(after.words[a]),
        share_after=_percent(q[a]),
        changed=quote(before.words[c]),
        points=f"{points:+.0f}",  # signed, as the English has always written it
    )


def summarize_loss_curve(history) -> str:
    """ "Training loss went from 5.20 to 2.10 nats over 300 steps; held-out loss was lowest (2.80) at step 200." """
    return _summarize_loss_frame(loss_history_frame(history))


def _summarize_loss_frame(frame: pd.DataFrame) -> str:
    train, held_out = frame[frame["series"] == _(TRAIN)], frame[frame["series"] == _(VALIDATION)]
    if train.empty:
        return _("No training steps yet.")
    steps = int(train["step"].iloc[-1])
    numbers = {
        "first": decimal(train["loss"].iloc[0], 2),
        "last": decimal(train["loss"].iloc[-1], 2),
        "steps": str(steps),  # no thousands separator, as before
    }
    if held_out.empty:
        return ngettext(
            "Training loss went from {first} to {last} nats over {steps} steps (no held-out text to validate on).",
            "Training loss went from {first} to {last} nats over {steps} steps (no held-out text to validate on).",
            steps,
        ).format(**numbers)
    best = held_out.loc[held_out["loss"].idxmin()]
    return ngettext(
        "Training loss went from {first} to {last} nats over {steps} steps; held-out loss was lowest ({best}) at "
        "step {best_step}.",
        "Training loss went from {first} to {last} nats over {steps} steps; held-out loss was lowest ({best}) at "
        "step {best_step}.",
        steps,
    ).format(**numbers, best=decimal(best["loss"], 2), best_step=str(int(best["step"])))


def summarize_embedding_map(points, words: Sequence[str], *, highlight: Sequence[str] = ()) -> str:
    """ "Showing 150 of 2,000 words; the context words 'the', 'cat' are highlighted." """
    frame = embedding_map_frame(points, words, highlight=highlight)
    marked = [quote(w) for w in frame.loc[frame["kind"] == _(CONTEXT_WORD), "word"]]
    numbers = {"shown": count(len(frame)), "total": count(len(words))}
    if not marked:
        return ngettext("Showing {shown} of {total} words.", "Showing {shown} of {total} words.", len(words)).format(
            **numbers
        )
    if len(marked) == 1:
        return ngettext(
            "Showing {shown} of {total} words; the context word {word} is highlighted.",
            "Showing {shown} of {total} words; the context word {word} is highlighted.",
            len(words),
        ).format(**numbers, word=marked[0])
    return ngettext(
        "Showing {shown} of {total} words; the context words {words} are highlighted.",
        "Showing {shown} of {total} words; the context words {words} are highlighted.",
        len(words),
    ).format(**numbers, words=_list_rest(marked))
