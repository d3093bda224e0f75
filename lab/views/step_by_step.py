"""Step by step: every matrix of the trained model's forward pass for the chosen word, as a small picture
beside its formula (the chosen word's row outlined), with every number on hover and in one expander."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

import attention
from attention import charts
from attention.core import steps as steps_module
from attention.core.predict import distribution_from_logits
from attention.i18n import N_, _
from attention.teaching import analysis, formulas

from ..controls import one_of
from ..models import trained_model
from ..render import show_chart, show_code
from ..state import ViewContext

MATRICES = ("X", "Q", "K", "V", "scores", "scaled_scores", "mask", "weights", "head_outputs", "projected", "residual")
PER_HEAD = {"Q", "K", "V", "scores", "scaled_scores", "weights", "head_outputs"}
PER_ROW = 2
"""Pictures side by side: two to a row (three overflow a 1280 px column with d = 32; four clip the formulas)."""
NARROW_PER_ROW = 3
"""Pictures with one column per word looked at, in a short context: three fit a row."""
NARROW_WORDS = 6
"""Contexts of at most this many words make narrow word-by-word pictures."""
WORD_COLUMNS = {"scores", "scaled_scores", "mask", "weights"}  # one column per word looked at
STEP_NAMES = {
    "scores": N_("scores"),
    "scaled_scores": N_("scaled scores"),
    "mask": N_("mask"),
    "weights": N_("weights"),
    "head_outputs": N_("head outputs"),
    "projected": N_("projected"),
    "residual": N_("residual"),
    "input": N_("input"),
    "normalized": N_("normalized"),
    "attended": N_("attended"),
    "mlp_normalized": N_("mlp normalized"),
    "mlp_hidden": N_("mlp hidden"),
    "mlp_output": N_("mlp output"),
}
"""A step's field -> its name on screen (an N_ msgid); the matrices' symbols (X, Q, K, V) are shown as they are."""


Step = tuple[str, str, str, np.ndarray]  # name, LaTeX, why, the matrix shown


def plain_steps(steps: attention.ForwardSteps, head: int) -> list[Step]:
    """(name, LaTeX, why, matrix) for the one-layer model: one head's matrix where the step is per head,
    the mask as 0 / -inf."""
    shown = []
    for name in MATRICES:
        matrix = getattr(steps, name)
        if name == "mask":
            matrix = np.where(matrix, 0.0, -np.inf)
        elif name in PER_HEAD:
            matrix = matrix[head]
        latex, why = formulas.MODEL_STEPS[name]
        shown.append((name, latex, _(why), matrix))
    return shown


def layer_steps(
    steps: attention.ForwardSteps, settings, layer: int, head: int
) -> list[tuple[str, str, str, np.ndarray]]:
    """The same for layer `layer` (0-based) of a deeper model, formulas from formulas.layer_formulas."""
    rows = formulas.layer_formulas(layer + 1, layers=settings.layers, mlp=settings.mlp, layernorm=settings.layernorm)
    found = steps.layers[layer]
    return [(name, latex, why, getattr(found, name)[head] if name in PER_HEAD else getattr(found, name))
            for name, latex, why in rows]  # fmt: skip


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    steps = model.forward_steps(ctx.context)
    words, positions = analysis.seen_context(model.context_ids, ctx.context, ctx.position)
    labels = charts.position_labels(words, positions)
    plain = model.layers == 1 and not model.settings.mlp and not model.settings.layernorm
    layer, head = (
        one_of(_("Layer"), _("layer {number}"), model.layers, "layer"),
        one_of(_("Head"), _("head {number}"), len(steps.Q), "head"),
    )
    st.subheader(_("Every number for predicting the word after word {n}").format(n=ctx.position + 1))
    st.caption(
        _(
            "d = {d}, d_k = {d_k}, n_h = {n_h}, L = {layers}; the chosen word's row is outlined. Hover a cell for its "
            "value, or open the numbers below."
        ).format(d=steps.X.shape[1], d_k=steps.Q.shape[-1], n_h=len(steps.Q), layers=model.layers)
    )
    shown = plain_steps(steps, head) if plain else layer_steps(steps, model.settings, layer, head)
    for row in grid_rows(shown, narrow=len(labels) <= NARROW_WORDS):
        for column, (name, latex, why, matrix) in zip(st.columns(len(row), gap="medium"), row, strict=True):
            with column:
                picture(name, latex, why, matrix, labels)
    output = distribution_from_logits(model.vocabulary.words, steps.logits, temperature=ctx.temperature)
    final = [formulas.MODEL_STEPS["logits"]] if plain else [formulas.final_formula(layernorm=model.settings.layernorm)]
    said, chart = st.columns([2, 3], gap="large")
    for latex, intuition in [*final, formulas.MODEL_STEPS["probabilities"]]:
        why = _(intuition)
        said.markdown(why[0].upper() + why[1:])
        said.latex(latex)
    with chart:
        show_chart(partial(charts.next_word_chart, output, top_k=ctx.top_k, true_next=ctx.true_next,
                           score_title=_("logit z")))  # fmt: skip
    numbers({name: matrix for name, *_formulas, matrix in shown}, labels, output, ctx.top_k)
    show_code(steps_module.forward_steps, *steps_module.ATTENTION_PATH)


def grid_rows(shown: list[Step], *, narrow: bool) -> list[list[Step]]:
    """The steps in rows, in order, so the whole computation fits two laptop screens: PER_ROW to a row, or
    NARROW_PER_ROW while every picture in the row has one column per word of a short (`narrow`) context."""
    rows: list[list[Step]] = [[]]
    for step in shown:
        candidate = [*rows[-1], step]
        narrow_row = narrow and WORD_COLUMNS.issuperset(name for name, *_rest in candidate)
        if len(candidate) <= (NARROW_PER_ROW if narrow_row else PER_ROW):
            rows[-1] = candidate
        else:
            rows.append([step])
    return [row for row in rows if row]


def picture(name: str, latex: str, why: str, matrix: np.ndarray, labels: list[str]) -> None:
    """The step's name, its formula and what it does on one line, and under them the matrix as a small heatmap
    (the formula inline, not a display block: eleven display blocks made the view three screens tall)."""
    st.markdown(_("**{name}**: ${latex}$, {why}").format(name=step_name(name), latex=latex, why=why))
    columns = labels if name in WORD_COLUMNS else None
    if matrix.size > charts.MAX_MATRIX_CELLS:
        too_many = _("{rows} × {columns} numbers: too many to draw; open the numbers below.")
        st.caption(too_many.format(rows=matrix.shape[0], columns=matrix.shape[1]))
        return
    show_chart(partial(charts.matrix_chart, matrix, labels, column_labels=columns,
                       column_title=_("word looked at") if columns else _("dimension")), width="content")  # fmt: skip


def step_name(name: str) -> str:
    """A step's name on screen: 'scaled scores' for scaled_scores, in the page's language."""
    return _(STEP_NAMES[name]) if name in STEP_NAMES else name.replace("_", " ")


def numbers(shown: dict[str, np.ndarray], labels: list[str], output, top_k: int) -> None:
    """Every matrix as a table (rounded to 3 decimals), built only when opened."""
    with st.expander(_("The numbers"), key="step_numbers", on_change="rerun") as box:
        if not box.open:
            return
        for name, matrix in shown.items():
            st.markdown(f"**{step_name(name)}**")
            st.dataframe(matrix_table(matrix, labels, labels if name in WORD_COLUMNS else None), key=f"step_{name}")
        top = output.top_k(top_k)
        st.dataframe({_("word"): [output.words[i] for i in top], _("logit z"): np.round(output.scores[top], 3),
                      "p": np.round(output.probabilities[top], 4)}, hide_index=True, key="step_output")  # fmt: skip


def matrix_table(matrix: np.ndarray, rows: list[str], columns: list[str] | None) -> pd.DataFrame:
    columns = columns or [f"{j + 1}" for j in range(matrix.shape[1])]
    return pd.DataFrame(np.round(matrix, 3), index=rows, columns=columns)
