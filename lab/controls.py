"""The controls: sidebar, text box, position and window, training settings, all built from the settings table."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from attention.i18n import _, active_language, count
from attention.teaching import notation
from attention.teaching.examples import EXAMPLES

from . import session
from .serving import limits
from .serving.uploads import read_upload
from .state import clamp, value
from .table import CONTROLS, Control

CLICKER_TWINS = "clicker_twins"
"""Key of the container of the Previous/Next twins that take a presentation clicker's PageUp/PageDown;
css.PRESENTATION_CSS hides it by this key (one we chose, not one Streamlit generates)."""


def widget(key: str, where=st, **overrides):
    """The widget for setting `key`, its range, label and help taken from the table (`overrides` for
    ranges that depend on the text: the position's and the window's tops). Returns its value, validated:
    a client may send any value of the widget's type (state.value)."""
    control = CONTROLS[key]
    setting = control.setting
    label = _(control.label)
    common = {
        "key": key,
        "help": _(control.help) if control.help else None,
        "persist_state": "session",
        **overrides.pop("common", {}),
    }
    low, high = overrides.get("low", setting.low), overrides.get("high", setting.high)
    options = list(setting.choices or ())
    format_func = option_names(control)
    if control.kind == "slider":
        assert low is not None and high is not None
        where.slider(label, type(setting.default)(low), type(setting.default)(high), step=control.step,
                     **common)  # fmt: skip
    elif control.kind == "number_input":
        # A float input shown as a whole number: Streamlit 1.67's int input raises on a NaN or an infinity
        # from the client before the script runs; a float one resets them.
        assert low is not None and high is not None and control.step is not None
        where.number_input(label, float(low), float(high), step=float(control.step), format="%.0f", **common)
    elif control.kind == "toggle":
        where.toggle(label, **common)
    elif control.kind == "select_slider":
        where.select_slider(label, options=options, format_func=format_func, **common)
    elif control.kind == "radio":
        where.radio(label, options, format_func=format_func, horizontal=True, **common)
    elif control.kind == "segmented_control":
        where.segmented_control(label, options, format_func=format_func, required=True, **common)
    else:
        where.selectbox(label, options, format_func=format_func, **common)
    return value(key, low=low, high=high)


def option_names(control: Control) -> Callable[[object], str]:
    """How a widget names its options, in the page's language: the table's labels, or the option itself (a view's
    name, a number); the options themselves, which links carry, stay the same in every language. The language is
    this run's, fixed when the widget is drawn (Streamlit's tests call the function from another thread)."""
    translate = active_language().translations.gettext
    if control.own_names:
        return lambda option: str(control.labels.get(option, option))
    if control.labels:
        return lambda option: translate(str(control.labels.get(option, option)))
    return lambda option: translate(option) if isinstance(option, str) else str(option)


def chosen(picked, options: Sequence, fallback=None):
    """A widget's pick if it is one of `options` (a client may send anything), else `fallback` (the first)."""
    same = [option for option in options if type(option) is type(picked) and option == picked]
    return same[0] if same else (options[0] if fallback is None else fallback)


def load_example() -> None:
    st.session_state.text = EXAMPLES[value("example")]


def sidebar() -> None:
    """The settings every view shares; each change reruns the page."""
    with st.sidebar:
        widget("lang")
        widget("example", common={"on_change": load_example})
        widget("present")
        st.header(_("The blog's method"))
        widget("faithful")
        st.caption(
            _(
                "On: p = softmax(exp(s) / τ), the blog's double exponential, which distorts the odds. "
                "Off: the corrected p = softmax(s / τ). See the view *The blog's method: a toy*."
            )
        )
        widget("dim")
        widget("seed")
        st.header(_("Both methods"))
        widget("temperature")
        widget("top_k")
        with st.expander(_("Notation: one meaning per symbol"), key="notation_open", on_change="rerun") as box:
            if box.open:
                columns = {"text": _("text"), "meaning": _("meaning"), "where": _("where")}
                st.dataframe(notation.notation_rows(), hide_index=True, column_order=tuple(columns),
                             column_config=columns)  # fmt: skip


