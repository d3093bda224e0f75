"""Past one machine, tested on one: two lab replicas on loopback behind Debian's nginx, with deploy/nginx.conf.

The shipped config (cookie-sticky `hash`, websocket upgrade, Host with its port) runs unchanged except for
two lines: its `server lab:8501;` (compose's replicas) becomes the two local replicas, and `listen 80` a free
loopback port. Which replica served each request comes from nginx's access log ($upstream_addr), so the
test checks routing from what nginx did, not from what the page looks like:
  - browsers without the cookie are spread over both replicas, and a browser with a cookie stays on one;
  - a Chromium page through nginx draws the app on each replica (its websocket upgraded: status 101 there);
  - the same link gives the same numbers on either replica;
  - both replicas see one text store: a text put by a process with replica A's environment is read by a
    process with replica B's, and a long text pasted into a page on one replica (stored, its key in the
    link) opens through nginx on the other replica. Every test runs twice: with the SQLite file both share
    (LAB_STORE_PATH, one machine) and with PostgreSQL (LAB_STORE_URL, as on several machines);
  - links: the longest the lab makes opens; a longer hand-made one gets nginx's page saying why (414);
  - failover: the student's replica killed, the other takes over and says so (with a model ready, and
    mid-training: not "the server restarted").
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from harness import serving
from lab.replica import server_id
from lab.serving import limits, links
from lab.serving.text_store import STORE_PATH_ENV, STORE_URL_ENV
from tests import postgres_server
from tests.serving_tools import get, require_tool, wait_for

pytestmark = [pytest.mark.serving, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHART = '[data-testid="stVegaLiteChart"]'
NEXT_WORD = "probability of being the next word"
LINK = "?window=2&seed=5&position=12"
SLOW_SETTINGS = "&view=Train&t_window=16&t_dim=64&t_layers=2"  # seconds of training: time to kill it mid-way
WEBSOCKET_OPENED = '101 "GET /_stcore/stream'  # in the access log: the upgrade went through
MAIN_CONF = """
user {user} {group};
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format lab '$upstream_addr $status "$request" route=$lab_route';
    access_log {prefix}/access.log lab;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def local_site(ports: list[int], listen: int) -> str:
    """deploy/nginx.conf with the compose upstream and port swapped for loopback ones (each swap checked)."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = " ".join(f"server 127.0.0.1:{port};" for port in ports)
    site, n_servers = re.subn(r"server lab:8501;", upstreams, site)
    site, n_listen = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", site)
    assert (n_servers, n_listen) == (1, 1), "deploy/nginx.conf changed shape: update this test's two swaps"
    return site


class Replicas:
    """Two `streamlit run app.py` on loopback sharing one text store (a SQLite file, or PostgreSQL)."""

    def __init__(self, backend: str, env: dict[str, str]) -> None:
        self.backend, self.env = backend, env
        self.ports = [serving.free_port(), serving.free_port()]
        self.processes = [serving.launch(ROOT / "app.py", port, env=env) for port in self.ports]
        for port in self.ports:
            serving.wait_healthy(port, 90)

    def kill(self, i: int) -> None:
        self.processes[i].send_signal(signal.SIGKILL)  # no goodbye: as a machine or a pod dies
        self.processes[i].wait(timeout=20)

    def restart(self, i: int) -> None:
        self.processes[i] = serving.start(ROOT / "app.py", self.ports[i], env=self.env)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=20)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def replicas(request, tmp_path_factory):
    """Two replicas and their shared store: the SQLite file on one machine, or PostgreSQL (LAB_STORE_URL) as
    replicas on several machines would share it."""
    base = {k: v for k, v in os.environ.items() if k not in (STORE_PATH_ENV, STORE_URL_ENV)}
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            env = {**base, STORE_PATH_ENV: str(tmp_path_factory.mktemp("store") / "texts.sqlite3")}
        else:
            url = stack.enter_context(postgres_server.database(request.getfixturevalue("postgres_url")))
            env = {**base, STORE_URL_ENV: url}
        running = Replicas(request.param, env)
        stack.callback(running.stop)
        yield running


@pytest.fixture(scope="module")
def proxy(replicas, tmp_path_factory):
    """Debian's nginx in front of both replicas; yields its URL and its access log."""
    nginx = require_tool("nginx", "/usr/sbin/nginx")
    ports = replicas.ports
    prefix, listen = tmp_path_factory.mktemp("nginx"), serving.free_port()
    (prefix / "site.conf").write_text(local_site(ports, listen))
    (prefix / "nginx.conf").write_text(
        MAIN_CONF.format(
            prefix=prefix, site=prefix / "site.conf",
            user=pwd.getpwuid(os.getuid()).pw_name, group=grp.getgrgid(os.getgid()).gr_name,
        )
    )  # fmt: skip
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{listen}"
        try:
            wait_for(f"{url}/_stcore/health", 30)
        except RuntimeError:
            process.kill()
            pytest.fail(f"nginx did not start: {process.communicate()[1]}")
        yield url, prefix / "access.log"
    finally:
        process.terminate()
        process.wait(timeout=20)


