"""The text store on PostgreSQL (psycopg 3), for replicas on several machines: LAB_STORE_URL=postgresql://...

The same keys, caps and ages as the SQLite store (text_store.py says which), so a link made on any replica
opens on every other. Texts are kept as UTF-8 bytes (BYTEA): PostgreSQL's TEXT cannot hold the NUL
character a pasted text may carry, and SQLite keeps it, so both stores give back exactly what was put.
One connection per call (a replica asks the store once per opened link and once per long text it
stores); puts take an advisory lock, so one replica at a time inserts and prunes, as SQLite's
BEGIN IMMEDIATE does. Faults are logged and raise StoreUnavailable: the database down or unreachable, a
read-only server (a standby: texts are still read, without their last-used time), a full disk. A table
dropped under the server is made again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import psycopg
from psycopg import errors

from .text_store import StoreUnavailable, TextsLost, TroubleLog, caps, checked, is_key, text_key

CONNECT_TIMEOUT_S = 5
"""How long a replica waits for the database before telling the page it cannot keep long texts."""
STATEMENT_TIMEOUT_MS = 10_000
"""How long one statement (or a wait for another replica's put) may take: as the SQLite store's busy timeout."""
PUT_LOCK = 0x1AB7E575
"""The advisory lock every replica's put takes: one writer at a time, so pruning sees every text."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS lab_texts (
    key TEXT PRIMARY KEY,
    text BYTEA NOT NULL,
    chars INTEGER NOT NULL,
    created DOUBLE PRECISION NOT NULL,
    last_used DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS lab_texts_by_last_use ON lab_texts (last_used);
"""

PRUNE = """
DELETE FROM lab_texts WHERE last_used < %(oldest)s OR key IN (
    SELECT key FROM (
        SELECT key,
               SUM(chars) OVER (ORDER BY last_used DESC, key) AS chars_so_far,
               ROW_NUMBER() OVER (ORDER BY last_used DESC, key) AS rank
        FROM lab_texts
    ) AS ranked WHERE chars_so_far > %(max_chars)s OR rank > %(max_texts)s
)
"""  # the SQLite store's query: keep the most recently used texts that fit both caps

READ_ANYWAY = (errors.ReadOnlySqlTransaction, errors.DiskFull, errors.QueryCanceled, errors.LockNotAvailable)
"""A last-used write that fails so leaves the text readable: the read goes on without it."""

_LOG = logging.getLogger(__name__)


def where(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{parts.scheme}://{parts.username + '@' if parts.username else ''}{host}:{parts.port or 5432}{parts.path}"


class PostgresTextStore:
    """Texts by key in one PostgreSQL table, shared by every replica that has the URL."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.read_only = False
        self._clock = clock
        self._trouble = TroubleLog(_LOG, where(url))
        with contextlib.suppress(StoreUnavailable):  # the database is not up yet: it answers (and logs) when it is
            self._attempt(self._create)

    def put(self, text: str) -> str:
        """Store `text` (or mark it used again) and return its key; older texts beyond the caps go.
        ValueError for a text over limits.MAX_STORED_TEXT_CHARS; StoreUnavailable when the database cannot take it."""
        key, now = text_key(checked(text)), self._clock()

        def write(db: psycopg.Connection) -> str:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (PUT_LOCK,))
            db.execute(
                "INSERT INTO lab_texts (key, text, chars, created, last_used) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET last_used = EXCLUDED.last_used",
                (key, text.encode("utf-8"), len(text), now, now),
            )
            db.execute(PRUNE, caps(now))
            return key

        key = self._attempt(write)
        if self.read_only:
            self.read_only = False
            _LOG.warning("text store %s: writable again", where(self.url))
        return key

    def get(self, key: object) -> str | None:
        """The text stored under `key`, or None if it is not a key, not here, or expired (opening it counts as
        a use). StoreUnavailable when the database cannot be read (the log says why)."""
        if not is_key(key):
            return None
        now = self._clock()
        oldest = caps(now)["oldest"]
        row = None
        if not self.read_only:
            try:
                row = self._attempt(lambda db: db.execute(
                    "UPDATE lab_texts SET last_used = %s WHERE key = %s AND last_used >= %s RETURNING text",
                    (now, key, oldest),
                ).fetchone(), lookup=True)  # fmt: skip
                return bytes(row[0]).decode("utf-8") if row else None
            except StoreUnavailable as error:
                if not isinstance(error.__cause__, READ_ANYWAY):
                    raise
        row = self._attempt(
            lambda db: db.execute(
                "SELECT text FROM lab_texts WHERE key = %s AND last_used >= %s", (key, oldest)
            ).fetchone(),
            lookup=True,
        )
        return bytes(row[0]).decode("utf-8") if row else None

    def __len__(self) -> int:
        return self._attempt(lambda db: (db.execute("SELECT COUNT(*) FROM lab_texts").fetchone() or (0,))[0])

    def total_chars(self) -> int:
        return self._attempt(
            lambda db: (db.execute("SELECT COALESCE(SUM(chars), 0) FROM lab_texts").fetchone() or (0,))[0]
        )

    @staticmethod
    def _create(db: psycopg.Connection) -> None:
        db.execute("SELECT pg_advisory_xact_lock(%s)", (PUT_LOCK,))  # two replicas starting at once
        db.execute(SCHEMA)

    def _attempt(self, work: Callable[[psycopg.Connection], object], lookup: bool = False):
        """`work` in one transaction on a fresh connection; a dropped table is made again and the call tried
        once more (under a `lookup`, a get, TextsLost: the text asked for went with the table); any other
        fault is logged and raised as StoreUnavailable."""
        for attempt in range(2):
            try:
                with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S,
                                     options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}") as db:  # fmt: skip
                    return work(db)  # the `with` commits, or rolls back on an exception
            except errors.UndefinedTable as error:
                if attempt == 0:
                    _LOG.warning("text store %s had lost its table: making it again", where(self.url))
                    self._heal_table()
                    if lookup:
                        raise TextsLost(str(error)) from error
                    continue
                raise self._unavailable(error) from error
            except errors.ReadOnlySqlTransaction as error:
                if not self.read_only:
                    self.read_only = True
                    _LOG.warning("text store %s is read-only (%s): texts are read, new ones cannot be kept",
                                 where(self.url), error)  # fmt: skip
                raise StoreUnavailable(str(error)) from error
            except psycopg.Error as error:
                raise self._unavailable(error) from error
        raise AssertionError("unreachable")

    def _heal_table(self) -> None:
        try:
            with psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S) as db:
                self._create(db)
        except psycopg.Error as error:
            self._trouble.warn("schema", "could not make its table: %s", error)

    def _unavailable(self, error: psycopg.Error) -> StoreUnavailable:
        kind = type(error).__name__
        self._trouble.warn(kind, "%s: %s", kind, str(error).strip().splitlines()[0] if str(error).strip() else kind)
        return StoreUnavailable(str(error))
