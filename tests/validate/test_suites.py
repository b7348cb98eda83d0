"""Suites generated from codebooks: what they check, how they are stored and regenerated."""

from __future__ import annotations

import json
import subprocess
import sys

from analysis.codebook import Codebook, Variable
from analysis.study import Study
from analysis.validate import suites

from .conftest import survey_codebook


def by_check(expectations):
    out = {}
    for e in expectations:
        out.setdefault(e["meta"]["check"], []).append(e)
    return out


def test_generated_expectations_cover_the_codebook():
    exps = by_check(suites.generated_expectations(survey_codebook()))
    assert set(exps) == {
        "present",
        "type",
        "value_set",
        "range",
        "required",
        "unique",
        "pattern",
        "skip_logic",
        "subcount",
        "consent",
    }
    assert all(e["meta"]["generated"] for group in exps.values() for e in group)
    # the Likert items share one expectation; their value set holds the user-missing codes
    likert = [e for e in exps["value_set"] if "trust_1" in e["kwargs"]["column_list"]]
    assert likert[0]["kwargs"] == {"column_list": ["trust_1", "trust_2"], "value_set": [1, 2, 3, 4, 5, 8, 9]}
    # value-labelled items get no separate range check; counts do
    ranged = {c for e in exps["range"] for c in e["kwargs"]["column_list"]}
    assert "trust_1" not in ranged and {"reach_total", "ref_completed"} <= ranged
    # required items with skip logic are required only where they apply
    conditions = {e["kwargs"].get("condition") for e in exps["required"]}
    assert conditions == {None, "org_side == 1", "org_side == 2"}
    assert [e["kwargs"]["regex"] for e in exps["pattern"]] == [r"^R\d{4,}$", r"^GM\d{4}$"]
    assert exps["subcount"][0]["kwargs"]["pairs"] == [
        ["reach_total", "reach_new"],
        ["ref_made_total", "ref_completed"],
    ]


def test_few_expectations_for_many_columns():
    items = tuple(
        Variable(f"item_{i}", measure="ordinal", value_labels={1: "a", 5: "b"}, missing_values=[9])
        for i in range(200)
    )
    exps = suites.generated_expectations(Codebook("breed", items))
    assert len(exps) == 3  # present, type, one value set for all 200 items


def test_build_suite_is_a_great_expectations_suite():
    suite = suites.build_suite(survey_codebook())
    assert suite.name == "enquete"
    types = {e.expectation_type for e in suite.expectations}
    assert "expect_columns_values_to_be_in_set" in types
    assert "expect_column_values_to_match_regex" in types


def test_write_and_load_round_trip(tmp_path):
    suite = suites.build_suite(survey_codebook())
    path = suites.write_suite(suite, tmp_path / "enquete.json")
    loaded = suites.load_suite(path)
    assert suites.suite_to_dict(loaded) == suites.suite_to_dict(suite)
    text = path.read_text(encoding="utf-8")
    assert '"id"' not in text  # no random ids: regenerating changes no bytes
    assert json.loads(text)["name"] == "enquete"


def test_hand_written_expectations_survive_regeneration(tmp_path):
    path = tmp_path / "enquete.json"
    book = survey_codebook()
    suites.regenerate(book, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    mine = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "ref_made_total", "max_value": 500},
        "meta": {"rule": "enquete.ref_made_total.plausible", "notes": "meer dan 500 is een tikfout"},
    }
    data["expectations"].append(mine)
    path.write_text(json.dumps(data), encoding="utf-8")
    # the codebook changes: a new variable
    book2 = book.with_variable(
        Variable("trust_3", measure="ordinal", value_labels={1: "a", 5: "b"}, scale="trust")
    )
    _, changed = suites.regenerate(book2, path)
    assert changed
    again = json.loads(path.read_text(encoding="utf-8"))
    assert mine in again["expectations"]
    assert any("trust_3" in e["kwargs"].get("column_list", []) for e in again["expectations"])
    assert suites.is_current(again, book2) and not suites.is_current(again, book)
    # regenerating again changes nothing
    before = path.read_bytes()
    assert suites.regenerate(book2, path) == (path, False)
    assert path.read_bytes() == before


def test_regenerate_from_the_command_line(mini_study):
    out = subprocess.run(
        [sys.executable, "-m", "analysis.validate.suites", "--study", str(mini_study)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "unchanged" in out.stdout  # the fixture already generated them
    study = Study.from_yaml(mini_study)
    for name in study.datasets:
        assert suites.suite_path(study, name).exists()


def test_study_rules_extend_the_suite():
    rules = {"subcounts": [["ref_completed", "reach_total"]], "consent": []}
    exps = by_check(suites.generated_expectations(survey_codebook(), rules))
    assert ["reach_total", "ref_completed"] in exps["subcount"][0]["kwargs"]["pairs"]
    assert "consent" not in exps
