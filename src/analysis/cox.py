"""Cox proportional hazards with Efron's ties, fitted on counts per time and covariate pattern.

On predictors that take a few values (a collaboration form, structural or not), the partial
likelihood depends only on how many rows of each pattern leave the risk set at each distinct
time, and how many of them with an event: a few hundred counts for millions of referrals with
whole days. :func:`cox_efron` fits the model on those counts; its estimates are those of
statsmodels' ``PHReg(ties="efron")`` and R's ``coxph(ties = "efron")`` on the rows
(tests/test_cox.py, tests/test_referrals_reference.py). numpy only: a stored result unpickles
without statsmodels.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CoxResults", "cox_efron"]

#: Tied events expanded at a time when summing Efron's terms (bounds the working arrays).
_EFRON_CHUNK = 1 << 20


class CoxResults:
    """A Cox model fitted by :func:`cox_efron`: estimates, their covariance and Wald tests.

    ``params``, ``bse``, ``tvalues`` (z), ``pvalues`` are arrays in the order of the design's
    columns (``names``); ``cov_params()`` the inverse information at the estimate; ``llf`` and
    ``llnull`` the log partial likelihood at the estimate and at zero. ``nobs`` counts the rows,
    ``n_events`` the events, ``n_cells`` the (time, pattern) counts the model was fitted on.
    """

    def __init__(self, *, names, params, cov, llf, llnull, nobs, n_events, n_cells, iterations, converged):
        import math

        self.names = list(names)
        self.params = np.asarray(params, dtype=float)
        self._cov = np.asarray(cov, dtype=float)
        self.bse = np.sqrt(np.diag(self._cov))
        with np.errstate(divide="ignore", invalid="ignore"):
            self.tvalues = self.params / self.bse
        self.pvalues = np.array(
            [math.erfc(abs(z) / math.sqrt(2)) if np.isfinite(z) else np.nan for z in self.tvalues]
        )
        self.llf, self.llnull = float(llf), float(llnull)
        self.nobs, self.n_events, self.n_cells = int(nobs), int(n_events), int(n_cells)
        self.iterations, self.converged = int(iterations), bool(converged)

    def cov_params(self) -> np.ndarray:
        return self._cov.copy()

    def summary(self):
        """The coefficient table as R's ``summary(coxph(...))`` prints it (a DataFrame)."""
        import pandas as pd

        from analysis.results import Z95

        frame = pd.DataFrame(
            {
                "coef": self.params,
                "exp(coef)": np.exp(self.params),
                "se(coef)": self.bse,
                "z": self.tvalues,
                "Pr(>|z|)": self.pvalues,
                "lower .95": np.exp(self.params - Z95 * self.bse),
                "upper .95": np.exp(self.params + Z95 * self.bse),
            },
            index=pd.Index(self.names, name="term"),
        )
        frame.attrs["method"] = (
            f"Cox proportional hazards, Efron's ties; n = {self.nobs}, events = {self.n_events}; "
            f"log partial likelihood {self.llf:.4f} (null {self.llnull:.4f}); "
            f"fitted on {self.n_cells} counts per time and pattern"
        )
        return frame

    def __repr__(self) -> str:
        return f"<CoxResults {dict(zip(self.names, np.round(self.params, 6), strict=True))}, n={self.nobs}>"


