"""Settings to and from a URL query: valid values round-trip, invalid ones are ignored, defaults stay out."""

import pytest

from lab.serving import limits
from lab.serving.links import Setting, decode, encode, text_fits_in_link

SETTINGS = {
    "position": Setting(9, low=1),
    "temperature": Setting(1.0, low=0.1, high=3.0),
    "faithful": Setting(False),
    "example": Setting("Rhyme", choices=("Rhyme", "Story")),
}


def test_round_trip_of_non_default_values():
    values = {"position": 12, "temperature": 0.5, "faithful": True, "example": "Story"}
    query = encode(values, SETTINGS)
    assert query == {"position": "12", "temperature": "0.5", "faithful": "1", "example": "Story"}
    assert decode(query, SETTINGS) == values


def test_defaults_are_left_out_of_links():
    assert encode({"position": 9, "temperature": 1.0, "faithful": False, "example": "Rhyme"}, SETTINGS) == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"position": "banana"}, {}),
        ({"position": "nan"}, {}),
        ({"position": "-5"}, {"position": 1}),
        ({"temperature": "99"}, {"temperature": 3.0}),
        ({"faithful": "yes please"}, {}),
        ({"faithful": "true"}, {"faithful": True}),
        ({"example": "<script>"}, {}),
        ({"unknown": "1"}, {}),
        ({"position": "7.9"}, {"position": 7}),
    ],
)
def test_invalid_values_are_ignored_or_clamped(query, expected):
    assert decode(query, SETTINGS) == expected


def test_text_length_limit_for_links():
    assert text_fits_in_link("a" * limits.MAX_LINK_TEXT_CHARS)
    assert not text_fits_in_link("a" * (limits.MAX_LINK_TEXT_CHARS + 1))
    assert not text_fits_in_link("🔎" * 600)  # 600 characters, 7,200 once percent-encoded
    assert text_fits_in_link("é" * (limits.MAX_LINK_TEXT_BYTES // 6))


def test_numeric_choices_accept_only_listed_values():
    heads = {"heads": Setting(1, choices=(1, 2, 4))}
    assert decode({"heads": "2"}, heads) == {"heads": 2}
    assert decode({"heads": "3"}, heads) == {}


@pytest.mark.parametrize(
    ("key", "sent", "expected"),
    [
        ("example", "Nope", "Rhyme"),  # an option not offered
        ("example", None, "Rhyme"),  # a cleared selection
        ("example", ["Story"], "Rhyme"),
        ("example", "Story", "Story"),
        ("faithful", 1, False),  # a bool only
        ("faithful", True, True),
        ("position", float("nan"), 9),
        ("position", float("-inf"), 9),
        ("position", -5, 1),  # clamped, as a link's value is
        ("position", 12.7, 12),
        ("position", 10**400, 10**400),  # no top in the table: the caller's `high` gives one
        ("position", True, 9),
        ("position", "12", 9),
        ("temperature", 99.0, 3.0),
        ("temperature", 0, 0.1),
    ],
)
def test_a_widget_value_a_client_sent_is_made_valid(key, sent, expected):
    got = SETTINGS[key].valid(sent)
    assert got == expected and type(got) is type(expected)


def test_a_valid_value_has_the_callers_range_and_the_tables_choices():
    assert SETTINGS["position"].valid(10**400, high=30) == 30
    assert SETTINGS["position"].valid(0, low=3) == 3
    dims = Setting(16, choices=(8, 16, 32, 64))
    assert dims.valid(32.0) == 32 and type(dims.valid(32.0)) is int
    assert dims.valid(33) == 16 and dims.valid(float("nan")) == 16
