"""Hostile links and texts, shared by tests/test_hostile_links.py and tests/test_fuzz.py (a few dozen in CI) and
bench/hostile.py (1,000s).

A link is a URL query: any key (the app's settings, `text`, `text_key`, `training`, unknown ones), any value
(huge, negative, NaN, inf, 10,000 characters, HTML, Markdown, control characters), any key repeated.
`check_link` opens the app with one through AppTest (`check_text` pastes a text) and returns what went wrong:
an exception, or a setting outside its documented range (the settings table: `settings_table()`), or a text
over limits.MAX_TEXT_CHARS without the warning that only its beginning is used.
"""

from __future__ import annotations

import math
import string

from hypothesis import strategies as st

from lab.serving import limits
from lab.serving.links import Setting
from lab.state import SETTINGS

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
