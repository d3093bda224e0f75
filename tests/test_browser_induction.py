"""The Induction heads lesson in a real browser: one click trains it, and the induction score passes 0.5 live."""

import re
from urllib.parse import quote

import pytest

from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser

SCORE_PASSED = r"""() => {
  const text = document.body.innerText;
  const live = /best induction score (\d\.\d\d)/g;  // the progress bar's text while it trains
  const done = /best induction head \(layer \d, head \d\) scores (\d\.\d\d)/g;  // the verdict after
  const scores = [...text.matchAll(live), ...text.matchAll(done)].map(m => parseFloat(m[1]));
  return scores.some(score => score >= 0.5);
}"""


def test_the_lesson_trains_live_and_its_induction_score_passes_one_half(browser, app_url, tmp_path_factory):
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{app_url}/?view={quote('Induction heads')}&seed=0&ind_words=40")
        page.get_by_role("button", name="Train the two-layer model").click()
        page.wait_for_selector('[data-testid="stProgress"]', timeout=60_000)  # it trains live, not in one block
        page.wait_for_function(SCORE_PASSED, timeout=300_000, polling=250)
        page.screenshot(path=tmp_path_factory.getbasetemp() / "induction_lesson_live.png")
        page.wait_for_function("() => document.body.innerText.includes('It learned to copy.')", timeout=300_000)
        wait_until_idle(page, timeout=120_000)
        page.screenshot(path=tmp_path_factory.getbasetemp() / "induction_lesson.png", full_page=True)
        text = page.locator('[data-testid="stMain"]').inner_text()
        accuracy = int(re.search(r"predicts (\d+)% of the second copies", text).group(1))
        assert accuracy >= 80
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "ind_layers" not in page.url or "ind_layers=2" in page.url  # the lesson's state is in the link
        assert not errors, errors
    finally:
        context.close()
