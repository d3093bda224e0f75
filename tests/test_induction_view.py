"""The Induction heads view without a browser: its state comes from links, and a finished job shows the lesson."""

from streamlit.testing.v1 import AppTest

import attention
from attention.teaching import induction
from harness.app import open_app


def open_lesson(query: dict) -> AppTest:
    return open_app({"view": "Induction heads", **query})


def test_a_link_reopens_the_contrast_with_its_words_without_training():
    at = open_lesson({"ind_layers": "1", "ind_words": "25"})
    assert not at.exception
    assert at.slider(key="ind_words").value == 25
    assert any("1-layer model" in info.value for info in at.info)  # waits for the button: nothing trains on open
    assert not at.get("progress")


def test_pressing_train_starts_the_preset_and_the_link_follows():
    at = open_lesson({"ind_words": "21", "seed": "5"})
    at.button(key="ind_contrast").click().run()
    assert not at.exception
    assert at.query_params["ind_layers"] in ("1", ["1"])
    from lab.models import training_jobs

    job = training_jobs().get(induction.lesson_text(words=21, seed=5), attention.TrainingSettings(
        **{**attention.PRESETS["induction"], "layers": 1, "seed": 5}
    ))  # fmt: skip
    assert job is not None
    job.stop()
    job.wait(60)
