"""Support for key persons by collaboration form and side (analysis.support).

By hand on a small frame with other column names, and on the example through
``analysis.load("study.yml").analyse("ondersteuning")``: one disclosed crosstab per support
variable, groups too small never published, sentences that quote the published shares.
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml
from conftest import ROOT

import analysis
from analysis.disclosure import Policy
from analysis.errors import BruggenError, StudyConfigError
from analysis.numbers import fmt_pct
from analysis.support import support_profile

CONFIG = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
SURVEY = "organisatie_enquete"


def _frame() -> pd.DataFrame:
    """Two sides, three forms; 'vergoed' answered only on side B; 'cursus' on both."""
    rows = []
    plan = {  # (side, form): (n, unpaid, training never)
        ("A", "los"): (30, None, 20),
        ("A", "vast"): (40, None, 10),
        ("B", "los"): (30, 18, 15),
        ("B", "vast"): (35, 10, 0),
        ("B", "klein"): (6, 3, 3),
    }
    for (side, form), (n, unpaid, never) in plan.items():
        for i in range(n):
            paid = None if unpaid is None else ("nee" if i < unpaid else "ja")
            rows.append(
                {"kant": side, "vorm": form, "vergoed": paid, "cursus": "nooit" if i < never else "soms"}
            )
    frame = pd.DataFrame(rows)
    frame["vorm"] = pd.Categorical(frame["vorm"], categories=["los", "klein", "vast"])
    frame["kant"] = pd.Categorical(frame["kant"], categories=["A", "B"])
    frame["vergoed"] = pd.Categorical(frame["vergoed"], categories=["nee", "ja"])
    frame["cursus"] = pd.Categorical(frame["cursus"], categories=["nooit", "soms"])
    return frame


LABELS = {"vergoed": "Vergoeding", "cursus": "Scholing", "vorm": "Vorm", "kant": "Kant"}


def test_one_disclosed_crosstab_per_variable_split_by_side():
    res = support_profile(
        _frame(), variables=["vergoed", "cursus"], by="vorm", side="kant", policy=Policy(), labels=LABELS
    )
    paid, training = res.tables()["vergoed"], res.tables()["cursus"]
    # asked on side B only: its rows; the group of 6 is left out
    assert list(paid.values.index) == ["B: los", "B: vast", "Totaal"]
    assert list(paid.values.columns) == ["nee", "ja", "Totaal"]
    assert paid.values.loc["B: los"].tolist() == [18, 12, 30]
    assert list(training.values.index) == ["A: los", "A: vast", "B: los", "B: vast", "Totaal"]
    assert res.table() is paid and [c for c, _ in res.more_tables()] == [training.name]
    assert training.name == "Scholing naar vorm, per kant"
    assert res.n_small_groups == 2  # "B: klein" of each variable


def test_shares_with_some_support_come_from_the_published_table():
    res = support_profile(
        _frame(), variables=["vergoed", "cursus"], by="vorm", side="kant", policy=Policy(), labels=LABELS
    )
    shares = res.shares()
    assert list(shares.index) == ["A: los", "A: vast", "B: los", "B: vast"]
    assert shares.loc["B: los", "Vergoeding"] == pytest.approx(1 - 18 / 30)  # 1 - published "nee" share
    assert shares.loc["B: vast", "Scholing"] == pytest.approx(1.0)  # nobody "nooit"
    assert pd.isna(shares.loc["A: los", "Vergoeding"])  # not asked
    frame = res.to_frame()
    any_rows = frame[frame["part"] == "any"].set_index("term")
    assert any_rows.loc["cursus: A: los", "estimate"] == pytest.approx(10 / 30)
    assert any_rows.loc["cursus: A: los", "n"] == 30
    # every published share rests on a count of zero or at least the threshold
    cells = frame[frame["part"] == "share"]
    assert all(k == 0 or k >= 10 for k in (cells["estimate"] * cells["n"]).round())
    assert not frame["group"].eq("klein").any()


def test_findings_quote_to_frame_per_variable_and_side():
    res = support_profile(
        _frame(), variables=["vergoed", "cursus"], by="vorm", side="kant", policy=Policy(), labels=LABELS
    )
    findings = res.findings()
    assert findings == [
        "Vergoeding, B: aandeel met een ander antwoord dan ‘nee’, naar vorm: los 40% en vast 71%.",
        "Scholing, A: aandeel met een ander antwoord dan ‘nooit’, naar vorm: los 33% en vast 75%.",
        "Scholing, B: aandeel met een ander antwoord dan ‘nooit’, naar vorm: los 50% en vast 100%.",
    ]
    any_rows = res.to_frame().query("part == 'any'")
    for _, row in any_rows.iterrows():
        assert fmt_pct(100 * row["estimate"], 0, "nl") in " ".join(findings)


def test_without_a_side_and_among_a_subset():
    res = support_profile(
        _frame(),
        variables=["cursus"],
        by="vorm",
        among={"kant": "A"},
        policy=Policy(),
        labels=LABELS,
        lang="en",
    )
    table = res.table()
    assert list(table.values.index) == ["los", "vast", "Total"]
    assert table.values.iloc[-1, -1] == 70
    assert res.findings() == ["Scholing, share answering other than ‘nooit’, by vorm: los 33% and vast 75%."]
    fig = res.figure()
    assert list(fig.data[0].y) == ["los", "vast"]
    assert [round(x) for x in fig.data[0].x] == [33, 75]


def test_a_hidden_cell_gives_no_sentence():
    frame = _frame()
    frame.loc[(frame["kant"] == "A") & (frame["vorm"] == "los"), "cursus"] = ["nooit"] * 25 + ["soms"] * 5
    res = support_profile(frame, variables=["cursus"], by="vorm", side="kant", policy=Policy(), labels=LABELS)
    assert res.table().status.loc["A: los", "soms"] == "primary"
    assert pd.isna(res.shares().loc["A: los", "Scholing"])
    assert not any("los" in s for s in res.findings() if s.startswith("Scholing, A"))
    assert "A: los" not in set(res.to_frame().query("part == 'any'")["term"].str[len("cursus: ") :])


def test_only_small_groups_say_so():
    frame = _frame().iloc[:0]
    res = support_profile(frame, variables=["cursus"], by="vorm", policy=Policy())
    assert res.empty and res.findings() == [
        "Er zijn te weinig respondenten om de ondersteuning te beschrijven."
    ]
    with pytest.raises(Exception, match="disclosure threshold"):
        res.table()
    with pytest.raises(BruggenError, match="no column 'betaald'"):
        support_profile(_frame(), variables=["betaald"], by="vorm", policy=Policy())


# -- the example ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


def test_the_example_support_by_form_and_side(study):
    res = study.analyse("ondersteuning")
    paid, training = res.tables()["key_person_paid"], res.tables()["joint_training"]
    assert list(paid.values.index) == [
        "Informeel: Ad hoc", "Informeel: Projectmatig", "Informeel: Structureel", "Totaal"
    ]  # fmt: skip
    assert list(training.values.index)[:3] == [
        "Formeel: Ad hoc",
        "Formeel: Projectmatig",
        "Formeel: Structureel",
    ]
    codes = study.dataset(SURVEY).numeric(["key_person_paid", "org_side"])
    assert paid.values.iloc[-1, -1] == int(codes["key_person_paid"].notna().sum())
    assert codes.loc[codes["key_person_paid"].notna(), "org_side"].eq(2).all()
    shares = res.shares()
    structural = shares.loc["Informeel: Structureel"]
    # structural collaboration pays and trains key persons more often than ad hoc
    assert (structural > shares.loc["Informeel: Ad hoc"]).all()
    text = " ".join(res.findings())
    assert "Vergoeding voor de rol" in text and "onbetaald" in text and "nooit" in text
    for _, row in res.to_frame().query("part == 'any'").iterrows():
        assert fmt_pct(100 * row["estimate"], 0, "nl") in text
    assert res.figure().data and res.more_tables()


def test_the_example_in_english_and_for_a_municipality(study):
    res = study.analyse("ondersteuning", lang="en")
    assert res.table().values.index[0] == "Informal: Ad hoc"
    survey = study.data(SURVEY)
    small = survey[survey["municipality_code"] == survey["municipality_code"].value_counts().index[0]]
    sub = study.analyse("ondersteuning", data=small)
    frame = sub.to_frame()
    assert frame.empty or (frame["n"] >= 10).all()
    assert sub.findings()


def _study_with(spec: dict):
    from analysis.study import Study

    config = copy.deepcopy(CONFIG)
    config["analyses"] = {"ondersteuning": spec}
    return Study.from_dict(config, root=ROOT, source=ROOT / "study.yml")


@pytest.fixture(scope="module")
def loaded():
    from analysis.study import Study

    study = Study.from_yaml(ROOT / "study.yml")
    return {n: study.get(n) for n in study.datasets}


@pytest.mark.parametrize(
    "spec, phrase",
    [
        ({}, "variables: missing"),
        ({"variables": ["key_person_payd"]}, "'key_person_payd' is not a variable"),
        ({"variables": ["years_in_role"]}, "needs value labels"),
        ({"variables": ["joint_training"], "side": "kantje"}, "side: 'kantje' is neither"),
        (
            {"variables": ["joint_training"], "among": {"respondent_type": 9}},
            "9 is neither a code nor a label",
        ),
        ({"variables": ["joint_training"], "among": {"respondent_type": [4, 5, "Sleutelpersoon"]}}, None),
    ],
)
def test_the_gate_names_what_is_wrong_with_the_options(spec, phrase, loaded):
    from analysis.validate.plan_checks import plan_checks

    study = _study_with({"kind": "support", **spec})
    if phrase is None:
        assert all(c.passed for c in plan_checks(study, loaded))
        return
    with pytest.raises(StudyConfigError) as info:
        plan_checks(study, loaded)
    line = next(x for x in str(info.value).splitlines() if x.strip().startswith("analyses.ondersteuning:"))
    assert phrase in line, line


def test_among_from_the_plan_takes_codes_or_labels(study):
    res = study.analyse("ondersteuning", among={"respondent_type": [6]}, variables=["joint_training"])
    n = int(study.dataset(SURVEY).numeric(["resp_type"])["resp_type"].eq(6).sum())
    assert res.table().values.iloc[-1, -1] == n
