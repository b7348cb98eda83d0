"""`bruggen init` and `bruggen suites`: a folder of data files becomes a study with a proposed plan.

Run through the real command (``python -m analysis.cli``) as a researcher would: on the example
study's raw files without its study.yml and codebooks, on a real SPSS file Bruggen has never
seen, on folders it must refuse, and with rules that must recognise English names too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import REALDATA, ROOT, realdata_missing, run_cli

from analysis.init import Table, propose
from analysis.study import Study

RAW = ROOT / "data" / "raw"
EXAMPLE_FILES = ("organisatie_enquete.sav", "verwijzingen.xlsx", "gemeenten.csv", "interviews.qdpx")


def _plan_lines(text: str) -> list[str]:
    """The lines of study.yml from ``plan:`` on that bind something (a key with a value)."""
    body = text[text.index("\nplan:") :]
    return [
        line
        for line in body.splitlines()
        if re.match(r"^\s+[\w.'\"-]+: *[^#\s]", line) and not line.lstrip().startswith("#")
    ]


def _assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "internal error" not in result.stderr, result.stderr


def _report_ok_or_names_what_the_plan_lacks(result: subprocess.CompletedProcess) -> None:
    """`bruggen report` made a report, or exited 2 with a message that names the missing part."""
    _assert_no_traceback(result)
    if result.returncode == 0:
        assert "rapport.html" in result.stdout.replace("\n", "")  # the console wraps long paths
        return
    assert result.returncode == 2, result.stderr
    assert re.search(r"plan\.\w+", result.stderr), result.stderr  # names the key the plan lacks


# -- (a) the example study's raw files ------------------------------------------------------------
@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("eigen_studie")
    for name in EXAMPLE_FILES:
        shutil.copy2(RAW / name, folder / name)
    result = run_cli("init", folder)
    assert result.returncode == 0, result.stderr
    return folder, result


def test_init_writes_a_study_that_parses(example):
    folder, result = example
    study = Study.from_yaml(folder / "study.yml")
    assert set(study.datasets) == {"organisatie_enquete", "verwijzingen", "gemeenten", "interviews"}
    for name, entry in study.datasets.items():
        assert entry.path.exists()
        assert entry.codebook == folder / "codebooks" / f"{name}.yml" and entry.codebook.exists()
        assert entry.suite == folder / "expectations" / f"{name}.json" and entry.suite.exists()
    config = study.config
    assert config["language"] == "nl"
    assert config["disclosure"]["min_count"] == 10 and config["disclosure"]["k"] == 5
    assert set(config["paths"]) == {"reports", "processed"}
    # the summary: what was read, the plan, what to review, what next
    assert "Read 4 file(s)" in result.stdout
    assert "REVIEW" in result.stdout
    assert f"bruggen validate --study {folder}/study.yml" in result.stdout
    assert f"bruggen report --study {folder}/study.yml" in result.stdout


def test_init_proposes_the_plan_from_names_labels_and_values(example):
    folder, _ = example
    plan = Study.from_yaml(folder / "study.yml").plan
    b = plan.bindings
    assert plan.datasets == {
        "survey": "organisatie_enquete",
        "municipalities": "gemeenten",
        "referrals": "verwijzingen",
        "interviews": "interviews",
    }
    assert b["survey.id"].variable == "resp_id"
    assert b["survey.side"].variable == "org_side"
    assert b["survey.side"].values == {"formal": 1, "informal": 2}
    assert b["survey.municipality"].variable == "municipality_code"
    assert b["survey.respondent_type"].variable == "resp_type"
    assert b["survey.collaboration_form"].variable == "collab_form"
    assert b["survey.collaboration_form"].values == {"structural": 3}
    assert b["survey.reach.count"].variable == "reach_total"
    assert b["survey.reach.population"].variable == "target_pop_estimate"
    assert set(plan.scales) >= {"trust", "taken_seriously"}
    assert plan.scales["trust"].items == ("trust_1", "trust_2", "trust_3", "trust_4")
    for role, column in (
        ("code", "municipality_code"),
        ("name", "municipality_name"),
        ("region", "vt_region"),
        ("size", "size_class"),
    ):
        assert b[f"municipalities.{role}"].variable == column
    assert b["referrals.sender"].variable == "from_resp_id"
    assert b["referrals.referred"].variable == "date_referred"
    assert b["referrals.first_contact"].variable == "date_first_contact"
    assert b["referrals.completed"].values == {"yes": 1}
    assert b["referrals.warm_handover"].values == {"yes": "ja"}
    assert b["interviews.case"].variable == "case"
    assert b["interviews.side"].variable == "org_side"
    assert b["interviews.side"].values == {"formal": "formeel", "informal": "informeel"}
    kinds = {spec.kind for spec in plan.analyses.values()}
    shipped = {
        a["kind"]
        for a in yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))["analyses"].values()
    }
    # no names file in the folder: everything the shipped plan runs but what publishes quotes
    assert kinds == shipped - {"quotes", "case_box"}
    text = (folder / "study.yml").read_text(encoding="utf-8")
    assert "NOT FOUND: quotes: quotes are published only with a names file" in text
    assert "NOT FOUND: case_box:" in text


def test_every_binding_line_is_marked_for_review(example):
    folder, _ = example
    lines = _plan_lines((folder / "study.yml").read_text(encoding="utf-8"))
    assert len(lines) > 30
    unmarked = [line for line in lines if "# REVIEW: guessed from " not in line]
    assert not unmarked, unmarked


def test_validate_and_report_on_the_initialised_example(example):
    folder, _ = example
    study = folder / "study.yml"
    result = run_cli("validate", "--study", study)
    _assert_no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    _report_ok_or_names_what_the_plan_lacks(run_cli("report", "--study", study))


def test_init_finds_the_names_file_and_proposes_quotes(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for name in ("interviews.qdpx", "namenlijst.txt"):
        shutil.copy2(RAW / name, raw / name)
    result = run_cli("init", tmp_path)
    assert result.returncode == 0, result.stderr
    study = Study.from_yaml(tmp_path / "study.yml")
    assert set(study.datasets) == {"interviews"}  # the names list is not a dataset
    assert study.config["privacy"]["names_file"] == "data/raw/namenlijst.txt"
    assert study.config["paths"]["processed"] == "data/processed"
    assert study.plan.quote_themes
    # an interview-only study: every kind that needs only the interviews (a check coder coded twice)
    assert {s.kind for s in study.plan.analyses.values()} == {
        "interview_themes",
        "quotes",
        "case_box",
        "cooccurrence",
        "intercoder_agreement",
    }


# -- (b) a real SPSS file Bruggen has never seen ------------------------------------------------------
def _largest_real_spss() -> Path:
    from analysis.errors import BruggenError
    from analysis.ingest import read

    reason = realdata_missing()
    if reason:
        pytest.skip(reason)
    best: tuple[int, Path] | None = None
    for path in sorted((REALDATA / "spss").glob("*")):
        if path.suffix.lower() not in (".sav", ".zsav", ".por"):
            continue
        try:
            rows = len(read(path).frame)
        except BruggenError:
            continue
        if best is None or rows > best[0]:
            best = (rows, path)
    if best is None:
        pytest.fail(f"no readable SPSS file in {REALDATA / 'spss'}; see {REALDATA / 'MANIFEST.md'}")
    return best[1]


@pytest.mark.realdata
def test_init_validate_report_on_a_real_spss_file(tmp_path):
    source = _largest_real_spss()
    shutil.copy2(source, tmp_path / source.name)
    result = run_cli("init", tmp_path)
    assert result.returncode == 0, result.stderr
    study = Study.from_yaml(tmp_path / "study.yml")
    assert study.plan.datasets["survey"] in study.datasets
    text = (tmp_path / "study.yml").read_text(encoding="utf-8")
    assert all("# REVIEW:" in line for line in _plan_lines(text))
    assert "NOT FOUND" in text  # a file without any of the study's parts says what is missing

    validated = run_cli("validate", "--study", tmp_path / "study.yml")
    _assert_no_traceback(validated)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    _report_ok_or_names_what_the_plan_lacks(run_cli("report", "--study", tmp_path / "study.yml"))


# -- (c) refusals ----------------------------------------------------------------------------------
def test_init_refuses_to_overwrite_a_study(tmp_path):
    shutil.copy2(RAW / "gemeenten.csv", tmp_path / "gemeenten.csv")
    assert run_cli("init", tmp_path).returncode == 0
    before = (tmp_path / "study.yml").read_bytes()
    again = run_cli("init", tmp_path)
    assert again.returncode == 2
    _assert_no_traceback(again)
    assert "study.yml exists already" in again.stderr and "--force" in again.stderr
    assert (tmp_path / "study.yml").read_bytes() == before
    forced = run_cli("init", "--force", tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "study.yml").read_bytes() == before  # same files, same proposal


def test_init_on_an_empty_folder_is_a_clear_error(tmp_path):
    result = run_cli("init", tmp_path)
    assert result.returncode == 2
    _assert_no_traceback(result)
    assert "no data Bruggen can read" in result.stderr
    assert not (tmp_path / "study.yml").exists()


def test_init_skips_unreadable_files_with_a_warning(tmp_path):
    (tmp_path / "kapot.sav").write_bytes(b"this is not an SPSS file")
    shutil.copy2(RAW / "gemeenten.csv", tmp_path / "gemeenten.csv")
    result = run_cli("init", tmp_path)
    assert result.returncode == 0, result.stderr
    stderr = result.stderr.replace("\n", "")  # the console wraps long paths, also inside a name
    assert "skipped" in stderr and "kapot.sav" in stderr
    assert set(Study.from_yaml(tmp_path / "study.yml").datasets) == {"gemeenten"}

    only_bad = tmp_path / "alleen_kapot"
    only_bad.mkdir()
    (only_bad / "kapot.sav").write_bytes(b"this is not an SPSS file")
    result = run_cli("init", only_bad)
    assert result.returncode == 2
    _assert_no_traceback(result)
    assert "could not be read" in result.stderr


# -- (d) bruggen suites ------------------------------------------------------------------------------
def test_suites_regenerates_from_the_codebooks(tmp_path):
    for name in ("gemeenten.csv", "verwijzingen.xlsx"):
        shutil.copy2(RAW / name, tmp_path / name)
    assert run_cli("init", tmp_path).returncode == 0
    study = tmp_path / "study.yml"
    suite = tmp_path / "expectations" / "gemeenten.json"

    result = run_cli("suites", "--study", study)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("unchanged") == 2

    # a reviewed codebook: the municipality code is unique and has a pattern
    path = tmp_path / "codebooks" / "gemeenten.yml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    book["variables"][0].update(unique=True, pattern=r"^GM\d{4}$")
    path.write_text(yaml.safe_dump(book, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run_cli("suites", "--study", study, "gemeenten")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {suite}"
    assert "expect_column_values_to_match_regex" in suite.read_text(encoding="utf-8")

    suite.unlink()
    result = run_cli("suites", "--study", study)
    assert f"wrote {suite}" in result.stdout and "unchanged" in result.stdout
    assert suite.exists()

    unknown = run_cli("suites", "--study", study, "nope")
    assert unknown.returncode == 2 and "no dataset named 'nope'" in unknown.stderr


# -- the rules, in-process, on an English-language study ------------------------------------------------
def _tables(folder: Path, files: dict[str, str]) -> list[Table]:
    from analysis.ingest import read

    out = []
    for name, text in files.items():
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        out.append(Table(name, path, read(path, dataset=name)))
    return out


def test_the_rules_recognise_an_english_study(tmp_path):
    rows = [
        f"R{i:03d},{'Professional' if i % 2 else 'Volunteer'},GM0{344 + i % 3},"
        f"{'structural' if i % 3 else 'project'},{i * 3},{i * 10}"
        for i in range(1, 31)
    ]
    survey = "ResponseId,sector,municipality,collaboration_form,reach_total,target_group\n" + "\n".join(rows)
    places = "code,name,province,population\nGM0344,Utrecht,Utrecht,360000\nGM0345,Veenendaal,Utrecht,67000\n"
    places += "GM0346,Vianen,Utrecht,20000\n"
    log = "referral,sender,date_sent,date_contact,handover\n" + "\n".join(
        f"V{i},R{i:03d},2024-01-{i:02d},2024-02-{i:02d},{'yes' if i % 2 else 'no'}" for i in range(1, 21)
    )
    p = propose(_tables(tmp_path, {"survey": survey, "places": places, "log": log}))
    assert p.bound("survey") == "survey"
    assert p.column("survey", "id") == "ResponseId"
    assert p.bound("survey", "side") == {
        "variable": "sector",
        "formal": "Professional",
        "informal": "Volunteer",
    }
    assert p.bound("survey", "collaboration_form") == {
        "variable": "collaboration_form",
        "structural": "structural",
    }
    assert p.column("survey", "municipality") == "municipality"
    assert p.bound("survey", "reach.count") == "reach_total"
    assert p.bound("survey", "reach.population") == "target_group"
    assert p.bound("municipalities") == "places"
    assert [p.column("municipalities", r) for r in ("code", "name", "region", "population")] == [
        "code",
        "name",
        "province",
        "population",
    ]
    assert p.bound("referrals") == "log"
    assert p.column("referrals", "sender") == "sender"
    assert (p.column("referrals", "referred"), p.column("referrals", "first_contact")) == (
        "date_sent",
        "date_contact",
    )
    assert p.bound("referrals", "warm_handover") == {"variable": "handover", "yes": "yes"}
    assert {g.value["kind"] for g in p.analyses} == {
        "response",
        "collaboration_form",
        "reach",
        "referral_flows",
    }
    # the time to contact compares the referrers' collaboration forms, which this log does not hold
    assert any("time_to_contact" in m for m in p.missing["analyses"])
