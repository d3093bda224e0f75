"""The notation checker: which meaning each symbol has where a text uses it, and which symbols a set of texts
uses with two meanings (the table of meanings is `attention.teaching.notation`).

`symbol_conflicts(texts)` reads UI strings, LaTeX and the README's Unicode formulas and reports any
symbol used with two meanings, so a test can run it over every string the app shows. Symbols in
subscripts and superscripts count (`O_H`, `W^{Q}_h`, `A_h⁽ℓ⁾`), apart from the table's own scripted
symbols (d_k, n_h, n_ctx, ...) and the layer marks (ℓ), (1) that only say which layer a matrix is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .notation import NOTATION

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
