"""Reliability (analysis.scales) against R's psych, on the example study and on real Likert data.

tests/reference/reliability.R ran psych::alpha (raw_alpha, the Feldt interval, r.drop,
alpha.drop) and psych::omega(nfactors = 1, fm = "ml") (omega.tot) on the example's four scales
and on psych's own bfi questionnaire data (Agreeableness A1-A5 with A1 reversed, Neuroticism
N1-N5), once on the respondents who answered every item and once with pairwise covariances; it
committed reliability.json and the bfi items as reliability_bfi.csv, so CI (no R) compares
Bruggen's numbers with psych's here. `make reference` reruns the script.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analysis
from analysis.scales import reliabilities, reliability

REF = Path(__file__).resolve().parent / "reference"
ROOT = REF.parents[1]
REFERENCE = json.loads((REF / "reliability.json").read_text(encoding="utf-8"))
ROWS = REFERENCE["scales"]
#: Relative tolerance for alpha, its interval and the item statistics; absolute for omega.
ALPHA_RTOL, OMEGA_ATOL = 1e-6, 1e-4


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def ours(study) -> dict[tuple[str, str, str], object]:
    """Bruggen's Reliability per (source, scale, missing rule), computed as a researcher would."""
    out = {}
    # the example through the plan: the analysis the study declares (listwise, the default) and
    # the same scales with pairwise covariances; items and reversal from the plan and codebook
    listwise = study.analyse("schalen")
    vs = study
    ds = vs.dataset(vs.plan.dataset("survey"))
    items = [i for s in vs.plan.scales.values() for i in s.items]
    from analysis.prepare.compose import _item_ranges

    lows, highs = _item_ranges(ds.codebook, items)
    pairwise = reliabilities(
        ds.numeric(items), vs.plan.scales, scale_min=lows, scale_max=highs, missing="pairwise"
    )
    for name in vs.plan.scales:
        out["example", name, "listwise"] = listwise[name]
        out["example", name, "pairwise"] = pairwise[name]
    # real questionnaire data the other tests have not seen
    bfi = pd.read_csv(REF / "reliability_bfi.csv", comment="#")
    for missing in ("listwise", "pairwise"):
        out["bfi", "N", missing] = reliability(bfi, [f"N{i}" for i in range(1, 6)], missing=missing)
        out["bfi", "A", missing] = reliability(
            bfi, [f"A{i}" for i in range(1, 6)], reversed=["A1"], scale_min=1, scale_max=6, missing=missing
        )
    return out


def test_the_reference_covers_the_example_and_real_data_under_both_rules():
    keys = {(r["source"], r["scale"], r["missing"]) for r in ROWS}
    assert len(keys) == len(ROWS) == 12
    assert {s for s, _, _ in keys} == {"example", "bfi"}
    assert {m for _, _, m in keys} == {"listwise", "pairwise"}
    assert REFERENCE["psych_version"]
    # psych::omega's omega.tot is 1 - sum(uniquenesses) / sum(R) with ML loadings, as the issue measured
    for r in ROWS:
        assert r["omega"] == pytest.approx(r["omega_fa"], abs=1e-9)


@pytest.mark.parametrize("ref", ROWS, ids=[f"{r['source']}-{r['scale']}-{r['missing']}" for r in ROWS])
def test_alpha_interval_item_statistics_and_omega_equal_psych(ours, ref):
    result = ours[ref["source"], ref["scale"], ref["missing"]]
    assert list(result.items) == ref["items"]
    assert list(result.reversed) == list(ref["reversed"])
    assert result.n == ref["n"]
    assert result.alpha == pytest.approx(ref["alpha"], rel=ALPHA_RTOL)
    assert result.ci[0] == pytest.approx(ref["ci_low"], rel=ALPHA_RTOL)
    assert result.ci[1] == pytest.approx(ref["ci_high"], rel=ALPHA_RTOL)
    for item in ref["items"]:
        assert result.item_rest[item] == pytest.approx(ref["item_rest"][item], rel=ALPHA_RTOL)
        assert result.alpha_if_dropped[item] == pytest.approx(ref["alpha_if_dropped"][item], rel=ALPHA_RTOL)
        assert result.loadings[item] == pytest.approx(ref["loadings"][item], abs=1e-4)
    assert result.omega == pytest.approx(ref["omega"], abs=OMEGA_ATOL)


@pytest.mark.parametrize("ref", ROWS, ids=[f"{r['source']}-{r['scale']}-{r['missing']}" for r in ROWS])
def test_the_tidy_frame_holds_the_same_numbers(ours, ref):
    frame = ours[ref["source"], ref["scale"], ref["missing"]].to_frame().set_index("term")
    assert frame.at["alpha", "estimate"] == pytest.approx(ref["alpha"], rel=ALPHA_RTOL)
    assert frame.at["alpha", "ci_low"] == pytest.approx(ref["ci_low"], rel=ALPHA_RTOL)
    assert frame.at["alpha", "ci_high"] == pytest.approx(ref["ci_high"], rel=ALPHA_RTOL)
    assert frame.at["omega", "estimate"] == pytest.approx(ref["omega"], abs=OMEGA_ATOL)
    assert (frame["n"] == ref["n"]).all()
    for item in ref["items"]:
        assert frame.at[f"item_rest:{item}", "estimate"] == pytest.approx(
            ref["item_rest"][item], rel=ALPHA_RTOL
        )


@pytest.mark.parametrize("scale", ["taken_seriously", "trust"])
def test_omega_is_above_alpha_on_the_planted_scales(study, scale):
    """PLANTED.yml: the items of both scales load unequally on their factor, so omega > alpha."""
    import yaml

    planted = yaml.safe_load((ROOT / "data" / "raw" / "PLANTED.yml").read_text(encoding="utf-8"))
    effect = next(e for e in planted["effects"] if e["id"] == f"reliability_{scale}")
    assert effect["scale"] == "omega minus alpha" and effect["true_value"] > 0
    frame = study.analyse("schalen").to_frame()
    rows = frame[frame["scale"] == scale].set_index("term")["estimate"]
    assert rows["omega"] > rows["alpha"]
    ref = next(r for r in ROWS if (r["source"], r["scale"], r["missing"]) == ("example", scale, "listwise"))
    assert ref["omega"] > ref["alpha"]  # psych agrees
