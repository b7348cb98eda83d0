"""Write the suppression patterns the R reference check verifies.

Run from the repository root:

    .venv/bin/python tests/reference/suppression_make_tables.py
    Rscript tests/reference/suppression_check.R

Output: tests/reference/suppression_tables.csv, one row per cell of each table
*including margins* (the last row and column index are the totals), with the true
count and the status the library chose (shown / primary / secondary). The tables are
synthetic. tests/disclosure/test_disclosure_reference.py checks that this file still
matches what the library produces.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from analysis.disclosure import Policy, suppress_counts  # noqa: E402

MIN_COUNT = 10


def reference_tables() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20240606)
    tables = {
        "worked_example": np.array([[3, 25], [40, 30]]),
        "single_row": np.array([[4, 30, 50, 12]]),
        "single_column": np.array([[4], [30], [50], [2]]),
        "zeros": np.array([[5, 0, 0], [0, 50, 20], [0, 14, 3]]),
        "bridge": np.array([[3, 3, 30, 0], [3, 3, 0, 0], [0, 0, 3, 3], [0, 40, 3, 3]]),
        "all_small": np.array([[1, 2], [3, 4]]),
    }
    for k in range(6):
        shape = (int(rng.integers(2, 7)), int(rng.integers(2, 7)))
        tables[f"random_{k}"] = rng.choice([0, 1, 2, 4, 7, 9, 12, 15, 25, 40, 80], size=shape)
    return tables


def rows() -> list[dict]:
    out = []
    for name, counts in reference_tables().items():
        frame = pd.DataFrame(counts)
        t = suppress_counts(frame, Policy(min_count=MIN_COUNT), name=name)
        r, c = counts.shape
        ext = np.zeros((r + 1, c + 1), dtype=np.int64)
        ext[:r, :c] = counts
        ext[:r, c] = counts.sum(1)
        ext[r, :c] = counts.sum(0)
        ext[r, c] = counts.sum()
        for i in range(r + 1):
            for j in range(c + 1):
                out.append(
                    {
                        "table": name,
                        "row": i,
                        "col": j,
                        "n_rows": r + 1,
                        "n_cols": c + 1,
                        "value": int(ext[i, j]),
                        "status": t.status.iat[i, j],
                    }
                )
    return out


def main() -> None:
    path = HERE / "suppression_tables.csv"
    data = rows()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(data[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
    print(f"wrote {path} ({len(data)} cells)")


if __name__ == "__main__":
    main()
