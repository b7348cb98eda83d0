"""Back to the QDA package: the code system as a REFI-QDA codebook (``.qdc``), the project as ``.qdpx``.

:func:`write_qdc` writes the codes table of a project (``dataset.tables["codes"]``) as a
``<CodeBook>`` in the codebook namespace (``urn:QDA-XML:codebook:1.0``, REFI-QDA 1.5 section 5.2):
every code, also codes nobody applied, with its hierarchy, GUID, colour and description.

:func:`write_qdpx` writes what :func:`analysis.ingest.read` returned for a REFI-QDA project back
as a project (``urn:QDA-XML:project:1.0``, ``REFI-QDA-Project-mrt2019.xsd``): users, code book,
variables, cases with their attribute values and sources, sources with their selections and
codings (text, PDF, picture, audio and video selections and whole-source codings), and sets. The
source texts go into ``sources/<guid>.txt``; a source whose text was not in the original project
keeps its original ``plainTextPath`` (or ``path``). Media files themselves (PDFs, pictures,
recordings) are not in what :func:`~analysis.ingest.read` returns, so they are not in the export;
notes, links and graphs neither. Reading the export again gives the same codings table.

Both files are deterministic (no timestamps of their own, fixed ZIP dates, members sorted) and
written atomically (:mod:`analysis.outputs`).
"""

from __future__ import annotations

import re
import uuid
import zipfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from analysis.ingest.dataset import Dataset

__all__ = ["CODEBOOK_NS", "PROJECT_NS", "qdc_bytes", "qdpx_bytes", "write_qdc", "write_qdpx"]

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Bruggen"
_GUID = re.compile(
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})"
)
_RGB = re.compile(r"#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})")
_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")


# -- small helpers ---------------------------------------------------------------------------------


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        import pandas as pd

        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _str(value: Any) -> str | None:
    return str(value) if _present(value) else None


def _int(value: Any) -> int | None:
    return int(value) if _present(value) else None


def _guid(value: Any, *seed: str) -> str:
    """The value when it is a GUID; otherwise a stable GUID made from ``seed``."""
    text = _str(value)
    if text is not None and _GUID.fullmatch(text):
        return text
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "bruggen:" + "/".join(seed))).upper()


def _set(el: Any, name: str, value: Any, pattern: re.Pattern[str] | None = None) -> None:
    text = _str(value)
    if text is not None and (pattern is None or pattern.fullmatch(text)):
        el.set(name, text)


def _records(table: pd.DataFrame | None) -> list[dict[str, Any]]:
    if table is None:
        return []
    return table.astype(object).to_dict("records")


# -- the code system -------------------------------------------------------------------------------


def _codes_element(codes: pd.DataFrame | None, q: str) -> Any:
    """``<Codes>`` with the hierarchy of ``codes`` (guid, name, parent, description, color, is_codable)."""
    from lxml import etree

    rows = _records(codes)
    for i, row in enumerate(rows):
        row["guid"] = _guid(row.get("guid"), "code", str(row.get("path") or row.get("name")), str(i))
    known = {row["guid"] for row in rows}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        parent = _str(row.get("parent"))
        children.setdefault(parent if parent in known else None, []).append(row)
    el_codes = etree.Element(q + "Codes")

    def add(parent_el: Any, row: dict[str, Any], seen: frozenset[str]) -> None:
        codable = row.get("is_codable")
        el = etree.SubElement(
            parent_el,
            q + "Code",
            guid=row["guid"],
            name=_str(row.get("name")) or "",
            isCodable="false" if _present(codable) and not bool(codable) else "true",
        )
        _set(el, "color", row.get("color"), _RGB)
        description = _str(row.get("description"))
        if description:
            etree.SubElement(el, q + "Description").text = description
        for child in children.get(row["guid"], []):
            if child["guid"] not in seen:
                add(el, child, seen | {child["guid"]})

    for row in children.get(None, []):
        add(el_codes, row, frozenset({row["guid"]}))
    return el_codes


