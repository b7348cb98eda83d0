"""`bruggen init` on a researcher's own folder: the example's raw files under other names, no study.yml.

The files are the example study's, delivered as another study would deliver them (other file
names, other variable names, the SPSS survey rewritten, :func:`study_variants.renamed_study`),
with nothing but the data and a names list. ``init`` alone must propose every kind of analysis
the shipped plan runs, the gate must pass, the report must have every chapter of the shipped
report, and the estimates the study is about must equal R's (tests/reference/*.json).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli
from study_variants import renamed_study

from analysis.plan import CHAPTERS

pytestmark = pytest.mark.slow
REFERENCE = ROOT / "tests" / "reference"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The renamed example's raw files alone in a folder, after `bruggen init` and `bruggen report`."""
    full = tmp_path_factory.mktemp("geleverd")
    renamed_study(full)
    own = tmp_path_factory.mktemp("eigen_map")
    shutil.copytree(full / "bestanden", own / "bestanden")
    result = run_cli("init", own)
    assert result.returncode == 0, result.stderr
    return own


def _shipped_kinds() -> set[str]:
    config = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
    return {spec["kind"] for spec in config["analyses"].values()}


def test_init_proposes_every_kind_the_shipped_plan_runs(folder):
    config = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    proposed = {spec["kind"] for spec in config["analyses"].values()}
    assert proposed == _shipped_kinds()


def test_init_decides_from_the_data_what_the_data_decide(folder):
    config = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    survey = config["plan"]["survey"]
    # the batteries by their shared ordered answer scale, the reverse-keyed item by its answers
    assert {tuple(s["items"]) for s in survey["scales"].values()} >= {
        ("q_trust_1", "q_trust_2", "q_trust_3", "q_trust_4"),
        ("q_taken_seriously_1", "q_taken_seriously_2", "q_taken_seriously_3", "q_taken_seriously_4"),
    }
    seriously = next(s for s in survey["scales"].values() if "q_taken_seriously_1" in s["items"])
    assert seriously["reversed"] == ["q_taken_seriously_4"]
    # no multiple-response set (the themes a respondent works on, 0/1 each) is a scale or an indicator
    items = {i for s in survey["scales"].values() for i in s["items"]}
    assert not any(c.startswith("q_theme_") for c in items | set(survey["indicators"]))
    assert {"q_agreement_level", "q_named_contact", "q_referral_protocol"} <= set(survey["indicators"])
    # the check coder is the one whose every document another coder coded too
    assert config["plan"]["interviews"]["coder"]["check"] == "Onderzoeker C (synthetisch)"
    # quote themes are themes, never the meta-codes that mark passages
    assert not {"QUOTE", "CASEBOX", "IDENT"} & set(config["plan"]["interviews"]["quote_themes"])


def test_the_report_has_every_chapter_of_the_shipped_report(folder):
    result = run_cli("validate", "--study", folder / "study.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_cli("report", "--study", folder / "study.yml")
    assert result.returncode == 0, result.stderr
    html = (folder / "reports" / "rapport.html").read_text(encoding="utf-8")
    sections = set(re.findall(r'<section[^>]*id="([^"]+)"', html))
    shipped = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
    from analysis.plan import ANALYSES

    chapters = {ANALYSES[a["kind"]]["chapter"] for a in shipped["analyses"].values()}
    assert chapters <= set(CHAPTERS) and chapters <= sections
    # another study's background is never this one's: the report asks for the researcher's own
    assert "Veilig Thuis, wijkteams en schuldhulp bereiken" not in html
    assert 'class="placeholder"' in html


def _row(frame, **match):
    hit = frame
    for column, value in match.items():
        hit = hit[hit[column] == value]
    assert len(hit) == 1, (match, frame)
    return hit.iloc[0]


def test_the_estimates_equal_r(folder):
    import analysis

    study = analysis.load(folder / "study.yml")
    config = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    by_kind: dict[str, list[str]] = {}
    for name, spec in config["analyses"].items():
        by_kind.setdefault(spec["kind"], []).append(name)
    referrals = json.loads((REFERENCE / "referrals.json").read_text())
    reach = json.loads((REFERENCE / "reach.json").read_text())
    perspectives = json.loads((REFERENCE / "perspectives.json").read_text())

    completion = study.analyse(by_kind["completion"][0]).to_frame()
    odds = _row(completion, kind="odds_ratio")
    assert odds["estimate"] == pytest.approx(referrals["completion"]["estimate"], rel=1e-6)
    time = study.analyse(by_kind["time_to_contact"][0]).to_frame()
    days = _row(time, kind="days_ratio")
    assert days["estimate"] == pytest.approx(referrals["gamma"]["estimate"], rel=1e-6)
    rates = study.analyse(by_kind["reach"][0]).to_frame()
    rate = _row(rates, model="nb2", measure="rate_ratio")
    expected = math.exp(reach["fits"]["structural"]["nb"]["coefficients"]["structural"]["coef"])
    assert rate["estimate"] == pytest.approx(expected, rel=1e-5)
    seriously = next(n for n in by_kind["perspectives"] if "taken_seriously" in n)
    gap = _row(study.analyse(seriously).to_frame(), term="gap")
    r_gap = next(t for t in perspectives["ols"]["terms"] if t["term"] == "gap")
    assert gap["estimate"] == pytest.approx(r_gap["estimate"], abs=1e-6)
    assert gap["std_error"] == pytest.approx(r_gap["std_error"], abs=1e-6)
