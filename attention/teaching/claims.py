"""A lesson's claim as measured on this run (attention/teaching/lessons.py and trained_lessons.py make them)."""

from __future__ import annotations

from dataclasses import dataclass, field

UNCHANGED = 1e-4
"""Below this total variation distance two predictions are the same up to float32 rounding."""


@dataclass(frozen=True)
class Claim:
    """A lesson's claim as measured now: whether it held, the sentence to show, and the numbers in it."""

    holds: bool
    sentence: str  # the claim with the measured numbers, or what was seen instead
    numbers: dict[str, float] = field(default_factory=dict)
