"""The app, driven without a browser: every control and every kind of awkward input."""

import json
import re
import subprocess
import sys

import pyarrow as pa
import pytest

import lab.css
import lab.page
from attention.teaching import collection, formulas
from attention.teaching.examples import DEFAULT_EXAMPLE, EXAMPLES
from harness.app import open_app
from harness.page_text import formulas_shown
from harness.serving import ROOT
from lab.serving import limits

BLOG = "The blog's method: a toy"  # the `app` fixture's view (tests/conftest.py)


def charts_of(at):
    """Each chart's spec and data: a change of numbers alone leaves the spec as it was."""
    return [(json.loads(c.proto.spec), [d.data.data for d in c.proto.datasets]) for c in at.get("vega_lite_chart")]


def bar_words(at):
    """The bars of the next-word chart ("1. tree", ...), most probable first; None without the chart."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("layer", [{}])[0].get("encoding", {}).get("x", {}).get("field") == "probability":
            table = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pylist()
            return [row["label"] for row in sorted(table, key=lambda row: row["rank"])]
    return None


def set_text(at, text):
    at.text_area(key="text").input(text).run()
    assert not at.exception, at.exception
    return at


def messages(at):
    return " ".join(m.value for m in [*at.info, *at.warning])


def test_opens_on_a_prompt_the_default_model_has_not_read():
    at = open_app()
    assert not at.exception
    assert at.text_area(key="text").value == EXAMPLES[DEFAULT_EXAMPLE] == collection.prompts("en")[0]
    said = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "The model read the built-in stories" in said and "this prompt is new to it" in said
    assert at.button_group(key="view").value == "Predict"
    assert bar_words(at) and len(bar_words(at)) >= 10
    assert at.metric[0].label == "Sampled next word"
    assert formulas.MODEL_SUMMARY in formulas_shown(at)  # the model's formula, not the blog's
    assert not any("random" in c.value for c in at.caption)


def test_the_blog_lesson_names_the_post_and_shows_its_charts(app):
    assert not app.exception
    first = next(md for md in app.markdown if not md.proto.allow_html)
    assert "Understanding Self-Attention Mechanism in Natural Language Processing" in first.value
    assert len(app.get("vega_lite_chart")) == 3  # the token strip, the next-word bars, as written vs corrected
    assert bar_words(app) and len(bar_words(app)) >= 10
    assert app.metric[0].label == "Sampled next word"
    assert any(r"\operatorname{softmax}(s / \tau)" in tex for tex in formulas_shown(app))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_loads(app, name):
    app.selectbox(key="example").select(name).run()
    assert not app.exception
    assert app.text_area(key="text").value == EXAMPLES[name]
    assert bar_words(app)


def test_changing_the_context_window_changes_the_prediction(app):
    app.slider(key="position").set_value(20).run()
    before = bar_words(app)
    app.slider(key="window").set_value(1).run()
    assert not app.exception and bar_words(app) != before


@pytest.mark.parametrize(
    ("key", "value"),
    [("dim", 16), ("seed", 7), ("temperature", 0.3), ("temperature", 3.0), ("top_k", 3), ("top_k", 30)],
)
def test_every_control_runs_and_changes_the_chart(app, key, value):
    before = charts_of(app)
    widget = app.number_input(key=key) if key == "seed" else app.slider(key=key)
    widget.set_value(value).run()
    assert not app.exception
    assert charts_of(app) != before


def test_top_k_sets_the_number_of_bars(app):
    app.slider(key="top_k").set_value(5).run()
    assert len(bar_words(app)) in (5, 6)  # plus the true next word when it ranks lower


def test_faithful_toggle_switches_formula_and_numbers(app):
    before = charts_of(app)
    app.toggle(key="faithful").set_value(True).run()
    assert not app.exception
    assert any("e^{s}" in tex for tex in formulas_shown(app))
    assert charts_of(app) != before


def test_sample_again_draws_anew_and_is_reproducible(app):
    first = app.metric[0].value
    draws = []
    for _ in range(8):
        app.button(key="sample_again").click().run()
        draws.append(app.metric[0].value)
    assert not app.exception
    assert len(set([first, *draws])) > 1  # sampling, not argmax
    again = open_app({"view": BLOG})
    assert again.metric[0].value == first  # same seed, same first draw


def test_window_slider_range_follows_the_position(app):
    app.slider(key="position").set_value(3).run()
    assert app.slider(key="window").max == 3
    app.slider(key="position").set_value(1).run()
    assert not app.exception
    assert not [s for s in app.slider if s.key == "window"]  # nothing to choose before the first word
    assert "Context window: 1 word" in " ".join(c.value for c in app.caption)


def test_a_shorter_text_clamps_position_and_window(app):
    app.slider(key="position").set_value(60).run()
    app.slider(key="window").set_value(30).run()
    set_text(app, "one two three four")
    assert app.slider(key="position").value == 3
    assert app.slider(key="window").value <= 3
    assert bar_words(app)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        ("hello", "at least two tokens"),
        ("?!... ,,, ;", "only punctuation"),
    ],
)
def test_bad_input_gets_a_friendly_message(app, text, expected):
    set_text(app, text)
    assert expected in messages(app)
    assert not app.get("vega_lite_chart")


def test_two_tokens_work_without_sliders(app):
    set_text(app, "hello world")
    assert not app.exception and bar_words(app)


def test_huge_text_is_capped_and_says_so(app):
    huge = "the cat sat on the mat. " * 9000  # 216,000 characters
    app.text_area(key="text").set_value(huge).run()  # past the text box's max_chars, as a script could send it
    assert len(app.text_area(key="text").value) == limits.MAX_TEXT_CHARS
    assert f"holds {limits.MAX_TEXT_CHARS:,} characters" in " ".join(c.value for c in app.caption)
    assert bar_words(app)
    linked = open_app({"text": huge, "view": BLOG})  # its bars need no training
    assert f"first {limits.MAX_TEXT_CHARS:,}" in messages(linked)
    assert bar_words(linked)


@pytest.mark.parametrize(
    "text",
    [
        "I 💖 my 🐱 and my 🐱 💖 me 🎉🎉",
        "🐱 🐶 🐱 🐸",
        "Кошка сидит на ковре. Собака сидит на бревне.",
        "猫がマットの上に座った。犬も座った。",
        "<script>alert('x')</script> <img src=x onerror=alert(1)> hello there",
        "# Heading\n\n**bold** _it_ [link](javascript:alert(1)) $x^2$ :smile: `code`",
        "a" * 5000 + " word",
        "שלום עולם, שלום לכם",
    ],
)
def test_any_text_runs_and_user_text_is_never_markup(app, text):
    set_text(app, text)
    assert not app.exception
    assert bar_words(app)
    for md in app.markdown:
        if "next word is" in md.value:  # the user's word is shown literally: every markup character escaped
            assert not re.search(r"(?<!\\)[*_`\[\]<>$#:]", md.value), md.value
    page_css = {css.strip() for css in (lab.css.PAGE_CSS, lab.css.PRESENTATION_CSS)}  # the lab's own style sheet
    html = [el.value for el in app.markdown if getattr(el.proto, "allow_html", False)]
    html += [el.proto.body for el in app.get("html")]  # st.html: the style sheet alone
    assert html and all(body.strip() in page_css for body in html)


def test_previous_and_next_step_the_position(app):
    start = app.slider(key="position").value
    next_button = next(b for b in app.button if b.label == "Next ▶")
    next_button.click().run()
    assert app.slider(key="position").value == start + 1
    previous = next(b for b in app.button if b.label == "◀ Previous")
    previous.click().run()
    previous = next(b for b in app.button if b.label == "◀ Previous")
    previous.click().run()
    assert app.slider(key="position").value == start - 1
    assert not app.exception


def test_a_link_reopens_the_same_numbers(app):
    app.selectbox(key="example").select("Short story").run()
    app.slider(key="position").set_value(30).run()
    app.slider(key="window").set_value(7).run()
    app.slider(key="temperature").set_value(0.5).run()
    app.number_input(key="seed").set_value(42).run()
    app.toggle(key="faithful").set_value(True).run()
    app.button(key="sample_again").click().run()
    query = dict(app.query_params)
    assert query == {
        "example": "Short story",
        "position": "30",
        "window": "7",
        "temperature": "0.5",
        "seed": "42",
        "faithful": "1",
        "draw": "1",
        "view": BLOG,
    }
    reopened = open_app(query)
    assert not reopened.exception
    assert charts_of(reopened) == charts_of(app)
    assert reopened.metric[0].value == app.metric[0].value


def test_a_link_carries_short_custom_text_and_the_key_of_a_long_one(app):
    set_text(app, "my own little text about a cat and a hat")
    assert app.query_params["text"] == "my own little text about a cat and a hat"
    reopened = open_app(dict(app.query_params))
    assert reopened.text_area(key="text").value == "my own little text about a cat and a hat"

    long_text = " ".join(f"word{i}" for i in range(3000))
    set_text(app, long_text)
    assert "text" not in app.query_params and "text_key" in app.query_params
    assert "too long for a link" in messages(app) and "kept on this server" in messages(app)
    reopened = open_app(dict(app.query_params))
    assert not reopened.exception and not reopened.warning
    assert reopened.text_area(key="text").value == long_text
    assert charts_of(reopened) == charts_of(app)


def test_a_link_whose_stored_text_is_gone_says_so():
    for key in ("0123456789abcdef", "not-a-key", "<b>x</b>"):
        at = open_app({"text_key": key})
        assert not at.exception
        assert "no longer on this server" in " ".join(w.value for w in at.warning)
        assert at.text_area(key="text").value == EXAMPLES[DEFAULT_EXAMPLE]  # the example, said out loud
        assert "text_key" not in at.query_params  # the page's own link no longer points at nothing


def test_invalid_link_values_fall_back_to_defaults():
    at = open_app({"position": "banana", "window": "99999", "temperature": "-3", "example": "nope"})
    assert not at.exception
    assert at.selectbox(key="example").value == DEFAULT_EXAMPLE
    assert at.slider(key="temperature").value == 0.1
    assert at.slider(key="window").value == at.slider(key="position").value  # clamped to what fits


def test_controls_still_work_after_the_text_was_empty(app):
    # Streamlit forgets the state of widgets it did not draw; an empty text draws no sliders.
    set_text(app, "")
    app.slider(key="temperature").set_value(2.0).run()
    assert not app.exception
    set_text(app, "the cat sat on the mat and the dog sat on the log")
    assert bar_words(app)


def test_a_monstrous_word_is_shortened_where_it_is_quoted(app):
    set_text(app, "start " + "x" * 5000 + " end")
    app.slider(key="position").set_value(1).run()
    quoted = next(md.value for md in app.markdown if "next word is" in md.value)
    assert len(quoted) < 200 and "…" in quoted


def test_the_page_first_elements_need_no_charts_library():
    """app.py draws the title, the sidebar and the text box before it imports Altair, pandas and the models, so a
    browser draws them while a server imports the rest on its first page: the modules it imports first must not
    pull those in (a fresh interpreter, since this one has them all)."""
    probe = (
        "import sys, streamlit, attention.i18n, lab.controls, lab.css, lab.state, lab.lessons; "
        "print(sorted(m for m in ('altair', 'pandas', 'pyarrow', 'lab.page', 'lab.models', 'attention.charts') "
        "if m in sys.modules))"
    )
    heavy = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert heavy.stdout.strip() == "[]", heavy.stdout + heavy.stderr
