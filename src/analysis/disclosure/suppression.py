"""Primary and secondary cell suppression for count tables with margins.

This is the engine; :func:`analysis.disclosure.crosstab` and
:func:`analysis.disclosure.frequency` are the researcher-facing entry points.

A table is described as a flat vector of non-negative integer cells (interior cells
*and* margins) plus a list of :class:`Line` constraints, each saying "these member
cells add up to that total cell". A two-way table with margins has one line per row
(including the total row) and one per column (including the total column); a one-way
table has a single line.

Method
------
1. **Primary suppression.** Every cell with ``0 < n < min_count`` is hidden. Zeros are
   published: a zero says nothing about an identifiable person (but see *Zeros*).
2. **Greedy secondary suppression.** While some line holds exactly one hidden cell,
   hide the *smallest* published non-zero cell of that line (ties: a cell whose other
   line already holds a hidden cell, so the pattern closes; then table order). After
   this every line holds zero or at least two hidden cells, margins included.
3. **Audit and repair.** The greedy rule alone is not sufficient (a hidden cell that
   is a *bridge* between two closed patterns can still be solved from sums of lines,
   and bounds can pin a cell). So every hidden cell is audited with linear
   programming against the strongest attacker we can think of, who knows:

   * every published cell and margin, and that each line adds up;
   * that every cell is a non-negative integer and that zeros are never hidden;
   * that a primary cell ("<10") lies in ``[1, min_count - 1]``;
   * that a secondary cell ("x") is not primary, so lies in ``[min_count, inf)``.

   For each hidden cell the minimum and maximum it can take under these constraints
   are computed (``scipy.optimize.linprog``, HiGHS), on the cell's own part of the table
   only (lines linked through hidden cells); a part that is a single line (every one-way
   table, and most patterns of a two-way one) has its exact range in closed form, which is
   what the LP would return. The constraint matrix of a
   two-way table with margins is totally unimodular, so these LP bounds are attained
   by integer tables. If a range is narrower than ``min_range`` (default 1: the value
   must not be unique), the smallest published non-zero cell sharing a line with the
   failing cell is hidden as well, step 2 is repeated, and the audit runs again (hiding
   a cell only relaxes the attacker's constraints, so cells found safe stay safe). Each
   repair hides one more cell, so the loop ends; if no published non-zero cell is left
   and a cell is still exposed, :class:`~analysis.errors.DisclosureError` is raised.

Zeros
-----
Zeros are published and are never used as complementary (secondary) cells: a hidden
zero adds no uncertainty, because it cannot go below zero. The audit treats
published zeros as known constants, so a hidden cell cannot be recovered "through"
zeros. A zero can still be telling (*nobody* in group X ...); that is a question of
what to tabulate, not of cell suppression.

Guarantee
---------
For every hidden cell, at least ``min_range + 1`` integer values (two by default)
are consistent with everything published and with the attacker knowledge above.
This is stronger than the usual textbook check (non-negativity and additivity only),
which the test-suite verifies independently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.errors import DisclosureError

SHOWN, PRIMARY, SECONDARY = 0, 1, 2
_EPS = 1e-6


@dataclass(frozen=True)
class Line:
    """An additivity constraint: ``sum(cells[members]) == cells[total]``."""

    members: tuple[int, ...]
    total: int

    @property
    def cells(self) -> tuple[int, ...]:
        return (*self.members, self.total)


def two_way_lines(n_rows: int, n_cols: int) -> list[Line]:
    """Lines of an ``n_rows x n_cols`` table extended with a total row and column.

    Cells are numbered row-major over the extended ``(n_rows+1) x (n_cols+1)`` grid,
    the totals last in each row and the total row last.
    """
    width = n_cols + 1
    lines = [Line(tuple(i * width + j for j in range(n_cols)), i * width + n_cols) for i in range(n_rows + 1)]
    lines += [
        Line(tuple(i * width + j for i in range(n_rows)), n_rows * width + j) for j in range(n_cols + 1)
    ]
    return lines


def one_way_lines(n_categories: int) -> list[Line]:
    """The single line of a one-way table: categories ``0..n-1`` add up to cell ``n``."""
    return [Line(tuple(range(n_categories)), n_categories)]


@dataclass(frozen=True)
class Suppression:
    """The result of :func:`suppress`.

    Attributes
    ----------
    status
        Per cell: ``SHOWN`` (0), ``PRIMARY`` (1) or ``SECONDARY`` (2).
    protects
        For each secondary cell, the index of the cell it was added to protect.
    """

    status: np.ndarray
    protects: dict[int, int]


def suppress(
    values: Sequence[int] | np.ndarray,
    lines: Sequence[Line],
    min_count: int,
    *,
    min_range: int = 1,
) -> Suppression:
    """Choose the cells to hide (primary and secondary) for one table.

    Parameters
    ----------
    values
        Non-negative integer cells, margins included, consistent with ``lines``.
    lines
        The additivity constraints (see :func:`two_way_lines`, :func:`one_way_lines`).
    min_count
        Counts ``0 < n < min_count`` are primary-suppressed.
    min_range
        Smallest width of the feasible range of a hidden cell (see module notes).

    Returns
    -------
    Suppression

    Examples
    --------
    >>> s = suppress([3, 40, 43], one_way_lines(2), 10)
    >>> s.status.tolist()                          # 3 is primary, 40 hides it from the total
    [1, 2, 0]
    """
    v = np.asarray(values, dtype=np.int64)
    key = (v.tobytes(), len(v), tuple(lines), min_count, min_range)
    known = _DONE.get(key)
    if known is not None:  # the same table again (a report shows some tables twice)
        return Suppression(status=known.status.copy(), protects=dict(known.protects))
    result = _suppress(v, lines, min_count, min_range)
    if len(_DONE) >= _DONE_MAX:
        _DONE.clear()
    _DONE[key] = Suppression(status=result.status.copy(), protects=dict(result.protects))
    return result


#: Tables already suppressed in this process (the choice depends on nothing else).
_DONE: dict[tuple, Suppression] = {}
_DONE_MAX = 4096


def _suppress(v: np.ndarray, lines: Sequence[Line], min_count: int, min_range: int) -> Suppression:
    if (v < 0).any():
        raise DisclosureError("a count table has a negative cell", hint="counts must be zero or more")
    for line in lines:
        if v[list(line.members)].sum() != v[line.total]:
            raise DisclosureError(
                "a count table does not add up to its totals",
                hint="build the table with crosstab() or frequency(), which compute the margins",
            )
    status = np.zeros(len(v), dtype=np.int8)
    status[(v > 0) & (v < min_count)] = PRIMARY
    protects: dict[int, int] = {}
    cell_lines: list[list[int]] = [[] for _ in range(len(v))]
    for li, line in enumerate(lines):
        for c in line.cells:
            cell_lines[c].append(li)

    safe: set[int] = set()  # hiding more cells only widens ranges, so a safe cell stays safe
    while True:
        _close(v, status, lines, cell_lines, protects)
        target = _first_exposed(v, status, lines, min_count, min_range, safe)
        if target is None:
            return Suppression(status=status, protects=protects)
        pick = _repair_candidate(v, status, lines, cell_lines, target)
        if pick is None:
            raise DisclosureError(
                "this table cannot be published safely: a hidden count could still be worked out "
                "even with every other non-zero cell hidden",
                hint="combine small categories (rows or columns) and tabulate again",
            )
        status[pick] = SECONDARY
        protects[pick] = target


def _close(v, status, lines, cell_lines, protects) -> None:
    """Greedy step: no line may hold exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = line.cells
            hidden = [c for c in cells if status[c] != SHOWN]
            if len(hidden) != 1:
                continue
            candidates = [c for c in cells if status[c] == SHOWN and v[c] > 0]
            if not candidates:  # cannot happen for a consistent table; the audit catches it
                continue
            pick = min(
                candidates, key=lambda c: (v[c], not _touches_hidden(c, line, lines, cell_lines, status), c)
            )
            status[pick] = SECONDARY
            protects[pick] = hidden[0]
            changed = True


