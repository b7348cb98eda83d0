"""Interview-only studies: a REFI-QDA project without a survey, without a side.

The interview kinds (``interview_themes``, ``quotes``, ``case_box``, ``cooccurrence``) run and
render with ``by`` omitted (the plan binds no side: all interviews together), with ``by: null``
and with ``by`` naming any case attribute; also on a project with no case attributes at all, and
on a real ATLAS.ti 8 export.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, real_file

import analysis
from analysis.plan import Plan
from analysis.text import words

QDPX = ROOT / "data" / "raw" / "interviews.qdpx"
META = {"quote": "QUOTE", "case_box": "CASEBOX", "identifying": "IDENT"}


def _study(folder: Path, project: Path, *, analyses: dict, interviews: dict | None = None) -> Path:
    """A study.yml with one dataset, the REFI-QDA project, and only plan.interviews."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy2(project, folder / "data" / project.name)
    spec = {
        "name": "alleen_interviews",
        "title": "Interviews zonder enquête",
        "synthetic": True,
        "language": "nl",
        "datasets": {"gesprekken": {"path": f"data/{project.name}"}},
        "paths": {"reports": "reports", "processed": "data/processed"},
        "disclosure": {"min_count": 10, "min_denominator": 20},
        "plan": {"interviews": {"dataset": "gesprekken", **(interviews or {})}},
        "analyses": analyses,
    }
    path = folder / "study.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


ANALYSES = {
    "themas": {"kind": "interview_themes"},
    "citaten": {"kind": "quotes"},
    "voorbeeld": {"kind": "case_box"},
    "samenloop": {"kind": "cooccurrence", "unit": "segment"},
}
BOUND = {"case": "case", "meta_codes": META, "quote_themes": ["B3 NIET_SERIEUS_GENOMEN"]}


@pytest.fixture(scope="module")
def only_interviews(tmp_path_factory) -> analysis.study.ValidatedStudy:
    folder = tmp_path_factory.mktemp("alleen_interviews")
    return analysis.load(_study(folder, QDPX, analyses=ANALYSES, interviews=BOUND))


def test_the_default_by_is_no_grouping_when_the_plan_binds_no_side():
    plan = Plan.from_config(
        {"interviews": {"dataset": "g", "case": "case"}},
        {
            "t": {"kind": "interview_themes"},
            "q": {"kind": "quotes"},
            "s": {"kind": "interview_themes", "by": "x"},
        },
        datasets=("g",),
    )
    assert plan.analyses["t"].options["by"] is None and plan.analyses["q"].options["by"] is None
    assert plan.analyses["s"].options["by"] == "x"  # a by the study gives is kept
    assert plan.lacks("interview_themes") == []
    sided = Plan.from_config(
        {"interviews": {"dataset": "g", "side": {"variable": "kant", "formal": "F", "informal": "I"}}},
        {"t": {"kind": "interview_themes"}},
        datasets=("g",),
    )
    assert sided.analyses["t"].options["by"] == "side"  # unchanged where a side is bound


def test_themes_of_all_interviews_together_count_each_interview_once(only_interviews):
    themes = only_interviews.analyse("themas")
    assert themes.title() == words("nl", "interview_only")["themes_title"]
    codings = only_interviews.part("interviews", "nl")
    codings = codings[~codings["code"].astype(str).isin(META.values())]
    n_docs = codings["document"].nunique()
    assert themes.n_interviews == n_docs
    # one group, all interviews: its size is every interview, its counts are the interviews per code
    assert set(themes.shares["group"]) == {words("nl", "interview_only")["all_group"]}
    assert set(themes.shares["n"]) == {n_docs}
    counts = codings.groupby("code")["document"].nunique()
    published = themes.shares[themes.shares["shown"]].set_index("code")["documents"]
    assert len(published) > 10
    for code, n in published.items():
        assert n == counts[code]
    sat = themes.saturation
    assert len(sat) == n_docs and sat["cumulative"].iloc[-1] == counts.size


