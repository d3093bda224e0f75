"""The built-in collection: original stories written for the lab, and prompts it has not read.

    corpus/<language>/<letters><two digits>-<slug>.txt   the stories a model reads (one title line, then paragraphs)
    corpus/<language>/<other>.txt                          short example texts (a rhyme), not part of the collection
    corpus/prompts/<language>.txt                          passages no story contains, separated by lines of ---

Everything here was written for this project (free to reuse with it); nothing is copied from elsewhere.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
"""The folder of texts, beside `attention/` at the top of the repository."""

LANGUAGES = ("en", "es", "zh")
"""The languages with a collection (corpus/<language>/)."""

STORY_FILE = re.compile(r"^[a-z]+\d\d-.+\.txt$")
"""A story's file name: a01-where-is-biscuit.txt, es03-el-mercado.txt."""

PROMPT_SEPARATOR = re.compile(r"^---$", re.MULTILINE)


def story_files(language: str = "en") -> tuple[Path, ...]:
    """The collection's files for `language`, in name order (so the collection is the same everywhere)."""
    folder = CORPUS / language
    if not folder.is_dir():
        known = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "prompts")
        raise ValueError(f"there is no collection for {language!r}; the lab has {', '.join(known)}")
    return tuple(sorted(p for p in folder.iterdir() if STORY_FILE.match(p.name)))


@cache
def collection(language: str = "en", stories: int | None = None) -> str:
    """Every story of the language's collection (or its first `stories`), one after another, separated by a
    blank line."""
    files = story_files(language)[:stories]
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in files) + "\n"


@cache
def prompts(language: str = "en") -> tuple[str, ...]:
    """The passages written as prompts: no story contains them, so the model has not read them."""
    text = (CORPUS / "prompts" / f"{language}.txt").read_text(encoding="utf-8")
    return tuple(part.strip() + "\n" for part in PROMPT_SEPARATOR.split(text) if part.strip())


def example_text(language: str, name: str) -> str:
    """A short text of the language's folder that is not a story (a rhyme): corpus/<language>/<name>.txt."""
    return (CORPUS / language / f"{name}.txt").read_text(encoding="utf-8")
