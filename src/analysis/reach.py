"""Reach: how many people the collaboration reaches, and whether structural collaboration reaches more.

Two results, following RE-AIM's *reach* (number, proportion and representativeness of the
people reached):

:func:`reach_model`
    Persons reached per organisation as a count with the organisation's target population as
    exposure: a negative binomial model (NB2) of the rate per 1,000 by collaboration form (or a
    structural indicator), with cluster-robust standard errors by municipality; a Poisson fit
    beside it with an overdispersion test; a GEE model with exchangeable correlation within
    municipalities as a second opinion. Rate ratios with 95% intervals, in plain words.
:func:`reach_summary`
    Persons reached per organisation and per 1,000 of the target population, the share
    previously unknown to formal services, the funnel from reached to feedback to the referrer
    (through disclosure control; a stage larger than the one before is reported, not hidden)
    and representativeness against the municipality frame.

Both are library functions with column names as arguments; :func:`from_plan` and
:func:`funnel_from_plan` are their runners for the analysis kinds ``reach`` and
``reach_funnel`` (see :mod:`analysis.analyses`).

Model choices
-------------
NB2 by maximum likelihood
    ``statsmodels.discrete.discrete_model.NegativeBinomial`` (``loglike_method="nb2"``,
    Newton's method from the Poisson estimates) estimates the coefficients *and* the
    overdispersion ``alpha`` (Var = mu + alpha mu^2) jointly, as ``MASS::glm.nb`` does
    (``alpha = 1 / theta``). ``sm.GLM(..., family=NegativeBinomial(alpha))`` would need alpha
    fixed beforehand. The point estimates equal glm.nb's (tests/reference/reach.R).
Cluster-robust errors
    ``cov_type="cluster"`` by municipality (statsmodels' sandwich with the small-sample factor
    G/(G-1) (N-1)/(N-K)); for the NB model the sandwich covers alpha and the coefficients
    jointly. Without a cluster variable, or with fewer than :data:`MIN_CLUSTERS` clusters (a
    municipality report), the errors are model-based, there is no GEE, and the result says so.
Overdispersion
    The Poisson fit (on covariate patterns: summed counts and exposure per design row and
    cluster, the estimates and errors of the fit on every organisation) and its Pearson
    dispersion on the organisations (chi-square / residual df; 1 under the Poisson model)
    and the Cameron–Trivedi (1990) regression test against NB2: regress
    ``((y - mu)^2 - y) / mu`` on ``mu`` without intercept; the coefficient estimates alpha and
    its t-value is a one-sided z-test of alpha = 0 (as ``AER::dispersiontest(trafo = 2)``).
Second opinion
    GEE (``statsmodels`` ``GEE``) with a Poisson variance function and an estimated scale,
    exchangeable working correlation within municipalities and robust (sandwich) errors.
    statsmodels' GEE negative binomial family needs alpha fixed, and taking it from the NB fit
    would make the second opinion lean on the first; the Poisson-variance GEE assumes only the
    mean model, and (with ``ddof_scale=0``) equals ``geepack::geeglm`` exactly. It is a
    *marginal* model, like the NB GLM: its rate ratio answers the same question with another
    weighting of the organisations. (statsmodels has no negative binomial mixed model; a
    random-intercept view is in tests/reference/planted_effects.R, ``lme4::glmer.nb``.)
Rates per 1,000
    Per group, the model's mean predicted rate per 1,000 over the analysed organisations with
    the group set for everyone (marginal standardisation; with no covariates simply
    ``exp(b0 + b) * 1000``), with a delta-method interval from the cluster-robust covariance.

Disclosure
----------
Groups (levels of the predictor, collaboration forms in the summary) with fewer respondents
than the policy's ``min_count`` are left out before anything is computed, and the result says
so without their size. The table of reach per 1,000 goes through
:func:`analysis.disclosure.group_means`. Funnel counts go through the cell-suppression engine
(:func:`analysis.disclosure.suppression.suppress`) with an additivity line per stage (the groups
add up to the total) and one per pair of consecutive stages (the later stage plus the people
lost between them add up to the earlier stage), so a small number lost between two stages
cannot be worked out by subtraction either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.disclosure.tables import estimates_table
from analysis.errors import BruggenError, DisclosureError
from analysis.labels import in_sentence
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.results import Z95, Result, ratio_interval, tidy, without_rows
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy
    from analysis.plan import AnalysisSpec
    from analysis.study import Study

#: The funnel's stages in order; ``reached`` is the reach count, the others are plan roles
#: ``funnel.<stage>`` of the survey (a stage the plan does not bind is left out).
STAGES = ("reached", "signals", "referred", "first_contact", "help_started", "feedback")
#: Rate ratios and rates in sentences: decimals.
RR_DECIMALS = 2
RATE_DECIMALS = 1
#: Fewest clusters for cluster-robust errors and the GEE; with fewer, errors are model-based
#: (cluster-robust errors from a handful of clusters understate the uncertainty).
MIN_CLUSTERS = 10
#: Who reaches people, by the side an analysis is restricted to (``among``).
WHO = {"informal": "who_informal", "formal": "who_formal", None: "who_all"}


# ============================================================================================
# The reach model
# ============================================================================================
class ReachModel(Result):
    """Reach per 1,000 of the target population by collaboration form (see :func:`reach_model`)."""

    key = "reach"

    def __init__(
        self,
        *,
        table: DisclosedTable | None,
        rows: list[dict[str, Any]],
        between: str,
        structural: str | None,
        reference: str | None,
        cluster: str | None,
        n_clusters: int,
        covariates: Sequence[str],
        n_small_groups: int,
        who: str | None,
        labels: Mapping[str, str],
        policy: Policy,
        lang: str,
        fits: dict[str, Any] | None = None,
    ):
        self._table = table
        self._rows = rows
        self.between = between
        #: The category of ``between`` the structural indicator contrasts (its label), if any.
        self.structural = structural
        #: The reference level's label (the other forms joined by "or", or the first form).
        self.reference = reference
        self.cluster = cluster
        self.n_clusters = n_clusters
        self.covariates = tuple(covariates)
        #: Levels left out of the model for having fewer respondents than ``min_count``.
        self.n_small_groups = n_small_groups
        self.who = who
        self.labels = dict(labels)
        self.policy = policy
        self.lang = lang
        #: ``{"nb2": ..., "poisson": ..., "gee": ..., "cameron_trivedi": ...,
        #: "pearson_dispersion": ...}``: the fitted statsmodels results, without their rows
        #: (:func:`analysis.results.without_rows`), unsuppressed: for the researcher only.
        self.fits = dict(fits or {})
        self.fit = self.fits.get("nb2")

    @property
    def empty(self) -> bool:
        """No group could be published: there is no table or figure."""
        return self._table is None

    @property
    def has_model(self) -> bool:
        return self.fit is not None

    # -- contract ---------------------------------------------------------------------
    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "reach")["title"].format(between=in_sentence(self._label(self.between)))

    def to_frame(self) -> pd.DataFrame:
        """Every published estimate, one row each.

        Columns: the tidy vocabulary (``term, estimate, std_error, ci_low, ci_high, p_value, n``)
        plus ``model`` (``nb2``, ``poisson``, ``gee`` or ``observed``), ``measure``
        (``rate_ratio``, ``rate_per_1000``, ``baseline_per_1000``, ``alpha``,
        ``pearson_dispersion``, ``cameron_trivedi``, ``correlation``, ``mean_per_1000``),
        ``level`` and ``role`` (``between``, ``covariate``, ``const``, ``rate``, ``dispersion``,
        ``observed``). For rate ratios ``estimate`` and the interval are on the ratio scale and
        ``std_error`` is that of the log rate ratio (the model coefficient).
        """
        import pandas as pd

        frame = tidy([dict(r) for r in self._rows])
        for column in ("model", "measure", "level", "role"):  # present even when nothing is published
            if column not in frame:
                frame[column] = pd.Series(dtype="object")
        return frame

    def table(self) -> DisclosedTable:
        if self._table is None:
            raise DisclosureError(
                "every group has fewer respondents than the disclosure threshold: there is no table",
                hint="report on a larger area or a coarser grouping",
            )
        return self._table

    def figure(self, lang: str | None = None) -> go.Figure:
        """Reach per 1,000 per group: the model's rates with 95% intervals (published means
        without intervals when there is no model)."""
        import pandas as pd

        from analysis.figures import rate_intervals

        lang = lang or self.lang
        t = words(lang, "reach")
        frame = self.to_frame()
        rates = frame[(frame["measure"] == "rate_per_1000") & (frame["model"] == "nb2")]
        y_title = t["y"]
        if rates.empty:
            rates = frame[frame["measure"] == "mean_per_1000"]
            y_title = t["y_observed"]
        data = pd.DataFrame(
            {
                "label": rates["level"],
                "estimate": rates["estimate"],
                "ci_low": rates["ci_low"],
                "ci_high": rates["ci_high"],
            }
        )
        note = t["hidden"].format(m=self.policy.min_count) if self.n_small_groups else None
        x_title = self._label(self.between) if self.structural is None else ""
        return rate_intervals(
            data, title=self.title(lang), x_title=x_title, y_title=y_title, decimals=RATE_DECIMALS, note=note
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """The rate ratio in plain words, the rates per 1,000, overdispersion and the second opinion."""
        lang = lang or self.lang
        t = words(lang, "reach")
        if self.empty:
            return [t["none"]]
        if not self.has_model:
            return [t["no_model"]]
        frame = self.to_frame()
        nb = frame[frame["model"] == "nb2"]
        who = t[WHO.get(self.who, "who_all")]
        out = []
        for row in nb[nb["measure"] == "rate_ratio"].to_dict("records"):
            if row.get("role") != "between":
                continue
            numbers = {
                "rr": _num(row["estimate"], RR_DECIMALS, lang),
                "lo": _num(row["ci_low"], RR_DECIMALS, lang),
                "hi": _num(row["ci_high"], RR_DECIMALS, lang),
                "who": who,
            }
            if self.structural is not None:
                sentence = t["structural"].format(
                    structural=in_sentence(self.structural),
                    other=in_sentence(self.reference or ""),
                    **numbers,
                )
            else:
                sentence = t["level"].format(
                    between=in_sentence(self._label(self.between)),
                    level=row["level"],
                    reference=self.reference,
                    **numbers,
                )
            if row["ci_low"] <= 1 <= row["ci_high"]:
                sentence += " " + t["uncertain"]
            out.append(sentence)
        if self.covariates:
            names = [in_sentence(self._label(c)) for c in self.covariates]
            out.append(t["adjusted"].format(covariates=_join(names, t["and"])))
        rates = nb[nb["measure"] == "rate_per_1000"]
        if len(rates):
            parts = [
                t["rate_part"].format(
                    level=in_sentence(str(r["level"])),
                    rate=_num(r["estimate"], RATE_DECIMALS, lang),
                    lo=_num(r["ci_low"], RATE_DECIMALS, lang),
                    hi=_num(r["ci_high"], RATE_DECIMALS, lang),
                )
                for r in rates.to_dict("records")
            ]
            out.append(t["rates"].format(parts="; ".join(parts)))
        out += self._dispersion_sentences(frame, lang)
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The model table: rate ratios of the NB2, GEE and Poisson fits, and their diagnostics."""
        if self.empty or not self.has_model:
            return []
        lang = lang or self.lang
        t = words(lang, "reach")
        frame = self.to_frame()
        models = [m for m in ("nb2", "gee", "poisson") if (frame["model"] == m).any()]
        header = [t["term"], *[t[f"model_{m}"] for m in models]]
        body = []
        base = frame[frame["measure"] == "baseline_per_1000"]
        if len(base):
            cells = []
            for m in models:
                hit = base[base["model"] == m]
                cells.append(_interval_text(hit.iloc[0], RATE_DECIMALS, lang) if len(hit) else "")
            body.append([t["baseline"].format(reference=base.iloc[0]["level"]), *cells])
        terms = list(dict.fromkeys(frame.loc[frame["measure"] == "rate_ratio", "term"]))
        for term in terms:
            cells = []
            for m in models:
                hit = frame[
                    (frame["measure"] == "rate_ratio") & (frame["model"] == m) & (frame["term"] == term)
                ]
                cells.append(_interval_text(hit.iloc[0], RR_DECIMALS, lang) if len(hit) else "")
            body.append([term, *cells])

        def single(measure: str, model: str, decimals: int, label: str, p: bool = False):
            hit = frame[(frame["measure"] == measure) & (frame["model"] == model)]
            if not len(hit):
                return
            row = hit.iloc[0]
            text = _num(row["estimate"], decimals, lang)
            if p:
                text += f" (p {_p(row['p_value'], lang)})"
            body.append([label, *["" if m != model else text for m in models]])

        single("alpha", "nb2", 3, t["alpha"])
        single("pearson_dispersion", "poisson", 1, t["dispersion"])
        single("cameron_trivedi", "poisson", 3, t["ct"], p=True)
        single("correlation", "gee", 2, t["correlation"])
        n = int(frame.loc[frame["model"] == "nb2", "n"].dropna().max())
        body.append([t["n"], *[fmt_int(n, lang) for _ in models]])
        if self.cluster is not None and self.n_clusters >= MIN_CLUSTERS:
            body.append(
                [
                    t["clusters"].format(cluster=in_sentence(self._label(self.cluster))),
                    *[fmt_int(self.n_clusters, lang) for _ in models],
                ]
            )
        if self.cluster is not None and self.n_clusters >= MIN_CLUSTERS:
            note = t["model_note"].format(
                reference=self.reference, cluster=in_sentence(_short(self._label(self.cluster)))
            )
        else:
            note = t["model_note_unclustered"].format(reference=self.reference)
        notes = [note]
        if self.n_small_groups:
            notes.append(t["hidden"].format(m=self.policy.min_count))
        title = t["model_title"]
        table = estimates_table(
            title, header, body, notes, stat=True, policy=self.policy, title=title, lang=lang
        )
        return [(title, table)]

    # -- helpers ----------------------------------------------------------------------
    def _dispersion_sentences(self, frame: pd.DataFrame, lang: str) -> list[str]:
        t = words(lang, "reach")
        out = []

        def one(measure, model):
            hit = frame[(frame["measure"] == measure) & (frame["model"] == model)]
            return hit.iloc[0] if len(hit) else None

        ratio, ct = one("pearson_dispersion", "poisson"), one("cameron_trivedi", "poisson")
        main = self._main_term(frame)
        poisson_rr = (
            frame[
                (frame["model"] == "poisson") & (frame["measure"] == "rate_ratio") & (frame["term"] == main)
            ]
            if main
            else frame.iloc[0:0]
        )
        if ratio is not None and ct is not None and len(poisson_rr):
            key = "overdispersed" if ct["p_value"] < 0.05 else "not_overdispersed"
            out.append(
                t[key].format(
                    ratio=_num(ratio["estimate"], 1, lang),
                    p=_p(ct["p_value"], lang),
                    rr=_num(poisson_rr.iloc[0]["estimate"], RR_DECIMALS, lang),
                )
            )
        gee = frame[(frame["model"] == "gee") & (frame["measure"] == "rate_ratio") & (frame["term"] == main)]
        if main and len(gee):
            row = gee.iloc[0]
            out.append(
                t["gee"].format(
                    cluster=in_sentence(_short(self._label(self.cluster or ""))),
                    rr=_num(row["estimate"], RR_DECIMALS, lang),
                    lo=_num(row["ci_low"], RR_DECIMALS, lang),
                    hi=_num(row["ci_high"], RR_DECIMALS, lang),
                )
            )
        if self.cluster is not None and self.n_clusters >= MIN_CLUSTERS:
            out.append(
                t["clustered"].format(
                    cluster=in_sentence(_short(self._label(self.cluster))), k=fmt_int(self.n_clusters, lang)
                )
            )
        elif self.cluster is not None:
            out.append(t["unclustered"].format(k=fmt_int(self.n_clusters, lang), m=MIN_CLUSTERS))
        return out

    def _main_term(self, frame: pd.DataFrame) -> str | None:
        hit = frame[
            (frame["model"] == "nb2") & (frame["measure"] == "rate_ratio") & (frame["role"] == "between")
        ]
        return str(hit.iloc[0]["term"]) if len(hit) else None

    def _label(self, column: str) -> str:
        return self.labels.get(column, column)


