"""`bruggen codebook`: table, exports, drift against a study, and bad files through the real CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml
from conftest import real_file
from rich.console import Console

from analysis import codebook_cli
from analysis.codebook import Codebook
from analysis.errors import BruggenError

ROOT = Path(__file__).resolve().parents[1]
BRUGGEN = [sys.executable, "-c", "from analysis.cli import main; main()"]


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=160, color_system=None), buffer


def make_sav(path: Path, *, renamed: bool = False, new_code: bool = False) -> Path:
    trust = "vertrouwen_1" if renamed else "trust_1"
    labels = {1: "laag", 5: "hoog", 8: "weet niet"}
    if new_code:
        labels[9] = "n.v.t."
    pyreadstat.write_sav(
        pd.DataFrame({"resp_id": [1.0, 2.0], trust: [1.0, 8.0], "gemeente": ["GM0363", "GM0518"]}),
        str(path),
        column_labels={"resp_id": "Respondent", trust: "Vertrouwen in partner", "gemeente": "Gemeentecode"},
        variable_value_labels={trust: labels},
        missing_ranges={trust: [8]},
    )
    return path


def test_table_for_a_file(tmp_path):
    c, out = console()
    drift = codebook_cli.run(make_sav(tmp_path / "enquete.sav"), console=c)
    text = out.getvalue()
    assert drift == 0
    for word in ("enquete.sav: 2 rows, 3 variables", "trust_1", "Vertrouwen in partner", "1=laag", "8"):
        assert word in text


LONG_NAME = "samenwerking_met_informele_organisaties_vertrouwen_afspraken"  # 60 characters
LONG_LABELS = {
    LONG_NAME: "In hoeverre vertrouwt u erop dat de informele organisaties in uw wijk afspraken over "
    "doorverwijzing nakomen?",
    "resp_id": "Respondentnummer (pseudoniem)",
    "gemeente": "Gemeente waarin de organisatie hoofdzakelijk werkt (CBS-gemeentecode)",
}


def _long_name_sav(path: Path) -> Path:
    pyreadstat.write_sav(
        pd.DataFrame({"resp_id": [1.0, 2.0], LONG_NAME: [1.0, 8.0], "gemeente": ["GM0363", "GM0518"]}),
        str(path),
        column_labels=LONG_LABELS,
        variable_value_labels={LONG_NAME: {1: "helemaal niet", 5: "helemaal wel", 8: "weet niet"}},
        missing_ranges={LONG_NAME: [8]},
    )
    return path


def _squashed(text: str) -> str:
    return "".join(text.split())


def test_table_is_readable_at_80_columns_with_a_long_name(tmp_path):
    assert len(LONG_NAME) == 60
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    codebook_cli.run(_long_name_sav(tmp_path / "enquete.sav"), console=c)
    text = c.export_text()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(LONG_NAME in line for line in lines)  # the name whole, on one line
    joined = _squashed(text)
    for name, label in LONG_LABELS.items():
        assert name in joined
        assert _squashed(label) in joined  # every label in full, its lines in order
    assert _squashed("1=helemaal niet; 5=helemaal wel; 8=weet niet") in joined


def test_wide_console_keeps_the_table(tmp_path):
    c = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    codebook_cli.run(_long_name_sav(tmp_path / "enquete.sav"), console=c)
    lines = c.export_text().splitlines()
    assert any("variable" in line and "label" in line and "type" in line for line in lines)
    assert any(LONG_NAME in line and LONG_LABELS[LONG_NAME][:40] in line for line in lines)
    assert max(len(line) for line in lines) <= 200


@pytest.mark.parametrize("fmt", ["yaml", "json", "html"])
def test_exports(tmp_path, fmt):
    c, out = console()
    target = tmp_path / "out" / f"cb.{fmt}"
    codebook_cli.run(make_sav(tmp_path / "enquete.sav"), fmt=fmt, output=target, console=c)
    text = target.read_text(encoding="utf-8")
    if fmt == "yaml":
        assert Codebook.from_dict(yaml.safe_load(text))["trust_1"].missing_values == [8]
    elif fmt == "json":
        assert json.loads(text)["dataset"] == "enquete"
    else:
        assert "Vertrouwen in partner" in text and "<script" not in text
    assert f"wrote {target}" in out.getvalue()


def test_export_to_stdout(tmp_path):
    c, out = console()
    codebook_cli.run(make_sav(tmp_path / "enquete.sav"), fmt="yaml", console=c)
    assert yaml.safe_load(out.getvalue())["dataset"] == "enquete"


def _study(tmp_path: Path, **sav) -> Path:
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "codebooks").mkdir(parents=True)
    make_sav(tmp_path / "data" / "raw" / "enquete.sav")
    # The reviewed codebook is the original file's own, as a researcher would have saved it.
    c, _ = console()
    codebook_cli.run(
        tmp_path / "data" / "raw" / "enquete.sav",
        fmt="yaml",
        output=tmp_path / "data" / "codebooks" / "enquete.yml",
        console=c,
    )
    text = (tmp_path / "data" / "codebooks" / "enquete.yml").read_text(encoding="utf-8")
    (tmp_path / "data" / "codebooks" / "enquete.yml").write_text(
        text.replace("dataset: enquete.sav", "dataset: enquete"), encoding="utf-8"
    )
    make_sav(tmp_path / "data" / "raw" / "enquete.sav", **sav)  # a new delivery
    study = tmp_path / "study.yml"
    study.write_text(
        yaml.safe_dump(
            {
                "name": "test",
                "datasets": {
                    "enquete": {"path": "data/raw/enquete.sav", "codebook": "data/codebooks/enquete.yml"},
                    "zonder": {"path": "data/raw/enquete.sav"},
                },
            }
        ),
        encoding="utf-8",
    )
    return study


def test_drift_for_a_study_dataset(tmp_path):
    study = _study(tmp_path, renamed=True)
    c, out = console()
    n = codebook_cli.run("enquete", study_path=study, console=c)
    text = out.getvalue()
    assert n == 1
    assert "renamed" in text and "trust_1 -> vertrouwen_1" in text


def test_new_code_is_drift(tmp_path):
    study = _study(tmp_path, new_code=True)
    c, out = console()
    assert codebook_cli.run("enquete", study_path=study, console=c) == 1
    assert "new code" in out.getvalue() and "n.v.t." in out.getvalue()


def test_no_drift_and_no_reviewed_codebook(tmp_path):
    study = _study(tmp_path)
    c, out = console()
    assert codebook_cli.run("enquete", study_path=study, console=c) == 0
    assert "matches the reviewed codebook" in out.getvalue()
    c, out = console()
    codebook_cli.run("zonder", study_path=study, console=c)
    assert "no reviewed codebook" in out.getvalue()


def test_drift_in_html(tmp_path):
    study = _study(tmp_path, new_code=True)
    c, _ = console()
    target = tmp_path / "cb.html"
    codebook_cli.run("enquete", fmt="html", output=target, study_path=study, console=c)
    assert "Verschillen met het nieuwe bestand" in target.read_text(encoding="utf-8")


def test_unknown_dataset_and_format(tmp_path):
    study = _study(tmp_path)
    with pytest.raises(BruggenError, match="neither a file nor a dataset"):
        codebook_cli.run("onbekend", study_path=study, console=console()[0])
    with pytest.raises(BruggenError, match="unknown codebook format"):
        codebook_cli.run("enquete", fmt="pdf", study_path=study, console=console()[0])


# -- through the real command -------------------------------------------------------------------


def _bruggen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*BRUGGEN, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("kapot.sav", b"$FL2" + bytes(60), "damaged"),
        ("enquete.csv", b"PK\x03\x04" + bytes(100), "ZIP archive"),
        ("leeg.xlsx", b"", "not an Excel workbook"),
    ],
)
def test_bad_file_exits_2_without_traceback(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    result = _bruggen("codebook", str(path), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert words in result.stderr and name in result.stderr and "What to do" in result.stderr


@pytest.mark.realdata
def test_encrypted_real_file_exits_2(tmp_path):
    path = real_file("spss", "hotel-encrypted.sav")
    result = _bruggen("codebook", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "password-encrypted" in result.stderr and "Traceback" not in result.stderr
    debug = _bruggen("--debug", "codebook", str(path), cwd=tmp_path)
    assert "Traceback" in debug.stderr


def test_good_file_through_the_real_command(tmp_path):
    path = make_sav(tmp_path / "enquete.sav")
    result = _bruggen("codebook", str(path), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["variables"][1]["name"] == "trust_1"
