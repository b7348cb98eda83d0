"""The response table: its total is every respondent, and an unanswered grouping is a row of its own."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure import Policy
from analysis.response import response, with_no_answer
from analysis.text import words


def _survey(n_missing: int) -> pd.DataFrame:
    side = ["formeel"] * 30 + ["informeel"] * 25 + [None] * n_missing
    region = (["Noord", "Zuid"] * 40)[: len(side)]
    return pd.DataFrame({"kant": side, "regio": region})


def _count(result, row: str, col: str = "n") -> int:
    return int(result.table().values.loc[row, col])


def test_the_total_counts_respondents_who_left_the_grouping_unanswered():
    data = _survey(n_missing=12)
    res = response(data, Policy(), by="kant")
    no_answer = words("nl", "response")["no_answer"]
    values = res.table().values
    assert list(values.index[:-1]) == ["formeel", "informeel", no_answer]
    assert int(values.iloc[-1, 0]) == len(data) == 67
    assert _count(res, no_answer) == 12
    total = words("nl", "response")["total"].format(n="67")
    assert res.findings()[0] == total


def test_a_complete_grouping_gets_no_extra_row():
    data = _survey(n_missing=0)
    res = response(data, Policy(), by="kant")
    assert list(res.table().values.index[:-1]) == ["formeel", "informeel"]


def test_two_groupings_count_every_row():
    data = _survey(n_missing=15)
    data.loc[data.index[:3], "regio"] = np.nan
    res = response(data, Policy(), by="kant", rows="regio")
    assert int(res.table().values.iloc[-1, -1]) == len(data)


def test_without_a_grouping_the_table_counts_all_respondents():
    data = _survey(n_missing=5)
    res = response(data, Policy(), by=None)
    assert int(res.table().values.iloc[-1, 0]) == len(data)
    assert res.title() == words("nl", "response")["title_all"]
    assert res.findings() == [words("nl", "response")["total"].format(n="60")]


def test_with_no_answer_leaves_the_data_unchanged():
    data = _survey(n_missing=4)
    before = data.copy()
    out = with_no_answer(data, ["kant"], "Geen antwoord")
    pd.testing.assert_frame_equal(data, before)
    assert out["kant"].isna().sum() == 0
    assert (out["kant"] == "Geen antwoord").sum() == 4
