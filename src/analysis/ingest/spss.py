"""SPSS ``.sav``, ``.zsav`` and ``.por`` files through pyreadstat.

The file is read with ``user_missing=True`` so that the stored codes (including
"weet niet" = 8) stay reachable in :attr:`Dataset.codes`; the analysis frame then turns
user-missing codes into missing values and labelled columns into categoricals (as
:func:`~analysis.ingest.labels.labelled_frame` does). A large file is read in slices of rows
(:data:`CHUNK_CELLS`), and the codes are kept compactly (:mod:`analysis.ingest.stored`), so
that reading a million respondents peaks near twice the labelled frame rather than six times.

Dates are converted here rather than by pyreadstat, for every SPSS date and time format:

========================================  =============================================
SPSS formats                              column
========================================  =============================================
DATE ADATE EDATE JDATE SDATE QYR MOYR     ``datetime64`` (codebook type ``date``)
WKYR
DATETIME YMDHMS                           ``datetime64`` (type ``datetime``)
TIME MTIME DTIME                          ``timedelta64`` (type ``time``), may exceed 24 h
WKDAY MONTH                               numbers 1..7 and 1..12, as SPSS stores them
========================================  =============================================

A date outside 1582-10-14 .. 9999-12-31 (some tools write nonsense such as year 200 000)
becomes missing with a warning in :attr:`Dataset.warnings` instead of stopping the read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.codebook import Codebook, Variable
from analysis.errors import BruggenError, ReadError
from analysis.ingest.dataset import Dataset
from analysis.ingest.labels import labelled_frame
from analysis.ingest.sniff import file_kind
from analysis.ingest.stored import Encoded, StoredCodes, encode, join, labelled_column

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["codebook_from_meta", "labelled_frame", "read", "write"]

_MEASURES = {"nominal": "nominal", "ordinal": "ordinal", "scale": "scale"}

DATE_FORMATS = ("DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR")
DATETIME_FORMATS = ("DATETIME", "YMDHMS")
TIME_FORMATS = ("TIME", "MTIME", "DTIME")

#: SPSS counts seconds from the start of the Gregorian calendar.
SPSS_ORIGIN = "1582-10-14"
_MAX_SECONDS = 265_621_679_999  # 9999-12-31 23:59:59


def read(
    path: str | Path,
    *,
    codebook: Codebook | None = None,
    encoding: str | None = None,
    dataset: str | None = None,
    sheet: Any = None,
    dialect: str | None = None,
) -> Dataset:
    """Read an SPSS file with its labels, missing codes, formats and dates.

    Parameters
    ----------
    path
        ``.sav``, ``.zsav`` or ``.por`` file.
    codebook
        A reviewed codebook to apply instead of the file's own metadata (scale membership,
        PII flags and skip logic live only there). Differences between the two are listed in
        :attr:`Dataset.warnings`; ``bruggen codebook <dataset>`` shows them in full.
    encoding
        Override the file's declared character encoding (rarely needed; for old files
        written without one, e.g. ``"windows-1252"``). Ignored for ``.por``.
    dataset
        Dataset name; defaults to the file stem.
    sheet, dialect
        Accepted so a study can pass the same options to every reader; SPSS files have
        neither, so they are ignored.

    Returns
    -------
    Dataset
        ``frame``: labelled columns as categoricals, user-missing codes as ``NA``, dates as
        ``datetime64``. ``codes``: the stored values, user-missing codes kept.
        ``codebook``: the file's metadata (or the reviewed codebook when given).

    Raises
    ------
    ReadError
        The file is encrypted, truncated, damaged, or its text cannot be decoded.
    """
    del sheet, dialect  # not meaningful for SPSS files
    path = Path(path)
    warnings: list[str] = []
    columns, index, meta = _read_stored(path, encoding=encoding, warnings=warnings)
    own = codebook_from_meta(meta, dataset or path.stem)
    book = own
    if codebook is not None:
        book = codebook
        drift = codebook.diff(own)
        if drift:
            shown = "; ".join(f"{d.variable}: {d.kind}" for d in drift[:5])
            more = f" and {len(drift) - 5} more" if len(drift) > 5 else ""
            warnings.append(
                f"the file differs from the reviewed codebook in {len(drift)} place(s) ({shown}{more}); "
                f"run `bruggen codebook {book.dataset}` to see them"
            )
    frame = _labelled(columns, index, book)
    return Dataset(
        frame=frame, codebook=book, codes=StoredCodes(columns, index), path=path, warnings=tuple(warnings)
    )


#: Cells read per pyreadstat call: a large file is read in slices of rows, each kept compactly
#: (:mod:`analysis.ingest.stored`) before the next is read, so the peak memory of reading stays
#: near the labelled frame's instead of pyreadstat's whole frame plus its copies.
CHUNK_CELLS = 5_000_000
#: Fewest rows per slice (each pyreadstat call reads the file's metadata again).
CHUNK_MIN_ROWS = 10_000


def _read_stored(path: Path, *, encoding: str | None, warnings: list[str]):
    """The stored codes, column by column (encoded where that pays), their index and the metadata."""
    import pandas as pd

    _, meta = _read_raw(path, encoding=encoding, metadataonly=True)
    n = getattr(meta, "number_rows", None)
    width = max(len(meta.column_names), 1)
    step = max(CHUNK_CELLS // width, CHUNK_MIN_ROWS)
    if not isinstance(n, int) or n < 0 or n <= step:
        slices = [(0, 0)]  # one read (row_limit 0: every row)
    else:
        slices = [(offset, step) for offset in range(0, n, step)]
    pieces: dict[str, list] = {}
    problems: dict[str, list] = {}
    total = 0
    for offset, limit in slices:
        df, meta = _read_raw(path, encoding=encoding, row_offset=offset, row_limit=limit)
        df.index = pd.RangeIndex(total, total + len(df))
        df = _convert_dates(df, meta, warnings, problems=problems)
        total += len(df)
        for col in list(df.columns):
            pieces.setdefault(col, []).append(encode(df.pop(col)))
        del df
    _date_warnings(problems, warnings)
    index = pd.RangeIndex(total)
    columns = {col: join(parts, index) for col, parts in pieces.items()}
    return columns, index, meta


def _labelled(columns: dict, index: Any, book: Codebook) -> pd.DataFrame:
    """The labelled frame of the stored columns: what :func:`labelled_frame` gives for their frame."""
    import pandas as pd

    out: dict[str, Any] = {}
    for col, entry in columns.items():
        if isinstance(entry, Encoded):
            if col in book:
                out[col] = labelled_column(entry, book[col], index)
            else:
                out[col] = entry.decode(index)
        else:
            out[col] = labelled_frame(entry.to_frame(), book)[col] if col in book else entry
    return pd.DataFrame(out, index=index, copy=False)  # columns the codes hold unchanged stay shared


def _read_raw(
    path: Path, *, encoding: str | None, metadataonly: bool = False, row_offset: int = 0, row_limit: int = 0
):
    import pyreadstat

    suffix = path.suffix.lower()
    kwargs: dict[str, Any] = {"disable_datetime_conversion": True}
    if metadataonly:
        kwargs["metadataonly"] = True
    if row_offset or row_limit:
        kwargs.update(row_offset=row_offset, row_limit=row_limit)
    if suffix == ".por":
        fn = pyreadstat.read_por
    else:
        fn = pyreadstat.read_sav
        kwargs["user_missing"] = True
        if encoding:
            kwargs["encoding"] = encoding
    if encoding and "encoding" in kwargs:
        kwargs["encoding"] = _iconv_name(encoding, path)
    try:
        df, meta = fn(str(path), **kwargs)
    except Exception as exc:  # pyreadstat raises ReadstatError, PyreadstatError and plain errors
        raise ReadError(_explain(exc, path), path=path, hint=_hint(exc, path)) from None
    broken = [i + 1 for i, name in enumerate(meta.column_names) if not isinstance(name, str) or not name]
    if broken:
        raise ReadError(
            f"the names of variable(s) {', '.join(map(str, broken[:5]))} cannot be decoded"
            + (f" as {encoding}" if encoding else ""),
            path=path,
            hint="leave out the encoding option (SPSS files declare their own), or name the one the "
            "file was written in, e.g. windows-1252",
        )
    return df, meta


def _iconv_name(encoding: str, path: Path) -> str:
    """The name ReadStat's iconv knows for a Python encoding name (``latin-1`` -> ``ISO-8859-1``)."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ReadError(
            f"{encoding!r} is not an encoding Bruggen knows",
            path=path,
            hint="use a standard name such as windows-1252, latin-1 or utf-8 (or leave it out: "
            "SPSS files declare their own encoding)",
        ) from None
    if name.startswith("iso8859-"):
        return "ISO-8859-" + name.split("-", 1)[1]
    if name.startswith("cp125"):
        return "WINDOWS-" + name[2:]
    if name == "utf-8":
        return "UTF-8"
    return encoding


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(256)
    except OSError:
        return b""


