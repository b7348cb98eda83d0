"""CSV and Excel files: survey-platform exports, CBS StatLine tables and plain tables.

The layout of a file (its *dialect*) decides where the names, question texts and data are:

==================  ===================================================================
dialect             layout
==================  ===================================================================
``qualtrics``       three header rows: names, question texts, ``{"ImportId": ...}``
                    (also written ``{'ImportId': ...}``, with spaces or other keys; a file
                    with only the first two is read too when named explicitly)
``qualtrics_legacy``  old Qualtrics export: ``V1..Vn`` names, then a row of texts (and
                    an ImportId row, when there is one)
``limesurvey``      LimeSurvey response export with code-only headings (``A8[SQ001]``),
                    code-plus-text headings (``A8[SQ001]. Question text [Option]``) or
                    full-text headings (``Response ID``, ``Date submitted``)
``statline``        CBS StatLine CSV: ``.`` not available and ``x`` secret become missing
                    with their reason, ``-`` (nil) is 0, ``2022*`` provisional becomes
                    2022 plus a ``<column>_provisional`` flag
``plain``           one header row
``codings``         an interview codings table (document, code, start, end, text), read
                    by :mod:`analysis.ingest.qda`
==================  ===================================================================

``dialect="auto"`` (the default) recognises each of these; when the file could be read in
more than one way it stops and asks the researcher to name the dialect. Text files may carry
a byte-order mark, ``;``, tab or ``|`` separators, CRLF line ends and Dutch decimal commas
(``3,5``); their encoding is UTF-8 (or UTF-16 with a BOM), else windows-1252 with a warning,
unless ``encoding=`` names it.

Column names become usable identifiers (``Duration (in seconds)`` -> ``Duration_in_seconds``);
the heading as it stood is kept in the codebook (``source_name``), question texts become
variable labels.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.codebook import Codebook, Variable
from analysis.errors import ReadError
from analysis.ingest.dataset import Dataset
from analysis.ingest.labels import drift_warnings, labelled_frame
from analysis.ingest.sniff import file_kind

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DIALECTS", "STATLINE_SYMBOLS", "detect_dialect", "read", "safe_name"]

DIALECTS = ("auto", "qualtrics", "qualtrics_legacy", "limesurvey", "plain", "statline", "codings")

#: CBS StatLine symbols that stand for a missing number, with their meaning.
STATLINE_SYMBOLS = {".": "niet beschikbaar (.)", "x": "geheim (x)"}

#: Largest text file read into memory (bytes); bigger files need a database export. The C
#: parser path below peaks at about 2.2 times a UTF-8 file's size (1.3 GB for a 595 MB referral
#: log of 5M rows, whose frame and codes hold about 1 GB; another encoding adds its decoded
#: text); the Python path at about 15 times.
MAX_TEXT_BYTES = 2 * 1024 * 1024 * 1024

_LIMESURVEY_FIELDS = ("id", "submitdate", "lastpage", "startlanguage")
_LIMESURVEY_TEXT = ("Response ID", "Date submitted", "Last page", "Start language")
_LS_CODETEXT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])*)(?:\. |: )(.*)$", re.S)
_NUM_POINT = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_NUM_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_INT = re.compile(r"^[+-]?\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NL_DATE = re.compile(r"^\d{1,2}-\d{1,2}-\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_PROVISIONAL = re.compile(r"^(.*?\S)\s*(\*{1,2})$")
#: A cell of Qualtrics' ImportId header row: ``{"ImportId":"QID1"}`` as JSON, but also
#: ``{'ImportId': 'QID1'}`` (older and re-saved exports), with spaces, other keys
#: (``"timeZone"``) or no braces. The group ``id`` is the import id.
_IMPORT_ID = re.compile(
    r"""^\s*\{?\s*(?P<q>["']?)ImportId(?P=q)\s*:\s*"""
    r"""(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|(?P<b>[^,}\s]*))""",
    re.IGNORECASE,
)


@dataclass
class _Layout:
    """Where a dialect finds names, labels and data."""

    headers: list[str]
    labels: list[str]
    data: list[list[Any]]
    header_rows: int
    extra: dict[str, list[str]] = field(default_factory=dict)


def read(
    path: str | Path,
    *,
    dialect: str | None = "auto",
    codebook: Codebook | None = None,
    dataset: str | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> Dataset:
    """Read a CSV or XLSX file: a survey-platform export, a StatLine table or a plain table.

    Parameters
    ----------
    path
        ``.csv``, ``.tsv``, ``.txt`` (delimited), ``.xlsx`` or ``.xlsm`` file.
    dialect
        One of :data:`DIALECTS`; ``"auto"`` (or ``None``) detects it.
    codebook
        A study's reviewed codebook: its types decide how columns are parsed (a ``string``
        variable keeps leading zeros), its value labels make categoricals and its missing
        codes become ``NA`` (the code stays in :attr:`Dataset.codes`).
    dataset
        Dataset name; defaults to the file stem.
    sheet
        Worksheet name or 0-based number (Excel only; default the first sheet).
    encoding
        Character encoding of a text file (default: detected).

    Returns
    -------
    Dataset
        ``frame`` and ``codes`` with one column per variable; ``codebook`` with the question
        texts as labels (inferred from the data when no codebook is given); for survey exports
        ``tables["columns"]`` lists name, source_name, label (and Qualtrics' import_id).

    Raises
    ------
    ReadError
        The file is not what its extension says, its encoding is unknown, its header spans
        merged cells, its rows do not fit its header, or its dialect is unclear.
    """
    path = Path(path)
    dialect = (dialect or "auto").lower()
    if dialect not in DIALECTS:
        raise ReadError(
            f"unknown dialect {dialect!r}",
            path=path,
            hint=f"use one of {', '.join(DIALECTS)}",
        )
    warnings: list[str] = []
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows, merged = _xlsx_rows(path, sheet, warnings)
        used_encoding = None
        separator = None
    else:
        fast_path = C_PARSER and dialect in _FAST_DIALECTS
        start = _utf8_start(path, encoding) if fast_path else None
        if start is not None:
            # A UTF-8 file: the C parser path reads its bytes, without decoding it as a whole.
            source = _Source.file(path, start)
            if source.head is not None:
                fast = _read_text_fast(
                    source,
                    "\t" if suffix == ".tsv" else _sniff_separator(source.head),
                    path=path,
                    dialect=dialect,
                    codebook=codebook,
                    dataset=dataset,
                    encoding=encoding or "utf-8",
                    warnings=warnings,
                )
                if fast is not None:
                    return fast
            fast_path = not source.valid  # not UTF-8 after all: decoded and read from its text
        text, used_encoding = _decode(path, encoding, warnings)
        separator = "\t" if suffix == ".tsv" else _sniff_separator(text)
        if fast_path:
            fast = _read_text_fast(
                _Source.text(text),
                separator,
                path=path,
                dialect=dialect,
                codebook=codebook,
                dataset=dataset,
                encoding=used_encoding,
                warnings=warnings,
            )
            if fast is not None:
                return fast
        rows = _csv_rows(text, separator, path)
        merged = []
    decimal = _decimal_mark(rows, separator)
    rows = _trim(rows)
    if not rows:
        raise ReadError(
            "the file holds no table (it is empty)",
            path=path,
            hint="export the data again, with a header row",
        )
    if dialect == "auto":
        dialect = detect_dialect(rows, path=path, separator=separator)
    layout = _LAYOUTS[dialect](rows, path)
    _check_merged(merged, layout.header_rows, path, warnings)
    names, source_names = _names(layout.headers, codebook, warnings)
    data = _rectangle(layout.data, len(names), path, layout.header_rows)
    if dialect == "codings":
        from analysis.ingest import qda

        lowered = [n.lower() for n in names]  # a codings table's columns are read in lower case
        if len(set(lowered)) == len(lowered):
            names = lowered
        codes = _plain_frame(names, data, codebook, "plain", decimal, warnings)
        return qda.read_codings_table(codes, path=path, dataset=dataset, warnings=warnings, codebook=codebook)
    return _build(
        path=path,
        dialect=dialect,
        names=names,
        source_names=source_names,
        layout=layout,
        data=data,
        codebook=codebook,
        dataset=dataset,
        decimal=decimal,
        encoding=used_encoding,
        warnings=warnings,
    )


# -- bytes to rows ------------------------------------------------------------------------------


def _decode(path: Path, encoding: str | None, warnings: list[str]) -> tuple[str, str]:
    """The file's text and the encoding used; clear errors for binary files."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ReadError(
            f"the file is {size / 1e6:.0f} MB, more than Bruggen reads as text",
            path=path,
            hint="split it, or export it as .sav or parquet",
        )
    data = path.read_bytes()
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ReadError(
                f"{encoding!r} is not an encoding Bruggen knows",
                path=path,
                hint="use a standard name such as utf-8, windows-1252 or latin-1",
            ) from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"the file is not valid {encoding} text (byte {exc.start}: {data[exc.start : exc.start + 4]!r})",
                path=path,
                hint="leave out encoding= to let Bruggen detect it, or name the encoding the file was saved in",
            ) from None
        return text.lstrip("\ufeff"), encoding
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").lstrip("\ufeff"), "utf-16"
    kind = file_kind(data[:4096])
    if kind:
        raise ReadError(
            f"this is not a text table but {kind}",
            path=path,
            hint=_binary_hint(kind),
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("windows-1252")
    except UnicodeDecodeError as exc:
        raise ReadError(
            "the file's character encoding is unknown: it is neither UTF-8 nor windows-1252 "
            f"(byte {exc.start} is {data[exc.start : exc.start + 1]!r})",
            path=path,
            hint="save it again as 'CSV UTF-8' (Excel: File > Save As), or pass encoding= with the "
            "encoding it was written in (in study.yml: options: {encoding: ...})",
        ) from None
    warnings.append(
        "the file is not UTF-8; it was read as windows-1252. If accented letters look wrong, "
        "give its encoding (options: {encoding: ...} in study.yml)"
    )
    return text, "windows-1252"


def _binary_hint(kind: str) -> str:
    if kind.startswith("a ZIP"):
        return "if it is a workbook, rename it to .xlsx; if a REFI-QDA project, to .qdpx"
    if kind.startswith("an SPSS"):
        return "rename it to .sav"
    if kind.startswith("UTF-16"):
        return "pass encoding='utf-16-le' (options: {encoding: utf-16-le} in study.yml)"
    if kind.startswith("an old Office"):
        return "open it in Excel and save it as .xlsx without a password"
    return "export the data as CSV (UTF-8) or .xlsx"


def _sniff_separator(text: str) -> str:
    """The separator that splits the header and the first rows into equally many fields.

    A separator that splits the header wins over one that does not; then one whose rows agree
    with the header's width; then the widest (ties go to ``,`` then ``;``, tab, ``|``). A
    one-column file is read with a separator that keeps every row one field wide, so ``3,5``
    stays a Dutch decimal.
    """
    lines = text[:65_536].splitlines()
    sample = "\n".join(lines[:30])
    best: tuple[int, int, int, int] | None = None
    choice = ","
    for order, sep in enumerate((",", ";", "\t", "|")):
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=sep) if r]
        except csv.Error:
            continue
        if not widths:
            continue
        if len(lines) > 30:
            widths = widths[:-1] or widths  # the last sampled line may be cut short
        header = widths[0]
        agree = sum(w == header for w in widths) >= len(widths) - len(widths) // 10
        score = (int(header > 1), int(agree), header, -order)
        if best is None or score > best:
            best, choice = score, sep
    return choice


def _decimal_mark(rows: list[list[Any]], separator: str | None) -> str:
    """``","`` when a text file not separated by commas writes numbers with decimal commas."""
    if separator in (None, ","):
        return "."
    pattern = re.compile(r"^\s*[+-]?\d{1,3}(?:\.\d{3})*,\d+\s*$|^\s*[+-]?\d+,\d+\s*$")
    for row in rows[1:2000]:
        for cell in row:
            if isinstance(cell, str) and pattern.match(cell):
                return ","
    return "."


def _csv_rows(text: str, separator: str, path: Path) -> list[list[Any]]:
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]
    except csv.Error as exc:
        raise ReadError(
            f"the CSV is malformed ({exc})",
            path=path,
            hint="check for an unclosed quote near that line, or export the file again",
        ) from None


def _xlsx_rows(path: Path, sheet: str | int | None, warnings: list[str]) -> tuple[list[list[Any]], list]:
    import zipfile

    from analysis.ingest.safezip import check_archive

    head = path.read_bytes()[:8]
    if not head.startswith(b"PK"):
        kind = file_kind(head) or "a text file (a CSV renamed?)"
        raise ReadError(
            f"this is not an Excel workbook but {kind}",
            path=path,
            hint=_binary_hint(kind) if not kind.startswith("a text") else "rename it to .csv",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, path)
    except zipfile.BadZipFile:
        raise ReadError(
            "the workbook is damaged (its ZIP container cannot be opened)",
            path=path,
            hint="download or copy it again, or open it in Excel and save it again",
        ) from None
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:
        raise ReadError(
            f"the workbook cannot be opened ({type(exc).__name__}: {exc})",
            path=path,
            hint="open it in Excel and save it again as .xlsx, or export the sheet as CSV",
        ) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = wb[names[0]]
            if len(names) > 1:
                warnings.append(
                    f"the workbook has {len(names)} sheets ({', '.join(names)}); read the first, "
                    f"{names[0]!r}. Name another with options: {{sheet: ...}}"
                )
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise ReadError(
                    f"the workbook has no sheet number {sheet} (it has {len(names)}, counted from 0)",
                    path=path,
                    hint=f"sheets: {', '.join(names)}",
                )
            ws = wb[names[sheet]]
        elif str(sheet) in names:
            ws = wb[str(sheet)]
        else:
            raise ReadError(
                f"the workbook has no sheet called {sheet!r}",
                path=path,
                hint=f"its sheets are: {', '.join(names)}",
            )
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = [(str(r), r.min_row, r.max_row) for r in ws.merged_cells.ranges]
    finally:
        wb.close()
    return rows, merged


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop fully empty rows at the end and fully empty trailing cells."""

    def empty(x: Any) -> bool:
        return x is None or (isinstance(x, str) and x.strip() == "")

    while rows and all(empty(x) for x in rows[-1]):
        rows.pop()
    return rows


def _check_merged(merged: list, header_rows: int, path: Path, warnings: list[str]) -> None:
    in_header = [ref for ref, lo, _hi in merged if lo <= header_rows]
    if in_header:
        raise ReadError(
            f"the header spans merged cells ({', '.join(in_header[:5])}), so columns have no "
            "names of their own",
            path=path,
            hint="unmerge the header cells in Excel and give every column its own name in one row "
            "(put a grouping heading into the names, e.g. 'vertrouwen_1')",
        )
    if merged:
        warnings.append(
            f"the sheet has {len(merged)} merged cell range(s) in its data ({', '.join(m[0] for m in merged[:3])}); "
            "only the first cell of each holds a value, the others are read as empty"
        )


# -- dialects -------------------------------------------------------------------------------


def _cells(row: Sequence[Any]) -> list[str]:
    return ["" if x is None else str(x) for x in row]


def detect_dialect(rows: list[list[Any]], *, path: Path | None = None, separator: str | None = None) -> str:
    """Recognise the layout of a table from its first rows.

    Parameters
    ----------
    rows
        The file's rows as cells (strings for CSV, values for Excel).
    path
        The file, for messages.
    separator
        The CSV separator, when known (StatLine uses ``;``).

    Returns
    -------
    str
        One of :data:`DIALECTS` other than ``"auto"``.

    Raises
    ------
    ReadError
        The layout is ambiguous; the message asks the researcher to name the dialect.
    """
    header = [h.strip() for h in _cells(rows[0])]
    second = _cells(rows[1]) if len(rows) > 1 else []
    third = _cells(rows[2]) if len(rows) > 2 else []
    if (
        len(header) >= 3
        and header[:3] == ["V1", "V2", "V3"]
        and any(c.strip() in ("ResponseID", "ResponseSet") for c in second)
    ):
        return "qualtrics_legacy"
    if _is_import_row(third) or _is_import_row(second):
        return "qualtrics"
    lowered = {h.lower() for h in header}
    if sum(f in header for f in _LIMESURVEY_FIELDS) >= 3:
        return "limesurvey"
    codetext = [m.group(1) for h in header if (m := _LS_CODETEXT.match(h))]
    if sum(f in codetext for f in _LIMESURVEY_FIELDS) >= 3:
        return "limesurvey"
    if sum(f in header for f in _LIMESURVEY_TEXT) >= 3:
        return "limesurvey"
    if {"document", "code"} <= lowered and ({"start", "end"} <= lowered or "text" in lowered):
        return "codings"
    if "Perioden" in header or _looks_statline(rows, separator):
        return "statline"
    clue = _second_row_is_labels(rows)
    if clue:
        raise ReadError(
            "Bruggen is unsure how to read this file: its second row looks like question texts "
            f"rather than data ({clue})",
            path=path,
            hint="name the layout in study.yml (options: {dialect: ...}) or with read(..., dialect=...): "
            "'qualtrics' for a Qualtrics export (names, question texts), 'plain' to read the second "
            "row as data, 'limesurvey' or 'statline'",
        )
    return "plain"


def _looks_statline(rows: list[list[Any]], separator: str | None) -> bool:
    if separator != ";":
        return False
    body = [c for row in rows[1:200] for c in _cells(row)]
    dots = sum(c.strip() == "." for c in body)
    padded = sum(bool(re.match(r"^ +-?\d", c)) for c in body)
    starred = sum(bool(re.match(r"^\d{4}\*{1,2}$", c.strip())) for c in body)
    return (dots > 0 and padded > 0) or (starred > 0 and padded > 0)


def _is_number(text: str) -> bool:
    t = text.strip()
    return bool(_NUM_POINT.match(t) or _NUM_COMMA.match(t))


def _second_row_is_labels(rows: list[list[Any]]) -> str | None:
    """A clue that row 2 holds texts, not data: a column of numbers that starts with text."""
    if len(rows) < 4:
        return None
    header = _cells(rows[0])
    second = _cells(rows[1])
    filled = [c for c in second if c.strip()]
    if not filled or any(_is_number(c) for c in filled):
        return None
    body = [_cells(r) for r in rows[2:52]]
    for j, cell in enumerate(second):
        if not cell.strip():
            continue
        column = [r[j] for r in body if j < len(r) and r[j].strip()]
        if len(column) >= 2 and all(_is_number(c) for c in column):
            name = header[j] if j < len(header) else f"column {j + 1}"
            return f"column {name!r} holds numbers, but its second row says {cell.strip()[:40]!r}"
    return None


def _layout_plain(rows: list[list[Any]], path: Path) -> _Layout:
    headers = _cells(rows[0])
    return _Layout(headers=headers, labels=[""] * len(headers), data=rows[1:], header_rows=1)


def _import_id(cell: str) -> str | None:
    """The import id in a cell of Qualtrics' ImportId row, or ``None`` if it is not one."""
    m = _IMPORT_ID.match(cell)
    if not m:
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        value = None
    if isinstance(value, dict) and "ImportId" in value:
        return str(value["ImportId"])
    return next((g for g in (m.group("d"), m.group("s"), m.group("b")) if g is not None), "")


def _is_import_row(row: Sequence[str]) -> bool:
    """Whether a row is Qualtrics' ImportId row (at least 80% of its filled cells)."""
    filled = [c for c in row if c.strip()]
    return bool(filled) and sum(_import_id(c) is not None for c in filled) >= 0.8 * len(filled)


def _import_ids(row: Sequence[str]) -> list[str]:
    ids = []
    for c in row:
        found = _import_id(c)
        ids.append(c if found is None else found)
    return ids


def _layout_qualtrics(rows: list[list[Any]], path: Path) -> _Layout:
    headers = _cells(rows[0])
    second = _cells(rows[1]) if len(rows) > 1 else [""] * len(headers)
    third = _cells(rows[2]) if len(rows) > 2 else []
    extra: dict[str, list[str]] = {}
    if any(_import_id(c) is not None for c in third):
        labels, extra["import_id"], start = second, _import_ids(third), 3
    elif _is_import_row(second):  # names and import ids, without question texts
        labels, extra["import_id"], start = [""] * len(headers), _import_ids(second), 2
    else:
        labels, start = second, 2
    labels = [lab if lab.strip() != h.strip() else "" for lab, h in zip(labels, headers, strict=False)]
    return _Layout(headers=headers, labels=labels, data=rows[start:], header_rows=start, extra=extra)


def _layout_qualtrics_legacy(rows: list[list[Any]], path: Path) -> _Layout:
    headers = _cells(rows[0])
    labels = _cells(rows[1]) if len(rows) > 1 else [""] * len(headers)
    labels = [lab if lab.strip() != h.strip() else "" for lab, h in zip(labels, headers, strict=False)]
    third = _cells(rows[2]) if len(rows) > 2 else []
    extra: dict[str, list[str]] = {}
    start = 2
    if _is_import_row(third):  # an ImportId row under the texts is a header row, never a respondent
        extra["import_id"] = _import_ids(third)
        start = 3
    return _Layout(headers=headers, labels=labels, data=rows[start:], header_rows=start, extra=extra)


def _layout_limesurvey(rows: list[list[Any]], path: Path) -> _Layout:
    raw = _cells(rows[0])
    headers, labels = [], []
    for h in raw:
        m = _LS_CODETEXT.match(h)
        if m and h not in _LIMESURVEY_FIELDS:
            headers.append(m.group(1))
            labels.append(m.group(2).strip())
        elif h in _LIMESURVEY_TEXT or not re.match(r"^[A-Za-z_]\w*(\[[^\]]*\])*$", h):
            headers.append(h)  # a full-text heading: the name is derived from it, the text is its label
            labels.append(h)
        else:
            headers.append(h)
            labels.append("")
    return _Layout(headers=headers, labels=labels, data=rows[1:], header_rows=1)


_LAYOUTS: dict[str, Callable[[list[list[Any]], Path], _Layout]] = {
    "plain": _layout_plain,
    "statline": _layout_plain,
    "codings": _layout_plain,
    "qualtrics": _layout_qualtrics,
    "qualtrics_legacy": _layout_qualtrics_legacy,
    "limesurvey": _layout_limesurvey,
}


# -- names and shape ------------------------------------------------------------------------------


def safe_name(heading: str) -> str:
    """A usable column name for a heading: letters, digits and underscores.

    ``A8[SQ001]`` -> ``A8_SQ001``, ``Duration (in seconds)`` -> ``Duration_in_seconds``,
    ``2022`` -> ``v_2022``. Letters with accents are kept.
    """
    cleaned = "".join(c if ("a" + c).isidentifier() else "_" for c in heading.strip())
    name = re.sub(r"_+", "_", cleaned).strip("_")
    if not name:
        return ""
    if not name[0].isidentifier():
        name = "v_" + name
    return name


def _names(
    headers: list[str], codebook: Codebook | None, warnings: list[str]
) -> tuple[list[str], list[str | None]]:
    names: list[str] = []
    sources: list[str | None] = []
    seen: set[str] = set()
    for i, heading in enumerate(headers):
        heading = heading.strip()
        if codebook is not None and heading in codebook:
            name = heading
        else:
            name = safe_name(heading) or f"column_{i + 1}"
        if name in seen:
            k = 2
            while f"{name}_{k}" in seen:
                k += 1
            warnings.append(f"column {i + 1} repeats the name {name!r}; it is read as {name}_{k}")
            name = f"{name}_{k}"
        seen.add(name)
        names.append(name)
        sources.append(heading if heading != name else None)
    return names, sources


def _rectangle(data: list[list[Any]], width: int, path: Path, header_rows: int) -> list[list[Any]]:
    out = []
    for i, row in enumerate(data):
        row = list(row)
        if len(row) > width:
            extra = [x for x in row[width:] if x not in (None, "") and str(x).strip()]
            if extra:
                raise ReadError(
                    f"row {header_rows + i + 1} has {len(row)} fields but the header names {width} columns",
                    path=path,
                    hint="a text with an unquoted separator, or a different separator than the header; "
                    "export the file again with quoted text, or fix that row",
                )
            row = row[:width]
        elif len(row) < width:
            row = row + [None] * (width - len(row))
        out.append(row)
    return out


# -- typing columns ------------------------------------------------------------------------------


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, str) and x.strip() == "") or (isinstance(x, float) and x != x)


def _parse_numbers(texts: list[str], decimal: str | None) -> list[float] | None:
    """Numbers from text cells.

    In a file that writes decimal commas (``decimal=","``) a dot groups thousands
    (``1.234,5``); otherwise the dot is the decimal mark.
    """
    stripped = [t.strip() for t in texts]
    if decimal == "," and all(_NUM_COMMA.match(t) for t in stripped):
        return [float(t.replace(".", "").replace(",", ".")) for t in stripped]
    if all(_NUM_POINT.match(t) for t in stripped):
        return [float(t) for t in stripped]
    return None


def _leading_zero(texts: list[str]) -> bool:
    return any(re.match(r"^[+-]?0\d", t.strip()) for t in texts)


def _convert(
    values: list[Any],
    *,
    want: str | None,
    symbols: set[str],
    decimal: str | None,
    name: str,
    warnings: list[str],
) -> tuple[pd.Series, str]:
    """Typed codes for one column and its codebook type.

    ``symbols`` (missing codes written as text, such as StatLine's ``.``) are kept as text in the
    codes and left out when deciding the type.
    """
    import numpy as np
    import pandas as pd

    n = len(values)
    # One pass (this is the reader's inner loop): missing cells (_is_missing) are skipped,
    # missing-code symbols kept apart, the rest converted below.
    rest: list[int] = []
    rest_values: list[Any] = []
    coded: list[tuple[int, str]] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, str):
            t = v.strip()
            if not t:
                continue
            if t in symbols:
                coded.append((i, v))
                continue
        elif isinstance(v, float) and v != v:
            continue
        rest.append(i)
        rest_values.append(v)
    complete = len(rest) == n  # no missing cell and no symbol: the values need no placing

    def assemble(converted: list[Any] | pd.Series, dtype: str | None) -> pd.Series:
        if complete and len(converted) == n:
            if isinstance(converted, pd.Series):
                series = converted.reset_index(drop=True)
            else:
                series = pd.Series(np.array(converted, dtype=object), dtype=object)
            return series.astype(dtype) if dtype else series
        out: list[Any] = [None] * n
        for i, v in zip(rest, converted, strict=True):
            out[i] = v
        if coded:
            for i, v in coded:
                out[i] = v.strip()
            return pd.Series(np.array(out, dtype=object), dtype=object)
        series = pd.Series(np.array(out, dtype=object), dtype=object)
        return series.astype(dtype) if dtype else series

    if want == "string":
        return assemble([v if isinstance(v, str) else _text(v) for v in rest_values], "str"), "string"
    natives = [v for v in rest_values if not isinstance(v, str)]
    if natives and len(natives) == len(rest_values):
        return _convert_native(rest_values, assemble, want)
    texts = [v if isinstance(v, str) else _text(v) for v in rest_values]
    if not texts:
        kind = want or ("numeric" if coded else "string")
        return assemble(
            [], "float64" if kind == "numeric" and not coded else ("str" if kind == "string" else None)
        ), kind
    if want in (None, "numeric") and not (want is None and _leading_zero(texts)):
        numbers = _parse_numbers(texts, decimal)
        if numbers is not None:
            if all(_INT.match(t.strip()) for t in texts) and all(abs(x) < 2**53 for x in numbers):
                return assemble([int(x) for x in numbers], "Int64"), "numeric"
            return assemble(numbers, "float64"), "numeric"
        if want == "numeric":
            bad = [t for t in texts if _parse_numbers([t], decimal) is None]
            warnings.append(
                f"variable {name!r}: the codebook says numeric, but {len(bad)} value(s) are not numbers "
                f"(e.g. {bad[0]!r}); the column is kept as text"
            )
    lowered = {t.strip().lower() for t in texts}
    if want == "boolean" or (want is None and lowered <= {"true", "false"}):
        truth = {
            "true": True,
            "false": False,
            "1": True,
            "0": False,
            "ja": True,
            "nee": False,
            "yes": True,
            "no": False,
        }
        if lowered <= set(truth):
            return assemble([truth[t.strip().lower()] for t in texts], "boolean"), "boolean"
    if want in (None, "date", "datetime"):
        stripped = [t.strip() for t in texts]
        parsed = None
        if all(_ISO_DATE.match(t) for t in stripped):
            parsed = pd.to_datetime(pd.Series(stripped), format="ISO8601", errors="coerce")
        elif all(_NL_DATE.match(t) for t in stripped):
            parsed = pd.to_datetime(pd.Series(stripped), dayfirst=True, format="mixed", errors="coerce")
        if parsed is not None and parsed.notna().all():
            has_time = any(len(t) > 10 for t in stripped)
            kind = want or ("datetime" if has_time else "date")
            parsed = parsed.astype("datetime64[us]")
            return assemble(parsed if complete else list(parsed), "datetime64[us]"), kind
        if want in ("date", "datetime"):
            warnings.append(
                f"variable {name!r}: the codebook says {want}, but not every value is a date "
                "(use YYYY-MM-DD or DD-MM-YYYY); the column is kept as text"
            )
    return assemble(texts, "str"), "string"


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _convert_native(values: list[Any], assemble: Callable, want: str | None) -> tuple[pd.Series, str]:
    """Excel cells that already have a type."""
    import datetime as dt

    if all(isinstance(v, bool) for v in values):
        return assemble(values, "boolean"), "boolean"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        if all(float(v).is_integer() for v in values) and all(abs(v) < 2**53 for v in values):
            return assemble([int(v) for v in values], "Int64"), "numeric"
        return assemble([float(v) for v in values], "float64"), "numeric"
    if all(isinstance(v, dt.datetime) for v in values):
        has_time = any(v.time() != dt.time(0) for v in values)
        return assemble(values, "datetime64[us]"), want or ("datetime" if has_time else "date")
    if all(isinstance(v, dt.date) for v in values):
        import pandas as pd

        return assemble([pd.Timestamp(v) for v in values], "datetime64[us]"), want or "date"
    if all(isinstance(v, dt.time) for v in values):
        return assemble(values, None), "time"
    return assemble([_text(v) for v in values], "str"), "string"


