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


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    note: str = ""


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

    @property
    def has_figures(self) -> bool:
        return any("Plotly.newPlot(" in b.html for s in self.sections for b in s.blocks)


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
    from analysis.figures import plotly_js

    t = texts(page.lang)
    footer = " · ".join((t["generated_by"].format(version=__version__), *page.footer_extra))
    template = _environment().get_template("report.html.j2")
    return template.render(
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
