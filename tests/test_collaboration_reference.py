"""Collaboration form on the example study, checked against GNU PSPP (counts, chi-square) and R (Wilson intervals).

tests/reference/collaboration_crosstab.sps (PSPP CROSSTABS) and collaboration_shares.R (prop.test
without continuity correction) were run on data/raw/organisatie_enquete.sav; their committed
output is compared here with what Bruggen reads and computes (`make reference` reruns them).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.collaboration import collaboration_profile
from analysis.disclosure import Policy
from analysis.study import Study

REF = Path(__file__).resolve().parent / "reference"
ROOT = REF.parents[1]


def _pspp_tables() -> dict[str, dict[tuple[str, str], int]]:
    """Counts per table from PSPP's CSV output: {row variable label: {(row, col): count}}."""
    tables: dict[str, dict[tuple[str, str], int]] = {}
    rows = list(csv.reader((REF / "collaboration_crosstab.csv").read_text(encoding="utf-8").splitlines()))
    i = 0
    while i < len(rows):
        row = rows[i]
        if row and row[0].startswith("Table: ") and "×" in row[0] and row[0][7:] not in tables:
            name = row[0][7:]
            columns = rows[i + 2][3:-1]
            cells, current, j = {}, None, i + 3
            while j < len(rows) and rows[j] and rows[j][0] != "Total":
                current = rows[j][1]
                for col, value in zip(columns, rows[j][3:-1], strict=True):
                    cells[(current, col)] = int(value)
                j += 1
            tables[name] = cells
            i = j
        i += 1
    return tables


@pytest.fixture(scope="module")
def survey():
    return Study.from_yaml(ROOT / "study.yml").get("organisatie_enquete").frame


@pytest.mark.parametrize("by, label", [("resp_type", "Type respondent"), ("org_side", "Kant van")])
def test_counts_equal_pspp_crosstabs(survey, by, label):
    (pspp,) = [cells for name, cells in _pspp_tables().items() if name.startswith(label)]
    table = collaboration_profile(survey, Policy(), by=by, form="collab_form").table()
    assert table.n_hidden == 0  # every cell of the full study is above the threshold
    ours = {
        (str(r), str(c)): int(table.values.loc[r, c])
        for r in table.values.index[:-1]
        for c in table.values.columns[:-1]
    }
    assert ours == pspp


def test_shares_and_wilson_intervals_equal_r(survey):
    reference = json.loads((REF / "collaboration_shares.json").read_text(encoding="utf-8"))["shares"]
    assert len(reference) == 8
    frames = {
        by: collaboration_profile(survey, Policy(), by=by, form="collab_form").to_frame()
        for by in ("resp_type", "org_side")
    }
    for ref in reference:
        frame = frames[ref["by"]].set_index("term")
        row = frame.loc[f"{ref['group']}: {ref['form']}"]
        assert row["n"] == ref["n"]
        assert row["estimate"] == pytest.approx(ref["estimate"], abs=1e-12)
        assert row["ci_low"] == pytest.approx(ref["ci_low"], abs=1e-9)
        assert row["ci_high"] == pytest.approx(ref["ci_high"], abs=1e-9)


def _pspp_chisq() -> list[tuple[float, int, float]]:
    """(Pearson chi-square, df, p) of each CROSSTABS table, in order, from PSPP's CSV output."""
    rows = list(csv.reader((REF / "collaboration_crosstab.csv").read_text(encoding="utf-8").splitlines()))
    return [(float(r[1]), int(r[2]), float(r[3])) for r in rows if r and r[0] == "Pearson Chi-Square"]


@pytest.mark.parametrize("i, by", [(0, "resp_type"), (1, "org_side")])
def test_the_fit_is_pearsons_chi_square_test_as_pspp_computes_it(survey, i, by):
    """The Result keeps its test (``fit``, ``summary()``): Pearson's chi-square as PSPP reports it."""
    statistic, df, p = _pspp_chisq()[i]
    test = collaboration_profile(survey, Policy(), by=by, form="collab_form").summary()
    assert test.df == df
    assert test.statistic == pytest.approx(statistic, abs=0.005)  # PSPP prints two decimals
    assert test.pvalue == pytest.approx(p, abs=0.0005)
