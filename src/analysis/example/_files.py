"""Byte-for-byte reproducible writers: the same data give the same file, run after run.

Three formats put the wall-clock time into the file they write:

- ReadStat (behind :func:`pyreadstat.write_sav`) writes the creation date and time into the
  fixed-width fields of the ``.sav`` header record (``dd mmm yy`` and ``hh:mm:ss`` at byte
  offsets 92 and 101);
- openpyxl sets ``dcterms:modified`` in ``docProps/core.xml`` to "now" on every save, and
  Python's :mod:`zipfile` stamps every entry with the local time;
- any ``.qdpx`` (a zip) likewise.

The helpers here write the file and then pin those fields to fixed values.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: The fixed timestamp stamped into every generated file (zip entries, xlsx core properties,
#: the .sav header). Chosen inside the synthetic study's fieldwork window.
FIXED_DATETIME = (2026, 5, 1, 12, 0, 0)
FIXED_ISO = "2026-05-01T12:00:00Z"

# Offsets of the creation date and time in the SPSS .sav header record (after the 4-byte
# record type, 60-byte product name, 4 x 4-byte integers and the 8-byte compression bias).
_SAV_DATE_OFFSET = 92
_SAV_DATE = b"01 May 26"
_SAV_TIME = b"12:00:00"


def write_sav(df: Any, path: Path, **kwargs: Any) -> Path:
    """Write an SPSS ``.sav`` with :func:`pyreadstat.write_sav` and a fixed creation stamp.

    Parameters
    ----------
    df
        The frame to write (codes, not labels).
    path
        Target file.
    **kwargs
        Passed to :func:`pyreadstat.write_sav` (labels, value labels, missing ranges ...).

    Returns
    -------
    Path
        ``path``.
    """
    import pyreadstat

    pyreadstat.write_sav(df, str(path), **kwargs)
    data = bytearray(path.read_bytes())
    if data[:4] not in (b"$FL2", b"$FL3"):
        raise RuntimeError(f"{path}: not an SPSS system file after writing")
    start = _SAV_DATE_OFFSET
    data[start : start + 9] = _SAV_DATE
    data[start + 9 : start + 17] = _SAV_TIME
    path.write_bytes(bytes(data))
    return path


def write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> Path:
    """Write a zip archive whose entries carry :data:`FIXED_DATETIME` and fixed attributes.

    Parameters
    ----------
    path
        Target file.
    members
        ``(name, content)`` pairs, written in the order given.

    Returns
    -------
    Path
        ``path``.
    """
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATETIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the platform that runs the generator
            zf.writestr(info, content)
    return path


def write_xlsx(workbook: Any, path: Path) -> Path:
    """Save an openpyxl workbook with fixed core-property times and fixed zip stamps.

    openpyxl overwrites ``modified`` with the current time on every save, so the saved
    package is rewritten: ``docProps/core.xml`` gets :data:`FIXED_ISO` for both
    ``created`` and ``modified`` and every zip entry gets :data:`FIXED_DATETIME`.
    """
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    members = []
    with zipfile.ZipFile(buffer) as zf:
        for info in zf.infolist():
            content = zf.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)",
                        rf"\g<1>{FIXED_ISO}\g<2>",
                        text,
                    )
                content = text.encode("utf-8")
            members.append((info.filename, content))
    return write_zip(path, members)
