"""Which machine differences change the trained weights? The same training in fresh processes, one per setting.

    python bench/determinism.py                    # prose (generated, 20,000 tokens), defaults, seed 0
    python bench/determinism.py --induction 60     # the induction preset on its 60-word text, seed 0 (~20 s a run)
    python bench/determinism.py --induction 60 --seed 1 --rows 3 4   # only the Haswell and SkylakeX rows

Each row trains the same text with the same settings and seed in a new Python process whose environment
differs in one way: the OpenBLAS kernel (OPENBLAS_CORETYPE: which CPU's matrix-product code OpenBLAS runs)
or numpy's own SIMD loops (NPY_DISABLE_CPU_FEATURES: the exp, log, tanh and sums numpy vectorises itself).
It prints a hash of the kept weights, the steps, the test perplexity (and, for the induction text, the
lesson's held-out copy accuracy, the README's induction table's number). Rows with the hash of the first are
bit-identical; a different hash means that difference between machines gives a different model. A kernel
the CPU cannot run is reported as such (OpenBLAS falls back, numpy refuses to start).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = (
    ("as this shell has it", {}),
    ("OPENBLAS_CORETYPE unset (OpenBLAS picks for this CPU)", {"OPENBLAS_CORETYPE": None}),
    ("OPENBLAS_CORETYPE=Haswell (AVX2 kernels)", {"OPENBLAS_CORETYPE": "Haswell"}),
    ("OPENBLAS_CORETYPE=SkylakeX (AVX-512 kernels)", {"OPENBLAS_CORETYPE": "SkylakeX"}),
    ("OPENBLAS_CORETYPE=Zen", {"OPENBLAS_CORETYPE": "Zen"}),
    ("OPENBLAS_CORETYPE=Sandybridge (AVX kernels)", {"OPENBLAS_CORETYPE": "Sandybridge"}),
    ("numpy without AVX-512 loops (as on a CPU without them)", {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL"}),
)
"""(what differs, environment changes: None removes the variable)."""

CHILD = """
import hashlib, json, sys
sys.path[:0] = [{root!r}, {bench!r}]
import numpy as np, threadpoolctl
import attention
job = json.loads(sys.argv[1])
if job["induction"]:
    from attention.teaching import induction
    text = induction.lesson_text(words=job["induction"], seed=job["seed"])
    settings = dict(attention.PRESETS["induction"], seed=job["seed"])
else:
    from harness.prose import generated_prose
    text, settings = generated_prose(), {{"seed": job["seed"]}}
model = attention.train_model(text, **settings)
copy = induction.copy_accuracy(model, text) if job["induction"] else None
digest = hashlib.sha256(b"".join(np.ascontiguousarray(v).tobytes() for _, v in sorted(model.parameters.items())))
blas = [i.get("architecture") for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({{"hash": digest.hexdigest()[:16], "steps": model.steps, "clock": model.clock_stopped,
                  "perplexity": model.evaluation.model.perplexity, "blas": blas, "copy": copy}}))
"""


def train_in_child(changes: dict[str, str | None], job: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in changes}
    env |= {key: value for key, value in changes.items() if value is not None}
    code = CHILD.format(root=str(ROOT), bench=str(ROOT / "bench"))
    done = subprocess.run([sys.executable, "-c", code, json.dumps(job)], env=env, capture_output=True, text=True)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:90]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--induction", type=int, default=0, help="words of the induction text (0: generated prose)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=int, nargs="+", help="run only these rows (1-based; default all)")
    args = parser.parse_args()
    job = {"induction": args.induction, "seed": args.seed}
    what = f"induction preset, {args.induction} words" if args.induction else "generated prose, defaults"
    print(f"{what}, seed {args.seed}; each row a fresh process\n")
    print("| what differs | OpenBLAS kernel | weights (sha256) | same as the first | steps | test perplexity | copy |")
    print("|---|---|---|---|---|---|---|")
    first = None
    rows = [VARIANTS[i - 1] for i in args.rows] if args.rows else VARIANTS
    for label, changes in rows:
        out = train_in_child(changes, job)
        if "error" in out:
            print(f"| {label} | | could not run: {out['error']} | | | | |", flush=True)
            continue
        first = first or out["hash"]
        same = "yes" if out["hash"] == first else "**no**"
        kernel = ", ".join(map(str, out["blas"]))
        copy = "" if out["copy"] is None else f"{out['copy']:.1%}"
        cells = f"`{out['hash']}` | {same} | {out['steps']:,} | {out['perplexity']:.4f} | {copy}"
        print(f"| {label} | {kernel} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
