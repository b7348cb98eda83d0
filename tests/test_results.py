"""The shared pieces of a result (analysis.results)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from analysis.results import wilson_interval


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 10**7), share=st.floats(0, 1), level=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_equals_statsmodels(n, share, level):
    k = round(share * n)
    lo, hi = wilson_interval(k, n, level)
    ref_lo, ref_hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
    assert lo == pytest.approx(ref_lo, rel=1e-12, abs=1e-15)
    assert hi == pytest.approx(ref_hi, rel=1e-12, abs=1e-15)
    assert 0 <= lo <= k / n + 1e-15 and k / n - 1e-15 <= hi <= 1  # rounding at k = 0 or n, as statsmodels


def test_wilson_interval_of_nothing_is_undefined():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_wilson_interval_needs_neither_statsmodels_nor_scipy():
    # reports render intervals from stored results: no second of imports for one formula
    script = (
        "import sys\n"
        "from analysis.results import wilson_interval\n"
        "wilson_interval(3, 10)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('statsmodels', 'scipy'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_ratio_interval_is_the_wald_interval_on_the_ratio_scale_or_nothing():
    from analysis.results import Z95, ratio_interval

    r = ratio_interval(math.log(2), 0.1)
    assert r == pytest.approx(
        {
            "estimate": 2.0,
            "std_error": 0.1,
            "ci_low": 2 * math.exp(-Z95 * 0.1),
            "ci_high": 2 * math.exp(Z95 * 0.1),
        }
    )
    assert ratio_interval(-54.9, 36589.06) is None  # statsmodels on separated answers
    assert ratio_interval(0.5, float("nan")) is None
    assert ratio_interval(float("inf"), 1.0) is None


# -- fitted models without their rows ------------------------------------------------------------
def _fits(n: int):
    """One fit of each statsmodels model a Result keeps, on ``n`` rows."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    rng = np.random.default_rng(1)
    x = sm.add_constant(rng.integers(0, 2, (n, 2)).astype(float))
    exposure = rng.uniform(50, 500, n)
    y = rng.poisson(0.01 * exposure * np.exp(x @ [0, 0.3, -0.2]))
    groups = rng.integers(0, 20, n)
    cluster = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    yield sm.GLM(y, x, family=sm.families.Poisson(), exposure=exposure).fit(**cluster)
    yield sm.NegativeBinomial(y, x, exposure=exposure, loglike_method="nb2").fit(disp=0, **cluster)
    yield sm.GEE(
        y,
        x,
        groups=groups,
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Exchangeable(),
        exposure=exposure,
    ).fit()
    yield sm.OLS(y, x).fit()
    frame = pd.DataFrame({"y": rng.normal(size=n) + 0.3 * groups % 3, "x": x[:, 1], "g": groups})
    yield sm.MixedLM(frame["y"], sm.add_constant(frame[["x"]]), groups=frame["g"]).fit(reml=True)


@pytest.mark.filterwarnings("ignore")  # statsmodels' convergence notes on random data
def test_a_fit_without_rows_keeps_its_estimates_and_summary_and_does_not_grow_with_the_rows():
    import pickle

    import numpy as np

    from analysis.results import without_rows

    sizes = {}
    for n in (2_000, 20_000):
        for fit in _fits(n):
            name = type(fit.model).__name__
            params, bse, llf = np.asarray(fit.params), np.asarray(fit.bse), float(fit.llf)
            table = str(fit.summary().tables[1])
            assert len(pickle.dumps(fit)) > 8 * n  # before: the rows are in it
            assert without_rows(fit) is fit
            assert fit.model.endog is None and fit.model.exog is None
            np.testing.assert_array_equal(np.asarray(fit.params), params)
            np.testing.assert_array_equal(np.asarray(fit.bse), bse)
            assert float(fit.llf) == llf
            assert str(fit.summary().tables[1]) == table
            without_rows(fit)  # again: nothing changes
            sizes.setdefault(name, []).append(len(pickle.dumps(pickle.loads(pickle.dumps(fit)))))
    for name, (small, large) in sizes.items():
        assert large < 1.05 * small, (name, small, large)  # ten times the rows, the same size


@pytest.fixture(scope="module")
def example_study():
    import analysis

    return analysis.load(ROOT / "study.yml")


def test_the_plans_results_keep_no_rows(example_study):
    """Every fitted model a plan's result keeps (and so every stored result) is without its rows."""
    import pickle

    found = []

    def visit(value, depth=0):
        if hasattr(value, "remove_data"):
            found.append(value)
            assert value.model.endog is None, type(value.model).__name__
        elif depth < 3 and isinstance(value, dict):
            for v in value.values():
                visit(v, depth + 1)

    for name in example_study.plan.analyses:
        result = example_study.analyse(name)
        for value in vars(result).values():
            visit(value)
        pickle.dumps(result)
    kinds = {type(fit.model).__name__ for fit in found}
    assert {"NegativeBinomial", "GLM", "GEE", "OLS", "MixedLM"} <= kinds, kinds
