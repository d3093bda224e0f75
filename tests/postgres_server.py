"""A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary folder, loopback only.

`initdb` refuses to run as root, so under root the cluster belongs to the `postgres` user (Debian's package
makes it) and its commands run through `runuser`. The server listens on a free loopback port and a socket
in its own folder, with fsync off (a test's data need not survive a crash), and is stopped at the end.
A test that needs it fails when REQUIRE_SERVING_TOOLS=1 (as .ci/run sets) and PostgreSQL is missing,
and skips otherwise (tests/serving_tools.py).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from harness import serving
from tests.serving_tools import require_tool


def bin_dir() -> Path:
    """The folder with initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, or the PATH's."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    initdb = require_tool("initdb", *[str(c) for c in reversed(candidates)], package="postgresql")
    return Path(initdb).parent


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield an admin URL (postgresql://lab@127.0.0.1:port/postgres); stop it and delete it."""
    tools = bin_dir()
    base = Path(tempfile.mkdtemp(prefix="lab-postgres-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", serving.free_port()
    try:
        subprocess.run([*as_owner, tools / "initdb", "-D", data, "-U", "lab", "-A", "trust", "-E", "UTF8",
                        "--locale=C", "--no-sync"], check=True, capture_output=True)  # fmt: skip
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run([*as_owner, tools / "pg_ctl", "-D", data, "-o", options, "-l", base / "server.log", "-w",
                        "-t", "60", "start"], check=True, capture_output=True)  # fmt: skip
        yield f"postgresql://lab@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_owner, tools / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                           capture_output=True)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def database(admin_url: str) -> Iterator[str]:
    """A fresh database on the server, for one test; dropped afterwards (connections and all)."""
    import psycopg

    name = f"lab_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
