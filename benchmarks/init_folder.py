"""How long `bruggen init` takes on a folder of real surveys, against reading the files alone.

The target (issue 21): `init` on a folder of three real surveys costs no more than about twice
reading its files, and finishes within 15 s on a 2-core machine. `init` reads each file once
(:func:`analysis.ingest.read`) and then asks its rules about every column; the rules' answers
per column are computed once (:class:`analysis.init.Table`).

Run from the repository root (not part of the test suite; needs ../shared/realdata)::

    .venv/bin/python benchmarks/init_folder.py

Prints a table: the files, seconds to read them one by one, seconds for `init` on the folder
(reading, proposing, writing study.yml, codebooks and suites), and the ratio.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
REALDATA = ROOT.parent / "shared" / "realdata"

#: Three real surveys of different makers: a wide LimeSurvey export (559 columns), a compressed
#: SPSS file of 4,670 rows and a Qualtrics export with open answers.
FILES = (
    "survey_exports/limesurvey_codeonly.csv",
    "spss/llz.zsav",
    "survey_exports/qualtrics_text_entry.csv",
)


def main() -> int:
    from analysis.ingest import read
    from analysis.init import init_study

    if not REALDATA.is_dir():
        print(f"the real files are not here: {REALDATA}")
        return 1
    paths = [REALDATA / f for f in FILES]
    read(paths[-1])  # imports paid once, outside the timings
    start = time.perf_counter()
    for path in paths:
        read(path)
    reading = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            shutil.copy2(path, Path(tmp) / path.name)
        start = time.perf_counter()
        init_study(tmp)
        initialising = time.perf_counter() - start
    print(f"{'files':<60} {'read s':>8} {'init s':>8} {'ratio':>7}")
    print(
        f"{', '.join(p.name for p in paths):<60} {reading:8.2f} {initialising:8.2f} {initialising / reading:6.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
