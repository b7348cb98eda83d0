"""Reach (analysis.reach): the NB2 reach model recovers the planted rate ratio, the funnel is
disclosed and checked, sentences say what the tables hold, and nothing depends on the example's
column names."""

from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from conftest import ROOT

import analysis
from analysis.disclosure import Policy
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.reach import ReachModel, ReachSummary, check_funnel_plan, check_plan, reach_model, reach_summary

PLANTED = yaml.safe_load((ROOT / "data" / "raw" / "PLANTED.yml").read_text(encoding="utf-8"))


def planted(effect: str) -> dict:
    (hit,) = [e for e in PLANTED["effects"] if e["id"] == effect]
    return hit


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def bereik(study) -> ReachModel:
    return study.analyse("bereik_model")


@pytest.fixture(scope="module")
def trechter(study) -> ReachSummary:
    return study.analyse("bereik_trechter")


@pytest.fixture(scope="module")
def informal(study) -> pd.DataFrame:
    survey = study.data("organisatie_enquete")
    return survey[survey["org_side"] == "Informeel"]


def _main(result: ReachModel, model: str = "nb2") -> pd.Series:
    frame = result.to_frame()
    (row,) = frame[
        (frame["model"] == model) & (frame["measure"] == "rate_ratio") & (frame["role"] == "between")
    ].index
    return frame.loc[row]


# -- the model -------------------------------------------------------------------------------
def test_the_planted_rate_ratio_lies_inside_the_reported_interval(bereik):
    truth = planted("reach_structural")
    assert truth["true_value"] == 1.5 and truth["model"]["filter"].startswith("org_side == 2")
    row = _main(bereik)
    assert row["term"] == "Structureel"
    assert row["ci_low"] < truth["true_value"] < row["ci_high"], row
    assert row["ci_low"] > truth["null_value"]  # and the interval excludes "no difference"
    gee = _main(bereik, "gee")  # the second opinion agrees
    assert gee["ci_low"] < truth["true_value"] < gee["ci_high"]


def test_the_model_is_nb2_with_exposure_clustered_by_municipality(bereik, informal):
    fit = bereik.fit
    assert type(fit.model).__name__ == "NegativeBinomial" and fit.model.loglike_method == "nb2"
    assert fit.cov_type == "cluster"
    # the exposure is the target population: NB2 fitted here on the rows gives the same estimates
    assert fit.model.exposure is None and fit.model.exog is None  # the result keeps no rows
    structural = (informal["collab_form"] == "Structureel").astype(float).rename("structural")
    X = pd.concat(
        [structural, pd.get_dummies(informal["informal_org_type"], drop_first=True, dtype=float)], axis=1
    )
    X.insert(0, "const", 1.0)
    y, exposure = informal["reach_total"].astype(float), informal["target_pop_estimate"].astype(float)
    start = sm.GLM(y, X, family=sm.families.Poisson(), exposure=exposure).fit().params
    again = sm.NegativeBinomial(y, X, exposure=exposure, loglike_method="nb2").fit(
        disp=0, maxiter=200, method="newton", start_params=np.append(start, 0.5)
    )
    np.testing.assert_allclose(np.asarray(fit.params), np.asarray(again.params), rtol=1e-5)
    assert bereik.n_clusters == informal["municipality_code"].nunique()
    assert fit.nobs == len(informal)  # among: informal, as the planted effect
    assert bereik.covariates == ("informal_org_type",)  # the example adjusts for the organisation type
    assert bereik.fits["gee"].model.cov_struct.__class__.__name__ == "Exchangeable"