def reach_model(
    data: pd.DataFrame,
    *,
    count: str,
    exposure: str,
    between: str,
    cluster: str | None = None,
    covariates: Sequence[str] = (),
    structural: str | None = None,
    labels: Mapping[str, str] | None = None,
    policy: Policy,
    lang: str = "nl",
    rate: str | None = None,
    who: str | None = None,
) -> ReachModel:
    """Model persons reached per 1,000 of the target population by collaboration form.

    Parameters
    ----------
    data
        One row per organisation (respondent), labelled categoricals as
        :meth:`analysis.study.ValidatedStudy.data` gives them. Restrict it beforehand to whom
        the question is about (the informal side, say).
    count
        Persons reached (a count).
    exposure
        The organisation's target population: the model's exposure (offset ``log(exposure)``).
        Rows where it is missing or not positive are left out.
    between
        The grouping compared: the collaboration form (or a structural-index class).
    cluster
        The municipality (or another cluster) for cluster-robust errors and the GEE; ``None``
        for model-based errors and no GEE.
    covariates
        Further predictors (the organisation type ...): categorical columns get one dummy per
        category but the first, numeric columns enter as they are.
    structural
        A category of ``between`` (its label as it stands in ``data``): the predictor is then
        the indicator "this category" against all others together (as the example's planted
        contrast), else every category against the first.
    labels
        Variable labels (column -> label) for titles, table headers and sentences.
    policy
        The disclosure policy: levels with fewer respondents than ``min_count`` are left out.
    lang
        Language of labels and sentences.
    rate
        A column that already holds reach per 1,000 (the prepared survey's ``reach_per_1000``);
        default computed from ``count`` and ``exposure`` with
        :func:`analysis.prepare.reach_rates`.
    who
        ``"informal"`` or ``"formal"`` when ``data`` holds one side only: the sentences then
        name it (``None``: "the organisations").

    Returns
    -------
    ReachModel
        ``to_frame()``: rate ratios of the NB2, Poisson and GEE fits, the NB2 rates per 1,000
        per level, alpha, the Poisson dispersion and Cameron–Trivedi test, the GEE
        correlation, and the published mean rate per group (see :meth:`ReachModel.to_frame`).
        ``table()``: mean reach per 1,000 per category of ``between`` (disclosed).
        ``fit``: the NB2 result; ``fits``: every fitted model.

    Notes
    -----
    See the module docstring for the model choices. A model is fitted only when at least two
    levels of the predictor keep ``policy.min_count`` respondents; otherwise the result keeps
    its table and says there are too few respondents for a model.
    """
    import numpy as np
    import pandas as pd

    from analysis.disclosure import group_means
    from analysis.prepare import reach_rates

    labels = dict(labels or {})
    needed = [
        count,
        exposure,
        between,
        *([cluster] if cluster else []),
        *covariates,
        *([rate] if rate else []),
    ]
    _require(data, needed)
    t = words(lang, "reach")
    y_all = pd.to_numeric(data[count], errors="coerce")
    e_all = pd.to_numeric(data[exposure], errors="coerce")
    usable = y_all.notna() & (e_all > 0) & data[between].notna()
    for column in [*covariates, *([cluster] if cluster else [])]:
        usable &= data[column].notna()
    work = data.loc[usable].copy()
    rate_col = "__rate_per_1000"
    work[rate_col] = (
        pd.to_numeric(work[rate], errors="coerce")
        if rate
        else reach_rates(work, count=count, population=exposure)
    )

    groups = _categories(work[between])
    reference: str | None = None
    if structural is not None:
        known = (
            [str(c) for c in data[between].cat.categories]
            if isinstance(data[between].dtype, pd.CategoricalDtype)
            else _categories(data[between])
        )
        if structural not in known:
            raise BruggenError(
                f"{structural!r} is not a category of {between!r}",
                hint=f"categories: {', '.join(groups)}",
            )
        others = [g for g in groups if g != structural]
        reference = _or_join(others, t["or"])
        predictor = pd.Series(
            np.where(work[between].astype("string") == structural, structural, reference), index=work.index
        )
        levels = [reference, structural]
    else:
        predictor = work[between].astype("string").astype(object)
        levels = groups
    sizes = predictor.value_counts()
    small = [lv for lv in levels if 0 < sizes.get(lv, 0) < policy.min_count]
    levels = [lv for lv in levels if sizes.get(lv, 0) >= policy.min_count]
    keep = predictor.isin(levels)

    # the disclosed table: mean reach per 1,000 by category of `between`
    title = words(lang, "reach")["title"].format(between=in_sentence(labels.get(between, between)))
    table = None
    rows: list[dict[str, Any]] = []
    if len(work):
        shown = work[[between, rate_col]].rename(columns={between: labels.get(between, between)})
        first = shown.columns[0]
        if isinstance(shown[first].dtype, pd.CategoricalDtype):
            shown = shown.assign(**{first: shown[first].cat.remove_unused_categories()})
        table = group_means(
            shown,
            rate_col,
            labels.get(between, between),
            policy,
            name=title,
            lang=lang,
            decimals=RATE_DECIMALS,
        )
        for group, value in table.values["mean"].items():
            if group == table.values.index[-1] or value is None:
                continue
            n = table.values.at[group, "n"]
            rows.append(
                {
                    "term": f"mean: {group}",
                    "estimate": float(value),
                    "n": n,
                    "model": "observed",
                    "measure": "mean_per_1000",
                    "level": str(group),
                    "role": "observed",
                }
            )
    result_kwargs = dict(
        between=between,
        structural=structural,
        reference=levels[0] if levels else reference,
        cluster=cluster,
        covariates=covariates,
        n_small_groups=len(small),
        who=who,
        labels=labels,
        policy=policy,
        lang=lang,
    )
    if table is None or len(levels) < 2:
        return ReachModel(table=table, rows=rows, n_clusters=0, **result_kwargs)

    model_data = work.loc[keep]
    pred = predictor.loc[keep]
    X, terms = _design(model_data, pred, levels, covariates, labels)
    y = pd.to_numeric(model_data[count]).astype(float).to_numpy()
    exposure_values = pd.to_numeric(model_data[exposure]).astype(float).to_numpy()
    codes = pd.factorize(model_data[cluster].astype("string"))[0] if cluster else None
    n_clusters = int(codes.max() + 1) if codes is not None and len(codes) else 0
    fits = _fit_models(y, X, exposure_values, codes if n_clusters >= MIN_CLUSTERS else None)
    if fits is None:
        return ReachModel(table=table, rows=rows, n_clusters=n_clusters, **result_kwargs)
    rows = _model_rows(fits, X, terms, pred, levels, len(y)) + rows
    return ReachModel(table=table, rows=rows, n_clusters=n_clusters, fits=fits, **result_kwargs)


