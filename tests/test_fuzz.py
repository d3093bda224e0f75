"""The whole app under random input: any text, then random moves of whatever controls it shows.

Hypothesis draws a text (harness/hostile.py: any Unicode, empty, ~150,000 characters, punctuation only, one
word repeated) and then a short plan of control changes. Each move lands inside the range the widget itself reports
after the previous run, so the fuzz follows the app as its controls change (new panels included).
Every run must end without an exception.

Controls that train a model (the Train button, a "Trained on this text" option) are left alone: one
training run takes seconds, and this fuzz is about inputs. The Train panel has its own tests.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.app import open_app
from harness.hostile import texts

TRAINING = re.compile(r"\btrain", re.IGNORECASE)

# A move: which control (modulo how many the app shows), and where to set it. The plan is drawn up front and
# mapped onto the widgets afterwards, so what Hypothesis draws never depends on the app's state.
moves = st.lists(
    st.tuples(st.integers(0, 999), st.sampled_from(["min", "max", "any"]), st.integers(0, 10**6)),
    min_size=1,
    max_size=8,
)


def controls(at) -> list[tuple[str, object]]:
    """Every enabled widget we may move, as (kind, widget), in the app's order."""
    found = []
    for kind in ("slider", "number_input", "toggle", "checkbox", "selectbox", "radio", "button"):
        for widget in at.get(kind):
            if getattr(widget, "disabled", False):
                continue  # a browser user cannot move it either
            if kind == "button" and TRAINING.search(widget.label or ""):
                continue
            found.append((kind, widget))
    return found


def raw_options(widget) -> list:
    """The raw values behind a selectbox's or radio's labels, leaving out any option that trains a model.

    AppTest needs the raw value when the widget has a format_func (e.g. `format_func=METHODS.get`); it is
    found among the current value, the indices (`format_func=lambda i: ...`), the labels themselves and
    the keys of a dict whose `.get` is the format_func.
    """
    labels, format_func = list(widget.options), widget.format_func
    candidates = [widget.value, *range(len(labels)), *labels]
    owner = getattr(format_func, "__self__", None)
    if isinstance(owner, dict):
        candidates += list(owner)
    by_label = {}
    for value in candidates:
        try:
            label = format_func(value)
        except Exception:  # a format_func that only knows its own options
            continue
        if isinstance(label, str) and label in labels and not TRAINING.search(label):
            by_label.setdefault(label, value)
    return [by_label[label] for label in labels if label in by_label]


def move(widget, kind: str, where: str, pick: int) -> None:
    """Set `widget` to its minimum, its maximum, or the `pick`-th value of its range (modulo its size)."""
    if kind in ("slider", "number_input"):
        low, high, step = widget.min, widget.max, widget.step or 1
        if isinstance(widget.value, tuple | list) or not all(isinstance(v, int | float) for v in (low, high)):
            return  # a range slider or a date: none in this app
        steps = round((high - low) / step)
        index = {"min": 0, "max": steps}.get(where, pick % (steps + 1))
        value = min(max(low + index * step, low), high)
        widget.set_value(int(value) if isinstance(widget.value, int) else round(value, 6))
    elif kind in ("toggle", "checkbox"):
        widget.set_value(where == "max" or (where == "any" and pick % 2 == 1))
    elif kind in ("selectbox", "radio"):
        options = raw_options(widget)
        if options:
            widget.set_value(options[{"min": 0, "max": len(options) - 1}.get(where, pick % len(options))])
    elif kind == "button":
        widget.click()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=texts, plan=moves)
def test_any_text_and_any_controls_never_raise(text, plan):
    at = open_app()
    assert not at.exception, at.exception
    at.text_area(key="text").input(text).run()
    assert not at.exception, f"text of {len(text)} chars {text[:80]!r}: {at.exception}"
    done = []
    for which, where, pick in plan:
        available = controls(at)
        if not available:
            break
        kind, widget = available[which % len(available)]
        move(widget, kind, where, pick)
        done.append(f"{kind} {getattr(widget, 'key', None) or widget.label!r} -> {where} {pick}")
        at.run()
        assert not at.exception, f"text {text[:80]!r} ({len(text)} chars), then {done}: {at.exception}"
