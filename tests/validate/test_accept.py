"""validation.accept: a failed check study.yml accepts does not block and stays visible with its reason;
every failed check says what to do."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import yaml
from typer.testing import CliRunner

from analysis.cli import app
from analysis.errors import StudyConfigError
from analysis.study import Study
from analysis.validate import gate
from analysis.validate.junit import render_junit

from .test_gate import DEFECTS

REASON = "De 7 is een geldige code die het codeboek nog mist (overleg 3 maart)"


def _accept(path, *entries):
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config.setdefault("validation", {})["accept"] = list(entries)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def likert_7(study_factory):
    mutate, rule = DEFECTS["likert_7"]
    return study_factory(mutate), rule


def test_every_failed_check_says_what_to_do(likert_7):
    path, rule = likert_7
    result = gate.run(Study.from_yaml(path))
    (check,) = [c for c in result.failures if c.rule == rule]
    assert "measure: scale" in check.fix and "bruggen suites" in check.fix
    assert "value_labels" in check.fix and "validation.accept" in check.fix and rule in check.fix
    assert all(c.fix for c in result.failures)
    assert not any(c.fix for c in result.checks if c.status == gate.PASSED)


@pytest.mark.parametrize("defect", ["duplicate_id", "email", "bad_pattern", "formal_item_for_informal"])
def test_each_kind_of_failed_check_has_its_own_advice(study_factory, defect):
    mutate, rule = DEFECTS[defect]
    result = gate.run(Study.from_yaml(study_factory(mutate)))
    (check,) = [c for c in result.failures if c.rule == rule]
    assert check.fix.startswith("Wat te doen:")
    assert rule in check.fix  # how to accept it names the rule, ready to copy
    kind = {"duplicate_id": "unique: false", "email": "pii: true", "bad_pattern": "patroon",
            "formal_item_for_informal": "applies_to"}[defect]  # fmt: skip
    assert kind in check.fix


def test_an_accepted_check_does_not_block_and_shows_its_reason_everywhere(likert_7, tmp_path):
    path, rule = likert_7
    _accept(path, {"rule": rule, "reason": REASON})
    result = gate.run(Study.from_yaml(path))
    assert result.passed
    (check,) = [c for c in result.checks if c.rule == rule]
    assert check.status == gate.ACCEPTED and check.reason == REASON
    assert result.accepted == [check] and not result.failures

    data = json.loads(result.to_json())
    (entry,) = [c for c in data["checks"] if c["rule"] == rule]
    assert entry["status"] == "accepted" and entry["reason"] == REASON
    assert data["passed"] is True and data["summary"]["accepted"] == 1

    gate.write(result, tmp_path)
    page = (tmp_path / "validatie.html").read_text(encoding="utf-8")
    assert "Geaccepteerde controles (1)" in page and REASON in page and rule in page

    junit = ET.fromstring(render_junit(result).encode("utf-8"))
    (case,) = [c for c in junit.iter("testcase") if c.get("name") == rule]
    skipped = case.find("skipped")
    assert skipped is not None and REASON in skipped.get("message")
    assert case.find("failure") is None


def test_the_console_summary_lists_the_accepted_check_with_its_reason(likert_7):
    path, rule = likert_7
    _accept(path, {"rule": rule, "reason": REASON})
    result = CliRunner().invoke(app, ["validate", "--study", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 geaccepteerd" in result.output
    flat = " ".join(result.output.split())
    assert rule in flat and REASON in flat


def test_an_entry_naming_no_check_fails_and_suggests_the_name(likert_7):
    path, rule = likert_7
    typo = rule.replace("value_set", "valueset")
    _accept(path, {"rule": typo, "reason": REASON})
    result = gate.run(Study.from_yaml(path))
    assert not result.passed
    rules = {c.rule for c in result.failures}
    assert rule in rules  # nothing was accepted
    assert f"study.validation.accept.{typo}" in rules
    (entry,) = [c for c in result.failures if c.check == "accept"]
    assert "validation.accept[0]" in entry.message and rule in entry.message  # did you mean


def test_an_entry_whose_check_passes_is_a_warning(mini_study):
    _accept(mini_study, {"rule": "enquete.resp_id.unique", "reason": "oude levering"})
    result = gate.run(Study.from_yaml(mini_study))
    assert result.passed
    (warning,) = [c for c in result.warnings if c.check == "accept"]
    assert warning.rule == "study.validation.accept.enquete.resp_id.unique"


def test_a_pii_hit_can_be_accepted(study_factory):
    mutate, rule = DEFECTS["email"]
    path = study_factory(mutate)
    _accept(path, {"rule": rule, "reason": "het e-mailadres van de hulplijn in de vraagtekst"})
    result = gate.run(Study.from_yaml(path))
    assert result.passed
    assert [c.rule for c in result.accepted] == [rule]


@pytest.mark.parametrize(
    ("entries", "key"),
    [
        ({"rule": "x.y.value_set"}, "validation.accept must be a list"),
        ([{"rule": "x.y.value_set", "reason": "  "}], "validation.accept[0].reason"),
        ([{"reason": "waarom"}], "validation.accept[0].rule"),
        ([{"rule": "a.b.range", "reason": "r", "values": [4]}], "validation.accept[0]"),
        (
            [{"rule": "a.b.range", "reason": "r"}, {"rule": "a.b.range", "reason": "s"}],
            "validation.accept[1].rule",
        ),
        (["a.b.range"], "validation.accept[0]"),
    ],
)
def test_a_malformed_entry_is_refused_naming_the_file_and_key(mini_study, entries, key):
    config = yaml.safe_load(mini_study.read_text(encoding="utf-8"))
    config["validation"]["accept"] = entries
    mini_study.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(StudyConfigError) as info:
        Study.from_yaml(mini_study)
    assert key in info.value.message
    assert info.value.path == mini_study.resolve()


def test_a_malformed_entry_exits_2(mini_study):
    config = yaml.safe_load(mini_study.read_text(encoding="utf-8"))
    config["validation"]["accept"] = [{"rule": "enquete.x.range"}]
    mini_study.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--study", str(mini_study)])
    assert result.exit_code != 0
    assert isinstance(result.exception, StudyConfigError)


def test_a_passed_gate_with_an_accepted_check_is_reused_from_the_cache(likert_7):
    from analysis.validate import cache

    path, rule = likert_7
    _accept(path, {"rule": rule, "reason": REASON})
    study = Study.from_yaml(path)
    first = gate.require_pass(study)
    assert [c.rule for c in first.accepted] == [rule]
    again = cache.load(Study.from_yaml(path))
    assert again is not None and [(c.rule, c.reason) for c in again.accepted] == [(rule, REASON)]
    # another reason is another study.yml: the stored result is not reused
    _accept(path, {"rule": rule, "reason": "een andere reden"})
    assert cache.load(Study.from_yaml(path)) is None


def test_an_accepted_check_keeps_the_advice_but_not_how_to_accept_it(likert_7):
    path, rule = likert_7
    _accept(path, {"rule": rule, "reason": REASON})
    (check,) = gate.run(Study.from_yaml(path)).accepted
    assert "measure: scale" in check.fix and "validation.accept" not in check.fix
