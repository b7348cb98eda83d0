"""The code system as a codebook: counts against a direct count of the project XML, the tree,
projects without codings, codings of unknown codes, and `bruggen codebook project.qdpx`.

The direct count here reads ``project.qde`` with the standard library only (``xml.etree``):
``Code`` elements of the code book, ``Coding`` elements by their ``CodeRef``, and the distinct
sources each code's codings sit in. It shares no code with the reader or with
:mod:`analysis.codesystem`.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import real_file
from rich.console import Console

from analysis import codebook_cli
from analysis.codebook import Codebook
from analysis.codesystem import COLUMNS, code_system
from analysis.errors import BruggenError
from analysis.ingest import read

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "raw" / "interviews.qdpx"
BRUGGEN = [sys.executable, "-c", "from analysis.cli import main; main()"]
NS = "{urn:QDA-XML:project:1.0}"


# -- the independent count ------------------------------------------------------------------------


def project_xml(path: Path) -> bytes:
    """The project.qde of a .qdpx (any capitalisation) or a bare .qde."""
    if path.suffix.lower() == ".qde":
        return path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        (name,) = [n for n in zf.namelist() if "/" not in n and n.lower().endswith(".qde")]
        return zf.read(name)


def direct_count(path: Path) -> dict:
    """Codes, nesting and codings straight from the XML."""
    root = ET.fromstring(project_xml(path))
    codes: dict[str, dict] = {}

    def walk(el, parent, depth):
        for code in el.findall(f"{NS}Code"):
            guid = code.get("guid")
            codes[guid] = {"name": code.get("name"), "parent": parent, "depth": depth, "el": code}
            walk(code, guid, depth + 1)

    walk(root.find(f"{NS}CodeBook/{NS}Codes"), None, 0)
    codings: dict[str, int] = {}
    sources: dict[str, set[str]] = {}
    all_sources: set[str] = set()
    n = 0
    for source in root.find(f"{NS}Sources") or []:
        for coding in source.iter(f"{NS}Coding"):
            ref = coding.find(f"{NS}CodeRef").get("targetGUID")
            n += 1
            codings[ref] = codings.get(ref, 0) + 1
            sources.setdefault(ref, set()).add(source.get("guid"))
            all_sources.add(source.get("guid"))

    def nested_total(guid):
        inside = [c.get("guid") for c in codes[guid]["el"].iter(f"{NS}Code")]
        return (
            sum(codings.get(g, 0) for g in inside),
            len(set().union(*(sources.get(g, set()) for g in inside))),
        )

    return {
        "codes": codes,
        "codings": codings,
        "sources": sources,
        "n": n,
        "documents": len(all_sources),
        "nested_total": nested_total,
    }


def assert_counts_match(path: Path, *, nested_rollups: bool = True) -> None:
    cs = code_system(read(path))
    xml = direct_count(path)
    assert {c.guid for c in cs} == set(xml["codes"])
    assert len(cs) == len(xml["codes"])
    assert cs.codings == xml["n"]
    assert cs.documents == xml["documents"]
    assert cs.orphans == sum(v for k, v in xml["codings"].items() if k not in xml["codes"])
    for code in cs:
        assert code.codings == xml["codings"].get(code.guid, 0), code.name
        assert code.documents == len(xml["sources"].get(code.guid, ())), code.name
        if nested_rollups:
            assert (code.codings_total, code.documents_total) == xml["nested_total"](code.guid), code.name
            assert code.depth == xml["codes"][code.guid]["depth"]
            assert code.parent == xml["codes"][code.guid]["parent"]
    unused = [g for g in xml["codes"] if xml["nested_total"](g)[0] == 0] if nested_rollups else None
    if unused is not None:
        assert sorted(c.guid for c in cs.unused) == sorted(unused)


REAL_PROJECTS = [("qda", "atlasti8_testproject.qdpx"), ("qda", "atlasti23_minimal.qdpx")]


def test_example_counts_equal_the_xml():
    assert_counts_match(EXAMPLE)
    cs = code_system(read(EXAMPLE))
    assert cs.codings > 100 and cs.levels == 2  # the example is a real test, not an empty one


@pytest.mark.parametrize("parts", REAL_PROJECTS, ids=lambda p: p[1])
def test_real_atlas_projects_count_equal_the_xml(parts):
    path = real_file(*parts)
    # ATLAS.ti 8 writes sub-codes flat as "parent::child": roll-ups are checked by hand below.
    assert_counts_match(path, nested_rollups="atlasti8" not in parts[1])


def test_atlas_flat_subcodes_sit_under_their_parent():
    path = real_file("qda", "atlasti8_testproject.qdpx")
    cs = code_system(read(path))
    xml = direct_count(path)
    by_name = {v["name"]: g for g, v in xml["codes"].items()}
    coke = cs[by_name["Coke"]]
    subs = [cs[by_name["Coke::full-fat Coke"]], cs[by_name["Coke::diet Coke"]]]
    assert coke.depth == 0 and all(s.depth == 1 and s.parent == coke.guid for s in subs)
    assert set(cs.subtree(coke.guid)) == {coke.guid, *(s.guid for s in subs)}
    # In the XML these three codes are siblings; the roll-up adds the two "Coke::" codes.
    family = [by_name[n] for n in ("Coke", "Coke::full-fat Coke", "Coke::diet Coke")]
    assert coke.codings_total == sum(xml["codings"].get(g, 0) for g in family)
    assert coke.documents_total == len(set().union(*(xml["sources"].get(g, set()) for g in family)))
    order = [c.guid for c in cs]
    assert order.index(coke.guid) < order.index(subs[0].guid) < order.index(subs[1].guid)
    assert cs.levels == 2 and len(cs) == len(xml["codes"])


def test_tree_order_and_paths_on_the_example():
    cs = code_system(read(EXAMPLE))
    seen: dict[str, int] = {}
    for i, code in enumerate(cs):
        if code.parent is None:
            assert code.depth == 0 and code.path == code.name
        else:
            parent = cs[code.parent]
            assert seen[code.parent] < i  # a parent comes before its sub-codes
            assert code.depth == parent.depth + 1
            assert code.path == f"{parent.path}/{code.name}"
            assert code.guid in parent.children
        seen[code.guid] = i
    table = cs.table
    assert list(table.columns) == list(COLUMNS) and len(table) == len(cs)
    assert table["codings"].sum() + cs.orphans == cs.codings


# -- a small project written here: three levels, long texts, an unknown code ----------------------

LONG = "Samenwerking met informele organisaties in de wijk rond schuldhulp en armoede"  # 77 chars
DESCRIPTION = (
    "Een lange beschrijving die in geen enkele terminal op een regel past, omdat ze uitlegt wanneer "
    "de code wel en wanneer ze niet wordt toegekend, met voorbeelden en uitzonderingen erbij."
)


def small_project(folder: Path, *, orphan: bool = False, codings: bool = True) -> Path:
    c = lambda g, ref: (  # noqa: E731
        f'<Coding guid="{g}"><CodeRef targetGUID="{ref}"/></Coding>' if codings else ""
    )
    unknown = "99999999-9999-4999-8999-999999999999"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="klein" origin="test">
 <CodeBook><Codes>
  <Code guid="00000000-0000-4000-8000-000000000001" name="top" isCodable="false" color="#112233">
   <Code guid="00000000-0000-4000-8000-000000000002" name="{LONG}" isCodable="true" color="#445566">
    <Description>{DESCRIPTION}</Description>
    <Code guid="00000000-0000-4000-8000-000000000003" name="diep" isCodable="true"/>
   </Code>
   <Code guid="00000000-0000-4000-8000-000000000004" name="leeg" isCodable="true"/>
  </Code>
  <Code guid="00000000-0000-4000-8000-000000000005" name="los" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="10000000-0000-4000-8000-000000000001" name="een.txt">
   <PlainTextContent>abcdefghij</PlainTextContent>
   <PlainTextSelection guid="20000000-0000-4000-8000-000000000001" startPosition="0" endPosition="3">
    {c("30000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002")}
    {c("30000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003")}
   </PlainTextSelection>
   <PlainTextSelection guid="20000000-0000-4000-8000-000000000002" startPosition="4" endPosition="6">
    {c("30000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-000000000003")}
    {c("30000000-0000-4000-8000-000000000004", unknown if orphan else "00000000-0000-4000-8000-000000000005")}
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="10000000-0000-4000-8000-000000000002" name="twee.txt">
   <PlainTextContent>klmnopqrst</PlainTextContent>
   <PlainTextSelection guid="20000000-0000-4000-8000-000000000003" startPosition="1" endPosition="5">
    {c("30000000-0000-4000-8000-000000000005", "00000000-0000-4000-8000-000000000003")}
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>
"""
    path = folder / "klein.qde"
    path.write_text(xml, encoding="utf-8")
    return path


