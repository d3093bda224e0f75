"""Predict: which word comes next, by the blog's method or by the model trained on this text."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

import attention
from attention import analysis, charts, formulas
from attention.predict import rng_for

from ..controls import widget
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from ..training import trained_model


@st.cache_data(max_entries=32, show_spinner=False)
def blog_embeddings(vocab_size: int, dim: int, seed: int) -> np.ndarray:
    return attention.random_embeddings(vocab_size, dim, np.random.default_rng(seed))


def blog_result(ctx: ViewContext) -> attention.BlogMethodResult:
    embeddings = blog_embeddings(len(ctx.vocabulary), ctx.dim, ctx.seed)
    return attention.blog_method(
        embeddings, ctx.vocabulary, ctx.context, temperature=ctx.temperature, faithful=ctx.faithful
    )


def sample_again() -> None:
    st.session_state.draw += 1


def render(ctx: ViewContext) -> None:
    widget("method")
    if st.session_state.method == "trained":
        model = trained_model(ctx)
        if model is None:
            return
        distribution, score_title = model.next_word_distribution(ctx.context, temperature=ctx.temperature), "logit z"
    else:
        model, distribution, score_title = None, blog_result(ctx), "score s"
    chart_col, side_col = st.columns([3, 2], gap="large")
    with chart_col:
        st.subheader("Which word comes next?")
        chart = partial(
            charts.next_word_chart, distribution, top_k=ctx.top_k, true_next=ctx.true_next, score_title=score_title
        )
        show_chart(chart)
        st.caption(plain(charts.summarize_distribution(distribution)))
        frame = charts.next_word_frame(distribution, top_k=ctx.top_k, true_next=ctx.true_next)
        export_row(chart, frame, "next-word-probabilities", ctx.label)
    with side_col:
        sampled_word(ctx, distribution, blog=model is None)
    if model is None:
        blog_explained(ctx, distribution)
    else:
        model_explained(ctx, model)


def sampled_word(ctx: ViewContext, distribution: attention.NextWordDistribution, *, blog: bool) -> None:
    rng = rng_for(ctx.seed, ctx.position, ctx.window, st.session_state.draw)
    st.metric("Sampled next word", attention.sample_word(distribution, rng))
    st.button("Sample again", key="sample_again", on_click=sample_again, help="Draw another word.")
    if ctx.true_next is not None:
        st.markdown(
            f"In the text the next word is {attention.as_code_span(ctx.true_next, max_chars=40)}: "
            f"probability {distribution.probability_of(ctx.true_next):.1%}."
        )
    else:
        st.markdown("This is the last token of the text, so there is no true next word to compare with.")
    if blog:
        st.caption(
            "These embeddings are random, as in the blog, so the prediction is noise: the point is to see "
            "the mechanism. Switch to **Trained on this text** for predictions that mean something."
        )


def blog_explained(ctx: ViewContext, result: attention.BlogMethodResult) -> None:
    st.markdown("**How the probabilities are computed**")
    st.latex(attention.QUERY_FORMULA)
    st.latex(attention.PROBABILITY_FORMULAS[ctx.faithful])
    st.caption(
        f"k = {ctx.window} context words, d = {ctx.dim}, T = {ctx.temperature:g}, "
        f"and v runs over all {len(ctx.vocabulary)} words of the vocabulary."
    )
    numbers_table(ctx, result)
    show_code(attention.seed.attention_scores, attention.seed.next_word_probabilities, attention.blog_method)


def numbers_table(ctx: ViewContext, result: attention.BlogMethodResult) -> None:
    with st.expander("The numbers behind the chart", key="numbers_open", on_change="rerun") as box:
        if not box.open:
            return
        shown_words = ", ".join(attention.as_code_span(w, max_chars=40) for w in ctx.context[:12])
        st.markdown(
            "The query q is the mean of the context words' embeddings: "
            + shown_words
            + (" …" if len(ctx.context) > 12 else "")
        )
        st.dataframe({"q": np.round(result.query, 4)}, width="content")
        shown = result.top_k(ctx.top_k)
        st.dataframe(
            {
                "word": [result.words[i] for i in shown],
                "E[v]·q": np.round(result.dot_products[shown], 4),
                "s = E[v]·q / √d": np.round(result.scores[shown], 4),
                "p(v)": np.round(result.probabilities[shown], 4),
            },
            hide_index=True,
        )


def model_explained(ctx: ViewContext, model: attention.TrainedModel) -> None:
    attention_row(ctx, model)
    st.markdown("**How the probabilities are computed**")
    st.latex(formulas.MODEL_SUMMARY)
    st.caption(
        f"k = {min(ctx.window, model.context_window)} context words (the model sees at most T = "
        f"{model.context_window}), T = {ctx.temperature:g} divides z before the softmax. "
        "See **Step by step** for every number."
    )
    show_code(attention.TrainedModel.next_word_distribution, attention.model.forward)


def attention_row(ctx: ViewContext, model: attention.TrainedModel) -> None:
    """Where the last word looks: its attention weights over the context, one chart per head."""
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    weights = model.attention_weights(ctx.context)  # [h, n, n]
    st.markdown("**Where the last word looks**: its attention weights over the context, per head")
    for h, col in enumerate(st.columns(max(len(weights), 2))[: len(weights)]):
        with col:
            show_chart(partial(charts.attention_row_chart, weights[h, -1], words, positions, title=f"head {h + 1}"))
            st.caption(plain(charts.summarize_attention_row(weights[h, -1], words, positions)))
