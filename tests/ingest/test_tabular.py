"""CSV and XLSX: survey-platform exports, StatLine, plain tables, bad files and property tests."""

from __future__ import annotations

import csv
import io
import json
import string
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import real_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.codebook import Codebook, Variable
from analysis.errors import ReadError
from analysis.ingest import read, tabular


def real(part: str) -> Path:
    """A real export; the test skips when ../shared/realdata is absent."""
    return real_file(part)


# -- the real exports -------------------------------------------------------------------------------


@pytest.mark.realdata
def test_qualtrics_three_header_rows():
    ds = read(real("survey_exports/qualtrics_sample.csv"))
    assert ds.frame.shape == (1, 20)
    book = ds.codebook
    assert book["Q1"].label == "This is a multiple choice question."
    assert book["StartDate"].label == "Anfangsdatum"
    assert book["Duration_in_seconds"].source_name == "Duration (in seconds)"
    assert book["Duration_in_seconds"].label == "Dauer (in Sekunden)"
    assert ds.frame["StartDate"].iloc[0] == pd.Timestamp("2017-07-18 08:28:09")
    assert ds.frame["Q1"].iloc[0] == 2
    assert ds.frame["Q2"].iloc[0] == "Hello World!"
    assert ds.frame["LocationLatitude"].iloc[0] == pytest.approx(47.115097045898)
    assert pd.isna(ds.frame["RecipientEmail"].iloc[0])
    columns = ds.tables["columns"]
    assert columns.set_index("name").loc["Q2", "import_id"] == "QID2_TEXT"
    # the one warning says which columns hold personal data (and are marked pii)
    (warning,) = ds.warnings
    assert warning.startswith("7 column(s) hold personal data")
    assert "IPAddress (IP addresses" in warning and "Q2 (open answers" in warning
    assert {v.name for v in book if v.pii} == {
        "IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "LocationLatitude",
        "LocationLongitude", "Q2",
    }  # fmt: skip


@pytest.mark.realdata
def test_qualtrics_legacy_layout():
    ds = read(real("survey_exports/qualtrics_sample_legacy.csv"))
    assert ds.frame.shape == (1, 15)  # the trailing comma adds no column
    assert list(ds.frame.columns[:3]) == ["V1", "V2", "V3"]
    assert ds.codebook["V1"].label == "ResponseID"
    assert ds.codebook["Q1"].label == "This is a multiple choice question."
    assert ds.frame["V1"].iloc[0] == "R_2YPOQ602ER1jkf1"
    assert ds.frame["LocationAccuracy"].iloc[0] == -1


@pytest.mark.realdata
def test_limesurvey_code_only():
    ds = read(real("survey_exports/limesurvey_codeonly.csv"))
    assert ds.frame.shape == (12, 559)
    assert "A8_SQ001" in ds.frame.columns and "A1_other" in ds.frame.columns
    assert ds.codebook["A8_SQ001"].source_name == "A8[SQ001]"
    assert ds.codebook["B1_81160"].source_name == "B1[81160]"
    assert ds.frame["id"].tolist()[:2] == [23, 26]
    assert ds.frame["startdate"].dtype.kind == "M"
    assert ds.frame["A8_SQ001"].iloc[0] == "No"
    assert ds.frame["A4_other"].dropna().iloc[0] == 1996
    assert ds.tables["columns"].shape[0] == 559


@pytest.mark.realdata
def test_statline_conventions():
    ds = read(real("statline/cbs_donorregister_statline.csv"))
    assert ds.frame.shape == (63, 5)
    value = "Donorregister_vastgelegde_keuze_x_1_000"
    assert ds.codebook[value].source_name == "Donorregister, vastgelegde keuze (x 1 000)"
    assert ds.frame[value].iloc[0] == pytest.approx(5768.6)  # padded number
    assert ds.frame["Perioden"].tolist()[:9] == list(range(2014, 2023))  # 2022* -> 2022
    assert ds.frame["Perioden_provisional"].tolist()[7:9] == [False, True]
    assert ds.frame["Perioden_provisional"].sum() == 7
    dots = ds.codes[value] == "."
    assert dots.sum() == 7
    assert ds.frame[value][dots].isna().all()
    assert set(ds.missing_reason(value)[dots]) == {"niet beschikbaar (.)"}
    assert ds.missing_reason(value)[~dots].isna().all()
    assert ds.numeric([value])[value].notna().sum() == 56


