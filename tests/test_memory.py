"""Memory handed back between a study's steps (analysis.memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import sys
from pathlib import Path

def rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

from analysis import memory
{setup}
before = rss()
memory.release()
print(before - rss())
"""


def _freed(setup: str) -> float:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(setup=setup)], capture_output=True, text=True, check=True
    )
    return float(run.stdout.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_release_hands_back_what_arrows_pool_and_glibcs_heap_keep():
    # Arrow: 400 MB of a freed array stays in its pool until released
    arrow = _freed("import pyarrow as pa\nblock = pa.array(range(50_000_000))\ndel block")
    assert arrow > 200
    # glibc: many freed arrays below its mmap threshold stay in the heap until trimmed
    heap = _freed(
        "import numpy as np\n"
        "first = np.ones(4_000_000)\n"  # a freed 32 MB block raises glibc's mmap threshold,
        "del first\n"
        "blocks = [np.ones(1_000_000) for _ in range(30)]\n"  # so 30 x 8 MB come from the heap,
        "keep = np.ones(100_000)\n"  # and this one above them keeps the heap from shrinking
        "del blocks"
    )
    assert heap > 150


def test_release_without_pyarrow_loaded_does_not_load_it():
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom analysis import memory\nmemory.release()\nprint('pyarrow' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "False"
