"""A researcher's own study: other dataset keys, other variable names, other labels, parts missing.

The example study delivered under other names in every file must give a report whose published
numbers equal the example's; a second study (English labels, only a survey and a referral log)
runs end to end through the real command; what its plan lacks is named, never a crash.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import copy_example, run_cli
from study_variants import NAMES, renamed_study

from analysis.report.build import build_reports
from analysis.study import Study

pytestmark = pytest.mark.slow


def _published(html: str) -> str:
    """A report page without the names that legitimately differ (table ids carry column names; the
    provenance names the input files and their hashes)."""
    html = re.sub(r'<div class="herkomst">.*?</details></div>', "", html, flags=re.S)
    return re.sub(r' data-table="[^"]*"', "", html)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Reports of the example and of its renamed copy."""
    original = Study.from_yaml(copy_example(tmp_path_factory.mktemp("voorbeeld")))
    renamed = Study.from_yaml(renamed_study(tmp_path_factory.mktemp("eigen")))
    return (
        (original, build_reports(original, municipalities=["GM0363", "GM0088"])),
        (renamed, build_reports(renamed, municipalities=["GM0363", "GM0088"])),
    )


def test_the_renamed_study_names_nothing_as_the_example_does(pair):
    _, (renamed, _) = pair
    assert not set(renamed.datasets) & {"organisatie_enquete", "verwijzingen", "gemeenten", "interviews"}
    survey = renamed.get("vragenlijst").frame
    assert "kant" in survey.columns and "org_side" not in survey.columns
    assert all(c in NAMES.values() or c.startswith("q_") for c in survey), list(survey.columns)


def test_the_renamed_study_publishes_the_same_report(pair):
    (original, first), (renamed, second) = pair
    for a, b in zip(sorted(first), sorted(second), strict=True):
        assert a.relative_to(original.reports_dir) == b.relative_to(renamed.reports_dir)
        if a.suffix == ".html" and a.name != "validatie.html":
            assert _published(a.read_text(encoding="utf-8")) == _published(b.read_text(encoding="utf-8")), (
                a.name
            )


def test_the_renamed_study_publishes_the_same_tables(pair):
    (_, first), (_, second) = pair
    for a, b in zip(sorted(first), sorted(second), strict=True):
        if a.suffix == ".xlsx":
            left, right = pd.read_excel(a, sheet_name=None), pd.read_excel(b, sheet_name=None)
            assert list(left) == list(right)
            for sheet in left:
                pd.testing.assert_frame_equal(left[sheet], right[sheet], check_names=False)


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    """Survey and referrals only, English labels, report in English."""
    analyses = {
        "response": {"kind": "response"},
        "forms": {"kind": "collaboration_form", "by": "side"},
        "forms_by_role": {"kind": "collaboration_form", "by": "respondent_type"},
    }
    folder = tmp_path_factory.mktemp("own")
    path = renamed_study(
        folder, english=True, keep=("organisatie_enquete", "verwijzingen"), analyses=analyses
    )
    return folder, path


def test_a_survey_and_referrals_study_in_english_runs_end_to_end(english):
    folder, path = english
    validated = run_cli("validate", "--study", str(path))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    result = run_cli("report", "--study", str(path))
    assert result.returncode == 0, result.stderr
    html = (folder / "rapporten" / "rapport.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    sections = re.findall(r'<section id="([^"]+)"', html)
    assert sections == ["samenvatting", "aanleiding", "methode", "samenwerking", "bijlagen"]
    # labels from the English codebook, in tables, figures and sentences
    for label in ("Structural", "Project-based", "Formal", "Informal", "Key person"):
        assert label in html, label
    assert "Form of collaboration by side of the collaboration" in html or "by side" in html
    # never a code or a variable name where a reader looks
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    for code in ("structureel", "formeel_professional", "ad_hoc", "q_", "kant", "vorm \\"):
        assert code not in visible, code


def test_municipality_reports_without_a_frame_name_what_the_plan_lacks(english):
    _, path = english
    result = run_cli("report", "--study", str(path), "--gemeente", "all")
    assert result.returncode == 2, result.stderr
    assert "plan.municipalities" in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_analysis_of_a_part_the_study_lacks_names_the_part(english, tmp_path):
    import yaml

    from analysis.errors import StudyConfigError

    _, path = english
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["analyses"]["themes"] = {"kind": "interview_themes"}
    with pytest.raises(
        StudyConfigError,
        match=r"analyses\.themes: a interview_themes analysis needs the plan's 'interviews' part",
    ):
        Study.from_dict(config, root=path.parent, source=path)
