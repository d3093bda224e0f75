"""The few pieces every view shares: draw a chart (its spec cached), the export row, show the code."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from functools import partial
from types import FunctionType
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

import attention
from attention.charts import export
from attention.charts.theme import apply_theme
from attention.i18n import ENGLISH, _

from . import i18n
from .state import value


def is_dark() -> bool:
    """The reader's theme (their system's, or the one they chose in the menu)."""
    theme = getattr(st.context, "theme", None)
    return getattr(theme, "type", None) == "dark"


def is_present() -> bool:
    return value("present")


def show_chart(chart: alt.TopLevelMixin | partial, *, width: str = "stretch", where=st, **selection):
    """Draw an Altair chart in the reader's theme (and projector sizes in presentation mode); given as
    partial(charts.builder, ...) its spec is built once per input and language. `selection`: on_select= and key=.

    Building and validating an Altair chart costs 10-20 ms, most of a rerun; a class stepping
    through the same text asks for the same charts again and again, so they are cached.
    """
    dark, present = is_dark(), is_present()
    if isinstance(chart, partial):
        spec = chart_spec(chart.func, chart.args, chart.keywords, dark, present, i18n.code())
    else:
        spec = apply_theme(vega_lite_spec(chart), dark=dark, present=present)
    spec["config"]["background"] = None  # on the page, the page's own colour (the theme's text contrasts with it)
    return where.vega_lite_chart(spec, width=width, theme=None, **selection)


def builder_name(builder: Callable) -> str:
    """A builder's cache key: its qualified name, the same in every session and run
    ("attention.charts.bars.next_word_chart"), where Streamlit cannot hash a function by itself."""
    return f"{builder.__module__}.{builder.__qualname__}"


def distribution_digest(distribution: attention.NextWordDistribution) -> bytes:
    """A distribution's cache key: a digest of its words, scores and probabilities, one pass over each. Streamlit's
    own hashing walks the 2,000-word tuple word by word (~25 ms a rerun on the stories' vocabulary)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr(distribution.words).encode("utf-8", "surrogatepass"))  # repr: unambiguous, one C pass
    for array in (distribution.scores, distribution.probabilities):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.digest()


@st.cache_data(
    max_entries=256, show_spinner=False,
    hash_funcs={FunctionType: builder_name, attention.NextWordDistribution: distribution_digest},
)  # fmt: skip
def chart_spec(
    builder: Callable[..., alt.TopLevelMixin],
    args: tuple,
    kwargs: dict,
    dark: bool = False,
    present: bool = False,
    lang: str = ENGLISH,
) -> dict:
    """The themed spec of builder(*args, **kwargs, present=present); every builder in attention.charts takes
    `present` (bigger cells and boxes for the projector's bigger text, where its sizes depend on the text).
    `lang`, the page's language (lab.i18n.code()), only keys the cache: the builder writes its titles in the
    active language, so a spec cached in English is not shown in Spanish."""
    del lang  # a cache key only
    return apply_theme(vega_lite_spec(builder(*args, **kwargs, present=present)), dark=dark, present=present)


def arrow_bytes(rows: list[dict]) -> bytes:
    """Rows as an Arrow IPC stream, the form st.vega_lite_chart sends (and passes through unconverted)."""
    table = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The spec as st.altair_chart would send it, made once: not re-validated (tests/test_charts*.py
    validate every builder), without the default theme's view size, and with each dataset already
    in Arrow (st.vega_lite_chart passes bytes through instead of converting rows on every call)."""
    spec = chart.to_dict(validate=False)
    spec.get("config", {}).pop("view", None)
    datasets = spec.pop("datasets", {})
    if len(datasets) == 1 and spec.get("data") == {"name": next(iter(datasets))}:
        # One dataset under a fixed name rather than Altair's content hash: when only the numbers
        # change, the spec is unchanged and the browser updates the drawn chart instead of rebuilding it.
        datasets = {"table": next(iter(datasets.values()))}
        spec["data"] = {"name": "table"}
    spec["datasets"] = {name: arrow_bytes(rows) for name, rows in datasets.items()}
    return spec


def plain(text: str) -> str:
    """Markdown that shows `text` as written (summaries quote the user's words)."""
    return attention.escape_markdown(text)


def show_formulas(*formulas: str, note: str, heading: str = "") -> None:
    """Formulas (LaTeX) between a heading and a note (Markdown), as one element that reads as st.markdown,
    st.latex and st.caption show them: a rerun sends, and the browser draws, one element instead of three or four.
    The note is set in a caption's small grey type (the presentation style sheet gives it a caption's size)."""
    parts = [heading] if heading else []
    parts += [f"$$\n{tex}\n$$" for tex in formulas]
    bracketed = note.replace("[", "\\[").replace("]", "\\]")  # the note's own brackets would close :small[...]
    parts.append(f":gray[:small[{bracketed}]]")
    st.markdown("\n\n".join(parts))


def show_code(*functions: Callable) -> None:
    """The exact functions that made the numbers, built only when the expander is opened."""
    key = "code_" + "_".join(f.__name__ for f in functions)
    with st.expander(_("Show the code"), key=key, on_change="rerun") as box:
        for function in functions if box.open else ():
            st.code(inspect.getsource(function), language="python")


def export_row(
    chart: alt.TopLevelMixin | partial, frame: pd.DataFrame | partial, kind: str, what: str, *, title_line: str
) -> None:
    """PNG, SVG, CSV and JSON downloads in one expander: its buttons are drawn only when it is opened and
    the files (and a partial's chart or table) made only when clicked, so a rerun sends one element, not five,
    and builds no table for a closed expander.
    Pictures carry `title_line` (export.export_title: the text, the position, the method, the seed)."""
    with st.expander(_("Download: PNG, SVG, CSV, JSON"), key=f"export_{kind}", on_change="rerun") as box:
        if box.open:
            download_buttons(chart, frame, kind, what, title_line)


def later(thing: Any) -> Callable[[], Any]:
    """`thing` made when called: a partial as it is (built only then), anything else as a function returning it."""
    return thing if isinstance(thing, partial) else lambda: thing


def download_buttons(
    chart: alt.TopLevelMixin | partial, frame: pd.DataFrame | partial, kind: str, what: str, title_line: str
) -> None:
    make_chart, make_frame = later(chart), later(frame)
    temperature = value("temperature")
    dark, present = is_dark(), is_present()
    files: dict[str, tuple[Callable[[], str | bytes], str]] = {
        "png": (
            lambda: export.chart_to_png(make_chart(), title_line=title_line, dark=dark, present=present),
            "image/png",
        ),
        "svg": (
            lambda: export.chart_to_svg(make_chart(), title_line=title_line, dark=dark, present=present),
            "image/svg+xml",
        ),
        "csv": (lambda: export.frame_to_csv(make_frame()), "text/csv"),
        "json": (lambda: export.frame_to_json(make_frame()), "application/json"),
    }
    with st.container(horizontal=True):
        for ext, (make, mime) in files.items():
            st.download_button(
                ext.upper(), make, file_name=export.export_filename(kind, what, ext, temperature=temperature),
                mime=mime, on_click="ignore", key=f"download_{kind}_{ext}",
                help=_("Download this as {kind}").format(kind=ext.upper()),
            )  # fmt: skip
