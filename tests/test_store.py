"""The text store: long texts by key for links, capped in size and age, shared by threads and processes.

One suite, run against both stores: SQLite (the embedded default) and PostgreSQL (LAB_STORE_URL, against a
real server that tests/postgres_server.py starts): the same keys, caps, ages and answers from each.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.serving import limits
from lab.serving import text_store as store
from lab.serving.postgres_store import PostgresTextStore
from lab.serving.sqlite_store import SQLiteTextStore

ROOT = Path(__file__).resolve().parents[1]
LONG = "the owl sat in the old oak tree and watched the river. " * 2_000  # 110,000 chars: cut to the limit
CHAPTER = LONG[: limits.MAX_TEXT_CHARS]


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Backend:
    """One store's way to be opened: `open()` is a server (re)started on it; `env` what a replica is given."""

    def __init__(self, name: str, opener: Callable, env: dict[str, str]) -> None:
        self.name, self._opener, self.env = name, opener, env

    def open(self, **kwargs):
        return self._opener(**kwargs)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.serving)])
def backend(request, tmp_path) -> Backend:
    if request.param == "sqlite":
        path = tmp_path / "texts.sqlite3"
        return Backend("sqlite", lambda **kw: SQLiteTextStore(path, **kw), {store.STORE_PATH_ENV: str(path)})
    url = request.getfixturevalue("postgres_db")
    return Backend("postgres", lambda **kw: PostgresTextStore(url, **kw), {store.STORE_URL_ENV: url})


def test_a_long_text_comes_back_by_its_key_after_a_restart(backend):
    key = backend.open().put(CHAPTER)
    assert store.is_key(key) and key == store.text_key(CHAPTER)
    assert backend.open().get(key) == CHAPTER  # a new store object: a restarted server


def test_every_character_comes_back_exactly(backend):
    texts = backend.open()
    odd = "nul \x00 in it, é, 🔎, \u202e, \r\n and a combining mark e\u0301 " * 100
    assert texts.get(texts.put(odd)) == odd  # PostgreSQL's TEXT cannot hold NUL: the store keeps bytes


def test_the_same_text_gets_the_same_key_and_is_stored_once(backend):
    texts = backend.open()
    assert texts.put("a text") == texts.put("a text") != texts.put("another text")
    assert len(texts) == 2


def test_the_store_comes_from_the_environment(backend, monkeypatch):
    for name in (store.STORE_PATH_ENV, store.STORE_URL_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in backend.env.items():
        monkeypatch.setenv(name, value)
    opened = store.open_store()
    assert type(opened) is {"sqlite": SQLiteTextStore, "postgres": PostgresTextStore}[backend.name]
    assert opened.get(opened.put("from the environment")) == "from the environment"


def test_the_default_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(store.STORE_PATH_ENV, str(tmp_path / "shared" / "t.sqlite3"))
    assert store.default_path() == tmp_path / "shared" / "t.sqlite3"
    assert SQLiteTextStore().path.parent.is_dir()
    monkeypatch.delenv(store.STORE_PATH_ENV)
    assert store.default_path() == store.DEFAULT_PATH == ROOT / "var" / "texts.sqlite3"
    assert "var/" in (ROOT / ".gitignore").read_text().split()
    assert store.TextStore is SQLiteTextStore  # the old name still imports


hostile_keys = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789abcdefABCDEF", min_size=15, max_size=17),
    st.just("' OR 1=1 --"),
    st.just("0" * 10_000),
    st.none(),
    st.integers(),
    st.lists(st.text()),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=hostile_keys)
def test_a_hostile_key_never_raises_and_finds_nothing(backend, key):
    texts = backend.open()
    texts.put("only this")
    assert texts.get(key) is None or key == store.text_key("only this")


def test_an_unknown_well_formed_key_finds_nothing(backend):
    assert backend.open().get("0123456789abcdef") is None


