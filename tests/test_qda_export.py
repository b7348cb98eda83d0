"""Export back to the QDA package: the code system as .qdc, the project as .qdpx (issue 12)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REALDATA, ROOT, real_file
from lxml import etree

from analysis.ingest import read
from analysis.qda_export import CODEBOOK_NS, qdc_bytes, qdpx_bytes, write_qdc, write_qdpx

EXAMPLE = ROOT / "data" / "raw" / "interviews.qdpx"
PROJECT_XSD = REALDATA / "qda" / "REFI-QDA-Project-mrt2019.xsd"

#: The codebook schema of REFI-QDA 1.5, section 5.2 (Codebook.xsd v1.0), transcribed from the
#: standard (REFI-QDA-1-5.pdf); only the project schema ships as a file.
CODEBOOK_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  targetNamespace="urn:QDA-XML:codebook:1.0" elementFormDefault="qualified"
  attributeFormDefault="unqualified" version="1.0">
  <xsd:element name="CodeBook" type="CodeBookType"/>
  <xsd:complexType name="CodeBookType">
    <xsd:sequence>
      <xsd:element name="Codes" type="CodesType"/>
      <xsd:element name="Sets" type="SetsType" minOccurs="0"/>
    </xsd:sequence>
    <xsd:attribute name="origin" type="xsd:string"/>
  </xsd:complexType>
  <xsd:complexType name="CodesType">
    <xsd:sequence><xsd:element name="Code" type="CodeType" maxOccurs="unbounded"/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="SetsType">
    <xsd:sequence><xsd:element name="Set" type="SetType" maxOccurs="unbounded"/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="CodeType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="Code" type="CodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
    <xsd:attribute name="isCodable" type="xsd:boolean" use="required"/>
    <xsd:attribute name="color" type="RGBType"/>
  </xsd:complexType>
  <xsd:complexType name="SetType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="MemberCode" type="MemberCodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
  </xsd:complexType>
  <xsd:complexType name="MemberCodeType">
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
  </xsd:complexType>
  <xsd:simpleType name="GUIDType">
    <xsd:restriction base="xsd:token">
      <xsd:pattern value="([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\})"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="RGBType">
    <xsd:restriction base="xsd:token">
      <xsd:pattern value="#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})"/>
    </xsd:restriction>
  </xsd:simpleType>
</xsd:schema>
"""

#: What must survive the round trip: the codings table without its order.
COMPARED = [
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
    "coder",
    "created",
    "selection_guid",
    "selection_type",
    "position",
    "coding_guid",
]


def project_schema() -> etree.XMLSchema:
    if not PROJECT_XSD.exists():
        pytest.skip(f"the REFI-QDA schema is not here ({PROJECT_XSD}); it sits beside the repository in CI")
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


def codebook_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(CODEBOOK_XSD.encode("utf-8")))


def assert_valid_project(path: Path) -> etree._Element:
    schema = project_schema()
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    assert schema.validate(etree.ElementTree(root)), str(schema.error_log)
    return root


def sorted_codings(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in frame.columns if c not in ("text",)] + ["text"]
    out = frame[columns].astype(object).where(frame[columns].notna(), None)
    return out.sort_values(["coding_guid", "code_guid"]).reset_index(drop=True)


def assert_same_codings(before, after) -> None:
    a, b = sorted_codings(before.codes), sorted_codings(after.codes)
    assert list(before.codes.columns) == list(after.codes.columns)
    assert len(a) == len(b)
    for column in a.columns:
        assert a[column].tolist() == b[column].tolist(), column
    assert set(COMPARED) <= set(a.columns)


def roundtrip(source: Path, tmp_path: Path):
    before = read(source)
    target = write_qdpx(before, tmp_path / "export.qdpx")
    assert target == tmp_path / "export.qdpx"
    return before, target, read(target)


# -- the example ------------------------------------------------------------------------------------


def test_example_project_roundtrip(tmp_path):
    before, _, after = roundtrip(EXAMPLE, tmp_path)
    assert len(before.codes) > 500
    assert_same_codings(before, after)
    # case attributes come back on the cases, with the variables' types
    cases_before = before.tables["cases"].sort_values("guid").reset_index(drop=True)
    cases_after = after.tables["cases"].sort_values("guid").reset_index(drop=True)
    pd.testing.assert_frame_equal(cases_before, cases_after)
    pd.testing.assert_frame_equal(before.tables["codes"], after.tables["codes"])
    pd.testing.assert_frame_equal(before.tables["variables"], after.tables["variables"])
    assert before.tables["sources"]["text"].tolist() == after.tables["sources"]["text"].tolist()
    assert after.warnings == ()


@pytest.mark.realdata
def test_example_project_validates(tmp_path):
    _, target, _ = roundtrip(EXAMPLE, tmp_path)
    root = assert_valid_project(target)
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        assert names[0] == "project.qde"
        assert names[1:] == sorted(names[1:])
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
    assert len(names) - 1 == len(root.findall(".//{*}TextSource"))


def test_same_input_same_bytes(tmp_path):
    dataset = read(EXAMPLE)
    first = write_qdpx(dataset, tmp_path / "a.qdpx").read_bytes()
    second = write_qdpx(read(EXAMPLE), tmp_path / "b.qdpx").read_bytes()
    assert first == second == qdpx_bytes(dataset)
    assert (
        qdc_bytes(dataset.tables["codes"])
        == write_qdc(dataset.tables["codes"], tmp_path / "c.qdc").read_bytes()
    )


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    dataset = read(EXAMPLE)
    (tmp_path / "export.qdpx").write_bytes(b"old")
    write_qdpx(dataset, tmp_path / "export.qdpx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.qdpx"]
    assert zipfile.is_zipfile(tmp_path / "export.qdpx")


