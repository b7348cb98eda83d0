"""Offline and light: no network request, plotly.js once per study report, one shared copy for a batch.

The reports folder is copied elsewhere before it is opened (``copied_reports``): each page must
work from the copy alone, in Chromium with every non-file request blocked and counted.
"""

from __future__ import annotations

import io
import sys

import pytest

from analysis.figures import plotly_js
from analysis.report.progress import Progress

pytestmark = pytest.mark.slow

MB = 1024 * 1024
#: A line of plotly.js's own header: how often the bundle is in a page.
BUNDLE_MARK = "plotly.js v"


def test_every_page_opens_offline_and_draws_every_figure(opened):
    for page, result in opened.items():
        assert result["requests"] == [], f"{page} asked the network for {result['requests']}"
        assert result["consoleErrors"] == [] and result["pageErrors"] == [], (page, result)
        figures = result["figures"]
        assert figures["declared"] >= 3 and figures["drawn"] == figures["declared"], (page, figures)


def test_the_study_report_inlines_plotly_once_within_its_budget(built):
    study, _ = built
    bundle = plotly_js()
    assert BUNDLE_MARK in bundle[:500]
    html = (study.reports_dir / "rapport.html").read_text(encoding="utf-8")
    assert html.count(BUNDLE_MARK) == 1
    assert len(html.encode("utf-8")) <= len(bundle.encode("utf-8")) + 1.5 * MB


def test_municipality_reports_share_one_plotly_file(built, copied_reports):
    study, paths = built
    shared = study.reports_dir / "plotly.min.js"
    assert shared in paths and shared.read_text(encoding="utf-8") == plotly_js()
    pages = sorted((study.reports_dir / "gemeenten").glob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert BUNDLE_MARK not in html, page.name
        assert html.count('<script src="../plotly.min.js"></script>') == 1, page.name
    assert (copied_reports / "plotly.min.js").read_bytes() == shared.read_bytes()


def test_the_reports_folder_stays_within_its_size_bound(built):
    """Two study reports plus 0.5 MB per municipality (it was 120 MiB with plotly.js in every page)."""
    study, _ = built
    folder = study.reports_dir
    n = len(list((folder / "gemeenten").glob("*.html")))
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    bound = 2 * (folder / "rapport.html").stat().st_size + 0.5 * MB * n
    assert total <= bound, f"reports/ holds {total / MB:.1f} MB, more than {bound / MB:.1f} MB"


def test_a_page_without_figures_carries_no_plotly():
    from analysis.report.render import Page, Section, render

    html = render(Page(title="x", sections=(Section(id="samenvatting", title="y", paragraphs=("z",)),)))
    assert "<script" not in html


def test_the_batch_shows_its_progress(built_batch):
    study, _, progress = built_batch
    n = len(list((study.reports_dir / "gemeenten").glob("*.html")))
    steps = [s for s in progress.split("\r") if s]
    assert len(steps) == n
    assert steps[-1].startswith("[" + "#" * 30 + "]") and f"{n}/{n}" in steps[-1]
    assert progress.endswith("\n")


def test_progress_is_silent_off_a_terminal():
    if not sys.stderr.isatty():  # pytest captures standard error: no terminal
        assert Progress(4).stream is None
    quiet = Progress(4, stream=False)
    quiet.step("a")
    quiet.close()
    assert quiet.stream is None
    shown = io.StringIO()
    bar = Progress(4, stream=shown, label="municipality reports", width=8)
    bar.step("GM0001")
    bar.step("GM0002")
    assert shown.getvalue().split("\r")[-1] == "[####....] 2/4 municipality reports GM0002"
