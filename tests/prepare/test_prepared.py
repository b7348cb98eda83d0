"""The prepared frames of the example study and their Parquet cache in ``processed_dir``.

Every test works on a copy of the example study; columns are found through the plan's roles.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from conftest import copy_example

import analysis
from analysis.prepare import cache, compose
from analysis.study import Study, ValidatedStudy


@pytest.fixture(scope="module")
def vs(tmp_path_factory) -> ValidatedStudy:
    return analysis.load(copy_example(tmp_path_factory.mktemp("voorbeeld")))


def _files(vs: ValidatedStudy, part: str) -> list[str]:
    folder = vs.study.processed_dir
    prefix = f"{vs.plan.dataset(part)}-{part}-"
    return sorted(p.name for p in folder.glob(f"{prefix}*.parquet")) if folder.is_dir() else []


# -- the example ------------------------------------------------------------------------------
def test_scale_scores_equal_a_direct_computation(vs):
    plan = vs.plan
    survey = vs.dataset(plan.dataset("survey"))
    prepared = vs.prepared("survey")
    assert (
        prepared[plan.column("survey", "id")].tolist() == survey.frame[plan.column("survey", "id")].tolist()
    )
    assert plan.scales and any(s.reversed for s in plan.scales.values())
    for name, scale in plan.scales.items():
        # straight from the stored codes: 8 "weet niet" and 9 "n.v.t." are missing, items are 1..5
        codes = survey.codes[list(scale.items)].astype(float)
        codes = codes.mask(codes.isin([8, 9]))
        for item in scale.reversed:
            codes[item] = 6 - codes[item]
        direct = codes.mean(axis=1).where(codes.notna().sum(axis=1) >= len(scale.items) - 1)
        pd.testing.assert_series_equal(prepared[f"scale_{name}"], direct, check_names=False)
        assert prepared[f"scale_{name}"].between(1, 5).sum() > 0.9 * len(prepared)
    assert prepared.filter(like="scale_").isna().any().any()  # too few answers: no score


def test_reach_per_1000_on_the_example(vs):
    plan = vs.plan
    codes = vs.dataset(plan.dataset("survey")).codes
    count = codes[plan.column("survey", "reach.count")].astype(float)
    population = codes[plan.column("survey", "reach.population")].astype(float)
    direct = (count / population.where(population > 0)) * 1000
    rate = vs.prepared("survey")["reach_per_1000"]
    pd.testing.assert_series_equal(rate, direct, check_names=False)
    assert rate.notna().sum() > 100


def test_referral_durations_on_the_example(vs):
    plan = vs.plan
    frame = vs.dataset(plan.dataset("referrals")).frame
    referred = frame[plan.column("referrals", "referred")]
    contact = frame[plan.column("referrals", "first_contact")]
    out = vs.prepared("referrals")
    assert len(out) == len(frame)  # censored, never dropped
    assert out[plan.column("referrals", "id")].tolist() == frame[plan.column("referrals", "id")].tolist()
    # the example plan's observation end lies after every date in the log: no contact is cut off
    end = pd.Timestamp(plan.observation_end)
    assert end >= max(referred.max(), contact.max()) and "notes" not in out.attrs
    assert (out["event"] == contact.notna().astype(int)).all()
    censored = out["event"] == 0
    assert censored.sum() > 0
    assert (out.loc[censored, "days"] == (end - referred[censored].dt.normalize()).dt.days).all()
    observed = ~censored
    assert (
        out.loc[observed, "days"]
        == (contact[observed].dt.normalize() - referred[observed].dt.normalize()).dt.days
    ).all()


def test_without_an_observation_end_the_latest_date_is_used(vs):
    plan = vs.plan
    frame = vs.dataset(plan.dataset("referrals")).frame
    referred = frame[plan.column("referrals", "referred")]
    contact = frame[plan.column("referrals", "first_contact")]
    other = ValidatedStudy(vs.study, vs.validation)
    other.plan = replace(plan, observation_end=None)
    out = compose.prepare(other, "referrals")
    end = max(referred.max(), contact.max()).normalize()
    assert end.date().isoformat() in out.attrs["notes"][0]
    censored = out["event"] == 0
    assert (out.loc[censored, "days"] == (end - referred[censored].dt.normalize()).dt.days).all()


def test_a_fixed_observation_end_censors_later_contacts(vs):
    plan = vs.plan
    frame = vs.dataset(plan.dataset("referrals")).frame
    contact = frame[plan.column("referrals", "first_contact")]
    end = frame[plan.column("referrals", "referred")].max()
    other = ValidatedStudy(vs.study, vs.validation)
    other.plan = replace(plan, observation_end=end.date())
    out = compose.prepare(other, "referrals")
    assert len(out) == len(frame) and "notes" not in out.attrs
    assert out["event"].sum() == (contact <= end).sum() < contact.notna().sum()


def test_only_survey_and_referrals_are_prepared(vs):
    with pytest.raises(analysis.errors.StudyConfigError, match="no prepared frame"):
        vs.prepared("interviews")


# -- the cache --------------------------------------------------------------------------------
@pytest.mark.parametrize("part", ["survey", "referrals"])
def test_cache_lives_in_processed_dir_and_reads_back_equal(vs, part):
    frame = vs.prepared(part)
    assert vs.study.processed_dir == vs.study.root / "data" / "processed"
    (name,) = _files(vs, part)
    assert re.fullmatch(rf"{vs.plan.dataset(part)}-{part}-[0-9a-f]{{16}}\.parquet", name)
    assert name == cache.cache_path(vs, part).name
    fresh = compose.prepare(vs, part)
    stored = pd.read_parquet(vs.study.processed_dir / name)
    pd.testing.assert_frame_equal(stored, fresh)  # dtypes and index included
    pd.testing.assert_frame_equal(frame, fresh)
    assert stored.attrs == fresh.attrs


@pytest.mark.parametrize("part", ["survey", "referrals"])
def test_second_call_and_new_process_read_the_parquet(vs, part, monkeypatch):
    first = vs.prepared(part)
    path = cache.cache_path(vs, part)
    mtime = path.stat().st_mtime_ns

    def no_recompute(*args, **kwargs):
        raise AssertionError("recomputed instead of reading the cache")

    monkeypatch.setattr(compose, "prepare", no_recompute)
    pd.testing.assert_frame_equal(vs.prepared(part), first)
    # what another process does: a new Study from the same files
    again = ValidatedStudy(Study.from_yaml(vs.study.source), vs.validation)
    pd.testing.assert_frame_equal(again.prepared(part), first)
    assert path.stat().st_mtime_ns == mtime


def test_a_returned_frame_is_a_copy(vs):
    frame = vs.prepared("survey")
    frame.iloc[:, 1] = np.nan
    assert vs.prepared("survey").iloc[:, 1].notna().any()


def test_any_changed_input_byte_changes_the_key(tmp_path):
    path = copy_example(tmp_path / "studie")

    def key() -> str:
        return cache.cache_key(ValidatedStudy(Study.from_yaml(path), None), "survey")

    keys = {key()}
    for file in Study.from_yaml(path).input_files():
        if not file.is_file():
            continue
        data = file.read_bytes()
        last = b" " if data.endswith(b"\n") else bytes([data[-1] ^ 1])  # keeps YAML readable
        file.write_bytes(data[:-1] + last)
        keys.add(key())
        file.write_bytes(data)
        assert key() in keys
    assert len(keys) == 1 + sum(f.is_file() for f in Study.from_yaml(path).input_files())


def test_changed_study_or_raw_file_writes_a_new_file_and_removes_the_old(tmp_path):
    path = copy_example(tmp_path / "studie")
    first = analysis.load(path)
    expected = first.prepared("survey")
    (old,) = _files(first, "survey")
    first.prepared("referrals")
    referrals = _files(first, "referrals")

    path.write_text(path.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    second = analysis.load(path)
    pd.testing.assert_frame_equal(second.prepared("survey"), expected)
    (new,) = _files(second, "survey")
    assert new != old

    raw = second.study.entry(second.plan.dataset("survey")).path
    raw.write_bytes(raw.read_bytes() + b"\n")
    third = analysis.load(path)
    third.prepared("survey")
    (newest,) = _files(third, "survey")
    assert newest not in (old, new)
    # files of another part are kept until that part is prepared again
    assert _files(third, "referrals") == referrals
