"""Every symbol the lab shows, with its one meaning: formulas and captions take their symbols from here.

Before this table, "T" was both the temperature and the model's window, "d" both the blog's 3 and the
model's 32, "k" both the context window and top-k. Now: temperature τ, the model's longest context
n_ctx, the context window k, the blog's embedding size d_e, the model's width d, and "top N" in words.

The checker that reads the app's strings against this table is `attention.teaching.symbol_check`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _


@dataclass(frozen=True)
class Symbol:
    latex: str  # as st.latex writes it
    text: str  # as a caption writes it (plain Unicode)
    meaning: str  # the one meaning, a short key that CUES knows, or "" when no cue is needed
    description: str  # a msgid: the notation table shows it translated (`notation_rows`)
    where: str  # a msgid too: the views that use the symbol


NOTATION: tuple[Symbol, ...] = (
    Symbol(
        "t", "t", "chosen position", N_("position of the chosen word in the text (counted from 1)"), N_("every view")
    ),
    Symbol("w_t", "w_t", "", N_("the word at position t"), N_("every view")),
    Symbol(
        "k",
        "k",
        "context window",
        N_("context window: the words w_{t-k+1} … w_t the method may look at"),
        N_("controls"),
    ),
    Symbol(
        r"n_{\text{ctx}}", "n_ctx", "model window", N_("the longest context the model was trained with"), N_("train")
    ),
    Symbol("n", "n", "", N_("words in the context actually used (n = min(k, n_ctx))"), N_("model, step by step")),
    Symbol(
        r"\tau",
        "τ",
        "temperature",
        N_("temperature: scores are divided by τ before the softmax"),
        N_("predict, generate"),
    ),
    Symbol(
        "d_e",
        "d_e",
        "blog dimension",
        N_("size of the blog's random embeddings (3 in the blog)"),
        N_("the blog's method"),
    ),
    Symbol("d", "d", "model dimension", N_("the model's width: length of each row of X and H"), N_("model")),
    Symbol("d_k", "d_k", "head dimension", N_("length of each head's queries and keys, d / n_h"), N_("model")),
    Symbol("n_h", "n_h", "heads", N_("number of attention heads"), N_("model, heads")),
    Symbol("h", "h", "", N_("one head (1 … n_h)"), N_("model, heads")),
    Symbol("E", "E", "", N_("the embedding table; E[w] is word w's row"), N_("blog, model")),
    Symbol("P", "P", "", N_("position embeddings (P = 0 with positions 'none')"), N_("model")),
    Symbol("X", "X", "", N_("the context's embeddings plus positions, one row per word [n, d]"), N_("model")),
    Symbol("Q", "Q", "", N_("queries: what each word is looking for"), N_("model")),
    Symbol("K", "K", "", N_("keys: what each word offers to be found by"), N_("model")),
    Symbol("V", "V", "", N_("values: what each word passes on when looked at"), N_("model")),
    Symbol("S", "S", "", N_("scores: each query against each key"), N_("model")),
    Symbol("M", "M", "", N_("causal mask: 0 where j ≤ i, −∞ after"), N_("model")),
    Symbol("A", "A", "", N_("attention weights, softmax of the masked scores; rows sum to 1"), N_("model")),
    Symbol("O", "O", "", N_("each head's output, A V"), N_("model")),
    Symbol("H", "H", "", N_("X plus the heads' output (the residual stream)"), N_("model")),
    Symbol("z", "z", "", N_("logits: one score per vocabulary word"), N_("model")),
    Symbol("b", "b", "output bias", N_("the output layer's bias, one number per vocabulary word"), N_("model")),
    Symbol("p", "p", "", N_("the next-word probabilities"), N_("every view")),
    Symbol("q", "q", "", N_("the blog's query: the mean of the context's embeddings"), N_("the blog's method")),
    Symbol("s_v", "s_v", "", N_("the blog's score of vocabulary word v"), N_("the blog's method")),
    Symbol(r"\ell", "ℓ", "layer", N_("one layer of a deeper model (1 … L)"), N_("deeper model")),
    Symbol("L", "L", "layers", N_("number of layers"), N_("deeper model")),
    Symbol(
        r"\operatorname{MLP}", "MLP", "", N_("the feed-forward block after attention in each layer"), N_("deeper model")
    ),
    Symbol(
        r"\operatorname{LN}",
        "LN",
        "",
        N_("LayerNorm: each row rescaled to mean 0, variance 1, then γ, β"),
        N_("deeper model"),
    ),
    Symbol(
        r"\operatorname{GELU}",
        "GELU",
        "",
        N_("a smooth ReLU: ½z(1 + tanh(√(2/π)(z + 0.044715z³)))"),
        N_("deeper model"),
    ),
    Symbol(
        r"\gamma", "γ", "LayerNorm gain", N_("LayerNorm's gain, one per dimension (starts at 1)"), N_("deeper model")
    ),
    Symbol(
        r"\beta", "β", "LayerNorm bias", N_("LayerNorm's bias, one per dimension (starts at 0)"), N_("deeper model")
    ),
)
"""The notation table, in the order the app and README show it."""


def notation_rows() -> list[dict[str, str]]:
    """The table as rows (symbol in LaTeX, symbol as text, meaning, where), for an app expander or the README;
    meanings and places in the page's language (the keys stay: they name the columns for the caller)."""
    return [{"symbol": s.latex, "text": s.text, "meaning": _(s.description), "where": _(s.where)} for s in NOTATION]


def symbol(text: str) -> Symbol:
    """The table's entry for a symbol written as captions write it ("τ", "n_ctx", "k")."""
    for s in NOTATION:
        if s.text == text:
            return s
    raise KeyError(f"{text!r} is not in the notation table; add it there first (attention/teaching/notation.py)")
