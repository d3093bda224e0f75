"""The catalogs' sources and a pseudo-locale: what the tests (tests/test_i18n.py) check the catalogs and the
pages with.

    extracted()        every msgid of the sources, as `pybabel extract -F babel.cfg -k N_` finds them
    pseudo()           translations that wrap every msgid in ⟦ ⟧, so a page shows which words went through `_`
    unmarked(texts, allowed)   the words of `texts` outside any ⟦ ⟧, less the `allowed` ones (the user's text)
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo

ROOT = Path(__file__).resolve().parents[1]
OPEN, CLOSE = "⟦", "⟧"
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters of any script: a word someone wrote
_HAN = re.compile(r"[\u3400-\u9fff]+")
_METHOD_MAP = [("app.py", "python"), ("lab/**.py", "python"), ("attention/**.py", "python")]
"""babel.cfg's sections (the test checks they agree)."""


def extracted() -> Catalog:
    """Every message of the sources, with its locations (English: the msgids themselves)."""
    catalog = Catalog(locale="en")
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), _METHOD_MAP, keywords=keywords, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def pseudo() -> gettext.GNUTranslations:
    """Every message as ⟦message⟧ (placeholders kept), compiled as gettext reads a .mo file."""
    source = extracted()
    catalog = Catalog(locale="en")
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            catalog.add(message.id, tuple(f"{OPEN}{form}{CLOSE}" for form in message.id))
        else:
            catalog.add(message.id, f"{OPEN}{message.id}{CLOSE}")
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def unmarked(texts: list[str], allowed: set[str]) -> list[str]:
    """The texts with a word outside every ⟦ ⟧ that is not `allowed` (compared in lower case), nor a piece of an
    allowed word (a subword token of the user's text; Chinese: characters of it): each text as it was."""
    pieces = {
        word[i:j] for word in map(str.lower, allowed) for i in range(len(word)) for j in range(i + 2, len(word) + 1)
    }
    characters = {char for word in allowed for char in word}
    found = []
    for text in texts:
        rest = text.replace("\\", "")
        while (shorter := _INNERMOST.sub(" ", rest)) != rest:
            rest = shorter
        for word in _WORD.findall(rest):
            known = set(word) <= characters if _HAN.fullmatch(word) else word.lower() in pieces
            if not known:
                found.append(text)
                break
    return found
