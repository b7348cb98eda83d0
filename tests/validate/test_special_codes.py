"""Generated checks on measures labelled only on their special codes, and codebooks that describe their file."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.codebook import Codebook, Variable, describe_observed
from analysis.ingest import Dataset
from analysis.validate import suites
from analysis.validate.suites import generated_expectations, special_codes, value_range, value_set

AGE_SPECIAL = {97: "weet niet", 98: "weigert", 99: "n.v.t."}


def _checks(book: Codebook, check: str) -> list[dict]:
    return [e for e in generated_expectations(book) if e["meta"]["check"] == check]


@pytest.mark.parametrize(
    "labels",
    [
        AGE_SPECIAL,
        {97: "Weet ik niet", 99: "Geen antwoord"},
        {-1: "don't know", -2: "refused", -3: "not applicable"},
        {998: "Refused", 999: "Missing"},
        {97: "Don't know", 98: "N/A"},
        {99: "onbekend", 98: "97 or older"},  # a typical special number among them
    ],
)
def test_a_nominal_count_labelled_only_on_special_codes_has_no_value_set_but_a_range(labels):
    age = Variable("age", measure="nominal", value_labels=labels)
    assert special_codes(age)
    assert value_set(age) is None
    book = Codebook("d", (age,))
    assert not _checks(book, "value_set")
    (rng,) = _checks(book, "range")
    assert rng["kwargs"]["column_list"] == ["age"]
    # the special codes themselves are allowed, whether declared missing or not
    assert sorted(rng["kwargs"]["ignore_values"]["age"]) == sorted(labels)


def test_the_special_codes_bound_the_range_on_their_side():
    assert value_range(Variable("n", measure="nominal", value_labels=AGE_SPECIAL)) == (None, 96)
    assert value_range(Variable("n", value_labels={-1: "weet niet", -2: "weigert"})) == (0, None)
    assert value_range(Variable("n", value_labels={997: "weet niet", 999: "n.v.t."}, maximum=120)) == (
        None,
        120,
    )


def test_the_range_passes_real_values_and_special_codes_and_fails_an_impossible_value():
    from analysis.validate import evaluate

    age = Variable("age", measure="nominal", value_labels=AGE_SPECIAL)
    (rng,) = _checks(Codebook("d", (age,)), "range")
    frame = pd.DataFrame({"age": [18.0, 45.0, 97.0, 99.0, 150.0, None]})
    kw = rng["kwargs"]
    out = evaluate.between(
        frame, kw["column_list"], kw.get("min_value"), kw.get("max_value"), kw.get("ignore_values")
    )
    assert out["age"]["unexpected_count"] == 1 and out["age"]["values"] == [150]


@pytest.mark.parametrize(
    "var",
    [
        Variable(
            "likert", measure="ordinal", value_labels={1: "oneens", 2: "neutraal", 3: "eens", 9: "weet niet"}
        ),
        Variable("yesno", measure="nominal", value_labels={1: "ja", 2: "nee", 9: "onbekend"}),
        Variable("colour", measure="nominal", value_labels={1: "rood", 2: "groen", 7: "anders"}),
        Variable("text", type="string", measure="nominal", value_labels={"a": "weet niet", "b": "n.v.t."}),
    ],
)
def test_categories_with_a_special_code_among_them_stay_a_closed_set(var):
    assert not special_codes(var)
    assert value_set(var) is not None


def test_a_lone_special_number_without_a_special_word_is_not_special():
    var = Variable("n", measure="nominal", value_labels={97: "97", 98: "98 jaar"})
    assert not special_codes(var)


def _dataset(book: Codebook, frame: pd.DataFrame) -> Dataset:
    return Dataset(frame=frame, codebook=book, codes=frame)


def test_describe_observed_makes_a_special_coded_count_a_measure_with_its_codes_missing():
    book = Codebook("d", (Variable("kids", measure="nominal", value_labels=AGE_SPECIAL),))
    frame = pd.DataFrame({"kids": [0.0, 2.0, 5.0, 97.0, 99.0]})
    (kids,) = describe_observed(book, _dataset(book, frame)).variables
    assert kids.measure == "scale"
    assert sorted(kids.missing_values) == [97, 98, 99]
    assert kids.value_labels == AGE_SPECIAL  # the labels stay
    assert value_set(kids) is None and value_range(kids) == (None, 96)


def test_describe_observed_records_unlabelled_codes_of_a_closed_set_and_the_suite_allows_them():
    colour = Variable(
        "x", measure="nominal", value_labels={1: "red", 2: "green", 3: "blue"}, missing_values=[7, 8, 99]
    )
    book = Codebook("d", (colour, Variable("y", measure="scale")))
    frame = pd.DataFrame({"x": [1.0, 2.0, 4.0, 9.0, 8.0, None], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    described = describe_observed(book, _dataset(book, frame))
    assert described["x"].unlabelled_codes == [4, 9]  # 8 is user-missing: not unlabelled
    assert described["y"] == book["y"]
    assert value_set(described["x"]) == [1, 2, 3, 4, 7, 8, 9, 99]
    # the YAML keeps them, and reads them back
    import yaml

    again = Codebook.from_dict(yaml.safe_load(described.to_yaml()))
    assert again["x"].unlabelled_codes == [4, 9]


def test_describe_observed_leaves_a_file_that_fits_its_labels_alone():
    book = Codebook("d", (Variable("x", measure="nominal", value_labels={1: "ja", 2: "nee"}),))
    frame = pd.DataFrame({"x": [1.0, 2.0, 2.0]})
    assert describe_observed(book, _dataset(book, frame)) is book


def test_describe_observed_makes_a_numeric_set_with_many_unlabelled_codes_a_measure():
    book = Codebook("d", (Variable("x", measure="nominal", value_labels={0: "geen", 1: "een"}),))
    frame = pd.DataFrame({"x": [float(i) for i in range(suites_max() + 5)]})
    (x,) = describe_observed(book, _dataset(book, frame)).variables
    assert x.measure == "scale" and not x.unlabelled_codes


def suites_max() -> int:
    from analysis.codebook import MAX_UNLABELLED

    return MAX_UNLABELLED


def test_the_example_study_suites_do_not_change():
    """The example study's codebooks have no special-only variables: its stored suites stay current."""
    from pathlib import Path

    from analysis.study import Study

    root = Path(__file__).resolve().parents[2]
    study = Study.from_yaml(root / "study.yml")
    rules = study.validation_rules() or None
    for name in study.datasets:
        data = suites.read_suite_dict(suites.suite_path(study, name))
        assert suites.is_current(data, study.codebook(name), rules), name


def test_describe_observed_twice_changes_nothing_more():
    book = Codebook(
        "d",
        (
            Variable("kids", measure="nominal", value_labels=AGE_SPECIAL),
            Variable("x", measure="nominal", value_labels={1: "red", 2: "green"}),
        ),
    )
    frame = pd.DataFrame({"kids": [0.0, 3.0, 98.0], "x": [1.0, 2.0, 5.0]})
    once = describe_observed(book, _dataset(book, frame))
    assert once is not book
    assert describe_observed(once, _dataset(once, frame)) is once


def test_the_codebook_table_shows_the_codes_without_a_label():
    from analysis import codebook_cli

    var = Variable("x", measure="nominal", value_labels={1: "red", 2: "green"}, unlabelled_codes=[4, 9])
    (row,) = codebook_cli._rows(Codebook("d", (var,)))
    assert row["value labels"] == "1=red; 2=green; no label: 4, 9"
