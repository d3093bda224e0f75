"""Words on screen in the reader's language: `_`, `N_`, `ngettext`, and numbers written the local way.

Every sentence the library gives the lab (report verdicts, lesson claims, chart titles and summaries) and
every label of the UI goes through `_`. Which catalog answers is the *active language*, a context variable
the UI sets at the start of each script run and fragment (`lab/i18n.py`, from its gettext catalogs). With
none set, `_` returns its English msgid, so notebooks, benchmarks and most tests read English.

    _("Next word")                                   # a msgid, extracted by babel (babel.cfg)
    _("{word} follows {n} times").format(word=w, n=count(5))   # placeholders by name: translators reorder
    ngettext("{n} word", "{n} words", n).format(n=count(n))
    TITLE = N_("Attention weights")                  # module data: marked for extraction, translated where shown
    st.subheader(_(TITLE))

Numbers go through `count`, `decimal` and `percent`: English is formatted by Python itself (no babel import,
so the server's first page stays fast), every other language by `babel.numbers` ("99,4 %" in Spanish).
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from dataclasses import dataclass, field

ENGLISH = "en"


@dataclass(frozen=True)
class Language:
    """One language the lab speaks: its code (en, es, zh_CN), its translations, and its babel locale."""

    code: str = ENGLISH
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)

    @property
    def is_english(self) -> bool:
        return self.code == ENGLISH


_ACTIVE: ContextVar[Language] = ContextVar("attention_language", default=Language())  # noqa: B039 (frozen)


def use(language: Language) -> None:
    """Make `language` the one `_` answers in, for the rest of this thread's run."""
    _ACTIVE.set(language)


def active_language() -> Language:
    """The language `_` answers in now."""
    return _ACTIVE.get()


def _(message: str) -> str:
    """`message` (an English msgid) in the active language."""
    return _ACTIVE.get().translations.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or the plural msgid for `n`, by the active language's plural rule (Chinese has one form)."""
    return _ACTIVE.get().translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (module data, translated with `_` where shown)."""
    return message


def count(n: int) -> str:
    """A whole number with the language's grouping: 24,977 in English, 24.977 in Spanish."""
    return f"{n:,}" if active_language().is_english else _babel(n, "decimal", 0)


def decimal(x: float, digits: int = 2) -> str:
    """`x` with `digits` decimals: 1.05 in English, 1,05 in Spanish."""
    return f"{x:,.{digits}f}" if active_language().is_english else _babel(x, "decimal", digits)


def percent(x: float, digits: int = 1) -> str:
    """The share `x` (0.994) as a percentage: 99.4% in English, 99,4 % in Spanish, 99.4% in Chinese."""
    return f"{x:.{digits}%}" if active_language().is_english else _babel(x, "percent", digits)


def _babel(x: float, kind: str, digits: int) -> str:
    """`x` in the active language's own pattern for `kind` (CLDR's, through babel), with exactly `digits` decimals."""
    import copy

    from babel import Locale

    locale = Locale.parse(active_language().code)
    pattern = copy.copy((locale.percent_formats if kind == "percent" else locale.decimal_formats)[None])
    pattern.frac_prec = (digits, digits)
    return pattern.apply(x, locale)


def number_locale() -> dict | None:
    """The active language's decimal mark, grouping and percent sign as Vega's number locale (d3-format), so
    charts write 21,5 % in Spanish as the text beside them does; None in English (Vega's own default)."""
    language = active_language()
    if language.is_english:
        return None
    from babel import Locale

    locale = Locale.parse(language.code)
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    percent_sign = _babel(0.5, "percent", 0).replace(_babel(50, "decimal", 0), "")  # "\xa0%" in Spanish
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", ""],
        "percent": percent_sign,
    }
