"""Hostile links and forged widget values through AppTest: no exception, every setting inside its documented range.

The values come from harness/hostile.py (huge, negative, NaN, inf, 10,000-character strings, unknown views,
repeated keys, HTML and Markdown; for widgets, any value of the widget's own type as a websocket client can
send it). CI runs a few dozen of each; `python bench/hostile.py` runs thousands.
"""

from __future__ import annotations

import io
import logging
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from harness import hostile
from harness.app import open_app


def test_the_range_check_catches_what_it_should():
    table = hostile.settings_table()
    assert hostile.out_of_range("window", 4, table["window"]) is None
    assert hostile.out_of_range("window", 0, table["window"])
    assert hostile.out_of_range("temperature", float("nan"), table["temperature"])
    assert hostile.out_of_range("view", "Nope", table["view"])
    assert hostile.out_of_range("faithful", "1", table["faithful"])


def test_a_link_is_really_read():
    at = open_app({"window": "3", "seed": "-5", "view": ["Train", "Nope"]})
    assert hostile.problems(at) == []
    assert (at.session_state["window"], at.session_state["seed"], at.session_state["view"]) == (3, 0, "Predict")
    assert hostile.check_link({"text": "word " * 30_000}) == []  # cut to the limit, with the warning


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(query=hostile.links())
def test_a_hostile_link_never_raises_and_keeps_every_setting_in_range(query):
    found = hostile.check_link(query)
    assert not found, f"{ {k: (v[:80] if isinstance(v, str) else v) for k, v in query.items()} }: {found}"


def forge(query: dict, key: str, value: object) -> list[str]:
    """Open `query`, then send `value` as widget `key`'s state, as a websocket client can; what went wrong."""
    at = open_app(query)
    widgets = sorted(at._session_state._state._new_widget_state.widget_metadata)
    pick = next(i for i, widget_id in enumerate(widgets) if widget_id.endswith("-" + key))
    field = at._session_state._state._new_widget_state.widget_metadata[widgets[pick]].value_type
    hostile.send_forged(at, pick, {} if value is None else {field: value, "selection": value})
    return hostile.problems(at)


def test_the_forged_values_the_issue_found_give_no_traceback():
    assert forge({}, "example", "not an example") == []  # was KeyError in controls.load_example
    assert forge({}, "view", []) == []  # an empty selection: was KeyError: None in page.py
    assert forge({"view": "What if", "edit": "replace"}, "edit_index", "7") == []
    assert forge({}, "seed", float("nan")) == []  # Streamlit's int input raised before the script ran
    assert forge({}, "window", [float("inf")]) == []
    assert forge({}, "strip", '{"selection": {"pick": true}}') == []
    assert forge({"view": "Generate"}, "gen_pick", None) == []


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=hostile.forgeries())
def test_forged_widget_values_never_raise_and_keep_every_setting_in_range(case):
    found = hostile.check_forged(case)
    assert not found, f"{str(case)[:300]}: {found}"


def test_the_shipped_config_keeps_tracebacks_on_the_server_and_logs_them():
    """client.showErrorDetails = "none": the page says only that something failed; the server's log has it all."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    shipped = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())["client"][
        "showErrorDetails"
    ]
    assert shipped == "none" and shipped in {option.value for option in config.ShowErrorDetailsConfigOptions}
    log, handler = io.StringIO(), None
    previous = config.get_option("client.showErrorDetails")
    try:
        config.set_option("client.showErrorDetails", shipped)
        handler = logging.StreamHandler(log)
        logging.getLogger("streamlit.error_util").addHandler(handler)
        at = AppTest.from_string("raise KeyError('secret detail from the code')").run()
    finally:
        logging.getLogger("streamlit.error_util").removeHandler(handler)
        config.set_option("client.showErrorDetails", previous)
    (shown,) = at.exception
    assert "secret detail" not in shown.message and not shown.stack_trace and "error" in shown.message
    assert "Uncaught app execution" in log.getvalue() and "secret detail from the code" in log.getvalue()
