"""Every limit the server enforces, in one place, so the README and the messages agree: the UI's sizes, the
queue's, the store's, and (re-exported) the library's own (`attention.limits`)."""

import os

from attention.limits import (  # noqa: F401  (the library's limits, which the UI enforces too)
    MAX_BATCH_SIZE,
    MAX_CONTEXT_WINDOW,
    MAX_EMBEDDING_MAP_WORDS,
    MAX_EPOCHS,
    MAX_GENERATED_WORDS,
    MAX_HEADS,
    MAX_HEATMAP_TOKENS,
    MAX_LAYERS,
    MAX_LOSS_CURVE_POINTS,
    MAX_MODEL_DIM,
    MAX_MODEL_VOCABULARY,
    MAX_TRAIN_STEPS,
    MIN_TOKENS,
    MIN_TRAIN_TOKENS,
    TRAIN_TIME_BUDGET_S,
)


def _env_int(name: str, default: int) -> int:
    """A positive whole number from the environment (a host's override), else `default`."""
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def _usable_cores() -> int:
    """Cores this process may run on (taskset and container cpusets count), not all the machine has."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # macOS and Windows have no affinity mask
        return os.cpu_count() or 1


MAX_TEXT_CHARS = 100_000
"""Longer pastes are cut here (about 20,000 words); the app says so."""

MAX_EMBEDDING_DIM = 64
"""Largest embedding dimension offered for the blog's random embeddings."""

MAX_TOP_K = 30
"""Most bars in the probability chart; the browser gets only what it draws."""

TOKEN_STRIP_SPAN = 24
"""Tokens shown on each side of the chosen word in the token strip."""

TOKEN_STRIP_SPAN_PRESENT = 14
"""The same in presentation mode, whose bigger boxes would otherwise push the chart below a 720 px screen."""

TOKEN_STRIP_ROW_CHARS = 34
"""Characters per row of the token strip (10 px each), so it fits a 390 px phone screen."""

MAX_UPLOAD_BYTES = 1_000_000
"""Largest training text a person can upload (1 MB, about 170,000 words); the server's upload limit is above it,
so a bigger file gets a sentence that says so, not the browser's bare refusal."""

MAX_LINK_TEXT_CHARS = 2_000
"""Longer texts are left out of shareable links (browsers and servers cut long URLs)."""

MAX_LINK_TEXT_BYTES = 6_000
"""A text in a link takes at most this many characters once written for a URL (%E4%BD%A0 for one Chinese
character), so a whole link stays under 8 KB: nginx's default request-line buffer, and well inside the 16 KiB
request head that Streamlit 1.67's server (uvicorn's h11) accepts from a network; past that it answers a bare
"400 Bad Request" before the app runs (README, "Long links")."""

MAX_CACHED_MODELS = 32
"""Trained models a server keeps (one per text and settings); least recently used ones nobody shows are forgotten.

A model with the largest settings is 0.5 MB pickled on 5,000 tokens of prose (bench/training_memory.py) and
stays under ~2 MB with a full 2,000-word vocabulary, so 32 of them fit well inside a 1 GB server. Models some
session shows are kept beyond this number."""

MAX_CONCURRENT_TRAININGS = _env_int("LAB_MAX_TRAININGS", _usable_cores())
"""Trainings that run at once (default: one per core; LAB_MAX_TRAININGS overrides); the rest wait in order.

More threads than cores only slow every training down (Python threads share the cores)."""

MODEL_HOLD_IDLE_S = 900.0
"""A session's hold on the model it shows lapses after this many seconds without a rerun (a dead tab)."""

MAX_REMEMBERED_EVICTIONS = 10_000
"""Evicted (text, settings) remembered as 32-byte digests, so the page can say "evicted, retrain?"."""

MALLOC_ARENA_MAX = 2
"""glibc malloc arenas per process: freed training memory goes back to the system after a wave.

With one arena per thread (glibc's default) twenty trainings left 1.1 GB held after they ended."""

MAX_STORED_TEXTS = 10_000
"""Texts the server keeps for links (attention/store.py); the least recently opened go first."""

MAX_STORE_CHARS = 50_000_000
"""Characters the text store keeps in all (~50-200 MB on disk); the least recently opened texts go first."""

MAX_STORED_TEXT_AGE_DAYS = 365
"""A stored text nobody opened for this many days is forgotten (its link then says the text is gone)."""
