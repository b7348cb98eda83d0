"""Municipality breakdowns: report a small municipality only as part of a larger group.

A municipality with fewer than ``policy.min_count`` respondents is not reported on
its own. It is pooled with the other small municipalities of its region; if that
pool is still too small, with the small municipalities of its size class; failing
that, into one "other municipalities" group. Pools hold only municipalities that are
*not* reported alone, so a pool can never be worked out by subtracting published
municipalities from a published region total. (Do not also publish region totals
that include municipalities reported alone: ``region - alone = small ones``.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.disclosure._text import check_lang
from analysis.disclosure.policy import Policy
from analysis.errors import DisclosureError
from analysis.text import words


@dataclass(frozen=True)
class MunicipalityGrouping:
    """How each municipality is reported.

    Attributes
    ----------
    table
        One row per municipality: ``municipality``, ``report_group`` (the label to
        tabulate on), ``level`` (``"municipality"``, a fallback column name,
        ``"other"`` or ``"all"``), ``sentence_nl``, ``sentence_en`` (empty when the
        municipality is reported alone). Respondent counts are deliberately absent.
    lang
        Language of the ``report_group`` labels.
    """

    table: pd.DataFrame
    lang: str = "nl"

    @property
    def mapping(self) -> dict[Any, str]:
        """municipality -> report group."""
        return dict(zip(self.table["municipality"], self.table["report_group"], strict=True))

    def group(self, municipality: Any) -> str:
        """The group a municipality's figures appear under."""
        try:
            return self.mapping[municipality]
        except KeyError:
            raise DisclosureError(f"municipality {municipality!r} has no respondents in these data") from None

    def is_alone(self, municipality: Any) -> bool:
        """Whether the municipality is reported on its own."""
        row = self.table[self.table["municipality"] == municipality]
        return bool(len(row)) and row["level"].iat[0] == "municipality"

    def sentence(self, municipality: Any, lang: str = "nl") -> str:
        """The sentence to print in a municipality's report ('' when reported alone)."""
        check_lang(lang)
        row = self.table[self.table["municipality"] == municipality]
        if not len(row):
            raise DisclosureError(f"municipality {municipality!r} has no respondents in these data")
        return str(row[f"sentence_{lang}"].iat[0])

    def apply(self, frame: pd.DataFrame, municipality_col: str, column: str = "report_group") -> pd.DataFrame:
        """A copy of ``frame`` with a ``column`` holding each record's report group."""
        return frame.assign(**{column: frame[municipality_col].map(self.mapping)})


