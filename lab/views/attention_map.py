"""Attention map: who looks at whom, every head in one figure with one colour legend."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

import attention
from attention import charts
from attention.core.steps import ATTENTION_PATH
from attention.i18n import _, count
from attention.teaching import analysis

from ..controls import one_of
from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from .predict import attention_row


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    words, positions, weights = chosen_layer_attention(ctx, model)
    st.subheader(_("Attention map: who looks at whom"))
    st.caption(
        _(
            "Row i shows how much word i attends to each earlier word j (rows sum to 100%). Grey cells are the "
            "future, masked so no word can peek ahead; a weight of 0 is dark purple, never grey."
        )
    )
    heatmaps(ctx, weights, words, positions, title_line=ctx.title_line(_("self-attention, the trained model")))
    attention_row(ctx, model)
    show_code(attention.TrainedModel.attention_weights, *ATTENTION_PATH)


def chosen_layer_attention(ctx: ViewContext, model: attention.TrainedModel) -> tuple[list[str], list[int], np.ndarray]:
    """The words the model sees, their text positions, and the attention of the layer picked ([h, n, n])."""
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    layer = one_of(_("Layer"), _("layer {number}"), model.layers, "layer")
    return words, positions, model.attention_weights(ctx.context, layer=layer)


def heatmaps(ctx: ViewContext, weights, words: list[str], positions: list[int], *, title_line: str) -> None:
    """One heatmap per head, two per row (stacked on a phone), one colour legend under the first; a sentence
    per head; the downloads carry every head in one picture (charts.attention_heatmaps)."""
    columns = st.columns(min(len(weights), 2))
    for h, head in enumerate(weights):
        with columns[h % len(columns)]:
            show_chart(partial(charts.attention_heatmap, head, words, positions=positions,
                               title=_("head {n}").format(n=count(h + 1)),
                               legend=h == 0, square=True), width="content")  # fmt: skip
            summary = charts.summarize_heatmap(head, words, positions)
            st.caption(plain(_("Head {n}: {summary}").format(n=count(h + 1), summary=summary)))
    figure = partial(charts.attention_heatmaps, weights, words, positions=positions)
    frames = [charts.attention_frame(weights[h], words, positions).assign(head=h + 1) for h in range(len(weights))]
    export_row(figure, pd.concat(frames), "attention-map", ctx.label, title_line=title_line)
