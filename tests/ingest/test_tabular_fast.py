"""The C parser path of the CSV reader gives exactly what the Python ``csv`` path gives.

Every comparison reads the same file twice, once with ``tabular.C_PARSER = False`` (the Python
``csv`` module, cell by cell) and once through pyarrow's or pandas' parser with the vectorised
typing; frames, codes, codebooks, side tables, warnings and errors must be equal, exactly. The
cross-check the reader makes on files shorter than its head (the csv module's cells against the
parser's) is switched off here, so the parsers' own results are what is compared.
"""

from __future__ import annotations

import csv
import io
import json
import string
from pathlib import Path

import pandas as pd
import pytest
from conftest import real_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.codebook import Codebook, Variable
from analysis.errors import ReadError
from analysis.ingest import read, tabular


def _read_both(path: Path, monkeypatch, **kw) -> tuple[object, object, bool]:
    """(Python result, C parser result, whether the C parser path answered)."""
    answered: list[bool] = []
    real = tabular._read_text_fast

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        answered.append(out is not None)
        return out

    results = []
    for fast in (False, True):
        monkeypatch.setattr(tabular, "C_PARSER", fast)
        monkeypatch.setattr(tabular, "_CROSS_CHECK", False)
        monkeypatch.setattr(tabular, "_read_text_fast", spy)
        try:
            results.append(read(path, **kw))
        except ReadError as exc:
            results.append(("ReadError", str(exc)))
    return results[0], results[1], any(answered)


def assert_same(old, new) -> None:
    if isinstance(old, tuple) or isinstance(new, tuple):
        assert old == new
        return
    pd.testing.assert_frame_equal(new.frame, old.frame, check_exact=True)
    pd.testing.assert_frame_equal(new.codes, old.codes, check_exact=True)
    assert new.codebook == old.codebook
    assert new.warnings == old.warnings
    assert set(new.tables) == set(old.tables)
    for key in old.tables:
        pd.testing.assert_frame_equal(new.tables[key], old.tables[key], check_exact=True)
    assert new.path == old.path


# -- generated files with every dialect feature -----------------------------------------------------

_text = st.text(alphabet=string.ascii_letters + "éëïöüçß€ ,;|\t\"'\r\n*.-", min_size=0, max_size=10)
_cells = {
    "int": st.integers(-(2**60), 2**60).map(str),
    "small": st.integers(-999, 999).map(str),
    "zero": st.integers(0, 99_999).map(lambda i: f"0{i}"),
    "float": st.floats(-1e9, 1e9, allow_nan=False).map(repr),
    "comma": st.floats(-1e7, 1e7, allow_nan=False).map(
        lambda x: f"{x:,.3f}".replace(",", "_").replace(".", ",").replace("_", ".")
    ),
    "exp": st.sampled_from(["1e5", "-2.5E-3", ".5", "5.", "+7", "+0.25"]),
    "bool": st.sampled_from(["true", "False", "TRUE", " false "]),
    "iso": st.dates().map(str),
    "isotime": st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    "nl": st.dates().map(lambda d: f"{d.day}-{d.month}-{d.year}"),
    "bad_date": st.sampled_from(["2024-02-30", "2024-13-01", "31-02-2023"]),
    "text": _text,
    "symbol": st.sampled_from([".", "x", "-", "2022*", " 12", "weet niet"]),
}
_missing = st.sampled_from(["", " ", "  \t"])


