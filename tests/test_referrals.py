"""Referrals: flows, completion, time to first contact and early signals.

The first part works on small frames made here (what each function publishes, what it refuses
to draw); the second on the example study through ``analysis.load(...).analyse(...)``, where
the effects planted in the referral log (data/raw/PLANTED.yml) must be recovered: the odds
ratio of a warm handover (2.0) and the ratio of mean days under structural collaboration (0.6),
each inside the reported 95% interval.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_example

import analysis
from analysis.disclosure import Policy
from analysis.errors import BruggenError
from analysis.figures import to_html
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.referrals import (
    check_plan,
    completion_model,
    early_signals,
    referral_flows,
    time_to_contact,
)
from analysis.results import TIDY_COLUMNS

ANALYSES = ("verwijsstromen", "voltooiing", "wachttijd", "vroege_signalen")


# -- small frames ----------------------------------------------------------------------------------
def _log() -> pd.DataFrame:
    """400 referrals: three sender groups, four destinations, some flows small on purpose."""
    rng = np.random.default_rng(11)
    rows = (
        [("Sleutelpersoon", "Wijkteam")] * 120
        + [("Sleutelpersoon", "Veilig Thuis")] * 40
        + [("Sleutelpersoon", "Politie")] * 4  # below 10: never drawn
        + [("Vrijwilliger", "Wijkteam")] * 90
        + [("Vrijwilliger", "Schuldhulp")] * 60
        + [("Vrijwilliger", "Politie")] * 12
        + [("Bestuurslid", "Schuldhulp")] * 50
        + [("Bestuurslid", "Veilig Thuis")] * 24
    )
    df = pd.DataFrame(rows, columns=["bron", "naar"])
    n = len(df)
    warm = rng.random(n) < 0.5
    p = np.where(warm, 0.75, 0.5)
    done = rng.random(n) < p
    form = rng.choice(["Ad hoc", "Projectmatig", "Structureel"], size=n)
    days = np.where(done, np.ceil(rng.gamma(2.0, np.where(form == "Structureel", 6.0, 10.0))), 200)
    return df.assign(
        bron=pd.Categorical(df["bron"], categories=["Bestuurslid", "Vrijwilliger", "Sleutelpersoon"]),
        warm=np.where(warm, "Ja", "Nee"),
        voltooid=np.where(done, "Ja", "Nee"),
        vorm=pd.Categorical(form, categories=["Ad hoc", "Projectmatig", "Structureel"]),
        dagen=days.astype(int),
        contact=done.astype(int),
        gemeente=rng.choice([f"GM{i:04d}" for i in range(12)], size=n),
        thema=rng.choice(["Huwelijksdwang", "Achterlating", "Schulden"], size=n, p=[0.2, 0.1, 0.7]),
    )


def test_no_flow_below_the_threshold_is_drawn():
    policy = Policy()
    result = referral_flows(_log(), policy, source="bron", destination="naar")
    flows = result.flows()
    assert (flows["count"] >= policy.min_count).all()
    assert ("Sleutelpersoon", "Politie") not in set(zip(flows["source"], flows["target"], strict=True))
    # the Sankey holds exactly the drawable flows, each with its published count
    sankey = result.figure().data[0]
    assert sorted(sankey.link.value) == sorted(float(c) for c in flows["count"])
    assert min(sankey.link.value) >= policy.min_count
    # a hidden cell (primary or secondary) never reaches the figure
    status = result.table().status.iloc[:-1, :-1]
    hidden = {(r, c) for r in status.index for c in status.columns if status.at[r, c] != "shown"}
    assert ("Sleutelpersoon", "Politie") in hidden
    drawn = set(zip(flows["source"], flows["target"], strict=True))
    assert not drawn & hidden
    assert result.n_not_drawn() == len(hidden)
    assert any("niet getekend" in s for s in result.findings())


def test_a_stricter_policy_draws_no_more_flows():
    strict = referral_flows(_log(), Policy(min_count=50), source="bron", destination="naar").flows()
    default = referral_flows(_log(), Policy(), source="bron", destination="naar").flows()
    assert (strict["count"] >= 50).all()
    pairs = lambda f: set(zip(f["source"], f["target"], strict=True))  # noqa: E731
    assert pairs(strict) <= pairs(default)


def test_completion_odds_ratio_equals_a_direct_logit():
    import statsmodels.formula.api as smf

    df = _log()
    result = completion_model(
        df, Policy(), completed="voltooid", yes="Ja", warm_handover="warm", warm_yes="Ja", destination="naar"
    )
    direct = smf.logit("y ~ w", df.assign(y=(df["voltooid"] == "Ja") * 1, w=(df["warm"] == "Ja") * 1)).fit(
        disp=0
    )
    row = result.to_frame().set_index("term").loc["odds ratio: warm handover"]
    assert row["estimate"] == pytest.approx(np.exp(direct.params["w"]), rel=1e-8)
    assert row["std_error"] == pytest.approx(direct.bse["w"], rel=1e-6)  # no cluster: model-based
    assert result.n_clusters == 0
    clustered = completion_model(
        df, Policy(), completed="voltooid", yes="Ja", warm_handover="warm", warm_yes="Ja", cluster="gemeente"
    )
    assert clustered.n_clusters == 12
    assert clustered.odds_ratio["estimate"] == pytest.approx(row["estimate"], rel=1e-10)
    assert clustered.odds_ratio["std_error"] != pytest.approx(row["std_error"], rel=1e-6)
    assert "clustering" in " ".join(clustered.findings())
    assert f"24 covariate patterns (successes out of trials) of {len(df)} referrals" in str(
        clustered.summary()
    )
    # destinations: the main table; handover: a second published table, then the model
    assert result.table().values.index[:-1].tolist() == ["Politie", "Schuldhulp", "Veilig Thuis", "Wijkteam"]
    captions = [caption for caption, _ in result.more_tables()]
    assert len(captions) == 2 and "oddsratio" in captions[1]


@pytest.mark.parametrize("clusters", [0, 7])
def test_completion_on_covariate_patterns_equals_the_model_on_every_referral(clusters):
    # The model is fitted on (cluster x handover) counts: the same estimates, standard errors,
    # z-values and intervals as statsmodels on every referral (cluster-robust with the HC1
    # factor for the referrals, not for the patterns), to the tolerance of its IRLS.
    import statsmodels.api as sm

    from analysis.referrals import _logit_on_patterns

    rng = np.random.default_rng(3)
    n = 4_000
    g = rng.integers(0, max(clusters, 1), n)
    x = rng.random(n) < 0.4
    y = rng.random(n) < 1 / (1 + np.exp(-(-0.4 + 0.9 * x + 0.3 * np.cos(g))))
    rows = sm.GLM(y.astype(float), sm.add_constant(x.astype(float)), family=sm.families.Binomial())
    direct = rows.fit(cov_type="cluster", cov_kwds={"groups": g}) if clusters else rows.fit()
    fit, n_clusters = _logit_on_patterns(y, x, g if clusters else None)
    assert n_clusters == clusters and fit.nobs == 2 * max(clusters, 1) < n
    np.testing.assert_allclose(fit.params.to_numpy(), direct.params, rtol=1e-6)
    np.testing.assert_allclose(fit.bse.to_numpy(), direct.bse, rtol=1e-6)
    np.testing.assert_allclose(fit.tvalues.to_numpy(), direct.tvalues, rtol=1e-6)  # z, so p
    np.testing.assert_allclose(fit.conf_int().to_numpy(), direct.conf_int(), rtol=1e-6)


@pytest.mark.parametrize("levels, merged", [(2, False), (4, False), (3, True)])
def test_days_ratios_on_their_groups_equal_the_gamma_model_on_every_referral(levels, merged):
    # group means with the counts as weights and the rows' Pearson dispersion: the estimates,
    # standard errors and z of statsmodels' Gamma GLM on every referral; merged: one level
    # against the others together (two levels share the row of the indicators)
    import statsmodels.api as sm

    from analysis.referrals import _gamma_on_patterns

    rng = np.random.default_rng(5)
    group = rng.integers(0, levels, 3_000)
    d = rng.gamma(2.0, 10.0 * (1 + group), 3_000)
    if merged:
        indicators = pd.DataFrame({"g1": (np.arange(levels) == 1).astype(float)})
    else:
        indicators = pd.DataFrame({f"g{j}": (np.arange(levels) == j).astype(float) for j in range(1, levels)})
    exog = sm.add_constant(
        pd.DataFrame(indicators.to_numpy()[group], columns=indicators.columns), has_constant="add"
    )
    direct = sm.GLM(d, exog, family=sm.families.Gamma(sm.families.links.Log())).fit()
    fit = _gamma_on_patterns(d, group, indicators)
    assert fit.nobs == (2 if merged else levels)
    np.testing.assert_allclose(fit.params.to_numpy(), direct.params, rtol=1e-6)
    np.testing.assert_allclose(fit.scale, direct.scale, rtol=1e-6)
    np.testing.assert_allclose(fit.bse.to_numpy(), direct.bse, rtol=1e-6)
    np.testing.assert_allclose(fit.tvalues.to_numpy(), direct.tvalues, rtol=1e-6)


def test_completion_with_every_warm_handover_completed_has_no_odds_ratio():
    # separation: the odds ratio is infinite, so no model is fitted and none is published
    # (statsmodels would give a coefficient of ~30 with a standard error of ~10^4)
    df = _log()
    df.loc[df["warm"] == "Ja", "voltooid"] = "Ja"
    result = completion_model(
        df, Policy(), completed="voltooid", yes="Ja", warm_handover="warm", warm_yes="Ja", cluster="gemeente"
    )
    assert result.fit is None and result.odds_ratio is None and result.separated
    assert "odds_ratio" not in set(result.to_frame()["kind"])
    assert result.table() is not None  # the table of completion is still there
    assert "elke verwijzing voltooid, of geen enkele" in " ".join(result.findings())
    assert "every referral was completed, or none" in " ".join(result.findings("en"))


@pytest.mark.parametrize(
    ("zero", "one", "expected"),
    [
        ([0, 1, 2], [2, 3], True),  # one category shared at the edge: still separated
        ([0, 1], [1, 1], True),  # every "one" completed (a 0/1 outcome)
        ([2, 2], [0, 1, 2], True),
        ([0, 2], [1, 3], False),  # overlapping
        ([0, 1], [0, 1], False),
        ([], [1, 2], True),  # a group without outcomes
    ],
)
def test_separation_of_an_outcome_by_a_binary_predictor(zero, one, expected):
    from analysis.patterns import separated

    outcome = np.array(zero + one)
    x = np.array([0] * len(zero) + [1] * len(one))
    assert separated(outcome, x) is expected
    assert separated(outcome, 1 - x) is expected  # either direction


def test_completion_odds_ratio_is_withheld_when_a_handover_cell_is_hidden():
    df = _log()
    df = df[~((df["warm"] == "Ja") & (df["voltooid"] == "Nee"))].copy()
    extra = df[df["warm"] == "Ja"].head(5).assign(voltooid="Nee")  # 5 < 10: a hidden cell
    df = pd.concat([df, extra], ignore_index=True)
    result = completion_model(
        df, Policy(), completed="voltooid", yes="Ja", warm_handover="warm", warm_yes="Ja"
    )
    assert result.fit is not None and result.odds_ratio is None
    assert "odds_ratio" not in set(result.to_frame()["kind"])
    assert any("niet getoond" in s for s in result.findings())
    assert result.more_tables() == []


def test_censored_referrals_are_counted_not_dropped():
    df = _log()
    result = time_to_contact(
        df, Policy(), days="dagen", event="contact", between="vorm", structural="Structureel"
    )
    frame = result.to_frame()
    total = frame[(frame["kind"] == "count") & (frame["term"] == "total")].iloc[0]
    assert total["n"] == len(df) == result.n
    assert total["censored"] == (df["contact"] == 0).sum() == result.n_censored > 0
    assert total["events"] + total["censored"] == total["n"]
    # the Cox model sees every referral; the Gamma model only those with a contact
    hr = frame[frame["kind"] == "hazard_ratio"].iloc[0]
    ratio = frame[frame["kind"] == "days_ratio"].iloc[0]
    assert hr["n"] == len(df) and ratio["n"] == df["contact"].sum()
    assert result.cox.nobs == len(df) and result.cox.n_events == df["contact"].sum()
    assert ratio["estimate"] < 1 < hr["estimate"]  # structural: fewer days, sooner contact
    assert str(df.shape[0]) in result.findings()[0] and "gecensureerd" in result.findings()[0]


def test_small_groups_get_no_curve_and_no_median():
    df = _log()
    df["vorm"] = df["vorm"].cat.add_categories("Klein")
    df.loc[df.index[:6], "vorm"] = "Klein"
    result = time_to_contact(df, Policy(), days="dagen", event="contact", between="vorm")
    assert "Klein" not in result.curves()
    medians = result.to_frame().query("kind == 'median'")
    assert "Klein" not in set(medians["group"])
    # models compare each form with the first; the small one is not published
    assert set(result.to_frame().query("kind == 'hazard_ratio'")["group"]) == {"Projectmatig", "Structureel"}
    for curve in result.curves().values():
        assert (curve["at_risk"] >= 10).all()
        assert curve["percent"].is_monotonic_increasing
        assert (np.diff(curve["time"]) == 7).all()


def test_early_signals_shares_and_unknown_themes():
    df = _log()
    result = early_signals(df, Policy(), theme="thema", themes=["Huwelijksdwang", "Achterlating"], by="vorm")
    frame = result.to_frame()
    total = frame.set_index("term").loc["total"]
    assert total["n"] == len(df)
    assert total["count"] == df["thema"].isin(["Huwelijksdwang", "Achterlating"]).sum()
    for _, row in frame[frame["kind"] == "group"].iterrows():
        part = df[df["vorm"] == row["group"]]
        assert row["estimate"] == pytest.approx(part["thema"].isin(["Huwelijksdwang", "Achterlating"]).mean())
    assert result.summary().pvalue >= 0
    with pytest.raises(BruggenError, match="'Eerwraak' is not a theme"):
        early_signals(df, Policy(), theme="thema", themes=["Eerwraak"], by="vorm")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_result_keeps_the_result_contract(lang):
    df = _log()
    results = [
        referral_flows(df, Policy(), source="bron", destination="naar", lang=lang),
        completion_model(
            df, Policy(), completed="voltooid", yes="Ja", warm_handover="warm", warm_yes="Ja", lang=lang
        ),
        time_to_contact(df, Policy(), days="dagen", event="contact", between="vorm", lang=lang),
        early_signals(df, Policy(), theme="thema", themes=["Huwelijksdwang"], by="vorm", lang=lang),
    ]
    for result in results:
        assert list(result.to_frame().columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
        assert result.table().to_html()
        assert result.findings() and all(isinstance(s, str) and s for s in result.findings())
        assert to_html(result.figure(), "x").startswith('<div id="x"')
        assert result.summary() is not None
        for caption, table in result.more_tables():
            assert caption and table.startswith('<div class="bruggen-table"')


# -- the example study ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vs(tmp_path_factory):
    return analysis.load(copy_example(tmp_path_factory.mktemp("voorbeeld")))


@cache
def _planted() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "data" / "raw" / "PLANTED.yml").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["effects"]}


def test_the_example_declares_its_referral_analyses(vs):
    kinds = {name: vs.plan.analysis(name).kind for name in ANALYSES}
    assert kinds == {
        "verwijsstromen": "referral_flows",
        "voltooiing": "completion",
        "wachttijd": "time_to_contact",
        "vroege_signalen": "early_signals",
    }
    assert {vs.plan.analysis(name).chapter for name in ANALYSES} == {"verwijzingen"}
    # the observation end lies after every date in the log
    log = vs.part("referrals")
    end = pd.Timestamp(vs.plan.observation_end)
    assert end > log[vs.plan.column("referrals", "referred")].max()
    assert end >= log[vs.plan.column("referrals", "first_contact")].max()
    assert vs.plan.has("referrals", "theme")


def test_planted_odds_ratio_of_a_warm_handover_is_recovered(vs):
    truth = _planted()["completion_warm_handover"]
    row = vs.analyse("voltooiing").to_frame().set_index("kind").loc["odds_ratio"]
    assert row["ci_low"] <= truth["true_value"] <= row["ci_high"], (row["ci_low"], row["ci_high"])
    assert not row["ci_low"] <= truth["null_value"] <= row["ci_high"]
    assert row["estimate"] == pytest.approx(truth["true_value"], rel=0.05)


def test_planted_ratio_of_days_is_recovered(vs):
    truth = _planted()["days_structural"]
    result = vs.analyse("wachttijd")
    (row,) = result.to_frame().query("kind == 'days_ratio'").to_dict("records")
    assert row["group"] == "Structureel"  # the plan's structural form against the others
    assert row["ci_low"] <= truth["true_value"] <= row["ci_high"], (row["ci_low"], row["ci_high"])
    assert not row["ci_low"] <= truth["null_value"] <= row["ci_high"]
    (hr,) = result.to_frame().query("kind == 'hazard_ratio'").to_dict("records")
    assert hr["estimate"] > 1 and hr["ci_low"] > 1  # structural: first contact sooner


def test_the_example_counts_its_censored_referrals(vs):
    prepared = vs.prepared("referrals")
    result = vs.analyse("wachttijd")
    total = result.to_frame().query("kind == 'count' and term == 'total'").iloc[0]
    assert total["n"] == len(prepared) == len(vs.part("referrals"))
    assert total["censored"] == (prepared["event"] == 0).sum() > 0
    assert total["events"] == (prepared["event"] == 1).sum()
    groups = result.to_frame().query("kind == 'count' and term != 'total'")
    assert groups["n"].sum() == total["n"] and groups["censored"].sum() == total["censored"]


def test_the_example_draws_no_flow_below_the_threshold(vs):
    result = vs.analyse("verwijsstromen")
    assert result.flows()["count"].min() >= vs.policy.min_count
    table = result.table()
    assert sum(result.flows()["count"]) == table.values.iloc[-1, -1]  # every flow is above 10 here
    # by type of organisation and with a threshold of 40, small flows drop out of the figure
    stricter = referral_flows(
        vs.part("referrals"), Policy(min_count=40), source="from_org_type", destination="to_org_type"
    )
    cells = (stricter.table().values.shape[0] - 1) * (stricter.table().values.shape[1] - 1)
    assert 0 < len(stricter.flows()) < cells
    assert min(stricter.figure().data[0].link.value) >= 40
    assert (
        stricter.n_not_drawn()
        == cells - len(stricter.flows()) - (stricter.table().values.iloc[:-1, :-1] == 0).sum().sum()
    )


def test_early_signals_on_the_example_are_from_the_informal_side(vs):
    result = vs.analyse("vroege_signalen")
    log = vs.part("referrals")
    theme = log[vs.plan.column("referrals", "theme")]
    sd = {"Huwelijksdwang", "Achterlating", "Eergerelateerd geweld", "Gedwongen isolement"}
    total = result.to_frame().set_index("term").loc["total"]
    assert total["n"] == len(log)  # every sender of the example is informal
    assert total["count"] == theme.isin(sd).sum()
    assert set(result.themes) == sd


def _numbers(sentence: str) -> list[str]:
    sentence = re.sub(r"\d{4}-\d{2}-\d{2}", "", sentence)  # the observation end
    sentence = re.sub(r"95%[- ]", "", sentence)  # the confidence level
    return re.findall(r"\d[\d.,]*\d%?|\d%?", sentence)


def _published_numbers(frame: pd.DataFrame, lang: str) -> set[str]:
    out: set[str] = set()
    for col in ("estimate", "ci_low", "ci_high", "n", "count", "events", "censored"):
        if col not in frame:
            continue
        for v in frame[col].dropna():
            v = float(v)
            out.add(fmt_pct(100 * v, 0, lang))
            out.add(fmt_number(v, 2, lang))
            out.add(fmt_number(v, 0 if v.is_integer() else 1, lang))
            if v.is_integer():
                out.add(fmt_int(v, lang))
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", ANALYSES)
def test_findings_quote_the_numbers_of_to_frame(vs, name, lang):
    result = vs.analyse(name, lang=lang)
    published = _published_numbers(result.to_frame(), lang)
    for sentence in result.findings(lang):
        for number in _numbers(sentence):
            assert number in published, (number, sentence)


def test_english_results_use_the_english_labels(vs):
    flows = vs.analyse("verwijsstromen", lang="en")
    assert "Key person" in set(flows.flows()["source"])
    assert "Neighbourhood team" in set(flows.flows()["target"])
    signals = vs.analyse("vroege_signalen", lang="en")
    assert "forced marriage" in signals.findings()[0]
    assert "Structural" in vs.analyse("wachttijd", lang="en").findings()[2]


def test_the_gate_checks_the_options(vs):
    study, ds = vs.study, vs.dataset(vs.plan.dataset("referrals"))
    spec = vs.plan.analysis("vroege_signalen")
    assert check_plan(spec, study, ds) == []
    bad = replace(spec, options={**spec.options, "themes": ["huwelijksdwang", "eerwraak"]})
    assert check_plan(bad, study, ds) == [
        "themes[1]: 'eerwraak' is neither a code nor a label of the theme variable"
    ]
    none = replace(spec, options={**spec.options, "themes": None})
    assert "themes: name the themes" in check_plan(none, study, ds)[0]
    flows = vs.plan.analysis("verwijsstromen")
    assert check_plan(replace(flows, options={**flows.options, "source": "from_org_type"}), study, ds) == []
    assert (
        "neither a role"
        in check_plan(replace(flows, options={**flows.options, "source": "afzender"}), study, ds)[0]
    )
    # a survey role of the sender (respondent type) is joined through plan.referrals.sender
    assert check_plan(replace(flows, options={**flows.options, "source": "respondent_type"}), study, ds) == []


def test_the_report_has_a_referrals_chapter_built_from_published_numbers(tmp_path):
    """A copy of the example that declares only the referral analyses: its study report."""
    import json

    from analysis.report.build import build_reports
    from analysis.study import Study

    path = copy_example(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["analyses"] = {name: config["analyses"][name] for name in ANALYSES}
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    study = Study.from_yaml(path)
    (report,) = [p for p in build_reports(study) if p.name == "rapport.html"]
    html = report.read_text(encoding="utf-8")
    assert re.findall(r'<section id="([^"]+)"', html) == [
        "samenvatting",
        "aanleiding",
        "methode",
        "verwijzingen",
        "aanbevelingen",  # the researcher's recommendations (study.yml report.texts)
        "bijlagen",
        "contact",
    ]
    threshold = study.section("disclosure")["min_count"]
    kinds = set()
    for data in re.findall(r'Plotly\.newPlot\("[^"]+", (\[.*?\]), \{', html):
        for trace in json.loads(data):
            kinds.add(trace["type"])
            if trace["type"] == "sankey":
                assert min(trace["link"]["value"]) >= threshold
            else:
                values = trace["x"] if trace["type"] == "bar" else trace["y"]
                assert all(0 <= v <= 100 for v in values if v is not None)
    assert kinds == {"sankey", "bar", "scatter"}
    for caption in ("Mediane tijd tot het eerste contact", "oddsratio van een warme overdracht", "modellen"):
        assert caption in html
    # never a code where a reader looks (in the chapter: the researcher's prose elsewhere may use
    # "structureel" as the word it is)
    chapter = html[html.index('<section id="verwijzingen">') : html.index('<section id="aanbevelingen">')]
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", chapter, flags=re.S)
    for code in ("veilig_thuis", "structureel ", "eergerelateerd_geweld", "to_org_type", "collab_form"):
        assert code not in visible, code
