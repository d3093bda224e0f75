"""A training's memory and time, and the server's memory during and after a wave of trainings.

    python bench/training_memory.py --table [--chars 100000] [--steps 30]   # estimate vs measured, per setting
    python bench/training_memory.py --time [--repeats 3] [--cpus 0]         # the largest settings on one core
    python bench/training_memory.py --pair [--cap-mb 1024]                 # two at once under a memory cap
    python bench/training_memory.py --fair [--tabs 10] [--per-tab]         # ten tabs of one browser, one student
    python bench/training_memory.py [--trainings 20] [--tokens 5000] [--seconds 2]   # a wave (issue 13)

--table trains each row's settings on `--chars` characters of generated prose in a fresh process (cut at
`--steps` steps: the peak comes with the first evaluation, and the last evaluation and the baselines run
anyway) and prints the memory plan (batch, evaluation chunk, estimated peak) beside the measured peaks:
tracemalloc's (numpy reports its arrays to it) and the growth of the process's resident memory (VmHWM).

--time trains the largest settings the page offers (3 layers, MLP, LayerNorm, window 32, d 64, 4 heads) on
100,000 characters to its own end, pinned to one core (taskset), and prints wall and CPU seconds, the steps
(and the step budget for that size), why it stopped and its test perplexity.

--pair runs two such trainings at once in one process that has imported what a server imports (Streamlit,
Altair, pandas, pyarrow), through the app's JobRegistry, under `prlimit --as` (the address space: stricter than
a cgroup's cap on resident memory, since every resident byte is also mapped), and prints whether both finished.

--fair: one browser's `--tabs` tabs each ask for a training at the largest settings (a new seed each) on 100,000
characters, then a student in another browser asks for the built-in example's model, through the app's registry
with one trainer (one core); prints how long the student waited and how many of the browser's trainings ran first.

The wave (no flag): `--trainings` sessions each ask for a model with the largest settings the page offered
in issue 13 (window 32, d 64, 4 heads, 1,000 epochs, a new seed each) on generated prose, as one tab
pressing "seed +1, Train" every second did. Two ways:
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


LARGEST = {"context_window": 32, "dim": 64, "heads": 4, "layers": 3, "mlp": True, "layernorm": True}
"""The largest settings the page offers."""

TABLE = {
    "defaults": {},
    "window 32, d 64, 4 heads": {"context_window": 32, "dim": 64, "heads": 4},
    "2 layers, MLP, LayerNorm, window 16, d 32": {"context_window": 16, "dim": 32, "heads": 2, "layers": 2,
                                                  "mlp": True, "layernorm": True},
    "largest (3 layers, MLP, LayerNorm, 32, 64, 4)": LARGEST,
    "largest, batch 256 (library only)": {**LARGEST, "batch_size": 256},
    "largest, batch 1024 (library only)": {**LARGEST, "batch_size": 1024},
    "largest, d 128 (library only)": {**LARGEST, "dim": 128},
}  # fmt: skip


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:")) / 1024


def prose(chars: int) -> str:
    from harness.prose import generated_prose

    return generated_prose(chars // 4, seed=1)[:chars]  # ~7 characters a word: enough words, cut to length


def one_training(settings: dict, chars: int, steps: int) -> dict:
    """In this (fresh) process: train once; the plan, tracemalloc's peak and the resident memory's growth."""
    import tracemalloc

    import attention

    text = prose(chars)
    cut = {"max_steps": steps} if steps else {}
    before = rss_mb()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    model = attention.train_model(text, **settings, **cut)
    traced = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    plan = model.memory
    return {"batch": plan.batch_size, "chunk": plan.evaluation_chunk, "estimate": plan.peak_mb,
            "traced": traced / 2**20, "rss": rss_mb("VmHWM") - before, "vocabulary": len(model.vocabulary),
            "tokens": len(attention.tokenize(text)), "steps": model.steps}  # fmt: skip


def timed_training(chars: int) -> dict:
    """In this process (pinned by the caller): the largest settings to their own end, timed."""
    import attention

    text = prose(chars)
    wall, cpu = time.perf_counter(), time.process_time()
    model = attention.train_model(text, **LARGEST)
    e = model.evaluation
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "steps": model.steps,
            "size_budget": model.size_budget, "stopped": str(model.stopped_because), "evaluations": len(model.history),
            "perplexity": e.model.perplexity, "kneser_ney": e.kneser_ney_bigram.perplexity,
            "rss": rss_mb("VmHWM")}  # fmt: skip


def two_at_once(chars: int, steps: int) -> dict:
    """In this process (capped by the caller): two largest trainings at once through the app's registry."""
    import altair  # noqa: F401  (what a server process has loaded, and maps)
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401
    import streamlit  # noqa: F401

    from attention.training.settings import TrainingSettings
    from lab.serving.queue import JobRegistry

    text, cut = prose(chars), {"max_steps": steps} if steps else {}
    before = {"rss": rss_mb(), "mapped": rss_mb("VmSize")}
    registry = JobRegistry(max_running=2)
    wall = time.perf_counter()
    started = [registry.request(f"student {i}", text, TrainingSettings(**LARGEST, seed=i, **cut)) for i in range(2)]
    at_once = sum(job.state == "running" for job in started)
    for job in started:
        job.wait()
    return {"at_once": at_once, "finished": [job.model is not None for job in started],
            "errors": [job.error for job in started], "steps": [job.model.steps if job.model else 0 for job in started],
            "stopped": [str(job.model.stopped_because) if job.model else None for job in started],
            "seconds": time.perf_counter() - wall, "before": before, "rss_peak": rss_mb("VmHWM"),
            "mapped_peak": rss_mb("VmPeak")}  # fmt: skip


