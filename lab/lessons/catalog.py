"""The lessons in the order that builds: the math first, then one word, then heads and what two layers build,
then the tokens a model reads, what attention cannot do alone, and the blog the lab started from."""

from __future__ import annotations

from . import Lesson, blog, counting, explanation, heads, induction, look_back, pieces, positions, scores

LESSONS: dict[str, Lesson] = {
    lesson.slug: lesson
    for lesson in (
        scores.LESSON,
        look_back.LESSON,
        positions.LESSON,
        heads.LESSON,
        induction.LESSON,
        counting.LESSON,
        pieces.LESSON,
        explanation.LESSON,
        blog.LESSON,
    )
}
"""Slug (its name in links) -> lesson, in the order of the Lessons page."""
