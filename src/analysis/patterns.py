"""Models fitted on covariate patterns: the estimates of the model on every row, at the cost of
a few dozen rows.

A model whose predictors and outcome take a handful of values (completion on a warm handover,
an answer category on the side, clustered by municipality) has the same likelihood on its
*patterns* (each distinct row, with the number of rows it stands for) as on the rows: each
pattern's score and information are its rows' sums. Estimates, model-based standard errors
and the cluster sums of a sandwich are therefore those of the model on every row. One thing is
not: the small-sample factor of a cluster-robust covariance, G/(G-1)·(N-1)/(N-K), which
statsmodels computes with N the rows it was given; :func:`fit_clustered` applies it with N the
rows the patterns stand for, as ``sandwich::vcovCL`` (HC1) on the rows does.

The Cox model with Efron's ties is one too (:mod:`analysis.cox`).

At a national monitor's size (5M referrals, 1M respondents) this is what keeps a model from
holding gigabytes of working arrays, and a stored result from holding the rows.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning, SpecificationWarning

__all__ = ["WeightedOrderedModel", "fit_clustered", "glm", "separated"]


def separated(outcome, x) -> bool:
    """Whether a 0/1 predictor ``x`` separates an ordered (or 0/1) ``outcome``: every outcome
    of ``x == 1`` at or above every outcome of ``x == 0``, or at or below.

    Then the log-likelihood keeps rising as the predictor's coefficient goes to infinity
    (quasi-complete separation): there is no estimate, and statsmodels returns a huge
    coefficient with a huge standard error. Both groups need an outcome.
    """
    outcome, x = np.asarray(outcome), np.asarray(x).astype(bool)
    one, zero = outcome[x], outcome[~x]
    if not len(one) or not len(zero):
        return True
    return bool(one.min() >= zero.max() or one.max() <= zero.min())


def glm(outcome, exog, rows, family, **fit_kw: Any):
    """A statsmodels GLM on covariate patterns: each pattern's mean ``outcome`` with its number
    of ``rows`` as ``var_weights`` (the IRLS weights, scores and information are the sums over
    those rows); ``fit_kw`` go to ``GLM.fit``.

    Such a model is usually saturated in its patterns (each has its own fitted mean): the
    working scale of statsmodels' IRLS has no residual degrees of freedom, and a binomial's
    fitted shares equal the observed ones, which statsmodels reads as perfect prediction. Both
    warnings are silenced: check for real separation first (:func:`separated`).
    """
    import statsmodels.api as sm

    with warnings.catch_warnings():
        # weights as row counts: the cluster sums of scores are the rows' own
        warnings.filterwarnings("ignore", "cov_type not fully supported", SpecificationWarning)
        warnings.filterwarnings("ignore", category=PerfectSeparationWarning)
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"statsmodels\.regression\._tools")
        return sm.GLM(outcome, exog, family=family, var_weights=rows).fit(**fit_kw)


def fit_clustered(fit_pattern_model, groups, n_rows: int):
    """Fit with a cluster-robust covariance whose small-sample factor counts the rows.

    ``fit_pattern_model(**fit_kw)`` fits the pattern model; ``groups`` are the patterns'
    clusters; ``n_rows`` the rows they stand for. The result's covariance (and so its standard
    errors, tests and intervals) is statsmodels' cluster sandwich times
    G/(G-1)·(N-1)/(N-K) with N = ``n_rows``, K the number of parameters.
    """
    fit = fit_pattern_model(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    n_clusters = len(np.unique(groups))
    k = len(fit.params)
    factor = n_clusters / (n_clusters - 1) * (n_rows - 1) / (n_rows - k)
    results = getattr(fit, "_results", fit)  # statsmodels' wrapper holds the results
    results.cov_params_default = fit.cov_params_default * factor  # bse, tests, intervals follow
    results.cov_kwds["scaling_factor"] = factor
    return fit


class WeightedOrderedModel(OrderedModel):
    """statsmodels' ``OrderedModel`` with frequency weights: row *i* stands for ``weights[i]``
    identical observations.

    Each row's log-likelihood is multiplied by its weight; the score, Hessian and sandwich
    (numerical derivatives of the log-likelihood) follow, so a fit on the patterns equals the
    fit on the rows (tests/test_patterns.py). ``nobs`` in the results counts the patterns.
    """

    def __init__(self, endog, exog, *, weights, **kwargs: Any) -> None:
        super().__init__(endog, exog, **kwargs)
        self.weights = np.asarray(weights, dtype=float)
        if self.weights.shape != (len(self.endog),):
            raise ValueError("one weight per row is needed")

    def loglikeobs(self, params):
        return self.weights * super().loglikeobs(params)

    @property
    def start_params(self):
        """The null model's thresholds from the weighted answer frequencies (as statsmodels
        computes them from the rows), the effects zero."""
        freq = np.bincount(self.endog, weights=self.weights) / self.weights.sum()
        threshold = self.transform_reverse_threshold_params(self.distr.ppf(np.clip(freq.cumsum(), 0, 1)))
        return np.concatenate((np.zeros(self.k_vars), threshold))

    def score_obs_(self, params):  # statsmodels' analytic score (unused by fit): weighted too
        return self.weights[:, None] * super().score_obs_(params)
