"""The embedded text store: one SQLite file (stdlib sqlite3, WAL mode) that threads and processes share.

Several threads and several server processes on one machine read and write it at once; each call opens
its own connection. What goes wrong with a file on a disk, and what the store does (each logged):
  - the file is damaged ("file is not a database", "malformed"): it is moved aside to <name>.damaged and
    made afresh; the texts in it are lost, and the call that found it raises StoreUnavailable;
  - the file (or its table) is deleted while the server runs: it is made afresh, and the call goes on;
  - the folder or the file is read-only: texts are read without writing their last-used time (WAL needs
    no -shm file then: `mode=ro`, else `immutable=1`), and a put raises StoreUnavailable until it is
    writable again;
  - the disk is full, or another writer holds the file past BUSY_TIMEOUT_S: StoreUnavailable.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import limits
from .text_store import StoreUnavailable, TextsLost, TroubleLog, caps, checked, default_path, is_key, text_key

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

DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
READ_ONLY = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")
READ_ANYWAY = (*READ_ONLY, "SQLITE_FULL", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR")
"""A last-used write that fails so leaves the text readable: the read goes on without it."""


def _name(error: BaseException) -> str:
    return getattr(error, "sqlite_errorname", "") or ""


def _is_damage(error: sqlite3.Error) -> bool:
    return _name(error).startswith(DAMAGED)


class SQLiteTextStore:
    """Texts by key in one SQLite file; safe to share between threads and between processes."""

    def __init__(self, path: str | Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.read_only = False
        self._clock = clock
        self._heal_lock = threading.Lock()
        self._trouble = TroubleLog(_LOG, str(self.path))
        self._started = False  # a file missing at start is a first start; later it was deleted
        with contextlib.suppress(StoreUnavailable):  # a store that cannot start still answers (and logs) later
            self._attempt(lambda db: db.execute("SELECT 1 FROM texts LIMIT 1").fetchone(), write=True)
        self._started = True

    # What the page calls.

    def put(self, text: str) -> str:
        """Store `text` (or mark it used again) and return its key; older texts beyond the caps go.

        Raises ValueError for a text longer than limits.MAX_STORED_TEXT_CHARS (an upload's 1 MB), and
        StoreUnavailable when the file cannot be written (read-only, disk full, damaged, locked).
        """
        key, now = text_key(checked(text)), self._clock()

        def write(db: sqlite3.Connection) -> str:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes, waiting up to the timeout
            try:
                db.execute(
                    "INSERT INTO texts (key, text, chars, created, last_used) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET last_used = excluded.last_used",
                    (key, text, len(text), now, now),
                )
                db.execute(PRUNE, caps(now))
                db.execute("COMMIT")
            except BaseException:
                db.rollback()
                raise
            return key

        key = self._attempt(write, write=True)
        if self.read_only:
            self.read_only = False
            _LOG.warning("text store %s: writable again; stored texts' last use is kept again", self.path)
        return key

    def get(self, key: object) -> str | None:
        """The text stored under `key`, or None if it is not a key, not here, or expired (opening it counts as
        a use). Raises StoreUnavailable when the file cannot be read (the log says why)."""
        if not is_key(key):
            return None
        now = self._clock()
        oldest = caps(now)["oldest"]
        if not self.read_only:
            try:
                return self._attempt(lambda db: self._use(db, key, now, oldest), write=True, lookup=True)
            except StoreUnavailable as error:
                cause = error.__cause__
                if isinstance(error, TextsLost) or not isinstance(cause, sqlite3.Error | OSError):
                    raise
                if isinstance(cause, sqlite3.Error) and not _name(cause).startswith(READ_ANYWAY):
                    raise
        row = self._attempt(
            lambda db: db.execute("SELECT text FROM texts WHERE key = ? AND last_used >= ?", (key, oldest)).fetchone(),
            write=False,
            lookup=True,
        )  # read-only, or the last-used write failed (disk full, locked): the text is still there to read
        return row[0] if row else None

    def __len__(self) -> int:
        return self._attempt(lambda db: db.execute("SELECT COUNT(*) FROM texts").fetchone()[0], write=False)

    def total_chars(self) -> int:
        return self._attempt(lambda db: db.execute("SELECT COALESCE(SUM(chars), 0) FROM texts").fetchone()[0], False)

    # How it gets there.

    @staticmethod
    def _use(db: sqlite3.Connection, key: str, now: float, oldest: float) -> str | None:
        row = db.execute(
            "UPDATE texts SET last_used = ? WHERE key = ? AND last_used >= ? RETURNING text", (now, key, oldest)
        ).fetchone()
        return row[0] if row else None

    @contextlib.contextmanager
    def _connect(self, *, write: bool, immutable: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection per call (none shared between threads, each closed promptly); never creates the file."""
        mode = "immutable=1" if immutable else ("mode=rw" if write else "mode=ro")
        db = sqlite3.connect(f"{self.path.absolute().as_uri()}?{mode}", uri=True, timeout=BUSY_TIMEOUT_S,
                             isolation_level=None)  # fmt: skip
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            yield db
        finally:
            db.close()

    def _attempt(self, work: Callable[[sqlite3.Connection], object], write: bool, lookup: bool = False):
        """`work` on a fresh connection; after a fault the store can heal (a file made afresh, read-only mode
        entered), once more. StoreUnavailable (logged) when it still fails; TextsLost when the file had to be
        made afresh under a `lookup` (a get), so the text asked for is gone for a reason the page can tell."""
        for attempt in range(2):
            try:
                immutable = not write and self.read_only and attempt == 1  # no -shm to be had: nobody writes
                with self._connect(write=write, immutable=immutable) as db:
                    return work(db)
            except (sqlite3.Error, OSError) as error:
                outcome = "fail" if attempt == 1 else self._heal(error, write, lookup)
                if outcome == "retry":
                    continue
                if outcome == "fail":
                    self._trouble.warn(_name(error) or "os", "could not %s: %s", "write" if write else "read", error)
                raise (TextsLost if outcome == "lost" else StoreUnavailable)(str(error)) from error
        raise AssertionError("unreachable")

    def _heal(self, error: sqlite3.Error | OSError, write: bool, lookup: bool) -> str:
        """Repair what `error` says is wrong, if this store can: "retry" the call, "lost" (made afresh: the
        text a read asked for is gone), or "fail"."""
        name = _name(error) if isinstance(error, sqlite3.Error) else ""
        missing_table = isinstance(error, sqlite3.OperationalError) and "no such table" in str(error)
        damaged = isinstance(error, sqlite3.Error) and _is_damage(error)
        if damaged or missing_table or (name == "SQLITE_CANTOPEN" and not self.path.exists()):
            try:
                self._start_afresh(damaged=error if damaged and isinstance(error, sqlite3.Error) else None)
            except (sqlite3.Error, OSError) as failed:  # a read-only or full disk: nothing to make it on
                self._trouble.warn("afresh", "could not make the file afresh after %s: %s", error, failed)
                return "fail"
            return "lost" if lookup and self._started else "retry"
        if name.startswith(READ_ONLY) or isinstance(error, PermissionError):
            if not self.read_only and self.path.exists():
                self.read_only = True
                _LOG.warning("text store %s is read-only (%s): texts are read, new ones cannot be kept", self.path,
                             error)  # fmt: skip
            return "retry" if not write and self.path.exists() else "fail"
        return "fail"

    def _start_afresh(self, damaged: sqlite3.Error | None) -> None:
        """Make the file anew (the damaged one kept as <name>.damaged), under a lock all processes share."""
        with self._heal_lock, self._file_lock():
            moved = damaged is not None and self._still_damaged()
            if moved:
                os.replace(self.path, self.path.with_name(self.path.name + ".damaged"))
            for leftover in (self.path.with_name(self.path.name + s) for s in ("-wal", "-shm")):
                if not self.path.exists():
                    leftover.unlink(missing_ok=True)  # an old log must not replay into a new file
            existed = self.path.exists()
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer; persists in the file
                db.executescript(SCHEMA)
            finally:
                db.close()
        if damaged is not None and not moved:
            _LOG.warning("text store %s was damaged (%s); another process made it afresh", self.path, damaged)
        elif damaged is not None:
            _LOG.warning("text store %s was damaged (%s): moved to %s.damaged and started afresh; the texts it held "
                         "are lost", self.path, damaged, self.path.name)  # fmt: skip
        elif existed:
            _LOG.warning("text store %s had lost its table: made it afresh", self.path)
        else:
            (_LOG.warning if self._started else _LOG.info)(
                "text store %s did not exist%s: made it afresh", self.path, " (deleted?)" if self._started else ""
            )
        self.read_only = False

    def _still_damaged(self) -> bool:
        """False if another process made the file afresh while this one waited for the lock (a whole-file
        check: damage in the middle of the file passes a count)."""
        try:
            with self._connect(write=False) as db:
                return db.execute("PRAGMA quick_check").fetchall() != [("ok",)]
        except sqlite3.Error as error:
            return _is_damage(error) and self.path.exists()

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """An exclusive lock on <name>.lock beside the file: one process at a time makes it afresh."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


assert limits.MAX_STORED_TEXTS > 0  # the caps come from limits (read at each prune, so tests may change them)
