"""Lessons: every claim measured for seeds 0-9 on the lessons' own presets, every step drawn without an
exception, links that open a step, the teacher's sheet, and pictures only from attention.charts."""

from __future__ import annotations

import ast
import inspect
import runpy
from functools import partial
from pathlib import Path

import pytest

import attention
from attention.teaching import lessons as measure
from harness.app import open_app
from lab.lessons import catalog, presets, teacher_sheet
from lab.lessons.page import LESSON_PAGE, PAGE

ROOT = Path(__file__).resolve().parents[1]

SEEDS = range(10)
LESSONS = list(catalog.LESSONS.values())


@pytest.fixture(scope="module")
def measured() -> dict[tuple[str, int], object]:
    """Every lesson's measurement for seeds 0-9 (each model trained once: "Heads specialise" and "Induction heads"
    share the two-layer model, as the server's registry shares it)."""
    trained: dict = {}
    found = {}
    for lesson in LESSONS:
        for seed in SEEDS:
            for preset in lesson.presets(seed):
                if preset not in trained:
                    text, settings = preset
                    trained[preset] = attention.train_model(text, **vars(settings))
            models = tuple(trained[preset] for preset in lesson.presets(seed))
            found[lesson.slug, seed] = lesson.measure(models, seed)
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_each_claim_holds_for_nine_of_ten_seeds(measured, lesson):
    claims = [measured[lesson.slug, seed].claim for seed in SEEDS]
    assert sum(claim.holds for claim in claims) >= 9, [claim.sentence for claim in claims]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_a_claim_that_fails_says_so(measured, lesson):
    """The sentence shown is the claim only when it held: otherwise it says what was seen instead."""
    for seed in SEEDS:
        claim = measured[lesson.slug, seed].claim
        assert claim.numbers and all(isinstance(v, float) for v in claim.numbers.values())
        saying_so = "does not show" in claim.sentence or "In this run" in claim.sentence or "failed" in claim.sentence
        assert saying_so != claim.holds, claim.sentence


def test_the_positions_claim_is_exact_without_positions(measured):
    for seed in SEEDS:
        numbers = measured["why-positions-matter", seed].claim.numbers
        assert numbers["none"] < measure.UNCHANGED and numbers["learned"] >= measure.MOVED


def test_the_weighted_sum_check_can_fail():
    """one_word_looks_back's check is not a tautology: a wrong output row is caught."""
    import numpy as np

    rng = np.random.default_rng(0)
    weights = attention.softmax(rng.standard_normal((2, 3, 3)))
    V = rng.standard_normal((2, 3, 4))
    right = weights @ V
    assert measure.weighted_sum_gap(weights, V, right) < 1e-12
    assert measure.weighted_sum_gap(weights, V, right + 0.1) == pytest.approx(0.1)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_picture_is_an_attention_chart_builder(measured, lesson):
    for step in lesson.steps:
        picture = step.picture(measured[lesson.slug, 0])
        assert isinstance(picture, partial)
        assert picture.func.__module__.startswith("attention.charts."), (step.title, picture.func)
        picture.func(*picture.args, **picture.keywords, present=True).to_dict()  # valid Vega-Lite


def test_lessons_import_only_the_library_and_their_own_package():
    """No second implementation: a lesson module imports attention (its charts and functions) and lab.lessons."""
    from lab.lessons import blog, counting, explanation, heads, induction, look_back, pieces, positions, presets, scores

    for module in (blog, counting, explanation, heads, induction, look_back, pieces, positions, presets, scores):
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module.split(".")[0] in {"attention", "__future__", "dataclasses", "functools", "numpy"}
            elif isinstance(node, ast.Import):
                assert all(alias.name.split(".")[0] in {"attention", "numpy"} for alias in node.names)


