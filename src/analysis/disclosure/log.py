"""The suppression log: which published cell was hidden, and why.

Each :class:`SuppressionEntry` records one hidden cell. The *public* reason
(``reason()``) never contains the hidden value, so a report appendix can show it.
The *private* detail (``detail``, ``value``) does: it is for the researcher's own
audit trail and must not be published. :meth:`SuppressionLog.to_frame` leaves the
private columns out unless ``private=True`` is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from analysis.disclosure._text import text

Kind = Literal["primary", "secondary", "derived"]


@dataclass(frozen=True)
class SuppressionEntry:
    """One suppressed cell.

    Attributes
    ----------
    table
        Name of the table the cell belongs to.
    row, col
        Row and column labels of the cell (``col`` is ``None`` in a one-way table).
    kind
        ``"primary"`` (too few units), ``"secondary"`` (hidden to protect another cell) or
        ``"derived"`` (a statistic computed from a suppressed or too small count).
    threshold
        The policy's ``min_count`` at the time.
    protects
        For a secondary suppression: the (row, col) of the cell it protects.
    measure
        ``"count"`` for a frequency cell, ``"mean"`` for a group mean.
    value
        The hidden value. **Private**: never render it.
    """

    table: str
    row: str
    col: str | None
    kind: Kind
    threshold: int
    protects: tuple[str, str | None] | None = None
    measure: str = "count"
    value: float | None = field(default=None, repr=False)

    @property
    def cell(self) -> str:
        return _cell(self.row, self.col)

    def reason(self, lang: str = "nl") -> str:
        """The public reason, without the hidden value (safe for a report)."""
        t = text(lang, "reasons")
        if self.kind == "primary":
            what = t["count"] if self.measure == "count" else t["group_n"]
            return t["primary"].format(what=what, threshold=self.threshold)
        if self.kind == "derived":
            return t["derived"]
        return t["secondary"].format(cell=_cell(*self.protects) if self.protects else "?")

    @property
    def detail(self) -> str:
        """The private reason, with the hidden value (``primary: count 3 < 10``). Do not publish."""
        if self.kind == "primary":
            shown = _fmt(self.value)
            what = "count" if self.measure == "count" else "group n"
            return f"primary: {what} {shown} < {self.threshold}"
        return self.reason("en")


@dataclass(frozen=True)
class SuppressionLog:
    """An ordered, immutable collection of :class:`SuppressionEntry`.

    Logs of several tables combine with ``+``; :func:`analysis.disclosure.appendix_html`
    renders one.

    Examples
    --------
    >>> log = SuppressionLog()
    >>> len(log), log.n_primary, log.n_secondary
    (0, 0, 0)
    """

    entries: tuple[SuppressionEntry, ...] = ()

    def __iter__(self) -> Iterator[SuppressionEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __add__(self, other: SuppressionLog) -> SuppressionLog:
        return SuppressionLog(self.entries + tuple(other.entries))

    @classmethod
    def combine(cls, logs: Iterable[SuppressionLog]) -> SuppressionLog:
        """One log from many (e.g. the logs of every table in a report)."""
        entries: tuple[SuppressionEntry, ...] = ()
        for log in logs:
            entries += tuple(log.entries)
        return cls(entries)

    @property
    def n_primary(self) -> int:
        return sum(e.kind == "primary" for e in self.entries)

    @property
    def n_secondary(self) -> int:
        return sum(e.kind == "secondary" for e in self.entries)

    @property
    def n_derived(self) -> int:
        return sum(e.kind == "derived" for e in self.entries)

    def tables(self) -> list[str]:
        """Table names in order of first appearance."""
        return list(dict.fromkeys(e.table for e in self.entries))

    def summary(self) -> pd.DataFrame:
        """Counts per table. Columns: ``table, primary, secondary, derived``."""
        kinds = ("primary", "secondary", "derived")
        rows = [
            {"table": name, **{k: sum(e.kind == k for e in self.entries if e.table == name) for k in kinds}}
            for name in self.tables()
        ]
        return pd.DataFrame(rows, columns=["table", *kinds])

    def to_frame(self, lang: str = "nl", *, private: bool = False) -> pd.DataFrame:
        """One row per suppressed cell.

        Returns
        -------
        DataFrame
            Columns ``table, row, col, kind, reason``; with ``private=True`` also
            ``value`` and ``detail`` (the hidden values: keep these out of any report).
        """
        cols = ["table", "row", "col", "kind", "reason"]
        if private:
            cols += ["value", "detail"]
        rows = []
        for e in self.entries:
            row = {"table": e.table, "row": e.row, "col": e.col, "kind": e.kind, "reason": e.reason(lang)}
            if private:
                row.update(value=e.value, detail=e.detail)
            rows.append(row)
        return pd.DataFrame(rows, columns=cols)


def _cell(row: str, col: str | None) -> str:
    return f"({row})" if col is None else f"({row}, {col})"


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"
