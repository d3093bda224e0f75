"""The page and the training queue: place in the queue, evicted models said out loud, restarts, the link's mark.

Each test gives the page its own registry (lab.models.training_jobs patched), so no other test's models
count, and names the session each AppTest stands for (AppTest gives every instance the same session id).
"""

from __future__ import annotations

import threading

import pytest
from streamlit.testing.v1 import AppTest

import lab.models
import lab.replica
from attention.teaching.examples import EXAMPLES
from attention.training.entry import train_model
from attention.training.settings import TrainingSettings
from harness.app import open_app
from lab.serving.queue import JobRegistry

TRAINED = "Trained "
SETTINGS = TrainingSettings(seed=0)  # the page's defaults (lab.state.training_settings with seed 0)


@pytest.fixture
def page_registry(monkeypatch):
    """Install a registry for the page; returns a function that sets which session the next run is."""
    sessions = {"current": "student-1"}
    monkeypatch.setattr(lab.models, "session_id", lambda: sessions["current"])
    monkeypatch.setattr(lab.models, "warm_up_default_model", lambda: True)  # the test's registry trains only its own

    def install(registry: JobRegistry):
        monkeypatch.setattr(lab.models, "training_jobs", lambda: registry)
        return lambda name: sessions.__setitem__("current", name)

    return install


def open_page(query: dict) -> AppTest:
    """The page with the model reading the prompt itself (the rhyme unless the query names another example)."""
    return open_app({"example": "Nursery rhyme", "reads": "prompt", **query})


def said(at) -> str:
    return " ".join(m.value for m in [*at.info, *at.warning, *at.markdown])