def _touches_hidden(c, line, lines, cell_lines, status) -> bool:
    for li in cell_lines[c]:
        other = lines[li]
        if other is line:
            continue
        if any(status[x] != SHOWN for x in other.cells if x != c):
            return True
    return False


def _repair_candidate(v, status, lines, cell_lines, target) -> int | None:
    pools = [
        {c for li in cell_lines[target] for c in lines[li].cells},
        {c for line in lines if any(status[x] != SHOWN for x in line.cells) for c in line.cells},
        set(range(len(v))),
    ]
    for pool in pools:
        candidates = [c for c in pool if status[c] == SHOWN and v[c] > 0]
        if candidates:
            return min(candidates, key=lambda c: (v[c], c))
    return None


def _first_exposed(v, status, lines, min_count, min_range, safe: set[int]) -> int | None:
    for c in np.flatnonzero(status != SHOWN):
        c = int(c)
        if c in safe:
            continue
        lo, hi = feasible_ranges(v, status, lines, min_count, cells=[c])[c]
        if hi - lo < min_range - _EPS:
            return c
        safe.add(c)
    return None


def feasible_ranges(
    values: Sequence[int] | np.ndarray,
    status: Sequence[int] | np.ndarray,
    lines: Sequence[Line],
    min_count: int,
    *,
    cells: Sequence[int] | None = None,
) -> dict[int, tuple[float, float]]:
    """The attacker's range ``(lo, hi)`` for hidden cells (``hi`` may be ``inf``).

    See the module notes for what the attacker is assumed to know. ``cells`` limits
    the computation to some hidden cells (default: all).
    """
    from scipy.optimize import linprog

    v = np.asarray(values, dtype=np.int64)
    st = np.asarray(status)
    hidden = [int(c) for c in np.flatnonzero(st != SHOWN)]
    if not hidden:
        return {}
    wanted = set(hidden if cells is None else cells)
    col = {c: k for k, c in enumerate(hidden)}
    a_rows, b = [], []
    for line in lines:
        if not any(st[c] != SHOWN for c in line.cells):
            continue
        row = np.zeros(len(hidden))
        rhs = 0.0
        for c in line.members:
            if st[c] != SHOWN:
                row[col[c]] += 1
            else:
                rhs -= v[c]
        if st[line.total] != SHOWN:
            row[col[line.total]] -= 1
        else:
            rhs += v[line.total]
        a_rows.append(row)
        b.append(rhs)
    bounds = [(1, min_count - 1) if st[c] == PRIMARY else (min_count, None) for c in hidden]
    a_eq = np.array(a_rows) if a_rows else np.zeros((0, len(hidden)))
    b_eq = np.array(b)
    out: dict[int, tuple[float, float]] = {}
    component = _components(a_eq)
    for k, c in enumerate(hidden):
        if c not in wanted:
            continue
        rows = np.flatnonzero(component == _component_of(a_eq, component, k))
        if len(rows) <= 1:  # one equation (or none) with box bounds: the range in closed form
            out[c] = _one_line_range(
                a_eq[rows[0]] if len(rows) else None, b_eq[rows[0]] if len(rows) else 0.0, bounds, k
            )
            continue
        # the LP of the cell's own part of the table (lines linked through hidden cells)
        cols = np.flatnonzero(np.abs(a_eq[rows]).sum(axis=0))
        sub_a, sub_b, sub_bounds = a_eq[np.ix_(rows, cols)], b_eq[rows], [bounds[j] for j in cols]
        obj = (cols == k).astype(float)
        lo = linprog(obj, A_eq=sub_a, b_eq=sub_b, bounds=sub_bounds, method="highs")
        hi = linprog(-obj, A_eq=sub_a, b_eq=sub_b, bounds=sub_bounds, method="highs")
        lo_v = lo.fun if lo.status == 0 else -np.inf
        hi_v = -hi.fun if hi.status == 0 else np.inf
        if lo.status not in (0, 3) or hi.status not in (
            0,
            3,
        ):  # pragma: no cover - the true table is feasible
            raise DisclosureError(f"the suppression audit failed (linprog: {lo.message or hi.message})")
        out[c] = (float(lo_v), float(hi_v))
    return out


