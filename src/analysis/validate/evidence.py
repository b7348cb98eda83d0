"""What a check may show of the data: row numbers, safe IDs and values, and the sentence.

Shared by every kind of check (great-expectations results in :mod:`analysis.validate.gx`,
survey and cross-dataset rules in :mod:`analysis.validate.rule_checks`, the personal-data
scan in :mod:`analysis.validate.privacy`). Nothing here ever lets personal data through: an
ID is shown only when no detector fires on it, and values only when they are short, not from
a column marked ``pii`` and free of anything a detector recognises.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.validate import pii
from analysis.validate.checks import MAX_VALUE_LENGTH, wording

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook
    from analysis.ingest import Dataset


def rel_path(path: Path, root: Path) -> str:
    """``path`` relative to the study folder (POSIX), or just its name when it lies outside."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def validation_frame(ds: Dataset) -> pd.DataFrame:
    """The stored codes (user-missing codes kept), with a 0..n-1 index for row numbers.

    Coded answers kept compactly are given as ``float32`` where that is exact (whole numbers:
    :meth:`~analysis.ingest.stored.StoredCodes.to_frame`), which halves the frame
    great-expectations checks (0.4 GB less at 1M respondents x 100 variables) and changes no
    outcome of a check.
    """
    from analysis.ingest.stored import StoredCodes

    if isinstance(ds.stored, StoredCodes):
        frame = ds.stored.to_frame(compact=True)
    else:
        frame = ds.codes if ds.codes is not None else ds.frame
    return frame.reset_index(drop=True)


def id_column(codebook: Codebook, frame: pd.DataFrame) -> str | None:
    """The respondent ID column shown beside row numbers: unique, text, not personal data."""
    for v in codebook.variables:
        if v.unique and v.type == "string" and not v.pii and v.name in frame.columns:
            return v.name
    return None


def example_rows(index: list[Any], frame: pd.DataFrame | None, ids: str | None) -> tuple[dict[str, Any], ...]:
    """``{"row": n}`` (1-based) per 0-based index, plus ``"id"`` when the ID holds no personal data."""
    out = []
    for i in index:
        try:
            row = int(i)
        except (TypeError, ValueError):
            continue
        ex: dict[str, Any] = {"row": row + 1}
        if ids is not None and frame is not None and 0 <= row < len(frame):
            value = frame[ids].iloc[row]
            if isinstance(value, str) and not pii.scan_text(value):
                ex["id"] = value
        out.append(ex)
    return tuple(out)


def safe_values(values: list[Any], sensitive: bool) -> tuple[Any, ...]:
    """Values fit to print: never for a pii column, never when a detector fires, never long."""
    if sensitive:
        return ()
    out = []
    for v in values:
        if isinstance(v, (list, tuple)):
            continue
        text = str(v)
        if len(text) > MAX_VALUE_LENGTH or pii.scan_text(text):
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(v if isinstance(v, (int, float, str, bool)) or v is None else text)
    return tuple(out)


def fmt(value: Any) -> str:
    """A value as text, whole floats without ``.0``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def message_nl(check: str, column: str | None, n: int, total: int | None, examples, values) -> str:
    """What went wrong, in the report language (Dutch): rows, a few examples, safe values."""
    t = wording("messages")
    what = wording("what")
    text = t["rows_one" if n == 1 else "rows_many"].format(n=n)
    if total is not None:
        text += " " + t["of_total"].format(total=total)
    text += " " + what.get(check, what["other"])
    if examples:
        refs = [t["row"].format(row=e["row"]) + (f" ({e['id']})" if "id" in e else "") for e in examples]
        text += "; " + t["for_example"].format(rows=", ".join(refs))
    if values:
        text += "; " + t["found"].format(values=", ".join(fmt(v) for v in values))
    return text + "."
