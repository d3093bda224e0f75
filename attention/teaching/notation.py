"""Every symbol the lab shows, with its one meaning: formulas and captions take their symbols from here.

Before this table, "T" was both the temperature and the model's window, "d" both the blog's 3 and the
model's 32, "k" both the context window and top-k. Now: temperature τ, the model's longest context
n_ctx, the context window k, the blog's embedding size d_e, the model's width d, and "top N" in words.

`symbol_conflicts(texts)` reads UI strings and LaTeX and reports any symbol used with two meanings,
so a test can run it over every string the app shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Symbol:
    latex: str  # as st.latex writes it
    text: str  # as a caption writes it (plain Unicode)
    meaning: str  # the one meaning, a short key that CUES knows, or "" when no cue is needed
    description: str
    where: str


NOTATION: tuple[Symbol, ...] = (
    Symbol("t", "t", "chosen position", "position of the chosen word in the text (counted from 1)", "every view"),
    Symbol("w_t", "w_t", "", "the word at position t", "every view"),
    Symbol("k", "k", "context window", "context window: the words w_{t-k+1} … w_t the method may look at", "controls"),
    Symbol(r"n_{\text{ctx}}", "n_ctx", "model window", "the longest context the model was trained with", "train"),
    Symbol("n", "n", "", "words in the context actually used (n = min(k, n_ctx))", "model, step by step"),
    Symbol(r"\tau", "τ", "temperature", "temperature: scores are divided by τ before the softmax", "predict, generate"),
    Symbol("d_e", "d_e", "blog dimension", "size of the blog's random embeddings (3 in the blog)", "the blog's method"),
    Symbol("d", "d", "model dimension", "the model's width: length of each row of X and H", "model"),
    Symbol("d_k", "d_k", "head dimension", "length of each head's queries and keys, d / n_h", "model"),
    Symbol("n_h", "n_h", "heads", "number of attention heads", "model, heads"),
    Symbol("h", "h", "", "one head (1 … n_h)", "model, heads"),
    Symbol("E", "E", "", "the embedding table; E[w] is word w's row", "blog, model"),
    Symbol("P", "P", "", "position embeddings (P = 0 with positions 'none')", "model"),
    Symbol("X", "X", "", "the context's embeddings plus positions, one row per word [n, d]", "model"),
    Symbol("Q", "Q", "", "queries: what each word is looking for", "model"),
    Symbol("K", "K", "", "keys: what each word offers to be found by", "model"),
    Symbol("V", "V", "", "values: what each word passes on when looked at", "model"),
    Symbol("S", "S", "", "scores: each query against each key", "model"),
    Symbol("M", "M", "", "causal mask: 0 where j ≤ i, −∞ after", "model"),
    Symbol("A", "A", "", "attention weights, softmax of the masked scores; rows sum to 1", "model"),
    Symbol("O", "O", "", "each head's output, A V", "model"),
    Symbol("H", "H", "", "X plus the heads' output (the residual stream)", "model"),
    Symbol("z", "z", "", "logits: one score per vocabulary word", "model"),
    Symbol("p", "p", "", "the next-word probabilities", "every view"),
    Symbol("q", "q", "", "the blog's query: the mean of the context's embeddings", "the blog's method"),
    Symbol("s_v", "s_v", "", "the blog's score of vocabulary word v", "the blog's method"),
    Symbol(r"\ell", "ℓ", "layer", "one layer of a deeper model (1 … L)", "deeper model"),
    Symbol("L", "L", "layers", "number of layers", "deeper model"),
    Symbol(r"\operatorname{MLP}", "MLP", "", "the feed-forward block after attention in each layer", "deeper model"),
    Symbol(
        r"\operatorname{LN}", "LN", "", "LayerNorm: each row rescaled to mean 0, variance 1, then γ, β", "deeper model"
    ),
)
"""The notation table, in the order the app and README show it."""

CUES: dict[str, str] = {
    "temperature": r"temperature|divides?\b",
    "model window": r"sees at most|longest context|trained with|model'?s? window|at most",
    "context window": r"context window|window\b|context words",
    "top words": r"\btop\b|most probable|words shown",
    "blog dimension": r"\bblog|random embedding",
    "model dimension": r"\bmodel dim|model width|width of",
    "head dimension": r"\bper head|head dim",
    "heads": r"\bheads?\b",
    "layer": r"(?<!output )\blayer\b",  # not the output layer: that is no layer ℓ of the stack
    "layers": r"\blayers\b",
    "chosen position": r"\bposition\b(?! embedding)",
}
"""Meaning -> words that, close to a symbol, say which meaning the symbol has there."""

WINDOW = 30  # characters between a symbol and a cue that says what it means there
_LATEX = [(r"\tau", "τ"), (r"\ell", "ℓ"), (r"\text", ""), (r"\mathrm", ""), ("{", ""), ("}", "")]
_CHECKED = ("T", "N", *(s.text for s in NOTATION))
"""Symbols looked for: the table's, plus letters that had a second meaning before."""


