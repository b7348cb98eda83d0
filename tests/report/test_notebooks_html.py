"""The analysis notebooks as HTML for the team: executed headless, figures drawn, no network."""

from __future__ import annotations

import pytest
from browser import render
from conftest import ROOT

from analysis.errors import BruggenError
from analysis.report.notebooks import render_notebooks

pytestmark = pytest.mark.slow


def test_a_notebook_renders_to_html_with_its_figures_offline(tmp_path, chromium, browser_check):
    (page,) = render_notebooks(ROOT / "notebooks", tmp_path / "notebooks", names=["01_samenwerkingsvorm"])
    assert page == tmp_path / "notebooks" / "01_samenwerkingsvorm.html"
    html = page.read_text(encoding="utf-8")
    assert 'src="http' not in html
    assert "Plotly.newPlot" in html  # PLOTLY_RENDERER=notebook: the figure is in the page, not lost
    (result,) = browser_check(page).values()
    assert result["requests"] == [] and result["pageErrors"] == [], result
    assert render(chromium, page).dom.count('class="main-svg"') >= 1  # plotly drew it


def test_an_unknown_notebook_is_a_clear_error(tmp_path):
    with pytest.raises(BruggenError, match="no such notebook"):
        render_notebooks(ROOT / "notebooks", tmp_path, names=["99_bestaat_niet"])
