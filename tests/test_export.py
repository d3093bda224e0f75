"""Exports: PNG/SVG rendered offline with the right size, CSV/JSON that read back to the chart's numbers,
file names that are safe whatever the user typed."""

import io
import json
import re
import struct
import xml.etree.ElementTree as ET

import altair as alt
import numpy as np
import pandas as pd
import pytest

from attention import causal_mask, charts, softmax
from attention.charts import export, theme

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def heatmap(n=5):
    weights = softmax(np.where(causal_mask(n), np.random.default_rng(0).normal(size=(n, n)), -np.inf))
    return charts.attention_heatmap(weights, ["the", "café", "東", "the", "👍"][:n])


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"  # the first chunk, right after the signature and its length
    return struct.unpack(">II", png[16:24])


def big_chart(rows=6000):
    frame = pd.DataFrame({"x": np.arange(rows), "y": np.sin(np.arange(rows) / 100)})
    return alt.Chart(frame).mark_line().encode(x="x:Q", y="y:Q").properties(width=200, height=100)


def test_png_has_the_signature_and_scales_with_scale():
    chart = heatmap()
    width, height = png_size(export.chart_to_png(chart, scale=1))
    size = chart.to_dict()["width"]
    assert width > size and height > size  # the plot plus axes, title and legend
    assert png_size(export.chart_to_png(chart, scale=2)) == (2 * width, 2 * height)


def test_svg_is_xml_with_an_svg_root_and_no_outside_links():
    svg = export.chart_to_svg(heatmap())
    root = ET.fromstring(svg)
    assert root.tag.rsplit("}", 1)[-1] == "svg"
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}  # namespaces, never fetched
    assert "café" in svg and "東" in svg  # labels kept as text


def test_exports_handle_more_than_5000_rows_without_switching_altairs_check_off():
    chart = big_chart()
    assert ET.fromstring(export.chart_to_svg(chart)).tag.endswith("svg")
    assert png_size(export.chart_to_png(chart, scale=1))[0] > 200
    assert isinstance(chart.data, pd.DataFrame)  # the caller's chart is untouched
    with pytest.raises(alt.MaxRowsError):  # and the global limit is still on for everyone else
        chart.to_dict()


def test_chart_spec_inlines_layered_and_concatenated_data():
    weights = np.stack([np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None]] * 2)
    chart = charts.attention_heatmaps(weights, ["a", "b", "c"])
    spec = export.chart_spec(chart)
    assert [len(rows) for rows in spec["datasets"].values()] == [9]  # identical heads share one dataset
    assert all(isinstance(head.data, pd.DataFrame) for head in chart.hconcat)  # nested charts untouched too
    assert spec == charts.attention_heatmaps(weights, ["a", "b", "c"]).to_dict()


def test_png_rejects_a_silly_scale():
    with pytest.raises(ValueError, match="scale"):
        export.chart_to_png(heatmap(), scale=0)


def chart_rows(chart):
    (rows,) = chart.to_dict()["datasets"].values()
    return pd.DataFrame(rows)


def test_csv_reads_back_to_the_charts_numbers():
    frame = charts.attention_frame(np.tril(np.full((4, 4), 0.123456789012345)), ["the", "café", "東", "the"])
    data = export.frame_to_csv(frame)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8")
    expected = chart_rows(heatmap(4))  # same shape of data as the chart sends
    assert list(back.columns) == list(expected.columns)
    np.testing.assert_array_equal(back["weight"].to_numpy(), frame["weight"].to_numpy())  # exact round trip
    assert back["query"].tolist() == frame["query"].tolist()
    assert "café".encode() in data and not data.startswith(b"\xef\xbb\xbf")


def test_json_records_keep_non_ascii_and_numbers():
    chart = heatmap()
    frame = chart_rows(chart)
    data = export.frame_to_json(frame)
    records = json.loads(data.decode("utf-8"))
    for got, want in zip(records, frame.to_dict("records"), strict=True):
        assert got["weight"] == pytest.approx(want["weight"], rel=1e-14)
        assert got["query"] == want["query"] and got["masked"] == want["masked"]
    assert "東".encode() in data and b"\\u" not in data


