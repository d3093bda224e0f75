"""`attention` is a notebook library: importing every module of it changes nothing of the process.

No thread started, no environment variable set, no allocator reconfigured, no Streamlit, SQLite or
ctypes of its own; the server's parts live in lab/serving/ (DESIGN.md).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT_EVERYTHING = """
import json, os, sys, threading
import numpy, altair  # what the library stands on, imported first: their own import-time effects are not ours
before_env, before_modules = dict(os.environ), set(sys.modules)
import importlib, pkgutil, attention
names = [m.name for m in pkgutil.walk_packages(attention.__path__, "attention.")]
for name in names:
    importlib.import_module(name)
new = set(sys.modules) - before_modules
print(json.dumps({
    "modules": len(names),
    "threads": threading.active_count(),
    "env_changed": sorted(k for k in set(os.environ) | set(before_env) if os.environ.get(k) != before_env.get(k)),
    "server_modules": sorted(m for m in new if m.split(".")[0] in ("streamlit", "sqlite3", "lab", "uvicorn")),
}))
"""


def test_importing_every_module_of_the_library_changes_nothing_of_the_process():
    out = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], cwd=ROOT, capture_output=True, text=True,
                         check=True)  # fmt: skip
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    assert facts["modules"] > 30
    assert facts["threads"] == 1, "importing attention started a thread"
    assert facts["env_changed"] == [], "importing attention changed the environment"
    assert facts["server_modules"] == [], "the library imported a server's module"


def test_no_module_of_the_library_reaches_for_the_process_or_the_server():
    """ctypes (glibc's allocator), SQLite, Streamlit and thread starts belong to lab/serving, not here."""
    forbidden = re.compile(r"^\s*(import|from)\s+(ctypes|sqlite3|streamlit|lab)\b|threading\.Thread\(|mallopt", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "attention").rglob("*.py"))
        if forbidden.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