# -- building the dataset ------------------------------------------------------------------------


def _column_values(data: list[list[Any]], j: int) -> list[Any]:
    return [row[j] for row in data]


def _plain_frame(
    names: list[str],
    data: list[list[Any]],
    codebook: Codebook | None,
    dialect: str,
    decimal: str | None,
    warnings: list[str],
) -> pd.DataFrame:
    import pandas as pd

    cols = {}
    for j, name in enumerate(names):
        var = codebook.get(name) if codebook is not None else None
        symbols = {str(v) for v in var.missing_values if isinstance(v, str)} if var is not None else set()
        series, _ = _convert(
            _column_values(data, j),
            want=var.type if var is not None else None,
            symbols=symbols,
            decimal=decimal,
            name=name,
            warnings=warnings,
        )
        cols[name] = series
    return pd.DataFrame(cols)


def _build(
    *,
    path: Path,
    dialect: str,
    names: list[str],
    source_names: list[str | None],
    layout: _Layout,
    data: list[list[Any]],
    codebook: Codebook | None,
    dataset: str | None,
    decimal: str | None,
    encoding: str | None,
    warnings: list[str],
    columns: _RowColumns | _FastColumns | None = None,
) -> Dataset:
    import pandas as pd

    labels = layout.labels + [""] * (len(names) - len(layout.labels))
    if columns is None:
        columns = _RowColumns(data)
    # Columns with neither a heading nor a value (a trailing decimal on every line) are dropped.
    keep = [
        j
        for j in range(len(names))
        if (layout.headers[j].strip() if j < len(layout.headers) else "") or columns.filled(j)
    ]
    dropped_unnamed = [j for j in range(len(names)) if j not in keep]
    for j in keep:
        if not (layout.headers[j].strip() if j < len(layout.headers) else ""):
            warnings.append(f"column {j + 1} has values but no heading; it is read as {names[j]!r}")
    cols: dict[str, pd.Series] = {}
    variables: list[Variable] = []
    for j in keep:
        name = names[j]
        var = codebook.get(name) if codebook is not None else None
        values = columns.values(j)
        symbols: set[str] = set()
        if var is not None:
            symbols = {str(v) for v in var.missing_values if isinstance(v, str)}
        provisional = None
        if dialect == "statline":
            symbols |= set(STATLINE_SYMBOLS)
            values, provisional = _statline_values(values)
        labelled = var is not None and bool(var.value_labels)
        series, vtype = columns.convert(
            values,
            compact=labelled,
            want=var.type if var is not None else None,
            symbols=symbols,
            decimal=decimal,
            name=name,
            warnings=warnings,
        )
        if labelled:
            series = _compact_text(series)
        cols[name] = series
        if var is None:
            used = (
                sorted({v for v in series if isinstance(v, str) and v in STATLINE_SYMBOLS})
                if dialect == "statline"
                else []
            )
            label = labels[j].strip() or (source_names[j] or "")
            variables.append(
                Variable(
                    name=name,
                    label=label,
                    type=vtype,
                    missing_values=used,
                    value_labels={s: STATLINE_SYMBOLS[s] for s in used},
                    source_name=source_names[j],
                )
            )
        if provisional is not None:
            flag = f"{name}_provisional"
            cols[flag] = pd.Series(provisional, dtype="boolean")
            if codebook is None or flag not in codebook:
                variables.append(
                    Variable(
                        name=flag,
                        label=f"{labels[j].strip() or name}: voorlopig cijfer (* of ** in StatLine)",
                        type="boolean",
                    )
                )
    del dropped_unnamed
    codes = pd.DataFrame(cols, copy=False)  # the columns are new: no copy into blocks
    own = Codebook(
        dataset=dataset or path.stem,
        variables=tuple(variables),
        encoding=encoding,
        notes=f"read by Bruggen as a {dialect} file",
    )
    if codebook is not None:
        book = codebook
        warnings += drift_warnings(list(codes.columns), codebook)
    else:
        book = own
    frame = labelled_frame(codes, book)
    tables: dict[str, pd.DataFrame] = {}
    if dialect in ("qualtrics", "qualtrics_legacy", "limesurvey"):
        info = {
            "name": [names[j] for j in keep],
            "source_name": [layout.headers[j] for j in keep],
            "label": [labels[j].strip() for j in keep],
        }
        for key, values in layout.extra.items():
            info[key] = [values[j] if j < len(values) else "" for j in keep]
        tables["columns"] = pd.DataFrame(info)
    return Dataset(
        frame=frame,
        codebook=book,
        codes=codes,
        path=path,
        tables=tables,
        warnings=tuple(warnings),
    )


