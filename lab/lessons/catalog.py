"""The lessons in the order that builds: the math first, then one word, then what attention cannot do alone."""

from __future__ import annotations

from . import Lesson, explanation, look_back, positions, scores

LESSONS: dict[str, Lesson] = {
    lesson.slug: lesson for lesson in (scores.LESSON, look_back.LESSON, positions.LESSON, explanation.LESSON)
}
"""Slug (its name in links) -> lesson, in the order of the Lessons page."""
