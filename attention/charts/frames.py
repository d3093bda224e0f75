"""Long-form pandas frames behind every chart: the numbers a chart draws, also exported as CSV/JSON."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from .. import limits
from ..core.predict import NextWordDistribution
from ..i18n import N_, _
from ..teaching.unknown import candidate_label, marked
from ..tokens.words import is_word
from .style import CONTEXT_WORD, MASKED, OTHER, OTHER_WORD, STRIP_ROLES, TRAIN, TRUE_NEXT, VALIDATION, VISIBLE


def next_word_frame(
    distribution: NextWordDistribution,
    *,
    top_k: int = 10,
    true_next: str | None = None,
    highlight_label: str | None = None,
) -> pd.DataFrame:
    """The top-k words (plus the true next word if it ranks lower), most probable first.

    The highlighted word's `kind` is `highlight_label` (e.g. "the word it chose" when generating). A true
    next word the model does not know is highlighted as "<unk>", the candidate it reads it as. Without
    `highlight_label`, the highlighted word's kind is TRUE_NEXT (in the page's language).
    """
    highlight_label = _(TRUE_NEXT) if highlight_label is None else highlight_label
    order = distribution.top_k(len(distribution.words))
    rank = {int(i): r + 1 for r, i in enumerate(order)}
    shown = [int(i) for i in order[:top_k]]
    true_next = None if true_next is None else distribution.reads_as(true_next)  # an unknown word is "<unk>"
    if true_next in distribution.words and distribution.words.index(true_next) not in shown:
        shown.append(distribution.words.index(true_next))
    return pd.DataFrame(
        {
            "rank": [rank[i] for i in shown],
            "word": [candidate_label(distribution.words[i]) for i in shown],
            "probability": distribution.probabilities[shown].astype(float),
            "score": distribution.scores[shown].astype(float),
            "kind": [highlight_label if distribution.words[i] == true_next else _(OTHER) for i in shown],
        }
    )


def _display_width(token: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in token)


def _strip_role(i: int, position: int, context_window: int) -> str:
    """The token's role on the strip, translated: one of STRIP_ROLES."""
    predict_after, context, next_word, other = STRIP_ROLES
    if i == position:
        return _(predict_after)
    if position - context_window < i < position:
        return _(context)
    return _(next_word) if i == position + 1 else _(other)


def token_strip_frame(
    tokens: Sequence[str],
    position: int,
    context_window: int,
    *,
    span: int = 40,
    chars_per_row: int = 64,
    attention=None,  # [context_window] the chosen word's attention over its context, oldest first
    labels: Sequence[str] | None = None,  # [N] what each token shows (subword pieces: never a broken character)
    joins: Sequence[bool] | None = None,  # [N] True where a token is a later piece of the word before it
    unknown: Collection[int] = (),  # 0-based positions of words the model does not know
) -> pd.DataFrame:
    """Tokens around `position` (0-based), laid out in wrapped rows, each with its role.

    Roles: "predict after" (the word at `position`), "context" (the rest of the window),
    "next word" (the word that really follows), "other". `index` is the 1-based text position;
    `shown` quotes punctuation (‘.’) so it can be seen, and marks a word the model does not know with
    `unknown.MARK` ("bees*"); `weight` is the chosen word's attention to the token (NaN outside the
    window, or without `attention`). Pieces of one word (`joins`) touch: no gap between their boxes.
    """
    weights = _window_weights(attention, position, context_window)
    first, last = max(0, position - span), min(len(tokens), position + span + 1)
    rows = []
    x, row = 0.0, 0
    for i in range(first, last):
        shown = _strip_label(tokens[i] if labels is None else labels[i], i in unknown)
        width = _display_width(shown) + 1
        if joins is not None and joins[i] and x > 0:
            x -= STRIP_GAP  # the piece continues the word before it: their boxes touch
        if x + width > chars_per_row and x > 0:
            x, row = 0.0, row + 1
        rows.append(
            {
                "index": i + 1,
                "token": tokens[i],
                "shown": shown,
                "x": x,
                "x2": x + width - STRIP_GAP,
                "row": row,
                "role": _strip_role(i, position, context_window),
                "weight": weights.get(i, np.nan),
                "vocabulary": _(NOT_IN_VOCABULARY) if i in unknown else _(KNOWN),
            }
        )
        x += width
    return pd.DataFrame(rows)


