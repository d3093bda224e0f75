"""Helpers for the serving tests: external tools (strace, nginx, PostgreSQL) found or skipped, connect() records read.

A test that needs strace, nginx or PostgreSQL skips with the reason when the tool is missing, unless the environment
sets REQUIRE_SERVING_TOOLS=1 (as .ci/run does, after installing them): then a missing tool is a failure.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

CONNECT = re.compile(r"connect\(\d+, \{sa_family=(?P<family>AF_\w+)(?P<rest>.*?)\}, \d+\)")
ADDRESS = re.compile(r'inet_(?:addr|pton)\((?:AF_INET6?, )?"(?P<ip>[^"]+)"')
PORT = re.compile(r"sin6?_port=htons\((?P<port>\d+)\)")
HARMLESS_FAMILIES = {"AF_UNIX", "AF_LOCAL", "AF_NETLINK", "AF_UNSPEC"}  # no traffic leaves the machine


def require_tool(name: str, *candidates: str, package: str | None = None) -> str:
    """The tool's path; skip (or fail under REQUIRE_SERVING_TOOLS=1) when it is not installed."""
    for candidate in (*candidates, shutil.which(name)):
        if candidate and Path(candidate).exists():
            return candidate
    reason = f"{name} is not installed (Debian: apt-get install {package or name}); .ci/run installs it"
    if os.environ.get("REQUIRE_SERVING_TOOLS") == "1":
        pytest.fail(f"serving tests are required here (REQUIRE_SERVING_TOOLS=1) but {reason}")
    pytest.skip(reason)


def outside_connects(strace_log: str) -> list[str]:
    """The connect() calls in an strace log that leave loopback, or ask DNS (port 53) anywhere."""
    found = []
    for line in strace_log.splitlines():
        match = CONNECT.search(line)
        if match is None or match["family"] in HARMLESS_FAMILIES:
            continue
        address, port = ADDRESS.search(match["rest"]), PORT.search(match["rest"])
        if address is None or port is None:
            found.append(line.strip())  # a family or form we do not know: report it rather than pass it
            continue
        ip = ipaddress.ip_address(address["ip"])
        loopback = ip.is_loopback or (ip.version == 6 and ip.ipv4_mapped is not None and ip.ipv4_mapped.is_loopback)
        if not loopback or int(port["port"]) == 53:
            found.append(line.strip())
    return found


def get(url: str, timeout_s: float = 10, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Status and body of a GET (loopback only in these tests)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return response.status, response.read().decode("utf-8", "replace")


def wait_for(url: str, timeout_s: float = 60, headers: dict[str, str] | None = None) -> None:
    """Return once `url` answers 200; RuntimeError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if get(url, 2, headers)[0] == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout_s:g} s")
