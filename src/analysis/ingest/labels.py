"""Applying a codebook to stored codes: shared by every reader.

A reader produces the *codes* (the values as stored in the file, user-missing codes kept) and a
:class:`~analysis.codebook.Codebook`. :func:`labelled_frame` turns them into the analysis frame:
user-missing codes become missing values and fully labelled variables become categoricals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook, Variable

__all__ = ["labelled_frame", "missing_mask"]


def missing_mask(series: pd.Series, variable: Variable) -> pd.Series:
    """Which values of ``series`` are user-defined missing codes of ``variable``.

    Parameters
    ----------
    series
        Stored codes of one column (numbers, strings, or a mix such as StatLine's ``.``).
    variable
        Its codebook entry, with ``missing_values`` and ``missing_ranges``.

    Returns
    -------
    pandas.Series
        Boolean, ``True`` where the value is a user-missing code; never ``NA``.
    """
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    mask = pd.Series(False, index=series.index)
    if not (variable.missing_values or variable.missing_ranges):
        return mask
    if variable.missing_values:
        values = list(variable.missing_values)
        if is_numeric_dtype(series):
            values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        mask |= series.isin(values).fillna(False).astype(bool)
    if variable.missing_ranges:
        if is_numeric_dtype(series):
            numbers = series.astype("float64")
        else:  # object columns mixing numbers and symbols: only real numbers can fall in a range
            numbers = series.map(
                lambda x: (
                    float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else float("nan")
                )
            ).astype("float64")
        for lo, hi in variable.missing_ranges:
            mask |= numbers.between(float(lo), float(hi)).fillna(False).astype(bool)
    return mask.astype(bool)


def labelled_frame(codes: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Apply a codebook to stored codes: user-missing to ``NA``, value labels to categoricals.

    A variable whose every valid (non-missing) value carries a label becomes a categorical of
    its labels, in code order, ordered when the codebook says ``measure: ordinal``. A variable
    with only some values labelled (a count with a label for 0) keeps its values. Columns the
    codebook does not name pass through unchanged. The input is not modified.

    Parameters
    ----------
    codes
        Values as stored in the file (what :attr:`Dataset.codes` holds).
    codebook
        The codebook to apply (the file's own, or a study's reviewed YAML).

    Returns
    -------
    pandas.DataFrame
        Same index and columns as ``codes``.
    """
    import numpy as np
    import pandas as pd

    out: dict[str, Any] = {}
    for col in codes.columns:
        s = codes[col]
        if col not in codebook:
            out[col] = s
            continue
        var = codebook[col]
        mask = missing_mask(s, var)
        if mask.any():
            s = s.mask(mask)
            if s.dtype == object:
                s = _tidy_object(s)
        valid = var.valid_labels
        if valid and len(set(valid.values())) == len(valid):
            text = _text_codes(s)
            observed = set(text[0]) if text is not None else set(s.dropna().unique())
            if observed <= set(valid):
                order = sorted(valid, key=lambda k: (isinstance(k, str), k))
                cats = pd.CategoricalDtype([valid[k] for k in order], ordered=var.measure == "ordinal")
                # codes found by position (one hash look-up per row, no label strings made)
                numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
                if numeric and all(isinstance(k, (int, float)) and not isinstance(k, bool) for k in order):
                    values = s.to_numpy(dtype="float64", na_value=float("nan"))
                    positions = pd.Index(order, dtype="float64").get_indexer(values)
                elif text is not None and not any(k != k for k in order):
                    texts, rows = text  # each distinct text looked up once, then placed by row
                    per_text = pd.Index(order, dtype=object).get_indexer(pd.Index(texts, dtype=object))
                    small = np.int8 if len(order) < 127 else np.int32  # the categorical's own codes
                    positions = np.append(per_text, -1).astype(small)[rows]  # missing (-1): -1
                else:
                    positions = pd.Index(order, dtype=object).get_indexer(s.astype(object))
                s = pd.Series(pd.Categorical.from_codes(positions, dtype=cats), index=s.index, name=s.name)
        out[col] = s
    return pd.DataFrame(out, index=codes.index, copy=False)  # unchanged columns shared with codes


def _text_codes(s: pd.Series) -> tuple[list[str], Any] | None:
    """A text series (as the CSV reader makes: a categorical of texts, or pyarrow-backed text)
    as its distinct texts and each row's position among them (``-1`` where missing), with no
    Python string per row; ``None`` for any other series."""
    import pandas as pd

    if isinstance(s.dtype, pd.CategoricalDtype):
        if s.dtype.categories.dtype != "str":
            return None
        s = s.cat.remove_unused_categories()  # a masked missing code is no longer a text here
        return s.dtype.categories.tolist(), s.cat.codes.to_numpy()
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(s)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    rows = encoded.indices if encoded.indices.null_count == 0 else pc.fill_null(encoded.indices, -1)
    return encoded.dictionary.to_pylist(), rows.to_numpy(zero_copy_only=False)


def drift_warnings(
    columns: list[str], codebook: Codebook, *, never_absent: set[str] = frozenset()
) -> list[str]:
    """Warnings for a file read with a reviewed codebook: columns it does not describe, and back.

    ``never_absent`` names codebook variables that this kind of file cannot carry (they are not
    reported missing).
    """
    out = []
    extra = [c for c in columns if c not in codebook]
    absent = [v.name for v in codebook if v.name not in columns and v.name not in never_absent]
    if extra:
        more = " ..." if len(extra) > 8 else ""
        out.append(f"{len(extra)} column(s) are not in the reviewed codebook: {', '.join(extra[:8])}{more}")
    if absent:
        more = " ..." if len(absent) > 8 else ""
        out.append(
            f"{len(absent)} variable(s) of the reviewed codebook are not in the file: {', '.join(absent[:8])}{more}"
        )
    return out


def _tidy_object(s: pd.Series) -> pd.Series:
    """After masking symbols (``.``) an object column of numbers becomes a float column."""
    import pandas as pd

    rest = s.dropna()
    if len(rest) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rest):
        return pd.to_numeric(s, errors="coerce").astype("float64")
    return s