def press(at, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def trained_steps(at) -> str:
    """The summary's "Trained N steps" (its seconds vary with the machine's load)."""
    return next(m.value for m in at.markdown if m.value.startswith(TRAINED)).split(" in ")[0]


def finish(at, job) -> AppTest:
    assert job.wait(60)
    return at.run()  # what the progress fragment's rerun does in a browser


def test_a_waiting_session_sees_its_place_then_its_model_and_the_link_marks_the_wait(page_registry):
    gate = threading.Event()

    def slow_trainer(text, callback=None, **settings):
        gate.wait(60)
        return train_model(text, callback=callback, **settings)

    registry = JobRegistry(max_jobs=8, max_running=1, trainer=slow_trainer)
    be = page_registry(registry)
    be("student-1")
    first = press(open_page({"view": "Train"}), "Train")
    be("student-2")
    second = press(open_page({"view": "Train", "example": "Short story"}), "Train")
    try:
        assert registry.status(EXAMPLES["Nursery rhyme"], SETTINGS).state == "running"
        assert registry.status(EXAMPLES["Short story"], SETTINGS).state == "queued"
        assert "number 1 in the queue" in said(second) and "starts next" in said(second)
        assert second.query_params["training"] == "1"  # a restart now would say the training was lost
    finally:
        gate.set()
    be("student-1")
    first = finish(first, registry.get(EXAMPLES["Nursery rhyme"], SETTINGS))
    assert TRAINED in said(first) and "training" not in first.query_params
    be("student-2")
    second = finish(second, registry.get(EXAMPLES["Short story"], SETTINGS))
    assert TRAINED in said(second) and "training" not in second.query_params


def test_an_evicted_model_is_said_out_loud_and_retrained_only_on_request(page_registry):
    registry = JobRegistry(max_jobs=1)
    be = page_registry(registry)
    be("student-1")
    at = press(open_page({"view": "Train"}), "Train")
    at = finish(at, registry.get(EXAMPLES["Nursery rhyme"], SETTINGS))
    before = trained_steps(at)
    at.selectbox(key="example").select("Short story").run()
    at = finish(press(at, "Train"), registry.get(EXAMPLES["Short story"], SETTINGS))  # the rhyme's model goes
    assert registry.status(EXAMPLES["Nursery rhyme"], SETTINGS).state == "evicted"

    at.selectbox(key="example").select("Nursery rhyme").run()
    assert "let it go to make room" in said(at) and "press **Train**" in said(at)
    assert registry.status(EXAMPLES["Nursery rhyme"], SETTINGS).state == "evicted"  # not silently retrained
    at.segmented_control(key="view").set_value("Predict").run()  # Predict shows the trained model
    assert "let it go to make room" in said(at) and "press **Train again**" in said(at)
    assert registry.status(EXAMPLES["Nursery rhyme"], SETTINGS).state == "evicted"

    at = finish(press(at, "Train again"), registry.get(EXAMPLES["Nursery rhyme"], SETTINGS))
    assert "let it go" not in said(at) and at.get("vega_lite_chart")
    at.segmented_control(key="view").set_value("Train").run()
    assert trained_steps(at) == before  # the same steps (the seconds may differ)


def test_a_page_reopened_after_a_restart_mid_training_says_so_and_waits_for_train(page_registry):
    registry = JobRegistry(max_jobs=4)
    be = page_registry(registry)
    be("student-1")
    at = open_page({"view": "Predict", "training": "1"})
    assert "restarted while this model was training" in said(at) and "press **Train again**" in said(at)
    assert registry.status(EXAMPLES["Nursery rhyme"], SETTINGS).state == "none"  # nothing started behind its back
    at = finish(press(at, "Train again"), registry.get(EXAMPLES["Nursery rhyme"], SETTINGS))
    assert "restarted" not in said(at) and at.get("vega_lite_chart")
    at = open_page({"view": "Train", "training": "1", "example": "Short story"})
    assert "restarted while this model was training" in said(at) and "press **Train**" in said(at)
    at = finish(press(at, "Train"), registry.get(EXAMPLES["Short story"], SETTINGS))
    assert TRAINED in said(at) and "restarted" not in said(at)


def test_the_shared_link_leaves_out_the_training_mark(page_registry):
    gate = threading.Event()
    registry = JobRegistry(
        max_jobs=4,
        trainer=lambda text, callback=None, **s: (gate.wait(60), train_model(text, callback=callback, **s))[1],
    )
    page_registry(registry)
    at = press(open_page({"view": "Train", "seed": "3"}), "Train")
    try:
        assert at.query_params["training"] == "1"
        at.session_state["share_open"] = True
        at.run()
        (link,) = [c.value for c in at.code if "seed=3" in c.value]
        assert "training" not in link and "view=Train" in link
    finally:
        gate.set()


def test_without_streamlits_runtime_every_session_counts_as_alive():
    assert lab.models.session_alive("anyone")


def test_a_page_another_server_took_over_says_so_and_retrains(page_registry):
    """The link says which server wrote it (lab/replica.py): another server's link is a takeover, not a restart."""
    registry = JobRegistry(max_jobs=4)
    page_registry(registry)
    elsewhere = "0" * 8 if lab.replica.this_server() != "0" * 8 else "1" * 8
    at = open_page({"view": "Predict", "example": "Short story", "server": elsewhere})
    assert "Another server took over" in said(at) and "retrained here" in said(at) and "restarted" not in said(at)
    assert registry.status(EXAMPLES["Short story"], SETTINGS).state in ("queued", "running", "done")  # asked for
    at = finish(at, registry.get(EXAMPLES["Short story"], SETTINGS))
    assert at.get("vega_lite_chart") and at.query_params["server"] == lab.replica.this_server()
    at.run()
    assert "Another server took over" not in said(at)  # said until the model is back, then no more

    at = open_page({"view": "Train", "training": "1", "example": "Repeated patterns", "server": elsewhere})
    assert "Another server took over" in said(at) and "restarted" not in said(at)  # mid-training: not "restarted"
    at = finish(at, registry.get(EXAMPLES["Repeated patterns"], SETTINGS))  # retrained without pressing Train
    assert TRAINED in said(at)

    at = open_page({"view": "Train", "training": "1", "example": "Repeated patterns", "seed": "2",
                    "server": lab.replica.this_server()})  # fmt: skip
    assert "restarted while this model was training" in said(at) and "took over" not in said(at)


def test_a_page_another_server_took_over_says_so_when_this_one_has_the_model_already(page_registry):
    """The other server may have the model already (another student trained the same text, or this page's own
    reconnect started it): the page still says another server took over, and that nothing was lost."""
    registry = JobRegistry(max_jobs=4)
    page_registry(registry)
    elsewhere = "0" * 8 if lab.replica.this_server() != "0" * 8 else "1" * 8
    finish(open_page({"view": "Predict", "example": "Short story"}), registry.get(EXAMPLES["Short story"], SETTINGS))
    at = open_page({"view": "Predict", "example": "Short story", "server": elsewhere})
    assert "Another server took over" in said(at) and "has your model already" in said(at)
    assert "retrained" not in said(at) and "restarted" not in said(at) and at.get("vega_lite_chart")
    at.run()
    assert "Another server took over" not in said(at)  # said once, then no more


def test_the_shared_link_leaves_out_the_server_mark(page_registry):
    page_registry(JobRegistry(max_jobs=4))
    at = open_page({"view": "Predict", "seed": "4"})
    at = finish(at, lab.models.training_jobs().get(EXAMPLES["Nursery rhyme"], TrainingSettings(seed=4)))
    assert at.query_params["server"] == lab.replica.this_server()
    at.session_state["share_open"] = True
    at.run()
    (link,) = [c.value for c in at.code if "seed=4" in c.value]
    assert "server=" not in link


def test_the_browser_id_reads_the_token_inside_streamlits_masked_xsrf_cookie():
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = bytes(range(16))
    one_tab, another_tab = (generate_xsrf_token_string(token, 1_700_000_000) for _ in range(2))
    assert one_tab != another_tab  # masked afresh on every response
    assert lab.models.xsrf_token(one_tab) == lab.models.xsrf_token(another_tab) == token
    assert lab.models.xsrf_token(token.hex()) == token  # version 1: the bare token
    for broken in (None, "", "2|zz|00|1", "2|0011|aabb|1", "2|00112233||1", "not hex", "2|a|b"):
        assert lab.models.xsrf_token(broken) is None


def test_without_a_cookie_the_browser_is_the_tab(page_registry):
    at = AppTest.from_string("import lab.models, streamlit as st\nst.write(lab.models.browser_id())").run()
    assert not at.exception and at.markdown[0].value == "student-1"  # AppTest sends no cookie: the session id
