"""Columns that play a part, found by their values: a side, municipality codes, keys, references, yes/no."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analysis.init.model import Guess, _first, _show_labels
from analysis.init.table import (
    FORMAL,
    INFORMAL,
    MOST,
    YES,
    Table,
    _norm,
)


def _side_values(table: Table, column: str) -> tuple[Any, Any, str] | None:
    """(formal, informal, reason) when the column holds exactly a formal and an informal value."""
    labels = table.labelled(column)
    if labels:
        if len(labels) != 2:
            return None
        pairs = list(labels.items())
        observed = {_norm(v) for v in table.distinct(column, 5)}
        if not observed <= {_norm(code) for code, _ in pairs}:
            return None
        source = f"value labels {_show_labels(labels)}"
    else:
        if table.var(column).type not in ("string",) and table.numbers(column) is not None:
            return None
        values = table.distinct(column, 3)
        if len(values) != 2:
            return None
        pairs = [(v, str(v)) for v in values]
        source = f"values {values[0]!r} and {values[1]!r}"
    formal = [code for code, label in pairs if FORMAL.search(label) and not INFORMAL.search(label)]
    informal = [code for code, label in pairs if INFORMAL.search(label)]
    if len(formal) == 1 and len(informal) == 1 and formal[0] != informal[0]:
        return formal[0], informal[0], source
    return None


def _find_side(table: Table, exclude: Iterable[str] = ()) -> Guess | None:
    hits = []
    for c in table.columns:
        if c in exclude or table.is_private(c) or table.answered(c) < MOST:
            continue
        found = _side_values(table, c)
        if found:
            hits.append((c, found))
    if not hits:
        return None
    hits.sort(key=lambda h: not table.matches(h[0], "side"))
    column, (formal, informal, source) = hits[0]
    reason = f"{column}: {source}"
    if len(hits) > 1:
        reason += f" (also possible: {', '.join(h[0] for h in hits[1:4])})"
    return Guess("side", {"variable": column, "formal": formal, "informal": informal}, reason)


def _gm_columns(table: Table) -> list[str]:
    return [c for c in table.columns if table.gm_share(c) >= 0.9]


def _name_column(table: Table, code: str) -> str | None:
    def texty(c: str) -> bool:
        if c == code or table.numbers(c) is not None or table.is_date(c):
            return False
        return table.gm_share(c) < 0.5

    found = _first(table, table.columns, lambda c: texty(c) and table.matches(c, "name"))
    if found:
        return found
    return _first(table, table.columns, lambda c: texty(c) and table.is_unique_key(c))


def _key_columns(table: Table) -> list[str]:
    """Columns that identify each row (unique, complete), not numbers with decimals nor dates."""
    out = []
    for c in table.columns:
        if table.is_date(c) or not table.is_unique_key(c):
            continue
        n = table.numbers(c)
        if n is not None and not bool((n % 1 == 0).all()):
            continue
        out.append(c)
    return out


def _share_in(table: Table, column: str, keys: set[str]) -> float:
    """The share of the column's valid values that are among ``keys`` (counted on distinct values)."""
    counts = table.value_counts(column)
    if counts.empty or not keys:
        return 0.0
    hit = [k in keys for k in table.normed(column)]
    return float(counts[hit].sum() / counts.sum())


def _row_numbers(keys: set[str]) -> bool:
    """Keys that are the numbers 1..n (or 0..n-1): row numbers, which any small count falls among."""
    try:
        numbers = sorted(int(k) for k in keys)
    except ValueError:
        return False
    return bool(numbers) and numbers[0] in (0, 1) and numbers[-1] - numbers[0] == len(numbers) - 1


def _ref_column(table: Table, keys: set[str], exclude: Iterable[str] = ()) -> tuple[str, float] | None:
    """The column whose values are (mostly) among ``keys``, with that share."""
    best = None
    if not keys or _row_numbers(keys):
        return None  # row numbers 1..n: any small number falls among them, so they identify nothing
    for c in table.columns:
        if c in exclude or table.is_date(c):
            continue
        counts = table.value_counts(c)
        if counts.sum() < max(2, table.rows / 2) or len(counts) < 2:
            continue  # a mostly empty or constant column refers to nothing
        share = _share_in(table, c, keys)
        if share >= 0.8 and (best is None or share > best[1]):
            best = (c, share)
    return best


def _yes_value(t: Table, column: str) -> Any | None:
    labels = t.labelled(column)
    values = labels or {v: str(v) for v in t.distinct(column, 3)}
    if len(values) > 2:
        return None
    yes = [code for code, label in values.items() if YES.match(str(label).strip())]
    return yes[0] if len(yes) == 1 else None
