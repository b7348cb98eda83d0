"""The gate reads each dataset once and hands it on; it calls the analysis-plan checks."""

from __future__ import annotations

from dataclasses import replace

from analysis.study import Study
from analysis.validate import gate, plan_checks
from analysis.validate.checks import FAILED, Check


def test_each_dataset_is_read_once_and_handed_on(mini_study, monkeypatch):
    reads: list[str] = []
    original = Study.load

    def counting_load(self, name):
        reads.append(name)
        return original(self, name)

    monkeypatch.setattr(Study, "load", counting_load)
    study = Study.from_yaml(mini_study)
    result = gate.run(study)
    assert sorted(reads) == ["enquete", "gemeenten", "verwijzingen"]
    assert list(result.loaded) == ["enquete", "gemeenten", "verwijzingen"]
    # the validated frames are the study's cached ones: a later study.get reads nothing
    for name, ds in result.loaded.items():
        assert study.get(name) is ds
    assert len(reads) == 3


def test_loaded_is_not_part_of_the_result_s_value(mini_study):
    result = gate.run(Study.from_yaml(mini_study))
    assert result.loaded
    assert "loaded" not in result.to_dict() and '"loaded"' not in result.to_json()
    assert "loaded" not in repr(result)
    assert replace(result, loaded={}) == result
    assert gate.ValidationResult("s", ()).loaded == {}


def test_an_unreadable_dataset_is_not_handed_on(study_factory):
    path = study_factory()
    (path.parent / "data" / "raw" / "gemeenten.sav").write_bytes(b"dit is geen SPSS-bestand")
    result = gate.run(Study.from_yaml(path))
    assert list(result.loaded) == ["enquete", "verwijzingen"]


def test_plan_checks_are_called_with_the_loaded_datasets(mini_study, monkeypatch):
    seen = {}

    def fake(study, loaded):
        seen["study"], seen["loaded"] = study, dict(loaded)
        return [
            Check("enquete.plan.trust", "enquete", "plan", FAILED, "het analyseplan klopt", message="Nee.")
        ]

    monkeypatch.setattr(plan_checks, "plan_checks", fake)
    study = Study.from_yaml(mini_study)
    result = gate.run(study)
    assert seen["study"] is study
    assert seen["loaded"] == result.loaded
    assert [c.rule for c in result.failures] == ["enquete.plan.trust"]
    # sorted with the other checks of its dataset
    rules = result.rules()
    enquete = [r for r in rules if r.startswith("enquete.")]
    assert enquete == sorted(enquete)
