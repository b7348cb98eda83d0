"""The rules of `bruggen init` on files that are not the example: what a role, a scale or a log is.

Each file is written with pyreadstat (SPSS) or as a CSV and read by Bruggen's own readers, then
:func:`analysis.init.propose` is asked what it makes of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from analysis.ingest import read
from analysis.init import Table, propose

AGREE = {1: "Helemaal oneens", 2: "Oneens", 3: "Neutraal", 4: "Eens", 5: "Helemaal eens"}
OFTEN = {1: "Nooit", 2: "Zelden", 3: "Soms", 4: "Vaak", 5: "Altijd"}


def _sav(tmp_path, frame: pd.DataFrame, labels: dict, name: str = "enquete", **kw) -> Table:
    path = tmp_path / f"{name}.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels, **kw)
    return Table(name, path, read(path, dataset=name))


def _survey(n: int = 200, seed: int = 3) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"respnr": np.arange(1001, 1001 + n, dtype=float)})
    labels: dict = {}
    trait = rng.normal(size=n)
    for i in range(1, 9):  # an eight-item battery with a name that says nothing
        frame[f"v{i}"] = np.clip(np.round(3 + trait + rng.normal(size=n)), 1, 5)
        labels[f"v{i}"] = AGREE
    for i in range(1, 6):  # a multiple-response set: five dichotomies
        frame[f"hulp_{i}"] = rng.integers(0, 2, n).astype(float)
        labels[f"hulp_{i}"] = {0: "Niet genoemd", 1: "Genoemd"}
    for i in range(9, 13):  # a four-item battery on a frequency scale
        frame[f"v{i}"] = rng.integers(1, 6, n).astype(float)
        labels[f"v{i}"] = OFTEN
    return frame, labels


def test_likert_batteries_are_found_by_their_shared_ordered_scale_never_a_multiple_response_set(tmp_path):
    frame, labels = _survey()
    p = propose([_sav(tmp_path, frame, labels)])
    scales = [g.value["items"] for g in p.parts["survey"] if g.key.startswith("scales.")]
    assert [f"v{i}" for i in range(1, 9)] in scales
    assert [f"v{i}" for i in range(9, 13)] in scales
    assert not any(item.startswith("hulp_") for items in scales for item in items)


def test_a_role_binds_only_a_variable_most_respondents_answered(tmp_path):
    frame, labels = _survey()
    rtype = np.where(np.arange(len(frame)) % 5 == 0, 1.0, np.nan)  # answered by 20%
    frame["type_respondent"] = rtype
    frame.loc[frame.index % 10 == 0, "type_respondent"] = 2.0
    labels["type_respondent"] = {1: "Leerling", 2: "Docent"}
    p = propose([_sav(tmp_path, frame, labels)])
    assert p.bound("survey", "respondent_type") is None
    frame["type_respondent"] = np.where(np.arange(len(frame)) % 2 == 0, 1.0, 2.0)
    p = propose([_sav(tmp_path, frame, labels, name="enquete2")])
    assert p.bound("survey", "respondent_type") == "type_respondent"


def test_open_answers_are_never_a_category_however_few_they_are(tmp_path):
    answers = [
        "Ik werk als coördinator bij een buurthuis in de wijk",
        "Vrijwilliger bij de moskee, vooral met jongeren bezig",
        "Beleidsmedewerker sociaal domein, gemeente",
        "Ik ben sleutelpersoon voor de Poolse gemeenschap hier",
        "Wijkteam, maatschappelijk werker sinds vier jaar",
        "Bestuurslid van een vrouwenorganisatie in de stad",
    ]
    frame = pd.DataFrame({"ResponseID": [f"R_{i}" for i in range(12)], "Q2": answers * 2})
    frame.loc[6:, "Q2"] = [a + " en meer" for a in answers]
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    t = Table("export", path, read(path, dataset="export"))
    assert t.is_private("Q2") and not t.is_category("Q2")
    p = propose([t])
    bound = {g.value if isinstance(g.value, str) else g.value.get("variable") for g in p.parts["survey"]}
    assert "Q2" not in bound
    assert not p.quasi_identifiers or "Q2" not in p.quasi_identifiers.value


def test_row_numbers_make_no_referral_log(tmp_path):
    """A second survey whose ids 1..n fall among the first's is a survey, not a log of referrals."""
    first = pd.DataFrame({"id": np.arange(1, 301, dtype=float), "leeftijd": np.arange(300) % 60 + 18.0})
    second = pd.DataFrame(
        {
            "id": np.arange(1, 41, dtype=float),
            "startdate": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(40), "D"),
            "submitdate": pd.Timestamp("2024-01-02") + pd.to_timedelta(np.arange(40), "D"),
            "nummer": np.arange(5, 45, dtype=float),
        }
    )
    a = _sav(tmp_path, first, {}, name="eerste")
    b = _sav(tmp_path, second, {}, name="tweede")
    p = propose([a, b])
    assert p.bound("referrals") is None


@pytest.mark.parametrize("reverse", [True, False])
def test_a_reverse_keyed_item_is_found_by_its_answers(tmp_path, reverse):
    frame, labels = _survey()
    if reverse:
        frame["v3"] = 6 - frame["v3"]
    p = propose([_sav(tmp_path, frame, labels)])
    battery = next(
        g.value for g in p.parts["survey"] if g.key.startswith("scales.") and "v1" in g.value["items"]
    )
    assert battery.get("reversed", []) == (["v3"] if reverse else [])