def _compact_text(series: pd.Series) -> pd.Series:
    """A labelled text column's codes as a categorical of its distinct texts, sorted.

    A referral log repeats a handful of codes (a destination, a theme) over millions of rows:
    as text they take some 80 MB per column at 5M rows, as positions 5 MB. The values, their
    missing cells and every comparison with a code are the same; the frame's labels are found
    per distinct text (:func:`~analysis.ingest.labels.labelled_frame`). Columns of numbers, or
    of numbers mixed with missing-code symbols, are returned as they are.
    """
    import pandas as pd

    if series.dtype != "str" and not (
        series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "string"
    ):
        return series
    return series.astype(pd.CategoricalDtype(pd.Index(series.dropna().unique(), dtype="str").sort_values()))


def _statline_values(values: list[Any]) -> tuple[list[Any], list[Any] | None]:
    """StatLine cells: ``-`` (nil) becomes 0, ``2022*`` becomes 2022 plus a provisional flag."""
    out: list[Any] = []
    flags: list[Any] = []
    any_flag = False
    for v in values:
        if isinstance(v, str):
            t = v.strip()
            if t in ("-", "\u2013"):
                out.append("0")
                flags.append(False)
                continue
            m = _PROVISIONAL.match(t)
            if m:
                out.append(m.group(1))
                flags.append(True)
                any_flag = True
                continue
            out.append(t)
            flags.append(None if t == "" else False)
        else:
            out.append(v)
            flags.append(None if v is None else False)
    return out, (flags if any_flag else None)


