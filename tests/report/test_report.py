"""The rendered reports: complete, deterministic, safe to publish, and working in a real browser.

The reports of a copy of the example study are built once per session (the study report and
one per municipality) and then read back: in headless Chromium, as HTML, and as the tables
workbook a researcher pastes into appendices.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from conftest import ROOT, copy_example

from analysis.report.build import build_reports
from analysis.study import Study

pytestmark = pytest.mark.slow

SMALL = "GM0088"  # Schiermonnikoog: three respondents in the example study


def _html_files(paths):
    """The report pages (the validation report beside them is for the researcher, not for publication)."""
    return [p for p in paths if p.suffix == ".html" and p.name != "validatie.html"]


def _table_cells(html: str) -> list[str]:
    """The cells of the published data tables (not the appendix's tally of suppressed cells)."""
    tables = re.findall(r'<div class="bruggen-table".*?</table>', html, flags=re.S)
    return [cell for table in tables for cell in re.findall(r"<td>([^<]*)</td>", table)]


def test_the_study_and_every_municipality_get_a_report_and_a_workbook(built, survey):
    study, paths = built
    names = {p.relative_to(study.reports_dir).as_posix() for p in paths}
    assert {"rapport.html", "rapport-tabellen.xlsx", "validatie.html", "validatie.json"} <= names
    for code in survey.frame["municipality_code"].unique():
        assert f"gemeenten/{code}.html" in names
        assert f"gemeenten/{code}-tabellen.xlsx" in names


def test_reports_say_the_data_are_synthetic(built):
    _, paths = built
    for path in _html_files(paths):
        assert "synthetische (verzonnen) voorbeelddata" in path.read_text(encoding="utf-8")


def test_same_input_gives_the_same_bytes(built, tmp_path):
    study, paths = built
    again = build_reports(Study.from_yaml(copy_example(tmp_path)), municipalities=["GM0363"])
    first = {p.relative_to(study.reports_dir): p.read_bytes() for p in paths}
    for path in again:
        rel = path.relative_to(tmp_path / "reports")
        assert path.read_bytes() == first[rel], f"{rel} differs between two builds"


def test_every_count_in_every_table_is_zero_or_at_least_the_threshold(built):
    """No published count is below min_count, in the HTML tables and in the workbooks."""
    study, paths = built
    threshold = study.section("disclosure")["min_count"]
    for path in paths:
        if path.name.startswith("validatie") or path.suffix == ".js":
            continue
        if path.suffix == ".html":
            cells = _table_cells(path.read_text(encoding="utf-8"))
        else:
            cells = _workbook_cells(path)
        assert cells, f"{path.name} has no table cells"
        for cell in cells:
            count = re.match(r"^\s*(\d[\d.]*)\s*(\(|$)", cell)
            if count:
                n = int(count.group(1).replace(".", ""))
                assert n == 0 or n >= threshold, f"{path.name}: published count {n} < {threshold}"


def _workbook_cells(path) -> list[str]:
    """The cells of the workbook's tables as the HTML's ``<td>`` (not the notes sheet, not a row's
    label in column A, not a statistic: the cell style ``stat``, the HTML's ``class="stat"``)."""
    import openpyxl

    from analysis.disclosure.render import NOTES_SHEET, STAT_STYLE

    workbook = openpyxl.load_workbook(path)
    return [
        str(cell.value)
        for sheet in workbook.worksheets
        if sheet.title != NOTES_SHEET
        for row in sheet.iter_rows(min_col=2)
        for cell in row
        if cell.value is not None and cell.style != STAT_STYLE
    ]


def test_reports_carry_no_respondent_level_data(built, survey):
    _, paths = built
    ids = set(survey.frame["resp_id"])
    remarks = [r for r in survey.frame["open_remarks"].dropna() if len(r) > 20]
    assert remarks, "the example study has open answers to look for"
    for path in _html_files(paths):
        html = path.read_text(encoding="utf-8")
        body = html.split("</script>", 1)[1]  # past the inlined plotly.js bundle
        assert not re.search(r"\bR\d{4}\b", body), f"{path.name} contains a respondent ID"
        assert not any(r in html for r in remarks), f"{path.name} contains an open-text answer"
        assert not any(i in body for i in ids)


def test_figures_only_hold_published_values(built):
    """Figure data come from disclosed tables: shown percentages (bars) or shown counts (heat maps)."""
    study, paths = built
    threshold = study.section("disclosure")["min_count"]
    kinds = set()
    for path in _html_files(paths):
        html = path.read_text(encoding="utf-8")
        for data in re.findall(r'Plotly\.newPlot\("[^"]+", (\[.*?\]), \{', html):
            for trace in json.loads(data):
                kinds.add(trace["type"])
                if trace["type"] == "bar":  # shares in percent (diverging bars draw disagreement below 0)
                    values = trace["x"] if trace.get("orientation") == "h" else trace["y"]
                    assert all(-100 <= v <= 100 for v in values if v is not None), trace.get("name")
                elif trace["type"] == "sankey":  # referral flows: published counts, none below the threshold
                    assert all(v >= threshold for v in trace["link"]["value"])
                elif trace["type"] == "scatter" and trace.get("line", {}).get("shape") == "hv":
                    # Kaplan-Meier curves: shares in percent
                    assert all(0 <= v <= 100 for v in trace["y"] if v is not None)
                elif trace["type"] == "funnel":  # reach funnel: published counts
                    assert all(v == 0 or v >= threshold for v in trace["x"] if v is not None)
                elif trace["type"] == "heatmap":
                    cells = [v for row in trace["z"] for v in row if v is not None]
                    assert all(v == 0 or v >= threshold for v in cells)
                else:  # means, rates, alphas with intervals: statistics of published groups only
                    assert trace["type"] == "scatter", (
                        f"a figure of a kind this test does not know: {trace['type']}"
                    )
    assert {"bar", "heatmap", "sankey", "scatter"} <= kinds


def test_a_municipality_with_three_respondents_gets_combined_figures(built, survey):
    study, _ = built
    assert (survey.frame["municipality_code"] == SMALL).sum() == 3
    html = (study.reports_dir / "gemeenten" / f"{SMALL}.html").read_text(encoding="utf-8")
    assert "Schiermonnikoog" in html
    assert "samengevoegd" in html
    # the combined group is larger than the threshold: its response table shows no "3"
    assert "<td>3</td>" not in html


def test_english_report(tmp_path):
    study = Study.from_yaml(copy_example(tmp_path))
    (path,) = _html_files(build_reports(study, lang="en"))
    html = path.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "synthetic (invented) example data" in html
    assert "Form of collaboration" in html


def test_the_report_renders_in_headless_chromium(built, chromium):
    from browser import render

    study, _ = built
    page = render(chromium, study.reports_dir / "rapport.html")
    assert not [line for line in page.console if "Uncaught" in line or "ERROR" in line], page.console
    # plotly drew its SVGs: one per figure
    assert page.dom.count('class="main-svg"') >= 2
    assert "Vorm van de samenwerking" in page.dom


def test_unknown_municipality_is_a_clear_error(tmp_path):
    from analysis.errors import StudyConfigError

    study = Study.from_yaml(copy_example(tmp_path))
    with pytest.raises(StudyConfigError, match="GM9999"):
        build_reports(study, municipalities=["GM9999"])
    assert not (tmp_path / "reports" / "rapport.html").exists()


def test_the_repository_keeps_no_rendered_reports():
    tracked = [p for p in (ROOT / "reports").iterdir() if p.name != ".gitkeep"]
    ignored = (ROOT / ".gitignore").read_text()
    assert "reports/*" in ignored and "!reports/.gitkeep" in ignored
    # rendered files only: reports, tables, validation, and the plotly.js the municipality reports share
    assert all(p.suffix in {".html", ".json", ".xlsx", ".js", ""} for p in tracked)


def _quotes(html: str) -> list[tuple[str, str]]:
    return [
        (unescape(text), unescape(speaker))
        for text, speaker in re.findall(
            r'<blockquote class="citaat"><p>\u201c(.*?)\u201d</p><footer>\((.*?)\)</footer>', html
        )
    ]


def test_quotes_are_pseudonymised_and_labelled_by_a_large_enough_group(built):
    from analysis.disclosure import NameList

    study, _ = built
    html = (study.reports_dir / "rapport.html").read_text(encoding="utf-8")
    quotes = _quotes(html)
    assert quotes, "the study report quotes the interviews"
    listed = NameList.from_study(study).entries
    for text, speaker in quotes:
        assert not any(re.search(rf"\b{re.escape(n)}\b", text) for n in listed), text
        # the label names only the side (a group of at least min_count persons), numbered consistently
        assert re.fullmatch(r"(Formeel|Informeel) \d+", speaker), speaker
    assert len({s for _, s in quotes}) == len(quotes), "one quote per speaker"


def test_no_transcript_sentence_appears_except_in_a_selected_quote(built):
    study, paths = built
    sources = study.get("interviews").tables["sources"]
    sentences = {
        s.strip() for text in sources["text"] for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 30
    }
    assert len(sentences) > 100
    # the survey's own item wording is public (a question text an interviewee echoes is no leak)
    wording = {
        v.label_in(lang) for name in study.datasets for v in study.codebook(name) for lang in ("nl", "en")
    }
    sentences = {s for s in sentences if not any(s.rstrip(".!?") in w for w in wording)}
    for path in _html_files(paths):
        html = unescape(path.read_text(encoding="utf-8"))
        quoted = [text for text, _ in _quotes(path.read_text(encoding="utf-8"))]
        for sentence in sentences:
            if sentence in html:
                assert any(sentence in q for q in quoted), (
                    f"{path.name} shows an unselected transcript sentence: {sentence!r}"
                )


def test_municipality_reports_quote_no_one(built):
    _, paths = built
    for path in _html_files(paths):
        if path.parent.name == "gemeenten":
            assert not _quotes(path.read_text(encoding="utf-8")), path.name


def test_a_study_with_only_a_survey_gets_a_report_without_the_other_chapters(tmp_path):
    import yaml

    from analysis.errors import StudyConfigError

    path = copy_example(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["datasets"] = {"organisatie_enquete": config["datasets"]["organisatie_enquete"]}
    config["plan"] = {"survey": config["plan"]["survey"]}
    config["analyses"] = {k: v for k, v in config["analyses"].items() if v["kind"] == "collaboration_form"}
    config["analyses"]["respons"] = {"kind": "response", "by": "side"}  # no municipality frame: no region
    del config["report"]  # its texts speak of analyses this study does not have
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    study = Study.from_yaml(path)
    (page,) = _html_files(build_reports(study))
    html = page.read_text(encoding="utf-8")
    assert "Vorm van de samenwerking" in html
    assert "Respons naar kant van de samenwerking" in html  # by side: there is no municipality frame
    assert 'id="interviews"' not in html
    with pytest.raises(StudyConfigError, match=r"municipality frame \(plan\.municipalities"):
        build_reports(study, municipalities=["all"])


def test_the_summary_follows_the_chapters_it_summarises(built):
    """Each key finding is the first sentence of an analysis, in the order of the report's chapters."""
    study, _ = built
    html = unescape((study.reports_dir / "rapport.html").read_text(encoding="utf-8"))
    sections = re.findall(r'<section id="([^"]+)">(.*?)</section>', html, flags=re.S)
    summary = dict(sections)["samenvatting"]
    bullets = re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
    assert len(bullets) >= 5
    order = [
        next(i for i, (sid, body) in enumerate(sections) if sid != "samenvatting" and b in body)
        for b in bullets
    ]
    assert order == sorted(order), bullets


def test_the_tables_workbook_is_labelled_with_titles_not_names(built):
    """Sheets and their first cell carry the tables' titles, never an analysis or variable name."""
    import openpyxl

    study, _ = built
    workbook = openpyxl.load_workbook(study.reports_dir / "rapport-tabellen.xlsx")
    names = set(study.config["analyses"])
    assert len(workbook.sheetnames) >= 10
    for sheet in workbook.worksheets:
        if sheet.title == "toelichting":
            continue
        assert sheet.title not in names and "_" not in sheet.title, sheet.title
        first = str(sheet.cell(1, 1).value)
        assert "_" not in first and " " in first, first


def test_long_legend_entries_and_axis_titles_are_folded_to_stay_inside_the_figure():
    """A figure in the report is 17 cm wide when printed: long texts are folded onto lines."""
    import textwrap

    import plotly.graph_objects as go

    from analysis.figures import WRAP_AT, to_html

    long = "Vergoeding voor de rol (sleutelpersoon, vrijwilliger, bestuurslid) (niet 'onbetaald')"
    fig = go.Figure(go.Bar(x=[1], y=["a"], name=long, orientation="h"))
    fig.update_layout(xaxis_title=long, yaxis_title="kort", legend_title_text=long)
    html = to_html(fig, "f")
    folded = "<br>".join(textwrap.wrap(long, WRAP_AT))
    assert html.count(folded) == 3  # legend entry, axis title, legend title
    assert '"text": "kort"' in html
    assert fig.data[0].name == long  # the figure itself (a notebook's) is left as it is


@pytest.mark.slow
def test_english_municipality_reports_go_to_a_folder_named_in_english(tmp_path):
    """The folder of municipality reports is the report language's word, not a dataset's name."""
    study = Study.from_yaml(copy_example(tmp_path))
    paths = build_reports(study, municipalities=["GM0363"], lang="en")
    names = {p.relative_to(study.reports_dir).as_posix() for p in paths}
    assert "municipalities/GM0363.html" in names
    assert not any(name.startswith("gemeenten/") for name in names)
    page = (study.reports_dir / "municipalities" / "GM0363.html").read_text(encoding="utf-8")
    assert 'src="../plotly.min.js"' in page or "plotly.js v" in page
