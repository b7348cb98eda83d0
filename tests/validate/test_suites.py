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
    rules = {
        "subcounts": [["reach_new", "reach_total"], ["ref_completed", "ref_made_total"]],
        "consent": ["consent"],
    }
    exps = by_check(suites.generated_expectations(survey_codebook(), rules))
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
    assert len(exps) == 3  # present, type, one range for all 200 items (end points labelled)


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


# -- when value labels close the set (suites.value_set) ------------------------------------------
def kinds(var: Variable) -> tuple[list | None, tuple | None]:
    """``(value_set, value_range)`` of one variable, as the generator uses them."""
    return suites.value_set(var), suites.value_range(var)


def test_closed_categoricals_stay_closed():
    # a nominal category with two codes, declared or not
    for measure in ("nominal", "ordinal", "unknown"):
        side = Variable("org_side", measure=measure, value_labels={1: "formeel", 2: "informeel"})
        assert kinds(side) == ([1, 2], None)
    # a nominal variable's labels are its categories however they are numbered
    assert suites.value_set(
        Variable("regio", measure="nominal", value_labels={10: "N", 20: "O", 30: "Z"})
    ) == [
        10,
        20,
        30,
    ]
    # a full code list with a gap: an "anders" code, a "n.v.t." not declared missing
    other = Variable("kanaal", value_labels={1: "mail", 2: "telefoon", 3: "balie", 7: "anders"})
    assert suites.value_set(other) == [1, 2, 3, 7]
    nvt = Variable(
        "oordeel", measure="ordinal", value_labels={1: "a", 2: "b", 3: "c", 4: "d", 5: "e", 9: "n.v.t."}
    )
    assert suites.value_set(nvt) == [1, 2, 3, 4, 5, 9]
    # a Likert item labelled on every point of its declared range, with user-missing codes
    likert = Variable(
        "trust_1",
        measure="ordinal",
        value_labels={
            1: "helemaal oneens",
            2: "oneens",
            3: "neutraal",
            4: "eens",
            5: "helemaal eens",
            8: "weet niet",
        },
        missing_values=[8, 9],
        minimum=1,
        maximum=5,
    )
    assert kinds(likert) == ([1, 2, 3, 4, 5, 8, 9], None)
    # labelled text categories, and a reviewed single category of text
    assert suites.value_set(Variable("klasse", type="string", value_labels={"a": "A", "b": "B"})) == [
        "a",
        "b",
    ]
    one = Variable(
        "selection_type", type="string", measure="nominal", value_labels={"PlainTextSelection": "tekst"}
    )
    assert suites.value_set(one) == ["PlainTextSelection"]


def test_partially_labelled_count_opens():
    # "0 = geen" on a count: whatever SPSS set as its measure, 0 is not the only valid count
    for measure in ("nominal", "ordinal", "unknown", "scale"):
        count = Variable("n_contacten", measure=measure, value_labels={0: "geen"}, minimum=0)
        assert kinds(count) == (None, (0, None))
    # without bounds in the codebook there is nothing to check: no value set, no invented range
    assert kinds(Variable("n_contacten", value_labels={0: "geen"})) == (None, None)
    # an age with 99 labelled: the codebook's bounds, not the label
    age = Variable("leeftijd", value_labels={99: "99 jaar of ouder"}, minimum=16, maximum=99)
    assert kinds(age) == (None, (16, 99))
    # labels only on user-missing codes say nothing about the valid values
    refused = Variable(
        "inkomen", value_labels={99998: "weet niet", 99999: "weigert"}, missing_values=[99998, 99999]
    )
    assert kinds(refused) == (None, None)
    # labels on a few values of a declared range: the range, not the labels
    days = Variable(
        "dagen", measure="ordinal", value_labels={0: "zelfde dag", 1: "volgende dag"}, minimum=0, maximum=30
    )
    assert kinds(days) == (None, (0, 30))
    # text: one label among many values
    assert suites.value_set(Variable("taal", type="string", value_labels={"Thai": "สวัสดี"})) is None
    exps = by_check(suites.generated_expectations(Codebook("c", (count,))))
    assert "value_set" not in exps
    assert exps["range"][0]["kwargs"] == {"column_list": ["n_contacten"], "min_value": 0}


def test_end_point_labelled_rating_opens_with_a_range():
    ends = {0: "helemaal niet", 10: "helemaal wel"}
    for measure in ("ordinal", "unknown"):
        rating = Variable("cijfer", measure=measure, value_labels=ends)
        assert kinds(rating) == (None, (0, 10))
    # a 1-7 scale with its ends and its middle labelled
    assert kinds(
        Variable("schaal", measure="ordinal", value_labels={1: "oneens", 4: "neutraal", 7: "eens"})
    ) == (
        None,
        (1, 7),
    )
    # a bound the codebook gives wins; a 0-100 thermometer with its bottom and middle labelled
    thermometer = Variable("warmte", value_labels={0: "koud", 50: "neutraal"}, maximum=100)
    assert kinds(thermometer) == (None, (0, 100))
    # user-missing codes are allowed beside the range
    rating = Variable(
        "cijfer", measure="ordinal", value_labels={**ends, 99: "weet niet"}, missing_values=[99]
    )
    assert kinds(rating) == (None, (0, 10))
    exps = by_check(suites.generated_expectations(Codebook("c", (rating,))))
    assert "value_set" not in exps
    assert exps["range"][0]["kwargs"] == {
        "column_list": ["cijfer"],
        "min_value": 0,
        "max_value": 10,
        "ignore_values": {"cijfer": [99]},
    }
    # declared bounds with only the end points labelled: open as well
    assert kinds(Variable("cijfer", measure="ordinal", value_labels=ends, minimum=0, maximum=10)) == (
        None,
        (0, 10),
    )


def test_generated_checks_pass_good_data_and_catch_bad_data():
    import pandas as pd

    from .test_realdata_suites import gate_engine

    book = Codebook(
        "c",
        (
            Variable("org_side", measure="nominal", value_labels={1: "formeel", 2: "informeel"}),
            Variable("n_contacten", value_labels={0: "geen"}, minimum=0),
            Variable(
                "cijfer",
                measure="ordinal",
                value_labels={0: "niet", 10: "wel", 99: "weet niet"},
                missing_values=[99],
            ),
        ),
    )
    engine = gate_engine()

    def failing(frame):
        result = engine.validate(frame, "c", suites.generated_expectations(book))
        return {c for r in result.results if not r.success for c in r.result["observed_value"]}

    good = pd.DataFrame(
        {"org_side": [1.0, 2.0, 1.0], "n_contacten": [0.0, 3.0, 25.0], "cijfer": [0.0, 7.0, 99.0]}
    )
    assert failing(good) == set()
    bad = pd.DataFrame(
        {"org_side": [1.0, 3.0, 1.0], "n_contacten": [0.0, -1.0, 2.0], "cijfer": [0.0, 11.0, 5.0]}
    )
    assert failing(bad) == {"org_side", "n_contacten", "cijfer"}
