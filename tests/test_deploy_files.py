"""The container files say what the README says: Docker cannot run on the test machine, so read them.

tests/test_replicas.py runs deploy/nginx.conf for real; here the Dockerfile and compose.yaml are checked
for the promises the README makes about them (a slim base, a non-root user, the health check, the README's
run command, the allocator setting, one shared text store, nginx in front of the lab service).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n(\s*#.*\n)*", " ", dockerfile)
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_dockerfile_runs_the_readme_command_as_a_non_root_user_with_a_health_check():
    steps = instructions((ROOT / "Dockerfile").read_text())
    kinds = [kind for kind, _ in steps]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", steps[0][1])
    user = [args for kind, args in steps if kind == "USER"]
    assert user and user[-1] not in ("root", "0") and kinds.index("USER") < kinds.index("CMD")
    assert "/_stcore/health" in dict(steps)["HEALTHCHECK"]
    assert dict(steps)["CMD"] == '["streamlit", "run", "app.py"]'
    assert "pip install -r requirements.txt && streamlit run app.py" in (ROOT / "README.md").read_text()
    env = " ".join(args for kind, args in steps if kind == "ENV")
    assert "MALLOC_ARENA_MAX=2" in env and "LAB_STORE_PATH=/data/" in env


def test_compose_puts_nginx_with_the_deploy_config_in_front_of_lab_replicas():
    compose = (ROOT / "compose.yaml").read_text()
    assert re.search(r"^  lab:\n(    .*\n|\n)*?    build: \.", compose, re.MULTILINE)
    assert re.search(r"replicas: [2-9]", compose)
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf" in compose
    assert "condition: service_healthy" in compose
    assert "LAB_STORE_PATH: /data/texts.sqlite3" in compose and "lab-texts:/data" in compose
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server lab:8501;" in site and "hash $lab_route consistent;" in site
    assert "proxy_set_header Upgrade $http_upgrade;" in site and "proxy_set_header Host $http_host;" in site