# -- the C parser path ------------------------------------------------------------------------------
#
# A CSV is parsed by pyarrow's CSV reader (or, for short rows and blank lines, pandas' C parser)
# into one dictionary-encoded column per variable: each row's position in the column's distinct
# texts, and those texts. A referral log of millions of rows repeats a few thousand codes and
# dates, so stripping, testing and typing the distinct texts (:func:`_convert_fast`, which follows
# :func:`_convert` rule for rule; its per-value rules and whole-column decisions give the same over
# the distinct texts) and then placing the results by the positions costs a fraction of the time
# and memory of typing every cell; no Python list per row is made. A UTF-8 file is parsed from
# its bytes, read in blocks (:class:`_Source`): neither the decoded text nor a second encoded copy
# is held. The blocks are checked as the parser reads them (valid UTF-8, no character the
# vectorised rules read differently: :func:`_safe_for_c_parser`); a file that turns out not to be
# UTF-8 is decoded as :func:`_decode` does and parsed from its text, encoded block by block.
#
# The first rows are also read by the csv module, to recognise the dialect and decimal mark as the
# Python path does, and a file no longer than that is compared cell for cell. Whatever the
# vectorised rules do not cover (missing-code symbols, a codebook type that does not fit, StatLine
# and codings tables, Excel) goes through the Python path above, column by column (given every
# row's text, so its warnings are the same) or for the whole file, so the frames, codes, warnings
# and errors are the same (tests/ingest/test_tabular_fast.py compares both paths).