def qdc_bytes(codes_table: pd.DataFrame) -> bytes:
    """The code system as a REFI-QDA codebook (``<CodeBook>`` in ``urn:QDA-XML:codebook:1.0``)."""
    from lxml import etree

    q = f"{{{CODEBOOK_NS}}}"
    root = etree.Element(q + "CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    if codes_table is not None and len(codes_table):
        root.append(_codes_element(codes_table, q))
    else:  # the schema needs at least one code; an empty code system gets a placeholder folder
        etree.SubElement(etree.SubElement(root, q + "Codes"), q + "Code", guid=_guid(None, "empty"),
                         name="(no codes)", isCodable="false")  # fmt: skip
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(codes_table: pd.DataFrame, path: str | Path) -> Path:
    """Write the code system as a REFI-QDA codebook (``.qdc``), atomically.

    Parameters
    ----------
    codes_table
        ``dataset.tables["codes"]`` of a project read by :func:`analysis.ingest.read` (columns
        guid, name, parent, description, color, is_codable; parent is the parent code's GUID).
    path
        The ``.qdc`` file to write.

    Returns
    -------
    Path
        The file written.
    """
    return _write(qdc_bytes(codes_table), path)


# -- the project -----------------------------------------------------------------------------------


def _codings_of(dataset: Dataset) -> pd.DataFrame:
    codes = dataset.codes
    if codes is not None and "coding_guid" in getattr(codes, "columns", ()):
        return codes
    return dataset.tables["codings"]


def _variable_value(q: str, var_guid: str, kind: str, value: Any) -> Any:
    from lxml import etree

    vv = etree.Element(q + "VariableValue")
    etree.SubElement(vv, q + "VariableRef", targetGUID=var_guid)
    if kind == "Boolean":
        text = (
            "true" if (value if isinstance(value, bool) else str(value).lower() in ("true", "1")) else "false"
        )
    elif kind == "Integer" and not isinstance(value, str):
        text = str(int(value))
    else:
        text = str(value)
        kind = kind if kind in ("Float", "Date", "DateTime", "Integer") else "Text"
    etree.SubElement(vv, q + f"{kind}Value").text = text
    return vv


def _numbers(position: Any) -> list[int] | None:
    found = re.findall(r"\d+", _str(position) or "")
    return [int(x) for x in found] if found else None


def qdpx_bytes(dataset: Dataset) -> bytes:
    """The project as ``.qdpx`` bytes (see :func:`write_qdpx`)."""
    from lxml import etree

    from analysis.ingest.qda import _attribute_name

    q = f"{{{PROJECT_NS}}}"
    tables = dataset.tables
    title = getattr(dataset.codebook, "title", "") or (Path(dataset.path).stem if dataset.path else "project")
    root = etree.Element(q + "Project", nsmap={None: PROJECT_NS}, name=title, origin=ORIGIN)

    users = [u for u in _records(tables.get("users")) if _str(u.get("guid")) and _GUID.fullmatch(u["guid"])]
    user_of: dict[str, str] = {}
    for u in users:
        user_of.setdefault(_str(u.get("name")) or u["guid"], u["guid"])
        user_of.setdefault(u["guid"], u["guid"])
    codings = _records(_codings_of(dataset))
    extra_users = sorted(
        {c for c in (_str(r.get("coder")) for r in codings) if c is not None and c not in user_of}
    )
    for name in extra_users:
        guid = name if _GUID.fullmatch(name) else _guid(None, "user", name)
        users.append({"guid": guid, "name": None if guid == name else name, "id": None})
        user_of[name] = guid
    if users:
        el_users = etree.SubElement(root, q + "Users")
        for u in users:
            el = etree.SubElement(el_users, q + "User", guid=u["guid"])
            _set(el, "name", u.get("name"))
            _set(el, "id", u.get("id"))

    codes = tables.get("codes")
    if codes is not None and len(codes):
        etree.SubElement(root, q + "CodeBook").append(_codes_element(codes, q))

    variables = _records(tables.get("variables"))
    var_of: dict[str, tuple[str, str]] = {}
    if variables:
        el_vars = etree.SubElement(root, q + "Variables")
        for v in variables:
            kind = _str(v.get("type")) if _str(v.get("type")) in _VARIABLE_TYPES else "Text"
            guid = _guid(v.get("guid"), "variable", str(v.get("name")))
            el = etree.SubElement(el_vars, q + "Variable", guid=guid, name=_str(v.get("name")) or "")
            el.set("typeOfVariable", kind)
            if _str(v.get("description")):
                etree.SubElement(el, q + "Description").text = v["description"]
            var_of.setdefault(_attribute_name(_str(v.get("name")) or ""), (guid, kind))

    sources = _records(tables.get("sources"))
    for i, s in enumerate(sources):
        s["guid"] = _guid(s.get("guid"), "source", str(s.get("name")), str(i))
    source_of_name: dict[str, str] = {}
    for s in sources:
        source_of_name.setdefault(_str(s.get("name")) or "", s["guid"])

    cases = _records(tables.get("cases"))
    if cases:
        el_cases = etree.SubElement(root, q + "Cases")
        for i, c in enumerate(cases):
            el = etree.SubElement(
                el_cases, q + "Case", guid=_guid(c.get("guid"), "case", str(c.get("name")), str(i))
            )
            _set(el, "name", c.get("name"))
            if _str(c.get("description")):
                etree.SubElement(el, q + "Description").text = c["description"]
            for column, value in c.items():
                if column in ("guid", "name", "description", "sources") or not _present(value):
                    continue
                guid, kind = var_of.get(column, (None, "Text"))
                if guid is not None:
                    el.append(_variable_value(q, guid, kind, value))
            for member in (_str(c.get("sources")) or "").split("; "):
                if member:
                    target = source_of_name.get(member, member)
                    if _GUID.fullmatch(target):
                        etree.SubElement(el, q + "SourceRef", targetGUID=target)

    members: dict[str, bytes] = {}
    by_source: dict[str, list[dict[str, Any]]] = {}
    for c in codings:
        by_source.setdefault(_str(c.get("source_guid")) or "", []).append(c)
    if sources:
        el_sources = etree.SubElement(root, q + "Sources")
        with _OriginalMembers(dataset.path) as media:
            for s in sources:
                _source_element(el_sources, q, s, by_source.get(s["guid"], []), user_of, members, media)

    sets = _records(tables.get("sets"))
    if sets:
        el_sets = etree.SubElement(root, q + "Sets")
        by_set: dict[str, list[dict[str, Any]]] = {}
        for row in sets:
            by_set.setdefault(_guid(row.get("guid"), "set", str(row.get("name"))), []).append(row)
        for guid, rows in by_set.items():
            el = etree.SubElement(el_sets, q + "Set", guid=guid, name=_str(rows[0].get("name")) or "")
            for kind in ("code", "source"):  # notes are not exported, so neither are note members
                for row in rows:
                    target = _str(row.get("member_guid"))
                    if row.get("member_type") == kind and target and _GUID.fullmatch(target):
                        etree.SubElement(el, q + ("MemberCode" if kind == "code" else "MemberSource"),
                                         targetGUID=target)  # fmt: skip

    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in [("project.qde", qde), *sorted(members.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def _source_element(
    parent: Any,
    q: str,
    s: dict[str, Any],
    codings: list[dict[str, Any]],
    user_of: dict[str, str],
    members: dict[str, bytes],
    media: Any,
) -> None:
    from lxml import etree

    kind = _str(s.get("type")) or "TextSource"
    kind = (
        kind
        if kind in ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
        else "TextSource"
    )
    el = etree.SubElement(parent, q + kind, guid=s["guid"])
    _set(el, "name", s.get("name"))
    text = _str(s.get("text"))
    original = _str(s.get("path"))
    if kind == "TextSource":
        holder = el
    else:
        if original and original.startswith("internal://"):
            data = media(original[len("internal://") :])
            if data is not None:
                members[f"sources/{original[len('internal://') :]}"] = data
            else:
                original = None  # the file is not in the original archive either
        _set(el, "path", original)
        holder = None
        has_text_selections = any(_str(c.get("selection_type")) == "PlainTextSelection" for c in codings)
        if kind == "PDFSource" and (text is not None or has_text_selections):
            holder = etree.Element(q + "Representation", guid=_guid(None, "representation", s["guid"]))
    if holder is not None:
        if text is not None:
            member = f"{s['guid']}.txt"
            members[f"sources/{member}"] = text.encode("utf-8")
            holder.set("plainTextPath", f"internal://{member}")
        elif original and kind == "TextSource":
            holder.set("plainTextPath", original)
        else:
            etree.SubElement(holder, q + "PlainTextContent").text = ""

    selections: dict[tuple[str, ...], tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    whole: list[dict[str, Any]] = []
    for c in codings:
        kind_of = _str(c.get("selection_type")) or "Source"
        sel = _str(c.get("selection_guid"))
        if kind_of == "Source" or sel is None:
            whole.append(c)
        else:
            key = (sel, kind_of, *(str(c.get(k)) for k in ("start", "end", "position")))
            selections.setdefault(key, (c, []))[1].append(c)

    def coding(sel_el: Any, c: dict[str, Any]) -> None:
        el_c = etree.SubElement(sel_el, q + "Coding", guid=_guid(c.get("coding_guid"), "coding", str(c)))
        coder = _str(c.get("coder"))
        if coder is not None and coder in user_of:
            el_c.set("creatingUser", user_of[coder])
        _set(el_c, "creationDateTime", c.get("created"), _DATETIME)
        etree.SubElement(
            el_c, q + "CodeRef", targetGUID=_guid(c.get("code_guid"), "code", str(c.get("code_path")))
        )

    def selection(
        tag: str, first: dict[str, Any], attrs: dict[str, str], rows: list[dict[str, Any]], into: Any
    ) -> None:
        sel_el = etree.SubElement(into, q + tag, guid=_guid(first.get("selection_guid"), "selection"))
        for name, value in attrs.items():
            sel_el.set(name, value)
        passage = _str(first.get("text"))
        if tag == "PDFSelection" and passage:
            rep = etree.SubElement(
                sel_el, q + "Representation", guid=_guid(None, "representation", sel_el.get("guid"))
            )
            etree.SubElement(rep, q + "PlainTextContent").text = passage
        for c in rows:
            coding(sel_el, c)

    text_selections = []
    for guid, (first, rows) in selections.items():
        tag = _str(first.get("selection_type"))
        numbers = _numbers(first.get("position"))
        if tag in ("PlainTextSelection", "TranscriptSelection") and _present(first.get("start")):
            text_selections.append((guid, first, rows))
        elif tag == "PDFSelection" and kind == "PDFSource" and numbers and len(numbers) == 5:
            names = ("page", "firstX", "firstY", "secondX", "secondY")
            selection(tag, first, dict(zip(names, map(str, numbers), strict=True)), rows, el)
        elif tag == "PictureSelection" and kind == "PictureSource" and numbers and len(numbers) == 4:
            names = ("firstX", "firstY", "secondX", "secondY")
            selection(tag, first, dict(zip(names, map(str, numbers), strict=True)), rows, el)
        elif (
            tag in ("AudioSelection", "VideoSelection")
            and kind.startswith(tag[:5])
            and numbers
            and len(numbers) == 2
        ):
            selection(tag, first, {"begin": str(numbers[0]), "end": str(numbers[1])}, rows, el)
        else:  # a selection this source cannot hold in the schema: code the whole source instead
            whole.extend(rows)
    target = el if kind == "TextSource" else holder
    for _key, first, rows in text_selections:
        attrs = {"startPosition": str(_int(first.get("start"))), "endPosition": str(_int(first.get("end")))}
        if target is None:
            whole.extend(rows)
            continue
        selection("PlainTextSelection", first, attrs, rows, target)
    if kind == "TextSource":
        for c in whole:
            coding(el, c)
    else:
        if kind == "PDFSource" and holder is not None:
            el.append(holder)
        for c in whole:
            coding(el, c)


class _OriginalMembers:
    """Media files (PDF, pictures, recordings) of the original ``.qdpx``, read safely when asked for."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self.zf: zipfile.ZipFile | None = None

    def __enter__(self) -> _OriginalMembers:
        if self.path is not None and self.path.suffix.lower() == ".qdpx" and self.path.is_file():
            try:
                self.zf = zipfile.ZipFile(self.path)
                from analysis.ingest.safezip import check_archive

                check_archive(self.zf, self.path)
            except Exception:
                self.close()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.zf is not None:
            self.zf.close()
        self.zf = None

    def __call__(self, member: str) -> bytes | None:
        if self.zf is None or ".." in member.split("/") or member.startswith("/"):
            return None
        from analysis.ingest.safezip import read_member

        wanted = {f"sources/{member}".lower(), member.lower()}
        for info in self.zf.infolist():
            if info.filename.replace("\\", "/").lower() in wanted:
                return read_member(self.zf, info.filename, self.path)
        return None


def write_qdpx(dataset: Dataset, path: str | Path) -> Path:
    """Write a REFI-QDA project read by :func:`analysis.ingest.read` back as a ``.qdpx``, atomically.

    Parameters
    ----------
    dataset
        What :func:`analysis.ingest.read` returned for a ``.qdpx`` or ``.qde`` (its ``tables``:
        codes, sources, cases, codings, users, variables, sets).
    path
        The ``.qdpx`` file to write.

    Returns
    -------
    Path
        The file written. The same dataset always gives the same bytes.
    """
    return _write(qdpx_bytes(dataset), path)


def _write(content: bytes, path: str | Path) -> Path:
    from analysis.outputs import Output, write_outputs

    target = Path(path)
    return write_outputs([Output(target.name, content)], target.parent)[0]
