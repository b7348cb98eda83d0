"""Interviews: QualCoder and Taguette projects, read directly from their SQLite databases.

Both open-source QDA programs keep a project in one SQLite file. :func:`read` opens it read-only
and makes the same project that :mod:`analysis.ingest.qda` makes of a REFI-QDA export, so the
codings table, the code system, the analyses and the export back to ``.qdpx`` work unchanged.

QualCoder
    A project is a folder ``NAME.qda`` with the database ``data.qda`` in it; give either. The
    schema is the one QualCoder 3.9 creates (database version v14; ``ccbogel/QualCoder``
    ``src/qualcoder/__main__.py`` at commit 36c58b1081527c631d2d70ad3aab47277dc98044), and the
    older versions it upgrades from (no ``ctid``, ``avid`` or ``important`` columns) read too.

    ==========================  =============================================================
    QualCoder                   codings table
    ==========================  =============================================================
    ``code_cat`` (supercatid)   categories: codes that are not codable, parents of the codes;
                                ``code_path`` is ``category/subcategory/code``
    ``code_name`` (catid)       codes
    ``source``                  documents; ``fulltext`` is the text of a text or PDF source
    ``code_text``               text codings: ``pos0``/``pos1`` are positions in
                                ``source.fulltext`` (Qt's ``selectionStart``/``End``) and
                                ``seltext`` the coded passage (Qt's ``selectedText``, line
                                breaks as U+2029); Qt counts UTF-16 units, so past an emoji
                                the positions are converted to character offsets when that is
                                what makes them match ``seltext``
    ``code_image``              picture and PDF-area codings (``position``)
    ``code_av``                 audio and video codings, in milliseconds (``position``)
    ``owner``                   ``coder``; ``date`` is ``created``
    ``cases``, ``case_text``    cases and the documents that belong to them
    ``attribute_type``,         case attributes and file (document) attributes; ``numeric``
    ``attribute``               values become numbers
    ==========================  =============================================================

Taguette
    The file "Export project" gives (``YYYY-MM-DD_name.sqlite3``, Taguette 1.x), or Taguette's
    own database if it holds one project. Taguette stores a document as sanitised HTML and a
    highlight's ``start_offset``/``end_offset`` as UTF-8 byte offsets into the document's text
    (its text nodes in order; HTML tags are not counted). The source text here is exactly that
    text, and ``start``/``end`` are converted to character offsets into it, so ``text`` is what
    the researcher highlighted. Each (highlight, tag) pair is one coding; a highlight without a
    tag is no coding. Tags are flat in Taguette; a dotted tag path (``costs.travel``) is read as
    a hierarchy (``code_path`` ``costs/travel``), the missing parents becoming codes that are not
    codable, unless a part is empty or starts or ends with a space (``Dr. Smith`` stays one code).
    Code GUIDs are the ones Taguette's own REFI-QDA codebook export gives (UUID 5 of the path).
    Taguette has no cases or attributes; ``coder`` and ``created`` come from its command log
    when it has one (an export names every user ``admin``).

The database is opened with a read-only, immutable URI (``file:...?mode=ro&immutable=1``), with
``trusted_schema`` off, and only tables (not views) are read: the file's bytes and modification
time stay the same. A database with a pending ``-wal`` or ``-journal`` file is refused (the
program still has it open, or stopped while writing), because an immutable read would miss or
half-see the latest change.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from analysis.errors import ReadError
from analysis.ingest.qda import _Project, _to_dataset

if TYPE_CHECKING:
    from analysis.codebook import Codebook
    from analysis.ingest.dataset import Dataset

__all__ = ["QUALCODER_TABLES", "TAGUETTE_TABLES", "read"]

#: Tables (and their columns) Bruggen needs in a QualCoder database.
QUALCODER_TABLES: dict[str, tuple[str, ...]] = {
    "source": ("id", "name", "fulltext", "mediapath"),
    "code_cat": ("catid", "name", "supercatid"),
    "code_name": ("cid", "name", "catid"),
    "code_text": ("cid", "fid", "pos0", "pos1", "seltext"),
}
#: Tables (and their columns) Bruggen needs in a Taguette database.
TAGUETTE_TABLES: dict[str, tuple[str, ...]] = {
    "projects": ("id", "name"),
    "documents": ("id", "name", "filename", "project_id", "contents"),
    "tags": ("id", "project_id", "path", "description"),
    "highlights": ("id", "document_id", "start_offset", "end_offset"),
    "highlight_tags": ("highlight_id", "tag_id"),
}
#: Taguette's namespace for code GUIDs (``taguette.export.TAGUETTE_NAMESPACE``).
TAGUETTE_NAMESPACE = uuid.UUID("51B2B2B7-27EB-4ECB-9D56-E75B0A0496C2")
_QUALCODER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/ccbogel/QualCoder")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_WHAT = (
    "a QualCoder project (a NAME.qda folder, or the data.qda in it) or a Taguette project export (.sqlite3)"
)


def read(
    path: str | Path,
    *,
    dataset: str | None = None,
    codebook: Codebook | None = None,
    sheet: Any = None,
    encoding: str | None = None,
    dialect: str | None = None,
) -> Dataset:
    """Read a QualCoder project or a Taguette project database into the codings table.

    Parameters
    ----------
    path
        A QualCoder project folder (``NAME.qda``), its ``data.qda``, or a Taguette ``.sqlite3``.
    dataset
        Dataset name; defaults to the project's name (the folder or file stem).
    codebook
        A reviewed codebook for the codings table (value labels of attributes, PII flags).
    sheet, encoding, dialect
        Ignored (they mean nothing for a database).

    Returns
    -------
    Dataset
        The codings table as ``frame`` and the ``tables`` described in
        :mod:`analysis.ingest.qda` (``codes``, ``sources``, ``cases``, ``codings``, ``users``,
        ``variables``, ``sets``); what the reader worked around in ``warnings`` (a project
        without codings gives its code system and an empty codings table, with a warning).

    Raises
    ------
    ReadError
        The file is not SQLite, is neither a QualCoder nor a Taguette database, misses a table
        or column Bruggen needs (named in the message), holds several Taguette projects, or is
        still open in its program.
    """
    del sheet, encoding, dialect
    path = Path(path)
    db_path = _database_file(path)
    label = path.stem if path.is_dir() or path.name.lower() != "data.qda" else path.parent.stem
    name = dataset or label or db_path.stem
    warnings: list[str] = []
    if path.is_dir() or db_path.name.lower() == "data.qda":
        folder = db_path.parent
        if (folder / "project_in_use.lock").exists():
            warnings.append(
                "QualCoder has this project open (project_in_use.lock): the codings are read as "
                "they were last saved. Close the project in QualCoder to be sure"
            )
    with closing(_connect(db_path)) as conn:
        tables = _tables(conn)
        kind = _kind(tables, db_path)
        if kind == "qualcoder":
            _require(conn, tables, QUALCODER_TABLES, db_path, "QualCoder")
            project = _read_qualcoder(conn, tables, label)
        else:
            _require(conn, tables, TAGUETTE_TABLES, db_path, "Taguette")
            project = _read_taguette(conn, tables, db_path)
    project.warnings[:0] = warnings
    _no_codings_warning(project)
    return _to_dataset(project, path, name, codebook)


# -- opening ---------------------------------------------------------------------------------------


def _database_file(path: Path) -> Path:
    if not path.exists():
        raise ReadError(
            "file not found", path=path, hint="check the path in study.yml or on the command line"
        )
    if path.is_dir():
        db = path / "data.qda"
        if not db.is_file():
            raise ReadError(
                "this folder has no data.qda, so it is not a QualCoder project",
                path=path,
                hint="give the QualCoder project folder (NAME.qda, with data.qda in it) or its data.qda",
            )
        path = db
    with path.open("rb") as fh:
        head = fh.read(100)
    if not head.startswith(_SQLITE_MAGIC):
        from analysis.ingest.sniff import file_kind

        seen = file_kind(head, text=True)
        raise ReadError(
            f"this is not a SQLite database{f' (it looks like {seen})' if seen else ''}, so it is "
            f"not {_WHAT}",
            path=path,
            hint="give the QualCoder project folder or its data.qda, or the .sqlite3 file Taguette's "
            "'Export project' saves; for a REFI-QDA export use the .qdpx",
        )
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        raise ReadError(
            "a write to the database was interrupted or is under way (a -journal file is next to "
            "it): read now, it could show half a change",
            path=path,
            hint="close the project in QualCoder or Taguette, or open it there once so it finishes "
            "or undoes the change, and read it again",
        )
    if len(head) >= 20 and head[18] == 2 and head[19] == 2:
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ReadError(
                "the database has changes that are not yet written into it (a -wal file is next "
                "to it): the program that made it still has it open",
                path=path,
                hint="close the project in QualCoder or Taguette (or stop the Taguette server) and read it again",
            )
    return path


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ReadError(
            f"the SQLite database cannot be opened ({exc})",
            path=path,
            hint="copy the project again from where QualCoder or Taguette keeps it; it may be damaged",
        ) from None
    return conn


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Real tables (not views) and their columns, names lower-cased."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out: dict[str, list[str]] = {}
    for table in names:
        cols = [r[1].lower() for r in conn.execute(f'PRAGMA table_info("{table.replace(chr(34), "")}")')]
        out[table.lower()] = cols
    return out


def _kind(tables: dict[str, list[str]], path: Path) -> str:
    qc = sum(t in tables for t in QUALCODER_TABLES) + ("project" in tables)
    tg = sum(t in tables for t in TAGUETTE_TABLES)
    if max(qc, tg) < 2:
        shown = ", ".join(sorted(tables)[:12]) or "none"
        raise ReadError(
            f"this SQLite database is not {_WHAT}: it has none of their tables (its tables: {shown})",
            path=path,
            hint="QualCoder keeps a project in NAME.qda/data.qda (tables source, code_name, code_text, "
            "code_cat); Taguette's 'Export project' saves a .sqlite3 (tables projects, documents, tags, "
            "highlights, highlight_tags). Give one of those, or export the project to REFI-QDA (.qdpx)",
        )
    return "qualcoder" if qc >= tg else "taguette"


def _require(
    conn: sqlite3.Connection,
    tables: dict[str, list[str]],
    needed: dict[str, tuple[str, ...]],
    path: Path,
    program: str,
) -> None:
    missing = [t for t in needed if t not in tables]
    if missing:
        raise ReadError(
            f"this looks like a {program} database, but it has no table {', '.join(missing)}",
            path=path,
            hint=f"open the project in {program} once (it brings old projects up to date) and read it "
            "again, or export it to REFI-QDA (.qdpx)",
        )
    absent = [f"{t}.{c}" for t, cols in needed.items() for c in cols if c not in tables[t]]
    if absent:
        raise ReadError(
            f"this looks like a {program} database, but it has no column {', '.join(absent)}",
            path=path,
            hint=f"open the project in {program} once (it brings old projects up to date) and read it "
            "again, or export it to REFI-QDA (.qdpx)",
        )


def _rows(
    conn: sqlite3.Connection, table: str, columns: list[str], tables: dict[str, list[str]]
) -> list[dict]:
    """Every row of ``table`` with ``columns``; a column the table lacks reads as None."""
    have = tables.get(table, [])
    if not have:
        return []
    select = ", ".join(f'"{c}"' if c in have else "NULL" for c in columns)
    cur = conn.execute(f'SELECT {select} FROM "{table}"')
    return [dict(zip(columns, row, strict=True)) for row in cur]


def _guid(namespace: uuid.UUID, key: str) -> str:
    return str(uuid.uuid5(namespace, key)).upper()


def _no_codings_warning(p: _Project) -> None:
    if not p.codings and not any(w.startswith("the project has no codings") for w in p.warnings):
        p.warnings.append(
            "the project has no codings"
            + (f" ({len(p.codes)} codes, {len(p.sources)} sources)" if p.codes or p.sources else "")
            + ": the codings table is empty. Code the interviews, or check that this is the right project"
        )


# -- QualCoder -------------------------------------------------------------------------------------


def _qc_value(value: Any, numeric: bool) -> Any:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if numeric and isinstance(value, str):
        text = (
            value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value else value.strip()
        )
        try:
            number = float(text)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    return value


def _utf16_to_index(text: str, pos: int) -> int | None:
    """The character index of a position counted in UTF-16 code units (as Qt counts)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= pos:
            return i if units == pos else None
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text) if units == pos else None


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, str(value))


