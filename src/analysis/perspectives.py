"""Formal versus informal: who feels taken seriously, and does structural collaboration narrow the gap?

The heart of a study of formal-informal collaboration: do informal respondents (self-organisations,
key persons) see the collaboration differently from formal ones, and is the difference smaller
where the collaboration is structural rather than ad hoc or project-based? Two library functions,
both taking column names as arguments:

:func:`compare_sides`
    A scale score (the mean of its items, from the prepare stage) per side, and per side and form
    of collaboration, through disclosure control; the gap informal - formal; with a moderator the
    interaction ``outcome ~ informal * structural`` as a linear model with cluster-robust standard
    errors (municipality) and, as a second view, a random-intercept mixed model (REML); Cohen's d.
:func:`likert_items`
    Single Likert items: their disclosed answer distributions by side (diverging stacked bars) and
    a proportional-odds model per item (``item ~ informal``, logit), as odds ratios.

``from_plan`` and ``items_from_plan`` are the runners of the plan's ``perspectives`` and
``likert_items`` kinds (:data:`analysis.plan.ANALYSES`); ``check_plan`` checks their options at the
validation gate.

Disclosure
----------
Means are published through :func:`analysis.disclosure.group_means` (no mean of a group below the
policy's ``min_count``, with secondary suppression against differencing), answer distributions
through :func:`analysis.disclosure.suppress_counts`. A model estimate combines groups, so it could
reveal a hidden group's mean: the gaps, the interaction, Cohen's d and the mixed model are
published only when the means table hides nothing and every side x structural cell of the model
has at least ``min_count`` respondents. An item's odds ratio is published only when each side (and
with a moderator each side x structural cell) has at least ``min_count`` answers to it. The fitted
models (``fit``, ``mixed``) stay available to the researcher; they work on unsuppressed data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.disclosure.tables import estimates_table
from analysis.errors import BruggenError, DisclosureError, StudyConfigError
from analysis.labels import in_sentence
from analysis.numbers import fmt_int, fmt_number
from analysis.results import Result, ratio_interval, tidy, without_rows
from analysis.text import words

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy
    from analysis.ingest import Dataset
    from analysis.plan import AnalysisSpec
    from analysis.study import Study

#: Decimals: means in tables, differences in sentences and the model table, Cohen's d, odds ratios.
MEAN_DECIMALS = 2
DIFF_DECIMALS = 1
D_DECIMALS = 2
OR_DECIMALS = 2
#: Coverage of every interval.
LEVEL = 0.95
#: The model's coefficient names (``fit.params``): intercept, informal, structural, interaction.
TERMS = ("Intercept", "informal", "structural", "informal:structural")
#: Linear combinations of TERMS behind the published estimates (with a moderator).
CONTRASTS = {
    "gap": (0, 1, 0, 0),
    "gap_structural": (0, 1, 0, 1),
    "interaction": (0, 0, 0, 1),
}
MINUS = "\u2212"


# -- the scale: formal versus informal -------------------------------------------------------------
class SideComparison(Result):
    """A scale's means by side (and form of collaboration), the gap and its interaction.

    See :func:`compare_sides`. ``fit`` is the linear model (statsmodels ``RegressionResults``,
    cluster-robust covariance), ``mixed`` the random-intercept model (``MixedLMResults``, or
    ``None``); both work on unsuppressed data and are for the researcher only.
    """

    key = "perspectives"

    def __init__(
        self,
        *,
        table: DisclosedTable | None,
        side_table: DisclosedTable | None,
        mean_rows: list[dict[str, Any]],
        estimates: list[dict[str, Any]],
        publishable: bool,
        outcome: str,
        side: str,
        moderator: str | None,
        cluster: str | None,
        sides: tuple[str, str],
        structural: str | None,
        others: tuple[str, ...],
        groups: tuple[str, ...],
        n: int,
        n_clusters: int,
        policy: Policy,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
    ):
        self._table = table
        self._side_table = side_table
        self._mean_rows = mean_rows
        self._estimates = estimates
        #: Whether the model estimates may be published (see the module's Disclosure notes).
        self.publishable = publishable
        self.outcome, self.side, self.moderator, self.cluster = outcome, side, moderator, cluster
        #: The formal and the informal value of ``side`` (as they stand in the data).
        self.sides = sides
        #: The moderator's structural category, and the others.
        self.structural, self.others = structural, others
        #: The moderator's categories in order (empty without a moderator).
        self.groups = groups
        self.n, self.n_clusters = n, n_clusters
        self.policy = policy
        self.labels = dict(labels or {})
        self.lang = lang
        #: The random-intercept mixed model (``MixedLMResults``), when it could be fitted.
        self.mixed = None

    @property
    def empty(self) -> bool:
        """No respondent has a score on either side: there is no table or figure."""
        return self._table is None

    # -- contract ---------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Published means and (when publishable) the model estimates, one row each.

        Columns: the tidy ``term, estimate, std_error, ci_low, ci_high, p_value, n`` and ``kind``
        (``mean``, ``difference``, ``effect_size``, ``variance``), ``model`` (``ols``, ``mixed``,
        ``cohen``; empty for means), ``side`` and ``group`` (for means).

        Terms: a mean is named by its row in the published table (``Formeel – Ad hoc``, or the
        side); ``gap`` (informal - formal; with a moderator: outside structural collaboration),
        ``gap_structural``, ``interaction`` (the change of the gap under structural collaboration),
        ``d`` and ``d_structural`` (Cohen's d), the same gaps from the mixed model as
        ``gap_mixed``, ``gap_structural_mixed``, ``interaction_mixed``, and its standard deviations
        ``sd_cluster_mixed`` and ``sd_residual_mixed``.
        """
        rows = [{k: v for k, v in r.items() if k != "cell"} for r in self._mean_rows]
        if self.publishable:
            rows += self._estimates
        frame = tidy(rows)
        for col in ("kind", "model", "side", "group"):
            if col not in frame:
                frame[col] = None
        return frame

    def estimate(self, term: str) -> dict[str, Any] | None:
        """One published model estimate by its term (``gap``, ``interaction`` ...), or None."""
        if not self.publishable:
            return None
        return next((r for r in self._estimates if r["term"] == term), None)

    def table(self) -> DisclosedTable:
        """The disclosed means table: per side (and form of collaboration) ``n`` and the mean."""
        if self._table is None:
            raise DisclosureError(
                f"no respondent has a value of {self.outcome!r} on either side: there is no table",
                hint="check the scale's items and the side's values",
            )
        return self._table

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        t = words(lang, "perspectives")
        outcome = self.labels.get(self.outcome, self.outcome)
        side = in_sentence(self.labels.get(self.side, self.side))
        if self.moderator is None:
            return t["title"].format(outcome=outcome, side=side)
        moderator = in_sentence(self.labels.get(self.moderator, self.moderator))
        return t["title_moderated"].format(outcome=outcome, side=side, moderator=moderator)

    def figure(self, lang: str | None = None) -> go.Figure:
        """Published means with their 95% intervals, by form of collaboration and side."""
        import pandas as pd

        from analysis.figures import means_with_intervals

        lang = lang or self.lang
        t = words(lang, "perspectives")
        means = [r for r in self._mean_rows if r["kind"] == "mean" and r.get("cell")]
        if self.moderator is None:
            data = pd.DataFrame(
                {
                    "row": [r["side"] for r in means],
                    "series": self.labels.get(self.outcome, self.outcome),
                    "mean": [r["estimate"] for r in means],
                    "ci_low": [r["ci_low"] for r in means],
                    "ci_high": [r["ci_high"] for r in means],
                }
            )
            legend = ""
        else:
            data = pd.DataFrame(
                {
                    "row": [r["group"] for r in means],
                    "series": [r["side"] for r in means],
                    "mean": [r["estimate"] for r in means],
                    "ci_low": [r["ci_low"] for r in means],
                    "ci_high": [r["ci_high"] for r in means],
                }
            )
            legend = self.labels.get(self.side, self.side)
        hidden = self._table is not None and (self._table.status["mean"] != "shown").any()
        return means_with_intervals(
            data,
            x_title=t["x"].format(outcome=self.labels.get(self.outcome, self.outcome)),
            legend_title=legend,
            note=t["hidden"] if hidden else None,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """The gap in plain sentences; every number comes from :meth:`to_frame`."""
        lang = lang or self.lang
        t = words(lang, "perspectives")
        gap = self.estimate("gap")
        if self.empty or gap is None:
            return [t["too_few"]]
        if self.moderator is None:
            out = [
                t["gap"].format(
                    cmp=_compare(gap["estimate"], lang),
                    low=_num(gap["ci_low"], DIFF_DECIMALS, lang),
                    high=_num(gap["ci_high"], DIFF_DECIMALS, lang),
                )
            ]
            d = self.estimate("d")
            if d is not None:
                out.append(t["d"].format(d=_num(d["estimate"], D_DECIMALS, lang)))
            mixed = self.estimate("gap_mixed")
            if mixed is not None:
                out.append(
                    t["mixed"].format(
                        cluster=self._cluster_plural(lang), gap=_num(mixed["estimate"], DIFF_DECIMALS, lang)
                    )
                )
            return out
        structural = self.estimate("gap_structural")
        out = [
            t["gap_moderated"].format(
                cmp=_compare(gap["estimate"], lang),
                others=_join([in_sentence(o) for o in self.others], t["or"]),
                cmp_s=_compare(structural["estimate"], lang),
            )
        ]
        inter = self.estimate("interaction")
        g, s = round(gap["estimate"], DIFF_DECIMALS), round(structural["estimate"], DIFF_DECIMALS)
        if g * s < 0:
            key = "interaction_reversed"
        else:
            key = "interaction_narrower" if abs(s) < abs(g) else "interaction_wider"
        flip = inter["estimate"] < 0 and key != "interaction_reversed"
        low, high = (-inter["ci_high"], -inter["ci_low"]) if flip else (inter["ci_low"], inter["ci_high"])
        out.append(
            t[key].format(
                diff=_num(
                    abs(inter["estimate"]) if key != "interaction_reversed" else inter["estimate"],
                    DIFF_DECIMALS,
                    lang,
                ),
                low=_num(low, DIFF_DECIMALS, lang),
                high=_num(high, DIFF_DECIMALS, lang),
            )
        )
        d, ds = self.estimate("d"), self.estimate("d_structural")
        if d is not None and ds is not None:
            out.append(
                t["d_moderated"].format(
                    d=_num(d["estimate"], D_DECIMALS, lang), d_s=_num(ds["estimate"], D_DECIMALS, lang)
                )
            )
        mixed, mixed_s = self.estimate("gap_mixed"), self.estimate("gap_structural_mixed")
        if mixed is not None and mixed_s is not None:
            out.append(
                t["mixed_moderated"].format(
                    cluster=self._cluster_plural(lang),
                    gap=_num(mixed["estimate"], DIFF_DECIMALS, lang),
                    gap_s=_num(mixed_s["estimate"], DIFF_DECIMALS, lang),
                )
            )
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The model table (estimate, 95% interval, p), when it may be published."""
        lang = lang or self.lang
        if not self.publishable or not self._estimates:
            return []
        t = words(lang, "perspectives")
        models = {
            "ols": t["model_ols_cluster"] if self.n_clusters >= 2 else t["model_ols"],
            "mixed": t["model_mixed"],
            "cohen": t["model_cohen"],
        }
        rows = []
        for r in self._estimates:
            if r["kind"] == "variance":
                ci = ""
            else:
                ci = t["ci"].format(
                    low=_num(r["ci_low"], _decimals(r), lang), high=_num(r["ci_high"], _decimals(r), lang)
                )
            term = r["term"].removesuffix("_mixed")
            if self.moderator is None and term in ("gap", "d"):
                term += "_all"
            rows.append(
                (
                    t["rows"][term],
                    models[r["model"]],
                    _num(r["estimate"], _decimals(r), lang),
                    ci,
                    _p(r.get("p_value"), lang),
                )
            )
        header = (
            t["columns"]["term"],
            t["columns"]["model"],
            t["columns"]["estimate"],
            t["columns"]["ci"],
            "p",
        )
        cluster = self._cluster_plural(lang)
        notes = [t["fn_n"].format(n=fmt_int(self.policy.round(self.n), lang))]
        if self.n_clusters >= 2:
            notes.append(t["fn_cluster"].format(cluster=cluster, g=fmt_int(self.n_clusters, lang)))
            notes.append(t["fn_mixed"].format(cluster=cluster))
        notes.append(t["fn_d"])
        caption = t["model_title"].format(outcome=self.labels.get(self.outcome, self.outcome))
        table = estimates_table(
            f"{self.key}-model", header, rows, notes, stat=True, policy=self.policy, title=caption, lang=lang
        )
        return [(caption, table)]

    def _repr_html_(self) -> str:
        return self.table().to_html() + "".join(h for _, h in self.more_tables())

    def _cluster_plural(self, lang: str) -> str:
        return in_sentence(self.labels.get(self.cluster, self.cluster or ""))


def compare_sides(
    data: pd.DataFrame,
    *,
    outcome: str,
    side: str,
    formal: Any,
    informal: Any,
    moderator: str | None = None,
    moderator_level: Any = None,
    cluster: str | None = None,
    labels: Mapping[str, str] | None = None,
    policy: Policy,
    lang: str = "nl",
) -> SideComparison:
    """Compare a scale score between the formal and the informal side, through disclosure control.

    Parameters
    ----------
    data
        Respondent-level frame (labelled categoricals, as :meth:`ValidatedStudy.data` gives it)
        holding ``outcome`` and the other columns named here.
    outcome
        A numeric column: the scale score (``scale_<name>`` of the prepared survey).
    side
        The column of the side; ``formal`` and ``informal`` are its two values as they stand in
        ``data`` (labels for a labelled column). Other values are left out.
    moderator, moderator_level
        The form of collaboration and its structural category (its value as it stands in
        ``data``). With them, means are shown per side and form, and the gap is modelled as
        ``outcome ~ informal * structural`` (``structural`` = 1 where ``moderator`` equals
        ``moderator_level``).
    cluster
        A column of clusters (the municipality): standard errors robust to clustering, and a
        random intercept per cluster in the mixed model. ``None``: ordinary standard errors and
        no mixed model.
    labels
        Column -> label for titles, headers and sentences (default the column names).
    policy
        The study's disclosure policy.
    lang
        Language of labels and sentences (``nl`` or ``en``).

    Returns
    -------
    SideComparison
        ``table()``: the disclosed means; ``to_frame()``: the means and the estimates ``gap``
        (outside structural collaboration), ``gap_structural``, ``interaction``, ``d`` ...;
        ``extra_tables()``: the model table; ``figure()``; ``findings()``. ``fit`` is the linear
        model, ``mixed`` the random-intercept model.

    Notes
    -----
    *Sample.* Respondents with a score, one of the two sides and (when given) a value of the
    moderator and of the cluster; the same rows for means and models.

    *Means* per group with a t interval (``mean ± t(n-1) · sd/√n``).

    *The linear model* ``outcome ~ informal * structural`` (without a moderator
    ``outcome ~ informal``) is fitted by OLS; with a cluster its covariance is the cluster-robust
    CR1 estimator (statsmodels ``cov_type="cluster"``: the sandwich with the small-sample factor
    ``G/(G-1) · (N-1)/(N-K)``, as R's ``sandwich::vcovCL(type = "HC1")`` and Stata), and
    intervals and p-values use a t distribution with ``G - 1`` degrees of freedom. With two
    binary predictors and their interaction the model is saturated: ``gap`` equals the difference
    of the informal and formal means outside structural collaboration, ``gap_structural`` the
    difference within it (``informal + informal:structural``) and ``interaction`` their
    difference.

    *The mixed model* has the same fixed effects and a random intercept per cluster, fitted by
    REML (statsmodels ``MixedLM``; the variance ratio is first located by a bounded search of the
    profile REML likelihood, as lme4 does, so a variance near zero does not stall the optimiser).
    Its standard errors are the GLS ones given the estimated variances,
    ``(X' V^-1 X)^-1``, which is what ``lme4::lmer`` reports (statsmodels' own ``bse_fe`` come
    from the Hessian of the full likelihood and differ in the fourth decimal); intervals are
    Wald (normal).

    *Cohen's d* is the difference of the informal and formal means divided by the pooled
    standard deviation ``sqrt(((n1-1) s1² + (n0-1) s0²) / (n1 + n0 - 2))`` within the same
    stratum (``d``: outside structural collaboration, or everyone without a moderator;
    ``d_structural``: within it), with the normal-approximation interval
    ``d ± z · sqrt((n1+n0)/(n1 n0) + d²/(2 (n1+n0)))`` (Hedges & Olkin).
    """
    import pandas as pd

    from analysis.disclosure import group_means

    t = words(lang, "perspectives")
    labels = dict(labels or {})
    _require(data, [outcome, side, moderator, cluster])
    sample, groups = _design(
        data,
        side=side,
        formal=formal,
        informal=informal,
        moderator=moderator,
        moderator_level=moderator_level,
        cluster=cluster,
    )
    y = pd.to_numeric(data.loc[sample.index, outcome], errors="coerce")
    if y.notna().sum() < data.loc[sample.index, outcome].notna().sum():
        raise BruggenError(
            f"column {outcome!r} holds values that are not numbers",
            hint="pass a scale score (the prepared survey's scale_<name>), not the item labels",
        )
    sample = sample.assign(y=y.astype(float)).dropna(subset=["y"])
    formal_label, informal_label = _text(formal), _text(informal)
    structural = _text(moderator_level) if moderator is not None else None
    others = tuple(g for g in groups if g != structural)
    side_header = labels.get(side, side)

    # the published means
    if moderator is None:
        cells = [(s, None) for s in (formal_label, informal_label)]
        cell_of = {(s, None): s for s, _ in cells}
        header = side_header
        sample["cell"] = sample["side"].astype(str)
    else:
        cells = [(s, g) for g in groups for s in (formal_label, informal_label)]
        cell_of = {(s, g): t["cell"].format(side=s, group=g) for s, g in cells}
        header = t["cell"].format(side=side_header, group=labels.get(moderator, moderator))
        sample["cell"] = [cell_of[(s, g)] for s, g in zip(sample["side"], sample["group"], strict=True)]
    means_input = pd.DataFrame(
        {header: pd.Categorical(sample["cell"], categories=list(cell_of.values())), "_y": sample["y"]}
    )
    result_args = {
        "outcome": outcome,
        "side": side,
        "moderator": moderator,
        "cluster": cluster,
        "sides": (formal_label, informal_label),
        "structural": structural,
        "others": others,
        "groups": groups,
        "policy": policy,
        "labels": labels,
        "lang": lang,
    }
    if sample.empty:
        return SideComparison(
            table=None,
            side_table=None,
            mean_rows=[],
            estimates=[],
            publishable=False,
            n=0,
            n_clusters=0,
            **result_args,
        )
    title = SideComparison(
        table=None,
        side_table=None,
        mean_rows=[],
        estimates=[],
        publishable=False,
        n=0,
        n_clusters=0,
        **result_args,
    ).title()
    table = group_means(
        means_input, "_y", header, policy, name=title, lang=lang, decimals=MEAN_DECIMALS, title=title
    )
    mean_rows = _mean_rows(sample, table, "cell", cells, cell_of)
    side_table = None
    nothing_hidden = not (table.status != "shown").to_numpy().any()
    if moderator is not None:
        side_input = pd.DataFrame(
            {
                side_header: pd.Categorical(sample["side"], categories=[formal_label, informal_label]),
                "_y": sample["y"],
            }
        )
        side_table = group_means(
            side_input,
            "_y",
            side_header,
            policy,
            name=title,
            lang=lang,
            decimals=MEAN_DECIMALS,
        )
        if nothing_hidden:  # pooled side means reveal nothing the cells do not
            side_cells = [(s, None) for s in (formal_label, informal_label)]
            mean_rows += _mean_rows(
                sample.assign(side_cell=sample["side"].astype(str)),
                side_table,
                "side_cell",
                side_cells,
                {(s, None): s for s in (formal_label, informal_label)},
                cell=False,
            )

    # the models
    n_clusters = int(sample["cluster"].nunique()) if cluster is not None else 0
    cell_sizes = (
        sample.groupby(["informal", "structural"]).size()
        if moderator is not None
        else sample.groupby("informal").size()
    )
    expected = 4 if moderator is not None else 2
    estimable = len(cell_sizes) == expected and int(cell_sizes.min()) >= 2
    publishable = estimable and nothing_hidden and int(cell_sizes.min()) >= policy.min_count
    estimates: list[dict[str, Any]] = []
    fit = mixed = None
    if estimable:
        fit, estimates = _ols(sample, moderated=moderator is not None, cluster=n_clusters >= 2)
        without_rows(fit)  # its numbers are taken: the rows go before the mixed model comes
        estimates += _cohen(sample, moderated=moderator is not None)
        if n_clusters >= 2:
            mixed, more = _mixed(sample, moderated=moderator is not None)
            estimates += more
    result = SideComparison(
        table=table,
        side_table=side_table,
        mean_rows=mean_rows,
        estimates=estimates,
        publishable=publishable,
        n=len(sample),
        n_clusters=n_clusters,
        **result_args,
    )
    result.fit, result.mixed = fit, mixed
    return result


# -- single Likert items ---------------------------------------------------------------------------
class LikertItems(Result):
    """Answer distributions of single Likert items by side, and an ordinal model per item.

    See :func:`likert_items`. ``fit`` maps each item to its statsmodels ``OrderedModel`` results
    (unsuppressed data: for the researcher only).
    """

    key = "likert_items"

    def __init__(
        self,
        *,
        table: DisclosedTable | None,
        rows: list[tuple[str, str]],
        models: list[dict[str, Any]],
        items: tuple[str, ...],
        side: str,
        moderator: str | None,
        sides: tuple[str, str],
        categories: tuple[str, ...],
        cluster: str | None = None,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
    ):
        self._table = table
        self._rows = rows
        self.cluster = cluster
        self._models = models
        self.items, self.side, self.moderator, self.sides = items, side, moderator, sides
        #: The answer categories, lowest first (from the codebook's value labels).
        self.categories = categories
        self.labels = dict(labels or {})
        self.lang = lang

    @property
    def empty(self) -> bool:
        return self._table is None

    def summary(self):
        """Each item's ordinal model summary (``{item: summary}``), for the researcher."""
        if not self.fit:
            raise NotImplementedError("no item could be modelled")
        out = {}
        for item, res in self.fit.items():
            out[item] = res.summary()
            n = next(m["n"] for m in self._models if m["item"] == item)
            out[item].add_extra_txt(
                [
                    f"Fitted on {int(res.nobs)} answer patterns of {n} respondents (frequency "
                    "weights): the estimates of the model on every respondent."
                ]
            )
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per published odds ratio: ``term`` the item (``<item>:structural`` for the
        structural effect), ``estimate`` the odds ratio of a higher answer (informal against
        formal, or structural against other collaboration), ``ci_low``/``ci_high`` its 95% Wald
        interval, ``p_value``, ``n`` (answers modelled), ``std_error`` that of the log odds ratio,
        plus ``item``, ``item_label``, ``effect`` and ``coef`` (the log odds ratio).
        """
        frame = tidy(self._models)
        for col in ("item", "item_label", "effect", "coef"):
            if col not in frame:
                frame[col] = None
        return frame

    def table(self) -> DisclosedTable:
        if self._table is None:
            raise DisclosureError(
                "no item was answered on either side: there is no table",
                hint="check the item names and the side's values",
            )
        return self._table

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "perspectives")["items_title"].format(
            side=in_sentence(self.labels.get(self.side, self.side))
        )

    def shares(self) -> pd.DataFrame:
        """Published row percentages: index (item label, side), columns the answer categories."""
        import pandas as pd

        pct = self._table.percent
        status = self._table.percent_status
        rows = self._table.values.index
        cols = list(self._table.values.columns[:-1])
        data = [
            [float(pct.at[r, c]) if status.at[r, c] == "shown" else float("nan") for c in cols] for r in rows
        ]
        names = dict(
            zip(
                self.items,
                _unique_labels([self.labels.get(i, i) for i in self.items], self.items),
                strict=True,
            )
        )
        index = pd.MultiIndex.from_tuples(
            [(names[item], s) for item, s in self._rows], names=["item", "side"]
        )
        return pd.DataFrame(data, index=index, columns=cols)

    def figure(self, lang: str | None = None) -> go.Figure:
        """Diverging stacked bars of the published distributions (a bar with a hidden cell is left out)."""
        from analysis.figures import diverging_bars

        lang = lang or self.lang
        t = words(lang, "perspectives")
        shares = self.shares()
        hidden = shares.isna().any(axis=1).any()
        return diverging_bars(
            shares,
            x_title=t["items_x"],
            legend_title=t["items_legend"],
            note=t["items_hidden"] if hidden else None,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """How many items differ between the sides, then one sentence per item."""
        lang = lang or self.lang
        t = words(lang, "perspectives")
        informal = [m for m in self._models if m["effect"] == "informal"]
        if self.empty or not informal:
            return [t["items_too_few"]]
        differ = [m for m in informal if m["ci_low"] > 1 or m["ci_high"] < 1]
        out = [t["items_overview"].format(k=fmt_int(len(differ), lang), m=fmt_int(len(informal), lang))]
        for m in informal:
            key = "item_higher" if m["estimate"] > 1 else "item_lower"
            out.append(
                t[key].format(
                    item=m["item_label"],
                    odds=_num(m["estimate"], OR_DECIMALS, lang),
                    low=_num(m["ci_low"], OR_DECIMALS, lang),
                    high=_num(m["ci_high"], OR_DECIMALS, lang),
                )
            )
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The odds ratios per item (estimate, 95% interval, p)."""
        lang = lang or self.lang
        if not self._models:
            return []
        t = words(lang, "perspectives")
        effects = {"informal": t["effect_informal"], "structural": t["effect_structural"]}
        rows = [
            (
                m["item_label"],
                effects[m["effect"]],
                _num(m["estimate"], OR_DECIMALS, lang),
                t["ci"].format(
                    low=_num(m["ci_low"], OR_DECIMALS, lang), high=_num(m["ci_high"], OR_DECIMALS, lang)
                ),
                _p(m["p_value"], lang),
            )
            for m in self._models
        ]
        header = (t["columns"]["item"], t["columns"]["effect"], t["columns"]["odds"], t["columns"]["ci"], "p")
        notes = [t["fn_ordinal"]]
        if any(m.get("clustered") for m in self._models):
            notes.append(
                t["fn_ordinal_cluster"].format(cluster=in_sentence(self.labels.get(self.cluster, "")))
            )
        title = t["items_model_title"]
        policy = self.table().policy
        table = estimates_table(
            f"{self.key}-model", header, rows, notes, stat=True, policy=policy, title=title, lang=lang
        )
        return [(title, table)]


def likert_items(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    side: str,
    formal: Any,
    informal: Any,
    moderator: str | None = None,
    moderator_level: Any = None,
    cluster: str | None = None,
    labels: Mapping[str, str] | None = None,
    policy: Policy,
    lang: str = "nl",
) -> LikertItems:
    """Single Likert items by side: disclosed distributions and a proportional-odds model per item.

    Parameters
    ----------
    data
        Respondent-level frame; each item a labelled categorical whose categories are the answer
        scale from low to high (the codebook's valid value labels; user-missing answers such as
        "weet niet" are missing), or numeric codes.
    items
        The item columns; they must share their answer categories.
    side, formal, informal
        The side column and its two values as they stand in ``data``.
    moderator, moderator_level
        Optionally the form of collaboration and its structural category: the model is then
        ``item ~ informal + structural``.
    cluster
        Optionally a cluster column (the municipality): cluster-robust standard errors.
    labels
        Column -> label (the items' labels are their statements, from the codebook).
    policy, lang
        The disclosure policy and the language.

    Returns
    -------
    LikertItems
        ``table()``: one disclosed crosstab, a row per item and side, a column per answer, row
        percentages; ``figure()``: diverging stacked bars; ``to_frame()``: odds ratios;
        ``extra_tables()``: the odds-ratio table; ``fit``: ``{item: OrderedModel results}``.

    Notes
    -----
    The model per item is statsmodels' ``OrderedModel`` with a logit link:
    ``logit P(Y <= j) = theta_j - x'beta``, the parametrisation of R's ``ordinal::clm``; the odds
    ratio ``exp(beta)`` is the factor by which the odds of a *higher* answer change for informal
    against formal respondents (above 1: informal respondents answer higher). Items are modelled
    as coded, also reverse-keyed ones (the scale reverses them; a single statement is read as
    worded). Categories nobody chose are left out of an item's model. An item whose answers on
    one side lie wholly at or above those on the other (separation: the odds ratio is infinite)
    is shown in the table but not modelled, as is an item whose interval is not finite.
    With a cluster the
    covariance is statsmodels' cluster-robust sandwich (with its small-sample factor), intervals
    are Wald (normal).
    """
    import numpy as np
    import pandas as pd

    from analysis import patterns
    from analysis.disclosure import suppress_counts

    labels = dict(labels or {})
    items = tuple(items)
    if not items:
        raise BruggenError("likert_items needs at least one item", hint="name the item columns")
    _require(data, [*items, side, moderator, cluster])
    sample, _ = _design(
        data,
        side=side,
        formal=formal,
        informal=informal,
        moderator=moderator,
        moderator_level=moderator_level,
        cluster=cluster,
    )
    formal_label, informal_label = _text(formal), _text(informal)
    categories = _answer_categories(data, items)
    t = words(lang, "perspectives")
    result_args = {
        "items": items,
        "side": side,
        "moderator": moderator,
        "sides": (formal_label, informal_label),
        "categories": tuple(categories),
        "cluster": cluster,
        "labels": labels,
        "lang": lang,
    }
    title = LikertItems(table=None, rows=[], models=[], **result_args).title()
    row_keys: list[tuple[str, str]] = []
    parts = []
    item_labels = _unique_labels([labels.get(item, item) for item in items], items)
    for item, item_label in zip(items, item_labels, strict=True):
        answers = _as_answers(data.loc[sample.index, item], categories)
        counts = pd.DataFrame(
            [
                answers[(sample["side"] == s).to_numpy()].value_counts().reindex(categories, fill_value=0)
                for s in (formal_label, informal_label)
            ],
            index=[t["item_cell"].format(item=item_label, side=s) for s in (formal_label, informal_label)],
            columns=list(categories),
        ).astype(np.int64)
        counts.index.name, counts.columns.name = t["items_rows"], t["items_columns"]
        parts.append(counts)
        row_keys += [(item, s) for s in (formal_label, informal_label)]
    if sum(int(c.to_numpy().sum()) for c in parts) == 0:
        return LikertItems(table=None, rows=row_keys, models=[], **result_args)
    table = _stacked(
        [suppress_counts(c, policy, name=title, percent="row", lang=lang, title=title) for c in parts]
    )

    models: list[dict[str, Any]] = []
    fits: dict[str, Any] = {}
    n_clusters = int(sample["cluster"].nunique()) if cluster is not None else 0
    for item in items:
        answers = _as_answers(data.loc[sample.index, item], categories)
        use = sample.assign(answer=answers).dropna(subset=["answer"])
        sizes = (
            use.groupby(["informal", "structural"]).size()
            if moderator is not None
            else use.groupby("informal").size()
        )
        expected = 4 if moderator is not None else 2
        if len(sizes) < expected or int(sizes.min()) < policy.min_count or use["answer"].nunique() < 2:
            continue
        effects = ["informal", "structural"] if moderator is not None else ["informal"]
        codes = use["answer"].cat.codes.to_numpy()
        if any(patterns.separated(codes, use[e].to_numpy()) for e in effects):
            continue  # one side answers wholly above the other: no finite odds ratio
        res, rows = _ordered(use, moderated=moderator is not None, clustered=n_clusters >= 2)
        if not rows:
            continue
        fits[item] = res
        for r in rows:
            r.update(
                item=item,
                item_label=labels.get(item, item),
                term=item if r["effect"] == "informal" else f"{item}:structural",
            )
        models += rows
    result = LikertItems(table=table, rows=row_keys, models=models, **result_args)
    result.fit = fits
    return result


# -- the plan's runners and their checks -----------------------------------------------------------
def from_plan(r: Run) -> Result:
    """The runner of the ``perspectives`` analysis kind (see :mod:`analysis.analyses`)."""
    plan = r.plan
    scale = _plan_scale(r.spec, plan, r.vs.study.source)
    outcome = f"scale_{scale}"
    frame = _with_prepared(r, outcome)
    side, formal, informal = _side(r)
    moderator, level = _moderator(r)
    cluster = r.column(r.option("cluster")) if r.option("cluster") else None
    labels = dict(r.labels)
    labels[outcome] = plan.scales[scale].label_in(r.lang)
    return compare_sides(
        frame,
        outcome=outcome,
        side=side,
        formal=formal,
        informal=informal,
        moderator=moderator,
        moderator_level=level,
        cluster=cluster,
        labels=labels,
        policy=r.policy,
        lang=r.lang,
    )


def items_from_plan(r: Run) -> Result:
    """The runner of the ``likert_items`` analysis kind (see :mod:`analysis.analyses`)."""
    items = _plan_items(r.spec, r.plan, r.vs.study.source)
    for item in items:
        r.column(item)  # a clear error, and the item's label (its statement) from the codebook
    side, formal, informal = _side(r)
    moderator, level = _moderator(r)
    cluster = r.column(r.option("cluster")) if r.option("cluster") else None
    return likert_items(
        r.frame,
        items,
        side=side,
        formal=formal,
        informal=informal,
        moderator=moderator,
        moderator_level=level,
        cluster=cluster,
        labels=r.labels,
        policy=r.policy,
        lang=r.lang,
    )


def check_plan(spec: AnalysisSpec, study: Study, ds: Dataset) -> list[str]:
    """What the gate reports about a ``perspectives`` or ``likert_items`` analysis's options.

    Names an unknown scale (or a missing one when the plan has several), unknown items, a
    ``by`` that is not the plan's side and a moderator whose structural category is not declared.
    """
    plan = study.plan
    out: list[str] = []
    if spec.kind == "perspectives":
        out += _scale_problems(spec, plan)
    else:
        items = spec.options.get("items")
        if items is None and spec.options.get("scale") is None:
            out.append(
                "items: name the Likert items (a list of variables), or give scale: to use a scale's items"
            )
        if spec.options.get("scale") is not None:
            out += _scale_problems(spec, plan)
        if items is not None:
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list) or not items:
                out.append("items: must be a list of variable names")
            else:
                for item in items:
                    if str(item) not in ds.frame.columns:
                        out.append(f"items: {item!r} is not a variable of {ds.name}{_close(str(item), ds)}")
    by = spec.options.get("by")
    if by and not (plan.has("survey", by) and plan.binding("survey", by).kind == "side"):
        out.append(
            f"by: {by!r} must be the plan's side (plan.survey.side): the analysis compares formal and informal"
        )
    moderator = spec.options.get("moderator")
    if moderator and plan.has("survey", "collaboration_form"):
        binding = plan.binding("survey", "collaboration_form")
        if moderator not in ("collaboration_form", binding.variable):
            out.append(
                f"moderator: {moderator!r} must be the collaboration form (plan.survey.collaboration_form), "
                "whose structural category the plan declares"
            )
        elif "structural" not in binding.values:
            out.append(
                "moderator: declare the structural category, plan.survey.collaboration_form.structural"
            )
    return out


# -- helpers: the runners --------------------------------------------------------------------------
def _plan_scale(spec: AnalysisSpec, plan, source) -> str:
    scale = spec.options.get("scale")
    if scale is None and len(plan.scales) == 1:
        return next(iter(plan.scales))
    if scale is None or str(scale) not in plan.scales:
        problems = _scale_problems(spec, plan) or [f"scale: {scale!r}"]
        raise StudyConfigError(
            f"{spec.key}.{problems[0]}", path=source, hint="scales are declared under plan.survey.scales"
        )
    return str(scale)


def _plan_items(spec: AnalysisSpec, plan, source) -> tuple[str, ...]:
    items = spec.options.get("items")
    if items is None and spec.options.get("scale") is not None:
        return plan.scales[_plan_scale(spec, plan, source)].items
    if items is None:
        raise StudyConfigError(
            f"{spec.key}.items: name the Likert items", path=source, hint="items: [item_1, item_2]"
        )
    return (str(items),) if isinstance(items, str) else tuple(str(i) for i in items)


def _scale_problems(spec: AnalysisSpec, plan) -> list[str]:
    scale = spec.options.get("scale")
    known = ", ".join(plan.scales) or "none"
    if scale is None:
        if len(plan.scales) == 1:
            return []
        return [f"scale: say which scale to compare (plan.survey.scales: {known})"]
    if str(scale) not in plan.scales:
        return [f"scale: {scale!r} is not a scale of plan.survey.scales (scales: {known})"]
    return []


def _close(name: str, ds: Dataset) -> str:
    import difflib

    hit = difflib.get_close_matches(name, [str(c) for c in ds.frame.columns], n=1)
    return f" (did you mean {hit[0]!r}?)" if hit else ""


def _with_prepared(r: Run, outcome: str) -> pd.DataFrame:
    """The run's frame with the prepared scale score joined on the plan's survey id."""
    prepared = r.vs.prepared("survey")
    frame = r.frame
    if outcome in frame.columns:
        return frame
    if r.plan.has("survey", "id"):
        key = r.plan.column("survey", "id")
        scores = prepared[[key, outcome]]
        left = frame.assign(**{key: frame[key].astype("string")})
        right = scores.assign(**{key: scores[key].astype("string")})
        merged = left.merge(right, on=key, how="left", validate="one_to_one")
        merged.index = frame.index
        return merged.assign(**{key: frame[key]})
    return frame.join(prepared[[outcome]])


def _side(r: Run) -> tuple[str, str, str]:
    by = r.option("by")
    binding = r.plan.binding(r.part, by)
    if binding.kind != "side":
        raise StudyConfigError(
            f"{r.spec.key}.by: {by!r} must be the plan's side",
            path=r.vs.study.source,
            hint="the analysis compares the formal and the informal side (plan.survey.side)",
        )
    column = r.column(by)
    return column, r.vs.value(r.part, by, "formal", r.lang), r.vs.value(r.part, by, "informal", r.lang)


def _moderator(r: Run) -> tuple[str | None, str | None]:
    name = r.option("moderator")
    if not name:
        return None, None
    column = r.column(name)
    if r.plan.has(r.part, "collaboration_form") and column == r.plan.column(r.part, "collaboration_form"):
        level = r.declared("collaboration_form", "structural")
        if level is not None:
            return column, level
    raise StudyConfigError(
        f"{r.spec.key}.moderator: the structural category of {name!r} is not declared",
        path=r.vs.study.source,
        hint="use moderator: collaboration_form with plan.survey.collaboration_form.structural, or moderator: null",
    )


# -- helpers: the data -----------------------------------------------------------------------------
def _require(data: pd.DataFrame, columns: list[str | None]) -> None:
    for col in columns:
        if col is not None and col not in data.columns:
            raise BruggenError(
                f"the data have no column {col!r}",
                hint="check the variable names in the codebook and in the plan in study.yml",
            )


def _matches(series: pd.Series, value: Any) -> pd.Series:
    """Where ``series`` equals ``value`` (as it stands, else compared as text)."""
    hit = (series == value).fillna(False).astype(bool)
    if not hit.any():
        hit = (series.astype("string") == str(value)).fillna(False).astype(bool)
    return hit


def _design(
    data: pd.DataFrame,
    *,
    side: str,
    formal: Any,
    informal: Any,
    moderator: str | None,
    moderator_level: Any,
    cluster: str | None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The analysis rows and the moderator's categories: rows hold ``side`` (formal/informal label), ``informal`` (0/1), ``group`` and
    ``structural`` (0/1) when there is a moderator, ``cluster`` when there is one."""
    import pandas as pd

    if _text(formal) == _text(informal):
        raise BruggenError("formal and informal name the same value", hint="give the side's two values")
    is_formal, is_informal = _matches(data[side], formal), _matches(data[side], informal)
    keep = is_formal | is_informal
    out = pd.DataFrame(index=data.index)
    out["side"] = pd.Series(_text(formal), index=data.index).where(is_formal, _text(informal))
    out["informal"] = is_informal.astype(float)
    groups: list[str] = []
    if moderator is not None:
        if moderator_level is None:
            raise BruggenError(
                f"moderator {moderator!r} needs moderator_level: its structural category",
                hint="e.g. moderator_level='Structureel' (the value as it stands in the data)",
            )
        values = data[moderator]
        if isinstance(values.dtype, pd.CategoricalDtype):
            groups = [str(c) for c in values.cat.categories]
        else:
            present = values.dropna().unique()
            try:
                groups = [_text(v) for v in sorted(present)]
            except TypeError:
                groups = sorted(_text(v) for v in present)
        is_structural = _matches(values, moderator_level)
        if _text(moderator_level) not in groups:
            raise BruggenError(
                f"{moderator_level!r} is not a value of {moderator!r}",
                hint=f"values: {', '.join(groups)}",
            )
        out["group"] = (
            values.astype("string")
            if isinstance(values.dtype, pd.CategoricalDtype)
            else values.map(lambda v: None if pd.isna(v) else _text(v))
        )
        out["structural"] = is_structural.astype(float)
        keep &= values.notna()
    else:
        out["structural"] = 0.0
    if cluster is not None:
        out["cluster"] = data[cluster].astype("string")
        keep &= data[cluster].notna()
    return out[keep.to_numpy()].copy(), tuple(groups)


def _mean_rows(sample, table, column, cells, cell_of, *, cell: bool = True) -> list[dict[str, Any]]:
    """Tidy rows of the published means, with t intervals (hidden means are left out)."""
    from scipy import stats

    rows = []
    for s, g in cells:
        label = cell_of[(s, g)]
        if label not in table.values.index or table.status.at[label, "mean"] != "shown":
            continue
        mean = table.values.at[label, "mean"]
        if mean is None:
            continue
        y = sample.loc[sample[column] == label, "y"]
        n = len(y)
        sd = float(y.std(ddof=1)) if n > 1 else float("nan")
        se = sd / math.sqrt(n) if n > 1 else float("nan")
        q = stats.t.ppf(0.5 + LEVEL / 2, n - 1) if n > 1 else float("nan")
        n_pub = table.values.at[label, "n"]
        rows.append(
            {
                "term": label,
                "estimate": float(mean),
                "std_error": se,
                "ci_low": float(mean) - q * se,
                "ci_high": float(mean) + q * se,
                "n": n_pub,
                "kind": "mean",
                "model": None,
                "side": s,
                "group": g,
                "cell": cell,
            }
        )
    return rows


def _unique_labels(labels: list[str], names: tuple[str, ...]) -> list[str]:
    """Item labels made unique (two items worded alike are told apart by their names)."""
    return [
        f"{lab} ({name})" if labels.count(lab) > 1 else lab for lab, name in zip(labels, names, strict=True)
    ]


def _stacked(tables: list[DisclosedTable]) -> DisclosedTable:
    """One published table from the disclosed tables of several items, one above the other.

    Each item's table went through disclosure control on its own (its two side rows, their row
    totals and its column totals); the stacked table shows their side rows and row totals and
    leaves out each item's column totals, so it publishes less than the parts did. The
    suppression log is the parts' logs together.
    """
    import pandas as pd

    from analysis.disclosure import DisclosedTable, SuppressionLog

    first = tables[0]

    def stack(attr: str) -> pd.DataFrame:
        return pd.concat([getattr(t, attr).iloc[:-1] for t in tables])

    return DisclosedTable(
        name=first.name,
        kind="crosstab",
        values=stack("values"),
        status=stack("status"),
        policy=first.policy,
        log=SuppressionLog.combine(t.log for t in tables),
        percent=stack("percent"),
        percent_status=stack("percent_status"),
        percent_base="row",
        lang=first.lang,
        decimals=first.decimals,
        title=first.title,
        row_var=first.row_var,
        col_var=first.col_var,
        total_row=False,
        total_col=True,
        notes=first.notes,
    )


def _answer_categories(data: pd.DataFrame, items: tuple[str, ...]) -> list[str]:
    import pandas as pd

    found: list[list[str]] = []
    for item in items:
        values = data[item]
        if isinstance(values.dtype, pd.CategoricalDtype):
            found.append([str(c) for c in values.cat.categories])
        else:
            numbers = pd.to_numeric(values.dropna(), errors="coerce")
            if numbers.isna().any():
                raise BruggenError(
                    f"item {item!r} is neither a labelled categorical nor numeric",
                    hint="pass the validated frame (labelled categoricals) or numeric codes",
                )
            found.append([_code(v) for v in sorted(set(numbers))])
    if any(f != found[0] for f in found[1:]):
        odd = items[next(i for i, f in enumerate(found) if f != found[0])]
        raise BruggenError(
            f"item {odd!r} has other answer categories than {items[0]!r}",
            hint="model items of one answer scale together",
        )
    return found[0]


def _code(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _text(value: Any) -> str:
    """A value as text in labels: a whole float without its ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_answers(values: pd.Series, categories: list[str]) -> pd.Series:
    """An item as an ordered categorical of its answer categories (as text)."""
    import pandas as pd

    if isinstance(values.dtype, pd.CategoricalDtype):
        text = values.astype("string")
    else:
        text = pd.to_numeric(values, errors="coerce").map(lambda v: None if v != v else _code(v))
    return pd.Series(pd.Categorical(text, categories=categories, ordered=True), index=values.index)


# -- helpers: the models ---------------------------------------------------------------------------
def _design_matrix(sample: pd.DataFrame, moderated: bool) -> pd.DataFrame:
    import pandas as pd

    x = pd.DataFrame({"Intercept": 1.0, "informal": sample["informal"]}, index=sample.index)
    if moderated:
        x["structural"] = sample["structural"]
        x["informal:structural"] = sample["informal"] * sample["structural"]
    return x


def _contrasts(moderated: bool) -> dict[str, tuple[int, ...]]:
    return CONTRASTS if moderated else {"gap": (0, 1)}


def _ols(sample: pd.DataFrame, *, moderated: bool, cluster: bool):
    """OLS of ``y`` on the design; cluster-robust (CR1, t with G-1 df) when ``cluster``."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    x = _design_matrix(sample, moderated)
    model = sm.OLS(sample["y"], x)
    if cluster:
        codes = pd.factorize(sample["cluster"])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    else:
        fit = model.fit()
    rows = []
    for term, weights in _contrasts(moderated).items():
        test = fit.t_test(np.asarray(weights, dtype=float)[None, :])
        low, high = np.squeeze(test.conf_int(alpha=1 - LEVEL))
        rows.append(
            {
                "term": term,
                "estimate": float(np.squeeze(test.effect)),
                "std_error": float(np.squeeze(test.sd)),
                "ci_low": float(low),
                "ci_high": float(high),
                "p_value": float(np.squeeze(test.pvalue)),
                "n": int(fit.nobs),
                "kind": "difference",
                "model": "ols",
            }
        )
    return fit, rows


def _cohen(sample: pd.DataFrame, *, moderated: bool) -> list[dict[str, Any]]:
    """Cohen's d (pooled SD) of informal - formal, per stratum; Hedges-Olkin normal interval."""
    from scipy import stats

    strata = {"d": sample[sample["structural"] == 0]} if moderated else {"d": sample}
    if moderated:
        strata["d_structural"] = sample[sample["structural"] == 1]
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    rows = []
    for term, part in strata.items():
        a, f = part.loc[part["informal"] == 1, "y"], part.loc[part["informal"] == 0, "y"]
        n1, n0 = len(a), len(f)
        if n1 < 2 or n0 < 2:
            continue
        pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n0 - 1) * f.var(ddof=1)) / (n1 + n0 - 2))
        if pooled == 0:
            continue
        d = (a.mean() - f.mean()) / pooled
        se = math.sqrt((n1 + n0) / (n1 * n0) + d**2 / (2 * (n1 + n0)))
        rows.append(
            {
                "term": term,
                "estimate": float(d),
                "std_error": se,
                "ci_low": float(d - z * se),
                "ci_high": float(d + z * se),
                "n": n1 + n0,
                "kind": "effect_size",
                "model": "cohen",
            }
        )
    return rows


