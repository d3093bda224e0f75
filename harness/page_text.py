"""Every word a page shows, read from an AppTest run: element texts, widget labels, help and options, table
headers and cells, and the titles of its charts (tests/test_i18n.py looks for words that skipped the catalog)."""

from __future__ import annotations

import json
import re

import pyarrow as pa
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

SKIPPED = frozenset({"Code", "Latex", "TextArea"})
"""Elements whose text is not the lab's words: code shown as code, formulas, and the user's own text box."""
TEXT_KEYS = ("body", "label", "help", "placeholder", "text", "caption")
DISPLAY_MATH = re.compile(r"\$\$\n(.*?)\n\$\$", re.DOTALL)
"""A formula as st.latex writes it and as lab.render.show_formulas writes it into Markdown."""
DIRECTIVE = re.compile(r":[a-z-]+\[")
"""Streamlit's Markdown directives (":gray[", ":small["): type and colour, not words."""


def formulas_shown(at: AppTest) -> list[str]:
    """Every displayed formula of `at`'s page (its LaTeX, without the $$ lines), in st.latex or inside Markdown."""
    return [tex for element in [*at.markdown, *at.latex] for tex in DISPLAY_MATH.findall(element.value)]


def words_of(text: str) -> str:
    """An element's text without its formulas and Markdown directives, which are not the lab's words."""
    return DIRECTIVE.sub("", DISPLAY_MATH.sub(" ", text))


def page_texts(at: AppTest) -> list[str]:
    """The texts of every element of `at`'s page, in tree order."""
    texts: list[str] = []
    _walk(at._tree, texts)
    return [text for text in texts if text and text.strip()]


def _walk(node, texts: list[str]) -> None:
    proto = getattr(node, "proto", None)
    kind = type(node).__name__
    if proto is not None and kind not in SKIPPED:
        fields = MessageToDict(proto)
        texts.extend(words_of(str(fields[key])) for key in TEXT_KEYS if isinstance(fields.get(key), str))
        for option in fields.get("options", []):
            texts.append(option.get("content", "") if isinstance(option, dict) else str(option))
        if isinstance(fields.get("spec"), str):
            texts.extend(chart_titles(json.loads(fields["spec"])))
        if "arrowData" in fields or kind in ("Dataframe", "Table"):
            texts.extend(table_texts(proto))
    for child in (getattr(node, "children", None) or {}).values():
        _walk(child, texts)


def chart_titles(spec) -> list[str]:
    """Every title of a Vega-Lite spec (chart, axes, legends, tooltips) and every text mark's literal text."""
    found: list[str] = []

    def visit(value, key=""):
        if isinstance(value, dict):
            for name, inner in value.items():
                if name in ("config", "datasets", "data"):
                    continue
                visit(inner, name)
        elif isinstance(value, list) and key in ("title", "subtitle") and all(isinstance(v, str) for v in value):
            found.append("\n".join(value))  # a title's lines (Vega-Lite's multi-line text): one message
        elif isinstance(value, list):
            for inner in value:
                visit(inner, key)
        elif isinstance(value, str) and key in ("title", "text", "subtitle", "description"):
            found.append(value)

    visit(spec)
    return found


def table_texts(proto) -> list[str]:
    """A table's column headers (its column config's labels where it has them) and its cells that are text."""
    data = getattr(getattr(proto, "arrow_data", None), "data", b"") or getattr(proto, "data", b"")
    if not data:
        return []
    table = pa.ipc.open_stream(data).read_all()
    config = json.loads(getattr(proto, "columns", "") or "{}")
    headers = [config.get(name, {}).get("label") or name for name in table.column_names]
    hidden = {name for name, column in config.items() if column.get("hidden")}
    order = list(getattr(proto, "column_order", []) or [])
    shown = [name for name in (order or table.column_names) if name in table.column_names and name not in hidden]
    cells = [str(value) for name in shown for value in table.column(name).to_pylist() if isinstance(value, str)]
    headers = [header for name, header in zip(table.column_names, headers, strict=True) if name in shown]
    return [h for h in headers if not h.startswith("_")] + cells
