"""Hostile links and texts, shared by tests/test_hostile_links.py and tests/test_fuzz.py (a few dozen in CI) and
bench/hostile.py (1,000s).

A link is a URL query: any key (the app's settings, `text`, `text_key`, `training`, unknown ones), any value
(huge, negative, NaN, inf, 10,000 characters, HTML, Markdown, control characters), any key repeated.
`check_link` opens the app with one through AppTest (`check_text` pastes a text) and returns what went wrong:
an exception, or a setting outside its documented range (the settings table: `settings_table()`), or a text
over limits.MAX_TEXT_CHARS without the warning that only its beginning is used.
"""

from __future__ import annotations

import json
import math
import string

from hypothesis import strategies as st

from lab.serving import limits
from lab.serving.links import Setting
from lab.table import SETTINGS

from .app import open_app


def settings_table() -> dict[str, Setting]:
    """Every setting a link carries (key -> lab.serving.links.Setting): its default and documented range."""
    return dict(SETTINGS)


NUMBERS = [
    "0", "-1", "-2147483649", "1e308", "-1e308", "1e309", "9" * 400, "nan", "NaN", "-nan", "inf", "-inf",
    "Infinity", "1e-320", "0x10", "1_000", " 7 ", "5.5", "", "+", "١٢", "1/0", "True", "none",
]  # fmt: skip
MARKUP = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "**bold** [x](javascript:alert(1))",
    "$$\\frac{1}{0}$$", ":red[red] :material/home:", "# heading\n---\n| a | b |", "`code` ```fence",
    "\x00\x01\x1b[31m", "\u202eevil", "🔎" * 50, "%00%ff", "../../etc/passwd", "' OR 1=1 --",
]  # fmt: skip
UNKNOWN_KEYS = ["", "x", "__proto__", "session_state", "_loaded", "text ", "VIEW", "t_window[]", "embed"]
LINK_KEYS = ["text", "text_key", "training"]  # the text (in the URL or by its store key) and the training mark