def _explain(exc: Exception, path: Path) -> str:
    text = str(exc).strip() or type(exc).__name__
    head = _head(path)
    if b"ENCRYPTED" in head[:64]:
        return "the SPSS file is password-encrypted, and Bruggen cannot read encrypted files"
    if not head:
        return "the file is empty"
    if path.suffix.lower() in (".sav", ".zsav") and not head.startswith((b"$FL2", b"$FL3")):
        kind = file_kind(head, text=True)
        return (
            f"this is not an SPSS data file (it starts like {kind})"
            if kind
            else ("this is not an SPSS data file (it lacks the $FL2/$FL3 signature SPSS writes)")
        )
    low = text.lower()
    if (
        "encoding" in low
        or "iconv" in low
        or "character set" in low
        or ("convert" in low and "charac" in low)
    ):
        return f"the file's text could not be decoded ({text})"
    if "unable to read from file" in low:
        return "the file ends too early: it is truncated or damaged (an incomplete download or copy?)"
    return f"the SPSS file is damaged or uses features Bruggen cannot read ({text})"


def _hint(exc: Exception, path: Path) -> str:
    text = str(exc).lower()
    head = _head(path)
    if b"ENCRYPTED" in head[:64]:
        return (
            "open the file in SPSS with its password and save an unencrypted copy "
            "(File > Save As, untick 'Encrypt file with password'), then point study.yml at that copy"
        )
    if "encoding" in text or "iconv" in text or "character set" in text:
        return "name the encoding in study.yml (e.g. encoding: windows-1252) and read it again"
    if path.suffix.lower() in (".sav", ".zsav") and head and not head.startswith((b"$FL2", b"$FL3")):
        return "check that the file has the right extension, or ask the supplier for an SPSS export"
    return (
        "copy or download the file again; if that does not help, open it in SPSS or PSPP and save "
        "it again (File > Save As), or ask the supplier for a fresh export"
    )


