"""The gate on the example study, and on copies of it with one planted defect each.

Copies are made of ``study.yml`` and ``data/`` in a temporary folder and changed there
(pyreadstat through :mod:`analysis.ingest.spss`, openpyxl, the REFI-QDA XML); ``data/raw``
itself is never touched. Each defect must make the real ``bruggen validate`` exit 1 and name
the defect's rule, and make ``bruggen report`` refuse without writing into ``reports/``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_example
from typer.testing import CliRunner

from analysis.cli import app

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
FILES = ("organisatie_enquete.sav", "verwijzingen.xlsx", "gemeenten.csv", "interviews.qdpx")

pytestmark = pytest.mark.skipif(
    not all((RAW / f).exists() for f in FILES), reason="the example study is not generated (bruggen example)"
)


# -- ways to change a copy ------------------------------------------------------------------------
def edit_survey(change: Callable) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        from analysis.ingest import spss

        path = folder / "data" / "raw" / "organisatie_enquete.sav"
        ds = spss.read(path)
        codes = ds.codes.copy()
        change(codes)
        spss.write(ds.with_frame(codes).__class__(frame=codes, codebook=ds.codebook, codes=codes), path)

    return apply


def edit_referrals(change: Callable) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        import openpyxl

        path = folder / "data" / "raw" / "verwijzingen.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        header = [c.value for c in ws[1]]
        change(ws, {name: i + 1 for i, name in enumerate(header)})
        wb.save(path)

    return apply


def edit_qde(change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "data" / "raw" / "interviews.qdpx"
        with zipfile.ZipFile(path) as zin:
            members = [(info, zin.read(info.filename)) for info in zin.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in members:
                if info.filename.endswith(".qde"):
                    data = change(data.decode("utf-8")).encode("utf-8")
                zout.writestr(info, data)

    return apply


def _row_where(codes, mask):
    return codes.index[mask][0]


def likert_7(c):
    c.loc[c.index[3], "trust_2"] = 7.0


def duplicate_id(c):
    c.loc[c.index[10], "resp_id"] = c.loc[c.index[11], "resp_id"]


def email(c):
    c.loc[c.index[2], "open_remarks"] = "Neem contact op via fatima.bakkali@example.nl als het kan."


def bsn(c):
    c.loc[c.index[2], "open_remarks"] = "Mijn BSN is 111222333, dat mag u gebruiken."


def formal_item_for_key_person(c):
    row = _row_where(c, c["resp_type"] == 6)  # sleutelpersoon: informal side
    c.loc[row, "formal_org_type"] = 1.0


def completed_above_made(c):
    row = _row_where(c, c["ref_made_total"] > 0)
    c.loc[row, "ref_completed"] = c.loc[row, "ref_made_total"] + 5
    c.loc[row, "ref_help_started"] = 0.0


def unknown_municipality(ws, col):
    ws.cell(row=5, column=col["municipality_code"]).value = "GM9999"


def contact_before_referral(ws, col):
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=col["date_first_contact"]).value is not None:
            referred = ws.cell(row=r, column=col["date_referred"]).value
            ws.cell(row=r, column=col["date_first_contact"]).value = referred - dt.timedelta(days=4)
            return


def unknown_code(text: str) -> str:
    start = text.index("<CodeRef targetGUID=") + len('<CodeRef targetGUID="')
    return text[:start] + "00000000-0000-4000-8000-000000000000" + text[start + 36 :]


DEFECTS = {
    "likert_7": (edit_survey(likert_7), "organisatie_enquete.trust_2.value_set"),
    "duplicate_id": (edit_survey(duplicate_id), "organisatie_enquete.resp_id.unique"),
    "email_in_open_text": (edit_survey(email), "organisatie_enquete.open_remarks.pii"),
    "bsn_in_open_text": (edit_survey(bsn), "organisatie_enquete.open_remarks.pii"),
    "formal_item_for_key_person": (
        edit_survey(formal_item_for_key_person),
        "organisatie_enquete.skip_logic.formal_org_type",
    ),
    "completed_above_made": (edit_survey(completed_above_made), "organisatie_enquete.subcount.ref_completed"),
    "unknown_municipality": (
        edit_referrals(unknown_municipality),
        "verwijzingen.references.municipality_code",
    ),
    "contact_before_referral": (
        edit_referrals(contact_before_referral),
        "verwijzingen.date_order.date_first_contact",
    ),
    "unknown_code": (edit_qde(unknown_code), "interviews.codes.known"),
}


@pytest.fixture(scope="module")
def example_result(tmp_path_factory):
    from analysis.study import Study
    from analysis.validate import gate

    study = copy_example(tmp_path_factory.mktemp("voorbeeld"))
    return gate.run(Study.from_yaml(study))


def test_example_study_passes_the_gate(example_result):
    assert example_result.passed, "\n".join(f"{c.rule}: {c.message}" for c in example_result.failures)
    assert example_result.n_datasets == 4


def test_example_suites_are_current(example_result):
    assert not [c.rule for c in example_result.warnings if c.check == "suite"]


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_planted_defect_makes_validate_fail(tmp_path, defect):
    plant, rule = DEFECTS[defect]
    study = copy_example(tmp_path / "studie")
    plant(study.parent)
    reports = tmp_path / "rapporten"
    result = CliRunner().invoke(app, ["validate", "--study", str(study), "--reports", str(reports)])
    assert result.exit_code == 1, result.output
    import json

    data = json.loads((reports / "validatie.json").read_text(encoding="utf-8"))
    failed = {c["rule"] for c in data["checks"] if c["status"] == "failed"}
    assert rule in failed, sorted(failed)
    assert rule in result.output or len(failed) > 20


def test_real_command_exits_1_and_report_refuses(tmp_path):
    """``bruggen validate`` and ``bruggen report`` as a researcher runs them."""
    plant, rule = DEFECTS["bsn_in_open_text"]
    study = copy_example(tmp_path / "studie")
    plant(study.parent)
    bruggen = [sys.executable, "-c", "from analysis.cli import main; main()"]
    validate = subprocess.run(
        [*bruggen, "validate", "--study", str(study)], capture_output=True, text=True, cwd=tmp_path
    )
    assert validate.returncode == 1, validate.stdout + validate.stderr
    assert rule in validate.stdout
    assert "111222333" not in validate.stdout + validate.stderr
    reports = study.parent / "reports"
    before = sorted((p.relative_to(reports), p.read_bytes()) for p in reports.rglob("*") if p.is_file())

    if not (ROOT / "src" / "analysis" / "report" / "build.py").exists():
        pytest.skip("the report builder (analysis.report.build) is not there yet")
    report = subprocess.run(
        [*bruggen, "report", "--study", str(study)], capture_output=True, text=True, cwd=tmp_path
    )
    assert report.returncode == 1, report.stdout + report.stderr
    assert rule in report.stderr
    after = sorted((p.relative_to(reports), p.read_bytes()) for p in reports.rglob("*") if p.is_file())
    assert after == before, "bruggen report wrote into reports/ although the gate failed"
