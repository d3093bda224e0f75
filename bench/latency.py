"""Latency of the lab against a floor app, measured in one run in headless Chromium.

    python bench/latency.py [--trials 3] [--changes 15]

For the lab (app.py, on its default example) and the floor (bench/minimal_app.py: one slider, one
10-bar Altair chart), each trial:
  1. cold start: launch `streamlit run` on 127.0.0.1, open a fresh page, and time from process launch
     to the first chart's marks in the DOM (and, for the lab, to the next-word chart's marks);
  2. interaction: press ArrowLeft/ArrowRight on a slider `--changes` times and time each press until the
     chart's SVG changes (the lab: the context-window slider and its next-word chart).
Trials alternate the two apps (and which goes first) so both share the machine's noise. Prints a table
and the ratios lab/floor against the targets (cold start within 1.3x, interaction within 1.5x).
Always exits 0: this reports, it does not judge. Loopback only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright
from serving import (  # bench/serving.py (this folder is on the path)
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    free_port,
    launch,
    wait_healthy,
)

CHART = '[data-testid="stVegaLiteChart"]'
NEXT_WORD = "probability of being the next word"


@dataclass
class Target:
    name: str
    script: Path
    slider_label: str
    cold: list[float] = field(default_factory=list)
    cold_chart: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)


CHART_HTML = """([sel, text]) => { const el = [...document.querySelectorAll(sel)]
    .find(e => e.textContent.includes(text)); return el ? el.innerHTML : null; }"""
CHANGED = """([sel, text, old]) => { const el = [...document.querySelectorAll(sel)]
    .find(e => e.textContent.includes(text)); return el && el.querySelector('.marks') && el.innerHTML !== old; }"""


def trial(browser, target: Target, changes: int) -> None:
    port = free_port()
    start = time.monotonic()
    server = launch(target.script, port)
    try:
        wait_healthy(port)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}")
        page.wait_for_selector(f"{CHART} .marks", timeout=60_000)
        target.cold.append(time.monotonic() - start)
        page.wait_for_function(
            "([sel, text]) => [...document.querySelectorAll(sel)]"
            ".some(e => e.textContent.includes(text) && e.querySelector('.marks'))",
            arg=[CHART, NEXT_WORD],
            timeout=60_000,
        )
        target.cold_chart.append(time.monotonic() - start)
        page.wait_for_timeout(1000)  # let the first run finish everything below the chart
        slider = page.locator('[data-testid="stSlider"]').filter(has_text=target.slider_label)
        handle = slider.locator('input[type="range"]').first
        handle.focus()
        for i in range(changes):
            before = page.evaluate(CHART_HTML, [CHART, NEXT_WORD])
            t0 = time.perf_counter()
            handle.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
            page.wait_for_function(CHANGED, arg=[CHART, NEXT_WORD, before], timeout=30_000, polling="raf")
            target.changes.append(time.perf_counter() - t0)
            page.wait_for_timeout(250)  # let the rerun settle before the next press
        context.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=3, help="cold starts per app (each followed by the changes)")
    parser.add_argument("--changes", type=int, default=15, help="slider changes timed per trial")
    args = parser.parse_args()

    app = Target("lab (app.py)", ROOT / "app.py", "Context window")
    floor = Target("floor (minimal_app.py)", ROOT / "bench" / "minimal_app.py", "Shift")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for t in range(args.trials):
            for target in (app, floor) if t % 2 == 0 else (floor, app):
                trial(browser, target, args.changes)
                print(f"  trial {t + 1}: {target.name:24s} cold {target.cold[-1]:.2f} s", flush=True)
        browser.close()

    print()
    print(f"{args.trials} cold starts and {args.trials * args.changes} slider changes per app, alternated, 127.0.0.1")
    header = f"{'':24s} {'cold start (s)':>15s} {'next-word chart':>16s} {'change p50 (ms)':>16s} {'p95 (ms)':>9s}"
    print(header)
    print("-" * len(header))
    rows = {}
    for target in (app, floor):
        row = (
            statistics.median(target.cold),
            statistics.median(target.cold_chart),
            1000 * statistics.median(target.changes),
            1000 * p95(target.changes),
        )
        rows[target.name] = row
        print(f"{target.name:24s} {row[0]:15.2f} {row[1]:16.2f} {row[2]:16.0f} {row[3]:9.0f}")
    a, f = rows[app.name], rows[floor.name]
    print()
    print(f"ratio lab/floor: cold start {a[0] / f[0]:.2f}x (target <= 1.3x), "
          f"change p50 {a[2] / f[2]:.2f}x and p95 {a[3] / f[3]:.2f}x (target <= 1.5x)")  # fmt: skip
    print(f"cold start: {'within' if a[0] / f[0] <= 1.3 else 'OVER'} target; "
          f"interaction: {'within' if a[2] / f[2] <= 1.5 else 'OVER'} target (p50)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