#: Parse text files with pandas' C parser where it gives the same result (False: always the
#: Python ``csv`` module).
C_PARSER = True

#: Dialects the C parser path reads (the others need the Python path's rows).
_FAST_DIALECTS = ("auto", "plain", "qualtrics", "qualtrics_legacy", "limesurvey")

#: Rows read with the ``csv`` module to recognise the dialect and the decimal mark (as many as
#: the Python path looks at).
_HEAD_ROWS = 2001
#: Characters at the start of a text the head is looked for in first (bytes, for a UTF-8 file).
_HEAD_CHARS = 4 * 2**20

#: Bytes handed to the parser at a time (characters, when encoding a decoded text), and the
#: parser's block: small blocks keep its peak memory low (it parses several at a time).
_BLOCK = 1 << 20

#: A file shorter than the head is also parsed by the ``csv`` module, and the C parser's cells must
#: equal its cells (tests switch this off to compare the C parser's own result with the Python path).
_CROSS_CHECK = True

#: Characters :meth:`str.strip` removes (besides these, Python also strips ``\x1c``-``\x1f`` and
#: non-ASCII spaces; a file holding any of those is read by the Python path).
_ASCII_SPACE = " \t\n\r\x0b\x0c"
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_UNSAFE_BYTES = (b"\x00", b"\x1c", b"\x1d", b"\x1e", b"\x1f")


