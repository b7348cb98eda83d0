"""Shared fixtures: the project root, the real files in ../shared/realdata, headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Real files made by SPSS, PSPP, Qualtrics, LimeSurvey and ATLAS.ti (never copied into the repo).
REALDATA = ROOT.parent / "shared" / "realdata"
#: BRUGGEN_REALDATA points the tests at another folder of real files; a folder that does not
#: exist makes every test that needs them skip (``BRUGGEN_REALDATA=/nonexistent pytest ...``).
if os.environ.get("BRUGGEN_REALDATA"):
    REALDATA = Path(os.environ["BRUGGEN_REALDATA"]).expanduser().resolve()


def realdata_missing() -> str | None:
    """Why tests of the real files cannot run here (their folder is absent), or ``None``."""
    if REALDATA.is_dir():
        return None
    return (
        f"the real test files are not here ({REALDATA}); they sit beside the repository in CI "
        "(../shared/realdata), or set BRUGGEN_REALDATA to their folder"
    )


def real_file(*parts: str) -> Path:
    """A file under :data:`REALDATA`, e.g. ``real_file("spss", "sample.sav")``.

    Skips the test (with the reason) when the folder of real files is absent; fails when the
    folder is there but the file is not, since the copy is then incomplete.
    """
    reason = realdata_missing()
    if reason:
        pytest.skip(reason)
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from the real test files; see {REALDATA / 'MANIFEST.md'}")
    return path


@pytest.fixture(scope="session", autouse=True)
def store_key(tmp_path_factory) -> Path:
    """The key that signs stored validations and results in this test run (and its subprocesses).

    Never the user's ``~/.config/bruggen/store.key``: one beside pytest's temporary folders of
    this user (``/tmp/pytest-of-<user>/``), kept across runs so that what one run stored in the
    repository's example study is still this "user's" in the next; it is created when first
    used (:mod:`analysis.store_signing`).
    """
    from analysis import store_signing

    path = tmp_path_factory.getbasetemp().parent / "bruggen-store.key"
    os.environ[store_signing.KEY_FILE_ENV] = str(path)
    return path


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``realdata`` skip, with the reason, when the real files are absent."""
    if item.get_closest_marker("realdata") is not None:
        reason = realdata_missing()
        if reason:
            pytest.skip(reason)


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


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``bruggen`` as a researcher would (``python -m analysis.cli ARGS``), capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "analysis.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


#: Fixtures of the example study's built reports (tests/report/conftest.py, session-scoped): the tests
#: that use them run on one worker, so the batch is built once however many workers there are.
_BATCH_FIXTURES = {"built", "built_batch", "copied_reports", "opened", "survey"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests for parallel workers (``pytest -n auto --dist loadgroup``, ``make test``).

    A test file's tests stay on one worker (its module fixtures are made once), and so do all
    tests of the built example reports; the groups are spread over the workers by load.
    """
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        path = item.nodeid.split("::")[0]
        if path.startswith("tests/report/") and _BATCH_FIXTURES & set(getattr(item, "fixturenames", ())):
            group = "report-batch"
        else:
            group = path
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture
def runs(monkeypatch) -> list[str]:
    """Counts the real validation gate's runs (it still runs in full); loaded studies forgotten first."""
    from analysis.study import _LOADED
    from analysis.validate import gate

    calls: list[str] = []
    real = gate.run

    def counting(study):
        calls.append(study.name)
        return real(study)

    monkeypatch.setattr(gate, "run", counting)
    _LOADED.clear()
    return calls