@st.composite
def files(draw):
    """A delimited file: (text as bytes, read() options, whether the C parser should answer)."""
    kinds = draw(st.lists(st.sampled_from(sorted(_cells)), min_size=1, max_size=5))
    n = draw(st.integers(min_value=1, max_value=12))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    names = [f"{kind}_{j}" for j, kind in enumerate(kinds)]
    rows = []
    for _ in range(n):
        row = []
        for kind in kinds:
            if draw(st.integers(0, 5)) == 0:
                row.append(draw(_missing))
            else:
                row.append(draw(_cells[kind]))
        rows.append(row)
    fast = True
    short = draw(st.booleans())
    if short and rows and len(kinds) > 1:
        rows[-1] = rows[-1][: draw(st.integers(0, len(kinds) - 1))]  # a short (or blank) line
    if draw(st.integers(0, 9)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), [])  # a blank line among the data
    if draw(st.integers(0, 9)) == 0:
        rows.append(["", "oops"] + [""] * len(kinds))  # a row wider than the header
        fast = False
    layout = draw(
        st.sampled_from(["plain", "plain", "qualtrics", "qualtrics_legacy", "limesurvey", "statline"])
    )
    header: list[list[str]] = []
    if layout == "qualtrics":
        header = [names, [f"Vraag {j}?" for j in range(len(names))]]
        header.append([json.dumps({"ImportId": f"QID{j}"}) for j in range(len(names))])
    elif layout == "qualtrics_legacy":
        legacy = [f"V{j + 1}" for j in range(max(3, len(names)))]
        header = [legacy, ["ResponseID"] + [f"Tekst {j}" for j in range(1, len(legacy))]]
        rows = [r + [""] * (len(legacy) - len(names)) if r else r for r in rows]
    elif layout == "limesurvey":
        header = [["id", "submitdate", "lastpage", "startlanguage"] + [f"{c}. Vraag [{c}]" for c in names]]
        rows = [["1", "2024-01-01 10:00:00", "2", "nl", *r] if r else r for r in rows]
    elif layout == "statline":
        header = [["Perioden", *names]]
        rows = [["2022*", *r] if r else r for r in rows]
        fast = False
    else:
        header = [names]
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, "raw"]))
    writer = csv.writer(
        buffer, delimiter=sep, lineterminator=end, quoting=csv.QUOTE_ALL if quoting == "raw" else quoting
    )
    for row in header + rows:
        if quoting == "raw":  # hand-written: a quote inside an unquoted cell stays as it is
            safe = all(
                sep not in c and "\r" not in c and "\n" not in c and not c.startswith('"') for c in row
            )
            if safe:
                buffer.write(sep.join(row) + end)
                continue
        writer.writerow(row)
    for _ in range(draw(st.integers(0, 2))):
        buffer.write(end if draw(st.booleans()) else sep * (len(header[0]) - 1) + end)  # trailing empty rows
    text = buffer.getvalue()
    bom = draw(st.booleans())
    data = text.encode("utf-8-sig" if bom else "utf-8")
    options: dict = {}
    if draw(st.integers(0, 3)) == 0:
        options["dialect"] = layout
    if draw(st.integers(0, 3)) == 0 and layout == "plain":
        types = {"int": "numeric", "small": "numeric", "zero": "string", "float": "numeric", "iso": "date"}
        variables = [
            Variable(name, type=types.get(name.split("_")[0], "string"), missing_values=["weet niet"])
            for name in names[::2]
        ]
        options["codebook"] = Codebook("t", tuple(variables))
    return data, options, fast


PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(case=files())
def test_property_c_parser_equals_python_path(tmp_path_factory, monkeypatch, case):
    data, options, fast = case
    path = tmp_path_factory.mktemp("fast") / "t.csv"
    path.write_bytes(data)
    old, new, answered = _read_both(path, monkeypatch, **options)
    assert_same(old, new)
    if not fast or isinstance(old, tuple):
        return
    text = data.decode("utf-8-sig")
    sep = tabular._sniff_separator(text)
    rows = tabular._trim(list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)))
    dialect = options.get("dialect") or tabular.detect_dialect(rows, separator=sep)
    if tabular._safe_for_c_parser(text) and dialect != "statline":
        assert answered, "the C parser path should read this file"


# -- files longer than the head, and files the C parser must leave alone -----------------------------


def _long_file(tmp_path: Path, rows: int = 2_600) -> Path:
    lines = ["id;gemeente;score;bedrag;datum;opmerking;vlag"]
    for i in range(rows):
        score = "" if i % 7 == 0 else str(i % 11)
        amount = f"{i % 900 + 1}.{i % 1000:03d},{i % 10}"  # thousands dot, decimal comma
        note = '"tekst; met ""aanhalingstekens""\r\nen een regel"' if i % 13 == 0 else f"ok {i}"
        lines.append(
            f"{i};0{i % 400:03d};{score};{amount};2024-{1 + i % 12:02d}-{1 + i % 28:02d};{note};{'true' if i % 2 else 'false'}"
        )
    lines += ["", ";;;;;;"]
    path = tmp_path / "lang.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


