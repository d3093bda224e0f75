"""Trained models of the built-in texts, kept on disk: a restarted server opens on its default model at once.

The cache is keyed by everything that determines the weights: the library's code (every attention/*.py),
the text and the settings. Change any of them and the key changes, so a stale model is never loaded; a
file that cannot be read is ignored (and trained again). Only texts the server chooses (the built-in
collections) are kept; a student's own text is not written to disk.

    trainer = model_cache.cached(train_model, keep=lambda text: text in built_in_texts)
    registry = JobRegistry(trainer=trainer)
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from pathlib import Path

import attention
from attention.training.result import TrainedModel
from attention.training.settings import TrainingSettings

CACHE_DIR_ENV = "LAB_MODEL_CACHE"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "var" / "models"  # var/ is gitignored
_LOG = logging.getLogger(__name__)


def cache_dir() -> Path:
    """LAB_MODEL_CACHE, or var/models in the project."""
    return Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_DIR)


@cache
def code_fingerprint() -> str:
    """SHA-256 of the library's source files, in path order: any change to the math gives a new key."""
    root = Path(attention.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(text: str, settings: TrainingSettings, budget_mb: float | None = None) -> str:
    """The file name a model of this text and settings (and memory budget: it may choose the batch) is kept
    under, with this code."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(repr((sorted(asdict(settings).items()), budget_mb)).encode() + b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def load(text: str, settings: TrainingSettings, budget_mb: float | None = None) -> TrainedModel | None:
    """The kept model, or None when there is none (or it cannot be read: then it is trained again)."""
    path = cache_dir() / f"{cache_key(text, settings, budget_mb)}.pickle"
    try:
        with path.open("rb") as file:
            model = pickle.load(file)  # our own file, written by `save` below: not user input
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        _LOG.warning("ignoring an unreadable cached model %s: %s", path, error)
        return None
    return model if isinstance(model, TrainedModel) and model.settings == settings else None


def save(model: TrainedModel, text: str, budget_mb: float | None = None) -> None:
    """Keep `model` (written to a temporary file, then renamed: a reader never sees half a file)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as file:
            pickle.dump(model, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, folder / f"{cache_key(text, model.settings, budget_mb)}.pickle")
        prune(folder)
    except OSError as error:  # a read-only or full disk costs a retraining after a restart, nothing more
        _LOG.warning("could not keep the trained model on disk: %s", error)


KEPT_MODELS = 16
"""Model files the cache keeps; the least recently written go (each code change makes new keys)."""


def prune(folder: Path) -> None:
    """Keep the KEPT_MODELS newest model files."""
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEPT_MODELS:]:
        old.unlink(missing_ok=True)


def cached(trainer: Callable[..., TrainedModel], keep: Callable[[str], bool]) -> Callable[..., TrainedModel]:
    """`trainer` (train_model's signature), loading and saving the models of texts `keep` accepts."""

    def train(text: str, *, callback=None, memory_budget_mb: float | None = None, **settings) -> TrainedModel:
        if not keep(text):
            return trainer(text, callback=callback, memory_budget_mb=memory_budget_mb, **settings)
        chosen = TrainingSettings(**settings)
        model = load(text, chosen, memory_budget_mb)
        if model is None:
            model = trainer(text, callback=callback, memory_budget_mb=memory_budget_mb, **settings)
            if not model.clock_stopped and model.stopped_because != "stopped by user":
                save(model, text, memory_budget_mb)  # only models the settings and the budget alone determine
        return model

    return train
