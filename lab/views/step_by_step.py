"""Step by step: every matrix of the trained model's forward pass for the chosen word, as a small picture
beside its formula (the chosen word's row outlined), with every number on hover and in one expander."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

import attention
from attention import analysis, charts, formulas
from attention.predict import distribution_from_logits

from ..render import show_chart, show_code
from ..state import ViewContext
from ..training import trained_model

MATRICES = ("X", "Q", "K", "V", "scores", "scaled_scores", "mask", "weights", "head_outputs", "projected", "residual")
PER_HEAD = {"Q", "K", "V", "scores", "scaled_scores", "weights", "head_outputs"}
WORD_COLUMNS = {"scores", "scaled_scores", "mask", "weights"}  # one column per word looked at


def matrices(steps: attention.ForwardSteps, head: int) -> dict[str, np.ndarray]:
    """Each step's matrix as shown: one head's where the step is per head; the mask as 0 / -inf."""
    shown = {}
    for name in MATRICES:
        matrix = getattr(steps, name)
        if name == "mask":
            matrix = np.where(matrix, 0.0, -np.inf)
        elif name in PER_HEAD:
            matrix = matrix[head]
        shown[name] = matrix
    return shown


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    steps = model.forward_steps(ctx.context)
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    labels = charts.position_labels(words, positions)
    head = 0
    if len(steps.Q) > 1:
        head = st.radio("Head", range(len(steps.Q)), format_func=lambda i: f"head {i + 1}", horizontal=True,
                        key="head", persist_state="session")  # fmt: skip
    st.subheader(f"Every number for predicting the word after word {ctx.position + 1}")
    st.caption(
        f"d = {steps.X.shape[1]}, d_k = {steps.Q.shape[-1]}, n_h = {len(steps.Q)}; the chosen word's row is "
        "outlined. Hover a cell for its value, or open the numbers below."
    )
    shown = matrices(steps, head)
    for name, matrix in shown.items():
        picture(name, matrix, labels)
    output = distribution_from_logits(model.vocabulary.words, steps.logits, temperature=ctx.temperature)
    for name in ("logits", "probabilities"):
        latex, why = formulas.MODEL_STEPS[name]
        st.markdown(f"**{name}**: {why}")
        st.latex(latex)
    show_chart(partial(charts.next_word_chart, output, top_k=ctx.top_k, true_next=ctx.true_next, score_title="logit z"))
    numbers(shown, labels, output, ctx.top_k)
    show_code(attention.steps.forward_steps, attention.scaled_dot_product_attention)


def picture(name: str, matrix: np.ndarray, labels: list[str]) -> None:
    """The step's formula and what it does, and beside it the matrix as a small heatmap."""
    latex, why = formulas.MODEL_STEPS[name]
    formula, image = st.columns([2, 3], vertical_alignment="center")
    formula.markdown(f"**{name.replace('_', ' ')}**: {why}")
    formula.latex(latex)
    columns = labels if name in WORD_COLUMNS else None
    with image:
        show_chart(partial(charts.matrix_chart, matrix, labels, column_labels=columns,
                           column_title="word looked at" if columns else "dimension"), width="content")  # fmt: skip


def numbers(shown: dict[str, np.ndarray], labels: list[str], output, top_k: int) -> None:
    """Every matrix as a table (rounded to 3 decimals), built only when opened."""
    with st.expander("The numbers", key="step_numbers", on_change="rerun") as box:
        if not box.open:
            return
        for name, matrix in shown.items():
            st.markdown(f"**{name.replace('_', ' ')}**")
            st.dataframe(matrix_table(matrix, labels, labels if name in WORD_COLUMNS else None), key=f"step_{name}")
        top = output.top_k(top_k)
        st.dataframe({"word": [output.words[i] for i in top], "logit z": np.round(output.scores[top], 3),
                      "p": np.round(output.probabilities[top], 4)}, hide_index=True, key="step_output")  # fmt: skip


def matrix_table(matrix: np.ndarray, rows: list[str], columns: list[str] | None) -> pd.DataFrame:
    columns = columns or [f"{j + 1}" for j in range(matrix.shape[1])]
    return pd.DataFrame(np.round(matrix, 3), index=rows, columns=columns)
