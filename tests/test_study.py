"""The study catalog: study.yml, paths relative to it, and clear errors for a broken one."""

from __future__ import annotations

import pytest

from analysis.errors import StudyConfigError
from analysis.study import Study

ROOT_STUDY = """
name: proef
title: Proefstudie
datasets:
  enquete:
    path: raw/enquete.sav
    codebook: codebooks/enquete.yml
disclosure:
  min_count: 10
"""


def _write(tmp_path, text: str):
    path = tmp_path / "study.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_resolve_against_the_study_folder(tmp_path):
    study = Study.from_yaml(_write(tmp_path, ROOT_STUDY))
    entry = study.entry("enquete")
    assert entry.path == tmp_path / "raw" / "enquete.sav"
    assert entry.codebook == tmp_path / "codebooks" / "enquete.yml"
    assert study.reports_dir == tmp_path / "reports"
    assert study.resolve("~/x.txt").is_absolute()
    assert study.title == "Proefstudie"
    assert not study.synthetic


def test_the_study_is_found_from_a_subfolder(tmp_path, monkeypatch):
    _write(tmp_path, ROOT_STUDY)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.delenv("BRUGGEN_STUDY", raising=False)
    assert Study.from_yaml().root == tmp_path


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: x\n", "needs a 'datasets' section"),
        ("datasets:\n  enquete:\n    codebook: a.yml\n", "dataset 'enquete' has no 'path'"),
        ("datasets:\n  enquete:\n    path: a.sav\n    pad: b\n", "unknown key\\(s\\): pad"),
        ("datasets: [unclosed\n", "not valid YAML"),
        ("datasets:\n  enquete: a.sav\ndisclosure: 10\n", "'disclosure' must be a mapping"),
    ],
)
def test_a_broken_study_file_gets_a_clear_error(tmp_path, text, message):
    with pytest.raises(StudyConfigError, match=message) as info:
        study = Study.from_yaml(_write(tmp_path, text))
        study.section("disclosure")
    assert str(tmp_path / "study.yml") in str(info.value)


def test_an_unknown_dataset_name_lists_the_known_ones(tmp_path):
    study = Study.from_yaml(_write(tmp_path, ROOT_STUDY))
    with pytest.raises(StudyConfigError, match="known datasets: enquete"):
        study.load("enquête")


def test_a_missing_data_file_is_a_read_error_naming_it(tmp_path):
    from analysis.errors import ReadError

    study = Study.from_yaml(_write(tmp_path, ROOT_STUDY))
    with pytest.raises(ReadError, match="file not found") as info:
        study.load("enquete")
    assert "enquete.sav" in str(info.value)
