"""Render report sections into one self-contained HTML file.

A report is a list of :class:`Section` objects; each holds paragraphs, bullets and blocks
(a table or a figure as HTML that already passed disclosure control). The page inlines its
CSS and, when it has a figure, plotly.js once, so it opens offline, and contains nothing that
varies between runs: the same sections give the same bytes. Pages of a batch (the municipality
reports) instead load one shared copy of plotly.js by a relative path (:data:`PLOTLY_FILE` in the
reports folder), so the batch does not repeat 4.8 MB per page and the folder still works offline
wherever it is copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from analysis import __version__
from analysis.report.i18n import texts

#: The shared plotly.js of a batch of pages, in the reports folder (see :func:`render`).
PLOTLY_FILE = "plotly.min.js"


@dataclass(frozen=True)
class Block:
    """A table or figure in a section (``html`` is trusted: built by Bruggen, not by input)."""

    html: str
    caption: str = ""
    id: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    note: str = ""
    #: Trusted HTML (the researcher's Markdown, rendered and escaped) before and after the rest.
    html_before: str = ""
    html_after: str = ""


@dataclass(frozen=True)
class Page:
    """Everything one report file shows."""

    title: str
    sections: tuple[Section, ...]
    lang: str = "nl"
    subtitle: str = ""
    synthetic: bool = False
    footer_extra: tuple[str, ...] = field(default_factory=tuple)
    #: Where plotly.js comes from: ``None`` inlines it; a relative URL (``../plotly.min.js``)
    #: loads the batch's shared copy.
    plotly_src: str | None = None
    lead: str = ""

    @property
    def has_figures(self) -> bool:
        html = (b.html for s in self.sections for b in (*s.blocks, Block(s.html_before), Block(s.html_after)))
        return any("Plotly.newPlot(" in h for h in html)


@cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("analysis.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(page: Page) -> str:
    """The HTML of one report page."""
    t = texts(page.lang)
    footer = " · ".join((t["generated_by"].format(version=__version__), *page.footer_extra))
    template = _environment().get_template("report.html.j2")
    html = _render(template, page, t, footer, reading=None)
    return _render(template, page, t, footer, reading=reading_minutes(html))


def reading_minutes(html: str) -> int:
    """Minutes to read a page's text: the words in its ``<main>`` up to the appendices (tables,
    figures' scripts and text alternatives left out) divided by :data:`~analysis.report.pages.WORDS_PER_MINUTE`, rounded up."""
    import math
    import re

    from analysis.report.pages import WORDS_PER_MINUTE
    from analysis.report.prose import word_count

    main = html.split("<main>", 1)[-1].split("</main>", 1)[0].split('<section id="bijlagen">', 1)[0]
    main = re.sub(r"<table\b.*?</table>", " ", main, flags=re.S)
    main = re.sub(r'<p id="[^"]*" class="figuur-alt">.*?</p>', " ", main, flags=re.S)
    main = re.sub(r"<details\b.*?</details>", " ", main, flags=re.S)
    return max(1, math.ceil(word_count(main) / WORDS_PER_MINUTE))


def _render(template, page: Page, t: dict[str, str], footer: str, reading: int | None) -> str:
    from analysis.figures import plotly_js

    return template.render(
        reading=t["reading_time"].format(n=reading) if reading else "",
        lead=page.lead,
        t=t,
        title=page.title,
        subtitle=page.subtitle,
        synthetic=page.synthetic,
        sections=page.sections,
        footer=footer,
        version=__version__,
        plotly_js=_safe_script(plotly_js()) if page.has_figures and not page.plotly_src else None,
        plotly_src=page.plotly_src if page.has_figures else None,
    )


def quote_html(text: str, speaker: str) -> str:
    """A quote as a block quote with its (pseudonymous) speaker label; both are escaped."""
    from markupsafe import escape

    return (
        f'<blockquote class="citaat"><p>\u201c{escape(text)}\u201d</p>'
        f"<footer>({escape(speaker)})</footer></blockquote>"
    )


def _safe_script(js: str):
    """Mark the plotly bundle as safe HTML, guarding against an early ``</script>``."""
    from markupsafe import Markup

    return Markup(js.replace("</script", "<\\/script"))
