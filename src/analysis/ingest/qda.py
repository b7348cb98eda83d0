"""Interviews: REFI-QDA projects, plain transcripts and codings tables.

REFI-QDA (``.qdpx``, a ZIP with ``project.qde`` and a ``sources/`` folder, or a bare ``.qde``)
is the exchange format of ATLAS.ti, NVivo, MAXQDA, QualCoder and others. :func:`read` returns a
:class:`Dataset` whose ``frame`` is the codings table, one row per coding:

=================  ==================================================================
column             meaning
=================  ==================================================================
document           the source's name (``interview_07.docx``)
source_guid        the source's GUID
code               the code's name
code_guid          the code's GUID
code_path          the code with its parents, ``parent/child``
code_family        the top-level code of ``code_path`` (the code itself when it has no parent)
start, end         character offsets into the source's plain text (``PlainTextSelection``
                   ``startPosition``/``endPosition``); ``NA`` for a whole-document coding or
                   a picture, PDF-area, audio or video selection (see ``position``)
text               the coded passage (``NA`` when the source text is not in the project)
case               the case the source belongs to
<attributes>       the case's (or source's) variables, e.g. ``rol``,
                   ``gemeentecode``, ``respnr``
coder, created     who made the coding and when
selection_guid     the selection's GUID; ``selection_type`` its kind; ``position`` for media
=================  ==================================================================

``tables`` holds ``codes`` (guid, name, parent, path, description, color), ``sources``
(guid, name, type, text_length, text), ``cases`` (guid, name, attributes, sources),
``codings`` (the frame), ``users``, ``variables`` and ``sets``.

Projects are not trusted: XML entity declarations and external references are refused
(defusedxml), nothing is fetched from the network, ZIP member names that point outside the
archive, oversized members and zip bombs are refused (:mod:`analysis.ingest.safezip`), and the
archive is never unpacked to disk.

QualCoder projects (the ``NAME.qda`` folder or its ``data.qda``) and Taguette project exports
(``.sqlite3``) are read straight from their SQLite databases by :mod:`analysis.ingest.qda_sqlite`,
which builds the same ``_Project`` and passes it to :func:`_to_dataset`, so they give this same
codings table and these tables; QualCoder's categories become codes that are not codable
(``is_codable`` false) above the codes in ``code_path``.

Teams without a QDA package can bring transcripts (``.txt``, ``.docx``; a sources table) or a
codings table (CSV/XLSX with document, code, start, end, text; ``dialect="codings"``).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from analysis.codebook import Codebook, Variable
from analysis.errors import ReadError
from analysis.ingest.dataset import Dataset
from analysis.ingest.labels import drift_warnings, labelled_frame
from analysis.ingest.safezip import MAX_MEMBER_BYTES, check_archive, read_member, unsafe_name

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CODING_COLUMNS", "TAIL_COLUMNS", "read", "read_codings_table"]

#: The fixed columns of the codings table, in order (attributes follow ``case``; after them
#: come :data:`TAIL_COLUMNS` and ``coding_guid``).
CODING_COLUMNS = (
    "document",
    "source_guid",
    "code",
    "code_guid",
    "code_path",
    "code_family",
    "start",
    "end",
    "text",
    "case",
)
TAIL_COLUMNS = ("coder", "created", "selection_guid", "selection_type", "position")

_SOURCE_TAGS = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
_SELECTION_TAGS = (
    "PlainTextSelection",
    "PictureSelection",
    "PDFSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
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
    """Read a REFI-QDA project (``.qdpx``, ``.qde``) or a transcript (``.docx``, ``.txt``).

    Parameters
    ----------
    path
        The project or transcript.
    dataset
        Dataset name; defaults to the file stem.
    codebook
        A reviewed codebook for the codings table (value labels of case attributes, PII flags).
    sheet
        Ignored (no worksheets here).
    encoding
        Encoding of a ``.txt`` transcript (default: UTF-8, else windows-1252 with a warning).
    dialect
        Ignored for projects; ``"transcript"`` for a ``.txt`` file is implied when it gets here.

    Returns
    -------
    Dataset
        For a project: the codings table as ``frame``, and ``tables`` as described in the module
        docstring; problems the reader worked around (missing source files, no codings) in
        ``warnings``. For a transcript: a one-row sources table as ``frame``.

    Raises
    ------
    ReadError
        The project is damaged, not REFI-QDA, or unsafe to open.
    """
    del sheet, dialect
    path = Path(path)
    suffix = path.suffix.lower()
    name = dataset or path.stem
    if suffix in (".docx", ".txt"):
        return _read_transcript(path, name, encoding, codebook)
    if suffix == ".qde":
        if path.stat().st_size > MAX_MEMBER_BYTES:
            raise ReadError(
                f"the project file is larger than {MAX_MEMBER_BYTES // 2**20} MB",
                path=path,
                hint="export the project again without embedded media",
            )
        xml = path.read_bytes()
        loader = _FolderSources(path.parent)
        project = _parse_project(xml, path, loader)
    else:
        project = _read_qdpx(path)
    return _to_dataset(project, path, name, codebook)


def read_qdc(path: str | Path, *, dataset: str | None = None) -> Dataset:
    """Read a REFI-QDA codebook (``.qdc``): a code system without a project.

    ``bruggen export P.qdpx -o P.qdc`` writes one (:func:`analysis.qda_export.write_qdc`), and
    QDA packages exchange code systems this way. The result is shaped like a project read by
    :func:`read` with no codings, so :func:`analysis.codesystem.code_system` shows its tree.

    Parameters
    ----------
    path
        The ``.qdc`` file.
    dataset
        Dataset name; defaults to the file stem.

    Returns
    -------
    Dataset
        ``tables["codes"]`` holds the codes (guid, name, parent, path, description, color,
        is_codable); the codings table is empty.

    Raises
    ------
    ReadError
        The file does not exist, is too large, is not XML, or is not a REFI-QDA codebook.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError("file not found", path=path, hint="check the path of the .qdc file")
    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise ReadError(f"the codebook file is larger than {MAX_MEMBER_BYTES // 2**20} MB", path=path)
    root = _parse_xml(path.read_bytes(), path)
    if _local(root.tag) != "CodeBook":
        raise ReadError(
            f"this XML is not a REFI-QDA codebook (its root element is <{_local(root.tag)}>, not <CodeBook>)",
            path=path,
            hint="export the code system again from your QDA program, or with bruggen export P.qdpx -o P.qdc",
        )
    p = _Project(name=path.stem, origin=root.get("origin", ""))
    codes_el = _child(root, "Codes")
    if codes_el is not None:
        _walk_codes(codes_el, None, (), p.codes)
    return _to_dataset(p, path, dataset or path.stem, None)


