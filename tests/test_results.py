"""The shared pieces of a result (analysis.results)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
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
