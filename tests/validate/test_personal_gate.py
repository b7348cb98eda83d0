"""The gate reports columns of names and direct identifiers, and fails a plan that uses personal data."""

from __future__ import annotations

from pathlib import Path

import pyreadstat
import pytest
import yaml

from analysis.codebook import Codebook, Variable
from analysis.study import Study
from analysis.validate import gate
from analysis.validate.checks import FAILED, WARNING

GIVEN = ["Fatima", "Jan", "Mehmet", "Sanne", "Mohamed", "Ayşe", "Youssef", "Emma", "Bilal", "Fatma"]
SURNAMES = ["Yılmaz", "de Vries", "Jansen", "Demir", "Bakker", "Kaya", "Visser", "Öztürk", "Smit", "Şahin"]
#: Open answers, each one respondent's own (40 distinct texts, as the fixture has 40 rows).
POSITIONS = [
    f"{start} {middle} (respondent {i})"
    for i, (start, middle) in enumerate(
        (s, m)
        for s in ("Ik vind dat", "Mijn standpunt is dat", "Eerlijk gezegd denk ik dat", "Wij merken dat")
        for m in (
            "de gemeente te weinig doet voor vrijwilligers.",
            "samenwerking pas werkt als je elkaar kent.",
            "de wijkteams te vaak van medewerkers wisselen.",
            "de afspraken van vorig jaar niet zijn nagekomen.",
            "er meer geld naar sleutelpersonen moet gaan.",
            "terugkoppeling na een verwijzing ontbreekt.",
            "de taal soms een drempel is voor ouders.",
            "het overleg te veel tijd kost voor kleine organisaties.",
            "de subsidie elk jaar onzeker is.",
            "informele organisaties serieuzer genomen moeten worden.",
        )
    )
]


def _add_columns(study_file: Path, columns: dict[str, list], *, pii: set[str] = frozenset()) -> None:
    """Add text columns to the fixture survey (its SPSS file and its reviewed codebook)."""
    folder = study_file.parent
    sav = folder / "data" / "raw" / "enquete.sav"
    frame, meta = pyreadstat.read_sav(str(sav), user_missing=True)
    n = len(frame)
    for name, values in columns.items():
        frame[name] = [values[i % len(values)] for i in range(n)]
    pyreadstat.write_sav(
        frame,
        str(sav),
        column_labels=meta.column_names_to_labels,
        variable_value_labels=meta.variable_value_labels,
        missing_ranges=meta.missing_ranges,
    )
    path = folder / "data" / "codebooks" / "enquete.yml"
    book = Codebook.from_yaml(path)
    for name in columns:
        book = book.with_variable(Variable(name, type="string", measure="nominal", pii=name in pii))
    book.to_yaml(path)
    from analysis.validate.suites import regenerate_study

    regenerate_study(Study.from_yaml(study_file))


def _edit_config(study_file: Path, edit) -> None:
    config = yaml.safe_load(study_file.read_text(encoding="utf-8"))
    edit(config)
    study_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def _check(result, rule):
    found = [c for c in result.checks if c.rule == rule]
    assert found, f"no check {rule}; rules: {sorted(c.rule for c in result.checks if 'pii' in c.rule)}"
    return found[0]


def test_name_columns_marked_pii_are_warnings_never_clean(mini_study):
    _add_columns(mini_study, {"voornaam": GIVEN, "v12": SURNAMES}, pii={"voornaam", "v12"})
    result = gate.run(Study.from_yaml(mini_study))
    for col, by in (("voornaam", "de kolomnaam"), ("v12", "de waarden")):
        check = _check(result, f"enquete.{col}.pii")
        assert check.status == WARNING
        assert "bevat geen persoonsgegevens" not in check.description
        assert "namen van personen" in check.message and by in check.message
        assert "uitgesloten" in check.message
    # nothing personal is shown: no name in the report
    html = gate.render_html(result)
    assert not any(name in html for name in GIVEN + SURNAMES)
    assert result.passed  # marked and unused: the data may be analysed


def test_name_columns_the_codebook_does_not_mark_fail(mini_study):
    _add_columns(
        mini_study,
        {"achternaam": SURNAMES, "v12": [f"{g} {s}" for g, s in zip(GIVEN, SURNAMES, strict=True)]},
    )
    result = gate.run(Study.from_yaml(mini_study))
    for col in ("achternaam", "v12"):
        check = _check(result, f"enquete.{col}.pii")
        assert check.status == FAILED
        assert "pii: true" in check.message and "enquete.yml" in check.message
    assert not result.passed


def test_open_text_the_codebook_does_not_mark_is_a_warning(mini_study):
    _add_columns(mini_study, {"standpunt": POSITIONS})
    result = gate.run(Study.from_yaml(mini_study))
    check = _check(result, "enquete.standpunt.pii")
    assert check.status == WARNING
    assert "open antwoorden" in check.message and "pii: true" in check.message
    assert (
        check.description == "standpunt is als open tekst (pii) gemarkeerd"
    )  # what it should be, not "geen"


def _bind(study_file: Path, where: str, value) -> None:
    def edit(config):
        if where == "quasi":
            config.setdefault("disclosure", {})["quasi_identifiers"] = ["municipality_code", value]
        elif where == "analysis":
            config["analyses"] = {"respons": {"kind": "response", "by": "side", "rows": value}}
        else:
            config["plan"]["survey"][where] = value

    _edit_config(study_file, edit)


@pytest.mark.parametrize(
    ("where", "rule"),
    [
        ("respondent_type", "plan.survey.respondent_type.pii"),
        ("quasi", "disclosure.quasi_identifiers[1].pii"),
        ("analysis", "analyses.respons.rows.pii"),
    ],
)
def test_a_plan_that_uses_open_text_fails_naming_key_dataset_and_variable(mini_study, where, rule):
    _add_columns(mini_study, {"standpunt": POSITIONS}, pii={"standpunt"})
    _bind(mini_study, where, "standpunt")
    result = gate.run(Study.from_yaml(mini_study))
    check = _check(result, rule)
    assert check.status == FAILED and check.dataset == "enquete" and check.column == "standpunt"
    key = rule.removesuffix(".pii")
    assert f"{key} in study.yml gebruikt standpunt van enquete" in check.message
    assert "Open tekst kan nooit een categorie zijn" in check.message
    assert not result.passed


def test_a_plan_that_binds_a_name_column_by_its_values_fails(mini_study):
    # not marked in the codebook and called v12: found by its values all the same
    _add_columns(mini_study, {"v12": GIVEN})
    _bind(mini_study, "respondent_type", "v12")
    result = gate.run(Study.from_yaml(mini_study))
    check = _check(result, "plan.survey.respondent_type.pii")
    assert check.status == FAILED and "namen van personen" in check.message


def test_a_plan_of_ordinary_variables_gets_no_pii_check(mini_study):
    _add_columns(mini_study, {"standpunt": POSITIONS}, pii={"standpunt"})
    _bind(mini_study, "quasi", "org_side")
    result = gate.run(Study.from_yaml(mini_study))
    assert not [c for c in result.checks if c.check == "plan" and c.rule.endswith(".pii")]
    assert result.passed
