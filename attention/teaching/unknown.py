"""Words the model cannot name, said truly: marked where they appear, never scored as 0%.

A word-level model knows the words it learned; every other word reads as one token, "<unk>". The lab
marks such a word wherever it shows it (`marked`), names the "<unk>" candidate for what it is
(`candidate_label`), and reports the true next word's probability as that of "<unk>" when the model
reads it so (`true_next_sentence`).
"""

from __future__ import annotations

from ..core.parameters import UNKNOWN_TOKEN
from ..core.predict import NextWordDistribution
from ..i18n import N_, _, percent

MARK = "*"
"""Follows a word the model does not know, on the strip and in every label."""

MARK_NOTE = N_("* not in the model's vocabulary: it reads the word as <unk>")
"""What the mark means, said once beside every picture that shows it (a msgid: shown as `_(MARK_NOTE)`)."""

A_WORD_IT_DOES_NOT_KNOW = N_("a word it does not know")
"""How a sampled or predicted "<unk>" is said in words (never the token "<unk>" in large type)."""


def marked(word: str, known: bool) -> str:
    """'bees*' for a word outside the model's vocabulary, the word itself otherwise."""
    return word if known else word + MARK


def candidate_label(token: str) -> str:
    """A next-word candidate as a chart labels it: "<unk> (any unknown word)" for the unknown token."""
    return _("{unk} (any unknown word)").format(unk=UNKNOWN_TOKEN) if token == UNKNOWN_TOKEN else token


def said(token: str) -> str:
    """A predicted or sampled token in a sentence: "a word it does not know" for "<unk>"."""
    return _(A_WORD_IT_DOES_NOT_KNOW) if token == UNKNOWN_TOKEN else token


SHOWN_CHARS = 40
"""A word longer than this is cut with "…" in a sentence (a 5,000-letter "word" is not worth a page)."""


def true_next_sentence(distribution: NextWordDistribution, true_next: str, *, token: str | None = None) -> str:
    """The true next word's probability, truly: a word the model does not know gets that of "<unk>" (plain text).
    `token` names what the model predicts ("word", "token"), in the page's language; "word" without it."""
    token = _("word") if token is None else token
    p = distribution.probability_of(true_next)
    shown = true_next if len(true_next) <= SHOWN_CHARS else true_next[: SHOWN_CHARS - 1] + "…"
    if distribution.reads_as(true_next) == true_next:
        return _("In the text the next {token} is '{word}': probability {share}.").format(
            token=token, word=shown, share=percent(p, 1)
        )
    return _(
        "In the text the next {token} is '{word}', which is not in the model's vocabulary: it reads it as "
        "{unk}, the one token for every word it never learned, and gives {unk} {share} "
        "(the chance that the next word is some word it does not know)."
    ).format(token=token, word=shown, unk=UNKNOWN_TOKEN, share=percent(p, 1))
