"""Tokens: how the prompt is cut, the first merges BPE learned with their counts, what a word costs."""

from __future__ import annotations

from functools import partial

import streamlit as st

from attention import charts
from attention.charts.tokens import merges_chart, merges_frame, summarize_merges, word_costs_frame
from attention.i18n import _, count, decimal, ngettext
from attention.tokens import subword
from attention.tokens.tokenization import split

from ..models import ready_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from ..tokens import shared_tokenizer


def render(ctx: ViewContext) -> None:
    st.subheader(_("Tokens: how the text is cut"))
    n_words = len(split(ctx.text).tokens)
    if ctx.training.tokenization == "subwords":
        pieces = ngettext(
            "The model reads subword pieces: this prompt is **{tokens} token** for {words} words and marks ({ratio} "
            "tokens per word). Pieces of one word touch on the strip; a character never seen in training becomes its "
            "bytes, so no text is ever unknown.",
            "The model reads subword pieces: this prompt is **{tokens} tokens** for {words} words and marks ({ratio} "
            "tokens per word). Pieces of one word touch on the strip; a character never seen in training becomes its "
            "bytes, so no text is ever unknown.",
            len(ctx.tokens),
        )
        ratio = decimal(len(ctx.tokens) / max(n_words, 1), 2)
        st.markdown(pieces.format(tokens=count(len(ctx.tokens)), words=count(n_words), ratio=ratio))
    else:
        words_mode(ctx)
    bpe(ctx)
    show_code(subword.train_bpe, subword.SubwordTokenizer.encode)


def words_mode(ctx: ViewContext) -> None:
    """Words and marks: how many the model knows; Chinese, written without spaces, cut into words by jieba."""
    model = ready_model(ctx)
    distinct = sorted(set(ctx.tokens))
    line = ngettext(
        "The model reads words and marks: this prompt is **{tokens} token**, {distinct} distinct.",
        "The model reads words and marks: this prompt is **{tokens} tokens**, {distinct} distinct.",
        len(ctx.tokens),
    ).format(tokens=count(len(ctx.tokens)), distinct=count(len(distinct)))
    if model is not None:
        unknown = [w for w in distinct if not model.knows(w)]
        numbers = {"known": count(len(distinct) - len(unknown)), "unknown": count(len(unknown))}
        if unknown:
            listed = ", ".join(repr(w) for w in unknown[:12]) + (" …" if len(unknown) > 12 else "")
            knows = _("The model knows {known} of them; {unknown} it reads as <unk>: {words}.").format(
                words=listed, **numbers
            )
        else:
            knows = _("The model knows {known} of them; {unknown} it reads as <unk>.").format(**numbers)
        line = _("{first} {second}").format(first=line, second=knows)
    st.markdown(plain(line))
    st.caption(
        _(
            "Chinese is written without spaces between words: in word mode jieba, a maintained Chinese segmenter, "
            "cuts each run of Han characters into words by its dictionary (小雨 / 走 / 到 / 奶奶家); Japanese kana "
            "are one token a character. Subword tokens (Train: Tokens) cut any script into pieces learned from the "
            "text."
        )
    )


def bpe(ctx: ViewContext) -> None:
    """Byte-pair encoding learned on what the model reads, with the settings' merges."""
    settings = ctx.training
    tokenizer = shared_tokenizer(ctx.training_text or ctx.text, settings.merges, settings.validation_fraction,
                                 settings.test_fraction)  # fmt: skip
    if tokenizer is None:
        return
    learned = ngettext(
        "**Byte-pair encoding** ({merges} merge, learned on the training part of what the model reads): it starts "
        "from single characters and glues the most frequent neighbouring pair, again and again.",
        "**Byte-pair encoding** ({merges} merges, learned on the training part of what the model reads): it starts "
        "from single characters and glues the most frequent neighbouring pair, again and again.",
        settings.merges,
    )
    st.markdown(learned.format(merges=count(settings.merges)))
    left, right = st.columns(2, gap="large")
    with left:
        chart = partial(merges_chart, tokenizer.merges)
        show_chart(chart)
        st.caption(plain(summarize_merges(tokenizer.merges)))
        export_row(chart, merges_frame(tokenizer.merges), "bpe-merges", ctx.label,
                   title_line=ctx.title_line(_("first BPE merges")))  # fmt: skip
    with right:
        costs = word_costs_frame(split(ctx.text, tokenizer), tokenizer)
        st.markdown(_("**What the prompt's words cost** (tokens each, with its leading space)"))
        columns = {"word": _("word"), "tokens": _("tokens"), "times in the prompt": _("times in the prompt")}
        st.dataframe(costs.rename(columns=columns), hide_index=True)  # the frame's own columns stay its data's names
        word = st.text_input(
            _("How many tokens does a word cost?"), key="cost_word", max_chars=60,
            help=_("Any word, in any script: BPE never fails, it only needs more pieces."),
        )  # fmt: skip
        if word.strip():
            pieces = tokenizer.encode(" " + word.strip())
            shown = " | ".join(charts.visible_token(label) for label in pieces.labels)
            costs_line = ngettext("'{word}' costs {n} token: {pieces}", "'{word}' costs {n} tokens: {pieces}",
                                  len(pieces))  # fmt: skip
            st.markdown(plain(costs_line.format(word=word.strip(), n=count(len(pieces)), pieces=shown)))