def log_lines(log: Path, wanted: Callable[[str], bool], at_least: int = 1) -> list[str]:
    """Access-log lines that are `wanted`, waiting (up to 10 s) for `at_least` of them.

    nginx writes a line once a response has gone out (for a websocket: once it has closed), a moment
    after the client saw it.
    """
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in log.read_text().splitlines() if wanted(line)]
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)


def served_by(log: Path, route: str, at_least: int = 1) -> set[str]:
    """The replicas (host:port) that served requests carrying `route`, from nginx's access log."""
    return {line.split()[0] for line in log_lines(log, lambda line: line.endswith(f"route={route}"), at_least)}


def answered_by(log: Path, route: str) -> set[str]:
    """The replicas that answered requests carrying `route`: the last of each $upstream_addr ("A, B" when nginx
    tried A, found it dead, and passed the request on to B)."""
    lines = log_lines(log, lambda line: line.endswith(f"route={route}"))
    return {line.split(' "', 1)[0].rsplit(" ", 1)[0].split(", ")[-1] for line in lines}


def route_cookies(url: str, log: Path, n: int = 24) -> dict[str, str]:
    """A route cookie per replica, from `n` first visits (2^-23 odds that all land on one replica by chance)."""
    by_replica = {}
    for _ in range(n):
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
            cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
        route = re.search(r"lab_route=([0-9a-f]+);", cookies)[1]
        (replica,) = served_by(log, route)
        by_replica.setdefault(replica, route)
    return by_replica


def test_first_visits_spread_over_both_replicas_and_a_cookie_sticks(replicas, proxy):
    url, log = proxy
    ports = replicas.ports
    by_replica = route_cookies(url, log)
    assert set(by_replica) == {f"127.0.0.1:{port}" for port in ports}
    for replica, route in by_replica.items():
        for _ in range(5):
            assert get(f"{url}/_stcore/health", headers={"Cookie": f"lab_route={route}"})[0] == 200
        assert served_by(log, route, at_least=6) == {replica}


def test_pages_and_websockets_through_nginx_and_one_link_the_same_numbers_on_each(replicas, proxy, browser):
    url, log = proxy
    charts = {}
    for replica, route in route_cookies(url, log).items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "lab_route", "value": route, "url": url}])
        page = context.new_page()
        page.goto(url + LINK)
        chart = page.locator(CHART).filter(has_text=NEXT_WORD)
        chart.locator(".marks").first.wait_for(timeout=90_000)
        assert page.get_by_role("heading", name="Self-attention next-word lab").count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        charts[replica] = chart.inner_text()
        context.close()
        upgraded = log_lines(log, lambda line, r=route: WEBSOCKET_OPENED in line and line.endswith(r))
        assert [line.split()[0] for line in upgraded] == [replica], upgraded
    assert len(charts) == 2
    first, second = charts.values()
    assert first == second and "%" in first


def test_both_replicas_share_one_text_store(replicas):
    chapter = " ".join(f"word{i % 997}" for i in range(20_000))[:90_000]
    put = "import sys; from lab.serving.text_store import open_store; print(open_store().put(sys.stdin.read()))"
    read = "import sys; from lab.serving.text_store import open_store as o; print(o().get(sys.argv[1]) or '', end='')"
    key = subprocess.run(
        [sys.executable, "-c", put], input=chapter, env=replicas.env, cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    back = subprocess.run(
        [sys.executable, "-c", read, key], env=replicas.env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert back == chapter


def test_a_long_text_pasted_on_one_replica_opens_through_the_other(replicas, proxy, browser):
    url, log = proxy
    (first, first_route), (second, second_route) = route_cookies(url, log).items()
    text = " ".join(f"word{i % 331}" for i in range(3000))  # ~24,000 characters: only its key fits a link
    pages = {}
    for replica, route in ((first, first_route), (second, second_route)):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "lab_route", "value": route, "url": url}])
        pages[replica] = context.new_page()
    writer = pages[first]
    writer.goto(url)
    writer.locator("textarea").first.fill(text)
    writer.locator("textarea").first.press("Control+Enter")
    writer.wait_for_url(re.compile(r"text_key=[0-9a-f]{16}"), timeout=60_000)
    link = writer.url
    assert "text=" not in link

    reader = pages[second]
    reader.goto(link + "&view=" + quote("The blog's method: a toy"))  # its chart needs no training
    reader.locator(CHART).filter(has_text=NEXT_WORD).locator(".marks").first.wait_for(timeout=90_000)
    assert reader.locator("textarea").first.input_value() == text
    assert reader.get_by_text("no longer on this server").count() == 0
    assert reader.locator('[data-testid="stException"]').count() == 0
    for page in pages.values():
        page.context.close()
    routes = {route: served_by(log, route) for route in (first_route, second_route)}
    assert routes == {first_route: {first}, second_route: {second}}  # written on one replica, read on the other