def _source_kind(mediapath: str | None, name: str) -> str:
    mp = (mediapath or "").lower()
    for prefix, kind in (("images", "PictureSource"), ("audio", "AudioSource"), ("video", "VideoSource")):
        if mp.startswith((f"/{prefix}/", f"{prefix}:")):
            return kind
    if mp.endswith(".pdf") or (not mp and name.lower().endswith(".pdf")):
        return "PDFSource"
    return "TextSource"


def _read_qualcoder(conn: sqlite3.Connection, tables: dict[str, list[str]], label: str) -> _Project:
    ns = _QUALCODER_NAMESPACE
    info = _rows(conn, "project", ["about", "databaseversion"], tables)
    about = (info[-1]["about"] or "QualCoder") if info else "QualCoder"
    version = info[-1]["databaseversion"] if info else None
    p = _Project(name=label, origin=f"{about} (database {version})" if version else about)

    # The code system: categories (not codable) with their codes under them.
    cats = {r["catid"]: r for r in _rows(conn, "code_cat", ["catid", "name", "memo", "supercatid"], tables)}
    cat_path: dict[Any, tuple[str, ...]] = {}
    looped: list[str] = []

    def path_of(catid: Any) -> tuple[str, ...]:
        if catid in cat_path:
            return cat_path[catid]
        trail: list[Any] = []
        here = catid
        while here is not None and here in cats and here not in cat_path:
            if here in trail:
                looped.append(str(cats[here]["name"]))
                break
            trail.append(here)
            here = cats[here]["supercatid"]
        base = cat_path.get(here, ())
        for c in reversed(trail):
            base = (*base, str(cats[c]["name"] or ""))
            cat_path[c] = base
        return cat_path.get(catid, ())

    def cat_guid(catid: Any) -> str:
        return _guid(ns, f"code_cat:{catid}")

    for catid, cat in sorted(cats.items(), key=lambda kv: path_of(kv[0])):
        parent = cat["supercatid"] if cat["supercatid"] in cats and cat["supercatid"] != catid else None
        p.codes.append(
            {
                "guid": cat_guid(catid),
                "name": cat["name"] or "",
                "parent": cat_guid(parent) if parent is not None else None,
                "path": "/".join(path_of(catid)),
                "description": cat["memo"] or "",
                "color": None,
                "is_codable": False,
            }
        )
    if looped:
        p.warnings.append(
            f"{len(looped)} code categor(y/ies) are their own ancestors ({', '.join(looped[:5])}); "
            "the loop is cut where it closes"
        )
    code_guid: dict[Any, str] = {}
    for code in sorted(
        _rows(conn, "code_name", ["cid", "name", "memo", "catid", "color"], tables),
        key=lambda r: (path_of(r["catid"]) if r["catid"] in cats else (), str(r["name"])),
    ):
        parent_path = path_of(code["catid"]) if code["catid"] in cats else ()
        code_guid[code["cid"]] = _guid(ns, f"code_name:{code['cid']}")
        p.codes.append(
            {
                "guid": code_guid[code["cid"]],
                "name": code["name"] or "",
                "parent": cat_guid(code["catid"]) if code["catid"] in cats else None,
                "path": "/".join((*parent_path, str(code["name"] or ""))),
                "description": code["memo"] or "",
                "color": code["color"],
                "is_codable": True,
            }
        )

    # Attributes: case and file attributes.
    types = {
        r["name"]: r
        for r in _rows(conn, "attribute_type", ["name", "memo", "caseorfile", "valuetype"], tables)
    }
    for attr_name, t in types.items():
        p.variables.append(
            {
                "guid": _guid(ns, f"attribute_type:{attr_name}"),
                "name": attr_name,
                "type": "Float" if (t["valuetype"] or "").lower() == "numeric" else "Text",
                "description": t["memo"] or "",
            }
        )
    values: dict[tuple[str, Any], dict[str, Any]] = {}
    for a in _rows(conn, "attribute", ["name", "attr_type", "value", "id"], tables):
        numeric = (types.get(a["name"], {}).get("valuetype") or "").lower() == "numeric"
        kind = (a["attr_type"] or "").lower()
        values.setdefault((kind, a["id"]), {})[a["name"]] = _qc_value(a["value"], numeric)

    # Sources.
    sources = {
        r["id"]: r for r in _rows(conn, "source", ["id", "name", "fulltext", "mediapath", "memo"], tables)
    }
    source_guid = {sid: _guid(ns, f"source:{sid}") for sid in sources}
    for sid, s in sorted(sources.items(), key=lambda kv: str(kv[1]["name"])):
        kind = _source_kind(s["mediapath"], str(s["name"] or ""))
        text = s["fulltext"] if kind in ("TextSource", "PDFSource") else None
        p.sources.append(
            {
                "guid": source_guid[sid],
                "name": s["name"] or "",
                "type": kind,
                "path": s["mediapath"] or s["name"],
                "text_length": len(text) if text is not None else None,
                "text": text,
                "attributes": values.get(("file", sid), {}),
            }
        )

    # Cases and the sources in them.
    case_sources: dict[Any, list[str]] = {}
    for link in _rows(conn, "case_text", ["caseid", "fid"], tables):
        if link["fid"] in source_guid and source_guid[link["fid"]] not in case_sources.setdefault(
            link["caseid"], []
        ):
            case_sources[link["caseid"]].append(source_guid[link["fid"]])
    for case in sorted(
        _rows(conn, "cases", ["caseid", "name", "memo"], tables), key=lambda r: str(r["name"])
    ):
        p.cases.append(
            {
                "guid": _guid(ns, f"cases:{case['caseid']}"),
                "name": case["name"] or "",
                "description": case["memo"] or "",
                "attributes": values.get(("case", case["caseid"]), {}),
                "sources": case_sources.get(case["caseid"], []),
            }
        )

    owners: list[str] = []
    orphans = 0

    def add(
        row: dict[str, Any], fid: Any, key: str, start: Any, end: Any, text: Any, sel: str, pos: Any
    ) -> None:
        nonlocal orphans
        if fid not in sources:
            orphans += 1
            return
        owner = row.get("owner")
        if owner and owner not in owners:
            owners.append(owner)
        p.codings.append(
            {
                "document": sources[fid]["name"] or "",
                "source_guid": source_guid[fid],
                "coding_guid": _guid(ns, f"coding:{key}"),
                "code_guid": code_guid.get(row["cid"], _guid(ns, f"code_name:{row['cid']}")),
                "start": start,
                "end": end,
                "text": text,
                "coder": owner,
                "created": row.get("date"),
                "selection_guid": _guid(ns, f"selection:{key}"),
                "selection_type": sel,
                "position": pos,
            }
        )

    mismatched = 0
    converted = 0
    cols = ["ctid", "cid", "fid", "seltext", "pos0", "pos1", "owner", "date"]
    text_rows = _rows(conn, "code_text", cols, tables)
    for i, row in enumerate(
        sorted(text_rows, key=lambda r: [_sortable(r[k]) for k in ("fid", "pos0", "pos1", "cid")])
    ):
        full = sources.get(row["fid"], {}).get("fulltext")
        start, end, seltext = row["pos0"], row["pos1"], row["seltext"]
        if isinstance(seltext, str):  # Qt's selectedText() writes line breaks as U+2029
            seltext = seltext.replace("\u2029", "\n").replace("\u2028", "\n")
        text = seltext
        if isinstance(full, str) and isinstance(start, int) and isinstance(end, int):
            if seltext is None or full[start:end] == seltext:
                text = full[start:end]
            else:
                s16, e16 = _utf16_to_index(full, start), _utf16_to_index(full, end)
                if s16 is not None and e16 is not None and full[s16:e16] == seltext:
                    start, end = s16, e16
                    converted += 1
                else:
                    mismatched += 1
        key = (
            f"code_text:{row['ctid']}"
            if row["ctid"] is not None
            else f"code_text:{row['fid']}:{row['cid']}:{i}"
        )
        add(row, row["fid"], key, start, end, text, "PlainTextSelection", None)
    if converted:
        p.warnings.append(
            f"{converted} coding(s) had positions counted in UTF-16 units (text with emoji or other "
            "characters outside the basic plane); they are converted to character offsets"
        )
    if mismatched:
        p.warnings.append(
            f"{mismatched} coding(s) have a coded passage (seltext) that differs from the document's text "
            "at their position (the document was edited after coding?); their text is QualCoder's seltext"
        )
    cols = ["imid", "id", "x1", "y1", "width", "height", "cid", "owner", "date", "pdf_page"]
    for row in _rows(conn, "code_image", cols, tables):
        x1, y1 = row["x1"], row["y1"]
        x2 = x1 + row["width"] if x1 is not None and row["width"] is not None else None
        y2 = y1 + row["height"] if y1 is not None and row["height"] is not None else None
        area = f"({x1},{y1})-({x2},{y2})"
        if row["pdf_page"] is not None:
            add(
                row,
                row["id"],
                f"code_image:{row['imid']}",
                None,
                None,
                None,
                "PDFSelection",
                f"page {row['pdf_page']} {area}",
            )
        else:
            add(row, row["id"], f"code_image:{row['imid']}", None, None, None, "PictureSelection", area)
    for row in _rows(conn, "code_av", ["avid", "id", "pos0", "pos1", "cid", "owner", "date"], tables):
        kind = _source_kind(sources.get(row["id"], {}).get("mediapath"), "")
        sel = "VideoSelection" if kind == "VideoSource" else "AudioSelection"
        add(
            row, row["id"], f"code_av:{row['avid']}", None, None, None, sel, f"{row['pos0']}-{row['pos1']} ms"
        )
    if orphans:
        p.warnings.append(
            f"{orphans} coding(s) belong to documents that are no longer in the project; they are left out"
        )
    p.users = [{"guid": _guid(ns, f"user:{o}"), "name": o, "id": None} for o in owners]
    return p