STRIP_GAP = 0.3
"""Characters of space between two tokens' boxes on the strip (none between pieces of one word)."""

NOT_IN_VOCABULARY, KNOWN = N_("not in the model's vocabulary (read as <unk>)"), N_("known")


def _strip_label(token: str, is_unknown: bool) -> str:
    shown = token if len(token) <= 16 else token[:15] + "…"
    return marked(visible_token(shown), not is_unknown)


def _window_weights(attention, position: int, context_window: int) -> dict[int, float]:
    """{0-based text index: weight} for the window ending at `position`; {} without attention."""
    if attention is None:
        return {}
    w = np.asarray(attention, dtype=np.float64)
    if w.ndim != 1 or len(w) != context_window:
        raise ValueError(f"give one attention weight per context word: got shape {w.shape}, window {context_window}")
    return {position - context_window + 1 + j: float(v) for j, v in enumerate(w)}


WHITESPACE_SHOWN = str.maketrans({" ": "␣", "\n": "↵", "\t": "⇥", "\r": "↵"})
"""Spaces and line breaks drawn as signs (a subword model has whitespace tokens)."""


def visible_token(token: str) -> str:
    """A token as a label: punctuation and spaces quoted (‘.’, ‘,’) so a lone dot can be seen and clicked;
    a whitespace piece as signs (‘␣’, ‘↵’)."""
    if token.isspace():
        return f"‘{token.translate(WHITESPACE_SHOWN)}’"
    return token if is_word(token) else f"‘{token}’"


def position_labels(tokens: Sequence[str], positions: Sequence[int] | None = None) -> list[str]:
    """ "position: token" labels, so two "the" at positions 3 and 7 stay two rows ("3: the", "7: the");
    punctuation is quoted ("9: ‘.’")."""
    positions = range(1, len(tokens) + 1) if positions is None else positions
    if len(positions) != len(tokens):
        raise ValueError(f"got {len(positions)} positions for {len(tokens)} tokens; give one position per token")
    return [f"{p}: {visible_token(t)}" for p, t in zip(positions, tokens, strict=True)]


def _check_square(weights, n_tokens: int) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"attention weights must be a square [queries, keys] matrix for one head, got shape {w.shape}")
    if w.shape[0] != n_tokens:
        raise ValueError(f"got {n_tokens} tokens for a {w.shape[0]} × {w.shape[0]} weight matrix; give one per row")
    if w.shape[0] > limits.MAX_HEATMAP_TOKENS:
        raise ValueError(
            f"the attention heatmap shows at most {limits.MAX_HEATMAP_TOKENS} words, got {w.shape[0]}; "
            f"choose a context window of {limits.MAX_HEATMAP_TOKENS} or fewer words"
        )
    return w


