"""The JUnit XML report of the gate: parses, counts match, names failing rules, leaks nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.study import Study
from analysis.validate import gate
from analysis.validate.checks import FAILED, PASSED, WARNING, Check, DatasetInfo, ValidationResult
from analysis.validate.junit import STUDY_SUITE, render_junit, write_junit

from .conftest import make_study
from .test_gate import DEFECTS

SECRET_MAIL, SECRET_BSN = "p.devries@example.nl", "111222333"


def _broken(frames):
    for mutate, _ in DEFECTS.values():
        mutate(frames)
    frames["enquete"].loc[2, "open_remarks"] = f"mail {SECRET_MAIL}"
    frames["enquete"].loc[3, "open_remarks"] = f"bsn {SECRET_BSN}"
    frames["enquete"].loc[4, "resp_id"] = SECRET_MAIL  # an ID column that leaks


@pytest.fixture(scope="module")
def studies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("junit")
    return {"clean": make_study(folder / "clean"), "broken": make_study(folder / "broken", _broken)}


@pytest.fixture(scope="module")
def clean(studies):
    return gate.run(Study.from_yaml(studies["clean"]))


@pytest.fixture(scope="module")
def broken(studies):
    return gate.run(Study.from_yaml(studies["broken"]))


def _parse(result) -> ET.Element:
    return ET.fromstring(render_junit(result).encode("utf-8"))


def _cases(root: ET.Element) -> list[ET.Element]:
    return root.findall("./testsuite/testcase")


@pytest.mark.parametrize("which", ["clean", "broken"])
def test_counts_match_the_result(which, clean, broken):
    result = {"clean": clean, "broken": broken}[which]
    root = _parse(result)
    assert root.tag == "testsuites"
    assert int(root.get("tests")) == result.n_checks == len(_cases(root))
    assert int(root.get("failures")) == len(result.failures) == len(root.findall(".//failure"))
    assert int(root.get("skipped")) == len(result.warnings) == len(root.findall(".//skipped"))
    assert root.get("errors") == "0"
    # one suite per dataset, plus one for the study-wide checks, each with its own counts
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [STUDY_SUITE, *(d.name for d in result.datasets)]
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
    # one test case per check, in report order, classname = dataset, name = rule
    assert sorted(c.get("name") for c in _cases(root)) == sorted(result.rules())
    by_rule = {c.rule: c for c in result.checks}
    for case in _cases(root):
        assert case.get("classname") == by_rule[case.get("name")].dataset


def test_clean_study_has_no_failures(clean):
    root = _parse(clean)
    assert clean.passed and root.get("failures") == "0"
    names = {c.get("name") for c in _cases(root)}
    assert "study.privacy.names_file" in {c.get("name") for c in root.find("testsuite").iter("testcase")}
    assert {"enquete.trust_1.value_set", "verwijzingen.references.municipality_code"} <= names


def test_failures_name_the_rule_and_carry_the_message(broken):
    root = _parse(broken)
    failed = {c.get("name"): c for c in _cases(root) if c.find("failure") is not None}
    assert {rule for _, rule in DEFECTS.values()} <= set(failed)
    assert set(failed) == {c.rule for c in broken.failures}
    for check in broken.failures:
        failure = failed[check.rule].find("failure")
        assert failure.get("message") == (check.message or check.description)
        assert failure.get("type") == check.check
        assert check.rule in failure.text
    case = failed["enquete.trust_1.value_set"]
    assert case.get("classname") == "enquete"
    assert "code die niet in het codeboek staat" in case.find("failure").get("message")


def test_warnings_are_skipped_tests_and_text_is_valid_xml():
    result = ValidationResult(
        study="s",
        checks=(
            Check(
                "study.privacy.names_file",
                "study",
                "pii",
                WARNING,
                "de namenlijst is aanwezig",
                message="ontbreekt",
            ),
            Check(
                "a.read",
                "a",
                "read",
                FAILED,
                "het bestand kan worden gelezen",
                message='fout \x00\x1b <&> "x"',
            ),
            Check("a.x.unique", "a", "unique", PASSED, "x is uniek", column="x"),
        ),
        datasets=(DatasetInfo("a", "a.csv", read=False),),
    )
    root = _parse(result)
    assert [(s.get("name"), s.get("tests"), s.get("failures"), s.get("skipped")) for s in root] == [
        ("study", "1", "0", "1"),
        ("a", "2", "1", "0"),
    ]
    warning, failed, passed = _cases(root)
    assert warning.find("failure") is None
    assert warning.find("skipped").get("message") == "waarschuwing: ontbreekt"
    assert failed.find("failure").get("message") == 'fout \ufffd\ufffd <&> "x"'
    assert list(passed) == []


def test_no_personal_data_and_deterministic(broken):
    text = render_junit(broken)
    assert SECRET_MAIL not in text and SECRET_BSN not in text
    assert "timestamp" not in text and "hostname" not in text
    assert render_junit(broken) == text
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and text.endswith("\n")


def test_write_junit(broken, tmp_path):
    path = write_junit(broken, tmp_path / "ci" / "validatie.xml")
    assert path == tmp_path / "ci" / "validatie.xml"
    assert path.read_bytes() == render_junit(broken).encode("utf-8")
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


def test_cli_writes_the_report_and_still_fails(studies, tmp_path):
    runner = CliRunner()
    bad = runner.invoke(
        app,
        [
            "validate",
            "--study",
            str(studies["broken"]),
            "--reports",
            str(tmp_path / "bad"),
            "--junit",
            str(tmp_path / "bad.xml"),
        ],
    )
    assert bad.exit_code == 1, bad.output
    root = ET.parse(tmp_path / "bad.xml").getroot()
    assert int(root.get("failures")) > 0
    assert (tmp_path / "bad" / "validatie.json").exists()
    ok = runner.invoke(
        app,
        [
            "validate",
            "--study",
            str(studies["clean"]),
            "--reports",
            str(tmp_path / "ok"),
            "--junit",
            str(tmp_path / "ok.xml"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert ET.parse(tmp_path / "ok.xml").getroot().get("failures") == "0"