def test_json_writes_missing_values_as_null():
    records = json.loads(export.frame_to_json(pd.DataFrame({"step": [1, 2], "loss": [1.5, np.nan]})))
    assert records == [{"step": 1, "loss": 1.5}, {"step": 2, "loss": None}]


@pytest.mark.parametrize(
    ("kind", "what", "temperature", "expected"),
    [
        ("next-word probabilities", "after 3: the", 1.0, "next-word-probabilities_after-3-the_T1.0.png"),
        ("attention", "Après «l'été»", 0.75, "attention_apres-l-ete_T0.75.png"),
        ("attention", "after 12: mat", 2, "attention_after-12-mat_T2.0.png"),
        ("loss", "", None, "loss.png"),
        ("", " ", 0.5, "chart_T0.5.png"),
        ("../../etc/passwd", "<script>alert(1)</script>", None, "etc-passwd_script-alert-1-script.png"),
    ],
)
def test_export_filename_is_safe_and_descriptive(kind, what, temperature, expected):
    assert export.export_filename(kind, what, "PNG", temperature=temperature) == expected


def test_export_filename_never_empty_and_bounded():
    name = export.export_filename("注意", "東京 👍", "csv")
    assert re.fullmatch(r"chart-[0-9a-f]{6}_text-[0-9a-f]{6}\.csv", name)
    assert name == export.export_filename("注意", "東京 👍", "csv")  # stable
    assert name != export.export_filename("注意", "大阪", "csv")
    long = export.export_filename("x" * 500, "word " * 200, "json")
    assert len(long) < 140 and re.fullmatch(r"[a-z0-9-]+_[a-z0-9-]+\.json", long)
    with pytest.raises(ValueError, match="extension"):
        export.export_filename("a", "b", "...")


def test_export_title_names_the_text_position_method_and_seed():
    line = export.export_title(
        "Mary had a little lamb its fleece was white", position=5, method="the blog's method", seed=42
    )
    assert line == "“Mary had a little lamb its …” · after word 5 · the blog's method · seed 42"
    assert export.export_title("a b", position=2, method="trained model") == "“a b” · after word 2 · trained model"


def test_exported_spec_carries_the_title_line_above_the_charts_own_title():
    line = export.export_title("the cat sat", position=3, method="trained model", seed=1)
    spec = export.chart_spec(heatmap(), title_line=line, dark=True)
    assert spec["title"]["text"] == line
    assert spec["title"]["subtitle"] == ["attention weights", charts.MASKED_NOTE]  # the chart's own title kept
    assert spec["config"]["background"] == theme.DARK_BACKGROUND
    bars = export.chart_spec(charts.loss_curve_chart([]), title_line=line)
    assert bars["title"] == {"text": line, "anchor": "start"}


def test_exported_picture_draws_the_title_line():
    line = export.export_title("the cat sat", position=3, method="the blog's method", seed=7)
    svg = export.chart_to_svg(heatmap(), title_line=line)
    assert "after word 3" in svg and "seed 7" in svg


def _labelled_png(labels: list[str]) -> bytes:
    weights = softmax(np.where(causal_mask(len(labels)), 0.0, -np.inf))  # the same numbers in every picture
    return export.chart_to_png(charts.attention_heatmap(weights, labels), scale=1)


def test_a_png_export_draws_chinese_characters_as_glyphs_not_boxes():
    # With no font for a script, every character is the same box: swapping two labels would change nothing.
    # fonts-noto-cjk (Debian; packages.txt on Community Cloud, the Dockerfile) gives each character its glyph.
    chinese = ["小", "猫", "在", "树", "上"]
    assert _labelled_png(chinese) != _labelled_png(chinese[::-1])
    unassigned = ["\ue000", "\ue001", "\ue002", "\ue003", "\ue004"]  # private use: no font draws these
    assert _labelled_png(unassigned) == _labelled_png(unassigned[::-1])  # the control: boxes are all alike
