"""Interviews: REFI-QDA projects (real and synthetic), hostile archives, transcripts, codings tables."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import real_file

from analysis.codebook import Codebook, Variable
from analysis.errors import ReadError
from analysis.ingest import qda, read, safezip


def real(name: str) -> Path:
    """A real QDA project; the test skips when ../shared/realdata is absent."""
    return real_file("qda", name)


# -- a synthetic project ----------------------------------------------------------------------------

U1 = "11111111-1111-4111-8111-111111111111"
C_ROOT, C_TRUST, C_DIST = (
    "A0000000-0000-4000-8000-000000000001",
    "A0000000-0000-4000-8000-000000000002",
    "A0000000-0000-4000-8000-000000000003",
)
V_TYPE, V_GM, V_ID = (
    "B0000000-0000-4000-8000-000000000001",
    "B0000000-0000-4000-8000-000000000002",
    "B0000000-0000-4000-8000-000000000003",
)
S1, S2 = "C0000000-0000-4000-8000-000000000001", "C0000000-0000-4000-8000-000000000002"
TEXT1 = "Interviewer: Hoe gaat het?\nRespondent: Het vertrouwen in de wijkteams groeit, maar ‘té’ langzaam."
TEXT2 = "Wij zijn een informele organisatie. Afstand tot de gemeente is groot."


def _selection(guid: str, text: str, passage: str, code: str, n: int) -> str:
    start = text.index(passage)
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{start + len(passage)}" '
        f'creatingUser="{U1}" creationDateTime="2024-03-01T10:00:00Z">'
        f'<Coding guid="D000000{n}-0000-4000-8000-000000000000" creatingUser="{U1}" '
        f'creationDateTime="2024-03-01T10:00:00Z"><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


def project_xml(plain_text_path_2: str = f"internal://{S2}.txt", entity: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>{entity}
<Project xmlns="urn:QDA-XML:project:1.0" name="Bruggen interviews (synthetic)" origin="Bruggen tests">
  <Users><User guid="{U1}" name="Codeur A"/></Users>
  <CodeBook><Codes>
    <Code guid="{C_ROOT}" name="samenwerking" isCodable="false" color="#336699">
      <Description>Alles over samenwerken</Description>
      <Code guid="{C_TRUST}" name="vertrouwen" isCodable="true"/>
      <Code guid="{C_DIST}" name="afstand" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{V_TYPE}" name="respondent_type" typeOfVariable="Text"/>
    <Variable guid="{V_GM}" name="municipality_code" typeOfVariable="Text"/>
    <Variable guid="{V_ID}" name="resp_id" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="E0000000-0000-4000-8000-000000000001" name="R01">
      <VariableValue><VariableRef targetGUID="{V_TYPE}"/><TextValue>formeel</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{V_GM}"/><TextValue>GM0363</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{V_ID}"/><IntegerValue>101</IntegerValue></VariableValue>
      <SourceRef targetGUID="{S1}"/>
    </Case>
    <Case guid="E0000000-0000-4000-8000-000000000002" name="R02">
      <VariableValue><VariableRef targetGUID="{V_TYPE}"/><TextValue>informeel</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{V_GM}"/><TextValue>GM0518</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{V_ID}"/><IntegerValue>102</IntegerValue></VariableValue>
      <SourceRef targetGUID="{S2}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{S1}" name="interview_01.docx" plainTextPath="internal://{S1}.txt">
      {_selection("F0000000-0000-4000-8000-000000000001", TEXT1, "Het vertrouwen in de wijkteams groeit", C_TRUST, 1)}
      {_selection("F0000000-0000-4000-8000-000000000002", TEXT1, "‘té’ langzaam", C_DIST, 2)}
    </TextSource>
    <TextSource guid="{S2}" name="interview_02.docx" plainTextPath="{plain_text_path_2}">
      {_selection("F0000000-0000-4000-8000-000000000003", TEXT2, "Afstand tot de gemeente is groot", C_DIST, 3)}
    </TextSource>
  </Sources>
  <Sets><Set guid="G0000000-0000-4000-8000-000000000001" name="formeel"><MemberSource targetGUID="{S1}"/></Set></Sets>
</Project>
"""


