"""Attention on the words: a line from each word to each word it looks at, one panel per head."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import charts
from attention.core.steps import ATTENTION_PATH
from attention.i18n import _

from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from .attention_map import chosen_layer_attention


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    words, positions, weights = chosen_layer_attention(ctx, model)
    st.subheader(_("Attention on the words: who looks at whom"))
    st.caption(
        _(
            "Each word on the left looks at the words on the right up to itself; a line's width and strength show "
            "how much. The chosen word's lines stand out: they are the ones that make the prediction."
        )
    )
    columns = st.columns(min(len(weights), 2))  # two heads a row; a phone stacks them
    for h in range(len(weights)):
        with columns[h % len(columns)]:
            show_chart(partial(charts.attention_on_words_chart, weights[h : h + 1], words, positions=positions,
                               first_head=h + 1), width="content")  # fmt: skip
    chart = partial(charts.attention_on_words_chart, weights, words, positions=positions)  # every head: the export
    st.caption(plain(charts.summarize_head_view(weights, words, positions=positions)))
    export_row(chart, charts.head_view_frame(weights, words, positions=positions), "attention-on-words", ctx.label,
               title_line=ctx.title_line(_("self-attention, the trained model")))  # fmt: skip
    show_code(attention.TrainedModel.attention_weights, *ATTENTION_PATH)
