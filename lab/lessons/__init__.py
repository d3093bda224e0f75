"""Lessons: a path a class can follow, one module per lesson, each claim measured on the run.

A lesson is a few steps (3 to 7). Each step says what to look at and what to ask the class, shows one
picture made by a chart builder of `attention.charts` (the same the Lab's views use), and offers one thing
to try. The last step states the lesson's claim with the number measured now (`attention.teaching.lessons`),
or says that this run does not show it. A lesson with a preset trains its own models once per server
(the Lab's shared registry), so it never depends on the Lab's text box.

A lesson's words (its title, promise, steps' titles and texts) are English msgids (`N_`), shown through `_` in
the page's language; a text with placeholders ({d_e}) takes its numbers from its step's `numbers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from attention.i18n import _, count, ngettext
from attention.teaching.lessons import Claim
from attention.training.settings import TrainingSettings

PAGE = "lab/pages/lessons_page.py"
"""The list's script, relative to app.py (what st.page_link and AppTest.switch_page name it by)."""
LESSON_PAGE = "lab/pages/lesson_page.py"
"""One lesson's script (a page of its own: Streamlit 1.67 ignores a link to the page it is on)."""


@dataclass(frozen=True)
class Step:
    """One screen: a title, what to look at, a question for the class, one thing to try, and its picture:
    `picture(measured)` returns partial(builder of attention.charts, ...), drawn by lab.render.show_chart.
    The texts are msgids; `numbers` fills their placeholders (counts, written the page's way by `said`)."""

    title: str
    look: str
    ask: str
    try_this: str
    picture: Callable[[Any], partial]
    numbers: dict[str, int] = field(default_factory=dict)

    def said(self, text: str) -> str:
        """One of the step's texts (`self.look`, ...) in the page's language, its placeholders filled."""
        shown = _(text)
        return shown.format(**{name: count(n) for name, n in self.numbers.items()}) if self.numbers else shown


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


def steps_and_minutes(lesson: Lesson) -> dict[str, str]:
    """The lesson's length in steps and in minutes, each number with its noun ("5 steps", "8 minutes")."""
    steps, minutes = len(lesson.steps), lesson.minutes
    return {
        "steps": ngettext("{n} step", "{n} steps", steps).format(n=count(steps)),
        "minutes": ngettext("{n} minute", "{n} minutes", minutes).format(n=count(minutes)),
    }


def and_list(items: list[str]) -> str:
    """'a and b and c', in the page's language."""
    joined = items[0]
    for item in items[1:]:
        joined = _("{first} and {second}").format(first=joined, second=item)
    return joined


def preset_line(lesson: Lesson, seed: int) -> str:
    """What the lesson's models read: how many words, and the seed."""
    texts = list(dict.fromkeys(text for text, _text_settings in lesson.presets(seed)))
    if len(texts) == 1:
        words = len(texts[0].split())
        return ngettext(
            "Preset: the lesson's own text ({words} word), seed {seed}.",
            "Preset: the lesson's own text ({words} words), seed {seed}.",
            words,
        ).format(words=count(words), seed=seed)
    counts = and_list([count(len(text.split())) for text in texts])
    return _("Preset: the lesson's own texts ({counts} words), seed {seed}.").format(counts=counts, seed=seed)


def teacher_sheet(lesson: Lesson, number: int, measured: Any, seed: int) -> str:
    """A one-page Markdown handout from the lesson's own data: its steps, the questions, the measured numbers,
    in the active language (the claim's sentence in the one it was measured in)."""
    claim = claim_of(measured)
    lines = [_("# Lesson {number}: {title}").format(number=number, title=_(lesson.title)), "",
             _("*{promise}* About {minutes}, {steps}.").format(promise=_(lesson.promise), **steps_and_minutes(lesson)),
             ""]  # fmt: skip
    if lesson.settings:
        lines += [preset_line(lesson, seed), ""]
    for i, step in enumerate(lesson.steps, start=1):
        lines += [_("## Step {number}. {title}").format(number=i, title=_(step.title)), "", step.said(step.look), "",
                  _("**Ask the class:** {question}").format(question=step.said(step.ask)), "",
                  _("**Try:** {suggestion}").format(suggestion=step.said(step.try_this)), ""]  # fmt: skip
    verdict = _("The claim holds on this seed.") if claim.holds else _(
        "The claim does NOT hold on this seed: say so in class."
    )  # fmt: skip
    lines += [_("## Expected numbers"), "", verdict, "", claim.sentence, ""]
    lines += [f"- {name}: {value:.3f}" for name, value in claim.numbers.items()]  # names are the numbers' ids
    return "\n".join(lines) + "\n"
