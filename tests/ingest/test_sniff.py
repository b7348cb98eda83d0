"""What a wrongly named file really is, from its first bytes."""

from __future__ import annotations

import pytest

from analysis.ingest.sniff import file_kind


@pytest.mark.parametrize(
    "head, kind",
    [
        (b"PK\x03\x04rest", "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "an old Office file"),
        (b"$FL2@(#) IBM SPSS", "an SPSS data file"),
        (b"%PDF-1.7", "a PDF document"),
        (b"\x1f\x8b\x08", "a gzip-compressed file"),
        (b"PAR1", "a parquet file"),
        ("naam;leeftijd\n".encode("utf-16-le"), "UTF-16 text"),
        (b"\x00\x01\x02\x03abcdefghijklmnop", "a binary file"),
    ],
)
def test_binary_files_are_recognised(head, kind):
    assert file_kind(head).startswith(kind)
    assert file_kind(head, text=True).startswith(kind)


def test_text_is_described_only_when_asked():
    assert file_kind(b"naam;leeftijd\r\nAnna;34\r\n") is None
    assert file_kind(b"naam;leeftijd\r\n", text=True) == "a text file, e.g. a CSV export"
    assert file_kind(b"\xef\xbb\xbf<?xml version='1.0'?>", text=True) == "an XML or HTML file"
    assert file_kind(b"\xff\xfe\xfa caf\xe9", text=True) is None  # neither UTF-8 nor a known signature
