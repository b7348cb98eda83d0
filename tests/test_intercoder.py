"""Intercoder agreement from the plan (issue #12): the check coder's role, and how it is kept
out of every other analysis.

The plan's ``interviews.coder: {variable: coder, check: <user>}`` names the check coder. Her
codings serve the ``intercoder_agreement`` analysis only; every other interview analysis gets
the frame without them (``ValidatedStudy.part`` and ``analyses.Run``).
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from conftest import ROOT

import analysis
from analysis.cooccurrence import cooccurrence, intercoder_agreement
from analysis.errors import BruggenError, StudyConfigError
from analysis.plan import Plan
from analysis.study import Study, ValidatedStudy
from analysis.validate.plan_checks import plan_checks

CONFIG = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
#: A first coder of today's example: declared a check coder, her codings must vanish.
SECOND = "Onderzoeker B (synthetisch)"


def _config(coder=None, analyses=None) -> dict:
    config = copy.deepcopy(CONFIG)
    if coder is not None:
        config["plan"]["interviews"]["coder"] = coder
    config["analyses"].update(analyses or {})
    return config


@pytest.fixture(scope="module")
def base():
    return analysis.load("study.yml")


def _variant(base: ValidatedStudy, **changes) -> ValidatedStudy:
    """The example study with another plan, on the example's validated data."""
    study = Study.from_dict(_config(**changes), root=ROOT, source=ROOT / "study.yml")
    return ValidatedStudy(study, base.validation)


def _loaded(base: ValidatedStudy) -> dict:
    return {name: base.dataset(name) for name in base.study.datasets}


# -- the plan ------------------------------------------------------------------------------
def test_the_coder_role_takes_one_check_coder_or_a_list():
    interviews = {"dataset": "interviews", "coder": {"variable": "coder", "check": "C"}}
    plan = Plan.from_config({"interviews": interviews}, None)
    assert plan.column("interviews", "coder") == "coder" and plan.check_coders() == ("C",)
    interviews["coder"] = {"variable": "coder", "check": ["C", "D"]}
    assert Plan.from_config({"interviews": interviews}, None).check_coders() == ("C", "D")
    interviews["coder"] = "coder"
    assert Plan.from_config({"interviews": interviews}, None).check_coders() == ()
    interviews["coder"] = {"variable": "coder", "check": {"name": "C"}}
    with pytest.raises(StudyConfigError, match=r"plan\.interviews\.coder\.check"):
        Plan.from_config({"interviews": interviews}, None)


def test_the_example_binds_the_coder_role():
    plan = Study.from_yaml(ROOT / "study.yml").plan
    assert plan.column("interviews", "coder") == "coder"


