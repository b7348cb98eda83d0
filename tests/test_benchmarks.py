"""benchmarks/run.py runs at its smallest scale (a smoke test; the benchmark is not a test)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_the_benchmark_runs_and_writes_its_table(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--stages",
         "read_sav,read_referrals", "--out", str(tmp_path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    (result,) = tmp_path.glob("run-*.json")
    rows = json.loads(result.read_text(encoding="utf-8"))["rows"]
    assert [r["stage"] for r in rows] == ["read .sav", "read referrals"]
    sav = rows[0]
    assert sav["respondents"] == 1000 and sav["shape"][0] == 1000
    assert sav["seconds"] > 0 and sav["baseline_seconds"] > 0 and sav["peak_mb"] > 0
    assert sav["ratio"] == round(sav["seconds"] / sav["baseline_seconds"], 2)
    assert rows[1]["shape"][0] == 5000  # five referrals per respondent
    assert "read .sav" in done.stdout and "ratio" in done.stdout


def test_the_models_stage_reports_each_analysis_and_its_own_overall_peak(tmp_path):
    # each analysis's peak is measured by resetting the kernel's peak (clear_refs), which also
    # resets what os.wait4 reports: the stage's peak must be the highest of its parts
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--stages", "gate,models",
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    (result,) = tmp_path.glob("run-*.json")
    (models,) = [
        r for r in json.loads(result.read_text(encoding="utf-8"))["rows"] if r["stage"].startswith("models")
    ]
    peaks = models["peak_mb_per_analysis"]
    assert set(peaks) == set(models["per_analysis"]) and len(peaks) == models["analyses"]
    assert models["peak_mb"] >= max(peaks.values()) > 0
