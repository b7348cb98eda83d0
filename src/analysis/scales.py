"""Scales and their reliability: do the items of a scale measure one thing, and how well?

Before scale scores are compared between formal and informal respondents, a report says how
reliable each scale is. :func:`reliability` gives, for one scale:

- **Cronbach's alpha** from the items' covariance matrix ``C`` of ``k`` items:
  ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` (psych::alpha's ``raw_alpha``);
- its **95% interval after Feldt** (1965; Feldt, Woodruff and Salih 1987), as psych's
  ``alpha.ci`` and the "Feldt" line of psych::alpha:
  ``1 - (1 - alpha) * F(1 - p/2 | 0.025; n - 1, (n - 1)(k - 1))``;
- **McDonald's omega total** from a one-factor maximum-likelihood model of the items'
  correlation matrix ``R`` (statsmodels ``Factor(method="ml")``):
  ``omega = 1 - sum(uniquenesses) / sum(R)``, which is what psych::omega(nfactors = 1,
  fm = "ml") reports as ``omega.tot``;
- per item its **item-rest correlation** (the item with the sum of the other items; psych's
  ``r.drop``) and **alpha if the item is dropped**.

Reverse-keyed items are reversed first (``min + max - x``, the lowest and highest valid code).
User-missing codes must already be missing (:meth:`analysis.ingest.Dataset.numeric`).

**Missing items.** By default (``missing="listwise"``) every statistic of a scale comes from
the respondents who answered all of its items, so alpha, its interval, omega and the item
statistics describe one group of ``n`` people and the factor model has one proper correlation
matrix. ``missing="pairwise"`` follows psych::alpha's default instead: each covariance (and
correlation) from the respondents who answered both items; ``n`` (for the interval) is then the
number of respondents who answered at least one item. The plan's ``min_items`` is the rule for
*scale scores* (:mod:`analysis.prepare`), not for reliability.

:func:`reliabilities` does this for several scales at once and is what the plan's
``reliability`` analysis (``from_plan``) returns. Published tables and figures go through
disclosure control: a scale answered by fewer than the policy's ``min_count`` respondents is not
published.
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from analysis.disclosure.tables import DisclosedTable, row_html
from analysis.errors import BruggenError, DisclosureError
from analysis.labels import unique_labels
from analysis.numbers import fmt_int, fmt_number
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import Policy
    from analysis.plan import AnalysisSpec, Scale
    from analysis.study import Study

#: How missing items are handled (see the module docstring).
Missing = Literal["listwise", "pairwise"]
#: Decimals of published reliability statistics (tables, findings, figure hover texts).
DECIMALS = 2
#: The usual lower bound of alpha for comparing groups (Nunnally); findings name scales below it.
CONVENTIONAL_ALPHA = 0.70


# -- the publication table -----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class StatisticsTable(DisclosedTable):
    """A published table of statistics (not counts): one row per scale or item.

    A :class:`~analysis.disclosure.DisclosedTable` (``kind="statistics"``), so reports, the
    tables workbook and the disclosure appendix treat it like every other table. ``values`` has
    one column per statistic, named by a key of the ``scales.columns`` wording (``alpha``,
    ``n`` ...); ``status`` is ``"shown"`` or ``"primary"`` (a row whose ``n`` is below the
    policy's ``min_count``: its ``n`` shows as ``"<10"``, its statistics as ``"x"``).

    Attributes
    ----------
    formats
        Per column: ``"int"`` (a count of respondents), ``"dec"`` (``decimals`` decimals) or
        ``"interval"`` (a ``(low, high)`` pair).
    explanations
        Footnotes beyond disclosure control, as ``(wording key, fields)`` of the ``scales``
        wording, rendered in the language asked for.
    """

    formats: tuple[str, ...] = ()
    explanations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    @property
    def stat_columns(self) -> tuple[str, ...]:
        """The columns that hold statistics, not counts of respondents (marked in the HTML)."""
        return tuple(c for c, f in zip(self.values.columns, self.formats, strict=True) if f != "int")

    def display(self, lang: str | None = None) -> pd.DataFrame:
        """The cells as display strings (``"0,73"``, ``"0,68–0,76"``, ``"<10"``, ``"x"``)."""
        import pandas as pd

        lang = lang or self.lang
        hidden = words(lang, "disclosure")["table"]["hidden"]
        out = pd.DataFrame(index=self.values.index, columns=self.values.columns, dtype=object)
        for j, fmt in enumerate(self.formats):
            for i in range(len(self.values.index)):
                value, status = self.values.iat[i, j], self.status.iat[i, j]
                if status != "shown":
                    out.iat[i, j] = self.policy.below if fmt == "int" else hidden
                else:
                    out.iat[i, j] = _fmt_cell(value, fmt, self.decimals, lang)
        return self._localise(out, lang)

    def _localise(self, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
        import pandas as pd

        names = words(lang, "scales")["columns"]
        frame = frame.copy()
        frame.index = pd.Index(list(frame.index), name=self.row_var or None)
        frame.columns = pd.Index([names.get(c, c) for c in frame.columns], name=self.col_var or None)
        return frame

    def figure_data(self, lang: str | None = None) -> pd.DataFrame:
        """Published numbers per row: ``row`` and one float column per statistic (NaN where
        hidden); an interval column ``ci`` becomes ``ci_low`` and ``ci_high``."""
        import pandas as pd

        records = []
        for i, row in enumerate(self.values.index):
            rec: dict[str, Any] = {"row": row}
            for j, col in enumerate(self.values.columns):
                shown = self.status.iat[i, j] == "shown"
                value = self.values.iat[i, j] if shown else None
                if self.formats[j] == "interval":
                    low, high = value if value is not None else (None, None)
                    rec[f"{col}_low"], rec[f"{col}_high"] = _float(low), _float(high)
                else:
                    rec[col] = _float(value)
            records.append(rec)
        return pd.DataFrame(records)

    def footnotes(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        t, s = words(lang, "disclosure")["table"], words(lang, "scales")
        notes = []
        hidden = self.status != "shown"
        counts = [c for c, f in zip(self.values.columns, self.formats, strict=True) if f == "int"]
        stats = [c for c in self.values.columns if c not in counts]
        if counts and hidden[counts].to_numpy().any():
            notes.append(t["fn_below"].format(below=self.policy.below, m=self.policy.min_count))
        if stats and hidden[stats].to_numpy().any():
            notes.append(s["fn_hidden"].format(m=self.policy.min_count))
        if "rounded" in self.notes:
            notes.append(t["fn_rounded"].format(r=self.policy.round_to))
        notes += [s[key].format(**dict(fields)) for key, fields in self.explanations]
        return notes

    def to_html(self, lang: str | None = None) -> str:
        """A plain HTML table with its footnotes (deterministic output)."""
        lang = lang or self.lang
        cells = self.display(lang)
        esc = html.escape
        out = [f'<div class="bruggen-table" data-table="{esc(self.name)}">', "<table>"]
        if self.title:
            out.append(f"<caption>{esc(self.title)}</caption>")
        out.append(
            "<thead><tr>"
            + f'<th scope="col">{esc(self.row_var)}</th>'
            + "".join(f'<th scope="col">{esc(str(c))}</th>' for c in cells.columns)
            + "</tr></thead>"
        )
        out.append("<tbody>")
        stat = [c in self.stat_columns for c in self.values.columns]
        for i, label in enumerate(cells.index):
            out.append(row_html(label, list(cells.iloc[i]), stat))
        out.append("</tbody></table>")
        notes = self.footnotes(lang)
        if notes:
            out.append('<p class="bruggen-footnote">' + "<br>".join(esc(n) for n in notes) + "</p>")
        out.append("</div>")
        return "\n".join(out) + "\n"


def _fmt_cell(value: Any, fmt: str, decimals: int, lang: str) -> str:
    empty = words(lang, "disclosure")["table"]["empty"]
    if fmt == "interval":
        low, high = value if value is not None else (None, None)
        if _float(low) != _float(low) or _float(high) != _float(high):
            return empty
        return f"{fmt_number(low, decimals, lang)}–{fmt_number(high, decimals, lang)}"
    number = _float(value)
    if number != number:
        return empty
    return fmt_int(number, lang) if fmt == "int" else fmt_number(number, decimals, lang)


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


# -- one scale ------------------------------------------------------------------------------------
class Reliability(Result):
    """The reliability of one scale (see :func:`reliability`).

    Attributes
    ----------
    name, items, reversed
        The scale, its items (columns) and the reverse-keyed ones.
    alpha, ci, omega
        Cronbach's alpha, its Feldt interval ``(low, high)`` and McDonald's omega total.
    item_rest, alpha_if_dropped, loadings, uniquenesses
        Per item (pandas Series indexed by item).
    n
        Respondents the statistics rest on (see ``missing``).
    missing
        ``"listwise"`` or ``"pairwise"``.
    covariance, correlation
        The item matrices the statistics were computed from.
    fit
        The one-factor model (statsmodels ``FactorResults``; ``None`` with fewer than three
        items or when it could not be fitted). Unpublished numbers: for the researcher only.

    ``to_frame()``, ``table()`` and ``figure()`` refuse (``DisclosureError``) when ``n`` is
    below the policy's ``min_count`` and ``findings()`` then says there are too few
    respondents; the attributes above stay available.
    """

    key = "reliability"

    def __init__(
        self,
        *,
        name: str,
        items: tuple[str, ...],
        reversed: tuple[str, ...],
        alpha: float,
        ci: tuple[float, float],
        omega: float,
        item_rest: pd.Series,
        alpha_if_dropped: pd.Series,
        loadings: pd.Series,
        uniquenesses: pd.Series,
        covariance: pd.DataFrame,
        correlation: pd.DataFrame,
        n: int,
        missing: Missing,
        level: float,
        policy: Policy,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
        fit: Any = None,
    ):
        self.name, self.items, self.reversed = name, items, reversed
        self.alpha, self.ci, self.omega = alpha, ci, omega
        self.item_rest, self.alpha_if_dropped = item_rest, alpha_if_dropped
        self.loadings, self.uniquenesses = loadings, uniquenesses
        self.covariance, self.correlation = covariance, correlation
        self.n, self.missing, self.level = n, missing, level
        self.policy = policy
        self.labels = dict(labels or {})
        self.lang = lang
        self.fit = fit

    # -- publication ------------------------------------------------------------------------
    @property
    def empty(self) -> bool:
        """Fewer respondents than the policy's ``min_count``: nothing may be published."""
        return self.n < self.policy.min_count

    @property
    def label(self) -> str:
        """The scale's label: ``labels[name]``, else its name with spaces for underscores."""
        return scale_label(self.name, self.labels)

    def _require_publishable(self) -> None:
        if self.empty:
            raise DisclosureError(
                f"scale {self.name!r}: fewer than {self.policy.min_count} respondents "
                + ("answered every item" if self.missing == "listwise" else "answered its items")
                + ", so its reliability may not be published (disclosure.min_count)",
                hint="report the scale for a larger group; the attributes alpha, omega and fit "
                "hold the numbers for your own checks (do not publish them)",
            )

    @property
    def n_published(self) -> int:
        """``n`` as published (rounded when the policy rounds counts)."""
        return int(self.policy.round(self.n))

    def to_frame(self) -> pd.DataFrame:
        """A row per statistic: ``alpha`` (with ``ci_low``, ``ci_high``), ``omega``, then
        ``item_rest:<item>`` and ``alpha_if_dropped:<item>`` per item.

        Columns: the tidy vocabulary (``term, estimate, std_error, ci_low, ci_high, p_value, n``;
        ``n`` as published) plus ``scale``, ``statistic`` and ``item``.
        """
        self._require_publishable()
        n = self.n_published
        base = {"n": n, "scale": self.name}
        rows = [
            {
                "term": "alpha",
                "estimate": self.alpha,
                "ci_low": self.ci[0],
                "ci_high": self.ci[1],
                **base,
                "statistic": "alpha",
                "item": None,
            },
            {"term": "omega", "estimate": self.omega, **base, "statistic": "omega", "item": None},
        ]
        for stat, values in (("item_rest", self.item_rest), ("alpha_if_dropped", self.alpha_if_dropped)):
            for item in self.items:
                rows.append(
                    {
                        "term": f"{stat}:{item}",
                        "estimate": float(values[item]),
                        **base,
                        "statistic": stat,
                        "item": item,
                    }
                )
        return tidy(rows)

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "scales")["title_scale"].format(scale=self.label)

    def table(self) -> StatisticsTable:
        """Per item (its label) the item-rest correlation and alpha if it is dropped; the
        footnotes give alpha, its interval, omega, ``n`` and the rule for missing items."""
        import pandas as pd

        self._require_publishable()
        t = words(self.lang, "scales")
        frame = self.to_frame()
        rows = [self._item_label(item) for item in self.items]
        rest = frame.set_index("term")["estimate"]
        values = pd.DataFrame(
            {
                "item_rest": [rest[f"item_rest:{i}"] for i in self.items],
                "alpha_if_dropped": [rest[f"alpha_if_dropped:{i}"] for i in self.items],
            },
            index=rows,
            dtype=object,
        )
        explanations = [
            (
                "fn_scale",
                (
                    ("alpha", fmt_number(rest["alpha"], DECIMALS, self.lang)),
                    ("low", fmt_number(frame["ci_low"].iloc[0], DECIMALS, self.lang)),
                    ("high", fmt_number(frame["ci_high"].iloc[0], DECIMALS, self.lang)),
                    ("omega", _fmt_or_dash(rest["omega"], self.lang)),
                    ("n", fmt_int(self.n_published, self.lang)),
                ),
            ),
            *_method_notes(self.missing),
        ]
        return _statistics_table(
            values,
            formats=("dec", "dec"),
            policy=self.policy,
            title=self.title(),
            row_var=t["item"],
            lang=self.lang,
            explanations=explanations,
        )

    def figure(self, lang: str | None = None) -> go.Figure:
        """Item-rest correlation per item (bars) and alpha without the item (diamonds), with the
        scale's alpha as a line: drawn from the published table."""
        import plotly.graph_objects as go

        from analysis.figures import PALETTE, theme

        lang = lang or self.lang
        t = words(lang, "scales")
        data = self.table().figure_data(lang)
        rows = [str(r) for r in data["row"]]
        alpha = float(self.to_frame().set_index("term").at["alpha", "estimate"])
        fig = go.Figure()
        fig.add_trace(
            go.Bar(
                name=t["item_rest"],
                y=rows,
                x=_rounded(data["item_rest"]),
                orientation="h",
                marker_color=PALETTE[1],
                hovertemplate="%{y}: %{x:.2f}<extra>" + t["item_rest"] + "</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                name=t["alpha_if_dropped"],
                y=rows,
                x=_rounded(data["alpha_if_dropped"]),
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": PALETTE[3]},
                hovertemplate="%{y}: %{x:.2f}<extra>" + t["alpha_if_dropped"] + "</extra>",
            )
        )
        layout = theme()
        layout.update(
            meta={"title": self.title(lang)},
            xaxis={
                **layout["xaxis"],
                "title": t["x"],
                "range": [min(0.0, _low(data["item_rest"]), _low(data["alpha_if_dropped"])), 1],
            },
            yaxis={**layout["yaxis"], "autorange": "reversed"},
            height=140 + 42 * len(rows),
            shapes=[_vline(round(alpha, DECIMALS))],
            annotations=[
                _vline_label(t["alpha_line"].format(alpha=fmt_number(alpha, DECIMALS, lang)), alpha)
            ],
        )
        fig.update_layout(**layout)
        return fig

    def findings(self, lang: str | None = None) -> list[str]:
        """Alpha with its interval and omega; the item with the weakest item-rest correlation;
        items that correlate negatively with the rest (perhaps reverse-keyed)."""
        lang = lang or self.lang
        t = words(lang, "scales")
        if self.empty:
            return [t["none_scale"].format(scale=self.label)]
        frame = self.to_frame()
        out = [_scale_sentence(frame, self.label, len(self.items), lang)]
        rest = frame[frame["statistic"] == "item_rest"].dropna(subset=["estimate"])
        if len(self.items) >= 3 and len(rest):
            weakest = rest.loc[rest["estimate"].idxmin()]
            dropped = frame.set_index("term").at[f"alpha_if_dropped:{weakest['item']}", "estimate"]
            if dropped == dropped:
                out.append(
                    t["weakest"].format(
                        item=self._item_label(weakest["item"], marked=False),
                        r=fmt_number(weakest["estimate"], DECIMALS, lang),
                        alpha=fmt_number(dropped, DECIMALS, lang),
                    )
                )
        for _, row in rest[rest["estimate"] < 0].iterrows():
            out.append(t["negative"].format(item=self._item_label(row["item"], marked=False)))
        return out

    def summary(self):
        """The one-factor model's summary (loadings, uniquenesses): for the researcher only."""
        return super().summary()

    def _repr_html_(self) -> str:
        if self.empty:
            return f"<p>{html.escape(self.findings()[0])}</p>"
        return self.table().to_html()

    def _item_label(self, item: str, marked: bool = True) -> str:
        label = self.labels.get(item, item)
        if marked and item in self.reversed:
            label = f"{label} {words(self.lang, 'scales')['reversed_mark']}"
        return label


