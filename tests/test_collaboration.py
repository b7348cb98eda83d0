"""Collaboration form by group: counts, shares, findings and figure all come from the disclosed table."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.collaboration import collaboration_profile
from analysis.disclosure import Policy
from analysis.results import TIDY_COLUMNS

FORMS = pd.CategoricalDtype(["ad_hoc", "projectmatig", "structureel"], ordered=True)


def _frame() -> pd.DataFrame:
    rows = (
        [("formeel", "structureel")] * 60
        + [("formeel", "projectmatig")] * 30
        + [("formeel", "ad_hoc")] * 10
        + [("informeel", "structureel")] * 20
        + [("informeel", "projectmatig")] * 40
        + [("informeel", "ad_hoc")] * 20
        + [("klein", "structureel")] * 3  # a group too small to show
        + [("klein", "ad_hoc")] * 2
    )
    df = pd.DataFrame(rows, columns=["org_side", "collab_form"])
    return df.assign(collab_form=df["collab_form"].astype(FORMS))


def test_shares_are_row_percentages_of_the_published_counts():
    result = collaboration_profile(
        _frame(), Policy(), by="org_side", form="collab_form", structural="structureel"
    )
    shares = result.shares()
    assert shares.loc["formeel", "structureel"] == pytest.approx(60.0)
    assert shares.loc["informeel", "projectmatig"] == pytest.approx(50.0)
    assert shares.loc["formeel"].sum() == pytest.approx(100.0)
    # the group below the threshold is left out before tabulating: it never reaches a figure
    assert "klein" not in shares.index
    assert result.n_small_groups == 1
    assert result.table().n_hidden == 0


def test_tidy_frame_has_the_result_vocabulary_and_wilson_intervals():
    frame = collaboration_profile(
        _frame(), Policy(), by="org_side", form="collab_form", structural="structureel"
    ).to_frame()
    assert list(frame.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    row = frame.set_index("term").loc["formeel: structureel"]
    assert row["estimate"] == pytest.approx(0.60)
    assert row["n"] == 100
    # Wilson 95% interval for 60/100 (statsmodels proportion_confint, checked by hand: 0.502-0.691)
    assert row["ci_low"] == pytest.approx(0.5020, abs=1e-3)
    assert row["ci_high"] == pytest.approx(0.6906, abs=1e-3)
    assert "klein" not in set(frame["group"])


def test_findings_quote_the_published_numbers():
    sentences = collaboration_profile(
        _frame(), Policy(), by="org_side", form="collab_form", structural="structureel"
    ).findings("nl")
    assert sentences[0] == "Van de 180 respondenten met een samenwerkingspartner werkt 44% structureel samen."
    assert "Onder formeel is dat 60% (n = 100)." in sentences
    assert "Onder informeel is dat 25% (n = 80)." in sentences
    assert not any("klein" in s for s in sentences)


def test_figure_carries_no_hidden_value_and_says_a_group_is_left_out():
    fig = collaboration_profile(
        _frame(), Policy(), by="org_side", form="collab_form", structural="structureel"
    ).figure("en")
    ys = {y for trace in fig.data for y in trace.y}
    assert ys == {"formeel", "informeel"}
    assert "too few" in fig.layout.annotations[0].text


def test_unknown_column_is_a_clear_error():
    from analysis.errors import BruggenError

    with pytest.raises(BruggenError, match="no column 'regio'"):
        collaboration_profile(_frame(), Policy(), by="regio", form="collab_form")


def test_without_a_structural_category_the_findings_name_the_most_common_form():
    sentences = collaboration_profile(_frame(), Policy(), by="org_side", form="collab_form").findings("nl")
    assert sentences[0] == (
        "Van de 180 respondenten met een samenwerkingspartner noemt 44% de samenwerking: structureel."
    )


def test_labels_head_the_table_and_title():
    labels = {"org_side": "Kant van de samenwerking", "collab_form": "Samenwerkingsvorm"}
    result = collaboration_profile(_frame(), Policy(), by="org_side", form="collab_form", labels=labels)
    assert result.title("nl") == "Vorm van de samenwerking naar kant van de samenwerking"
    assert "Kant van de samenwerking \\ Samenwerkingsvorm" in result.table().to_html()
    assert "org_side" not in result.table().to_html().split("<table>")[1]  # no code in what a reader sees
