"""How fast the tiny attention model trains, and how numpy compares with PyTorch on the same model.

    python bench/train_speed.py            # numpy only
    /work/venv-torch/bin/python bench/train_speed.py   # also PyTorch, if installed (never required)
    python bench/train_speed.py --lesson   # part 3 only: the induction lesson's 2-layer model

Part 1 trains with `attention.train_model` to its early-stop point: the default example, a
generated ~20,000-token English-like text (vocabulary about 2,000 words) and, when the machine has
them, real English (harness/prose.py: licence texts, Vim user manual, ~20,000 tokens each), with one
BLAS thread (as training runs) and with the library's default threads, for comparison.

Part 2 (PyTorch installed) replays the identical model (same initial weights, same batches, same
Adam and clipping) step by step in numpy and in PyTorch, and prints the time ratio and the largest
difference between their losses. Targets (issue 3, a 2-core machine): default example under 3 s,
20,000 tokens under 15 s, numpy at least twice as fast as PyTorch. Times are the best of a few
repeats; machines are noisy, so these are not assertions.

Part 3 does the same for the induction lesson's 2-layer preset (attention.PRESETS["induction"]) and times
the lesson to its phase change: the first progress report where the best head's induction score passes 0.5.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

import attention  # noqa: E402
import attention.training.entry as entry  # noqa: E402
import attention.training.loop as train  # noqa: E402
from attention.teaching import induction  # noqa: E402
from attention.teaching.examples import DEFAULT_EXAMPLE, EXAMPLES  # noqa: E402
from attention.training.memory import MB, plan_memory  # noqa: E402
from attention.training.parts import build_vocabulary, split_parts, token_ids  # noqa: E402
from attention.training.settings import TrainingSettings  # noqa: E402
from harness.prose import generated_prose, real_prose  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

REPEATS = 3


def texts() -> dict[str, str]:
    found = {f"default example ({DEFAULT_EXAMPLE})": EXAMPLES[DEFAULT_EXAMPLE], "generated prose": generated_prose()}
    return found | {f"{name} (real English)": text for name, text in real_prose().items()}


@contextlib.contextmanager
def blas_threads(one: bool):
    """Train with one BLAS thread (what train_model does) or with whatever the library defaults to."""
    if one:
        yield
        return
    saved = entry._one_blas_thread
    entry._one_blas_thread = contextlib.nullcontext
    try:
        yield
    finally:
        entry._one_blas_thread = saved


def time_train_model(text: str, one_thread: bool, repeats: int = REPEATS) -> tuple[float, attention.TrainedModel]:
    best, model = float("inf"), None
    with blas_threads(one_thread):
        for _ in range(repeats):
            start = time.perf_counter()
            model = attention.train_model(text)
            best = min(best, time.perf_counter() - start)
    return best, model


def part_one(corpus: dict[str, str]) -> dict[str, attention.TrainedModel]:
    found = importlib.util.find_spec("threadpoolctl")  # train_model imports it when it trains
    blas = "threadpoolctl: 1 BLAS thread" if found else "no threadpoolctl: default BLAS threads"
    print(f"\n1. attention.train_model to its early-stop point (defaults; best of {REPEATS}; {blas})\n")
    header = (
        f"{'text':34} {'tokens':>7} {'V':>5} {'seconds':>8} {'(2 BLAS)':>9} {'steps':>6} {'ms/step':>8} "
        f"{'tokens/s':>9} {'stopped':>11}  test perplexity: model / KN bigram / add-one bigram / unigram"
    )
    print(header)
    print("-" * len(header))
    models, results = {}, {}
    for name, text in corpus.items():
        seconds, model = time_train_model(text, one_thread=True)
        default_threads, _ = time_train_model(text, one_thread=False, repeats=1)
        n_train = split_parts(len(attention.tokenize(text)), model.settings).n_train
        tokens_per_second = model.history[-1].epoch * n_train / model.seconds
        e = model.evaluation
        print(
            f"{name:34} {len(attention.tokenize(text)):7d} {len(model.vocabulary):5d} {seconds:8.2f} "
            f"{default_threads:9.2f} {model.steps:6d} {1000 * model.seconds / model.steps:8.2f} "
            f"{tokens_per_second:9.0f} {model.stopped_because:>11}  "
            f"{e.model.perplexity:.1f} / {e.kneser_ney_bigram.perplexity:.1f} / {e.bigram.perplexity:.1f} / "
            f"{e.unigram.perplexity:.1f}"
        )
        models[name] = model
        results[name] = seconds
    default, generated = next(iter(results.values())), results["generated prose"]
    print(f"\ntargets: default example under 3 s: {_verdict(default < 3)}", end="; ")
    print(f"20,000 tokens under 15 s: {_verdict(generated < 15)}")
    print("(2 BLAS): the same run with the BLAS library's own thread count, one repeat, for comparison.")
    return models


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# --- part 2: the same model in PyTorch ------------------------------------------------------------


def replay_batches(
    text: str, steps: int, settings: TrainingSettings | None = None
) -> tuple[train._Trainer, list[tuple[np.ndarray, np.ndarray]]]:
    """A fresh trainer (its initial weights) and the first `steps` batches train_model would use."""
    settings = settings or TrainingSettings(dropout=0.0, weight_decay=0.0)  # plain Adam, no dropout
    tokens = attention.tokenize(text)
    parts = split_parts(len(tokens), settings)
    n_train = parts.n_train
    vocabulary = build_vocabulary(
        tokens[:n_train], attention.limits.MAX_MODEL_VOCABULARY, settings.unknown_fraction, settings.seed
    )
    ids = token_ids(tokens, vocabulary)
    budget = int(attention.limits.TRAINING_MEMORY_BUDGET_MB * MB)
    memory = plan_memory(settings, len(vocabulary), len(tokens), budget)  # as train_model plans it
    trainer = train._Trainer(settings, vocabulary, ids, parts, None, None, memory, None)
    T, B, batches = settings.context_window, settings.batch_size, []
    while len(batches) < steps:
        starts = train.epoch_windows(n_train, T, trainer.rng)
        for lo in range(0, len(starts), B):
            windows = ids[:n_train][starts[lo : lo + B, None] + np.arange(T + 1)]
            batches.append((windows[:, :-1], windows[:, 1:]))
    return trainer, batches[:steps]


def numpy_losses(text: str, steps: int, settings=None) -> tuple[float, list[float]]:
    best, losses = float("inf"), []
    for _ in range(REPEATS):
        trainer, batches = replay_batches(text, steps, settings)
        with entry._one_blas_thread():
            start = time.perf_counter()
            losses = [trainer._step(x, y) for x, y in batches]
            best = min(best, time.perf_counter() - start)
    return best, losses


class TorchModel(torch.nn.Module if torch else object):
    """attention.core.model's architecture (learned positions, untied) in PyTorch, from the same weights."""

    def __init__(self, trainer: train._Trainer):
        super().__init__()
        a = trainer.architecture
        self.h, self.d_k = a.heads, a.head_dim
        for name, value in trainer.p.items():
            setattr(self, name, torch.nn.Parameter(torch.tensor(np.array(value))))

    def forward(self, ids, targets):
        B, T = ids.shape
        X = self.E[ids] + self.P[:T]  # [B, T, d]
        Q, K, V = (X @ self.W_qkv).view(B, T, 3, self.h, self.d_k).permute(2, 0, 3, 1, 4)  # [B, h, T, d_k] each
        O = torch.nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=True)  # noqa: E741
        H = X + O.transpose(1, 2).reshape(B, T, -1) @ self.W_o
        logits = H @ self.W_out + self.b_out
        return torch.nn.functional.cross_entropy(logits.view(B * T, -1), targets.reshape(-1))