def reliability(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    reversed: Sequence[str] = (),
    scale_min: float | Mapping[str, float] | None = None,
    scale_max: float | Mapping[str, float] | None = None,
    name: str | None = None,
    missing: Missing = "listwise",
    level: float = 0.95,
    policy: Policy | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> Reliability:
    """Cronbach's alpha (Feldt interval), McDonald's omega total and item statistics of a scale.

    Parameters
    ----------
    data
        Numeric item codes, one column per item, user-missing codes already ``NaN``
        (:meth:`analysis.ingest.Dataset.numeric`). Other columns are ignored.
    items
        The scale's items (at least two).
    reversed
        Reverse-keyed items among ``items``: reversed to ``scale_min + scale_max - x`` first.
    scale_min, scale_max
        The lowest and highest valid code: one number for every item, or item -> number (the
        codebook's valid value labels). Needed for reversed items only.
    name
        The scale's name (default: the items joined by ``+``).
    missing
        ``"listwise"`` (default): respondents who answered every item; ``"pairwise"``:
        covariances from every pair of answers, as psych::alpha's default (module docstring).
    level
        Coverage of the interval of alpha (default 95%).
    policy
        The disclosure policy (default :class:`analysis.disclosure.Policy`): with ``n`` below
        its ``min_count`` nothing is published.
    labels
        Labels of the items and of the scale (name -> label) for tables, figures and sentences.
    lang
        Language of the table, figure and sentences (``nl`` or ``en``).

    Returns
    -------
    Reliability
        ``to_frame()``: terms ``alpha`` (``estimate``, ``ci_low``, ``ci_high``, ``n``),
        ``omega``, ``item_rest:<item>``, ``alpha_if_dropped:<item>``. ``fit``: the one-factor
        maximum-likelihood model (statsmodels), ``summary()`` its summary.

    Notes
    -----
    Equal to R's psych (2.2.9) on the example study and on psych's own ``bfi`` data, with
    the same rule for missing items: ``alpha`` = psych::alpha ``raw_alpha``, the interval =
    its ``feldt`` line, ``item_rest`` = ``r.drop``, ``alpha_if_dropped`` = ``alpha.drop``'s
    ``raw_alpha``, ``omega`` = psych::omega(nfactors = 1, fm = "ml")'s ``omega.tot``
    (tests/reference/reliability.R). Omega needs at least three items (a one-factor model of
    two items is not identified): with two it is ``NaN``, as is alpha if an item is dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1, 2, 3], "b": [1, 3, 2]})  # variances 1 and 1, covariance 0.5
    >>> round(reliability(x, ["a", "b"]).alpha, 4)  # 2 * (1 - 2 / 3)
    0.6667
    """
    import pandas as pd

    from analysis.disclosure import Policy

    policy = policy or Policy()
    items = tuple(str(i) for i in items)
    reversed_ = tuple(str(i) for i in reversed)
    name = name or "+".join(items)
    if missing not in ("listwise", "pairwise"):
        raise BruggenError(
            f"missing={missing!r} is not a rule for missing items", hint="use 'listwise' or 'pairwise'"
        )
    if not 0 < level < 1:
        raise BruggenError(f"level={level!r} must lie between 0 and 1", hint="e.g. level=0.95")
    x = _items(data, items, reversed_, scale_min, scale_max, name)
    x = x.dropna() if missing == "listwise" else x[x.notna().any(axis=1)]
    n, k = len(x), len(items)
    cov = x.cov()
    corr = x.corr()
    alpha = _alpha(cov.to_numpy())
    ci = feldt_interval(alpha, n, k, level)
    item_rest, dropped = {}, {}
    c = cov.to_numpy()
    for j, item in enumerate(items):
        rest = [i for i in range(k) if i != j]
        v_rest = c[rest][:, rest].sum()
        item_rest[item] = (
            _ratio(c[j, rest].sum(), math.sqrt(c[j, j] * v_rest)) if c[j, j] * v_rest > 0 else math.nan
        )
        dropped[item] = _alpha(c[rest][:, rest]) if k > 2 else math.nan
    fit, loadings, uniquenesses, omega = _one_factor(corr, n)
    return Reliability(
        name=name,
        items=items,
        reversed=reversed_,
        alpha=alpha,
        ci=ci,
        omega=omega,
        item_rest=pd.Series(item_rest, dtype=float),
        alpha_if_dropped=pd.Series(dropped, dtype=float),
        loadings=loadings,
        uniquenesses=uniquenesses,
        covariance=cov,
        correlation=corr,
        n=n,
        missing=missing,
        level=level,
        policy=policy,
        labels=labels,
        lang=lang,
        fit=fit,
    )


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's interval for Cronbach's alpha of ``k`` items answered by ``n`` respondents.

    ``1 - (1 - alpha) * F_q(n - 1, (n - 1)(k - 1))`` with ``q = 1 - (1 - level)/2`` for the
    lower and ``q = (1 - level)/2`` for the upper bound (psych's ``alpha.ci``).

    >>> [round(v, 4) for v in feldt_interval(0.8, 100, 5)]
    [0.7306, 0.8559]
    """
    from scipy.stats import f

    if n < 2 or k < 2 or alpha != alpha:
        return math.nan, math.nan
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (
        float(1 - (1 - alpha) * f.ppf(1 - tail, df1, df2)),
        float(1 - (1 - alpha) * f.ppf(tail, df1, df2)),
    )


def _alpha(c: np.ndarray) -> float:
    k = c.shape[0]
    total = c.sum()
    if k < 2 or not total > 0:
        return math.nan
    return float(k / (k - 1) * (1 - c.trace() / total))


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else math.nan


def _one_factor(corr: pd.DataFrame, n: int):
    """The one-factor ML model of a correlation matrix: (fit, loadings, uniquenesses, omega).

    ``omega = 1 - sum(uniquenesses) / sum(R)``; loadings oriented so that they sum to >= 0.
    ``None``/``NaN`` with fewer than three items, a singular or incomplete matrix, or no fit.
    """
    import numpy as np
    import pandas as pd
    from statsmodels.multivariate.factor import Factor

    items = list(corr.columns)
    nan = pd.Series(np.nan, index=items, dtype=float)
    r = corr.to_numpy(dtype=float)
    if len(items) < 3 or n <= len(items) or not np.isfinite(r).all():
        return None, nan, nan.copy(), math.nan
    try:
        np.linalg.cholesky(r)
    except np.linalg.LinAlgError:
        return None, nan, nan.copy(), math.nan
    # deterministic start (statsmodels would draw one at random): the first principal axis
    values, vectors = np.linalg.eigh(r)
    start = np.clip(np.abs(vectors[:, -1]) * math.sqrt(values[-1]), 0.05, 0.95)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = Factor(corr=r, n_factor=1, method="ml", nobs=n, endog_names=items).fit(
                start=(start[:, None], 1 - start**2), opt={"gtol": 1e-10, "maxiter": 2000}
            )
        except (ValueError, np.linalg.LinAlgError):
            return None, nan, nan.copy(), math.nan
    lam = np.asarray(fit.loadings, dtype=float)[:, 0]
    if lam.sum() < 0:
        lam = -lam
    psi = np.asarray(fit.uniqueness, dtype=float)
    omega = float(1 - psi.sum() / r.sum())
    return fit, pd.Series(lam, index=items), pd.Series(psi, index=items), omega


def _items(
    data: pd.DataFrame,
    items: tuple[str, ...],
    reversed_: tuple[str, ...],
    scale_min: float | Mapping[str, float] | None,
    scale_max: float | Mapping[str, float] | None,
    name: str,
) -> pd.DataFrame:
    """The items as floats, reverse-keyed ones reversed; clear errors for what does not fit."""
    import pandas as pd

    if len(items) < 2:
        raise BruggenError(f"scale {name!r}: a scale needs at least two items, not {len(items)}")
    absent = [i for i in items if i not in data.columns]
    if absent:
        raise BruggenError(
            f"scale {name!r}: item {absent[0]!r} is not a column of the data",
            hint="check the items in the plan (plan.survey.scales) against the codebook",
        )
    stray = [i for i in reversed_ if i not in items]
    if stray:
        raise BruggenError(f"scale {name!r}: reversed item {stray[0]!r} is not one of its items")
    columns = {}
    for item in items:
        try:
            values = pd.to_numeric(data[item], errors="raise").astype(float)
        except (TypeError, ValueError):
            raise BruggenError(
                f"scale {name!r}: item {item!r} holds values that are not numbers",
                hint="pass the numeric codes (Dataset.numeric), not the value labels",
            ) from None
        if item in reversed_:
            lo, hi = _bound(scale_min, item), _bound(scale_max, item)
            if lo is None or hi is None:
                raise BruggenError(
                    f"scale {name!r}: item {item!r} is reverse-keyed, but its lowest and highest "
                    "valid code are not known",
                    hint="pass scale_min and scale_max (the codebook's valid value labels)",
                )
            values = lo + hi - values
        columns[item] = values
    return pd.DataFrame(columns, index=data.index)


def _bound(bound: float | Mapping[str, float] | None, item: str) -> float | None:
    if bound is None:
        return None
    if isinstance(bound, Mapping):
        value = bound.get(item)
        return None if value is None else float(value)
    return float(bound)


# -- several scales -------------------------------------------------------------------------------
class Reliabilities(Result):
    """The reliability of several scales (see :func:`reliabilities`); one row per scale.

    ``scales`` maps each scale's name to its :class:`Reliability` (also ``result[name]``).
    A scale with fewer respondents than the policy's ``min_count`` is hidden in the table
    (its ``n`` shows as ``"<10"``) and left out of ``to_frame()``, the figure and the findings.
    """

    key = "reliability"

    def __init__(self, scales: Mapping[str, Reliability], *, policy: Policy, lang: str = "nl"):
        self.scales = dict(scales)
        self.policy = policy
        self.lang = lang
        #: Per scale its one-factor model (statsmodels ``FactorResults`` or ``None``).
        self.fit = {name: r.fit for name, r in self.scales.items()}

    def __getitem__(self, name: str) -> Reliability:
        return self.scales[name]

    @property
    def published(self) -> dict[str, Reliability]:
        """The scales that may be published (``n`` at least the policy's ``min_count``)."""
        return {name: r for name, r in self.scales.items() if not r.empty}

    @property
    def empty(self) -> bool:
        """No scale may be published: there is no table or figure."""
        return not self.published

    def title(self, lang: str | None = None) -> str:
        return words(lang or self.lang, "scales")["title"]

    def to_frame(self) -> pd.DataFrame:
        """Every published scale's rows of :meth:`Reliability.to_frame`, one after another
        (``term`` as there; the ``scale`` column says which scale)."""
        import pandas as pd

        frames = [r.to_frame() for r in self.published.values()]
        return tidy([]) if not frames else pd.concat(frames, ignore_index=True)

    def table(self) -> StatisticsTable:
        """Per scale: ``n``, alpha, its interval and omega (its items are in :meth:`more_tables`)."""
        import pandas as pd

        if self.empty:
            raise DisclosureError(
                f"every scale has fewer than {self.policy.min_count} respondents: there is no table",
                hint="report the scales for a larger group",
            )
        t = words(self.lang, "scales")
        rows, values, status = [], [], []
        for r in self.scales.values():
            rows.append(r.label[:1].upper() + r.label[1:])
            if r.empty:
                values.append([None, None, None, None])
                status.append(["primary", "primary", "primary", "primary"])
                continue
            frame = r.to_frame().set_index("term")
            values.append(
                [
                    int(frame.at["alpha", "n"]),
                    frame.at["alpha", "estimate"],
                    (frame.at["alpha", "ci_low"], frame.at["alpha", "ci_high"]),
                    frame.at["omega", "estimate"],
                ]
            )
            status.append(["shown"] * 4)
        columns = ["n", "alpha", "ci", "omega"]
        missing = {r.missing for r in self.scales.values()}
        explanations: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        for m in sorted(missing):
            explanations += _method_notes(m)  # type: ignore[arg-type]
        for r in self.scales.values():
            if r.reversed:
                explanations.append(
                    (
                        "fn_reversed",
                        (
                            ("scale", r.label),
                            ("items", ", ".join(r.labels.get(i, i) for i in r.reversed)),
                        ),
                    )
                )
        return _statistics_table(
            pd.DataFrame(values, index=unique_labels(rows), columns=columns, dtype=object),
            status=pd.DataFrame(status, index=unique_labels(rows), columns=columns, dtype=object),
            formats=("int", "dec", "interval", "dec"),
            policy=self.policy,
            title=self.title(),
            row_var=t["scale"],
            lang=self.lang,
            explanations=explanations,
            log_rows=[
                row for row, r in zip(unique_labels(rows), self.scales.values(), strict=True) if r.empty
            ],
        )

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """Per published scale its item table (item-rest correlation, alpha without the item)."""
        lang = lang or self.lang
        return [(r.title(lang), r.table()) for r in self.published.values()]

    def figure(self, lang: str | None = None) -> go.Figure:
        """Alpha with its interval (dots and whiskers) and omega (diamonds) per scale, from the
        published table."""
        import plotly.graph_objects as go

        from analysis.figures import PALETTE, theme

        lang = lang or self.lang
        t = words(lang, "scales")
        data = self.table().figure_data(lang).dropna(subset=["alpha"])
        rows = [str(r) for r in data["row"]]
        alpha = _rounded(data["alpha"])
        low, high = _rounded(data["ci_low"]), _rounded(data["ci_high"])
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(
                name=t["legend_alpha"],
                y=rows,
                x=alpha,
                mode="markers",
                marker={"size": 11, "color": PALETTE[0]},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if a is None else round(h - a, 6) for a, h in zip(alpha, high, strict=True)
                    ],
                    "arrayminus": [
                        None if a is None else round(a - lo, 6) for a, lo in zip(alpha, low, strict=True)
                    ],
                    "color": PALETTE[0],
                },
                customdata=[[lo, h] for lo, h in zip(low, high, strict=True)],
                hovertemplate="%{y}: %{x:.2f} (%{customdata[0]:.2f}–%{customdata[1]:.2f})<extra>"
                + t["legend_alpha"]
                + "</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                name=t["legend_omega"],
                y=rows,
                x=_rounded(data["omega"]),
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": PALETTE[3]},
                hovertemplate="%{y}: %{x:.2f}<extra>" + t["legend_omega"] + "</extra>",
            )
        )
        layout = theme()
        layout.update(
            meta={"title": self.title(lang)},
            xaxis={**layout["xaxis"], "title": t["x"], "range": [min(0.0, _low(data["ci_low"])), 1]},
            yaxis={**layout["yaxis"], "autorange": "reversed"},
            height=140 + 48 * len(rows),
            shapes=[_vline(CONVENTIONAL_ALPHA)],
            annotations=[_vline_label(fmt_number(CONVENTIONAL_ALPHA, DECIMALS, lang), CONVENTIONAL_ALPHA)],
        )
        fig.update_layout(**layout)
        return fig

    def findings(self, lang: str | None = None) -> list[str]:
        """An overview (range of alpha and omega), a sentence per scale, and the scales whose
        alpha is below the usual 0.70; every number from :meth:`to_frame`."""
        lang = lang or self.lang
        t = words(lang, "scales")
        if self.empty:
            return [t["none"]]
        frame = self.to_frame()
        alphas = frame[frame["term"] == "alpha"].set_index("scale")["estimate"]
        omegas = frame[frame["term"] == "omega"].set_index("scale")["estimate"].dropna()
        out = []
        if len(alphas) > 1:
            out.append(
                t["overview"].format(
                    k=len(alphas),
                    low=fmt_number(alphas.min(), DECIMALS, lang),
                    high=fmt_number(alphas.max(), DECIMALS, lang),
                )
                + (
                    " "
                    + t["overview_omega"].format(
                        low=fmt_number(omegas.min(), DECIMALS, lang),
                        high=fmt_number(omegas.max(), DECIMALS, lang),
                    )
                    if len(omegas)
                    else ""
                )
            )
        for name, r in self.published.items():
            out.append(_scale_sentence(frame[frame["scale"] == name], r.label, len(r.items), lang))
        low = [self.scales[s].label for s, a in alphas.items() if round(a, DECIMALS) < CONVENTIONAL_ALPHA]
        if low:
            out.append(
                t["below_conventional"].format(
                    scales=_join(low, lang), bound=fmt_number(CONVENTIONAL_ALPHA, DECIMALS, lang)
                )
            )
        hidden = [r.label for r in self.scales.values() if r.empty]
        if hidden:
            out.append(t["hidden"].format(scales=_join(hidden, lang)))
        return out

    def summary(self):
        """Per scale and item the unpublished model numbers: loading, uniqueness, item-rest
        correlation, alpha without the item (for the researcher only)."""
        import pandas as pd

        frames = []
        for name, r in self.scales.items():
            frames.append(
                pd.DataFrame(
                    {
                        "scale": name,
                        "item": list(r.items),
                        "loading": r.loadings.reindex(list(r.items)).to_numpy(),
                        "uniqueness": r.uniquenesses.reindex(list(r.items)).to_numpy(),
                        "item_rest": r.item_rest.to_numpy(),
                        "alpha_if_dropped": r.alpha_if_dropped.to_numpy(),
                        "alpha": r.alpha,
                        "omega": r.omega,
                        "n": r.n,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def _repr_html_(self) -> str:
        if self.empty:
            return f"<p>{html.escape(self.findings()[0])}</p>"
        return self.table().to_html()


def reliabilities(
    data: pd.DataFrame,
    scales: Mapping[str, Scale | Sequence[str]],
    *,
    scale_min: float | Mapping[str, float] | None = None,
    scale_max: float | Mapping[str, float] | None = None,
    missing: Missing = "listwise",
    level: float = 0.95,
    policy: Policy | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> Reliabilities:
    """:func:`reliability` of several scales, as one Result with a row per scale.

    Parameters
    ----------
    data
        Numeric item codes (:meth:`analysis.ingest.Dataset.numeric`).
    scales
        Scale name -> :class:`analysis.plan.Scale` (items and reversed items), or name -> its
        items.
    scale_min, scale_max, missing, level, policy, labels, lang
        As for :func:`reliability` (``labels`` may name the scales and the items).

    Returns
    -------
    Reliabilities
        ``table()``: items, ``n``, alpha, its interval and omega per scale; ``extra_tables()``:
        each scale's item table; ``result[name]``: that scale's :class:`Reliability`.
    """
    from analysis.disclosure import Policy

    policy = policy or Policy()
    if not scales:
        raise BruggenError(
            "no scales to analyse", hint="declare scales under plan.survey.scales in study.yml"
        )
    out = {}
    for name, scale in scales.items():
        items = tuple(scale) if isinstance(scale, (list, tuple)) else scale.items
        reversed_ = () if isinstance(scale, (list, tuple)) else scale.reversed
        out[str(name)] = reliability(
            data,
            items,
            reversed=reversed_,
            scale_min=scale_min,
            scale_max=scale_max,
            name=str(name),
            missing=missing,
            level=level,
            policy=policy,
            labels=labels,
            lang=lang,
        )
    return Reliabilities(out, policy=policy, lang=lang)


# -- helpers shared by both results ---------------------------------------------------------------
def scale_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A scale's label: ``labels[name]`` when given, else its name with spaces for underscores."""
    if labels and name in labels:
        return labels[name]
    return name.replace("_", " ")


def _scale_sentence(frame: pd.DataFrame, label: str, k: int, lang: str) -> str:
    t = words(lang, "scales")
    rows = frame.set_index("term")
    omega = rows.at["omega", "estimate"]
    sentence = t["scale_sentence"].format(
        scale=label,
        k=k,
        n=fmt_int(rows.at["alpha", "n"], lang),
        alpha=fmt_number(rows.at["alpha", "estimate"], DECIMALS, lang),
        low=fmt_number(rows.at["alpha", "ci_low"], DECIMALS, lang),
        high=fmt_number(rows.at["alpha", "ci_high"], DECIMALS, lang),
    )
    if omega == omega:
        sentence += " " + t["omega_sentence"].format(omega=fmt_number(omega, DECIMALS, lang))
    if rows.at["alpha", "estimate"] < 0:  # no reliability at all: say why it may be so
        sentence += " " + t["negative_alpha"]
    return sentence


def _method_notes(missing: Missing) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [("fn_method", ()), (f"fn_{missing}", ())]


def _statistics_table(
    values: pd.DataFrame,
    *,
    formats: tuple[str, ...],
    policy: Policy,
    title: str,
    row_var: str,
    lang: str,
    explanations: list[tuple[str, tuple[tuple[str, str], ...]]],
    status: pd.DataFrame | None = None,
    log_rows: Sequence[str] = (),
) -> StatisticsTable:
    import pandas as pd

    from analysis.disclosure import SuppressionEntry, SuppressionLog

    if status is None:
        status = pd.DataFrame("shown", index=values.index, columns=values.columns, dtype=object)
    names = words(lang, "scales")["columns"]
    entries = []
    for row in log_rows:  # a row too small: its n, and the statistics computed from it
        entries.append(
            SuppressionEntry(
                table=title, row=row, col="n", kind="primary", threshold=policy.min_count, measure="group_n"
            )
        )
        entries += [
            SuppressionEntry(
                table=title, row=row, col=names.get(c, c), kind="derived", threshold=policy.min_count
            )
            for c in values.columns
            if c != "n" and row in status.index and status.at[row, c] != "shown"
        ]
    return StatisticsTable(
        name=title,
        kind="statistics",  # type: ignore[arg-type]
        values=values,
        status=status,
        policy=policy,
        log=SuppressionLog(tuple(entries)),
        lang=lang,
        decimals=DECIMALS,
        title=title,
        row_var=row_var,
        total_row=False,
        total_col=False,
        notes=("rounded",) if policy.round_to and "n" in values.columns else (),
        formats=formats,
        explanations=tuple(explanations),
    )


def _join(names: list[str], lang: str) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + words(lang, "scales")["and"] + names[-1]


def _fmt_or_dash(value: float, lang: str) -> str:
    return (
        fmt_number(value, DECIMALS, lang) if value == value else words(lang, "disclosure")["table"]["empty"]
    )


def _rounded(values) -> list[float | None]:
    """Published values as the table shows them (rounded), ``None`` where hidden."""
    return [None if v != v else round(float(v), DECIMALS) for v in values]


def _low(values) -> float:
    shown = [float(v) for v in values if v == v]
    return min(shown) if shown else 0.0


def _vline(x: float) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": "#5c6b73", "width": 1, "dash": "dot"},
    }


def _vline_label(text: str, x: float) -> dict:
    return {
        "text": text,
        "xref": "x",
        "yref": "paper",
        "x": x,
        "y": 1,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": "#5c6b73"},
    }


# -- the plan's "reliability" analysis ------------------------------------------------------------
def from_plan(r: Run) -> Reliabilities:
    """The runner of the ``reliability`` analysis kind (see :mod:`analysis.analyses`).

    The plan's scales (all, or the names in the ``scales`` option) with their items and
    reverse-keyed items from ``plan.survey.scales``; item codes from the survey's validated
    dataset (user-missing codes missing), for the rows of the run's frame; the lowest and
    highest valid code of each item from its codebook's valid value labels (as the prepare
    stage reverses items); item labels from the codebook in the run's language.
    """
    from analysis.errors import StudyConfigError
    from analysis.prepare.compose import _item_ranges

    problems = _scale_problems(r.option("scales"), r.plan.scales)
    if problems:
        raise StudyConfigError(f"{r.spec.key}: {problems[0]}", path=r.vs.study.source, hint=_HINT)
    chosen = {name: r.plan.scales[name] for name in _chosen(r.option("scales"), r.plan.scales)}
    ds = r.vs.dataset(r.dataset)
    items = list(dict.fromkeys(item for scale in chosen.values() for item in scale.items))
    absent = [i for i in items if i not in ds.frame.columns]
    if absent:
        raise StudyConfigError(
            f"plan.survey.scales names {absent[0]!r}, which is not a column of {r.dataset}",
            path=r.vs.study.source,
            hint="correct the item in study.yml (bruggen validate checks the plan)",
        )
    codes = ds.numeric(items)
    codes = codes.loc[codes.index.intersection(r.frame.index)]
    lows, highs = _item_ranges(ds.codebook, items)
    labels = {item: r.vs.label(r.dataset, item, r.lang) for item in items}
    labels.update({name: scale.label_in(r.lang) for name, scale in chosen.items()})
    return reliabilities(
        codes, chosen, scale_min=lows, scale_max=highs, policy=r.policy, labels=labels, lang=r.lang
    )


def check_plan(spec: AnalysisSpec, study: Study, ds: Any) -> list[str]:
    """The gate's check of a ``reliability`` analysis: the scales it names are the plan's."""
    return _scale_problems(spec.options.get("scales"), study.plan.scales)


_HINT = "name scales declared under plan.survey.scales, or leave 'scales' out for all of them"


def _chosen(option: Any, declared: Mapping[str, Scale]) -> list[str]:
    if option is None:
        return list(declared)
    return [str(option)] if isinstance(option, (str, int)) else [str(s) for s in option]


def _scale_problems(option: Any, declared: Mapping[str, Scale]) -> list[str]:
    import difflib

    if not declared:
        return ["a reliability analysis needs scales: declare them under plan.survey.scales"]
    if option is None:
        return []
    if isinstance(option, bool) or not isinstance(option, (str, int, list)):
        return [f"scales: must be a scale name or a list of names, not {option!r}"]
    out = []
    for name in _chosen(option, declared):
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (scales: {', '.join(declared)})"
            out.append(f"scales: {name!r} is not a scale of plan.survey.scales{hint}")
    if option == []:
        out.append("scales: name at least one scale, or leave the option out for all of them")
    return out
