"""Proposing quasi-identifiers: what a researcher would list, never personal data, never empty columns."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.codebook import Codebook, Variable
from analysis.ingest import Dataset
from analysis.study import Study
from analysis.validate.identifiers import propose_quasi_identifiers

GIVEN = ["Fatima", "Jan", "Mehmet", "Sanne", "Mohamed", "Ayşe", "Youssef", "Emma", "Bilal", "Fatma"] * 3


def _dataset(columns: dict[str, list], **variables: Variable) -> Dataset:
    frame = pd.DataFrame(columns)
    book = Codebook("d", tuple(variables.get(c) or Variable(c, type=_type(frame[c])) for c in frame.columns))
    return Dataset(frame, book)


def _type(s: pd.Series) -> str:
    return "numeric" if pd.api.types.is_numeric_dtype(s) else "string"


def test_the_usual_quasi_identifiers_by_name_and_label():
    n = 30
    ds = _dataset(
        {
            "leeftijd": [20 + i for i in range(n)],
            "v2": ["man", "vrouw", "anders"] * 10,
            "woonplaats": ["Utrecht", "Zeist", "Houten"] * 10,
            "functie": ["coördinator", "vrijwilliger"] * 15,
            "geboorteland": ["Nederland", "Turkije", "Marokko"] * 10,
            "q7": ["mbo", "hbo", "wo"] * 10,
            "jaren_ervaring": [i % 12 for i in range(n)],
            "type_organisatie": ["mzo", "wijkteam"] * 15,
            "tevredenheid": [1, 2, 3, 4, 5] * 6,
            "resp_id": [f"R{i}" for i in range(n)],
        },
        v2=Variable("v2", label="Wat is uw geslacht?", type="string"),
        q7=Variable("q7", label="Hoogst afgeronde opleiding", type="string"),
        tevredenheid=Variable("tevredenheid", label="Hoe tevreden bent u over de gemeente?"),
    )
    proposed = dict(propose_quasi_identifiers(ds))
    assert proposed == {
        "leeftijd": "age (by its name)",
        "v2": "gender (by its label)",
        "woonplaats": "place (by its name)",
        "functie": "role (by its name)",
        "geboorteland": "origin (by its name)",
        "q7": "education (by its label)",
        "jaren_ervaring": "experience (by its name)",
        "type_organisatie": "organisation (by its name)",
    }


def test_never_personal_data_nor_mostly_empty_columns():
    n = 30
    ds = _dataset(
        {
            "functie": [
                "Ik ben al twintig jaar coördinator van het buurthuis in Overvecht, nummer " + str(i)
                for i in range(n)
            ],
            "gemeente": ["GM0344"] * 3 + [None] * (n - 3),
            "contactpersoon_functie": GIVEN,
            "postcode": [f"35{i:02d} AB" for i in range(n)],
            "leeftijdsgroep": ["18-30", "31-50", "51+"] * 10,
        },
        functie=Variable("functie", type="string", pii=True),
    )
    proposed = [c for c, _ in propose_quasi_identifiers(ds)]
    # open text (even called functie), a names column, a full postcode: personal data, excluded
    # from everything; a municipality nearly nobody answered: no quasi-identifier
    assert proposed == ["leeftijdsgroep"]


def test_a_four_digit_postcode_is_a_quasi_identifier():
    ds = _dataset({"postcode": ["3511", "3512", "3513"] * 10})
    assert propose_quasi_identifiers(ds) == [("postcode", "place (by its name)")]


def test_the_example_survey_gets_the_quasi_identifiers_its_study_lists(root):
    study = Study.from_yaml(root / "study.yml")
    survey = study.plan.datasets["survey"]
    proposed = [c for c, _ in propose_quasi_identifiers(study.get(survey))]
    assert set(proposed) == set(study.section("disclosure")["quasi_identifiers"])


@pytest.mark.realdata
def test_qualtrics_recipient_and_location_columns_are_never_proposed():
    from conftest import real_file

    from analysis.ingest import read

    ds = read(real_file("survey_exports", "qualtrics_text_entry.csv"))
    proposed = {c for c, _ in propose_quasi_identifiers(ds)}
    assert not proposed & {"RecipientFirstName", "RecipientLastName", "LocationLatitude", "IPAddress"}
