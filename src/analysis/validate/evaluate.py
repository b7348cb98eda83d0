"""Vectorised checks over many columns at once, in plain pandas.

These functions are the engine behind the multi-column expectations of
:mod:`analysis.validate.expectations`: one great-expectations expectation checks, say, all
sixteen Likert items against the same value set in one pass, and reports per column how
many rows failed and which. They are pure (frame in, dict out) and know nothing of
great-expectations, so they are easy to test on their own.

Every function returns ``{column: outcome}`` with an outcome of::

    {"element_count": int,        # rows the check looked at
     "unexpected_count": int,     # rows that failed
     "index": [int, ...],         # index labels of the first few failing rows
     "values": [..., ...]}        # the first few distinct failing values (see gate for redaction)

Columns absent from the frame are skipped (the column-presence check reports them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: How many example rows and values an outcome carries.
N_EXAMPLES = 5


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def outcome(bad: pd.Series, values: pd.Series | None = None, element_count: int | None = None) -> dict:
    """Summarise a boolean 'row failed' mask into the outcome dict."""
    failing = bad[bad.fillna(False).astype(bool)]
    index = [int(i) if isinstance(i, int) or hasattr(i, "item") else i for i in failing.index[:N_EXAMPLES]]
    out = {
        "element_count": int(len(bad) if element_count is None else element_count),
        "unexpected_count": len(failing),
        "index": [_plain(i) for i in index],
        "values": [],
    }
    if values is not None and len(failing):
        seen: list[Any] = []
        for v in values.loc[failing.index]:
            v = _plain(v)
            if v not in seen:
                seen.append(v)
            if len(seen) >= N_EXAMPLES:
                break
        out["values"] = seen
    return out


def rows_where(df: pd.DataFrame, condition: str | None) -> pd.Series:
    """Boolean mask of the rows a pandas query selects (all rows when ``condition`` is None).

    Rows where the condition cannot be decided (a missing value in the variable it names)
    are not selected.
    """
    import pandas as pd

    if not condition:
        return pd.Series(True, index=df.index)
    mask = df.eval(condition)
    if not isinstance(mask, pd.Series):
        mask = pd.Series(bool(mask), index=df.index)
    return mask.astype("boolean").fillna(False).astype(bool) & ~undecided(df, condition)


def undecided(df: pd.DataFrame, condition: str) -> pd.Series:
    """Rows where a variable the condition names is missing (so it cannot be decided)."""
    import re

    import pandas as pd

    names = [c for c in dict.fromkeys(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", condition)) if c in df.columns]
    if not names:
        return pd.Series(False, index=df.index)
    return df[names].isna().any(axis=1)


def _missing_code_mask(s: pd.Series, codes: list | None, ranges: list | None) -> pd.Series:
    import pandas as pd

    mask = pd.Series(False, index=s.index)
    if codes:
        mask |= s.isin(codes)
    if ranges:
        x = pd.to_numeric(s, errors="coerce")
        for lo, hi in ranges:
            mask |= x.between(lo, hi)
    return mask.fillna(False).astype(bool)


def in_set(
    df: pd.DataFrame,
    column_list: list[str],
    value_set: list,
    allow_null: bool = True,
    condition: str | None = None,
) -> dict[str, dict]:
    """Every non-missing value is one of ``value_set`` (missing fails too when not ``allow_null``)."""
    out = {}
    for col, s in _columns_in(df, column_list, condition):
        present = s.notna()
        bad = present & ~s.isin(value_set)
        if not allow_null:
            bad |= ~present
        out[col] = outcome(bad, s, element_count=len(s))
    return out


def unique(df: pd.DataFrame, column_list: list[str]) -> dict[str, dict]:
    """No non-missing value occurs twice in a column; every row of a repeated value fails."""
    import pandas as pd

    return {
        col: outcome(pd.Series(_repeated(s), index=s.index), s, element_count=len(s))
        for col, s in _columns_in(df, column_list)
    }


def _repeated(s: pd.Series) -> np.ndarray:
    """Per row: its value occurs in another row too (missing values never do).

    Arrow text is sorted and compared with its neighbours (a sort order and one sorted copy),
    where hashing five million distinct IDs cost 0.7 GB in Arrow's hash table and pandas'
    ``duplicated`` made a Python string of every row; anything else is factorised and counted.
    """
    import numpy as np
    import pandas as pd

    if isinstance(s.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pa.array(s.array)
        order = pc.array_sort_indices(values, null_placement="at_end")
        present = len(values) - values.null_count
        in_order = np.zeros(len(values), dtype=bool)
        if present > 1:
            ordered = values.take(order)
            same = pc.equal(ordered.slice(1, present - 1), ordered.slice(0, present - 1))
            same = same.to_numpy(zero_copy_only=False)
            in_order[1:present] |= same  # equal to the one before
            in_order[: present - 1] |= same  # equal to the one after
        repeated = np.empty(len(values), dtype=bool)
        repeated[order.to_numpy()] = in_order
        return repeated
    positions, uniques = pd.factorize(s, use_na_sentinel=True)
    counts = np.bincount(positions[positions >= 0], minlength=len(uniques))
    return np.append(counts > 1, False)[positions]  # position -1 (missing) is never a repeat


def between(
    df: pd.DataFrame,
    column_list: list[str],
    min_value: float | None = None,
    max_value: float | None = None,
    ignore_values: dict[str, list] | None = None,
    ignore_ranges: dict[str, list] | None = None,
) -> dict[str, dict]:
    """Every non-missing value is a number in ``[min_value, max_value]``.

    ``ignore_values`` and ``ignore_ranges`` (column -> codes / ``[lo, hi]`` pairs) name the
    user-missing codes, which are allowed whatever the bounds. A value that is not a number
    at all (text in a numeric column) fails.
    """
    import pandas as pd

    ignore_values = ignore_values or {}
    ignore_ranges = ignore_ranges or {}
    out = {}
    for col in column_list:
        if col not in df.columns:
            continue
        s = df[col]
        present = s.notna()
        skip = _missing_code_mask(s, ignore_values.get(col), ignore_ranges.get(col))
        x = pd.to_numeric(s, errors="coerce")
        bad = x.isna()
        if min_value is not None:
            bad |= x < min_value
        if max_value is not None:
            bad |= x > max_value
        bad = present & ~skip & bad.fillna(True)
        out[col] = outcome(bad, s)
    return out


def not_null(df: pd.DataFrame, column_list: list[str], condition: str | None = None) -> dict[str, dict]:
    """Every row (that ``condition`` selects) has a value."""
    return {col: outcome(s.isna()) for col, s in _columns_in(df, column_list, condition)}


def _columns_in(df: pd.DataFrame, column_list: list[str], condition: str | None = None):
    """``(name, column)`` for each column of the list that ``df`` has, in the rows ``condition``
    selects (all rows without one). Only these columns are selected: selecting rows of the whole
    frame copied every column, once per expectation (0.8 GB a time for a survey of 1M x 100)."""
    rows = rows_where(df, condition) if condition else None
    for col in column_list:
        if col in df.columns:
            yield col, (df[col] if rows is None else df[col][rows])


def null_outside(
    df: pd.DataFrame,
    column_list: list[str],
    condition: str,
    allowed: dict[str, list] | None = None,
) -> dict[str, dict]:
    """Skip logic: rows outside ``condition`` leave the columns empty.

    ``allowed`` (column -> codes) names codes that count as empty (a user-missing "n.v.t.").
    Rows where the condition cannot be decided are not checked.
    """
    import pandas as pd

    allowed = allowed or {}
    inside = df.eval(condition)
    if not isinstance(inside, pd.Series):
        inside = pd.Series(bool(inside), index=df.index)
    outside = (inside.astype("boolean") == False).fillna(False).astype(bool) & ~undecided(df, condition)  # noqa: E712
    out = {}
    for col in column_list:
        if col not in df.columns:
            continue
        s = df[col][outside]
        bad = s.notna() & ~s.isin(allowed.get(col, []))
        out[col] = outcome(bad, s)
    return out


def _comparable(s: pd.Series) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s
    if pd.api.types.is_bool_dtype(s):
        return s.astype(float)
    numeric = pd.to_numeric(s, errors="coerce")
    if numeric.notna().sum() >= s.notna().sum():
        return numeric
    return pd.to_datetime(s, errors="coerce")


def pairs_ordered(
    df: pd.DataFrame,
    pairs: list[list[str]],
    ignore_values: dict[str, list] | None = None,
) -> dict[str, dict]:
    """For each ``[high, low]`` pair, ``high >= low`` wherever both have a value.

    Used for sub-counts (``bereik_totaal >= bereik_nieuw``) and date order
    (``datum_contact >= datum_verwijzing``). Keys of the result are ``"high>=low"``.
    User-missing codes in ``ignore_values`` are treated as missing.
    """
    ignore_values = ignore_values or {}
    out = {}
    for high, low in pairs:
        if high not in df.columns or low not in df.columns:
            continue
        a, b = df[high], df[low]
        a = a.mask(_missing_code_mask(a, ignore_values.get(high), None))
        b = b.mask(_missing_code_mask(b, ignore_values.get(low), None))
        a, b = _comparable(a), _comparable(b)
        both = a.notna() & b.notna()
        bad = both & (a < b).fillna(False).astype(bool)
        out[f"{high}>={low}"] = outcome(bad, element_count=int(both.sum()))
    return out


def type_of(s: pd.Series) -> str:
    """The codebook type a column's values have: numeric, string, date, boolean, empty, mixed."""
    import datetime as dt

    import pandas as pd

    if s.isna().all():
        return "empty"
    if pd.api.types.is_bool_dtype(s):
        return "boolean"
    if pd.api.types.is_numeric_dtype(s):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_timedelta64_dtype(s):
        return "time"
    if isinstance(s.dtype, pd.StringDtype):
        return "string"
    present = s.dropna()
    if s.dtype == object and pd.api.types.infer_dtype(present, skipna=True) == "string":
        return "string"  # every value a str, found without a Python call per row
    kinds = set(present.map(type))
    if kinds <= {str}:
        return "string"
    if all(issubclass(k, (dt.date, pd.Timestamp)) for k in kinds):
        return "date"
    if all(issubclass(k, (dt.time, dt.timedelta)) for k in kinds):
        return "time"
    if all(issubclass(k, (int, float)) and not issubclass(k, bool) for k in kinds):
        return "numeric"
    return "mixed"