class _RowColumns:
    """The Python path's columns: cells of a list of rows."""

    def __init__(self, data: list[list[Any]]) -> None:
        self.data = data

    def filled(self, j: int) -> bool:
        return any(not _is_missing(row[j]) for row in self.data)

    def values(self, j: int) -> list[Any]:
        return _column_values(self.data, j)

    @staticmethod
    def convert(values: list[Any], *, compact: bool = False, **kw: Any) -> tuple[pd.Series, str]:
        return _convert(values, **kw)  # labelled text is made compact after (_compact_text)


@dataclass
class _Distinct:
    """A column of the C parser path: each row's position in its distinct texts.

    Every text is used by some row; an ID column's texts may repeat (:func:`_unified`), which
    the rules, per text or over all texts, do not mind.
    """

    codes: Any  # numpy int32, one position per row
    texts: pd.Series  # the distinct texts, as the file has them
    stripped: pd.Series  # the same without surrounding ASCII whitespace

    def rows(self) -> list[str]:
        """Every row's text, as the Python path has it."""
        return self.texts.to_numpy(dtype=object)[self.codes].tolist()

    def categorical(self, distinct: pd.Series) -> pd.Series:
        """A categorical with one value per row from one text (or ``NA``) per distinct text:
        what :func:`_compact_text` makes of :meth:`expand`'s text, without a text per row."""
        import numpy as np
        import pandas as pd

        categories = pd.Index(distinct.dropna().unique(), dtype="str").sort_values()
        per_text = categories.get_indexer(distinct.astype("str"))  # NA: -1
        small = np.int8 if len(categories) < 127 else (np.int16 if len(categories) < 32_767 else np.int32)
        codes = per_text.astype(small)[self.codes]
        return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)), copy=False)

    def expand(self, distinct: pd.Series) -> pd.Series:
        """A series with one value per row from one value per distinct text (numpy's arrays
        indexed by the positions as they are, without a copy of them as ``intp``)."""
        import pandas as pd

        array, codes = distinct.array, self.codes
        if isinstance(array, pd.arrays.IntegerArray):
            values = array.to_numpy(dtype="int64", na_value=0)[codes]
            return pd.Series(pd.arrays.IntegerArray(values, array.isna()[codes]), copy=False)
        if isinstance(array, pd.arrays.BooleanArray):
            values = array.to_numpy(dtype=bool, na_value=False)[codes]
            return pd.Series(pd.arrays.BooleanArray(values, array.isna()[codes]), copy=False)
        if distinct.dtype.kind in "fM":
            return pd.Series(distinct.to_numpy()[codes], copy=False)
        return pd.Series(array.take(codes), copy=False)


class _FastColumns:
    """The C parser's columns (``""`` for an empty or absent field), each handed out once."""

    def __init__(self, columns: list[_Distinct]) -> None:
        self._columns: list[_Distinct | None] = list(columns)

    def filled(self, j: int) -> bool:
        column = self._columns[j]
        return column is not None and bool((column.stripped != "").any())

    def values(self, j: int) -> _Distinct:
        column = self._columns[j]
        assert column is not None
        self._columns[j] = None  # typed next: its positions are not kept beside the result
        return column

    def convert(self, values: _Distinct, **kw: Any) -> tuple[pd.Series, str]:
        import pyarrow as pa

        out = _convert_fast(values, **kw)
        del values
        pa.default_memory_pool().release_unused()  # the column's texts and positions are freed
        return out


def _safe_for_c_parser(text: str) -> bool:
    """Whether vectorised string rules match Python's on this text.

    Python's ``str.strip`` and regular expressions treat some characters differently from
    Arrow's: ``\\x1c``-``\\x1f`` and non-ASCII spaces are whitespace, non-ASCII decimal digits
    are ``\\d`` (and ``float`` reads them), and a few letters lower-case to ASCII. NUL bytes are
    read differently by the C parser.
    """
    if "\x00" in text or any(c in text for c in "\x1c\x1d\x1e\x1f"):
        return False
    if text.isascii():
        return True
    for c in set(_NON_ASCII.findall(text)):
        if c.isspace() or c.isdecimal() or c.isdigit() or c.isnumeric() or c.lower().isascii():
            return False
    return True


