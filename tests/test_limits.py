"""Every limit in attention/limits.py is enforced by the app, and the app says so in plain words.

Each limit name gets one check below. A limit added to limits.py without a check here fails
`test_every_limit_is_documented_and_checked` with its name; a check whose widget is gone (renamed,
removed) fails too: nothing here skips.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from attention import limits as library_limits
from harness.app import open_app
from lab.serving import limits

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def set_text(at, text: str):
    at.text_area(key="text").input(text).run()
    assert not at.exception, at.exception
    return at


def messages(at) -> str:
    return " ".join(m.value for m in [*at.info, *at.warning, *at.error, *at.caption, *at.markdown])


def chart_frames(at) -> list[tuple[dict, pa.Table]]:
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        tables = [pa.ipc.open_stream(d.data.data).read_all() for d in chart.proto.datasets]
        out.append((spec, tables[0] if tables else None))
    return out


def strip_table(at) -> pa.Table:
    tables = [t for _, t in chart_frames(at) if t is not None and {"role", "shown"} <= set(t.column_names)]
    assert len(tables) == 1, "expected one token-strip chart"
    return tables[0]


def bar_table(at) -> pa.Table:
    tables = [t for _, t in chart_frames(at) if t is not None and "probability" in t.column_names]
    tables = [t for t in tables if "change" not in t.column_names]  # not the before/after comparison
    assert len(tables) == 1, "expected one next-word chart"
    return tables[0]


def vocabulary_size(at) -> int:
    found = re.search(r"all ([\d,]+) words of the vocabulary", messages(at))
    assert found, "the caption under the formulas names the vocabulary size"
    return int(found.group(1).replace(",", ""))


# --- the limits the app already has -------------------------------------------------------------------------


def test_the_text_box_stops_at_the_limit_and_a_longer_text_is_cut_with_a_word(app):
    cap = limits.MAX_TEXT_CHARS
    body = ("alpha beta " * (cap // 11 + 1))[:cap]
    assert app.text_area(key="text").max_chars == cap  # the browser's text box takes no more
    app.text_area(key="text").set_value(body + " zebra").run()  # a client that ignores max_chars
    assert not app.exception
    assert f"holds {cap:,} characters" in messages(app)
    assert vocabulary_size(app) == 2, "words past the cap must not reach the vocabulary"

    linked = open_app({"text": body + " zebra", "view": "The blog's method: a toy"})  # no box limit here
    warning = " ".join(w.value for w in linked.warning)
    assert f"{cap:,}" in warning, warning
    assert f"{len(body) + 6:,}" in warning, "the warning says how long the linked text was"
    assert vocabulary_size(linked) == 2, "words past the cap must not reach the vocabulary"


def test_text_exactly_at_the_limit_gets_no_warning(app):
    cap = limits.MAX_TEXT_CHARS
    set_text(app, ("alpha beta " * (cap // 11 + 1))[:cap])
    assert not app.warning
    assert vocabulary_size(app) == 2


def test_too_few_tokens_gets_a_message_naming_the_minimum(app):
    minimum = limits.MIN_TOKENS
    set_text(app, " ".join(["word"] * (minimum - 1)))
    text = messages(app)
    assert f"at least {NUMBER_WORDS.get(minimum, minimum)} tokens" in text, text  # "at least two tokens"
    assert not app.get("vega_lite_chart")
    set_text(app, " ".join(f"w{i}" for i in range(minimum)))
    assert bar_table(app).num_rows > 0


def test_top_k_slider_stops_at_the_limit_and_the_chart_obeys(app):
    cap = limits.MAX_TOP_K
    set_text(app, " ".join(f"word{i}" for i in range(3 * cap)))  # a vocabulary far bigger than the cap
    slider = app.slider(key="top_k")
    assert slider.max == cap
    slider.set_value(cap).run()
    assert not app.exception
    assert bar_table(app).num_rows <= cap + 1  # plus the true next word when it ranks lower


def test_embedding_dimension_slider_stops_at_the_limit_and_runs_there(app):
    cap = limits.MAX_EMBEDDING_DIM
    slider = app.slider(key="dim")
    assert slider.max == cap
    slider.set_value(cap).run()
    assert not app.exception
    assert f"d_e = {cap}" in messages(app)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_token_strip_shows_at_most_the_span_either_side(app, where):
    span = limits.TOKEN_STRIP_SPAN
    n = 6 * span
    set_text(app, " ".join(f"w{i}" for i in range(n)))
    position = {"start": 1, "middle": n // 2, "end": n - 1}[where]
    app.slider(key="position").set_value(position).run()
    assert not app.exception
    table = strip_table(app)
    assert table.num_rows <= 2 * span + 1
    if where == "middle":
        assert table.num_rows == 2 * span + 1
    indices = table.column("index").to_pylist()
    assert max(indices) - min(indices) <= 2 * span


def test_token_strip_in_presentation_mode_shows_the_shorter_span():
    span = limits.TOKEN_STRIP_SPAN_PRESENT
    assert span < limits.TOKEN_STRIP_SPAN
    n = 6 * span
    at = open_app({"present": "1", "text": " ".join(f"w{i}" for i in range(n)), "position": str(n // 2)})
    assert not at.exception
    assert strip_table(at).num_rows == 2 * span + 1


# --- the training limits -------------------------------------------------------------------------------------


def train_button(at):
    """The Train button, on the Train view."""
    buttons = [b for b in at.button if re.search(r"\btrain\b", b.label, re.IGNORECASE)]
    if not buttons and at.session_state["view"] != "Train":
        at.session_state["view"] = "Train"
        at.run()
        assert not at.exception, at.exception
        buttons = [b for b in at.button if re.search(r"\btrain\b", b.label, re.IGNORECASE)]
    assert buttons, "the Train view has no Train button"
    return buttons[0]


def widgets_labelled(at, pattern: str):
    found = []
    for kind in ("slider", "number_input", "select_slider", "selectbox"):
        try:
            found += [w for w in at.get(kind) if re.search(pattern, w.label, re.IGNORECASE)]
        except Exception:  # an element kind the tree does not know
            continue
    return found


def widget_maximum(widget):
    if hasattr(widget, "max") and widget.max is not None:
        return widget.max
    options = getattr(widget, "options", None)
    if options:
        numbers = [float(o) for o in options if re.fullmatch(r"\d+(\.\d+)?", str(o))]
        if numbers:
            return max(numbers)
    raise AssertionError(f"cannot read a maximum from widget {widget.label!r}")


def test_training_on_too_short_a_text_is_refused_with_the_minimum_named(app):
    minimum = limits.MIN_TRAIN_TOKENS
    set_text(app, " ".join(f"w{i}" for i in range(minimum - 1)))
    train_button(app)
    app.radio(key="reads").set_value("prompt").run()  # the model reads the prompt itself
    button = train_button(app)
    if not button.disabled:
        button.click().run()
    assert not app.exception
    text = messages(app) + " " + (button.help or "")
    assert f"at least {minimum} tokens" in text, f"no message names the minimum of {minimum} tokens: {text!r}"


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("MAX_CONTEXT_WINDOW", r"context window|model window|window.*train|train.*window"),
        ("MAX_MODEL_DIM", r"model dimension|d_model|\bmodel d\b"),
        ("MAX_HEADS", r"\bheads?\b"),
        ("MAX_EPOCHS", r"\bepochs?\b"),
        ("MAX_LAYERS", r"\blayers\b"),
    ],
)
def test_training_widgets_stop_at_their_limits(app, name, pattern):
    cap = getattr(limits, name)
    train_button(app)
    widgets = widgets_labelled(app, pattern)
    if name == "MAX_CONTEXT_WINDOW":  # the blog method's window slider follows the text, not this limit
        widgets = [w for w in widgets if w.key != "window"]
    assert widgets, f"no training widget labelled like /{pattern}/ governs {name}"
    for widget in widgets:
        assert widget_maximum(widget) <= cap, f"{widget.label!r} goes past {name} = {cap}"


def test_training_time_budget_is_stated(app):
    budget = limits.TRAIN_TIME_BUDGET_S
    train_button(app)
    helps = [getattr(w, "help", "") or "" for kind in ("button", "slider", "select_slider") for w in app.get(kind)]
    text = " ".join([messages(app), *(m.value for m in app.markdown), *helps])
    assert re.search(rf"safety clock, after {budget:g} s\b", text), (
        f"the app should say training stops after {budget:g} s"
    )


CHECKED = {
    "MAX_TEXT_CHARS",
    "MIN_TOKENS",
    "MAX_TOP_K",
    "MAX_EMBEDDING_DIM",
    "TOKEN_STRIP_SPAN",
    "TOKEN_STRIP_SPAN_PRESENT",
    "MIN_TRAIN_TOKENS",
    "TRAIN_TIME_BUDGET_S",
    "MAX_CONTEXT_WINDOW",
    "MAX_MODEL_DIM",
    "MAX_HEADS",
    "MAX_LAYERS",
    "MAX_EPOCHS",
    "MAX_BATCH_SIZE",
    "MAX_LINK_TEXT_CHARS",
    "MAX_LINK_TEXT_BYTES",
    "MAX_HEATMAP_TOKENS",
    "MAX_GENERATED_WORDS",
    "MAX_EMBEDDING_MAP_WORDS",
    "MAX_LOSS_CURVE_POINTS",
    "MAX_MODEL_VOCABULARY",
    "MAX_CACHED_MODELS",
    "TOKEN_STRIP_ROW_CHARS",
    "MAX_TRAIN_STEPS",
    # serving limits, checked in tests/test_jobs_queue.py and tests/test_store.py
    "TRAINING_BUDGET_MB",  # and tests/test_training_budgets.py
    "TRAINING_MEMORY_BUDGET_MB",
    "SERVER_MEMORY_BYTES",
    "SERVER_RESERVE_MB",
    "TRAINING_MEMORY_BYTES",
    "MAX_CONCURRENT_TRAININGS",
    "MODEL_HOLD_IDLE_S",
    "MAX_REMEMBERED_EVICTIONS",
    "MALLOC_ARENA_MAX",
    "MAX_STORED_TEXTS",
    "MAX_STORE_CHARS",
    "MAX_STORED_TEXT_AGE_DAYS",
    "MAX_UPLOAD_BYTES",  # tests/test_uploads.py
    "MAX_STORED_TEXT_CHARS",  # tests/test_store.py
    "MAX_MERGES",  # tests/test_two_texts.py
}


@pytest.mark.parametrize("name", sorted(n for n in vars(limits) if n.isupper()))
def test_every_limit_is_documented_and_checked(name):
    value = getattr(limits, name)
    assert isinstance(value, int | float) and value > 0, f"{name} should be a positive number"
    source = Path(limits.__file__).read_text(encoding="utf-8") + Path(library_limits.__file__).read_text(
        encoding="utf-8"
    )
    assert re.search(rf"^{name}\b.*\n\"\"\"", source, re.MULTILINE), f"{name} needs a docstring saying what it limits"
    assert name in CHECKED, f"{name} is new: add a check for it to tests/test_limits.py (and to CHECKED)"


# --- limits added with the views, links and training jobs ---------------------------------------------


def test_text_too_long_for_a_link_is_stored_and_the_app_says_so(app):
    set_text(app, "a " * (limits.MAX_LINK_TEXT_CHARS // 2 + 1))
    assert "text" not in app.query_params and len(app.query_params["text_key"]) == 16
    assert f"over {limits.MAX_LINK_TEXT_CHARS:,}" in messages(app)
    assert "kept on this server" in messages(app)


def test_a_short_text_that_is_long_once_written_for_a_url_is_stored_too(app):
    chinese = "你好世界" * 300  # 1,200 characters, 10,800 once percent-encoded
    set_text(app, chinese)
    assert len(chinese) < limits.MAX_LINK_TEXT_CHARS
    assert "text" not in app.query_params and len(app.query_params["text_key"]) == 16
    assert f"over {limits.MAX_LINK_TEXT_BYTES:,} once written for a URL" in messages(app)


def test_every_context_the_model_sees_fits_a_heatmap():
    from attention import charts

    assert limits.MAX_CONTEXT_WINDOW <= limits.MAX_HEATMAP_TOKENS
    n = limits.MAX_HEATMAP_TOKENS
    charts.attention_heatmap(np.tri(n) / np.arange(1, n + 1)[:, None], [f"w{i}" for i in range(n)]).to_dict()
    with pytest.raises(ValueError, match=f"at most {n} words"):
        charts.attention_heatmap(np.eye(n + 1), [f"w{i}" for i in range(n + 1)])


def test_generate_slider_stops_at_the_limit():
    at = open_app({"view": "Generate"})
    assert not at.exception
    assert at.slider(key="gen_words").max == limits.MAX_GENERATED_WORDS


def test_embedding_map_and_loss_curve_send_only_what_they_draw():
    from attention import charts

    words = [f"w{i}" for i in range(3 * limits.MAX_EMBEDDING_MAP_WORDS)]
    points = np.random.default_rng(0).normal(size=(len(words), 2))
    frame = charts.embedding_map_frame(points, words, highlight=["w400"])
    assert len(frame) == limits.MAX_EMBEDDING_MAP_WORDS and "w400" in set(frame["word"])
    history = [{"step": i, "train_loss": 1.0 / (i + 1), "validation_loss": 1.0} for i in range(5000)]
    assert len(charts.loss_history_frame(history)) <= 2 * limits.MAX_LOSS_CURVE_POINTS


def test_model_vocabulary_is_capped_with_an_unknown_word():
    import attention

    words = [f"w{i}" for i in range(limits.MAX_MODEL_VOCABULARY + 300)]
    model = attention.train_model(" ".join(words * 2), context_window=2, dim=8, epochs=1, seed=0)
    assert len(model.vocabulary) <= limits.MAX_MODEL_VOCABULARY + 1
    assert attention.UNKNOWN_TOKEN in model.vocabulary


def test_the_server_keeps_at_most_the_cached_models_limit():
    from lab.models import training_jobs

    assert training_jobs().max_jobs == limits.MAX_CACHED_MODELS  # the app's one registry
    # JobRegistry forgetting its oldest finished jobs is tested in tests/test_jobs.py


def test_token_strip_is_as_wide_as_its_row_limit(app):
    strip = next(
        spec for spec, _ in chart_frames(app) if spec.get("layer", [{}])[0].get("mark", {}).get("type") == "rect"
    )
    assert strip["width"] == 10 * limits.TOKEN_STRIP_ROW_CHARS  # 10 px a character: fits a 390 px phone


def test_batch_size_has_no_widget_but_the_trainer_refuses_more():
    from attention.training.settings import TrainingSettings

    TrainingSettings(batch_size=limits.MAX_BATCH_SIZE).check()
    with pytest.raises(ValueError, match=f"batch size must be a whole number between 1 and {limits.MAX_BATCH_SIZE}"):
        TrainingSettings(batch_size=limits.MAX_BATCH_SIZE + 1).check()


def test_the_step_budget_has_no_widget_but_the_trainer_refuses_more():
    from attention.training.settings import TrainingSettings

    TrainingSettings(max_steps=limits.MAX_TRAIN_STEPS).check()
    with pytest.raises(ValueError, match=f"max steps must be a whole number between 1 and {limits.MAX_TRAIN_STEPS}"):
        TrainingSettings(max_steps=limits.MAX_TRAIN_STEPS + 1).check()


def test_more_layers_than_the_limit_are_refused_with_what_to_change():
    from attention.training.settings import TrainingSettings

    cap = limits.MAX_LAYERS
    TrainingSettings(layers=cap).check()
    with pytest.raises(ValueError, match=f"layers must be a whole number between 1 and {cap}"):
        TrainingSettings(layers=cap + 1).check()
