"""SPSS files: the real ones in ../shared/realdata, files we generate, and the metadata round trip."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from conftest import real_file

from analysis.codebook import Codebook, Variable
from analysis.errors import BruggenError, ReadError
from analysis.ingest import Dataset, read, spss

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "reference"


def real(name: str) -> Path:
    """A real SPSS file; the test skips when ../shared/realdata is absent."""
    return real_file("spss", name)


# -- the real files -------------------------------------------------------------------------------

#: file -> (rows, columns, encoding) as Bruggen reads them.
SHAPES = {
    "sample.sav": (5, 7, "windows-1252"),
    "sample.por": (5, 7, None),
    "sample_missing.sav": (7, 7, "windows-1252"),
    "simple_alltypes.sav": (6, 12, "windows-1252"),
    "tegulu.sav": (1, 2, "utf-8"),
    "test_width.sav": (5, 4, "utf-8"),
    "datetime.sav": (2, 3, "windows-1252"),
    "labelled-num-na.sav": (2, 1, "utf-8"),
    "umlauts.sav": (4, 1, "utf-8"),
    "llz.zsav": (4670, 18, "windows-1252"),
    "v13.sav": (2, 4, "windows-1252"),
    "german.sav": (1, 6, "windows-1252"),
    "greetings.sav": (12, 3, "utf-8"),
    "spssio_test.sav": (9, 22, "utf-8"),
}

#: file -> words the error message must contain.
FAILURES = {
    "hotel-encrypted.sav": ("password-encrypted", "save an unencrypted copy"),
    "CVE-2017-10791.sav": ("damaged", "save it again"),
}


@pytest.mark.realdata
def test_every_real_spss_file_is_covered():
    assert {p.name for p in real_file("spss").iterdir()} == set(SHAPES) | set(FAILURES)


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.realdata
def test_real_file_reads_with_its_shape(name):
    rows, cols, encoding = SHAPES[name]
    ds = read(real(name))
    assert ds.frame.shape == (rows, cols)
    assert ds.codes.shape == (rows, cols)
    assert list(ds.frame.columns) == ds.codebook.names
    assert ds.codebook.encoding == encoding
    assert ds.codebook.dataset == Path(name).stem


@pytest.mark.parametrize("name", sorted(FAILURES))
@pytest.mark.realdata
def test_real_bad_file_fails_clearly(name):
    path = real(name)
    with pytest.raises(ReadError) as info:
        read(path)
    text = str(info.value)
    assert str(path) in text
    for word in FAILURES[name]:
        assert word in text
    assert "What to do" in text


@pytest.mark.realdata
def test_value_labels_become_ordered_categoricals_and_missing_reasons():
    ds = read(real("sample_missing.sav"))
    myord = ds.frame["myord"]
    assert isinstance(myord.dtype, pd.CategoricalDtype)
    assert list(myord.cat.categories) == ["low", "medium", "high"]  # -1 'missing' is a missing code
    assert myord.cat.ordered  # measure: ordinal
    assert myord.isna().tolist() == [False] * 5 + [True, True]
    # The stored codes stay reachable, and why they are missing.
    assert ds.codes["myord"].tolist()[-2:] == [-1.0, -3.0]
    assert ds.missing_reason("myord").tolist()[-2:] == ["missing", "missing code -3"]
    # Discrete and range missing codes on a numeric variable.
    var = ds.codebook["mynum"]
    assert var.missing_values == [-1] and var.missing_ranges == [[2000, 3000]]
    assert ds.frame["mynum"].isna().tolist()[-2:] == [True, True]
    assert ds.numeric(["mynum"])["mynum"].iloc[0] == pytest.approx(1.1)
    assert ds.codebook["mylabl"].value_labels == {-1: "undetermined", 1: "Male", 2: "Female"}
    assert ds.codebook["mylabl"].label == "labeled"


@pytest.mark.realdata
def test_dates_times_and_formats():
    ds = read(real("sample.sav"))
    assert ds.frame["mydate"].dtype.kind == "M"
    assert ds.frame["mydate"].iloc[0] == pd.Timestamp("2018-05-06")
    assert ds.frame["mydate"].iloc[3] == pd.Timestamp("1583-01-01")
    assert ds.frame["dtime"].iloc[0] == pd.Timestamp("2018-05-06 10:10:10")
    assert ds.frame["mytime"].iloc[1] == pd.Timedelta(hours=23, minutes=10, seconds=10)
    types = {v.name: (v.type, v.format) for v in ds.codebook}
    assert types["mydate"] == ("date", "EDATE10")
    assert types["dtime"] == ("datetime", "DATETIME20")
    assert types["mytime"] == ("time", "TIME8")
    assert types["mychar"] == ("string", "A1")
    assert ds.codebook["myord"].measure == "ordinal"


@pytest.mark.realdata
def test_out_of_range_date_is_missing_with_a_warning():
    ds = read(real("datetime.sav"))  # pyreadstat's own conversion raises OverflowError here
    assert pd.isna(ds.frame["date.posix"].iloc[0])
    assert ds.frame["date.posix"].iloc[1] == pd.Timestamp("2014-09-23 15:59:20")
    assert ds.frame["date"].iloc[0] == pd.Timestamp("2014-09-22")
    assert any("date.posix" in w and "outside the years" in w for w in ds.warnings)


@pytest.mark.realdata
def test_quarter_year_format_is_a_date():
    ds = read(real("simple_alltypes.sav"))
    assert ds.codebook["quarter"].type == "date"
    assert ds.frame["quarter"].iloc[0] == pd.Timestamp("2014-10-01")
    assert ds.frame["y"].iloc[3] == pd.Timestamp("1776-07-04")


@pytest.mark.realdata
def test_multiple_response_sets_and_ranges():
    ds = read(real("spssio_test.sav"))
    sets = ds.codebook.mr_sets
    assert set(sets) == {"ages", "incomes", "V"}
    assert sets["V"]["type"] == "D" and sets["V"]["counted_value"] == 1
    assert sets["V"]["variables"] == ["V1", "V2", "V3"]
    assert sets["ages"]["label"] == "the ages"
    income1 = ds.codebook["Income1"]
    assert income1.missing_ranges == [[-math.inf, -1]]
    assert ds.codebook["aShortStringVar"].missing_values == ["x", "y"]
    # Age is labelled for 27, 34 and 50; 0..18 is a missing range.
    assert ds.codebook["Age"].missing_ranges == [[0, 18]]
    simple = read(real("simple_alltypes.sav"))
    assert simple.codebook.mr_sets["mymrset"]["label"] == "My multiple response set"


@pytest.mark.realdata
def test_string_missing_values_and_unicode():
    ds = read(real("greetings.sav"))
    assert ds.codebook["Bondjoû"].missing_values == ["¡Hola!"]
    assert ds.frame["greeting"].iloc[0] == "السلام عليكم"
    assert ds.frame["line"].isna().sum() == 10  # 0 THRU 9 is missing
    assert ds.missing_reason("line").iloc[0] == "missing code 0"


@pytest.mark.realdata
def test_encodings_long_strings_and_non_ascii_names():
    german = read(real("german.sav"))
    assert "spaß" in german.frame.columns and "überhaupt" in german.frame.columns
    umlauts = read(real("umlauts.sav"))
    assert list(umlauts.frame["var1"].cat.categories) == ["the ä umlaut", "the ü umlaut", "the ö umlaut"]
    v13 = read(real("v13.sav"))
    assert len(v13.frame["A2000"].dropna().iloc[0]) > 255
    assert v13.codebook["A2000"].format == "A2000"
    width = read(real("test_width.sav"))
    assert width.codebook["StartDate"].format == "A1024"
    tegulu = read(real("tegulu.sav"))
    text = tegulu.frame["Q16br9oe_Q24br9oe"].iloc[0]
    # A512 string stored in segments; the file holds a short Telugu text whose last character
    # was cut in half by the writer: it must be dropped, not turned into a replacement character.
    assert text.startswith("నేను గతంలో") and "\ufffd" not in text
    assert tegulu.codebook["Q16br9oe_Q24br9oe"].format == "A512"


@pytest.mark.realdata
def test_user_missing_value_with_a_label():
    ds = read(real("labelled-num-na.sav"))
    assert ds.frame["VAR00002"].tolist()[0] == "This is one"
    assert pd.isna(ds.frame["VAR00002"].tolist()[1])
    assert ds.codes["VAR00002"].tolist() == [1.0, 9.0]
    assert ds.missing_reason("VAR00002").tolist()[1] == "missing code 9"


@pytest.mark.realdata
def test_zsav_and_por():
    llz = read(real("llz.zsav"))
    assert llz.frame.notna().all().all()
    por = read(real("sample.por"))
    sav = read(real("sample.sav"))
    assert [n.lower() for n in por.frame.columns] == list(sav.frame.columns)
    assert por.frame["MYLABL"].tolist() == sav.frame["mylabl"].tolist()


# -- bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.9, 0.99])
@pytest.mark.parametrize("name", ["sample.sav", "llz.zsav", "spssio_test.sav"])
@pytest.mark.realdata
def test_truncated_copy_fails_clearly(tmp_path, name, fraction):
    data = real(name).read_bytes()
    broken = tmp_path / name
    broken.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ReadError) as info:
        read(broken)
    assert str(broken) in str(info.value)
    assert "What to do" in str(info.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"id;score\n1;2\n", "not an SPSS data file"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP archive"),
    ],
)
def test_not_spss_fails_clearly(tmp_path, content, words):
    path = tmp_path / "enquete.sav"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=words):
        read(path)


@pytest.mark.realdata
def test_unknown_encoding_name(tmp_path):
    with pytest.raises(ReadError, match="not an encoding"):
        read(real("sample.sav"), encoding="klingon-8")


@pytest.mark.parametrize("encoding", ["latin-1", "windows-1252", "cp1252"])
@pytest.mark.realdata
def test_encoding_override_is_used(encoding):
    ds = read(real("german.sav"), encoding=encoding)
    assert "spaß" in ds.frame.columns


@pytest.mark.realdata
def test_wrong_encoding_override_fails_instead_of_garbling():
    with pytest.raises(ReadError, match="cannot be decoded as utf-8"):
        read(real("german.sav"), encoding="utf-8")


@pytest.mark.realdata
def test_irrelevant_options_are_ignored():
    ds = read(real("sample.sav"), sheet="Blad1", dialect="plain", dataset="voorbeeld")
    assert ds.name == "voorbeeld"


# -- files we make ourselves --------------------------------------------------------------------


def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trust": [1.0, 2.0, 5.0, 8.0, 9.0, np.nan],
            "income": [100.0, -3.0, 250.5, 99.0, 0.0, 1e6],
            "side": ["formeel", "informeel", "formeel", "??", "informeel", ""],
        }
    )


@pytest.mark.parametrize("suffix", [".sav", ".zsav"])
def test_generated_sav_reads_labels_and_missing(tmp_path, suffix):
    path = tmp_path / f"gegenereerd{suffix}"
    pyreadstat.write_sav(
        _survey(),
        str(path),
        column_labels={"trust": "Vertrouwen", "income": "Inkomen", "side": "Kant"},
        variable_value_labels={
            "trust": {1: "laag", 2: "midden", 5: "hoog", 8: "weet niet", 9: "n.v.t."},
            "side": {"formeel": "Formeel", "informeel": "Informeel"},
        },
        missing_ranges={"trust": [8, 9], "income": [{"lo": -10, "hi": -1}], "side": ["??"]},
        variable_measure={"trust": "ordinal"},
        compress=suffix == ".zsav",
    )
    ds = read(path)
    assert ds.codebook["trust"].label == "Vertrouwen"
    assert ds.codebook["trust"].missing_values == [8, 9]
    assert ds.codebook["income"].missing_ranges == [[-10, -1]]
    assert ds.codebook["side"].missing_values == ["??"]
    assert ds.frame["trust"].tolist()[:3] == ["laag", "midden", "hoog"]
    assert ds.frame["trust"].cat.ordered
    assert ds.frame["trust"].isna().tolist() == [False, False, False, True, True, True]
    assert ds.missing_reason("trust").tolist()[3:5] == ["weet niet", "n.v.t."]
    assert pd.isna(ds.missing_reason("trust").iloc[5])  # system-missing: no reason
    assert pd.isna(ds.frame["income"].iloc[1]) and ds.frame["income"].iloc[2] == 250.5
    assert pd.isna(ds.frame["side"].iloc[3])
    assert ds.numeric(["trust"])["trust"].tolist()[:3] == [1.0, 2.0, 5.0]


def test_generated_por_reads(tmp_path):
    path = tmp_path / "gegenereerd.por"
    df = _survey()[["trust", "income"]].rename(columns=str.upper)
    pyreadstat.write_por(df, str(path), column_labels={"TRUST": "Vertrouwen", "INCOME": "Inkomen"})
    ds = read(path)
    assert ds.frame.shape == (6, 2)
    assert ds.codebook["TRUST"].label == "Vertrouwen"
    assert ds.frame["INCOME"].tolist()[:3] == [100.0, -3.0, 250.5]


def test_generated_date_formats(tmp_path):
    path = tmp_path / "datums.sav"
    seconds = (pd.Timestamp("2024-04-01") - pd.Timestamp("1582-10-14")).total_seconds()
    df = pd.DataFrame({"q": [seconds], "m": [seconds], "w": [seconds], "t": [3600.0 * 30], "dag": [3.0]})
    pyreadstat.write_sav(
        df,
        str(path),
        variable_format={"q": "QYR8", "m": "MOYR8", "w": "WKYR10", "t": "DTIME12", "dag": "WKDAY3"},
    )
    ds = read(path)
    for col in ("q", "m", "w"):
        assert ds.codebook[col].type == "date"
        assert ds.frame[col].iloc[0] == pd.Timestamp("2024-04-01")
    assert ds.frame["t"].iloc[0] == pd.Timedelta(hours=30)  # durations may exceed a day
    assert ds.frame["dag"].iloc[0] == 3.0  # weekday numbers stay numbers


# -- writing and the round trip ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sample_missing.sav", "spssio_test.sav", "simple_alltypes.sav", "greetings.sav"]
)
@pytest.mark.parametrize("suffix", [".sav", ".zsav"])
@pytest.mark.realdata
def test_real_file_round_trips_through_bruggen(tmp_path, name, suffix):
    ds = read(real(name))
    if ds.codebook.mr_sets:
        with pytest.warns(UserWarning, match="multiple-response sets"):
            out = spss.write(ds, tmp_path / f"terug{suffix}")
    else:
        out = spss.write(ds, tmp_path / f"terug{suffix}")
    back = read(out)
    assert ds.codebook.diff(back.codebook) == []
    pd.testing.assert_frame_equal(back.frame, ds.frame)
    pd.testing.assert_frame_equal(back.codes, ds.codes)


@pytest.mark.realdata
def test_dataset_without_codes_writes_its_labels_back(tmp_path):
    ds = read(real("sample_missing.sav"))
    bare = Dataset(frame=ds.frame, codebook=ds.codebook)
    back = read(spss.write(bare, tmp_path / "x.sav"))
    assert back.frame["myord"].tolist()[:5] == ds.frame["myord"].tolist()[:5]


def test_write_refuses_what_spss_cannot_hold(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    book = Codebook("t", (Variable("x", missing_values=[1, 2, 3, 4]),))
    with pytest.raises(BruggenError, match="at most three"):
        spss.write(Dataset(frame=frame, codebook=book), tmp_path / "t.sav")
    with pytest.raises(BruggenError, match="extension"):
        spss.write(Dataset(frame=frame, codebook=book), tmp_path / "t.csv")


@pytest.mark.realdata
def test_por_write_reports_long_names(tmp_path):
    ds = read(real("spssio_test.sav"))
    with pytest.raises(BruggenError, match="could not write"), pytest.warns(UserWarning):
        spss.write(ds, tmp_path / "t.por")


def _reference_module():
    sys.path.insert(0, str(REFERENCE))
    try:
        import bruggen_roundtrip
    finally:
        sys.path.remove(str(REFERENCE))
    return bruggen_roundtrip


def test_committed_reference_sav_reads_back_in_bruggen():
    ref = _reference_module().reference_dataset()
    ds = read(REFERENCE / "bruggen_roundtrip.sav")
    for var in ref.codebook:
        got = ds.codebook[var.name]
        assert (got.label, got.value_labels, got.missing_values, got.missing_ranges, got.measure) == (
            var.label,
            var.value_labels,
            var.missing_values,
            var.missing_ranges,
            var.measure,
        )
    assert ds.frame["trust_1"].tolist()[:2] == ["helemaal oneens", "helemaal eens"]
    assert ds.missing_reason("income").tolist() == [
        pd.NA,
        "missing code -1",
        pd.NA,
        "missing code -7",
        "wil niet zeggen",
    ]


def test_current_writer_matches_committed_reference(tmp_path):
    """What spss.write makes today reads the same as the file haven checked."""
    fresh = read(spss.write(_reference_module().reference_dataset(), tmp_path / "fresh.sav"))
    committed = read(REFERENCE / "bruggen_roundtrip.sav")
    assert committed.codebook.diff(fresh.codebook) == []
    pd.testing.assert_frame_equal(fresh.codes, committed.codes)


def test_haven_reads_what_bruggen_wrote():
    """R haven 2.5 (tests/reference/haven_roundtrip.R) sees our labels and missing codes."""
    haven = json.loads((REFERENCE / "haven_roundtrip.json").read_text(encoding="utf-8"))
    ref = _reference_module().reference_dataset()
    assert haven["file_label"] == ref.codebook.title
    assert haven["n_rows"] == len(ref.frame)
    for var in ref.codebook:
        seen = haven["variables"][var.name]
        assert seen["label"] == var.label
        labels = {k: v for k, v in (seen["value_labels"] or {}).items()}
        assert labels == {str(k): v for k, v in var.value_labels.items()}
        na_values = seen["na_values"]
        na_values = [] if na_values is None else (na_values if isinstance(na_values, list) else [na_values])
        assert na_values == var.missing_values
        na_range = seen["na_range"]
        expected = [
            [("-Inf" if lo == -math.inf else lo), ("Inf" if hi == math.inf else hi)]
            for lo, hi in var.missing_ranges
        ]
        assert ([na_range] if na_range else []) == expected
        assert seen["values"] == [
            (int(x) if isinstance(x, float) and x.is_integer() else x) for x in ref.codes[var.name].tolist()
        ]


def test_numeric_codes_of_the_example_survey_leave_out_user_missing():
    """Dataset.numeric: Likert items as 1..5, "weet niet" (8) and "n.v.t." (9) missing; reasons kept."""
    from analysis.study import Study

    survey = Study.from_yaml(Path(__file__).resolve().parents[2] / "study.yml").get("organisatie_enquete")
    stored = survey.codes["trust_1"]
    numbers = survey.numeric(["trust_1"])["trust_1"]
    assert stored.isin([8, 9]).any(), "the example has user-missing answers to test with"
    assert set(numbers.dropna().unique()) <= {1, 2, 3, 4, 5}
    assert numbers.isna().sum() == stored.isna().sum() + stored.isin([8, 9]).sum()
    reasons = survey.missing_reason("trust_1")
    assert set(reasons.dropna()) <= {"Weet niet", "N.v.t."}
    assert reasons.notna().sum() == stored.isin([8, 9]).sum()
