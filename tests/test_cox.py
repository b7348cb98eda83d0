"""The Cox model on counts (analysis.cox) equals statsmodels' PHReg on every row."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.cox import cox_efron


def _durations(n: int, design: np.ndarray, *, days: bool, seed: int = 5):
    """Durations with censoring; whole days (many ties) or continuous times (almost none)."""
    rng = np.random.default_rng(seed)
    pattern = rng.integers(0, len(design), n)
    hazard = np.exp(design @ np.linspace(0.6, -0.4, design.shape[1]))
    event_time = rng.exponential(12 / hazard[pattern])
    censor_time = rng.uniform(0, 40, n)
    if days:
        event_time, censor_time = np.ceil(event_time), np.ceil(censor_time)
    return np.minimum(event_time, censor_time), (event_time <= censor_time).astype(int), pattern


@pytest.mark.parametrize("days", [True, False], ids=["tied days", "continuous"])
@pytest.mark.parametrize(
    "design",
    [np.array([[0.0], [1.0]]), np.eye(4)[:, 1:], np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 2.5]])],
    ids=["one contrast", "dummies", "a numeric column"],
)
def test_cox_on_counts_equals_statsmodels_phreg_on_every_row(days, design):
    from statsmodels.duration.hazard_regression import PHReg

    time, status, pattern = _durations(4_000, design, days=days)
    rows = PHReg(time, design[pattern], status=status, ties="efron").fit()
    fit = cox_efron(time, status, pattern, design)
    assert fit.converged
    if days:
        assert fit.n_cells < len(time) / 10  # tied days: a few hundred counts stand for the rows
    np.testing.assert_allclose(fit.params, rows.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.bse, rows.bse, rtol=1e-9)
    np.testing.assert_allclose(fit.pvalues, rows.pvalues, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(fit.llf, rows.llf, rtol=1e-12)
    assert (fit.nobs, fit.n_events) == (len(time), status.sum())
    summary = fit.summary()
    np.testing.assert_allclose(summary["exp(coef)"], np.exp(rows.params), rtol=1e-10)
    assert list(summary.index) == ["x1", "x2", "x3"][: design.shape[1]]


def test_cox_efron_ties_differ_from_breslow_and_a_whole_risk_set_of_ties_is_fine():
    from statsmodels.duration.hazard_regression import PHReg

    # every row has an event on one of two days: the second day's risk set is all tied events
    time = np.array([1.0] * 6 + [2.0] * 6)
    status = np.ones(12, int)
    pattern = np.array([0, 1] * 3 + [0, 0, 1, 1, 1, 1])
    design = np.array([[0.0], [1.0]])
    fit = cox_efron(time, status, pattern, design, names=["b"])
    efron = PHReg(time, design[pattern], status=status, ties="efron").fit()
    breslow = PHReg(time, design[pattern], status=status, ties="breslow").fit()
    np.testing.assert_allclose(fit.params, efron.params, atol=1e-10)
    assert abs(fit.params[0] - breslow.params[0]) > 1e-3
    assert list(fit.summary().index) == ["b"]


def test_efrons_sums_over_tied_events_in_chunks_equal_the_sums_in_one(monkeypatch):
    """At 5M referrals the tied events are expanded a chunk of whole days at a time: a chunk
    smaller than one day's ties, and chunks that split the days unevenly, give the same fit."""
    import analysis.cox

    design = np.eye(3)[:, 1:]
    time, status, pattern = _durations(3_000, design, days=True)
    whole = cox_efron(time, status, pattern, design)
    for chunk in (1, 7, 100):
        monkeypatch.setattr(analysis.cox, "_EFRON_CHUNK", chunk)
        fit = cox_efron(time, status, pattern, design)
        np.testing.assert_allclose(fit.params, whole.params, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fit.bse, whole.bse, rtol=1e-12)
        assert fit.llf == pytest.approx(whole.llf, rel=1e-13)


def test_cox_efron_rejects_a_pattern_outside_the_design_and_a_status_other_than_0_or_1():
    design = np.array([[0.0], [1.0]])
    with pytest.raises(ValueError, match="not a row of the design"):
        cox_efron([1.0, 2.0], [1, 0], [0, 2], design)
    with pytest.raises(ValueError, match="not a row of the design"):
        cox_efron([1.0, 2.0], [1, 0], [0.0, 1.0], design)  # codes must be integers
    with pytest.raises(ValueError, match="status must be 1"):
        cox_efron([1.0, 2.0], [1, 2], [0, 1], design)
