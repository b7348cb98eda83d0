"""Code analysis of the coded interviews: which themes come up in which group.

Works on the codings table that :func:`analysis.ingest.read` makes of a REFI-QDA project (one
row per coded segment: ``document``, ``code``, ``code_family``, ``text``, ``case`` and the
case's attributes such as the side). Everything that leaves this module went through
disclosure control (:func:`analysis.disclosure.suppress_counts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from analysis.errors import BruggenError
from analysis.interviews import META_CODES
from analysis.labels import in_sentence
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy


class CodeMatrix(Result):
    """Coded segments per code (family) and group (see :func:`code_matrix`)."""

    key = "thema_matrix"

    def __init__(self, disclosed: DisclosedTable, by: str, level: str, by_label: str | None = None):
        self._table = disclosed
        self.lang = disclosed.lang
        self.by = by
        self.level = level
        self.by_label = by_label or by

    def title(self, lang: str | None = None) -> str:
        return _matrix_title(self.by_label, lang or self.lang)

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

    def figure(self, lang: str | None = None) -> go.Figure:
        lang = lang or self.lang
        from analysis.figures import heatmap

        data = self._table.figure_data(lang)
        return heatmap(data, x_title=self.by_label, value_title=words(lang, "interviews")["cells"])

    def findings(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        t = words(lang, "interviews")
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
    by: str,
    level: str = "code_family",
    by_label: str | None = None,
    code_labels: Mapping[str, str] | None = None,
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
        Case attribute to compare (the side, the respondent type).
    level
        ``code_family`` (the top-level codes) or ``code``.
    by_label
        The attribute's label for headers and titles (default: ``by``).
    code_labels
        Readable names of the codes (code -> label, e.g. from the codebook's value labels of
        ``level``); codes without one are shown as they are.
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
    groups = themes[by]
    if not isinstance(groups.dtype, pd.CategoricalDtype):
        groups = groups.astype(str)
    codes = themes[level].astype(str)
    if code_labels:  # readable names, in the order of the codes (A ..., B ...)
        order = list(dict.fromkeys(code_labels.get(c, c) for c in sorted(codes.unique())))
        codes = pd.Categorical(codes.map(lambda c: code_labels.get(c, c)), categories=order)
    counts = pd.crosstab(codes, groups)
    counts.index.name, counts.columns.name = words(lang, "interviews")["theme"], by_label or by
    table = suppress_counts(counts, policy, name=_matrix_title(by_label or by, lang), lang=lang)
    return CodeMatrix(table, by=by, level=level, by_label=by_label)


def _matrix_title(by_label: str, lang: str) -> str:
    return words(lang, "interviews")["title"].format(by=in_sentence(by_label))


def themes_from_plan(r: Run) -> Result:
    """The runner of the ``interview_themes`` analysis kind (see :mod:`analysis.analyses`)."""
    by = r.column(r.option("by"))
    level = r.option("level")
    var = r.vs.dataset(r.dataset).codebook.get(level)
    labels = var.value_labels_in(r.lang) if var is not None else None
    return code_matrix(
        r.frame, r.policy, by=by, level=level, by_label=r.labels[by], code_labels=labels, lang=r.lang
    )
