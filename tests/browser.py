"""Open a page in a real headless Chromium and return what it rendered."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from analysis.report.pdf import OFFLINE_FLAGS

FLAGS = (*OFFLINE_FLAGS, "--enable-logging=stderr", "--v=0")


@dataclass(frozen=True)
class Rendered:
    dom: str
    console: list[str]


def render(chromium: str, page: Path, *, budget_ms: int = 8000) -> Rendered:
    """Load ``page`` (a file) in headless Chromium; return the DOM after scripts ran and console lines."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    return Rendered(dom=result.stdout, console=console)


def screenshot(chromium: str, page: Path, out: Path, *, width: int = 1280, height: int = 2400) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=8000",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    return out
