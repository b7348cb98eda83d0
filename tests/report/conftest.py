"""Fixtures of the report tests: the example's reports, built once per session, and the browser checks."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_example

from analysis.report.build import build_reports
from analysis.study import Study

#: The Node.js side of the browser checks: axe-core and playwright-core (package.json, lock file).
JS = Path(__file__).parent / "js"


@pytest.fixture(scope="session")
def built_batch(tmp_path_factory):
    """The example study's reports (the study report and one per municipality) and the batch's progress bar."""
    folder = tmp_path_factory.mktemp("study")
    study = Study.from_yaml(copy_example(folder))
    progress = io.StringIO()
    paths = build_reports(study, municipalities=["all"], progress=progress)
    return study, paths, progress.getvalue()


@pytest.fixture(scope="session")
def built(built_batch):
    study, paths, _ = built_batch
    return study, paths


@pytest.fixture(scope="session")
def copied_reports(built, tmp_path_factory):
    """The reports folder copied elsewhere on its own, as a reader gets it."""
    study, _ = built
    target = tmp_path_factory.mktemp("elsewhere") / "rapporten"
    shutil.copytree(study.reports_dir, target)
    return target


@pytest.fixture(scope="session")
def opened(copied_reports, browser_check):
    """Every report page of the copied folder opened in Chromium with the network blocked (js/check.mjs)."""
    pages = [copied_reports / "rapport.html", *sorted((copied_reports / "gemeenten").glob("*.html"))]
    return {p.relative_to(copied_reports).as_posix(): r for p, r in browser_check(*pages).items()}


@pytest.fixture(scope="session")
def survey(built):
    study, _ = built
    return study.get("organisatie_enquete")


@pytest.fixture(scope="session")
def browser_check(chromium):
    """``check(*pages)``: open pages in Chromium with the network blocked; run axe-core on each.

    Returns ``{path: {violations, requests, consoleErrors, pageErrors, figures}}`` (see js/check.mjs).
    Needs Node.js and ``npm ci`` in tests/report/js: a failure in CI, a skip elsewhere.
    """
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "Node.js is not installed (apt-get install nodejs npm)"
    elif (
        not (JS / "node_modules" / "axe-core").is_dir()
        or not (JS / "node_modules" / "playwright-core").is_dir()
    ):
        missing = f"the browser-test packages are not installed: run `npm ci --prefix {JS}`"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)

    def check(*pages: Path) -> dict[Path, dict]:
        result = subprocess.run(
            [node, str(JS / "check.mjs"), chromium, *(str(p.resolve()) for p in pages)],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=JS,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return {Path(k): v for k, v in json.loads(result.stdout).items()}

    return check
