"""The lab in three languages: every word on screen comes from the catalog (a pseudo-locale marks each one),
the Spanish and Chinese catalogs are complete, numbers are written the local way, the language comes from
the link or the browser, and a link shows the same numbers in every language."""

from __future__ import annotations

import json
import re
from configparser import ConfigParser
from pathlib import Path

import pyarrow as pa
import pytest
import streamlit as st
from babel.messages.pofile import read_po

import attention
from attention import i18n as words
from attention.teaching import collection
from attention.teaching.examples import EXAMPLES
from harness import catalogs
from harness.app import open_app, until_trained
from harness.page_text import page_texts, words_of
from lab import i18n
from lab.lessons import catalog as lesson_catalog
from lab.lessons import page as lesson_page
from lab.lessons.page import LESSON_PAGE
from lab.table import VIEW_NAMES

TRANSLATED = [locale for _name, locale in i18n.LANGUAGES.values() if locale != "en"]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@pytest.fixture(scope="module")
def sources():
    return catalogs.extracted()


def test_babel_cfg_names_the_folders_the_tests_extract_from():
    config = ConfigParser()
    config.read(catalogs.ROOT / "babel.cfg")
    assert [section.split(":", 1)[1].strip() for section in config.sections()] == [
        pattern for pattern, _method in catalogs._METHOD_MAP
    ]


def test_the_sources_have_the_lab_s_messages(sources):
    ids = {message.id for message in sources if message.id}
    assert len(ids) > 300  # the labels, help texts, verdicts, lessons, chart titles
    assert {"Predict", "Self-attention next-word lab", "Language"} <= ids


@pytest.mark.parametrize("locale", TRANSLATED)
def test_each_catalog_translates_every_message_with_the_same_placeholders(sources, locale):
    with i18n.catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale)
    wanted = {message.id: message for message in sources if message.id}
    held = {message.id: message for message in catalog if message.id}
    assert not set(wanted) - set(held), f"not in {locale}.po: {sorted(set(wanted) - set(held))[:10]}"
    assert not set(held) - set(wanted), (
        f"in {locale}.po but no longer in the sources: {sorted(set(held) - set(wanted))[:10]}"
    )
    problems = []
    forms = catalog.num_plurals
    for key, message in held.items():
        strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
        ids = list(key) if isinstance(key, tuple) else [key]
        if message.fuzzy or not all(strings):
            problems.append(("untranslated or fuzzy", key))
        elif isinstance(key, tuple) and len(strings) != forms:
            problems.append((f"{len(strings)} plural forms, {locale} has {forms}", key))
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(ids[-1])) for s in strings):
            problems.append(("placeholders differ", key))
    assert not problems, problems[:10]


def test_numbers_are_written_the_local_way():
    try:
        words.use(i18n.language("es"))
        assert (words.percent(0.994), words.count(24977), words.decimal(1.05)) == ("99,4\xa0%", "24.977", "1,05")
        words.use(i18n.language("zh"))
        assert (words.percent(0.994), words.count(24977)) == ("99.4%", "24,977")
        words.use(i18n.language("en"))
        assert (words.percent(0.994), words.count(24977), words.decimal(1.05)) == ("99.4%", "24,977", "1.05")
    finally:
        words.use(words.Language())


@pytest.mark.parametrize(
    ("browser", "code"),
    [("es-MX", "es"), ("zh-CN", "zh"), ("zh-Hans-CN", "zh"), ("en-GB", "en"), ("fr-FR", "en"), (None, "en")],
)
def test_the_browser_s_language_picks_the_catalog(browser, code):
    assert i18n.from_browser(browser) == code


def test_a_spanish_link_shows_spanish_words_and_the_same_numbers_as_in_english():
    english = until_trained(open_app({"example": "Nursery rhyme", "reads": "prompt"}))
    spanish = until_trained(open_app({"example": "Nursery rhyme", "reads": "prompt", "lang": "es"}))  # its model
    assert spanish.title[0].value != english.title[0].value
    assert spanish.selectbox(key="lang").value == "es"

    def charted(at):
        return [json.loads(chart.proto.spec).get("datasets") for chart in at.get("vega_lite_chart")]

    assert charted(spanish) == charted(english)  # words change, numbers do not


def test_a_fresh_page_in_spanish_opens_on_the_spanish_stories_and_prompt():
    at = until_trained(open_app({"lang": "es"}))
    assert not at.exception
    assert at.text_area(key="text").value == collection.prompts("es")[0]
    assert at.session_state["stories"] == "es"
    assert at.query_params["stories"] in ("es", ["es"])  # the link says so: it opens the same in English


@pytest.fixture(scope="module")
def pseudo_locale():
    """English pages with every catalog message as ⟦message⟧ (the page's language is 'en')."""
    st.cache_data.clear()  # specs and sentences cached in English by other tests are keyed "en" too
    lesson_page.measured.clear()  # a lesson's claim, written in its page's language
    i18n.register("en", catalogs.pseudo())
    yield
    i18n._EXTRA.pop("en", None)
    st.cache_data.clear()  # and the pseudo-locale's must not reach the tests after these
    lesson_page.measured.clear()


@pytest.fixture(scope="module")
def user_words() -> set[str]:
    """Words that are the user's text, not the lab's: every example, the built-in stories, the lessons' texts."""
    texts = [*EXAMPLES.values(), *(collection.collection(language) for language in collection.LANGUAGES)]
    found = {token for text in texts for token in attention.tokenize(text)}
    return found | {name for name, _locale in i18n.LANGUAGES.values()} | {"unk", "bos", "eos"}


