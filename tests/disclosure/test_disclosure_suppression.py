"""Primary and secondary suppression: property tests against an independent LP attacker."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.disclosure import Policy, crosstab, frequency, suppress_counts
from analysis.disclosure.suppression import one_way_lines, suppress, two_way_lines
from analysis.errors import DisclosureError

from .attacker import attacker_ranges, extend

POLICY = Policy()
cell_values = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 80))


@st.composite
def count_tables(draw, max_rows=5, max_cols=5):
    r = draw(st.integers(1, max_rows))
    c = draw(st.integers(1, max_cols))
    cells = draw(st.lists(cell_values, min_size=r * c, max_size=r * c))
    return np.array(cells, dtype=np.int64).reshape(r, c)


def _table(counts: np.ndarray, policy: Policy = POLICY, **kw):
    frame = pd.DataFrame(
        counts,
        index=[f"r{i}" for i in range(counts.shape[0])],
        columns=[f"c{j}" for j in range(counts.shape[1])],
    )
    return suppress_counts(frame, policy, **kw)


PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(count_tables())
def test_no_hidden_cell_can_be_computed_back_textbook_attacker(counts):
    """Non-negativity and additivity only: every hidden cell has max - min > 0."""
    t = _table(counts)
    for cell, (lo, hi) in attacker_ranges(t.values, t.status, bounds="relaxed").items():
        assert hi - lo > 0.5, f"cell {cell} pinned to {lo}..{hi} in\n{extend(counts)}\n{t.status}"


@PROPS
@given(count_tables())
def test_no_hidden_cell_can_be_computed_back_attacker_reading_markers(counts):
    """The stronger attacker who also reads "<10" as 1..9 and "x" as >= 10 (the guarantee)."""
    t = _table(counts)
    ranges = attacker_ranges(t.values, t.status, bounds="markers")
    ext = extend(counts)
    for (i, j), (lo, hi) in ranges.items():
        assert hi - lo >= 1 - 1e-6, f"cell {(i, j)} pinned: {lo}..{hi}\n{ext}\n{t.status}"
        assert lo - 1e-6 <= ext[i, j] <= hi + 1e-6  # the truth is inside the range (the attacker is sound)


@PROPS
@given(count_tables())
def test_published_counts_respect_the_threshold_and_truth(counts):
    t = _table(counts)
    ext = extend(counts)
    vals, status = t.values.to_numpy(), t.status.to_numpy()
    for (i, j), value in np.ndenumerate(vals):
        if status[i, j] == "shown":
            assert value == ext[i, j]
            assert value == 0 or value >= POLICY.min_count
        else:
            assert value is None
            assert ext[i, j] != 0, "zeros are never hidden"
            if status[i, j] == "primary":
                assert 0 < ext[i, j] < POLICY.min_count
            else:
                assert ext[i, j] >= POLICY.min_count
    # the greedy invariant: every row and column (margins included) has 0 or >= 2 hidden cells
    hidden = status != "shown"
    assert all(n != 1 for n in hidden.sum(axis=0))
    assert all(n != 1 for n in hidden.sum(axis=1))


@PROPS
@given(count_tables())
def test_one_log_entry_per_hidden_cell_and_no_value_in_public_reasons(counts):
    t = _table(counts)
    assert len(t.log) == t.n_hidden
    for entry in t.log:
        assert entry.kind in ("primary", "secondary")
        assert str(entry.value) not in entry.reason("en").replace(str(POLICY.min_count), "")
    frame = t.log.to_frame()
    assert "value" not in frame.columns and "detail" not in frame.columns


@PROPS
@given(st.lists(cell_values, min_size=1, max_size=8))
def test_one_way_tables_are_protected(cells):
    df = pd.DataFrame({"cat": np.repeat([f"k{i}" for i in range(len(cells))], cells)})
    if df.empty:
        with pytest.raises(DisclosureError):
            frequency(df, "cat", POLICY)
        return
    t = frequency(df, "cat", POLICY)
    observed = [c for c in cells if c > 0]  # only observed categories appear
    true = [*observed, sum(observed)]
    status = t.status["n"].tolist()
    hidden = [k for k, s in enumerate(status) if s != "shown"]
    assert len(hidden) != 1
    # the single line: sum(categories) = total. A hidden cell is determined only if it is alone.
    for k, s in enumerate(status):
        if s == "shown":
            assert t.values["n"].iat[k] == true[k]
            assert true[k] >= POLICY.min_count
        else:
            assert true[k] > 0


@PROPS
@given(count_tables(), st.sampled_from([5, 10]))
def test_rounding_publishes_multiples_and_keeps_suppression(counts, base):
    policy = Policy(round_to=base)
    t = _table(counts, policy)
    plain = _table(counts)
    assert (t.status.to_numpy() == plain.status.to_numpy()).all()
    ext = extend(counts)
    for (i, j), value in np.ndenumerate(t.values.to_numpy()):
        if value is not None:
            assert value % base == 0
            assert abs(value - ext[i, j]) <= base / 2
    assert any("afgerond" in n for n in t.footnotes())


@PROPS
@given(count_tables(), st.sampled_from(["row", "col", "total"]))
def test_percentages_obey_denominator_and_hide_with_their_cells(counts, base):
    t = _table(counts, percent=base)
    ext = extend(counts)
    n_r, n_c = ext.shape
    for (i, j), pst in np.ndenumerate(t.percent_status.to_numpy()):
        di, dj = {"row": (i, n_c - 1), "col": (n_r - 1, j), "total": (n_r - 1, n_c - 1)}[base]
        p = t.percent.iat[i, j]
        if pst == "shown":
            assert ext[di, dj] >= POLICY.min_denominator
            assert t.status.iat[i, j] == "shown" and t.status.iat[di, dj] == "shown"
            assert p == pytest.approx(100 * ext[i, j] / ext[di, dj])
        else:
            assert p is None


def test_small_table_worked_example():
    counts = np.array([[3, 25], [40, 30]])
    t = _table(counts)
    assert t.to_frame().to_numpy().tolist() == [["<10", "x", "28"], ["x", "x", "70"], ["43", "55", "98"]]
    reasons = [e.reason() for e in t.log]
    assert reasons[0] == "primair: aantal kleiner dan 10"
    assert reasons[1].startswith("secundair: beschermt cel (r0, c0)")
    assert t.log.entries[0].detail == "primary: count 3 < 10"  # private detail keeps the value


def test_single_row_table_suppresses_a_second_cell_and_its_total():
    t = _table(np.array([[4, 30, 50]]))
    status = t.status.to_numpy()
    assert status[0, 0] == "primary" and status[1, 0] == "primary"  # the column total equals the cell
    assert (status[0] != "shown").sum() >= 2 and (status[1] != "shown").sum() >= 2
    for _, (lo, hi) in attacker_ranges(t.values, t.status, bounds="markers").items():
        assert hi - lo >= 1


def test_single_column_and_single_cell_tables():
    t = _table(np.array([[4], [30], [50]]))
    assert all((t.status.to_numpy() != "shown").sum(axis=0) != 1)
    one = _table(np.array([[4]]))
    assert (one.status.to_numpy() == "primary").all()  # cell, row total, column total, grand total
    assert one.to_frame().to_numpy().tolist() == [["<10", "<10"], ["<10", "<10"]]


def test_zeros_are_published_and_never_complementary():
    # the only non-zero partner in row 0 and column 0 is the margin; zeros must not be used
    t = _table(np.array([[5, 0], [0, 50]]))
    status = t.status.to_numpy()
    assert status[0, 1] == "shown" and status[1, 0] == "shown"
    assert t.values.iat[0, 1] == 0
    for _, (lo, hi) in attacker_ranges(t.values, t.status, bounds="markers").items():
        assert hi - lo >= 1


def test_bridge_between_two_closed_patterns_is_repaired():
    """The greedy rule alone can leave a bridge cell that sums of lines reveal; the audit repairs it."""
    values = extend(np.array([[3, 3, 30, 0], [3, 3, 0, 0], [0, 0, 3, 3], [0, 40, 3, 3]]))
    lines = two_way_lines(4, 4)
    result = suppress(values.ravel(), lines, 10)
    from analysis.disclosure.suppression import exposed_cells

    assert exposed_cells(values.ravel(), result.status, lines, 10) == []


def test_inconsistent_or_negative_tables_are_refused():
    with pytest.raises(DisclosureError, match="add up"):
        suppress([3, 4, 8], one_way_lines(2), 10)
    with pytest.raises(DisclosureError, match="negative"):
        suppress([-1, 4, 3], one_way_lines(2), 10)
    with pytest.raises(DisclosureError, match="whole, non-negative"):
        suppress_counts(pd.DataFrame({"a": [1.5, 2]}), POLICY)


def test_crosstab_counts_records_and_keeps_category_order():
    df = pd.DataFrame(
        {
            "type": pd.Categorical(
                ["informeel"] * 12 + ["formeel"] * 20, categories=["informeel", "formeel", "overig"]
            ),
            "bereik": ["ja"] * 6 + ["nee"] * 6 + ["ja"] * 20,
            "leeg": [None] * 32,
        }
    )
    t = crosstab(df, "type", "bereik", POLICY, lang="en")
    assert list(t.to_frame().index) == ["informeel", "formeel", "overig", "Total"]
    assert t.values.loc["overig"].tolist() == [0, 0, 0]  # unobserved category: structural zeros
    assert list(t.to_frame(lang="nl").columns) == ["ja", "nee", "Totaal"]
    with pytest.raises(DisclosureError, match="not in the data"):
        crosstab(df, "type", "missing", POLICY)
    pd.testing.assert_frame_equal(df, df.copy())  # input untouched


def test_figure_data_never_holds_a_hidden_value():
    counts = np.array([[3, 25, 12], [40, 30, 2]])
    t = _table(counts, percent="row")
    fig = t.figure_data()
    assert len(fig) == counts.size  # interior cells only
    hidden = fig["status"] != "shown"
    assert fig.loc[hidden, "count"].isna().all() and fig.loc[hidden, "percent"].isna().all()
    assert set(fig.loc[hidden, "label"]) <= {"<10", "x"}


@st.composite
def hidden_patterns(draw):
    """A table with margins (or a one-way table) and any pattern of hidden non-zero cells."""
    counts = draw(count_tables(max_rows=4, max_cols=4))
    one_way = draw(st.booleans())
    if one_way:
        values = np.append(counts.ravel(), counts.sum())
        lines = one_way_lines(counts.size)
    else:
        values = extend(counts).ravel()
        lines = two_way_lines(*counts.shape)
    hide = draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    status = np.array(
        [0 if not h or v == 0 else (1 if v < 10 else 2) for h, v in zip(hide, values, strict=True)]
    )
    return values, status, lines


@PROPS
@given(hidden_patterns())
def test_feasible_ranges_equal_one_linear_program_over_the_whole_table(pattern):
    """The audit splits a table into independent parts and solves single lines in closed form;
    its ranges equal those of one LP over every line of the table (scipy's HiGHS)."""
    from scipy.optimize import linprog

    from analysis.disclosure.suppression import feasible_ranges

    values, status, lines = pattern
    hidden = [int(c) for c in np.flatnonzero(status)]
    ranges = feasible_ranges(values, status, lines, 10)
    assert set(ranges) == set(hidden)
    col = {c: k for k, c in enumerate(hidden)}
    a, b = [], []
    for line in lines:
        row, rhs = np.zeros(len(hidden)), 0.0
        for c in line.members:
            if c in col:
                row[col[c]] += 1
            else:
                rhs -= values[c]
        if line.total in col:
            row[col[line.total]] -= 1
        else:
            rhs += values[line.total]
        a.append(row)
        b.append(rhs)
    bounds = [(1, 9) if status[c] == 1 else (10, None) for c in hidden]
    for c, k in col.items():
        obj = np.zeros(len(hidden))
        obj[k] = 1
        lo = linprog(obj, A_eq=np.array(a), b_eq=np.array(b), bounds=bounds, method="highs")
        hi = linprog(-obj, A_eq=np.array(a), b_eq=np.array(b), bounds=bounds, method="highs")
        expected = (lo.fun if lo.status == 0 else -np.inf, -hi.fun if hi.status == 0 else np.inf)
        assert ranges[c] == pytest.approx(expected, abs=1e-6), (values, status, c)
        assert ranges[c][0] - 1e-6 <= values[c] <= ranges[c][1] + 1e-6  # the truth is inside


def test_suppressing_the_same_table_twice_gives_equal_independent_results():
    first = suppress([3, 40, 43], one_way_lines(2), 10)
    first.status[:] = 0  # a caller changing its copy does not change the next answer
    again = suppress([3, 40, 43], one_way_lines(2), 10)
    assert again.status.tolist() == [1, 2, 0] and again.protects == {1: 0}
