"""A small study of our own (SPSS files written with the codebook) for the gate's tests.

Three datasets: a survey with skip logic, Likert items with user-missing codes, counts and an
open answer; a municipality frame; and a referral log with dates. ``make_study`` builds it in
a folder; tests plant one defect at a time with the ``mutate`` hook.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.codebook import Codebook, Variable
from analysis.ingest import Dataset, spss

LIKERT = {
    1: "helemaal oneens",
    2: "oneens",
    3: "neutraal",
    4: "eens",
    5: "helemaal eens",
    8: "weet niet",
    9: "n.v.t.",
}
NAMES = ["Fatima Bakkali", "Jansen", "Utrecht-Oost"]


def survey_codebook() -> Codebook:
    likert = {
        "measure": "ordinal",
        "value_labels": LIKERT,
        "missing_values": [8, 9],
        "minimum": 1,
        "maximum": 5,
    }
    return Codebook(
        "enquete",
        (
            Variable(
                "resp_id", type="string", measure="nominal", required=True, unique=True, pattern=r"^R\d{4,}$"
            ),
            Variable("consent", measure="nominal", value_labels={0: "nee", 1: "ja"}, required=True),
            Variable(
                "org_side", measure="nominal", value_labels={1: "formeel", 2: "informeel"}, required=True
            ),
            Variable(
                "formal_org_type",
                measure="nominal",
                value_labels={1: "wijkteam", 2: "veilig_thuis"},
                applies_to="org_side == 1",
                required=True,
            ),
            Variable(
                "informal_org_type",
                measure="nominal",
                value_labels={1: "migrantenzelforganisatie", 2: "sleutelpersonennetwerk"},
                applies_to="org_side == 2",
                required=True,
            ),
            Variable(
                "municipality_code", type="string", measure="nominal", required=True, pattern=r"^GM\d{4}$"
            ),
            Variable("trust_1", scale="trust", **likert),
            Variable("trust_2", scale="trust", **likert),
            Variable("reach_total", measure="scale", minimum=0, applies_to="org_side == 2"),
            Variable("reach_new", measure="scale", minimum=0, applies_to="org_side == 2"),
            Variable("ref_made_total", measure="scale", minimum=0, required=True),
            Variable("ref_completed", measure="scale", minimum=0, required=True),
            Variable("open_remarks", type="string", measure="nominal", pii=True),
        ),
    )


def survey_codes(n: int = 40) -> pd.DataFrame:
    rows = []
    for i in range(n):
        side = 1 if i % 2 == 0 else 2
        rows.append(
            {
                "resp_id": f"R{i + 1:04d}",
                "consent": 1.0,
                "org_side": float(side),
                "formal_org_type": float(1 + i % 2 if side == 1 else "nan"),
                "informal_org_type": float(1 + (i // 2) % 2 if side == 2 else "nan"),
                "municipality_code": ["GM0363", "GM0344", "GM0599"][i % 3],
                "trust_1": float([1, 2, 3, 4, 5, 8][i % 6]),
                "trust_2": float([5, 4, 3, 9, 2, 1][i % 6]),
                "reach_total": float(50 + i if side == 2 else "nan"),
                "reach_new": float(10 + i % 7 if side == 2 else "nan"),
                "ref_made_total": float(10 + i % 5),
                "ref_completed": float(5 + i % 5),
                "open_remarks": [
                    "",
                    "Goede samenwerking met het wijkteam.",
                    "Meer overleg graag, 12-05-2023.",
                ][i % 3],
            }
        )
    return pd.DataFrame(rows)


def municipalities_codebook() -> Codebook:
    return Codebook(
        "gemeenten",
        (
            Variable(
                "municipality_code",
                type="string",
                measure="nominal",
                required=True,
                unique=True,
                pattern=r"^GM\d{4}$",
            ),
            Variable("population", measure="scale", required=True, minimum=0),
        ),
    )


def municipalities_codes() -> pd.DataFrame:
    return pd.DataFrame(
        {"municipality_code": ["GM0363", "GM0344", "GM0599"], "population": [900000.0, 360000.0, 650000.0]}
    )


def referrals_codebook() -> Codebook:
    return Codebook(
        "verwijzingen",
        (
            Variable(
                "ref_id", type="string", measure="nominal", required=True, unique=True, pattern=r"^V\d{5}$"
            ),
            Variable(
                "municipality_code", type="string", measure="nominal", required=True, pattern=r"^GM\d{4}$"
            ),
            Variable("date_referred", type="date", measure="scale", required=True, format="DATE11"),
            Variable("date_first_contact", type="date", measure="scale", format="DATE11"),
        ),
    )


def referrals_codes(n: int = 30) -> pd.DataFrame:
    start = pd.Timestamp("2024-01-01")
    return pd.DataFrame(
        {
            "ref_id": [f"V{i + 1:05d}" for i in range(n)],
            "municipality_code": [["GM0363", "GM0344", "GM0599"][i % 3] for i in range(n)],
            "date_referred": [start + pd.Timedelta(days=3 * i) for i in range(n)],
            "date_first_contact": [
                start + pd.Timedelta(days=3 * i + 2) if i % 4 else pd.NaT for i in range(n)
            ],
        }
    )


Mutator = Callable[[dict[str, pd.DataFrame]], None]


def make_study(folder: Path, mutate: Mutator | None = None, *, suites: bool = True) -> Path:
    """Write the fixture study into ``folder``; return its study.yml.

    ``mutate`` receives ``{"enquete": codes, "gemeenten": codes, "verwijzingen": codes}`` and
    may change the frames in place before they are written (to plant a defect).
    """
    books = {
        "enquete": survey_codebook(),
        "gemeenten": municipalities_codebook(),
        "verwijzingen": referrals_codebook(),
    }
    frames = {
        "enquete": survey_codes(),
        "gemeenten": municipalities_codes(),
        "verwijzingen": referrals_codes(),
    }
    if mutate is not None:
        mutate(frames)
    (folder / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "codebooks").mkdir(parents=True, exist_ok=True)
    datasets = {}
    for name, book in books.items():
        frame = frames[name]
        spss.write(Dataset(frame=frame, codebook=book, codes=frame), folder / "data" / "raw" / f"{name}.sav")
        book.to_yaml(folder / "data" / "codebooks" / f"{name}.yml")
        datasets[name] = {
            "path": f"data/raw/{name}.sav",
            "codebook": f"data/codebooks/{name}.yml",
            "suite": f"data/expectations/{name}.json",
        }
    (folder / "data" / "raw" / "namenlijst.txt").write_text(
        "# namen\n" + "\n".join(NAMES) + "\n", encoding="utf-8"
    )
    config = {
        "name": "toetsstudie",
        "title": "Toetsstudie",
        "synthetic": True,
        "datasets": datasets,
        "privacy": {"names_file": "data/raw/namenlijst.txt"},
        # the consent and date-order rules follow from the plan; the sub-counts are declared
        "validation": {"subcounts": [["reach_new", "reach_total"], ["ref_completed", "ref_made_total"]]},
        "plan": {
            "survey": {
                "dataset": "enquete",
                "id": "resp_id",
                "consent": {"variable": "consent", "yes": 1},
                "side": {"variable": "org_side", "formal": 1, "informal": 2},
                "municipality": "municipality_code",
            },
            "referrals": {
                "dataset": "verwijzingen",
                "referred": "date_referred",
                "first_contact": "date_first_contact",
            },
        },
    }
    path = folder / "study.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    if suites:
        from analysis.study import Study
        from analysis.validate.suites import regenerate_study

        regenerate_study(Study.from_yaml(path))
    return path


@pytest.fixture
def mini_study(tmp_path: Path) -> Path:
    return make_study(tmp_path / "studie")


@pytest.fixture
def study_factory(tmp_path: Path):
    counter = {"n": 0}

    def factory(mutate: Mutator | None = None, **kwargs) -> Path:
        counter["n"] += 1
        return make_study(tmp_path / f"studie{counter['n']}", mutate, **kwargs)

    return factory
