"""The settings table is the one source of every widget's range and of what links accept."""

import pytest
from streamlit.testing.v1 import AppTest

from harness.app import open_app
from lab.serving import links
from lab.table import CONTROLS, SETTINGS, VIEW_NAMES
from lab.views import VIEWS

TEXT_BOUND = {"position", "window"}  # their tops follow the text and the position


def widgets_by_key(at: AppTest) -> dict:
    found = {}
    for kind in ("slider", "select_slider", "selectbox", "radio", "toggle", "number_input", "button_group"):
        for element in at.get(kind):
            if element.key in CONTROLS:
                found[element.key] = ("segmented_control" if kind == "button_group" else kind, element)
    return found


def every_widget() -> dict:
    found = {}
    for view in VIEW_NAMES:
        found.update(widgets_by_key(open_app({"view": view})))
    return found


@pytest.fixture(scope="module")
def drawn():
    return every_widget()


def test_every_setting_with_a_widget_is_drawn_somewhere(drawn):
    assert set(drawn) == {key for key, control in CONTROLS.items() if control.kind != "none"}


@pytest.mark.parametrize("key", [key for key, control in CONTROLS.items() if control.kind != "none"])
def test_each_widget_takes_its_kind_range_and_label_from_the_table(drawn, key):
    control, (kind, element) = CONTROLS[key], drawn[key]
    assert kind == control.kind and element.label == control.label
    setting = control.setting
    if kind in ("slider", "number_input"):
        assert element.min == setting.low
        if key not in TEXT_BOUND:
            assert element.max == setting.high
    elif kind in ("select_slider", "selectbox", "radio", "segmented_control"):
        shown = [str(control.labels.get(choice, choice)) for choice in setting.choices]
        assert list(element.options) == shown


def test_links_are_checked_against_the_same_table():
    assert {key: control.setting for key, control in CONTROLS.items()} == SETTINGS
    assert links.decode({"temperature": "99", "t_heads": "3"}, SETTINGS) == {"temperature": 3.0}


def test_the_views_are_the_registry():
    assert tuple(VIEWS) == VIEW_NAMES
    assert SETTINGS["view"].choices == VIEW_NAMES
