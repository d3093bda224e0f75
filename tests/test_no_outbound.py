"""The server started with the README's command connects to nothing outside loopback, at start or serving.

Streamlit's headless start looks up the machine's addresses to print "Network URL" and "External URL":
a UDP connect() to 8.8.8.8 and an HTTP request to an IP-echo service (with a DNS query first).
`.streamlit/config.toml` sets `browser.serverAddress`, which prints one URL instead (see the comment
there for what else it changes). This test runs `streamlit run app.py` under `strace -f -e trace=connect,bind` (bind
proves the trace sees the server),
loads the page in Chromium (so the websocket and every script run are traced too), and reads every
connect() the server made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from harness import serving
from tests.serving_tools import get, outside_connects, require_tool, wait_for

pytestmark = [pytest.mark.serving, pytest.mark.browser]

CHART = '[data-testid="stVegaLiteChart"]'


def test_outside_connects_are_recognised():
    log = "\n".join([
        '7 connect(5, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("8.8.8.8")}, 16) = 0',
        '7 connect(6, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0',
        '7 connect(7, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '7 connect(8, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", '
        "&sin6_addr), sin6_scope_id=0}, 28) = 0",
        '7 connect(9, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = 0',
    ])  # fmt: skip
    assert [line.split("(")[1].split(",")[0] for line in outside_connects(log)] == ["5", "6"]


def test_the_readme_command_connects_only_to_loopback(browser, tmp_path):
    strace = require_tool("strace", "/usr/bin/strace")
    port, log = serving.free_port(), tmp_path / "connect.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]  # README + a port
    # its own process group: strace and the server it traces stop together
    process = subprocess.Popen(
        [strace, "-f", "-qq", "-e", "trace=connect,bind", "-o", str(log), *command],
        cwd=serving.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/_stcore/health", 90)
        assert "Self-attention" in get(url)[1] or get(url)[0] == 200
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector(f"{CHART} .marks", timeout=90_000)
        page.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output = process.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output = process.communicate()[0]
    assert "External URL" not in output and "Network URL" not in output, output
    connects = log.read_text()
    assert f"htons({port})" in connects, "strace did not record the server binding its port: the trace is not working"
    assert outside_connects(connects) == [], "\n".join(outside_connects(connects))
