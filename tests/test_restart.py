"""A server killed mid-training and started again loses nothing a link can carry (issue 13, part 5).

In real Chromium against a real `streamlit run`: paste a text too long for a URL (the page stores it and
its link carries the key), open that link, press Train, kill the server (SIGKILL) while it trains, start
it again on the same port and store. The page reconnects by itself and shows the same text and a message
that training must be restarted. Train again, then restart once more and open the shared link in a fresh
browser: Train gives the same numbers (the budget counts steps).
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from harness import serving
from harness.prose import generated_prose

pytestmark = [pytest.mark.serving, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
SLOW_SETTINGS = "&view=Train&t_window=16&t_dim=64&reads=prompt"  # a few seconds of training on the long text
# (not the built-in stories, whose models the server keeps on disk: one trained before would not train again)
RESTARTED = "restarted while this model was training"
SUMMARY = re.compile(r"Trained [\d,]+ steps")


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.locator("textarea").first.wait_for(timeout=90_000)
    return page


def numbers(page) -> str:
    """The training summary and verdict as shown, without the seconds (they vary with the machine's load)."""
    page.get_by_text(SUMMARY).first.wait_for(timeout=120_000)
    shown = page.locator('[data-testid="stMarkdown"]').all_inner_texts()
    lines = [re.sub(r" in [\d.]+ s;", ";", text) for text in shown if "perplexity" in text or SUMMARY.search(text)]
    assert len(lines) >= 2, shown
    return "\n".join(lines)


def test_a_restart_mid_training_keeps_the_text_says_so_and_the_link_gives_the_same_numbers(
    browser, tmp_path, monkeypatch
):
    monkeypatch.setenv("LAB_STORE_PATH", str(tmp_path / "texts.sqlite3"))  # the servers inherit it
    text = generated_prose(6000, seed=13)
    assert len(text) > 20_000
    port = serving.free_port()
    url = f"http://127.0.0.1:{port}"
    server = serving.start(ROOT / "app.py", port)
    try:
        writer = open_page(browser, url)
        writer.locator("textarea").first.fill(text)
        writer.locator("textarea").first.press("Control+Enter")
        writer.wait_for_url(re.compile(r"text_key=[0-9a-f]{16}"), timeout=60_000)
        link = writer.url
        writer.context.close()

        page = open_page(browser, link + SLOW_SETTINGS)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_role("button", name="Stop training").wait_for(timeout=60_000)  # training, not yet done
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=20)
        server = serving.start(ROOT / "app.py", port)

        page.get_by_text(RESTARTED).wait_for(timeout=90_000)  # the page reconnected by itself
        assert page.locator("textarea").first.input_value() == text
        assert page.locator('[data-testid="stException"]').count() == 0
        page.get_by_role("button", name="Train", exact=True).click()
        first = numbers(page)
        shared = re.sub(r"&?training=1", "", page.url)
        page.context.close()

        server.terminate()
        server.wait(timeout=20)
        server = serving.start(ROOT / "app.py", port)
        again = open_page(browser, shared)
        assert again.locator("textarea").first.input_value() == text
        assert again.get_by_text(RESTARTED).count() == 0  # a fresh reader was not mid-training
        again.get_by_role("button", name="Train", exact=True).click()
        assert numbers(again) == first
        again.context.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