def test_three_levels_and_rollups(tmp_path):
    path = small_project(tmp_path)
    assert_counts_match(path)
    cs = code_system(read(path))
    assert [c.name for c in cs] == ["top", LONG, "diep", "leeg", "los"]
    assert [c.depth for c in cs] == [0, 1, 2, 1, 0] and cs.levels == 3
    top, long_, deep, empty, loose = cs
    assert (deep.codings, deep.documents) == (3, 2)
    assert (long_.codings, long_.documents, long_.codings_total, long_.documents_total) == (1, 1, 4, 2)
    # "top" has no codings of its own; its two documents are counted once.
    assert (top.codings, top.codings_total, top.documents_total) == (0, 4, 2)
    assert not top.codable and long_.codable
    assert cs.unused == (empty,) and (loose.codings, loose.codings_total) == (1, 1)
    assert cs.subtree(top.guid) == (top.guid, long_.guid, deep.guid, empty.guid)
    assert cs.ancestors(deep.guid) == (long_.guid, top.guid) and cs.ancestors(top.guid) == ()
    with pytest.raises(KeyError):
        cs.subtree("no such code")
    assert cs.summary() == (
        "5 codes in 3 levels, 5 codings in 2 documents; 1 code without codings; "
        "1 of the codes is a category (not codable)"
    )
    assert [c.name for c in cs.categories] == [top.name]
    assert cs[f"top/{LONG}/diep"] is deep and cs["los"] is loose


