"""The text store: long texts by key for links, capped in size and age, shared by threads and processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.serving import limits
from lab.serving import text_store as store
from lab.serving.text_store import TextStore

ROOT = Path(__file__).resolve().parents[1]
LONG = "the owl sat in the old oak tree and watched the river. " * 2_000  # 110,000 chars: cut to the limit
CHAPTER = LONG[: limits.MAX_TEXT_CHARS]


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "texts.sqlite3"


def test_a_long_text_comes_back_by_its_key_after_a_restart(path):
    key = TextStore(path).put(CHAPTER)
    assert store.is_key(key) and key == store.text_key(CHAPTER)
    assert TextStore(path).get(key) == CHAPTER  # a new store object: a restarted server


def test_the_same_text_gets_the_same_key_and_is_stored_once(path):
    texts = TextStore(path)
    assert texts.put("a text") == texts.put("a text") != texts.put("another text")
    assert len(texts) == 2


def test_the_default_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(store.STORE_PATH_ENV, str(tmp_path / "shared" / "t.sqlite3"))
    assert store.default_path() == tmp_path / "shared" / "t.sqlite3"
    assert TextStore().path.parent.is_dir()
    monkeypatch.delenv(store.STORE_PATH_ENV)
    assert store.default_path() == store.DEFAULT_PATH
    assert "var/" in (ROOT / ".gitignore").read_text().split()


@settings(max_examples=60, deadline=None)
@given(
    key=st.one_of(
        st.text(max_size=40),
        st.text(alphabet="0123456789abcdefABCDEF", min_size=15, max_size=17),
        st.just("' OR 1=1 --"),
        st.just("0" * 10_000),
        st.none(),
        st.integers(),
        st.lists(st.text()),
    )
)
def test_a_hostile_key_never_raises_and_finds_nothing(tmp_path_factory, key):
    texts = TextStore(tmp_path_factory.mktemp("hostile") / "t.sqlite3")
    texts.put("only this")
    assert texts.get(key) is None or key == store.text_key("only this")


def test_an_unknown_well_formed_key_finds_nothing(path):
    assert TextStore(path).get("0123456789abcdef") is None


def test_texts_longer_than_the_page_allows_are_refused(path):
    with pytest.raises(ValueError, match="at most"):
        TextStore(path).put(LONG)
    with pytest.raises(TypeError):
        TextStore(path).put(b"bytes")


def test_texts_nobody_opened_for_too_long_are_forgotten(path):
    clock = Clock()
    texts = TextStore(path, clock=clock)
    old, kept = texts.put("old text"), texts.put("kept text")
    clock.now += (limits.MAX_STORED_TEXT_AGE_DAYS - 1) * 86_400
    assert texts.get(kept) == "kept text"  # opening it counts as a use
    clock.now += 2 * 86_400
    assert texts.get(old) is None and texts.get(kept) == "kept text"
    texts.put("a new text")  # a write prunes what expired
    assert len(texts) == 2


def test_beyond_the_caps_the_least_recently_opened_go_first(path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_STORED_TEXTS", 3)
    monkeypatch.setattr(limits, "MAX_STORE_CHARS", 1_000)
    clock = Clock()
    texts = TextStore(path, clock=clock)
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


def test_many_threads_write_and_read_at_once(path):
    texts, errors = TextStore(path), []

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


def test_two_processes_share_one_store(path):
    """Two replicas on one machine: each writes while the other does; each reads the other's texts."""
    script = (
        "import sys; from lab.serving.text_store import TextStore\n"
        "s = TextStore(sys.argv[1])\n"
        "for i in range(100): s.put(f'child text {i}')\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT)
    TextStore(path)  # both may create the schema at once
    texts = TextStore(path)
    mine = [texts.put(f"parent text {i}") for i in range(100)]
    assert child.wait(60) == 0
    assert all(texts.get(store.text_key(f"child text {i}")) == f"child text {i}" for i in range(100))
    assert all(texts.get(key) is not None for key in mine) and len(texts) == 200
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # readers never wait for writers
