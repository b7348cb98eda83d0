"""Configuration errors: exit 2, naming the file, the key and the path; --version; by: null; .qdc; placeholders."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from analysis.errors import StudyConfigError
from analysis.study import Study

ROOT = Path(__file__).resolve().parents[2]


def _edit(path: Path, change) -> Path:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_missing_data_file_exits_2_naming_the_key_and_the_absolute_path(mini_study):
    _edit(mini_study, lambda c: c["datasets"]["gemeenten"].update(path="data/raw/gemeente.sav"))
    result = run_cli("validate", "--study", str(mini_study))
    assert result.returncode == 2, result.stdout + result.stderr
    text = _flat(result.stderr)
    assert str(mini_study.resolve()) in text
    assert "datasets.gemeenten.path does not exist" in text
    assert str((mini_study.parent / "data" / "raw" / "gemeente.sav").resolve()) in text


def test_a_missing_codebook_has_its_own_message_not_the_plan_s(mini_study):
    _edit(mini_study, lambda c: c["datasets"]["enquete"].update(codebook="data/codebooks/enq.yml"))
    with pytest.raises(StudyConfigError) as info:
        from analysis.validate import gate

        gate.run(Study.from_yaml(mini_study))
    assert "datasets.enquete.codebook does not exist" in info.value.message
    assert "enq.yml" in info.value.message
    assert "analysis plan" not in info.value.message


def test_the_version_is_the_library_s():
    import analysis

    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"bruggen {analysis.__version__}"


def test_pyproject_takes_its_version_from_the_library():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "analysis.__version__"}


def test_by_null_on_a_kind_that_compares_groups_fails_validate_and_report_alike(mini_study):
    from analysis.validate import gate

    _edit(mini_study, lambda c: c.update(analyses={"vorm": {"kind": "collaboration_form", "by": None}}))
    study = Study.from_yaml(mini_study)  # study.yml parses: `bruggen init` may propose it
    with pytest.raises(StudyConfigError) as info:
        gate.run(study)
    assert "analyses.vorm: by: null means no grouping" in info.value.message
    for command in ("validate", "report"):
        result = run_cli(command, "--study", str(mini_study))
        assert result.returncode == 2, (command, result.stderr)
        assert "analyses.vorm: by: null" in _flat(result.stderr)


def test_by_null_on_the_response_means_everyone_together(mini_study):
    _edit(mini_study, lambda c: c.update(analyses={"respons": {"kind": "response", "by": None}}))
    study = Study.from_yaml(mini_study)
    spec = study.plan.analysis("respons")
    assert spec.options["by"] is None and "by" in spec.given
    from analysis.validate import gate

    assert gate.run(study).passed


def test_codebook_reads_the_qdc_that_export_writes(tmp_path):
    from rich.console import Console

    from analysis import codebook_cli
    from analysis.ingest import read
    from analysis.qda_export import write_qdc

    project = read(ROOT / "data" / "raw" / "interviews.qdpx")
    qdc = write_qdc(project.tables["codes"], tmp_path / "codes.qdc")
    buffer = io.StringIO()
    codebook_cli.run(qdc, console=Console(file=buffer, width=120))
    text = buffer.getvalue()
    assert f"{len(project.tables['codes'])} codes" in text
    for name in project.tables["codes"]["name"].head(5):
        assert name in text
    assert "Code the interviews" not in text  # a codebook has no codings to ask for


def test_codebook_refuses_an_xml_that_is_no_codebook(tmp_path):
    bad = tmp_path / "x.qdc"
    bad.write_text("<Project/>", encoding="utf-8")
    result = run_cli("codebook", str(bad))
    assert result.returncode == 2
    assert "not a REFI-QDA codebook" in _flat(result.stderr)


def _with_text(study: Path, text: str) -> Path:
    (study.parent / "tekst.md").write_text(text, encoding="utf-8")
    return _edit(
        study,
        lambda c: c.update(
            analyses={"respons": {"kind": "response"}}, report={"texts": {"background": "tekst.md"}}
        ),
    )


def test_validate_checks_the_placeholders_of_the_report_texts_with_file_and_line(mini_study):
    from analysis.validate import gate

    _with_text(mini_study, "# Aanleiding\n\nTekst.\n\nZie {{ respon.findings }}.\n\n{{ respons.tabel }}\n")
    result = run_cli("validate", "--study", mini_study)
    assert result.returncode == 2, result.stdout + result.stderr
    message = " ".join(result.stderr.split())  # the console wraps long lines
    text_file = mini_study.parent / "tekst.md"
    assert f"{text_file}: line 5:" in message and "'respon'" in message
    assert f"{text_file}: line 7:" in message and "respons.tabel" in message
    # a notebook analyses the data whatever the texts say: the gate itself does not check them
    assert gate.run(Study.from_yaml(mini_study)).passed


def test_validate_checks_the_language_versions_too(mini_study):
    from analysis.validate.text_checks import check_texts

    _with_text(mini_study, "{{ respons.findings }}\n")
    (mini_study.parent / "tekst.en.md").write_text("Line\n{{ nothing.title }}\n", encoding="utf-8")
    with pytest.raises(StudyConfigError, match=r"tekst\.en\.md: line 2:"):
        check_texts(Study.from_yaml(mini_study))


def test_a_missing_report_text_fails_validate_naming_its_key(mini_study):
    from analysis.validate.text_checks import check_texts

    _edit(mini_study, lambda c: c.update(report={"texts": {"background": "weg.md"}}))
    with pytest.raises(StudyConfigError, match=r"report\.texts\.background names .*weg\.md"):
        check_texts(Study.from_yaml(mini_study))


def test_the_interpretation_of_a_chapter_no_analysis_fills_is_not_checked(mini_study):
    """It is not published, so a study may keep it while it declares fewer analyses."""
    from analysis.validate.text_checks import check_texts

    _edit(mini_study, lambda c: c.update(report={"texts": {"interpretation": {"bereik": "weg.md"}}}))
    check_texts(Study.from_yaml(mini_study))


def test_a_placeholder_keeps_its_own_line_when_the_report_fills_it(tmp_path):
    from analysis.report import prose

    lines: list[int] = []

    def fill(p: prose.Placeholder) -> str:
        lines.append(p.line)
        return "x"

    text = "# Kop\n\n{{ a.finding[0] }}\n\nTekst\n\n{{ a.finding[3] }} en {{ a.title }}\n"
    prose.render(text, tmp_path / "t.md", names={"a": None}, fill=fill)
    assert lines == [3, 7, 7]