def municipality_fallback(
    frame: pd.DataFrame,
    municipality_col: str,
    fallbacks: Sequence[str],
    policy: Policy | None = None,
    *,
    lang: str = "nl",
    labels: Mapping[str, str] | None = None,
) -> MunicipalityGrouping:
    """Decide per municipality whether it can be reported alone or must be combined.

    Parameters
    ----------
    frame
        Respondent-level data (one record per respondent), with the municipality
        column and the fallback columns (e.g. joined from the municipality frame).
        To apply the rule per respondent type, call this on the subset of that type.
    municipality_col
        The municipality column.
    fallbacks
        Columns to pool small municipalities on, in order of preference.
    policy
        The disclosure policy (``min_count`` respondents to report alone).
    lang
        Language of the group labels.
    labels
        What to call each fallback column in group labels and sentences ("regio"); default
        the column name.

    Returns
    -------
    MunicipalityGrouping

    Examples
    --------
    >>> df = pd.DataFrame({"gemeente": ["Aa"] * 30 + ["Bb"] * 4 + ["Cc"] * 7 + ["Dd"] * 3 + ["Ee"] * 8,
    ...                    "regio": ["Noord"] * 41 + ["Zuid"] * 3 + ["West"] * 8,
    ...                    "grootte": ["groot"] * 30 + ["klein"] * 22})
    >>> names = {"regio": "regio", "grootte": "grootteklasse"}
    >>> g = municipality_fallback(df, "gemeente", ("regio", "grootte"), Policy(), labels=names)
    >>> g.mapping["Aa"], g.mapping["Bb"], g.mapping["Cc"]
    ('Aa', 'regio Noord (samengevoegd)', 'regio Noord (samengevoegd)')
    >>> g.mapping["Dd"], g.mapping["Ee"]
    ('grootteklasse klein (samengevoegd)', 'grootteklasse klein (samengevoegd)')
    >>> g.sentence("Bb", "en")
    'Figures for Bb are combined with those of other municipalities in regio Noord, because Bb had fewer than 10 respondents.'
    """
    policy = policy or Policy()
    check_lang(lang)
    missing = [c for c in (municipality_col, *fallbacks) if c not in frame.columns]
    if missing:
        raise DisclosureError(
            f"column(s) not in the data: {', '.join(missing)}",
            hint="join the municipality frame (region, size class) first, or pass fallbacks=()",
        )
    data = frame[frame[municipality_col].notna()]
    counts = data.groupby(municipality_col, observed=True, sort=True).size()
    m = policy.min_count
    fallback_value: dict[str, dict[Any, Any]] = {}
    for col in fallbacks:
        per = data.groupby(municipality_col, observed=True, sort=True)[col].agg(lambda s: s.dropna().unique())
        bad = [k for k, v in per.items() if len(v) > 1]
        if bad:
            raise DisclosureError(
                f"municipality {bad[0]!r} has more than one value of {col!r}",
                hint=f"each municipality belongs to one {col}; check the municipality frame",
            )
        fallback_value[col] = {k: (v[0] if len(v) else None) for k, v in per.items()}

    group: dict[Any, tuple[str, Any]] = {}  # municipality -> (level, value)
    for muni, n in counts.items():
        if n >= m:
            group[muni] = ("municipality", muni)
    remaining = [muni for muni in counts.index if muni not in group]
    for col in fallbacks:
        pools: dict[Any, list[Any]] = {}
        for muni in remaining:
            value = fallback_value[col][muni]
            if value is not None:
                pools.setdefault(value, []).append(muni)
        for value, members in pools.items():
            if sum(int(counts[x]) for x in members) >= m:
                for x in members:
                    group[x] = (col, value)
        remaining = [muni for muni in remaining if muni not in group]

    if remaining:
        pool = list(remaining)
        # the leftover pool must itself reach min_count; absorb the smallest groups until it does
        while sum(int(counts[x]) for x in pool) < m and len(pool) < len(counts):
            sizes: dict[tuple[str, Any], int] = {}
            for muni, key in group.items():
                if muni not in pool:
                    sizes[key] = sizes.get(key, 0) + int(counts[muni])
            smallest = min(sizes, key=lambda k: (k[0] == "municipality", sizes[k], str(k[1])))
            pool += [muni for muni, key in group.items() if key == smallest and muni not in pool]
        level = "other" if len(pool) < len(counts) else "all"
        for muni in pool:
            group[muni] = (level, None)

    rows = []
    for muni in counts.index:
        level, value = group[muni]
        rows.append(
            {
                "municipality": muni,
                "report_group": _label(level, value, lang, labels),
                "level": level,
                "sentence_nl": _sentence(muni, level, value, m, "nl", labels),
                "sentence_en": _sentence(muni, level, value, m, "en", labels),
            }
        )
    return MunicipalityGrouping(table=pd.DataFrame(rows), lang=lang)


def _level_name(level: str, labels: Mapping[str, str] | None) -> str:
    from analysis.labels import in_sentence

    name = str((labels or {}).get(level, level))
    return in_sentence(name.split(" (")[0])  # "Regio (Veilig Thuis-regio)" -> "regio"


def _label(level: str, value: Any, lang: str, labels: Mapping[str, str] | None = None) -> str:
    if level == "municipality":
        return str(value)
    t = words(lang, "municipality")
    if level in ("other", "all"):
        return t[level]
    return t["combined"].format(level=_level_name(level, labels), value=value)


def _sentence(
    muni: Any, level: str, value: Any, m: int, lang: str, labels: Mapping[str, str] | None = None
) -> str:
    if level == "municipality":
        return ""
    t = words(lang, "municipality")
    if level in ("other", "all"):
        where = t[f"where_{level}"]
    else:
        where = t["where_group"].format(level=_level_name(level, labels), value=value)
    return t["sentence"].format(muni=muni, where=where, m=m)
