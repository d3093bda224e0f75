"""The formulas the app shows (with st.latex), each beside the name of the code that computes it.

tests/test_formulas.py recomputes every step from the formula as written here and compares it with
the numbers `attention.core.steps.forward_steps` returns (the forward pass training runs), so the page
cannot drift from the code.
Symbols follow `attention.teaching.notation` (τ temperature, k context window, n_h heads, d_k head size);
tests/test_notation.py checks that no symbol here means two things.
"""

from __future__ import annotations

from ..i18n import N_, _

MODEL_STEPS: dict[str, tuple[str, str]] = {
    "X": (r"X = E[w] + P", N_("word vector plus position vector (P = 0 with positions 'none')")),
    "Q": (r"Q_h = X\,W^Q_h", N_("what each word is looking for")),
    "K": (r"K_h = X\,W^K_h", N_("what each word offers to be found by")),
    "V": (r"V_h = X\,W^V_h", N_("what each word passes on when it is looked at")),
    "scores": (r"S_h = Q_h K_h^\top", N_("each query's dot product with each key")),
    "scaled_scores": (r"S_h / \sqrt{d_k}", N_("so the spread does not grow with d_k")),
    "mask": (r"M_{ij} = 0 \text{ if } j \le i \text{, else } -\infty", N_("no word may look ahead")),
    "weights": (r"A_h = \operatorname{softmax}\!\left(S_h/\sqrt{d_k} + M\right)", N_("each row sums to 1")),
    "head_outputs": (r"O_h = A_h V_h", N_("each word's mix of the values")),
    "projected": (r"\operatorname{concat}(O_1,\dots,O_{n_h})\,W^O", N_("the heads joined, mixed by W^O")),
    "residual": (r"H = X + \operatorname{concat}(O_1,\dots,O_{n_h})\,W^O", N_("the residual connection keeps X")),
    "logits": (r"z = H_t\,W_{\text{out}} + b", N_("a score per vocabulary word, from the last position t")),
    "probabilities": (r"p = \operatorname{softmax}(z / \tau)", N_("the next-word distribution at temperature τ")),
}
"""ForwardSteps field -> (LaTeX, one line of intuition: a msgid, shown as `_(why)`)."""

MODEL_SUMMARY = (
    r"p(\cdot \mid w_{t-k+1..t}) = \operatorname{softmax}\!\Big(\big(X + \operatorname{concat}_h"
    r"\big(\operatorname{softmax}(Q_h K_h^\top/\sqrt{d_k} + M)\,V_h\big)W^O\big)_t W_{\text{out}} + b\Big)"
)
"""The trained model in one line, as `model.forward` computes it (temperature τ = 1)."""

LAYER_STEPS: dict[str, tuple[str, str]] = {
    "input": (r"H^{(\ell-1)}", N_("the residual stream coming in: X for the first layer, the last layer's H after it")),
    "normalized": (
        r"U^{(\ell)} = \operatorname{LN}^{(\ell)}_1\!\big(H^{(\ell-1)}\big)",
        N_("each word's vector rescaled to mean 0 and spread 1, then by a learned gain and bias"),
    ),
    "Q": (r"Q^{(\ell)}_h = ⟨U⟩ W^{Q(\ell)}_h", N_("what each word is looking for in this layer")),
    "K": (r"K^{(\ell)}_h = ⟨U⟩ W^{K(\ell)}_h", N_("what each word offers to be found by")),
    "V": (r"V^{(\ell)}_h = ⟨U⟩ W^{V(\ell)}_h", N_("what each word passes on when it is looked at")),
    "scores": (r"S^{(\ell)}_h = Q^{(\ell)}_h K^{(\ell)\top}_h", N_("how well each query matches each key")),
    "scaled_scores": (r"S^{(\ell)}_h / \sqrt{d_k}", N_("scaled so the spread does not grow with d_k")),
    "weights": (
        r"A^{(\ell)}_h = \operatorname{softmax}\!\big(S^{(\ell)}_h/\sqrt{d_k} + M\big)",
        N_("each row sums to 1; M hides the future"),
    ),
    "head_outputs": (r"O^{(\ell)}_h = A^{(\ell)}_h V^{(\ell)}_h", N_("each word's mix of the values it attends to")),
    "projected": (
        r"\operatorname{concat}\big(O^{(\ell)}_1,\dots,O^{(\ell)}_{n_h}\big)\,W^{O(\ell)}",
        N_("heads side by side, mixed by this layer's W^O"),
    ),
    "attended": (
        r"H'^{(\ell)} = H^{(\ell-1)} + \operatorname{concat}\big(O^{(\ell)}_1,\dots,O^{(\ell)}_{n_h}\big)\,W^{O(\ell)}",
        N_("the residual connection: attention adds to the stream, it does not replace it"),
    ),
    "mlp_normalized": (
        r"\operatorname{LN}^{(\ell)}_2\!\big(H'^{(\ell)}\big)",
        N_("normalised again before the MLP"),
    ),
    "mlp_hidden": (
        r"G^{(\ell)} = \operatorname{GELU}\!\big(⟨U2⟩\,W^{(\ell)}_1 + b^{(\ell)}_1\big)",
        N_("each word on its own through a layer 4d wide; GELU is a smooth ReLU"),
    ),
    "mlp_output": (r"G^{(\ell)} W^{(\ell)}_2 + b^{(\ell)}_2", N_("back down to d numbers per word")),
    "residual": (
        r"H^{(\ell)} = H'^{(\ell)} + G^{(\ell)} W^{(\ell)}_2 + b^{(\ell)}_2",
        N_("the stream after layer ℓ: what the next layer (or the output) reads"),
    ),
}
"""LayerSteps field -> (LaTeX with ℓ, one line of intuition). ⟨U⟩ and ⟨U2⟩ stand for what the attention
and the MLP read: U^(ℓ) and LN_2(H'^(ℓ)) with LayerNorm, H^(ℓ-1) and H'^(ℓ) without. Without the MLP block,
H^(ℓ) = H'^(ℓ). `layer_formulas` fills these in, writes ℓ as the layer's number and drops what is off."""