def fair(tabs: int, chars: int, per_tab: bool = False) -> None:
    """One browser's `tabs` tabs at the largest settings, then a student: the student waits for one of them
    (per_tab: each tab a client of its own, as before browsers were told apart)."""
    from attention.teaching.examples import DEFAULT_EXAMPLE, EXAMPLES
    from attention.training.settings import TrainingSettings
    from lab.serving.queue import JobRegistry

    text, registry = prose(chars), JobRegistry(max_running=1)
    client = None if per_tab else "one browser"
    browser = [registry.request(f"tab {i}", text, TrainingSettings(**LARGEST, seed=i), client_id=client)
               for i in range(tabs)]  # fmt: skip
    asked = time.perf_counter()
    student = registry.request("student", EXAMPLES[DEFAULT_EXAMPLE], TrainingSettings(), client_id="student")
    student.wait()
    waited = time.perf_counter() - asked
    ran_first = sum(job.done for job in browser)
    print(f"{tabs} tabs of one browser at the largest settings, then a student: the student waited {waited:.1f} s "
          f"(its own training {student.model.seconds:.2f} s); the browser's trainings done before it: "
          f"{ran_first}")  # fmt: skip
    for job in browser:
        job.stop()
    for job in browser:
        job.wait()


def child(mode: str, payload: dict, prefix: list[str] | None = None, env: dict | None = None) -> dict:
    """Run one measurement in a fresh process (optionally under taskset or prlimit); its JSON result."""
    command = [*(prefix or []), sys.executable, __file__, "--child", mode, "--payload", json.dumps(payload)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        return {"failed": done.returncode, "stderr": done.stderr.strip().splitlines()[-3:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(chars: int, steps: int) -> None:
    print(f"Memory per training on {chars:,} characters of generated prose (each in a fresh process, cut at "
          f"{steps} steps), budget {os.environ.get('LAB_TRAINING_BUDGET_MB', 300)} MB")  # fmt: skip
    print(f"{'settings':48s} {'batch':>5s} {'chunk':>5s} {'estimate MB':>11s} {'tracemalloc MB':>14s} "
          f"{'RSS growth MB':>13s} {'est/traced':>10s}")  # fmt: skip
    for name, settings in TABLE.items():
        r = child("one", {"settings": settings, "chars": chars, "steps": steps})
        if "failed" in r:
            print(f"{name:48s} failed: {r}")
            continue
        print(f"{name:48s} {r['batch']:5d} {r['chunk']:5d} {r['estimate']:11.1f} {r['traced']:14.1f} "
              f"{r['rss']:13.1f} {r['estimate'] / r['traced']:10.2f}")  # fmt: skip
    print(f"(vocabulary {r.get('vocabulary')}, {r.get('tokens'):,} tokens)")


def timing(chars: int, repeats: int, cpus: str) -> None:
    print(f"Largest settings on {chars:,} characters, pinned to core(s) {cpus}")
    for _ in range(repeats):
        r = child("time", {"chars": chars}, ["taskset", "-c", cpus])
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}))


def pair(chars: int, cap_mb: int, steps: int) -> None:
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    r = child("pair", {"chars": chars, "steps": steps}, ["prlimit", f"--as={cap_mb * 2**20}"], env)
    print(f"Two trainings at the largest settings at once, {chars:,} characters, under prlimit --as={cap_mb} MB:")
    print(json.dumps(r))


def wave(way: str, trainings: int, tokens: int, seconds: float) -> dict:
    """One wave in this process; returns the measurements."""
    from attention.training.settings import TrainingSettings
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
    parser.add_argument("--table", action="store_true", help="estimated vs measured peak per setting")
    parser.add_argument("--time", action="store_true", help="the largest settings on one core")
    parser.add_argument("--pair", action="store_true", help="two largest trainings at once under a memory cap")
    parser.add_argument("--fair", action="store_true", help="ten tabs of one browser, then another student")
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--per-tab", action="store_true", help="--fair as before: each tab a client of its own")
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=30, help="--table: steps per training; --pair: 0 = all")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpus", default="0")
    parser.add_argument("--cap-mb", type=int, default=1024)
    parser.add_argument("--trainings", type=int, default=20)
    parser.add_argument("--tokens", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--way", choices=["before", "queue"], help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--child", choices=["one", "time", "pair"], help=argparse.SUPPRESS)
    parser.add_argument("--payload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        payload = json.loads(args.payload)
        run = {"one": one_training, "time": timed_training, "pair": two_at_once}[args.child]
        print(json.dumps(run(**payload)))
        return 0
    if args.fair:
        fair(args.tabs, args.chars, args.per_tab)
        return 0
    if args.table or args.time or args.pair:
        if args.table:
            table(args.chars, args.steps)
        if args.time:
            timing(args.chars, args.repeats, args.cpus)
        if args.pair:
            pair(args.chars, args.cap_mb, 0 if args.steps == 30 else args.steps)
        return 0
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