@pytest.mark.realdata
def test_every_real_export_is_covered():
    names = {p.name for p in real("survey_exports").iterdir()} | {p.name for p in real("statline").iterdir()}
    exports = {n for n in names if n.endswith(".csv")}  # .qsf and .xml beside them define questionnaires
    assert exports == {Path(name).name for name, _ in DIALECTS}


#: Every real export and the dialect it is in (the newer Qualtrics layout, three header rows, or
#: the legacy one, two).
DIALECTS = [
    ("survey_exports/qualtrics_sample.csv", "qualtrics"),
    ("survey_exports/qualtrics_sample_legacy.csv", "qualtrics_legacy"),
    ("survey_exports/qualtrics_matrix_single.csv", "qualtrics"),
    ("survey_exports/qualtrics_matrix_insights.csv", "qualtrics"),
    ("survey_exports/qualtrics_multiple_answer.csv", "qualtrics_legacy"),
    ("survey_exports/qualtrics_text_entry.csv", "qualtrics"),
    ("survey_exports/limesurvey_codeonly.csv", "limesurvey"),
    ("statline/cbs_donorregister_statline.csv", "statline"),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "dialect"), DIALECTS)
def test_named_dialect_matches_detection(name, dialect):
    auto = read(real(name))
    named = read(real(name), dialect=dialect)
    pd.testing.assert_frame_equal(auto.frame, named.frame)
    assert named.codebook.notes.endswith(f"a {dialect} file")


# -- layouts we make ----------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_limesurvey_code_plus_text(tmp_path):
    text = (
        '"id. Response ID","submitdate. Date submitted","lastpage. Last page","startlanguage. Start language",'
        '"A1. Waar werkt u?","A8[SQ001]. Welke taken? [Koken]","A8[other]. Welke taken? [Anders]"\n'
        '"1","2024-03-01 10:00:00","3","nl","Gemeente","Ja","tuinieren"\n'
        '"2","","1","nl","Buurthuis","Nee",""\n'
    )
    ds = read(write(tmp_path, "ls.csv", text))
    assert list(ds.frame.columns) == [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "A1",
        "A8_SQ001",
        "A8_other",
    ]
    assert ds.codebook["A8_SQ001"].label == "Welke taken? [Koken]"
    assert ds.codebook["A8_SQ001"].source_name == "A8[SQ001]"
    assert ds.codebook["id"].label == "Response ID"
    assert ds.frame["A8_other"].tolist()[0] == "tuinieren"


def test_limesurvey_full_text_headings(tmp_path):
    text = '"Response ID","Date submitted","Last page","Start language","Waar werkt u?"\n"1","","2","nl","Gemeente"\n'
    ds = read(write(tmp_path, "ls.csv", text))
    assert list(ds.frame.columns) == [
        "Response_ID",
        "Date_submitted",
        "Last_page",
        "Start_language",
        "Waar_werkt_u",
    ]
    assert ds.codebook["Waar_werkt_u"].label == "Waar werkt u?"


def test_dutch_csv_with_bom_semicolons_crlf_and_decimal_commas(tmp_path):
    text = "\ufeffgemeente;score;aandeel;datum\r\n0363;7;3,5;31-12-2023\r\n0518;8;12,25;01-02-2024\r\n"
    ds = read(write(tmp_path, "gemeenten.csv", text))
    assert ds.frame["gemeente"].tolist() == ["0363", "0518"]  # leading zeros keep it text
    assert ds.frame["score"].dtype == "Int64"
    assert ds.frame["aandeel"].tolist() == [3.5, 12.25]
    assert ds.frame["datum"].tolist() == [pd.Timestamp("2023-12-31"), pd.Timestamp("2024-02-01")]
    assert ds.codebook["datum"].type == "date"
    assert ds.codebook.encoding == "utf-8"


