"""Reference check: secondary suppression verified by an independent R integer-programming script.

tests/reference/suppression_tables.csv holds the library's suppression patterns for a
few fixed tables; tests/reference/suppression_check.R (lpSolve, integer programs)
verified that no hidden cell is uniquely determined and wrote
suppression_check_output.csv. These tests check that the committed patterns are
still what the library produces and that the committed R verdict covers them; when
Rscript with lpSolve is available, the R check is rerun.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

REF = Path(__file__).parents[1] / "reference"


def _maker():
    spec = importlib.util.spec_from_file_location(
        "suppression_make_tables", REF / "suppression_make_tables.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_committed_patterns_are_what_the_library_produces():
    committed = _read(REF / "suppression_tables.csv")
    current = [{k: str(v) for k, v in row.items()} for row in _maker().rows()]
    assert committed == current, "rerun tests/reference/suppression_make_tables.py and suppression_check.R"


def test_committed_r_verdict_covers_every_hidden_cell_and_finds_none_exposed():
    hidden = {
        (r["table"], r["row"], r["col"])
        for r in _read(REF / "suppression_tables.csv")
        if r["status"] != "shown"
    }
    verdict = _read(REF / "suppression_check_output.csv")
    for attacker in ("relaxed", "markers"):
        checked = {(r["table"], r["row"], r["col"]) for r in verdict if r["attacker"] == attacker}
        assert checked == hidden
    assert all(r["protected"] == "TRUE" for r in verdict)
    assert all(float(r["min"]) <= float(r["value"]) <= float(r["max"]) for r in verdict)


def _have_lpsolve() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(lpSolve)"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _have_lpsolve(), reason="Rscript with lpSolve not available")
def test_rerun_r_check(tmp_path):
    out = tmp_path / "verdict.csv"
    run = subprocess.run(
        ["Rscript", str(REF / "suppression_check.R"), str(REF / "suppression_tables.csv"), str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 exposed" in run.stdout
    assert _read(out) == _read(REF / "suppression_check_output.csv")
