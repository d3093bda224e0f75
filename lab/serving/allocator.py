"""Memory that returns after a wave of trainings: at most a few glibc malloc arenas, trimmed after each.

Threads that train each get an arena of their own from glibc, and memory freed in one stays held by it:
20 trainings at once left 1.1 GB held after they finished. Two arenas and a trim after each training
keep a server near its idle size (bench/training_memory.py). Elsewhere than glibc these do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform
import threading

from . import limits

_allocator_lock = threading.Lock()
_allocator_configured = False
M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library if it is glibc (mallopt and malloc_trim exist), else None (musl, macOS, Windows)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def configure_allocator(max_arenas: int = limits.MALLOC_ARENA_MAX) -> bool:
    """Cap glibc's malloc arenas, once per process; True if applied.

    Each training thread otherwise gets its own arena, and freed arena memory is rarely returned: twenty
    trainings left 1.1 GB held after they finished (issue 13). MALLOC_ARENA_MAX in the environment does
    the same from the start of the process (the Dockerfile sets it); this call covers `streamlit run`.
    """
    global _allocator_configured
    with _allocator_lock:
        if _allocator_configured:
            return True
        libc = _glibc()
        if libc is None:
            return False
        _allocator_configured = bool(libc.mallopt(M_ARENA_MAX, max_arenas))
        return _allocator_configured


def release_free_memory() -> bool:
    """Return freed heap pages to the system (glibc's malloc_trim); True if glibc released any."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
