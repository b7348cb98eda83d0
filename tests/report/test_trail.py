"""The disclosure trail has no gap: every table on a published page is in the tables workbook,
and every cell hidden in any of them is in the appendix's suppression log.

The page is read back as a reader gets it (its HTML tables with their captions, the appendix's
list of suppressed cells) and the workbook as a researcher opens it (the title heading each
sheet, the notes sheet).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from conftest import copy_example

from analysis.report.build import build_reports
from analysis.study import Study

NOTES = "toelichting"


def _page_tables(page: Path) -> list[dict]:
    """The published tables of a page (not the appendix's own tables, not the provenance):
    caption, name (``data-table``), and the hidden cells as ``(row label, column header)``."""
    tree = lxml.html.fromstring(page.read_bytes())
    out = []
    for table in tree.iter("table"):
        if table.xpath('ancestor::*[contains(@class, "bruggen-sdc-appendix") or @id="herkomst"]'):
            continue
        figure = table.xpath("ancestor::figure[1]/figcaption")
        div = table.xpath('ancestor::div[contains(@class, "bruggen-table")][1]')
        header = [th.text_content() for th in table.xpath("./thead//th")]
        hidden = []
        for tr in table.xpath("./tbody/tr"):
            label = tr.xpath("./th")
            cells = tr.xpath("./td")
            for j, td in enumerate(cells, start=1):
                if td.text_content().strip() in {"<10", "x"}:
                    col = header[j] if j < len(header) else ""
                    hidden.append((label[0].text_content() if label else "", col))
        out.append(
            {
                "caption": figure[0].text_content().strip() if figure else "",
                "name": div[0].get("data-table") if div else "",
                "hidden": hidden,
            }
        )
    return out


def _appendix(page: Path) -> tuple[set[tuple[str, str, str]], str]:
    """The appendix's suppressed cells ``(table, row, column)`` and its sentence that counts them."""
    tree = lxml.html.fromstring(page.read_bytes())
    (section,) = tree.xpath('//section[contains(@class, "bruggen-sdc-appendix")]')
    tables = section.xpath(".//table")
    cells = set()
    if tables:
        for tr in tables[-1].xpath("./tbody/tr"):
            table, row, col, _reason = (td.text_content() for td in tr.xpath("./td"))
            cells.add((table, row, col))
    sentence = section.xpath("./p")[1].text_content()
    return cells, sentence


def _workbook(path: Path) -> tuple[Counter, list[str]]:
    """The titles heading the workbook's sheets (a repeated title's ``(2)`` taken off) and the
    lines of the notes sheet."""
    workbook = openpyxl.load_workbook(path)
    titles = Counter(
        re.sub(r" \(\d+\)$", "", str(ws.cell(1, 1).value)) for ws in workbook.worksheets if ws.title != NOTES
    )
    return titles, [str(c.value) for c in workbook[NOTES]["A"] if c.value]


def _check_trail(page: Path, workbook: Path) -> int:
    """Assert that the page's tables and the workbook's sheets are the same tables and that every
    hidden cell of the page is in its appendix; the number of tables on the page."""
    tables = _page_tables(page)
    assert tables, f"{page.name} publishes no tables"
    titles, notes = _workbook(workbook)
    on_page = Counter(t["caption"] for t in tables)
    assert on_page == titles, (
        f"{page.name}: tables without a sheet {sorted((on_page - titles).elements())}, "
        f"sheets not on the page {sorted((titles - on_page).elements())}"
    )
    logged, sentence = _appendix(page)
    for table in tables:
        names = {table["name"], table["caption"]}
        for row, col in table["hidden"]:
            assert any((n, row, col) in logged or (n, row, "") in logged for n in names), (
                f"{page.name}: the hidden cell ({row}, {col}) of {table['caption']!r} is not in the appendix"
            )
    assert sentence in notes  # the workbook's notes count the same suppressions
    return len(tables)


def test_every_table_of_the_study_report_is_in_the_workbook_and_its_hidden_cells_in_the_log(tmp_path):
    study = Study.from_yaml(copy_example(tmp_path))
    paths = build_reports(study, progress=False)
    page = next(p for p in paths if p.name == "rapport.html")
    n = _check_trail(page, page.with_name("rapport-tabellen.xlsx"))
    assert n >= 40  # the analyses' extra tables (models, profiles, sensitivity ...) are counted too
    _logged, sentence = _appendix(page)
    assert "afgeleid" in sentence  # estimates computed from hidden counts are hidden, and logged


@pytest.mark.slow
def test_every_municipality_page_has_its_tables_in_its_workbook_and_its_hidden_cells_in_the_log(built):
    _study, paths = built
    pages = [p for p in paths if p.suffix == ".html" and p.parent.name != p.parents[1].name]
    municipal = [
        p for p in pages if p.with_name(f"{p.stem}-tabellen.xlsx").exists() and p.name != "rapport.html"
    ]
    assert municipal
    for page in municipal:
        _check_trail(page, page.with_name(f"{page.stem}-tabellen.xlsx"))
