"""The reach model on the example study, checked against R (MASS::glm.nb, glm, sandwich, geepack).

tests/reference/reach.R fits the same models on data/raw/organisatie_enquete.sav (read with haven,
informal respondents, the same coding) and writes tests/reference/reach.json; CI only reads that
file (`make reference` reruns the script). Three codings of the predictor: the structural
indicator, the indicator with the informal organisation type as covariate (the example's
``bereik``), and the three collaboration forms.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import ROOT

import analysis
from analysis.disclosure import Policy
from analysis.reach import reach_model

REF = json.loads((ROOT / "tests" / "reference" / "reach.json").read_text(encoding="utf-8"))["fits"]
SPECS = {
    "structural": {"structural": "Structureel"},
    "structural_org_type": {"structural": "Structureel", "covariates": ["informal_org_type"]},
    "form": {},
}


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def fits(study):
    survey = study.data("organisatie_enquete")
    informal = survey[survey["org_side"] == "Informeel"]
    return {
        name: reach_model(
            informal,
            count="reach_total",
            exposure="target_pop_estimate",
            between="collab_form",
            cluster="municipality_code",
            policy=Policy(),
            **spec,
        )
        for name, spec in SPECS.items()
    }


def _r(name: str, model: str, what: str = "coef") -> np.ndarray:
    return np.array([term[what] for term in REF[name][model]["coefficients"].values()])


def _ours(result, model: str, what: str = "params") -> np.ndarray:
    fit = result.fits[model]
    k = len(fit.params) - (model == "nb2")  # the coefficients (NB2 has alpha after them)
    return np.asarray(getattr(fit, what))[:k]


@pytest.mark.parametrize("name", list(SPECS))
def test_same_data(fits, name):
    result = fits[name]
    assert result.fit.nobs == REF[name]["n"] == 334
    assert result.n_clusters == REF[name]["clusters"]
    assert len(result.fit.params) == len(REF[name]["nb"]["coefficients"]) + 1  # and alpha


@pytest.mark.parametrize("name", list(SPECS))
def test_nb2_coefficients_and_alpha_equal_glm_nb(fits, name):
    """statsmodels' NB2 maximum likelihood and MASS::glm.nb find the same estimates (alpha = 1/theta)."""
    result = fits[name]
    assert _ours(result, "nb2") == pytest.approx(_r(name, "nb"), rel=1e-4, abs=1e-8)
    assert float(result.fit.params.iloc[-1]) == pytest.approx(REF[name]["nb"]["alpha"], rel=1e-4)
    assert float(result.fit.params.iloc[-1]) == pytest.approx(1 / REF[name]["nb"]["theta"], rel=1e-4)
    assert result.fit.llf == pytest.approx(REF[name]["nb"]["loglik"], rel=1e-8)
    # what the result publishes are these estimates, exponentiated
    frame = result.to_frame().query("model == 'nb2' and measure == 'rate_ratio'")
    assert frame["estimate"].to_numpy() == pytest.approx(np.exp(_r(name, "nb")[1:]), rel=1e-4)


@pytest.mark.parametrize("name", list(SPECS))
def test_nb2_cluster_robust_errors_equal_the_joint_sandwich(fits, name):
    """The NB2 errors are the cluster sandwich of coefficients and alpha together (written out in R).

    sandwich::vcovCL on glm.nb treats theta as known; its errors differ by up to a few percent.
    """
    result = fits[name]
    joint = REF[name]["nb"]["joint_cluster_std_error"]
    assert np.asarray(result.fit.bse) == pytest.approx(list(joint.values()), rel=1e-4)
    assert _ours(result, "nb2", "bse") == pytest.approx(_r(name, "nb", "std_error"), rel=0.05)


@pytest.mark.parametrize("name", list(SPECS))
def test_poisson_fit_and_overdispersion_test_equal_r(fits, name):
    result = fits[name]
    assert _ours(result, "poisson") == pytest.approx(_r(name, "poisson"), rel=1e-4, abs=1e-8)
    assert _ours(result, "poisson", "bse") == pytest.approx(_r(name, "poisson", "std_error"), rel=1e-6)
    assert result.fits["pearson_dispersion"] == pytest.approx(
        REF[name]["poisson"]["pearson_dispersion"], rel=1e-8
    )
    ct, r = result.fits["cameron_trivedi"], REF[name]["poisson"]["cameron_trivedi"]
    assert ct["alpha"] == pytest.approx(r["alpha"], rel=1e-6)
    assert ct["std_error"] == pytest.approx(r["std_error"], rel=1e-6)
    assert ct["z"] == pytest.approx(r["z"], rel=1e-6)
    assert ct["p_value"] == pytest.approx(r["p_value"], rel=1e-4)


@pytest.mark.parametrize("name", list(SPECS))
def test_gee_equals_geepack(fits, name):
    result = fits[name]
    assert _ours(result, "gee") == pytest.approx(_r(name, "gee"), rel=1e-5, abs=1e-8)
    assert _ours(result, "gee", "bse") == pytest.approx(_r(name, "gee", "std_error"), rel=1e-5)
    assert float(result.fits["gee"].cov_struct.dep_params) == pytest.approx(
        REF[name]["gee"]["correlation"], rel=1e-5
    )


def test_the_plans_analysis_is_the_covariate_model(study, fits):
    """``study.analyse("bereik_model")`` (informal side, organisation type) is the model R fits."""
    declared = study.analyse("bereik_model")
    assert np.asarray(declared.fit.params) == pytest.approx(
        np.asarray(fits["structural_org_type"].fit.params), rel=1e-10
    )
    assert _ours(declared, "nb2") == pytest.approx(_r("structural_org_type", "nb"), rel=1e-4)