def request_status(url: str, path: str) -> tuple[int, str]:
    """Status and body of a GET sent as a browser on a network would: the request in 1,400-byte packets."""
    host, port = url.removeprefix("http://").split(":")
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        for start in range(0, len(request), 1400):
            if select.select([connection], [], [], 0)[0]:
                break  # the server answered before the request ended (a 414): read it, as a browser would
            try:
                connection.sendall(request[start : start + 1400])
            except (BrokenPipeError, ConnectionResetError):
                break  # the server stopped reading: its answer is waiting
        answer = b""
        with contextlib.suppress(ConnectionResetError):  # the server may reset the rest of an over-long request
            while chunk := connection.recv(65536):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def test_a_link_the_lab_makes_opens_and_a_longer_hand_made_one_gets_a_page_that_says_why(replicas, proxy):
    url, _ = proxy
    longest = "🔎" * (limits.MAX_LINK_TEXT_BYTES // 12)  # the most a link the lab makes carries, once encoded
    assert links.text_fits_in_link(longest)
    query = "?" + urlencode({"text": longest, "window": "2", "seed": "7", "view": "The blog's method: a toy"})
    status, _ = request_status(url, "/" + query)
    assert status == 200 and len(query) > limits.MAX_LINK_TEXT_BYTES
    for size in (20_000, 200_000, 450_000):  # a hand-made link with a whole chapter in it
        status, page = request_status(url, "/?text=" + "a" * size)
        assert status == 414 and "This link is too long" in page and "paste the text" in page, (size, status)


def took_over(page, link: str) -> None:
    """Wait for the page to say another server took over. After a replica dies, Streamlit 1.67's frontend
    reconnects to the other one, but on a busy machine it sometimes opens the new session without asking it to
    run the script (the server logs the session and no script thread), and the page stays as it was. A student
    would reload; `link` is the address the page had when its server died, and reopened it must say so too."""
    try:
        page.get_by_text("Another server took over").first.wait_for(timeout=60_000)
    except PlaywrightTimeout:
        page.goto(link)
        page.get_by_text("Another server took over").first.wait_for(timeout=120_000)


def test_when_a_students_replica_dies_the_other_takes_over_and_says_so(replicas, proxy, browser):
    """Model ready on A, A killed: the page reconnects to B, says another server took over and retrains (the
    long text from the shared store). Then mid-training on B, B killed: A (restarted) takes over, and the
    page says so rather than "the server restarted"."""
    url, log = proxy
    by_replica = route_cookies(url, log)
    first = f"127.0.0.1:{replicas.ports[0]}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "lab_route", "value": by_replica[first], "url": url}])
    page = context.new_page()
    text = " ".join(f"term{i % 337}" for i in range(3000))  # only its key fits a link; no other test trains on it
    try:
        page.goto(f"{url.rstrip('/')}/?reads=prompt")  # the model reads the prompt: B has no such model yet
        page.locator("textarea").first.fill(text)
        page.locator("textarea").first.press("Control+Enter")
        page.locator(CHART).filter(has_text=NEXT_WORD).locator(".marks").first.wait_for(timeout=120_000)
        page.wait_for_url(re.compile(r"text_key=[0-9a-f]{16}.*server=[0-9a-f]{8}|server=.*text_key="), timeout=60_000)
        link = page.url
        replicas.kill(0)
        took_over(page, link)
        page.locator(CHART).filter(has_text=NEXT_WORD).locator(".marks").first.wait_for(timeout=120_000)
        assert page.locator("textarea").first.input_value() == text
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("restarted").count() == 0 and page.get_by_text("no longer on this server").count() == 0
        second = f"127.0.0.1:{replicas.ports[1]}"
        assert second in answered_by(log, by_replica[first])  # the other replica served this browser after A died

        replicas.restart(0)
        page.goto(page.url + SLOW_SETTINGS)  # on B still: the cookie's replica was down when it reconnected
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_role("button", name="Stop training").wait_for(timeout=60_000)
        page.wait_for_url(re.compile(r"training=1"), timeout=60_000)
        ids = {server_id(f"{socket.gethostname()}:{port}"): i for i, port in enumerate(replicas.ports)}
        link = page.url
        replicas.kill(ids[re.search(r"server=([0-9a-f]{8})", link)[1]])  # whichever the page is on now
        took_over(page, link)
        assert page.get_by_text("restarted while this model was training").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator("textarea").first.input_value() == text
    finally:
        context.close()
        for i, process in enumerate(replicas.processes):
            if process.poll() is not None:
                replicas.restart(i)
