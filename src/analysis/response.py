"""Response: who took part, by one grouping (the side) and optionally a second (the region).

The first table of every report's method section. Counts go through disclosure control like
every other table; the sentences quote only published counts.

The total is every row of the dataset: a respondent who left a grouping unanswered is counted
in a row of its own ("Geen antwoord"), never dropped from the total. Without a grouping
(``by: null``) the table counts all respondents, by ``rows`` when one is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from analysis.labels import in_sentence
from analysis.numbers import fmt_int
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy


class Response(Result):
    """Respondents by group (see :func:`response`)."""

    key = "response"

    def __init__(
        self, disclosed: DisclosedTable, by: str | None, rows: str | None, labels: Mapping[str, str]
    ):
        self._table = disclosed
        self.lang = disclosed.lang
        self.by = by
        self.rows = rows
        self.labels = dict(labels)

    def title(self, lang: str | None = None) -> str:
        return _title(self.by, self.rows, self.labels, lang or self.lang)

    def table(self) -> DisclosedTable:
        return self._table

    def to_frame(self) -> pd.DataFrame:
        """Published counts: ``term`` (the group, or ``row: col``), ``estimate`` (respondents)."""
        data = self._table.figure_data()
        rows = []
        for r in data.to_dict("records"):
            if r["status"] != "shown":
                continue
            term = f"{r['row']}: {r['col']}" if "col" in r else str(r["row"])
            rows.append({"term": term, "estimate": r["count"]})
        return tidy(rows)

    def figure(self, lang: str | None = None) -> go.Figure:
        lang = lang or self.lang
        from analysis.figures import heatmap, stacked_bar_shares

        t = words(lang, "response")
        data = self._table.figure_data(lang)
        grouping = self.by or self.rows
        if "col" in data:
            return heatmap(data, x_title=self.labels.get(self.by, self.by), value_title=t["x"])
        shares = data.set_index("row")[["percent"]].T
        shares.index = [t["all"]]
        legend = self.labels.get(grouping, grouping) if grouping else t["all"]
        return stacked_bar_shares(shares, title=self.title(lang), x_title="%", legend_title=legend)

    def findings(self, lang: str | None = None) -> list[str]:
        """The number of respondents, and per group of ``by`` where it is published."""
        lang = lang or self.lang
        t = words(lang, "response")
        values, status = self._table.values, self._table.status
        out = []
        if status.iloc[-1, -1] == "shown":
            out.append(t["total"].format(n=fmt_int(values.iloc[-1, -1], lang)))
        if self.by is None and self.rows is None:
            groups = []  # one group, all respondents: the total says it
        elif self.rows is None or self.by is None:
            groups = [(str(g), values.iloc[i, 0], status.iloc[i, 0]) for i, g in enumerate(values.index[:-1])]
        else:
            groups = [
                (str(g), values.iloc[-1, j], status.iloc[-1, j]) for j, g in enumerate(values.columns[:-1])
            ]
        out += [t["group"].format(group=g, n=fmt_int(n, lang)) for g, n, st in groups if st == "shown"]
        return out


def response(
    data: pd.DataFrame,
    policy: Policy,
    *,
    by: str | None,
    rows: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> Response:
    """Count respondents by ``by`` (and ``rows``), through disclosure control.

    Every row of ``data`` is counted: a respondent missing a grouping is counted under
    "Geen antwoord" (``response.no_answer`` in the wording catalogue), so the total is the
    number of respondents.

    Parameters
    ----------
    data
        Respondent-level frame (one row per respondent).
    policy
        The study's disclosure policy.
    by
        The grouping in the columns (the side), or ``None``: all respondents together.
    rows
        An optional second grouping in the rows (the region, joined from the municipality frame).
    labels
        Variable labels (column -> label) for headers and titles.
    lang
        ``nl`` or ``en``.

    Returns
    -------
    Response
        ``to_frame()``: term (group), estimate (published count).
    """
    from analysis.disclosure import crosstab, frequency

    labels = dict(labels or {})
    title = _title(by, rows, labels, lang)
    t = words(lang, "response")
    groupings = [c for c in (by, rows) if c is not None]
    if not groupings:
        everyone = "__respondents__"
        frame = pd.DataFrame({everyone: pd.Categorical([t["all"]] * len(data), categories=[t["all"]])})
        table = frequency(frame, everyone, policy, name=title, lang=lang, label=t["all"])
        return Response(table, None, None, labels)
    frame = with_no_answer(data, groupings, t["no_answer"])
    if len(groupings) == 1:
        (column,) = groupings
        table = frequency(frame, column, policy, name=title, lang=lang, label=labels.get(column))
    else:
        table = crosstab(frame, rows=rows, cols=by, policy=policy, name=title, lang=lang, labels=labels)
    return Response(table, by, rows, labels)


def with_no_answer(data: pd.DataFrame, columns: list[str], label: str) -> pd.DataFrame:
    """The ``columns`` of ``data`` with a missing value counted as the category ``label``.

    A category is added only to a column that has missing values, last in its order, so a
    complete grouping gives the same table as before. ``data`` is not changed.
    """
    out = {}
    for column in columns:
        s = data[column]
        if s.notna().all():
            out[column] = s
            continue
        if not isinstance(s.dtype, pd.CategoricalDtype):
            values = s.dropna().unique()
            try:
                cats = sorted(values)
            except TypeError:
                cats = sorted(values, key=str)
            s = pd.Series(pd.Categorical(s, categories=cats), index=s.index, name=column)
        if label in s.cat.categories:  # a category that is already called so: keep them apart
            label = f"{label} ({column})"
        out[column] = s.cat.add_categories([label]).fillna(label)
    return pd.DataFrame(out, index=data.index)


def _title(by: str | None, rows: str | None, labels: Mapping[str, str], lang: str) -> str:
    t = words(lang, "response")
    if by is None and rows is None:
        return t["title_all"]
    if by is None or rows is None:
        column = by or rows
        return t["title"].format(by=in_sentence(labels.get(column, column)))
    by_text = in_sentence(labels.get(by, by))
    return t["title_two"].format(rows=in_sentence(labels.get(rows, rows)), by=by_text)


def from_plan(r: Run) -> Result:
    """The runner of the ``response`` analysis kind (see :mod:`analysis.analyses`)."""
    by = r.option("by")  # None: all respondents together (also the default where no side is bound)
    by = r.column(by) if by else None
    rows = r.option("rows")
    if (
        rows
        and "rows" not in r.spec.given
        and not (r.plan.has("municipalities", rows) and r.plan.has(r.part, "municipality"))
    ):
        rows = None  # the default (region) needs a municipality frame; without one, by side alone
    rows = r.column(rows) if rows else None
    return response(r.frame, r.policy, by=by, rows=rows, labels=r.labels, lang=r.lang)