def attention_frame(weights, tokens: Sequence[str], positions: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per (query, key) pair, n·n rows, query-major; masked = key after query (j > i)."""
    w = _check_square(weights, len(tokens))
    labels = position_labels(tokens, positions)
    n = len(labels)
    i, j = np.divmod(np.arange(n * n), n)  # query index, key index of each cell, [n·n] each
    masked = j > i
    return pd.DataFrame(
        {
            "query": [labels[a] for a in i],
            "key": [labels[b] for b in j],
            "weight": w.ravel(),
            "masked": masked,
            "status": np.where(masked, _(MASKED), _(VISIBLE)),
        }
    )


def attention_row_frame(weights_row, tokens: Sequence[str], positions: Sequence[int] | None = None) -> pd.DataFrame:
    w = np.asarray(weights_row, dtype=np.float64)
    if w.ndim != 1 or len(w) != len(tokens):
        raise ValueError(f"give one weight per token: got weights of shape {w.shape} for {len(tokens)} tokens")
    if len(w) > limits.MAX_HEATMAP_TOKENS:
        raise ValueError(f"the attention row chart shows at most {limits.MAX_HEATMAP_TOKENS} words, got {len(w)}")
    return pd.DataFrame({"label": position_labels(tokens, positions), "token": list(tokens), "weight": w})


def version_labels(before_label: str | None, after_label: str | None) -> tuple[str, str]:
    """A comparison's two version names: the ones given, else "before" and "after" in the page's language."""
    return (_("before") if before_label is None else before_label, _("after") if after_label is None else after_label)


def comparison_frame(
    before: NextWordDistribution,
    after: NextWordDistribution,
    *,
    top_k: int = 10,
    before_label: str | None = None,
    after_label: str | None = None,
) -> pd.DataFrame:
    """Two rows per word (before, after) for the top-k words by max(p_before, p_after); the labels default to
    "before" and "after" in the page's language."""
    before_label, after_label = version_labels(before_label, after_label)
    if tuple(before.words) != tuple(after.words):
        raise ValueError("both distributions must be over the same words in the same order (the same vocabulary)")
    if before_label == after_label:
        raise ValueError(f"the two labels must differ, got {before_label!r} twice")
    p, q = np.asarray(before.probabilities, float), np.asarray(after.probabilities, float)
    shown = np.argsort(-np.maximum(p, q), kind="stable")[: max(top_k, 1)]
    rows = [
        {"word": before.words[i], "version": label, "probability": float(probs[i]), "change": float(q[i] - p[i])}
        for i in shown
        for label, probs in ((before_label, p), (after_label, q))
    ]
    return pd.DataFrame(rows)


def embedding_map_frame(points, words: Sequence[str], *, highlight: Sequence[str] = ()) -> pd.DataFrame:
    """The highlighted words plus the first other words, at most limits.MAX_EMBEDDING_MAP_WORDS rows."""
    xy = np.asarray(points, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) != len(words):
        raise ValueError(f"give one 2-D point per word: got points of shape {xy.shape} for {len(words)} words")
    wanted = set(highlight)
    marked = [i for i, w in enumerate(words) if w in wanted][: limits.MAX_EMBEDDING_MAP_WORDS]
    others = [i for i, w in enumerate(words) if w not in wanted][: limits.MAX_EMBEDDING_MAP_WORDS - len(marked)]
    shown = sorted(marked + others)
    return pd.DataFrame(
        {
            "word": [words[i] for i in shown],
            "x": xy[shown, 0],
            "y": xy[shown, 1],
            "kind": [_(CONTEXT_WORD) if words[i] in wanted else _(OTHER_WORD) for i in shown],
        }
    )


def loss_history_frame(history) -> pd.DataFrame:
    """Long form (step, series, loss) from records, dataclasses, dicts or a frame with columns
    step, train_loss, validation_loss; missing validation losses (None/NaN) are dropped."""
    if isinstance(history, pd.DataFrame):
        wide = history
    else:
        fields = ("step", "train_loss", "validation_loss")
        wide = pd.DataFrame(
            [{f: (r.get(f) if isinstance(r, dict) else getattr(r, f, None)) for f in fields} for r in history],
            columns=list(fields),
        )
    missing = {"step", "train_loss"} - set(wide.columns)
    if missing:
        raise ValueError(f"the loss history needs the fields step and train_loss (missing: {sorted(missing)})")
    if len(wide) > limits.MAX_LOSS_CURVE_POINTS:
        keep = np.unique(np.linspace(0, len(wide) - 1, limits.MAX_LOSS_CURVE_POINTS).round().astype(int))
        wide = wide.iloc[keep]
    validation = wide["validation_loss"] if "validation_loss" in wide else pd.Series(np.nan, index=wide.index)
    parts = [
        pd.DataFrame({"step": wide["step"], "series": _(TRAIN), "loss": pd.to_numeric(wide["train_loss"])}),
        pd.DataFrame({"step": wide["step"], "series": _(VALIDATION), "loss": pd.to_numeric(validation)}),
    ]
    frame = pd.concat(parts, ignore_index=True).astype({"step": int, "loss": float})
    return frame.dropna(subset=["loss"]).reset_index(drop=True)