def test_thousands_dots_with_decimal_comma(tmp_path):
    ds = read(write(tmp_path, "t.csv", "inwoners;budget\n1.234.567;12.345,50\n12.000;1,5\n"))
    assert ds.frame["inwoners"].tolist() == [1234567, 12000]
    assert ds.frame["budget"].tolist() == [12345.5, 1.5]


def test_windows_1252_is_read_with_a_warning(tmp_path):
    ds = read(write(tmp_path, "w.csv", "naam;plaats\nJosé;Zaandam\nRené;Tiel\n", encoding="windows-1252"))
    assert ds.frame["naam"].tolist() == ["José", "René"]
    assert any("windows-1252" in w for w in ds.warnings)
    assert ds.codebook.encoding == "windows-1252"


def test_utf16_with_bom(tmp_path):
    ds = read(write(tmp_path, "u.csv", "\ufeffa\tb\n1\tü\n", encoding="utf-16-le"))
    assert ds.frame["b"].tolist() == ["ü"]


def test_encoding_option(tmp_path):
    path = write(tmp_path, "l.csv", "naam,plaats\nJosé,Zaandam\n", encoding="latin-1")
    assert read(path, encoding="latin-1").frame["naam"].iloc[0] == "José"
    with pytest.raises(ReadError, match="not valid utf-8"):
        read(path, encoding="utf-8")


def test_reviewed_codebook_is_applied(tmp_path):
    path = write(
        tmp_path, "enquete.csv", "resp_id;gemeente;trust_1;opmerking\n1;0363;1;ok\n2;1680;8;\n3;0518;5;goed\n"
    )
    book = Codebook(
        "enquete",
        (
            Variable("resp_id", "Respondent", "numeric"),
            Variable("gemeente", "Gemeentecode", "string"),
            Variable(
                "trust_1",
                "Vertrouwen",
                "numeric",
                "ordinal",
                value_labels={1: "laag", 5: "hoog", 8: "weet niet"},
                missing_values=[8],
            ),
            Variable("leeftijd", "Leeftijd"),
        ),
    )
    ds = read(path, codebook=book, dataset="enquete")
    assert ds.codebook is book
    assert ds.frame["gemeente"].tolist() == ["0363", "1680", "0518"]  # string per codebook
    assert isinstance(ds.frame["trust_1"].dtype, pd.CategoricalDtype)
    assert ds.frame["trust_1"].cat.ordered
    assert ds.frame["trust_1"].tolist()[0] == "laag" and pd.isna(ds.frame["trust_1"].iloc[1])
    assert ds.missing_reason("trust_1").tolist()[1] == "weet niet"
    assert ds.codes["trust_1"].tolist() == [1, 8, 5]
    assert any("opmerking" in w and "not in the reviewed codebook" in w for w in ds.warnings)
    assert any("leeftijd" in w and "not in the file" in w for w in ds.warnings)


def test_codebook_with_text_missing_codes(tmp_path):
    path = write(tmp_path, "t.csv", "score;x\n3;a\nweet niet;b\n5;c\n")
    book = Codebook(
        "t", (Variable("score", missing_values=["weet niet"], value_labels={"weet niet": "weet niet"}),)
    )
    ds = read(path, codebook=book)
    assert ds.frame["score"].tolist()[::2] == [3.0, 5.0] and pd.isna(ds.frame["score"].iloc[1])
    assert ds.missing_reason("score").tolist()[1] == "weet niet"