def _design(data, predictor, levels, covariates, labels):
    """The design matrix (constant, predictor dummies, covariates) and each column's term.

    ``terms``: one ``(term, role, level)`` per column: ``role`` is ``const``, ``between`` or
    ``covariate``.
    """
    import numpy as np
    import pandas as pd

    columns = {"const": np.ones(len(data))}
    terms = [("const", "const", str(levels[0]))]
    for level in levels[1:]:
        columns[f"x{len(columns)}"] = (predictor == level).astype(float).to_numpy()
        terms.append((str(level), "between", str(level)))
    for cov in covariates:
        series = data[cov]
        label = labels.get(cov, cov)
        if (
            isinstance(series.dtype, pd.CategoricalDtype)
            or series.dtype == object
            or pd.api.types.is_string_dtype(series)
        ):
            cats = _categories(series)
            if cats:
                terms[0] = ("const", "const", f"{terms[0][2]}; {label}: {cats[0]}")
            for cat in cats[1:]:
                dummy = (series.astype("string") == cat).astype(float).to_numpy()
                if dummy.any():
                    columns[f"x{len(columns)}"] = dummy
                    terms.append((f"{label}: {cat}", "covariate", str(cat)))
        else:
            columns[f"x{len(columns)}"] = pd.to_numeric(series).astype(float).to_numpy()
            terms.append((label, "covariate", ""))
    return pd.DataFrame(columns, index=data.index), terms


def _fit_models(y, X, exposure, groups) -> dict[str, Any] | None:
    """NB2 (ML, joint alpha), Poisson GLM, the Cameron–Trivedi test and a Poisson GEE.

    ``groups``: integer cluster codes for robust errors and the GEE, or ``None``.
    Returns ``None`` when the NB2 model does not converge.
    """
    import warnings

    import numpy as np
    import statsmodels.api as sm
    from scipy import stats

    robust = {"cov_type": "cluster", "cov_kwds": {"groups": groups}} if groups is not None else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            poisson = _poisson_on_patterns(y, X, exposure, groups)
            model = sm.NegativeBinomial(y, X, exposure=exposure, loglike_method="nb2")
            start = np.append(np.asarray(poisson.params), 0.5)
            nb = model.fit(start_params=start, method="newton", maxiter=200, tol=1e-12, disp=0, **robust)
            if not nb.mle_retvals.get("converged", False) or not np.all(np.isfinite(nb.bse)):
                nb = model.fit(start_params=start, method="bfgs", maxiter=2000, gtol=1e-10, disp=0, **robust)
        except (ValueError, np.linalg.LinAlgError):
            return None
    if (
        not nb.mle_retvals.get("converged", False)
        or not np.all(np.isfinite(nb.bse))
        or nb.params.iloc[-1] <= 0
    ):
        return None
    mu = exposure * np.exp(np.asarray(X, dtype=float) @ np.asarray(poisson.params))  # per row
    # Pearson's, on the rows (the patterns span the rows' design: the same rank)
    dispersion = float(((y - mu) ** 2 / mu).sum() / (len(y) - poisson.df_model - 1))
    aux = ((y - mu) ** 2 - y) / mu
    ct = sm.OLS(aux, mu).fit()
    ct_z = float(np.asarray(ct.tvalues)[0])
    poisson_start = np.asarray(poisson.params)  # the GEE's own start: the same Poisson fit
    # each model lets go of its rows as soon as it is done (at 1M organisations, tens of MB each)
    for fit in (nb, ct):
        without_rows(fit)
    del mu, aux
    fits: dict[str, Any] = {
        "nb2": nb,
        "poisson": poisson,
        "cameron_trivedi": {
            "alpha": float(np.asarray(ct.params)[0]),
            "std_error": float(np.asarray(ct.bse)[0]),
            "z": ct_z,
            "p_value": float(stats.norm.sf(ct_z)),
            "fit": ct,
        },
        "pearson_dispersion": dispersion,
    }
    if groups is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                gee = sm.GEE(
                    y,
                    X,
                    groups=groups,
                    family=sm.families.Poisson(),
                    cov_struct=sm.cov_struct.Exchangeable(),
                    exposure=exposure,
                ).fit(ddof_scale=0, maxiter=200, start_params=poisson_start)
                if np.all(np.isfinite(gee.bse)):
                    fits["gee"] = without_rows(gee)
            except (ValueError, np.linalg.LinAlgError):
                pass
    return fits