# -- the gate ------------------------------------------------------------------------------
GATE_ERRORS = [
    ({"coder": {"variable": "codeur", "check": SECOND}}, "plan.interviews.coder", "'codeur' is not a variable"),
    ({"coder": {"variable": "coder", "check": "Onderzoeker Z"}}, "plan.interviews.coder",
     "'Onderzoeker Z' is neither"),
    ({"coder": "coder", "analyses": {"ic": {"kind": "intercoder_agreement"}}}, "analyses.ic",
     "needs a check coder"),
    ({"coder": {"variable": "coder", "check": SECOND},
      "analyses": {"ic": {"kind": "intercoder_agreement", "level": "familie"}}}, "analyses.ic",
     "'familie' is not a column"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key", "phrase"), GATE_ERRORS, ids=[p for _, _, p in GATE_ERRORS])
def test_a_coder_role_that_does_not_fit_the_data_is_a_configuration_error(changes, key, phrase, base):
    study = Study.from_dict(_config(**changes), root=ROOT, source=ROOT / "study.yml")
    with pytest.raises(StudyConfigError) as info:
        plan_checks(study, _loaded(base))
    line = next((x for x in str(info.value).splitlines() if x.strip().startswith(key + ":")), None)
    assert line is not None and phrase in line, str(info.value)


def test_a_fitting_check_coder_passes_the_gate(base):
    study = Study.from_dict(
        _config(
            coder={"variable": "coder", "check": [SECOND]},
            analyses={"ic": {"kind": "intercoder_agreement"}},
        ),
        root=ROOT,
        source=ROOT / "study.yml",
    )
    rules = {c.rule for c in plan_checks(study, _loaded(base))}
    assert {"plan.interviews.coder", "analyses.ic"} <= rules


# -- the filtering -------------------------------------------------------------------------
def test_without_a_check_coder_the_frame_is_the_whole_codings_table(base):
    pd.testing.assert_frame_equal(base.part("interviews"), base.data("interviews"))


def test_a_check_coders_codings_are_in_no_other_analysis(base):
    vs = _variant(base, coder={"variable": "coder", "check": SECOND})
    whole = vs.data("interviews")
    first = whole[whole["coder"] != SECOND].reset_index(drop=True)
    assert 0 < len(first) < len(whole)
    pd.testing.assert_frame_equal(vs.part("interviews"), first)
    pd.testing.assert_frame_equal(vs.part("interviews", check_coders=True), whole)
    # a runner sees the first coding only, also when the caller gives the whole frame
    spec = vs.plan.analysis("samenloop")
    expected = cooccurrence(first, vs.policy, unit="segment", codes=spec.options["codes"], lang=vs.language)
    for data in (None, whole):
        r = vs.analyse("samenloop", data=data)
        assert r.n_units == expected.n_units
        pd.testing.assert_frame_equal(r.table().values, expected.table().values)
    assert vs.analyse("samenloop").n_units < base.analyse("samenloop").n_units


def test_the_intercoder_runner_gets_both_codings(base):
    # today's example: A and B each code other interviews, so with B as the check coder no
    # interview is coded twice (the runner saw B's codings, else it would raise)
    vs = _variant(
        base,
        coder={"variable": "coder", "check": SECOND},
        analyses={"ic": {"kind": "intercoder_agreement"}},
    )
    r = vs.analyse("ic")
    assert r.coders == ("Onderzoeker A (synthetisch)", SECOND)
    assert r.n_units == 0 and r.n_within == 0
    assert r.findings("en") == ["There are too few double-coded units to compute the agreement."]
    assert r.report_blocks("nl") == []


def test_an_intercoder_analysis_run_without_a_check_coder_is_refused(base):
    vs = _variant(base, analyses={"ic": {"kind": "intercoder_agreement"}})
    with pytest.raises(StudyConfigError, match="needs a check coder"):
        vs.analyse("ic")


# -- the function --------------------------------------------------------------------------
def _row(doc, start, code, coder):
    return {"document": doc, "start": start, "end": start + 5, "code": code, "coder": coder}


def test_segment_units_count_where_only_one_coder_applied_a_code():
    """d1 double-coded (first coders P and Q never share a document; C checks d1); d2 only by Q.

    Segments of d1: s0 both A; s10 first A, check none; s20 first none (QUOTE only), check A;
    s30 both B. Code A: first {s0, s10}, check {s0, s20} of 4 units: agree on s0 and s30.
    """
    rows = [
        _row("d1", 0, "A", "P"), _row("d1", 0, "A", "C"),
        _row("d1", 10, "A", "P"),
        _row("d1", 20, "QUOTE", "P"), _row("d1", 20, "A", "C"),
        _row("d1", 30, "B", "P"), _row("d1", 30, "B", "C"),
        _row("d2", 0, "A", "Q"), _row("d2", 10, "B", "Q"),
    ]  # fmt: skip
    r = intercoder_agreement(pd.DataFrame(rows), unit="segment", check="C")
    assert r.coders == ("P, Q", "C") and r.n_units == 4 and r.n_within == 1
    a = r.to_frame().set_index("term").loc["A"]
    assert (a["n_first"], a["n_check"], a["n_both"], a["agreement"]) == (2, 2, 1, 0.5)
    # po = 0.5, pe = 0.5 * 0.5 + 0.5 * 0.5 = 0.5: kappa 0
    assert a["estimate"] == pytest.approx(0.0)
    b = r.to_frame().set_index("term").loc["B"]
    assert b["agreement"] == 1.0 and b["estimate"] == pytest.approx(1.0)
    # units both coded only (the default) leaves out s10 and s20
    only_both = intercoder_agreement(pd.DataFrame(rows), check="C")
    assert only_both.n_units == 2
    with pytest.raises(BruggenError, match="no codings by the check coder"):
        intercoder_agreement(pd.DataFrame(rows), unit="segment", check="Z")