def _components(a: np.ndarray) -> np.ndarray:
    """The connected part of each equation: equations sharing a hidden cell are one part."""
    n = a.shape[0]
    part = np.arange(n)

    def root(i: int) -> int:
        while part[i] != i:
            part[i] = part[part[i]]
            i = part[i]
        return i

    for col in a.T:
        rows = np.flatnonzero(col)
        for r in rows[1:]:
            part[root(int(r))] = root(int(rows[0]))
    return np.array([root(i) for i in range(n)], dtype=int)


def _component_of(a: np.ndarray, component: np.ndarray, k: int) -> int:
    """The part hidden cell ``k`` belongs to (-1: it is in no equation)."""
    rows = np.flatnonzero(a[:, k])
    return int(component[rows[0]]) if len(rows) else -1


def _one_line_range(
    row: np.ndarray | None, rhs: float, bounds: list[tuple[float, float | None]], k: int
) -> tuple[float, float]:
    """Exact ``(min, max)`` of cell ``k`` under one equation ``row . x = rhs`` and box bounds.

    With a single equation the LP's optimum sits at the bounds of the other cells, so
    ``a_k x_k = rhs - sum_j a_j x_j`` ranges over the sum of their intervals (intersected with
    the cell's own bounds). This is what the two linear programs return, without them.
    """
    lo_k, hi_k = bounds[k][0], bounds[k][1] if bounds[k][1] is not None else np.inf
    if row is None or row[k] == 0:
        return float(lo_k), float(hi_k)
    rest_lo = rest_hi = 0.0  # range of sum_{j != k} a_j x_j
    for j in np.flatnonzero(row):
        if j == k:
            continue
        lo_j, hi_j = bounds[j][0], bounds[j][1] if bounds[j][1] is not None else np.inf
        ends = (row[j] * lo_j, row[j] * hi_j)
        rest_lo += min(ends)
        rest_hi += max(ends)
    ends = ((rhs - rest_hi) / row[k], (rhs - rest_lo) / row[k])
    return float(max(lo_k, min(ends))), float(min(hi_k, max(ends)))


def exposed_cells(
    values: Sequence[int] | np.ndarray,
    status: Sequence[int] | np.ndarray,
    lines: Sequence[Line],
    min_count: int,
    *,
    min_range: int = 1,
) -> list[int]:
    """Hidden cells whose feasible range is narrower than ``min_range`` (ordered by index)."""
    ranges = feasible_ranges(values, status, lines, min_count)
    return [c for c, (lo, hi) in sorted(ranges.items()) if hi - lo < min_range - _EPS]
