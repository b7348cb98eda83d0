"""The KIS-style report: sections in the issue's order, the researcher's Markdown beside the
numbers (placeholders filled from Results, unknown ones an error), house style and provenance."""

from __future__ import annotations

import hashlib
import math
import re
from html import unescape
from pathlib import Path

import pytest
import yaml
from conftest import copy_example

from analysis.errors import StudyConfigError
from analysis.report import prose
from analysis.report.build import build_reports
from analysis.report.render import reading_minutes
from analysis.study import Study

SECTIONS = [
    "samenvatting", "aanleiding", "methode", "samenwerking", "perspectieven", "bereik", "verwijzingen",
    "interviews", "samenhang", "aanbevelingen", "bijlagen", "contact",
]  # fmt: skip


def _body(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return html.split("</script>", 1)[1] if "plotly.js v" in html[:200_000] else html


def _section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}">')
    following = [m.start() for m in re.finditer(r'\n<section id="', html) if m.start() > start]
    return html[start : following[0] if following else len(html)]


@pytest.mark.slow
def test_the_study_report_has_the_sections_in_order(built):
    study, _ = built
    html = _body(study.reports_dir / "rapport.html")
    assert re.findall(r'\n<section id="([^"]+)">', html) == SECTIONS
    assert 'id="herkomst"' in _section(html, "bijlagen")
    interviews = _section(html, "interviews")
    assert "<blockquote" in interviews and "<aside" in interviews  # a pull quote and the practice box


