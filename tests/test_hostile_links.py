"""Hostile links through AppTest: no exception, and every setting ends inside its documented range.

The values come from harness/hostile.py (huge, negative, NaN, inf, 10,000-character strings, unknown views,
repeated keys, HTML and Markdown). CI runs a few dozen; `python bench/hostile.py` runs thousands.
"""

from __future__ import annotations

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
