"""Long texts kept on the server, so a link carries a short key instead of 20,000 words.

A URL holds about 2,000 characters (limits.MAX_LINK_TEXT_CHARS); a pasted chapter does not fit. The page
stores such a text here and puts its key in the link; whoever opens the link, on any replica that
shares the file, after any restart, gets the text back. One SQLite file (stdlib sqlite3, WAL mode), so
several threads and several server processes on one machine can read and write it at once.

    store = TextStore()                  # LAB_STORE_PATH, or var/texts.sqlite3 in the project
    key = store.put(text)                # "3f2a9c0d41b7e655": the same text always gets the same key
    store.get(key)                       # the text, or None (unknown, expired, or not a key at all)

Keys are the first 16 hex digits of the text's SHA-256 (64 bits: a collision among a school's texts is
about as likely as a cosmic-ray bit flip). The store keeps at most limits.MAX_STORED_TEXTS texts and
limits.MAX_STORE_CHARS characters, and forgets texts nobody opened for limits.MAX_STORED_TEXT_AGE_DAYS;
the least recently opened go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import limits

STORE_PATH_ENV = "LAB_STORE_PATH"
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "var" / "texts.sqlite3"  # var/ is gitignored
KEY_LENGTH = 16
_KEY = re.compile(rf"[0-9a-f]{{{KEY_LENGTH}}}")
BUSY_TIMEOUT_S = 10.0
"""How long a writer waits for another process's write to finish before giving up."""

_LOG = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS texts (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    chars INTEGER NOT NULL,
    created REAL NOT NULL,
    last_used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS texts_by_last_use ON texts (last_used);
"""

PRUNE = """
DELETE FROM texts WHERE last_used < :oldest OR key IN (
    SELECT key FROM (
        SELECT key,
               SUM(chars) OVER (ORDER BY last_used DESC, key) AS chars_so_far,
               ROW_NUMBER() OVER (ORDER BY last_used DESC, key) AS rank
        FROM texts
    ) WHERE chars_so_far > :max_chars OR rank > :max_texts
)
"""  # keep the most recently used texts that fit both caps; drop the rest and anything too old


def default_path() -> Path:
    """Where the store lives: $LAB_STORE_PATH if set (a shared volume for replicas), else var/ here."""
    configured = os.environ.get(STORE_PATH_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_PATH


def text_key(text: str) -> str:
    """The key a text is stored under: the same text always gets the same key, on every server."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_LENGTH]


def is_key(value: object) -> bool:
    """True if `value` looks like a key (16 lowercase hex digits); anything from a URL may be checked."""
    return isinstance(value, str) and _KEY.fullmatch(value) is not None


class TextStore:
    """Texts by key in one SQLite file; safe to share between threads and between processes."""

    def __init__(self, path: str | Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer; persists in the file
            db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection per call: no connection is shared between threads, and each closes promptly."""
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            yield db
        finally:
            db.close()

    def put(self, text: str) -> str:
        """Store `text` (or mark it used again) and return its key; older texts beyond the caps go.

        Raises ValueError for a text longer than limits.MAX_TEXT_CHARS (the page cuts pastes there).
        """
        if not isinstance(text, str):
            raise TypeError(f"only text can be stored, not {type(text).__name__}")
        if len(text) > limits.MAX_TEXT_CHARS:
            raise ValueError(f"a stored text has at most {limits.MAX_TEXT_CHARS:,} characters (got {len(text):,})")
        key, now = text_key(text), self._clock()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes, waiting up to the timeout
            try:
                db.execute(
                    "INSERT INTO texts (key, text, chars, created, last_used) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET last_used = excluded.last_used",
                    (key, text, len(text), now, now),
                )
                db.execute(PRUNE, self._caps(now))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return key

    def get(self, key: object) -> str | None:
        """The text stored under `key`, or None if it is not a key, not here, or expired. Never raises."""
        if not is_key(key):
            return None
        now = self._clock()
        try:
            with self._connect() as db:
                row = db.execute(
                    "UPDATE texts SET last_used = ? WHERE key = ? AND last_used >= ? RETURNING text",
                    (now, key, now - limits.MAX_STORED_TEXT_AGE_DAYS * 86_400),
                ).fetchone()
        except sqlite3.Error as error:  # a locked or damaged file: the page says "not found", the log says why
            _LOG.warning("text store %s: could not read %s: %s", self.path, key, error)
            return None
        return row[0] if row else None

    def __len__(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM texts").fetchone()[0]

    def total_chars(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COALESCE(SUM(chars), 0) FROM texts").fetchone()[0]

    @staticmethod
    def _caps(now: float) -> dict[str, float]:
        return {
            "oldest": now - limits.MAX_STORED_TEXT_AGE_DAYS * 86_400,
            "max_chars": limits.MAX_STORE_CHARS,
            "max_texts": limits.MAX_STORED_TEXTS,
        }
