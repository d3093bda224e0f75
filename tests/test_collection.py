"""The built-in collection is big enough to learn from, and its prompts are passages no story contains."""

from __future__ import annotations

import pytest

import attention
from attention.teaching import collection

LANGUAGES = ("en", "es", "zh")


def grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The runs of n words (punctuation left out: '" , dijo ella . "' is everyday dialogue, not a copied line)."""
    tokens = [t for t in tokens if attention.is_word(t)]
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def test_the_english_collection_has_at_least_20000_words_in_stories_with_titles():
    files = collection.story_files("en")
    assert len(files) >= 15
    words = [t for t in attention.tokenize(collection.collection("en")) if attention.is_word(t)]
    assert len(words) >= 20_000
    for path in files:
        title, blank, *body = path.read_text(encoding="utf-8").splitlines()
        assert title.strip() and not blank.strip() and len(" ".join(body).split()) >= 500, path.name


@pytest.mark.parametrize("language", LANGUAGES)
def test_prompts_are_not_in_the_collection(language):
    """A prompt shares no run of 6 words with any story (Chinese: 10 characters), so the model has not read it."""
    n = 10 if language == "zh" else 6
    read = grams(attention.tokenize(collection.collection(language)), n)
    assert collection.prompts(language)
    for prompt in collection.prompts(language):
        assert not grams(attention.tokenize(prompt), n) & read, prompt[:60]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_a_collection_and_a_rhyme(language):
    assert len(collection.collection(language)) > 9_000
    rhyme = {"en": None, "es": "rima", "zh": "erge"}[language]
    if rhyme:
        assert collection.example_text(language, rhyme).strip()


def test_an_unknown_language_says_which_exist():
    with pytest.raises(ValueError, match="en, es, zh"):
        collection.story_files("xx")
