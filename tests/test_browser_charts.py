"""Every chart builder drawn by real Vega in headless Chromium: a clean console, clicks that pick,
labels that never overlap, present-mode text ≥ 18 px and AA contrast in both themes, from the rendered SVG.

The page is vega-embed as vl-convert bundles it (offline, no Streamlit): the same Vega/Vega-Lite
family Streamlit draws with, so what warns or overlaps here does so in the app.
"""

import re

import pytest
import vl_convert  # requirements.txt: the chart page is built with its bundle

from attention import charts
from attention.charts import style, theme
from attention.charts.export import chart_spec
from tests.chart_gallery import WORDS, gallery

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chart_page(browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.messages = []
    page.on("console", lambda m: page.messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: page.messages.append(("pageerror", str(e))))
    yield page
    page.close()


def draw(page, spec: dict) -> None:
    html = vl_convert.vegalite_to_html(spec, bundle=True)
    html = html.replace(".catch(console.error)", ".then(r => { window.VIEW = r.view; }).catch(console.error)")
    page.goto("about:blank")  # a fresh document: the bundle declares its globals once per page
    page.messages.clear()
    page.set_content(html)
    page.wait_for_function("window.VIEW !== undefined", timeout=20_000)


def themed(chart, *, dark=False, present=False) -> dict:
    return theme.apply_theme(chart_spec(chart), dark=dark, present=present)


@pytest.mark.parametrize("dark", [False, True])
def test_every_chart_draws_without_a_vega_warning(chart_page, dark):
    for name, chart in gallery().items():
        draw(chart_page, themed(chart, dark=dark))
        assert chart_page.locator("svg.marks .mark-text, svg.marks path").count() > 0, name  # not empty
        noise = [m for m in chart_page.messages if m[0] in ("warning", "error", "pageerror")]
        assert not noise, (name, noise)


def test_clicking_a_token_picks_its_text_position(chart_page):
    draw(chart_page, themed(charts.token_strip_chart(WORDS, 8, 4, span=24, chars_per_row=34)))
    words = chart_page.locator("svg .role-mark text")
    texts = words.all_text_contents()
    target = texts.index("girl")  # position 10 in WORDS
    words.nth(target).click()
    store = chart_page.evaluate("VIEW.data('pick_store')")
    assert store[0]["values"] == [10]
    picked = {"selection": {"pick": [{"index": store[0]["values"][0]}]}}  # as Streamlit hands it over
    assert charts.picked_position(picked) == 10


def boxes(page, selector):
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; })",
    )


def overlapping(rects):
    return [
        (a, b)
        for i, a in enumerate(rects)
        for b in rects[i + 1 :]
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]


@pytest.mark.parametrize("present", [False, True])
@pytest.mark.parametrize("name", ["heatmap 32", "heatmaps 32", "head view 32", "matrix weights"])
def test_no_two_labels_overlap_at_window_32(chart_page, name, present):
    draw(chart_page, themed(gallery(present)[name], present=present))
    labels = 0
    for selector in ("svg .role-axis-label text", "svg .role-mark text"):  # axis labels; the head view's words
        rects = boxes(chart_page, selector)
        labels += len(rects)
        assert not overlapping(rects), (name, selector, overlapping(rects)[:3])
    assert labels >= 8, name  # something was measured


def rendered_text(page):
    return page.eval_on_selector_all(
        "svg text",
        "els => els.filter(e => e.textContent.trim()).map(e => [e.textContent, getComputedStyle(e).fontSize,"
        " e.getAttribute('fill') || getComputedStyle(e).fill])",
    )


@pytest.mark.parametrize("name", list(gallery()))
def test_present_mode_text_is_at_least_18_px(chart_page, name):
    draw(chart_page, themed(gallery(present=True)[name], present=True))
    small = [(t, size) for t, size, _ in rendered_text(chart_page) if float(size.rstrip("px")) < theme.PRESENT_MIN_FONT]
    assert not small, (name, small[:5])


def css_hex(colour: str) -> str | None:
    if colour.startswith("#"):
        return colour
    m = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", colour)
    return (
        None
        if not m or (m.group(4) and float(m.group(4)) == 0)
        else style.hex_colour([int(m.group(k)) for k in (1, 2, 3)])
    )


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("name", ["heatmaps", "head view", "embedding map", "next word", "loss curve", "matrix"])
def test_text_on_the_background_passes_aa_in_both_themes(chart_page, name, dark):
    """Text drawn on the background (not inside a cell: those are checked against their cell elsewhere)."""
    draw(chart_page, themed(gallery()[name], dark=dark))
    background = theme.DARK_BACKGROUND if dark else theme.LIGHT_BACKGROUND
    fills = {css_hex(fill) for _, _, fill in rendered_text(chart_page)} - {None, "#FFFFFF", "#000000"}
    fills |= {c for c in ("#FFFFFF", "#000000") if c == theme.palette(dark).text}
    assert fills, name
    for colour in fills:
        assert style.contrast_ratio(colour, background) >= 4.5, (name, colour)


def test_a_chinese_chart_s_text_is_drawn_with_a_cjk_font_s_glyphs(chart_page):
    # A character no installed font has is drawn as a box from a fallback: the platform font of the text would
    # be no CJK font, or its glyph count zero. fonts-noto-cjk (.ci/run, packages.txt, the Dockerfile) has them.
    words = ["小雨", "走", "到", "奶奶家", "，", "轻轻地", "敲", "门"]
    draw(chart_page, themed(charts.token_strip_chart(words, 5, 4, span=24, chars_per_row=34)))
    texts = chart_page.locator("svg .role-mark text")
    assert "奶奶家" in texts.all_text_contents()
    target = texts.nth(texts.all_text_contents().index("奶奶家"))
    assert target.evaluate("t => t.getBBox().width") > 20  # three characters wide, not collapsed
    cdp = chart_page.context.new_cdp_session(chart_page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "svg .role-mark text"})["nodeIds"]
    fonts = [cdp.send("CSS.getPlatformFontsForNode", {"nodeId": n})["fonts"] for n in node]
    drew = {font["familyName"]: font["glyphCount"] for found in fonts for font in found}
    assert any("CJK" in family and count > 0 for family, count in drew.items()), drew
    cdp.detach()
