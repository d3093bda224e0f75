"""Lessons: a path a class can follow, one module per lesson, each claim measured on the run.

A lesson is a few steps (3 to 7). Each step says what to look at and what to ask the class, shows one
picture made by a chart builder of `attention.charts` (the same the Lab's views use), and offers one thing
to try. The last step states the lesson's claim with the number measured now (`attention.teaching.lessons`),
or says that this run does not show it. A lesson with a preset trains its own models once per server
(the Lab's shared registry), so it never depends on the Lab's text box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from attention.teaching.lessons import Claim
from attention.training.settings import TrainingSettings

PAGE = "lab/pages/lessons_page.py"
"""The list's script, relative to app.py (what st.page_link and AppTest.switch_page name it by)."""
LESSON_PAGE = "lab/pages/lesson_page.py"
"""One lesson's script (a page of its own: Streamlit 1.67 ignores a link to the page it is on)."""


@dataclass(frozen=True)
class Step:
    """One screen: a title, what to look at, a question for the class, one thing to try, and its picture:
    `picture(measured)` returns partial(builder of attention.charts, ...), drawn by lab.render.show_chart."""

    title: str
    look: str
    ask: str
    try_this: str
    picture: Callable[[Any], partial]


@dataclass(frozen=True)
class Lesson:
    """A lesson: its steps, its preset (the training text and one settings per model, none for pure math)
    and `measure(models, seed)`, which returns what the pictures draw, with `.claim` the measured claim."""

    slug: str  # its name in links: ?lesson=<slug>&step=<n>
    title: str
    promise: str  # one line: what the class will know after it
    minutes: int
    steps: tuple[Step, ...]
    measure: Callable[[tuple, int], Any]
    training_text: str = ""
    settings: tuple[TrainingSettings, ...] = ()  # with `seed` replaced by the page's seed
    texts: tuple[str, ...] = ()  # one training text per settings, when the models read different texts

    def __post_init__(self) -> None:
        if not 3 <= len(self.steps) <= 7:
            raise ValueError(f"lesson {self.slug!r} has {len(self.steps)} steps; a lesson has 3 to 7")

    def presets(self, seed: int) -> tuple[tuple[str, TrainingSettings], ...]:
        """(training text, settings with the page's seed) of each of the lesson's models."""
        texts = self.texts or (self.training_text,) * len(self.settings)
        pairs = zip(texts, self.settings, strict=True)
        return tuple((text, TrainingSettings(**{**vars(s), "seed": seed})) for text, s in pairs)


def claim_of(measured: Any) -> Claim:
    """The measured claim every lesson's measurement carries."""
    return measured.claim


def teacher_sheet(lesson: Lesson, number: int, measured: Any, seed: int) -> str:
    """A one-page Markdown handout from the lesson's own data: its steps, the questions, the measured numbers."""
    claim = claim_of(measured)
    lines = [f"# Lesson {number}: {lesson.title}", "", f"*{lesson.promise}* About {lesson.minutes} minutes, "
             f"{len(lesson.steps)} steps.", ""]  # fmt: skip
    if lesson.settings:
        texts = dict.fromkeys(text for text, _ in lesson.presets(seed))
        words = " and ".join(f"{len(text.split()):,}" for text in texts)
        lines += [f"Preset: the lesson's own text{'s' if len(texts) > 1 else ''} ({words} words), seed {seed}.", ""]
    for i, step in enumerate(lesson.steps, start=1):
        lines += [f"## Step {i}. {step.title}", "", step.look, "", f"**Ask the class:** {step.ask}", "",
                  f"**Try:** {step.try_this}", ""]  # fmt: skip
    verdict = "holds on this seed" if claim.holds else "does NOT hold on this seed: say so in class"
    lines += ["## Expected numbers", "", f"The claim {verdict}.", "", claim.sentence, ""]
    lines += [f"- {name}: {value:.3f}" for name, value in claim.numbers.items()]
    return "\n".join(lines) + "\n"