# -- Taguette --------------------------------------------------------------------------------------


class _TextNodes(HTMLParser):
    """The text of Taguette's HTML as html5lib (which Taguette uses) sees it: the text nodes in order.

    Character references are decoded, CR LF and CR become LF, white space before the first tag
    or text is dropped, and so is a newline right after ``<pre>``, ``<listing>`` or
    ``<textarea>``, as the HTML parsing algorithm does.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._after_pre = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._after_pre = tag in ("pre", "listing", "textarea")

    def handle_endtag(self, tag: str) -> None:
        self._after_pre = False

    def handle_data(self, data: str) -> None:
        if self._after_pre and data.startswith("\n"):
            data = data[1:]
        self._after_pre = False
        if data:
            self.parts.append(data)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self._after_pre = False

    def handle_comment(self, data: str) -> None:
        self._after_pre = False
        self.parts.append(data)  # a comment is a text node to html5lib (bleach removes them)


def _html_text(html: str) -> str:
    parser = _TextNodes()
    parser.feed(html.replace("\r\n", "\n").replace("\r", "\n").lstrip("\t\n\f\r "))
    parser.close()
    return "".join(parser.parts)


def _byte_to_char(text: str) -> tuple[Any, int]:
    """A function from a UTF-8 byte offset in ``text`` to a character offset, and the byte length.

    An offset inside a character is rounded down to its start, as Taguette's
    ``extract.byte_to_str_index`` does.
    """
    import bisect
    import itertools

    starts = list(itertools.accumulate((len(ch.encode("utf-8")) for ch in text), initial=0))

    def index(b: int) -> int:
        return bisect.bisect_right(starts, b) - 1 if b < starts[-1] else len(text)

    return index, starts[-1]


def _tag_paths(path: str) -> tuple[str, ...]:
    parts = path.split(".")
    if len(parts) > 1 and all(part and part == part.strip() for part in parts):
        return tuple(parts)
    return (path,)


def _read_taguette(conn: sqlite3.Connection, tables: dict[str, list[str]], path: Path) -> _Project:
    ns = TAGUETTE_NAMESPACE
    projects = _rows(conn, "projects", ["id", "name", "description"], tables)
    if len(projects) != 1:
        names = ", ".join(repr(p["name"]) for p in projects[:10])
        raise ReadError(
            "this Taguette database holds no project"
            if not projects
            else f"this Taguette database holds {len(projects)} projects ({names}), not one",
            path=path,
            hint="in Taguette, open the project and use 'Export project' (a .sqlite3 with that one project), "
            "and read that file",
        )
    project = projects[0]
    pid = project["id"]
    p = _Project(name=project["name"] or path.stem, origin="Taguette")

    tags = [
        t
        for t in _rows(conn, "tags", ["id", "project_id", "path", "description"], tables)
        if t["project_id"] == pid
    ]
    by_path = {t["path"]: t for t in tags}
    known: set[tuple[str, ...]] = set()

    def add_code(parts: tuple[str, ...], tag: dict[str, Any] | None) -> None:
        if parts in known:
            return
        if len(parts) > 1 and parts[:-1] not in known:
            add_code(parts[:-1], by_path.get(".".join(parts[:-1])))
        known.add(parts)
        dotted = ".".join(parts)
        p.codes.append(
            {
                "guid": _guid(ns, dotted),
                "name": parts[-1],
                "parent": _guid(ns, ".".join(parts[:-1])) if len(parts) > 1 else None,
                "path": "/".join(parts),
                "description": (tag or {}).get("description") or "",
                "color": None,
                "is_codable": tag is not None,
            }
        )

    tag_guid: dict[Any, str] = {}
    for tag in sorted(tags, key=lambda t: _tag_paths(t["path"] or "")):
        parts = _tag_paths(tag["path"] or "")
        add_code(parts, tag)
        tag_guid[tag["id"]] = _guid(ns, ".".join(parts))

    docs = {
        d["id"]: d
        for d in _rows(
            conn, "documents", ["id", "name", "description", "filename", "project_id", "contents"], tables
        )
        if d["project_id"] == pid
    }
    doc_text: dict[Any, str] = {}
    for did, d in sorted(docs.items(), key=lambda kv: str(kv[1]["name"])):
        text = _html_text(d["contents"] or "")
        doc_text[did] = text
        p.sources.append(
            {
                "guid": _guid(ns, f"document:{did}"),
                "name": d["name"] or "",
                "type": "TextSource",
                "path": d["filename"] or None,
                "text_length": len(text),
                "text": text,
                "attributes": {},
            }
        )

    # Who made each highlight, and when, from the command log (if it is there).
    made: dict[Any, tuple[str | None, str | None]] = {}
    for cmd in _rows(conn, "commands", ["id", "date", "user_login", "project_id", "payload"], tables):
        if cmd["project_id"] != pid:
            continue
        try:
            payload = json.loads(cmd["payload"]) if isinstance(cmd["payload"], str) else {}
        except ValueError:
            continue
        if isinstance(payload, dict) and payload.get("type") == "highlight_add":
            hid = payload.get("highlight_id")
            if hid not in made:
                made[hid] = (cmd["user_login"], str(cmd["date"]) if cmd["date"] is not None else None)

    links: dict[Any, list[Any]] = {}
    for link in _rows(conn, "highlight_tags", ["highlight_id", "tag_id"], tables):
        if link["tag_id"] in tag_guid:
            links.setdefault(link["highlight_id"], []).append(link["tag_id"])
    maps = {did: _byte_to_char(text) for did, text in doc_text.items()}
    untagged = 0
    beyond = 0
    users: list[str] = []
    highlights = [
        h
        for h in _rows(conn, "highlights", ["id", "document_id", "start_offset", "end_offset"], tables)
        if h["document_id"] in docs
    ]
    for h in sorted(
        highlights, key=lambda h: (str(docs[h["document_id"]]["name"]), h["start_offset"], h["id"])
    ):
        if not links.get(h["id"]):
            untagged += 1
            continue
        index, size = maps[h["document_id"]]
        s_b, e_b = h["start_offset"], h["end_offset"]
        if not (isinstance(s_b, int) and isinstance(e_b, int)) or not 0 <= s_b <= e_b or e_b > size:
            beyond += 1
            s_b, e_b = (max(0, min(int(s_b or 0), size)), max(0, min(int(e_b or 0), size)))
        start, end = index(s_b), index(e_b)
        text = doc_text[h["document_id"]][start:end]
        coder, created = made.get(h["id"], (None, None))
        if coder and coder not in users:
            users.append(coder)
        for tid in sorted(links[h["id"]], key=lambda t: tag_guid[t]):
            p.codings.append(
                {
                    "document": docs[h["document_id"]]["name"] or "",
                    "source_guid": _guid(ns, f"document:{h['document_id']}"),
                    "coding_guid": _guid(ns, f"highlight:{h['id']}:tag:{tid}"),
                    "code_guid": tag_guid[tid],
                    "start": start,
                    "end": end,
                    "text": text,
                    "coder": coder,
                    "created": created,
                    "selection_guid": _guid(ns, f"highlight:{h['id']}"),
                    "selection_type": "PlainTextSelection",
                    "position": None,
                }
            )
    if untagged:
        p.warnings.append(f"{untagged} highlight(s) have no tag, so they are no coding and are left out")
    if beyond:
        p.warnings.append(
            f"{beyond} highlight(s) have offsets outside their document's text; they are cut to the text"
        )
    p.users = [{"guid": _guid(ns, f"user:{u}"), "name": u, "id": None} for u in users]
    return p
