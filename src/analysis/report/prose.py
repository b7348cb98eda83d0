"""The researcher's words in a report: Markdown files with placeholders for generated findings.

``study.yml`` names the files under ``report.texts`` (background, interpretation per chapter,
recommendations per actor); they are edited without touching Python. A file may hold
placeholders in double braces that name a declared analysis (a Result) and what of it to show:

- ``{{ vormen.finding[0] }}``: its first finding sentence (``finding[1]`` the second ...);
- ``{{ vormen.findings }}``: all its findings, one paragraph;
- ``{{ vormen.title }}``: its title;
- ``{{ vormen.figure }}`` and ``{{ vormen.table }}``: its figure (with its
  table) or its table, each on a line of its own.

A placeholder that names no declared analysis, or asks for something a Result does not have,
is a :class:`~analysis.errors.StudyConfigError` with the file, the line, the unknown name and the
valid names: never an empty string in a published report. The Markdown is rendered with
markdown-it-py (CommonMark) with raw HTML switched off, so whatever the file holds is escaped;
its headings are moved below the section's heading (its highest one becomes ``heading_level``)
so the report's heading order holds.
For ``--lang en`` a file ``<name>.en.md`` beside ``<name>.md`` is used when it exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from analysis.errors import StudyConfigError

#: ``{{ name.what }}`` or ``{{ name.finding[i] }}``.
PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_PARTS = re.compile(
    r"^(?P<name>[A-Za-z_][\w-]*)\.(?P<what>finding\[(?P<i>\d+)\]|findings|title|figure|table)$"
)
#: What may follow the name, for the error message.
WHATS = ("finding[i]", "findings", "title", "figure", "table")
_BLOCKS = ("figure", "table")


@dataclass(frozen=True)
class Placeholder:
    name: str
    what: str
    index: int | None
    line: int


def file_for(path: Path, lang: str, default_lang: str = "nl") -> Path:
    """The language version of a text file: ``x.en.md`` beside ``x.md`` when it exists."""
    if lang != default_lang:
        other = path.with_name(f"{path.stem}.{lang}{path.suffix}")
        if other.is_file():
            return other
    return path


def read(path: Path) -> str:
    if not path.is_file():
        raise StudyConfigError(
            "a report text named in study.yml (report.texts) does not exist",
            path=path,
            hint="create the Markdown file, or remove its entry under report.texts",
        )
    return path.read_text(encoding="utf-8")


def placeholders(text: str, path: Path, names: Mapping[str, object]) -> list[Placeholder]:
    """Every placeholder of a text, checked against the declared analyses (``names``).

    Raises
    ------
    StudyConfigError
        At the first placeholder that names no declared analysis or asks for something a
        Result does not have, with the file and its line.
    """
    found = []
    for item in _scan(text, names):
        if isinstance(item, Placeholder):
            found.append(item)
        else:
            number, message, hint = item
            raise StudyConfigError(f"line {number}: {message}", path=path, hint=hint)
    return found


def problems(text: str, names: Mapping[str, object]) -> list[tuple[int, str]]:
    """Every placeholder of a text that names no declared analysis or asks for too much.

    What ``bruggen validate`` checks before any analysis runs (a finding's index can only be
    checked against the analysis's result, when the report is built).

    Returns
    -------
    list of (int, str)
        The line (1-based) and the message, per bad placeholder, in text order.
    """
    return [(item[0], item[1]) for item in _scan(text, names) if not isinstance(item, Placeholder)]


def _scan(text: str, names: Mapping[str, object]) -> list[Placeholder | tuple[int, str, str]]:
    """Each placeholder of a text, or ``(line, message, hint)`` where it is wrong (no line in the message)."""
    out: list[Placeholder | tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in PLACEHOLDER.finditer(line):
            inner = match.group(1)
            parts = _PARTS.match(inner)
            name = inner.split(".", 1)[0].strip()
            if name not in names:
                out.append(
                    (
                        number,
                        f"the placeholder {{{{ {inner} }}}} names {name!r}, which is not a "
                        f"declared analysis; valid names: {', '.join(sorted(names))}",
                        "use the name of an analysis under 'analyses:' in study.yml",
                    )
                )
                continue
            if parts is None:
                out.append(
                    (
                        number,
                        f"the placeholder {{{{ {inner} }}}} asks for something an analysis "
                        f"does not give; after {name!r} write one of: {', '.join(WHATS)}",
                        f"e.g. {{{{ {name}.finding[0] }}}}",
                    )
                )
                continue
            what = parts.group("what").split("[")[0]
            index = int(parts.group("i")) if parts.group("i") is not None else None
            out.append(Placeholder(name, what, index, number))
    return out


def render(
    text: str,
    path: Path,
    *,
    names: Mapping[str, object],
    fill: Callable[[Placeholder], str],
    heading_level: int = 3,
) -> str:
    """The HTML of a Markdown text with its placeholders filled.

    ``fill(placeholder)`` gives the text (for finding, findings, title: escaped here) or the
    trusted HTML (figure, table) of a placeholder; ``heading_level`` is the level the text's
    highest heading gets.
    """
    from markdown_it import MarkdownIt

    found = placeholders(text, path, names)  # every one checked before anything is rendered
    lookup: dict[str, Placeholder] = {}
    counter = iter(range(len(found)))

    def token(match: re.Match) -> str:
        i = next(counter)
        key = f"bruggenplaceholder{i}x"
        lookup[key] = found[i]  # in text order, so each keeps its own line number
        return key

    marked = "\n".join(PLACEHOLDER.sub(token, line) for line in text.splitlines())
    html = MarkdownIt("commonmark", {"html": False, "typographer": False}).render(marked)
    levels = [int(x) for x in re.findall(r"<h([1-6])>", html)]
    html = _shift_headings(html, heading_level - min(levels)) if levels else html
    for key, placeholder in lookup.items():
        value = fill(placeholder)
        if placeholder.what in _BLOCKS:
            html = html.replace(f"<p>{key}</p>", value).replace(key, value)
        else:
            html = html.replace(key, str(escape(value)))
    return html


def _shift_headings(html: str, by: int) -> str:
    def shift(match: re.Match) -> str:
        level = min(int(match.group(2)) + by, 6)
        return f"<{match.group(1)}h{level}>"

    return re.sub(r"<(/?)h([1-6])>", shift, html)


def word_count(html: str) -> int:
    """Words a reader reads in a piece of HTML: text outside tags, scripts and styles."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return len(re.findall(r"\w+", text))