@pytest.mark.parametrize("head_chars", [4 * 2**20, 60_000, 120_000])
def test_long_file_equal_and_through_the_c_parser(tmp_path, monkeypatch, head_chars):
    monkeypatch.setattr(tabular, "_HEAD_CHARS", head_chars)  # the head found in a prefix (or not)
    path = _long_file(tmp_path)
    old, new, answered = _read_both(path, monkeypatch)
    assert answered
    assert_same(old, new)
    assert len(new.frame) == 2_600
    assert new.codes["gemeente"].iloc[5] == "0005" and str(new.codes["score"].dtype) == "Int64"
    assert new.codes["bedrag"].iloc[1500] == 601_500.0 and new.codes["bedrag"].iloc[1501] == 602_501.1
    assert new.frame["opmerking"].iloc[13] == 'tekst; met "aanhalingstekens"\r\nen een regel'


def test_long_file_with_a_codebook(tmp_path, monkeypatch):
    path = _long_file(tmp_path)
    book = Codebook(
        "lang",
        (
            Variable("gemeente", type="numeric"),
            Variable("score", type="numeric", value_labels={1: "een", 10: "tien"}, missing_values=[10]),
            Variable("datum", type="datetime"),
            Variable("opmerking", type="string", missing_values=["ok 3"]),
            Variable("vlag", type="boolean"),
            Variable("ontbreekt"),
        ),
    )
    old, new, answered = _read_both(path, monkeypatch, codebook=book)
    assert answered
    assert_same(old, new)
    assert any("not in the reviewed codebook" in w for w in new.warnings)


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ("\x1c", "a separator Python strips as whitespace"),
        ("\u00a0", "a non-breaking space"),
        ("\u0663", "an Arabic-Indic digit"),
        ("\u212a", "the Kelvin sign (lower-cases to k)"),
    ],
)
def test_characters_the_vectorised_rules_read_differently_take_the_python_path(
    tmp_path, monkeypatch, extra, why
):
    path = tmp_path / "t.csv"
    path.write_text(f"a,b\n1,{extra}2{extra}\n3,4\n", encoding="utf-8")
    old, new, answered = _read_both(path, monkeypatch)
    assert not answered, why
    assert_same(old, new)


@pytest.mark.parametrize("layout", ["plain", "qualtrics"])
def test_blank_rows_through_the_whole_head_then_data(tmp_path, monkeypatch, layout):
    header = "a,b,c\r\n" if layout == "plain" else 'a,b,c\r\nA?,B?,C?\r\n"{""ImportId"":""QID1""}",x,y\r\n'
    body = "\r\n" * 2_100 + "".join(f"{i},{i * 2},t{i}\r\n" for i in range(50))
    path = tmp_path / "t.csv"
    path.write_text(header + body, encoding="utf-8")
    old, new, answered = _read_both(path, monkeypatch)
    assert answered
    assert_same(old, new)


def test_a_row_wider_than_the_header_gives_the_same_error(tmp_path, monkeypatch):
    path = _long_file(tmp_path)
    path.write_bytes(path.read_bytes() + b"1;2;3;4;5;6;7;8\r\n")
    old, new, _ = _read_both(path, monkeypatch)
    assert isinstance(old, tuple) and "fields but the header names 7 columns" in old[1]
    assert old == new


def test_an_unclosed_quote_gives_the_same_result(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"open\n2,3\n', encoding="utf-8")
    old, new, _ = _read_both(path, monkeypatch)
    assert_same(old, new)


# -- the real exports ------------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "survey_exports/qualtrics_sample.csv",
        "survey_exports/qualtrics_sample_legacy.csv",
        "survey_exports/limesurvey_codeonly.csv",
        "statline/cbs_donorregister_statline.csv",
    ],
)
@pytest.mark.parametrize("cross_check", [False, True])
def test_real_exports_read_the_same(name, cross_check, monkeypatch):
    path = real_file(name)
    old, new, answered = _read_both(path, monkeypatch)
    if cross_check:
        monkeypatch.setattr(tabular, "_CROSS_CHECK", True)
        new = read(path)
    assert_same(old, new)
    if not name.startswith("statline"):
        assert answered


