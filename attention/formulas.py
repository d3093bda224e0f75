"""The formulas the app shows (with st.latex), each beside the name of the code that computes it.

tests/test_formulas.py recomputes every step from the formula as written here and compares it with
the numbers `attention.model.forward_steps` returns, so the page cannot drift from the code.
Symbols follow `attention.notation` (τ temperature, k context window, n_h heads, d_k head size);
tests/test_notation.py checks that no symbol here means two things.
"""

from __future__ import annotations

MODEL_STEPS: dict[str, tuple[str, str]] = {
    "X": (r"X = E[w] + P", "token embeddings plus position embeddings (P = 0 with positions 'none')"),
    "Q": (r"Q_h = X\,W^Q_h", "what each word is looking for (one query per word and head)"),
    "K": (r"K_h = X\,W^K_h", "what each word offers to be found by"),
    "V": (r"V_h = X\,W^V_h", "what each word passes on when it is looked at"),
    "scores": (r"S_h = Q_h K_h^\top", "how well each query matches each key"),
    "scaled_scores": (r"S_h / \sqrt{d_k}", "scaled so the spread does not grow with d_k"),
    "mask": (r"M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}", "no word may look ahead"),
    "weights": (r"A_h = \operatorname{softmax}\!\left(S_h/\sqrt{d_k} + M\right)", "each row sums to 1"),
    "head_outputs": (r"O_h = A_h V_h", "each word's mix of the values it attends to"),
    "projected": (r"\operatorname{concat}(O_1,\dots,O_{n_h})\,W^O", "the n_h heads side by side, mixed by W^O"),
    "residual": (r"H = X + \operatorname{concat}(O_1,\dots,O_{n_h})\,W^O", "the residual connection keeps X"),
    "logits": (r"z = H_t\,W_{\text{out}} + b", "a score per vocabulary word, from the last position t"),
    "probabilities": (r"p = \operatorname{softmax}(z / \tau)", "the next-word distribution at temperature τ"),
}
"""ForwardSteps field -> (LaTeX, one line of intuition)."""

MODEL_SUMMARY = (
    r"p(\cdot \mid w_{t-k+1..t}) = \operatorname{softmax}\!\Big(\big(X + \operatorname{concat}_h"
    r"\big(\operatorname{softmax}(Q_h K_h^\top/\sqrt{d_k} + M)\,V_h\big)W^O\big)_t W_{\text{out}} + b\Big)"
)
"""The trained model in one line, as `model.forward` computes it (temperature τ = 1)."""
