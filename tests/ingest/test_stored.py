"""Stored codes kept compactly (issue #14): the same frame, codes and missing reasons as before.

"Before" is the reading as it was: one ``pyreadstat.read_sav`` of the whole file, dates converted,
and :func:`~analysis.ingest.labels.labelled_frame` applied to that frame of codes, which the
Dataset kept in full. The reader now reads large files in slices of rows and keeps the codes
dictionary-encoded (:mod:`analysis.ingest.stored`); every value must come out the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import real_file

from analysis.codebook import Variable
from analysis.ingest import spss, stored
from analysis.ingest.labels import labelled_frame

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "raw" / "organisatie_enquete.sav"
REAL = [
    "sample.sav",
    "sample.por",
    "sample_missing.sav",
    "simple_alltypes.sav",
    "tegulu.sav",
    "test_width.sav",
    "datetime.sav",
    "labelled-num-na.sav",
    "umlauts.sav",
    "llz.zsav",
    "v13.sav",
    "german.sav",
    "greetings.sav",
    "spssio_test.sav",
]


def before(path: Path):
    """The reading as it was: the whole file at once, the codes kept as a frame."""
    df, meta = spss._read_raw(path, encoding=None)
    warnings: list[str] = []
    df = spss._convert_dates(df, meta, warnings)
    book = spss.codebook_from_meta(meta, path.stem)
    return labelled_frame(df, book), df, book, warnings


def assert_same_as_before(path: Path) -> None:
    frame, codes, book, warnings = before(path)
    ds = spss.read(path)
    pd.testing.assert_frame_equal(ds.frame, frame, check_exact=True)
    pd.testing.assert_frame_equal(ds.codes, codes, check_exact=True)
    assert list(ds.warnings) == warnings
    for col in codes.columns:
        pd.testing.assert_series_equal(ds.code_column(col), codes[col], check_exact=True)
        if book[col].missing_values or book[col].missing_ranges:
            old = spss.Dataset(frame=frame, codebook=book, codes=codes).missing_reason(col)
            pd.testing.assert_series_equal(ds.missing_reason(col), old)
    pd.testing.assert_frame_equal(
        ds.numeric(), spss.Dataset(frame=frame, codebook=book, codes=codes).numeric(), check_exact=True
    )


def test_example_reads_as_before():
    assert_same_as_before(EXAMPLE)


def test_example_read_in_slices_reads_as_before(monkeypatch):
    # 600 respondents in slices of 70 rows: joins of slices whose distinct values differ
    monkeypatch.setattr(spss, "CHUNK_CELLS", 70 * 53)
    monkeypatch.setattr(spss, "CHUNK_MIN_ROWS", 70)
    assert_same_as_before(EXAMPLE)


@pytest.mark.realdata
@pytest.mark.parametrize("name", REAL)
def test_real_file_reads_as_before(name):
    assert_same_as_before(real_file("spss", name))


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["llz.zsav", "spssio_test.sav", "simple_alltypes.sav", "sample_missing.sav"])
def test_real_file_read_in_slices_reads_as_before(monkeypatch, name):
    monkeypatch.setattr(spss, "CHUNK_CELLS", 3)
    monkeypatch.setattr(spss, "CHUNK_MIN_ROWS", 2)  # every two rows a pyreadstat call
    if name == "llz.zsav":
        monkeypatch.setattr(spss, "CHUNK_MIN_ROWS", 500)
    assert_same_as_before(real_file("spss", name))


def test_example_codes_are_kept_compactly():
    ds = spss.read(EXAMPLE)
    full = ds.codes.memory_usage(deep=True).sum()
    numeric = [c for c in ds.codes.columns if ds.codes[c].dtype == np.float64]
    assert numeric
    # the encoded codes hold one or two bytes per answer, not eight
    assert ds.stored.nbytes() < 0.25 * ds.codes[numeric].memory_usage(deep=True).sum()
    assert ds.stored.nbytes() < full


def test_encode_round_trip_keeps_every_bit():
    raw = pd.Series([1.0, 2.0, np.nan, 8.0, 2.0, 9.0, np.nan], name="q")
    enc = stored.encode(raw)
    assert isinstance(enc, stored.Encoded)
    assert enc.values.tolist() == [1.0, 2.0, 8.0, 9.0]
    assert enc.positions.dtype == np.int8
    pd.testing.assert_series_equal(enc.decode(raw.index), raw, check_exact=True)


@pytest.mark.parametrize(
    ("values", "compact"),
    [
        ([1.0, 2.0, np.nan, 8.0, 99.0, -9.0], np.float32),  # coded answers: exact as float32
        ([1.0, 2.5, np.nan], np.float64),  # a fraction: kept as float64
        ([1.0, 2.0**24 + 2], np.float64),  # beyond float32's whole numbers
    ],
)
def test_compact_decoding_is_float32_only_where_every_comparison_is_the_same(values, compact):
    raw = pd.Series(values, name="q")
    enc = stored.encode(raw)
    small = enc.decode(raw.index, compact=True)
    assert small.dtype == compact
    assert enc.decode(raw.index).dtype == np.float64  # the codes as stored stay float64
    pd.testing.assert_series_equal(small.astype(np.float64), raw, check_exact=True)
    for probe in [*values, 0.5, 2.0**24 + 1]:
        assert ((small == probe) == (raw == probe)).all() and ((small < probe) == (raw < probe)).all()
    frame = stored.StoredCodes({"q": enc, "t": pd.Series(["a"] * len(raw))}, raw.index).to_frame(compact=True)
    assert frame["q"].dtype == compact and frame["t"].dtype == "str"  # other columns as they are


def test_encode_leaves_what_it_cannot_keep_exactly():
    signed_zero = pd.Series([0.0, -0.0, 1.0])  # -0.0 == 0.0, so one distinct value would lose the sign
    assert stored.encode(signed_zero) is signed_zero
    many = pd.Series(np.arange(stored.MAX_DISTINCT + 1, dtype="float64"))
    assert stored.encode(many) is many
    text = pd.Series(["a", "b"])
    assert stored.encode(text) is text


def test_join_of_slices_with_different_values():
    a, b = pd.Series([1.0, np.nan, 3.0]), pd.Series([2.0, 1.0, 5.0])
    index = pd.RangeIndex(6)
    whole = stored.join([stored.encode(a), stored.encode(b)], index)
    assert isinstance(whole, stored.Encoded)
    assert whole.decode(index).tolist()[:1] == [1.0]
    pd.testing.assert_series_equal(
        whole.decode(index), pd.concat([a, b], ignore_index=True), check_exact=True, check_names=False
    )
    mixed = stored.join([stored.encode(a), pd.Series([0.5] * 3)], index)  # a slice left unencoded
    assert isinstance(mixed, pd.Series)
    assert mixed.tolist()[3:] == [0.5] * 3


def test_labelled_column_matches_labelled_frame_row_by_row():
    var = Variable(
        name="q",
        label="",
        type="numeric",
        measure="ordinal",
        value_labels={1: "eens", 2: "oneens", 8: "weet niet"},
        missing_values=[8],
        missing_ranges=[[90, 99]],
    )
    raw = pd.Series([1.0, 2.0, 8.0, np.nan, 95.0, 2.0], name="q")
    from analysis.codebook import Codebook

    expected = labelled_frame(raw.to_frame(), Codebook(dataset="d", variables=(var,)))["q"]
    got = stored.labelled_column(stored.encode(raw), var, raw.index)
    pd.testing.assert_series_equal(got, expected)
    assert isinstance(got.dtype, pd.CategoricalDtype) and got.cat.ordered
    unlabelled = pd.Series([1.0, 3.0, 8.0], name="q")  # 3 has no label: numbers stay numbers
    expected = labelled_frame(unlabelled.to_frame(), Codebook(dataset="d", variables=(var,)))["q"]
    pd.testing.assert_series_equal(
        stored.labelled_column(stored.encode(unlabelled), var, unlabelled.index), expected
    )


@pytest.mark.parametrize(
    "values",
    [
        [np.nan, np.nan],
        [],
        [np.inf, -np.inf, 1.0, np.nan],
        [-3.0, 2.0, 4095.0, np.nan, -3.0],  # whole numbers: positions by look-up
        [-3.5, 2.0, 50_000.0, np.nan, 0.0],  # fractions, wide span: positions by search
        [1e300, -1e-300, 5e-324],
    ],
)
def test_encode_round_trip_edge_cases(values):
    raw = pd.Series(values, dtype="float64", name="x")
    enc = stored.encode(raw)
    assert isinstance(enc, stored.Encoded)
    back = enc.decode(raw.index)
    pd.testing.assert_series_equal(back, raw, check_exact=True)
    assert np.array_equal(
        back.to_numpy()[raw.notna()].view(np.int64), raw.to_numpy()[raw.notna()].view(np.int64)
    )
