"""Shared fixtures: the project root, the real files in ../shared/realdata, headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Real files made by SPSS, PSPP, Qualtrics, LimeSurvey and ATLAS.ti (never copied into the repo).
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"the real test files are not here ({REALDATA}); they sit beside the repository in CI")
    return REALDATA


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless Chromium; in CI its absence is a failure, elsewhere a skip."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed; .ci/run should install it (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def copy_example(folder: Path) -> Path:
    """Copy the example study (study.yml and data/: raw files, codebooks, suites) into ``folder``.

    Tests change and render the copy; the repository's data/raw is never touched.
    """
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "study.yml", folder / "study.yml")
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("processed"))
    return folder / "study.yml"
