"""The last door: a report that would publish a value of a personal-data column is never written."""

from __future__ import annotations

import io
import re
import time

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.codebook import Codebook, Variable
from analysis.errors import DisclosureError
from analysis.ingest import Dataset
from analysis.outputs import Output
from analysis.report import guard

ANSWER = "Ik vind dat de gemeente véél te weinig doet voor onze vrijwilligers & hun gezinnen."


def _dataset() -> Dataset:
    frame = pd.DataFrame(
        {
            "standpunt": [ANSWER, "ja", None, "Te weinig geld voor het buurthuis aan de Kerkstraat"],
            "functie": [
                "Coördinator van het wijkteam in de stad",
                "vrijwilliger",
                "coördinator",
                "vrijwilliger",
            ],
        }
    )
    book = Codebook(
        "enquete",
        (
            Variable("standpunt", type="string", pii=True),
            Variable("functie", type="string", value_labels={}),
        ),
    )
    return Dataset(frame, book)


def _page(body: str) -> Output:
    return Output("rapport.html", f"<html><body><h1>Rapport</h1>{body}</body></html>".encode())


def test_only_long_values_of_personal_columns_are_looked_for():
    values = guard.personal_values({"enquete": _dataset()})
    # the open answers, not "ja" (too short), not the ordinary column's labels
    assert len(values) == 2
    assert set(values.heads.values()) == {("enquete", "standpunt")}


@pytest.mark.parametrize(
    "body",
    [
        f"<table><tr><th>{ANSWER}</th><td>12</td></tr></table>",  # a row label as is
        "<td>Ik vind dat de gemeente v&eacute;&eacute;l te weinig doet voor onze vrijwilligers &amp; hun</td>",
        '<script>var d = {"y": ["IK VIND DAT DE GEMEENTE V\\u00e9\\u00e9L TE WEINIG DOET VOOR ONZE"]}</script>',
        "<td>Ik vind dat de gemeente\n   véél te weinig doet voor onze vrijwilligers…</td>",  # wrapped, cut short
    ],
)
def test_a_leaking_page_is_refused_however_the_value_is_written(body):
    values = guard.personal_values({"enquete": _dataset()})
    with pytest.raises(DisclosureError) as err:
        guard.check_outputs([_page(body)], values, folder="reports")
    text = str(err.value)
    assert "'standpunt' of dataset 'enquete'" in text and "rapport.html" in text
    assert ANSWER not in text and "gemeente" not in text  # the error never repeats the value


def test_pages_without_personal_values_pass_and_the_validation_report_is_not_searched():
    values = guard.personal_values({"enquete": _dataset()})
    clean = _page("<p>De gemeente doet te weinig, zeggen vrijwilligers.</p><td>ja</td>")
    validation = Output("validatie.html", f"<p>{ANSWER}</p>".encode())
    guard.check_outputs([clean, validation], values)  # no error


def test_a_table_workbook_is_searched_too():
    buffer = io.BytesIO()
    pd.DataFrame({"antwoord": [ANSWER], "n": [12]}).to_excel(buffer, index=False)
    values = guard.personal_values({"enquete": _dataset()})
    with pytest.raises(DisclosureError, match=r"rapport-tabellen\.xlsx"):
        guard.check_outputs([Output("rapport-tabellen.xlsx", buffer.getvalue())], values)


def test_quoted_interview_fragments_are_left_out():
    values = guard.personal_values({"enquete": _dataset()}, quoted=[("enquete", "standpunt")])
    assert len(values) == 0


def test_one_pass_over_a_large_page_with_many_values_is_fast():
    # 20,000 answers that all begin alike, and a page full of that beginning: the worst case
    answers = [f"Antwoord nummer {i} van een respondent over de samenwerking" for i in range(20_000)]
    ds = Dataset(pd.DataFrame({"open": answers}), Codebook("d", (Variable("open", type="string", pii=True),)))
    values = guard.personal_values({"d": ds})
    assert len(values) == 20_000
    page = _page("<p>Antwoord nummer onbekend, zei men over de samenwerking.</p>" * 40_000)  # ~2.5 MB
    start = time.perf_counter()
    guard.check_outputs([page], values)
    assert time.perf_counter() - start < 5.0
    leak = _page("<p>Antwoord nummer onbekend.</p><td>" + answers[12_345] + "</td>")
    with pytest.raises(DisclosureError):
        guard.check_outputs([leak], values)


# -- through build_reports: nothing is written --------------------------------------------------------
def test_build_reports_refuses_a_report_with_a_leaking_table(tmp_path, monkeypatch):
    from validate.conftest import make_study

    from analysis.report import build, pages
    from analysis.study import Study

    study_file = make_study(tmp_path / "studie")
    config = yaml.safe_load(study_file.read_text(encoding="utf-8"))
    config["analyses"] = {"respons": {"kind": "response", "by": "side"}}
    study_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    secret = "Goede samenwerking met het wijkteam."  # an open answer of the fixture (open_remarks, pii)
    real = pages.study_report

    def leaking(context):
        # a table that prints the respondents' own answers as row labels, as issue #21 saw
        for output in real(context):
            if output.relpath == "rapport.html":
                html = output.content.decode("utf-8")
                html = re.sub("</table>", f"<tr><th>{secret}</th><td>7</td></tr></table>", html, count=1)
                output = Output(output.relpath, html.encode("utf-8"))
            yield output

    monkeypatch.setattr(pages, "study_report", leaking)
    study = Study.from_yaml(study_file)
    with pytest.raises(DisclosureError) as err:
        build.build_reports(study)
    assert "'open_remarks' of dataset 'enquete'" in str(err.value)
    assert err.value.path.name == "rapport.html"
    written = [p for p in study.reports_dir.rglob("*") if p.is_file()] if study.reports_dir.exists() else []
    assert written == []  # not the report, not its workbook, not even validatie.html

    monkeypatch.setattr(pages, "study_report", real)
    paths = build.build_reports(Study.from_yaml(study_file))
    assert any(p.name == "rapport.html" for p in paths)
    assert secret not in (study.reports_dir / "rapport.html").read_text(encoding="utf-8")


# -- any long value, however it is escaped, is found ---------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    value=st.text(alphabet="abcdeijklmnoprstuvwzABCDEZéëïüçş'&<>\" \t\n", min_size=20, max_size=80),
    json=st.booleans(),
)
def test_any_long_value_is_found_in_a_page_however_it_is_escaped(value, json):
    import html
    import json as json_module

    ds = Dataset(pd.DataFrame({"open": [value]}), Codebook("d", (Variable("open", type="string", pii=True),)))
    values = guard.personal_values({"d": ds})
    if not len(values):
        return  # too little text to be unambiguous (mostly white space or punctuation)
    written = json_module.dumps(value) if json else html.escape(value)
    page = _page(f"<table><tr><td>{written}</td></tr></table>")
    assert values.find(page.content.decode("utf-8")) == ("d", "open")
