"""Tokens: how the prompt is cut, the first merges BPE learned with their counts, what a word costs."""

from __future__ import annotations

from functools import partial

import streamlit as st

from attention import charts
from attention.charts.tokens import merges_chart, merges_frame, summarize_merges, word_costs_frame
from attention.tokens import subword
from attention.tokens.tokenization import split

from ..models import ready_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from ..tokens import shared_tokenizer


def render(ctx: ViewContext) -> None:
    st.subheader("Tokens: how the text is cut")
    n_words = len(split(ctx.text).tokens)
    if ctx.training.tokenization == "subwords":
        st.markdown(
            f"The model reads subword pieces: this prompt is **{len(ctx.tokens):,} tokens** for {n_words:,} words "
            f"and marks ({len(ctx.tokens) / max(n_words, 1):.2f} tokens per word). Pieces of one word touch on the "
            "strip; a character never seen in training becomes its bytes, so no text is ever unknown."
        )
    else:
        words_mode(ctx)
    bpe(ctx)
    show_code(subword.train_bpe, subword.SubwordTokenizer.encode)


def words_mode(ctx: ViewContext) -> None:
    """Words and marks: how many the model knows; Chinese and Japanese, written without spaces, by character."""
    model = ready_model(ctx)
    distinct = sorted(set(ctx.tokens))
    line = (
        f"The model reads words and marks: this prompt is **{len(ctx.tokens):,} tokens**, {len(distinct):,} distinct."
    )
    if model is not None:
        unknown = [w for w in distinct if not model.knows(w)]
        line += f" The model knows {len(distinct) - len(unknown):,} of them; {len(unknown):,} it reads as <unk>" + (
            f": {', '.join(repr(w) for w in unknown[:12])}{' …' if len(unknown) > 12 else ''}." if unknown else "."
        )
    st.markdown(plain(line))
    st.caption(
        "Chinese and Japanese are written without spaces between words, so in word mode each Han or kana character "
        "is one token (as in BERT). Subword tokens (Train: Tokens) cut any script into pieces learned from the text."
    )


def bpe(ctx: ViewContext) -> None:
    """Byte-pair encoding learned on what the model reads, with the settings' merges."""
    settings = ctx.training
    tokenizer = shared_tokenizer(ctx.training_text or ctx.text, settings.merges, settings.validation_fraction,
                                 settings.test_fraction)  # fmt: skip
    if tokenizer is None:
        return
    st.markdown(f"**Byte-pair encoding** ({settings.merges:,} merges, learned on the training part of what the "
                "model reads): it starts from single characters and glues the most frequent neighbouring pair, "
                "again and again.")  # fmt: skip
    left, right = st.columns(2, gap="large")
    with left:
        chart = partial(merges_chart, tokenizer.merges)
        show_chart(chart)
        st.caption(plain(summarize_merges(tokenizer.merges)))
        export_row(chart, merges_frame(tokenizer.merges), "bpe-merges", ctx.label,
                   title_line=ctx.title_line("first BPE merges"))  # fmt: skip
    with right:
        costs = word_costs_frame(split(ctx.text, tokenizer), tokenizer)
        st.markdown("**What the prompt's words cost** (tokens each, with its leading space)")
        st.dataframe(costs, hide_index=True)
        word = st.text_input("How many tokens does a word cost?", key="cost_word", max_chars=60,
                             help="Any word, in any script: BPE never fails, it only needs more pieces.")  # fmt: skip
        if word.strip():
            pieces = tokenizer.encode(" " + word.strip())
            shown = " | ".join(charts.visible_token(label) for label in pieces.labels)
            st.markdown(plain(f"'{word.strip()}' costs {len(pieces):,} tokens: {shown}"))
