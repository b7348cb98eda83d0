"""The `bruggen` command: help texts, quick start-up, readable errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import run_cli

HEAVY = ("great_expectations", "statsmodels", "plotly", "pandas", "pyreadstat", "scipy", "numpy")
COMMANDS = ("init", "example", "codebook", "suites", "validate", "report", "lab")


def test_help_lists_every_subcommand():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_subcommand_has_useful_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    # the first docstring line is shown, not an empty help
    assert len(result.stdout.split("Usage", 1)[1].strip().splitlines()) > 3


@pytest.mark.parametrize(
    "code",
    [
        "import analysis",
        "import analysis.cli",
        "from analysis.cli import app; app(['--help'], standalone_mode=False)",
    ],
)
def test_help_and_import_do_not_load_heavy_libraries(code):
    """`bruggen --help` and `import analysis` stay quick: heavy imports happen only where used."""
    probe = f"import sys\n{code}\nprint(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.strip().splitlines()[-1].split(","))
    assert not loaded & set(HEAVY), f"loaded at import/help time: {sorted(loaded & set(HEAVY))}"


def test_missing_study_file_is_a_readable_error(tmp_path):
    result = run_cli("validate", "--study", str(tmp_path / "nope.yml"))
    assert result.returncode == 2
    assert "study file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = run_cli("--debug", "validate", "--study", str(tmp_path / "nope.yml"))
    assert result.returncode != 0
    assert "Traceback" in result.stderr
