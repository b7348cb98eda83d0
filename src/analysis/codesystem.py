"""The code system of an interview project as a codebook: every code with its counts.

A qualitative researcher's codebook is the code system: each code with its place in the
hierarchy, its description and colour, and how often it was applied, in how many documents,
also for the codes nobody applied yet. :func:`code_system` builds it from the
:class:`~analysis.ingest.dataset.Dataset` that :func:`analysis.ingest.read` returns for a
REFI-QDA project (``.qdpx``/``.qde``), a QualCoder or Taguette project, or a codings table:
its ``tables["codes"]`` (guid, name, parent, path, description, color, is_codable) and
``tables["codings"]`` (one row per coding, with ``code_guid`` and ``source_guid``/``document``).

>>> from analysis.ingest import read                               # doctest: +SKIP
>>> cs = code_system(read("project.qdpx"))                         # doctest: +SKIP
>>> cs.table[["path", "codings", "documents", "codings_total"]]    # doctest: +SKIP
>>> cs.subtree(guid)       # the guids of a code and all its sub-codes, for roll-ups
>>> cs.ancestors(guid)     # the guids above a code, parent first

Counting rules
--------------
- ``codings``: the codings of the code itself (rows of the codings table with its GUID).
- ``documents``: the distinct documents (sources) with at least one of those codings.
- ``codings_total``: the codings of the code and all its sub-codes added up (a passage coded
  with a parent and a sub-code counts twice, once per coding).
- ``documents_total``: the distinct documents with a coding of the code or a sub-code: a
  document is counted once, however many of the codes it carries.
- A code's parent is the code that holds it in the project (``parent``). ATLAS.ti writes
  sub-codes of a flat code list as ``parent::child`` without nesting them; such a code is placed
  under the code whose path is its path's prefix, when the project has that code.
- Codings whose code is not in the code system are not dropped: :attr:`CodeSystem.orphans`
  counts them and :attr:`CodeSystem.orphan_refs` lists the code references they carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError

if TYPE_CHECKING:
    import pandas as pd

    from analysis.ingest.dataset import Dataset

__all__ = ["COLUMNS", "Code", "CodeSystem", "code_system"]

#: The columns of :attr:`CodeSystem.table`, in order.
COLUMNS = (
    "guid",
    "name",
    "parent",
    "path",
    "depth",
    "description",
    "color",
    "codable",
    "codings",
    "documents",
    "codings_total",
    "documents_total",
)


@dataclass(frozen=True)
class Code:
    """One code of the code system, with its counts (see the module's counting rules).

    Attributes
    ----------
    guid, name, path
        The code's GUID, its name as the project writes it, and its path of names from the top
        (``parent/child``).
    parent
        The GUID of the code it sits under, ``None`` for a top-level code.
    depth
        0 for a top-level code, 1 for its sub-codes, and so on.
    description, color
        The code's description (``""`` when it has none) and colour (``#RRGGBB`` or ``None``).
    codable
        Whether the project lets coders apply it (a category may be a heading only).
    children
        The GUIDs of its direct sub-codes, in the project's order.
    codings, documents
        Its own codings and the documents they are in.
    codings_total, documents_total
        The same over the code and all its sub-codes (a document counted once).
    """

    guid: str
    name: str
    parent: str | None
    path: str
    depth: int
    description: str
    color: str | None
    codable: bool
    children: tuple[str, ...]
    codings: int
    documents: int
    codings_total: int
    documents_total: int

    def to_dict(self) -> dict[str, Any]:
        """The code as plain values (for YAML and JSON), in the order of :data:`COLUMNS`."""
        return {c: getattr(self, c) for c in COLUMNS}


@dataclass(frozen=True)
class CodeSystem:
    """Every code of a project in tree order, with own and rolled-up counts.

    Attributes
    ----------
    codes
        The codes, depth first: each code followed by its sub-codes, siblings in the project's
        order.
    codings
        The number of codings in the project (all rows of the codings table, orphans included).
    documents
        The number of distinct documents with at least one coding.
    orphans
        The number of codings whose code is not in the code system (or that name no code).
    orphan_refs
        The code references those codings carry, sorted (empty text for a coding without one).
    title
        The project's name, for headings.
    """

    codes: tuple[Code, ...]
    codings: int
    documents: int
    orphans: int = 0
    orphan_refs: tuple[str, ...] = ()
    title: str = ""

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, key: str) -> Code:
        """The code with this GUID, or else this path (``parent/child``) or name."""
        for attr in ("guid", "path", "name"):
            for code in self.codes:
                if getattr(code, attr) == key:
                    return code
        raise KeyError(key)

    @property
    def levels(self) -> int:
        """The number of levels of the hierarchy (1 for a flat list, 0 without codes)."""
        return max((c.depth for c in self.codes), default=-1) + 1

    @property
    def categories(self) -> tuple[Code, ...]:
        """Codes that only group others and cannot be applied (QualCoder's categories, Taguette's
        missing parents, REFI-QDA codes with ``isCodable="false"``)."""
        return tuple(c for c in self.codes if not c.codable)

    @property
    def unused(self) -> tuple[Code, ...]:
        """The codes with no codings, neither of their own nor of a sub-code."""
        return tuple(c for c in self.codes if c.codings_total == 0)

    def subtree(self, guid: str) -> tuple[str, ...]:
        """The GUIDs of a code and all codes below it, in tree order (for roll-ups).

        Raises
        ------
        KeyError
            No code has this GUID.
        """
        by_guid = {c.guid: c for c in self.codes}
        if guid not in by_guid:
            raise KeyError(guid)
        out: list[str] = []
        stack = [guid]
        while stack:
            here = stack.pop()
            out.append(here)
            stack.extend(reversed(by_guid[here].children))
        return tuple(out)

    def ancestors(self, guid: str) -> tuple[str, ...]:
        """The GUIDs of the codes above a code, its parent first and its top-level code last.

        Raises
        ------
        KeyError
            No code has this GUID.
        """
        by_guid = {c.guid: c for c in self.codes}
        out: list[str] = []
        here = by_guid[guid].parent
        while here is not None:
            out.append(here)
            here = by_guid[here].parent
        return tuple(out)

    @property
    def table(self) -> pd.DataFrame:
        """One row per code in tree order, with the columns of :data:`COLUMNS`.

        ``codings``/``documents`` count the code's own codings; ``codings_total`` and
        ``documents_total`` include its sub-codes.
        """
        import pandas as pd

        frame = pd.DataFrame([c.to_dict() for c in self.codes], columns=list(COLUMNS))
        for col in ("depth", "codings", "documents", "codings_total", "documents_total"):
            frame[col] = frame[col].astype("int64")
        frame["codable"] = frame["codable"].astype("bool")
        return frame

    def summary(self) -> str:
        """One line for a researcher: codes, levels, codings, documents, unused codes."""
        n, groups = len(self.codes), len(self.categories)
        text = (
            f"{n} code{'s' if n != 1 else ''} in {self.levels} level{'s' if self.levels != 1 else ''}, "
            f"{self.codings} coding{'s' if self.codings != 1 else ''} in {self.documents} "
            f"document{'s' if self.documents != 1 else ''}; {len(self.unused)} "
            f"code{'s' if len(self.unused) != 1 else ''} without codings"
        )
        if groups:
            text += f"; {groups} of the codes {'are categories' if groups != 1 else 'is a category'} (not codable)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The code system as plain values: totals, then one entry per code in tree order."""
        return {
            "codes": len(self.codes),
            "levels": self.levels,
            "codings": self.codings,
            "documents": self.documents,
            "codes_without_codings": len(self.unused),
            "categories": len(self.categories),
            "orphan_codings": self.orphans,
            **({"orphan_code_refs": list(self.orphan_refs)} if self.orphan_refs else {}),
            "code_list": [c.to_dict() for c in self.codes],
        }

    def to_html(self, *, lang: str = "nl") -> str:
        """The code system as an HTML section for the data dictionary.

        Each code's colour is shown as a swatch *and* as its hex value, so the page does not
        depend on seeing colour; the hierarchy is shown by indentation and by the path in the
        swatch's title. Wording comes from the ``codesystem`` section of the text files.
        """
        from analysis.text import LANGUAGES, words

        t = words(lang if lang in LANGUAGES else "en", "codesystem")
        parts = [
            f'<section id="code-system"><h2>{escape(t["title"])}</h2>',
            "<p>"
            + escape(
                t["summary"].format(
                    codes=len(self.codes),
                    levels=self.levels,
                    codings=self.codings,
                    documents=self.documents,
                    unused=len(self.unused),
                )
            )
            + "</p>",
        ]
        if self.codings == 0:
            parts.append(f"<p><strong>{escape(t['no_codings'])}</strong></p>")
        if self.orphans:
            parts.append(f"<p>{escape(t['orphans'].format(n=self.orphans))}</p>")
        parts.append(
            "<table><thead><tr>"
            f'<th scope="col">{escape(t["code"])}</th><th scope="col">{escape(t["colour"])}</th>'
            f'<th scope="col">{escape(t["codings"])}</th><th scope="col">{escape(t["documents"])}</th>'
            f'<th scope="col">{escape(t["codings_total"])}</th>'
            f'<th scope="col">{escape(t["documents_total"])}</th>'
            f'<th scope="col">{escape(t["description"])}</th></tr></thead><tbody>'
        )
        for c in self.codes:
            colour = ""
            if c.color:
                colour = (
                    f'<span class="swatch" style="background:{escape(c.color)}" aria-hidden="true"></span>'
                    f"<code>{escape(c.color)}</code>"
                )
            heading = "" if c.codable else f' <span class="tag">{escape(t["not_codable"])}</span>'
            parts.append(
                "<tr>"
                f'<th scope="row" style="padding-left:{0.5 + 1.5 * c.depth:.1f}rem;font-weight:'
                f'{"600" if c.children else "normal"}" title="{escape(c.path)}">{escape(c.name)}{heading}</th>'
                f'<td class="colour">{colour}</td><td class="n">{c.codings}</td><td class="n">{c.documents}</td>'
                f'<td class="n">{c.codings_total}</td><td class="n">{c.documents_total}</td>'
                f"<td>{escape(c.description)}</td></tr>"
            )
        parts.append("</tbody></table></section>")
        return "\n".join(parts)


#: CSS for :meth:`CodeSystem.to_html` (the data dictionary adds it to its own).
CSS = (
    ".swatch{display:inline-block;width:.9rem;height:.9rem;border:1px solid #555;"
    "border-radius:.15rem;vertical-align:-.1rem;margin-right:.3rem}"
    "#code-system th[scope=row]{background:none;position:static}"
    "#code-system td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "#code-system td.colour{white-space:nowrap}"
)


def _text(value: Any) -> str:
    """A cell as text, ``""`` for a missing value."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def code_system(dataset: Dataset) -> CodeSystem:
    """The code system of a project: every code in tree order with its counts.

    Parameters
    ----------
    dataset
        What :func:`analysis.ingest.read` returned for a QDA project or a codings table: it
        needs ``tables["codes"]`` (guid, name, parent, path; description, color and
        is_codable when the project has them) and ``tables["codings"]`` (code_guid and
        source_guid or document).

    Returns
    -------
    CodeSystem
        The codes depth first, each with own and rolled-up counts of codings and documents
        (see the module docstring), the project's totals and the codings whose code is not in
        the code system. A project without codings gives every code with zeros.

    Raises
    ------
    BruggenError
        The dataset has no code system (a survey file or a plain transcript).
    """
    tables = dataset.tables or {}
    if "codes" not in tables:
        raise BruggenError(
            "this file has no code system (it is not a QDA project or a codings table)",
            path=dataset.path,
            hint="give a REFI-QDA project (.qdpx, .qde), a QualCoder or Taguette project, or a codings table",
        )
    codes = tables["codes"]
    codings = tables.get("codings")
    records = [
        {
            "guid": _text(row.get("guid")),
            "name": _text(row.get("name")),
            "parent": _text(row.get("parent")) or None,
            "path": _text(row.get("path")) or _text(row.get("name")),
            "description": _text(row.get("description")).strip(),
            "color": _text(row.get("color")) or None,
            "codable": row.get("is_codable") is not False and _text(row.get("is_codable")).lower() != "false",
        }
        for row in codes.to_dict("records")
    ]
    known = {r["guid"] for r in records}
    by_path: dict[str, str] = {}
    for r in records:
        by_path.setdefault(r["path"], r["guid"])
    for r in records:
        if r["parent"] not in known or r["parent"] == r["guid"]:
            r["parent"] = None
            prefix = r["path"].rsplit("/", 1)[0] if "/" in r["path"] else None
            if prefix is not None and by_path.get(prefix) not in (None, r["guid"]):
                r["parent"] = by_path[prefix]
    # A parent chain that loops (a damaged project) is cut where it closes.
    parent_of = {r["guid"]: r["parent"] for r in records}
    for r in records:
        seen = {r["guid"]}
        here = r["parent"]
        while here is not None:
            if here in seen:
                r["parent"] = None
                parent_of[r["guid"]] = None
                break
            seen.add(here)
            here = parent_of.get(here)
    children: dict[str | None, list[str]] = {}
    for r in records:
        children.setdefault(r["parent"], []).append(r["guid"])

    own_codings: dict[str, int] = {}
    own_docs: dict[str, set[str]] = {}
    total = documents = orphans = 0
    orphan_refs: set[str] = set()
    if codings is not None and len(codings):
        doc_col = "source_guid" if "source_guid" in codings.columns else "document"
        refs = [_text(x) for x in codings["code_guid"]] if "code_guid" in codings.columns else None
        docs = [_text(x) for x in codings[doc_col]]
        total = len(docs)
        documents = len({d for d in docs if d})
        for i, doc in enumerate(docs):
            ref = refs[i] if refs is not None else ""
            if ref not in known:
                orphans += 1
                orphan_refs.add(ref)
                continue
            own_codings[ref] = own_codings.get(ref, 0) + 1
            if doc:
                own_docs.setdefault(ref, set()).add(doc)

    out: list[Code] = []

    def visit(guid: str, depth: int) -> set[str]:
        r = records[index[guid]]
        slot = len(out)
        out.append(None)  # type: ignore[arg-type]  # filled in below, after the sub-codes
        docs = set(own_docs.get(guid, set()))
        subtotal = own_codings.get(guid, 0)
        for child in children.get(guid, []):
            docs |= visit(child, depth + 1)
            subtotal += out[positions[child]].codings_total
        positions[guid] = slot
        out[slot] = Code(
            guid=guid,
            name=r["name"],
            parent=r["parent"],
            path=r["path"],
            depth=depth,
            description=r["description"],
            color=r["color"],
            codable=r["codable"],
            children=tuple(children.get(guid, [])),
            codings=own_codings.get(guid, 0),
            documents=len(own_docs.get(guid, ())),
            codings_total=subtotal,
            documents_total=len(docs),
        )
        return docs

    index = {r["guid"]: i for i, r in enumerate(records)}
    positions: dict[str, int] = {}
    for root in children.get(None, []):
        visit(root, 0)
    title = dataset.codebook.title if dataset.codebook is not None else ""
    return CodeSystem(
        codes=tuple(out),
        codings=total,
        documents=documents,
        orphans=orphans,
        orphan_refs=tuple(sorted(orphan_refs)),
        title=title or "",
    )
