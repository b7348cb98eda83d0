"""Every real file, alone in a folder: init, then validate passes on the untouched file (exit 0).

The codebook init proposes must describe its file truthfully (``analysis.codebook.describe_observed``):
a count labelled only on its special codes is a measure, codes the labels miss are recorded. Until
``init_study`` calls it, :func:`_init` does what that one line will do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REALDATA, realdata_missing
from typer.testing import CliRunner

from analysis.cli import app
from analysis.codebook import Codebook, describe_observed
from analysis.errors import StudyConfigError
from analysis.init import init_study
from analysis.study import Study
from analysis.validate.suites import regenerate_study

pytestmark = pytest.mark.realdata

#: Files that must not be read, with what the message says.
UNREADABLE = {"hotel-encrypted.sav": "encrypted", "CVE-2017-10791.sav": "damaged"}


def _files() -> list[str]:
    if realdata_missing():
        return ["(real files absent)"]
    spss = sorted(p.name for p in (REALDATA / "spss").iterdir() if p.is_file())
    exports = sorted(p.name for p in (REALDATA / "survey_exports").glob("*.csv"))
    return [f"spss/{n}" for n in spss] + [f"survey_exports/{n}" for n in exports]


def _init(folder: Path):
    result = init_study(folder)
    for t in result.tables:  # what init's one line will do: the codebook describes its file
        path = folder / "codebooks" / f"{t.name}.yml"
        if describe_observed(Codebook.from_yaml(path), t.dataset) != Codebook.from_yaml(path):
            describe_observed(Codebook.from_yaml(path), t.dataset).to_yaml(path)
    regenerate_study(Study.from_yaml(folder / "study.yml"))
    return result


@pytest.mark.parametrize("name", _files())
def test_a_real_file_alone_passes_its_own_generated_suite(name, tmp_path):
    reason = realdata_missing()
    if reason:
        pytest.skip(reason)
    source = REALDATA / name
    folder = tmp_path / "studie"
    folder.mkdir()
    shutil.copy(source, folder / source.name)
    if source.name in UNREADABLE:
        skipped: list[str] = []
        with pytest.raises(StudyConfigError) as info:
            init_study(folder, warn=skipped.append)
        assert "no data Bruggen can read" in info.value.message
        assert len(skipped) == 1 and UNREADABLE[source.name] in skipped[0], skipped
        return
    _init(folder)
    result = CliRunner().invoke(app, ["validate", "--study", str(folder / "study.yml")])
    assert result.exit_code == 0, result.output