def test_the_poisson_fit_on_patterns_equals_the_fit_on_every_organisation(bereik, informal):
    """Summed counts and exposure per design row and municipality: the same estimates and
    cluster-robust errors as statsmodels' Poisson GLM on the organisations (R: test_reach_reference)."""
    poisson = bereik.fits["poisson"]
    assert poisson.nobs < len(informal) / 2  # patterns, not organisations
    structural = (informal["collab_form"] == "Structureel").astype(float).rename("structural")
    X = pd.concat(
        [structural, pd.get_dummies(informal["informal_org_type"], drop_first=True, dtype=float)], axis=1
    )
    X.insert(0, "const", 1.0)
    groups = pd.factorize(informal["municipality_code"].astype("string"))[0]
    rows = sm.GLM(
        informal["reach_total"].astype(float),
        X,
        family=sm.families.Poisson(),
        exposure=informal["target_pop_estimate"].astype(float),
    ).fit(tol=1e-12, cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(np.asarray(poisson.params), np.asarray(rows.params), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(np.asarray(poisson.bse), np.asarray(rows.bse), rtol=1e-7)
    dispersion = bereik.to_frame().query("measure == 'pearson_dispersion'")["estimate"].iloc[0]
    assert dispersion == pytest.approx(rows.pearson_chi2 / rows.df_resid, rel=1e-8)


def test_overdispersion_is_tested_and_reported(bereik):
    frame = bereik.to_frame()
    ct = frame[frame["measure"] == "cameron_trivedi"].iloc[0]
    dispersion = frame[frame["measure"] == "pearson_dispersion"].iloc[0]
    assert ct["p_value"] < 0.001 and dispersion["estimate"] > 10  # NB2 data: far from Poisson
    alpha = frame[frame["measure"] == "alpha"].iloc[0]
    assert 0.2 < alpha["estimate"] < 0.8  # planted alpha 0.4 (plus the municipality effects)
    assert any("Cameron-Trivedi" in s for s in bereik.findings())


def test_rates_per_1000_follow_from_the_coefficients_without_covariates(informal):
    result = reach_model(
        informal,
        count="reach_total",
        exposure="target_pop_estimate",
        between="collab_form",
        cluster="municipality_code",
        structural="Structureel",
        policy=Policy(),
    )
    frame = result.to_frame()
    b = result.fit.params
    rates = frame[frame["measure"] == "rate_per_1000"].set_index("level")["estimate"]
    assert rates["Ad hoc of projectmatig"] == pytest.approx(1000 * np.exp(b.iloc[0]), rel=1e-10)
    assert rates["Structureel"] == pytest.approx(1000 * np.exp(b.iloc[0] + b.iloc[1]), rel=1e-10)
    assert 30 < rates["Ad hoc of projectmatig"] < 50  # planted 40 per 1,000


def test_without_a_structural_category_every_form_is_compared_with_the_first(informal):
    result = reach_model(
        informal,
        count="reach_total",
        exposure="target_pop_estimate",
        between="collab_form",
        cluster="municipality_code",
        policy=Policy(),
    )
    ratios = result.to_frame().query("model == 'nb2' and measure == 'rate_ratio'")
    assert list(ratios["term"]) == ["Projectmatig", "Structureel"]
    assert result.reference == "Ad hoc"
    projectmatig = ratios.set_index("term").loc["Projectmatig"]
    assert projectmatig["ci_low"] < 1.0 < projectmatig["ci_high"]  # planted: no difference
    assert "‘Projectmatig’" in result.findings()[0] and "‘Ad hoc’" in result.findings()[0]


def test_table_is_reach_per_1000_by_form_through_disclosure_control(bereik, informal):
    table = bereik.table()
    assert table.kind == "means"
    assert list(table.values.index[:-1]) == ["Ad hoc", "Projectmatig", "Structureel"]
    rate = 1000 * informal["reach_total"] / informal["target_pop_estimate"]
    means = rate.groupby(informal["collab_form"], observed=True).mean()
    for form, mean in means.items():
        assert table.values.at[form, "mean"] == pytest.approx(mean, rel=1e-9)
        assert table.values.at[form, "n"] >= Policy().min_count


def test_small_groups_are_left_out_of_the_model_and_hidden_in_the_table(informal):
    few = informal[informal["collab_form"] != "Structureel"]
    few = pd.concat([few, informal[informal["collab_form"] == "Structureel"].head(6)])
    result = reach_model(
        few,
        count="reach_total",
        exposure="target_pop_estimate",
        between="collab_form",
        cluster="municipality_code",
        structural="Structureel",
        policy=Policy(),
    )
    assert not result.has_model and result.n_small_groups == 1
    assert result.findings() == [
        "Er zijn te weinig respondenten per groep om een model voor het bereik te schatten."
    ]
    assert result.table().status.at["Structureel", "mean"] != "shown"
    result.figure()  # the published means, without intervals


def test_a_few_municipalities_get_model_based_errors_and_no_gee(study):
    survey = study.data("organisatie_enquete")
    two = survey[survey["municipality_code"].isin(["GM0599", "GM0518"])]
    result = study.analyse("bereik_model", data=two)
    assert result.has_model and result.n_clusters == 2
    assert result.fit.cov_type == "nonrobust" and "gee" not in result.fits
    assert any("te weinig clusters (2" in s for s in result.findings())
    funnel = study.analyse("bereik_trechter", data=two)
    assert not funnel.empty and "margin" not in funnel.to_frame()  # no representativeness for a subset
    empty = study.analyse("bereik_model", data=survey.iloc[0:0])
    assert empty.empty and empty.findings() == [
        "Er zijn te weinig respondenten om het bereik per 1.000 uit de doelgroep te beschrijven."
    ]


@pytest.mark.parametrize("name", ["bereik_model", "bereik_trechter"])
def test_every_municipality_alone_gives_a_result_and_a_figure(study, name):
    """Municipality reports: a subset with one or two forms, or nothing publishable, never crashes."""
    survey = study.data("organisatie_enquete")
    for code in sorted(survey["municipality_code"].dropna().unique()):
        result = study.analyse(name, data=survey[survey["municipality_code"] == code])
        result.findings()
        if not result.empty:
            result.figure()


# -- numbers in sentences -------------------------------------------------------------------------
NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?%?")


def _numbers(sentences: list[str]) -> list[str]:
    return [n for s in sentences for n in NUMBER.findall(s)]


def test_the_models_sentences_use_the_numbers_of_to_frame(bereik):
    frame = bereik.to_frame()
    shown = set()
    for row in frame.to_dict("records"):
        for col in ("estimate", "ci_low", "ci_high", "p_value"):
            v = row[col]
            if v == v and v is not None:
                shown |= {fmt_number(v, d, "nl") for d in (1, 2, 3)}
    shown |= {fmt_int(bereik.n_clusters, "nl"), "0,001", "1.000", "95%", "1"}
    findings = bereik.findings()
    assert findings[0].startswith("Waar de samenwerking structureel is, bereiken informele organisaties")
    main = _main(bereik)
    assert fmt_number(main["estimate"], 2, "nl") in findings[0]
    assert f"{fmt_number(main['ci_low'], 2, 'nl')} tot {fmt_number(main['ci_high'], 2, 'nl')}" in findings[0]
    stray = [n for n in _numbers(findings) if n not in shown]
    assert stray == [], stray


def test_the_summarys_sentences_use_the_numbers_of_to_frame(trechter):
    frame = trechter.to_frame()
    shown = {"1.000", "0", str(Policy().min_count)}
    for row in frame.to_dict("records"):
        v = row["estimate"]
        if v != v:
            continue
        shown |= {fmt_int(v, "nl"), fmt_number(v, 1, "nl"), fmt_pct(100 * v, 0, "nl")}
        s = row.get("share_previous")
        if s == s and s is not None:
            shown.add(fmt_pct(100 * s, 0, "nl"))
    for b in trechter.breaks:
        shown.add(fmt_int(b["rows"], "nl"))
    shown |= {fmt_int(v, "nl") for v in frame["n"].dropna()}
    labels = sorted({str(t) for t in frame["term"]}, key=len, reverse=True)  # categories may hold numbers
    sentences = [re.sub("|".join(map(re.escape, labels)), "", s) for s in trechter.findings()]
    stray = [n for n in _numbers(sentences) if n not in shown]
    assert stray == [], stray


def test_english_sentences(study):
    result = study.analyse("bereik_model", lang="en")
    assert result.findings()[0].startswith(
        "Where collaboration is structural, informal organisations and key persons reach about"
    )
    assert study.analyse("bereik_trechter", lang="en").table().values.index[0] == "Reached"


# -- the funnel -------------------------------------------------------------------------------------
def test_funnel_counts_are_the_sums_and_follow_the_plan(trechter, informal):
    table = trechter.table()
    assert list(table.values.index) == [
        "Bereikt",
        "Verwezen",
        "Eerste contact met de hulpverlener",
        "Hulp gestart",
        "Terugkoppeling aan de verwijzer",
    ]  # no signal count is bound: that stage is left out
    columns = ["reach_total", "ref_made_total", "ref_completed", "ref_help_started", "ref_feedback_received"]
    sums = informal.groupby("collab_form", observed=True)[columns].sum()
    for form in sums.index:
        assert [table.values.at[s, form] for s in table.values.index] == list(sums.loc[form].astype(int))
    assert [table.values.at[s, "Totaal"] for s in table.values.index] == list(
        informal[columns].sum().astype(int)
    )


def test_funnel_stages_do_not_increase_or_the_break_is_reported(trechter):
    counts = trechter.stage_counts()
    reported = {(b["later"], b["column"]) for b in trechter.breaks if b["larger"]}
    for column in counts.columns:
        for earlier, later in pairwise(counts.index):
            if counts.at[later, column] > counts.at[earlier, column]:
                assert (later, column) in reported
            else:
                assert (later, column) not in reported
    # the example's feedback counts referrals made, not help started: the funnel breaks there, and says so
    assert ("Terugkoppeling aan de verwijzer", "Totaal") in reported
    findings = " ".join(trechter.findings())
    assert "Let op: terugkoppeling aan de verwijzer is groter dan hulp gestart" in findings
    assert "respondenten is verwezen groter dan bereikt" in findings  # respondents' own answers too


def _funnel_data(n_per_group: int = 30, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for form in ["A", "B", "C"]:
        for i in range(n_per_group):
            reached = int(rng.integers(50, 150))
            referred = int(rng.integers(10, 30))
            contact = int(rng.integers(5, referred))
            help_ = int(rng.integers(2, contact))
            rows.append(
                {
                    "vorm": form,
                    "bereikt": reached,
                    "doel": 2000,
                    "onbekend": reached // 3,
                    "verw": referred,
                    "contact": contact,
                    "hulp": help_,
                    "terug": help_ - 1,
                    "gem": f"G{i % 12}",
                }
            )
    return pd.DataFrame(rows)


STAGE_COLUMNS = {"referred": "verw", "first_contact": "contact", "help_started": "hulp", "feedback": "terug"}


def test_a_funnel_in_order_is_said_to_be_in_order():
    result = reach_summary(
        _funnel_data(),
        count="bereikt",
        population="doel",
        unknown="onbekend",
        stages=STAGE_COLUMNS,
        between="vorm",
        policy=Policy(),
    )
    counts = result.stage_counts()
    assert (counts.diff().iloc[1:] <= 0).all().all()
    assert result.breaks == []
    assert "Geen fase is groter dan de fase ervoor." in result.findings()


def _published_counts_are_safe(table, policy: Policy) -> None:
    """No published count below min_count, and no hidden count (or small number lost between two
    published stages) can be worked out from what is published."""
    values, status = table.values, table.status
    for stage in values.index:
        for col in values.columns:
            v = values.at[stage, col]
            if status.at[stage, col] == "shown":
                assert v == 0 or v >= policy.min_count
            else:
                assert v is None
    stages = list(values.index)
    for col in values.columns:
        for a, b in pairwise(stages):
            if status.at[a, col] == "shown" and status.at[b, col] == "shown":
                lost = values.at[a, col] - values.at[b, col]
                assert lost <= 0 or lost >= policy.min_count, (col, a, b, lost)


def test_small_funnel_counts_are_hidden_with_their_complements():
    data = _funnel_data(n_per_group=12)
    # group C: almost nobody gets feedback (3 in all), group B: 4 lost between first contact and help
    data.loc[data["vorm"] == "C", "terug"] = 0
    data.loc[data[data["vorm"] == "C"].index[:3], "terug"] = 1
    b = data["vorm"] == "B"
    data.loc[b, "hulp"] = data.loc[b, "contact"]
    data.loc[data[b].index[:4], "hulp"] -= 1
    data.loc[b, "terug"] = 0
    policy = Policy()
    result = reach_summary(data, count="bereikt", stages=STAGE_COLUMNS, between="vorm", policy=policy)
    table = result.table()
    _published_counts_are_safe(table, policy)
    assert table.status.at["Terugkoppeling aan de verwijzer", "C"] == "primary"
    assert len(table.log) >= 3
    for stage in table.values.index:  # a hidden count never stands alone in its stage
        assert (table.status.loc[stage] != "shown").sum() != 1
    fig = result.figure()  # the figure draws published counts only
    drawn = {x for trace in fig.data for x in trace.x if x is not None}
    assert drawn <= {int(v) for v in table.values.to_numpy().ravel() if v is not None}


def test_the_suppression_engine_sees_the_lost_between_stages():
    """The lines the funnel builds: a small difference between two stages is protected like a cell."""
    # one column, two stages: 100 and 97 (3 lost): publishing both would reveal the 3
    from analysis.reach import _funnel_table

    table = _funnel_table(
        {"Totaal": [100.0, 97.0]}, ["a", "b"], Policy(), name="t", lang="nl", stage_header="Fase"
    )
    assert table.status["Totaal"].tolist() == ["shown", "secondary"]
    (entry,) = table.log.entries
    assert entry.protects == ("a min b", "Totaal")


def test_summary_numbers_and_disclosure(trechter, informal):
    frame = trechter.to_frame().set_index(["measure", "group"])
    total = informal["reach_total"].sum()
    assert frame.loc[("reached", "Totaal"), "estimate"] == total
    assert frame.loc[("organisations", "Totaal"), "estimate"] == len(informal)
    assert frame.loc[("per_1000", "Totaal"), "estimate"] == pytest.approx(
        1000 * total / informal["target_pop_estimate"].sum()
    )
    assert frame.loc[("unknown_share", "Totaal"), "estimate"] == pytest.approx(
        informal["reach_unknown_to_services"].sum() / total
    )
    assert frame.loc[("per_organisation", "Structureel"), "estimate"] == pytest.approx(
        informal.loc[informal["collab_form"] == "Structureel", "reach_total"].mean()
    )


def test_representativeness_against_the_frame(trechter, study):
    frame = trechter.to_frame()
    size = frame[frame["margin"] == "Gemeentegrootteklasse"]
    target = size[size["measure"] == "share_target"].set_index("term")["estimate"]
    assert target.sum() == pytest.approx(1.0)
    places = study.data("gemeenten")
    big = places["size_class"] == "250.000 inwoners of meer"
    assert target["250.000 inwoners of meer"] == pytest.approx(
        places.loc[big, "target_pop_estimate"].sum() / places["target_pop_estimate"].sum()
    )
    respondents = size[size["measure"] == "share_respondents"]
    hidden = respondents[respondents["estimate"].isna()]
    assert len(hidden) != 1  # a hidden share always has a hidden partner
    reached = size[size["measure"] == "share_reached"].set_index("term")["estimate"]
    assert reached[hidden["term"]].isna().all()  # no reach share where the respondents are hidden
    titles = [caption for caption, _ in trechter.more_tables()]
    assert any(t.startswith("Representativiteit naar gemeentegrootteklasse") for t in titles)
    assert any("wijkt het bereik het meest af" in s for s in trechter.findings())


# -- other names --------------------------------------------------------------------------------------
def test_a_frame_with_other_column_names_gives_the_same_results(informal, study):
    names = {
        "reach_total": "aantal_bereikt",
        "target_pop_estimate": "doelgroep",
        "collab_form": "vorm",
        "municipality_code": "gemeente",
        "informal_org_type": "soort",
        "reach_unknown_to_services": "nieuw",
        "ref_made_total": "v1",
        "ref_completed": "v2",
        "ref_help_started": "v3",
        "ref_feedback_received": "v4",
    }
    renamed = informal.rename(columns=names)
    ours = reach_model(
        renamed,
        count="aantal_bereikt",
        exposure="doelgroep",
        between="vorm",
        cluster="gemeente",
        covariates=["soort"],
        structural="Structureel",
        labels={"vorm": "Vorm"},
        policy=Policy(),
        who="informal",
    )
    theirs = study.analyse("bereik_model")
    cols = ["estimate", "ci_low", "ci_high"]
    a = ours.to_frame().query("model != 'observed'")[cols].to_numpy(dtype=float)
    b = theirs.to_frame().query("model != 'observed'")[cols].to_numpy(dtype=float)
    assert np.allclose(a, b, rtol=1e-9, equal_nan=True)
    assert ours.title() == "Bereik per 1.000 uit de doelgroep naar vorm"

    places = study.data("gemeenten").rename(
        columns={
            "municipality_code": "code",
            "size_class": "klasse",
            "target_pop_estimate": "doel",
            "pop_total": "inw",
        }
    )
    summary = reach_summary(
        renamed,
        count="aantal_bereikt",
        population="doelgroep",
        unknown="nieuw",
        stages={"referred": "v1", "first_contact": "v2", "help_started": "v3", "feedback": "v4"},
        between="vorm",
        municipality="gemeente",
        frame=places,
        frame_code="code",
        margins=["klasse"],
        frame_population="inw",
        frame_target="doel",
        labels={"klasse": "Gemeentegrootteklasse"},
        policy=Policy(),
    )
    expected = study.analyse("bereik_trechter", margins=["size"]).table()
    assert summary.table().values.to_numpy().tolist() == expected.values.to_numpy().tolist()
    assert summary.findings() == study.analyse("bereik_trechter", margins=["size"]).findings()


# -- the plan ----------------------------------------------------------------------------------------
def test_plan_checks_name_what_is_wrong(study):
    from dataclasses import replace

    spec = study.plan.analysis("bereik_model")
    dataset = study.dataset("organisatie_enquete")
    assert check_plan(spec, study.study, dataset) == []
    bad = replace(
        spec, options={**spec.options, "among": "beide", "between": "vormm", "covariates": ["soortt"]}
    )
    problems = check_plan(bad, study.study, dataset)
    assert any(p.startswith("among: must be informal, formal or empty") for p in problems)
    assert any("'vormm' is neither a role" in p for p in problems)
    assert any("'soortt' is neither a role" in p for p in problems)
    funnel = study.plan.analysis("bereik_trechter")
    assert check_funnel_plan(funnel, study.study, dataset) == []
    assert check_funnel_plan(
        replace(funnel, options={**funnel.options, "margins": ["grootte"]}), study.study, dataset
    ) == ["margins: 'grootte' is not a role of plan.municipalities (size, region)"]


def test_the_funnel_roles_are_bound_in_the_example(study):
    plan = study.plan
    assert [
        plan.column("survey", f"funnel.{s}")
        for s in ("referred", "first_contact", "help_started", "feedback")
    ] == [
        "ref_made_total",
        "ref_completed",
        "ref_help_started",
        "ref_feedback_received",
    ]
    assert not plan.has("survey", "funnel.signals")
    assert {plan.analysis(n).chapter for n in ("bereik_model", "bereik_trechter")} == {"bereik"}


def test_the_summary_hides_what_the_funnel_hides():
    """Persons reached per group are the funnel's first stage as published: a hidden group stays hidden
    (with its mean per organisation), so it cannot be worked out from the total."""
    data = pd.DataFrame(
        {
            "vorm": ["A"] * 12 + ["B"] * 12,
            "n": [0] * 11 + [5] + [20] * 12,
            "verw": [0] * 24,
            "nieuw": [0] * 24,
        }
    )
    result = reach_summary(
        data, count="n", unknown="nieuw", stages={"referred": "verw"}, between="vorm", policy=Policy()
    )
    frame = result.to_frame().set_index(["measure", "group"])["estimate"]
    assert result.table().status["A"].tolist() == ["primary", "shown"]
    assert np.isnan(frame[("reached", "A")]) and np.isnan(frame[("per_organisation", "A")])
    assert np.isnan(frame[("reached", "B")])  # its complement
    assert frame[("reached", "Totaal")] == 245
    assert ("unknown_share", "Totaal") in frame.index  # zero unknown: published
