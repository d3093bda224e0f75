"""Same text, settings and seed: bit-identical weights on one machine and BLAS build, under any load.

This is the scope of the README's claim ("Same model, same weights"). Two fresh Python processes (so a
server restart or a second replica on the same machine), one of them sharing the CPU with a thread that
keeps numpy's matrix products busy, and this test's own process train the same model; the three hashes of
the weights must be equal. Across machines it also takes the same OpenBLAS kernel: `bench/determinism.py`
shows that OPENBLAS_CORETYPE alone (Haswell or SkylakeX kernels on the same CPU) changes the weights.
(tests/test_train.py checks the same within one process, with a slow clock too.)
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import attention
from attention.teaching.examples import PATTERNS

ROOT = Path(__file__).resolve().parents[1]

SETTINGS = (
    {"context_window": 6, "dim": 16, "epochs": 40},  # one layer, the default dropout 0.1 and weight decay
    {"context_window": 6, "dim": 16, "heads": 2, "layers": 2, "mlp": True, "layernorm": True, "epochs": 20},
)

CHILD = """
import hashlib, json, sys, threading
import numpy as np
sys.path.insert(0, sys.argv[1])
import attention
from attention.teaching.examples import PATTERNS

settings, busy = json.loads(sys.argv[2]), sys.argv[3] == "busy"
stop, started, rounds = threading.Event(), threading.Event(), [0]

def burn():  # a loaded classroom server: another thread's numpy work on the same cores
    a = np.random.default_rng(1).standard_normal((256, 256))
    while not stop.is_set():
        a = np.tanh(a @ a.T / 256)
        rounds[0] += 1
        started.set()

if busy:
    thread = threading.Thread(target=burn, daemon=True)
    thread.start()
    started.wait()
model = attention.train_model(PATTERNS, **settings)
stop.set()
digest = hashlib.sha256(b"".join(np.ascontiguousarray(v).tobytes() for _, v in sorted(model.parameters.items())))
print(json.dumps({"weights": digest.hexdigest(), "steps": model.steps, "clock": model.clock_stopped,
                  "rounds": rounds[0]}))
"""


def weights_hash(model: attention.TrainedModel) -> str:
    parts = (np.ascontiguousarray(value).tobytes() for _, value in sorted(model.parameters.items()))
    return hashlib.sha256(b"".join(parts)).hexdigest()


def train_in_new_process(settings: dict, load: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), json.dumps(settings), load],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("settings", SETTINGS, ids=["one layer", "two layers with MLP and LayerNorm"])
def test_new_processes_under_load_train_bit_identical_weights(settings):
    here = attention.train_model(PATTERNS, **settings)
    quiet = train_in_new_process(settings, "quiet")
    busy = train_in_new_process(settings, "busy")
    assert busy["rounds"] > 0  # the other thread really ran while this one trained
    assert quiet["steps"] == busy["steps"] == here.steps > 0
    assert not (quiet["clock"] or busy["clock"] or here.clock_stopped)  # the safety clock never decided anything
    assert quiet["weights"] == busy["weights"] == weights_hash(here)
