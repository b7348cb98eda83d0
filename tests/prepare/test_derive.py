"""The pure derivations of the prepare stage, on small frames with hand-checkable numbers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis.plan import Scale
from analysis.prepare import PrepareError, reach_rates, referral_durations, scale_scores


# -- scale scores -----------------------------------------------------------------------------
@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1.0, 1.0, 5.0, np.nan],
            "b": [2.0, np.nan, 4.0, np.nan],
            "c": [np.nan, np.nan, 1.0, np.nan],
            "d": [5.0, 5.0, 2.0, 3.0],
        },
        index=[10, 11, 12, 13],
    )


def test_reversed_items_and_min_items(items):
    scale = Scale("s", ("a", "b", "c", "d"), reversed=("c", "d"), min_items=3)
    before = items.copy()
    out = scale_scores(items, {"s": scale}, scale_min=1, scale_max=5)
    # row 10: 1, 2, (c missing), d 5 -> 1  =>  (1 + 2 + 1) / 3
    # row 11: two items answered, three required  =>  NaN
    # row 12: 5, 4, c 1 -> 5, d 2 -> 4  =>  18 / 4
    # row 13: one item answered  =>  NaN
    expected = pd.Series([4 / 3, np.nan, 4.5, np.nan], index=[10, 11, 12, 13], name="s")
    pd.testing.assert_series_equal(out["s"], expected)
    assert list(out.columns) == ["s"]
    pd.testing.assert_frame_equal(items, before)  # the input is not changed


def test_default_min_items_is_all_but_one(items):
    scale = Scale("s", ("a", "b", "c", "d"))  # required_items = 3
    out = scale_scores(items, {"s": scale})  # nothing reversed: no range needed
    assert out["s"].round(6).tolist()[0] == round((1 + 2 + 5) / 3, 6)
    assert np.isnan(out["s"].iloc[1])
    assert out["s"].iloc[2] == 3.0


def test_range_per_item_and_several_scales():
    frame = pd.DataFrame({"x": [3.0, 0.0], "y": [2.0, 4.0], "u": [1.0, 1.0], "v": [2.0, 2.0]})
    scales = {
        "first": Scale("first", ("x", "y"), reversed=("x",), min_items=1),
        "second": Scale("second", ("u", "v"), min_items=2),
    }
    out = scale_scores(frame, scales, scale_min={"x": 0}, scale_max={"x": 10})
    assert out["first"].tolist() == [(7 + 2) / 2, (10 + 4) / 2]
    assert out["second"].tolist() == [1.5, 1.5]
    assert list(out.columns) == ["first", "second"]


def test_reversed_item_without_range_is_an_error(items):
    scale = Scale("s", ("a", "b", "c", "d"), reversed=("c",))
    with pytest.raises(PrepareError, match="'c' is reverse-keyed"):
        scale_scores(items, {"s": scale}, scale_min={"a": 1}, scale_max=5)


def test_missing_item_column_is_an_error(items):
    scale = Scale("s", ("a", "zz"))
    with pytest.raises(PrepareError, match="'zz'"):
        scale_scores(items, {"s": scale})


# -- reach rates ------------------------------------------------------------------------------
def test_reach_per_1000_and_nan_for_zero_or_missing_population():
    frame = pd.DataFrame({"reached": [5, 3, 2, np.nan, 0, 30], "target": [1000, 0, np.nan, 500, 250, 200]})
    before = frame.copy()
    rate = reach_rates(frame, count="reached", population="target")
    expected = pd.Series([5.0, np.nan, np.nan, np.nan, 0.0, 150.0], name="reach_per_1000")
    pd.testing.assert_series_equal(rate, expected)
    assert reach_rates(frame, count="reached", population="target", per=100).iloc[5] == 15.0
    pd.testing.assert_frame_equal(frame, before)


# -- referral durations -----------------------------------------------------------------------
@pytest.fixture
def referrals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ref": ["V1", "V2", "V3", "V4", "V5"],
            "sent": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-21", "2024-01-10"]),
            "contact": pd.to_datetime(["2024-01-11", None, "2024-03-01", "2024-01-31", "2024-01-10"]),
        },
        index=[5, 6, 7, 8, 9],
    )


def test_durations_are_censored_never_dropped(referrals):
    before = referrals.copy()
    out = referral_durations(
        referrals, referred="sent", first_contact="contact", observation_end=dt.date(2024, 1, 31)
    )
    # V1 contact after 10 days; V2 no contact: censored at the end (30 days);
    # V3 contact after the end: censored at the end; V4 contact on the last day counts;
    # V5 contact on the day of referral: 0 days.
    assert out.index.tolist() == [5, 6, 7, 8, 9]
    assert out["days"].tolist() == [10, 30, 30, 10, 0]
    assert out["event"].tolist() == [1, 0, 0, 1, 1]
    assert out["days"].dtype == "int64" and out["event"].dtype == "int64"
    pd.testing.assert_frame_equal(referrals, before)


def test_observation_end_per_row_and_times_of_day(referrals):
    frame = referrals.assign(sent=referrals["sent"] + pd.Timedelta(hours=15))
    ends = pd.Series(pd.to_datetime(["2024-01-05", "2024-01-05", "2024-06-30", "2024-02-01", "2024-01-10"]))
    ends.index = referrals.index
    out = referral_durations(frame, referred="sent", first_contact="contact", observation_end=ends)
    assert out["days"].tolist() == [4, 4, 60, 10, 0]
    assert out["event"].tolist() == [0, 0, 1, 1, 1]


def test_contact_before_referral_is_an_error_naming_the_row(referrals):
    bad = referrals.copy()
    bad.loc[7, "contact"] = pd.Timestamp("2023-12-24")
    with pytest.raises(PrepareError, match=r"before the referral.*row 3 \(V3\)") as err:
        referral_durations(
            bad, referred="sent", first_contact="contact", observation_end="2024-12-31", ids="ref"
        )
    assert err.value.rows == [7]


def test_referral_after_the_observation_end_is_an_error(referrals):
    with pytest.raises(PrepareError, match="after the observation end: row 4") as err:
        referral_durations(referrals, referred="sent", first_contact="contact", observation_end="2024-01-15")
    assert err.value.rows == [8]
