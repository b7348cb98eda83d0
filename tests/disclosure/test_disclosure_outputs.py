"""Policy, means, rendering (HTML snapshot, xlsx determinism), appendix."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis.disclosure import (
    Policy,
    SuppressionLog,
    appendix_html,
    crosstab,
    frequency,
    group_means,
    write_tables_xlsx,
)
from analysis.errors import DisclosureError, StudyConfigError
from analysis.study import Study

SNAPSHOTS = Path(__file__).parent / "snapshots"


def example_frame() -> pd.DataFrame:
    rng = np.random.default_rng(6)
    n = 140
    return pd.DataFrame(
        {
            "gemeente": rng.choice(["Aa", "Bb", "Cc", "Dd"], size=n, p=[0.5, 0.3, 0.17, 0.03]),
            "type": rng.choice(["formeel", "informeel", "sleutelpersoon"], size=n, p=[0.5, 0.42, 0.08]),
            "score": rng.normal(3.5, 0.6, size=n).round(1),
        }
    )


# -- policy -----------------------------------------------------------------------------
def test_policy_defaults_and_from_study(tmp_path):
    study_yml = tmp_path / "study.yml"
    study_yml.write_text(
        "datasets: {a: data.csv}\ndisclosure: {min_count: 5, round_to: 5, quasi_identifiers: [gemeente]}\n"
    )
    policy = Policy.from_study(Study.from_yaml(study_yml))
    assert policy == Policy(min_count=5, round_to=5, quasi_identifiers=("gemeente",))
    assert Policy.from_study(Study.from_yaml(Path(__file__).parents[2] / "study.yml")).min_count == 10


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        ({"min_count": 0}, "'min_count' must be a whole number of at least 1"),
        ({"min_count": "10"}, "'min_count' must be a whole number"),
        ({"k": True}, "'k' must be a whole number"),
        ({"round_to": 1}, "'round_to' must be empty"),
        ({"quasi_identifiers": "gemeente"}, "must be a list of column names"),
        ({"treshold": 10}, "unknown disclosure setting(s): treshold"),
        (["min_count"], "'disclosure' must be a mapping"),
    ],
)
def test_policy_bad_settings_are_named(settings_, message):
    with pytest.raises(StudyConfigError) as info:
        Policy.from_dict(settings_, source="study.yml")
    assert message in str(info.value)
    assert "study.yml" in str(info.value)


def test_policy_direct_construction_checks_too():
    with pytest.raises(DisclosureError):
        Policy(min_denominator=-1)


# -- means ------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=6), st.booleans())
def test_a_hidden_group_mean_cannot_be_derived_from_the_overall_mean(sizes, total):
    rng = np.random.default_rng(sum(sizes))
    groups = np.repeat([f"g{i}" for i in range(len(sizes))], sizes)
    df = pd.DataFrame({"g": groups, "v": rng.integers(1, 6, size=len(groups)).astype(float)})
    if df.empty:
        return
    t = group_means(df, "v", "g", Policy(), total=total)
    mean_status = t.status["mean"].tolist()
    n_true = df.groupby("g").size()
    groups_hidden = [s != "shown" for s in (mean_status[:-1] if total else mean_status)]
    for label, hidden in zip(n_true.index, groups_hidden, strict=True):
        if 0 < n_true[label] < 10:
            assert hidden
    if total and mean_status[-1] == "shown":
        # the overall mean is published: never exactly one hidden group
        assert sum(groups_hidden) != 1
    # the n column follows the one-way rule
    n_hidden = [s != "shown" for s in t.status["n"]]
    assert sum(n_hidden) != 1 or not total


def test_group_means_display():
    df = pd.DataFrame(
        {"groep": ["a"] * 12 + ["b"] * 15 + ["c"] * 3, "score": [3.0] * 12 + [4.0] * 15 + [5.0] * 3}
    )
    t = group_means(df, "score", "groep", Policy(), lang="en")
    shown = t.to_frame()
    assert shown["mean"].tolist() == ["x", "4.0", "x", "3.7"]
    assert shown["n"].tolist() == ["x", "15", "<10", "30"]  # n column: one-way secondary suppression
    assert "protect another group" in t.to_html()


# -- determinism and rendering ----------------------------------------------------------
def _tables(lang="nl"):
    df = example_frame()
    return {
        "type per gemeente": crosstab(df, "gemeente", "type", Policy(), percent="row", lang=lang),
        "gemeente": frequency(df, "gemeente", Policy(), lang=lang),
        "score per type": group_means(df, "score", "type", Policy(), lang=lang),
    }


def test_html_is_deterministic_and_matches_snapshot():
    first = {k: t.to_html() for k, t in _tables().items()}
    second = {k: t.to_html() for k, t in _tables().items()}
    assert first == second
    html = first["type per gemeente"] + first["gemeente"] + first["score per type"]
    log = SuppressionLog.combine(t.log for t in _tables().values())
    html += appendix_html(log, Policy())
    snapshot = SNAPSHOTS / "tables_nl.html"
    if not snapshot.exists():  # pragma: no cover - first run writes the snapshot
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(html, encoding="utf-8")
    assert html == snapshot.read_text(encoding="utf-8")


def test_html_has_dutch_and_english_footnotes():
    t = _tables()["type per gemeente"]
    nl, en = t.to_html(), t.to_html(lang="en")
    assert "&lt;10: minder dan 10 waarnemingen" in nl and "Totaal" in nl
    assert "&lt;10: fewer than 10 observations" in en and "Total" in en
    small = frequency(pd.DataFrame({"x": ["a"] * 12}), "x", Policy())
    assert "n te klein" in small.to_html() and "n too small" in small.to_html(lang="en")


def test_xlsx_is_deterministic_and_holds_only_published_values(tmp_path):
    a = write_tables_xlsx(_tables(), tmp_path / "a.xlsx")
    b = write_tables_xlsx(_tables(), tmp_path / "b.xlsx")
    assert hashlib.sha256(a.read_bytes()).hexdigest() == hashlib.sha256(b.read_bytes()).hexdigest()
    wb = load_workbook(a)
    assert wb.sheetnames == ["type per gemeente", "gemeente", "score per type", "toelichting"]
    assert wb.properties.created.year == 2000 and wb.properties.modified.year == 2000
    html_cells = _tables()["gemeente"].to_frame()["n"].tolist()
    sheet_cells = [wb["gemeente"].cell(r, 2).value for r in range(4, 4 + len(html_cells))]
    assert sheet_cells == html_cells  # same suppression as the HTML table
    notes = "\n".join(str(c.value) for row in wb["toelichting"].iter_rows() for c in row if c.value)
    assert "secundair: beschermt cel" in notes and "<10" in notes


def test_xlsx_sheet_names_are_shortened_and_unique(tmp_path):
    t = _tables()["gemeente"]
    long = "een heel lange tabelnaam die niet in een tabblad past"
    path = write_tables_xlsx({long: t, long + "!": t, "toelichting": t}, tmp_path / "c.xlsx")
    names = load_workbook(path).sheetnames
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names)
    assert names[-1] == "toelichting"


def test_appendix_lists_reasons_but_never_values():
    df = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 40 + ["c"] * 17})
    t = frequency(df, "g", Policy())
    html = appendix_html(t.log, Policy(), lang="en")
    assert "primary: count &lt; 10" in html and "secondary: protects cell (a)" in html
    assert ">3<" not in html and " 3 " not in html and "17" not in html


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=60),
    cols=st.lists(st.sampled_from(["x", "y", None]), min_size=60, max_size=60),
    ordered=st.booleans(),
)
def test_crosstab_counts_every_category_and_leaves_out_records_missing_either(rows, cols, ordered):
    # unobserved categories as zero rows and columns; a record missing its row or its column
    # value is in no cell and in no margin (pandas' crosstab keeps a row for a missing row value)
    frame = pd.DataFrame(
        {
            "r": pd.Categorical(rows, categories=["a", "b", "c", "d"], ordered=ordered),
            "c": pd.Categorical(cols[: len(rows)], categories=["x", "y"]),
        }
    )
    table = crosstab(frame, "r", "c", Policy(min_count=1))
    counts = table.values
    assert list(counts.index) == ["a", "b", "c", "d", "Totaal"]
    assert list(counts.columns) == ["x", "y", "Totaal"]
    complete = frame.dropna()
    for r in "abcd":
        for c in "xy":
            assert counts.loc[r, c] == ((complete["r"] == r) & (complete["c"] == c)).sum()
    assert counts.loc["Totaal", "Totaal"] == len(complete)
    assert counts.loc["d"].sum() == 0


def test_an_estimates_table_renders_as_html_table_and_logs_the_cells_it_hides(tmp_path):
    """A table of statistics beside the disclosed one (shares from published counts, a model):
    the same HTML as before it was an object, its hidden cells in the log and the appendix, its
    statistics marked in the workbook."""
    from analysis.disclosure import EstimatesTable, estimates_table
    from analysis.disclosure.render import STAT_STYLE
    from analysis.disclosure.tables import html_table

    policy = Policy()
    header = ["Thema", "Formeel (n=40)", "Informeel (n=12)"]
    rows = [["Terugkoppeling", "45%", "x"], ["Overleg", policy.below, "30%"]]
    table = estimates_table(
        "shares", header, rows, ["x: niet gepubliceerd."], stat=True, policy=policy, title="Aandeel"
    )
    assert isinstance(table, EstimatesTable)
    assert table.to_html() == html_table("shares", header, rows, ["x: niet gepubliceerd."], stat=True)
    assert {(e.table, e.row, e.col, e.kind) for e in table.log} == {
        ("Aandeel", "Terugkoppeling", "Informeel (n=12)", "derived"),
        ("Aandeel", "Overleg", "Formeel (n=40)", "primary"),
    }
    appendix = appendix_html(table.log, policy)
    assert "1 omdat ze berekend zijn uit een onderdrukte of te kleine telling (afgeleid)" in appendix
    assert "afgeleid: berekend uit een onderdrukte of te kleine telling" in appendix
    assert "Derived" in appendix_html(table.log, policy, lang="en")

    counts = crosstab(example_frame(), "gemeente", "type", policy, name="gemeente_type", title="Gemeente")
    path = write_tables_xlsx({"Aandeel": table, "Gemeente": counts}, tmp_path / "t.xlsx")
    sheet = load_workbook(path)["Aandeel"]
    assert sheet["A1"].value == "Aandeel" and sheet["B4"].value == "45%"
    assert sheet["B4"].style == STAT_STYLE  # a share, not a count of respondents
    notes = [c.value for c in load_workbook(path)["toelichting"]["D"] if c.value]
    assert "afgeleid: berekend uit een onderdrukte of te kleine telling" in notes


def test_a_model_table_without_a_policy_hides_and_logs_nothing():
    from analysis.disclosure import estimates_table

    table = estimates_table("model", ["Term", "OR"], [["x", "1,2"]], stat=True, policy=None)
    assert len(table.log) == 0 and (table.status == "shown").all().all()