def test_qualtrics_two_header_rows_when_named(tmp_path):
    text = "id,q1\nRespondent,Hoe tevreden bent u?\n1,4\n2,5\n3,3\n"
    with pytest.raises(ReadError, match="unsure") as info:
        read(write(tmp_path, "q.csv", text))
    assert "dialect" in str(info.value)
    ds = read(tmp_path / "q.csv", dialect="qualtrics")
    assert ds.codebook["q1"].label == "Hoe tevreden bent u?"
    assert ds.frame["q1"].tolist() == [4, 5, 3]
    plain = read(tmp_path / "q.csv", dialect="plain")
    assert plain.frame["q1"].tolist()[0] == "Hoe tevreden bent u?"


QUALTRICS_ROWS = (
    'StartDate,Q1,Q2\nStart Date,"Hoe tevreden bent u?",Toelichting\n{ids}\n'
    "2024-03-01 10:00:00,4,prima\n2024-03-02 11:30:00,2,matig\n"
)


@pytest.mark.parametrize(
    "import_row",
    [
        # older and re-saved exports write the ImportId row with single quotes
        "\"{'ImportId': 'startDate'}\",\"{'ImportId': 'QID1'}\",\"{'ImportId': 'QID2_TEXT'}\"",
        '"{ ""ImportId"" : ""startDate"" }","{ ""ImportId"" : ""QID1"" }","{ ""ImportId"" : ""QID2_TEXT"" }"',
        '"{""ImportId"":""startDate"",""timeZone"":""Europe/Amsterdam""}","{""ImportId"":""QID1""}",'
        '"{""ImportId"":""QID2_TEXT""}"',
    ],
    ids=["single-quotes", "spaces", "timezone"],
)
@pytest.mark.parametrize("dialect", ["auto", "qualtrics"])
def test_qualtrics_import_id_row_variants_are_header_rows(tmp_path, import_row, dialect):
    path = write(tmp_path, "q.csv", QUALTRICS_ROWS.format(ids=import_row))
    ds = read(path, dialect=dialect)
    assert ds.codebook.notes.endswith("a qualtrics file")
    assert len(ds.frame) == 2  # the three header rows are never respondents
    assert ds.frame["Q1"].tolist() == [4, 2]
    assert ds.frame["StartDate"].dtype.kind == "M"
    assert ds.codebook["Q1"].label == "Hoe tevreden bent u?"
    assert ds.tables["columns"]["import_id"].tolist() == ["startDate", "QID1", "QID2_TEXT"]


def test_qualtrics_legacy_with_single_quoted_import_id_row(tmp_path):
    text = (
        "V1,V2,V3,Q1\n"
        "ResponseID,ResponseSet,Name,Hoe tevreden bent u?\n"
        "\"{'ImportId': 'responseId'}\",\"{'ImportId': 'responseSet'}\",\"{'ImportId': 'name'}\","
        "\"{'ImportId': 'QID1'}\"\n"
        "R_1,Standaard,Anoniem,4\n"
        "R_2,Standaard,Anoniem,2\n"
    )
    ds = read(write(tmp_path, "legacy.csv", text))
    assert ds.codebook.notes.endswith("a qualtrics_legacy file")
    assert ds.frame["V1"].tolist() == ["R_1", "R_2"]
    assert ds.frame["Q1"].tolist() == [4, 2]
    assert ds.codebook["Q1"].label == "Hoe tevreden bent u?"
    assert ds.tables["columns"]["import_id"].tolist() == ["responseId", "responseSet", "name", "QID1"]


def test_qualtrics_names_then_import_ids_without_texts(tmp_path):
    text = (
        "StartDate,Q1\n\"{'ImportId': 'startDate'}\",\"{'ImportId': 'QID1'}\"\n2024-03-01,4\n2024-03-02,2\n"
    )
    ds = read(write(tmp_path, "q.csv", text))
    assert ds.frame["Q1"].tolist() == [4, 2]
    assert ds.tables["columns"]["import_id"].tolist() == ["startDate", "QID1"]


