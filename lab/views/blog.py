"""Blog vs corrected: the same context through the blog's formula as written and corrected."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import analysis, charts

from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from .predict import blog_embeddings

LABELS = {"before_label": "as in the blog", "after_label": "corrected"}


def render(ctx: ViewContext) -> None:
    embeddings = blog_embeddings(len(ctx.vocabulary), ctx.dim, ctx.seed)
    comparison = analysis.blog_vs_corrected(embeddings, ctx.vocabulary, ctx.context, ctx.temperature)
    st.subheader("The blog's method as written vs corrected")
    st.caption(plain(comparison.description))
    args = (comparison.blog, comparison.corrected)
    chart = partial(charts.comparison_chart, *args, top_k=ctx.top_k, **LABELS)
    show_chart(chart)
    export_row(chart, charts.comparison_frame(*args, top_k=ctx.top_k, **LABELS), "blog-vs-corrected",
               "-".join(ctx.context[-3:]))  # fmt: skip
    left, right = st.columns(2)
    left.markdown("**As in the blog** (double exponential)")
    left.latex(attention.PROBABILITY_FORMULAS[True])
    right.markdown("**Corrected**")
    right.latex(attention.PROBABILITY_FORMULAS[False])
    show_code(analysis.blog_vs_corrected, attention.seed.next_word_probabilities)