# -- containers ----------------------------------------------------------------------------------


class _NoSources:
    def load(self, member: str, path: Path) -> str | None:
        return None


class _ZipSources:
    """Source texts inside a ``.qdpx``: ``internal://X.txt`` is ``sources/X.txt`` (any case)."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.members = {info.filename.replace("\\", "/").lower(): info.filename for info in zf.infolist()}

    def load(self, member: str, path: Path) -> str | None:
        unsafe_name(member, path)
        key = member.lower()
        real = self.members.get(f"sources/{key}") or self.members.get(key)
        if real is None:
            return None
        return _decode_text(read_member(self.zf, real, path))


class _FolderSources:
    """Source texts of a bare ``.qde``: a ``sources`` folder next to it, read-only."""

    def __init__(self, folder: Path) -> None:
        self.folder = None
        for candidate in ("sources", "Sources"):
            if (folder / candidate).is_dir():
                self.folder = (folder / candidate).resolve()
                break

    def load(self, member: str, path: Path) -> str | None:
        unsafe_name(member, path)
        if self.folder is None:
            return None
        target = (self.folder / PurePosixPath(member)).resolve()
        if not target.is_relative_to(self.folder) or not target.is_file():
            return None
        if target.stat().st_size > MAX_MEMBER_BYTES:
            return None
        return _decode_text(target.read_bytes())


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16").lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


def _read_qdpx(path: Path) -> _Project:
    head = path.read_bytes()[:4]
    if not head.startswith(b"PK"):
        raise ReadError(
            "this is not a REFI-QDA project: a .qdpx file is a ZIP archive, and this one is not",
            path=path,
            hint="export the project again from your QDA program (File > Export > REFI-QDA Project)",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, path)
            roots = [
                info.filename
                for info in zf.infolist()
                if "/" not in info.filename.strip("/") and info.filename.lower().endswith(".qde")
            ]
            roots.sort(key=lambda n: (n.lower() != "project.qde", n))
            if not roots:
                raise ReadError(
                    "the archive has no project.qde at its top level, so it is not a REFI-QDA project",
                    path=path,
                    hint="export the project again from your QDA program (File > Export > REFI-QDA Project)",
                )
            xml = read_member(zf, roots[0], path)
            return _parse_project(xml, path, _ZipSources(zf))
    except zipfile.BadZipFile:
        raise ReadError(
            "the project archive is damaged (its ZIP container cannot be opened)",
            path=path,
            hint="copy or download it again, or export it again from your QDA program",
        ) from None


# -- the XML ---------------------------------------------------------------------------------------


@dataclass
class _Project:
    name: str = ""
    origin: str = ""
    users: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    variables: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    codings: list[dict[str, Any]] = field(default_factory=list)
    sets: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: Any, name: str) -> Any:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text_of(el: Any, name: str) -> str:
    c = _child(el, name)
    return (c.text or "").strip() if c is not None else ""


def _parse_xml(xml: bytes, path: Path) -> Any:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        return DET.fromstring(xml, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ReadError(
            f"the project XML declares entities or external references ({type(exc).__name__}), "
            "which Bruggen refuses because they can be used to attack the computer that opens it",
            path=path,
            hint="export the project again from your QDA program; do not edit project.qde by hand",
        ) from None
    except ParseError as exc:
        raise ReadError(
            f"the project XML is malformed ({exc})",
            path=path,
            hint="export the project again from your QDA program",
        ) from None


def _parse_project(xml: bytes, path: Path, sources_loader: Any) -> _Project:
    root = _parse_xml(xml, path)
    if _local(root.tag) != "Project":
        raise ReadError(
            f"this XML is not a REFI-QDA project (its root element is <{_local(root.tag)}>, not <Project>)",
            path=path,
            hint="export the project again from your QDA program (File > Export > REFI-QDA Project)",
        )
    p = _Project(name=root.get("name", ""), origin=root.get("origin", ""))
    users = _child(root, "Users")
    for u in _children(users, "User") if users is not None else []:
        p.users.append({"guid": u.get("guid"), "name": u.get("name", ""), "id": u.get("id")})
    user_names = {u["guid"]: u["name"] for u in p.users}

    book = _child(root, "CodeBook")
    codes_el = _child(book, "Codes") if book is not None else None
    if codes_el is not None:
        _walk_codes(codes_el, None, (), p.codes)

    variables = _child(root, "Variables")
    for v in _children(variables, "Variable") if variables is not None else []:
        p.variables.append(
            {
                "guid": v.get("guid"),
                "name": v.get("name", ""),
                "type": v.get("typeOfVariable", ""),
                "description": _text_of(v, "Description"),
            }
        )
    var_names = {v["guid"]: v["name"] for v in p.variables}

    cases = _child(root, "Cases")
    for c in _children(cases, "Case") if cases is not None else []:
        p.cases.append(
            {
                "guid": c.get("guid"),
                "name": c.get("name", ""),
                "description": _text_of(c, "Description"),
                "attributes": _values(c, var_names),
                "sources": [s.get("targetGUID") for s in _children(c, "SourceRef")],
            }
        )

    sources = _child(root, "Sources")
    missing_text: list[str] = []
    for src in list(sources) if sources is not None else []:
        kind = _local(src.tag)
        if kind not in _SOURCE_TAGS:
            continue
        _read_source(src, kind, p, path, sources_loader, user_names, missing_text)
    if missing_text:
        shown = ", ".join(repr(n) for n in missing_text[:5]) + (" ..." if len(missing_text) > 5 else "")
        p.warnings.append(
            f"{len(missing_text)} source(s) have no text in the project ({shown}): their codings are "
            "listed without the coded passage. Export the project again with its sources included"
        )

    sets = _child(root, "Sets")
    for s in _children(sets, "Set") if sets is not None else []:
        for member in list(s):
            kind = _local(member.tag)
            if kind in ("MemberCode", "MemberSource", "MemberNote"):
                p.sets.append(
                    {
                        "guid": s.get("guid"),
                        "name": s.get("name", ""),
                        "member_type": kind[len("Member") :].lower(),
                        "member_guid": member.get("targetGUID"),
                    }
                )
    if not p.codings:
        p.warnings.append(
            "the project has no codings"
            + (f" ({len(p.codes)} codes, {len(p.sources)} sources)" if p.codes or p.sources else "")
            + ": the codings table is empty. Code the interviews, or check that the export included them"
        )
    return p


def _walk_codes(el: Any, parent: str | None, trail: tuple[str, ...], out: list[dict[str, Any]]) -> None:
    for code in _children(el, "Code"):
        name = code.get("name", "")
        # ATLAS.ti writes sub-codes of a flat code list as "parent::child".
        here = (*trail, name) if trail or "::" not in name else tuple(name.split("::"))
        out.append(
            {
                "guid": code.get("guid"),
                "name": name,
                "parent": parent,
                "path": "/".join(here),
                "description": _text_of(code, "Description"),
                "color": code.get("color"),
                "is_codable": code.get("isCodable", "true").lower() != "false",
            }
        )
        _walk_codes(code, code.get("guid"), here, out)


def _values(el: Any, var_names: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for vv in _children(el, "VariableValue"):
        ref = _child(vv, "VariableRef")
        name = var_names.get(ref.get("targetGUID"), ref.get("targetGUID")) if ref is not None else None
        if not name:
            continue
        value: Any = None
        for c in vv:
            tag = _local(c.tag)
            if tag == "VariableRef":
                continue
            text = (c.text or "").strip()
            if tag == "IntegerValue":
                value = int(text) if re.fullmatch(r"[+-]?\d+", text) else text
            elif tag == "FloatValue":
                try:
                    value = float(text)
                except ValueError:
                    value = text
            elif tag == "BooleanValue":
                value = text.lower() in ("true", "1")
            else:
                value = text
        out[name] = value
    return out


def _internal(ref: str | None) -> str | None:
    if ref and ref.startswith("internal://"):
        return ref[len("internal://") :]
    return None


def _read_source(
    src: Any,
    kind: str,
    p: _Project,
    path: Path,
    loader: Any,
    user_names: dict[str, str],
    missing_text: list[str],
) -> None:
    guid = src.get("guid")
    name = src.get("name", "")
    text: str | None = None
    content = _child(src, "PlainTextContent")
    if content is not None and content.text is not None:
        text = content.text
    representation = _child(src, "Representation") if kind == "PDFSource" else None
    holder = src if kind == "TextSource" else representation
    if text is None and holder is not None:
        rep_content = _child(holder, "PlainTextContent")
        if rep_content is not None and rep_content.text is not None:
            text = rep_content.text
        member = _internal(holder.get("plainTextPath"))
        if text is None and member:
            text = loader.load(member, path)
            if text is None:
                missing_text.append(name or guid)
    p.sources.append(
        {
            "guid": guid,
            "name": name,
            "type": kind,
            "path": src.get("plainTextPath") or src.get("path"),
            "text_length": len(text) if text is not None else None,
            "text": text,
            "attributes": _values(src, {v["guid"]: v["name"] for v in p.variables}),
        }
    )
    base = {"document": name, "source_guid": guid}
    # Codings of the whole source.
    for coding in _children(src, "Coding"):
        _add_coding(p, coding, base, None, None, None, "Source", None, None, user_names)
    selection_parents = [src] + ([holder] if holder is not None and holder is not src else [])
    for transcript in _children(src, "Transcript"):
        selection_parents.append(transcript)
    for parent in selection_parents:
        for sel in parent:
            tag = _local(sel.tag)
            if tag not in _SELECTION_TAGS:
                continue
            start = end = None
            position = None
            passage = None
            if tag in ("PlainTextSelection", "TranscriptSelection") and sel.get("startPosition") is not None:
                start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
                if text is not None and start is not None and end is not None and parent is not None:
                    passage = text[start:end] if parent is holder or parent is src else None
                if start is not None and end is not None and text is not None and end > len(text):
                    p.warnings.append(
                        f"selection {sel.get('guid')} in {name!r} ends at {end}, beyond the text's "
                        f"{len(text)} characters; its passage is cut short"
                    )
            elif tag in ("AudioSelection", "VideoSelection"):
                position = f"{sel.get('begin')}-{sel.get('end')} ms"
            elif tag == "PictureSelection":
                position = (
                    f"({sel.get('firstX')},{sel.get('firstY')})-({sel.get('secondX')},{sel.get('secondY')})"
                )
            elif tag == "PDFSelection":
                position = (
                    f"page {sel.get('page')} ({sel.get('firstX')},{sel.get('firstY')})-"
                    f"({sel.get('secondX')},{sel.get('secondY')})"
                )
            if passage is None and tag == "PDFSelection":
                rep = _child(sel, "Representation")
                if rep is not None:
                    passage = _text_of(rep, "PlainTextContent") or None
            for coding in _children(sel, "Coding"):
                _add_coding(p, coding, base, start, end, passage, tag, sel.get("guid"), position, user_names)


def _int(x: str | None) -> int | None:
    try:
        return int(x) if x is not None else None
    except ValueError:
        return None


def _add_coding(
    p: _Project,
    coding: Any,
    base: dict[str, Any],
    start: int | None,
    end: int | None,
    text: str | None,
    selection_type: str,
    selection_guid: str | None,
    position: str | None,
    user_names: dict[str, str],
) -> None:
    ref = _child(coding, "CodeRef")
    p.codings.append(
        {
            **base,
            "coding_guid": coding.get("guid"),
            "code_guid": ref.get("targetGUID") if ref is not None else None,
            "start": start,
            "end": end,
            "text": text,
            "coder": user_names.get(coding.get("creatingUser"), coding.get("creatingUser")),
            "created": coding.get("creationDateTime"),
            "selection_guid": selection_guid,
            "selection_type": selection_type,
            "position": position,
        }
    )


# -- to a Dataset --------------------------------------------------------------------------------


def _attribute_name(name: str) -> str:
    from analysis.ingest.tabular import safe_name

    return safe_name(name) or "attribute"


def _to_dataset(p: _Project, path: Path, name: str, codebook: Codebook | None) -> Dataset:
    import pandas as pd

    warnings = list(p.warnings)
    codes_by_guid = {c["guid"]: c for c in p.codes}
    sources_by_guid = {s["guid"]: s for s in p.sources}
    case_of: dict[str, dict[str, Any]] = {}
    multi: set[str] = set()
    for case in p.cases:
        for sg in case["sources"]:
            if sg in case_of:
                multi.add(sg)
                continue
            case_of[sg] = case
    if multi:
        warnings.append(
            f"{len(multi)} source(s) belong to more than one case; the codings table shows the first case of each"
        )
    unknown_codes = {c["code_guid"] for c in p.codings if c["code_guid"] not in codes_by_guid}
    if unknown_codes:
        warnings.append(
            f"{len(unknown_codes)} coding(s) refer to codes that are not in the codebook; their code is empty"
        )
    attribute_names: list[str] = []
    for case in p.cases:
        for key in case["attributes"]:
            if _attribute_name(key) not in attribute_names:
                attribute_names.append(_attribute_name(key))
    for src in p.sources:
        for key in src["attributes"]:
            if _attribute_name(key) not in attribute_names:
                attribute_names.append(_attribute_name(key))
    attribute_names = [a for a in attribute_names if a not in CODING_COLUMNS and a not in TAIL_COLUMNS]
    rows = []
    for c in p.codings:
        code = codes_by_guid.get(c["code_guid"], {})
        case = case_of.get(c["source_guid"])
        attrs = {
            _attribute_name(k): v
            for k, v in sources_by_guid.get(c["source_guid"], {}).get("attributes", {}).items()
        }
        if case is not None:
            attrs.update({_attribute_name(k): v for k, v in case["attributes"].items()})
        row = {
            "document": c["document"],
            "source_guid": c["source_guid"],
            "code": code.get("name"),
            "code_guid": c["code_guid"],
            "code_path": code.get("path"),
            "code_family": code.get("path").split("/", 1)[0] if code.get("path") else None,
            "start": c["start"],
            "end": c["end"],
            "text": c["text"],
            "case": case["name"] if case is not None else None,
        }
        for a in attribute_names:
            row[a] = attrs.get(a)
        row.update({k: c[k] for k in TAIL_COLUMNS})
        row["coding_guid"] = c["coding_guid"]
        rows.append(row)
    columns = [*CODING_COLUMNS, *attribute_names, *TAIL_COLUMNS, "coding_guid"]
    codings = _typed(pd.DataFrame(rows, columns=columns))
    tables = {
        "codings": codings,
        "codes": _typed(
            pd.DataFrame(
                p.codes, columns=["guid", "name", "parent", "path", "description", "color", "is_codable"]
            )
        ),
        "sources": _typed(
            pd.DataFrame(
                [
                    {k: s[k] for k in ("guid", "name", "type", "path", "text_length", "text")}
                    for s in p.sources
                ],
                columns=["guid", "name", "type", "path", "text_length", "text"],
            )
        ),
        "cases": _typed(
            pd.DataFrame(
                [
                    {
                        "guid": c["guid"],
                        "name": c["name"],
                        "description": c["description"],
                        **{_attribute_name(k): v for k, v in c["attributes"].items()},
                        "sources": "; ".join(
                            sources_by_guid.get(g, {}).get("name", g) or g for g in c["sources"]
                        ),
                    }
                    for c in p.cases
                ],
                columns=[
                    "guid",
                    "name",
                    "description",
                    *[
                        a
                        for a in attribute_names
                        if any(_attribute_name(k) == a for c in p.cases for k in c["attributes"])
                    ],
                    "sources",
                ],
            )
        ),
        "users": _typed(pd.DataFrame(p.users, columns=["guid", "name", "id"])),
        "variables": _typed(pd.DataFrame(p.variables, columns=["guid", "name", "type", "description"])),
        "sets": _typed(pd.DataFrame(p.sets, columns=["guid", "name", "member_type", "member_guid"])),
    }
    own = _codings_codebook(name, codings, {v["name"]: v for v in p.variables}, title=p.name)
    book = codebook or own
    frame = _labelled(codings, book)
    tables["codings"] = frame
    return Dataset(
        frame=frame, codebook=book, codes=codings, path=path, tables=tables, warnings=tuple(warnings)
    )


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer offsets and lengths, pandas strings for text."""
    for col in ("start", "end", "text_length"):
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    for col in df.columns:
        if df[col].dtype == object and df[col].map(lambda x: x is None or isinstance(x, str)).all():
            df[col] = df[col].astype("str")
    return df


