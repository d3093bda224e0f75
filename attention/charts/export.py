"""Charts to SVG/PNG for slides, frames to CSV/JSON for spreadsheets, and safe file names.

Rendering uses vl-convert (Vega-Lite compiled and drawn in-process, no browser, no network):
external data URLs are refused, so an export never fetches anything. vl-convert is imported only
when a picture is exported, so the rest of the app runs without it.

Altair refuses to serialise data frames of more than 5,000 rows (MaxRowsError). Rather than
switching that check off globally (Altair's data transformer registry is shared by every thread of
a Streamlit server), the chart is copied and each of its frames is replaced by inline values.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.data import to_values

from ..i18n import _
from .theme import apply_theme

_CHILDREN = ("layer", "hconcat", "vconcat", "concat", "spec")


def _inline_frames(chart: Any) -> None:
    """Replace every DataFrame in `chart` (and its layers/concats) by inline values, in place."""
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        chart.data = alt.InlineData(values=to_values(data)["values"])
    for name in _CHILDREN:
        children = getattr(chart, name, alt.Undefined)
        if children is alt.Undefined:
            continue
        for child in children if isinstance(children, list) else [children]:
            _inline_frames(child)


def export_title(text: str, *, position: int, method: str, seed: int | None = None, words: int = 6) -> str:
    """The line an exported picture carries, so a slide says what it shows:
    "“Mary had a little lamb its …” · after word 5 · the blog's method (random embeddings) · seed 42".

    `position` is the 1-based text position of the chosen word; `text` is cut to its first `words` words.
    """
    first = text.split()
    quoted = " ".join(first[:words]) + (" …" if len(first) > words else "")
    if seed is None:
        return _("“{text}” · after word {position} · {method}").format(text=quoted, position=position, method=method)
    return _("“{text}” · after word {position} · {method} · seed {seed}").format(
        text=quoted, position=position, method=method, seed=seed
    )


def _with_title_line(spec: dict, line: str) -> dict:
    """The export line becomes the title; the chart's own title and subtitle move under it as subtitle lines."""
    old = spec.get("title")
    old = {"text": old} if isinstance(old, str | list) else dict(old or {})
    lines = []
    for key in ("text", "subtitle"):
        value = old.pop(key, None)
        lines += value if isinstance(value, list) else [value] if value else []
    title = {**old, "text": line, "anchor": "start"} | ({"subtitle": lines} if lines else {})
    return {**spec, "title": title}


def chart_spec(
    chart: alt.TopLevelMixin, *, title_line: str | None = None, dark: bool = False, present: bool = False
) -> dict:
    """The chart's Vega-Lite spec with all data inline, whatever its number of rows; `chart` is not modified.

    A picture has no container to fit, so charts that fit their width on the page ("fit-x") are
    exported at their natural size: the plot as specified plus axes, legend and title. `title_line`
    (see `export_title`) is drawn as the picture's first line; `dark`/`present` apply the page's theme.
    """
    copy = chart.copy(deep=True)  # type: ignore[attr-defined]  # every chart is also an alt.SchemaBase, which has it
    _inline_frames(copy)
    spec = copy.to_dict()
    if spec.get("autosize", {}).get("type", "").startswith("fit"):
        spec["autosize"] = {"type": "pad", "contains": "padding"}
    if title_line:
        spec = _with_title_line(spec, title_line)
    if title_line or dark or present:
        spec = apply_theme(spec, dark=dark, present=present)
    return spec


def _vl_convert():
    try:
        import vl_convert
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError("exporting pictures needs vl-convert-python: pip install vl-convert-python==1.9.*") from error
    return vl_convert


def _vl_version(vl_convert) -> str | None:
    """The Vega-Lite version Altair wrote the spec for (e.g. "6.4"), if vl-convert has it; else its latest."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def chart_to_svg(chart: alt.TopLevelMixin, **title_and_theme) -> str:
    """An SVG document of the chart, rendered offline (no data, font or script is fetched).

    Keywords as `chart_spec`: title_line=export_title(...), dark=, present=.
    """
    vlc = _vl_convert()
    spec = chart_spec(chart, **title_and_theme)
    return vlc.vegalite_to_svg(spec, vl_version=_vl_version(vlc), allowed_base_urls=[])


def chart_to_png(chart: alt.TopLevelMixin, scale: float = 2, **title_and_theme) -> bytes:
    """PNG bytes of the chart; `scale=2` doubles the pixel width and height (sharp on projectors and slides).

    Keywords as `chart_spec`: title_line=export_title(...), dark=, present=.
    """
    if not 0 < scale <= 8:
        raise ValueError(f"scale must be between 0 and 8 (got {scale}); 2 suits slides")
    vlc = _vl_convert()
    spec = chart_spec(chart, **title_and_theme)
    return vlc.vegalite_to_png(spec, vl_version=_vl_version(vlc), scale=scale, allowed_base_urls=[])


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a header row and no index column."""
    return frame.to_csv(index=False).encode("utf-8")


def frame_to_json(frame: pd.DataFrame) -> bytes:
    """UTF-8 JSON, one object per row; non-ASCII words kept as they are, NaN as null, 15 significant digits."""
    return frame.to_json(orient="records", force_ascii=False, double_precision=15).encode("utf-8")


def slugify(text: object, *, max_length: int = 60) -> str:
    """Lower-case ASCII letters, digits and single hyphens: "Après 3: the!" -> "apres-3-the". May be empty."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def _slug_or_digest(text: object, fallback: str) -> str:
    """The slug, or `fallback` plus a short digest of the text when nothing ASCII survives (e.g. "東京")."""
    slug = slugify(text)
    if slug:
        return slug
    text = str(text)
    return f"{fallback}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}" if text.strip() else fallback


def export_filename(kind: str, what: object, ext: str, *, temperature: float | None = None) -> str:
    """A safe, descriptive file name: kind[_what][_T<temperature>].ext, each part slugified.

    Only [a-z0-9-] in each part, so user words can never make a path, a hidden file or markup; a
    part with no ASCII letter or digit left (e.g. "東京") becomes "text-" plus a short digest of it.

    >>> export_filename("next-word probabilities", "after 3: the", "png", temperature=1.0)
    'next-word-probabilities_after-3-the_T1.0.png'
    """
    extension = slugify(ext, max_length=8)
    if not extension:
        raise ValueError(f"file extension must contain letters or digits, e.g. 'png' (got {ext!r})")
    parts = [_slug_or_digest(kind, "chart")]
    if str(what).strip():  # an empty description is left out rather than invented
        parts.append(_slug_or_digest(what, "text"))
    if temperature is not None:
        number = f"{float(temperature):g}"
        parts.append("T" + (number if "." in number or "e" in number else number + ".0"))
    return "_".join(parts) + "." + extension
