"""What a file really is, from its first bytes: for errors about files with the wrong name."""

from __future__ import annotations


def file_kind(head: bytes, *, text: bool = False) -> str | None:
    """Describe a file from its first bytes, in words a researcher recognises.

    Parameters
    ----------
    head
        The first few kilobytes of the file.
    text
        Also describe text files (XML/HTML, plain text); otherwise text gives ``None``.

    Returns
    -------
    str or None
        For example ``"a PDF document"``, or ``None`` when nothing is recognised.
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a ZIP archive (an Excel workbook or a REFI-QDA project renamed?)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Office file (.xls) or a password-protected workbook"
    if head.startswith((b"$FL2", b"$FL3")):
        return "an SPSS data file"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"\x1f\x8b"):
        return "a gzip-compressed file"
    if head.startswith(b"PAR1"):
        return "a parquet file"
    if head.startswith(b"SQLite format 3\x00"):
        return "a SQLite database (a QualCoder data.qda or a Taguette .sqlite3 renamed?)"
    if b"\x00" in head:
        nul_odd = head[1::2].count(0)
        nul_even = head[0::2].count(0)
        if max(nul_odd, nul_even) > len(head) // 4:
            return "UTF-16 text without a byte-order mark"
        return "a binary file"
    if not text:
        return None
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "an XML or HTML file"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "a text file, e.g. a CSV export"
