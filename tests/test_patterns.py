"""Models on covariate patterns equal the models on every row (analysis.patterns)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.miscmodels.ordinal_model import OrderedModel

from analysis.patterns import WeightedOrderedModel, fit_clustered

FIT = {"method": "bfgs", "disp": False, "maxiter": 5000, "gtol": 1e-9}


def _answers(n: int = 3_000, clusters: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    informal = rng.integers(0, 2, n)
    structural = rng.integers(0, 2, n)
    cluster = rng.integers(0, clusters, n)
    latent = 0.7 * informal - 0.4 * structural + 0.2 * np.sin(cluster) + rng.logistic(size=n)
    answer = np.digitize(latent, [-1.5, -0.3, 0.6, 1.8])  # five categories, 0..4
    return pd.DataFrame(
        {
            "answer": pd.Categorical(answer, categories=range(5), ordered=True),
            "informal": informal.astype(float),
            "structural": structural.astype(float),
            "cluster": cluster,
        }
    )


def _patterns(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return rows.groupby(keys, observed=True).size().rename("n").reset_index()


@pytest.mark.parametrize("clustered", [False, True])
def test_weighted_ordered_model_on_patterns_equals_the_model_on_every_row(clustered):
    rows = _answers()
    effects = ["informal", "structural"]
    keys = ["answer", *effects] + (["cluster"] if clustered else [])
    pat = _patterns(rows, keys)
    assert len(pat) < len(rows) / 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = OrderedModel(rows["answer"], rows[effects], distr="logit")
        weighted = WeightedOrderedModel(pat["answer"], pat[effects], weights=pat["n"], distr="logit")
        if clustered:
            direct = model.fit(**FIT, cov_type="cluster", cov_kwds={"groups": rows["cluster"].to_numpy()})
            fit = fit_clustered(
                lambda **cov: weighted.fit(**FIT, **cov), pat["cluster"].to_numpy(), len(rows)
            )
        else:
            direct, fit = model.fit(**FIT), weighted.fit(**FIT)
    assert fit.nobs == len(pat)
    assert fit.llf == pytest.approx(direct.llf, rel=1e-10)
    np.testing.assert_allclose(fit.params, direct.params, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fit.bse, direct.bse, rtol=1e-5)  # numerical Hessians of two sums
    assert weighted.start_params == pytest.approx(model.start_params)


def test_weights_must_match_the_rows():
    rows = _answers(200)
    with pytest.raises(ValueError, match="one weight per row"):
        WeightedOrderedModel(rows["answer"], rows[["informal"]], weights=np.ones(3), distr="logit")
