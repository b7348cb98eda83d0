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
   by integer tables. For such a table (a *network*: each cell on two lines) and the
   default ``min_range`` of 1, the same answer is found without linear programs: a
   hidden cell's range is at least one exactly when a cycle of hidden cells, each with
   room to move by one within its bounds, runs through it (:func:`_movable`; graph
   searches over the lines, so a co-occurrence matrix of 300 codes is audited in about a
   second where the LPs took hours). If a range is narrower than ``min_range`` (default 1: the value
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
    line_cells = [np.fromiter(line.cells, dtype=np.int64, count=len(line.cells)) for line in lines]
    hidden_in = np.array([int((status[cells] != SHOWN).sum()) for cells in line_cells], dtype=np.int64)
    network = _network(lines, len(v)) if min_range == 1 else None

    safe: set[int] = set()  # hiding more cells only widens ranges, so a safe cell stays safe
    while True:
        _close(v, status, lines, line_cells, cell_lines, hidden_in, protects)
        if network is not None:
            target = _first_exposed_network(v, status, network, min_count, safe)
        else:
            target = _first_exposed(v, status, lines, min_count, min_range, safe)
        if target is None:
            return Suppression(status=status, protects=protects)
        pick = _repair_candidate(v, status, lines, line_cells, cell_lines, hidden_in, target)
        if pick is None:
            raise DisclosureError(
                "this table cannot be published safely: a hidden count could still be worked out "
                "even with every other non-zero cell hidden",
                hint="combine small categories (rows or columns) and tabulate again",
            )
        _hide(pick, status, cell_lines, hidden_in)
        protects[pick] = target


def _hide(c: int, status: np.ndarray, cell_lines: list[list[int]], hidden_in: np.ndarray) -> None:
    """Mark cell ``c`` secondary and count it in each of its lines."""
    status[c] = SECONDARY
    for li in cell_lines[c]:
        hidden_in[li] += 1


def _close(v, status, lines, line_cells, cell_lines, hidden_in, protects) -> None:
    """Greedy step: no line may hold exactly one hidden cell.

    The lines are visited in order, pass after pass, until a pass hides nothing; in a pass a
    line is handled if it holds exactly one hidden cell when its turn comes. Only the lines
    that hold one hidden cell are visited (``hidden_in`` counts the hidden cells per line), so
    a pass costs the lines it changes, not the whole table.
    """
    import heapq

    todo = [li for li in np.flatnonzero(hidden_in == 1).tolist()]
    while todo:  # one pass over the lines, in order
        heapq.heapify(todo)
        later: set[int] = set()  # lines reaching one hidden cell behind the pass: the next pass
        seen: set[int] = set()
        while todo:
            li = heapq.heappop(todo)
            if li in seen:
                continue
            seen.add(li)
            if hidden_in[li] != 1:
                continue
            line, cells = lines[li], line_cells[li]
            st = status[cells]
            hidden = cells[st != SHOWN]
            candidates = cells[(st == SHOWN) & (v[cells] > 0)]
            if len(hidden) != 1 or not len(candidates):  # no candidate: the audit catches it
                continue
            pick = min(
                candidates.tolist(),
                key=lambda c: (v[c], not _touches_hidden(c, line, lines, cell_lines, hidden_in), c),
            )
            status[pick] = SECONDARY
            protects[pick] = int(hidden[0])
            for other in cell_lines[pick]:
                hidden_in[other] += 1
                if hidden_in[other] == 1:
                    if other > li:
                        heapq.heappush(todo, other)
                    else:
                        later.add(other)
        todo = sorted(later)


def _touches_hidden(c, line, lines, cell_lines, hidden_in) -> bool:
    """Whether shown cell ``c`` shares a line other than ``line`` with a hidden cell."""
    return any(hidden_in[li] > 0 for li in cell_lines[c] if lines[li] is not line)


def _repair_candidate(v, status, lines, line_cells, cell_lines, hidden_in, target) -> int | None:
    """The smallest published non-zero cell: on a line of ``target``, else on a line holding a
    hidden cell, else anywhere (ties: table order)."""
    open_cells = (status == SHOWN) & (v > 0)
    own = np.zeros(len(v), dtype=bool)
    for li in cell_lines[target]:
        own[line_cells[li]] = True
    touched = np.zeros(len(v), dtype=bool)
    for li in np.flatnonzero(hidden_in > 0).tolist():
        touched[line_cells[li]] = True
    for pool in (own, touched, np.ones(len(v), dtype=bool)):
        candidates = np.flatnonzero(pool & open_cells)
        if len(candidates):
            order = np.lexsort((candidates, v[candidates]))  # smallest value, then table order
            return int(candidates[order[0]])
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


@dataclass(frozen=True)
class _Network:
    """The lines of a table read as a network: every cell an arc between its two lines.

    When every cell lies on exactly two lines and the lines can be signed (``sign``, +1 or
    -1 per line) so that each cell counts +1 on one of its lines and -1 on the other, the
    changes of the hidden cells that keep every line adding up are exactly the circulations
    of the graph whose nodes are the lines and whose arcs are the cells, from ``tail`` (the
    +1 line) to ``head``. A two-way table with margins is such a table (sign the row lines
    -1 and the column lines +1, and read the margins' cells with their sign flipped).
    """

    tail: np.ndarray
    head: np.ndarray
    n_lines: int
    simple: bool  # no two cells join the same two lines


def _network(lines: Sequence[Line], n_cells: int) -> _Network | None:
    """The network of ``lines`` (see :class:`_Network`), or ``None`` if they are not one."""
    ends: list[list[tuple[int, int]]] = [[] for _ in range(n_cells)]
    for li, line in enumerate(lines):
        for c in line.members:
            ends[c].append((li, 1))
        ends[line.total].append((li, -1))
    if any(len(e) != 2 or e[0][0] == e[1][0] for e in ends):
        return None
    # sign the lines: a cell's two coefficients, times their lines' signs, must differ
    sign = np.zeros(len(lines), dtype=np.int64)
    by_line: list[list[int]] = [[] for _ in lines]
    for c, e in enumerate(ends):
        by_line[e[0][0]].append(c)
        by_line[e[1][0]].append(c)
    for start in range(len(lines)):
        if sign[start]:
            continue
        sign[start] = 1
        stack = [start]
        while stack:
            li = stack.pop()
            for c in by_line[li]:
                (l1, a1), (l2, a2) = ends[c]
                this, other, a_this, a_other = (l1, l2, a1, a2) if l1 == li else (l2, l1, a2, a1)
                want = -sign[this] * a_this * a_other
                if not sign[other]:
                    sign[other] = want
                    stack.append(other)
                elif sign[other] != want:
                    return None
    tail = np.empty(n_cells, dtype=np.int64)
    head = np.empty(n_cells, dtype=np.int64)
    for c, ((l1, a1), (l2, _)) in enumerate(ends):
        tail[c], head[c] = (l1, l2) if sign[l1] * a1 > 0 else (l2, l1)
    pairs = np.minimum(tail, head) * len(lines) + np.maximum(tail, head)
    simple = len(np.unique(pairs)) == n_cells
    return _Network(tail=tail, head=head, n_lines=len(lines), simple=simple)


def _movable(v, status, network: _Network, min_count: int, cells: np.ndarray) -> np.ndarray:
    """Whether each hidden cell of ``cells`` can take another value (its range is at least 1).

    Exact for the attacker of the module notes. A hidden cell ``e`` can go up by one if its
    bounds allow it (an arc ``tail -> head``) and down by one if they allow that (an arc
    ``head -> tail``). Cell ``c`` can change by one, keeping every line's sum, if and only if
    some cycle of such arcs runs through it: a path from its ``head`` back to its ``tail``
    (``c`` up) or from its ``tail`` to its ``head`` (``c`` down) that does not use ``c``
    itself. The bounds are whole numbers, so a real change of ``c`` (what the linear
    programs of :func:`feasible_ranges` find) exists if and only if a change of one exists
    along one such cycle (flow decomposition), and these ranges are integral (totally
    unimodular constraints): a range of at least one is exactly a path.

    Three tests, each exact where it decides: the strong components of the graph (a cell
    with one arc is movable if and only if its two lines are in one component; a cell with
    no arc is not); a rectangle (a path of three other arcs, counted with one product of the
    adjacency matrix); and for what is left a breadth-first search without the cell.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    hidden = np.flatnonzero(status != SHOWN)
    lo = np.where(status[hidden] == PRIMARY, 1, min_count)
    hi = np.where(status[hidden] == PRIMARY, min_count - 1, np.iinfo(np.int64).max)
    x = v[hidden]
    up, down = x < hi, x > lo  # the cell's own bounds leave room up / down by one
    t, h = network.tail[hidden], network.head[hidden]
    src = np.concatenate([t[up], h[down]])
    dst = np.concatenate([h[up], t[down]])
    arc_cell = np.concatenate([hidden[up], hidden[down]])
    n = network.n_lines
    graph = csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, comp = connected_components(graph, directed=True, connection="strong")
    ks = np.searchsorted(hidden, cells)  # cells are hidden: their positions among the hidden
    out = np.zeros(len(cells), dtype=bool)
    one_arc = up[ks] ^ down[ks]
    same = comp[t[ks]] == comp[h[ks]]
    out[one_arc & same] = True  # the path back cannot use the cell's only arc
    both = np.flatnonzero(up[ks] & down[ks])  # the two arcs make their lines one component
    if not len(both):
        return out
    if network.simple and len(both) > _FEW:
        # paths head -> a -> b -> tail, without the cell's arcs (the only arcs between its lines)
        adj = graph.toarray()
        adj[adj > 0] = 1
        two = adj @ adj
        back = np.einsum("ij,ji->i", adj[h[ks[both]]], two[:, t[ks[both]]])
        loops = np.diag(two)
        back -= loops[t[ks[both]]] + loops[h[ks[both]]] - 1
        out[both[back > 0]] = True
        both = both[back <= 0]
    if not len(both):
        return out
    if network.simple:  # the cell's arcs are the only ones between its two lines: skip that step
        graph.sum_duplicates()
        indptr, indices = graph.indptr, graph.indices
        for i in both.tolist():
            c = int(cells[i])
            a, b = int(network.head[c]), int(network.tail[c])
            out[i] = _reaches_csr(indptr, indices, a, b) or _reaches_csr(indptr, indices, b, a)
        return out
    succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for a, b, c in zip(src.tolist(), dst.tolist(), arc_cell.tolist(), strict=True):
        succ[a].append((b, c))
    for i in both.tolist():
        c = int(cells[i])
        out[i] = _reaches(succ, int(network.head[c]), int(network.tail[c]), c) or _reaches(
            succ, int(network.tail[c]), int(network.head[c]), c
        )
    return out


#: Up to this many cells left after the strong components, each is searched on its own (cheaper
#: than the product of the adjacency matrix that looks for rectangles all at once).
_FEW = 64


def _reaches_csr(indptr: np.ndarray, indices: np.ndarray, start: int, goal: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` other than by the arc ``start -> goal``."""
    seen = np.zeros(len(indptr) - 1, dtype=bool)
    seen[start] = True
    frontier = np.array([start])
    first = True
    while len(frontier):
        nxt = np.concatenate([indices[indptr[a] : indptr[a + 1]] for a in frontier.tolist()])
        if first:  # the direct arc is the cell itself
            nxt = nxt[nxt != goal]
            first = False
        if (nxt == goal).any():
            return True
        nxt = np.unique(nxt[~seen[nxt]])
        seen[nxt] = True
        frontier = nxt
    return False


def _reaches(succ: list[list[tuple[int, int]]], start: int, goal: int, skip: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` without the arcs of cell ``skip``."""
    seen = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for a in frontier:
            for b, c in succ[a]:
                if c == skip or b in seen:
                    continue
                if b == goal:
                    return True
                seen.add(b)
                nxt.append(b)
        frontier = nxt
    return False


def _first_exposed_network(v, status, network: _Network, min_count: int, safe: set[int]) -> int | None:
    """:func:`_first_exposed` for ``min_range == 1`` on a network table, all pending cells at once.

    Every pending hidden cell is tested; those found movable join ``safe`` (they stay safe),
    and the first exposed one in table order is returned, as the one-by-one audit would.
    """
    pending = np.array([c for c in np.flatnonzero(status != SHOWN).tolist() if c not in safe], dtype=np.int64)
    if not len(pending):
        return None
    movable = _movable(v, status, network, min_count, pending)
    safe.update(pending[movable].tolist())
    exposed = pending[~movable]
    return int(exposed[0]) if len(exposed) else None


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
    method: str = "auto",
) -> list[int]:
    """Hidden cells whose feasible range is narrower than ``min_range`` (ordered by index).

    ``method="auto"`` decides a range of at least one on the graph of the table's lines
    (:func:`_movable`: exact, and fast for tables of hundreds of rows and columns) when the
    lines form a network (every two-way table with margins) and ``min_range`` is 1, and with
    the linear programs of :func:`feasible_ranges` otherwise; ``method="lp"`` always uses
    the linear programs.
    """
    if method not in ("auto", "lp"):
        raise DisclosureError(f"method must be 'auto' or 'lp', got {method!r}")
    v = np.asarray(values, dtype=np.int64)
    st = np.asarray(status)
    network = _network(lines, len(v)) if method == "auto" and min_range == 1 else None
    if network is not None:
        hidden = np.flatnonzero(st != SHOWN)
        if not len(hidden):
            return []
        return [int(c) for c in hidden[~_movable(v, st, network, min_count, hidden)]]
    ranges = feasible_ranges(v, st, lines, min_count)
    return [c for c, (lo, hi) in sorted(ranges.items()) if hi - lo < min_range - _EPS]
