"""Intercoder agreement from the plan (issue #12): the check coder's role, and how it is kept
out of every other analysis.

The plan's ``interviews.coder: {variable: coder, check: <user>}`` names the check coder. Her
codings serve the ``intercoder_agreement`` analysis only; every other interview analysis gets
the frame without them (``ValidatedStudy.part`` and ``analyses.Run``).
"""

from __future__ import annotations

import copy
import json
import math

import pandas as pd
import pytest
import yaml
from conftest import ROOT

import analysis
from analysis.analyses import Run
from analysis.cooccurrence import cooccurrence, intercoder_agreement
from analysis.errors import BruggenError, StudyConfigError
from analysis.labels import code_labels
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
     "'Onderzoeker Z' coded nothing"),
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
    vs = _variant(base, coder="coder")
    pd.testing.assert_frame_equal(vs.part("interviews"), vs.data("interviews"))


def test_a_check_coders_codings_are_in_no_other_analysis(base):
    vs = _variant(base, coder={"variable": "coder", "check": SECOND})
    whole = vs.data("interviews")
    first = whole[whole["coder"] != SECOND].reset_index(drop=True)
    assert 0 < len(first) < len(whole)
    pd.testing.assert_frame_equal(vs.part("interviews"), first)
    pd.testing.assert_frame_equal(vs.part("interviews", check_coders=True), whole)
    # a runner sees the first coding only, also when the caller gives the whole frame
    spec = vs.plan.analysis("samenloop")
    labels = code_labels(vs.dataset("interviews").codebook, vs.language)
    expected = cooccurrence(
        first, vs.policy, unit="segment", codes=spec.options["codes"], labels=labels, lang=vs.language
    )
    for data in (None, whole):
        r = vs.analyse("samenloop", data=data)
        assert r.n_units == expected.n_units
        pd.testing.assert_frame_equal(r.table().values, expected.table().values)
    assert vs.analyse("samenloop").n_units < base.analyse("samenloop").n_units


def test_the_intercoder_runner_gets_both_codings(base):
    # without the example's check coder, A and B each code other interviews: with B declared the
    # check coder no interview is coded twice (the runner saw B's codings, else it would raise)
    vs = _variant(
        base,
        coder={"variable": "coder", "check": SECOND},
        analyses={"ic": {"kind": "intercoder_agreement"}},
    )
    whole = vs.data("interviews")
    r = vs.analyse("ic", data=whole[whole["coder"] != "Onderzoeker C (synthetisch)"])
    assert r.coders == ("Onderzoeker A (synthetisch)", SECOND)
    assert r.n_units == 0 and r.n_within == 0
    assert r.findings("en") == ["There are too few double-coded units to compute the agreement."]
    assert r.report_blocks("nl") == []


def test_an_intercoder_analysis_run_without_a_check_coder_is_refused(base):
    vs = _variant(base, coder="coder", analyses={"ic": {"kind": "intercoder_agreement"}})
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


