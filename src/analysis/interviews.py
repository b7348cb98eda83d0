"""The coded interviews: which themes come up on which side, and quotes that may be published.

Works on the codings table that :func:`analysis.ingest.read` makes of a REFI-QDA project (one
row per coded segment: ``document``, ``code``, ``code_family``, ``text``, ``case`` and the
case's attributes such as ``org_side``). Everything that leaves this module went through
disclosure control: the code matrix through :func:`analysis.disclosure.suppress_counts`,
quotes through :func:`analysis.disclosure.select_quotes` (small groups refused, names and
places replaced, speakers labelled consistently).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError
from analysis.results import Result, group_name, tidy

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.disclosure import DisclosedTable, NameList, Policy, QuoteSelection

#: Meta-codes of the codebook (domain brief section 7): not themes.
META_CODES = ("QUOTE", "CASEBOX", "IDENT")

_TEXT = {
    "nl": {
        "title": "Thema's in de interviews naar {by}",
        "x": "{by}",
        "cells": "gecodeerde fragmenten",
        "most": "Het vaakst gecodeerde thema is {family} ({n} fragmenten).",
        "none": "Er zijn te weinig gecodeerde fragmenten om de thema's te beschrijven.",
    },
    "en": {
        "title": "Themes in the interviews by {by}",
        "x": "{by}",
        "cells": "coded segments",
        "most": "The theme coded most often is {family} ({n} segments).",
        "none": "There are too few coded segments to describe the themes.",
    },
}


class CodeMatrix(Result):
    """Coded segments per code (family) and group (see :func:`code_matrix`)."""

    key = "thema_matrix"

    def __init__(self, disclosed: DisclosedTable, by: str, level: str):
        self._table = disclosed
        self.by = by
        self.level = level

    def title(self, lang: str = "nl") -> str:
        return _TEXT[lang]["title"].format(by=group_name(self.by, lang))

    def table(self) -> DisclosedTable:
        return self._table

    def to_frame(self) -> pd.DataFrame:
        """Published counts: ``term`` (``code: group``), ``estimate`` (segments), ``n`` (the group's segments)."""
        data = self._table.figure_data()
        totals = self._table.values.iloc[-1]
        rows = [
            {
                "term": f"{r.row}: {r.col}",
                "estimate": r.count,
                "n": totals[r.col],
                "code": r.row,
                "group": r.col,
            }
            for r in data.itertuples()
            if r.status == "shown"
        ]
        return tidy(rows)

    def figure(self, lang: str = "nl") -> go.Figure:
        from analysis.figures import heatmap

        data = self._table.figure_data(lang)
        t = _TEXT[lang]
        return heatmap(data, x_title=t["x"].format(by=group_name(self.by, lang)), value_title=t["cells"])

    def findings(self, lang: str = "nl") -> list[str]:
        t = _TEXT[lang]
        values, status = self._table.values, self._table.status
        shown = [
            (int(values.iloc[i, -1]), str(values.index[i]))
            for i in range(len(values.index) - 1)
            if status.iloc[i, -1] == "shown" and values.iloc[i, -1] is not None
        ]
        if not shown:
            return [t["none"]]
        n, family = max(shown)
        return [t["most"].format(family=family, n=n)]


def code_matrix(
    codings: pd.DataFrame,
    policy: Policy,
    *,
    by: str = "org_side",
    level: str = "code_family",
    lang: str = "nl",
) -> CodeMatrix:
    """Count coded segments per code (or code family) and group, through disclosure control.

    Parameters
    ----------
    codings
        The codings table (``Dataset.frame`` of a REFI-QDA project).
    policy
        The study's disclosure policy.
    by
        Case attribute to compare (``org_side``, ``respondent_type``).
    level
        ``code_family`` (the top-level codes A-G) or ``code``.
    lang
        Label language.

    Returns
    -------
    CodeMatrix
        ``table()`` holds the disclosed counts with margins; meta-codes (QUOTE, CASEBOX, IDENT)
        are left out.

    Notes
    -----
    Cells count coded segments, as the code matrix of ATLAS.ti or MAXQDA does, so the
    margins add up and secondary suppression protects every hidden cell.
    """
    import pandas as pd

    from analysis.disclosure import suppress_counts

    for col in (by, level, "code"):
        if col not in codings.columns:
            raise BruggenError(
                f"the codings table has no column {col!r}",
                hint="read the interviews with analysis.ingest.read (REFI-QDA) and check the case attributes",
            )
    themes = codings[
        ~codings["code"].astype(str).isin(META_CODES) & ~codings[level].astype(str).isin(META_CODES)
    ]
    counts = pd.crosstab(themes[level].astype(str), themes[by].astype(str))
    counts.index.name, counts.columns.name = level, by
    table = suppress_counts(counts, policy, name=f"thema_{level}_{by}", lang=lang)
    return CodeMatrix(table, by=by, level=level)


def select_report_quotes(
    codings: pd.DataFrame,
    policy: Policy,
    names: NameList,
    *,
    themes: Sequence[str] = ("B3 NIET_SERIEUS_GENOMEN", "A6 TERUGKOPPELING"),
    group_by: str = "org_side",
    max_quotes: int = 3,
) -> QuoteSelection:
    """Quotes for a report: segments coded QUOTE that overlap one of ``themes``.

    A segment that overlaps an ``IDENT`` coding (a potentially identifying detail) is never
    used. Quotes from a group (``group_by``) with fewer persons than ``policy.min_count`` are
    refused; names and places from the study's list are replaced (``[naam]``, ``[wijk]``,
    ``[plaats]``); every speaker gets one label everywhere ("informeel 3").

    Parameters
    ----------
    codings
        The codings table of a REFI-QDA project.
    policy
        The study's disclosure policy.
    names
        The study's names list (:meth:`analysis.disclosure.NameList.from_study`).
    themes
        Codes a quote must overlap, in order of preference.
    group_by
        Case attribute that quotes are attributed to.
    max_quotes
        At most this many quotes, one per speaker, chosen deterministically (theme order,
        then document and position).

    Returns
    -------
    QuoteSelection
        ``quotes`` has columns ``speaker``, ``text``, ``theme``; ``refused`` and the
        replacement log are for the researcher, never for the report.
    """
    import pandas as pd

    from analysis.disclosure import select_quotes

    people = codings.drop_duplicates("case")[["case", group_by]].rename(columns={"case": "speaker_id"})
    quotes = codings[codings["code"] == "QUOTE"]
    blocked = codings[codings["code"] == "IDENT"]
    rows: list[dict[str, Any]] = []
    for rank, theme in enumerate(themes):
        coded = codings[codings["code"] == theme]
        for q in quotes.itertuples():
            if _overlaps(q, blocked) or not _overlaps(q, coded):
                continue
            rows.append(
                {
                    "speaker_id": q.case,
                    "text": q.text,
                    "theme": theme,
                    "rank": rank,
                    "document": q.document,
                    "start": q.start,
                    group_by: getattr(q, group_by),
                }
            )
    candidates = pd.DataFrame(
        rows, columns=["speaker_id", "text", "theme", "rank", "document", "start", group_by]
    )
    candidates = candidates.sort_values(["rank", "document", "start"]).drop_duplicates("speaker_id")
    selection = select_quotes(
        candidates[["speaker_id", "text", "theme", group_by]],
        policy,
        group_by=group_by,
        people=people,
        names=names,
        label_fields=(group_by,),
        on_refuse="drop",
    )
    kept = selection.quotes.head(max_quotes).reset_index(drop=True)
    return type(selection)(quotes=kept, refused=selection.refused, replacements=selection.replacements)


def _overlaps(segment: Any, others: pd.DataFrame) -> bool:
    same = others[others["document"] == segment.document]
    return bool(((same["start"] < segment.end) & (same["end"] > segment.start)).any())
