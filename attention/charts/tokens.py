"""Tokenization pictures: the first BPE merges with their counts, and what the prompt's words cost in tokens."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import altair as alt
import pandas as pd

from ..i18n import _, count, ngettext
from ..tokens.subword import Merge, SubwordTokenizer
from ..tokens.tokenization import Tokenized
from .frames import visible_token
from .style import BAR_HEIGHT, BLUE, FIT_WIDTH, PRESENT_BAR_HEIGHT

# ngettext here has one English text for both forms: the English always said the plural, even of 1 (tests
# compare it), and a translation gives each of its forms its own text.


def merges_frame(merges: Sequence[Merge], first: int = 15) -> pd.DataFrame:
    """The first merges BPE learned, in order: which pair it glued, into what, and how often the pair occurred."""
    rows = [
        {
            "rank": i + 1,
            "merge": f"{i + 1}. {visible_token(m.left)} + {visible_token(m.right)} → {visible_token(m.token)}",
            "count": m.count,
        }
        for i, m in enumerate(merges[:first])
    ]
    return pd.DataFrame(rows, columns=["rank", "merge", "count"])


def merges_chart(merges: Sequence[Merge], *, first: int = 15, present: bool = False) -> alt.Chart:
    """Bars of the first merges' counts, first merge on top: BPE glues the most frequent pair first."""
    frame = merges_frame(merges, first)
    step = PRESENT_BAR_HEIGHT if present else BAR_HEIGHT
    return (
        alt.Chart(frame)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("count:Q", title=_("times the pair occurred when it was merged")),
            y=alt.Y(
                "merge:N", sort=alt.EncodingSortField(field="rank", op="min"), title=None, axis=alt.Axis(labelLimit=260)
            ),
            tooltip=[alt.Tooltip("merge:N", title=_("merge")), alt.Tooltip("count:Q", title=_("count"), format=",")],
        )
        .properties(height=max(len(frame), 1) * step, autosize=FIT_WIDTH, title=_("The first merges BPE learned"))
    )


def word_costs_frame(tokenized: Tokenized, tokenizer: SubwordTokenizer, most: int = 12) -> pd.DataFrame:
    """The prompt's distinct words with the tokens each costs (as in mid-sentence: with its space), dearest first.
    Its column names are shown as they are (a table on the page), in the page's language."""
    words = Counter(tokenized.text[a:b].strip() for a, b in tokenized.spans)
    words = Counter({w: n for w, n in words.items() if w and any(ch.isalnum() for ch in w)})
    word, tokens, times = _("word"), _("tokens"), _("times in the prompt")
    rows = [{word: w, tokens: tokenizer.cost(w), times: n} for w, n in words.items()]
    frame = pd.DataFrame(rows, columns=[word, tokens, times])
    return frame.sort_values([tokens, times], ascending=[False, False], kind="stable").head(most)


def summarize_merges(merges: Sequence[Merge]) -> str:
    """ "The first merge glued 'e' and ' ' (5,120 times); by merge 10 BPE had made ' the'." """
    if not merges:
        return _("No merges: every token is a single character (or a byte of one).")
    first = merges[0]
    whole = next((m for m in merges[:50] if m.token.strip() and len(m.token.strip()) >= 3), None)
    pair = {"left": first.left, "right": first.right, "times": count(first.count)}
    if whole is None:
        return ngettext(
            "The first merge glued '{left}' and '{right}', a pair seen {times} times.",
            "The first merge glued '{left}' and '{right}', a pair seen {times} times.",
            first.count,
        ).format(**pair)
    return ngettext(
        "The first merge glued '{left}' and '{right}', a pair seen {times} times; by merge {merge} BPE had made "
        "'{token}' one token.",
        "The first merge glued '{left}' and '{right}', a pair seen {times} times; by merge {merge} BPE had made "
        "'{token}' one token.",
        first.count,
    ).format(**pair, merge=count(merges.index(whole) + 1), token=whole.token)