# -- the example: a double-coded subset with a planted agreement ----------------------------------
CHECK = "Onderzoeker C (synthetisch)"
PLANTED = {
    e["id"]: e
    for e in yaml.safe_load((ROOT / "data" / "raw" / "PLANTED.yml").read_text(encoding="utf-8"))["effects"]
}
TRUTH = PLANTED["interviews_intercoder_agreement"]
REFERENCE = json.loads((ROOT / "tests" / "reference" / "intercoder.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def agreement(base):
    return base.analyse("overeenstemming")


def test_the_example_declares_the_check_coder_and_the_analysis(base):
    assert base.plan.check_coders() == (CHECK,) == (TRUTH["realisation"]["check_coder"],)
    spec = base.plan.analysis("overeenstemming")
    assert spec.kind == "intercoder_agreement" and spec.chapter == "methode"


def test_the_planted_agreement_is_recovered(agreement):
    real = TRUTH["realisation"]
    assert (real["p_keep"], real["q_spurious"]) == (0.85, 0.10)
    assert agreement.coders[1] == CHECK
    assert agreement.n_within == len(real["double_coded_interviews"]) == 8
    assert agreement.n_units == real["n_segments"]
    pooled = agreement.pooled
    assert pooled["ci_low"] <= TRUTH["true_value"] <= pooled["ci_high"]
    assert not pooled["ci_low"] <= TRUTH["null_value"] <= pooled["ci_high"]
    # per code: kappas of a few segments each scatter, but around what the model implies
    frame = agreement.to_frame().set_index("term")
    expected = real["expected_kappa_per_code"]
    common = [c for c in frame.index if c in expected and frame.loc[c, "n_first"] >= 2]
    assert len(common) >= 25
    observed = frame.loc[common, "estimate"].mean()
    assert observed == pytest.approx(sum(expected[c] for c in common) / len(common), abs=0.1)


def test_the_numbers_equal_r(agreement):
    """tests/reference/intercoder.R reads the project's XML itself and uses psych::cohen.kappa."""
    assert REFERENCE["check_coder"] == CHECK
    assert (REFERENCE["n_documents"], REFERENCE["n_units"]) == (agreement.n_within, agreement.n_units)
    frame = agreement.to_frame().set_index("term")
    assert sorted(frame.index) == sorted(r["code"] for r in REFERENCE["per_code"])
    for r in REFERENCE["per_code"]:
        row = frame.loc[r["code"]]
        assert (row["n"], row["n_first"], row["n_check"], row["n_both"]) == (
            r["n"], r["n_first"], r["n_check"], r["n_both"]
        )  # fmt: skip
        assert row["agreement"] == pytest.approx(r["agreement"])
        if r["kappa"] is None:
            assert math.isnan(row["estimate"])
            continue
        assert row["estimate"] == pytest.approx(r["kappa"], abs=1e-9)
        # psych's standard error of a kappa of 1 is ~1e-8 where statsmodels' is 0
        assert row["ci_low"] == pytest.approx(r["ci_low"], abs=1e-6)
        assert row["ci_high"] == pytest.approx(r["ci_high"], abs=1e-6)
        if "std_error" in r:
            assert row["std_error"] == pytest.approx(r["std_error"], abs=1e-6)
    for key in ("kappa", "std_error", "ci_low", "ci_high", "agreement"):
        assert agreement.pooled[key] == pytest.approx(REFERENCE["pooled"][key], abs=1e-9)


def test_findings_and_report_table_use_the_numbers(agreement, base):
    from analysis.disclosure._text import fmt_float

    frame = agreement.to_frame().dropna(subset=["estimate"])
    for lang in ("nl", "en"):
        text = " ".join(agreement.findings(lang))
        assert CHECK in text and f"{agreement.n_units} " in text
        assert fmt_float(agreement.pooled["kappa"], 2, lang) in text
        assert fmt_float(frame["estimate"].min(), 2, lang) in text
        low = frame[frame["estimate"] < 0.6]
        labels = code_labels(
            base.dataset("interviews").codebook, lang
        )  # the codes named in the report language
        named = " ".join(base.analyse("overeenstemming", lang=lang).findings(lang))
        assert all(labels[code] in named and code not in text + named for code in low["term"])
        ((caption, html),) = agreement.report_blocks(lang)
        assert caption == agreement.title(lang)
        assert html.count("<tr>") == len(agreement.to_frame()) + 2  # header, codes, all codes
        assert fmt_float(agreement.pooled["kappa"], 2, lang) in html
    with pytest.raises(BruggenError):
        agreement.figure()


# the first coding as it was before the check coder was added (commit be61020, seed 2019):
# its sha256 over the columns below, sorted by coding GUID, and the co-occurrence matrix
FIRST_CODING_SHA256 = "c08e237583a424dddfd59b8c06bff61441b180b39efd4f20e6ee10f5138d8555"
FIRST_CODING_ROWS = 593
SAMENLOOP_DIAGONAL = {"B3 NIET_SERIEUS_GENOMEN": 40, "A6 TERUGKOPPELING": 48, "B1 VERTROUWEN": 14,
                      "B2 WAARDERING_ERKENNING": 13, "A3 VAST_AANSPREEKPUNT": 13, "G2 VERBETERPUNTEN": 20}  # fmt: skip


def test_the_first_coding_is_what_it_was_before_the_double_coding(base):
    import hashlib

    whole = base.data("interviews")
    assert (whole["coder"] == CHECK).sum() > 0
    first = base.part("interviews")
    assert len(first) == FIRST_CODING_ROWS and CHECK not in set(first["coder"])
    cols = ["document", "code", "start", "end", "coder", "coding_guid", "selection_guid"]
    table = first[cols].astype(str).sort_values("coding_guid").to_csv(index=False)
    assert hashlib.sha256(table.encode()).hexdigest() == FIRST_CODING_SHA256


def test_the_check_coder_is_in_no_other_analysis(base):
    r = base.analyse("samenloop")
    assert r.n_units == 283  # answer segments of the first coding, as before
    assert {c: r.count(c, c) for c in SAMENLOOP_DIAGONAL} == SAMENLOOP_DIAGONAL
    assert r.count("B3 NIET_SERIEUS_GENOMEN", "A6 TERUGKOPPELING") == 30
    # every interview analysis of the plan runs on the first coding only
    first = base.part("interviews")
    for spec in base.plan.analyses.values():
        if spec.part == "interviews" and spec.kind != "intercoder_agreement":
            run = Run(base, spec, base.language, None)
            pd.testing.assert_frame_equal(run.frame, first)


def test_the_generator_draws_the_check_coding_from_its_own_stream(tmp_path):
    """Another seed: the check coder's codings are the only difference between a project with
    and one without them, and every other file is the same."""
    import numpy as np

    from analysis.example import _interviews, write_study
    from analysis.ingest import read

    written = {p.name: p for p in write_study(tmp_path / "raw", seed=7)}
    codings = read(written["interviews.qdpx"]).frame
    assert set(codings["coder"]) == {*_interviews.CODERS, CHECK}
    # the same project without the check coder: written from the same streams, minus her own
    rng = np.random.default_rng(7)
    r_muni, r_survey, _, r_interviews, r_guids = rng.spawn(5)
    from analysis.example import _municipalities, _survey

    municipalities = _municipalities.make_municipalities(r_muni)
    survey = _survey.make_survey(r_survey, municipalities)
    interviews = _interviews.make_interviews(r_interviews, survey, municipalities)
    plain = tmp_path / "plain.qdpx"
    from analysis.example import _files

    _files.write_zip(plain, _interviews.project_members(r_guids, interviews, seed=7))
    without = read(plain).frame
    first = codings[codings["coder"] != CHECK].reset_index(drop=True)
    pd.testing.assert_frame_equal(first.astype(str), without.astype(str))
    # her codings sit on answer segments of the double-coded interviews only
    hers = codings[codings["coder"] == CHECK]
    assert hers["document"].nunique() == 8
    answers = set(zip(first["document"], first["start"], first["end"], strict=True))
    assert set(zip(hers["document"], hers["start"], hers["end"], strict=True)) <= answers
    assert not hers["code"].isin(["QUOTE", "CASEBOX", "IDENT"]).any()


def test_the_plan_options_choose_codes_and_the_unit(base, agreement):
    two = base.analyse("overeenstemming", codes=["B3", "A6 TERUGKOPPELING"])
    assert list(two.to_frame()["term"]) == ["B3 NIET_SERIEUS_GENOMEN", "A6 TERUGKOPPELING"]
    whole = agreement.to_frame().set_index("term")
    for row in two.to_frame().itertuples():
        assert row.estimate == pytest.approx(whole.loc[row.term, "estimate"])
    # whole interviews as units: did each apply the code somewhere in the interview
    docs = base.analyse("overeenstemming", unit="document")
    assert docs.n_units == 8 and docs.n_within is None
    frame = docs.to_frame().set_index("term")
    first = base.part("interviews", check_coders=True)
    double = set(first.loc[first["coder"] == CHECK, "document"])
    b3 = first[(first["code"] == "B3 NIET_SERIEUS_GENOMEN") & first["document"].isin(double)]
    assert (
        frame.loc["B3 NIET_SERIEUS_GENOMEN", "n_first"] == b3.loc[b3["coder"] != CHECK, "document"].nunique()
    )
    assert (
        frame.loc["B3 NIET_SERIEUS_GENOMEN", "n_check"] == b3.loc[b3["coder"] == CHECK, "document"].nunique()
    )
    families = base.analyse("overeenstemming", level="code_family")
    assert set(families.to_frame()["term"]) <= set(first["code_family"].astype(str))
