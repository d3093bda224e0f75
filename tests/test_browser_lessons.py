"""Issue 19's acceptance test in real Chromium: the Lessons page at 1280x720 in presentation mode, every lesson
stepped through with the keyboard (→ and the clicker's PageDown), each step fitting the screen with chart text
of at least 18 px and a clean console; a lesson's link opens its step."""

from __future__ import annotations

import pytest

from attention.charts.theme import PRESENT_MIN_FONT
from lab.lessons.catalog import LESSONS
from tests.conftest import wait_until_idle
from tests.test_browser_room import CHART, TEXTS

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 720
SUBHEADER = '[data-testid="stHeadingWithActionElements"] h3'


BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")
"""Streamlit's frontend on a page's own path (/lesson) first asks /lesson/_stcore/health and host-config (it
guesses a base path), gets 404, then uses the root: its own probe, not an error of the page."""


def problem(message) -> bool:
    url = (message.location or {}).get("url", "")
    return message.type in ("warning", "error") and not url.endswith(BASE_PATH_PROBES)


def open_lessons(browser, app_url, query: str):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append((m.type, m.text, m.location)) if problem(m) else None)
    page.on("pageerror", lambda e: page.problems.append(("pageerror", str(e))))
    page.goto(f"{app_url}/{'lesson' if 'lesson=' in query else 'lessons'}?{query}")
    return context, page


def off_screen(page) -> dict:
    """Parts of the step outside the 1280x720 screen: its title, its chart, Previous and Next."""
    parts = {"title": page.locator(SUBHEADER).first, "chart": page.locator(CHART).first,
             "Previous": page.locator('button:visible:has-text("Previous")').first,
             "Next": page.locator('button:visible:has-text("Next")').first}  # fmt: skip
    off = {}
    for name, locator in parts.items():
        box = locator.bounding_box()
        if (
            box is None
            or box["x"] < 0
            or box["y"] < 0
            or box["x"] + box["width"] > WIDTH + 0.5
            or (box["y"] + box["height"] > HEIGHT + 0.5)
        ):
            off[name] = box
    return off


def test_the_list_links_open_a_lesson_at_its_first_step(browser, app_url):
    context, page = open_lessons(browser, app_url, "present=1")
    try:
        page.get_by_text("1. From scores to weights").click()
        page.wait_for_function("() => new URLSearchParams(location.search).get('lesson') === 'scores-to-weights'")
        page.wait_for_selector(f"{CHART} svg.marks", timeout=90_000)
        wait_until_idle(page)
        assert "step 1 of" in page.locator(SUBHEADER).first.inner_text()
    finally:
        context.close()


def test_a_lesson_link_opens_its_step(browser, app_url):
    context, page = open_lessons(browser, app_url, "lesson=why-positions-matter&step=3&present=1")
    try:
        page.wait_for_selector(f"{CHART} svg.marks", timeout=90_000)
        wait_until_idle(page)
        assert "step 3 of 4" in page.locator(SUBHEADER).first.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("slug", list(LESSONS))
def test_every_step_fits_the_projector_by_keyboard(browser, app_url, slug):
    steps = len(LESSONS[slug].steps)
    context, page = open_lessons(browser, app_url, f"lesson={slug}&step=1&present=1")
    try:
        page.wait_for_selector(f"{CHART} svg.marks", timeout=90_000)
        wait_until_idle(page)
        for step in range(1, steps + 1):
            assert f"step {step} of {steps}" in page.locator(SUBHEADER).first.inner_text()
            assert not off_screen(page), (step, off_screen(page))
            texts = page.evaluate(TEXTS)
            small = sorted({(t["text"], round(t["size"], 1)) for t in texts if t["size"] < PRESENT_MIN_FONT})
            assert texts and not small, (step, small[:10])
            if step < steps:
                page.keyboard.press("ArrowRight" if step % 2 else "PageDown")
                page.wait_for_function("s => new URLSearchParams(location.search).get('step') === s", arg=str(step + 1))
                wait_until_idle(page)
        page.keyboard.press("PageUp")
        page.wait_for_function("s => new URLSearchParams(location.search).get('step') === s", arg=str(steps - 1))
        wait_until_idle(page)
        assert not page.problems, page.problems
    finally:
        context.close()