def plain(text: str) -> str:
    """LaTeX symbols written as captions write them: "\\tau" -> "τ", "n_{\\text{ctx}}" -> "n_ctx"."""
    for old, new in _LATEX:
        text = text.replace(old, new)
    return text


def _gap(a: re.Match, b: re.Match) -> int:
    return max(0, b.start() - a.end(), a.start() - b.end())


def _clause_meanings(clause: str) -> set[tuple[str, str]]:
    found = set()
    cues = [(m, meaning) for meaning, pattern in CUES.items() for m in re.finditer(pattern, clause, re.IGNORECASE)]
    for symbol in _CHECKED:
        for use in re.finditer(rf"(?<![\w\\]){re.escape(symbol)}(?![\w])", clause):
            # the nearest cue; at equal distance the longer one ("model window" over "window")
            near = [(_gap(use, cue), -len(cue.group()), meaning) for cue, meaning in cues if _gap(use, cue) <= WINDOW]
            if near:
                found.add((symbol, min(near)[2]))
    return found


def symbol_meanings(text: str) -> set[tuple[str, str]]:
    """(symbol, meaning) pairs in one string: each symbol with the nearest cue in its clause (none: not counted).

    Clauses end at ; , ( ) and full stops, so "(the model sees at most T = 8), T = 1 divides z" reads
    as two uses of T with two meanings. LaTeX commands other than the table's (\\tau, \\ell) are ignored.
    """
    text = re.sub(r"\\[A-Za-z]+", " ", plain(text))
    found: set[tuple[str, str]] = set()
    for clause in re.split(r"[;,()]|\.\s", text):
        found |= _clause_meanings(clause)
    return found


def symbol_conflicts(texts: Iterable[str]) -> dict[str, set[str]]:
    """Symbols used with more than one meaning across `texts` (or against the table): {symbol: meanings}."""
    meanings: dict[str, set[str]] = {}
    for text in texts:
        for symbol, meaning in symbol_meanings(text):
            meanings.setdefault(symbol, set()).add(meaning)
    declared = {s.text: s.meaning for s in NOTATION if s.meaning}
    for symbol, seen in meanings.items():
        if symbol in declared:
            seen.add(declared[symbol])
    return {symbol: seen for symbol, seen in meanings.items() if len(seen) > 1}


def notation_rows() -> list[dict[str, str]]:
    """The table as rows (symbol in LaTeX, symbol as text, meaning, where), for an app expander or the README."""
    return [{"symbol": s.latex, "text": s.text, "meaning": s.description, "where": s.where} for s in NOTATION]


def symbol(text: str) -> Symbol:
    """The table's entry for a symbol written as captions write it ("τ", "n_ctx", "k")."""
    for s in NOTATION:
        if s.text == text:
            return s
    raise KeyError(f"{text!r} is not in the notation table; add it there first (attention/teaching/notation.py)")
