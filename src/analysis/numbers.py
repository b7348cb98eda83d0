"""Numbers as report text: Dutch thousands dots and decimal commas, English the other way round.

One place for number formatting, so tables, findings and figures write ``1.234`` and ``12,5%``
the same way.
"""

from __future__ import annotations


def fmt_int(n: float, lang: str) -> str:
    """``1234`` -> ``"1.234"`` (nl) or ``"1,234"`` (en)."""
    s = f"{int(n):,}"
    return s.replace(",", ".") if lang == "nl" else s


def fmt_number(x: float, decimals: int, lang: str) -> str:
    """``1234.5`` -> ``"1.234,5"`` (nl) or ``"1,234.5"`` (en)."""
    s = f"{x:,.{decimals}f}"
    if lang == "nl":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_pct(percent: float, decimals: int, lang: str) -> str:
    """A percentage (0-100) with its sign: ``"12,5%"`` (nl)."""
    return fmt_number(percent, decimals, lang) + "%"
