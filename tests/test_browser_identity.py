"""Which browser a tab belongs to, read as the page reads it (lab.models.browser_id), in real Chromium.

Every tab of one browser sends the same `_streamlit_xsrf` token (masked differently in each tab), so they share one
id and queue one training at a time (tests/test_jobs_queue.py); another browser has another id.
"""

from __future__ import annotations

import pytest

from harness import serving

pytestmark = pytest.mark.browser

PAGE = """import streamlit as st
from lab.models import browser_id, session_id
st.markdown(f"BROWSER {browser_id()} TAB {session_id()}")
"""


@pytest.fixture(scope="module")
def identity_url(browser, tmp_path_factory):
    script = tmp_path_factory.mktemp("identity") / "identity_page.py"
    script.write_text(PAGE)
    port = serving.free_port()
    process = serving.start(script, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def ids(page, url: str) -> tuple[str, str]:
    """(browser id, tab id) as the page wrote them."""
    page.goto(url)
    text = page.locator("text=BROWSER").inner_text(timeout=30_000)
    _, browser, _, tab = text.split()
    return browser, tab


def test_every_tab_of_a_browser_shares_one_id_and_another_browser_has_its_own(browser, identity_url):
    mine, theirs = browser.new_context(), browser.new_context()
    try:
        tabs = [ids(mine.new_page(), identity_url) for _ in range(3)]
        other = ids(theirs.new_page(), identity_url)
    finally:
        mine.close()
        theirs.close()
    assert len({tab for _, tab in tabs}) == 3, "each tab is a session of its own"
    assert len({browser for browser, _ in tabs}) == 1 and tabs[0][0].startswith("browser:")
    assert other[0].startswith("browser:") and other[0] != tabs[0][0]
