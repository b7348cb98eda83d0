"""How long secondary suppression and its audit take on a large co-occurrence matrix.

A code system of hundreds of codes gives a symmetric co-occurrence matrix with many small
cells. This script builds one from a synthetic codings table (seeded; code frequencies skewed
like a real project's: a few codes on many passages, a long tail of rare ones), runs
:func:`analysis.disclosure.suppress_counts` on it (primary and secondary suppression with the
audit that proves no hidden cell can be worked out) and then audits the published pattern
once more, independently of the suppression loop, with :func:`exposed_cells`.

Run from the repository root (not part of the test suite)::

    .venv/bin/python benchmarks/suppression.py                 # 50, 100, 200, 300 codes
    .venv/bin/python benchmarks/suppression.py --codes 300
    .venv/bin/python benchmarks/suppression.py --codes 40 --lp  # also the LP audit of every cell

Prints a table: codes, cells, hidden (primary, secondary), seconds to suppress, seconds to
audit, exposed cells after the audit (must be 0). A last row ``300u`` is a 300 x 300 table of
uniform counts with 1% small cells: few primary cells, most needing secondary ones and repairs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SIZES = (50, 100, 200, 300)


def synthetic_cooccurrence(n_codes: int, *, seed: int = 2026, passages: int | None = None):
    """A symmetric ``n_codes x n_codes`` co-occurrence matrix (passages per pair of codes).

    Each passage carries one to four codes, drawn with Zipf-like weights (``1 / rank``), so a
    few codes are frequent and most are rare: many cells between 1 and 9, many zeros.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    passages = passages or 15 * n_codes
    weights = 1.0 / np.arange(1, n_codes + 1)
    weights /= weights.sum()
    incidence = np.zeros((passages, n_codes), dtype=np.int64)
    sizes = rng.integers(1, 5, size=passages)
    for p, k in enumerate(sizes):
        incidence[p, rng.choice(n_codes, size=k, replace=False, p=weights)] = 1
    counts = incidence.T @ incidence
    names = [f"C{i:03d}" for i in range(n_codes)]
    return pd.DataFrame(counts, index=names, columns=names)


def uniform_table(n: int, *, small: float = 0.01, seed: int = 1):
    """An ``n x n`` table of counts 10..59 with a share ``small`` of cells 1..9: few primary
    cells, spread thin, so most need secondary cells (and repairs) to be protected."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    counts = rng.integers(10, 60, size=(n, n))
    mask = rng.random((n, n)) < small
    counts[mask] = rng.integers(1, 10, size=int(mask.sum()))
    return pd.DataFrame(counts)


def measure(n_codes: int, *, lp: bool = False, uniform: bool = False) -> dict:
    """Suppress and audit one synthetic matrix; the timings and the counts of hidden cells."""
    import numpy as np

    from analysis.disclosure import Policy, suppress_counts
    from analysis.disclosure.suppression import _DONE, exposed_cells, two_way_lines

    counts = uniform_table(n_codes) if uniform else synthetic_cooccurrence(n_codes)
    _DONE.clear()
    t0 = time.perf_counter()
    table = suppress_counts(counts, Policy(), name="cooccurrence")
    t_suppress = time.perf_counter() - t0
    ext = np.zeros((n_codes + 1, n_codes + 1), dtype=np.int64)
    ext[:n_codes, :n_codes] = counts.to_numpy()
    ext[:n_codes, n_codes] = ext[:n_codes, :n_codes].sum(axis=1)
    ext[n_codes, :] = ext[:n_codes, :].sum(axis=0)
    code = {"shown": 0, "primary": 1, "secondary": 2}
    status = np.vectorize(code.get)(table.status.to_numpy()).ravel()
    lines = two_way_lines(n_codes, n_codes)
    t0 = time.perf_counter()
    exposed = exposed_cells(ext.ravel(), status, lines, 10)
    t_audit = time.perf_counter() - t0
    row = {
        "codes": f"{n_codes}u" if uniform else str(n_codes),
        "cells": int(ext.size),
        "primary": int((status == 1).sum()),
        "secondary": int((status == 2).sum()),
        "suppress_s": t_suppress,
        "audit_s": t_audit,
        "exposed": len(exposed),
    }
    if lp:
        t0 = time.perf_counter()
        row["exposed_lp"] = len(exposed_cells(ext.ravel(), status, lines, 10, method="lp"))
        row["audit_lp_s"] = time.perf_counter() - t0
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--lp", action="store_true", help="also audit every hidden cell with the LP")
    parser.add_argument(
        "--uniform",
        type=int,
        nargs="*",
        default=[300],
        help="sizes of uniform tables with 1%% small cells (300u)",
    )
    args = parser.parse_args(argv)
    head = f"{'codes':>6} {'cells':>7} {'primary':>8} {'second.':>8} {'suppress s':>11} {'audit s':>8} {'exposed':>8}"
    if args.lp:
        head += f" {'LP audit s':>11} {'LP exposed':>11}"
    print(head)
    for n, uniform in [(n, False) for n in args.codes] + [(n, True) for n in args.uniform]:
        r = measure(n, lp=args.lp, uniform=uniform)
        line = (
            f"{r['codes']:>6} {r['cells']:>7} {r['primary']:>8} {r['secondary']:>8} "
            f"{r['suppress_s']:>11.2f} {r['audit_s']:>8.2f} {r['exposed']:>8}"
        )
        if args.lp:
            line += f" {r['audit_lp_s']:>11.2f} {r['exposed_lp']:>11}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