def _format_kind(fmt: str | None) -> str:
    """The alphabetic part of an SPSS format: ``ADATE10`` -> ``ADATE``, ``F8.2`` -> ``F``."""
    m = re.match(r"[A-Za-z]+", fmt or "")
    return m.group(0).upper() if m else ""


def _convert_dates(
    df: pd.DataFrame, meta: Any, warnings: list[str], *, problems: dict[str, list] | None = None
) -> pd.DataFrame:
    """Turn SPSS seconds-since-1582 into datetimes and durations, out-of-range values to NaT.

    Row numbers in the warnings come from the frame's index (0-based). With ``problems`` given,
    the out-of-range values are collected there per variable (for a file read in slices) and
    :func:`_date_warnings` words them once; else they are worded into ``warnings`` at once.
    """
    import numpy as np
    import pandas as pd

    formats = meta.original_variable_types or {}
    origin = np.datetime64(SPSS_ORIGIN, "us")
    out = df
    for name, fmt in formats.items():
        kind = _format_kind(fmt)
        if name not in df.columns or kind not in DATE_FORMATS + DATETIME_FORMATS + TIME_FORMATS:
            continue
        secs = pd.to_numeric(df[name], errors="coerce").astype("float64")
        if out is df:
            out = df.copy()
        if kind in TIME_FORMATS:
            out[name] = pd.to_timedelta((secs * 1e6).round(), unit="us")
            continue
        ok = secs.between(0, _MAX_SECONDS)
        bad = secs.notna() & ~ok
        micros = (secs.where(ok) * 1e6).round()
        values = np.full(len(secs), np.datetime64("NaT"), dtype="datetime64[us]")
        good = ok.to_numpy()
        values[good] = origin + micros.to_numpy()[good].astype("int64").astype("timedelta64[us]")
        out[name] = pd.Series(values, index=df.index)
        if bad.any():
            rows = [int(i) + 1 for i in df.index[bad.to_numpy()][:3]]
            seen = (
                problems.setdefault(name, [fmt, 0, [], secs[bad].iloc[0]]) if problems is not None else None
            )
            if seen is None:
                seen = [fmt, 0, [], secs[bad].iloc[0]]
            seen[1] += int(bad.sum())
            seen[2] = (seen[2] + rows)[:3]
            if problems is None:
                _date_warnings({name: seen}, warnings)
    return out