# -- the codebook -----------------------------------------------------------------------------------


def _qdc_codes(path: Path) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(guid, name, parent guid, colour, description) of every code in a .qdc."""
    root = etree.parse(str(path)).getroot()
    out = []
    for code in root.iter(f"{{{CODEBOOK_NS}}}Code"):
        parent = code.getparent()
        description = code.find(f"{{{CODEBOOK_NS}}}Description")
        out.append(
            (
                code.get("guid"),
                code.get("name"),
                parent.get("guid") if parent.tag.endswith("}Code") else None,
                code.get("color"),
                description.text if description is not None else None,
            )
        )
    return out


def _table_codes(codes: pd.DataFrame) -> list[tuple[str, str, str | None, str | None, str | None]]:
    def v(x):
        return None if pd.isna(x) or x == "" else x

    return [
        (r.guid, r.name, v(r.parent), v(r.color), v(r.description)) for r in codes.itertuples(index=False)
    ]


def test_qdc_of_the_example_holds_every_code(tmp_path):
    dataset = read(EXAMPLE)
    codes = dataset.tables["codes"]
    target = write_qdc(codes, tmp_path / "codes.qdc")
    schema = codebook_schema()
    doc = etree.parse(str(target))
    assert schema.validate(doc), str(schema.error_log)
    assert doc.getroot().tag == f"{{{CODEBOOK_NS}}}CodeBook"
    assert sorted(_qdc_codes(target)) == sorted(_table_codes(codes))
    # codes nobody applied are there too (the family folders are not codable and have no codings)
    unused = set(codes["guid"]) - set(dataset.codes["code_guid"])
    assert unused
    assert unused <= {g for g, *_ in _qdc_codes(target)}
    folders = codes.loc[~codes["is_codable"].astype(bool), "guid"]
    root = doc.getroot()
    for guid in folders:
        assert root.find(f".//{{{CODEBOOK_NS}}}Code[@guid='{guid}']").get("isCodable") == "false"


def test_qdc_codebook_part_validates_against_the_project_schema(tmp_path):
    """The same <Codes> inside a minimal project validate against the project XSD's CodeBook part."""
    schema = project_schema()
    codes = read(EXAMPLE).tables["codes"]
    qdc = etree.fromstring(qdc_bytes(codes))
    text = etree.tostring(qdc).decode("utf-8").replace(CODEBOOK_NS, "urn:QDA-XML:project:1.0")
    book = etree.fromstring(text.encode("utf-8"))
    del book.attrib["origin"]
    project = etree.Element(
        "{urn:QDA-XML:project:1.0}Project", name="t", nsmap={None: "urn:QDA-XML:project:1.0"}
    )
    project.append(book)
    assert schema.validate(etree.ElementTree(project)), str(schema.error_log)


def test_qdc_of_a_codings_table_without_project(tmp_path):
    """A codings table's codes (parents derived from ``parent/child``) also give a valid codebook."""
    codes = pd.DataFrame(
        {
            "guid": ["A0000000-0000-4000-8000-000000000001", "A0000000-0000-4000-8000-000000000002"],
            "name": ["ouder", "kind"],
            "parent": [None, "A0000000-0000-4000-8000-000000000001"],
            "path": ["ouder", "ouder/kind"],
            "description": [None, "een kind"],
            "color": [None, "not a colour"],
        }
    )
    target = write_qdc(codes, tmp_path / "c.qdc")
    assert codebook_schema().validate(etree.parse(str(target)))
    assert [(g, n, p) for g, n, p, *_ in _qdc_codes(target)] == [
        ("A0000000-0000-4000-8000-000000000001", "ouder", None),
        ("A0000000-0000-4000-8000-000000000002", "kind", "A0000000-0000-4000-8000-000000000001"),
    ]
    empty = write_qdc(codes.iloc[:0], tmp_path / "empty.qdc")
    assert codebook_schema().validate(etree.parse(str(empty)))


# -- real ATLAS.ti projects -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["atlasti8_testproject.qdpx", "atlasti23_minimal.qdpx"])
def test_real_atlasti_projects_roundtrip(name, tmp_path):
    source = real_file("qda", name)
    before, target, after = roundtrip(source, tmp_path)
    assert_valid_project(target)
    assert_same_codings(before, after)
    pd.testing.assert_frame_equal(before.tables["codes"], after.tables["codes"])
    qdc = write_qdc(before.tables["codes"], tmp_path / "codes.qdc")
    assert codebook_schema().validate(etree.parse(str(qdc)))
    assert sorted(_qdc_codes(qdc)) == sorted(_table_codes(before.tables["codes"]))
    assert qdpx_bytes(before) == qdpx_bytes(read(source))


def test_atlasti8_keeps_media_selections(tmp_path):
    before, _, after = roundtrip(real_file("qda", "atlasti8_testproject.qdpx"), tmp_path)
    kinds = after.codes["selection_type"].value_counts().to_dict()
    assert kinds == before.codes["selection_type"].value_counts().to_dict()
    assert {"PDFSelection", "PictureSelection", "VideoSelection"} <= set(kinds)


def test_cli_export(tmp_path):
    import subprocess
    import sys

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "analysis.cli", "export", str(EXAMPLE), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run("-o", str(tmp_path / "p.qdpx"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.qdpx").read_bytes() == qdpx_bytes(read(EXAMPLE))
    result = run("-o", str(tmp_path / "c.qdc"))
    assert result.returncode == 0, result.stderr
    assert codebook_schema().validate(etree.parse(str(tmp_path / "c.qdc")))
    result = run("-o", str(tmp_path / "x.txt"))
    assert result.returncode == 2
    assert ".qdpx or .qdc" in result.stderr
    assert not (tmp_path / "x.txt").exists()
