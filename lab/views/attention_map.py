"""Attention map: who looks at whom, one heatmap per head, plus the last word's row."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

import attention
from attention import analysis, charts

from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from ..training import trained_model
from .predict import attention_row


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    weights = model.attention_weights(ctx.context)  # [h, n, n]
    st.subheader("Attention map: who looks at whom")
    st.caption(
        "Row i shows how much word i attends to each earlier word j (rows sum to 100%). Grey cells are the "
        "future, masked so no word can peek ahead; a weight of 0 is dark purple, never grey."
    )
    heatmap_grid(weights, words, positions)
    chart = charts.attention_heatmaps(weights, words, positions=positions)  # all heads in one picture
    frames = [charts.attention_frame(weights[h], words, positions).assign(head=h + 1) for h in range(len(weights))]
    export_row(chart, pd.concat(frames), "attention-map", ctx.label)
    attention_row(ctx, model)
    show_code(attention.scaled_dot_product_attention)


def heatmap_grid(weights, words: list[str], positions: list[int] | None = None) -> None:
    """One heatmap per head, two per row (one per row on a phone), each fitted to its column."""
    columns = st.columns(min(len(weights), 2))
    for h, head in enumerate(weights):
        with columns[h % len(columns)]:
            show_chart(partial(charts.attention_heatmap, head, words, positions=positions, title=f"head {h + 1}"))
            st.caption(plain(f"Head {h + 1}: " + charts.summarize_heatmap(head, words, positions)))
