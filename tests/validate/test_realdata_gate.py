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
        book = Codebook.from_yaml(path)
        described = describe_observed(book, t.dataset)
        if described is not book:
            described.to_yaml(path)
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


def test_the_codebook_init_writes_records_the_codes_the_labels_miss(tmp_path):
    reason = realdata_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path / "studie"
    folder.mkdir()
    shutil.copy(REALDATA / "spss" / "simple_alltypes.sav", folder)
    _init(folder)
    x = Codebook.from_yaml(folder / "codebooks" / "simple_alltypes.yml")["x"]
    assert x.value_labels == {1: "red", 2: "green", 3: "blue"} and x.missing_values == [7, 8, 99]
    assert x.unlabelled_codes == [4, 9]
    result = CliRunner().invoke(app, ["validate", "--study", str(folder / "study.yml")])
    assert result.exit_code == 0, result.output
    import json

    checks = json.loads((folder / "reports" / "validatie.json").read_text(encoding="utf-8"))["checks"]
    (value_set,) = [c for c in checks if c["rule"] == "simple_alltypes.x.value_set"]
    assert value_set["status"] == "passed" and "1, 2, 3, 4, 7, 8, 9, 99" in value_set["description"]