def make_qdpx(
    path: Path, *, qde_name: str = "Project.qde", sources: bool = True, xml: str | None = None
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, xml or project_xml())
        if sources:
            zf.writestr(f"Sources/{S1}.txt", "\ufeff" + TEXT1)
            zf.writestr(f"Sources/{S2}.txt", TEXT2)
    return path


def test_synthetic_project_codings_table(tmp_path):
    ds = read(make_qdpx(tmp_path / "interviews.qdpx"), dataset="interviews")
    f = ds.frame
    assert ds.warnings == ()
    assert list(f.columns[: len(qda.CODING_COLUMNS)]) == list(qda.CODING_COLUMNS)
    assert {"respondent_type", "municipality_code", "resp_id"} <= set(f.columns)
    assert len(f) == 3
    first = f.iloc[0]
    assert first["document"] == "interview_01.docx"
    assert first["code"] == "vertrouwen" and first["code_path"] == "samenwerking/vertrouwen"
    assert first["code_family"] == "samenwerking"
    assert first["text"] == "Het vertrouwen in de wijkteams groeit"
    assert TEXT1[first["start"] : first["end"]] == first["text"]  # offsets count characters
    assert f.iloc[1]["text"] == "‘té’ langzaam"
    assert first["case"] == "R01" and first["respondent_type"] == "formeel"
    assert first["municipality_code"] == "GM0363" and first["resp_id"] == 101
    assert f.iloc[2]["respondent_type"] == "informeel" and f.iloc[2]["code"] == "afstand"
    assert first["coder"] == "Codeur A"
    assert ds.name == "interviews"
    assert ds.codebook["text"].pii


def test_synthetic_project_tables(tmp_path):
    ds = read(make_qdpx(tmp_path / "interviews.qdpx"))
    codes = ds.tables["codes"].set_index("name")
    assert codes.loc["vertrouwen", "parent"] == C_ROOT
    assert codes.loc["samenwerking", "description"] == "Alles over samenwerken"
    assert codes.loc["samenwerking", "color"] == "#336699"
    sources = ds.tables["sources"].set_index("name")
    assert sources.loc["interview_01.docx", "text"] == TEXT1  # the BOM is not part of the text
    assert sources.loc["interview_01.docx", "text_length"] == len(TEXT1)
    cases = ds.tables["cases"].set_index("name")
    assert cases.loc["R02", "municipality_code"] == "GM0518"
    assert cases.loc["R01", "sources"] == "interview_01.docx"
    assert ds.tables["users"]["name"].tolist() == ["Codeur A"]
    assert ds.tables["variables"]["name"].tolist() == ["respondent_type", "municipality_code", "resp_id"]
    assert ds.tables["sets"]["member_guid"].tolist() == [S1]
    pd.testing.assert_frame_equal(ds.tables["codings"], ds.frame)


def test_lower_case_project_qde_and_sources(tmp_path):
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", project_xml())
        zf.writestr(f"sources/{S1}.txt", TEXT1)
        zf.writestr(f"sources/{S2}.txt", TEXT2)
    assert read(path).frame["text"].notna().all()


def test_missing_source_text_is_a_warning(tmp_path):
    ds = read(make_qdpx(tmp_path / "p.qdpx", sources=False))
    assert len(ds.frame) == 3 and ds.frame["text"].isna().all()
    assert ds.frame["start"].tolist() == [TEXT1.index("Het"), TEXT1.index("‘té’"), TEXT2.index("Afstand")]
    assert any("2 source(s) have no text" in w for w in ds.warnings)


def test_bare_qde_with_and_without_a_sources_folder(tmp_path):
    folder = tmp_path / "project"
    (folder / "Sources").mkdir(parents=True)
    (folder / "Project.qde").write_text(project_xml(), encoding="utf-8")
    alone = read(folder / "Project.qde")
    assert alone.frame["text"].isna().all() and alone.warnings
    (folder / "Sources" / f"{S1}.txt").write_text(TEXT1, encoding="utf-8")
    (folder / "Sources" / f"{S2}.txt").write_text(TEXT2, encoding="utf-8")
    before = sorted(p.name for p in folder.rglob("*"))
    ds = read(folder / "Project.qde")
    assert ds.frame["text"].notna().all() and ds.warnings == ()
    assert sorted(p.name for p in folder.rglob("*")) == before


