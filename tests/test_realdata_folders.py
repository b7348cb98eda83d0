"""Real files of other studies, each alone in a folder: `init` -> `validate` -> `report` with no edits.

What a new user does with a file Bruggen has never seen. Every step exits 0, and no published
page carries a respondent's own words: no text value of the file (an open answer, a name)
appears in any report but the validation report, which names rows, never their contents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REALDATA, realdata_missing, run_cli

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

#: Files with open answers, names, long strings, multiple-response sets, special codes and an
#: interview project: one of each kind of trouble the folder holds.
FILES = (
    "survey_exports/qualtrics_text_entry.csv",
    "survey_exports/qualtrics_sample_legacy.csv",
    "survey_exports/limesurvey_codeonly.csv",
    "spss/spssio_test.sav",
    "spss/test_width.sav",
    "spss/greetings.sav",
    "spss/simple_alltypes.sav",
    "qda/atlasti8_testproject.qdpx",
)


def _own_words(path: Path) -> set[str]:
    """The file's long text values that are not its own labels (question texts, answer labels)."""
    from analysis.ingest import read

    ds = read(path)
    labels = set()
    for var in ds.codebook:
        labels.add((var.label or "").strip())
        labels.update(str(v).strip() for v in var.value_labels.values())
    frame = ds.frame
    out = set()
    for column in frame.columns:
        for value in frame[column].dropna().astype(str).unique():
            value = value.strip()
            if len(value) >= 25 and value not in labels and not value.startswith(("{", "http")):
                out.add(value)
    return out


@pytest.mark.parametrize("name", FILES)
def test_a_real_file_alone_in_a_folder_becomes_a_report_that_publishes_no_ones_words(tmp_path, name):
    reason = realdata_missing()
    if reason:
        pytest.skip(reason)
    source = REALDATA / name
    shutil.copy2(source, tmp_path / source.name)
    for step in (("init", "."), ("validate",), ("report",)):
        result = run_cli(*step, cwd=tmp_path)
        assert result.returncode == 0, f"bruggen {step[0]}: {result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    pages = [p for p in (tmp_path / "reports").rglob("*.html") if not p.name.startswith("validatie")]
    assert pages
    published = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    import html

    published = html.unescape(published)
    leaked = sorted(v for v in _own_words(source) if v in published)
    assert not leaked, leaked[:3]
