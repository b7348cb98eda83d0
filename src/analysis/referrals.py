"""Referrals: where signals from informal organisations and key persons go, whether they land, how fast.

A referral log holds one row per referral: who sent it, where to, when, whether the first
contact with the service came about and when, whether the referrer handed over "warm" (in
person, with the client), and what it was about. Four analyses answer the article's questions
about access to help:

:func:`referral_flows`
    From which informal organisations and key persons to which formal destinations: a
    disclosed cross-table and a Sankey diagram drawn only from its published counts.
:func:`completion_model`
    Whether referrals land (first contact made), by destination and by warm handover, with a
    logistic model whose standard errors allow for clustering (municipality or sender): the
    odds ratio of a warm handover.
:func:`time_to_contact`
    Days to the first contact: Kaplan-Meier curves and medians per collaboration form, a Cox
    model (hazard ratio) and, among referrals with a contact, the ratio of mean days (Gamma
    GLM, log link). A referral without contact by the observation end is censored there,
    never dropped (:func:`analysis.prepare.derive.referral_durations`).
:func:`early_signals`
    The share of signals about self-determination (forced marriage, abandonment abroad,
    honour-related violence, forced isolation: the study names its themes) among the
    referrals from the informal side, by collaboration form.

Each returns a :class:`~analysis.results.Result`. The runners (``*_from_plan``) take the
columns from the study's plan (:mod:`analysis.analyses`); the functions themselves work on any
frame with labelled columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.disclosure.tables import estimates_table
from analysis.errors import BruggenError, DisclosureError
from analysis.labels import in_sentence
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.results import Z95, Result, ratio_interval, tidy, wilson_interval
from analysis.text import words

if TYPE_CHECKING:
    import datetime as dt

    import numpy as np
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy
    from analysis.plan import AnalysisSpec
    from analysis.study import Study

#: Decimals of odds ratios, hazard ratios and ratios of mean days in tables and sentences.
RATIO_DECIMALS = 2
#: The Kaplan-Meier curves are drawn on a grid of this many days (weeks), not per event.
CURVE_STEP_DAYS = 7


# -- shared helpers -------------------------------------------------------------------------------
def _require(data: pd.DataFrame, columns: Sequence[str | None]) -> None:
    for col in columns:
        if col is not None and col not in data.columns:
            raise BruggenError(
                f"the data have no column {col!r}",
                hint="check the variable names in the codebook and in the plan in study.yml",
            )


def _compact(series: pd.Series) -> pd.Series:
    """A categorical without its unused categories (other columns as they are)."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.remove_unused_categories()
    return series


def _is(series: pd.Series, value: Any) -> pd.Series:
    """Whether each value equals ``value`` (a label or a code as it stands in the data)."""
    return _in(series, [value])


def _in(series: pd.Series, values: Sequence[Any]) -> pd.Series:
    """Whether each value is one of ``values`` (compared as text; missing is ``False``).

    A categorical is compared per category, then placed by its codes (no text per row).
    """
    import numpy as np
    import pandas as pd

    texts = [str(v) for v in values]
    if isinstance(series.dtype, pd.CategoricalDtype):
        per_category = np.append(series.cat.categories.astype("string").isin(texts), False)
        return pd.Series(per_category[series.cat.codes.to_numpy()], index=series.index)
    return series.astype("string").isin(texts).fillna(False).astype(bool)


def _num(x: float, decimals: int, lang: str) -> str:
    return fmt_number(x, decimals, lang)


def _p(p: float | None, lang: str) -> str:
    if p is None or p != p:
        return ""
    if p < 0.001:
        return "<" + fmt_number(0.001, 3, lang)
    return fmt_number(p, 3, lang)


def _days(x: float, lang: str) -> str:
    """Days for text: whole days as ``12``, a median between two days as ``12,5``."""
    return _num(x, 0 if float(x).is_integer() else 1, lang)


def _tidy(rows: list[dict[str, Any]], extra: Sequence[str]) -> pd.DataFrame:
    """:func:`analysis.results.tidy` with these extra columns always present (empty when no row has them)."""
    frame = tidy(rows)
    for col in extra:
        if col not in frame:
            frame[col] = None
    return frame


def _cells(table: DisclosedTable):
    """(row, column, published count, published row total) of every published interior cell."""
    values, status = table.values, table.status
    for i, row in enumerate(values.index[:-1]):
        total = values.iloc[i, -1]
        row_shown = total is not None and status.iloc[i, -1] == "shown"
        for j, col in enumerate(values.columns[:-1]):
            k = values.iloc[i, j]
            if k is not None and status.iloc[i, j] == "shown":
                yield str(row), str(col), int(k), int(total) if row_shown else None


def _share_rows(table: DisclosedTable, column: str, prefix: str, kind: str) -> list[dict[str, Any]]:
    """Tidy rows: the share of ``column`` in every published row of a disclosed crosstab."""
    out = []
    for row, col, k, n in _cells(table):
        if col != column or not n:
            continue
        lo, hi = wilson_interval(k, n)
        out.append(
            {
                "term": f"{prefix}: {row}",
                "estimate": k / n,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "count": k,
                "group": row,
                "kind": kind,
            }
        )
    return out


def _pct_of(table: DisclosedTable, row: str, column: str) -> float | None:
    """The published row percentage of a cell, or None when it is not shown."""
    if table.percent is None or table.percent_status.at[row, column] != "shown":
        return None
    return float(table.percent.at[row, column])


def _total(table: DisclosedTable, row: str | None = None) -> int | None:
    """The published total of a row (default: the whole table), or None when hidden."""
    values, status = table.values, table.status
    r = values.index[-1] if row is None else row
    if status.at[r, values.columns[-1]] != "shown":
        return None
    return int(values.at[r, values.columns[-1]])


def _title(lang: str, key: str, labels: Mapping[str, str], **columns: str | None) -> str:
    """A result's title: the wording ``key`` with each column's variable label in sentence case."""
    names = {k: in_sentence(labels.get(v, v)) if v else "" for k, v in columns.items()}
    return words(lang, "referrals")[key].format(**names)


