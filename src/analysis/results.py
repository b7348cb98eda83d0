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

    def more_tables(self, lang: str | None = None) -> list[tuple[str, str]]:
        """Published tables beyond :meth:`table` (a model's estimates), as ``(caption, html)``.

        The report shows them after the figure and the main table. Counts in them went through
        disclosure control like every other table.
        """
        return []

    def report_blocks(self, lang: str | None = None) -> list[tuple[str, str]] | None:
        """The result's own report content as ``(caption, html)`` blocks, or None.

        None (the default) lets the report show :meth:`figure`, :meth:`table` and
        :meth:`more_tables`. Results that are not a table and a figure (quotes, a practice
        box, the joint display) return their blocks here; every html string is escaped and
        holds only disclosed content.
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
