"""A real browser under hostile conditions: every main control redraws the chart, and hostile text is inert.

Hostile text (script tags, an image with onerror, a javascript: link, Vega expression strings, a
5,000-character word, right-to-left scripts) is typed into the text box and committed as a user would.
It must open no dialog, raise no exception box, log no console error, and break no layout: nothing wider
than the viewport, every chart inside the main column.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser
BLOG = "The blog's method: a toy"

CHART = '[data-testid="stVegaLiteChart"]'
NEXT_WORD = "probability of being the next word"
TEXT_AREA = '[data-testid="stTextArea"] textarea'
LEAD = "one two three four five six seven eight nine"  # the default position predicts after token 9

HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "javascript link": "[x](javascript:alert(1))",
    "vega signal": '{"signal": "alert(1)"}',
    "vega expression": "datum.x + alert(1)",
    "svg onload": "<svg/onload=alert(1)>",
    "5,000-char word": "a" * 5000,
    "hebrew": "שלום עולם, מה שלומך היום",
    "arabic": "مرحبا بالعالم، كيف حالك اليوم",
}


def next_word_chart(page):
    return page.locator(CHART).filter(has_text=NEXT_WORD)


def chart_html(page) -> str:
    chart = next_word_chart(page)
    return chart.first.inner_html() if chart.count() else ""


def wait_for_redraw(page, before: str, timeout: int = 30_000) -> None:
    """Wait until the next-word chart's drawing differs from `before` (and has marks)."""
    page.wait_for_function(
        "([sel, text, old]) => { const el = [...document.querySelectorAll(sel)]"
        ".find(e => e.textContent.includes(text));"
        " return el && el.querySelector('.marks') && el.innerHTML !== old; }",
        arg=[CHART, NEXT_WORD, before],
        timeout=timeout,
    )


def slider(page, label: str, *, sidebar: bool = False):
    root = page.locator('[data-testid="stSidebar"]') if sidebar else page
    return root.locator('[data-testid="stSlider"]').filter(has_text=label).locator('input[type="range"]').first


def open_app(page, app_url: str) -> None:
    """The blog's method: its next-word chart is drawn for any text of two words (no training needed), and
    every sidebar control (the Blog-faithful toggle too) changes it."""
    page.goto(f"{app_url}/?view={quote(BLOG)}")
    next_word_chart(page).locator(".marks").first.wait_for(timeout=60_000)
    wait_until_idle(page)


def problems(page) -> list:
    return [m for m in page.console_messages if m[0] in ("error", "pageerror", "dialog")]


def layout_overflow(page) -> list[str]:
    """Everything that breaks the layout: a page or main column wider than its box, a chart outside the column."""
    return page.evaluate(
        """() => {
        const out = [];
        const width = window.innerWidth;
        if (document.documentElement.scrollWidth > width + 1)
            out.push(`page scrollWidth ${document.documentElement.scrollWidth} > viewport ${width}`);
        // Streamlit scrolls its main column itself, so a too-wide element widens stMain, not the document
        const scroller = document.querySelector('[data-testid="stMain"]');
        if (scroller && scroller.scrollWidth > scroller.clientWidth + 1)
            out.push(`main column scrollWidth ${scroller.scrollWidth} > its width ${scroller.clientWidth}`);
        const main = document.querySelector('[data-testid="stMainBlockContainer"]') || scroller;
        const m = main.getBoundingClientRect();
        document.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((chart, i) => {
            const r = chart.getBoundingClientRect();
            if (r.width === 0) return;
            if (r.left < m.left - 1 || r.right > m.right + 1)
                out.push(`chart ${i} spans ${Math.round(r.left)}..${Math.round(r.right)}`
                         + ` outside the main column ${Math.round(m.left)}..${Math.round(m.right)}`);
        });
        return out;
    }"""
    )


def test_every_main_control_redraws_the_next_word_chart(page, app_url):
    open_app(page, app_url)

    def changes(action, name):
        before = chart_html(page)
        action()
        try:
            wait_for_redraw(page, before)
        except Exception as error:
            raise AssertionError(f"the next-word chart did not redraw after changing {name}") from error
        wait_until_idle(page)

    def press(locator, key, times=1):
        def act():
            locator.focus()
            for _ in range(times):
                locator.press(key)

        return act

    changes(press(slider(page, "Predict the word after token number"), "ArrowRight", 2), "the position slider")
    changes(press(slider(page, "Context window"), "ArrowLeft"), "the context window slider")
    changes(press(slider(page, "Temperature", sidebar=True), "ArrowLeft", 3), "the temperature slider")
    faithful = page.locator('[data-testid="stSidebar"] label').filter(has_text="Blog-faithful")
    changes(faithful.click, "the Blog-faithful toggle")

    def pick_example():
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Example").click()
        page.get_by_role("option", name="Short story").click()

    changes(pick_example, "the example text")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not problems(page), problems(page)
    assert not layout_overflow(page), layout_overflow(page)


def test_hostile_text_is_inert_and_keeps_the_layout(page, app_url):
    open_app(page, app_url)
    area = page.locator(TEXT_AREA).first
    for name, hostile in HOSTILE.items():
        text = f"{LEAD} {hostile} {hostile[::-1][:40]} ten eleven {hostile} twelve"
        before = chart_html(page)
        area.fill(text)
        area.press("Control+Enter")
        try:
            wait_for_redraw(page, before)
        except Exception as error:
            raise AssertionError(f"{name}: the chart did not redraw after the text changed") from error
        wait_until_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        assert not problems(page), (name, problems(page))
        assert not layout_overflow(page), (name, layout_overflow(page))
    # the hostile strings arrived as text: the page shows them literally and made no element from them
    assert page.locator("img[src='x'], svg[onload]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