# -- 1. flows -----------------------------------------------------------------------------------
class ReferralFlows(Result):
    """Referrals from senders (informal organisations, key persons) to destinations.

    See :func:`referral_flows`. ``table()`` is the disclosed cross-table (sources x
    destinations, row percentages); ``flows()`` the flows the figure may draw.
    """

    key = "referral_flows"

    def __init__(
        self,
        disclosed: DisclosedTable,
        source: str,
        destination: str,
        policy: Policy,
        *,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
        notes: Sequence[str] = (),
    ):
        self._table = disclosed
        self.source, self.destination = source, destination
        self.policy = policy
        self.labels = dict(labels or {})
        self.lang = lang
        #: What the caller did to the data before tabulating (e.g. only informal senders).
        self.notes = tuple(notes)

    def table(self) -> DisclosedTable:
        return self._table

    def flows(self) -> pd.DataFrame:
        """The flows that may be drawn: published, non-zero counts (never below ``min_count``).

        Columns ``source``, ``target``, ``count`` (published), ``label`` (as printed),
        ``share`` (of the source's referrals, 0-1, NaN when its percentage is not shown).
        """
        import pandas as pd

        rows = []
        for source, target, k, _ in _cells(self._table):
            if k <= 0 or k < self.policy.min_count:
                continue
            pct = _pct_of(self._table, source, target)
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "count": k,
                    "label": fmt_int(k, self.lang),
                    "share": float("nan") if pct is None else pct / 100,
                }
            )
        return pd.DataFrame(rows, columns=["source", "target", "count", "label", "share"])

    def n_not_drawn(self) -> int:
        """Flows that exist in the table but are not drawn (hidden, below the threshold)."""
        status = self._table.status.iloc[:-1, :-1]
        return int((status != "shown").to_numpy().sum())

    def to_frame(self) -> pd.DataFrame:
        """Each drawn flow: its share of the source's referrals (Wilson 95%), its count; and the total.

        Columns: ``term`` (``source → destination``), ``estimate`` (share), ``ci_low``,
        ``ci_high``, ``n`` (the source's published total), ``count``, ``source``, ``target``,
        ``kind`` (``flow`` or ``total``).
        """
        rows: list[dict[str, Any]] = []
        for _, f in self.flows().iterrows():
            n = _total(self._table, f["source"])
            lo, hi = wilson_interval(f["count"], n) if n else (float("nan"), float("nan"))
            rows.append(
                {
                    "term": f"{f['source']} → {f['target']}",
                    "estimate": f["count"] / n if n else float("nan"),
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "count": int(f["count"]),
                    "source": f["source"],
                    "target": f["target"],
                    "kind": "flow",
                }
            )
        total = _total(self._table)
        rows.append({"term": "total", "n": total, "count": total, "kind": "total"})
        return _tidy(rows, ("count", "source", "target", "kind"))

    def figure(self, lang: str | None = None) -> go.Figure:
        from analysis.figures import sankey

        lang = lang or self.lang
        t = words(lang, "referrals")
        hidden = self.n_not_drawn()
        note = (
            t["flows_not_drawn"].format(k=fmt_int(hidden, lang), m=self.policy.min_count) if hidden else None
        )
        return sankey(
            self.flows(),
            title=self.title(lang),
            source_title=self.labels.get(self.source, self.source),
            target_title=self.labels.get(self.destination, self.destination),
            hover=t["flows_hover"],
            note=note,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """The number of referrals, the largest flow and how many flows are not drawn."""
        lang = lang or self.lang
        t = words(lang, "referrals")
        total, flows = _total(self._table), self.flows()
        if total is None or flows.empty:
            return [t["flows_none"]]
        out = [t["flows_total"].format(n=fmt_int(total, lang))]
        top = flows.sort_values(["count", "source", "target"], ascending=[False, True, True]).iloc[0]
        if top["share"] == top["share"]:
            out.append(
                t["flows_largest"].format(
                    source=top["source"],
                    target=top["target"],
                    count=fmt_int(top["count"], lang),
                    pct=fmt_pct(100 * top["share"], 0, lang),
                )
            )
        hidden = self.n_not_drawn()
        if hidden:
            out.append(t["flows_not_drawn"].format(k=fmt_int(hidden, lang), m=self.policy.min_count))
        return out

    def title(self, lang: str | None = None) -> str:
        return _title(
            lang or self.lang, "flows_title", self.labels, source=self.source, destination=self.destination
        )


def referral_flows(
    data: pd.DataFrame,
    policy: Policy,
    *,
    source: str,
    destination: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
    notes: Sequence[str] = (),
) -> ReferralFlows:
    """Count referrals from each source to each destination, through disclosure control.

    Parameters
    ----------
    data
        One row per referral, labelled categoricals (``Dataset.frame``).
    policy
        The study's disclosure policy.
    source
        The sender's group: type of informal organisation, or respondent type (key person,
        volunteer ...) of the sender.
    destination
        Where the referral went.
    labels
        Variable labels (column -> label) for headings and titles.
    lang
        Language of the labels and sentences.
    notes
        What was done to the rows before (kept on the result, for the researcher).

    Returns
    -------
    ReferralFlows
        ``table()``: sources x destinations with row percentages (primary and secondary
        suppression). ``figure()``: a Sankey diagram with only the published, non-zero counts
        (a flow below ``policy.min_count`` is never drawn; the figure says how many are not).
        ``fit``: the statsmodels contingency ``Table`` of the unsuppressed counts (for the
        researcher only).
    """
    from statsmodels.stats.contingency_tables import Table

    from analysis.disclosure import count_table, crosstab

    _require(data, [source, destination])
    data = data[list(dict.fromkeys([source, destination]))].dropna()
    data = data.assign(**{source: _compact(data[source]), destination: _compact(data[destination])})
    if data.empty:
        raise DisclosureError("there are no referrals with both a sender group and a destination")
    title = _title(lang, "flows_title", dict(labels or {}), source=source, destination=destination)
    table = crosstab(
        data,
        rows=source,
        cols=destination,
        policy=policy,
        percent="row",
        name=title,
        lang=lang,
        labels=labels,
    )
    result = ReferralFlows(table, source, destination, policy, labels=labels, lang=lang, notes=notes)
    counts = count_table(data[source], data[destination], observed=True)
    result.fit = Table(counts) if min(counts.shape) >= 2 else None
    return result


# -- 2. completion ------------------------------------------------------------------------------
class Completion(Result):
    """Completed referrals by destination and by warm handover, with a logistic model.

    See :func:`completion_model`.
    """

    key = "completion"

    def __init__(
        self,
        by_destination: DisclosedTable | None,
        by_handover: DisclosedTable,
        *,
        completed: str,
        yes: str,
        warm_handover: str,
        warm_yes: str,
        destination: str | None,
        cluster: str | None,
        n_clusters: int,
        estimate: dict[str, float] | None,
        policy: Policy,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
    ):
        self._by_destination = by_destination
        self._by_handover = by_handover
        self.completed, self.yes = completed, str(yes)
        self.warm_handover, self.warm_yes = warm_handover, str(warm_yes)
        self.destination, self.cluster, self.n_clusters = destination, cluster, n_clusters
        #: The odds ratio of a warm handover (``estimate``, ``std_error`` of its log,
        #: ``ci_low``, ``ci_high``, ``p_value``, ``n``), or None when it may not be published.
        self.odds_ratio = estimate
        #: Whether a handover group completed all of its referrals or none (no odds ratio then).
        self.separated = False
        self.policy = policy
        self.labels = dict(labels or {})
        self.lang = lang

    def table(self) -> DisclosedTable:
        """Completion by destination (or by warm handover when no destination is given)."""
        return self._by_destination if self._by_destination is not None else self._by_handover

    def handover_table(self) -> DisclosedTable:
        """Completion by warm handover (disclosed)."""
        return self._by_handover

    def shares(self) -> pd.DataFrame:
        """Published row percentages of the main table (rows x completion categories)."""
        data = self.table().figure_data()
        return data.pivot(index="row", columns="col", values="percent").reindex(
            index=list(dict.fromkeys(data["row"])), columns=list(dict.fromkeys(data["col"]))
        )

    def to_frame(self) -> pd.DataFrame:
        """Completion shares (Wilson 95%) per destination and per warm handover; the odds ratio.

        ``kind``: ``destination``, ``handover`` (share completed, ``n`` the group's published
        total, ``count`` its completed referrals), ``total`` and ``odds_ratio`` (``estimate``,
        ``std_error`` of the log odds ratio, cluster-robust when clustered, Wald 95% interval,
        ``p_value``, ``n`` referrals in the model).
        """
        rows: list[dict[str, Any]] = []
        if self._by_destination is not None:
            rows += _share_rows(self._by_destination, self.yes, "destination", "destination")
        rows += _share_rows(self._by_handover, self.yes, "handover", "handover")
        table = self._by_handover
        total_label = table.values.index[-1]
        n, k = _total(table), table.values.at[total_label, self.yes]
        if n and k is not None and table.status.at[total_label, self.yes] == "shown":
            lo, hi = wilson_interval(int(k), n)
            rows.append(
                {
                    "term": "total",
                    "estimate": int(k) / n,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "count": int(k),
                    "kind": "total",
                }
            )
        if self.odds_ratio is not None:
            rows.append({"term": "odds ratio: warm handover", **self.odds_ratio, "kind": "odds_ratio"})
        return _tidy(rows, ("count", "group", "kind"))

    def figure(self, lang: str | None = None) -> go.Figure:
        from analysis.figures import stacked_bar_shares

        lang = lang or self.lang
        t = words(lang, "referrals")
        shares = self.shares()
        shown = shares.dropna(how="all")
        note = t["hidden_groups"] if len(shown) < len(shares) else None
        return stacked_bar_shares(
            shown,
            title=self.title(lang),
            x_title=t["x_share"],
            legend_title=self.labels.get(self.completed, self.completed),
            note=note,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """Share completed overall and with/without a warm handover, the odds ratio, destinations."""
        lang = lang or self.lang
        t = words(lang, "referrals")
        frame = self.to_frame()
        total = frame[frame["kind"] == "total"]
        if total.empty:
            return [t["completion_none"]]
        out = [
            t["completion_total"].format(
                n=fmt_int(total["n"].iloc[0], lang), pct=fmt_pct(100 * total["estimate"].iloc[0], 0, lang)
            )
        ]
        handover = frame[frame["kind"] == "handover"].set_index("group")
        no = [g for g in handover.index if g != self.warm_yes]
        if self.warm_yes in handover.index and len(no) == 1:
            warm, cold = handover.loc[self.warm_yes], handover.loc[no[0]]
            out.append(
                t["completion_handover"].format(
                    pct_yes=fmt_pct(100 * warm["estimate"], 0, lang),
                    n_yes=fmt_int(warm["n"], lang),
                    pct_no=fmt_pct(100 * cold["estimate"], 0, lang),
                    n_no=fmt_int(cold["n"], lang),
                )
            )
        if self.odds_ratio is not None:
            o = self.odds_ratio
            sentence = t["completion_or"].format(
                odds=_num(o["estimate"], RATIO_DECIMALS, lang),
                low=_num(o["ci_low"], RATIO_DECIMALS, lang),
                high=_num(o["ci_high"], RATIO_DECIMALS, lang),
            )
            if self.n_clusters >= 2:
                sentence += " " + t["completion_clustered"].format(
                    cluster=in_sentence(self.labels.get(self.cluster, self.cluster or ""))
                )
            out.append(sentence)
        elif self.separated:
            out.append(t["completion_separated"])
        else:
            out.append(t["completion_no_model"])
        dest = frame[frame["kind"] == "destination"]
        if len(dest) >= 2:
            order = dest.sort_values(["estimate", "group"], ascending=[False, True])
            best, worst = order.iloc[0], order.iloc[-1]
            out.append(
                t["completion_destinations"].format(
                    best=best["group"],
                    pct_best=fmt_pct(100 * best["estimate"], 0, lang),
                    worst=worst["group"],
                    pct_worst=fmt_pct(100 * worst["estimate"], 0, lang),
                )
            )
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """Completion by warm handover (disclosed) and the logistic model's odds ratio."""
        lang = lang or self.lang
        t = words(lang, "referrals")
        out = []
        if self._by_destination is not None:
            out.append((self._handover_title(lang), self._by_handover))
        if self.odds_ratio is not None:
            o = self.odds_ratio
            row = (
                self.labels.get(self.warm_handover, self.warm_handover) + f": {self.warm_yes}",
                _num(o["estimate"], RATIO_DECIMALS, lang),
                t["ci"].format(
                    low=_num(o["ci_low"], RATIO_DECIMALS, lang), high=_num(o["ci_high"], RATIO_DECIMALS, lang)
                ),
                _p(o["p_value"], lang),
            )
            notes = [t["fn_logit"].format(n=fmt_int(self.policy.round(o["n"]), lang))]
            if self.n_clusters >= 2:
                notes.append(
                    t["fn_cluster"].format(
                        cluster=in_sentence(self.labels.get(self.cluster, self.cluster or "")),
                        g=fmt_int(self.n_clusters, lang),
                    )
                )
            header = (t["col_term"], t["col_odds"], t["col_ci"], "p")
            title = t["completion_model_title"]
            table = estimates_table(
                f"{self.key}-model",
                header,
                [row],
                notes,
                stat=True,
                policy=self.policy,
                title=title,
                lang=lang,
            )
            out.append((title, table))
        return out

    def summary(self):
        """The logistic model's summary (statsmodels GLM, binomial; for the researcher only)."""
        if self.fit is None:
            raise NotImplementedError("no model was fitted: one of the handover groups is empty")
        summary = self.fit.summary()
        summary.add_extra_txt(
            [
                f"Fitted on {int(self.fit.nobs)} covariate patterns (successes out of trials) of "
                f"{self.n_model} referrals: the same estimates "
                "as on every referral; the cluster-robust standard errors carry the small-sample "
                "factor for the referrals (HC1)."
            ]
        )
        return summary

    def _handover_title(self, lang: str) -> str:
        return _title(lang, "completion_title", self.labels, by=self.warm_handover)

    def title(self, lang: str | None = None) -> str:
        return _title(
            lang or self.lang, "completion_title", self.labels, by=self.destination or self.warm_handover
        )


def completion_model(
    data: pd.DataFrame,
    policy: Policy,
    *,
    completed: str,
    yes: Any,
    warm_handover: str,
    warm_yes: Any,
    destination: str | None = None,
    cluster: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> Completion:
    """Completion of referrals by destination and by warm handover, with a logistic model.

    Parameters
    ----------
    data
        One row per referral, labelled categoricals.
    policy
        The study's disclosure policy.
    completed, yes
        The completion column and its value that means "completed" (as it stands in ``data``:
        a label such as ``"Ja"``, or a code).
    warm_handover, warm_yes
        The warm-handover column and its value that means "yes".
    destination
        Where the referral went (optional): the main table is completion by destination.
    cluster
        Referrals of one cluster (municipality, sender) are not independent: the model's
        standard errors are cluster-robust over its values (statsmodels ``cov_type="cluster"``,
        with the small-sample correction G/(G-1)·(N-1)/(N-K), as ``sandwich::vcovCL`` type HC1).
    labels, lang
        Variable labels and language.

    Returns
    -------
    Completion
        ``table()``: destination x completion (row percentages), or warm handover x completion
        without a destination; ``handover_table()``: warm handover x completion.
        ``odds_ratio``: logistic regression (GLM, binomial, logit link) of completion on a warm
        handover: odds ratio with a Wald 95% interval. ``fit`` keeps the statsmodels result.

    Notes
    -----
    Referrals missing the completion or the handover are left out. The odds ratio is
    published only when every cell of the handover x completion table is published: otherwise
    the odds ratio and the margins would give away the hidden count.
    """
    import pandas as pd

    from analysis import patterns
    from analysis.disclosure import crosstab

    _require(data, [completed, warm_handover, destination, cluster])
    used = [c for c in dict.fromkeys([completed, warm_handover, destination, cluster]) if c is not None]
    data = data[used].dropna(subset=[completed, warm_handover])  # not a copy of every column
    data = data.assign(**{c: _compact(data[c]) for c in (completed, warm_handover)})
    if data.empty:
        raise DisclosureError("there are no referrals with both a completion and a warm handover")
    labels = dict(labels or {})
    by_handover = crosstab(
        data,
        rows=warm_handover,
        cols=completed,
        policy=policy,
        percent="row",
        name=_title(lang, "completion_title", labels, by=warm_handover),
        lang=lang,
        labels=labels,
    )
    by_destination = None
    if destination is not None:
        sub = data.dropna(subset=[destination])
        sub = sub.assign(**{destination: _compact(sub[destination])})
        by_destination = crosstab(
            sub,
            rows=destination,
            cols=completed,
            policy=policy,
            percent="row",
            name=_title(lang, "completion_title", labels, by=destination),
            lang=lang,
            labels=labels,
        )

    fit, estimate, n_clusters, n_model = None, None, 0, 0
    model_data = data if cluster is None else data.dropna(subset=[cluster])
    y = _is(model_data[completed], yes).to_numpy()
    x = _is(model_data[warm_handover], warm_yes).to_numpy()
    # no model without both handover groups, nor when one completed all or none (the odds
    # ratio is infinite: ``separated``, which the findings say)
    both = bool(0 < x.sum() < len(x))
    separated = both and patterns.separated(y, x)
    if both and not separated:
        groups = None if cluster is None else pd.factorize(model_data[cluster].astype("string"))[0]
        fit, n_clusters = _logit_on_patterns(y, x, groups)
        n_model = len(y)
        ratio = ratio_interval(float(fit.params["handover"]), float(fit.bse["handover"]))
        interior = by_handover.status.iloc[:-1, :-1]
        if ratio is not None and (interior == "shown").to_numpy().all():
            estimate = {**ratio, "p_value": float(fit.pvalues["handover"]), "n": n_model}
    result = Completion(
        by_destination,
        by_handover,
        completed=completed,
        yes=str(yes),
        warm_handover=warm_handover,
        warm_yes=str(warm_yes),
        destination=destination,
        cluster=cluster,
        n_clusters=n_clusters,
        estimate=estimate,
        policy=policy,
        labels=labels,
        lang=lang,
    )
    result.fit, result.n_model, result.separated = fit, n_model, separated
    return result


def _logit_on_patterns(y: np.ndarray, x: np.ndarray, groups: np.ndarray | None):
    """Logistic regression of ``y`` on ``x`` (booleans, one per referral), fitted on their
    covariate patterns; the statsmodels result and the number of clusters used (0: none).

    A binary outcome on one binary predictor, clustered or not, is fitted exactly on the
    patterns (cluster x predictor): successes out of trials (statsmodels GLM, binomial, the
    share as outcome and the trials as ``var_weights``). Estimates, model-based standard errors,
    and the cluster sums of the sandwich are those of the model on every referral; the
    small-sample factor G/(G-1)·(N-1)/(N-K) is applied with N the referrals, not the patterns
    (:mod:`analysis.patterns`), as ``sandwich::vcovCL`` (HC1) on the referrals does
    (tests/test_referrals_reference.py). A log of millions of referrals is a few dozen rows to
    fit (and to store with the result).
    """
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    from analysis import patterns

    n = len(y)
    g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    key = g * 2 + x
    trials = np.bincount(key)
    successes = np.bincount(key, weights=y)
    used = np.flatnonzero(trials)
    exog = sm.add_constant(pd.DataFrame({"handover": (used % 2).astype(float)}))
    n_clusters = 0 if groups is None else len(np.unique(g))
    outcome, family = successes[used] / trials[used], sm.families.Binomial()

    def fit(**cov: Any):
        return patterns.glm(outcome, exog, trials[used], family, **cov)

    if n_clusters < 2:
        return fit(), 0
    return patterns.fit_clustered(fit, used // 2, n), n_clusters


def _gamma_on_patterns(d: np.ndarray, group: np.ndarray, indicators: pd.DataFrame):
    """Gamma GLM (log link) of the days ``d`` on group indicators, fitted on the groups: the
    same estimates and standard errors as on every referral.

    ``group`` is each referral's row of ``indicators`` (disjoint 0/1 columns, one row per
    group; groups with the same row are one group of the model, as "the others" are), so no
    design is built per referral. With only group indicators the model is saturated in the
    groups: each group's fitted mean is its mean. The dispersion R and statsmodels use (Pearson
    X²/(N-K)) needs every row, and is found from each group's count, sum and sum of squares:
    X² = Σ (S2/m² - n) over the groups, m the group's mean. The GLM on the group means with the
    counts as ``var_weights`` and this fixed scale has the information and standard errors of
    the model on the rows.
    """
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    from analysis import patterns

    x = indicators.to_numpy(dtype=float)
    if not ((x == 0) | (x == 1)).all() or (x.sum(axis=1) > 1).any():
        raise ValueError("the days ratios need disjoint group indicators")
    design, which = np.unique(x, axis=0, return_inverse=True)
    cell = which.ravel()[group]
    rows = np.bincount(cell, minlength=len(design))
    used = np.flatnonzero(rows)
    total, squares = np.bincount(cell, weights=d)[used], np.bincount(cell, weights=d * d)[used]
    mean = total / rows[used]
    k = 1 + x.shape[1]
    scale = float(np.sum(squares / mean**2 - rows[used])) / (len(d) - k)
    groups = pd.DataFrame(design[used], columns=indicators.columns)
    family = sm.families.Gamma(sm.families.links.Log())
    return patterns.glm(mean, sm.add_constant(groups, has_constant="add"), rows[used], family, scale=scale)


# -- 3. time to first contact ------------------------------------------------------------------
def kaplan_meier_median(fit) -> tuple[float, float, float]:
    """Median and 95% interval of a Kaplan-Meier curve, as R's ``survfit`` gives them.

    Parameters
    ----------
    fit
        A statsmodels ``SurvfuncRight``.

    Returns
    -------
    (median, low, high)
        The first time the curve is at or below 0.5 (the midpoint to the next event time when it
        is exactly 0.5 on a flat stretch); the interval from the pointwise log-transformed
        Greenwood band (``conf.type = "log"``), the same rule applied to its upper and lower
        curve. NaN where the curve (or band) never reaches 0.5.
    """
    import numpy as np

    times = np.asarray(fit.surv_times, dtype=float)
    surv = np.asarray(fit.surv_prob, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        std = np.where(surv > 0, np.asarray(fit.surv_prob_se, dtype=float) / surv, np.nan)
    upper = np.minimum(surv * np.exp(Z95 * std), 1.0)
    lower = surv * np.exp(-Z95 * std)
    upper = np.where(surv > 0, upper, np.nan)  # survfit gives no band where the curve reaches 0
    lower = np.where(surv > 0, lower, np.nan)
    return _r_quantile(times, surv), _r_quantile(times, lower), _r_quantile(times, upper)


def _r_quantile(times, curve, p: float = 0.5) -> float:
    """survival:::quantile.survfit's rule for one curve (tolerance sqrt(machine epsilon))."""
    import numpy as np

    tol = np.sqrt(np.finfo(float).eps)
    target = 1 - p
    hit = np.flatnonzero(curve <= target + tol)
    if len(hit) == 0:
        return float("nan")
    i = hit[0]
    if abs(curve[i] - target) < tol:
        later = np.flatnonzero(curve < target - tol)
        if len(later) == 0:
            return float("nan") if i == len(times) - 1 else float((times[i] + times[-1]) / 2)
        return float((times[i] + times[later[0]]) / 2)
    return float(times[i])


class TimeToContact(Result):
    """Days from referral to first contact, censored at the observation end (see :func:`time_to_contact`)."""

    key = "time_to_contact"

    def __init__(
        self,
        status: DisclosedTable,
        *,
        by: str,
        medians: list[dict[str, Any]],
        curves: dict[str, pd.DataFrame],
        hazard: list[dict[str, Any]],
        days_ratio: list[dict[str, Any]],
        counts: dict[str, int],
        policy: Policy,
        observation_end: dt.date | None = None,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
        n_zero_days: int = 0,
    ):
        self._table = status
        self.by = by
        self._medians, self._curves = medians, curves
        self._hazard, self._days_ratio = hazard, days_ratio
        #: ``n`` (referrals), ``events`` (first contact observed) and ``censored``: all counted.
        self.counts = counts
        self.policy = policy
        self.observation_end = observation_end
        self.labels = dict(labels or {})
        self.lang = lang
        #: Contacts on the day of the referral (0 days): left out of the Gamma model only.
        self.n_zero_days = n_zero_days
        #: The fitted models (:class:`analysis.cox.CoxResults` and a statsmodels GLM Gamma
        #: result), for the researcher.
        self.cox = None
        self.gamma = None

    @property
    def n(self) -> int:
        return self.counts["n"]

    @property
    def n_events(self) -> int:
        return self.counts["events"]

    @property
    def n_censored(self) -> int:
        return self.counts["censored"]

    def table(self) -> DisclosedTable:
        """Per group the referrals with a first contact and those censored (still waiting)."""
        return self._table

    def published_counts(self) -> dict[str, dict[str, int | None]]:
        """Per group (and ``total``) the published ``n``, ``events`` and ``censored`` (None: hidden)."""
        values, status = self._table.values, self._table.status
        event_col, censored_col, total_col = values.columns
        out = {}
        for i, row in enumerate(values.index):
            key = "total" if i == len(values.index) - 1 else str(row)
            out[key] = {
                name: (int(values.at[row, col]) if status.at[row, col] == "shown" else None)
                for name, col in (("n", total_col), ("events", event_col), ("censored", censored_col))
            }
        return out

    def curves(self) -> dict[str, pd.DataFrame]:
        """Per group the published Kaplan-Meier points: ``time``, ``percent`` with contact, ``at_risk``."""
        return {g: c.copy() for g, c in self._curves.items()}

    def to_frame(self) -> pd.DataFrame:
        """Medians per group, hazard ratios (Cox), ratios of mean days (Gamma) and the counts.

        ``kind``: ``count`` (``n`` referrals, ``events``, ``censored``; the term is ``total`` or
        the group), ``median`` (days, 95% interval as ``survfit``), ``hazard_ratio`` (Cox,
        Efron ties; ``std_error`` of the log hazard ratio), ``days_ratio`` (Gamma GLM with a log
        link among referrals with a first contact; ``std_error`` of the log ratio).
        """
        published = self.published_counts()
        rows: list[dict[str, Any]] = [
            {"term": key, **counts, "group": None if key == "total" else key, "kind": "count"}
            for key, counts in published.items()
        ]
        rows += [
            {
                "term": f"median: {m['group']}",
                "estimate": m["median"],
                "ci_low": m["ci_low"],
                "ci_high": m["ci_high"],
                **published[m["group"]],
                "group": m["group"],
                "kind": "median",
            }
            for m in self._medians
            if m["published"]
        ]
        rows += [
            {**h, "term": f"hazard ratio: {h['group']} vs {h['reference']}", "kind": "hazard_ratio"}
            for h in self._hazard
        ]
        rows += [
            {**g, "term": f"ratio of mean days: {g['group']} vs {g['reference']}", "kind": "days_ratio"}
            for g in self._days_ratio
        ]
        return _tidy(rows, ("events", "censored", "group", "reference", "kind"))

    def figure(self, lang: str | None = None) -> go.Figure:
        from analysis.figures import step_curves

        lang = lang or self.lang
        t = words(lang, "referrals")
        hidden = [m for m in self._medians if m["group"] not in self._curves]
        note = t["time_curve_note"].format(m=self.policy.min_count, step=CURVE_STEP_DAYS)
        if hidden:
            note = t["hidden_groups"] + " " + note
        return step_curves(
            self._curves,
            title=self.title(lang),
            x_title=t["time_x"],
            y_title=t["time_y"],
            hover=t["time_hover"],
            note=note,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """Counted and censored referrals, medians per group, the hazard ratio, the ratio of days."""
        lang = lang or self.lang
        t = words(lang, "referrals")
        total = self.published_counts()["total"]
        out = []
        if all(v is not None for v in total.values()):
            counts = {k: fmt_int(v, lang) for k, v in total.items()}
            if self.observation_end is not None:
                out.append(t["time_counts_end"].format(end=self.observation_end.isoformat(), **counts))
            else:
                out.append(t["time_counts"].format(**counts))
        parts = []
        for m in self._medians:
            if not m["published"]:
                continue
            days = (
                t["time_not_reached"]
                if m["median"] != m["median"]
                else t["time_days"].format(days=_days(m["median"], lang))
            )
            parts.append(t["time_median_group"].format(group=m["group"], days=days))
        if parts:
            out.append(t["time_medians"].format(parts="; ".join(parts)))
        for h in self._hazard:
            key = "time_cox_faster" if h["estimate"] > 1 else "time_cox_slower"
            out.append(
                t[key].format(
                    group=h["group"],
                    reference=h["reference"],
                    hr=_num(h["estimate"], RATIO_DECIMALS, lang),
                    low=_num(h["ci_low"], RATIO_DECIMALS, lang),
                    high=_num(h["ci_high"], RATIO_DECIMALS, lang),
                )
            )
        for g in self._days_ratio:
            out.append(
                t["time_gamma"].format(
                    group=g["group"],
                    reference=g["reference"],
                    ratio=_num(g["estimate"], RATIO_DECIMALS, lang),
                    low=_num(g["ci_low"], RATIO_DECIMALS, lang),
                    high=_num(g["ci_high"], RATIO_DECIMALS, lang),
                )
            )
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """Medians per group (Kaplan-Meier; its counts are the disclosed table's) and the two
        models (Cox, Gamma)."""
        lang = lang or self.lang
        t = words(lang, "referrals")
        out = []
        rows = []
        shown = self._table.display(lang)
        for m in self._medians:
            if not m["published"]:
                continue
            ci = (
                t["ci"].format(low=_days(m["ci_low"], lang), high=_days(m["ci_high"], lang))
                if m["ci_low"] == m["ci_low"] and m["ci_high"] == m["ci_high"]
                else t["time_ci_open"].format(low=_days(m["ci_low"], lang))
                if m["ci_low"] == m["ci_low"]
                else ""
            )
            median = t["time_not_reached"] if m["median"] != m["median"] else _days(m["median"], lang)
            rows.append(
                (
                    m["group"],
                    shown.at[m["group"], shown.columns[-1]],
                    shown.at[m["group"], shown.columns[0]],
                    median,
                    ci,
                )
            )
        if rows:
            header = (
                self.labels.get(self.by, self.by),
                t["col_n"],
                t["col_events"],
                t["col_median"],
                t["col_ci"],
            )
            notes = [t["fn_km"]]
            title = t["time_median_title"]
            table = estimates_table(
                f"{self.key}-mediaan", header, rows, notes, policy=self.policy, title=title, lang=lang
            )
            out.append((title, table))
        models = []
        for h in self._hazard:
            models.append(
                (
                    t["time_hr_row"].format(group=h["group"], reference=h["reference"]),
                    t["col_cox"],
                    _num(h["estimate"], RATIO_DECIMALS, lang),
                    t["ci"].format(
                        low=_num(h["ci_low"], RATIO_DECIMALS, lang),
                        high=_num(h["ci_high"], RATIO_DECIMALS, lang),
                    ),
                    _p(h["p_value"], lang),
                )
            )
        for g in self._days_ratio:
            models.append(
                (
                    t["time_ratio_row"].format(group=g["group"], reference=g["reference"]),
                    t["col_gamma"],
                    _num(g["estimate"], RATIO_DECIMALS, lang),
                    t["ci"].format(
                        low=_num(g["ci_low"], RATIO_DECIMALS, lang),
                        high=_num(g["ci_high"], RATIO_DECIMALS, lang),
                    ),
                    _p(g["p_value"], lang),
                )
            )
        if models:
            header = (t["col_term"], t["col_model"], t["col_estimate"], t["col_ci"], "p")
            notes = [t["fn_cox"], t["fn_gamma"]]
            if self.n_zero_days:
                notes.append(t["fn_zero_days"])
            title = t["time_model_title"]
            table = estimates_table(
                f"{self.key}-model",
                header,
                models,
                notes,
                stat=True,
                policy=self.policy,
                title=title,
                lang=lang,
            )
            out.append((title, table))
        return out

    def summary(self):
        """The Cox model's coefficient table (:meth:`analysis.cox.CoxResults.summary`; for the
        researcher only)."""
        if self.cox is None:
            raise NotImplementedError("no Cox model was fitted: fewer than two groups")
        return self.cox.summary()

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "referrals")["time_title"].format(
            by=in_sentence(self.labels.get(self.by, self.by))
        )


def time_to_contact(
    data: pd.DataFrame,
    policy: Policy,
    *,
    days: str,
    event: str,
    between: str,
    structural: str | None = None,
    observation_end: dt.date | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> TimeToContact:
    """Time from referral to first contact: Kaplan-Meier, Cox and Gamma, censored referrals kept.

    Parameters
    ----------
    data
        One row per referral with the prepared ``days`` and ``event`` (``study.prepared("referrals")``:
        days to the first contact, or to the observation end when censored; 1 when the contact
        was observed).
    policy
        The study's disclosure policy.
    days, event
        The columns of days and of the event indicator.
    between
        The groups to compare (the referrer's collaboration form).
    structural
        A category of ``between`` (as it stands in the data) to compare with all others
        together in the models; without it, each category is compared with the first.
    observation_end
        The last day observed, for the sentences (optional).
    labels, lang
        Variable labels and language.

    Returns
    -------
    TimeToContact
        ``table()``: per group the referrals with a first contact and the censored ones (row
        percentages). ``figure()``: Kaplan-Meier curves of the share with a first contact (on a
        weekly grid, each stopped where fewer than ``policy.min_count`` referrals remain at
        risk; a group with fewer referrals or contacts than that is not drawn).
        ``to_frame()``: counts, medians with 95% intervals (``survfit`` rule,
        :func:`kaplan_meier_median`), hazard ratios (a Cox model with Efron's ties on counts per day
        and group, :func:`analysis.cox.cox_efron`: the estimates of statsmodels' ``PHReg``) and
        ratios of mean days among referrals with a contact (GLM Gamma, log link, dispersion by
        Pearson's chi-square as R's ``glm``). ``cox`` and ``gamma`` keep the fits.

    Notes
    -----
    Censored referrals are counted and enter the curves and the Cox model at risk until their
    censoring day: never dropped. The Gamma model is about referrals whose contact was observed.
    A model term is published only when both groups it compares have at least
    ``policy.min_count`` referrals and contacts.
    """
    import numpy as np
    import pandas as pd
    from statsmodels.duration.survfunc import SurvfuncRight

    from analysis.cox import cox_efron
    from analysis.disclosure import suppress_counts

    _require(data, [days, event, between])
    t = words(lang, "referrals")
    frame = data[[days, event, between]].dropna()
    frame = frame.assign(**{between: _compact(frame[between])})
    d = frame[days].astype(float).to_numpy()
    e = frame[event].astype(np.int8).to_numpy()
    if (d < 0).any() or not set(np.unique(e)) <= {0, 1}:
        raise BruggenError(
            "days must be non-negative and the event 0 or 1",
            hint="use the prepared referral durations: study.prepared('referrals')",
        )
    groups = frame[between]
    levels = (
        list(groups.cat.categories)
        if isinstance(groups.dtype, pd.CategoricalDtype)
        else sorted(groups.unique())
    )
    labels = dict(labels or {})

    counts = pd.DataFrame(
        {
            t["status_event"]: [int(((groups == g) & (frame[event] == 1)).sum()) for g in levels],
            t["status_censored"]: [int(((groups == g) & (frame[event] == 0)).sum()) for g in levels],
        },
        index=pd.Index([str(g) for g in levels], name=labels.get(between, between)),
    )
    counts.columns.name = t["status"]
    probe_title = t["time_title"].format(by=in_sentence(labels.get(between, between)))
    status = suppress_counts(counts, policy, name=probe_title, percent="row", lang=lang)

    medians, curves = [], {}
    m = policy.min_count
    for g in levels:
        mask = (groups == g).to_numpy()
        n, k = int(mask.sum()), int(e[mask].sum())
        entry = {
            "group": str(g),
            "n": n,
            "events": k,
            "median": float("nan"),
            "ci_low": float("nan"),
            "ci_high": float("nan"),
            "published": n >= m and k >= m,
        }
        if n and k:
            km = SurvfuncRight(d[mask], e[mask])
            entry["median"], entry["ci_low"], entry["ci_high"] = kaplan_meier_median(km)
            if entry["published"]:
                curves[str(g)] = _curve(km, d[mask], m)
        medians.append(entry)

    # models: structural against the rest, or every level against the first; each group's row
    # of the contrasts (design) and each referral's group (pattern)
    pattern = pd.Categorical(groups, categories=levels).codes
    if structural is not None and structural in [str(g) for g in levels]:
        names = [str(structural)]
        design = np.array([[float(str(g) == str(structural))] for g in levels])
        reference = t["others"]
    else:
        names = [str(g) for g in levels[1:]]
        design = np.eye(len(levels))[:, 1:]
        reference = str(levels[0]) if levels else ""
    sizes = {name: design[pattern, i] == 1 for i, name in enumerate(names)}
    ref_mask = ~design.any(axis=1)[pattern]
    hazard, days_ratio = [], []
    cox = gamma = None
    n_zero = 0
    if names and e.sum() > 0:
        cox = cox_efron(d, e, pattern, design, names=names)
        positive = (e == 1) & (d > 0)
        n_zero = int(((e == 1) & (d == 0)).sum())
        present = np.bincount(pattern[positive], minlength=len(levels)) > 0  # groups with days
        if len(np.unique(design[present], axis=0)) > 1:
            indicators = pd.DataFrame(design, columns=names)
            gamma = _gamma_on_patterns(d[positive], pattern[positive], indicators)
        ok_ref = ref_mask.sum() >= m and e[ref_mask].sum() >= m
        for i, name in enumerate(names):
            mask = sizes[name]
            if not (ok_ref and mask.sum() >= m and e[mask].sum() >= m):
                continue
            ratio = ratio_interval(float(cox.params[i]), float(cox.bse[i]))
            if ratio is not None:
                hazard.append(
                    {
                        "group": name,
                        "reference": reference,
                        **ratio,
                        "p_value": float(cox.pvalues[i]),
                        "n": len(d),
                    }
                )
            ratio = (
                None if gamma is None else ratio_interval(float(gamma.params[name]), float(gamma.bse[name]))
            )
            if ratio is not None:
                days_ratio.append(
                    {
                        "group": name,
                        "reference": reference,
                        **ratio,
                        "p_value": float(gamma.pvalues[name]),
                        "n": int(positive.sum()),
                    }
                )
    result = TimeToContact(
        status,
        by=between,
        medians=medians,
        curves=curves,
        hazard=hazard,
        days_ratio=days_ratio,
        counts={"n": len(d), "events": int(e.sum()), "censored": int((e == 0).sum())},
        policy=policy,
        observation_end=observation_end,
        labels=labels,
        lang=lang,
        n_zero_days=n_zero,
    )
    result.cox, result.gamma = cox, gamma
    result.fit = cox
    return result


def _curve(km, times, min_at_risk: int) -> pd.DataFrame:
    """The share with a first contact on a weekly grid, while at least ``min_at_risk`` are at risk."""
    import numpy as np
    import pandas as pd

    grid = np.arange(0, float(np.max(times)) + CURVE_STEP_DAYS, CURVE_STEP_DAYS)
    at_risk = np.array([(times >= g).sum() for g in grid])
    grid = grid[at_risk >= min_at_risk]
    at_risk = at_risk[at_risk >= min_at_risk]
    steps = np.asarray(km.surv_times, dtype=float)
    surv = np.asarray(km.surv_prob, dtype=float)
    idx = np.searchsorted(steps, grid, side="right") - 1
    s = np.where(idx >= 0, surv[np.maximum(idx, 0)], 1.0)
    return pd.DataFrame({"time": grid, "percent": 100 * (1 - s), "at_risk": at_risk})


# -- 4. early signals ----------------------------------------------------------------------------
class EarlySignals(Result):
    """Signals about self-determination among referrals from the informal side (see :func:`early_signals`)."""

    key = "early_signals"

    def __init__(
        self,
        disclosed: DisclosedTable,
        *,
        by: str,
        themes: Sequence[str],
        signal: str,
        policy: Policy,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
        notes: Sequence[str] = (),
    ):
        self._table = disclosed
        self.by = by
        #: The categories of the theme column that count as self-determination (labels).
        self.themes = tuple(themes)
        #: The table's column of self-determination signals (its label).
        self.signal = signal
        self.policy = policy
        self.labels = dict(labels or {})
        self.lang = lang
        self.notes = tuple(notes)

    def table(self) -> DisclosedTable:
        return self._table

    def shares(self) -> pd.DataFrame:
        data = self._table.figure_data()
        return data.pivot(index="row", columns="col", values="percent").reindex(
            index=list(dict.fromkeys(data["row"])), columns=list(dict.fromkeys(data["col"]))
        )

    def to_frame(self) -> pd.DataFrame:
        """Per group (and in total) the share of self-determination signals, Wilson 95%.

        ``n``: the group's published number of signals, ``count``: those about self-determination.
        """
        rows = _share_rows(self._table, self.signal, "group", "group")
        total_label = self._table.values.index[-1]
        n, k = _total(self._table), self._table.values.at[total_label, self.signal]
        if n and k is not None and self._table.status.at[total_label, self.signal] == "shown":
            lo, hi = wilson_interval(int(k), n)
            rows.append(
                {
                    "term": "total",
                    "estimate": int(k) / n,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "count": int(k),
                    "kind": "total",
                }
            )
        return _tidy(rows, ("count", "group", "kind"))

    def figure(self, lang: str | None = None) -> go.Figure:
        from analysis.figures import stacked_bar_shares

        lang = lang or self.lang
        t = words(lang, "referrals")
        shares = self.shares()
        shown = shares.dropna(how="all")
        return stacked_bar_shares(
            shown,
            title=self.title(lang),
            x_title=t["x_share_signals"],
            legend_title=t["signals_legend"],
            note=t["hidden_groups"] if len(shown) < len(shares) else None,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        t = words(lang, "referrals")
        frame = self.to_frame()
        total = frame[frame["kind"] == "total"]
        if total.empty:
            return [t["signals_none"]]
        themes = ", ".join(in_sentence(x) for x in self.themes)
        out = [
            t["signals_total"].format(
                n=fmt_int(total["n"].iloc[0], lang),
                pct=fmt_pct(100 * total["estimate"].iloc[0], 0, lang),
                themes=themes,
            )
        ]
        for _, row in frame[frame["kind"] == "group"].iterrows():
            out.append(
                t["signals_group"].format(
                    group=row["group"], pct=fmt_pct(100 * row["estimate"], 0, lang), n=fmt_int(row["n"], lang)
                )
            )
        return out

    def summary(self):
        """Pearson's chi-square test of independence of group and signal (for the researcher)."""
        if self.fit is None:
            raise NotImplementedError("fewer than two groups: there is no test")
        return self.fit.test_nominal_association()

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "referrals")["signals_title"].format(
            by=in_sentence(self.labels.get(self.by, self.by))
        )


def early_signals(
    data: pd.DataFrame,
    policy: Policy,
    *,
    theme: str,
    themes: Sequence[Any],
    by: str,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
    notes: Sequence[str] = (),
) -> EarlySignals:
    """The share of signals about self-determination by group, through disclosure control.

    Parameters
    ----------
    data
        One row per referral (signal) that reached a formal organisation through an informal
        one: the caller keeps only referrals from the informal side (the runner does, when the
        plan links senders to the survey's side).
    policy
        The study's disclosure policy.
    theme
        The theme column.
    themes
        The categories of ``theme`` (as they stand in ``data``) that count as
        self-determination (forced marriage, abandonment, honour-related violence, forced
        isolation); every other theme counts as another signal.
    by
        The groups to compare (the referrer's collaboration form).
    labels, lang, notes
        Variable labels, language, and what was done to the rows before (kept on the result).

    Returns
    -------
    EarlySignals
        ``table()``: groups x (self-determination, other theme) with row percentages.
        ``fit``: the statsmodels contingency ``Table`` (chi-square test of independence).
    """
    import numpy as np
    import pandas as pd
    from statsmodels.stats.contingency_tables import Table

    from analysis.disclosure import count_table, crosstab

    _require(data, [theme, by])
    t = words(lang, "referrals")
    chosen = [str(x) for x in themes]
    if not chosen:
        raise BruggenError(
            "name the themes that count as self-determination", hint="the analysis' themes option"
        )
    present = {str(x) for x in data[theme].dropna().unique()}
    categories = (
        [str(c) for c in data[theme].cat.categories]
        if isinstance(data[theme].dtype, pd.CategoricalDtype)
        else sorted(present)
    )
    unknown = [x for x in chosen if x not in categories and x not in present]
    if unknown:
        raise BruggenError(
            f"{unknown[0]!r} is not a theme in column {theme!r}",
            hint=f"themes: {', '.join(categories)}",
        )
    data = data[list(dict.fromkeys([theme, by]))].dropna()
    flag = _in(data[theme], chosen).to_numpy()
    signal = pd.Categorical.from_codes(np.where(flag, 0, 1), categories=[t["signals_sd"], t["signals_other"]])
    column = "__signal__"
    data = data.assign(**{by: _compact(data[by]), column: signal})
    labels = {**dict(labels or {}), column: t["signals_legend"]}
    title = t["signals_title"].format(by=in_sentence(labels.get(by, by)))
    table = crosstab(
        data, rows=by, cols=column, policy=policy, percent="row", name=title, lang=lang, labels=labels
    )
    result = EarlySignals(
        table,
        by=by,
        themes=chosen,
        signal=t["signals_sd"],
        policy=policy,
        labels=labels,
        lang=lang,
        notes=notes,
    )
    counts = count_table(data[by], data[column], observed=True)
    result.fit = Table(counts) if min(counts.shape) >= 2 else None
    return result


# -- runners: the plan's names in, a Result out ---------------------------------------------------
def _sender_info(r: Run, role: str) -> str | None:
    """Join a survey role of the sender (respondent type, side) onto the referrals; its column.

    Needs the plan to bind ``referrals.sender`` and ``survey.id``; None when it does not.
    """
    plan = r.plan
    if not (plan.has("referrals", "sender") and plan.has("survey", "id") and plan.has("survey", role)):
        return None
    survey_ds = plan.dataset("survey")
    sid, column = plan.column("survey", "id"), plan.column("survey", role)
    joined = f"__sender_{column}"
    if joined not in r.frame.columns:
        import pyarrow as pa
        import pyarrow.compute as pc

        survey = r.vs.data(survey_ds, r.lang)[[sid, column]].drop_duplicates(subset=[sid])
        keys = pa.array(survey[sid].astype("string"), type=pa.large_string())
        sender = pa.array(
            r.frame[plan.column("referrals", "sender")].astype("string"), type=pa.large_string()
        )
        # each sender's row in the survey, found in Arrow (no Python text per referral); -1: none
        where = pc.fill_null(pc.index_in(sender, value_set=keys), -1).to_numpy(zero_copy_only=False)
        values = survey[column].reset_index(drop=True).reindex(where)
        values.index = r.frame.index
        r.frame = r.frame.assign(**{joined: values})
    r.labels[joined] = r.vs.label(survey_ds, column, r.lang)
    return joined


def _informal_only(r: Run) -> list[str]:
    """Keep referrals whose sender is on the informal side (when the plan can tell); notes."""
    side = _sender_info(r, "side")
    if side is None or "informal" not in r.plan.binding("survey", "side").values:
        return []
    informal = r.vs.value("survey", "side", "informal", r.lang)
    keep = _is(r.frame[side], informal)
    dropped = int((~keep).sum())
    r.frame = r.frame[keep]
    return [f"left out {dropped} referral(s) whose sender is not on the informal side"] if dropped else []


def _source(r: Run) -> str:
    name = r.option("source")
    if name is None:
        joined = _sender_info(r, "respondent_type")
        return joined if joined is not None else r.column("sender")
    if r.plan.has("referrals", name) or name in r.frame.columns:
        return r.column(name)
    joined = _sender_info(r, name)
    if joined is None:
        r.column(name)  # the clear error: neither a role nor a column
    return joined  # type: ignore[return-value]


def flows_from_plan(r: Run) -> Result:
    """The runner of the ``referral_flows`` analysis kind."""
    notes = _informal_only(r)
    source = _source(r)
    destination = r.column(r.option("destination"))
    return referral_flows(
        r.frame, r.policy, source=source, destination=destination, labels=r.labels, lang=r.lang, notes=notes
    )


def completion_from_plan(r: Run) -> Result:
    """The runner of the ``completion`` analysis kind."""
    plan = r.plan
    completed, warm = r.column("completed"), r.column("warm_handover")
    destination = r.column(r.option("destination")) if r.option("destination") else None
    cluster = r.option("cluster")
    if cluster is None:
        cluster = next((role for role in ("municipality", "sender") if plan.has("referrals", role)), None)
    return completion_model(
        r.frame,
        r.policy,
        completed=completed,
        yes=r.declared("completed", "yes"),
        warm_handover=warm,
        warm_yes=r.declared("warm_handover", "yes"),
        destination=destination,
        cluster=r.column(cluster) if cluster else None,
        labels=r.labels,
        lang=r.lang,
    )


def time_from_plan(r: Run) -> Result:
    """The runner of the ``time_to_contact`` analysis kind (on the prepared durations)."""
    prepared = r.vs.prepared("referrals").loc[r.frame.index]
    days, event = "__days__", "__event__"
    frame = r.frame.assign(**{days: prepared["days"], event: prepared["event"]})
    between = r.column(r.option("by"))
    structural = None
    if r.plan.has("referrals", "collaboration_form") and between == r.plan.column(
        "referrals", "collaboration_form"
    ):
        structural = r.declared("collaboration_form", "structural")
    return time_to_contact(
        frame,
        r.policy,
        days=days,
        event=event,
        between=between,
        structural=structural,
        observation_end=r.plan.observation_end,
        labels=r.labels,
        lang=r.lang,
    )


def signals_from_plan(r: Run) -> Result:
    """The runner of the ``early_signals`` analysis kind."""
    from analysis.labels import declared_label

    notes = _informal_only(r)
    theme = r.column("theme")
    by = r.column(r.option("by"))
    var = r.vs.dataset(r.dataset).codebook.get(theme)
    themes = [declared_label(var, x, r.lang, r.vs.language) for x in _as_list(r.option("themes"))]
    return early_signals(
        r.frame, r.policy, theme=theme, themes=themes, by=by, labels=r.labels, lang=r.lang, notes=notes
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# -- the gate's checks of the options ---------------------------------------------------------------
#: Roles of plan.referrals each kind needs.
NEEDS = {
    "referral_flows": (),
    "completion": ("completed", "warm_handover"),
    "time_to_contact": ("referred", "first_contact"),
    "early_signals": ("theme",),
}


def check_plan(spec: AnalysisSpec, study: Study, ds: Any) -> list[str]:
    """The gate's check of a referral analysis: the roles it needs and its own options."""
    plan = study.plan
    out = [
        f"needs plan.referrals.{role}" for role in NEEDS.get(spec.kind, ()) if not plan.has("referrals", role)
    ]
    columns = set(ds.frame.columns)

    def known(name: Any, option: str, survey_role: bool = False) -> None:
        if name is None or plan.has("referrals", name) or name in columns:
            return
        if survey_role and plan.has("survey", name):
            if not (plan.has("referrals", "sender") and plan.has("survey", "id")):
                out.append(
                    f"{option}: {name!r} is a role of the survey; plan.referrals.sender and plan.survey.id link them"
                )
            return
        out.append(f"{option}: {name!r} is neither a role of plan.referrals nor a variable of {ds.name}")

    if spec.kind == "referral_flows":
        known(spec.options.get("source"), "source", survey_role=True)
        if spec.options.get("source") is None and not plan.has("referrals", "sender"):
            out.append("source: name the sender's group, or bind plan.referrals.sender")
        known(spec.options.get("destination"), "destination")
    if spec.kind == "completion":
        known(spec.options.get("destination"), "destination")
    if spec.kind == "early_signals":
        themes = _as_list(spec.options.get("themes"))
        if not themes:
            out.append("themes: name the themes that count as self-determination (codes or labels)")
        elif plan.has("referrals", "theme"):
            from analysis.labels import declared_code

            var = ds.codebook.get(plan.column("referrals", "theme"))
            for i, value in enumerate(themes):
                if declared_code(var, value) is None:
                    out.append(f"themes[{i}]: {value!r} is neither a code nor a label of the theme variable")
    return out
