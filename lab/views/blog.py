"""The blog's method: a toy. The post's method, runnable, its numbers explained, and what its bugs change."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

import attention
from attention import charts
from attention.core.streams import Use, rng_for
from attention.i18n import N_, _, count
from attention.teaching import analysis

from ..render import export_row, plain, show_chart, show_code, show_formulas
from ..state import ViewContext
from .predict import next_word_panel, sampled_word

POST = "Understanding Self-Attention Mechanism in Natural Language Processing"  # the post's own title, not translated
METHOD = N_("the blog's method (random embeddings)")


def labels() -> charts.ComparisonLabels:
    """The comparison's two legend entries, in the page's language."""
    return {"before_label": _("as in the blog"), "after_label": _("corrected")}


@st.cache_data(max_entries=32, show_spinner=False)
def blog_embeddings(vocab_size: int, dim: int, seed: int) -> np.ndarray:
    return attention.random_embeddings(vocab_size, dim, rng_for(seed, Use.BLOG_EMBEDDINGS))


def blog_result(ctx: ViewContext) -> attention.BlogMethodResult:
    embeddings = blog_embeddings(len(ctx.vocabulary), ctx.dim, ctx.seed)
    return attention.blog_method(
        embeddings, ctx.vocabulary, ctx.context, temperature=ctx.temperature, faithful=ctx.faithful
    )


def render(ctx: ViewContext) -> None:
    st.subheader(_("The blog's method: a toy"))
    st.markdown(
        _(
            "The lab starts from the blog post *{post}*. Its method averages the context's **random** word vectors "
            "into one query and scores every vocabulary word against it. It is not self-attention: no queries, keys "
            "and values, no learned weights, no word looking at another, so its predictions are noise."
        ).format(post=POST)
    )
    result = blog_result(ctx)
    chart_col, side_col = st.columns([3, 2], gap="large")
    with chart_col:
        next_word_panel(ctx, result, _("score s"), ctx.title_line(_(METHOD)))
    with side_col:
        sampled_word(ctx, result, Use.BLOG_SAMPLE)
    note = _(
        "k = {k} context words, d_e = {d_e}, τ = {tau}, and v runs over all {n} words of the vocabulary. The "
        "sidebar's Blog-faithful switch puts its bugs back."
    ).format(k=count(ctx.window), d_e=count(ctx.dim), tau=f"{ctx.temperature:g}", n=count(len(ctx.vocabulary)))
    show_formulas(attention.QUERY_FORMULA, attention.PROBABILITY_FORMULAS[ctx.faithful], note=note)
    numbers_table(ctx, result)
    bugs(ctx)
    show_code(attention.blog.post.attention_scores, attention.blog.post.next_word_probabilities, attention.blog_method)


def numbers_table(ctx: ViewContext, result: attention.BlogMethodResult) -> None:
    with st.expander(_("The numbers behind the chart"), key="numbers_open", on_change="rerun") as box:
        if not box.open:
            return
        shown_words = ", ".join(attention.as_code_span(w, max_chars=40) for w in ctx.context[:12])
        shown_words += " …" if len(ctx.context) > 12 else ""
        st.markdown(_("The query q is the mean of the context words' embeddings: {words}").format(words=shown_words))
        st.dataframe({"q": np.round(result.query, 4)}, width="content")
        shown = result.top_k(ctx.top_k)
        st.dataframe(
            {
                _("word"): [result.words[i] for i in shown],
                "E[v]·q": np.round(result.dot_products[shown], 4),
                "s = E[v]·q / √d_e": np.round(result.scores[shown], 4),
                "p(v)": np.round(result.probabilities[shown], 4),
            },
            hide_index=True,
        )


def bugs(ctx: ViewContext) -> None:
    """The double exponential, measured: the same context through the formula as written and corrected."""
    embeddings = blog_embeddings(len(ctx.vocabulary), ctx.dim, ctx.seed)
    comparison = analysis.blog_vs_corrected(embeddings, ctx.vocabulary, ctx.context, ctx.temperature)
    st.markdown(_("**Its main bug: a double exponential.** The post applies softmax to exp(s), not to s."))
    st.caption(plain(comparison.description))
    args = (comparison.blog, comparison.corrected)
    chart = partial(charts.comparison_chart, *args, top_k=ctx.top_k, **labels())
    show_chart(chart)
    export_row(chart, charts.comparison_frame(*args, top_k=ctx.top_k, **labels()), "blog-vs-corrected",
               "-".join(ctx.context[-3:]), title_line=ctx.title_line(_("the blog's formula vs corrected")))  # fmt: skip
    left, right = st.columns(2)
    left.markdown(_("**As in the blog** (double exponential)"))
    left.latex(attention.PROBABILITY_FORMULAS[True])
    right.markdown(_("**Corrected**"))
    right.latex(attention.PROBABILITY_FORMULAS[False])
    st.caption(
        _(
            "Its other bugs (the README lists them): the sampled index is looked up in the wrong list, softmax "
            "changes its input, randomness is global, and two arguments are never used."
        )
    )