def test_texts_longer_than_the_page_allows_are_refused(backend):
    """An uploaded training text (up to 1 MB) is kept; anything longer is refused."""
    with pytest.raises(ValueError, match=f"at most {limits.MAX_STORED_TEXT_CHARS:,}"):
        backend.open().put("a" * (limits.MAX_STORED_TEXT_CHARS + 1))
    upload = "word " * (limits.MAX_STORED_TEXT_CHARS // 5)
    texts = backend.open()
    assert texts.get(texts.put(upload)) == upload
    with pytest.raises(TypeError):
        backend.open().put(b"bytes")


def test_texts_nobody_opened_for_too_long_are_forgotten(backend):
    clock = Clock()
    texts = backend.open(clock=clock)
    old, kept = texts.put("old text"), texts.put("kept text")
    clock.now += (limits.MAX_STORED_TEXT_AGE_DAYS - 1) * 86_400
    assert texts.get(kept) == "kept text"  # opening it counts as a use
    clock.now += 2 * 86_400
    assert texts.get(old) is None and texts.get(kept) == "kept text"
    texts.put("a new text")  # a write prunes what expired
    assert len(texts) == 2


def test_beyond_the_caps_the_least_recently_opened_go_first(backend, monkeypatch):
    monkeypatch.setattr(limits, "MAX_STORED_TEXTS", 3)
    monkeypatch.setattr(limits, "MAX_STORE_CHARS", 1_000)
    clock = Clock()
    texts = backend.open(clock=clock)
    keys = []
    for i in range(3):
        clock.now += 1
        keys.append(texts.put(f"text {i}"))
    clock.now += 1
    texts.get(keys[0])  # opened again: now the most recent
    clock.now += 1
    texts.put("text 3")
    assert [texts.get(k) is not None for k in keys] == [True, False, True]
    clock.now += 1
    texts.put("x" * 998)  # the character cap: only this and nothing else fits
    assert len(texts) == 1 and texts.total_chars() == 998


def test_many_threads_write_and_read_at_once(backend):
    texts, errors = backend.open(), []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                key = texts.put(f"thread {n} text {i}")
                assert texts.get(key) == f"thread {n} text {i}"
        except Exception as error:  # reported below, with the thread's number
            errors.append(f"thread {n}: {error!r}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(texts) == 160


def test_two_processes_share_one_store(backend):
    """Two replicas: each writes while the other does; each reads the other's texts."""
    script = (
        "from lab.serving.text_store import open_store\n"
        "s = open_store()\n"
        "for i in range(100): s.put(f'child text {i}')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in (store.STORE_PATH_ENV, store.STORE_URL_ENV)}
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env={**env, **backend.env})
    backend.open()  # both may create the schema at once
    texts = backend.open()
    mine = [texts.put(f"parent text {i}") for i in range(100)]
    assert child.wait(60) == 0
    assert all(texts.get(store.text_key(f"child text {i}")) == f"child text {i}" for i in range(100))
    assert all(texts.get(key) is not None for key in mine) and len(texts) == 200


def test_sqlite_runs_in_wal_mode(tmp_path):
    SQLiteTextStore(tmp_path / "t.sqlite3").put("text")
    with sqlite3.connect(tmp_path / "t.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # readers never wait for writers


def test_a_table_dropped_under_the_server_is_made_again(backend, caplog):
    texts = backend.open()
    key = texts.put("before")
    if backend.name == "sqlite":
        with sqlite3.connect(backend.env[store.STORE_PATH_ENV]) as db:
            db.execute("DROP TABLE texts")
    else:
        import psycopg

        with psycopg.connect(backend.env[store.STORE_URL_ENV], autocommit=True) as db:
            db.execute("DROP TABLE lab_texts")
    with pytest.raises(store.TextsLost):
        texts.get(key)  # the page says the server cannot keep long texts, not that this one was let go
    assert texts.get(texts.put("after")) == "after"
    assert "lost its table" in caplog.text