class TorchDeepModel(torch.nn.Module if torch else object):
    """The induction preset's architecture (L attention layers, sinusoidal positions, untied) in PyTorch."""

    def __init__(self, trainer: train._Trainer):
        super().__init__()
        a = trainer.architecture
        assert not (a.mlp or a.layernorm or a.tied) and a.positions == "sinusoidal", "the preset's architecture only"
        self.h, self.d_k, self.layers = a.heads, a.head_dim, a.layers
        for name, value in trainer.p.items():
            setattr(self, name.replace(".", "_"), torch.nn.Parameter(torch.tensor(np.array(value))))
        pe = attention.sinusoidal_positions(a.context_window, a.dim).astype(np.float32)
        self.register_buffer("PE", torch.from_numpy(pe))

    def forward(self, ids, targets):
        B, T = ids.shape
        H = self.E[ids] + self.PE[:T]  # [B, T, d]
        for layer in range(self.layers):
            suffix = "" if layer == 0 else f"_{layer + 1}"
            W_qkv, W_o = getattr(self, "W_qkv" + suffix), getattr(self, "W_o" + suffix)
            Q, K, V = (H @ W_qkv).view(B, T, 3, self.h, self.d_k).permute(2, 0, 3, 1, 4)  # [B, h, T, d_k] each
            O = torch.nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=True)  # noqa: E741
            H = H + O.transpose(1, 2).reshape(B, T, -1) @ W_o
        logits = H @ self.W_out + self.b_out
        return torch.nn.functional.cross_entropy(logits.view(B * T, -1), targets.reshape(-1))


def torch_losses(
    text: str, steps: int, threads: int, repeats: int = REPEATS, settings=None, model_class=None
) -> tuple[float, list[float]]:
    torch.set_num_threads(threads)
    best, losses = float("inf"), []
    for _ in range(repeats):
        trainer, batches = replay_batches(text, steps, settings)
        model = (model_class or TorchModel)(trainer)
        params = list(model.parameters())
        adam = torch.optim.Adam(params, lr=trainer.settings.learning_rate, betas=(0.9, 0.999), eps=1e-8)
        batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches]
        start = time.perf_counter()
        losses = []
        for x, y in batches:
            adam.zero_grad(set_to_none=False)
            loss = model(x, y)
            loss.backward()
            with torch.no_grad():  # clip exactly as attention.training.optim.clip_gradient does
                norm = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in params))
                if norm > train.GRADIENT_CLIP:
                    for p in params:
                        p.grad *= float(train.GRADIENT_CLIP / norm)
            adam.step()
            losses.append(loss.item())
        best = min(best, time.perf_counter() - start)
    return best, losses


