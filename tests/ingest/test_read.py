"""The entry point: dispatch, options, and raw files left exactly as they were."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import REALDATA, realdata_missing

from analysis.errors import ReadError
from analysis.ingest import OPTIONS, read

#: Real files that must fail (with a clear ReadError) rather than read.
UNREADABLE = {"hotel-encrypted.sav", "CVE-2017-10791.sav"}
#: Real files that are documentation, not data.
NOT_DATA = {".pdf", ".xsd", ".md"}
#: Questionnaire definitions (Qualtrics .qsf, LimeSurvey's queXML structure): not data Bruggen
#: reads yet, so they must fail with a clear ReadError, like the unreadable files.
DEFINITIONS = {".qsf", ".xml"}


def _unreadable(path: Path) -> bool:
    return path.name in UNREADABLE or path.suffix.lower() in DEFINITIONS


def _real_files() -> list[Path]:
    if realdata_missing():
        return []
    return sorted(p for p in REALDATA.rglob("*") if p.is_file() and p.suffix.lower() not in NOT_DATA)


def _real_file_params() -> list:
    """One parameter per real data file; without the folder, one skipped case saying why."""
    reason = realdata_missing()
    if reason:
        return [pytest.param(None, id="no-realdata", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(p, id=p.name) for p in _real_files()]


def _snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.realdata
def test_reading_real_files_changes_nothing(realdata):
    before = _snapshot(realdata)
    for path in _real_files():
        try:
            read(path)
        except ReadError:
            assert _unreadable(path), path
    assert _snapshot(realdata) == before


@pytest.mark.realdata
@pytest.mark.parametrize("path", _real_file_params())
def test_every_real_file_reads_or_fails_clearly(path, tmp_path):
    # Work on a copy in a folder of its own, so "no new files next to it" is checked exactly.
    folder = tmp_path / "raw"
    folder.mkdir()
    copy = folder / path.name
    shutil.copy2(path, copy)
    os.chmod(copy, 0o444)
    before = _snapshot(folder)
    if _unreadable(path):
        with pytest.raises(ReadError) as info:
            read(copy)
        assert str(copy) in str(info.value) and "What to do" in str(info.value)
    else:
        ds = read(copy)
        assert len(ds.frame.columns) > 0
        assert ds.path == copy
    assert _snapshot(folder) == before


def test_unknown_option_is_named(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n")
    with pytest.raises(ReadError, match="unknown reading option\\(s\\): dilaect") as info:
        read(path, dilaect="plain")
    for name in OPTIONS:
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing.sav", "file not found"),
        ("data.parquet", "cannot read .parquet"),
        ("noext", "extension-less"),
    ],
)
def test_paths_that_cannot_be_read(tmp_path, name, words):
    path = tmp_path / name
    if name != "missing.sav":
        path.write_text("x")
    with pytest.raises(ReadError, match=words):
        read(path)


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(ReadError, match="folder"):
        read(tmp_path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".qdpx", ".sav", ".txt", ".docx"])
def test_every_reader_accepts_every_option(tmp_path, suffix):
    """A study may give any dataset the same options; readers ignore the ones they do not use."""
    import docx
    import openpyxl
    import pandas as pd
    import pyreadstat

    path = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        path.write_text("a,b\n1,2\n")
    elif suffix == ".txt":
        path.write_text("Een transcript.\n")
    elif suffix == ".xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(["a", "b"])
        wb.active.append([1, 2])
        wb.save(path)
    elif suffix == ".sav":
        pyreadstat.write_sav(pd.DataFrame({"a": [1.0]}), str(path))
    elif suffix == ".docx":
        d = docx.Document()
        d.add_paragraph("Een transcript.")
        d.save(str(path))
    else:
        import zipfile

        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="leeg"/>')
    ds = read(path, dataset="naam", codebook=None, sheet=None, encoding=None, dialect=None)
    assert ds.name == "naam"
