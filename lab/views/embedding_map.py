"""Embedding map: the words as points, random (the blog) beside trained."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from attention import charts
from attention.i18n import N_, _
from attention.teaching import analysis
from attention.tokens.words import words_by_frequency

from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext
from .blog import blog_embeddings


@st.cache_data(max_entries=32, show_spinner=False)
def frequent_words(tokens: tuple[str, ...]) -> list[str]:
    return words_by_frequency(tokens)


def render(ctx: ViewContext) -> None:
    st.subheader(_("Embedding map: words as points"))
    st.caption(_("Each word's vector, flattened to 2-D by principal component analysis; context words in orange."))
    frequent = frequent_words(ctx.tokens)
    left, right = st.columns(2)
    with left:
        rows, words = analysis.embedding_rows(blog_embeddings(len(ctx.vocabulary), ctx.dim, ctx.seed),
                                              ctx.vocabulary, frequent)  # fmt: skip
        word_map(ctx, rows, words, "random (the blog)", N_("random (the blog)"))
    with right:
        model = trained_model(ctx)
        if model is not None:
            known = [word for word in frequent if model.knows(word)]
            if not known:
                st.info(_("The model knows none of this prompt's words (it reads them all as <unk>), so its map "
                          "shows the first words of its own vocabulary."))  # fmt: skip
                known = list(model.vocabulary.words[:100])
            rows, words = analysis.embedding_rows(model.parameters["E"], model.vocabulary, known)
            word_map(ctx, rows, words, "trained", N_("trained"))
    show_code(analysis.pca_2d)


def word_map(ctx: ViewContext, rows: np.ndarray, words: list[str], kind: str, title: str) -> None:
    """The map of `rows` under `title` (an N_ msgid); `kind` names its downloads, the same in every language."""
    points = analysis.pca_2d(rows).points
    chart = partial(charts.embedding_map_chart, points, words, highlight=ctx.context, title=_(title))
    show_chart(chart)
    st.caption(plain(charts.summarize_embedding_map(points, words, highlight=ctx.context)))
    export_row(chart, charts.embedding_map_frame(points, words, highlight=ctx.context), f"embedding-map-{kind}",
               ctx.label, title_line=ctx.title_line(_("embedding map, {title}").format(title=_(title))))  # fmt: skip
