"""Shared helpers for the disclosure tests: an attacker that is independent of the library.

The attacker only looks at what a :class:`DisclosedTable` publishes (values and the
kind of marker per cell) and at the table's shape; it rebuilds the additivity
constraints itself and solves for the range of each hidden cell with
``scipy.optimize.linprog``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog


def extend(counts: np.ndarray) -> np.ndarray:
    """Interior counts -> the table with a total column and a total row."""
    r, c = counts.shape
    ext = np.zeros((r + 1, c + 1), dtype=np.int64)
    ext[:r, :c] = counts
    ext[:r, c] = counts.sum(axis=1)
    ext[r, :c] = counts.sum(axis=0)
    ext[r, c] = counts.sum()
    return ext


def attacker_ranges(published: pd.DataFrame, status: pd.DataFrame, *, bounds: str, min_count: int = 10):
    """Feasible (min, max) of every hidden cell of a two-way table with margins.

    ``bounds="relaxed"``: only non-negativity and additivity (the textbook check).
    ``bounds="markers"``: also what the markers say: ``"<10"`` means 1..min_count-1,
    ``"x"`` means a non-primary, non-zero count, so at least min_count.
    """
    vals = published.to_numpy(dtype=object)
    st = status.to_numpy(dtype=object)
    n_r, n_c = vals.shape  # includes the margins
    hidden = [(i, j) for i in range(n_r) for j in range(n_c) if st[i, j] != "shown"]
    if not hidden:
        return {}
    index = {cell: k for k, cell in enumerate(hidden)}
    a_eq, b_eq = [], []

    def constraint(members, total):
        row = np.zeros(len(hidden))
        rhs = 0.0
        for cell in members:
            if cell in index:
                row[index[cell]] += 1
            else:
                rhs -= vals[cell]
        if total in index:
            row[index[total]] -= 1
        else:
            rhs += vals[total]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)

    for i in range(n_r):
        constraint([(i, j) for j in range(n_c - 1)], (i, n_c - 1))
    for j in range(n_c):
        constraint([(i, j) for i in range(n_r - 1)], (n_r - 1, j))
    if bounds == "relaxed":
        bnds = [(0, None)] * len(hidden)
    else:
        bnds = [(1, min_count - 1) if st[c] == "primary" else (min_count, None) for c in hidden]
    out = {}
    for k, cell in enumerate(hidden):
        obj = np.zeros(len(hidden))
        obj[k] = 1
        lo = linprog(obj, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=bnds, method="highs")
        hi = linprog(-obj, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=bnds, method="highs")
        assert lo.status in (0, 3) and hi.status in (0, 3), (lo.message, hi.message)
        out[cell] = (lo.fun if lo.status == 0 else -np.inf, -hi.fun if hi.status == 0 else np.inf)
    return out
