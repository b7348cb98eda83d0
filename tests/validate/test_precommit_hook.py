"""``.pre-commit-hooks.yaml``: other repositories can run the gate as a pre-commit hook."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


@pytest.fixture(scope="module")
def hooks() -> list[dict]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, "a pre-commit manifest is a list of hooks"
    return data


@pytest.fixture(scope="module")
def hook(hooks) -> dict:
    (found,) = [h for h in hooks if h.get("id") == "bruggen-validate"]
    return found


def test_every_hook_has_the_keys_pre_commit_requires(hooks):
    for h in hooks:
        for key in ("id", "name", "entry", "language"):
            assert isinstance(h.get(key), str) and h[key], f"{h.get('id')}: {key} missing"


def test_the_gate_hook(hook):
    assert hook["entry"] == "bruggen validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook.get("always_run") is True or hook.get("files")
    if hook.get("files"):
        files = re.compile(hook["files"])
        for path in ("study.yml", "studie/study.yaml", "data/codebooks/enquete.yml", "data/raw/enquete.sav"):
            assert files.search(path), path
        assert not files.search("src/analysis/cli.py")


def test_the_entry_is_a_console_script_with_that_command(hook):
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    program, *args = shlex.split(hook["entry"])
    assert program in scripts
    module, _, attr = scripts[program].partition(":")
    assert (module, attr) == ("analysis.cli", "main")
    from analysis.cli import app

    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert args[0] in commands


def test_pre_commit_accepts_the_manifest():
    """pre-commit's own schema (a dev dependency) validates the file as it would in a user's repo."""
    clientlib = pytest.importorskip("pre_commit.clientlib")
    loaded = clientlib.load_manifest(str(MANIFEST))
    assert [h["id"] for h in loaded] == ["bruggen-validate"]