def test_duplicate_and_empty_headings(tmp_path):
    ds = read(write(tmp_path, "d.csv", "a,a,,b\n1,2,3,4\n"))
    assert list(ds.frame.columns) == ["a", "a_2", "column_3", "b"]
    assert len(ds.warnings) == 2


def test_xlsx_plain_and_sheets(tmp_path):
    path = tmp_path / "verwijzingen.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Verwijzingen"
    ws.append(["id", "datum", "gemeente", "bedrag", "afgerond"])
    ws.append([1, pd.Timestamp("2024-01-05").to_pydatetime(), "0363", 12.5, True])
    ws.append([2, pd.Timestamp("2024-02-06").to_pydatetime(), "1680", None, False])
    other = wb.create_sheet("Toelichting")
    other.append(["tekst"])
    other.append(["Dit is uitleg"])
    wb.save(path)
    ds = read(path)
    assert ds.frame["id"].tolist() == [1, 2]
    assert ds.frame["datum"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-06")]
    assert ds.frame["gemeente"].tolist() == ["0363", "1680"]
    assert ds.frame["bedrag"].iloc[0] == 12.5 and pd.isna(ds.frame["bedrag"].iloc[1])
    assert ds.frame["afgerond"].tolist() == [True, False]
    assert any("2 sheets" in w for w in ds.warnings)
    assert read(path, sheet="Toelichting").frame["tekst"].tolist() == ["Dit is uitleg"]
    assert read(path, sheet=1).frame["tekst"].tolist() == ["Dit is uitleg"]
    with pytest.raises(ReadError, match="no sheet called 'Blad9'"):
        read(path, sheet="Blad9")
    with pytest.raises(ReadError, match="no sheet number 5"):
        read(path, sheet=5)


# -- bad files ----------------------------------------------------------------------------------


def test_xlsx_header_with_merged_cells(tmp_path):
    path = tmp_path / "samengevoegd.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Vertrouwen", None, "id"])
    ws.append([1, 2, 3])
    ws.merge_cells("A1:B1")
    wb.save(path)
    with pytest.raises(ReadError, match="merged cells") as info:
        read(path)
    assert "A1:B1" in str(info.value) and "unmerge" in str(info.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04" + bytes(200), "ZIP archive"),
        (bytes(range(256)) * 20, "binary file"),
        (b"$FL2@(#) SPSS DATA FILE" + bytes(100), "SPSS data file"),
        (b"%PDF-1.7\n" + bytes(10), "PDF"),
        ("a,b\n1,2\n".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
        (b"a;b\n\x81\x8d;2\n", "encoding is unknown"),
        (b"", "empty"),
        (b"a,b\n1,2,3\n", "row 2 has 3 fields"),
    ],
)
def test_a_csv_that_is_not_what_it_says(tmp_path, content, words):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=words) as info:
        read(path)
    assert str(path) in str(info.value) and "What to do" in str(info.value)


def test_an_xlsx_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ReadError, match="not an Excel workbook"):
        read(path)
    path.write_bytes(b"PK\x03\x04" + bytes(50))
    with pytest.raises(ReadError, match="damaged"):
        read(path)


def test_unknown_dialect_and_encoding(tmp_path):
    path = write(tmp_path, "x.csv", "a\n1\n")
    with pytest.raises(ReadError, match="unknown dialect"):
        read(path, dialect="spss")
    with pytest.raises(ReadError, match="not an encoding"):
        read(path, encoding="klingon-8")


# -- property tests: random tables in every dialect read back equal ---------------------------------