_LABELS = {
    "document": "Document (source name)",
    "source_guid": "GUID of the source",
    "code": "Code",
    "code_guid": "GUID of the code",
    "code_path": "Code with its parents (parent/child)",
    "code_family": "Top-level code (family) of the code",
    "start": "First character of the coded passage (0-based)",
    "end": "Character after the coded passage",
    "text": "Coded passage",
    "case": "Case",
    "coder": "Coder",
    "created": "When the coding was made",
    "selection_guid": "GUID of the selection",
    "selection_type": "Kind of selection (REFI-QDA element)",
    "position": "Place of a media selection (page, area, milliseconds)",
    "coding_guid": "GUID of the coding",
}


def _codings_codebook(
    name: str, codings: pd.DataFrame, variables: dict[str, dict[str, Any]], title: str = ""
) -> Codebook:
    by_safe = {_attribute_name(k): v for k, v in variables.items()}
    out = []
    for col in codings.columns:
        dtype = codings[col].dtype
        vtype = (
            "numeric"
            if dtype.kind in "iuf"
            else ("boolean" if dtype.kind == "b" or str(dtype) == "boolean" else "string")
        )
        label = _LABELS.get(col) or (
            by_safe.get(col, {}).get("description") or by_safe.get(col, {}).get("name", "")
        )
        out.append(
            Variable(
                name=col,
                label=label,
                type=vtype,
                measure="nominal" if col in ("code", "code_path", "case", "document") else "unknown",
                pii=col == "text",
            )
        )
    return Codebook(dataset=name, variables=tuple(out), title=title, notes="interview codings (REFI-QDA)")


