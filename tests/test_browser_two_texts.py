"""In Chromium: a new sentence as the prompt gets predictions from the stories' vocabulary, with unknown words
marked; a 1 MB text uploaded as the training text trains with its progress shown."""

from __future__ import annotations

import pytest

import attention
import lab.models
from attention.teaching import collection
from attention.training.settings import TrainingSettings
from tests.conftest import wait_until_idle

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'
SENTENCE = "Yesterday the zookeeper gave the hungry penguins three silver fish, and they"


def strip_texts(page) -> list[str]:
    strip = page.locator(CHART).filter(has_text="predict after").first
    return strip.locator("svg text").all_text_contents()


def bar_words(page) -> list[str]:
    bars = page.locator(CHART).filter(has_text="probability of being the next word")
    labels = bars.locator("svg g.role-axis-label text").all_text_contents()
    return [label.split(". ", 1)[1] for label in labels if ". " in label]


def test_a_new_sentence_is_predicted_from_the_stories_vocabulary_with_unknown_words_marked(page, app_url):
    page.goto(app_url)
    wait_until_idle(page)
    box = page.locator('[data-testid="stTextArea"] textarea').first
    box.fill(SENTENCE)
    box.press("Control+Enter")
    page.wait_for_function(  # the strip redrawn with the new prompt (not the clock)
        "() => [...document.querySelectorAll('svg text')].some(t => t.textContent.startsWith('penguins'))",
        timeout=60_000,
    )
    wait_until_idle(page)
    texts = strip_texts(page)
    assert "zookeeper*" in texts or "penguins*" in texts  # words the stories never use, marked on the strip
    model = lab.models.training_jobs().get(collection.collection("en"), TrainingSettings()).model
    assert model is not None
    words = bar_words(page)
    assert words and all(w.strip("‘’") in model.vocabulary.words or w.startswith("<unk>") for w in words)
    assert "not in the model's vocabulary" in page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_1_mb_upload_trains_with_its_progress_shown(page, app_url, tmp_path):
    text = collection.collection("en")
    big = (text * (1_000_000 // len(text) + 1))[:990_000]
    big = big[: big.rfind(" ")]
    path = tmp_path / "stories.txt"
    path.write_text(big, encoding="utf-8")
    assert 900_000 < path.stat().st_size <= 1_000_000
    page.goto(f"{app_url}/?view=Train&reads=upload&t_epochs=10")
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("The model reads your file").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=60_000)  # the progress, live
    assert "Training" in page.locator('[data-testid="stProgress"]').first.inner_text()
    page.get_by_text("Trained ").first.wait_for(timeout=300_000)
    assert "train_key=" in page.url  # the link carries the uploaded text by its store key
    assert page.locator('[data-testid="stException"]').count() == 0
    assert attention.tokenize(big[:200])  # the text itself was fine
