"""Long texts kept on the server, so a link carries a short key instead of 20,000 words.

A URL holds about 2,000 characters (limits.MAX_LINK_TEXT_CHARS); a pasted chapter does not fit. The page
stores such a text here and puts its key in the link; whoever opens the link, on any replica that
shares the store, after any restart, gets the text back.

    store = open_store()                 # LAB_STORE_URL (postgresql://...) or the SQLite file (LAB_STORE_PATH)
    key = store.put(text)                # "3f2a9c0d41b7e655": the same text always gets the same key
    store.get(key)                       # the text, or None (unknown, expired, or not a key at all)

Both stores (SQLite here, PostgreSQL in postgres_store.py) keep the same keys and the same caps: at most
limits.MAX_STORED_TEXTS texts and limits.MAX_STORE_CHARS characters, forgetting texts nobody opened for
limits.MAX_STORED_TEXT_AGE_DAYS; the least recently opened go first. Keys are the first 16 hex digits of the
text's SHA-256 (64 bits: a collision among a school's texts is about as likely as a cosmic-ray bit flip).

A store that cannot answer raises StoreUnavailable (the page then says the server cannot keep long texts
right now) after logging why, and heals what it can: the SQLite file damaged or deleted is made afresh, a
read-only folder is read without writing (sqlite_store.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from pathlib import Path
from typing import Protocol, TypeGuard

from . import limits

STORE_PATH_ENV = "LAB_STORE_PATH"
STORE_URL_ENV = "LAB_STORE_URL"
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "var" / "texts.sqlite3"  # var/ is gitignored
KEY_LENGTH = 16
_KEY = re.compile(rf"[0-9a-f]{{{KEY_LENGTH}}}")
LOG_AGAIN_S = 60.0
"""The same trouble is logged once a minute, not once per page view."""


class StoreUnavailable(Exception):
    """The store cannot answer now (damaged, deleted, read-only for a write, disk full, database down)."""


class TextsLost(StoreUnavailable):
    """The store had to start afresh (its file damaged or deleted): the texts it held, this one too, are gone."""


class Store(Protocol):
    """What the page needs from a text store; SQLite and PostgreSQL give the same answers."""

    read_only: bool

    def put(self, text: str) -> str: ...
    def get(self, key: object) -> str | None: ...
    def __len__(self) -> int: ...
    def total_chars(self) -> int: ...


def default_path() -> Path:
    """Where the SQLite store lives: $LAB_STORE_PATH if set (a shared volume for replicas), else var/ here."""
    configured = os.environ.get(STORE_PATH_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_PATH


def open_store() -> Store:
    """The server's store: PostgreSQL when $LAB_STORE_URL is set (replicas on several machines), else SQLite."""
    url = os.environ.get(STORE_URL_ENV, "").strip()
    if url:
        from .postgres_store import PostgresTextStore  # psycopg is imported only by servers that use it

        return PostgresTextStore(url)
    from .sqlite_store import SQLiteTextStore

    return SQLiteTextStore(default_path())


def text_key(text: str) -> str:
    """The key a text is stored under: the same text always gets the same key, on every server."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_LENGTH]


def is_key(value: object) -> TypeGuard[str]:
    """True if `value` looks like a key (16 lowercase hex digits); anything from a URL may be checked."""
    return isinstance(value, str) and _KEY.fullmatch(value) is not None


def checked(text: object) -> str:
    """`text` if a store may keep it; TypeError or ValueError (longer than the page allows) otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"only text can be stored, not {type(text).__name__}")
    if len(text) > limits.MAX_STORED_TEXT_CHARS:
        raise ValueError(f"a stored text has at most {limits.MAX_STORED_TEXT_CHARS:,} characters (got {len(text):,})")
    return text


def caps(now: float) -> dict[str, float]:
    """The pruning limits at time `now`, as both stores' queries name them."""
    return {
        "oldest": now - limits.MAX_STORED_TEXT_AGE_DAYS * 86_400,
        "max_chars": limits.MAX_STORE_CHARS,
        "max_texts": limits.MAX_STORED_TEXTS,
    }


class TroubleLog:
    """Warnings about a store, each kind at most once a minute (a broken store is asked on every page view)."""

    def __init__(self, logger: logging.Logger, where: str) -> None:
        self._logger, self._where = logger, where
        self._last: dict[str, float] = {}

    def warn(self, kind: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last.get(kind, -LOG_AGAIN_S) >= LOG_AGAIN_S:
            self._last[kind] = now
            self._logger.warning("text store %s: " + message, self._where, *args)

    def clear(self, kind: str) -> None:
        self._last.pop(kind, None)


def __getattr__(name: str):
    """`TextStore`, the SQLite store under its old name (imported lazily: sqlite_store imports this module)."""
    if name == "TextStore":
        from .sqlite_store import SQLiteTextStore

        return SQLiteTextStore
    raise AttributeError(name)
