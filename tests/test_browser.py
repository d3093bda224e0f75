"""A real browser: the app starts, the bars render, a slider changes them, and nothing errs."""

import pytest

from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'


def bar_chart(page):
    """The next-word chart: the one whose marks include bars (rect paths)."""
    return page.locator(CHART).filter(has_text="probability of being the next word")


def chart_labels(page):
    return bar_chart(page).locator("svg .mark-text.role-axis-label text, svg g.role-axis-label text").all_inner_texts()


def test_app_renders_bars_and_reacts_to_the_context_window(page, app_url):
    page.goto(app_url)
    page.wait_for_selector(f"{CHART} svg.marks", timeout=60_000)
    chart = bar_chart(page)
    chart.wait_for(timeout=30_000)
    bars = chart.locator("svg .mark-rect path")
    assert bars.count() >= 10
    before = chart.inner_html()

    window = page.locator('[data-testid="stSlider"]').filter(has_text="Context window").locator('input[type="range"]')
    window.focus()
    for _ in range(3):
        window.press("ArrowLeft")
    page.wait_for_function(
        "([sel, old]) => { const el = [...document.querySelectorAll(sel)]"
        ".find(e => e.textContent.includes('probability of being the next word'));"
        " return el && el.innerHTML !== old; }",
        arg=[CHART, before],
        timeout=30_000,
    )
    wait_until_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    errors = [m for m in page.console_messages if m[0] in ("error", "pageerror", "dialog")]
    assert not errors, errors