def test_a_field_longer_than_the_csv_module_reads_gives_the_same_error(tmp_path, monkeypatch):
    path = _long_file(tmp_path)
    data = path.read_bytes()
    assert data.count(b";ok 2499;") == 1
    path.write_bytes(data.replace(b";ok 2499;", b";" + b"x" * 140_000 + b";"))  # after the head
    old, new, answered = _read_both(path, monkeypatch)
    assert not answered
    assert isinstance(old, tuple) and "field larger than field limit" in old[1]
    assert old == new


# -- a referral log: few distinct values over many rows, typed once per distinct text ----------------


def _referral_log(
    tmp_path: Path, encoding: str = "utf-8", late: str = "", rows: int = 3_000, at: int | None = None
) -> Path:
    """A log longer than the head: unique IDs, a few codes (with spaces around some), a column
    mixing numbers and text, empty cells, Dutch dates, counts and flags; ``late`` goes into row
    ``at`` (after the head; by default near the end)."""
    at = rows - 50 if at is None else at
    lines = ["ref_id,gemeente,gemengd,datum,aantal,vlag,toelichting"]
    mixed = ["12", " 7 ", "onbekend", "", "3.5", "12", "-4", " "]
    for i in range(rows):
        datum = "" if i % 5 == 0 else f"{1 + i % 28}-{1 + i % 12}-{2023 + i % 2}"
        if i % 9 == 0:
            datum = f" {datum} "
        aantal = "" if i % 4 == 0 else (f" {i % 6}" if i % 3 else str(i % 6))
        vlag = ("true", "False", " ", "TRUE")[i % 4]
        note = late if i == at else ("Zoë" if encoding != "ascii" and i % 100 == 1 else f"n{i % 3}")
        gemeente = f"GM{(i * 7) % 40:04d}" if i % 11 else f" GM{i % 40:04d} "
        lines.append(f"V{i:07d},{gemeente},{mixed[i % len(mixed)]},{datum},{aantal},{vlag},{note}")
    lines += ["", ",,,,,,"]
    path = tmp_path / "verwijzingen.csv"
    text = "\r\n".join(lines) + "\r\n"
    path.write_bytes(text.encode("utf-8-sig") if encoding == "utf-8" else text.encode(encoding))
    return path


@pytest.mark.parametrize("block", [4096, 1 << 20])
@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252", "ascii"])
@pytest.mark.parametrize("with_codebook", [False, True])
def test_referral_log_typed_per_distinct_value_equals_python_path(
    tmp_path, monkeypatch, block, encoding, with_codebook
):
    monkeypatch.setattr(tabular, "_BLOCK", block)  # many parsed blocks: dictionaries merged (or not)
    path = _referral_log(tmp_path, encoding)
    options: dict = {}
    if with_codebook:
        options["codebook"] = Codebook(
            "verwijzingen",
            (
                Variable("gemeente", type="string"),
                Variable("gemengd", type="numeric"),  # not every value is a number: a warning
                Variable("datum", type="date"),
                Variable("aantal", type="numeric", value_labels={0: "geen", 1: "een"}, missing_values=[5]),
                Variable("toelichting", type="string", missing_values=["n2"]),  # a symbol: Python path
            ),
        )
    old, new, answered = _read_both(path, monkeypatch, **options)
    assert answered
    assert_same(old, new)
    codes = new.codes
    assert len(codes) == 3_000 and codes["ref_id"].is_unique
    assert codes["gemeente"].iloc[11] == " GM0011 " and str(codes["datum"].dtype) == "datetime64[us]"
    assert codes["datum"].iloc[1] == pd.Timestamp("2024-02-02") and pd.isna(codes["datum"].iloc[0])
    assert codes["gemengd"].iloc[1] == " 7 " and pd.isna(codes["gemengd"].iloc[3])
    assert str(codes["aantal"].dtype) == "Int64" and pd.isna(codes["aantal"].iloc[0])
    if with_codebook:
        assert any("'gemengd'" in w and "not numbers" in w for w in new.warnings)
    else:
        assert str(codes["vlag"].dtype) == "boolean" and pd.isna(codes["vlag"].iloc[2])
    if encoding == "windows-1252":
        assert any("windows-1252" in w for w in new.warnings)
        assert codes["toelichting"].iloc[1] == "Zoë"


