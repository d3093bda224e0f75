"""Step by step: every number of the trained model's forward pass for the chosen word, beside its formula."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import attention
from attention import analysis, formulas
from attention.predict import distribution_from_logits

from ..render import show_code
from ..state import ViewContext
from ..training import trained_model

MATRICES = ("X", "Q", "K", "V", "scores", "scaled_scores", "mask", "weights", "head_outputs", "projected", "residual")
PER_HEAD = {"Q", "K", "V", "scores", "scaled_scores", "weights", "head_outputs"}
WORD_COLUMNS = {"scores", "scaled_scores", "mask", "weights"}  # one column per word looked at


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    steps = model.forward_steps(ctx.context)
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    labels = [f"{p}: {w}" for p, w in zip(positions, words, strict=True)]
    h = 0
    if len(steps.Q) > 1:
        h = st.radio("Head", range(len(steps.Q)), format_func=lambda i: f"head {i + 1}", horizontal=True,
                     key="head", persist_state="session")  # fmt: skip
    st.subheader(f"Every number for predicting the word after token {ctx.position + 1}")
    st.caption(
        f"d = {steps.X.shape[1]}, d_k = {steps.Q.shape[-1]}, {len(steps.Q)} head(s); values rounded to 3 decimals."
    )
    for name in MATRICES:
        matrix = getattr(steps, name)
        if name == "mask":
            matrix = np.where(matrix, 0.0, -np.inf)
        elif name in PER_HEAD:
            matrix = matrix[h]
        latex, why = formulas.MODEL_STEPS[name]
        st.markdown(f"**{name.replace('_', ' ')}**: {why}")
        st.latex(latex)
        st.dataframe(matrix_frame(matrix, labels, labels if name in WORD_COLUMNS else None), key=f"step_{name}")
    output_table(ctx, model, steps)
    show_code(attention.steps.forward_steps, attention.scaled_dot_product_attention)


def output_table(ctx: ViewContext, model: attention.TrainedModel, steps: attention.ForwardSteps) -> None:
    output = distribution_from_logits(model.vocabulary.words, steps.logits, temperature=ctx.temperature)
    top = output.top_k(ctx.top_k)
    for name in ("logits", "probabilities"):
        latex, why = formulas.MODEL_STEPS[name]
        st.markdown(f"**{name}**: {why} (top {len(top)} shown)")
        st.latex(latex)
    st.dataframe(
        {
            "word": [output.words[i] for i in top],
            "logit z": np.round(output.scores[top], 3),
            "p": np.round(output.probabilities[top], 4),
        },
        hide_index=True,
        key="step_output",
    )


def matrix_frame(matrix: np.ndarray, rows: list[str], columns: list[str] | None) -> pd.DataFrame:
    columns = columns or [f"{j + 1}" for j in range(matrix.shape[1])]
    return pd.DataFrame(np.round(matrix, 3), index=rows, columns=columns)