def _date_warnings(problems: dict[str, list], warnings: list[str]) -> None:
    for name, (fmt, count, rows, first) in problems.items():
        warnings.append(
            f"variable {name!r} ({fmt}): {count} value(s) lie outside the years 1582-9999 "
            f"(row(s) {', '.join(map(str, rows))}, stored value {first:.6g} seconds) "
            "and are read as missing; check them in SPSS"
        )


def codebook_from_meta(meta: Any, dataset: str) -> Codebook:
    """Build a :class:`Codebook` from pyreadstat's metadata container.

    Parameters
    ----------
    meta
        The metadata pyreadstat returns next to the frame.
    dataset
        Dataset name for the codebook.

    Returns
    -------
    Codebook
        Variables with labels, value labels, user-missing codes (discrete and ranges,
        numeric and string), measure levels and formats; multiple-response sets.
    """
    names = list(meta.column_names)
    labels = dict(zip(names, meta.column_labels or [None] * len(names), strict=False))
    value_labels = {
        col: meta.value_labels.get(setname, {}) for col, setname in (meta.variable_to_label or {}).items()
    }
    variables = []
    for name in names:
        fmt = (meta.original_variable_types or {}).get(name)
        vtype = _type_from_format(fmt, (meta.readstat_variable_types or {}).get(name))
        measure = _MEASURES.get((meta.variable_measure or {}).get(name, "unknown"), "unknown")
        missing_values: list[Any] = []
        missing_ranges: list[list[float]] = []
        for rng in (meta.missing_ranges or {}).get(name, []):
            lo, hi = rng["lo"], rng["hi"]
            if lo == hi:
                missing_values.append(_num(lo))
            else:
                missing_ranges.append([_num(lo), _num(hi)])
        for val in (meta.missing_user_values or {}).get(name, []):
            if val not in missing_values:
                missing_values.append(_num(val))
        variables.append(
            Variable(
                name=name,
                label=labels.get(name) or "",
                type=vtype,
                measure=measure,
                value_labels={_num(k): str(v) for k, v in value_labels.get(name, {}).items()},
                missing_values=missing_values,
                missing_ranges=missing_ranges,
                format=fmt,
            )
        )
    mr_sets = {}
    for setname, spec in (getattr(meta, "mr_sets", None) or {}).items():
        mr_sets[setname] = {
            "label": spec.get("label", "") or "",
            "type": spec.get("type", ""),
            "counted_value": _num(spec.get("counted_value")),
            "variables": list(spec.get("variable_list", [])),
        }
    encoding = getattr(meta, "file_encoding", None)
    return Codebook(
        dataset=dataset,
        variables=tuple(variables),
        title=getattr(meta, "file_label", None) or "",
        encoding=encoding.lower() if encoding else None,
        mr_sets=mr_sets,
    )


def _type_from_format(fmt: str | None, readstat_type: str | None) -> str:
    kind = _format_kind(fmt)
    if kind in ("A", "AHEX") or readstat_type == "string":
        return "string"
    if kind in DATETIME_FORMATS:
        return "datetime"
    if kind in DATE_FORMATS:
        return "date"
    if kind in TIME_FORMATS:
        return "time"
    return "numeric"