def text_input() -> str:
    """The text box (at most limits.MAX_TEXT_CHARS characters) and what became of a link's text. Presentation
    mode leaves the box out: the projector's screen belongs to the charts (switch the mode off to edit)."""
    text = (
        st.session_state.text
        if value("present")
        else st.text_area(
            _("Your prompt: the text every view asks the model about"),
            key="text",
            persist_state="session",
            height=104,
            max_chars=limits.MAX_TEXT_CHARS,
            help=_(
                "Paste any text, up to {chars} characters (about 20,000 words). It is split into words and "
                "punctuation; the lab predicts each next word."
            ).format(chars=count(limits.MAX_TEXT_CHARS)),
        )
    )
    if missing := session.MISSING_TEXT.take():
        st.warning(missing)
    if len(text) > limits.MAX_TEXT_CHARS:  # a link's text=, which no text box limit checks
        st.warning(
            _(
                "Your text has {chars} characters; the lab uses the first {kept}. Paste a shorter passage to use "
                "all of it."
            ).format(chars=count(len(text)), kept=count(limits.MAX_TEXT_CHARS))
        )
        text = text[: limits.MAX_TEXT_CHARS]
    elif len(text) == limits.MAX_TEXT_CHARS:
        st.caption(
            _("The text box holds {chars} characters; a longer paste is cut there.").format(
                chars=count(limits.MAX_TEXT_CHARS)
            )
        )
    return text


def step_position(delta: int, n_tokens: int) -> None:
    st.session_state.position = min(max(value("position") + delta, 1), n_tokens - 1)


def position_controls(n_tokens: int) -> int:
    """The word to predict after (1-based on screen) and the context window; returns the 0-based position."""
    position = clamp("position", 1, n_tokens - 1)
    if n_tokens > 2:
        position = widget("position", high=n_tokens - 1)
    steps = ((_("◀ Previous"), -1, "Left", "PageUp"), (_("Next ▶"), 1, "Right", "PageDown"))
    with st.container(horizontal=True, key="steppers"):
        for label, delta, shortcut, clicker in steps:
            st.button(label, on_click=step_position, args=(delta, n_tokens), key=f"step_{delta}", shortcut=shortcut,
                      disabled=not 1 <= position + delta <= n_tokens - 1,
                      help=_("Key: {key} (presenting: {clicker} too)").format(key=shortcut,
                                                                              clicker=clicker))  # fmt: skip
    if value("present"):  # one shortcut per button: twins take a clicker's keys, in a box the CSS hides
        with st.container(key=CLICKER_TWINS):
            for label, delta, _shortcut, clicker in steps:
                st.button(label, on_click=step_position, args=(delta, n_tokens), key=f"clicker_{delta}",
                          shortcut=clicker, disabled=not 1 <= position + delta <= n_tokens - 1)  # fmt: skip
    clamp("window", 1, position)
    if position > 1:
        help_text = _("How many words up to and including token {position} form the context (1 to {position}).").format(
            position=position
        )
        widget("window", high=position, common={"help": help_text})
    else:
        st.caption(_("Context window: 1 word (the first word has nothing before it)."))
    return position - 1


def training_source() -> None:
    """What the model reads: the built-in stories, an uploaded .txt file, or the prompt itself."""
    widget("reads")
    if value("reads") == "collection":
        widget("stories")
    if value("reads") != "upload":
        return
    file = st.file_uploader(
        _("A plain-text file (.txt, up to {size} MB)").format(size=f"{limits.MAX_UPLOAD_BYTES / 1e6:g}"),
        type=["txt"], key="upload",
        help=_(
            "The model trains on it; the prompt box stays what the views ask about. The server keeps the file so "
            "the page's link can reopen it."
        ),
    )  # fmt: skip
    if file is not None and session.UPLOAD_ID.get() != file.file_id:
        upload = read_upload(file.getvalue(), f"'{file.name}'")
        if upload.problem:
            st.warning(upload.problem)
            return
        session.UPLOAD_ID.set(file.file_id)
        session.UPLOAD_TEXT.set(upload.text)
    if text := session.UPLOAD_TEXT.get():
        st.caption(_("The model reads your file: {chars} characters.").format(chars=count(len(text))))


def training_controls() -> None:
    """The trained model's settings (each travels in links; read by state.training_settings)."""
    training_source()
    first, second = st.columns(4), st.columns(4)
    for key, where in zip(("t_window", "t_dim", "t_heads", "t_positions"), first, strict=True):
        widget(key, where)
    for key, where in zip(("t_epochs", "t_lr", "t_tied"), second, strict=False):
        widget(key, where)
    for key, where in zip(("t_layers", "t_mlp", "t_layernorm"), st.columns(4), strict=False):
        widget(key, where)
    for key, where in zip(("t_tokens", "t_merges"), st.columns(2), strict=True):
        widget(key, where)


def one_of(label: str, option: str, count: int, key: str) -> int:
    """A radio for one of `count` layers or heads, 0-based (none, and 0, when there is only one); `option` names
    each, translated already, with {number} 1-based ("layer {number}")."""
    if count <= 1:
        return 0
    picked = st.radio(label, range(count), format_func=lambda i: option.format(number=i + 1), horizontal=True,
                      key=key, persist_state="session")  # fmt: skip
    return chosen(picked, range(count))
