"""Generate: continue the text word by word, and look inside any generated word."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import charts
from attention.core import generation
from attention.core.steps import ATTENTION_PATH
from attention.core.streams import Use, rng_for
from attention.i18n import _

from .. import controls
from ..controls import widget
from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext, value
from .attention_map import heatmaps
from .predict import sample_again


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    st.subheader(_("Continue the text"))
    left, right = st.columns(2)
    n_words, top_k = widget("gen_words", left), widget("gen_top_k", right)
    steps = generation.generate(
        model.next_word_distribution, ctx.context, n_words,
        rng=rng_for(ctx.seed, Use.GENERATE, value("draw")), temperature=ctx.temperature,
        top_k=top_k or None, context_window=model.context_window,
    )  # fmt: skip
    generated = [step.word for step in steps]
    context = attention.as_code_span(" ".join(ctx.context[-model.context_window :]), max_chars=400)
    st.markdown(_("**Context** {words}").format(words=context))
    st.markdown(_("**Generated** {words}").format(words=attention.as_code_span(" ".join(generated), max_chars=800)))
    st.caption(
        _("Seed {seed}, temperature {tau}; Sample again draws anew.").format(seed=ctx.seed, tau=f"{ctx.temperature:g}")
    )
    st.button(_("Sample again"), key="generate_again", on_click=sample_again)
    first = ctx.position + 2  # the first generated word's text position (1-based)
    chosen = st.selectbox(
        _("Look at one generated word"), range(len(steps)),
        format_func=lambda i: f"{first + i}: {generated[i]}", key="gen_pick", persist_state="session",
    )  # fmt: skip
    chosen = min(controls.chosen(chosen, range(len(steps))), len(steps) - 1)
    step = steps[chosen]
    chart = partial(charts.next_word_chart, step.distribution, top_k=ctx.top_k, true_next=step.word,
                    score_title=_("logit z"), highlight_label=_("the word it chose"))  # fmt: skip
    show_chart(chart)
    st.caption(plain(charts.summarize_distribution(step.distribution)))
    title_line = ctx.title_line(_("generated word {n}, seed {seed}").format(n=first + chosen, seed=ctx.seed))
    export_row(chart, partial(charts.next_word_frame, step.distribution, top_k=ctx.top_k, true_next=step.word),
               "generated-word", f"{first + chosen}-{step.word}", title_line=title_line)  # fmt: skip
    _ids, words = model.context_ids(step.context)
    positions = list(range(first + chosen - len(words), first + chosen))  # the words it saw end just before
    st.markdown(_("**Attention while predicting it**"))
    heatmaps(ctx, model.attention_weights(list(step.context)), list(words), positions, title_line=title_line)
    top_k = [generation.top_k_filter] if st.session_state.gen_top_k else []  # shown only when it ran
    show_code(generation.generate, *top_k, attention.TrainedModel.next_word_distribution, *ATTENTION_PATH)
