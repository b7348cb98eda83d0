"""How long `bruggen report` takes on the example study, and how much memory it needs.

Run with `make benchmark`; prints a table (not part of the test suite). Each case renders into a
temporary copy of the study, so reports/ is not touched.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "study report": [],
    "study + 25 municipalities": ["--gemeente", "all"],
}


def main() -> None:
    print(f"{'case':<28} {'seconds':>8} {'peak MB':>8} {'files':>6} {'MB written':>11}")
    for name, extra in CASES.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            shutil.copy2(ROOT / "study.yml", folder / "study.yml")
            shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("processed"))
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "analysis.cli",
                    "report",
                    "--study",
                    str(folder / "study.yml"),
                    *extra,
                ],
                check=True,
                capture_output=True,
            )
            seconds = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            files = [p for p in (folder / "reports").rglob("*") if p.is_file()]
            size = sum(p.stat().st_size for p in files) / 1e6
        print(f"{name:<28} {seconds:>8.1f} {peak:>8.0f} {len(files):>6} {size:>11.1f}")


if __name__ == "__main__":
    main()