def _mixed(sample: pd.DataFrame, *, moderated: bool):
    """Random intercept per cluster, REML; GLS standard errors given the variances (as lme4)."""
    import warnings

    import numpy as np
    import pandas as pd
    from scipy import optimize, stats
    from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams

    x = _design_matrix(sample, moderated)
    groups = pd.factorize(sample["cluster"])[0]  # integers: no text per respondent
    model = MixedLM(sample["y"], x, groups=groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # near-boundary variances warn; the profile search settles them
        try:
            fit = model.fit(reml=True, method="powell")
        except (ValueError, np.linalg.LinAlgError):
            return None, []

        def negative(root: float) -> float:
            params = MixedLMParams.from_components(
                fe_params=np.zeros(x.shape[1]), cov_re=np.array([[root**2]])
            )
            value = model.loglike(params, profile_fe=True)
            return -value if np.isfinite(value) else np.inf

        upper = 10.0
        search = optimize.minimize_scalar(
            negative, bounds=(1e-6, upper), method="bounded", options={"xatol": 1e-10}
        )
        if np.isfinite(search.fun) and -search.fun > fit.llf + 1e-9:
            start = MixedLMParams.from_components(
                fe_params=np.zeros(x.shape[1]), cov_re=np.array([[search.x**2]])
            )
            fit = model.fit(reml=True, method="powell", start_params=start)
    tau2, sigma2 = float(fit.cov_re.iloc[0, 0]), float(fit.scale)
    beta = np.asarray(fit.fe_params, dtype=float)
    cov = _gls_covariance(x.to_numpy(float), groups, tau2, sigma2)
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    rows = []
    for term, weights in _contrasts(moderated).items():
        w = np.asarray(weights, dtype=float)
        est, se = float(w @ beta), float(math.sqrt(w @ cov @ w))
        rows.append(
            {
                "term": f"{term}_mixed",
                "estimate": est,
                "std_error": se,
                "ci_low": est - z * se,
                "ci_high": est + z * se,
                "p_value": float(2 * stats.norm.sf(abs(est / se))),
                "n": int(fit.nobs),
                "kind": "difference",
                "model": "mixed",
            }
        )
    for term, value in (
        ("sd_cluster_mixed", math.sqrt(max(tau2, 0.0))),
        ("sd_residual_mixed", math.sqrt(sigma2)),
    ):
        rows.append(
            {"term": term, "estimate": value, "n": int(fit.nobs), "kind": "variance", "model": "mixed"}
        )
    fit.gls_cov_fe = cov
    return fit, rows


def _gls_covariance(x: np.ndarray, groups: np.ndarray, tau2: float, sigma2: float) -> np.ndarray:
    """``(X' V^-1 X)^-1`` for ``V`` block-diagonal with blocks ``sigma2 I + tau2 J``."""
    import numpy as np

    info = np.zeros((x.shape[1], x.shape[1]))
    for g in np.unique(groups):
        xg = x[groups == g]
        n = len(xg)
        c = tau2 / (sigma2 + n * tau2)
        s = xg.sum(axis=0)
        info += (xg.T @ xg - c * np.outer(s, s)) / sigma2
    return np.linalg.inv(info)


def _ordered(use: pd.DataFrame, *, moderated: bool, clustered: bool):
    """Proportional-odds logit model of the answer on informal (+ structural), fitted on the
    answer patterns (answer x informal [x structural] [x cluster], each with its number of
    respondents: :class:`analysis.patterns.WeightedOrderedModel`), which gives the estimates of
    the model on every respondent; the cluster sandwich's small-sample factor counts the
    respondents (:func:`analysis.patterns.fit_clustered`)."""
    import warnings

    import pandas as pd
    from scipy import stats

    from analysis.patterns import WeightedOrderedModel, fit_clustered

    effects = ["informal", "structural"] if moderated else ["informal"]
    keys = ["answer", *effects] + (["cluster"] if clustered else [])
    patterns = use.groupby(keys, observed=True, sort=True).size().rename("rows").reset_index()
    patterns = patterns[patterns["rows"] > 0]
    y = patterns["answer"].cat.remove_unused_categories()
    x = patterns[effects].astype(float)
    n_rows = int(patterns["rows"].sum())
    model = WeightedOrderedModel(y, x, weights=patterns["rows"].to_numpy(), distr="logit")
    kwargs: dict[str, Any] = {"method": "bfgs", "disp": False, "maxiter": 5000, "gtol": 1e-9}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if clustered:
            groups = pd.factorize(patterns["cluster"])[0]
            res = fit_clustered(lambda **cov: model.fit(**kwargs, **cov), groups, n_rows)
        else:
            res = model.fit(**kwargs)
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    rows: list[dict[str, Any]] = []
    for effect in x.columns:
        b, se = float(res.params[effect]), float(res.bse[effect])
        ratio = ratio_interval(b, se, z)
        if ratio is None:
            return res, []  # no estimate to publish (a separation of both effects together)
        rows.append(
            {
                "effect": effect,
                **ratio,
                "coef": b,
                "p_value": float(2 * stats.norm.sf(abs(b / se))),
                "n": n_rows,
                "clustered": clustered,
            }
        )
    return res, rows


# -- helpers: wording ------------------------------------------------------------------------------
def _num(x: float, decimals: int, lang: str) -> str:
    """A number for text: decimal comma in Dutch, a real minus sign."""
    text = fmt_number(x, decimals, lang)
    if text.startswith("-"):
        text = MINUS + text[1:]
        if text.strip(MINUS + "0,.") == "":
            text = text[1:]  # -0,0 is 0,0
    return text


def _p(p: float | None, lang: str) -> str:
    if p is None or p != p:
        return ""
    if p < 0.001:
        return "<" + fmt_number(0.001, 3, lang)
    return fmt_number(p, 3, lang)


def _decimals(row: dict[str, Any]) -> int:
    return D_DECIMALS if row["kind"] in ("effect_size", "variance") else MEAN_DECIMALS


def _compare(gap: float, lang: str) -> str:
    """The comparison in words from a signed gap: "0,7 punt lager dan", "even hoog als"."""
    t = words(lang, "perspectives")
    size = round(abs(gap), DIFF_DECIMALS)
    if size == 0:
        return t["equal"]
    return t["lower" if gap < 0 else "higher"].format(diff=_num(size, DIFF_DECIMALS, lang))


def _join(parts: list[str], last: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + last + parts[-1]
