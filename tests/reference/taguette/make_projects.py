"""Make small synthetic Taguette projects with Taguette's own code, for tests/ingest/test_qda_sqlite.py.

Taguette (PyPI ``taguette``, tested with 1.5.2) pins SQLAlchemy 1.4, alembic, bleach, html5lib and
tornado, which Bruggen's environment does not carry, so it runs in its own virtual environment:

    python3 -m venv /tmp/taguette-venv
    /tmp/taguette-venv/bin/pip install taguette==1.5.2
    /tmp/taguette-venv/bin/python tests/reference/taguette/make_projects.py

What it writes, next to this script (the tests read these files and never need Taguette):

- ``interviews.sqlite3``: a project export made exactly as Taguette's "Export project" endpoint
  does (``taguette.web.export.ExportSqlite``: a new database from ``database.connect``, an
  ``admin`` user, ``database.copy_project``). Three documents converted to Taguette's HTML by
  ``convert.get_html_body`` (the path an uploaded ``.html`` file takes), tags with dotted paths,
  highlights made as the server makes them (``web.api.HighlightAdd``: offsets are UTF-8 bytes of
  the document's text, HTML tags not counted; ``snippet = extract.extract(contents, start, end)``),
  one highlight with two tags, one with no tag, one across a paragraph and formatting, and the
  ``highlight_add`` commands the server logs.
- ``no_highlights.sqlite3``: an export of a project with documents and tags but no highlights.
- ``server_two_projects.sqlite3``: Taguette's own server database holding two projects (not an
  export of one project).
- ``expected.json``: what Taguette itself says about each file (counts, each highlight's text from
  its snippet, its tags), computed here with Taguette's and BeautifulSoup's code, so the tests
  compare the reader with Taguette rather than with themselves; and under ``html_text`` the text
  html5lib finds in tricky HTML (:data:`HTML_CASES`, raw and as Taguette stores it).

All text is invented for these tests; there is no real interview in it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import bs4
from taguette import convert, database, extract

HERE = Path(__file__).resolve().parent

DOCUMENTS = [
    (
        "interview_01",
        "Interview met een wijkverpleegkundige",
        "interview_01.html",
        "<html><head><title>x</title><style>p{}</style></head><body>"
        "<h1>Interview 1</h1>\n"
        "<p>We werken samen met de huisarts &amp; het wijkteam.</p>\n"
        "<p>De <strong>reistijd</strong> is lang, dat kost veel uren.</p>\n"
        "<p>Ik voel me serieus genomen door de gemeente.</p>\n"
        "</body></html>",
    ),
    (
        "interview_02",
        "Interview met een beleidsmedewerker",
        "interview_02.html",
        "<p>Café overleg één keer per maand — dat werkt goed 👍.</p>\n"
        "<p>Het budget is <em>te krap</em> voor de plannen.</p>\n"
        "<ul><li>Eerste punt: vertrouwen</li><li>Tweede punt: kosten</li></ul>",
    ),
    (
        "interview_03",
        "Interview zonder codes",
        "interview_03.html",
        "<p>Dit interview is nog niet gecodeerd.</p>",
    ),
]

TAGS = [
    ("samenwerking", "Samenwerking tussen organisaties"),
    ("kosten", "Alles over geld en tijd"),
    ("kosten.reistijd", "Tijd die reizen kost"),
    ("kosten.budget", "Het budget"),
    ("erkenning.serieus", "Zich serieus genomen voelen"),
    ("ongebruikt", "Een tag zonder highlights"),
]

# (document index, exact passage, tags); the passage must occur once in the document's text.
HIGHLIGHTS = [
    (0, "We werken samen met de huisarts & het wijkteam.", ["samenwerking"]),
    (0, "reistijd is lang", ["kosten.reistijd", "kosten"]),
    (0, "dat kost veel uren.\nIk voel me", ["kosten"]),
    (0, "Ik voel me serieus genomen door de gemeente.", ["erkenning.serieus"]),
    (1, "Café overleg één keer per maand — dat werkt goed 👍.", ["samenwerking"]),
    (1, "budget is te krap", ["kosten.budget"]),
    (1, "Tweede punt: kosten", ["kosten"]),
    (1, "Eerste punt", []),  # a highlight without a tag: no coding
]


# HTML whose text html5lib and Bruggen's reader must find alike (tables, lists, <pre>, entities,
# CR LF, comments, leading white space), as stored by Taguette (get_html_body) and as given.
HTML_CASES = [
    "<table><tr><td>a</td>\n<td>b &amp; c</td></tr>\n<tr><th>d</th></tr></table>\n<p>x<br>y<br/>z</p>",
    "<pre>\nline1\n  line2</pre><p>after&nbsp;nbsp &lt;tag&gt; &copy 2020</p>",
    "<ul>\n <li>one\n <ul><li>inner</li></ul></li>\n <li>two</li>\n</ul>",
    "   <p>leading spaces</p>  trailing  ",
    "text before <b>bold</b> after\r\nwindows line\rmac line",
    "<div><span>in div</span></div><script>var x=1;</script><style>p{}</style><!-- comment --><p>end</p>",
    "<h1>T</h1><blockquote>q<p>inner p</p></blockquote><table><caption>cap</caption><tr><td>1</td></tr></table>",
    "<p>emoji 👍🏽 and ü, 中文</p><p>&#128512; &#x1F600;</p>",
    "<table> <tr> <td>x</td> </tr> </table>",
    "<textarea>\nt</textarea>a<p>b</p>\n\n",
]


def _text(contents: str) -> str:
    """The text Taguette counts offsets in: every text node of the html5lib tree, in order."""
    soup = bs4.BeautifulSoup(contents, "html5lib")
    return "".join(str(s) for s in soup.find_all(string=True))


def _offsets(contents: str, passage: str) -> tuple[int, int]:
    text = _text(contents)
    assert text.count(passage) == 1, (passage, text)
    i = text.index(passage)
    return len(text[:i].encode("utf-8")), len(text[: i + len(passage)].encode("utf-8"))


def _fill(db, name: str, *, highlights: bool) -> int:
    user = db.get(database.User, "onderzoeker") or database.User(login="onderzoeker")
    db.add(user)
    project = database.Project(name=name, description="Synthetisch testproject")
    db.add(project)
    db.add(database.ProjectMember(project=project, user=user, privileges=database.Privileges.ADMIN))
    docs = []
    for doc_name, description, filename, html in DOCUMENTS:
        doc = database.Document(
            name=doc_name,
            description=description,
            filename=filename,
            project=project,
            contents=convert.get_html_body(html),
            text_direction=database.TextDirection.LEFT_TO_RIGHT,
        )
        db.add(doc)
        docs.append(doc)
    tags = {}
    for path, description in TAGS:
        tags[path] = database.Tag(project=project, path=path, description=description)
        db.add(tags[path])
    db.flush()
    if highlights:
        for index, passage, tag_paths in HIGHLIGHTS:
            doc = docs[index]
            start, end = _offsets(doc.contents, passage)
            snippet = extract.extract(doc.contents, start, end)
            assert bs4.BeautifulSoup(snippet, "html5lib").get_text() == passage, snippet
            hl = database.Highlight(
                document=doc,
                start_offset=start,
                end_offset=end,
                snippet=snippet,
                tags=[tags[t] for t in tag_paths],
            )
            db.add(hl)
            db.flush()
            # As web.api.HighlightAdd logs it (the export maps every user to "admin").
            db.add(database.Command.highlight_add(user.login, doc, hl, [tags[t].id for t in tag_paths]))
    db.commit()
    return project.id


def _export(src, project_id: int, target: Path) -> None:
    """What ``taguette.web.export.ExportSqlite.get`` does, into ``target``."""
    if target.exists():
        target.unlink()
    dest = database.connect(f"sqlite:///{target}")()
    dest.add(database.User(login="admin"))
    dest.commit()
    database.copy_project(src, dest, project_id, "admin")
    dest.commit()
    dest.close()


def _expected(path: Path) -> dict:
    db = database.connect(f"sqlite:///{path}")()
    out: dict = {"projects": []}
    for project in db.query(database.Project).order_by(database.Project.id):
        hls = []
        for doc in project.documents:
            text = _text(doc.contents)
            for hl in sorted(doc.highlights, key=lambda h: h.start_offset):
                hls.append(
                    {
                        "document": doc.name,
                        "text": bs4.BeautifulSoup(hl.snippet, "html5lib").get_text(),
                        "start": len(text.encode("utf-8")[: hl.start_offset].decode("utf-8")),
                        "end": len(text.encode("utf-8")[: hl.end_offset].decode("utf-8")),
                        "tags": sorted(t.path for t in hl.tags),
                    }
                )
        out["projects"].append(
            {
                "name": project.name,
                "documents": {d.name: _text(d.contents) for d in project.documents},
                "tags": sorted(t.path for t in project.tags),
                "highlights": hls,
            }
        )
    db.close()
    return out


def main() -> int:
    import tempfile

    import taguette

    with tempfile.TemporaryDirectory(prefix="taguette_make_") as tmp:
        server = Path(tmp) / "server.sqlite3"
        db = database.connect(f"sqlite:///{server}")()
        coded = _fill(db, "Interviews wijkzorg", highlights=True)
        empty = _fill(db, "Nog niet gecodeerd", highlights=False)
        _export(db, coded, HERE / "interviews.sqlite3")
        _export(db, empty, HERE / "no_highlights.sqlite3")
        db.close()
        two = HERE / "server_two_projects.sqlite3"
        two.write_bytes(server.read_bytes())
    expected = {"taguette_version": taguette.__version__}
    for name in ("interviews.sqlite3", "no_highlights.sqlite3", "server_two_projects.sqlite3"):
        expected[name] = _expected(HERE / name)
    expected["html_text"] = [
        {"contents": contents, "text": _text(contents)}
        for html in HTML_CASES
        for contents in (html, convert.get_html_body(html))
    ]
    (HERE / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
