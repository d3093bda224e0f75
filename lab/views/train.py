"""Train: the model's settings, the Train button, live progress, and the scores against counting."""

from __future__ import annotations

import dataclasses
from functools import partial

import streamlit as st

import attention
from attention import charts, limits

from ..controls import training_controls
from ..render import export_row, plain, show_chart
from ..state import ViewContext, training_settings
from ..training import existing_job, trained_model


def render(ctx: ViewContext) -> None:
    st.subheader("Train a tiny self-attention model on this text")
    st.caption(
        "One layer of causal self-attention, trained with Adam on the text itself. The last 10% of the "
        "text is held out to check the model on words it never trained on, and to stop training in time. "
        f"Training stops after at most {limits.TRAIN_TIME_BUDGET_S:g} s, keeping the best weights so far."
    )
    training_controls()
    ctx = dataclasses.replace(ctx, training=training_settings())  # this view's own widgets may have changed them
    pressed = st.button("Train", type="primary", key="train", help="Train now (a few seconds on the examples).")
    if not pressed and existing_job(ctx) is None:
        st.info("Press **Train** to train on the text above. Every view that needs the model also trains it.")
        return
    model = trained_model(ctx)
    if model is not None:
        summary(model)


def summary(model: attention.TrainedModel) -> None:
    chart = partial(charts.loss_curve_chart, model.history)
    show_chart(chart)
    st.caption(plain(charts.summarize_loss_curve(model.history)))
    export_row(chart, charts.loss_history_frame(model.history), "loss-curve", "")
    st.markdown(
        f"Trained {model.steps:,} steps in {model.seconds:.1f} s; stopped: {model.stopped_because}; "
        f"kept the weights of step {model.best_step:,} (lowest held-out loss). "
        f"Vocabulary: {len(model.vocabulary):,} words."
    )
    evaluation = model.evaluation
    if evaluation is None:
        st.info("No held-out words to score (the text is too short to hold some out).")
        return
    methods = {
        "self-attention model": evaluation.model,
        "word pairs (bigram)": evaluation.bigram,
        "word frequency (unigram)": evaluation.unigram,
    }
    st.dataframe(
        {
            "method": list(methods),
            "perplexity (lower is better)": [round(m.perplexity, 2) for m in methods.values()],
            "top-1 accuracy": [f"{m.accuracy:.0%}" for m in methods.values()],
        },
        hide_index=True,
    )
    st.caption(
        f"Scored on the {evaluation.n_targets:,} held-out next words ({evaluation.unknown_fraction:.0%} of them "
        "unseen in training). Perplexity: as unsure as a fair die with that many sides."
    )
