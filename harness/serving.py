"""Starting the app on loopback and a headless Chromium for it: shared by the benchmarks and the browser tests.

Benchmarks (run as scripts, `python bench/latency.py`, which put the project root on the path) and the
tests (pytest puts it there) import it as `harness.serving`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [  # without the background-networking flags Chromium tries outside hosts, refused here
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(
    script: Path,
    port: int,
    *extra: str,
    cpus: str | None = None,
    env: dict[str, str] | None = None,
    cgroup: Path | None = None,
) -> subprocess.Popen:
    """`streamlit run script` on 127.0.0.1:port, quietly, without waiting for it; `cpus` ("0") pins it with taskset;
    `env` replaces the inherited environment; `cgroup` (a cgroup folder) holds the process from its first byte."""
    pin = ["taskset", "-c", cpus] if cpus else []
    join = None if cgroup is None else partial(_join_cgroup, cgroup)
    return subprocess.Popen(
        [*pin, sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, preexec_fn=join,
    )  # fmt: skip


def _join_cgroup(cgroup: Path) -> None:
    """In the child, before exec: move this process into `cgroup` (its memory is charged there from then on)."""
    (cgroup / "cgroup.procs").write_text(str(os.getpid()))


def wait_healthy(port: int, timeout_s: float = 60) -> None:
    """Return once the server's health endpoint answers; RuntimeError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"streamlit did not answer on port {port} within {timeout_s:g} s")


def start(
    script: Path,
    port: int,
    *extra: str,
    cpus: str | None = None,
    env: dict[str, str] | None = None,
    cgroup: Path | None = None,
) -> subprocess.Popen:
    """Launch and wait until healthy; the process is killed if it never answers."""
    process = launch(script, port, *extra, cpus=cpus, env=env, cgroup=cgroup)
    try:
        wait_healthy(port)
    except RuntimeError:
        process.kill()
        raise
    return process