# -- the real projects --------------------------------------------------------------------------------


@pytest.mark.realdata
def test_atlasti8_project_with_missing_sources():
    ds = read(real("atlasti8_testproject.qdpx"))  # Project.qde capitalised, Sources/ empty
    assert ds.frame.shape[0] == 16
    assert len(ds.tables["codes"]) == 14 and len(ds.tables["sources"]) == 12
    assert len(ds.tables["users"]) == 3
    assert any("have no text in the project" in w for w in ds.warnings)
    mabel = ds.frame[ds.frame["document"] == "Mabel.txt"]
    assert set(mabel["code"]) == {"bacon and eggs", "cornflakes", "happiness"}
    assert mabel["start"].tolist() == [0, 0, 0] and mabel["end"].tolist() == [410, 410, 410]
    # ATLAS.ti names sub-codes "parent::child"; the path shows the hierarchy.
    assert "Coke/diet Coke" in set(ds.frame["code_path"])
    pdf = ds.frame[ds.frame["selection_type"] == "PDFSelection"]
    assert "granola" in set(pdf["text"])
    video = ds.frame[ds.frame["selection_type"] == "VideoSelection"]
    assert video["position"].tolist() == ["14706-17706 ms"]


@pytest.mark.realdata
def test_atlasti23_minimal_project_without_codings():
    ds = read(real("atlasti23_minimal.qdpx"))
    assert ds.frame.empty and list(ds.frame.columns[: len(qda.CODING_COLUMNS)]) == list(qda.CODING_COLUMNS)
    assert any("no codings" in w for w in ds.warnings)
    codes = ds.tables["codes"]
    assert codes["path"].tolist() == [
        "Commits",
        "Commits/2022-05-10T02:05:59Z 19e4dce",
        "Commits/2022-02-11T10:39:25Z cdbfd92",
    ]


@pytest.mark.realdata
def test_every_real_project_is_covered():
    names = {p.name for p in real_file("qda").iterdir() if p.suffix in (".qdpx", ".qde")}
    assert names == {"atlasti8_testproject.qdpx", "atlasti23_minimal.qdpx"}


# -- hostile and broken projects -------------------------------------------------------------------


def test_path_traversal_member_is_refused(tmp_path):
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", project_xml())
        zf.writestr("../../outside.txt", "boo")
    with pytest.raises(ReadError, match="points outside the archive"):
        read(path)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_path_traversal_in_plain_text_path_is_refused(tmp_path):
    path = make_qdpx(tmp_path / "evil.qdpx", xml=project_xml(plain_text_path_2="internal://../../etc/passwd"))
    with pytest.raises(ReadError, match="points outside"):
        read(path)


def test_entity_expansion_is_refused(tmp_path):
    laughs = '<!DOCTYPE Project [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = make_qdpx(tmp_path / "laughs.qdpx", xml=project_xml(entity=laughs).replace("Codeur A", "&b;"))
    with pytest.raises(ReadError, match="entities"):
        read(path)


def test_external_entity_is_refused(tmp_path):
    xxe = '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    path = tmp_path / "xxe.qde"
    path.write_text(project_xml(entity=xxe).replace("Codeur A", "&x;"), encoding="utf-8")
    with pytest.raises(ReadError, match="entities or external"):
        read(path)


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", project_xml())
        zf.writestr(f"Sources/{S1}.txt", b"\0" * (8 * 2**20))
    assert path.stat().st_size < 100_000
    with pytest.raises(ReadError, match="zip bomb"):
        read(path)


def test_oversized_member_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(ReadError, match="unpacks to"):
        read(make_qdpx(tmp_path / "big.qdpx"))


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("not_zip", "not a REFI-QDA project"),
        ("no_qde", "no project.qde"),
        ("malformed", "malformed"),
        ("wrong_root", "root element is <Book>"),
    ],
)
def test_broken_projects_fail_clearly(tmp_path, setup, words):
    path = tmp_path / "p.qdpx"
    if setup == "not_zip":
        path.write_text("<Project/>")
    else:
        with zipfile.ZipFile(path, "w") as zf:
            if setup == "no_qde":
                zf.writestr("readme.txt", "hi")
            elif setup == "malformed":
                zf.writestr("project.qde", "<Project><Users>")
            else:
                zf.writestr("project.qde", "<Book/>")
    with pytest.raises(ReadError, match=words) as info:
        read(path)
    assert str(path) in str(info.value) and "What to do" in str(info.value)


