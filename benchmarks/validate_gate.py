"""How the validation gate scales with the size of the survey (not a test).

Copies the example study into a temporary folder, replaces its survey with one of 1,000,
10,000 and 100,000 rows (rows of the example drawn with replacement, fresh respondent IDs,
every open answer made distinct so the personal-data scan cannot lean on repeats), and runs
``gate.run`` once per size, each in a fresh process so that peak memory is that run's own.

Run from the repository root::

    .venv/bin/python benchmarks/validate_gate.py            # 1k, 10k, 100k
    .venv/bin/python benchmarks/validate_gate.py 1000 50000

Prints a table: rows, great-expectations import time (paid once per run), time to read the
four datasets, time of the gate itself (suites, rules, PII scan, cross-dataset rules), and the
process's peak resident memory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000)


def make_study(folder: Path, rows: int) -> Path:
    """A copy of the example study whose survey has ``rows`` rows."""
    import numpy as np

    from analysis.ingest import Dataset, spss

    shutil.copy2(ROOT / "study.yml", folder / "study.yml")
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("processed"))
    path = folder / "data" / "raw" / "organisatie_enquete.sav"
    ds = spss.read(path)
    rng = np.random.default_rng(2019)
    codes = ds.codes.iloc[rng.integers(0, len(ds.codes), rows)].reset_index(drop=True)
    codes["resp_id"] = [f"R{i + 1:06d}" for i in range(rows)]
    remarks = codes["open_remarks"].astype(object)
    filled = remarks.notna() & (remarks != "")
    codes.loc[filled, "open_remarks"] = [
        f"{t} (antwoord {i})" for i, t in zip(codes.index[filled], remarks[filled], strict=True)
    ]
    spss.write(Dataset(frame=codes, codebook=ds.codebook, codes=codes), path)
    return folder / "study.yml"


def one(rows: int) -> dict:
    """Build a study of ``rows`` survey rows and time the gate on it (in this process)."""
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        study_path = make_study(Path(tmp), rows)
        t0 = time.perf_counter()
        from analysis.validate import suites

        suites.import_gx()
        t_import = time.perf_counter() - t0

        from analysis.study import Study
        from analysis.validate import gate

        study = Study.from_yaml(study_path)
        t1 = time.perf_counter()
        for name in study.datasets:
            study.load(name)
        t_read = time.perf_counter() - t1

        t2 = time.perf_counter()
        result = gate.run(study)
        t_gate = time.perf_counter() - t2
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "import_s": round(t_import, 2),
        "read_s": round(t_read, 2),
        "gate_s": round(t_gate, 2),
        "gate_minus_read_s": round(t_gate - t_read, 2),
        "checks": result.n_checks,
        "failed": len(result.failures),
        "peak_mb": round(peak_kb / 1024),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(one(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    print(
        f"{'rows':>8} {'gx import s':>11} {'read s':>7} {'gate s':>7} {'checks s':>9} {'checks':>7} {'failed':>7} {'peak MB':>8}"
    )
    for rows in sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(rows)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['rows']:>8} {r['import_s']:>11} {r['read_s']:>7} {r['gate_s']:>7} {r['gate_minus_read_s']:>9} "
            f"{r['checks']:>7} {r['failed']:>7} {r['peak_mb']:>8}"
        )
    print("gate s = read + suites + rules + PII scan; checks s = gate s minus reading the files.")


if __name__ == "__main__":
    main(sys.argv[1:])