_words = st.text(alphabet=string.ascii_letters + "éëïöü ", min_size=1, max_size=12).map(
    lambda s: "t" + s.strip()
)
_ints = st.integers(min_value=-10_000, max_value=10_000)
_floats = (
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
    .map(lambda x: round(x, 3))
    .filter(lambda x: not float(x).is_integer())
)


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    kinds = draw(st.lists(st.sampled_from(["int", "float", "text"]), min_size=1, max_size=5))
    data = {}
    for j, kind in enumerate(kinds):
        strategy = {"int": _ints, "float": _floats, "text": _words}[kind]
        values = draw(st.lists(strategy, min_size=n, max_size=n))
        data[f"v{j}_{kind}"] = values
    return pd.DataFrame(data)


def _expected(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in df.columns:
        if col.endswith("_int"):
            out[col] = df[col].astype("Int64")
        elif col.endswith("_float"):
            out[col] = df[col].astype("float64")
        else:
            out[col] = df[col].astype("str")
    return pd.DataFrame(out)


PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(df=tables())
def test_property_dutch_csv(tmp_path_factory, df):
    path = tmp_path_factory.mktemp("nl") / "t.csv"
    text = df.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    path.write_bytes(text.encode("utf-8-sig"))
    ds = read(path, dialect="plain")
    pd.testing.assert_frame_equal(ds.frame, _expected(df), check_exact=False, rtol=1e-12)


@PROPERTY
@given(df=tables())
def test_property_plain_csv_detected(tmp_path_factory, df):
    path = tmp_path_factory.mktemp("plain") / "t.csv"
    path.write_text(df.to_csv(index=False), encoding="utf-8")
    ds = read(path)
    pd.testing.assert_frame_equal(ds.frame, _expected(df), check_exact=False, rtol=1e-12)


@PROPERTY
@given(df=tables())
def test_property_xlsx(tmp_path_factory, df):
    path = tmp_path_factory.mktemp("xlsx") / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([x.item() if isinstance(x, np.generic) else x for x in row])
    wb.save(path)
    ds = read(path)
    pd.testing.assert_frame_equal(ds.frame, _expected(df), check_exact=False, rtol=1e-12)


@PROPERTY
@given(df=tables(), texts=st.lists(_words, min_size=5, max_size=5))
def test_property_qualtrics(tmp_path_factory, df, texts):
    path = tmp_path_factory.mktemp("qualtrics") / "t.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(df.columns)
    labels = [f"Vraag {texts[j]}?" for j in range(len(df.columns))]
    writer.writerow(labels)
    writer.writerow([json.dumps({"ImportId": f"QID{j}"}) for j in range(len(df.columns))])
    for row in df.itertuples(index=False):
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    ds = read(path)
    pd.testing.assert_frame_equal(ds.frame, _expected(df), check_exact=False, rtol=1e-12)
    assert [ds.codebook[c].label for c in df.columns] == labels
    assert ds.tables["columns"]["import_id"].tolist() == [f"QID{j}" for j in range(len(df.columns))]


@PROPERTY
@given(df=tables())
def test_property_limesurvey(tmp_path_factory, df):
    path = tmp_path_factory.mktemp("ls") / "t.csv"
    head = pd.DataFrame(
        {
            "id": range(1, len(df) + 1),
            "submitdate": ["2024-01-01 10:00:00"] * len(df),
            "lastpage": [1] * len(df),
            "startlanguage": ["nl"] * len(df),
        }
    )
    renamed = df.rename(columns={c: f"Q{j}[SQ00{j}]" for j, c in enumerate(df.columns)})
    both = pd.concat([head, renamed], axis=1)
    path.write_bytes(
        both.to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n").encode("utf-8-sig")
    )
    ds = read(path)
    got = ds.frame.iloc[:, 4:]
    expected = _expected(df)
    expected.columns = [f"Q{j}_SQ00{j}" for j in range(len(df.columns))]
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
    assert [ds.codebook[c].source_name for c in expected.columns] == list(renamed.columns)


@settings(max_examples=40, deadline=None)
@given(heading=st.text(min_size=1, max_size=30))
def test_property_safe_name_is_an_identifier(heading):
    name = tabular.safe_name(heading)
    assert name == "" or name.isidentifier()