# -- transcripts and codings tables -----------------------------------------------------------------


def test_txt_transcript(tmp_path):
    path = tmp_path / "interview_03.txt"
    path.write_text("I: Hoe is de samenwerking?\nR: Goed, maar we praten te weinig.\n", encoding="utf-8")
    ds = read(path)
    assert ds.frame.shape == (1, 6)
    assert ds.frame["text"].iloc[0].startswith("I: Hoe")
    assert ds.tables["codings"].empty
    assert ds.frame["text_length"].iloc[0] == len(ds.frame["text"].iloc[0])


def test_docx_transcript(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("I: Wat doet uw organisatie?")
    doc.add_paragraph("R: Wij koken samen met buurtbewoners.")
    path = tmp_path / "interview_04.docx"
    doc.save(str(path))
    ds = read(path)
    assert ds.frame["text"].iloc[0] == "I: Wat doet uw organisatie?\nR: Wij koken samen met buurtbewoners."
    bad = tmp_path / "kapot.docx"
    bad.write_text("not a document")
    with pytest.raises(ReadError, match="not a Word document"):
        read(bad)


def test_delimited_txt_is_a_table(tmp_path):
    path = tmp_path / "tabel.txt"
    path.write_text("a\tb\n1\t2\n3\t4\n", encoding="utf-8")
    assert read(path).frame["b"].tolist() == [2, 4]
    assert read(path, dialect="transcript").frame.shape == (1, 6)


def test_codings_table_detected_from_columns(tmp_path):
    path = tmp_path / "coderingen.csv"
    path.write_text(
        "Document;Code;Start;End;Text;respondent_type\n"
        "int_01.docx;samenwerking/vertrouwen;10;20;het vertrouwen;formeel\n"
        "int_01.docx;afstand;30;45;te ver weg;formeel\n"
        "int_02.docx;Coke::diet Coke;0;5;hallo;informeel\n",
        encoding="utf-8",
    )
    ds = read(path)
    assert list(ds.frame.columns[: len(qda.CODING_COLUMNS)]) == list(qda.CODING_COLUMNS)
    assert ds.frame["code"].tolist() == ["vertrouwen", "afstand", "diet Coke"]
    assert ds.frame["code_path"].tolist() == ["samenwerking/vertrouwen", "afstand", "Coke/diet Coke"]
    assert ds.frame["code_family"].tolist() == ["samenwerking", "afstand", "Coke"]
    assert ds.frame["start"].dtype == "Int64" and ds.frame["end"].tolist() == [20, 45, 5]
    assert ds.frame["respondent_type"].tolist() == ["formeel", "formeel", "informeel"]
    assert len(ds.tables["sources"]) == 2 and len(ds.tables["codes"]) == 3
    assert read(path, dialect="codings").frame.equals(ds.frame)


def _reviewed_codings_codebook() -> Codebook:
    """A study's reviewed codebook for its interview codings (as in data/codebooks/interviews.yml)."""
    names = [*qda.CODING_COLUMNS, "respondent_type", "municipality_code", "coder", "coding_guid"]
    variables = {n: Variable(n, label=f"Reviewed label of {n}", type="string") for n in names}
    variables["start"] = Variable("start", label="Eerste teken", type="numeric")
    variables["end"] = Variable("end", label="Teken na de passage", type="numeric")
    variables["text"] = Variable("text", label="Gecodeerde passage", type="string", pii=True)
    variables["respondent_type"] = Variable(
        "respondent_type",
        label="Type respondent",
        type="string",
        measure="nominal",
        value_labels={
            "formeel": "Formele organisatie",
            "informeel": "Informele organisatie",
            "?": "onbekend",
        },
        missing_values=["?"],
    )
    variables["municipality_code"] = Variable("municipality_code", label="Gemeente (CBS-code)", type="string")
    return Codebook("interviews", tuple(variables.values()), title="Reviewed interview codings")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_codings_table_keeps_the_reviewed_codebook(tmp_path, suffix):
    rows = [
        ["Document", "Code", "Start", "End", "Text", "respondent_type", "Municipality_Code", "notitie"],
        ["int_01.docx", "samenwerking/vertrouwen", 10, 20, "het vertrouwen", "formeel", "0363", "a"],
        ["int_02.docx", "afstand", 30, 45, "te ver weg", "informeel", "0518", "b"],
        ["int_03.docx", "afstand", 0, 5, "hallo", "?", "0014", "c"],
    ]
    path = tmp_path / f"coderingen{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    else:
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(path)
    book = _reviewed_codings_codebook()
    ds = read(path, codebook=book, dataset="interviews")
    # The reviewed codebook is the dataset's codebook, as for SPSS files and survey exports.
    assert ds.codebook == book
    assert ds.codebook.title == "Reviewed interview codings"
    assert ds.codebook["respondent_type"].label == "Type respondent"
    assert ds.codebook["code"].label == "Reviewed label of code"
    # ... and it is applied: value labels make categoricals, missing codes become NA.
    assert isinstance(ds.frame["respondent_type"].dtype, pd.CategoricalDtype)
    assert ds.frame["respondent_type"].tolist()[:2] == ["Formele organisatie", "Informele organisatie"]
    assert pd.isna(ds.frame["respondent_type"].iloc[2])
    assert ds.codes["respondent_type"].tolist() == ["formeel", "informeel", "?"]
    assert ds.missing_reason("respondent_type").tolist()[2] == "onbekend"
    # A string variable keeps its leading zeros.
    assert ds.frame["municipality_code"].tolist() == ["0363", "0518", "0014"]
    pd.testing.assert_frame_equal(ds.tables["codings"], ds.frame)
    # Columns the codebook does not describe are named; the project-only columns are not asked for.
    assert any("not in the reviewed codebook: notitie" in w for w in ds.warnings)
    assert not any("not in the file" in w for w in ds.warnings)


def test_labelled_codes_stay_codes_in_the_frame(tmp_path):
    """The codebook's value labels of the code columns name codes in reports; the frame keeps the
    codes the plan and the meta-codes refer to (a project and a codings table alike)."""
    import dataclasses

    project = make_qdpx(tmp_path / "interviews.qdpx")
    own = read(project, dataset="interviews").codebook
    labels = {
        "code": {"vertrouwen": "Trust", "afstand": "Distance"},
        "code_family": {"samenwerking": "Co-op"},
    }
    labels["code_family"]["afstand"] = "Distance (family)"
    book = dataclasses.replace(
        own,
        variables=tuple(
            dataclasses.replace(v, measure="nominal", value_labels=labels[v.name]) if v.name in labels else v
            for v in own.variables
        ),
    )
    ds = read(project, codebook=book, dataset="interviews")
    plain = read(project, dataset="interviews").frame
    assert set(ds.frame["code"]) == {"vertrouwen", "afstand"}
    for col in ("code", "code_path", "code_family"):
        pd.testing.assert_series_equal(ds.frame[col], plain[col])
    table = tmp_path / "coderingen.csv"
    table.write_text("Document,Code,Start,End\nint_01.docx,samenwerking/vertrouwen,1,5\n", encoding="utf-8")
    assert read(table, codebook=book, dataset="interviews").frame["code"].tolist() == ["vertrouwen"]


def test_codings_table_without_codebook_infers_one(tmp_path):
    path = tmp_path / "coderingen.csv"
    path.write_text("document,code,start,end,text\nint_01.docx,afstand,0,5,hallo\n", encoding="utf-8")
    ds = read(path)
    assert ds.codebook["text"].pii and ds.codebook["code"].label == "Code"
    assert ds.warnings == ()


def test_broken_codings_table_reports_every_row(tmp_path):
    path = tmp_path / "coderingen.csv"
    path.write_text(
        "document,code,start,end,text\n"
        "a.docx,x,10,5,omgekeerd\n"
        ",y,1,2,geen document\n"
        "b.docx,,1,2,geen code\n"
        "c.docx,z,-1,2.5,negatief\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError) as info:
        read(path, dialect="codings")
    text = str(info.value)
    assert "5 problem(s)" in text
    for fragment in (
        "row 2: start 10 is after end 5",
        "row 3: document is empty",
        "row 4: code is empty",
        "row 5: start",
        "row 5: end",
    ):
        assert fragment in text
