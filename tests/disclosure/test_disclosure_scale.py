"""Secondary suppression at the scale of a code system of hundreds of codes.

The audit of a two-way table decides on the graph of its lines whether a hidden cell can take
another value (:func:`analysis.disclosure.suppression._movable`); these tests hold it to the
linear programs it replaces, on random tables and random hidden patterns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import Policy
from analysis.disclosure import suppression as engine
from analysis.disclosure.suppression import _DONE, exposed_cells, suppress, two_way_lines

from .attacker import attacker_ranges, extend

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
cell_values = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 40))


@st.composite
def tables(draw, max_side=7):
    r, c = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    cells = draw(st.lists(cell_values, min_size=r * c, max_size=r * c))
    return np.array(cells, dtype=np.int64).reshape(r, c)


@st.composite
def hidden_patterns(draw):
    """A table, a threshold and any choice of hidden cells (consistent with the markers)."""
    counts = draw(tables(max_side=6))
    min_count = draw(st.sampled_from([2, 3, 10]))
    values = extend(counts).ravel()
    hide = draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    status = np.array(
        [0 if not h or v == 0 else (1 if v < min_count else 2) for h, v in zip(hide, values, strict=True)]
    )
    return values, status, two_way_lines(*counts.shape), min_count


@PROPS
@given(hidden_patterns())
def test_the_graph_audit_finds_exactly_the_cells_the_linear_programs_pin(pattern):
    values, status, lines, min_count = pattern
    by_lp = exposed_cells(values, status, lines, min_count, method="lp")
    for few in (engine._FEW, 0):  # each cell searched on its own; rectangles counted all at once
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(engine, "_FEW", few)
            by_graph = exposed_cells(values, status, lines, min_count)
        assert by_graph == by_lp, (values, status, min_count, few)


def _lp_only(monkeypatch):
    """Suppress with the one-by-one LP audit (the method before the graph audit)."""
    monkeypatch.setattr(engine, "_network", lambda lines, n: None)


@PROPS
@given(tables())
def test_suppression_chooses_the_same_cells_as_with_the_lp_audit(counts):
    ext = extend(counts).ravel()
    lines = two_way_lines(*counts.shape)
    _DONE.clear()
    fast = suppress(ext, lines, 10)
    with pytest.MonkeyPatch.context() as mp:
        _lp_only(mp)
        _DONE.clear()
        slow = suppress(ext, lines, 10)
    _DONE.clear()
    assert fast.status.tolist() == slow.status.tolist()
    assert fast.protects == slow.protects
    assert exposed_cells(ext, fast.status, lines, 10, method="lp") == []


@PROPS
@given(tables())
def test_an_independent_attacker_recovers_no_hidden_cell(counts):
    from analysis.disclosure import suppress_counts

    frame = pd.DataFrame(counts)
    t = suppress_counts(frame, Policy())
    for cell, (lo, hi) in attacker_ranges(t.values, t.status, bounds="markers").items():
        assert hi - lo >= 1 - 1e-6, (cell, extend(counts), t.status)


def test_a_bridge_between_two_closed_patterns_is_found_by_the_graph_audit():
    # rows 0-1 x cols 0-1 and rows 2-3 x cols 2-3 each hide a rectangle; the cell (1, 2) joins
    # them: on its own it can be worked out from row 1's and column 2's sums
    counts = np.array([[5, 5, 20, 20], [5, 5, 12, 20], [20, 20, 5, 5], [20, 20, 5, 5]])
    ext = extend(counts)
    status = np.zeros(ext.shape, dtype=int)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)]:
        status[i, j] = 1
    status[1, 2] = 2
    lines = two_way_lines(4, 4)
    bridge = 1 * ext.shape[1] + 2
    assert exposed_cells(ext.ravel(), status.ravel(), lines, 10) == [bridge]
    assert exposed_cells(ext.ravel(), status.ravel(), lines, 10, method="lp") == [bridge]


def synthetic_codings(n_codes: int, *, seed: int = 7) -> pd.DataFrame:
    """A codings table of ``n_codes`` codes with Zipf-like frequencies, 15 passages per code."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_codes + 1)
    weights /= weights.sum()
    rows = []
    for p in range(15 * n_codes):
        for k in rng.choice(n_codes, size=int(rng.integers(1, 5)), replace=False, p=weights):
            rows.append(
                {"document": f"d{p}", "code": f"F{k % 12:02d} C{k:03d}", "code_family": f"F{k % 12:02d}"}
            )
    return pd.DataFrame(rows)


def test_a_300_code_cooccurrence_matrix_is_disclosed_and_audited():
    from analysis.cooccurrence import cooccurrence

    codings = synthetic_codings(300)
    _DONE.clear()
    result = cooccurrence(codings, Policy(), unit="document")
    status = result.table().status.to_numpy()
    assert status.shape == (301, 301)
    hidden = status != "shown"
    assert hidden.sum() > 1000  # many small cells: this is the hard case
    assert (hidden[:300, :300] == hidden[:300, :300].T).all()  # the matrix is symmetric
    # audit the published pattern once more, independently of the suppression loop
    incidence = pd.crosstab(codings["document"], codings["code"]).clip(upper=1)
    counts = incidence.to_numpy().T @ incidence.to_numpy()
    code = {"shown": 0, "primary": 1, "secondary": 2}
    st_flat = np.vectorize(code.get)(status).ravel()
    assert exposed_cells(extend(counts).ravel(), st_flat, two_way_lines(300, 300), 10) == []
