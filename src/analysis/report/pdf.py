"""Print a rendered report to PDF through headless Chromium, with the report's print stylesheet.

Chromium loads the page from disk with the network off (the same flags the browser tests use),
waits until plotly has drawn every figure (a virtual-time budget), and prints on A4 as the
stylesheet's ``@page`` rule says, without Chromium's own header and footer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from analysis.errors import BruggenError

#: Flags for a headless Chromium that touches no network (the browser tests start it so too).
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: ... and for printing: no header or footer, the page drawn completely before it is printed.
FLAGS = (*OFFLINE_FLAGS, "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise BruggenError(
        "printing a report to PDF needs Chromium, and none was found on the PATH",
        hint="install it (Debian/Ubuntu: apt-get install chromium), or open the HTML report and print it",
    )


def print_pdf(
    page: Path, pdf: Path | None = None, *, chromium: str | None = None, budget_ms: int = 10000
) -> Path:
    """Print ``page`` (an HTML report) to ``pdf`` (default: beside it, ``.pdf``); return the PDF's path."""
    pdf = pdf or page.with_suffix(".pdf")
    chromium = chromium or find_chromium()
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",
                f"--print-to-pdf={tmp}",
                page.resolve().as_uri() + "#print",  # figures drawn at their printed width
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    if done.returncode != 0 or not tmp.is_file() or not tmp.read_bytes().startswith(b"%PDF"):
        tmp.unlink(missing_ok=True)
        raise BruggenError(
            f"Chromium could not print {page.name} to PDF (exit {done.returncode})",
            hint=(done.stderr.strip().splitlines() or ["no message"])[-1],
        )
    tmp.replace(pdf)
    return pdf
