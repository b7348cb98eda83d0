"""Accessibility of the reports, measured: axe-core in Chromium, text alternatives, headings, colours.

axe-core runs its WCAG 2.0/2.1 level A and AA rules on the study report and on municipality
reports (a large one and a pooled small one); any serious or critical violation fails.
"""

from __future__ import annotations

import itertools
import re
from html import unescape

import numpy as np
import pytest

from analysis.figures import DIVERGING, PALETTE

pytestmark = pytest.mark.slow

SMALL = "GM0088"  # three respondents: a pooled report
LARGE = "GM0363"


def _pages(study):
    return [
        study.reports_dir / "rapport.html",
        study.reports_dir / "gemeenten" / f"{LARGE}.html",
        study.reports_dir / "gemeenten" / f"{SMALL}.html",
    ]


def test_axe_core_finds_no_serious_or_critical_violation(opened, survey):
    """The study report and every municipality report (pooled ones included)."""
    assert len(opened) == 1 + survey.frame["municipality_code"].nunique()
    assert {"rapport.html", f"gemeenten/{SMALL}.html", f"gemeenten/{LARGE}.html"} <= set(opened)
    for page, result in opened.items():
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{page}: {bad}"


def test_axe_core_catches_a_figure_without_a_name(built, browser_check, tmp_path):
    """The check itself works: the report's figures with their names removed fail it."""
    study, _ = built
    html = (study.reports_dir / "rapport.html").read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(re.sub(r' aria-label="[^"]*"', "", html), encoding="utf-8")
    (result,) = browser_check(broken).values()
    assert "role-img-alt" in {v["id"] for v in result["violations"] if v["impact"] == "serious"}


def test_every_figure_has_a_name_a_text_alternative_and_its_table(built):
    study, _ = built
    for page in _pages(study):
        html = page.read_text(encoding="utf-8")
        body = html.split("</script>", 1)[1]
        figures = re.findall(r'<figure class="blok">(.*?)</figure>', body, flags=re.S)
        charts = [f for f in figures if 'role="img"' in f]
        assert len(charts) >= 3, page.name
        for figure in charts:
            caption = unescape(re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.S).group(1))
            label = unescape(re.search(r'role="img" aria-label="([^"]+)"', figure).group(1))
            alt_id = re.search(r'aria-describedby="([^"]+)"', figure).group(1)
            alt = unescape(re.search(rf'<p id="{alt_id}" class="figuur-alt">(.*?)</p>', figure).group(1))
            assert label == caption, page.name
            assert label in alt and len(alt) > len(label) + 20, (
                alt
            )  # says what kind of chart, of what, for whom
            assert "<table" in figure, f"{page.name}: the figure {label!r} has no data table with it"


def test_lang_and_headings_in_order(built):
    study, _ = built
    for page in _pages(study):
        html = page.read_text(encoding="utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="nl">')
        levels = [int(h) for h in re.findall(r"<h([1-6])[\s>]", html.split("</script>", 1)[1])]
        assert levels[0] == 1 and levels.count(1) == 1, page.name
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not jumps, f"{page.name}: heading levels skip {jumps}"


# -- colours -------------------------------------------------------------------------------------
def _linear(colour: str) -> np.ndarray:
    c = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _contrast(colour: str, background: str = "#ffffff") -> float:
    weights = np.array([0.2126, 0.7152, 0.0722])
    a, b = sorted((float(_linear(colour) @ weights), float(_linear(background) @ weights)), reverse=True)
    return (a + 0.05) / (b + 0.05)


#: Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def _lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(
        rgb, 0, 1
    )
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_reference_numbers_of_the_colour_check():
    """WCAG's own examples: black on white 21:1, #767676 on white 4.54:1."""
    assert _contrast("#000000") == pytest.approx(21.0)
    assert _contrast("#767676") == pytest.approx(4.54, abs=0.01)


def test_series_colours_contrast_with_white_and_stay_apart_under_colour_blindness():
    series = PALETTE[:7]
    assert all(_contrast(c) >= 3.0 for c in series), [(c, round(_contrast(c), 2)) for c in series]
    for a, b in itertools.combinations(PALETTE[:6], 2):
        for name, matrix in {"normal": np.eye(3), **CVD}.items():
            m = np.array(matrix)
            distance = float(np.linalg.norm(_lab(m @ _linear(a)) - _lab(m @ _linear(b))))
            assert distance >= 12, f"{a} and {b} look alike under {name} (CIELAB distance {distance:.1f})"
    # the diverging scale's ends are apart under every simulation too
    for matrix in CVD.values():
        m = np.array(matrix)
        assert np.linalg.norm(_lab(m @ _linear(DIVERGING[0])) - _lab(m @ _linear(DIVERGING[-1]))) >= 20


def test_report_text_colours_meet_aa(built):
    """Every colour the stylesheet gives text has 4.5:1 on white (and white text on the header blue)."""
    from importlib.resources import files

    css = files("analysis.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    variables = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6})", css))
    for name in ("blauw", "tekst", "grijs"):
        assert _contrast(variables[name]) >= 4.5, name
    assert _contrast("#ffffff", variables["blauw"]) >= 4.5
