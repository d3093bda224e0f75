"""Every symbol the lab shows, with its one meaning: formulas and captions take their symbols from here.

Before this table, "T" was both the temperature and the model's window, "d" both the blog's 3 and the
model's 32, "k" both the context window and top-k. Now: temperature τ, the model's longest context
n_ctx, the context window k, the blog's embedding size d_e, the model's width d, and "top N" in words.

`symbol_conflicts(texts)` reads UI strings, LaTeX and the README's Unicode formulas and reports any
symbol used with two meanings, so a test can run it over every string the app shows. Symbols in
subscripts and superscripts count (`O_H`, `W^{Q}_h`, `A_h⁽ℓ⁾`), apart from the table's own scripted
symbols (d_k, n_h, n_ctx, ...) and the layer marks (ℓ), (1) that only say which layer a matrix is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
    "output bias": r"\boutput (?:layer'?s? )?bias",
    "LayerNorm gain": r"\bgain\b",
    "LayerNorm bias": r"(?<!output )(?<!layer's )\bbias\b",  # any bias but the output layer's
}
"""Meaning -> words that, close to a symbol, say which meaning the symbol has there."""

WINDOW = 30  # characters between a symbol and a cue that says what it means there
_LATEX = [
    (r"\tau", "τ"),
    (r"\ell", "ℓ"),
    (r"\gamma", "γ"),
    (r"\beta", "β"),
    (r"\text", ""),
    (r"\mathrm", ""),
    ("{", ""),
    ("}", ""),
]
_CHECKED = ("T", "N", *(s.text for s in NOTATION))
"""Symbols looked for: the table's, plus letters that had a second meaning before."""


def plain(text: str) -> str:
    """LaTeX symbols written as captions write them: "\\tau" -> "τ", "n_{\\text{ctx}}" -> "n_ctx"."""
    for old, new in _LATEX:
        text = text.replace(old, new)
    return text


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼ᴸⁿ", "0123456789+-=Ln", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌ₕₖₜₙ", "0123456789+-=hktn", strict=True))


def _unicode_scripts(text: str) -> str:
    """Unicode scripts as LaTeX ones: "H⁽ℓ⁻¹⁾" -> "H^{(ℓ-1)}", "LN₁" -> "LN_{1}", "Kᵀ" -> "K^{\\top}"."""
    text = text.replace("ᵀ", r"^{\top}")
    text = re.sub(r"⁽([^⁾]*)⁾", lambda m: "^{(" + "".join(_SUPERSCRIPTS.get(c, c) for c in m[1]) + ")}", text)
    text = re.sub(f"[{''.join(_SUPERSCRIPTS)}]+", lambda m: "^{" + "".join(_SUPERSCRIPTS[c] for c in m[0]) + "}", text)
    return re.sub(f"[{''.join(_SUBSCRIPTS)}]+", lambda m: "_{" + "".join(_SUBSCRIPTS[c] for c in m[0]) + "}", text)


def _script_body(text: str, start: int) -> tuple[str, int]:
    """The script that starts at text[start] (after _ or ^): a {balanced} group, a \\command, a run of letters
    and digits, or one character."""
    if text[start] == "{":
        depth = 0
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                return text[start + 1 : end], end + 1
        return text[start + 1 :], len(text)
    word = re.match(r"\\[A-Za-z]+|[A-Za-z0-9]+", text[start:])  # a command, or a caption's "W_out"
    width = len(word.group()) if word else 1
    return text[start : start + width], start + width


MATRICES = ("E", "P", "X", "Q", "K", "V", "S", "M", "A", "O", "H")
"""The table's matrices: never an index in a script, apart from naming a weight matrix (W^Q, W^O)."""