HUGE = 150_000
"""The longest pasted text the strategies draw: past limits.MAX_TEXT_CHARS, so the cut is exercised."""
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
texts = st.one_of(
    st.text(max_size=400),
    st.just(""),
    st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=20),
    st.text(alphabet=string.punctuation + "«»¿¡…—–“”„·", min_size=1, max_size=200),
    st.builds(lambda w, n: " ".join([w] * n), words, st.integers(1, 300)),
    st.builds(" ".join, st.lists(words, min_size=1, max_size=200)),
    st.builds(lambda w: ((w + " ") * (HUGE // (len(w) + 1) + 1))[:HUGE], words),
    st.builds(lambda ws: (" ".join(ws) * (HUGE // max(1, len(" ".join(ws))) + 1))[:HUGE], st.lists(words, min_size=2)),
)
"""Texts to paste: any Unicode, empty, only spaces, only punctuation, one word repeated, ~150,000 characters."""

long_strings = st.builds(
    lambda chunk, n: (chunk * (n // max(1, len(chunk)) + 1))[:n],
    st.sampled_from(["a", "<b>", "9", "word ", "🔎", "\u0301"]),
    st.sampled_from([10_000, 2_001, 150_000]),
)
values = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(MARKUP),
    long_strings,
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=20),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def links(draw) -> dict[str, str | list[str]]:
    """A hostile query: a few keys (settings, `text`, unknown), each with one value or several (repeated)."""
    table = settings_table()
    keys = st.sampled_from([*table, *LINK_KEYS, *UNKNOWN_KEYS])
    query = {}
    for key in draw(st.lists(keys, min_size=1, max_size=6, unique=True)):
        if key in table and table[key].choices and draw(st.booleans()):
            query[key] = draw(st.one_of(st.sampled_from([str(c) for c in table[key].choices]), values))
        else:
            query[key] = draw(st.one_of(values, st.lists(values, min_size=2, max_size=3)))
    return query


def out_of_range(key: str, value: object, setting) -> str | None:
    """Why `value` is outside the documented range of `setting`, or None if it is inside."""
    if setting.choices is not None:
        return None if value in setting.choices else f"{key}={value!r} not one of {setting.choices}"
    if isinstance(setting.default, bool | str):
        return None if type(value) is type(setting.default) else f"{key}={value!r} is not a {type(setting.default)}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{key}={value!r} is not a number"
    if isinstance(setting.default, int) and not isinstance(value, int):
        return f"{key}={value!r} is not a whole number"
    if not math.isfinite(value):
        return f"{key}={value!r} is not finite"
    if (setting.low is not None and value < setting.low) or (setting.high is not None and value > setting.high):
        return f"{key}={value!r} outside [{setting.low}, {setting.high}]"
    return None


def problems(at) -> list[str]:
    """What is wrong after a run: an exception, or any setting or the text outside its documented range."""
    found = [f"exception: {e.message}" for e in at.exception]
    state = at.session_state
    for key, setting in settings_table().items():
        if key in state:
            why = out_of_range(key, state[key], setting)
            if why:
                found.append(why)
    text = state.get("text", "")
    if len(text) > limits.MAX_TEXT_CHARS and not any("uses the first" in w.value for w in at.warning):
        found.append(f"a text of {len(text):,} characters (over {limits.MAX_TEXT_CHARS:,}) without the warning")
    return found


def check_link(query: dict, timeout_s: float = 120) -> list[str]:
    """Open the app with `query` as its URL query; what went wrong (an empty list when nothing did)."""
    return problems(open_app(query, timeout_s=timeout_s))


def check_text(text: str, timeout_s: float = 120) -> list[str]:
    """Open the app, paste `text` into the text box; what went wrong."""
    at = open_app(timeout_s=timeout_s)
    at.text_area(key="text").set_value(text).run()  # past the box's max_chars too, as a hostile client sends it
    return problems(at)


# Forged widget values: what a websocket client can send instead of a browser. The frontend sends each widget's
# value as one field of a WidgetState (a slider's numbers in double_array_value, a selectbox's option as text in
# string_value, ...); a client can put there any value of that field's type: an option that is not offered, an
# empty selection, NaN or 1e308 for a slider, a cleared value (None). `check_forged` opens a view, then sends
# such values, one widget at a time, straight to the script runner (AppTest's own setters refuse them).

VIEW_LINKS = [
    {}, *({"view": name} for name in settings_table()["view"].choices), {"view": "What if", "edit": "replace"},
    {"view": "What if", "edit": "remove"}, {"view": "Step by step", "t_layers": "2", "t_heads": "2"},
]  # fmt: skip
"""Where forging starts: every view (What if with each edit; Step by step with layer and head pickers)."""

floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 0.5, 1e9, -(2.0**63), 2.0**64, 1e-320]),
    st.integers(-5, 70).map(float),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
FORGED = {  # a WidgetState value field -> the values a client can put in it (None: the field left unset)
    "string_value": values,
    "string_array_value": st.lists(values, max_size=3),
    "double_array_value": st.lists(floats, max_size=3),
    "double_value": floats,
    "int_value": st.integers(-(2**63), 2**63 - 1),
    "bool_value": st.booleans(),
    "trigger_value": st.just(True),
    "json_value": json_values.map(json.dumps),
    "selection": st.one_of(  # a chart's selection: JSON text of the frontend's shape, anything inside it
        st.fixed_dictionaries({"selection": st.dictionaries(st.sampled_from(["pick", "x"]), json_values)}),
        st.dictionaries(st.sampled_from(["selection", "other"]), st.dictionaries(st.text(max_size=5), json_values)),
    ).map(json.dumps),
}
CHART_SELECTION = "VegaLiteStateSerde"
"""A chart's selection arrives as string_value holding JSON; Streamlit 1.67 parses it (json.loads) before the
script runs, so text that is not a JSON object fails inside Streamlit, where no app can check it: forged
selections are JSON objects of the frontend's shape, with anything inside."""


@st.composite
def forgeries(draw) -> tuple[dict, list[tuple[int, dict]]]:
    """A view to open and 1-3 forged values: (which widget, modulo how many the page has; a value for every
    field, so the one the widget uses is there; or None, the value cleared)."""
    moves = []
    for _ in range(draw(st.integers(1, 3))):
        cleared = draw(st.integers(0, 9)) == 0
        moves.append((draw(st.integers(0, 999)), {} if cleared else {f: draw(s) for f, s in FORGED.items()}))
    return draw(st.sampled_from(VIEW_LINKS)), moves


def forged_state(widget_id: str, field: str, value: object):
    """The WidgetState a client would send: `field` set to `value` (left unset if the move has no value)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    if value is None:
        return state
    if field.endswith("_array_value"):
        getattr(state, field).SetInParent()
        getattr(state, field).data.extend(value)
    else:
        setattr(state, field, value)
    return state


def send_forged(at, pick: int, move: dict) -> str:
    """Rerun `at` with one widget's value forged (every other widget as the page left it); returns its key."""
    metadata = at._session_state._state._new_widget_state.widget_metadata  # every widget the last run drew
    widget_id = sorted(metadata)[pick % len(metadata)]
    field = metadata[widget_id].value_type
    if type(getattr(metadata[widget_id].deserializer, "__self__", None)).__name__ == CHART_SELECTION:
        move = {field: move["selection"]} if move else move
    states = at._tree.get_widget_states()
    kept = [state for state in states.widgets if state.id != widget_id]
    del states.widgets[:]
    states.widgets.extend([*kept, forged_state(widget_id, field, move.get(field))])
    at._run(states)
    return widget_id.split("-", 2)[-1]


def check_forged(case: tuple[dict, list[tuple[int, dict]]], timeout_s: float = 120) -> list[str]:
    """Open the view in `case`, send its forged values one by one; what went wrong after any of them."""
    query, moves = case
    at = open_app(query, timeout_s=timeout_s)
    found = problems(at)
    for pick, move in moves:
        key = send_forged(at, pick, move)
        found += [f"after a forged {key}: {problem}" for problem in problems(at)]
    return found