def part_two(corpus: dict[str, str], models: dict[str, attention.TrainedModel]) -> None:
    if torch is None:
        print("\n2. PyTorch is not installed: no comparison (it is never a requirement of the project).")
        return
    print(
        f"\n2. The same model, initial weights and batches: numpy vs PyTorch {torch.__version__} (best of {REPEATS})\n"
    )
    header = (
        f"{'text':34} {'steps':>6} {'numpy ms/step':>14} {'torch 1 thread':>15} {'torch 2 threads':>16} "
        f"{'torch/numpy':>12} {'max |loss diff|':>16}"
    )
    print(header)
    print("-" * len(header))
    default_threads = torch.get_num_threads()
    for name, text in corpus.items():
        steps = models[name].steps
        np_time, np_loss = numpy_losses(text, steps)
        t1_time, t1_loss = torch_losses(text, steps, threads=1)
        t2_time, _ = torch_losses(text, steps, threads=2, repeats=1)
        ratio = min(t1_time, t2_time) / np_time
        diff = max(abs(a - b) for a, b in zip(np_loss, t1_loss, strict=True))
        print(
            f"{name:34} {steps:6d} {1000 * np_time / steps:14.2f} {1000 * t1_time / steps:15.2f} "
            f"{1000 * t2_time / steps:16.2f} {ratio:11.1f}× {diff:16.2e}"
        )
    torch.set_num_threads(default_threads)
    print("\ntorch/numpy: PyTorch's better thread setting (2 threads: one repeat) against numpy with one BLAS thread;")
    print("the target is 2× or more. max |loss diff|: per-step losses of numpy and PyTorch (1 thread), float32.")


# --- part 3: the induction lesson's two-layer model -----------------------------------------------

LESSON_STEPS = 300


def part_three() -> None:
    """ms/step of the lesson's 2-layer preset (numpy, and PyTorch on identical weights and batches), and the
    lesson's time to the phase change (the first point where the best head's induction score passes 0.5)."""
    text = induction.lesson_text()
    settings = TrainingSettings(**attention.PRESETS["induction"])
    shape = f"{settings.layers} layers, {settings.heads} heads, d = {settings.dim}, T = {settings.context_window}"
    print(f"\n3. The induction lesson's model ({shape}, batch {settings.batch_size}; {LESSON_STEPS} steps)\n")
    np_time, np_loss = numpy_losses(text, LESSON_STEPS, settings)
    print(f"numpy (1 BLAS thread): {1000 * np_time / LESSON_STEPS:.2f} ms/step")
    if torch is not None:
        t1, t1_loss = torch_losses(text, LESSON_STEPS, 1, settings=settings, model_class=TorchDeepModel)
        t2, _ = torch_losses(text, LESSON_STEPS, 2, repeats=1, settings=settings, model_class=TorchDeepModel)
        diff = max(abs(a - b) for a, b in zip(np_loss, t1_loss, strict=True))
        print(f"PyTorch {torch.__version__}: {1000 * t1 / LESSON_STEPS:.2f} ms/step (1 thread), "
              f"{1000 * t2 / LESSON_STEPS:.2f} (2 threads); torch/numpy {min(t1, t2) / np_time:.1f}×; "
              f"max |loss diff| {diff:.2e}")  # fmt: skip
    else:
        print("PyTorch is not installed: no comparison (it is never a requirement of the project).")
    crossed: list[tuple[int, float]] = []
    start = time.perf_counter()

    def watch(progress) -> None:
        if not crossed and progress.heads and progress.heads.best("induction")[2] >= 0.5:
            crossed.append((progress.step, time.perf_counter() - start))

    model = attention.train_model(text, **attention.PRESETS["induction"], seed=0, callback=watch)
    accuracy = induction.copy_accuracy(model, text)
    when = f"step {crossed[0][0]:,} after {crossed[0][1]:.1f} s" if crossed else "never"
    print(f"lesson (seed 0): phase change (best induction score ≥ 0.5) at {when}; whole training {model.seconds:.1f} s "
          f"for {model.steps:,} steps ({1000 * model.seconds / model.steps:.2f} ms/step with evaluations); "
          f"held-out copy accuracy {accuracy:.0%}")  # fmt: skip


def main() -> None:
    if "--lesson" in sys.argv:
        part_three()
        return
    corpus = texts()
    models = part_one(corpus)
    part_two(corpus, models)
    part_three()


if __name__ == "__main__":
    main()
