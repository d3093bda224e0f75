"""Shared fixtures: the app on the blog's view (AppTest), a real Streamlit server and a headless Chromium,
PostgreSQL for the stores, and the default model ready before any test opens the app.

Opening the app with a link's query is `harness.app.open_app(query)` (one function, which bench/hostile.py
uses too); `app` below is the one state many tests start from.

Browser tests skip with a reason when Chromium or Playwright is missing, unless the environment
sets REQUIRE_BROWSER=1 (as .ci/run does): then a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from harness import serving
from harness.app import open_app
from tests import postgres_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = serving.CHROMIUM_ARGS
CHROMIUM = serving.CHROMIUM


def pytest_configure(config):
    """Long texts the tests' pages store go to a throwaway file, not the project's var/texts.sqlite3."""
    os.environ["LAB_STORE_PATH"] = str(Path(tempfile.mkdtemp(prefix="lab-store-")) / "texts.sqlite3")


@pytest.fixture
def app():
    """The blog's method: no trained model needed, and its view has the token strip, the next-word bars, the
    vocabulary caption and every shared control (dimension, seed, faithful, temperature, top N)."""
    return open_app({"view": "The blog's method: a toy"})


def _missing_browser_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install -r requirements-dev.txt)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM=/path)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser_reason()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here (REQUIRE_BROWSER=1) but: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_url(browser):
    port = serving.free_port()
    process = serving.start(ROOT / "app.py", port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda m: page.console_messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: page.console_messages.append(("pageerror", str(e))))
    page.on("dialog", lambda d: (page.console_messages.append(("dialog", d.message)), d.dismiss()))
    yield page
    context.close()


IDLE = """() => {
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const running = status && /Running|Stop/.test(status.textContent);
  const stale = document.querySelector('[data-stale="true"]');
  const progress = document.querySelector('[data-testid="stProgress"]');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const drawn = charts.every(c => c.querySelector('svg.marks, canvas.marks'));
  return !running && !stale && !progress && drawn;
}"""
"""True once a rerun has finished: no running indicator, no stale (greyed) element, no training
progress bar, and every chart on the page drawn."""


def wait_until_idle(page, timeout: int = 90_000) -> None:
    """Wait on the DOM (not the clock) until Streamlit has finished the rerun and drawn every chart."""
    page.wait_for_function(IDLE, timeout=timeout, polling=50)


@pytest.fixture(scope="session", autouse=True)
def default_model_ready():
    """The default model (the built-in stories) trained, or loaded from the disk cache, before any test opens
    the app: as on a server after its first page view, Predict then opens on it at once."""
    import lab.models
    from attention.teaching import collection
    from attention.training.settings import TrainingSettings

    job = lab.models.training_jobs().start(collection.collection("en"), TrainingSettings())
    assert job.wait(600) and job.model is not None, job.error


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server of the test session's own (tests/postgres_server.py); its admin URL."""
    with postgres_server.postgres_server() as url:
        yield url


@pytest.fixture
def postgres_db(postgres_url):
    """A fresh database on that server, for one test: its URL (as LAB_STORE_URL would give it)."""
    with postgres_server.database(postgres_url) as url:
        yield url