def cox_efron(
    time, status, pattern, design, *, names=None, tol: float = 1e-10, maxiter: int = 50
) -> CoxResults:
    """Cox proportional hazards with Efron's ties, fitted on counts per time and pattern.

    Parameters
    ----------
    time, status
        Per row: the time of the event or of censoring, and 1 for an event, 0 for censored.
    pattern
        Per row: the integer (0 .. P-1) of its covariate pattern.
    design
        P x k: the predictors of each pattern (no constant: a Cox model has none).
    names
        The k predictors' names (default ``x1 .. xk``).

    Returns
    -------
    CoxResults
        The estimates of the model on every row (statsmodels ``PHReg(ties="efron")``, R's
        ``coxph(ties = "efron")``), by Newton-Raphson from zero with step halving.

    Notes
    -----
    At a time with d tied events, Efron's term is the sum over j = 0 .. d-1 of
    log(S0 - j/d E0), with S0 the risk set's sum of exp(x'b) and E0 the tied events' sum; S0,
    E0 and their first and second derivatives are sums over patterns of (rows at risk, or
    events) x exp(x'b) x (1, x, xx'). Only the counts per (time, pattern) enter: the rows are
    counted once, and the fit does not grow with them.
    """
    import pandas as pd

    time, status, pattern = np.asarray(time), np.asarray(status), np.asarray(pattern)
    z = np.atleast_2d(np.asarray(design, dtype=float))
    n_patterns, k = z.shape
    if not (len(time) == len(status) == len(pattern)):
        raise ValueError("time, status and pattern need one value per row")
    if not np.issubdtype(pattern.dtype, np.integer) or (
        len(pattern) and (pattern.min() < 0 or pattern.max() >= n_patterns)
    ):
        raise ValueError("a pattern code is not a row of the design")
    if not np.isin(status, (0, 1)).all():
        raise ValueError("status must be 1 (event) or 0 (censored)")
    names = list(names) if names is not None else [f"x{i + 1}" for i in range(k)]

    # counts per (time, pattern): the rows are read once, into one array of cell numbers
    cell, times = pd.factorize(time, sort=True)
    cell *= n_patterns
    cell += pattern
    size = len(times) * n_patterns
    exits = np.bincount(cell, minlength=size).reshape(len(times), n_patterns).astype(float)
    events = np.bincount(cell[status == 1], minlength=size).reshape(len(times), n_patterns).astype(float)
    del cell
    risk = exits[::-1].cumsum(axis=0)[::-1]  # rows at risk at each time: leaving then or later
    with_events = events.sum(axis=1) > 0
    risk, events = risk[with_events], events[with_events]
    d = events.sum(axis=1)  # tied events per time
    d_int = np.rint(d).astype(np.int64)
    event_sum = events.sum(axis=0) @ z
    # Efron's fractions j/d, expanded per event in chunks of whole times
    bounds = np.concatenate([[0], np.cumsum(d_int)])
    chunks, start = [], 0
    while start < len(d_int):
        stop = int(np.searchsorted(bounds, bounds[start] + _EFRON_CHUNK, side="right")) - 1
        stop = max(stop, start + 1)
        chunks.append((start, stop))
        start = stop

    def efron_sums(s0, e0):
        """Per time: sum of log D_j, 1/D_j, c_j/D_j, 1/D_j², c_j/D_j², c_j²/D_j² with D_j = s0 - c_j e0."""
        out = np.zeros((6, len(d_int)))
        for lo, hi in chunks:
            counts = d_int[lo:hi]
            local = np.repeat(np.arange(hi - lo), counts)
            j = np.arange(len(local)) - np.repeat(bounds[lo:hi] - bounds[lo], counts)
            c = j / np.repeat(d[lo:hi], counts)
            den = s0[lo:hi][local] - c * e0[lo:hi][local]
            inv = 1.0 / den
            inv2 = inv * inv
            for row, values in enumerate((np.log(den), inv, c * inv, inv2, c * inv2, c * c * inv2)):
                out[row, lo:hi] = np.bincount(local, weights=values, minlength=hi - lo)
        return out

    def evaluate(beta):
        eta = z @ beta
        shift = float(eta.max()) if n_patterns else 0.0
        w = np.exp(eta - shift)
        s0, e0 = risk @ w, events @ w
        zw = z * w[:, None]
        s1, e1 = risk @ zw, events @ zw
        zzw = np.einsum("pi,pj->pij", zw, z)
        s2, e2 = np.tensordot(risk, zzw, axes=1), np.tensordot(events, zzw, axes=1)
        log_d, a, ac, b, bc, bcc = efron_sums(s0, e0)
        llf = float(events.sum(axis=0) @ eta - log_d.sum() - shift * d.sum())
        score = event_sum - (s1 * a[:, None] - e1 * ac[:, None]).sum(axis=0)
        info = (s2 * a[:, None, None] - e2 * ac[:, None, None]).sum(axis=0)
        info -= np.einsum("t,ti,tj->ij", b, s1, s1)
        info += np.einsum("t,ti,tj->ij", bc, s1, e1) + np.einsum("t,ti,tj->ij", bc, e1, s1)
        info -= np.einsum("t,ti,tj->ij", bcc, e1, e1)
        return llf, score, info

    beta = np.zeros(k)
    llf, score, info = evaluate(beta)
    llnull = llf
    converged, iterations = k == 0, 0
    while not converged and iterations < maxiter:
        iterations += 1
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            step = np.linalg.pinv(info) @ score
        for _ in range(30):  # halve a step that lowers the likelihood
            new = evaluate(beta + step)
            if new[0] >= llf - 1e-12 * abs(llf):
                break
            step = step / 2
        beta = beta + step
        converged = abs(new[0] - llf) <= tol * (abs(llf) + tol) and float(np.abs(step).max()) <= np.sqrt(tol)
        llf, score, info = new
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    return CoxResults(
        names=names,
        params=beta,
        cov=cov,
        llf=llf,
        llnull=llnull,
        nobs=len(time),
        n_events=int(events.sum()),
        n_cells=int((exits > 0).sum()),
        iterations=iterations,
        converged=converged,
    )