def _poisson_on_patterns(y, X, exposure, groups):
    """The Poisson GLM with exposure, fitted on covariate patterns (:mod:`analysis.patterns`).

    Its log-likelihood is, up to a constant, the sum over the patterns of the design (within
    each cluster) of Y b'x - E exp(b'x), with Y and E the pattern's summed counts and exposure:
    the fit on the patterns has the estimates, model-based errors and cluster sums of scores of
    the fit on the rows, and the cluster-robust factor counts the rows (``fit_clustered``). Its
    likelihood and deviance are the patterns' (the Pearson dispersion is taken on the rows).
    """
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    from analysis import patterns

    design = np.asarray(X, dtype=float)
    keys = design if groups is None else np.column_stack([design, groups])
    found, where = np.unique(keys, axis=0, return_inverse=True)
    where = where.ravel()
    counts = np.bincount(where, weights=y, minlength=len(found))
    reached = np.bincount(where, weights=exposure, minlength=len(found))
    exog = pd.DataFrame(found[:, : design.shape[1]], columns=X.columns)

    def fit(**cov):
        return sm.GLM(counts, exog, family=sm.families.Poisson(), exposure=reached).fit(tol=1e-12, **cov)

    if groups is None:
        return fit()
    return patterns.fit_clustered(fit, found[:, -1].astype(np.int64), len(y))


def _model_rows(fits, X, terms, predictor, levels, n) -> list[dict[str, Any]]:
    import numpy as np

    rows: list[dict[str, Any]] = []
    for model in ("nb2", "gee", "poisson"):
        fit = fits.get(model)
        if fit is None:
            continue
        k = X.shape[1]
        params = np.asarray(fit.params)[:k]
        bse = np.asarray(fit.bse)[:k]
        pvalues = np.asarray(fit.pvalues)[:k]
        for j, (term, role, level) in enumerate(terms):
            ratio = ratio_interval(float(params[j]), float(bse[j]))
            if ratio is None:
                continue  # no finite estimate (e.g. a group that reached no one)
            if role == "const":
                rows.append(
                    {
                        "term": f"baseline: {level}",
                        **{k: 1000 * v if k != "std_error" else v for k, v in ratio.items()},
                        "p_value": np.nan,
                        "n": n,
                        "model": model,
                        "measure": "baseline_per_1000",
                        "level": str(level),
                        "role": role,
                    }
                )
                continue
            rows.append(
                {
                    "term": term,
                    **ratio,
                    "p_value": float(pvalues[j]),
                    "n": n,
                    "model": model,
                    "measure": "rate_ratio",
                    "level": level,
                    "role": role,
                }
            )
    nb = fits["nb2"]
    alpha = float(nb.params.iloc[-1])
    alpha_se = float(nb.bse.iloc[-1])
    rows.append(
        {
            "term": "alpha",
            "estimate": alpha,
            "std_error": alpha_se,
            "ci_low": alpha - Z95 * alpha_se,
            "ci_high": alpha + Z95 * alpha_se,
            "n": n,
            "model": "nb2",
            "measure": "alpha",
            "role": "dispersion",
        }
    )
    rows.append(
        {
            "term": "pearson_dispersion",
            "estimate": fits["pearson_dispersion"],
            "n": n,
            "model": "poisson",
            "measure": "pearson_dispersion",
            "role": "dispersion",
        }
    )
    ct = fits["cameron_trivedi"]
    rows.append(
        {
            "term": "cameron_trivedi",
            "estimate": ct["alpha"],
            "std_error": ct["std_error"],
            "p_value": ct["p_value"],
            "n": n,
            "model": "poisson",
            "measure": "cameron_trivedi",
            "role": "dispersion",
        }
    )
    if "gee" in fits:
        rows.append(
            {
                "term": "exchangeable_correlation",
                "estimate": float(np.asarray(fits["gee"].cov_struct.dep_params)),
                "n": n,
                "model": "gee",
                "measure": "correlation",
                "role": "dispersion",
            }
        )
    # marginal rates per 1,000 per level of the predictor (NB2)
    k = X.shape[1]
    beta = np.asarray(nb.params)[:k]
    cov = np.asarray(nb.cov_params())[:k, :k]
    dummies = [j for j, (_, role, _) in enumerate(terms) if role == "between"]
    base = X.to_numpy(dtype=float).copy()
    counts = predictor.value_counts()
    for i, level in enumerate(levels):
        Xl = base.copy()
        Xl[:, dummies] = 0.0
        if i > 0:
            Xl[:, dummies[i - 1]] = 1.0
        mu = 1000 * np.exp(Xl @ beta)
        rate = float(mu.mean())
        grad = (mu[:, None] * Xl).mean(axis=0)
        se_log = float(np.sqrt(grad @ cov @ grad)) / rate
        rows.append(
            {
                "term": f"rate: {level}",
                "estimate": rate,
                "std_error": se_log,
                "ci_low": rate * math.exp(-Z95 * se_log),
                "ci_high": rate * math.exp(Z95 * se_log),
                "n": int(counts.get(level, 0)),
                "model": "nb2",
                "measure": "rate_per_1000",
                "level": str(level),
                "role": "rate",
            }
        )
    return rows


