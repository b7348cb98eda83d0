"""analysis.outputs: every published file is written whole or not at all."""

from __future__ import annotations

import os

import pytest

from analysis.outputs import Output, write_outputs


def test_outputs_are_written_with_ordinary_permissions_and_no_leftovers(tmp_path):
    paths = write_outputs([Output("a.html", b"<p>a</p>"), Output("sub/b.xlsx", b"xlsx")], tmp_path)
    assert [p.read_bytes() for p in paths] == [b"<p>a</p>", b"xlsx"]
    umask = os.umask(0)
    os.umask(umask)
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in paths)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.html", "b.xlsx"]


def test_a_failed_write_keeps_the_earlier_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    import analysis.outputs

    (tmp_path / "rapport.html").write_bytes(b"earlier report")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(analysis.outputs.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_outputs([Output("rapport.html", b"new report")], tmp_path)
    assert (tmp_path / "rapport.html").read_bytes() == b"earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]
