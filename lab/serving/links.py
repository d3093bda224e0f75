"""Shareable links: the app's settings to and from a URL query, validated, defaults left out.

A copied link reopens the same numbers because every setting (and the seed) travels in the URL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from . import limits

Value = int | float | bool | str
"""What a setting holds (a link carries it as text)."""


@dataclass(frozen=True)
class Setting:
    """One setting's default and the values a URL may give it."""

    default: Value
    low: float | None = None
    high: float | None = None
    choices: tuple[int | float | str, ...] | None = None

    def parse(self, raw: str) -> Value | None:
        """The value `raw` stands for, clamped into range, or None when it is not valid."""
        if isinstance(self.default, bool):
            return {"1": True, "true": True, "0": False, "false": False}.get(raw.strip().lower())
        if isinstance(self.default, str):
            return raw if self.choices is None or raw in self.choices else None
        try:
            value = type(self.default)(float(raw)) if isinstance(self.default, int) else float(raw)
        except (ValueError, OverflowError):
            return None
        if not math.isfinite(value) or (self.choices is not None and value not in self.choices):
            return None
        if self.low is not None:
            value = max(value, type(self.default)(self.low))
        if self.high is not None:
            value = min(value, type(self.default)(self.high))
        return value

    def format(self, value: Value) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return f"{value:g}" if isinstance(value, float) else str(value)


def decode(query: Mapping[str, str], settings: Mapping[str, Setting]) -> dict[str, Value]:
    """Settings found in a URL query; unknown keys and invalid values are ignored."""
    values: dict[str, Value] = {}
    for key, setting in settings.items():
        if key in query:
            value = setting.parse(str(query[key]))
            if value is not None:
                values[key] = value
    return values


def encode(values: Mapping[str, Value], settings: Mapping[str, Setting]) -> dict[str, str]:
    """The URL query for `values`: only settings that differ from their default."""
    return {
        key: settings[key].format(value)
        for key, value in values.items()
        if key in settings and value != settings[key].default
    }


def text_fits_in_link(text: str) -> bool:
    """Links carry the text only up to limits.MAX_LINK_TEXT_CHARS characters (URLs get cut beyond ~2,000)."""
    return len(text) <= limits.MAX_LINK_TEXT_CHARS