BLOCK_INPUTS = {
    True: {"⟨U⟩": r"U^{(\ell)}", "⟨U2⟩": r"\operatorname{LN}^{(\ell)}_2(H'^{(\ell)})"},  # with LayerNorm
    False: {"⟨U⟩": r"H^{(\ell-1)}", "⟨U2⟩": r"H'^{(\ell)}"},
}

FINAL_STEP = (
    r"z = \operatorname{LN}_f\!\big(H^{(L)}\big)_t\,W_{\text{out}} + b",
    N_("a score per vocabulary word, from the last layer's stream at the last position t"),
)


def layer_rows(*, mlp: bool, layernorm: bool) -> list[tuple[str, str, str]]:
    """(LayerSteps field, LaTeX with ℓ, intuition) of one layer of a model with these settings, in the order
    the code computes them: LAYER_STEPS without what is off, ⟨U⟩ and ⟨U2⟩ filled in; the intuition in the page's
    language (a translation keeps the ℓ, which `layer_formulas` writes as the layer's number)."""
    rows = []
    for field, (latex, why) in LAYER_STEPS.items():
        if (field == "normalized" and not layernorm) or (field == "mlp_normalized" and not (mlp and layernorm)):
            continue
        if field in ("mlp_hidden", "mlp_output") and not mlp:
            continue
        if field == "residual" and not mlp:
            latex, why = r"H^{(\ell)} = H'^{(\ell)}", N_("the stream after layer ℓ (no MLP block)")
        for placeholder, symbol in BLOCK_INPUTS[layernorm].items():
            latex = latex.replace(placeholder, symbol)
        rows.append((field, latex, _(why)))
    return rows


def layer_formulas(layer: int, *, layers: int, mlp: bool, layernorm: bool) -> list[tuple[str, str, str]]:
    """(LayerSteps field, LaTeX, intuition) for layer `layer` (1-based) of a model with these settings,
    in the order the code computes them; ℓ is written as the layer's number."""
    return [
        (field, latex.replace(r"\ell-1", str(layer - 1)).replace(r"\ell", str(layer)), why.replace("ℓ", str(layer)))
        for field, latex, why in layer_rows(mlp=mlp, layernorm=layernorm)
    ]


SUMMARY_FIELDS = ("normalized", "Q", "weights", "head_outputs", "attended", "mlp_hidden", "residual")
"""The layer rows Predict shows for a deeper model (Step by step has every one)."""


def model_formula(*, layers: int, mlp: bool, layernorm: bool) -> str:
    """The model shown in one formula (Predict): MODEL_SUMMARY for one plain layer, else the layer rows of
    `layer_rows` (ℓ = 1..L, or the number for one layer) between X and `final_formula`, then p."""
    if layers == 1 and not (mlp or layernorm):
        return MODEL_SUMMARY
    rows = [r"H^{(0)} = " + MODEL_STEPS["X"][0]]
    for field, latex, _why in layer_rows(mlp=mlp, layernorm=layernorm):
        if field == "weights":  # S, written out: the summary does not show the scores' row
            latex = latex.replace(r"S^{(\ell)}_h", r"Q^{(\ell)}_h K^{(\ell)\top}_h")
        if field in SUMMARY_FIELDS:
            rows.append(latex + (r"\quad (K, V \text{ alike})" if field == "Q" else ""))
    if layers == 1:
        rows = [row.replace(r"\ell-1", "0").replace(r"\ell", "1") for row in rows]
    else:
        rows.insert(1, rf"\ell = 1, \dots, L = {layers}:")  # the rows below hold for every layer
    rows += [final_formula(layernorm=layernorm)[0].replace("(L)", f"({layers})"), MODEL_STEPS["probabilities"][0]]
    aligned = [row.replace(" = ", " &= ", 1) for row in rows]
    return r"\begin{aligned}" + r" \\ ".join(aligned) + r"\end{aligned}"


def final_formula(*, layernorm: bool) -> tuple[str, str]:
    """The output layer's formula: z = LN_f(H^(L))_t·W_out + b (without LayerNorm, LN_f is the identity), and its
    intuition in the page's language."""
    latex, why = FINAL_STEP
    if not layernorm:
        latex = latex.replace(r"\operatorname{LN}_f\!\big(H^{(L)}\big)", r"H^{(L)}")
    return latex, _(why)