@pytest.mark.parametrize(
    ("late", "answers"),
    [
        ("\u00a0spatie", False),  # a non-breaking space, after the head: found as the parser reads
        ("\x1c", False),
        ("café", True),  # not UTF-8 in a windows-1252 file (below): read from the decoded text
    ],
)
def test_a_character_after_the_head_is_found_while_parsing(tmp_path, monkeypatch, late, answers):
    monkeypatch.setattr(tabular, "_HEAD_CHARS", 60_000)  # the head is found in a clean prefix
    monkeypatch.setattr(tabular, "_BLOCK", 4096)
    path = _referral_log(tmp_path, "windows-1252" if answers else "utf-8", late=late)
    if answers:
        path.write_bytes(path.read_bytes().replace("Zoë".encode("windows-1252"), b"Zoe"))
        assert path.read_bytes()[:60_000].isascii()
    old, new, answered = _read_both(path, monkeypatch)
    assert answered is answers
    assert_same(old, new)


def test_a_blank_line_after_the_head_is_read_by_the_c_parser(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "_BLOCK", 4096)  # pyarrow fails at the blank line, pandas reads it
    path = _referral_log(tmp_path, late="\r\n", rows=30_000, at=2_100)
    old, new, answered = _read_both(path, monkeypatch)
    assert answered
    assert_same(old, new)
    assert len(new.frame) == 30_001 and new.frame["ref_id"].isna().sum() == 1


@pytest.mark.parametrize("symbol", [False, True])
def test_labelled_text_codes_are_a_categorical_of_the_codes_in_both_paths(tmp_path, monkeypatch, symbol):
    # A destination code repeated over many rows is kept as positions among its distinct codes;
    # a missing code written as text ("onb") sends the column through the Python path.
    kinds = ["vt", " wijk ", "", "schuld", "onb" if symbol else "vt"]
    lines = ["ref_id,soort"] + [f"R{i:05d},{kinds[i % len(kinds)]}" for i in range(2_000)]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = Codebook(
        "log",
        (
            Variable("ref_id", type="string"),
            Variable(
                "soort",
                type="string",
                value_labels={
                    "vt": "Veilig Thuis",
                    " wijk ": "Wijkteam",
                    "schuld": "Schuldhulp",
                    "onb": "onbekend",
                },
                missing_values=["onb"],
            ),
        ),
    )
    old, new, answered = _read_both(path, monkeypatch, codebook=book)
    assert answered
    assert_same(old, new)
    codes = new.codes["soort"]
    assert isinstance(codes.dtype, pd.CategoricalDtype) and codes.dtype.categories.dtype == "str"
    expected = [" wijk ", "onb", "schuld", "vt"] if symbol else [" wijk ", "schuld", "vt"]
    assert list(codes.cat.categories) == expected  # the texts as the file has them, sorted
    assert codes.iloc[0] == "vt" and codes.iloc[1] == " wijk " and pd.isna(codes.iloc[2])
    assert codes.iloc[4] == ("onb" if symbol else "vt")
    assert str(new.codes["ref_id"].dtype) == "str"  # unlabelled text stays text
    frame = new.frame["soort"]
    assert frame.iloc[0] == "Veilig Thuis" and frame.iloc[1] == "Wijkteam" and pd.isna(frame.iloc[2])
    assert pd.isna(frame.iloc[4]) is symbol  # the missing code is missing in the frame
    assert int((frame == "Veilig Thuis").sum()) == (400 if symbol else 800)
    assert (new.missing_reason("soort") == "onbekend").sum() == (400 if symbol else 0)