# -- transcripts and codings tables --------------------------------------------------------------


def _guid_for(path: Path) -> str:
    import uuid

    digest = hashlib.sha1(path.name.encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=5)).upper()


def _read_transcript(path: Path, name: str, encoding: str | None, codebook: Codebook | None) -> Dataset:
    import pandas as pd

    warnings: list[str] = []
    if path.suffix.lower() == ".docx":
        text = _docx_text(path)
    else:
        from analysis.ingest.tabular import _decode

        text, _ = _decode(path, encoding, warnings)
    text = text.replace("\r\n", "\n")
    if not text.strip():
        warnings.append("the transcript is empty")
    sources = pd.DataFrame(
        [
            {
                "guid": _guid_for(path),
                "name": path.name,
                "type": "TextSource",
                "path": path.name,
                "text_length": len(text),
                "text": text,
            }
        ]
    )
    sources = _typed(sources)
    codings = _typed(pd.DataFrame(columns=list(CODING_COLUMNS)))
    own = Codebook(
        dataset=name,
        variables=(
            Variable("guid", "GUID of the source", "string"),
            Variable("name", "File name of the transcript", "string"),
            Variable("type", "Kind of source", "string"),
            Variable("path", "Where the text came from", "string"),
            Variable("text_length", "Number of characters", "numeric"),
            Variable("text", "Transcript text", "string", pii=True),
        ),
        notes="a plain transcript",
    )
    return Dataset(
        frame=sources,
        codebook=codebook or own,
        codes=sources,
        path=path,
        tables={"sources": sources, "codings": codings},
        warnings=tuple(warnings),
    )


