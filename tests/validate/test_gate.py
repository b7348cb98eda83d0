"""The gate on a small study of our own: passes when clean, names every planted defect."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.errors import ValidationFailed
from analysis.study import Study
from analysis.validate import gate


def run(path):
    return gate.run(Study.from_yaml(path))


def failed_rules(result) -> set[str]:
    return {c.rule for c in result.failures}


def test_clean_study_passes(mini_study):
    result = run(mini_study)
    assert result.passed, [c.to_dict() for c in result.failures]
    assert result.n_datasets == 3
    assert result.n_checks > 50
    # rule names are stable: a few of them, spelled out
    rules = set(result.rules())
    assert {
        "enquete.trust_1.value_set",
        "enquete.resp_id.unique",
        "enquete.municipality_code.pattern",
        "enquete.skip_logic.formal_org_type",
        "enquete.skip_logic.informal_org_type",
        "enquete.subcount.ref_completed",
        "enquete.subcount.reach_new",
        "enquete.consent.consent",
        "enquete.open_remarks.pii",
        "verwijzingen.date_order.date_first_contact",
        "verwijzingen.references.municipality_code",
        "enquete.references.municipality_code",
        "enquete.suite.up_to_date",
    } <= rules


def _set(dataset, row, column, value):
    def mutate(frames):
        frames[dataset].loc[row, column] = value

    return mutate


DEFECTS = {
    "likert_7": (_set("enquete", 4, "trust_1", 7.0), "enquete.trust_1.value_set"),
    "duplicate_id": (_set("enquete", 5, "resp_id", "R0001"), "enquete.resp_id.unique"),
    "email": (
        _set("enquete", 2, "open_remarks", "mail me op p.devries@example.nl"),
        "enquete.open_remarks.pii",
    ),
    "bsn": (_set("enquete", 2, "open_remarks", "mijn bsn is 111222333"), "enquete.open_remarks.pii"),
    "formal_item_for_informal": (
        _set("enquete", 1, "formal_org_type", 1.0),
        "enquete.skip_logic.formal_org_type",
    ),
    "completed_above_made": (_set("enquete", 3, "ref_completed", 40.0), "enquete.subcount.ref_completed"),
    "unknown_municipality": (
        _set("verwijzingen", 7, "municipality_code", "GM9999"),
        "verwijzingen.references.municipality_code",
    ),
    "contact_before_referral": (
        _set("verwijzingen", 9, "date_first_contact", pd.Timestamp("2023-12-01")),
        "verwijzingen.date_order.date_first_contact",
    ),
    "no_consent": (_set("enquete", 0, "consent", 0.0), "enquete.consent.consent"),
    "bad_pattern": (_set("enquete", 0, "municipality_code", "G363"), "enquete.municipality_code.pattern"),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_planted_defect_fails_under_its_own_name(study_factory, defect):
    mutate, rule = DEFECTS[defect]
    result = run(study_factory(mutate))
    assert not result.passed
    assert rule in failed_rules(result), sorted(failed_rules(result))
    check = next(c for c in result.failures if c.rule == rule)
    assert check.examples, "a failing check names example rows"


def test_a_broken_study_reports_every_failure(study_factory):
    def mutate(frames):
        for defect in DEFECTS.values():
            defect[0](frames)

    result = run(study_factory(mutate))
    expected = {rule for _, rule in DEFECTS.values()}
    assert expected <= failed_rules(result)


def test_personal_data_never_reaches_the_report(study_factory, tmp_path):
    secret_mail, secret_bsn = "p.devries@example.nl", "111222333"

    def mutate(frames):
        frames["enquete"].loc[2, "open_remarks"] = f"mail {secret_mail}"
        frames["enquete"].loc[3, "open_remarks"] = f"bsn {secret_bsn}"
        frames["enquete"].loc[4, "resp_id"] = secret_mail  # an ID column that leaks
        frames["verwijzingen"].loc[1, "municipality_code"] = secret_bsn

    result = run(study_factory(mutate))
    written = gate.write(result, tmp_path / "reports")
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert secret_mail not in text and secret_bsn not in text
    check = next(c for c in result.failures if c.rule == "enquete.open_remarks.pii")
    assert [e["row"] for e in check.examples] == [3, 4]
    assert "e-mailadres" in check.message and "BSN" in check.message


def test_result_json_is_byte_stable(mini_study, tmp_path):
    a = gate.write(run(mini_study), tmp_path / "a")
    b = gate.write(run(mini_study), tmp_path / "b")
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes()
    data = json.loads((tmp_path / "a" / "validatie.json").read_text(encoding="utf-8"))
    assert data["passed"] is True
    assert list(data) == sorted(data)


def test_html_report_is_dutch_and_self_contained(study_factory, tmp_path):
    result = run(study_factory(DEFECTS["likert_7"][0]))
    gate.write(result, tmp_path)
    page = (tmp_path / "validatie.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in page
    assert "Niet geslaagd" in page and "enquete.trust_1.value_set" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_unreadable_dataset_is_a_failed_check_not_a_crash(study_factory):
    path = study_factory()
    (path.parent / "data" / "raw" / "gemeenten.sav").write_bytes(b"dit is geen SPSS-bestand")
    result = run(path)
    assert "gemeenten.read" in failed_rules(result)
    # the other datasets were still checked
    assert any(c.dataset == "enquete" for c in result.checks)


def test_missing_column_is_reported_once(study_factory):
    def mutate(frames):
        del frames["enquete"]["trust_2"]

    result = run(study_factory(mutate, suites=False))
    assert "enquete.trust_2.present" in failed_rules(result)
    assert not any(c.rule.startswith("enquete.trust_2.") and c.check != "present" for c in result.failures)


def test_stale_suite_is_a_warning(mini_study):
    book = mini_study.parent / "data" / "codebooks" / "gemeenten.yml"
    book.write_text(
        book.read_text(encoding="utf-8").replace("minimum: 0", "minimum: 400000"), encoding="utf-8"
    )
    result = run(mini_study)
    assert "gemeenten.suite.up_to_date" in {c.rule for c in result.warnings}
    # the gate checks against the codebook as it is now, not the stale file
    assert "gemeenten.population.range" in failed_rules(result)


def test_hand_written_expectation_runs_and_is_named(mini_study):
    path = mini_study.parent / "data" / "expectations" / "enquete.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["expectations"].append(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "ref_made_total", "max_value": 12},
            "meta": {"rule": "enquete.ref_made_total.plausible"},
        }
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(mini_study)
    check = next(c for c in result.checks if c.rule == "enquete.ref_made_total.plausible")
    assert check.status == "failed" and check.unexpected_count > 0


def test_require_pass(mini_study, study_factory):
    assert gate.require_pass(Study.from_yaml(mini_study)).passed
    broken = study_factory(DEFECTS["duplicate_id"][0])
    with pytest.raises(ValidationFailed, match=r"enquete\.resp_id\.unique"):
        gate.require_pass(Study.from_yaml(broken))


def test_cli_exit_codes(mini_study, study_factory, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--study", str(mini_study), "--reports", str(tmp_path / "ok")])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "ok" / "validatie.json").exists()
    broken = study_factory(DEFECTS["likert_7"][0])
    bad = runner.invoke(app, ["validate", "--study", str(broken), "--reports", str(tmp_path / "bad")])
    assert bad.exit_code == 1
    assert "enquete.trust_1.value_set" in bad.output
