"""Scales and their reliability (analysis.scales): the numbers by hand, the rules, the publication.

Alpha on a matrix small enough to check by hand; reverse-keyed items; the rule for missing
items; nothing published below the policy's min_count; sentences, tables and figures from the
published numbers; the plan's ``reliability`` analysis through analysis.load. The comparison with
R's psych is in test_scales_reference.py.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

import analysis
from analysis.disclosure import DisclosedTable, Policy, SuppressionLog, appendix_html, write_tables_xlsx
from analysis.errors import BruggenError, DisclosureError, StudyConfigError
from analysis.plan import Scale
from analysis.scales import (
    Reliabilities,
    Reliability,
    StatisticsTable,
    check_plan,
    feldt_interval,
    reliabilities,
    reliability,
)

#: Five respondents, three items. By hand: variances a 10/4 = 2.5, b 6.8/4 = 1.7, c 8.8/4 = 2.2;
#: the total a+b+c = 4, 7, 9, 13, 14 has variance 69.2/4 = 17.3; alpha = 3/2 (1 - 6.4/17.3).
TINY = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]}, dtype=float)
TINY_ALPHA = 1.5 * (1 - 6.4 / 17.3)


def _likert(n: int, k: int = 4, seed: int = 1, loadings=None) -> pd.DataFrame:
    """n respondents answering k five-point items of one factor."""
    rng = np.random.default_rng(seed)
    loadings = np.asarray(loadings or [0.8, 0.7, 0.6, 0.5][:k])
    factor = rng.normal(size=(n, 1))
    latent = factor * loadings + rng.normal(size=(n, k)) * np.sqrt(1 - loadings**2)
    codes = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1
    return pd.DataFrame(codes.astype(float), columns=[f"q{i + 1}" for i in range(k)])


def _small_policy() -> Policy:
    return Policy(min_count=3, min_denominator=3)


# -- the numbers ------------------------------------------------------------------------------------
def test_alpha_of_a_tiny_matrix_by_hand():
    r = reliability(TINY, ["a", "b", "c"], policy=_small_policy())
    assert r.alpha == pytest.approx(TINY_ALPHA, rel=1e-12)  # 0.9451
    assert r.n == 5
    # alpha if an item is dropped: two items, 2 (1 - (v1 + v2) / var(sum))
    ab = TINY["a"] + TINY["b"]
    assert r.alpha_if_dropped["c"] == pytest.approx(2 * (1 - (2.5 + 1.7) / ab.var()), rel=1e-12)
    # item-rest: the item with the sum of the other items
    assert r.item_rest["a"] == pytest.approx(TINY["a"].corr(TINY["b"] + TINY["c"]), rel=1e-12)


def test_two_items_alpha_and_item_rest_but_no_omega():
    x = pd.DataFrame({"a": [1, 2, 3], "b": [1, 3, 2]}, dtype=float)  # variances 1, covariance 1/2
    r = reliability(x, ["a", "b"], policy=_small_policy())
    assert r.alpha == pytest.approx(2 / 3)
    assert r.item_rest["a"] == pytest.approx(0.5)
    assert math.isnan(r.omega) and r.fit is None  # one factor of two items is not identified
    assert r.alpha_if_dropped.isna().all()
    frame = r.to_frame().set_index("term")
    assert math.isnan(frame.at["omega", "estimate"])
    assert not any("omega" in s.lower() for s in r.findings())


def test_feldt_interval_formula():
    from scipy.stats import f

    low, high = feldt_interval(0.8, 100, 5)
    assert low == pytest.approx(1 - 0.2 * f.ppf(0.975, 99, 396))
    assert high == pytest.approx(1 - 0.2 * f.ppf(0.025, 99, 396))
    assert low < 0.8 < high
    wider = feldt_interval(0.8, 100, 5, level=0.99)
    assert wider[0] < low and wider[1] > high


def test_omega_is_one_minus_uniquenesses_over_the_sum_of_the_correlations():
    r = reliability(_likert(400), ["q1", "q2", "q3", "q4"])
    expected = 1 - r.uniquenesses.sum() / r.correlation.to_numpy().sum()
    assert r.omega == pytest.approx(expected, rel=1e-12)
    assert (r.loadings > 0).all()
    assert r.omega > r.alpha  # unequal loadings
    assert (r.loadings**2 + r.uniquenesses).to_numpy() == pytest.approx(np.ones(4), abs=1e-6)
    assert "loadings" in str(r.summary()).lower()


def test_the_same_data_give_the_same_numbers():
    """The factor model starts from the first principal axis, not from a random draw."""
    x = _likert(300)
    first, second = reliability(x, list(x.columns)), reliability(x.copy(), list(x.columns))
    assert first.omega == second.omega
    assert first.to_frame().equals(second.to_frame())


def test_to_frame_has_a_row_per_statistic():
    r = reliability(TINY, ["a", "b", "c"], policy=_small_policy(), name="schaal")
    frame = r.to_frame()
    assert list(frame.columns[:7]) == ["term", "estimate", "std_error", "ci_low", "ci_high", "p_value", "n"]
    assert list(frame["term"]) == [
        "alpha",
        "omega",
        "item_rest:a",
        "item_rest:b",
        "item_rest:c",
        "alpha_if_dropped:a",
        "alpha_if_dropped:b",
        "alpha_if_dropped:c",
    ]
    alpha = frame.iloc[0]
    assert alpha["estimate"] == pytest.approx(TINY_ALPHA)
    assert (alpha["ci_low"], alpha["ci_high"]) == pytest.approx(feldt_interval(TINY_ALPHA, 5, 3))
    assert (frame["n"] == 5).all() and (frame["scale"] == "schaal").all()


# -- reversed items ----------------------------------------------------------------------------------
def test_a_reversed_item_is_reversed_with_min_plus_max_before_anything():
    x = _likert(300)
    flipped = x.assign(q4=6 - x["q4"])  # as delivered: q4 is reverse-keyed
    straight = reliability(x, list(x.columns))
    r = reliability(flipped, list(x.columns), reversed=["q4"], scale_min=1, scale_max=5)
    assert r.alpha == pytest.approx(straight.alpha, rel=1e-12)
    assert r.omega == pytest.approx(straight.omega, rel=1e-12)
    # per item bounds, as the plan gives them from the codebook
    per_item = reliability(
        flipped, list(x.columns), reversed=["q4"], scale_min={"q4": 1}, scale_max={"q4": 5}
    )
    assert per_item.alpha == pytest.approx(straight.alpha, rel=1e-12)
    # not reversed: the item goes against the others, and the findings say so
    wrong = reliability(flipped, list(x.columns))
    assert wrong.item_rest["q4"] < 0 and wrong.alpha < straight.alpha
    assert any("q4" in s and "negatief" in s for s in wrong.findings())


def test_a_reversed_item_needs_its_lowest_and_highest_code():
    with pytest.raises(BruggenError, match="'q4' is reverse-keyed, but its lowest and highest"):
        reliability(_likert(50), ["q1", "q2", "q3", "q4"], reversed=["q4"])
    with pytest.raises(BruggenError, match="'q9' is not one of its items"):
        reliability(_likert(50), ["q1", "q2"], reversed=["q9"], scale_min=1, scale_max=5)


def test_clear_errors_for_what_does_not_fit():
    with pytest.raises(BruggenError, match="at least two items"):
        reliability(TINY, ["a"])
    with pytest.raises(BruggenError, match="'d' is not a column"):
        reliability(TINY, ["a", "d"])
    labelled = TINY.assign(b=["eens", "oneens", "eens", "eens", "neutraal"])
    with pytest.raises(BruggenError, match="'b' holds values that are not numbers"):
        reliability(labelled, ["a", "b"])
    with pytest.raises(BruggenError, match="not a rule for missing items"):
        reliability(TINY, ["a", "b"], missing="mean")


# -- missing items -----------------------------------------------------------------------------------
def _with_gaps() -> pd.DataFrame:
    x = _likert(200, seed=7)
    rng = np.random.default_rng(3)
    x = x.mask(rng.random(x.shape) < 0.1)
    x.iloc[0] = np.nan  # a respondent who answered nothing
    return x


def test_listwise_uses_the_respondents_who_answered_every_item():
    x = _with_gaps()
    r = reliability(x, list(x.columns))
    complete = x.dropna()
    assert r.n == len(complete) < len(x)
    assert r.alpha == pytest.approx(reliability(complete, list(x.columns)).alpha, rel=1e-12)
    c = complete.cov().to_numpy()
    assert r.alpha == pytest.approx(4 / 3 * (1 - np.trace(c) / c.sum()), rel=1e-12)
    assert r.to_frame()["n"].eq(len(complete)).all()


def test_pairwise_uses_every_pair_of_answers_and_counts_who_answered_anything():
    x = _with_gaps()
    r = reliability(x, list(x.columns), missing="pairwise")
    c = x.cov().to_numpy()  # each covariance from the respondents who answered both items
    assert r.alpha == pytest.approx(4 / 3 * (1 - np.trace(c) / c.sum()), rel=1e-12)
    assert r.n == int(x.notna().any(axis=1).sum()) == len(x) - 1
    assert r.ci == pytest.approx(feldt_interval(r.alpha, r.n, 4))
    assert r.omega == pytest.approx(1 - r.uniquenesses.sum() / x.corr().to_numpy().sum(), rel=1e-12)
    assert any("beide beantwoordden" in note for note in r.table().footnotes())


# -- disclosure control -------------------------------------------------------------------------------
def test_a_scale_below_min_count_is_not_published():
    x = _likert(40).iloc[:9]  # nine respondents; the default policy publishes from ten
    r = reliability(x, list(x.columns), name="klein")
    assert r.empty and r.n == 9 and r.alpha == r.alpha  # the numbers exist, for the researcher
    for publish in (r.to_frame, r.table, r.figure):
        with pytest.raises(DisclosureError, match="fewer than 10 respondents") as info:
            publish()
        assert "9" not in str(info.value)  # the message does not give the hidden size away
    assert r.findings() == [
        "Er zijn te weinig respondenten om de betrouwbaarheid van de schaal klein te beschrijven."
    ]
    assert reliability(_likert(40).iloc[:10], ["q1", "q2", "q3", "q4"]).table() is not None


def test_a_small_scale_is_hidden_in_the_table_of_several():
    x = _likert(60)
    x.loc[5:, "q4"] = np.nan  # only five respondents answered q4
    result = reliabilities(x, {"groot": ["q1", "q2", "q3"], "klein": ["q1", "q2", "q3", "q4"]})
    assert isinstance(result, Reliabilities) and set(result.published) == {"groot"}
    table = result.table()
    cells = table.display()
    assert list(cells.loc["Klein"]) == ["<10", "x", "x", "x"]  # n, alpha, interval, omega
    assert table.log.n_primary == 1 and next(iter(table.log)).row == "Klein"
    assert "<10: minder dan 10" in " ".join(table.footnotes())
    assert set(result.to_frame()["scale"]) == {"groot"}
    assert [s for s in result.findings() if "klein" in s] == [
        "Niet gepubliceerd omdat te weinig respondenten de items beantwoordden: klein."
    ]
    assert len(result.figure().data[0].y) == 1  # only the published scale is drawn
    # every scale too small: nothing to publish, and the report can tell (empty)
    none = reliabilities(x.iloc[:5], {"groot": ["q1", "q2", "q3"]})
    assert none.empty
    with pytest.raises(DisclosureError, match="every scale has fewer than 10"):
        none.table()
    assert none.findings() == [
        "Er zijn te weinig respondenten om de betrouwbaarheid van de schalen te beschrijven."
    ]


def test_rounded_counts_are_published_rounded():
    x = _likert(103)
    result = reliabilities(x, {"s": list(x.columns)}, policy=Policy(round_to=5))
    assert result["s"].n == 103
    assert result.to_frame()["n"].eq(105).all()
    assert result.table().display().loc["S", "n"] == "105"
    assert any("afgerond op veelvouden van 5" in n for n in result.table().footnotes())


def test_the_table_is_a_disclosed_table_for_reports_workbooks_and_the_appendix(tmp_path):
    x = _likert(80)
    result = reliabilities(x, {"schaal_een": ["q1", "q2", "q3"], "schaal_twee": ["q2", "q3", "q4"]})
    table = result.table()
    assert isinstance(table, StatisticsTable) and isinstance(table, DisclosedTable)
    html = table.to_html(lang="en")
    assert "<caption>Betrouwbaarheid van de schalen</caption>" in html
    assert "Cronbach&#x27;s alpha" in html and "Feldt" in html
    assert '<th scope="row">Schaal een</th>' in html
    path = write_tables_xlsx({"schalen": table}, tmp_path / "t.xlsx")
    assert path.stat().st_size > 0
    assert "Er zijn geen cellen onderdrukt." in appendix_html(SuppressionLog.combine([table.log]), Policy())
    assert len(result.more_tables()) == 2 and all("Item-restcorrelatie" in h for _, h in result.more_tables())


# -- findings and figures from the published numbers ---------------------------------------------------
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _fmt(value: float, lang: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "nl" else text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_findings_numbers_are_the_tidy_frames(lang):
    x = _likert(250, seed=11)
    labels = {"q1": "Eerste vraag", "q2": "Tweede vraag", "q3": "Derde vraag", "q4": "Vierde vraag"}
    one = reliability(x, list(x.columns), name="schaal", labels=labels, lang=lang)
    frame = one.to_frame().set_index("term")
    said = one.findings()
    first = said[0]
    assert _fmt(frame.at["alpha", "estimate"], lang) in first
    assert _fmt(frame.at["alpha", "ci_low"], lang) in first
    assert _fmt(frame.at["alpha", "ci_high"], lang) in first
    assert _fmt(frame.at["omega", "estimate"], lang) in first
    assert f"n = {int(frame.at['alpha', 'n'])}" in first
    weakest = frame.filter(like="item_rest:", axis=0)["estimate"].idxmin().split(":")[1]
    assert labels[weakest] in said[1]
    assert _fmt(frame.at[f"item_rest:{weakest}", "estimate"], lang) in said[1]
    assert _fmt(frame.at[f"alpha_if_dropped:{weakest}", "estimate"], lang) in said[1]
    # every number in a sentence is one of the frame's (or the number of items)
    allowed = {_fmt(v, lang) for v in frame["estimate"].dropna()}
    allowed |= {_fmt(v, lang) for v in frame[["ci_low", "ci_high"]].stack()}
    allowed |= {"4", "95", str(one.n)}  # items, the 95% of the interval, n
    assert set(_NUMBER.findall(" ".join(said))) <= allowed


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_findings_of_several_scales_come_from_their_frame(lang):
    x = _likert(300, seed=5)
    result = reliabilities(x, {"een": ["q1", "q2", "q3"], "twee": ["q1", "q2", "q3", "q4"]}, lang=lang)
    frame = result.to_frame()
    alphas = frame[frame["term"] == "alpha"].set_index("scale")
    omegas = frame[frame["term"] == "omega"].set_index("scale")["estimate"]
    said = result.findings()
    assert _fmt(alphas["estimate"].min(), lang) in said[0] and _fmt(alphas["estimate"].max(), lang) in said[0]
    assert _fmt(omegas.min(), lang) in said[0] and _fmt(omegas.max(), lang) in said[0]
    for i, scale in enumerate(["een", "twee"], start=1):
        assert scale in said[i]
        for value in (*alphas.loc[scale, ["estimate", "ci_low", "ci_high"]], omegas[scale]):
            assert _fmt(value, lang) in said[i]
    allowed = {_fmt(v, lang) for v in frame[["estimate", "ci_low", "ci_high"]].stack()}
    allowed |= {str(n) for n in frame["n"]} | {"2", "3", "4", "95", _fmt(0.70, lang)}
    assert set(_NUMBER.findall(" ".join(said))) <= allowed


def test_the_figures_are_drawn_from_the_published_values():
    x = _likert(300, seed=5)
    result = reliabilities(x, {"een": ["q1", "q2", "q3"], "twee": ["q1", "q2", "q3", "q4"]})
    published = result.table().figure_data()
    fig = result.figure()
    alpha, omega = fig.data
    assert list(alpha.y) == ["Een", "Twee"]
    assert list(alpha.x) == [round(v, 2) for v in published["alpha"]]
    assert list(omega.x) == [round(v, 2) for v in published["omega"]]
    low = [
        round(a - lo, 6) for a, lo in zip(alpha.x, [round(v, 2) for v in published["ci_low"]], strict=True)
    ]
    assert list(alpha.error_x.arrayminus) == low
    assert fig.layout.xaxis.range == (0, 1)
    one = result["twee"]
    fig = one.figure()
    table = one.table().figure_data()
    assert list(fig.data[0].x) == [round(v, 2) for v in table["item_rest"]]
    assert list(fig.data[1].x) == [round(v, 2) for v in table["alpha_if_dropped"]]
    assert fig.layout.shapes[0].x0 == round(one.alpha, 2)


def test_a_single_scale_table_shows_its_items_by_label():
    x = _likert(120)
    r = reliability(
        x.assign(q4=6 - x["q4"]),
        list(x.columns),
        reversed=["q4"],
        scale_min=1,
        scale_max=5,
        name="serieus",
        labels={"q4": "Ik voel me gebruikt", "serieus": "Serieus genomen"},
    )
    cells = r.table().display()
    assert list(cells.index)[-1] == "Ik voel me gebruikt (omgekeerd gescoord)"
    assert list(cells.columns) == ["Item-restcorrelatie", "Alfa zonder dit item"]
    assert r.title() == "Items van de schaal Serieus genomen"
    assert "Cronbachs alfa van de schaal: " + _fmt(r.alpha, "nl") in r.table().to_html()
    assert isinstance(r, Reliability) and r._repr_html_().startswith('<div class="bruggen-table"')


# -- the plan's reliability analysis --------------------------------------------------------------------
@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


def test_the_declared_analysis_runs_through_load(study):
    result = study.analyse("schalen")
    assert isinstance(result, Reliabilities)
    assert list(result.scales) == list(study.plan.scales)
    assert study.plan.analysis("schalen").chapter == "perspectieven"
    ts = result["taken_seriously"]
    assert ts.reversed == ("taken_seriously_4",)
    # reversed with the item's codebook range (1-5), user-missing 8 and 9 missing
    ds = study.dataset("organisatie_enquete")
    items = ds.numeric(list(ts.items))
    by_hand = reliability(items.assign(taken_seriously_4=6 - items["taken_seriously_4"]), list(ts.items))
    assert ts.alpha == pytest.approx(by_hand.alpha, rel=1e-12) and ts.n == by_hand.n
    assert ts.labels["taken_seriously_1"] == study.label("organisatie_enquete", "taken_seriously_1")
    assert result.table().display().shape == (4, 4)
    assert result.findings() and result.figure().data


def test_the_scales_option_chooses_scales_and_a_subset_of_rows_is_used(study):
    assert list(study.analyse("schalen", scales=["trust"]).scales) == ["trust"]
    assert list(study.analyse("schalen", scales="appreciation").scales) == ["appreciation"]
    survey = study.data("organisatie_enquete")
    informal = survey[survey["org_side"] == study.value("survey", "side", "informal")]
    part = study.analyse("schalen", data=informal)["trust"]
    items = study.dataset("organisatie_enquete").numeric(list(part.items)).loc[informal.index]
    assert part.n == len(items.dropna()) < study.analyse("schalen")["trust"].n
    with pytest.raises(StudyConfigError, match=r"'vertrouwen' is not a scale of plan\.survey\.scales"):
        study.analyse("schalen", scales=["vertrouwen"])


def test_the_gate_names_unknown_scales(study):
    from dataclasses import replace

    spec = study.plan.analysis("schalen")
    assert check_plan(spec, study.study, None) == []
    wrong = replace(spec, options={**spec.options, "scales": ["trust", "trst"]})
    assert check_plan(wrong, study.study, None) == [
        "scales: 'trst' is not a scale of plan.survey.scales (did you mean 'trust'?)"
    ]
    bad = replace(spec, options={**spec.options, "scales": {"trust": 1}})
    assert check_plan(bad, study.study, None)[0].startswith("scales: must be a scale name or a list")
    no_scales = replace(study.study, plan=replace(study.plan, scales={}))
    assert "declare them under plan.survey.scales" in check_plan(spec, no_scales, None)[0]


def test_an_unknown_scale_in_study_yml_stops_at_the_gate():
    import copy

    import yaml

    from analysis.study import Study
    from analysis.validate.plan_checks import plan_checks

    config = copy.deepcopy(yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8")))
    config["analyses"]["schalen"] = {"kind": "reliability", "scales": ["vertrouwen"]}
    study = Study.from_dict(config, root=ROOT, source=ROOT / "study.yml")
    loaded = {"organisatie_enquete": study.get("organisatie_enquete")}
    with pytest.raises(StudyConfigError) as info:
        plan_checks(study, loaded)
    assert "analyses.schalen: scales: 'vertrouwen' is not a scale of plan.survey.scales" in str(info.value)


def test_a_scale_given_as_a_list_of_items():
    x = _likert(100)
    as_list = reliabilities(x, {"s": ["q1", "q2", "q3"]})
    as_scale = reliabilities(x, {"s": Scale("s", ("q1", "q2", "q3"))})
    assert as_list["s"].alpha == as_scale["s"].alpha
    with pytest.raises(BruggenError, match="no scales"):
        reliabilities(x, {})


def test_a_negative_alpha_says_the_items_do_not_form_a_scale():
    """Nominal codes or options of a multiple-choice question give a negative alpha: it is said why."""
    from analysis.scales import reliability
    from analysis.text import words

    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, 200).astype(float)
    data = pd.DataFrame({"a": x, "b": 6 - x + rng.integers(-1, 2, 200), "c": rng.integers(1, 6, 200)})
    res = reliability(data, ["a", "b", "c"], lang="nl")
    alpha = res.to_frame().set_index("term").at["alpha", "estimate"]
    assert alpha < 0
    assert words("nl", "scales")["negative_alpha"] in res.findings()[0]
    positive = reliability(data.assign(b=x + rng.integers(-1, 2, 200)), ["a", "b", "c"], lang="nl")
    assert words("nl", "scales")["negative_alpha"] not in positive.findings()[0]