def test_quotes_case_box_and_cooccurrence_run_without_a_side(only_interviews):
    quotes = only_interviews.analyse("citaten")
    assert len(quotes.table()) >= 1
    box = only_interviews.analyse("voorbeeld")
    assert len(box.table()) >= 1
    co = only_interviews.analyse("samenloop")
    assert co.count(co.codes[0], co.codes[0]) is None or co.count(co.codes[0], co.codes[0]) > 0
    assert len(co.codes) > 30 and co.families is not None  # the example's 39 codes: figure by family


def test_by_may_name_any_case_attribute(tmp_path):
    study = analysis.load(
        _study(
            tmp_path, QDPX, analyses={"t": {"kind": "interview_themes", "by": "org_side"}}, interviews=BOUND
        )
    )
    themes = study.analyse("t")
    assert themes.grouped and themes.by == "org_side"
    assert len(set(themes.shares["group"])) == 2  # formal and informal, named as a case attribute


def _without_case_attributes(src: Path, dst: Path) -> Path:
    """The project with its Cases and Variables removed (no case attributes at all)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "project.qde":
                xml = data.decode("utf-8")
                xml = re.sub(r"<Cases>.*?</Cases>", "", xml, flags=re.S)
                xml = re.sub(r"<Variables>.*?</Variables>", "", xml, flags=re.S)
                data = xml.encode("utf-8")
            zout.writestr(item, data)
    return dst


def test_a_project_without_case_attributes_reports_themes_and_cooccurrence(tmp_path):
    project = _without_case_attributes(QDPX, tmp_path / "zonder_cases.qdpx")
    folder = tmp_path / "studie"
    analyses = {**ANALYSES, "samenloop": {"kind": "cooccurrence"}}
    interviews = {"meta_codes": META, "quote_themes": BOUND["quote_themes"]}
    path = _study(folder, project, analyses=analyses, interviews=interviews)
    study = analysis.load(path)
    themes = study.analyse("themas")
    assert not themes.grouped and themes.n_interviews == 30
    assert study.analyse("samenloop").n_units == 30
    # without cases each interview is a person: one quote per interview, never all from one
    quotes = study.analyse("citaten").table()
    assert len(quotes) == 3 and quotes["speaker"].nunique() == 3
    assert len(study.analyse("voorbeeld").table()) >= 1
    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "report", "--study", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    html = unescape((folder / "reports" / "rapport.html").read_text(encoding="utf-8"))
    assert words("nl", "interview_only")["themes_title"] in html
    assert words("nl", "themes")["saturation_title"] in html
    assert "Samenloop van codefamilies" in html  # the figure by family; the full table below it


def test_the_report_of_an_interview_only_study_has_every_part(only_interviews, tmp_path):
    path = _study(tmp_path, QDPX, analyses=ANALYSES, interviews=BOUND)
    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "report", "--study", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    html = unescape((tmp_path / "reports" / "rapport.html").read_text(encoding="utf-8"))
    for title in (
        words("nl", "interview_only")["themes_title"],
        words("nl", "themes")["saturation_title"],
        words("nl", "interviews")["quotes_title"],
        words("nl", "interviews")["case_box_title"],
        "Samenloop van codefamilies",
    ):
        assert title in html, title
    assert (tmp_path / "reports" / "rapport-tabellen.xlsx").exists()


@pytest.mark.realdata
def test_a_real_atlas_ti_8_project_alone(tmp_path):
    project = real_file("qda", "atlasti8_testproject.qdpx")
    analyses = {"themas": {"kind": "interview_themes"}, "samenloop": {"kind": "cooccurrence"}}
    path = _study(tmp_path, project, analyses=analyses, interviews={"case": "case"})
    study = analysis.load(path)
    themes = study.analyse("themas")
    assert themes.n_interviews == study.part("interviews", "nl")["document"].nunique()
    assert len(themes.saturation) == themes.n_interviews
    # six interviews: one group, all interviews (not merged into "other groups"); shares hidden
    assert set(themes.shares["group"]) == {words("nl", "interview_only")["all_group"]}
    assert themes.merged == () and not themes.shares["shown"].any()
    co = study.analyse("samenloop")
    assert co.n_units == themes.n_interviews
    done = subprocess.run(
        [sys.executable, "-m", "analysis.cli", "report", "--study", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    html = unescape((tmp_path / "reports" / "rapport.html").read_text(encoding="utf-8"))
    assert words("nl", "interview_only")["themes_title"] in html
