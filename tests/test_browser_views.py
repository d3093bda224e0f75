"""Every view in a real browser at desktop and phone width; presentation mode; nothing leaves the machine.

Screenshots go to the pytest temporary directory (kept for the last few runs) so a person can look.
"""

from urllib.parse import quote, urlparse

import pytest

from lab.views import VIEWS as REGISTRY
from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser

VIEWS = list(REGISTRY)  # the registry is the one list of views
CHART = '[data-testid="stVegaLiteChart"]'
OVERFLOW = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].flatMap(el => {
  const marks = el.querySelector('svg.marks, canvas.marks');
  if (!marks) return [];
  const r = marks.getBoundingClientRect();
  const box = (el.closest('[data-testid="stColumn"]') || el.closest('[data-testid="stMainBlockContainer"]'))
    .getBoundingClientRect();
  const over = r.right > box.right + 1 || r.left < box.left - 1;
  return over ? [`${Math.round(r.width)} px chart in ${Math.round(box.width)} px`] : [];
})"""
SIDEWAYS = """() => [
  ...[...document.querySelectorAll('[data-testid="stTable"]')].map(el => [el, el.querySelector('table')]),
  ...[...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')].map(el => [el, el.firstElementChild]),
].flatMap(([box, content]) => {
  const over = content.scrollWidth > box.clientWidth + 1;
  return over ? [`${content.scrollWidth} px table in ${box.clientWidth} px: ${box.innerText.slice(0, 40)}`] : [];
})"""


def open_view(browser, app_url, view, width, *, query="", color_scheme="light", height=800):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/?view={quote(view)}{query}")
    page.wait_for_selector(f"{CHART} svg.marks, {CHART} canvas.marks", timeout=90_000)
    wait_until_idle(page)
    return context, page, errors


@pytest.fixture(scope="module", params=[1280, 390], ids=["1280", "390"])
def viewport(request, browser, app_url):
    """One page per width, tall enough to show a whole view (Streamlit scrolls inside its own column)."""
    width = request.param
    context, page, errors = open_view(browser, app_url, VIEWS[0], width, query="&t_heads=2&t_dim=16", height=2400)
    yield width, page, errors
    context.close()


def show_view(page, view: str) -> None:
    """Pick `view` in the view picker, as a person would, and wait until it is drawn."""
    page.locator('[data-testid="stButtonGroup"]').get_by_role("radio", name=view, exact=True).click()
    page.wait_for_function(
        "view => new URLSearchParams(location.search).get('view') === view || view === 'Predict'", arg=view
    )
    wait_until_idle(page)


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_fits_its_columns(viewport, view, tmp_path_factory):
    width, page, errors = viewport
    show_view(page, view)
    page.screenshot(path=tmp_path_factory.getbasetemp() / f"{view.replace(' ', '_')}_{width}_whole.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.evaluate(OVERFLOW) == []
    if width >= 1280:  # a table shows every column without scrolling sideways (a phone may scroll)
        assert page.evaluate(SIDEWAYS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not errors, errors


def test_presentation_mode_next_button_steps_through_the_text(browser, app_url):
    context, page, _ = open_view(browser, app_url, "Predict", 1280, query="&present=1&position=9")
    try:
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Predict the word after")
        assert "9" in slider.locator('[data-testid="stSliderThumbValue"]').inner_text()
        page.get_by_role("button", name="Next ▶").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stSliderThumbValue\"]')]"
            ".some(e => e.innerText === '10')",
            timeout=30_000,
        )
        page.wait_for_function("new URLSearchParams(location.search).get('position') === '10'", timeout=30_000)
        # the projector's screen goes to the strip and the chart: no title (the tab has it), larger type
        assert page.locator("h1").count() == 0
        assert page.evaluate("getComputedStyle(document.querySelector('.stMarkdown p')).fontSize") == "20.8px"
        notes = "[...document.querySelectorAll('.stMarkdownColoredText > span')].map(e => getComputedStyle(e).fontSize)"
        assert page.evaluate(notes) == ["20.8px"]  # the formula's note (small grey type) at a projector caption's size
    finally:
        context.close()


def test_page_load_makes_no_request_outside_this_machine(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    try:
        page.goto(f"{app_url}/?view=Predict")
        page.wait_for_selector(f"{CHART} svg.marks", timeout=90_000)
        wait_until_idle(page)
        assert hosts - {"127.0.0.1", "localhost", None} == set(), hosts
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_light_and_dark_themes_render(browser, app_url, scheme, tmp_path_factory):
    context, page, errors = open_view(browser, app_url, "Predict", 1280, color_scheme=scheme)
    try:
        page.screenshot(path=tmp_path_factory.getbasetemp() / f"theme_{scheme}.png", full_page=True)
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        red, green, blue = (int(v) for v in background[background.index("(") + 1 : -1].split(",")[:3])
        assert (red + green + blue > 600) == (scheme == "light"), background
        assert not errors, errors
    finally:
        context.close()