def _docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, path)
    except zipfile.BadZipFile:
        raise ReadError(
            "this is not a Word document (.docx files are ZIP archives, this one is not)",
            path=path,
            hint="open it in Word and save it as .docx, or save the transcript as plain text (.txt)",
        ) from None
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise ReadError(
            f"the Word document cannot be opened ({type(exc).__name__}: {exc})",
            path=path,
            hint="open it in Word and save it again, or save the transcript as plain text (.txt)",
        ) from None
    return "\n".join(par.text for par in document.paragraphs)


def read_codings_table(
    codes: pd.DataFrame,
    *,
    path: Path,
    dataset: str | None = None,
    warnings: list[str] | None = None,
    codebook: Codebook | None = None,
) -> Dataset:
    """Turn a codings table (CSV/XLSX without a QDA package) into the codings Dataset.

    Parameters
    ----------
    codes
        The table as read, with at least ``document`` and ``code`` columns (any case), and
        usually ``start``, ``end`` and ``text``. A ``case`` column and any other columns
        (``rol``, ``gemeentecode``) are kept. A code written ``parent/child``
        (or ATLAS.ti's ``parent::child``) gives ``code_path``.
    path
        The file, for messages.
    dataset
        Dataset name; defaults to the file stem.
    warnings
        Warnings gathered so far.
    codebook
        The study's reviewed codebook: it becomes the dataset's codebook (labels, PII flags),
        its value labels make categoricals and its missing codes become ``NA`` (the codes stay
        in :attr:`Dataset.codes`). Without it the codebook is inferred from the table.

    Returns
    -------
    Dataset
        The codings table as ``frame`` with the columns of :data:`CODING_COLUMNS` first;
        ``tables`` with ``codings``, ``codes`` and ``sources`` (distinct documents).

    Raises
    ------
    ReadError
        Listing every row whose offsets are not whole numbers, negative, or reversed, or
        whose document or code is empty.
    """
    import pandas as pd

    warnings = list(warnings or [])
    df = codes.rename(columns={c: c.lower() for c in codes.columns})
    missing = [c for c in ("document", "code") if c not in df.columns]
    if missing:
        raise ReadError(
            f"a codings table needs the column(s) {', '.join(missing)}",
            path=path,
            hint="give the table the columns document, code, start, end, text (one row per coded passage)",
        )
    problems: list[str] = []
    for col in ("start", "end"):
        if col not in df.columns:
            df[col] = pd.Series(pd.NA, index=df.index, dtype="Int64")
            continue
        numbers = pd.to_numeric(df[col], errors="coerce")
        for i in df.index[df[col].notna() & (numbers.isna() | (numbers % 1 != 0) | (numbers < 0))]:
            problems.append(f"row {i + 2}: {col} is {df[col][i]!r}, not a whole number of characters from 0")
        df[col] = numbers.where(numbers.notna() & (numbers % 1 == 0) & (numbers >= 0)).astype("Int64")
    both = df["start"].notna() & df["end"].notna()
    for i in df.index[both & (df["start"] > df["end"]).fillna(False)]:
        problems.append(f"row {i + 2}: start {df['start'][i]} is after end {df['end'][i]}")
    for col in ("document", "code"):
        for i in df.index[df[col].isna() | (df[col].astype("str").str.strip() == "")]:
            problems.append(f"row {i + 2}: {col} is empty")
    if problems:
        raise ReadError(
            f"the codings table has {len(problems)} problem(s):\n    "
            + "\n    ".join(problems[:50])
            + ("\n    ..." if len(problems) > 50 else ""),
            path=path,
            hint="fix these rows (row numbers count the header as row 1) and read the file again",
        )
    df["document"] = df["document"].astype("str")
    df["code"] = df["code"].astype("str")
    if "code_path" not in df.columns:
        df["code_path"] = df["code"].str.replace("::", "/", regex=False)
        df["code"] = df["code_path"].str.rsplit("/", n=1).str[-1]
    if "code_family" not in df.columns:
        df["code_family"] = df["code_path"].str.split("/", n=1).str[0]
    if "text" not in df.columns:
        df["text"] = pd.Series(pd.NA, index=df.index, dtype="str")
    if "case" not in df.columns:
        df["case"] = pd.Series(pd.NA, index=df.index, dtype="str")
    df["source_guid"] = df["document"].map(lambda d: _guid_for(Path(d)))
    code_guids = {p: _guid_for(Path("code:" + p)) for p in df["code_path"].unique()}
    df["code_guid"] = df["code_path"].map(code_guids)
    if df.empty:
        warnings.append("the codings table has no rows")
    rest = [c for c in df.columns if c not in CODING_COLUMNS]
    df = df[[*CODING_COLUMNS, *rest]].reset_index(drop=True)
    name = dataset or path.stem
    paths = sorted(code_guids)
    codes_table = pd.DataFrame(
        {
            "guid": [code_guids[p] for p in paths],
            "name": [p.rsplit("/", 1)[-1] for p in paths],
            "parent": [code_guids.get(p.rsplit("/", 1)[0]) if "/" in p else None for p in paths],
            "path": paths,
            "description": [None] * len(paths),
            "color": [None] * len(paths),
        }
    )
    documents = sorted(df["document"].unique())
    sources = pd.DataFrame(
        {
            "guid": [_guid_for(Path(d)) for d in documents],
            "name": documents,
            "type": "TextSource",
            "path": None,
            "text_length": pd.array([None] * len(documents), dtype="Int64"),
            "text": None,
        }
    )
    if codebook is None:
        book = _codings_codebook(name, df, {})
    else:
        book = codebook
        _compare_columns(df, book, warnings)
    frame = _labelled(df, book)
    return Dataset(
        frame=frame,
        codebook=book,
        codes=df,
        path=path,
        tables={"codings": frame, "codes": _typed(codes_table), "sources": _typed(sources)},
        warnings=tuple(warnings),
    )


#: Columns whose values are codes: the plan, its meta-codes and every analysis name codes by
#: these values, so the frame keeps them as stored even when the codebook labels them (the
#: labels name the codes in reports: :func:`analysis.labels.code_label`).
CODE_VALUE_COLUMNS = ("code", "code_path", "code_family")


def _labelled(codings: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """:func:`labelled_frame` of the codings, with the code columns kept as stored."""
    frame = labelled_frame(codings, book)
    kept = {col: codings[col] for col in CODE_VALUE_COLUMNS if col in codings.columns}
    return frame.assign(**kept) if kept else frame


def _compare_columns(df: pd.DataFrame, codebook: Codebook, warnings: list[str]) -> None:
    """Warn about columns of a codings table the reviewed codebook does not describe, and back.

    The columns only a REFI-QDA project carries (coder, selection, ...) are never missing from
    a codings table.
    """
    warnings += drift_warnings(list(df.columns), codebook, never_absent={*TAIL_COLUMNS, "coding_guid"})