def _scripts(text: str) -> tuple[str, list[str]]:
    """The text with sub- and superscripts written out beside their base, and the scripts' symbols.

    "O_H" -> "O H" (script "H"), "W^{Q(\\ell)}_h" -> "W h": a (ℓ) or (1) layer mark says which layer, and
    W's superscript which weight matrix, so both are dropped; the table's scripted symbols stay whole
    ("d_k", "n_{h}" -> "n_h", "n_{\\text{ctx}}" -> "n_ctx").
    """
    scripted = {s.text for s in NOTATION if "_" in s.text}
    out: list[str] = []
    found: list[str] = []
    i = 0
    while i < len(text):
        mark = text[i]
        if mark not in "_^" or i + 1 >= len(text):
            out.append(mark)
            i += 1
            continue
        before = "".join(out[-2:]).rjust(2)  # the base letter, and what precedes it
        base = before[1] if before[1].isalpha() and not re.match(r"[\w\\]", before[0]) else ""
        caption = re.match(r"[A-Za-z]+(?![\w{])", text[i + 1 :]) if mark == "_" else None  # "n_ctx" in a caption
        if caption and f"{base}_{caption.group()}" in scripted:
            out.append("_" + caption.group())
            i += 1 + caption.end()
            continue
        body, i = _script_body(text, i + 1)
        if mark == "_" and base and f"{base}_{plain(body)}" in scripted:
            out.append("_" + plain(body))  # a symbol of the table, such as d_k
            continue
        if mark == "_" and body.isdigit():
            out.append("_" + body)  # W_1, b_2, O_1: the first or second of a kind, a symbol of its own
            continue
        inner, deeper = _scripts(re.sub(r"\([^()]*\)", " ", body))  # layer marks (ℓ), (ℓ-1), (2) dropped
        if mark == "^" and base == "W":
            inner = re.sub(r"[QKVO]", " ", inner)  # W^Q, W^{O}: which weight matrix, not a symbol
        found += [plain(inner), *deeper]
        if inner.strip():
            out.append(f" {inner} ")
    return "".join(out), found


def scripts_apart(text: str) -> str:
    """Sub- and superscripts beside their base, so each symbol in them is seen: "O_H" -> "O H" (see `_scripts`)."""
    return _scripts(_unicode_scripts(text))[0]


def script_misuses(text: str) -> set[str]:
    """The table's matrices (H, O, ...) written as an index in a script, as "O_H" did for the number of heads."""
    scripts = _scripts(_unicode_scripts(text))[1]
    return {
        m
        for m in MATRICES
        for body in scripts
        if re.search(rf"(?<![\w\\]){m}(?![\w'])", re.sub(r"\\[A-Za-z]+", " ", body))
    }


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
    as two uses of T with two meanings. Symbols in scripts count (`scripts_apart`); LaTeX commands other
    than the table's (\\tau, \\ell) are ignored.
    """
    text = re.sub(r"\\[A-Za-z]+", " ", plain(scripts_apart(text)))
    found: set[tuple[str, str]] = set()
    for clause in re.split(r"[;,()]|\.\s", text):
        found |= _clause_meanings(clause)
    return found


_DESCRIPTIONS = {s.text: s.description for s in NOTATION}
_JUDGED = {"T", "N", *(s.text for s in NOTATION if s.meaning)}


def symbol_conflicts(texts: Iterable[str]) -> dict[str, set[str]]:
    """Symbols used with more than one meaning across `texts` (or against the table): {symbol: meanings}.

    Cues judge the symbols a cue can tell apart: those the table gives a meaning (k, d, τ, ...) and the
    letters that had a second one before (T, N). The rest (X, H, O, ...) stand for one thing wherever
    they appear, whatever words are near; for the table's matrices among them, being written as a
    script's index (`script_misuses`, "O_H") is a second meaning.
    """
    meanings: dict[str, set[str]] = {}
    for text in texts:
        for symbol, meaning in symbol_meanings(text):
            if symbol in _JUDGED:
                meanings.setdefault(symbol, set()).add(meaning)
        for matrix in script_misuses(text):
            meanings.setdefault(matrix, set()).update({_DESCRIPTIONS[matrix], "an index in a script"})
    declared = {s.text: s.meaning for s in NOTATION if s.meaning}
    for symbol, seen in meanings.items():
        if symbol in declared:
            seen.add(declared[symbol])
    return {symbol: seen for symbol, seen in meanings.items() if len(seen) > 1}


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
