"""The SQLite store when its disk misbehaves: it tells the truth (a log line, StoreUnavailable for the page) and heals.

Each fault is made for real: the file overwritten with garbage or damaged in the middle, deleted while the
server runs, its folder read-only (for a forked child: root ignores file modes, so a root child drops to
`nobody` first), and a full disk (SQLite's own limit on the file's pages gives the same SQLITE_FULL a full
disk does). Then the page: a link whose text the store lost says the server cannot keep long texts right
now, not that the text was let go after 365 days unused.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lab import long_texts
from lab.serving import text_store
from lab.serving.sqlite_store import SQLiteTextStore
from lab.serving.text_store import StoreUnavailable, TextsLost

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CHAPTER = " ".join(f"word{i % 409}" for i in range(4000))  # ~35,000 characters: only its key fits a link
NOBODY = 65534


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "texts.sqlite3"


def logged(caplog) -> str:
    return " ".join(record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING)


def test_a_file_overwritten_with_garbage_is_moved_aside_made_afresh_and_said(path, caplog):
    opened = SQLiteTextStore(path)
    key = opened.put("a text")
    path.write_bytes(b"this is not a database" * 100)
    for leftover in path.parent.glob(path.name + "-*"):
        leftover.unlink()
    with pytest.raises(TextsLost):  # the page says the server cannot keep long texts, not "forgotten"
        opened.get(key)
    assert "damaged" in logged(caplog) and "started afresh" in logged(caplog)
    assert path.with_name(path.name + ".damaged").read_bytes().startswith(b"this is not a database")
    assert opened.get(key) is None  # the fresh file answers: that text is not in it
    again = opened.put("a new text")
    assert SQLiteTextStore(path).get(again) == "a new text"  # another process sees the fresh file


def test_a_file_damaged_in_the_middle_is_made_afresh_too(path, caplog):
    store = SQLiteTextStore(path)
    keys = [store.put(f"text {i} " * 200) for i in range(200)]
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = path.stat().st_size // 4096
    assert pages > 10
    with open(path, "r+b") as handle:  # garbage over the pages after the first: the header still says SQLite
        handle.seek(4096)
        handle.write(os.urandom(4096 * (pages - 1)))
    with pytest.raises(StoreUnavailable):
        for key in keys:
            store.get(key)
    assert "damaged" in logged(caplog) and path.with_name(path.name + ".damaged").exists()
    assert store.get(store.put("after the damage")) == "after the damage"
    assert [row[0] for row in sqlite3.connect(path).execute("PRAGMA quick_check")] == ["ok"]  # not the old file


def test_a_file_deleted_while_the_server_runs_is_made_afresh_with_its_table(path, caplog):
    store = SQLiteTextStore(path)
    old = store.put("a text from before")
    for file in path.parent.glob(path.name + "*"):
        file.unlink()
    with pytest.raises(TextsLost):
        store.get(old)
    assert "did not exist (deleted?)" in logged(caplog)
    assert store.get(store.put("a text after")) == "a text after"  # saves work again, without a restart
    for file in path.parent.glob(path.name + "*"):
        file.unlink()
    assert store.get(store.put("and after a second deletion")) == "and after a second deletion"  # put heals too


def in_read_only_folder(folder: Path, work):
    """work() in a forked child for which `folder` and its files are read-only; returns (result, log lines)."""
    folder.chmod(0o555)
    for file in folder.iterdir():
        file.chmod(0o444)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest from here on, only os._exit
        lines = []
        handler = logging.Handler()
        handler.emit = lambda record: lines.append(record.getMessage())
        logging.getLogger("lab").addHandler(handler)
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            assert not os.access(folder, os.W_OK)
            outcome = ("ok", work(), lines)
        except BaseException as error:
            outcome = ("error", repr(error), lines)
        os.write(write, pickle.dumps(outcome))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    folder.chmod(0o755)
    status, result, lines = pickle.loads(data)
    assert status == "ok", result
    return result, " ".join(lines)


def test_a_read_only_folder_still_reads_every_text_and_refuses_writes_plainly():
    folder = Path(tempfile.mkdtemp(prefix="lab-ro-store-"))  # not under pytest's tmp_path: nobody cannot enter it
    try:
        folder.chmod(0o755)
        path = folder / "texts.sqlite3"
        keys = [SQLiteTextStore(path).put(f"text {i}") for i in range(5)]
        before, files = path.read_bytes(), sorted(p.name for p in folder.iterdir())

        def child():
            store = SQLiteTextStore(path)
            texts = [store.get(key) for key in keys]
            try:
                store.put("a new text")
                refused = False
            except StoreUnavailable:
                refused = True
            return texts, store.read_only, refused, store.get("0123456789abcdef")

        (texts, read_only, refused, unknown), lines = in_read_only_folder(folder, child)
        assert texts == [f"text {i}" for i in range(5)] and read_only and refused and unknown is None
        assert "read-only" in lines
        assert path.read_bytes() == before  # no last-used time written, no WAL made
        assert sorted(p.name for p in folder.iterdir()) == files and not any("-wal" in f or "-shm" in f for f in files)
        assert SQLiteTextStore(path).get(keys[0]) == "text 0"  # writable again: the parent's own store
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class SmallDisk(SQLiteTextStore):
    """A disk with room for `free_pages` more pages: SQLite's max_page_count gives the SQLITE_FULL a full disk does."""

    free_pages = 4

    @contextlib.contextmanager
    def _connect(self, **kwargs):
        with super()._connect(**kwargs) as db:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages + self.free_pages}")
            yield db


def test_a_full_disk_refuses_new_texts_plainly_and_still_reads_the_old_ones(path, caplog):
    store = SmallDisk(path)
    small = store.put("a short text")
    with pytest.raises(StoreUnavailable):
        store.put("x" * 90_000)  # 90,000 characters: more than 4 pages
    assert "full" in logged(caplog)
    assert store.get(small) == "a short text"


@pytest.fixture
def page_store(tmp_path, monkeypatch):
    """The app's store (cached once per server) on a file of this test's own."""
    monkeypatch.setenv(text_store.STORE_PATH_ENV, str(tmp_path / "texts.sqlite3"))
    long_texts.text_store.clear()
    yield tmp_path / "texts.sqlite3"
    long_texts.text_store.clear()


def open_link(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def test_the_page_says_the_server_cannot_keep_long_texts_when_the_store_lost_them(page_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_area(key="text").set_value(CHAPTER).run()
    link = dict(at.query_params)
    assert "text_key" in link
    page_store.write_bytes(b"garbage" * 1000)
    for leftover in page_store.parent.glob(page_store.name + "-*"):
        leftover.unlink()
    reopened = open_link(link)
    warnings = " ".join(w.value for w in reopened.warning)
    assert not reopened.exception
    assert "cannot keep long texts right now" in warnings and "no longer on this server" not in warnings
    reopened.text_area(key="text").set_value(CHAPTER + " again").run()
    assert "text_key" in reopened.query_params  # the store healed: the page stores texts again


def test_the_share_box_says_so_when_the_store_cannot_keep_a_text(page_store, monkeypatch):
    def refuse(self, text):
        raise StoreUnavailable("disk full")

    monkeypatch.setattr(SQLiteTextStore, "put", refuse)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_area(key="text").set_value(CHAPTER).run()
    assert not at.exception and "text_key" not in at.query_params
    shown = " ".join(block.value for block in at.info)
    assert "cannot keep long texts right now" in shown
