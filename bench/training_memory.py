"""Server memory during and after a wave of trainings: the old way (all at once, glibc defaults) vs the queue.

    python bench/training_memory.py [--trainings 20] [--tokens 5000] [--seconds 2]

Each wave runs in a fresh process: `--trainings` sessions each ask for a model with the largest settings
the page offers (window 32, d 64, 4 heads, 1,000 epochs, a new seed each) on generated prose, as one tab
pressing "seed +1, Train" every second did in issue 13. Two ways:
  before: every training at once, glibc's default malloc arenas (one per thread), nothing trimmed;
  queue:  JobRegistry as the app uses it: max_running = the cores, MALLOC_ARENA_MAX=2 via mallopt, and
          malloc_trim after each training.
Each training is cut at `--seconds` (TrainingSettings.max_seconds) to keep the bench short: memory peaks
in the first steps. Prints peak VmRSS during the wave and VmRSS once every training has ended (after
forgetting the models, as a server does when they are evicted), and the pickled size of one model.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def wave(way: str, trainings: int, tokens: int, seconds: float) -> dict:
    """One wave in this process; returns the measurements."""
    from attention.training.loop import TrainingSettings
    from harness.prose import generated_prose
    from lab.serving import queue as jobs

    if way == "before":  # glibc defaults: no arena cap, no trim
        jobs.configure_allocator = lambda *a, **k: False
        jobs.release_free_memory = lambda: False
    text = generated_prose(tokens, seed=1)
    registry = jobs.JobRegistry(max_jobs=1, max_running=trainings if way == "before" else None)
    peak, stop = [rss_mb()], threading.Event()

    def poll() -> None:
        while not stop.wait(0.05):
            peak[0] = max(peak[0], rss_mb())

    threading.Thread(target=poll, daemon=True).start()
    idle, t0 = rss_mb(), time.perf_counter()
    settings = [
        TrainingSettings(context_window=32, dim=64, heads=4, epochs=1000, seed=s, max_seconds=seconds)
        for s in range(trainings)
    ]
    started = [registry.request(f"session {s}", text, setting) for s, setting in enumerate(settings)]
    for job in started:
        job.wait()
    elapsed = time.perf_counter() - t0
    model_bytes = len(pickle.dumps(started[-1].model))
    for s in range(trainings):
        registry.forget_session(f"session {s}")
    registry.release("none")  # evicts down to max_jobs = 1
    del started, job
    jobs.release_free_memory()
    time.sleep(0.5)
    stop.set()
    return {"way": way, "idle": idle, "peak": peak[0], "after": rss_mb(), "seconds": elapsed,
            "running": registry.max_running, "model_mb": model_bytes / 2**20}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trainings", type=int, default=20)
    parser.add_argument("--tokens", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--way", choices=["before", "queue"], help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.way:
        print(json.dumps(wave(args.way, args.trainings, args.tokens, args.seconds)))
        return 0
    print(f"{args.trainings} trainings, largest settings, {args.tokens:,} tokens, each cut at {args.seconds:g} s")
    columns = ("at once", 7), ("idle MB", 8), ("peak MB", 8), ("after MB", 9), ("wave s", 7), ("model MB", 9)
    print(f"{'way':8s} " + " ".join(f"{name:>{width}s}" for name, width in columns))
    for way in ("before", "queue"):
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
        child = subprocess.run(
            [sys.executable, __file__, "--way", way, "--trainings", str(args.trainings),
             "--tokens", str(args.tokens), "--seconds", str(args.seconds)],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{way:8s} {r['running']:7d} {r['idle']:8.0f} {r['peak']:8.0f} {r['after']:9.0f} {r['seconds']:7.1f} "
              f"{r['model_mb']:9.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
