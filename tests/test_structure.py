"""The structural index of collaboration, its classification rule and their check (analysis.structure).

By hand on tiny frames (the index, the rule, kappa), against R on the example
(tests/reference/structure_kappa.R computes the index, the classes and psych::cohen.kappa from
the raw SPSS file, independently of Bruggen; its output is structure_kappa.json), and through
``analysis.load("study.yml").analyse("samenwerkingsindex")``: the index separates the
researchers' classes, the rule agrees with them, and nothing small is published.
"""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

import analysis
from analysis.codebook import Codebook
from analysis.disclosure import Policy
from analysis.errors import BruggenError, StudyConfigError
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.structure import (
    classify,
    cohens_kappa,
    collaboration_structure,
    indicator_ranges,
    structural_index,
)

REF = json.loads((Path(__file__).parent / "reference" / "structure_kappa.json").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
SURVEY = "organisatie_enquete"


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def result(study):
    return study.analyse("samenwerkingsindex")


# -- the index by hand ---------------------------------------------------------------------------
RANGES = {"a": (0, 3), "b": (0, 1), "c": (0, 4)}


def test_the_index_is_the_mean_of_the_rescaled_answered_indicators():
    frame = pd.DataFrame(
        {
            "a": [3, 0, 1, None, 3],
            "b": [1, 0, 1, 1, None],
            "c": [4, 0, 2, None, 0],
        }
    )
    index = structural_index(frame, ["a", "b", "c"], ranges=RANGES)
    # (1/3 + 1 + 2/4) / 3; one answered of three is below half: missing; (1 + 0) / 2
    expected = [1.0, 0.0, (1 / 3 + 1 + 0.5) / 3, math.nan, 0.5]
    assert index.name == "structural_index"
    np.testing.assert_allclose(index.to_numpy(), expected, rtol=0, atol=1e-12)


def test_the_rule_for_missing_indicators_can_be_set():
    frame = pd.DataFrame({"a": [3, None], "b": [None, None], "c": [4, 2]})
    assert structural_index(frame, ["a", "b", "c"], ranges=RANGES).isna().tolist() == [False, True]
    strict = structural_index(frame, ["a", "b", "c"], ranges=RANGES, min_answered=3)
    assert strict.isna().all()
    lenient = structural_index(frame, ["a", "b", "c"], ranges=RANGES, min_answered=1)
    assert lenient.tolist() == [1.0, 0.5]
    with pytest.raises(BruggenError, match="min_answered"):
        structural_index(frame, ["a", "b", "c"], ranges=RANGES, min_answered=4)


def _codebook() -> Codebook:
    return Codebook.from_dict(
        {
            "dataset": "d",
            "variables": [
                {
                    "name": "plan",
                    "value_labels": {0: "Geen", 1: "Mondeling", 2: "Schriftelijk", 9: "Weet niet"},
                    "missing_values": [9],
                    "translations": {"en": {"value_labels": {0: "None", 1: "Oral", 2: "Written"}}},
                },
                {"name": "overleg", "minimum": 1, "maximum": 5},
            ],
        }
    )


def test_ranges_come_from_the_valid_value_labels_or_the_bounds():
    book = _codebook()
    # 9 "weet niet" is user-missing: not part of the range
    assert indicator_ranges(["plan", "overleg"], codebook=book) == {"plan": (0.0, 2.0), "overleg": (1.0, 5.0)}
    assert indicator_ranges(["plan"], codebook=book, ranges={"plan": (0, 4)}) == {"plan": (0.0, 4.0)}
    with pytest.raises(BruggenError, match="no range"):
        indicator_ranges(["elders"], codebook=book)


def test_labels_in_any_language_of_the_codebook_are_codes_again():
    book = _codebook()
    codes = pd.DataFrame({"plan": [0, 1, 2, None], "overleg": [1, 3, 5, 5]})
    dutch = codes.assign(plan=pd.Categorical(["Geen", "Mondeling", "Schriftelijk", None]))
    english = codes.assign(plan=pd.Categorical(["None", "Oral", "Written", None]))
    expected = structural_index(codes, ["plan", "overleg"], codebook=book)
    np.testing.assert_allclose(expected.to_numpy(), [0.0, 0.5, 1.0, 1.0])
    for frame in (dutch, english):
        pd.testing.assert_series_equal(structural_index(frame, ["plan", "overleg"], codebook=book), expected)
    with pytest.raises(BruggenError, match="outside its valid codes"):
        structural_index(codes.assign(overleg=[0, 1, 2, 3]), ["plan", "overleg"], codebook=book)


# -- the rule by hand ----------------------------------------------------------------------------
CUTS = {"ad hoc": 0.10, "project": 0.35, "structural": 0.65}


def test_the_rule_gives_the_highest_class_whose_cut_off_the_index_reaches():
    index = pd.Series([0.0, 0.0999, 0.10, 0.34, 0.7 / 2, 0.64999, 0.65, 1.0, None])
    classes = classify(index, CUTS)
    assert classes.tolist() == [
        "none", "none", "ad hoc", "ad hoc", "project", "project", "structural", "structural", np.nan
    ]  # fmt: skip
    assert list(classes.cat.categories) == ["none", "ad hoc", "project", "structural"]
    assert classes.cat.ordered


def test_a_first_cut_off_of_zero_leaves_no_none_class():
    classes = classify(pd.Series([0.0, 0.5]), {"low": 0.0, "high": 0.5}, none="geen")
    assert list(classes.cat.categories) == ["low", "high"] and classes.tolist() == ["low", "high"]


@pytest.mark.parametrize(
    "cutoffs, phrase",
    [
        ({"a": 0.5, "b": 0.3}, "must increase"),
        ({"a": 0.5, "b": 0.5}, "must increase"),
        ({"a": 0.2, "b": 1.2}, "from 0 to 1"),
        ({"a": "laag"}, "from 0 to 1"),
        ({}, "must map"),
    ],
)
def test_cut_offs_must_be_increasing_numbers_within_0_and_1(cutoffs, phrase):
    with pytest.raises(BruggenError, match=phrase):
        classify(pd.Series([0.5]), cutoffs)


# -- kappa ---------------------------------------------------------------------------------------
def test_kappa_by_hand_and_as_r_psych_computes_it():
    """[[20, 5], [10, 15]]: observed agreement 35/50 = 0.7; by chance (25*30 + 25*20) / 50^2 = 0.5;
    kappa (0.7 - 0.5) / (1 - 0.5) = 0.4."""
    for name, table in (("two", [[20, 5], [10, 15]]), ("three", [[30, 4, 1], [6, 25, 5], [2, 3, 24]])):
        kp, fit = cohens_kappa(np.array(table))
        ref = REF["hand"][name]
        assert kp.kappa == pytest.approx(ref["kappa"], abs=1e-6)
        assert kp.std_error == pytest.approx(ref["std_error"], abs=1e-6)
        assert kp.ci_low == pytest.approx(ref["ci_low"], abs=1e-6)
        assert kp.ci_high == pytest.approx(ref["ci_high"], abs=1e-6)
        assert kp.agreement == pytest.approx(ref["agreement"], abs=1e-12)
        assert fit is not None
    assert cohens_kappa(np.array([[20, 5], [10, 15]]))[0].kappa == pytest.approx(0.4, abs=1e-12)


def test_kappa_is_undefined_when_everything_is_in_one_class():
    kp, fit = cohens_kappa(np.array([[12, 0], [0, 0]]))
    assert math.isnan(kp.kappa) and fit is None and not kp.defined


# -- the example against R -----------------------------------------------------------------------
def _example_index(study) -> tuple[pd.Series, pd.DataFrame]:
    ds = study.dataset(SURVEY)
    frame = study.data(SURVEY)
    return structural_index(frame, study.plan.indicators, codebook=ds.codebook), ds.numeric(
        ["collab_form", "org_side"]
    )


def test_the_index_equals_r_on_the_example(study):
    index, codes = _example_index(study)
    ref = REF["index_means"]
    assert index.notna().all()
    assert index.mean() == pytest.approx(ref["overall"], abs=1e-12)
    assert index[codes["org_side"] == 1].mean() == pytest.approx(ref["formal"], abs=1e-12)
    assert index[codes["org_side"] == 2].mean() == pytest.approx(ref["informal"], abs=1e-12)
    for code, name in ((1, "ad_hoc"), (2, "projectmatig"), (3, "structureel")):
        assert index[codes["collab_form"] == code].mean() == pytest.approx(ref[name], abs=1e-12)


@pytest.mark.parametrize("variant", REF["variants"], ids=lambda v: f"shift{v['shift']:+.2f}")
def test_classes_and_kappa_equal_r_psych_cohen_kappa_at_every_shift(study, variant):
    """The whole chain: the classes at each shift of the cut-offs (R's 4 x 4 table of rule by the
    researchers' codes) and kappa, its standard error and interval (psych::cohen.kappa), to 1e-6."""
    index, codes = _example_index(study)
    cuts = dict(zip(["1", "2", "3"], variant["cutoffs"], strict=True))
    classes = classify(index, cuts, none="0")  # no none class when the first cut-off is 0
    rule = classes.astype(str).map(lambda c: int(c) if c.isdigit() else 0)
    table = pd.crosstab(rule, codes["collab_form"].astype(int)).reindex(
        index=range(4), columns=range(4), fill_value=0
    )
    assert table.to_numpy().ravel().tolist() == variant["table"]
    kp, _ = cohens_kappa(table.to_numpy())
    assert kp.kappa == pytest.approx(variant["kappa"], abs=1e-6)
    assert kp.std_error == pytest.approx(variant["std_error"], abs=1e-6)
    assert kp.ci_low == pytest.approx(variant["ci_low"], abs=1e-6)
    assert kp.ci_high == pytest.approx(variant["ci_high"], abs=1e-6)
    assert kp.agreement == pytest.approx(variant["agreement"], abs=1e-12)


def test_the_published_kappa_and_sensitivity_equal_r(result):
    frame = result.to_frame().set_index("term")
    ref = next(v for v in REF["variants"] if v["shift"] == 0)
    assert frame.loc["kappa", "estimate"] == pytest.approx(ref["kappa"], abs=1e-6)
    assert frame.loc["kappa", "std_error"] == pytest.approx(ref["std_error"], abs=1e-6)
    assert frame.loc["kappa", "ci_low"] == pytest.approx(ref["ci_low"], abs=1e-6)
    assert frame.loc["kappa", "ci_high"] == pytest.approx(ref["ci_high"], abs=1e-6)
    assert frame.loc["kappa", "n"] == 600
    sens = result.sensitivity().set_index("shift")
    for v in REF["variants"]:
        row = sens.loc[v["shift"]]
        if not math.isnan(row["kappa"]):
            assert row["kappa"] == pytest.approx(v["kappa"], abs=1e-6)
        share = row["share: Totaal"]
        if not math.isnan(share):
            assert share == pytest.approx(v["share_structural"], abs=1e-12)
    assert sens["share: Totaal"].notna().sum() >= 3 and sens["kappa"].notna().sum() >= 3


def test_the_profile_equals_r(result, study):
    profile = result.profile()
    for ref in REF["profile"]:
        label = study.label(SURVEY, ref["indicator"])
        assert profile.loc[label, "Formeel"] == pytest.approx(ref["formal"], abs=1e-9)
        assert profile.loc[label, "Informeel"] == pytest.approx(ref["informal"], abs=1e-9)
    assert profile.loc["Structuurindex", "Totaal"] == pytest.approx(REF["index_means"]["overall"], abs=1e-9)
    frame = result.to_frame().set_index("term")
    for group, key, n in (
        ("Formeel", "formal", 266),
        ("Informeel", "informal", 334),
        ("Totaal", "overall", 600),
    ):
        row = frame.loc[f"index: {group}"]
        assert row["n"] == n
        assert row["std_error"] == pytest.approx(REF["index_means"][f"sd_{key}"] / math.sqrt(n), abs=1e-12)


# -- the example through the plan ----------------------------------------------------------------
def test_the_index_separates_the_researchers_classes_and_the_rule_agrees(study, result):
    index, codes = _example_index(study)
    means = [index[codes["collab_form"] == code].mean() for code in (1, 2, 3)]
    assert means[0] < means[1] < means[2]
    kappa = result.to_frame().set_index("term").loc["kappa"]
    assert kappa["estimate"] > 0.6 and kappa["ci_low"] > 0.5
    assert result.kappa.kappa == pytest.approx(kappa["estimate"])
    assert "Simple Kappa" in str(result.summary())


def test_the_classes_are_the_researchers_classes_and_none(result, study):
    table = result.table()
    form = study.dataset(SURVEY).codebook["collab_form"].value_labels
    assert list(table.values.columns) == ["Geen structuur", *form.values(), "Totaal"]
    assert list(table.values.index) == ["Formeel", "Informeel", "Totaal"]
    assert table.values.iloc[-1, -1] == 600
    assert result.structural == "Structureel"


def test_findings_quote_the_numbers_of_to_frame(result):
    frame = result.to_frame().set_index("term")
    text = " ".join(result.findings())
    share = frame.loc["Totaal: Structureel"]
    assert f"{fmt_pct(100 * share['estimate'], 0, 'nl')} van de {fmt_int(share['n'], 'nl')}" in text
    for group in ("Formeel", "Informeel"):
        row = frame.loc[f"{group}: Structureel"]
        assert (
            f"{group.lower()} is dat {fmt_pct(100 * row['estimate'], 0, 'nl')} (n = {fmt_int(row['n'], 'nl')})"
            in text
        )
        assert f"{group.lower()} {fmt_number(frame.loc[f'index: {group}', 'estimate'], 2, 'nl')}" in text
    assert f"gemiddeld {fmt_number(frame.loc['index: Totaal', 'estimate'], 2, 'nl')}" in text
    kappa = frame.loc["kappa"]
    assert (
        f"kappa is {fmt_number(kappa['estimate'], 2, 'nl')} (95%-betrouwbaarheidsinterval "
        f"{fmt_number(kappa['ci_low'], 2, 'nl')} tot {fmt_number(kappa['ci_high'], 2, 'nl')})"
    ) in text
    assert f"{fmt_pct(100 * frame.loc['agreement', 'estimate'], 0, 'nl')} van de respondenten" in text
    sens = frame[frame["part"] == "sensitivity"]
    shares = sens[sens["group"] == "Totaal"]["estimate"]
    kappas = sens[sens.index.str.endswith("kappa")]["estimate"]
    assert (
        f"tussen {fmt_pct(100 * shares.min(), 0, 'nl')} en {fmt_pct(100 * shares.max(), 0, 'nl')} en kappa "
        f"tussen {fmt_number(kappas.min(), 2, 'nl')} en {fmt_number(kappas.max(), 2, 'nl')}"
    ) in text
    # the rule itself, with the cut-offs of study.yml
    assert "ad hoc vanaf 0,10, projectmatig vanaf 0,35 en structureel vanaf 0,65" in text
    assert "Onder 0,10: geen structuur." in text


def test_english_findings(study):
    res = study.analyse("samenwerkingsindex", lang="en")
    text = " ".join(res.findings())
    assert "collaborate in a structural way" in text and "Cohen's kappa" in text
    assert "project-based from 0.35" in text
    assert res.table().values.columns[0] == "No structure"


def test_the_sensitivity_table_has_a_row_per_shift(result):
    sens = result.sensitivity()
    assert sens["shift"].tolist() == [-0.10, -0.05, 0.0, 0.05, 0.10]
    assert list(sens.columns) == [
        "shift",
        "cutoffs",
        "share: Formeel",
        "share: Informeel",
        "share: Totaal",
        "kappa",
    ]
    assert sens["cutoffs"].tolist() == [
        "0,00 / 0,25 / 0,55", "0,05 / 0,30 / 0,60", "0,10 / 0,35 / 0,65", "0,15 / 0,40 / 0,70", "0,20 / 0,45 / 0,75"
    ]  # fmt: skip
    # the rule's own row is the published table
    table = result.table()
    row = sens.set_index("shift").loc[0.0]
    for i, group in enumerate(["Formeel", "Informeel", "Totaal"]):
        assert row[f"share: {group}"] == pytest.approx(table.percent.iloc[i]["Structureel"] / 100)
    # moving every cut-off up never makes more collaboration structural
    shown = sens["share: Totaal"].dropna()
    assert shown.is_monotonic_decreasing
    captions = [c for c, _ in result.more_tables()]
    assert captions[-1] == "Gevoeligheid voor de afkappunten" and len(captions) == 3
    html = result.more_tables()[-1][1]
    assert html.count("<tr>") == 1 + 5


# -- disclosure ----------------------------------------------------------------------------------
def _frame(sizes: dict[str, int], seed: int = 3) -> pd.DataFrame:
    """A frame with other column names: three indicators, a form and a sector of given sizes."""
    rng = np.random.default_rng(seed)
    rows = []
    for sector, n in sizes.items():
        form = rng.choice(["los", "project", "duurzaam"], n)
        level = {"los": 0, "project": 1, "duurzaam": 2}
        for f in form:
            base = level[f]
            rows.append(
                {
                    "sector": sector,
                    "vorm": f,
                    "afspraak": min(3, max(0, base + rng.integers(-1, 2))),
                    "geld": min(4, max(0, 2 * base + rng.integers(-1, 2))),
                    "overleg": min(2, max(0, base + rng.integers(-1, 1))),
                }
            )
    frame = pd.DataFrame(rows)
    frame["vorm"] = pd.Categorical(frame["vorm"], categories=["los", "project", "duurzaam"], ordered=True)
    frame["sector"] = pd.Categorical(frame["sector"], categories=list(sizes))
    return frame


def _structure(frame: pd.DataFrame, policy: Policy | None = None, lang: str = "nl"):
    return collaboration_structure(
        frame,
        indicators=["afspraak", "geld", "overleg"],
        form="vorm",
        side="sector",
        cutoffs={"los": 0.05, "project": 0.3, "duurzaam": 0.6},
        structural="duurzaam",
        ranges={"afspraak": (0, 3), "geld": (0, 4), "overleg": (0, 2)},
        policy=policy or Policy(),
        labels={"sector": "Sector", "vorm": "Vorm"},
        lang=lang,
    )


def test_a_frame_with_other_column_names_works():
    res = _structure(_frame({"zorg": 120, "welzijn": 100}), lang="en")
    assert list(res.table().values.index) == ["zorg", "welzijn", "Total"]
    assert res.findings()[0].startswith("By the index rule,") and "duurzaam" in res.findings()[0]
    assert {"classification", "index", "profile", "agreement", "sensitivity"} <= set(res.to_frame()["part"])
    fig = res.figure()
    assert [t.name for t in fig.data] == ["zorg", "welzijn"]
    assert list(fig.data[0].y) == ["afspraak", "geld", "overleg", "Structural index"]


def test_small_groups_are_never_published():
    frame = _frame({"zorg": 120, "welzijn": 100, "sport": 6})
    res = _structure(frame)
    assert res.n_small_groups == 1
    assert "sport" not in res.table().values.index
    assert "sport" not in res.profile().columns
    assert not res.to_frame()["group"].eq("sport").any()
    assert not any("sport" in s for s in res.findings())
    assert all("sport" not in html for _, html in res.more_tables())
    assert "sport" not in [t.name for t in res.figure().data]
    assert res.figure().layout.annotations  # the figure says that a group is missing
    # every published count in the table is zero or at least the threshold
    values, status = res.table().values, res.table().status
    shown = [
        int(v)
        for v, s in zip(values.to_numpy().ravel(), status.to_numpy().ravel(), strict=True)
        if s == "shown"
    ]
    assert all(v == 0 or v >= 10 for v in shown)


def test_only_small_groups_give_an_empty_result_that_says_so():
    res = _structure(_frame({"zorg": 8, "welzijn": 9}))
    assert res.empty and res.findings() == [
        "Er zijn te weinig respondenten om de structuur van de samenwerking te beschrijven."
    ]
    assert res.more_tables() == [] and res.to_frame().empty
    with pytest.raises(Exception, match="disclosure threshold"):
        res.table()


def test_kappa_is_withheld_when_the_counts_it_is_computed_from_are_hidden():
    """Only three respondents whom the rule puts in another class than the researchers: the
    agreement table hides them (and so the agreeing total), and kappa, which would give the
    agreeing total away, is not published."""
    frame = _frame({"zorg": 60, "welzijn": 50}, seed=5)
    for form, answers in (("los", [0, 1, 0]), ("project", [1, 2, 1]), ("duurzaam", [3, 4, 2])):
        frame.loc[frame["vorm"] == form, ["afspraak", "geld", "overleg"]] = answers
    res = _structure(frame)
    assert res.kappa.kappa == pytest.approx(1.0) and "kappa" in set(res.to_frame()["term"])
    los = frame.index[frame["vorm"] == "los"]
    frame.loc[los[:3], ["afspraak", "geld", "overleg"]] = [3, 4, 2]
    res = _structure(frame)
    agreement = res._variants[0.0].agreement
    assert agreement.status.iloc[-1, 0] != "shown" and agreement.status.iloc[-1, 1] == "primary"
    assert 0.9 < res.kappa.kappa < 1  # computed, for the researcher ...
    assert "kappa" not in set(res.to_frame()["term"])  # ... but not published
    assert "agreement" not in set(res.to_frame()["term"])
    assert any("niet gepubliceerd" in s for s in res.findings())
    assert "Cohens kappa" not in " ".join(html for _, html in res.more_tables())


def test_the_sensitivity_table_gives_no_small_difference_away(result, study):
    """Two published rows never differ by 1-9 respondents of the structural class in any group."""
    index, codes = _example_index(study)
    side = codes["org_side"]
    sens = result.sensitivity()
    counts = []
    for _, row in sens.iterrows():
        if math.isnan(row["share: Totaal"]):
            continue
        cuts = [min(1, max(0, c + row["shift"])) for c in (0.10, 0.35, 0.65)]
        structural = np.round(index, 9) >= cuts[2]
        counts.append(
            [int(structural[side == 1].sum()), int(structural[side == 2].sum()), int(structural.sum())]
        )
    for i, a in enumerate(counts):
        for b in counts[i + 1 :]:
            assert all(x == y or abs(x - y) >= 10 for x, y in zip(a, b, strict=True))


def test_a_municipality_sized_subset_publishes_nothing_small(study):
    survey = study.data(SURVEY)
    biggest = survey["municipality_code"].value_counts().index[0]
    res = study.analyse("samenwerkingsindex", data=survey[survey["municipality_code"] == biggest])
    frame = res.to_frame()
    shares = frame[frame["part"] == "classification"]
    assert all(k == 0 or k >= 10 for k in (shares["estimate"] * shares["n"]).round())
    assert (frame.loc[frame["part"] == "index", "n"] >= 10).all()
    assert res.findings()


# -- the plan ------------------------------------------------------------------------------------
def _study_with(analysis_spec: dict):
    from analysis.study import Study

    config = copy.deepcopy(CONFIG)
    config["analyses"] = {"samenwerkingsindex": analysis_spec}
    return Study.from_dict(config, root=ROOT, source=ROOT / "study.yml")


@pytest.fixture(scope="module")
def loaded():
    from analysis.study import Study

    study = Study.from_yaml(ROOT / "study.yml")
    return {SURVEY: study.get(SURVEY)} | {n: study.get(n) for n in study.datasets if n != SURVEY}


@pytest.mark.parametrize(
    "cutoffs, phrase",
    [
        (None, "cutoffs: missing"),
        ({1: 0.5, 2: 0.35, 3: 0.65}, "must increase"),
        ({1: 0.1, 2: 0.35, 3: 1.5}, "from 0 to 1"),
        ({1: 0.1, 2: 0.35}, "no cut-off for 'Structureel'"),
        ({1: 0.1, 2: 0.35, 4: 0.65}, "4 is neither a code nor a label"),
        ({"Ad hoc": 0.1, "Projectmatig": 0.35, "Structureel": 0.65}, None),
    ],
)
def test_the_gate_names_missing_or_invalid_cut_offs(cutoffs, phrase, loaded):
    from analysis.validate.plan_checks import plan_checks

    spec = {"kind": "collaboration_index"} | ({"cutoffs": cutoffs} if cutoffs is not None else {})
    study = _study_with(spec)
    if phrase is None:
        assert all(c.passed for c in plan_checks(study, loaded))
        return
    with pytest.raises(StudyConfigError) as info:
        plan_checks(study, loaded)
    line = next(
        x for x in str(info.value).splitlines() if x.strip().startswith("analyses.samenwerkingsindex:")
    )
    assert phrase in line, line


def test_cut_offs_may_name_labels_and_options_override_per_call(study):
    res = study.analyse(
        "samenwerkingsindex", cutoffs={"Ad hoc": 0.1, "Projectmatig": 0.4, "Structureel": 0.7}
    )
    assert res.cutoffs == {"Ad hoc": 0.1, "Projectmatig": 0.4, "Structureel": 0.7}
    assert re.search(r"index van 0,70 of hoger", res.findings()[0])
    with pytest.raises(StudyConfigError, match="must increase"):
        study.analyse("samenwerkingsindex", cutoffs={1: 0.5, 2: 0.4, 3: 0.7})
