"""Shareable links: the app's settings to and from a URL query, validated, defaults left out.

A copied link reopens the same numbers because every setting (and the seed) travels in the URL.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

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

    def valid(self, value: object, *, low: float | None = None, high: float | None = None) -> int | float | bool | str:
        """`value` if it is one this setting can take, numbers clamped into [low, high] (default: the setting's
        own range); the default otherwise. A widget's value is whatever a client sent: any string for a
        selectbox, None for a cleared selection, NaN or 1e308 for a slider; what reads it gets a valid one."""
        if isinstance(self.default, bool):
            return value if isinstance(value, bool) else self.default
        if isinstance(self.default, str):
            if isinstance(value, str) and (self.choices is None or value in self.choices):
                return value
            return self.default
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not _finite(value):
            return self.default
        number: int | float = int(value) if isinstance(value, numbers.Integral) else float(value)
        if self.choices is not None:
            return type(self.default)(number) if number in self.choices else self.default
        low, high = (self.low if low is None else low), (self.high if high is None else high)
        if low is not None:
            number = max(number, low)
        if high is not None:
            number = min(number, high)
        return type(self.default)(number)

    def format(self, value: Value) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return f"{value:g}" if isinstance(value, float) else str(value)


def _finite(value: numbers.Real) -> bool:
    return isinstance(value, numbers.Integral) or math.isfinite(value)  # an int of 400 digits is finite too


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
    """Links carry the text only up to limits.MAX_LINK_TEXT_CHARS characters, and limits.MAX_LINK_TEXT_BYTES
    once percent-encoded (2,000 emoji take 24,000): longer links are cut or refused on the way."""
    if len(text) > limits.MAX_LINK_TEXT_CHARS:
        return False
    return len(quote(text.encode("utf-8", "surrogatepass"), safe="")) <= limits.MAX_LINK_TEXT_BYTES
