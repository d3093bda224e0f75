"""Chart text readable in both themes and from the back of a room: contrast (WCAG AA) and sizes, computed."""

import numpy as np
import pytest

from attention import causal_mask, charts, softmax
from attention.charts import heatmaps, style, theme

BACKGROUNDS = {"light": theme.LIGHT_BACKGROUND, "dark": theme.DARK_BACKGROUND}
TEXT_KEYS = ("labelColor", "titleColor", "color", "subtitleColor")


def test_contrast_ratio_matches_wcag_reference_values():
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert style.contrast_ratio("#FFFFFF", "#000") == pytest.approx(21)  # order and short form do not matter
    assert style.contrast_ratio("#777777", "#777777") == pytest.approx(1)
    assert style.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    with pytest.raises(ValueError, match="rrggbb"):
        style.contrast_ratio("gray", "#FFFFFF")


@pytest.mark.parametrize("fill", [*style.VIRIDIS_STOPS, *style.STRIP_COLOURS, style.MASKED_GREY, "#777777", "#21918C"])
def test_ink_contrasts_with_any_fill(fill):
    assert style.contrast_ratio(style.ink_for(fill), fill) >= 4.5


def test_viridis_matches_vegas_stops_and_interpolates():
    assert style.viridis(0) == "#440154" and style.viridis(1) == "#FDE725"
    assert style.viridis(0.5) == "#21918D"  # the middle stop of 31
    assert style.relative_luminance(style.viridis(0.3)) < style.relative_luminance(style.viridis(0.7))


@pytest.mark.parametrize("colour_at", [style.viridis, style.shade], ids=["viridis", "shade"])
def test_black_ink_from_bisects_to_the_first_black_value_of_the_grid(colour_at):
    grid = np.linspace(0, 1, 1001)
    first_black = next(float(v) for v in grid if style.ink_for(colour_at(float(v))) == style.BLACK)  # every value
    assert style.black_ink_from(colour_at) == round(first_black, 3)
    assert style.black_ink_from(lambda value: "#000000") == 1.0  # white ink everywhere: black from nowhere
    assert style.black_ink_from(lambda value: "#FFFFFF") == 0.0


@pytest.mark.parametrize("weight", np.linspace(0, 1, 201))
def test_heatmap_values_contrast_with_their_cell(weight):
    ink = style.WHITE if weight < heatmaps.VALUE_INK_FROM else style.BLACK
    assert style.contrast_ratio(ink, style.viridis(weight)) >= 4.5


def config_text_colours(config):
    for section in config.values():
        if isinstance(section, dict):
            yield from (section[k] for k in TEXT_KEYS if k in section)


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("name", ["light", "dark"])
def test_every_text_colour_of_the_config_passes_aa_on_its_background(name, present):
    config = theme.chart_config(dark=name == "dark", present=present)
    assert config["background"] == BACKGROUNDS[name]
    colours = list(config_text_colours(config))
    assert len(colours) >= 8
    for colour in colours:
        assert style.contrast_ratio(colour, BACKGROUNDS[name]) >= 4.5, colour


