"""Memory handed back to the system between a study's steps.

Two allocators keep what a step freed for reuse rather than returning it: pyarrow's own pool
(mimalloc in its wheels) and glibc's heap, which keeps freed blocks of up to 32 MB (numpy's
arrays of a few hundred thousand values) in its arenas. Reading a study, preparing a part and
each analysis leave nothing alive of their working arrays, yet the process kept the size of the
largest step so far: at 1M respondents, 0.3-0.5 GB after time to contact or reach.
:func:`release` hands those pages back, so a notebook, a report of twenty analyses or the
municipality batch stays the size of what it holds (``benchmarks/run.py`` measures it).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

__all__ = ["release"]


def release() -> None:
    """Return the memory Arrow's pool and glibc's heap keep unused to the system.

    Arrow's only when pyarrow is loaded; glibc's ``malloc_trim(0)`` only where the C library
    is glibc (Linux); elsewhere nothing happens.
    """
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
