"""What the model reads is not what you ask it: a training text, a prompt, and words it cannot name said truly."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import attention
import lab.models
from attention import limits
from attention.core.parameters import UNKNOWN_TOKEN
from attention.teaching import collection
from attention.training.settings import TrainingSettings
from lab.views import VIEWS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BLOG = "The blog's method: a toy"
BEES = collection.prompts("en")[0]  # the default prompt: about 70 words, a few the stories never use


def open_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({key: str(value) for key, value in query.items()})
    at.run()
    for _ in range(400):  # a model still training in the background: rerun until it is here
        if not at.get("progress") and not any("queue" in info.value for info in at.info):
            break
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def said(at) -> str:
    return " ".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.warning]).replace("\\", "")


def strip_tokens(at) -> list[str]:
    strip = next(c for c in at.get("vega_lite_chart") if '"pick"' in c.proto.spec)
    table = pa.ipc.open_stream(strip.proto.datasets[0].data.data).read_all().to_pandas()
    return list(table.sort_values("index")["token"])


def default_model() -> attention.TrainedModel:
    return lab.models.training_jobs().get(collection.collection("en"), TrainingSettings()).model


def test_views_inspect_the_prompt_while_the_model_reads_the_collection():
    at = open_app(position=10)
    prompt_tokens = attention.tokenize(BEES)
    assert strip_tokens(at) == prompt_tokens[: len(strip_tokens(at))]  # the strip is the prompt
    model = default_model()
    assert model is not None and len(model.vocabulary) > 1000  # a vocabulary from 25,000 words, not 70
    assert "The model read the built-in stories" in said(at) and "this prompt is new to it" in said(at)


def test_a_model_trained_while_the_page_waits_shades_the_strip_above_it_in_the_same_run(monkeypatch):
    monkeypatch.setattr(lab.models, "INLINE_WAIT_S", 120.0)  # the view waits inside its run for the whole training
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"example": "Nursery rhyme", "reads": "prompt", "seed": "8086"})  # a model no test trains
    at.run()  # one run: no rerun by the progress fragment
    assert not at.exception, [e.message for e in at.exception]
    assert any("probability of being the next word" in chart.proto.spec for chart in at.get("vega_lite_chart"))
    strips = [chart for chart in at.get("vega_lite_chart") if '"pick"' in chart.proto.spec]
    assert len(strips) == 1 and strips[0].proto.selection_mode == ["pick"]  # the strip, clickable
    assert '"attention from"' in strips[0].proto.spec  # shaded by the model's attention


def test_two_sessions_share_one_default_model(monkeypatch):
    first, second = open_app(), open_app(example="Kites in autumn")
    assert not first.exception and not second.exception
    job = lab.models.training_jobs().get(collection.collection("en"), TrainingSettings())
    assert job is not None and job.done and job.model is default_model()  # one object, trained (or loaded) once


def unknown_next_positions(model: attention.TrainedModel, tokens: list[str]) -> list[int]:
    """1-based positions whose next word the model reads as <unk>."""
    return [i + 1 for i in range(len(tokens) - 1) if not model.knows(tokens[i + 1])]


def test_a_true_next_word_the_model_does_not_know_gets_the_probability_of_unk_in_every_view():
    open_app()
    model, tokens = default_model(), attention.tokenize(BEES)
    positions = unknown_next_positions(model, tokens)
    assert positions, "the default prompt has words the stories never use"
    for view in VIEWS:
        for position in positions[:2]:
            at = open_app(view=view, position=position, window=4)
            text = said(at)
            word = tokens[position]
            assert not re.search(rf"next word is '{re.escape(word)}'[^.]*: probability 0\.0%", text), (view, text)
            if f"next word is '{word}'" in text and view != BLOG:  # the blog's words are the prompt's own
                assert "not in the model's vocabulary" in text
                context = tokens[max(0, position - 4) : position]
                p = model.next_word_distribution(context).probability_of(word)
                assert p > 0 and f"{UNKNOWN_TOKEN} {p:.1%}" in text


def test_the_strip_and_labels_mark_words_the_model_does_not_know():
    open_app()
    model, tokens = default_model(), attention.tokenize(BEES)
    unknown = [i for i, t in enumerate(tokens) if not model.knows(t)]
    at = open_app(view="Attention map", position=unknown[0] + 2, window=4)
    strip = next(c for c in at.get("vega_lite_chart") if '"pick"' in c.proto.spec)
    table = pa.ipc.open_stream(strip.proto.datasets[0].data.data).read_all().to_pandas()
    marked = table[table["vocabulary"] != "known"]
    assert set(marked["index"] - 1) == {i for i in unknown if i in set(table["index"] - 1)}
    assert all(shown.endswith("*") for shown in marked["shown"])
    assert "not in the model's vocabulary" in said(at)
    assert any(
        f"{tokens[unknown[0]]}*" in c.proto.datasets[0].data.data.decode("latin-1") for c in at.get("vega_lite_chart")
    )


def test_a_sampled_unknown_word_is_said_in_words(monkeypatch):
    """Whenever the draw is <unk> (forced here; the default prompt gives it a few percent), the page says so in
    words, never the token "<unk>" in large type."""
    monkeypatch.setattr(attention, "sample_word", lambda distribution, rng: UNKNOWN_TOKEN)
    at = open_app(position=20, window=4)
    assert [m.value for m in at.metric] == ["a word it does not know"]
    assert "the one token the model has for every word it never learned" in said(at)


def test_the_prompt_itself_is_the_memorising_case_and_says_so():
    at = open_app(example="Nursery rhyme", reads="prompt")
    assert "The model reads the prompt itself" in said(at) and "memorised" in said(at)


def test_a_link_carries_what_the_model_reads(tmp_path):
    at = open_app(reads="prompt", example="Short story")
    assert at.query_params["reads"] == "prompt"
    again = open_app(**dict(at.query_params))
    assert again.session_state["reads"] == "prompt" and "The model reads the prompt itself" in said(again)


def test_an_uploaded_training_text_travels_in_the_link_by_its_store_key():
    from lab.serving.text_store import TextStore

    upload = " ".join(collection.collection("en").split()[:3000])
    key = TextStore().put(upload)
    at = open_app(view="Train", reads="upload", train_key=key)
    assert at.session_state["_upload_text"] == upload
    assert at.query_params["train_key"] == key
    assert f"The model reads your file: {len(upload):,} characters" in said(at)


def test_an_upload_not_yet_made_says_what_to_do():
    at = open_app(view="Predict", reads="upload")
    assert "upload a .txt file in **Train**" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_with_subword_tokens(view):
    at = open_app(view=view, t_tokens="subwords", position=12, window=4)
    assert not at.warning, [w.value for w in at.warning]
    tokens = strip_tokens(at)
    assert any(t.startswith(" ") for t in tokens)  # pieces carry their leading space: these are BPE tokens
    if view in ("Predict", "Step by step", "Generate"):
        assert "next token" in said(at) or view != "Predict"


def test_merges_beyond_the_limit_are_refused_with_the_range():
    with pytest.raises(ValueError, match=f"between 0 and {limits.MAX_MERGES}"):
        TrainingSettings(tokenization="subwords", merges=limits.MAX_MERGES + 1).check()
