"""Formal versus informal (analysis.perspectives): the planted gaps, disclosure control, sentences,
figures, the plan's kinds and the library on frames of its own."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

import analysis
from analysis.disclosure import Policy
from analysis.errors import BruggenError, StudyConfigError
from analysis.perspectives import check_plan, compare_sides, likert_items
from analysis.plan import ANALYSES, AnalysisSpec
from analysis.study import Study

ITEMS = [f"taken_seriously_{i}" for i in range(1, 5)]
PLANTED = {e["id"]: e for e in yaml.safe_load((ROOT / "data" / "raw" / "PLANTED.yml").read_text())["effects"]}
NUMBER = re.compile(r"[−-]?\d+(?:[.,]\d+)?")


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def result(study):
    return study.analyse("serieus_kanten")


@pytest.fixture(scope="module")
def survey(study):
    """The validated survey with the prepared scale score joined on the respondent number."""
    scores = study.prepared("survey")[["resp_id", "scale_taken_seriously"]]
    return study.part("survey").merge(scores, on="resp_id", how="left")


def _numbers(sentence: str) -> list[float]:
    """The numbers in a Dutch sentence (decimal comma, typographic minus), leaving out "95%"."""
    sentence = sentence.replace("95%", "")
    return [float(m.replace("−", "-").replace(",", ".")) for m in NUMBER.findall(sentence)]


def _compare(survey, policy=None, **kwargs):
    args = {
        "outcome": "scale_taken_seriously",
        "side": "org_side",
        "formal": "Formeel",
        "informal": "Informeel",
        "moderator": "collab_form",
        "moderator_level": "Structureel",
        "cluster": "municipality_code",
        "policy": policy or Policy(),
    }
    return compare_sides(survey, **{**args, **kwargs})


# -- the planted effects -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "term, planted",
    [
        ("gap", "taken_seriously_gap_nonstructural"),
        ("gap_structural", "taken_seriously_gap_structural"),
        ("interaction", "taken_seriously_interaction"),
    ],
)
@pytest.mark.parametrize("model", ["", "_mixed"])
def test_planted_effects_inside_the_reported_intervals(result, term, planted, model):
    truth = PLANTED[planted]["true_value"]
    assert truth in (-0.8, -0.3, 0.5)
    row = result.to_frame().set_index("term").loc[term + model]
    assert row["ci_low"] < truth < row["ci_high"], (term + model, truth, row["ci_low"], row["ci_high"])
    assert not row["ci_low"] < PLANTED[planted]["null_value"] < row["ci_high"]


def test_gaps_are_the_differences_of_the_published_means(result):
    """The model is saturated: its gaps are differences of cell means (pooled over non-structural forms)."""
    frame = result.to_frame().set_index("term")
    assert frame.loc["Formeel", "kind"] == "mean"
    structural = (
        frame.loc["Informeel – Structureel", "estimate"] - frame.loc["Formeel – Structureel", "estimate"]
    )
    assert frame.loc["gap_structural", "estimate"] == pytest.approx(structural, abs=1e-9)
    assert frame.loc["interaction", "estimate"] == pytest.approx(
        frame.loc["gap_structural", "estimate"] - frame.loc["gap", "estimate"], abs=1e-9
    )
    assert result.fit.cov_type == "cluster" and result.mixed is not None
    assert result.summary() is not None


def test_the_analysis_is_declared_in_the_plan(study):
    spec = study.plan.analysis("serieus_kanten")
    assert spec.kind == "perspectives" and spec.chapter == "perspectieven"
    assert spec.options["scale"] == "taken_seriously" and spec.options["cluster"] == "municipality"
    assert ANALYSES["perspectives"]["runner"] == "analysis.perspectives:from_plan"
    assert ANALYSES["likert_items"]["runner"] == "analysis.perspectives:items_from_plan"
    assert study.plan.analysis("serieus_items").options["items"] == ITEMS


def test_titles_and_labels_come_from_the_plan_and_codebooks(study, result):
    assert result.title() == (
        "Serieus genomen worden naar kant van de samenwerking en samenwerkingsvorm "
        "(classificatie door de onderzoekers)"
    )
    en = study.analyse("serieus_kanten", lang="en")
    assert en.title().startswith("Being taken seriously by side of the collaboration")
    assert "Formal – Structural" in en.table().values.index
    assert "project-based" in en.findings()[0]


# -- sentences -----------------------------------------------------------------------------------
def test_findings_numbers_equal_to_frame(result):
    frame = result.to_frame().set_index("term")
    est = frame["estimate"]
    first, interaction, d, mixed = result.findings()
    assert "lager" in first and "(ad hoc of projectmatig)" in first
    assert _numbers(first) == [round(abs(est["gap"]), 1), round(abs(est["gap_structural"]), 1)]
    assert _numbers(interaction) == [
        round(abs(est["interaction"]), 1),
        round(frame.loc["interaction", "ci_low"], 1),
        round(frame.loc["interaction", "ci_high"], 1),
    ]
    assert "verkleint" in interaction
    assert _numbers(d) == [round(est["d"], 2), round(est["d_structural"], 2)]
    assert _numbers(mixed) == [round(est["gap_mixed"], 1), round(est["gap_structural_mixed"], 1)]


def test_findings_in_english_have_the_same_numbers(result):
    nl, en = result.findings("nl"), result.findings("en")
    assert len(nl) == len(en)
    for a, b in zip(nl, en, strict=True):
        assert _numbers(a) == [float(x.replace("−", "-")) for x in NUMBER.findall(b.replace("95%", ""))]


def test_without_moderator_one_gap_by_side(study, survey):
    res = study.analyse("serieus_kanten", moderator=None)
    frame = res.to_frame().set_index("term")
    assert list(res.table().values.index) == ["Formeel", "Informeel", "Totaal"]
    gap = frame.loc["Informeel", "estimate"] - frame.loc["Formeel", "estimate"]
    assert frame.loc["gap", "estimate"] == pytest.approx(gap, abs=1e-9)
    assert "interaction" not in frame.index and "d_structural" not in frame.index
    sentence = res.findings()[0]
    assert _numbers(sentence) == [
        round(abs(frame.loc["gap", "estimate"]), 1),
        round(frame.loc["gap", "ci_low"], 1),
        round(frame.loc["gap", "ci_high"], 1),
    ]
    [(_caption, html)] = res.more_tables()
    assert "Verschil informeel – formeel</th>" in html


# -- disclosure ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small(survey):
    """Only 6 informal respondents with structural collaboration remain."""
    cell = survey[(survey["org_side"] == "Informeel") & (survey["collab_form"] == "Structureel")]
    keep = survey.index.difference(cell.index[6:])
    return _compare(survey.loc[keep])


def test_a_small_groups_mean_is_not_published(small):
    table = small.table()
    assert table.status.loc["Informeel – Structureel", "mean"] == "primary"
    assert table.values.loc["Informeel – Structureel", "mean"] is None
    assert table.values.loc["Informeel – Structureel", "n"] is None  # "<10"
    # secondary: the total is published, so one more mean is hidden
    assert (table.status["mean"] == "secondary").sum() == 1
    terms = set(small.to_frame()["term"])
    assert "Informeel – Structureel" not in terms
    hidden = table.status.index[table.status["mean"] != "shown"]
    assert not terms & set(hidden)
    assert any(entry.row == "Informeel – Structureel" for entry in table.log.entries)


def test_models_are_not_published_when_a_group_is_hidden(small):
    """A gap would give the hidden mean away: no estimates, no model table, no gap sentence."""
    assert not small.publishable
    assert set(small.to_frame()["kind"]) == {"mean"}
    assert small.more_tables() == []
    assert small.findings() == [
        "Er zijn te weinig respondenten per groep om formele en informele respondenten te vergelijken."
    ]
    assert small.fit is not None  # the researcher still has the model


def _figure_means(fig) -> list[tuple[str, str, float]]:
    return [(trace.name, y, x) for trace in fig.data for y, x in zip(trace.y, trace.x, strict=True)]


@pytest.mark.parametrize("which", ["full", "small"])
def test_the_figure_carries_only_published_means(result, small, which):
    res = result if which == "full" else small
    table = res.table()
    published = {
        label: round(float(table.values.loc[label, "mean"]), 4)
        for label in table.values.index[:-1]
        if table.status.loc[label, "mean"] == "shown"
    }
    drawn = {f"{side} – {form}": x for side, form, x in _figure_means(res.figure())}
    assert drawn == published
    if which == "small":
        assert "Informeel – Structureel" not in drawn
        assert (
            res.figure().layout.annotations[0].text == "Groepen met te weinig respondenten zijn niet getoond."
        )
    for trace in res.figure().data:  # intervals drawn around the published means only
        assert len(trace.error_x.array) == len(trace.x)


def test_disclosed_table_and_model_table_in_the_report_shape(result):
    html = result.table().to_html()
    assert "Formeel – Ad hoc" in html and "3,09" in html
    [(caption, model)] = result.more_tables()
    assert caption.startswith("Verschil tussen informele en formele respondenten")
    assert "Lineair model (clustercorrectie)" in model and "Gemengd model" in model
    assert "25 clusters" in model


# -- the library takes column names --------------------------------------------------------------
def test_another_frame_with_other_column_names(survey, result):
    other = pd.DataFrame(
        {
            "score": survey["scale_taken_seriously"],
            "wie": survey["org_side"].map({"Formeel": "F", "Informeel": "I"}).astype("string"),
            "vorm": survey["collab_form"].cat.codes.astype(int) + 1,
            "plaats": survey["municipality_code"],
        }
    )
    res = compare_sides(
        other,
        outcome="score",
        side="wie",
        formal="F",
        informal="I",
        moderator="vorm",
        moderator_level=3,
        cluster="plaats",
        labels={"score": "Score", "wie": "Kant", "vorm": "Vorm"},
        policy=Policy(),
    )
    ours = res.to_frame().set_index("term")
    theirs = result.to_frame().set_index("term")
    for term in ("gap", "gap_structural", "interaction", "d", "interaction_mixed", "sd_cluster_mixed"):
        assert ours.loc[term, "estimate"] == pytest.approx(theirs.loc[term, "estimate"], abs=1e-8)
    assert ours.loc["interaction", "ci_high"] == pytest.approx(theirs.loc["interaction", "ci_high"], abs=1e-8)
    assert "I – 3" in res.table().values.index
    assert res.title() == "Score naar kant en vorm"
    assert "(1 of 2)" in res.findings()[0]


def test_without_a_cluster_ordinary_errors_and_no_mixed_model(survey):
    res = _compare(survey, cluster=None)
    assert res.fit.cov_type == "nonrobust" and res.mixed is None
    assert "gap_mixed" not in set(res.to_frame()["term"])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"outcome": "nope"}, "no column 'nope'"),
        ({"moderator_level": None}, "needs moderator_level"),
        ({"moderator_level": "Heel structureel"}, "is not a value of 'collab_form'"),
        ({"informal": "Formeel"}, "the same value"),
        ({"outcome": "org_side"}, "not numbers"),
    ],
)
def test_clear_errors(survey, kwargs, message):
    with pytest.raises(BruggenError, match=message):
        _compare(survey, **kwargs)


# -- single Likert items -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def items(study):
    return study.analyse("serieus_items")


def test_items_have_ordinal_models_with_odds_ratios(items, study):
    frame = items.to_frame().set_index("term")
    assert list(frame.index) == ITEMS
    assert (frame["effect"] == "informal").all()
    row = frame.loc["taken_seriously_1"]
    assert row["estimate"] == pytest.approx(np.exp(row["coef"]))
    assert row["ci_low"] < row["estimate"] < row["ci_high"] < 1  # informal: less often a higher answer
    assert frame.loc["taken_seriously_4", "estimate"] > 1  # the reverse-worded item, as worded
    assert frame.loc["taken_seriously_1", "item_label"] == study.label(
        "organisatie_enquete", "taken_seriously_1"
    )
    assert set(items.fit) == set(ITEMS)
    assert all(res.cov_type == "cluster" for res in items.fit.values())


def test_item_categories_are_the_codebooks_labels(items):
    assert items.categories == ("Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens")
    assert list(items.table().values.columns) == [*items.categories, "Totaal"]


def test_item_table_goes_through_disclosure_control(items):
    table = items.table()
    label = "Als ik een signaal doorgeef, wordt er iets mee gedaan – Informeel"
    assert table.status.loc[label, "Helemaal eens"] == "primary"  # 7 informal respondents
    assert table.values.loc[label, "Helemaal eens"] is None
    assert table.display().loc[label, "Helemaal eens"] == "<10"
    assert table.n_hidden == 4  # primary plus its row and column partners (per item)
    assert len(table.log.entries) == table.n_hidden


def test_diverging_bars_show_only_fully_published_rows(items):
    fig = items.figure()
    shares = items.shares()
    complete = shares.dropna(how="any")
    assert len(complete) == 6 and len(shares) == 8  # item 1's two bars have hidden cells
    drawn = {(y0.replace("<br>", " "), y1) for trace in fig.data for y0, y1 in zip(*trace.y, strict=True)}
    assert drawn == set(complete.index)
    assert fig.layout.annotations[0].text == "Balken met onderdrukte cellen zijn niet getoond."
    # every segment is a published percentage (the neutral one split across zero)
    for trace in fig.data:
        column = trace.name
        for (item, side), x, pct in zip(zip(*trace.y, strict=True), trace.x, trace.customdata, strict=True):
            published = round(float(complete.loc[(item.replace("<br>", " "), side), column]), 1)
            assert pct == published
            assert abs(x) in (published, published / 2)


def test_item_findings_numbers_equal_to_frame(items):
    frame = items.to_frame()
    first, *rest = items.findings()
    assert _numbers(first) == [4, 4, 1]  # "4 of the 4 statements ... the interval excludes 1"
    for sentence, (_, row) in zip(rest, frame.iterrows(), strict=True):
        assert row["item_label"] in sentence
        assert _numbers(sentence) == [
            round(row["estimate"], 2),
            round(row["ci_low"], 2),
            round(row["ci_high"], 2),
        ]
    [(_caption, html)] = items.more_tables()
    assert "Oddsratio" in html and "gemeente (CBS-code)" in html


def test_items_on_another_frame_with_numeric_codes():
    rng = np.random.default_rng(1)
    n = 200
    side = np.repeat(["a", "b"], n // 2)
    answer = np.clip(np.round(rng.normal(np.where(side == "b", 3.6, 2.6), 1.0)), 1, 5)
    frame = pd.DataFrame({"kant": side, "stelling": answer, "stelling2": answer[::-1]})
    res = likert_items(
        frame, ["stelling", "stelling2"], side="kant", formal="a", informal="b", policy=Policy()
    )
    assert res.categories == ("1", "2", "3", "4", "5")
    assert res.to_frame().set_index("term").loc["stelling", "estimate"] > 1
    assert res.to_frame().set_index("term").loc["stelling2", "estimate"] < 1


def test_an_item_one_side_answers_wholly_above_the_other_is_not_modelled():
    # separation (as in a small municipality): the table is published, the odds ratio is not
    # (it is infinite; statsmodels gives ~-55 with a standard error of ~36,000)
    n = 60
    frame = pd.DataFrame(
        {
            "kant": np.repeat(["a", "b"], n),
            "apart": np.r_[np.full(n, 3.0), np.tile([1.0, 2.0], n // 2)],
            "samen": np.r_[np.tile([2.0, 3.0, 3.0], n // 3), np.tile([1.0, 2.0, 3.0], n // 3)],
        }
    )
    res = likert_items(frame, ["apart", "samen"], side="kant", formal="a", informal="b", policy=Policy())
    assert list(res.to_frame()["term"]) == ["samen"] and set(res.fit) == {"samen"}
    assert not res.empty and len(res.table().values) == 4  # both items, both sides


def test_items_with_other_answer_scales_are_refused():
    frame = pd.DataFrame({"kant": ["a", "b"] * 20, "x": [1, 2, 3, 4] * 10, "y": [1, 2] * 20})
    with pytest.raises(BruggenError, match="other answer categories"):
        likert_items(frame, ["x", "y"], side="kant", formal="a", informal="b", policy=Policy())


# -- the gate checks the options -----------------------------------------------------------------
@pytest.fixture(scope="module")
def raw_study():
    study = Study.from_yaml(ROOT / "study.yml")
    return study, study.get("organisatie_enquete")


def _spec(kind: str, **options) -> AnalysisSpec:
    defaults = {"title": None, "chapter": None, "summary": True, **ANALYSES[kind]["options"]}
    return AnalysisSpec("x", kind, {**defaults, **options}, "analyses.x", frozenset(options))


def test_check_plan_accepts_the_examples_analyses(raw_study):
    study, ds = raw_study
    for name in ("serieus_kanten", "serieus_items"):
        assert check_plan(study.plan.analysis(name), study, ds) == []


@pytest.mark.parametrize(
    "kind, options, message",
    [
        ("perspectives", {"scale": "serieus"}, "scale: 'serieus' is not a scale of plan.survey.scales"),
        ("perspectives", {}, "scale: say which scale to compare"),
        (
            "perspectives",
            {"scale": "trust", "by": "respondent_type"},
            "by: 'respondent_type' must be the plan's side",
        ),
        (
            "perspectives",
            {"scale": "trust", "moderator": "region"},
            "moderator: 'region' must be the collaboration form",
        ),
        (
            "likert_items",
            {"items": ["taken_seriously_1", "taken_serious_2"]},
            "'taken_serious_2' is not a variable",
        ),
        ("likert_items", {}, "items: name the Likert items"),
        ("likert_items", {"scale": "vertrouwen"}, "scale: 'vertrouwen' is not a scale"),
    ],
)
def test_check_plan_names_unknown_scales_and_items(raw_study, kind, options, message):
    study, ds = raw_study
    problems = check_plan(_spec(kind, **options), study, ds)
    assert any(message in p for p in problems), problems


def test_a_misspelt_item_suggests_the_right_one(raw_study):
    study, ds = raw_study
    [problem] = check_plan(_spec("likert_items", items=["taken_seriosly_2"]), study, ds)
    assert "did you mean 'taken_seriously_2'" in problem


def test_likert_items_of_a_scale(study):
    res = study.analyse("serieus_items", items=None, scale="taken_seriously")
    assert res.items == tuple(ITEMS)


def test_unknown_scale_at_run_time_is_a_config_error(study):
    with pytest.raises(StudyConfigError, match=r"not a scale of plan\.survey\.scales"):
        study.analyse("serieus_kanten", scale="serieus")
