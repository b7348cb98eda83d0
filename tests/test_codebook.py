"""The codebook model: YAML/JSON round trip, validation messages, drift, the HTML data dictionary."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from conftest import real_file
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.codebook import Codebook, Drift, Variable
from analysis.errors import CodebookError


def sample() -> Codebook:
    return Codebook(
        dataset="organisatie_enquete",
        title="Organisatie-enquête",
        encoding="utf-8",
        mr_sets={"taken": {"label": "Taken", "type": "D", "counted_value": 1, "variables": ["t1", "t2"]}},
        variables=(
            Variable("resp_id", "Respondent", unique=True, required=True),
            Variable(
                "trust_1",
                "[Partner] doet wat is afgesproken",
                measure="ordinal",
                value_labels={1: "helemaal oneens", 5: "helemaal eens", 8: "weet niet"},
                missing_values=[8, 9],
                scale="trust",
            ),
            Variable(
                "trust_2", "Ik kan rekenen op [Partner]", measure="ordinal", scale="trust", reverse=True
            ),
            Variable("income", "Inkomen", missing_ranges=[[-math.inf, -1]], minimum=0),
            Variable("gemeente", "Gemeentecode", "string", pattern=r"^GM\d{4}$", source_name="Gemeente code"),
            Variable("opmerking", "Opmerking", "string", pii=True, applies_to="org_side == 'formeel'"),
        ),
    )


def test_yaml_round_trip(tmp_path):
    book = sample()
    path = tmp_path / "cb.yml"
    text = book.to_yaml(path)
    assert path.read_text(encoding="utf-8") == text
    assert Codebook.from_yaml(path) == book
    assert "Organisatie-enquête" in text  # unicode kept readable


def test_json_round_trip():
    book = sample()
    data = json.loads(book.to_json())
    assert data["variables"][3]["missing_ranges"] == [[-math.inf, -1]]
    assert Codebook.from_dict(data) == book


def test_defaults_are_left_out():
    assert Variable("x").to_dict() == {"name": "x"}


def test_access_helpers():
    book = sample()
    assert book.names[:2] == ["resp_id", "trust_1"]
    assert [v.name for v in book.scales()["trust"]] == ["trust_1", "trust_2"]
    assert book.get("nope") is None and book.get("income").label == "Inkomen"
    assert "trust_1" in book and len(book) == 6
    assert book["trust_1"].valid_labels == {1: "helemaal oneens", 5: "helemaal eens"}
    assert book["income"].is_missing_code(-3) and not book["income"].is_missing_code(0)
    updated = book.with_variable(Variable("nieuw"))
    assert updated.names[-1] == "nieuw" and "nieuw" not in book


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"variables": []}, "top level needs a 'dataset'"),
        ({"dataset": "x", "variables": [{"label": "x"}]}, "entry 1 has no 'name'"),
        ({"dataset": "x", "variables": [{"name": "a", "colour": "red"}]}, "unknown key\\(s\\): colour"),
        ({"dataset": "x", "variables": [{"name": "a", "type": "text"}]}, "type 'text'"),
        ({"dataset": "x", "variables": [{"name": "a"}, {"name": "a"}]}, "more than once: a"),
    ],
)
def test_malformed_codebooks_are_explained(tmp_path, data, words):
    path = tmp_path / "cb.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CodebookError, match=words):
        Codebook.from_yaml(path)


def test_missing_and_invalid_yaml(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        Codebook.from_yaml(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("dataset: [unclosed", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        Codebook.from_yaml(bad)


def test_yaml_keys_as_strings_become_codes():
    book = Codebook.from_dict(
        {
            "dataset": "x",
            "variables": [{"name": "a", "value_labels": {"1": "een", "2.5": "half", "ja": "ja"}}],
        }
    )
    assert book["a"].value_labels == {1: "een", 2.5: "half", "ja": "ja"}


def test_diff_finds_every_kind_of_drift():
    reviewed = sample()
    new = Codebook(
        dataset="organisatie_enquete",
        variables=(
            Variable("resp_id", "Respondent"),
            Variable(
                "trust_1",
                "[Partner] houdt zich aan afspraken",
                measure="ordinal",
                value_labels={1: "helemaal oneens", 5: "helemaal eens", 8: "weet niet", 9: "n.v.t."},
                missing_values=[8],
            ),
            Variable("trust_2", "Ik kan rekenen op [Partner]", "string"),
            Variable("inkomen", "Inkomen", missing_ranges=[[-math.inf, -1]]),
            Variable("gemeente", "Gemeentecode", "string"),
            Variable("leeftijd", "Leeftijd"),
        ),
    )
    kinds = {(d.variable, d.kind) for d in reviewed.diff(new)}
    assert {
        ("trust_1", "label"),
        ("trust_1", "new code"),
        ("trust_1", "missing codes"),
        ("trust_2", "type"),
        ("income", "removed"),
        ("inkomen", "added"),
        ("opmerking", "removed"),
        ("leeftijd", "added"),
    } == kinds
    renamed = reviewed.diff(new, detect_renames=True)
    assert Drift("income", "renamed", "income -> inkomen") in renamed
    assert ("inkomen", "added") not in {(d.variable, d.kind) for d in renamed}
    assert reviewed.diff(reviewed) == []


def test_html_is_self_contained_and_complete():
    book = sample()
    html = book.to_html(drift=[Drift("trust_1", "new code", "9 = 'n.v.t.'")])
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)=\"?(https?:)?//", html)  # nothing fetched from elsewhere
    assert "<script" not in html
    for text in (
        "Codeboek",
        "Waardelabels",
        "Ontbrekende codes",
        "[Partner] doet wat is afgesproken",
        "helemaal oneens",
        "LO t/m -1",
        "trust_1, trust_2".replace(", ", "</code>, <code>"),
        "omgekeerd gescoord",
        "persoonsgegevens mogelijk",
        "Meervoudige-antwoordsets",
        "Gemeente code",
        "n.v.t.",
    ):
        assert text in html, text
    assert "Value labels" in book.to_html(lang="en")


def test_html_escapes_labels():
    book = Codebook("x", (Variable("a", "<b>vet</b> & zo", value_labels={1: "<script>"}),))
    html = book.to_html()
    assert "<b>vet</b>" not in html and "&lt;script&gt;" in html


@pytest.mark.realdata
def test_codebook_from_spss_metadata_round_trips_through_yaml(tmp_path):
    from analysis.ingest import read

    book = read(real_file("spss", "spssio_test.sav")).codebook
    back = Codebook.from_yaml(_write(book, tmp_path / "x.yml"))
    assert back == book
    assert back.diff(book) == []


def _write(book: Codebook, path: Path) -> Path:
    book.to_yaml(path)
    return path


_codes = st.one_of(st.integers(-1000, 1000), st.text(alphabet="abcxyz", min_size=1, max_size=5))


@settings(max_examples=40, deadline=None)
@given(
    labels=st.dictionaries(_codes, st.text(min_size=1, max_size=20), max_size=5),
    missing=st.lists(st.integers(-99, 99), max_size=3, unique=True),
    label=st.text(max_size=40),
)
def test_property_yaml_round_trip(labels, missing, label):
    book = Codebook("p", (Variable("v", label, value_labels=labels, missing_values=missing),))
    assert Codebook.from_dict(yaml.safe_load(book.to_yaml())) == book
