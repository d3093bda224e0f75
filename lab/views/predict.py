"""Predict: which word comes next, by the trained model."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import charts
from attention.core.steps import ATTENTION_PATH
from attention.core.streams import Use, rng_for
from attention.teaching import analysis, formulas, unknown

from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext, value

TRAINED = "the trained model"


def sample_again() -> None:
    st.session_state.draw = value("draw") + 1


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    distribution = model.next_word_distribution(ctx.context, temperature=ctx.temperature)
    chart_col, side_col = st.columns([3, 2], gap="large")
    with chart_col:
        next_word_panel(ctx, distribution, "logit z", ctx.title_line(f"self-attention {TRAINED}"))
    with side_col:
        sampled_word(ctx, distribution)
    attention_row(ctx, model)
    st.markdown("**How the probabilities are computed**")
    shape = model.architecture  # the formula of this model: its layers, MLP block and LayerNorm
    st.latex(formulas.model_formula(layers=shape.layers, mlp=shape.mlp, layernorm=shape.layernorm))
    st.caption(
        f"k = {min(ctx.window, model.context_window)} context words (the model was trained with contexts of up "
        f"to n_ctx = {model.context_window}); the temperature τ = {ctx.temperature:g} divides z before the "
        "softmax. See **Step by step** for every number."
    )
    show_code(attention.TrainedModel.next_word_distribution, *ATTENTION_PATH)


def next_word_panel(ctx: ViewContext, distribution, score_title: str, title_line: str) -> None:
    """The next-word bars (the word that really follows in orange), their summary and downloads."""
    chart = partial(  # no heading above it: the first screen of a laptop then shows the chart's top words
        charts.next_word_chart, distribution, top_k=ctx.top_k, true_next=ctx.true_next, score_title=score_title
    )
    show_chart(chart)
    st.caption(plain(charts.summarize_distribution(distribution)))
    frame = charts.next_word_frame(distribution, top_k=ctx.top_k, true_next=ctx.true_next)
    export_row(chart, frame, "next-word-probabilities", ctx.label, title_line=title_line)


def sampled_word(ctx: ViewContext, distribution: attention.NextWordDistribution, use: Use = Use.PREDICT_SAMPLE) -> None:
    """A word drawn from the distribution, from this use's stream of the seed (Sample again draws anew)."""
    rng = rng_for(ctx.seed, use, ctx.position, ctx.window, value("draw"))
    word = attention.sample_word(distribution, rng)
    st.metric(f"Sampled next {ctx.token_word}", unknown.said(word))
    if word == attention.UNKNOWN_TOKEN:
        st.caption(plain(f"It drew {word}: the one token the model has for every word it never learned."))
    st.button("Sample again", key="sample_again", on_click=sample_again, help="Draw another word.")
    if ctx.true_next is not None:
        st.markdown(plain(unknown.true_next_sentence(distribution, ctx.true_next, token=ctx.token_word)))
    else:
        st.markdown("This is the last token of the text, so there is no true next word to compare with.")


def attention_row(ctx: ViewContext, model: attention.TrainedModel) -> None:
    """Where the last word looks: its attention weights over the context, one chart per head."""
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    weights = model.attention_weights(ctx.context)  # [h, n, n]
    st.markdown("**Where the last word looks**: its attention weights over the context, per head")
    for h, col in enumerate(st.columns(max(len(weights), 2))[: len(weights)]):
        with col:
            chart = partial(charts.attention_row_chart, weights[h, -1], words, positions, title=f"head {h + 1}")
            show_chart(chart)
            st.caption(plain(charts.summarize_attention_row(weights[h, -1], words, positions)))
            frame = charts.attention_row_frame(weights[h, -1], words, positions)
            export_row(chart, frame, f"attention-row-head-{h + 1}", ctx.label,
                       title_line=ctx.title_line(f"head {h + 1}, {TRAINED}"))  # fmt: skip
