"""A classroom on one server: N students open the lab at once and follow the lesson path.

    python bench/classroom.py [--sessions 30] [--mode agent|browser] [--texts same|distinct] [--ramp 2] [--timeout 300]
                              [--server-cpus 0] [--server-memory-mb 1024]

Starts ONE `streamlit run app.py` on 127.0.0.1 and opens N sessions on it, in one of two ways:
  --mode agent (default): each session talks to Streamlit's agent API (POST /_stcore/agent/interact,
      enabled for this server only), which takes the browser's rerun path and answers when the run is
      done. No rendering on this machine, so it measures the server: what a class of laptops would see,
      minus each laptop's own drawing (~0.1 s for these charts, see bench/latency.py).
  --mode browser: N pages in one headless Chromium (one browser context each). The N pages render on
      this machine's two cores too, competing with the server, so this is an upper bound.
Each session, after a random delay of up to --ramp s:
  1. opens the app and waits for the next-word chart;
  2. changes the context window and times it until the chart redraws (agent: until the run is done);
  3. presses "Sample again" and times it until the app is idle again;
  4. if the page has a "Train" tab and/or button, opens it, presses Train and waits for the training
     summary ("Trained ... steps"); the server caches the model, so the class trains it once.
     With --texts distinct (agent mode) each session first pastes its own text (generated prose of
     300-2,000 words, harness/prose.py) and sets "The model reads" to that text (the prompt), so the
     class asks for N different models at once; after the
     summary it reruns once (the window again) and counts the model as lost if the summary is gone.
     While its model waits in the queue or trains, an agent session reruns the page every POLL_S seconds
     (the agent API runs no `run_every` fragment) until the summary shows.
     One more session (the N+1st) opens before the wave and, from the first Train press until every
     session has its model, keeps changing the context window: its times are the window change
     *during* the wave, while the server trains and N sessions wait in its queue.
Errors are counted per session: an exception box, a console error, a timeout, a dialog, an HTTP error.
A background thread polls the server's memory (VmRSS of it and its children, from /proc) every 0.1 s.
Before the class (agent mode) one session opens the app and waits for the default model's chart: the class
meets a warm server. --server-memory-mb holds the server in a new memory cgroup with that limit (as root), as a
container's limit would; the lab reads it (lab/serving/limits.py) and the run reports any out-of-memory kill.

Prints p50/p95 of each timed step, the error count and the server's peak memory, against the targets
(30 sessions, zero errors, p95 under 1 s, peak server memory under 600 MB). Bounded in count and time;
always exits 0. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root, for harness/

from playwright.async_api import async_playwright

from harness.prose import generated_prose
from harness.serving import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, start

CHART = '[data-testid="stVegaLiteChart"]'
NEXT_WORD = "probability of being the next word"
HAS_CHART = """([sel, text]) => [...document.querySelectorAll(sel)]
    .some(e => e.textContent.includes(text) && e.querySelector('.marks'))"""
CHART_HTML = """([sel, text]) => { const el = [...document.querySelectorAll(sel)]
    .find(e => e.textContent.includes(text)); return el ? el.innerHTML : null; }"""
CHANGED = """([sel, text, old]) => { const el = [...document.querySelectorAll(sel)]
    .find(e => e.textContent.includes(text)); return el && el.querySelector('.marks') && el.innerHTML !== old; }"""


@dataclass
class Results:
    open: list[float] = field(default_factory=list)
    window: list[float] = field(default_factory=list)
    sample: list[float] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    trained: int = 0
    lost: int = 0
    during_wave: list[float] = field(default_factory=list)  # the N+1st session's window changes
    wave: threading.Event = field(default_factory=threading.Event)  # set at the first Train press
    finished: int = 0  # sessions done (trained, or failed)
    lock: threading.Lock = field(default_factory=threading.Lock)


# ---------------------------------------------------------------- the server and its memory


def tree_rss_kb(pid: int) -> int:
    """VmRSS of a process and all its descendants, in kB, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(parents.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
    return total


class MemoryPoll(threading.Thread):
    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb, self.last_kb = pid, every, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.last_kb = tree_rss_kb(self.pid)
            self.peak_kb = max(self.peak_kb, self.last_kb)
            self.stop.wait(self.every)


# ---------------------------------------------------------------- one student


WATCH_RUNS = """() => { window.__runs = [];
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => window.__runs.push(app.dataset.testScriptState))
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""
RAN_AND_IDLE = """() => window.__runs.includes('running')
    && document.querySelector('[data-testid="stApp"]').dataset.testScriptState === 'notRunning'"""


async def act_and_wait_idle(page, action, timeout_s: float) -> float:
    """Run `action` and wait until the script has run because of it and finished; returns the seconds taken."""
    await page.evaluate("() => { window.__runs = []; }")
    t0 = time.perf_counter()
    await action()
    await page.wait_for_function(RAN_AND_IDLE, timeout=timeout_s * 1000, polling="raf")
    return time.perf_counter() - t0


async def settle(page, timeout_s: float) -> None:
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'",
        timeout=timeout_s * 1000,
    )


async def student(n: int, browser, url: str, args, results: Results) -> None:
    await asyncio.sleep(random.uniform(0, args.ramp))
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("console", lambda m: m.type == "error" and results.errors.append(f"session {n}: console: {m.text}"))
    page.on("pageerror", lambda e: results.errors.append(f"session {n}: page error: {e}"))
    page.on("dialog", lambda d: (results.errors.append(f"session {n}: dialog {d.message}"), d.dismiss()))
    step = "open"
    try:
        t0 = time.perf_counter()
        await page.goto(url, timeout=args.step_timeout * 1000)
        await page.wait_for_function(HAS_CHART, arg=[CHART, NEXT_WORD], timeout=args.step_timeout * 1000)
        results.open.append(time.perf_counter() - t0)
        await settle(page, args.step_timeout)
        await page.evaluate(WATCH_RUNS)

        step = "context window"
        handle = page.locator('[data-testid="stSlider"]').filter(has_text="Context window")
        handle = handle.locator('input[type="range"]').first
        await handle.focus()
        before = await page.evaluate(CHART_HTML, [CHART, NEXT_WORD])
        t0 = time.perf_counter()
        await handle.press("ArrowLeft")
        await page.wait_for_function(
            CHANGED, arg=[CHART, NEXT_WORD, before], timeout=args.step_timeout * 1000, polling="raf"
        )
        results.window.append(time.perf_counter() - t0)
        await settle(page, args.step_timeout)

        step = "sample again"
        button = page.get_by_role("button", name="Sample again").first
        results.sample.append(await act_and_wait_idle(page, button.click, args.step_timeout))

        step = "train"
        tab = page.get_by_role("tab", name=re.compile(r"^\s*Train\s*$"))
        if await tab.count():
            await tab.first.click()
            await page.wait_for_timeout(300)
            await settle(page, args.step_timeout)
        train = page.get_by_role("button", name=re.compile(r"^\s*Train\s*$"))
        if await train.count():
            t0 = time.perf_counter()
            await train.first.click()
            await page.get_by_text(re.compile(r"Trained [\d,]+ steps")).first.wait_for(
                timeout=args.train_timeout * 1000
            )
            results.train.append(time.perf_counter() - t0)
            results.trained += 1
        step = "end"
        if await page.locator('[data-testid="stException"]').count():
            results.errors.append(f"session {n}: exception box on the page")
    except Exception as error:  # a timeout or a lost page counts as an error, and the class goes on
        results.errors.append(f"session {n}: {step}: {type(error).__name__}: {str(error).splitlines()[0][:160]}")
    finally:
        await context.close()


async def classroom(url: str, args, results: Results) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.wait_for(
                asyncio.gather(*(student(n, browser, url, args, results) for n in range(args.sessions))),
                timeout=args.timeout,
            )
        except TimeoutError:
            results.errors.append(f"the class did not finish within {args.timeout} s")
        finally:
            await browser.close()


# ---------------------------------------------------------------- one student, without a browser


def walk(node: dict):
    yield node
    for child in node.get("children", []):
        yield from walk(child)


class AgentSession:
    """One session over Streamlit's agent API (POST /_stcore/agent/interact): the browser's rerun path, as JSON."""

    def __init__(self, url: str, timeout_s: float):
        self.url, self.timeout_s, self.session_id, self.snapshot = f"{url}/_stcore/agent/interact", timeout_s, None, {}

    def interact(self, **body) -> float:
        if self.session_id:
            body["session_id"] = self.session_id
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        t0 = time.perf_counter()
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            self.snapshot = json.loads(response.read())
        while self.snapshot.get("status") not in ("ready", "error") and time.perf_counter() - t0 < self.timeout_s:
            with urllib.request.urlopen(  # wait_timed_out: ask for the same run again
                urllib.request.Request(
                    self.url,
                    data=json.dumps({"session_id": self.snapshot["session_id"]}).encode(),
                    headers={"Content-Type": "application/json"},
                ),
                timeout=self.timeout_s,
            ) as response:
                self.snapshot = json.loads(response.read())
        elapsed = time.perf_counter() - t0
        self.session_id = self.snapshot.get("session_id", self.session_id)
        problems = [n for n in walk(self.snapshot.get("tree", {})) if n.get("type") == "exception"]
        if self.snapshot.get("status") != "ready" or problems:
            detail = problems[0].get("props", {}).get("message", "") if problems else self.snapshot.get("status")
            raise RuntimeError(f"app error: {str(detail)[:160]}")
        return elapsed

    def node(self, key: str) -> dict | None:
        return next((n for n in walk(self.snapshot.get("tree", {})) if n.get("key") == key), None)

    def has_chart(self) -> bool:
        return any(n.get("type") in ("altair_chart", "vega_lite_chart") for n in walk(self.snapshot.get("tree", {})))

    def trigger_labelled(self, pattern: str) -> str | None:
        return next(
            (a["key"] for a in self.snapshot.get("actions", [])
             if a.get("kind") == "trigger" and re.fullmatch(pattern, a.get("label", "").strip())),
            None,
        )  # fmt: skip

    def text(self) -> str:
        return json.dumps(self.snapshot.get("tree", {}), ensure_ascii=False)


READS_PROMPT = "the prompt itself (it memorises it)"
"""The Train view's "The model reads" option (its label, as the agent API takes it) for the pasted text."""
TRAINED = r"Trained [\d,]+ steps"
WAITING = re.compile(r"in the queue|Training[:…]")  # the queue's place, or the live progress bar
POLL_S = 1.0
"""A waiting session's refresh: the agent API runs no `run_every` fragment, so it reruns the whole page once a
second (a browser reruns only the small fragment: 1 s in the queue, 0.25 s while training), an upper bound on load."""


def own_text(n: int, seed: int) -> str:
    """Session n's own text: generated prose of 300-2,000 words, different for every session."""
    words = random.Random(seed * 1000 + n).randint(300, 2000)
    return generated_prose(words, seed=seed * 1000 + n)


def warm_up(url: str, args) -> float:
    """Open the app once and wait until Predict shows the default model's chart, as a server does after its first
    visit: the class then meets a warm server (a cold one shows training progress, and no Sample again button)."""
    session, t0 = AgentSession(url, args.train_timeout), time.perf_counter()
    session.interact()
    while not session.has_chart() and time.perf_counter() - t0 < args.train_timeout:
        time.sleep(POLL_S)
        session.interact()
    return time.perf_counter() - t0


def agent_student(n: int, url: str, args, results: Results) -> None:
    time.sleep(random.uniform(0, args.ramp))
    session, step = AgentSession(url, args.step_timeout), "open"
    try:
        results.open.append(session.interact())
        if not session.has_chart():
            raise RuntimeError("no chart after opening")
        step = "context window"
        window = session.node("window")
        value = int(window["value"]) if window else 2
        results.window.append(session.interact(widget_state={"window": value - 1 if value > 1 else value + 1}))
        step = "sample again"
        results.sample.append(session.interact(trigger={"key": "sample_again"}))
        if args.texts == "distinct":
            step = "paste a text"
            session.interact(widget_state={"text": own_text(n, args.seed)})
        step = "train"
        if session.node("view") is not None:
            session.interact(widget_state={"view": "Train"})
        if args.texts == "distinct":  # the model reads the session's own text, not the built-in stories
            step = "the model reads the prompt"
            session.interact(widget_state={"reads": READS_PROMPT})
            step = "train"
        train = session.trigger_labelled(r"Train")
        if train:
            session.timeout_s = args.train_timeout
            results.wave.set()
            t0 = time.perf_counter()
            session.interact(trigger={"key": train})
            while WAITING.search(session.text()) and time.perf_counter() - t0 < args.train_timeout:
                time.sleep(POLL_S)  # a browser's run_every fragment would redraw; the agent API asks again
                session.interact()
            results.train.append(time.perf_counter() - t0)
            if not re.search(TRAINED, session.text()):
                raise RuntimeError("no training summary after Train")
            results.trained += 1
            if args.texts == "distinct":
                step = "rerun after training"
                window = session.node("window")
                value = int(window["value"]) if window else 2
                session.interact(widget_state={"window": value + 1 if value < 3 else value - 1})
                results.lost += not re.search(TRAINED, session.text())
    except Exception as error:
        said = error.read().decode("utf-8", "replace")[:120] if isinstance(error, urllib.error.HTTPError) else ""
        results.errors.append(f"session {n}: {step}: {type(error).__name__}: {str(error).splitlines()[0][:160]} {said}")
    finally:
        with results.lock:
            results.finished += 1


def agent_bystander(url: str, args, results: Results) -> None:
    """The N+1st session: opens first, then changes the window again and again while the class trains."""
    session, n = AgentSession(url, args.step_timeout), args.sessions
    try:
        session.interact()
        if not results.wave.wait(args.timeout):
            return
        while results.finished < args.sessions:
            window = session.node("window")
            value = int(window["value"]) if window else 2
            results.during_wave.append(session.interact(widget_state={"window": value - 1 if value > 2 else 3}))
            time.sleep(0.2)  # a student reading the chart before the next change
    except Exception as error:
        results.errors.append(f"session {n}: during the wave: {type(error).__name__}: {str(error)[:160]}")


def agent_classroom(url: str, args, results: Results) -> None:
    threads = [threading.Thread(target=agent_student, args=(n, url, args, results)) for n in range(args.sessions)]
    if args.texts == "distinct":
        bystander = threading.Thread(target=agent_bystander, args=(url, args, results))
        bystander.start()
        time.sleep(1.0)  # it opens before the class does
    for thread in threads:
        thread.start()
    if args.texts == "distinct":
        threads.append(bystander)
    deadline = time.monotonic() + args.timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        results.errors.append(f"the class did not finish within {args.timeout} s")


# ---------------------------------------------------------------- report


def summary(name: str, values: list[float], target: float | None = None) -> str:
    if not values:
        return f"{name:34s} {'-':>6s}"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    verdict = "" if target is None else ("  within target" if p95 <= target else f"  OVER target ({target:g} s)")
    return f"{name:34s} {len(values):6d} {statistics.median(values):8.2f} {p95:8.2f} {max(values):8.2f}{verdict}"


CGROUP_ROOTS = (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/unified"), Path("/sys/fs/cgroup"))
"""Where a memory cgroup can be made: cgroup v1's memory controller, or v2 (hybrid or unified)."""


def memory_cgroup(limit_mb: int) -> Path:
    """A new cgroup limited to `limit_mb` MB (v1 memory.limit_in_bytes, else v2 memory.max); exits if none can be
    made (not root, or no memory controller). The server inside reads the limit as a container's (lab/serving)."""
    for root in CGROUP_ROOTS:
        if (root / "memory.limit_in_bytes").exists() or (root / "cgroup.subtree_control").exists():
            group = root / f"lab-classroom-{os.getpid()}"
            try:
                group.mkdir()
                limit_file = "memory.limit_in_bytes" if (group / "memory.limit_in_bytes").exists() else "memory.max"
                (group / limit_file).write_text(str(limit_mb * 2**20))
            except OSError:
                continue
            return group
    raise SystemExit("could not make a memory cgroup here (needs root and a memory controller)")


def oom_kills(group: Path) -> int:
    """Processes the kernel killed in the group for want of memory (v1 memory.oom_control, v2 memory.events)."""
    for name in ("memory.oom_control", "memory.events"):
        path = group / name
        if path.exists():
            fields = dict(line.split() for line in path.read_text().splitlines() if len(line.split()) == 2)
            return int(fields.get("oom_kill", 0))
    return 0


def remove_cgroup(group: Path) -> None:
    """Remove the group once its processes are gone (a cgroup folder is removed with rmdir)."""
    for _ in range(50):
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument(
        "--mode",
        choices=["agent", "browser"],
        default="agent",
        help="agent: sessions over Streamlit's agent API, no browser (measures the server); "
        "browser: N pages in one headless Chromium on this machine (measures server and rendering together)",
    )
    parser.add_argument(
        "--texts",
        choices=["same", "distinct"],
        default="same",
        help="same: the class trains on the default example (one model); distinct: each session pastes its own "
        "text of 300-2,000 words first (agent mode), so the server trains N models",
    )
    parser.add_argument("--ramp", type=float, default=2.0, help="sessions start at random within this many s")
    parser.add_argument("--step-timeout", type=float, default=60.0, help="s allowed for one step")
    parser.add_argument("--train-timeout", type=float, default=120.0, help="s allowed for training")
    parser.add_argument("--timeout", type=float, default=300.0, help="s allowed for the whole class")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--server-cpus", help='pin the server (not the simulated students) to these CPUs with taskset, e.g. "0"'
    )
    parser.add_argument(
        "--server-memory-mb", type=int,
        help="hold the server in a new memory cgroup with this limit (cgroup v1 or v2, as root): a 1 GB server",
    )  # fmt: skip
    args = parser.parse_args()
    if args.texts == "distinct" and args.mode != "agent":
        parser.error("--texts distinct is built for --mode agent (browser mode pastes no text yet)")
    random.seed(args.seed)

    port = free_port()
    agent = ["--server.enableAgentApi", "true"] if args.mode == "agent" else []
    cgroup = memory_cgroup(args.server_memory_mb) if args.server_memory_mb else None
    server = start(ROOT / "app.py", port, *agent, cpus=args.server_cpus, cgroup=cgroup)
    memory = MemoryPoll(server.pid)
    memory.start()
    time.sleep(0.3)
    idle_kb = memory.last_kb
    warm = warm_up(f"http://127.0.0.1:{port}", args) if args.mode == "agent" else None
    results = Results()
    started = time.monotonic()
    try:
        if args.mode == "agent":
            agent_classroom(f"http://127.0.0.1:{port}", args, results)
        else:
            asyncio.run(classroom(f"http://127.0.0.1:{port}", args, results))
    finally:
        elapsed = time.monotonic() - started
        time.sleep(0.3)
        memory.stop.set()
        memory.join()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    print(
        f"classroom ({args.mode} mode, {args.texts} texts): {args.sessions} sessions on one server (127.0.0.1), "
        f"ramp {args.ramp:g} s, {elapsed:.1f} s" + (f", server on CPUs {args.server_cpus}" if args.server_cpus else "")
    )
    if warm is not None:
        print(f"before the class: the default model ready after {warm:.1f} s (trained, or loaded from the disk cache)")
    print(f"{'step':34s} {'n':>6s} {'p50 (s)':>8s} {'p95 (s)':>8s} {'max (s)':>8s}")
    print(summary("open to next-word chart", results.open))
    print(summary("context window to redrawn chart", results.window, 1.0))
    print(summary("Sample again to idle", results.sample, 1.0))
    print(summary("Train to summary", results.train))
    if args.texts == "distinct":
        print(summary(f"session {args.sessions + 1}: window, during the wave", results.during_wave, 1.0))
    print(f"sessions that trained: {results.trained}")
    if args.texts == "distinct":
        late = sum(seconds > 60 for seconds in results.train)
        print(f"models lost after one rerun: {results.lost}" + ("  (target: 0)" if results.lost else ""))
        print(f"sessions that waited over 60 s for their model: {late}" + ("  (target: 0)" if late else ""))
    print(f"errors: {len(results.errors)}" + ("  (target: 0)" if results.errors else ""))
    for error in results.errors[:20]:
        print(f"  {error}")
    if cgroup is not None:
        alive = "still up" if server.returncode in (None, -15, 0) else f"exited with {server.returncode}"
        kills = oom_kills(cgroup)
        print(f"memory cgroup: limit {args.server_memory_mb:,} MB, out-of-memory kills {kills}, server {alive}")
        remove_cgroup(cgroup)
    peak_mb = memory.peak_kb / 1024
    print(
        f"server memory (VmRSS, with children): idle {idle_kb / 1024:.0f} MB, peak {peak_mb:.0f} MB "
        f"({'within' if peak_mb < 600 else 'OVER'} the 600 MB target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
