"""The app as a reader opening a link sees it, through Streamlit's AppTest (no browser, no server)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
RUN_TIMEOUT_S = 120
"""Longest one run may take before AppTest gives up: a ceiling for a shared, busy machine, not a measurement."""


def open_app(query: Mapping[str, object] | None = None, *, timeout_s: float = RUN_TIMEOUT_S) -> AppTest:
    """The app after its first run, with `query` as its URL query: `open_app({"view": "Train", "t_heads": 2})`.

    Values are sent as the text a URL carries (str() of numbers); a list stands for a key repeated."""
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.query_params.update({key: v if isinstance(v, str | list) else str(v) for key, v in (query or {}).items()})
    return at.run()


def until_trained(at: AppTest, *, tries: int = 240) -> AppTest:
    """Rerun, as the progress fragment does in a browser, until no training is running or queued."""
    for _try in range(tries):
        if not at.get("progress") and not any("queue" in info.value for info in at.info):
            return at
        time.sleep(0.25)
        at.run()
    raise AssertionError("training did not finish")
