"""Memory handed back to the system between a study's steps.

pyarrow allocates through its own pool (mimalloc in its wheels), which keeps freed pages for
reuse rather than returning them. Reading a study, preparing a part and each analysis leave
nothing of Arrow's alive when they are done, yet the pool keeps what the largest of them took:
at 1M respondents, half a gigabyte after time to contact. :func:`release` hands those pages
back, so a notebook, a report of twenty analyses or the municipality batch stays the size of
what it holds (``benchmarks/run.py`` measures it).
"""

from __future__ import annotations

import sys

__all__ = ["release"]


def release() -> None:
    """Return the memory Arrow's pool keeps unused to the system (nothing when pyarrow is not loaded)."""
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
