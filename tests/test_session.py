"""The session's private values go through lab/session.py's typed slots, one key each."""

import re
from pathlib import Path

from lab import session
from lab.table import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
PRIVATE_ACCESS = re.compile(r"""session_state(\.|\.get\(|\.pop\(|\[)\s*["']?_\w+""")
"""st.session_state._x, .get("_x"), .pop("_x"), ["_x"]: a private key read or written by hand."""


def test_every_slot_has_its_own_private_key():
    keys = [value.key for value in vars(session).values() if isinstance(value, session.Slot)]
    assert len(keys) >= 6  # loaded, job, interrupted, stored key, missing text, start lesson
    assert len(set(keys)) == len(keys)
    assert all(key.startswith("_") for key in keys)  # never a setting's or a widget's key
    assert not set(keys) & set(SETTINGS)


def test_no_module_touches_a_private_session_key_but_the_accessor():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [ROOT / "app.py", *sorted((ROOT / "lab").rglob("*.py"))]
        if path != ROOT / "lab" / "session.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PRIVATE_ACCESS.search(line)
    ]
    assert offenders == []


def test_the_pattern_finds_each_way_of_touching_a_private_key():
    for line in ('st.session_state._job = job', 'st.session_state.get("_job")', "st.session_state.pop('_x', None)",
                 'st.session_state["_loaded"] = True'):  # fmt: skip
        assert PRIVATE_ACCESS.search(line), line
    assert not PRIVATE_ACCESS.search("st.session_state.position = 3")
