"""`bruggen report --pdf`: the study report printed through headless Chromium with the print stylesheet."""

from __future__ import annotations

import re

import pytest

from analysis.errors import BruggenError
from analysis.report.pdf import print_pdf

pytestmark = pytest.mark.slow


def test_the_study_report_prints_to_an_a4_pdf(built, chromium, tmp_path):
    study, _ = built
    pdf = print_pdf(study.reports_dir / "rapport.html", tmp_path / "rapport.pdf", chromium=chromium)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 10, pages
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", data).groups())
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 from the stylesheet's @page rule
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_page_chromium_cannot_print_is_a_clear_error(tmp_path):
    with pytest.raises(BruggenError, match="could not print"):
        print_pdf(tmp_path / "rapport.html", chromium="/bin/false")
