"""The Result contract every analysis returns.

A researcher learns these methods once:

- ``to_frame()``: a tidy DataFrame with a fixed vocabulary
  (``term, estimate, std_error, ci_low, ci_high, p_value, n``).
- ``table()``: the publication table, already through disclosure control.
- ``figure()``: a plotly figure in the project theme, built from the disclosed table.
- ``findings(lang="nl")``: plain-language sentences whose numbers come from the result.
- ``_repr_html_()``: a notebook cell shows the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.disclosure import DisclosedTable

#: Columns of ``Result.to_frame()``, in this order.
TIDY_COLUMNS = ("term", "estimate", "std_error", "ci_low", "ci_high", "p_value", "n")


class Result:
    """Base class for analysis results. Subclasses implement the four methods."""

    #: Short machine name, used for figure ids and the tables workbook sheet.
    key: str = "result"
    #: The language the result was made in (its labels); ``title``, ``figure`` and
    #: ``findings`` use it unless given another.
    lang: str = "nl"
    #: The fitted model or test behind the result (a statsmodels object), for anything the
    #: published views do not show. It works on unsuppressed numbers: never publish it.
    fit: Any = None

    def summary(self) -> Any:
        """The fitted model's own summary (``self.fit.summary()``), for the researcher only."""
        if self.fit is None:
            raise NotImplementedError(f"{type(self).__name__} fits no model; see to_frame()")
        return self.fit.summary() if hasattr(self.fit, "summary") else self.fit

    def without_rows(self) -> Result:
        """This result, every fitted model it keeps (``fit``, ``fits``, ...) without the rows it
        was fitted on (:func:`without_rows`). The plan's analyses are returned and stored so."""

        def visit(value: Any, depth: int) -> None:
            if hasattr(value, "remove_data"):
                without_rows(value)
            elif depth < 3 and isinstance(value, dict):
                for v in value.values():
                    visit(v, depth + 1)
            elif depth < 3 and isinstance(value, (list, tuple)):
                for v in value:
                    visit(v, depth + 1)

        for value in vars(self).values():
            visit(value, 0)
        return self

    def title(self, lang: str | None = None) -> str:
        """The caption of the result's figure and table, in the report language."""
        return self.key

    def to_frame(self) -> pd.DataFrame:
        raise NotImplementedError

    def table(self) -> Any:
        """The disclosed publication table (:class:`analysis.disclosure.DisclosedTable`)."""
        raise NotImplementedError

    def figure(self, lang: str | None = None) -> go.Figure:
        raise NotImplementedError

    def findings(self, lang: str | None = None) -> list[str]:
        raise NotImplementedError

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """Published tables beyond :meth:`table`, as ``(caption, table)``. Default none.

        Each is a :class:`~analysis.disclosure.DisclosedTable` made by the disclosure package (a
        model's estimates, which hold no counts, an
        :class:`~analysis.disclosure.EstimatesTable`). The report page (:meth:`more_tables`),
        the tables workbook and the suppression appendix are all built from these objects.
        """
        return []

    def more_tables(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The HTML of :meth:`extra_tables`, as ``(caption, html)``: the report shows them after
        the figure and the main table."""
        lang = lang or self.lang
        return [(caption, table.to_html(lang=lang)) for caption, table in self.extra_tables(lang)]

    def report_blocks(self, lang: str | None = None) -> list[tuple[str, str]] | None:
        """The result's own report content as ``(caption, html)`` blocks, or None.

        None (the default) lets the report show :meth:`figure`, :meth:`table` and
        :meth:`more_tables`. Results that are not a table and a figure (quotes, a practice
        box, the joint display) return their blocks here; every html string is escaped and
        holds only disclosed content, and every table in it is :meth:`table` or one of
        :meth:`extra_tables`.
        """
        return None

    def _repr_html_(self) -> str:
        return self.table().to_html()


def tidy(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a tidy result frame with exactly :data:`TIDY_COLUMNS` (missing ones as NaN)."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(rows)
    for col in TIDY_COLUMNS:
        if col not in frame:
            frame[col] = np.nan
    extra = [c for c in frame.columns if c not in TIDY_COLUMNS]
    return frame[list(TIDY_COLUMNS) + extra]


#: The standard normal quantile of a 95% interval.
Z95 = 1.959963984540054


def ratio_interval(b: float, se: float, z: float = Z95) -> dict[str, float] | None:
    """A log-scale coefficient as a ratio (odds, hazard, rate or days ratio) with its Wald
    interval: ``estimate`` exp(b), ``std_error`` the standard error of b, ``ci_low`` and
    ``ci_high`` exp(b ∓ z·se).

    ``None`` when the interval is not finite: a standard error that is not a number, or an
    interval beyond what a float holds (statsmodels' answer to separated data is a coefficient
    of -55 with a standard error of 36,000). There is then no estimate to publish.
    """
    import math

    if not (math.isfinite(b) and math.isfinite(se)):
        return None
    try:
        return {
            "estimate": math.exp(b),
            "std_error": se,
            "ci_low": math.exp(b - z * se),
            "ci_high": math.exp(b + z * se),
        }
    except OverflowError:
        return None


def wilson_interval(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as statsmodels' ``proportion_confint`` with
    ``method="wilson"`` gives it (clipped to 0..1; tests/test_results.py compares the two).

    Written out because reports render these intervals from stored results: importing
    statsmodels and scipy for one formula cost every report 1.5 s.
    """
    import math
    from statistics import NormalDist

    if n == 0:
        return float("nan"), float("nan")
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    q, z2 = successes / n, z * z
    denom = 1 + z2 / n
    center = (q + z2 / (2 * n)) / denom
    dist = z * math.sqrt(q * (1 - q) / n + z2 / (4 * n * n)) / denom
    return max(0.0, center - dist), min(1.0, center + dist)


#: Statistics statsmodels computes lazily from the rows: computed before they go.
#: (The summary computes what else it needs, a discrete model's null likelihood among them.)
STATISTICS = ("bse", "tvalues", "pvalues", "llf", "aic", "bic", "scale", "deviance", "df_resid", "df_model")


def without_rows(fit: Any) -> Any:
    """``fit``, a statsmodels result, without the rows it was fitted on; returned for chaining.

    What a Result keeps of a model fitted on every respondent or referral: its estimates,
    covariance, tests and ``summary()``, not a copy of the data (at a national monitor's size,
    hundreds of megabytes per model, and respondent-level data in a stored result). statsmodels
    computes much of that lazily from the rows, so the usual statistics are computed first and
    the summary is made and kept (``fit.summary()`` then returns it as made, whatever its
    arguments); then its ``remove_data()`` drops the arrays with a value per row, and this drops
    what the model keeps per cluster (GEE's and MixedLM's blocks of rows per group). Anything
    else needing the rows (residuals, predictions on the fitted data) is gone: fit the model
    again on ``study.data()`` for that.
    """
    import contextlib
    import warnings

    import numpy as np
    import pandas as pd

    results = getattr(fit, "_results", fit)
    if not hasattr(results, "remove_data") or isinstance(vars(results).get("summary"), _Made):
        return fit  # not a statsmodels model, or without its rows already
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in STATISTICS:
            with contextlib.suppress(Exception):  # a statistic the model does not have
                getattr(fit, name)
        try:
            summary = fit.summary()
        except Exception:  # a result without a summary keeps its rows
            return fit
    if not hasattr(results, "_cache"):  # MixedLM's results keep no cache of their own
        results._cache = {}
    cache: dict = results._cache
    rows = int(getattr(results, "nobs", 0) or 0)
    arrays = (np.ndarray, pd.Series, pd.DataFrame)

    def per_row(value: Any) -> bool:
        return isinstance(value, arrays) and value.ndim > 0 and len(value) == rows

    def blocks(value: Any) -> bool:  # arrays (or tuples of them) per cluster
        return isinstance(value, (list, tuple)) and any(
            isinstance(v, arrays) or (isinstance(v, tuple) and any(isinstance(w, arrays) for w in v))
            for v in value
        )

    def strip(found: dict) -> None:
        for name, value in list(found.items()):
            if value is cache:
                continue
            if per_row(value) or blocks(value):
                found[name] = None
            elif isinstance(value, dict) and value:
                if all(isinstance(v, (np.ndarray, list)) for v in value.values()):
                    found[name] = None  # row numbers per cluster
                else:
                    strip(value)

    # statistics already computed stay, whatever remove_data() wipes (MixedLM's llf, say)
    computed = {name: value for name, value in cache.items() if value is not None and not per_row(value)}
    results.remove_data()
    cache.update(computed)
    model = results.model
    for owner in (results, cache, model, getattr(model, "data", None), getattr(model, "cov_struct", None)):
        strip(owner if isinstance(owner, dict) else getattr(owner, "__dict__", {}))
    results.summary = _Made(summary)
    return fit


class _Made:
    """A value made once, returned by every call (a stored fit's summary)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.value
