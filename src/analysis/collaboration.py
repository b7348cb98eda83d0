"""Collaboration form: project-based or structural, and for whom.

The first question of a study of formal-informal collaboration: how is the collaboration
organised, and does that differ between formal and informal respondents? The researchers'
classification of the collaboration (for instance ad hoc, project-based, structural) is
cross-tabulated by a grouping such as the respondent type or the side, through disclosure
control.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, DisclosureError
from analysis.labels import in_sentence
from analysis.numbers import fmt_int, fmt_pct
from analysis.results import Result, tidy, wilson_interval
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy


class CollaborationProfile(Result):
    """Distribution of collaboration forms per group (see :func:`collaboration_profile`)."""

    def summary(self):
        """Pearson's chi-square test of independence of group and form (for the researcher)."""
        if self.fit is None:
            raise NotImplementedError("fewer than two groups or forms: there is no test")
        return self.fit.test_nominal_association()

    key = "collaboration_form"

    def __init__(
        self,
        disclosed: DisclosedTable | None,
        by: str,
        form: str,
        n_small_groups: int = 0,
        *,
        structural: str | None = None,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
    ):
        self._table = disclosed
        self.lang = lang
        self.by = by
        self.form = form
        #: The category of ``form`` that counts as structural collaboration (its label).
        self.structural = structural
        self.labels = dict(labels or {})
        #: Groups left out before tabulating because they have fewer respondents than the
        #: policy's ``min_count`` (their size is not published).
        self.n_small_groups = n_small_groups

    @property
    def empty(self) -> bool:
        """Every group was too small: there is no table or figure to publish."""
        return self._table is None

    # -- contract ---------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Share of each form per group, as published (hidden cells and small groups left out).

        Columns: ``term`` (``group: form``), ``estimate`` (share, 0-1), ``ci_low``/``ci_high``
        (Wilson 95%), ``n`` (group size), plus ``group`` and ``form``.
        """
        rows: list[dict[str, Any]] = []
        if self.empty:
            return tidy(rows)
        for group, form, k, n in self._published_cells():
            lo, hi = wilson_interval(k, n)
            rows.append(
                {
                    "term": f"{group}: {form}",
                    "estimate": k / n,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "group": group,
                    "form": form,
                }
            )
        return tidy(rows)

    def table(self) -> DisclosedTable:
        if self._table is None:
            raise DisclosureError(
                "every group has fewer respondents than the disclosure threshold: there is no table",
                hint="report on a coarser grouping (e.g. the side) or a larger area",
            )
        return self._table

    def shares(self) -> pd.DataFrame:
        """Published row percentages (groups x forms, no totals); hidden or too-small cells are NaN."""
        data = self._table.figure_data()
        return data.pivot(index="row", columns="col", values="percent").reindex(
            index=list(dict.fromkeys(data["row"])), columns=list(dict.fromkeys(data["col"]))
        )

    def figure(self, lang: str | None = None) -> go.Figure:
        lang = lang or self.lang
        from analysis.figures import stacked_bar_shares

        t = words(lang, "collaboration")
        shares = self.shares()
        shown = shares.dropna(how="all")
        note = t["hidden"] if self.n_small_groups or len(shown) < len(shares) else None
        legend = t["legend"].format(form=self.labels.get(self.form, self.form))
        return stacked_bar_shares(
            shown, title=self.title(lang), x_title=t["x"], legend_title=legend, note=note
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """Sentences on the share of structural collaboration, overall and per group.

        Without a declared structural category, the sentences are about the most common form.
        """
        lang = lang or self.lang
        t = words(lang, "collaboration")
        if self.empty:
            return [t["none"]]
        values, pct, status = self._table.values, self._table.percent, self._table.percent_status
        form, key = self.structural, ""
        if form is None:
            totals = values.iloc[-1, :-1]
            form, key = str(totals.astype(float).idxmax()), "_most"
        if form not in values.columns or status.iloc[-1][form] != "shown":
            return [t["none"]]
        out = [
            t["overall" + key].format(
                n=fmt_int(values.iloc[-1, -1], lang), pct=fmt_pct(pct.iloc[-1][form], 0, lang), form=form
            )
        ]
        for i, group in enumerate(values.index[:-1]):
            if status.iloc[i][form] == "shown":
                out.append(
                    t["group" + key].format(
                        group=in_sentence(str(group)),
                        pct=fmt_pct(pct.iloc[i][form], 0, lang),
                        n=fmt_int(values.iloc[i, -1], lang),
                    )
                )
        return out

    def _published_cells(self):
        """(group, form, count, group total) for every published interior cell."""
        values, status = self._table.values, self._table.status
        for i, group in enumerate(values.index[:-1]):
            n = values.iloc[i, -1]
            if n is None or status.iloc[i, -1] != "shown":
                continue
            for j, form in enumerate(values.columns[:-1]):
                k = values.iloc[i, j]
                if k is not None and status.iloc[i, j] == "shown":
                    yield str(group), str(form), int(k), int(n)

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "collaboration")["title"].format(by=in_sentence(self.labels.get(self.by, self.by)))


def collaboration_profile(
    data: pd.DataFrame,
    policy: Policy,
    *,
    by: str,
    form: str,
    structural: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> CollaborationProfile:
    """Cross-tabulate the collaboration form by a grouping, through disclosure control.

    Parameters
    ----------
    data
        Respondent-level frame with labelled categoricals (``Dataset.frame``).
    policy
        The study's disclosure policy.
    by
        Grouping column (the respondent type, the side, a region ...).
    form
        The collaboration-form column (labelled categorical).
    structural
        The category of ``form`` that counts as structural (its label as it stands in
        ``data``); the findings report its share. Without it they report the most common form.
    labels
        Variable labels for ``by`` and ``form`` (column -> label) in table headers and titles;
        default the column names.
    lang
        Language of the table labels (``nl`` or ``en``).

    Returns
    -------
    CollaborationProfile
        ``to_frame()`` columns: term, estimate (share), std_error, ci_low, ci_high (Wilson),
        p_value, n, group, form. ``fit`` is the statsmodels contingency ``Table`` of groups by
        form (``fit.test_nominal_association()``: Pearson's chi-square test of independence);
        ``summary()`` gives that test. Both work on unsuppressed counts: for the researcher only.

    Notes
    -----
    Respondents without a value for ``form`` (no partner, or item missing) are left out of
    the table. Groups with fewer respondents than ``policy.min_count`` are left out before
    tabulating (a small group inside the table would force wide secondary suppression); the
    figure and :attr:`CollaborationProfile.n_small_groups` say so, without their size.
    """
    import pandas as pd

    from analysis.disclosure import crosstab

    for col in (by, form):
        if col not in data.columns:
            raise BruggenError(
                f"the data have no column {col!r}",
                hint="check the variable names in the codebook and in the plan in study.yml",
            )
    sizes = data[by].value_counts()
    small = sorted(str(g) for g, n in sizes.items() if n < policy.min_count)
    data = data[~data[by].astype("string").isin(small)]
    if isinstance(data[by].dtype, pd.CategoricalDtype):
        data = data.assign(**{by: data[by].cat.remove_unused_categories()})
    if data[[by, form]].dropna().empty:
        return CollaborationProfile(
            None, by, form, len(small), structural=structural, labels=labels, lang=lang
        )
    title = CollaborationProfile(None, by, form, labels=labels, lang=lang).title()
    table = crosstab(
        data, rows=by, cols=form, policy=policy, percent="row", name=title, lang=lang, labels=labels
    )
    result = CollaborationProfile(
        table, by, form, len(small), structural=structural, labels=labels, lang=lang
    )
    result.fit = _independence(data, by, form)
    return result


def _independence(data: pd.DataFrame, by: str, form: str):
    """Pearson's chi-square test of independence of group and form (statsmodels ``Table``).

    ``fit.test_nominal_association()`` gives the statistic, degrees of freedom and p-value.
    """
    import pandas as pd
    from statsmodels.stats.contingency_tables import Table

    counts = pd.crosstab(data[by], data[form])
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return None
    return Table(counts)


def from_plan(r: Run) -> Result:
    """The runner of the ``collaboration_form`` analysis kind (see :mod:`analysis.analyses`)."""
    r.plan.binding(r.part, "collaboration_form")  # a clear error when the plan lacks it
    by = r.column(r.option("by"))
    form = r.column("collaboration_form")
    structural = r.declared("collaboration_form", "structural")
    return collaboration_profile(
        r.frame, r.policy, by=by, form=form, structural=structural, labels=r.labels, lang=r.lang
    )
