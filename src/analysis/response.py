"""Response: who took part, by one grouping (the side) and optionally a second (the region).

The first table of every report's method section. Counts go through disclosure control like
every other table; the sentences quote only published counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from analysis.labels import in_sentence
from analysis.numbers import fmt_int
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy


class Response(Result):
    """Respondents by group (see :func:`response`)."""

    key = "response"

    def __init__(self, disclosed: DisclosedTable, by: str, rows: str | None, labels: Mapping[str, str]):
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
        if "col" in data:
            return heatmap(data, x_title=self.labels.get(self.by, self.by), value_title=t["x"])
        shares = data.set_index("row")[["percent"]].T
        shares.index = [t["all"]]
        return stacked_bar_shares(
            shares, title=self.title(lang), x_title="%", legend_title=self.labels.get(self.by, self.by)
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """The number of respondents, and per group of ``by`` where it is published."""
        lang = lang or self.lang
        t = words(lang, "response")
        values, status = self._table.values, self._table.status
        out = []
        if status.iloc[-1, -1] == "shown":
            out.append(t["total"].format(n=fmt_int(values.iloc[-1, -1], lang)))
        if self.rows is None:
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
    by: str,
    rows: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> Response:
    """Count respondents by ``by`` (and ``rows``), through disclosure control.

    Parameters
    ----------
    data
        Respondent-level frame (one row per respondent).
    policy
        The study's disclosure policy.
    by
        The grouping in the columns (the side).
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
    if rows is None:
        table = frequency(data, by, policy, name=title, lang=lang, label=labels.get(by))
    else:
        table = crosstab(data, rows=rows, cols=by, policy=policy, name=title, lang=lang, labels=labels)
    return Response(table, by, rows, labels)


def _title(by: str, rows: str | None, labels: Mapping[str, str], lang: str) -> str:
    t = words(lang, "response")
    by_text = in_sentence(labels.get(by, by))
    if rows is None:
        return t["title"].format(by=by_text)
    return t["title_two"].format(rows=in_sentence(labels.get(rows, rows)), by=by_text)


def from_plan(r: Run) -> Result:
    """The runner of the ``response`` analysis kind (see :mod:`analysis.analyses`)."""
    by = r.column(r.option("by"))
    rows = r.option("rows")
    if (
        rows
        and "rows" not in r.spec.given
        and not (r.plan.has("municipalities", rows) and r.plan.has(r.part, "municipality"))
    ):
        rows = None  # the default (region) needs a municipality frame; without one, by side alone
    rows = r.column(rows) if rows else None
    return response(r.frame, r.policy, by=by, rows=rows, labels=r.labels, lang=r.lang)