def font_sizes(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.lower().endswith("fontsize"):
                yield value
            else:
                yield from font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            yield from font_sizes(item)


def test_present_mode_text_is_at_least_18_px_and_normal_mode_smaller():
    assert min(font_sizes(theme.chart_config(present=True))) >= theme.PRESENT_MIN_FONT
    assert min(font_sizes(theme.chart_config(present=False))) < theme.PRESENT_MIN_FONT


def test_apply_theme_merges_config_and_lifts_explicit_sizes_in_present_mode():
    w = softmax(np.where(causal_mask(4), 0.0, -np.inf))
    spec = charts.attention_heatmap(w, ["a", "b", "c", "."]).to_dict()
    themed = theme.apply_theme(spec, dark=True, present=True)
    assert "config" not in spec or "background" not in spec["config"]  # the caller's spec is untouched
    assert themed["config"]["background"] == theme.DARK_BACKGROUND
    assert min(font_sizes(themed)) >= theme.PRESENT_MIN_FONT
    assert min(font_sizes(theme.apply_theme(spec))) < theme.PRESENT_MIN_FONT
    lengths = [s["layer"][0]["encoding"]["color"]["legend"]["gradientLength"] for s in (spec, themed)]
    assert lengths[0] < lengths[1] == theme.PRESENT_GRADIENT_LENGTH  # "0%  50%  100%" at 18 px keep apart


def test_a_legend_at_the_side_needs_a_shorter_gradient_on_a_projector():
    """Its labels stand one above the other: three lines of 18 px, not three numbers side by side."""
    strip = charts.token_strip_chart("the cat sat on the mat".split(), 4, 3, attention=[0.1, 0.6, 0.3], present=True)
    themed = theme.apply_theme(strip.to_dict(), present=True)
    legend = themed["layer"][1]["encoding"]["color"]["legend"]  # the shades' layer, after the boxes
    assert legend["orient"] == "right" and legend["gradientLength"] == 100  # its own, not lifted to 180
    short = {"mark": "rect", "encoding": {"color": {"field": "w", "type": "quantitative",
                                                    "legend": {"orient": "left", "gradientLength": 40}}}}  # fmt: skip
    lifted = theme.apply_theme(short, present=True)["encoding"]["color"]["legend"]["gradientLength"]
    assert lifted == theme.PRESENT_UPRIGHT_GRADIENT_LENGTH > 3 * theme.PRESENT_MIN_FONT


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("n", [1, 2, 5, 12, 20, 32])
def test_heatmap_labels_never_overlap(n, present):
    words = ["whenever", "a", ".", "little", "riding", "hood"] * 6
    labels = charts.position_labels(words[:n])
    layout = heatmaps.heatmap_layout(labels, cap=720 if present else 480, present=present)
    assert layout.x_step * layout.cell >= layout.label_limit + 6  # horizontal key labels, each in its own slot
    assert layout.y_step * layout.cell >= heatmaps.line_px(layout.font)  # a label's whole box, not just its font
    assert labels[-1] in heatmaps.shown_labels(labels, layout.x_step)  # the chosen word is always labelled
    assert layout.cell * n >= 160


def test_heatmap_at_window_32_is_near_square_with_thinned_horizontal_labels():
    w = softmax(np.where(causal_mask(32), 0.0, -np.inf))
    spec = charts.attention_heatmap(w, [f"w{i}" for i in range(32)]).to_dict()
    x_axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert x_axis["labelAngle"] == 0 and len(x_axis["values"]) < 32
    assert spec["width"] == spec["height"] <= 480


def explicit_text_colours(node, inside_text=False):
    """(colour, where) for every colour a text mark sets itself (mark property, value, condition)."""
    if isinstance(node, list):
        for item in node:
            yield from explicit_text_colours(item, inside_text)
        return
    if not isinstance(node, dict):
        return
    mark = node.get("mark")
    is_text = inside_text or mark == "text" or (isinstance(mark, dict) and mark.get("type") == "text")
    if isinstance(mark, dict) and is_text:
        yield from ((mark[k], "mark") for k in ("color", "fill") if k in mark)
    for channel in ("color", "fill"):
        enc = node.get("encoding", {}).get(channel) if is_text else None
        if isinstance(enc, dict):
            conditions = enc.get("condition", [])
            for part in [enc, *(conditions if isinstance(conditions, list) else [conditions])]:
                if "value" in part:
                    yield part["value"], "value"
                if "field" in part and part.get("scale", "") is None:
                    yield f"field:{part['field']}", "column"
    for key, value in node.items():
        if key not in ("mark", "encoding", "datasets"):
            yield from explicit_text_colours(value)


@pytest.mark.parametrize("present", [False, True])
def test_no_builder_hard_codes_text_colour_on_the_background(present):
    """Text on the background takes the theme's colour; only text inside a cell or box sets its own, and
    that is black/white chosen against the cell (tested above and in tests/test_charts.py)."""
    from tests.chart_gallery import gallery

    allowed = {("#FFFFFF", "value"), ("#000000", "value"), ("field:ink", "column")}  # heatmap values, strip ink
    for name, chart in gallery(present).items():
        found = set(explicit_text_colours(chart.to_dict()))
        assert found <= allowed, (name, found - allowed)