#: Codebook type -> observed types that satisfy it.
COMPATIBLE = {
    "numeric": {"numeric", "boolean", "empty"},
    "string": {"string", "empty"},
    "date": {"date", "empty"},
    "datetime": {"date", "empty"},
    "time": {"time", "empty", "numeric"},
    "boolean": {"boolean", "numeric", "empty"},
}


def column_types(
    df: pd.DataFrame, types: dict[str, str], ignore_values: dict[str, list] | None = None
) -> dict[str, dict]:
    """Each column's values have the codebook type (``numeric``, ``string``, ``date``, ...).

    ``ignore_values`` names, per column, user-missing codes of another type that the file may
    hold (CBS StatLine's ``.`` in a numeric column) and that do not count against the type.
    """
    ignore_values = ignore_values or {}
    out = {}
    for col, expected in types.items():
        if col not in df.columns:
            continue
        values = df[col]
        if ignore_values.get(col):
            values = values[~values.isin(list(ignore_values[col]))]
        observed = type_of(values)
        ok = observed in COMPATIBLE.get(expected, {observed})
        out[col] = {
            "element_count": len(df),
            "unexpected_count": 0 if ok else int(df[col].notna().sum()),
            "index": [],
            "values": [],
            "observed": observed,
            "expected": expected,
        }
    return out