class _Stream(io.RawIOBase):
    """UTF-8 bytes handed to a parser block by block, each checked before it is handed on.

    ``valid``: every byte so far is UTF-8; ``safe``: :func:`_safe_for_c_parser` holds for every
    character so far; ``complete``: the parser read to the end, and both hold for the whole text.
    After a block fails a check the stream ends early (the parser's result is not used).
    """

    def __init__(self, blocks: Iterator[bytes]) -> None:
        super().__init__()
        self._blocks = blocks
        self._block = b""
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.valid = True
        self.safe = True
        self.complete = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes (fewer only at the end: pyarrow's parser needs whole blocks)."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_BLOCK), b""))
        parts: list[bytes] = []
        wanted = size
        while wanted > 0 and (self._block or self._next()):
            if wanted >= len(self._block):
                part, self._block = self._block, b""
            else:
                part, self._block = self._block[:wanted], self._block[wanted:]
            parts.append(part)
            wanted -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _next(self) -> bool:
        """Take the next block (checked), or find the end."""
        if self.complete or not (self.valid and self.safe):
            return False
        block = next(self._blocks, None)
        if block is None:
            try:
                self._decoder.decode(b"", final=True)  # a character cut off at the end
            except UnicodeDecodeError:
                self.valid = False
            else:
                self.complete = True
            return False
        self._check(block)
        if not (self.valid and self.safe):
            return False  # the stream ends here; the parser's result is not used
        self._block = block
        return True

    def readinto(self, buffer: Any) -> int:
        out = self.read(len(buffer))
        buffer[: len(out)] = out
        return len(out)

    def _check(self, block: bytes) -> None:
        if block.isascii() and not self._decoder.getstate()[0]:
            if any(b in block for b in _UNSAFE_BYTES):
                self.safe = False
            return
        try:
            text = self._decoder.decode(block)
        except UnicodeDecodeError:
            self.valid = False
            return
        if not _safe_for_c_parser(text):
            self.safe = False

    def close(self) -> None:
        close = getattr(self._blocks, "close", None)
        if close is not None:
            close()
        super().close()


class _Source:
    """A text file for the C parser path: its start as text, its whole text as UTF-8 blocks.

    Made from a UTF-8 file's bytes (:meth:`file`; ``head`` is ``None`` when its start is not
    UTF-8) or from a decoded text (:meth:`text`). ``valid`` turns ``False`` when reading finds
    bytes that are not UTF-8: the file is then decoded by :func:`_decode` and read from its text.
    """

    def __init__(
        self,
        head: str | None,
        whole: bool,
        open_blocks: Callable[[], Iterator[bytes]],
        lines: Callable[[], Any],
    ) -> None:
        self.head = head  # the text's first _HEAD_CHARS characters (or a little less), or all of it
        self.whole = whole  # head is the whole text
        self.valid = head is not None
        self._open_blocks = open_blocks
        self._lines = lines

    @classmethod
    def file(cls, path: Path, start: int) -> _Source:
        """The UTF-8 text of a file from byte ``start`` (after its byte-order mark)."""

        def blocks() -> Iterator[bytes]:
            with path.open("rb") as fh:
                fh.seek(start)
                while block := fh.read(_BLOCK):
                    yield block

        def lines() -> Any:
            fh = path.open("rb")
            fh.seek(start)
            return io.TextIOWrapper(fh, encoding="utf-8", newline="")

        with path.open("rb") as fh:
            fh.seek(start)
            data = fh.read(_HEAD_CHARS + 1)
        whole = len(data) <= _HEAD_CHARS
        try:
            head = codecs.getincrementaldecoder("utf-8")().decode(data[:_HEAD_CHARS], final=whole)
        except UnicodeDecodeError:
            head = None
        return cls(head, whole, blocks, lines)

    @classmethod
    def text(cls, text: str) -> _Source:
        """A decoded text (encoded for the parser block by block, never as a whole)."""

        def blocks() -> Iterator[bytes]:
            for i in range(0, len(text), _BLOCK):
                yield text[i : i + _BLOCK].encode("utf-8", "surrogatepass")  # a lone surrogate is not valid

        whole = len(text) <= _HEAD_CHARS
        return cls(
            text if whole else text[:_HEAD_CHARS], whole, blocks, lambda: io.StringIO(text, newline="")
        )

    def stream(self) -> _Stream:
        return _Stream(self._open_blocks())

    def lines(self) -> Any:
        """The whole text as a stream of lines (line ends kept) for the csv module."""
        return self._lines()

    def finished(self, stream: _Stream) -> bool:
        """Whether a parser read the whole text and it may take the C parser path."""
        stream.close()
        if not stream.valid:
            self.valid = False
        return stream.complete


def _utf8_start(path: Path, encoding: str | None) -> int | None:
    """Where a file's text starts when :func:`_decode` would read it as UTF-8 (if its bytes are),
    else ``None``: a byte-order mark is skipped (every one when ``encoding`` names UTF-8, as
    ``lstrip`` does there)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size > MAX_TEXT_BYTES:
        return None
    with path.open("rb") as fh:
        start = fh.read(4096)
        if encoding is None:
            if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or file_kind(start):
                return None
            return len(codecs.BOM_UTF8) if start.startswith(codecs.BOM_UTF8) else 0
        try:
            if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
                return None
        except LookupError:
            return None
        offset = 0
        while True:
            fh.seek(offset)
            if fh.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
                return offset
            offset += len(codecs.BOM_UTF8)


def _read_text_fast(
    source: _Source,
    separator: str,
    *,
    path: Path,
    dialect: str,
    codebook: Codebook | None,
    dataset: str | None,
    encoding: str | None,
    warnings: list[str],
) -> Dataset | None:
    """:func:`read` for a text file through the C parser, or ``None`` for the Python path (and
    ``source.valid`` false when the file turned out not to be UTF-8)."""
    import itertools

    if source.head is None:
        return None

    def first_rows(lines: Any, count: int) -> list[list[str]]:
        return list(itertools.islice(csv.reader(lines, delimiter=separator), count))

    try:
        # The first rows, from the first megabytes when they hold more than the head (its last
        # row may be cut there), else from the whole text.
        head = [] if source.whole else first_rows(io.StringIO(source.head, newline=""), _HEAD_ROWS + 1)
        if len(head) > _HEAD_ROWS:
            head = head[:_HEAD_ROWS]
        elif source.whole:
            head = first_rows(io.StringIO(source.head, newline=""), _HEAD_ROWS)
        else:
            with source.lines() as lines:
                head = first_rows(lines, _HEAD_ROWS)
    except csv.Error:
        return None
    except UnicodeDecodeError:
        source.valid = False
        return None
    whole = len(head) < _HEAD_ROWS  # the head is the whole file
    decimal = _decimal_mark(head, separator)
    if whole:
        head = _trim(head)  # else the file goes on after the head, whose rows are then all kept
    if not head or not head[0]:
        return None
    width = len(head[0])
    parsed = _parse_strings(source, separator, width)
    if parsed is None:
        return None  # ragged or malformed rows, or not for the vectorised rules: the Python path
    columns = []
    for codes, values in parsed:
        texts = _texts(values)
        columns.append(_Distinct(codes, texts, texts.str.strip(_ASCII_SPACE)))
    del parsed
    # Trailing rows with no value in any field are dropped, as _trim does.
    n = _filled_rows(columns)
    limit = csv.field_size_limit()
    if any(_longest(column.texts) > limit for column in columns):
        return None  # the csv module refuses such a field; the Python path says so
    if not whole and n < _HEAD_ROWS:
        return None
    if whole and _CROSS_CHECK:
        # The head is the whole file: the parsers must agree with the csv module cell for cell.
        if n != len(head):
            return None
        for j, column in enumerate(columns):
            cells = [row[j] if j < len(row) else "" for row in head]
            if _Distinct(column.codes[:n], column.texts, column.stripped).rows() != cells:
                return None
    elif [column.texts.iloc[column.codes[0]] for column in columns] != head[0]:
        return None
    if dialect == "auto":
        dialect = detect_dialect(head, path=path, separator=separator)
        if dialect not in _FAST_DIALECTS:
            return None
    layout = _LAYOUTS[dialect](head, path)
    names, source_names = _names(layout.headers, codebook, warnings)
    body = _FastColumns([_used(column, layout.header_rows, n) for column in columns])
    del columns
    return _build(
        path=path,
        dialect=dialect,
        names=names,
        source_names=source_names,
        layout=layout,
        data=[],
        codebook=codebook,
        dataset=dataset,
        decimal=decimal,
        encoding=encoding,
        warnings=warnings,
        columns=body,
    )


def _parse_strings(source: _Source, separator: str, width: int) -> list[tuple[Any, Any]] | None:
    """Every field of the file as text (``""`` when absent), one (positions, distinct texts) pair
    per column, by pyarrow's parser (in threads) or else pandas' C parser; ``None`` when neither
    reads it as ``width`` columns, or the text is not for the vectorised rules."""
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv as pacsv

    stream = source.stream()
    try:
        table = pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(
                delimiter=separator,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{j}": pa.dictionary(pa.int32(), pa.string()) for j in range(width)},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        table = None  # short rows or blank lines in a wide table: the C parser pads them
    if not source.finished(stream) and (table is not None or not (stream.valid and stream.safe)):
        return None  # not UTF-8, or a character for the Python path (read where pyarrow stopped)
    if table is not None:
        if table.num_columns != width:
            return None
        chunked = table.columns
        del table
        out = []
        for j in range(width):
            out.append(_unified(chunked[j]))
            chunked[j] = None  # each column's chunks are freed once it has its positions
        # The parser's threads leave freed blocks in the pool; hand them back before typing.
        pa.default_memory_pool().release_unused()
        return out
    stream = source.stream()
    try:
        frame = pd.read_csv(
            stream,
            sep=separator,
            header=None,
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            quotechar='"',
            doublequote=True,
            encoding="utf-8",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        frame = None
    if not source.finished(stream) or frame is None or frame.shape[1] != width:
        return None
    out = []
    for j in range(width):
        codes, uniques = pd.factorize(frame.iloc[:, j].to_numpy(dtype=object))
        out.append((codes.astype("int32"), pa.array(uniques, type=pa.string())))
    return out


def _unified(column: Any) -> tuple[Any, Any]:
    """(positions, texts) of a dictionary-encoded Arrow column, whose chunks (one per parsed
    block) each have their own dictionary. The dictionaries are merged into one when they repeat
    texts; an ID column's, whose texts are nearly all different, are only put one after another
    (a text may then stand more than once in the result: typing it twice gives the same)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = column.chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), pa.array([], type=pa.string())
    texts = pa.concat_arrays([chunk.dictionary for chunk in chunks])
    # In Arrow's pool, which gives the memory back once the column is typed (the C allocator
    # would keep most of a dozen such arrays, freed one by one among the results).
    codes = np.frombuffer(pa.allocate_buffer(4 * len(column)), dtype=np.int32)
    mapping = None
    if len(chunks) > 1 and len(texts) <= len(column) // 2:
        encoded = pc.dictionary_encode(texts)
        mapping = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        texts = encoded.dictionary
    # each block's positions, moved past the dictionaries of the blocks before it
    np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks], out=codes)
    row = start = 0
    for chunk in chunks:
        codes[row : row + len(chunk)] += start
        row += len(chunk)
        start += len(chunk.dictionary)
    if mapping is not None:
        for i in range(0, len(codes), 1 << 20):  # in place, a block at a time
            block = codes[i : i + (1 << 20)]
            block[:] = mapping[block]
    return codes, texts