def test_measurements_live_in_the_library():
    """Each lesson's claim comes from attention.teaching.lessons (no Streamlit there)."""
    assert "streamlit" not in inspect.getsource(measure)
    assert all(lesson.measure.__module__.startswith("lab.lessons.") for lesson in LESSONS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_has_three_to_seven_steps(lesson):
    assert 3 <= len(lesson.steps) <= 7
    assert lesson.promise and lesson.minutes > 0


def test_the_teacher_sheet_comes_from_the_lesson(measured):
    lesson = catalog.LESSONS["why-positions-matter"]
    found = measured[lesson.slug, 0]
    sheet = teacher_sheet(lesson, 3, found, 0)
    assert sheet.startswith("# Lesson 3: Why positions matter")
    assert all(step.ask in sheet and step.title in sheet for step in lesson.steps)
    assert found.claim.sentence in sheet and f"{found.claim.numbers['learned']:.3f}" in sheet


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_teacher_sheet_has_its_steps_and_this_seed_s_claim(measured, lesson):
    number = LESSONS.index(lesson) + 1
    found = measured[lesson.slug, 3]
    sheet = teacher_sheet(lesson, number, found, 3)
    assert sheet.startswith(f"# Lesson {number}: {lesson.title}") and found.claim.sentence in sheet
    assert all(f"## Step {i}. {step.title}" in sheet for i, step in enumerate(lesson.steps, start=1))
    assert ("seed 3" in sheet) == bool(lesson.settings)  # a lesson with models names their seed


def lessons_page(query: dict):
    at = open_app()
    at.switch_page(LESSON_PAGE if "lesson" in query else PAGE)
    at.query_params.clear()
    at.query_params.update(query)
    return at.run()


def test_the_lessons_page_lists_every_lesson_with_its_length():
    at = lessons_page({})
    assert not at.exception
    links = at.get("page_link")
    assert [link.proto.label for link in links] == [f"{i}. {lesson.title}" for i, lesson in enumerate(LESSONS, 1)]
    captions = " ".join(caption.value for caption in at.caption)
    assert all(f"{len(lesson.steps)} steps, about {lesson.minutes} minutes" in captions for lesson in LESSONS)


def test_a_link_opens_its_step_and_next_moves_on():
    at = lessons_page({"lesson": "why-positions-matter", "step": "2"})
    assert not at.exception
    assert "step 2 of 4" in at.subheader[0].value
    at.button(key="lesson_1").click().run()
    assert at.query_params["step"] in ("3", ["3"]) and "step 3 of 4" in at.subheader[0].value
    assert at.button(key="lesson_-1").proto.shortcut and at.button(key="lesson_clicker_1").proto.shortcut


def test_the_last_step_states_the_measured_claim(measured):
    at = lessons_page({"lesson": "why-positions-matter", "step": "4"})
    assert not at.exception
    assert [box.value for box in at.success] == [measured["why-positions-matter", 0].claim.sentence]
    assert at.get("download_button")


@pytest.mark.parametrize("query", [{"lesson": "nope"}, {"lesson": "scores-to-weights", "step": "99"},
                                   {"lesson": "scores-to-weights", "step": "-1", "seed": "x"}])  # fmt: skip
def test_bad_links_open_something_sensible(query):
    at = lessons_page(query)
    assert not at.exception
    assert at.info or at.subheader


def test_the_induction_claim_needs_two_layers_to_copy_and_one_not(measured):
    for seed in SEEDS:
        numbers = measured["induction-heads", seed].claim.numbers
        assert numbers["two_layers"] >= measure.COPIES and numbers["one_layer"] <= measure.ONE_LAYER_AT_MOST
        assert 0 < numbers["phase_change_step"] < presets.INDUCTION_STEPS  # the drop comes inside the training


def test_the_phase_change_is_the_first_point_past_the_threshold():
    from attention.evaluation.head_scores import HeadScores
    from attention.training.result import HistoryPoint

    def point(step: int, score: float) -> HistoryPoint:
        return HistoryPoint(step, 1, 1.0, 1.0, HeadScores(((0.0, 0.0),), ((score, 0.1),)))

    history = [point(40, 0.1), point(80, 0.49), point(120, 0.6), point(160, 0.4), point(200, 0.7)]
    assert measure.phase_change_step(history) == 120
    assert measure.phase_change_step(history[:2]) is None


def test_heads_specialise_fails_when_two_heads_share_the_job():
    from attention.evaluation.head_scores import HeadScores

    one_job_each = HeadScores(((0.9, 0.2), (0.1, 0.1)), ((0.0, 0.0), (0.8, 0.1)))
    assert measure.heads_specialise(one_job_each).holds
    shared = HeadScores(((0.9, 0.7), (0.1, 0.1)), ((0.0, 0.0), (0.8, 0.1)))
    assert not measure.heads_specialise(shared).holds
    same_head = HeadScores(((0.1, 0.1), (0.9, 0.1)), ((0.0, 0.0), (0.95, 0.1)))  # previous-token and induction
    assert not measure.heads_specialise(same_head).holds


def test_the_blog_is_order_blind_and_no_better_than_the_commonest_word(measured):
    for seed in SEEDS:
        numbers = measured["the-blogs-toy", seed].claim.numbers
        assert numbers["shuffle_moved"] < measure.UNCHANGED and numbers["accuracy"] < numbers["most_common"]


def test_words_or_pieces_counts_unknown_words_and_pieces(measured):
    found = measured["words-or-pieces", 0]
    assert found.claim.numbers["unknown_words"] == len(found.unknown) > 0 and found.claim.numbers["unknown_pieces"] == 0
    assert all(found.as_words.tokens[i] not in found.vocabulary.words for i in found.unknown)
    every_word = attention.Vocabulary.from_tokens(found.as_words.tokens)  # a list that knows the whole prompt
    words = [t for t in found.as_words.tokens if t.isalpha()]
    assert not measure.words_or_pieces(every_word, words, found.tokenizer, found.as_pieces.tokens).holds
    assert not measure.words_or_pieces(found.vocabulary, words, found.tokenizer, ["not a piece"]).holds


def test_counting_wins_on_little_prose_and_attention_on_the_copy(measured):
    """The lesson's sentence says who won on all the stories, whichever it was; a seed on the copy plateau says so."""
    for seed in SEEDS:
        claim = measured["attention-vs-counting", seed].claim
        n = claim.numbers
        assert n["small_model"] > n["small_counting"] and n["large_ratio"] < n["small_ratio"], claim.sentence
        assert ("the model wins" in claim.sentence) == (n["large_model"] < n["large_counting"])
        assert claim.holds == (n["copied"] >= measure.COPIED and n["copy_ratio"] < 1)
        against = measured["attention-vs-counting", seed].few_stories  # the step-4 picture: every counter
        assert max(against.values()) == pytest.approx(n["small_log2_ratio"])  # the strongest is the one compared


def test_the_induction_view_links_to_its_lesson():
    at = open_app({"view": "Induction heads"})
    assert not at.exception
    assert [link.proto.query_string for link in at.get("page_link")] == ["lesson=induction-heads&step=1"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_step_of_every_lesson_opens_from_its_link(measured, lesson):
    """Each step's page: its title, its picture, Previous/Next; the last step shows the claim measured on the
    server's own models (the same as the test's: same text and settings, same weights)."""
    from lab.models import training_jobs

    for text, settings in lesson.presets(0):  # the server's registry: trained once, as for a class
        assert training_jobs().start(text, settings).wait(120)
    for step in range(1, len(lesson.steps) + 1):
        at = lessons_page({"lesson": lesson.slug, "step": str(step)})
        assert not at.exception, (step, at.exception)
        assert f"step {step} of {len(lesson.steps)}" in at.subheader[0].value
        assert at.get("vega_lite_chart") and at.button(key="lesson_1")
        boxes = [box.value for box in (*at.success, *at.warning)]
        assert boxes == ([measured[lesson.slug, 0].claim.sentence] if step == len(lesson.steps) else []), boxes


COLOURS = set("red blue green yellow black white pink brown grey orange".split())
OBJECTS = set("ball cup hat box car kite shoe book lamp door".split())


def test_the_colour_copy_text_is_800_sentences_of_its_grammar():
    from attention.teaching import copying

    tokens = attention.tokenize(copying.colour_copy_text())
    sentences = [tokens[i : i + 6] for i in range(0, len(tokens), 6)]
    assert len(tokens) == 6 * 800 and len(sentences) == 800
    for the, colour, thing, is_, again, stop in sentences:
        assert (the, is_, stop) == ("the", "is", ".") and colour == again in COLOURS and thing in OBJECTS


def test_the_colour_copy_file_is_what_its_script_draws():
    script = runpy.run_path(str(ROOT / "corpus" / "make_colour_copy.py"))  # not run as __main__: it writes nothing
    committed = (ROOT / "corpus" / "en" / "colour-copy.txt").read_text(encoding="utf-8")
    assert committed == script["colour_copy_text"]()  # byte for byte, the trailing newline too
    assert set(script["COLOURS"]) == COLOURS and set(script["OBJECTS"]) == OBJECTS
    assert script["colour_copy_text"](seed=1) != committed  # the seed is what fixes the text