# ============================================================================================
# The reach summary and funnel
# ============================================================================================
class ReachSummary(Result):
    """RE-AIM reach: number, proportion, the funnel and representativeness (see :func:`reach_summary`)."""

    key = "reach_funnel"

    def __init__(
        self,
        *,
        funnel: DisclosedTable | None,
        stages: list[str],
        stage_labels: dict[str, str],
        groups: list[str],
        summary: list[dict[str, Any]],
        breaks: list[dict[str, Any]],
        representativeness: list[dict[str, Any]],
        between: str | None,
        n_small_groups: int,
        n_funnel: int,
        labels: Mapping[str, str],
        policy: Policy,
        lang: str,
    ):
        self._funnel = funnel
        self.stages = stages
        self.stage_labels = stage_labels
        self.groups = groups
        self._summary = summary
        #: Where a stage is larger than the one before: ``earlier`` and ``later`` (stage labels),
        #: ``column`` (a group or the total), ``larger`` (the column's sums break the order) and
        #: ``rows`` (respondents whose own answers break it; private when below ``min_count``).
        self.breaks = breaks
        self._representativeness = representativeness
        self.between = between
        self.n_small_groups = n_small_groups
        self.n_funnel = n_funnel
        self.labels = dict(labels)
        self.policy = policy
        self.lang = lang

    @property
    def empty(self) -> bool:
        return self._funnel is None

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        t = words(lang, "reach")
        if self.between is None:
            return t["funnel_title_all"]
        return t["funnel_title"].format(between=in_sentence(self.labels.get(self.between, self.between)))

    def table(self) -> DisclosedTable:
        if self._funnel is None:
            raise DisclosureError(
                "too few respondents to publish the reach funnel",
                hint="report on a larger area or a coarser grouping",
            )
        return self._funnel

    def stage_counts(self) -> pd.DataFrame:
        """Published funnel counts: stages (rows, labels) x groups and total; hidden counts NaN."""
        import numpy as np

        values = self.table().values
        return values.map(lambda v: np.nan if v is None else float(v))

    def to_frame(self) -> pd.DataFrame:
        """Published figures, one row each: the summary per group (``measure`` ``organisations``,
        ``reached``, ``per_organisation``, ``per_1000``, ``unknown_share``), the funnel
        (``measure`` ``funnel``, ``term`` the stage, ``estimate`` the count, and ``share_previous``
        the share of the previous stage) and representativeness (``measure``
        ``share_respondents``, ``share_reached``, ``share_population``, ``share_target``, in 0-1).
        ``group`` is the group's label (the total's in the table language)."""
        rows = [dict(r) for r in self._summary]
        if not self.empty:
            counts = self.stage_counts()
            for col in counts.columns:
                previous = None
                for stage in counts.index:
                    value = counts.at[stage, col]
                    row = {
                        "term": stage,
                        "estimate": value,
                        "model": "observed",
                        "measure": "funnel",
                        "group": col,
                    }
                    if previous is not None and value == value and previous == previous and previous > 0:
                        row["share_previous"] = value / previous
                    rows.append(row)
                    previous = value
        rows += [dict(r) for r in self._representativeness]
        return tidy(rows)

    def figure(self, lang: str | None = None) -> go.Figure:
        """The funnel of published counts: one trace per group (the total when there are no groups)."""
        from analysis.figures import funnel

        lang = lang or self.lang
        t = words(lang, "reach")
        counts = self.stage_counts()
        shown = counts.iloc[:, :-1] if len(counts.columns) > 2 else counts.iloc[:, -1:]
        notes = [
            self._break_note(b, lang)
            for b in self.breaks
            if b["larger"] and b["column"] == counts.columns[-1]
        ]
        if self.n_small_groups:
            notes.append(t["hidden"].format(m=self.policy.min_count))
        legend = self.labels.get(self.between, self.between) if self.between else ""
        return funnel(shown, title=self.title(lang), legend_title=legend, note=" ".join(notes) or None)

    def findings(self, lang: str | None = None) -> list[str]:
        """Number and proportion reached, the share unknown to services, the funnel, its breaks,
        and representativeness."""
        lang = lang or self.lang
        t = words(lang, "reach")
        if self.empty:
            return [t["funnel_none"]]
        frame = self.to_frame()
        total = self._total_label()
        out = []
        summary = frame[
            frame["measure"].isin(
                ["organisations", "reached", "per_organisation", "per_1000", "unknown_share"]
            )
        ]

        def get(group, measure):
            hit = summary[(summary["group"] == group) & (summary["measure"] == measure)]
            return (
                None
                if hit.empty or hit.iloc[0]["estimate"] != hit.iloc[0]["estimate"]
                else float(hit.iloc[0]["estimate"])
            )

        n, reached = get(total, "organisations"), get(total, "reached")
        per_org, per_1000 = get(total, "per_organisation"), get(total, "per_1000")
        if n is not None and reached is not None and per_org is not None:
            sentence = t["number"].format(
                n=fmt_int(n, lang), reached=fmt_int(reached, lang), per_org=_num(per_org, RATE_DECIMALS, lang)
            )
            if per_1000 is not None:
                sentence += " " + t["proportion"].format(per_1000=_num(per_1000, RATE_DECIMALS, lang))
            out.append(sentence)
        parts = []
        for group in self.groups:
            g_n, g_org, g_1000 = (
                get(group, "organisations"),
                get(group, "per_organisation"),
                get(group, "per_1000"),
            )
            if g_n is not None and g_org is not None and g_1000 is not None:
                parts.append(
                    t["group_part"].format(
                        group=in_sentence(group),
                        per_org=_num(g_org, RATE_DECIMALS, lang),
                        per_1000=_num(g_1000, RATE_DECIMALS, lang),
                        n=fmt_int(g_n, lang),
                    )
                )
        if parts:
            out.append(t["groups"].format(parts="; ".join(parts)))
        unknown = get(total, "unknown_share")
        if unknown is not None:
            out.append(t["unknown"].format(pct=fmt_pct(100 * unknown, 0, lang)))
        funnel_rows = frame[(frame["measure"] == "funnel") & (frame["group"] == total)]
        if len(funnel_rows) > 1:
            pieces = []
            for i, row in enumerate(funnel_rows.to_dict("records")):
                if row["estimate"] != row["estimate"]:
                    pieces.append(t["part_hidden"].format(stage=in_sentence(row["term"])))
                elif i == 0 or row.get("share_previous") != row.get("share_previous"):
                    pieces.append(
                        t["part_first"].format(
                            stage=in_sentence(row["term"]), n=fmt_int(row["estimate"], lang)
                        )
                    )
                else:
                    pieces.append(
                        t["part"].format(
                            stage=in_sentence(row["term"]),
                            n=fmt_int(row["estimate"], lang),
                            pct=fmt_pct(100 * row["share_previous"], 0, lang),
                        )
                    )
            out.append(t["funnel"].format(parts="; ".join(pieces)))
        larger = [b for b in self.breaks if b["column"] == total and b["larger"]]
        if larger:
            out += [self._break_note(b, lang, sentence=True) for b in larger]
        elif len(funnel_rows) > 1:
            out.append(t["funnel_ok"])
        for b in self.breaks:
            if b["column"] == total and b["rows"]:
                out.append(
                    t["funnel_break_rows"].format(
                        n=self._count(b["rows"], lang),
                        later=in_sentence(b["later"]),
                        earlier=in_sentence(b["earlier"]),
                    )
                )
        out += self._representativeness_sentences(frame, lang)
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The summary per group (number, per organisation, per 1,000, share unknown) and one
        representativeness table per margin of the municipality frame."""
        if self.empty:
            return []
        lang = lang or self.lang
        t = words(lang, "reach")
        out = []
        frame = self.to_frame()
        summary = frame[
            frame["measure"].isin(
                ["organisations", "reached", "per_organisation", "per_1000", "unknown_share"]
            )
        ]
        if len(summary):
            groups = list(dict.fromkeys(summary["group"]))
            header = [
                self.labels.get(self.between, self.between) if self.between else "",
                t["col_orgs"],
                t["col_reached"],
                t["col_per_org"],
                t["col_per_1000"],
                t["col_unknown"],
            ]
            body = []
            for group in groups:
                cells = [group]
                for measure, kind in (
                    ("organisations", "int"),
                    ("reached", "int"),
                    ("per_organisation", "rate"),
                    ("per_1000", "rate"),
                    ("unknown_share", "pct"),
                ):
                    hit = summary[(summary["group"] == group) & (summary["measure"] == measure)]
                    cells.append(
                        _cell(hit.iloc[0]["estimate"] if len(hit) else None, kind, lang, self.policy)
                    )
                body.append(cells)
            notes = [t["summary_note"]]
            if self.n_small_groups:
                notes.append(t["hidden"].format(m=self.policy.min_count))
            title = (
                t["summary_title"]
                if self.between is None
                else t["summary_title_by"].format(
                    between=in_sentence(self.labels.get(self.between, self.between))
                )
            )
            out.append(
                (
                    title,
                    estimates_table(title, header, body, notes, policy=self.policy, title=title, lang=lang),
                )
            )
        rep = frame[frame["measure"].str.startswith("share_", na=False)]
        for margin in dict.fromkeys(rep["margin"].dropna()) if "margin" in rep else []:
            part = rep[rep["margin"] == margin]
            measures = [
                m
                for m in (
                    "respondents",
                    "share_respondents",
                    "share_reached",
                    "share_population",
                    "share_target",
                )
                if m == "respondents" or (part["measure"] == m).any()
            ]
            header = [margin, *[t[f"col_{m}"] for m in measures]]
            body = []
            for category in dict.fromkeys(part["term"]):
                cells = [category]
                for m in measures:
                    hit = part[
                        (part["term"] == category)
                        & (
                            part["measure"] == m
                            if m != "respondents"
                            else part["measure"] == "share_respondents"
                        )
                    ]
                    if m == "respondents":
                        cells.append(hit.iloc[0]["count_label"] if len(hit) else "")
                    else:
                        cells.append(
                            _cell(hit.iloc[0]["estimate"] if len(hit) else None, "pct", lang, self.policy)
                        )
                body.append(cells)
            title = t["repr_title"].format(margin=in_sentence(margin))
            notes = [t["repr_note"]]
            out.append(
                (
                    title,
                    estimates_table(title, header, body, notes, policy=self.policy, title=title, lang=lang),
                )
            )
        return out

    # -- helpers ----------------------------------------------------------------------
    def _total_label(self) -> str:
        return str(self.table().values.columns[-1])

    def _count(self, n: int, lang: str) -> str:
        return self.policy.below if 0 < n < self.policy.min_count else fmt_int(self.policy.round(n), lang)

    def _break_note(self, b: dict[str, Any], lang: str, sentence: bool = False) -> str:
        t = words(lang, "reach")
        key = "funnel_break" if sentence else "funnel_break_note"
        return t[key].format(
            later=b["later"],
            earlier=b["earlier"],
            later_lower=in_sentence(b["later"]),
            earlier_lower=in_sentence(b["earlier"]),
        )

    def _representativeness_sentences(self, frame: pd.DataFrame, lang: str) -> list[str]:
        t = words(lang, "reach")
        out = []
        rep = frame[
            frame["measure"].isin(["share_reached", "share_target", "share_population", "share_respondents"])
        ]
        if rep.empty:
            return out
        for margin in dict.fromkeys(rep["margin"].dropna()):
            part = rep[rep["margin"] == margin]
            reached = part[part["measure"] == "share_reached"].set_index("term")["estimate"]
            respondents = part[part["measure"] == "share_respondents"].set_index("term")["estimate"]
            target = part[part["measure"] == "share_target"].set_index("term")["estimate"]
            what, key = (reached, "repr") if reached.notna().any() else (respondents, "repr_respondents")
            if target.empty:
                target = part[part["measure"] == "share_population"].set_index("term")["estimate"]
                key += "_population"
            diff = (what - target.reindex(what.index)).dropna()
            if diff.empty:
                continue
            category = str(diff.abs().idxmax())
            out.append(
                t[key].format(
                    margin=in_sentence(margin),
                    category=category,
                    share=fmt_pct(100 * what[category], 0, lang),
                    frame=fmt_pct(100 * target[category], 0, lang),
                )
            )
        return out


def reach_summary(
    data: pd.DataFrame,
    *,
    count: str,
    population: str | None = None,
    unknown: str | None = None,
    stages: Mapping[str, str] | None = None,
    between: str | None = None,
    municipality: str | None = None,
    frame: pd.DataFrame | None = None,
    frame_code: str | None = None,
    margins: Sequence[str] = (),
    frame_population: str | None = None,
    frame_target: str | None = None,
    labels: Mapping[str, str] | None = None,
    policy: Policy,
    lang: str = "nl",
) -> ReachSummary:
    """RE-AIM reach: number, proportion, the funnel to feedback, and representativeness.

    Parameters
    ----------
    data
        One row per organisation (respondent), restricted beforehand to whom it is about.
    count
        Persons reached (the funnel's first stage).
    population
        The organisation's target population: reach per 1,000 is the persons reached over the
        summed target populations (rows with both), times 1,000.
    unknown
        Persons reached who were not yet known to formal services (a part of ``count``).
    stages
        The later stages of the funnel, in order, as stage -> column: keys from
        :data:`STAGES` (``signals``, ``referred``, ``first_contact``, ``help_started``,
        ``feedback``). A stage missing here is left out.
    between
        A grouping (the collaboration form): every figure per group and in total.
    municipality, frame, frame_code
        The respondents' municipality column, the municipality frame and its code column:
        needed for representativeness.
    margins
        Columns of ``frame`` to compare on (size class, region): per category the share of
        respondents, of persons reached, and of the frame's population and target population.
    frame_population, frame_target
        The frame's population and target-population columns (either may be ``None``).
    labels
        Variable labels (column -> label) of ``data``'s and ``frame``'s columns.
    policy, lang
        The disclosure policy and the language.

    Returns
    -------
    ReachSummary
        ``table()``: the funnel (stages x groups and total), disclosed; ``figure()``: the
        funnel; ``extra_tables()``: the summary per group and the representativeness tables;
        ``breaks``: stages larger than the one before.

    Notes
    -----
    Groups with fewer respondents than ``policy.min_count`` are left out of every figure
    (totals too, so they cannot be worked out by subtraction). Every figure uses the respondents
    who answered the count and every stage of the funnel; the funnel's counts are sums of persons,
    each over at least ``min_count`` organisations, and go through cell suppression with the lines
    described in the module docstring. The persons reached in the summary are the funnel's first
    stage as published (hidden there, hidden with the mean per organisation); the share unknown to
    services is published only where the number unknown passes the same suppression. A later stage that is larger than an earlier one (feedback on more referrals
    than those where help started, say) is reported as a break, per group and in total, with the
    number of respondents whose own answers break the order.
    """
    import pandas as pd

    labels = dict(labels or {})
    t = words(lang, "reach")
    stages = dict(stages or {})
    unknown_stages = sorted(set(stages) - set(STAGES[1:]))
    if unknown_stages:
        raise BruggenError(
            f"{unknown_stages[0]!r} is not a stage of the reach funnel",
            hint=f"stages: {', '.join(STAGES[1:])}",
        )
    order = ["reached", *[s for s in STAGES[1:] if s in stages]]
    columns = {"reached": count, **stages}
    needed = [count, *stages.values(), *(c for c in (population, unknown, between, municipality) if c)]
    _require(data, needed)
    work = data[data[count].notna()].copy()
    if between is not None:
        work = work[work[between].notna()]
    groups: list[str] = []
    small: list[str] = []
    if between is not None:
        sizes = work[between].astype("string").value_counts()
        cats = _categories(work[between])
        small = [g for g in cats if 0 < sizes.get(g, 0) < policy.min_count]
        groups = [g for g in cats if sizes.get(g, 0) >= policy.min_count]
        work = work[work[between].astype("string").isin(groups)]
    stage_labels = {s: t[f"stage_{s}"] for s in order}
    kwargs = dict(
        stages=order,
        stage_labels=stage_labels,
        groups=groups,
        between=between,
        n_small_groups=len(small),
        labels=labels,
        policy=policy,
        lang=lang,
    )
    if len(work) < policy.min_count:
        return ReachSummary(funnel=None, summary=[], breaks=[], representativeness=[], n_funnel=0, **kwargs)
    total = _total(lang)

    def by_group(frame):
        parts = [(g, frame[frame[between].astype("string") == g]) for g in groups] if between else []
        return [*parts, (total, frame)]

    # -- the funnel: the respondents who answered every stage (every figure below uses them)
    stage_cols = [columns[s] for s in order]
    work = work.dropna(subset=stage_cols)
    if len(work) < policy.min_count:
        return ReachSummary(funnel=None, summary=[], breaks=[], representativeness=[], n_funnel=0, **kwargs)
    values = {
        group: [float(pd.to_numeric(part[c]).sum()) for c in stage_cols] for group, part in by_group(work)
    }
    funnel_table = _funnel_table(
        values,
        [stage_labels[s] for s in order],
        policy,
        name=ReachSummary(
            funnel=None, summary=[], breaks=[], representativeness=[], n_funnel=0, **kwargs
        ).title(lang),
        lang=lang,
        stage_header=t["stage"],
    )
    breaks = []
    for k in range(len(order) - 1):
        earlier, later = stage_labels[order[k]], stage_labels[order[k + 1]]
        a = pd.to_numeric(work[stage_cols[k]])
        b = pd.to_numeric(work[stage_cols[k + 1]])
        for group, part in by_group(work):
            rows = int((b[part.index] > a[part.index]).sum())
            larger = values[group][k + 1] > values[group][k]
            if larger or rows:
                breaks.append(
                    {"earlier": earlier, "later": later, "column": group, "rows": rows, "larger": larger}
                )

    # -- number and proportion: persons reached as the funnel publishes them (hidden there, hidden
    # here, with the mean per organisation that would give them away); the share unknown to
    # services only where the number unknown is published under the same suppression rules
    summary: list[dict[str, Any]] = []
    reached_published = funnel_table.values.iloc[0] if funnel_table is not None else None
    unknown_shown = (
        _one_way_shown(
            {g: float(pd.to_numeric(part[unknown], errors="coerce").sum()) for g, part in by_group(work)},
            policy,
        )
        if unknown is not None
        else {}
    )
    for group, part in by_group(work):
        y = pd.to_numeric(part[count], errors="coerce")
        summary.append(_summary_row("organisations", group, float(policy.round(len(part)))))
        reached = None if reached_published is None else reached_published.get(group)
        summary.append(_summary_row("reached", group, None if reached is None else float(reached)))
        summary.append(
            _summary_row("per_organisation", group, float(y.mean()) if reached is not None else None)
        )
        if population is not None:
            pop = pd.to_numeric(part[population], errors="coerce")
            ok = pop > 0
            if ok.any():
                summary.append(_summary_row("per_1000", group, 1000 * float(y[ok].sum() / pop[ok].sum())))
        if unknown is not None and unknown_shown.get(group):
            unk = pd.to_numeric(part[unknown], errors="coerce")
            ok = unk.notna() & (y > 0)
            if y[ok].sum() >= policy.min_denominator:
                summary.append(_summary_row("unknown_share", group, float(unk[ok].sum() / y[ok].sum())))

    # -- representativeness
    representativeness: list[dict[str, Any]] = []
    if frame is not None and municipality is not None and frame_code is not None and margins:
        representativeness = _representativeness(
            work,
            count=count,
            municipality=municipality,
            frame=frame,
            frame_code=frame_code,
            margins=margins,
            frame_population=frame_population,
            frame_target=frame_target,
            labels=labels,
            policy=policy,
            lang=lang,
        )
    return ReachSummary(
        funnel=funnel_table,
        summary=summary,
        breaks=breaks,
        representativeness=representativeness,
        n_funnel=len(work),
        **kwargs,
    )


def _one_way_shown(values: dict[str, float], policy: Policy) -> dict[str, bool]:
    """Which of a one-way table's sums (groups, then the total as the last key) may be published:
    the cell-suppression engine with one line (the groups add up to the total)."""
    import numpy as np

    from analysis.disclosure.suppression import SHOWN, one_way_lines, suppress

    keys = list(values)
    cells = np.array([round(values[k]) for k in keys], dtype=np.int64)
    if len(keys) == 1:
        return {keys[0]: bool(cells[0] == 0 or cells[0] >= policy.min_count)}
    try:
        status = suppress(cells, one_way_lines(len(keys) - 1), policy.min_count).status
    except DisclosureError:
        return dict.fromkeys(keys, False)
    return {k: bool(st == SHOWN) for k, st in zip(keys, status, strict=True)}


def _summary_row(measure: str, group: str, value: float | None) -> dict[str, Any]:
    import numpy as np

    return {
        "term": f"{measure}: {group}",
        "estimate": value if value is not None else np.nan,
        "model": "observed",
        "measure": measure,
        "group": group,
    }


def _funnel_table(
    values: dict[str, list[float]],
    stages: list[str],
    policy: Policy,
    *,
    name: str,
    lang: str,
    stage_header: str,
) -> DisclosedTable | None:
    """The funnel as a disclosed table: stages x groups and the total (the last key of ``values``).

    Lines: per stage, the groups add up to the total; per column and pair of consecutive stages
    with a non-negative difference, the later stage and the people lost add up to the earlier
    one (the lost are cells of the engine, never published). Counts below ``min_count``, and lost
    counts below it, are hidden with their complements.
    """
    import numpy as np
    import pandas as pd

    from analysis.disclosure import DisclosedTable, SuppressionEntry, SuppressionLog
    from analysis.disclosure.suppression import PRIMARY, SECONDARY, SHOWN, Line, suppress

    columns = list(values)
    n_rows, n_cols = len(stages), len(columns)
    grid = np.array([[round(values[c][i]) for c in columns] for i in range(n_rows)], dtype=np.int64)
    cells = list(grid.ravel())
    lines: list[Line] = []
    has_groups = n_cols > 1
    for i in range(n_rows):
        if has_groups:
            lines.append(Line(tuple(i * n_cols + j for j in range(n_cols - 1)), i * n_cols + n_cols - 1))
    lost: dict[int, tuple[int, int]] = {}
    for i in range(n_rows - 1):
        for j in range(n_cols):
            diff = grid[i, j] - grid[i + 1, j]
            if diff >= 0:
                cells.append(int(diff))
                lost[len(cells) - 1] = (i, j)
                lines.append(Line(((i + 1) * n_cols + j, len(cells) - 1), i * n_cols + j))
    # lost counts also add up over the groups (implied by the lines above where all exist)
    try:
        result = suppress(np.array(cells, dtype=np.int64), lines, policy.min_count)
    except DisclosureError:
        return None
    status = result.status[: n_rows * n_cols].reshape(n_rows, n_cols)

    def label(flat: int) -> tuple[str, str]:
        if flat in lost:
            i, j = lost[flat]
            return (words(lang, "reach")["lost"].format(a=stages[i], b=stages[i + 1]), columns[j])
        i, j = divmod(flat, n_cols)
        return (stages[i], columns[j])

    entries = []
    for flat in range(n_rows * n_cols):
        st = result.status[flat]
        if st == SHOWN:
            continue
        r, c = label(flat)
        entries.append(
            SuppressionEntry(
                table=name,
                row=r,
                col=c,
                kind="primary" if st == PRIMARY else "secondary",
                threshold=policy.min_count,
                protects=label(result.protects[flat]) if st == SECONDARY else None,
                value=int(cells[flat]),
            )
        )
    published = np.empty(grid.shape, dtype=object)
    for idx in np.ndindex(grid.shape):
        published[idx] = policy.round(int(grid[idx])) if status[idx] == SHOWN else None
    status_names = {SHOWN: "shown", PRIMARY: "primary", SECONDARY: "secondary"}
    frame = pd.DataFrame(published, index=stages, columns=columns, dtype=object)
    status_df = pd.DataFrame(
        [[status_names[int(s)] for s in row] for row in status], index=stages, columns=columns, dtype=object
    )
    frame.index.name = stage_header
    return DisclosedTable(
        name=name,
        kind="crosstab",
        values=frame,
        status=status_df,
        policy=policy,
        log=SuppressionLog(tuple(entries)),
        lang=lang,
        title="",
        row_var=stage_header,
        col_var="",
        total_row=False,
        total_col=has_groups,
        notes=("rounded",) if policy.round_to else (),
    )


def _representativeness(
    work,
    *,
    count,
    municipality,
    frame,
    frame_code,
    margins,
    frame_population,
    frame_target,
    labels,
    policy,
    lang,
) -> list[dict[str, Any]]:
    """Per margin of the frame: shares of respondents, persons reached, population and target
    population per category; respondent counts through :func:`analysis.disclosure.frequency`."""
    import numpy as np
    import pandas as pd

    from analysis.disclosure import frequency

    _require(frame, [frame_code, *margins, *(c for c in (frame_population, frame_target) if c)])
    rows: list[dict[str, Any]] = []
    key = "__municipality"
    places = frame.assign(**{key: frame[frame_code].astype("string")})
    joined = work.assign(**{key: work[municipality].astype("string")}).merge(
        places[[key, *margins]].rename(columns={m: f"__margin_{m}" for m in margins}),
        on=key,
        how="left",
        validate="many_to_one",
    )
    for margin in margins:
        label = labels.get(margin, margin)
        cats = _categories(frame[margin])
        column = f"__margin_{margin}"
        series = pd.Series(
            pd.Categorical(joined[column].astype("string"), categories=cats), index=joined.index
        )
        if series.isna().all():
            continue
        counted = pd.DataFrame({label: series})
        table = frequency(counted, label, policy, lang=lang, percent=True, name=label)
        display = table.display(lang)
        published = table.values["n"]
        status = table.status["n"]
        y = pd.to_numeric(joined[count], errors="coerce")
        reached_total = float(y[series.notna()].sum())
        population_total = float(pd.to_numeric(frame[frame_population]).sum()) if frame_population else None
        target_total = float(pd.to_numeric(frame[frame_target]).sum()) if frame_target else None
        n_total = published.iloc[-1]
        for i, cat in enumerate(cats):
            shown = status.iloc[i] == "shown"
            n_pub = published.iloc[i]
            share_resp = (
                float(n_pub) / float(n_total)
                if shown and n_total and status.iloc[-1] == "shown" and n_total >= policy.min_denominator
                else np.nan
            )
            in_cat = series == cat
            reached = float(y[in_cat].sum())
            share_reached = (
                reached / reached_total
                if shown and (n_pub or 0) >= policy.min_count and reached_total > 0 and n_total
                else (0.0 if shown and n_pub == 0 else np.nan)
            )
            base = {"term": str(cat), "model": "frame", "margin": label, "group": str(cat)}
            rows.append(
                {
                    **base,
                    "measure": "share_respondents",
                    "estimate": share_resp,
                    "n": n_pub if shown else np.nan,
                    "count_label": display.iloc[i, 0],
                }
            )
            rows.append({**base, "measure": "share_reached", "estimate": share_reached})
            in_frame = frame[margin].astype("string") == cat
            if population_total:
                rows.append(
                    {
                        **base,
                        "measure": "share_population",
                        "estimate": float(pd.to_numeric(frame.loc[in_frame, frame_population]).sum())
                        / population_total,
                    }
                )
            if target_total:
                rows.append(
                    {
                        **base,
                        "measure": "share_target",
                        "estimate": float(pd.to_numeric(frame.loc[in_frame, frame_target]).sum())
                        / target_total,
                    }
                )
    return rows


# ============================================================================================
# Runners and plan checks
# ============================================================================================
def _restrict(r: Run, frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The frame restricted to the side the analysis is ``among`` (``informal``/``formal``)."""
    among = r.option("among")
    if not among:
        return frame, None
    side = r.column("side")
    label = r.declared("side", among)
    return frame[frame[side].astype("string") == label], among


def from_plan(r: Run) -> Result:
    """The runner of the ``reach`` analysis kind (see :mod:`analysis.analyses`)."""
    _require_roles(r, ("reach.count", "reach.population"))
    count = r.column("reach.count")
    exposure = r.column("reach.population")
    between_option = r.option("between")
    between = r.column(between_option)
    structural = None
    if r.plan.has(r.part, "collaboration_form") and between == r.plan.column(r.part, "collaboration_form"):
        structural = r.declared("collaboration_form", "structural")
    cluster = r.column(r.option("cluster")) if r.option("cluster") else None
    covariates = [r.column(c) for c in _names(r.option("covariates"))]
    if r.option("among"):
        r.column("side")
    frame, among = _restrict(r, r.frame)
    rate = None
    if r.plan.has(r.part, "id"):
        frame, rate = _prepared_rate(r, frame)
    return reach_model(
        frame,
        count=count,
        exposure=exposure,
        between=between,
        cluster=cluster,
        covariates=covariates,
        structural=structural,
        labels=r.labels,
        policy=r.policy,
        lang=r.lang,
        rate=rate,
        who=among,
    )


def funnel_from_plan(r: Run) -> Result:
    """The runner of the ``reach_funnel`` analysis kind (see :mod:`analysis.analyses`).

    The stages are the plan's ``survey.funnel.*`` roles after ``reach.count``; representativeness
    compares with the municipality frame on the ``margins`` (default: the frame's ``size`` and
    ``region`` roles), for the whole study only (not for a municipality's subset).
    """
    _require_roles(r, ("reach.count",))
    count = r.column("reach.count")
    population = r.column("reach.population") if r.plan.has(r.part, "reach.population") else None
    unknown = r.column("reach.unknown") if r.plan.has(r.part, "reach.unknown") else None
    stages = {s: r.column(f"funnel.{s}") for s in STAGES[1:] if r.plan.has(r.part, f"funnel.{s}")}
    between = r.column(r.option("between")) if r.option("between") else None
    if r.option("among"):
        r.column("side")
    municipality = frame = code = None
    margins: list[str] = []
    frame_population = frame_target = None
    plan = r.plan
    # representativeness is a question about the whole study: a subset (a municipality's report)
    # is not compared with the whole frame
    whole = len(r.frame) == len(r.vs.data(r.dataset, r.lang))
    if (
        whole
        and plan.has("municipalities")
        and plan.has(r.part, "municipality")
        and plan.has("municipalities", "code")
    ):
        wanted = _names(r.option("margins")) or [
            m for m in ("size", "region") if plan.has("municipalities", m)
        ]
        frame_ds = plan.dataset("municipalities")
        frame = r.vs.data(frame_ds, r.lang)
        municipality = r.column("municipality")
        code = plan.column("municipalities", "code")
        for m in wanted:
            column = plan.column("municipalities", m) if plan.has("municipalities", m) else m
            margins.append(column)
        for role in ("population", "target_population"):
            if plan.has("municipalities", role):
                column = plan.column("municipalities", role)
                if role == "population":
                    frame_population = column
                else:
                    frame_target = column
        for column in margins:
            r.labels[column] = r.vs.label(frame_ds, column, r.lang)
    data, _ = _restrict(r, r.frame)
    return reach_summary(
        data,
        count=count,
        population=population,
        unknown=unknown,
        stages=stages,
        between=between,
        municipality=municipality,
        frame=frame,
        frame_code=code,
        margins=margins,
        frame_population=frame_population,
        frame_target=frame_target,
        labels=r.labels,
        policy=r.policy,
        lang=r.lang,
    )


def check_plan(spec: AnalysisSpec, study: Study, dataset: Any) -> list[str]:
    """The gate's check of a ``reach`` analysis: the reach count and population, the side it is
    among, the grouping and the covariates."""
    plan = study.plan
    out = [
        f"needs plan.survey.{role}"
        for role in ("reach.count", "reach.population")
        if not plan.has("survey", role)
    ]
    out += _check_common(spec, study, dataset)
    covariates = spec.options.get("covariates")
    if covariates is not None and not isinstance(covariates, (str, list)):
        out.append(f"covariates: must be a list of roles or variables, not {covariates!r}")
    else:
        for name in _names(covariates):
            out += _resolvable("covariates", name, plan, dataset)
    return out


def check_funnel_plan(spec: AnalysisSpec, study: Study, dataset: Any) -> list[str]:
    """The gate's check of a ``reach_funnel`` analysis: the reach count, the side, the grouping,
    and margins that are roles or columns of the municipality frame."""
    plan = study.plan
    out = [] if plan.has("survey", "reach.count") else ["needs plan.survey.reach.count"]
    out += _check_common(spec, study, dataset)
    margins = spec.options.get("margins")
    if margins is not None:
        if not plan.has("municipalities"):
            out.append("margins: needs the plan's municipalities part (the frame to compare with)")
        elif not isinstance(margins, (str, list)):
            out.append(f"margins: must be a list of roles of the municipality frame, not {margins!r}")
        else:
            for m in _names(margins):
                if not plan.has("municipalities", m):
                    out.append(f"margins: {m!r} is not a role of plan.municipalities (size, region)")
    return out


def _check_common(spec: AnalysisSpec, study: Study, dataset: Any) -> list[str]:
    plan = study.plan
    out = []
    among = spec.options.get("among")
    if among not in (None, "informal", "formal"):
        out.append(f"among: must be informal, formal or empty, not {among!r}")
    elif among and not plan.has("survey", "side"):
        out.append("among: needs plan.survey.side (which value is the formal side, which the informal)")
    between = spec.options.get("between")
    if between:
        if between == "collaboration_form" and not plan.has("survey", "collaboration_form"):
            out.append("between: needs plan.survey.collaboration_form")
        else:
            out += _resolvable("between", between, plan, dataset)
    return out


def _resolvable(option: str, name: Any, plan: Any, dataset: Any) -> list[str]:
    name = str(name)
    if plan.has("survey", name) or name in dataset.frame.columns:
        return []
    if plan.has("municipalities", name):
        return (
            []
            if plan.has("survey", "municipality")
            else [
                f"{option}: {name!r} is a role of the municipality frame, so plan.survey.municipality is needed"
            ]
        )
    return [f"{option}: {name!r} is neither a role of plan.survey nor a variable of {dataset.name}"]


def _require_roles(r: Run, roles: Sequence[str]) -> None:
    for role in roles:
        r.plan.binding(r.part, role)  # a clear error naming the key


def _prepared_rate(r: Run, frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Join the prepared reach per 1,000 (:meth:`ValidatedStudy.prepared`) by respondent id."""
    from analysis.prepare.compose import REACH_COLUMN

    ids = r.plan.column(r.part, "id")
    if ids not in frame.columns:
        return frame, None
    prepared = r.vs.prepared("survey")
    if REACH_COLUMN not in prepared.columns or ids not in prepared.columns:
        return frame, None
    rates = prepared.drop_duplicates(ids).set_index(prepared[ids].astype("string").drop_duplicates())[
        REACH_COLUMN
    ]
    column = "__prepared_" + REACH_COLUMN
    return frame.assign(**{column: frame[ids].astype("string").map(rates).astype(float)}), column


# ============================================================================================
# Small helpers
# ============================================================================================
def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [str(value)]
    return [str(v) for v in value]


def _require(data: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise BruggenError(
            f"the data have no column {missing[0]!r}",
            hint="check the variable names in the codebook and in the plan in study.yml",
        )


def _categories(series: pd.Series) -> list[str]:
    """Observed categories as text, in category order (sorted for other columns)."""
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna().astype(str))
        return [str(c) for c in series.cat.categories if str(c) in present]
    values = series.dropna().unique()
    try:
        ordered = sorted(values)
    except TypeError:
        ordered = sorted(values, key=str)
    return list(dict.fromkeys(str(v) for v in ordered))


def _total(lang: str) -> str:
    """The disclosure tables' label of a total ("Totaal")."""
    from analysis.disclosure._text import text

    return text(lang)["total"]


def _or_join(labels: list[str], word: str) -> str:
    """["Small", "Medium"] -> "Small or medium": the first as is, the rest in sentence case."""
    if not labels:
        return ""
    parts = [labels[0], *[in_sentence(x) for x in labels[1:]]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + word + parts[-1]


def _short(label: str) -> str:
    """A label without its closing remark in brackets: "Gemeente (CBS-code)" -> "Gemeente"."""
    import re

    return re.sub(r"\s*\([^()]*\)\s*$", "", label) or label


def _join(parts: list[str], word: str) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + word + parts[-1]


def _num(value: float, decimals: int, lang: str) -> str:
    return fmt_number(float(value), decimals, lang)


def _p(p: float, lang: str) -> str:
    return "< " + fmt_number(0.001, 3, lang) if p < 0.001 else "= " + fmt_number(p, 3, lang)


def _interval_text(row: Any, decimals: int, lang: str) -> str:
    return f"{_num(row['estimate'], decimals, lang)} ({_num(row['ci_low'], decimals, lang)}–{_num(row['ci_high'], decimals, lang)})"


def _cell(value: Any, kind: str, lang: str, policy: Policy) -> str:
    from analysis.disclosure._text import text

    if value is None or value != value:
        return text(lang)["hidden"]
    if kind == "int":
        return fmt_int(value, lang)
    if kind == "pct":
        return fmt_pct(100 * float(value), 0, lang)
    return fmt_number(float(value), RATE_DECIMALS, lang)


__all__ = [
    "STAGES",
    "ReachModel",
    "ReachSummary",
    "check_funnel_plan",
    "check_plan",
    "from_plan",
    "funnel_from_plan",
    "reach_model",
    "reach_summary",
]
