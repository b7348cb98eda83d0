"""Stored codes kept compactly beside the labelled frame (what :attr:`Dataset.codes` is built from).

A survey of a million respondents holds mostly coded answers: a handful of distinct numbers per
column. Keeping them as a second frame of ``float64`` doubles the memory of the labelled frame
(whose categoricals hold one byte per answer). Instead, a numeric column with few distinct values
is kept *dictionary-encoded*: its sorted distinct values and, per row, a small integer position
among them (``-1`` for a system-missing value). The stored value of a row is
``values[position]``, bit for bit the number the file holds. Other columns (text, dates, numbers
with many distinct values) are kept as they are, and shared with the frame where the frame holds
them unchanged.

Everything the labelled frame needs (which codes are user-missing, which label a code has) is a
function of the value, so it is computed once per distinct value and gathered by position: the
result is the same as applying it row by row (:func:`labelled_column`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from analysis.codebook import Variable

__all__ = ["Encoded", "StoredCodes", "encode", "join", "labelled_column"]

#: Most distinct values a column may have to be kept encoded (positions fit in ``int16``).
MAX_DISTINCT = 32_000


@dataclass(frozen=True)
class Encoded:
    """A numeric column as its sorted distinct values and, per row, a position among them."""

    values: np.ndarray  # float64, sorted, no NaN
    positions: np.ndarray  # int8/int16, -1 where the row is system-missing (NaN)
    name: Any

    def decode(self, index: pd.Index, *, compact: bool = False) -> pd.Series:
        """The column as stored: ``float64``, ``NaN`` for system-missing values.

        ``compact``: ``float32`` when every value is a whole number float32 holds exactly
        (below 2**24 in size, as coded answers are): half the memory, and every comparison with
        a number gives what the ``float64`` column gives.
        """
        import numpy as np
        import pandas as pd

        table = np.append(self.values, np.nan)
        if compact and self.exact_in_float32():
            table = table.astype(np.float32)
        out = np.take(table, self.positions)  # -1 picks the NaN
        return pd.Series(out, index=index, name=self.name)

    def exact_in_float32(self) -> bool:
        """Whether every value is a whole number below 2**24 in size (exact as ``float32``)."""
        import numpy as np

        v = self.values
        return bool(np.all(np.floor(v) == v) and np.all(np.abs(v) < 2**24)) if len(v) else True


def _narrow(positions: np.ndarray, n: int) -> np.ndarray:
    import numpy as np

    return positions.astype(np.int8 if n < 127 else np.int16, copy=False)


def encode(series: pd.Series) -> Encoded | pd.Series:
    """A ``float64`` column with few distinct values as :class:`Encoded`; anything else unchanged."""
    import numpy as np

    if series.dtype != np.float64:
        return series
    raw = series.to_numpy()
    nan = np.isnan(raw)
    present = raw[~nan]
    values = np.unique(present)
    if len(values) > MAX_DISTINCT:
        return series
    zero = present == 0
    if zero.any() and np.signbit(present[zero]).any():
        return series  # -0.0 == 0.0: one distinct value would lose the sign
    # every value is one of ``values`` with the same bits, so values[position] is the value itself
    low = values[0] if len(values) else 0.0
    span = values[-1] - low if len(values) else 0.0
    if span < 4096 and np.array_equal(values, np.floor(values)):  # small whole numbers: a look-up
        lut = np.full(int(span) + 1, -1, dtype=np.int16)
        lut[(values - low).astype(np.intp)] = np.arange(len(values), dtype=np.int16)
        positions = lut[(np.where(nan, low, raw) - low).astype(np.intp)]
    else:
        positions = np.searchsorted(values, raw).astype(np.int16)
    positions[nan] = -1
    return Encoded(values, _narrow(positions, len(values)), series.name)


def join(pieces: list[Encoded | pd.Series], index: pd.Index) -> Encoded | pd.Series:
    """One column from the pieces of consecutive chunks (read in row order)."""
    import numpy as np
    import pandas as pd

    if all(isinstance(p, Encoded) for p in pieces):
        values = np.unique(np.concatenate([p.values for p in pieces]))
        if len(values) <= MAX_DISTINCT:
            out = np.empty(len(index), dtype=np.int8 if len(values) < 127 else np.int16)
            at = 0
            for p in pieces:
                lut = np.append(np.searchsorted(values, p.values), -1).astype(out.dtype)
                out[at : at + len(p.positions)] = lut[p.positions]
                at += len(p.positions)
            return Encoded(values, out, pieces[0].name)
    parts = [p.decode(pd.RangeIndex(len(p.positions))) if isinstance(p, Encoded) else p for p in pieces]
    if len(parts) == 1:
        return parts[0].set_axis(index)
    return pd.concat(parts, ignore_index=True).set_axis(index)


def labelled_column(enc: Encoded, variable: Variable, index: pd.Index) -> pd.Series:
    """What :func:`~analysis.ingest.labels.labelled_frame` makes of the column, per distinct value.

    User-missing codes become ``NA``; when every valid value carries a label (labels unique) the
    column becomes a categorical of its labels in code order, else stays ``float64``.
    """
    import numpy as np
    import pandas as pd

    from analysis.ingest.labels import missing_mask

    distinct = pd.Series(enc.values)
    missing = missing_mask(distinct, variable).to_numpy()
    valid = variable.valid_labels
    if valid and len(set(valid.values())) == len(valid):
        observed = {v for v, m in zip(enc.values.tolist(), missing, strict=True) if not m}
        if observed <= set(valid):
            order = sorted(valid, key=lambda k: (isinstance(k, str), k))
            cats = pd.CategoricalDtype([valid[k] for k in order], ordered=variable.measure == "ordinal")
            if all(isinstance(k, (int, float)) and not isinstance(k, bool) for k in order):
                where = pd.Index(order, dtype="float64").get_indexer(enc.values)
            else:
                where = pd.Index(order, dtype=object).get_indexer(distinct.astype(object))
            where[missing] = -1
            lut = np.append(where, -1).astype(np.int8 if len(order) < 127 else np.int32)
            codes = lut[enc.positions]
            return pd.Series(pd.Categorical.from_codes(codes, dtype=cats), index=index, name=enc.name)
    shown = np.append(np.where(missing, np.nan, enc.values), np.nan)
    return pd.Series(shown[enc.positions], index=index, name=enc.name)


class StoredCodes:
    """The stored codes of a dataset, column by column (see the module's documentation)."""

    def __init__(self, columns: dict[str, Encoded | pd.Series], index: pd.Index) -> None:
        self._columns = columns
        self.index = index

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def column(self, name: str) -> pd.Series:
        """One column as stored (a new ``float64`` series for encoded columns)."""
        entry = self._columns[name]
        return entry.decode(self.index) if isinstance(entry, Encoded) else entry

    def to_frame(self, *, compact: bool = False) -> pd.DataFrame:
        """Every column as a :class:`pandas.DataFrame` (built anew on each call); ``compact``:
        whole-number codes as ``float32`` (:meth:`Encoded.decode`), what the gate checks."""
        import pandas as pd

        columns = {
            name: entry.decode(self.index, compact=compact) if isinstance(entry, Encoded) else entry
            for name, entry in self._columns.items()
        }
        # copy=False: one block per column, no consolidated copy (at 1M x 100 that copy was 0.7 GB)
        return pd.DataFrame(columns, index=self.index, copy=False)

    def nbytes(self) -> int:
        """Memory held beyond what is shared with other objects (encoded positions and values)."""
        return sum(
            e.values.nbytes + e.positions.nbytes for e in self._columns.values() if isinstance(e, Encoded)
        )


def from_frame(codes: pd.DataFrame) -> tuple[dict[str, Any], pd.Index]:
    """Columns of a frame of stored codes, encoded where that pays."""
    return {col: encode(codes[col]) for col in codes.columns}, codes.index
