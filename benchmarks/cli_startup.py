"""How long `bruggen --help` and `import analysis` take (target: well under a second).

Run with `make benchmark`. Prints a table; not part of the test suite.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

CASES = {
    "bruggen --help": [sys.executable, "-m", "analysis.cli", "--help"],
    "import analysis": [sys.executable, "-c", "import analysis"],
    "import analysis.cli": [sys.executable, "-c", "import analysis.cli"],
}


def main(repeats: int = 5) -> None:
    print(f"{'command':<24} {'median s':>9} {'max s':>7}   target")
    for name, cmd in CASES.items():
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
        print(f"{name:<24} {statistics.median(times):>9.3f} {max(times):>7.3f}   < 1.0")


if __name__ == "__main__":
    main()