@pytest.mark.slow
def test_title_lead_and_reading_time(built):
    study, _ = built
    html = (study.reports_dir / "rapport.html").read_text(encoding="utf-8")
    assert "<h1>\u2018Sleutelpersonen komen w\u00e9l achter de voordeur\u2019</h1>" in html
    assert '<p class="lead">Informele organisaties en sleutelpersonen' in html
    minutes = int(re.search(r'<p class="leestijd">Leestijd: (\d+) min</p>', html).group(1))
    # independently: the words of the chapters (before the appendices), without tables and scripts
    main = html.split("<main>", 1)[1].split('<section id="bijlagen">', 1)[0]
    main = re.sub(r"<(script|table)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r'<p id="[^"]*" class="figuur-alt">.*?</p>', " ", main, flags=re.S)
    words = len(re.findall(r"\w+", unescape(re.sub(r"<[^>]+>", " ", main))))
    assert words > 1000
    assert minutes == math.ceil(words / 200)


def test_reading_time_is_words_over_200_rounded_up():
    page = "<main>" + "<p>" + "woord " * 401 + "</p><table><td>" + "x " * 900 + "</td></table></main>"
    assert reading_minutes(page) == 3
    assert reading_minutes("<main><p>kort</p></main>") == 1


@pytest.mark.slow
def test_the_researchers_words_with_filled_placeholders(built):
    study, _ = built
    html = unescape(_body(study.reports_dir / "rapport.html"))
    import analysis

    loaded = analysis.load(study.source)
    completion = loaded.analyse("voltooiing").findings()[0]
    recommendations = _section(html, "aanbevelingen")
    assert completion in recommendations
    assert "{{" not in html and "bruggenplaceholder" not in html
    for actor in (
        "Voor de gemeente",
        "Voor formele organisaties",
        "Voor informele organisaties",
        "Voor sleutelpersonen",
    ):
        assert f">{actor}</h3>" in recommendations
    background = _section(html, "aanleiding")
    assert "<h3>Onderzoeksvragen</h3>" in background and background.count("<li>") == 4
    assert loaded.analyse("samenwerkingsvorm").findings()[0] in _section(html, "samenwerking")


@pytest.mark.slow
def test_provenance_hashes_every_input_file(built):
    study, _ = built
    herkomst = (
        _body(study.reports_dir / "rapport.html").split('id="herkomst"', 1)[1].split("</details>", 1)[0]
    )
    rows = dict(
        re.findall(r"<td><code>([^<]+)</code></td><td class=\"hash\"><code>([0-9a-f]{64})</code>", herkomst)
    )
    expected = ["study.yml", "data/report/aanleiding.md", "data/report/aanbevelingen-gemeente.md"]
    for entry in study.datasets.values():
        expected += [
            p.relative_to(study.root).as_posix() for p in (entry.path, entry.codebook, entry.suite) if p
        ]
    for rel in expected:
        assert rows.get(rel) == hashlib.sha256((study.root / rel).read_bytes()).hexdigest(), rel
    from analysis import __version__

    assert f"Bruggen {__version__}" in herkomst
    assert re.search(r"<td>pandas</td><td>[\d.]+</td><td>[\d.]+</td>", herkomst)
    assert "min_count" in herkomst and "Gemeente" in herkomst  # a quasi-identifier by its label


@pytest.mark.slow
def test_contact_block(built):
    study, _ = built
    contact = _section(_body(study.reports_dir / "rapport.html"), "contact")
    assert '<a href="mailto:onderzoek@example.org">onderzoek@example.org</a>' in contact


@pytest.mark.slow
def test_english_report_uses_the_english_texts(tmp_path):
    study = Study.from_yaml(copy_example(tmp_path))
    paths = build_reports(study, lang="en")
    html = unescape(_body(next(p for p in paths if p.name == "rapport.html")))
    assert "Key persons do get behind the front door" in html
    assert "<h3>Research questions</h3>" in html and "Reading time:" in html
    assert "For the municipality" in html and "Onderzoeksvragen" not in html


# -- placeholders and Markdown ------------------------------------------------------------------
def test_an_unknown_placeholder_names_file_line_and_the_valid_names(tmp_path):
    text = tmp_path / "duiding.md"
    text.write_text("Eerste regel.\n\nHier {{ bestaatniet.finding[0] }} staat het.\n", encoding="utf-8")
    with pytest.raises(StudyConfigError) as caught:
        prose.placeholders(text.read_text(), text, {"respons": 1, "bereik": 2})
    message = str(caught.value)
    assert "duiding.md" in message and "line 3" in message and "'bestaatniet'" in message
    assert "valid names: bereik, respons" in message


def test_a_placeholder_asking_for_nothing_known_is_an_error(tmp_path):
    with pytest.raises(StudyConfigError, match=r"line 1: .*finding\[i\], findings, title, figure, table"):
        prose.placeholders("{{ bereik.kleur }}", tmp_path / "x.md", {"bereik": 1})


def test_markdown_is_escaped_and_headings_move_below_the_section():
    text = "# Kop\n\n<script>alert(1)</script> en {{ a.title }}\n\n## Onder\n\n{{ a.figure }}\n"
    html = prose.render(
        text,
        Path("x.md"),
        names={"a": 1},
        fill=lambda p: "<b>titel</b>" if p.what == "title" else '<figure class="blok">F</figure>',
        heading_level=3,
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;titel&lt;/b&gt;" in html  # text placeholders are escaped
    assert '<figure class="blok">F</figure>' in html and "<p><figure" not in html  # block ones are not
    assert "<h3>Kop</h3>" in html and "<h4>Onder</h4>" in html


@pytest.mark.slow
def test_a_study_whose_text_names_an_unknown_analysis_is_refused(tmp_path):
    path = copy_example(tmp_path)
    (tmp_path / "data" / "report" / "aanleiding.md").write_text(
        "Tekst.\n{{ verzonnen.finding[0] }}\n", encoding="utf-8"
    )
    with pytest.raises(StudyConfigError, match=r"aanleiding\.md.*line 2.*'verzonnen'.*valid names: .*bereik"):
        build_reports(Study.from_yaml(path))
    assert not (tmp_path / "reports" / "rapport.html").exists()


def test_report_texts_must_name_known_chapters_and_actors(tmp_path):
    path = copy_example(tmp_path)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["report"]["texts"]["recommendations"]["burgemeester"] = "data/report/aanbevelingen-gemeente.md"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    from analysis.report.pages import Texts

    with pytest.raises(StudyConfigError, match="burgemeester"):
        Texts.from_study(Study.from_yaml(path))


@pytest.mark.slow
def test_a_municipality_report_shows_the_national_picture_beside_its_own(built):
    study, _ = built
    national = unescape(_section(_body(study.reports_dir / "rapport.html"), "samenvatting"))
    study_bullets = set(re.findall(r"<li>(.*?)</li>", national, flags=re.S))
    for code in ("GM0363", "GM0088"):
        summary = unescape(_section(_body(study.reports_dir / "gemeenten" / f"{code}.html"), "samenvatting"))
        own, _, comparison = summary.partition("<h3>Ter vergelijking: het landelijke beeld</h3>")
        assert comparison, code
        shown = re.findall(r"<li>(.*?)</li>", comparison, flags=re.S)
        assert len(shown) >= 3 and set(shown) <= study_bullets, code  # the study report's key findings
        assert re.findall(r"<li>(.*?)</li>", own, flags=re.S) != shown  # and the municipality's own


def _raw_names(study: Study) -> set[str]:
    """What must never reach a reader: variable names and stored codes that are not words.

    Every variable name of every codebook with an underscore or a digit in it (``org_side``,
    ``trust_1``) and every stored category code with an underscore (``formeel_professional``,
    ``B3 NIET_SERIEUS_GENOMEN``); plain words (``region``) could be ordinary text.
    """
    raw: set[str] = set()
    for name in study.datasets:
        codebook = study.codebook(name)
        for var in codebook.variables if codebook is not None else ():
            if "_" in var.name or re.search(r"\d", var.name):
                raw.add(var.name)
            raw |= {str(code) for code in var.value_labels if isinstance(code, str) and "_" in code}
    return raw


@pytest.mark.slow
def test_no_raw_variable_name_or_code_reaches_a_reader(built, tmp_path):
    """Text, tables, figures (their JSON) and captions of every report, in Dutch and in English,
    name variables and categories by their labels; only the provenance appendix lists files."""
    study, paths = built
    raw = _raw_names(study)
    assert {"B3 NIET_SERIEUS_GENOMEN", "formeel_professional", "org_side"} <= raw  # the scan looks
    english = Study.from_yaml(copy_example(tmp_path))
    pages = [p for p in paths if p.suffix == ".html" and p.name != "validatie.html"]
    pages += [p for p in build_reports(english, lang="en") if p.name == "rapport.html"]
    assert len(pages) > 20
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, sorted(raw, key=len, reverse=True))) + r")(?![\w-])"
    )
    for page in pages:
        html = _body(page)
        if 'id="herkomst"' in html:
            html = re.sub(r'<section id="herkomst">.*?</section>', "", html, flags=re.S)
        hits = {m.group(1) for m in pattern.finditer(unescape(html))}
        assert not hits, f"{page.name}: {sorted(hits)}"
