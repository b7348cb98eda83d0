"""Referrals on the example study, checked against R (glm, sandwich, survival).

tests/reference/referrals.R read data/raw/verwijzingen.xlsx with readxl, censored referrals at
the plan's observation end and fitted the same models; its committed output
(tests/reference/referrals.json) is compared here with Bruggen's statsmodels fits: estimates
and standard errors to 1e-4 relative, Kaplan-Meier medians and their intervals exactly, counts
exactly. `make reference` reruns the script (CI has no R and only reads the JSON).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_example

import analysis
from analysis.referrals import completion_model, kaplan_meier_median

REF = Path(__file__).resolve().parent / "reference" / "referrals.json"
REL = 1e-4
#: The example's codes of the collaboration form (R's factor levels), in order.
FORMS = ("ad_hoc", "projectmatig", "structureel")


@pytest.fixture(scope="module")
def r() -> dict:
    return json.loads(REF.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vs(tmp_path_factory):
    return analysis.load(copy_example(tmp_path_factory.mktemp("voorbeeld")))


def _value(x) -> float:
    return float("nan") if x == "NA" or x is None else float(x)


def _labels(vs, role: str) -> dict[str, str]:
    """Code -> Dutch label of a referral variable (R works on the codes)."""
    book = vs.dataset(vs.plan.dataset("referrals")).codebook
    return {str(k): v for k, v in book.get(vs.plan.column("referrals", role)).value_labels.items()}


def test_the_reference_was_made_from_this_plan(r, vs):
    assert r["generated_by"] == "tests/reference/referrals.R"
    assert r["observation_end"] == vs.plan.observation_end.isoformat()
    assert r["counts"]["n"] == len(vs.part("referrals"))


def test_completion_equals_r_glm_with_vcovcl(r, vs):
    ref = r["completion"]
    row = vs.analyse("voltooiing").to_frame().set_index("kind").loc["odds_ratio"]
    assert row["estimate"] == pytest.approx(ref["estimate"], rel=REL)
    assert row["std_error"] == pytest.approx(ref["std_error"], rel=REL)  # cluster-robust, HC1
    assert row["ci_low"] == pytest.approx(ref["ci_low"], rel=REL)
    assert row["ci_high"] == pytest.approx(ref["ci_high"], rel=REL)
    assert row["n"] == ref["n"]
    assert vs.analyse("voltooiing").n_clusters == ref["n_clusters"]


def test_completion_without_clusters_equals_r_model_based_errors(r, vs):
    plan = vs.plan
    result = completion_model(
        vs.part("referrals"),
        vs.policy,
        completed=plan.column("referrals", "completed"),
        yes="Ja",
        warm_handover=plan.column("referrals", "warm_handover"),
        warm_yes="Ja",
    )
    assert result.odds_ratio["std_error"] == pytest.approx(r["completion"]["std_error_model"], rel=REL)
    assert result.fit.params["const"] == pytest.approx(r["completion"]["intercept"], rel=REL)


def test_cox_hazard_ratio_equals_r_coxph(r, vs):
    ref = r["cox"]
    (row,) = vs.analyse("wachttijd").to_frame().query("kind == 'hazard_ratio'").to_dict("records")
    for key in ("estimate", "std_error", "ci_low", "ci_high"):
        assert row[key] == pytest.approx(ref[key], rel=REL), key
    assert row["n"] == ref["n"]


def test_gamma_ratio_of_days_equals_r_glm(r, vs):
    ref = r["gamma"]
    result = vs.analyse("wachttijd")
    (row,) = result.to_frame().query("kind == 'days_ratio'").to_dict("records")
    for key in ("estimate", "std_error", "ci_low", "ci_high"):
        assert row[key] == pytest.approx(ref[key], rel=REL), key
    assert row["n"] == ref["n"]
    assert result.gamma.scale == pytest.approx(ref["dispersion"], rel=REL)


def test_kaplan_meier_medians_equal_r_survfit(r, vs):
    labels = _labels(vs, "collaboration_form")
    frame = vs.analyse("wachttijd").to_frame()
    medians = frame.query("kind == 'median'").set_index("group")
    counts = frame.query("kind == 'count'").set_index("term")
    for code in FORMS:
        ref, label = r["km"][code], labels[code]
        assert medians.at[label, "estimate"] == _value(ref["median"])
        assert medians.at[label, "ci_low"] == _value(ref["ci_low"])
        assert medians.at[label, "ci_high"] == _value(ref["ci_high"])
        assert counts.at[label, "n"] == ref["n"] == r["counts"]["by_form"][code]["n"]
        assert counts.at[label, "events"] == ref["events"]
        assert counts.at[label, "censored"] == r["counts"]["by_form"][code]["censored"]


@pytest.mark.parametrize("toy", ["exact", "censored"])
def test_the_median_rule_equals_survfit_on_small_curves(r, toy):
    from statsmodels.duration.survfunc import SurvfuncRight

    ref = r["km_toys"][toy]
    ours = kaplan_meier_median(SurvfuncRight(ref["time"], ref["event"]))
    expected = (_value(ref["median"]), _value(ref["ci_low"]), _value(ref["ci_high"]))
    for a, b in zip(ours, expected, strict=True):
        assert (a != a and b != b) or a == b, (ours, expected)
    if toy == "exact":
        assert ours[0] == 2.5  # the curve is exactly 0.5 from day 2 to day 3: the midpoint


def test_counts_equal_r(r, vs):
    total = vs.analyse("wachttijd").to_frame().query("kind == 'count' and term == 'total'").iloc[0]
    assert (total["n"], total["events"], total["censored"]) == (
        r["counts"]["n"],
        r["counts"]["events"],
        r["counts"]["censored"],
    )
    labels = _labels(vs, "collaboration_form")
    signals = vs.analyse("vroege_signalen").to_frame().query("kind == 'group'").set_index("group")
    for code in FORMS:
        assert signals.at[labels[code], "count"] == r["signals"][code]["self_determination"]
        assert signals.at[labels[code], "n"] == r["signals"][code]["n"]


def test_flows_equal_r(r, vs):
    survey = vs.dataset(vs.plan.dataset("survey")).codebook.get(vs.plan.column("survey", "respondent_type"))
    types = {str(int(k)): v for k, v in survey.value_labels.items()}
    destinations = _labels(vs, "destination")
    table = vs.analyse("verwijsstromen").table().values
    for code, row in r["flows"].items():
        for destination, count in row.items():
            assert table.at[types[code], destinations[destination]] == count, (code, destination)