def _num(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


# -- writing ----------------------------------------------------------------------------------


def write(dataset: Dataset, path: str | Path) -> Path:
    """Write a Dataset as an SPSS file that keeps its labels, value labels and missing codes.

    Parameters
    ----------
    dataset
        What a reader returned (or a Dataset built from a frame and a codebook). The stored
        codes are written (:attr:`Dataset.codes`, or the frame with labels turned back into
        codes), so user-missing codes survive.
    path
        Target ``.sav``, ``.zsav`` (compressed) or ``.por`` (portable; carries variable labels
        and formats only, as pyreadstat cannot write value labels or missing codes to it).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    BruggenError
        A missing-code definition SPSS cannot hold (more than three discrete codes, more
        than one range, string ranges), an unsupported extension, or names the format
        cannot carry (``.por`` allows eight upper-case characters).
    """
    import pyreadstat

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".sav", ".zsav", ".por"):
        raise BruggenError(
            f"cannot write SPSS files with extension {suffix or '(none)'}",
            path=path,
            hint="use .sav, .zsav or .por",
        )
    book = dataset.codebook
    if book.mr_sets:
        import warnings

        warnings.warn(
            f"{path.name}: the multiple-response sets ({', '.join(book.mr_sets)}) are not written; "
            "pyreadstat cannot write them. They stay in the codebook YAML.",
            UserWarning,
            stacklevel=2,
        )
    df = _codes_for_writing(dataset)
    column_labels = {c: (book[c].label if c in book and book[c].label else None) for c in df.columns}
    formats: dict[str, str] = {}
    for col in df.columns:
        var = book.get(col)
        s = df[col]
        if str(s.dtype).startswith("timedelta"):
            df[col] = s.dt.total_seconds()
            formats[col] = var.format if var is not None and var.format else "TIME11.2"
        elif var is not None and var.format:
            formats[col] = var.format
    if suffix == ".por":
        _write_safely(
            pyreadstat.write_por,
            path,
            df,
            file_label=book.title or "",
            column_labels=column_labels,
            variable_format=formats or None,
        )
        return path
    value_labels = {
        v.name: {k: lab for k, lab in v.value_labels.items()}
        for v in book
        if v.name in df.columns and v.value_labels
    }
    missing = {
        v.name: _missing_spec(v, path)
        for v in book
        if v.name in df.columns and (v.missing_values or v.missing_ranges)
    }
    measures = {
        v.name: v.measure
        for v in book
        if v.name in df.columns and v.measure in ("nominal", "ordinal", "scale")
    }
    _write_safely(
        pyreadstat.write_sav,
        path,
        df,
        file_label=book.title or "",
        column_labels=column_labels,
        compress=suffix == ".zsav",
        variable_value_labels=value_labels or None,
        missing_ranges=missing or None,
        variable_measure=measures or None,
        variable_format=formats or None,
    )
    return path


def _write_safely(fn: Any, path: Path, df: pd.DataFrame, **kwargs: Any) -> None:
    try:
        fn(df, str(path), **kwargs)
    except Exception as exc:
        raise BruggenError(
            f"could not write the SPSS file ({exc})",
            path=path,
            hint="SPSS names are at most 64 bytes (8 upper-case characters for .por), start with a "
            "letter and contain no spaces; rename the variables or write a .sav instead of a .por",
        ) from None


def _codes_for_writing(dataset: Dataset) -> pd.DataFrame:
    """Stored codes: the Dataset's codes, or its frame with category labels turned back into codes."""
    import pandas as pd

    if dataset.codes is not None:
        df = dataset.codes.copy()
    else:
        df = dataset.frame.copy()
        for col in df.columns:
            if isinstance(df[col].dtype, pd.CategoricalDtype) and col in dataset.codebook:
                back = {lab: code for code, lab in dataset.codebook[col].value_labels.items()}
                df[col] = df[col].astype(object).map(back)
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            df[col] = s.astype(object)
        elif str(s.dtype) in ("Int64", "Int32", "Int16", "Int8", "Float64", "boolean"):
            df[col] = s.astype("float64")
        elif s.dtype == object:
            rest = s.dropna()
            if len(rest) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rest):
                df[col] = pd.to_numeric(s, errors="coerce").astype("float64")
    return df


def _missing_spec(variable: Variable, path: Path) -> list[Any]:
    """pyreadstat's ``missing_ranges`` entry for one variable, within SPSS's limits."""
    discrete = list(variable.missing_values)
    ranges = [list(r) for r in variable.missing_ranges]
    numeric = variable.type != "string"
    problem = None
    if not numeric and ranges:
        problem = "a string variable cannot have a missing range"
    elif len(ranges) > 1:
        problem = "SPSS allows at most one missing range per variable"
    elif ranges and len(discrete) > 1:
        problem = "SPSS allows one missing range plus at most one discrete code"
    elif len(discrete) > 3:
        problem = "SPSS allows at most three discrete missing codes per variable"
    if problem:
        raise BruggenError(
            f"variable {variable.name!r}: {problem} (codebook has {discrete} and ranges {ranges})",
            path=path,
            hint="combine the codes into one range (e.g. 7 THRU 9) in the codebook, or write a .csv instead",
        )
    spec: list[Any] = [{"lo": float(lo), "hi": float(hi)} for lo, hi in ranges]
    spec += [float(v) if numeric else str(v) for v in discrete]
    return spec