def _texts(values: Any) -> pd.Series:
    """An Arrow array of texts as a pandas string Series (as the frame's text columns)."""
    import numpy as np
    import pandas as pd

    return pd.Series(pd.StringDtype("pyarrow", na_value=np.nan).__from_arrow__(values), copy=False)


def _filled_rows(columns: list[_Distinct]) -> int:
    """The rows up to the last with a value in some field (looked for from the end)."""
    import numpy as np

    blank = [(column.stripped == "").to_numpy(dtype=bool) for column in columns]
    end = len(columns[0].codes) if columns else 0
    step = 1024
    while end > 0:
        start = max(0, end - step)
        filled = np.zeros(end - start, dtype=bool)
        for column, empty in zip(columns, blank, strict=True):
            filled |= ~empty[column.codes[start:end]]
        found = np.flatnonzero(filled)
        if len(found):
            return start + int(found[-1]) + 1
        end, step = start, step * 4
    return 0


def _used(column: _Distinct, start: int, stop: int) -> _Distinct:
    """The rows ``start:stop`` of a column, with only the distinct texts they use."""
    import numpy as np

    codes = column.codes[start:stop]
    used = np.zeros(len(column.texts), dtype=bool)
    used[codes] = True
    if used.all():
        return _Distinct(codes, column.texts, column.stripped)
    keep = np.flatnonzero(used)
    if len(keep) and keep[-1] - keep[0] + 1 == len(keep):
        # texts used only by the header (the first) or the trailing empty rows: a slice, shifted
        codes -= keep[0].astype(np.int32)
        keep = slice(int(keep[0]), int(keep[-1]) + 1)
    else:
        renumber = (np.cumsum(used) - 1).astype(np.int32)
        for i in range(0, len(codes), 1 << 20):  # in place, a block at a time
            block = codes[i : i + (1 << 20)]
            block[:] = renumber[block]
    return _Distinct(
        codes,
        column.texts.iloc[keep].reset_index(drop=True),
        column.stripped.iloc[keep].reset_index(drop=True),
    )


def _convert_fast(
    column: _Distinct,
    *,
    want: str | None,
    symbols: set[str],
    decimal: str | None,
    name: str,
    warnings: list[str],
    compact: bool = False,
) -> tuple[pd.Series, str]:
    """:func:`_convert` for a column of strings, vectorised over its distinct texts; the rare
    cases go to :func:`_convert` with every row's text. ``compact``: text comes back as the
    categorical :func:`_compact_text` makes (a labelled column's codes)."""
    import pandas as pd

    raw = column.texts
    stripped = column.stripped

    def python() -> tuple[pd.Series, str]:
        return _convert(
            column.rows(), want=want, symbols=symbols, decimal=decimal, name=name, warnings=warnings
        )

    missing = stripped == ""
    if symbols and stripped.isin(list(symbols)).any():
        return python()
    rest = ~missing
    complete = bool(rest.all())
    if not rest.any():
        return python()  # no value at all (or no row)

    def place(converted: pd.Series, dtype: str) -> pd.Series:
        # one value per distinct text (missing for an empty one), then one per row
        if not complete:
            converted = converted.reindex(range(len(raw)))
        if compact and dtype == "str":
            return column.categorical(converted)
        return column.expand(converted.astype(dtype))

    if want == "string":
        return place(raw[rest], "str"), "string"
    texts = stripped[rest] if not complete else stripped
    if want not in (None, "numeric", "date", "datetime"):
        return python()
    if want in (None, "numeric") and not (want is None and _some(texts, r"^[+-]?0[0-9]")):
        if decimal == "," and _every(texts, _NUM_COMMA):
            numbers = texts.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        elif _every(texts, _NUM_POINT):
            numbers = texts
        else:
            numbers = None
        if numbers is not None:
            values = _floats(numbers)
            if _every(texts, _INT) and bool((values.abs() < 2**53).all()):
                return place(values, "Int64"), "numeric"
            return place(values, "float64"), "numeric"
        if want == "numeric":
            return python()  # the warning lists the values that are not numbers
    if want is None:
        lowered = texts.str.lower()
        if lowered.isin(["true", "false"]).all():
            return place(lowered == "true", "boolean"), "boolean"
    iso = _every(texts, _ISO_DATE)
    nl = not iso and _every(texts, _NL_DATE)
    if iso or nl:
        plain = texts.astype(object)
        if iso:
            parsed = pd.to_datetime(plain, format="ISO8601", errors="coerce")
        else:
            parsed = pd.to_datetime(plain, dayfirst=True, format="mixed", errors="coerce")
        if parsed.notna().all():
            has_time = bool((texts.str.len() > 10).any())
            kind = want or ("datetime" if has_time else "date")
            return place(parsed.astype("datetime64[us]"), "datetime64[us]"), kind
    if want in ("date", "datetime"):
        return python()  # the warning says the values are not dates
    return place(raw[rest] if not complete else raw, "str"), "string"


def _every(texts: pd.Series, pattern: re.Pattern) -> bool:
    """Whether every (stripped) text matches one of the reader's patterns, ``\\d`` read as
    ``[0-9]`` (the text holds no other decimal digit: :func:`_safe_for_c_parser`); the first
    thousand are tried first, so a text column fails fast."""
    regex = pattern.pattern.replace(r"\d", "[0-9]")
    if not texts.iloc[:1000].str.fullmatch(regex).all():
        return False
    return bool(texts.str.fullmatch(regex).all())


def _some(texts: pd.Series, regex: str) -> bool:
    """Whether some text starts with a match of ``regex`` (the first thousand tried first)."""
    return bool(texts.iloc[:1000].str.match(regex).any() or texts.str.match(regex).any())


def _longest(column: pd.Series) -> int:
    """The most characters in a cell (from the byte lengths, counted only when they could matter)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(column)
    if (pc.max(pc.binary_length(array)).as_py() or 0) <= csv.field_size_limit():
        return 0
    return int(pc.max(pc.utf8_length(array)).as_py() or 0)


def _floats(numbers: pd.Series) -> pd.Series:
    """``float(t)`` for every text (Arrow's parser rounds correctly, as Python's does)."""
    unsigned = numbers.str.removeprefix("+")
    try:
        return unsigned.astype("float64")
    except (ValueError, TypeError):
        import numpy as np
        import pandas as pd

        return pd.Series(np.array(numbers.astype(object).map(float), dtype="float64"), index=numbers.index)
