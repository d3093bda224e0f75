"""The lab's languages: gettext catalogs (lab/locale/<locale>/LC_MESSAGES/messages.po), which one a page reads, and
the switch that makes `attention.i18n._` answer in it.

    pybabel extract -F babel.cfg -o messages.pot .                       # the msgids, from every `_`, `N_`, `ngettext`
    pybabel update -i messages.pot -d lab/locale --no-fuzzy-matching     # into each .po (README: translating)

The `.po` files are compiled in memory on first use (babel's write_mo into GNUTranslations), so no `.mo` file is
committed or built at install. Adding a language is one `.po` file and one line of `LANGUAGES`.

The page's language comes from the link (`?lang=es`), else the browser (`st.context.locale`), and the sidebar
changes it. It changes words only: a link shows the same numbers in every language.
"""

from __future__ import annotations

import gettext
import io
import threading
from functools import cache
from pathlib import Path

import streamlit as st

from attention import i18n
from attention.i18n import ENGLISH, Language

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""lab/locale/<locale>/LC_MESSAGES/messages.po, one per language but English (the msgids are English)."""

LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "en"),
    "es": ("Español", "es"),
    "zh": ("中文", "zh_CN"),
}
"""Link code -> (the language's own name, shown in the picker; its catalog's locale, a folder of LOCALE_DIR)."""

DOMAIN = "messages"
_LOCK = threading.Lock()
_EXTRA: dict[str, Language] = {}  # languages registered at run time (the tests' pseudo-locale)


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _compiled(locale: str) -> Language:
    if locale == ENGLISH:
        return Language()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return Language(locale, gettext.GNUTranslations(mo))


def language(code: str) -> Language:
    """The language of link code `code` (en, es, zh), its catalog compiled once per server."""
    if code in _EXTRA:
        return _EXTRA[code]
    with _LOCK:
        return _compiled(LANGUAGES.get(code, LANGUAGES[ENGLISH])[1])


def register(code: str, translations: gettext.NullTranslations, locale: str = ENGLISH) -> None:
    """A language not in LANGUAGES, for this server (the tests' pseudo-locale: every msgid in markers)."""
    _EXTRA[code] = Language(locale, translations)


def from_browser(locale: str | None) -> str:
    """The link code for the browser's language ("es-MX" -> "es", "zh-Hans-CN" -> "zh"); English if the lab has
    no catalog for it."""
    primary = (locale or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else ENGLISH


def activate() -> None:
    """Make this run's `_` answer in the session's language (every script run and fragment starts with it)."""
    i18n.use(language(str(st.session_state.get("lang", ENGLISH))))


def code() -> str:
    """The session's link code (en, es, zh): cache keys of anything that holds translated words."""
    return str(st.session_state.get("lang", ENGLISH))
