"""Columns holding personal data are recognised at read time, by heading, label and content."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest
from conftest import real_file

from analysis.codebook import Codebook, Variable
from analysis.ingest import read
from analysis.ingest.personal import (
    detect,
    detect_column,
    header_kind,
    is_personal,
    looks_like_free_text,
    looks_like_names,
)

GIVEN = [
    "Jan",
    "Fatima",
    "Mehmet",
    "Sanne",
    "Mohamed",
    "Ayşe",
    "Youssef",
    "Emma",
    "Bilal",
    "Fatma",
    "Daan",
    "Zeynep",
]
SURNAMES = [
    "de Vries",
    "Yılmaz",
    "Jansen",
    "Bakker",
    "Demir",
    "Visser",
    "Kaya",
    "Smit",
    "Öztürk",
    "Mulder",
    "Şahin",
    "Bos",
]
OPEN = [
    "Wij werken al jaren samen met de wijkteams, maar de lijnen zijn soms te lang.",
    "Het contact met de gemeente verloopt goed sinds er een vaste contactpersoon is.",
    "Ik mis terugkoppeling na een verwijzing; we horen vaak niet of de hulp is gestart.",
    "Er is te weinig geld voor vrijwilligers en de subsidie is elk jaar onzeker.",
    "Sleutelpersonen worden pas betrokken als het eigenlijk al te laat is.",
    "Goede samenwerking, vooral dankzij de gezamenlijke training vorig jaar.",
    "Meer tijd om elkaar te leren kennen zou helpen, nu is alles projectmatig.",
    "De taal is soms een drempel, maar onze vrijwilligers vertalen waar nodig.",
]


# -- headings ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("voornaam", "name"),
        ("Achternaam", "name"),
        ("tussenvoegsel", "name"),
        ("roepnaam", "name"),
        ("RecipientFirstName", "name"),
        ("RecipientLastName", "name"),
        ("first_name", "name"),
        ("Surname", "name"),
        ("Given name", "name"),
        ("full name", "name"),
        ("Naam", "name"),
        ("Wat is uw naam?", "name"),
        ("naam respondent", "name"),
        ("Name of the participant", "name"),
        ("contactpersoon", "name"),
        ("Contact person", "name"),
        ("e-mailadres", "email"),
        ("RecipientEmail", "email"),
        ("IPAddress", "ip"),
        ("IP-Adresse", "ip"),
        ("telefoonnummer", "phone"),
        ("tel", "phone"),
        ("straat", "address"),
        ("Adres", "address"),
        ("huisnummer", "address"),
        ("BSN", "bsn"),
        ("burgerservicenummer", "bsn"),
        ("LocationLatitude", "location"),
        ("LocationLongitude", "location"),
        ("geboortedatum", "birth_date"),
        ("Date of birth", "birth_date"),
        ("IBAN", "iban"),
    ],
)
def test_headings_that_announce_personal_data(heading, kind):
    assert header_kind(heading) == kind


@pytest.mark.parametrize(
    "heading",
    [
        "gemeentenaam",
        "municipality name",
        "Organisation name",
        "naam van de organisatie",
        "Wat is de naam van uw organisatie?",
        "file name",
        "bestandsnaam",
        "code name",
        "tel_aantal",
        "geboortejaar",
        "leeftijd",
        "Hoe vaak heeft u contact met de partner per e-mail of telefoon?",
        "ResponseId",
        "respondent_type",
        "",
        None,
    ],
)
def test_headings_that_do_not(heading):
    assert header_kind(heading) is None


# -- content ----------------------------------------------------------------------------------------
def test_open_answers_are_free_text_and_categories_are_not():
    assert looks_like_free_text(pd.Series(OPEN))
    assert not looks_like_free_text(pd.Series(["Male", "Female"] * 20))
    assert not looks_like_free_text(
        pd.Series(["Netherlands", "Turkey", "Morocco", "Suriname", "Germany"] * 4)
    )
    # long category labels repeat: an answer option is no open answer however many words it has
    options = ["I don't want to answer this question", "Citizen outside the European Union (EU)"]
    assert not looks_like_free_text(pd.Series(options * 10))
    # too few answers to judge
    assert not looks_like_free_text(pd.Series(OPEN[:2] + [None] * 10))


def test_name_values_are_recognised_and_places_are_not():
    assert looks_like_names(pd.Series(GIVEN))
    assert looks_like_names(pd.Series(SURNAMES))
    full = [f"{g} {s}" for g, s in zip(GIVEN, SURNAMES, strict=True)]
    assert looks_like_names(pd.Series(full))
    places = ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere"]
    assert not looks_like_names(pd.Series(places * 3))
    countries = ["Netherlands", "Turkey", "Morocco", "Suriname", "Poland", "Syria", "Eritrea", "Germany"]
    assert not looks_like_names(pd.Series(countries * 3))
    assert not looks_like_names(pd.Series(["Male", "Female", "Other"] * 10))


def test_a_labelled_or_numeric_column_is_no_name_column():
    yes_no = Variable("named_contact", label="Vaste contactpersoon", value_labels={0: "nee", 1: "ja"})
    assert detect_column(pd.Series([0, 1, 1]), "named_contact", yes_no) is None
    count = Variable("contactpersoon", type="numeric")
    assert detect_column(pd.Series([1, 2, 3]), "contactpersoon", count) is None
    # an e-mail address stays personal whatever its type; an empty column by its heading alone
    assert detect_column(pd.Series([None, None], dtype=object), "RecipientEmail").kind == "email"


def test_postcode_six_is_an_address_and_four_a_region():
    pc6 = Variable("postcode", type="string")
    assert detect_column(pd.Series(["1234 AB", "5678CD", "3011 XZ"]), "postcode", pc6).kind == "address"
    assert detect_column(pd.Series(["1234", "5678", "3011"]), "postcode", pc6) is None


def test_is_personal_sees_the_codebook_and_the_content():
    frame = pd.DataFrame({"opmerking": OPEN, "type": ["a", "b"] * 4, "v9": GIVEN[:8]})
    book = Codebook(
        "d",
        (
            Variable("opmerking", type="string"),
            Variable("type", type="string", pii=True),
            Variable("v9", type="string"),
        ),
    )
    from analysis.ingest import Dataset

    ds = Dataset(frame, book)
    assert is_personal(ds, "opmerking").kind == "free_text"
    assert is_personal(ds, "type").by == "codebook"
    assert is_personal(ds, "v9").kind == "name"
    assert is_personal(ds, "absent") is None


# -- read time: every reader ------------------------------------------------------------------------
def _write_sav(path, frame):
    pyreadstat.write_sav(frame, str(path))
    return path


def test_spss_name_columns_are_marked_pii(tmp_path):
    n = 12
    frame = pd.DataFrame(
        {
            "resp_id": list(range(1, n + 1)),
            "voornaam": GIVEN,
            "achternaam": SURNAMES,
            "v12": [f"{g} {s}" for g, s in zip(reversed(GIVEN), SURNAMES, strict=True)],
            "geslacht": ["Man", "Vrouw"] * 6,
            "land": ["Nederland", "Turkije", "Marokko"] * 4,
        }
    )
    ds = read(_write_sav(tmp_path / "namen.sav", frame))
    marked = {v.name for v in ds.codebook if v.pii}
    assert marked == {"voornaam", "achternaam", "v12"}
    assert any("v12 (personal names (recognised by its values))" in w for w in ds.warnings)
    assert detect(ds.frame, ds.codebook)["voornaam"].by == "name"


def test_csv_open_question_is_marked_pii(tmp_path):
    path = tmp_path / "enquete.csv"
    frame = pd.DataFrame(
        {
            "id": range(8),
            "functie": ["coördinator", "vrijwilliger"] * 4,
            "waarom": OPEN,
            "land": ["NL", "TR"] * 4,
        }
    )
    frame.to_csv(path, index=False)
    ds = read(path)
    assert [v.name for v in ds.codebook if v.pii] == ["waarom"]


def test_excel_reader_marks_too(tmp_path):
    path = tmp_path / "lijst.xlsx"
    pd.DataFrame(
        {"nr": range(12), "naam": [f"{g} {s}" for g, s in zip(GIVEN, SURNAMES, strict=True)]}
    ).to_excel(path, index=False)
    assert read(path).codebook["naam"].pii


def test_a_reviewed_codebook_is_left_as_the_researcher_wrote_it(tmp_path):
    path = tmp_path / "enquete.csv"
    pd.DataFrame({"id": range(8), "waarom": OPEN}).to_csv(path, index=False)
    book = Codebook("enquete", (Variable("id"), Variable("waarom", type="string")))
    ds = read(path, codebook=book)
    assert not ds.codebook["waarom"].pii
    assert is_personal(ds, "waarom").kind == "free_text"  # the gate still sees it


# -- the real files ----------------------------------------------------------------------------------
@pytest.mark.realdata
def test_qualtrics_text_entry_export():
    ds = read(real_file("survey_exports", "qualtrics_text_entry.csv"))
    marked = {v.name for v in ds.codebook if v.pii}
    texts = {c for c in ds.frame.columns if c.endswith("_TEXT")}
    assert texts and texts <= marked
    assert {"RecipientFirstName", "RecipientLastName", "RecipientEmail", "IPAddress"} <= marked
    assert {"LocationLatitude", "LocationLongitude"} <= marked
    assert "ResponseID" not in marked and "ResponseSet" not in marked


@pytest.mark.realdata
def test_legacy_qualtrics_free_text_question_is_marked():
    ds = read(real_file("survey_exports", "qualtrics_sample_legacy.csv"))
    marked = {v.name for v in ds.codebook if v.pii}
    assert "Q2" in marked  # "This is a free text question."
    assert "V3" in marked  # the recipient's name
    assert "V1" not in marked  # the response ID


@pytest.mark.realdata
def test_limesurvey_answer_options_are_not_free_text():
    ds = read(real_file("survey_exports", "limesurvey_codeonly.csv"))
    marked = {v.name for v in ds.codebook if v.pii}
    # the [other] and [comment] entry fields are; the long answer options are not
    assert "A5_other" in marked and "F5a1_comment" in marked
    assert not marked & {"A1", "A4", "A5", "A7", "B6", "B6b", "C6", "startlanguage"}


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name", ["sample.sav", "test_width.sav", "greetings.sav", "tegulu.sav", "simple_alltypes.sav"]
)
def test_spss_short_strings_are_not_personal(name):
    ds = read(real_file("spss", name))
    assert [v.name for v in ds.codebook if v.pii] == []
