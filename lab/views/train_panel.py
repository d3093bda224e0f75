"""Train: the model's settings, the Train button, live progress, and the scores against counting."""

from __future__ import annotations

import dataclasses
from functools import partial

import pandas as pd
import streamlit as st

import attention
from attention import charts, limits
from attention.i18n import _, count, decimal, ngettext, percent
from attention.teaching import report

from ..controls import training_controls
from ..models import trained_model
from ..render import export_row, plain, show_chart
from ..state import ViewContext, training_settings, training_text, value


def render(ctx: ViewContext) -> None:
    st.subheader(_("Train a tiny self-attention model"))
    st.caption(
        _(
            "Causal self-attention, one layer unless you choose more below, trained with AdamW on the text it "
            "reads (chosen here; the prompt box is what the other views ask it about). That text is cut into three "
            "parts: the first 80% trains the model, the next 10% chooses when to stop (the weights kept), and the "
            "last 10% is the test: the scores below come from it alone. Training is limited by steps, so the same "
            "text, settings and seed give the same numbers on this machine; only a safety clock, after "
            "{seconds} s, can cut it short, and then the panel says so."
        ).format(seconds=f"{limits.TRAIN_TIME_BUDGET_S:g}")
    )
    training_controls()
    # this view's own widgets (what the model reads, an upload, the settings) may have changed them
    ctx = dataclasses.replace(
        ctx, training=training_settings(), training_text=training_text(ctx.text), training_source=value("reads")
    )
    pressed = st.button(_("Train"), type="primary", key="train", help=_("Train now (a few seconds on the examples)."))
    model = trained_model(ctx, train=pressed, wait_for_train=True)
    if model is not None:
        summary(model, len(ctx.training_text.split()))


def summary(model: attention.TrainedModel, n_words: int) -> None:
    chart = partial(charts.loss_curve_chart, model.history)
    show_chart(chart)
    st.caption(plain(charts.summarize_loss_curve(model.history)))
    export_row(chart, charts.loss_history_frame(model.history), "loss-curve", "",
               title_line=_("loss curve · {steps} steps · seed {seed}").format(steps=count(model.steps),
                                                                                seed=model.settings.seed))  # fmt: skip
    trained = ngettext(
        "Trained {steps} step in {seconds} s; stopped: {reason}; kept the weights of step {best} (lowest validation "
        "loss).",
        "Trained {steps} steps in {seconds} s; stopped: {reason}; kept the weights of step {best} (lowest validation "
        "loss).",
        model.steps,
    ).format(steps=count(model.steps), seconds=decimal(model.seconds, 1), reason=_(model.stopped_because),
             best=count(model.best_step))  # fmt: skip
    size = len(model.vocabulary)
    vocabulary = ngettext("Vocabulary: {n} word.", "Vocabulary: {n} words.", size).format(n=count(size))
    st.markdown(_("{first} {second}").format(first=trained, second=vocabulary))
    if notice := report.safety_clock_notice(model):
        st.warning(notice)
    if model.evaluation is None:
        st.info(_("No test words to score (the text is too short to set some aside)."))
        return
    scores(model.evaluation, n_words)


def scores(evaluation, n_words: int) -> None:
    """The score table (model first, the strongest counter marked), the verdict, how the model fared on real prose
    of about the training text's `n_words`, and what the test part is."""
    rows = report.score_rows(evaluation)
    method = _("method")
    columns = {  # header -> (the numbers, how a cell shows them in the active language)
        _("perplexity, all test words"): ([row.perplexity for row in rows], partial(decimal, digits=2)),
        _("perplexity, known words"): ([row.known_perplexity for row in rows], partial(decimal, digits=2)),
        _("top-1 accuracy"): ([row.accuracy for row in rows], partial(percent, digits=0)),
        _("bits per character"): ([row.bits_per_char for row in rows], partial(decimal, digits=3)),
        _("perplexity per word"): ([row.word_perplexity for row in rows], partial(decimal, digits=1)),
    }
    names = [
        _("{method} (strongest counter)").format(method=row.method) if row.is_strongest_baseline else row.method
        for row in rows
    ]
    frame = pd.DataFrame({method: names} | {header: numbers for header, (numbers, _shown) in columns.items()})
    shown = {method: plain} | {header: show for header, (_numbers, show) in columns.items()}
    # A static table wraps its headers and names to the page's width (a data grid's columns ran past 1440 px);
    # its cells are Markdown, so the names are escaped, and the numbers keep their values for a reader.
    st.table(frame.style.format(shown), hide_index=True)
    st.markdown(plain(report.verdict(evaluation)))
    st.caption(plain(report.regime_sentence(n_words)))
    if overlap := report.overlap_sentence(evaluation):
        st.caption(plain(overlap))
    st.caption(plain(report.scored_on_sentence(evaluation)))