def test_codings_of_unknown_codes_are_counted_not_dropped(tmp_path):
    path = small_project(tmp_path, orphan=True)
    dataset = read(path)
    cs = code_system(dataset)
    assert cs.orphans == 1 and cs.orphan_refs == ("99999999-9999-4999-8999-999999999999",)
    assert cs.codings == 5 and cs["los"].codings == 0
    assert sum(c.codings for c in cs) + cs.orphans == len(dataset.tables["codings"])
    assert_counts_match(path)
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    codebook_cli.run(path, console=c)
    assert "1 coding(s) refer to codes that are not in the code system" in c.export_text()
    assert cs.to_dict()["orphan_codings"] == 1


def without_codings(source: Path, target: Path) -> Path:
    """A copy of a .qdpx with every Coding element removed (a project nobody coded yet)."""
    ET.register_namespace("", NS.strip("{}"))
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if "/" not in info.filename and info.filename.lower().endswith(".qde"):
                root = ET.fromstring(data)
                for parent in root.iter():
                    for coding in parent.findall(f"{NS}Coding"):
                        parent.remove(coding)
                data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            zout.writestr(info.filename, data)
    return target


def test_a_project_without_codings_lists_every_code_with_zero(tmp_path):
    path = without_codings(EXAMPLE, tmp_path / "ongecodeerd.qdpx")
    xml = direct_count(path)
    assert xml["n"] == 0 and len(xml["codes"]) > 10
    cs = code_system(read(path))
    assert len(cs) == len(xml["codes"]) and cs.codings == 0 and cs.documents == 0
    assert all(c.codings == c.documents == c.codings_total == c.documents_total == 0 for c in cs)
    assert len(cs.unused) == len(cs)
    result = bruggen("codebook", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"{len(cs)} codes in 2 levels, 0 codings in 0 documents; {len(cs)} codes without codings" in (
        " ".join(out.split())
    )
    assert "There are no codings yet" in out and "the project has no codings" not in out
    for code in xml["codes"].values():
        assert code["name"] in out


# -- other inputs -----------------------------------------------------------------------------------


def test_a_codings_table_has_a_code_system(tmp_path):
    table = tmp_path / "coderingen.csv"
    pd.DataFrame(
        {
            "document": ["a.docx", "a.docx", "b.docx", "b.docx"],
            "code": ["thema/sub", "thema/sub", "thema/sub", "thema"],
            "start": [0, 5, 0, 1],
            "end": [3, 8, 2, 4],
        }
    ).to_csv(table, index=False)
    cs = code_system(read(table, dialect="codings"))
    assert [(c.path, c.depth) for c in cs] == [("thema", 0), ("thema/sub", 1)]
    thema, sub = cs
    assert (sub.codings, sub.documents) == (3, 2)
    assert (thema.codings, thema.codings_total, thema.documents_total) == (1, 4, 2)


def test_a_survey_file_has_no_code_system(tmp_path):
    path = tmp_path / "enquete.csv"
    path.write_text("id,leeftijd\n1,30\n", encoding="utf-8")
    with pytest.raises(BruggenError, match="no code system"):
        code_system(read(path))


# -- the command ------------------------------------------------------------------------------------


def bruggen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    return subprocess.run([*BRUGGEN, *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_the_command_shows_the_code_system_at_80_columns(tmp_path):
    result = bruggen("codebook", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    xml = direct_count(EXAMPLE)
    tops = sum(1 for c in xml["codes"].values() if c["parent"] is None)
    assert tops > 1
    header = " ".join(out.split("code  ")[0].split())
    assert header.startswith(
        f"interviews.qdpx: {len(xml['codes'])} codes in 2 levels, {xml['n']} codings in "
        f"{xml['documents']} documents; 0 codes without codings"
    )
    cs = code_system(read(EXAMPLE))
    for code in cs:
        # Every code on its own line, indented by its depth, with its colour and own counts.
        row = [line for line in lines if line.startswith("  " * code.depth + code.name)]
        assert row, code.name
        numbers = re.findall(r"(\d+)", row[0][len("  " * code.depth + code.name) :].replace(code.color, ""))
        assert numbers[:2] == [str(code.codings), str(code.documents)], code.name
        assert f"\u25a0 {code.color}" in row[0]
        if code.children:
            assert f"{code.codings_total} in {code.documents_total}" in row[0]
    assert "--variables" in out and "GUID of the coding" not in out
    with_table = bruggen("codebook", str(EXAMPLE), "--variables", cwd=tmp_path)
    assert "GUID of the coding" in with_table.stdout and "codings table" in with_table.stdout


def test_long_names_and_descriptions_fit_80_columns(tmp_path):
    path = small_project(tmp_path)
    c = Console(file=io.StringIO(), width=80, record=True, color_system=None)
    codebook_cli.run(path, console=c)
    text = c.export_text()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    squashed = "".join(text.split())
    # The long name whole, folded within the name column (left of the colour column).
    name_column = next(line for line in lines if "colour" in line).index("colour")
    assert "".join(LONG.split()) in "".join("".join(line[:name_column].split()) for line in lines)
    assert "".join(DESCRIPTION.split())[:60] in squashed and "\u2026" in text  # cut, and says so
    assert "\n    diep" in text  # third level, indented twice


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_exports_carry_the_code_system(tmp_path, fmt):
    result = bruggen("codebook", str(EXAMPLE), "--format", fmt, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout) if fmt == "json" else yaml.safe_load(result.stdout)
    xml = direct_count(EXAMPLE)
    system = data["code_system"]
    assert system["codes"] == len(xml["codes"]) and system["codings"] == xml["n"]
    assert system["documents"] == xml["documents"] and system["orphan_codings"] == 0
    for entry in system["code_list"]:
        assert entry["codings"] == xml["codings"].get(entry["guid"], 0)
        assert entry["documents_total"] == xml["nested_total"](entry["guid"])[1]
    # The export is still a codebook of the codings table that Bruggen reads back.
    book = Codebook.from_dict(data)
    assert "code_guid" in book and book.dataset == "interviews"


def test_html_data_dictionary_gains_the_code_system(tmp_path):
    target = tmp_path / "codeboek.html"
    path = real_file("qda", "atlasti8_testproject.qdpx")
    result = bruggen("codebook", str(path), "--format", "html", "-o", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.index("<h2>Variabelen</h2>") < page.index('<section id="code-system"><h2>Codesysteem</h2>')
    assert page.rstrip().endswith("</html>") and "<script" not in page
    section = page[page.index('<section id="code-system">') :]
    cs = code_system(read(path))
    for code in cs:
        assert f">{code.name}<" in unescape(section)
        if code.color:
            # Colour as a swatch for the eye and as text for everyone else.
            assert f'background:{code.color}" aria-hidden="true"></span><code>{code.color}</code>' in section
    assert section.count('<th scope="row"') == len(cs)
    assert "14 codes in 2 niveau('s), 16 coderingen in 6 documenten; 4 codes zonder coderingen." in unescape(
        section
    )
    assert ".swatch{" in page


def test_a_project_without_codings_in_html(tmp_path):
    path = real_file("qda", "atlasti23_minimal.qdpx")
    html = code_system(read(path)).to_html(lang="en")
    assert "This project has no codings yet" in html and html.count('<th scope="row"') == 3


TAGUETTE = ROOT / "tests" / "reference" / "taguette" / "interviews.sqlite3"


def test_a_taguette_project_counts_equal_its_database(tmp_path):
    """The same code system from a Taguette export, once engineer A's reader is in the tree."""
    if not TAGUETTE.exists():
        pytest.skip("the Taguette fixture (tests/reference/taguette) is not in this tree")
    pytest.importorskip("analysis.ingest.qda_sqlite")
    import sqlite3

    with sqlite3.connect(f"file:{TAGUETTE}?mode=ro&immutable=1", uri=True) as db:
        rows = db.execute(
            "SELECT t.path, COUNT(*), COUNT(DISTINCT h.document_id) FROM tags t "
            "JOIN highlight_tags ht ON ht.tag_id = t.id JOIN highlights h ON h.id = ht.highlight_id "
            "GROUP BY t.path"
        ).fetchall()
        tags = [path for (path,) in db.execute("SELECT path FROM tags")]
        n = db.execute("SELECT COUNT(*) FROM highlight_tags").fetchone()[0]
    cs = code_system(read(TAGUETTE))
    by_path = {c.path: c for c in cs}
    assert cs.codings == n and cs.orphans == 0
    assert {t.replace(".", "/") for t in tags} <= set(by_path)  # every tag, also unused ones
    for path, codings, documents in rows:
        code = by_path[path.replace(".", "/")]
        assert (code.codings, code.documents) == (codings, documents), path
    result = bruggen("codebook", str(TAGUETTE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert f"{len(cs)} codes in {cs.levels} levels, {n} codings" in " ".join(result.stdout.split())


def test_a_damaged_code_table_still_gives_every_code_once():
    """A parent loop, a parent that is not a code and a coding without a code (hand-made tables)."""
    from analysis.ingest.dataset import Dataset

    codes = pd.DataFrame(
        {
            "guid": ["a", "b", "c", "d"],
            "name": ["a", "b", "c", "d"],
            "parent": ["b", "a", "gone", None],  # a and b hold each other; c's parent is missing
            "path": ["a", "b", "c", "d"],
        }
    )
    codings = pd.DataFrame({"code_guid": ["a", "b", "d", None], "source_guid": ["s1", "s2", "s1", "s3"]})
    dataset = Dataset(
        frame=codings,
        codebook=Codebook(dataset="kapot", variables=()),
        tables={"codes": codes, "codings": codings},
    )
    cs = code_system(dataset)
    assert sorted(c.guid for c in cs) == ["a", "b", "c", "d"]
    assert cs["c"].parent is None and cs["c"].depth == 0
    assert {cs["a"].parent, cs["b"].parent} == {None, "a"} or {cs["a"].parent, cs["b"].parent} == {None, "b"}
    assert cs.codings == 4 and cs.documents == 3 and cs.orphans == 1 and cs.orphan_refs == ("",)
    assert sum(c.codings for c in cs) == 3