def assert_all_marked(at, user_words):
    assert not at.exception, [e.message for e in at.exception]
    texts = [text for text in page_texts(at) if not text.lstrip().startswith("<style>")]
    assert sum(catalogs.OPEN in text for text in texts) > len(texts) / 2  # the page is in the pseudo-locale
    assert not catalogs.unmarked(texts, user_words), catalogs.unmarked(texts, user_words)[:12]


def test_the_words_of_a_formula_block_leave_out_its_latex_and_directives_but_not_its_note():
    marked = "⟦**H**⟧\n\n$$\nq = \\operatorname{softmax}(s)\n$$\n\n:gray[:small[⟦k = 4 words⟧]]"
    assert not catalogs.unmarked([words_of(marked)], set())
    assert catalogs.unmarked([words_of(marked.replace("⟦k = 4 words⟧", "k = 4 words"))], set())  # a bare note


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_every_word_of_every_view_comes_from_the_catalog(pseudo_locale, user_words, view):
    at = until_trained(open_app({"view": view}))
    assert_all_marked(at, user_words)


@pytest.mark.parametrize("view", ["Predict", "Train", "Step by step", "Tokens"])
def test_every_word_of_a_view_of_a_model_reading_its_prompt_in_subwords_comes_from_the_catalog(
    pseudo_locale, user_words, view
):
    query = {"view": view, "example": "小灯塔 (a Chinese rhyme)", "reads": "prompt", "t_tokens": "subwords"}
    at = until_trained(open_app(query))
    assert_all_marked(at, user_words)


@pytest.mark.parametrize("text", ["", "cat", "!!!", "a " * 30_000])
def test_every_word_said_about_a_text_that_cannot_be_used_comes_from_the_catalog(pseudo_locale, user_words, text):
    at = open_app({"text": text} if text else {"text": " "})
    assert_all_marked(at, user_words)


@pytest.mark.parametrize("lesson", list(lesson_catalog.LESSONS.values()), ids=lambda lesson: lesson.slug)
def test_every_word_of_every_lesson_step_comes_from_the_catalog(pseudo_locale, user_words, lesson):
    for step in range(1, len(lesson.steps) + 1):
        at = open_app()
        at.switch_page(LESSON_PAGE)
        at.query_params.clear()
        at.query_params.update({"lesson": lesson.slug, "step": str(step)})
        at = until_trained(at.run())
        assert_all_marked(at, user_words | lesson_words(lesson))


def test_a_word_outside_the_markers_is_found_and_the_user_s_words_are_not():
    allowed = {"owl", "小", "猫"}
    assert catalogs.unmarked(["⟦Next ⟦word⟧⟧", "⟦p⟧ = 36%", "owl", "ow", "小猫"], allowed) == []
    assert catalogs.unmarked(["⟦Next⟧ word", "Probability", "大猫"], allowed) == ["⟦Next⟧ word", "Probability", "大猫"]


def lesson_words(lesson) -> set[str]:
    """The words of the texts a lesson's models read (made-up words, patterns): the user's text, in effect."""
    return {token for text, _settings in lesson.presets(0) for token in attention.tokenize(text)}


def test_adding_a_language_is_one_po_file_and_one_line():
    folders = sorted(p.name for p in Path(i18n.LOCALE_DIR).iterdir() if p.is_dir())
    assert folders == sorted(TRANSLATED)
    assert all(i18n.catalog_path(locale).is_file() for locale in TRANSLATED)


def test_charts_write_numbers_the_page_s_way():
    from attention.charts.theme import apply_theme

    try:
        words.use(i18n.language("es"))
        assert apply_theme({})["config"]["locale"]["number"] | {"currency": None} == {
            "decimal": ",", "thousands": ".", "grouping": [3], "currency": None, "percent": "\xa0%"
        }  # fmt: skip
    finally:
        words.use(words.Language())
    assert "locale" not in apply_theme({})["config"]  # English: Vega's own


def test_the_score_table_writes_its_numbers_the_page_s_way():
    at = until_trained(open_app({"view": "Train", "lang": "es"}))
    table = at.table[0]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pylist()
    try:
        words.use(i18n.language("es"))
        expected = [
            [words.decimal(row[1], 2), words.decimal(row[2], 2), words.percent(row[3], 0)]
            for row in table.value.itertuples(index=False)
        ]
    finally:
        words.use(words.Language())
    assert [list(row.values())[1:4] for row in shown] == expected
    assert "%" in expected[0][2] and "," in expected[0][0]  # 73,12 and 21 %: Spanish, not Python's 73.12


def test_a_lesson_link_in_spanish_opens_in_spanish_with_the_language_picker():
    at = open_app({"lang": "es"})
    at.switch_page(LESSON_PAGE)
    at.query_params.clear()
    at.query_params.update({"lesson": "scores-to-weights", "step": "2", "lang": "es"})
    at = at.run()
    assert not at.exception
    assert at.selectbox(key="lang").value == "es"
    assert "paso 2 de 5" in at.subheader[0].value


def test_a_lesson_s_links_carry_the_page_s_language(monkeypatch):
    from lab.lessons import page

    monkeypatch.setattr(page.i18n, "code", lambda: "es")
    assert page.link_query("scores-to-weights", 2)["lang"] == "es"
    monkeypatch.setattr(page.i18n, "code", lambda: "en")
    assert "lang" not in page.link_query("scores-to-weights", 2)
