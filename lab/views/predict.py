"""Predict: which word comes next, by the trained model."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import charts
from attention.core.steps import ATTENTION_PATH
from attention.core.streams import Use, rng_for
from attention.i18n import _, count
from attention.teaching import analysis, formulas, unknown

from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code, show_formulas
from ..state import ViewContext, value


def sample_again() -> None:
    st.session_state.draw = value("draw") + 1


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    distribution = model.next_word_distribution(ctx.context, temperature=ctx.temperature)
    chart_col, side_col = st.columns([3, 2], gap="large")
    with chart_col:
        next_word_panel(ctx, distribution, _("logit z"), ctx.title_line(_("self-attention the trained model")))
    with side_col:
        sampled_word(ctx, distribution)
    attention_row(ctx, model)
    shape = model.architecture  # the formula of this model: its layers, MLP block and LayerNorm
    note = _(
        "k = {k} context words (the model was trained with contexts of up to n_ctx = {n_ctx}); the temperature "
        "τ = {tau} divides z before the softmax. See **Step by step** for every number."
    ).format(
        k=count(min(ctx.window, model.context_window)),
        n_ctx=count(model.context_window),
        tau=f"{ctx.temperature:g}",
    )
    show_formulas(
        formulas.model_formula(layers=shape.layers, mlp=shape.mlp, layernorm=shape.layernorm),
        note=note,
        heading=_("**How the probabilities are computed**"),
    )
    show_code(attention.TrainedModel.next_word_distribution, *ATTENTION_PATH)


def next_word_panel(ctx: ViewContext, distribution, score_title: str, title_line: str) -> None:
    """The next-word bars (the word that really follows in orange), their summary and downloads."""
    chart = partial(  # no heading above it: the first screen of a laptop then shows the chart's top words
        charts.next_word_chart, distribution, top_k=ctx.top_k, true_next=ctx.true_next, score_title=score_title
    )
    show_chart(chart)
    st.caption(plain(charts.summarize_distribution(distribution)))
    frame = partial(charts.next_word_frame, distribution, top_k=ctx.top_k, true_next=ctx.true_next)
    export_row(chart, frame, "next-word-probabilities", ctx.label, title_line=title_line)


def sampled_word(ctx: ViewContext, distribution: attention.NextWordDistribution, use: Use = Use.PREDICT_SAMPLE) -> None:
    """A word drawn from the distribution, from this use's stream of the seed (Sample again draws anew)."""
    rng = rng_for(ctx.seed, use, ctx.position, ctx.window, value("draw"))
    word = attention.sample_word(distribution, rng)
    st.metric(_("Sampled next token") if ctx.token_word == "token" else _("Sampled next word"), unknown.said(word))
    if word == attention.UNKNOWN_TOKEN:
        drew = _("It drew {word}: the one token the model has for every word it never learned.")
        st.caption(plain(drew.format(word=word)))
    st.button(_("Sample again"), key="sample_again", on_click=sample_again, help=_("Draw another word."))
    if ctx.true_next is not None:
        token = _("token") if ctx.token_word == "token" else _("word")
        st.markdown(plain(unknown.true_next_sentence(distribution, ctx.true_next, token=token)))
    else:
        st.markdown(_("This is the last token of the text, so there is no true next word to compare with."))


def attention_row(ctx: ViewContext, model: attention.TrainedModel) -> None:
    """Where the last word looks: its attention weights over the context, one chart per head."""
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    weights = model.attention_weights(ctx.context)  # [h, n, n]
    st.markdown(_("**Where the last word looks**: its attention weights over the context, per head"))
    for h, col in enumerate(st.columns(max(len(weights), 2))[: len(weights)]):
        with col:
            chart = partial(charts.attention_row_chart, weights[h, -1], words, positions,
                            title=_("head {n}").format(n=count(h + 1)))  # fmt: skip
            show_chart(chart)
            st.caption(plain(charts.summarize_attention_row(weights[h, -1], words, positions)))
            frame = partial(charts.attention_row_frame, weights[h, -1], words, positions)
            export_row(chart, frame, f"attention-row-head-{h + 1}", ctx.label,
                       title_line=ctx.title_line(_("head {n}, the trained model").format(n=count(h + 1))))  # fmt: skip
