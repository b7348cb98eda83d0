"""SPSS ``.sav``, ``.zsav`` and ``.por`` files through pyreadstat.

The file is read once with ``user_missing=True`` so that the stored codes (including
"weet niet" = 8) stay reachable in :attr:`Dataset.codes`; the analysis frame then turns
user-missing codes into missing values and labelled columns into categoricals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.codebook import Codebook, Variable
from analysis.errors import ReadError
from analysis.ingest.dataset import Dataset

_MEASURES = {"nominal": "nominal", "ordinal": "ordinal", "scale": "scale"}


def read(
    path: str | Path,
    *,
    codebook: Codebook | None = None,
    encoding: str | None = None,
    dataset: str | None = None,
) -> Dataset:
    """Read an SPSS file with its labels, missing codes and formats.

    Parameters
    ----------
    path
        ``.sav``, ``.zsav`` or ``.por`` file.
    codebook
        A reviewed codebook to apply instead of the file's own metadata (scale membership,
        PII flags and skip logic live only there).
    encoding
        Override the file's declared character encoding (rarely needed; for old files
        written without one).
    dataset
        Dataset name; defaults to the file stem.

    Returns
    -------
    Dataset
    """
    path = Path(path)
    df, meta = _read_raw(path, encoding=encoding)
    own = codebook_from_meta(meta, dataset or path.stem)
    book = codebook or own
    frame = labelled_frame(df, book)
    return Dataset(frame=frame, codebook=book, codes=df, path=path)


def _read_raw(path: Path, *, encoding: str | None):
    import pyreadstat

    suffix = path.suffix.lower()
    fn = pyreadstat.read_por if suffix == ".por" else pyreadstat.read_sav
    kwargs: dict[str, Any] = {}
    if suffix != ".por":
        kwargs["user_missing"] = True
        if encoding:
            kwargs["encoding"] = encoding
    try:
        return fn(str(path), **kwargs)
    except OverflowError:
        # A date far outside pandas' range (year 1582 or 9999 written by some tools):
        # read the raw numbers and convert what fits, so the file still opens.
        df, meta = fn(str(path), disable_datetime_conversion=True, **kwargs)
        return _convert_dates_safely(df, meta), meta
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain exceptions
        raise ReadError(_explain(exc, path), path=path, hint=_hint(exc)) from None


def _explain(exc: Exception, path: Path) -> str:
    text = str(exc).strip() or type(exc).__name__
    head = path.read_bytes()[:64] if path.exists() else b""
    if head.startswith(b"ENCRYPTEDSAV") or head[:8] == b"\xfe\xff\xff\xff\xfe\xff\xff\xff"[:8]:
        return "the SPSS file is password-encrypted"
    if b"ENCRYPTED" in head:
        return "the SPSS file is password-encrypted"
    if "encoding" in text.lower() or "iconv" in text.lower():
        return f"the file's text could not be decoded ({text})"
    return f"not a readable SPSS file ({text})"


def _hint(exc: Exception) -> str:
    text = str(exc).lower()
    if "encoding" in text or "iconv" in text:
        return "name the encoding in study.yml (e.g. encoding: windows-1252) and read it again"
    return (
        "open the file in SPSS or PSPP and save it again without a password (File > Save As), "
        "or ask the supplier for a fresh export"
    )


def _convert_dates_safely(df, meta):
    import pandas as pd

    origin = pd.Timestamp("1582-10-14")
    for name, fmt in meta.original_variable_types.items():
        f = fmt.upper()
        if not any(f.startswith(p) for p in ("DATE", "ADATE", "EDATE", "SDATE", "JDATE", "DATETIME")):
            continue
        secs = pd.to_numeric(df[name], errors="coerce")
        ok = secs.between(-1.2e10, 2.2e10)  # roughly 1200..2280, inside pandas' ns range
        converted = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        converted[ok] = origin + pd.to_timedelta(secs[ok], unit="s")
        df[name] = converted
    return df


def codebook_from_meta(meta: Any, dataset: str) -> Codebook:
    """Build a :class:`Codebook` from pyreadstat's metadata container."""
    labels = dict(zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names), strict=False))
    value_labels = {
        col: meta.value_labels.get(setname, {}) for col, setname in (meta.variable_to_label or {}).items()
    }
    variables = []
    for name in meta.column_names:
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
            "label": spec.get("label", ""),
            "type": spec.get("type", ""),
            "counted_value": _num(spec.get("counted_value")),
            "variables": list(spec.get("variable_list", [])),
        }
    return Codebook(
        dataset=dataset,
        variables=tuple(variables),
        title=getattr(meta, "file_label", None) or "",
        encoding=getattr(meta, "file_encoding", None),
        mr_sets=mr_sets,
    )


def _type_from_format(fmt: str | None, readstat_type: str | None) -> str:
    f = (fmt or "").upper()
    if f.startswith("A") or readstat_type == "string":
        return "string"
    if f.startswith(("DATETIME", "YMDHMS")):
        return "datetime"
    if f.startswith(("DATE", "ADATE", "EDATE", "SDATE", "JDATE")):
        return "date"
    if f.startswith(("TIME", "DTIME")):
        return "time"
    return "numeric"


def _num(x: Any) -> Any:
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def labelled_frame(codes, codebook: Codebook):
    """Apply a codebook to stored codes: user-missing to ``NA``, value labels to categoricals.

    A variable whose every valid value is labelled becomes a categorical of its labels
    (ordered when the codebook says ``measure: ordinal``). A variable with only some values
    labelled (a count with a label for 0) keeps its numbers.
    """
    import pandas as pd

    out = {}
    for col in codes.columns:
        s = codes[col]
        if col not in codebook:
            out[col] = s
            continue
        var = codebook[col]
        if var.missing_values or var.missing_ranges:
            s = s.mask(s.map(lambda x, v=var: bool(x == x and x is not None and v.is_missing_code(x))))
        valid = var.valid_labels
        observed = set(s.dropna().unique())
        if valid and observed <= set(valid):
            order = sorted(valid, key=lambda k: (isinstance(k, str), k))
            cats = pd.CategoricalDtype([valid[k] for k in order], ordered=var.measure == "ordinal")
            if len(set(valid.values())) == len(valid):
                s = s.map(valid).astype(cats)
        out[col] = s
    return pd.DataFrame(out, index=codes.index)
