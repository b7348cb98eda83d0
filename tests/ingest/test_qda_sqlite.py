"""QualCoder and Taguette projects read directly: the same codings table as REFI-QDA, read-only.

QualCoder projects are built here with the exact CREATE TABLE statements QualCoder runs for a new
project (:data:`QUALCODER_SCHEMA`); Taguette projects were made with Taguette's own code
(tests/reference/taguette/make_projects.py, which also wrote what Taguette says about them to
expected.json). Every count is compared with a direct SQL count of the database.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import ReadError
from analysis.ingest import read, sniff

HERE = Path(__file__).resolve().parent
TAGUETTE = HERE.parent / "reference" / "taguette"
EXPECTED = json.loads((TAGUETTE / "expected.json").read_text(encoding="utf-8"))

#: QualCoder's schema for a new project, copied statement by statement from ccbogel/QualCoder
#: src/qualcoder/__main__.py (MainWindow.new_project), commit 36c58b1081527c631d2d70ad3aab47277dc98044
#: (QualCoder 3.9, database version v14). update_coder_names() adds a coder_names table and
#: views, which the reader does not use.
QUALCODER_SCHEMA = (
    "CREATE TABLE project (databaseversion text, date text, memo text,about text, bookmarkfile integer, "
    "bookmarkpos integer, codername text, recently_used_codes text)",
    "CREATE TABLE source (id integer primary key, name text, fulltext text, mediapath text, memo text, "
    "owner text, date text, av_text_id integer, risid integer, unique(name))",
    "CREATE TABLE code_image (imid integer primary key,id integer,x1 integer, y1 integer, width integer, "
    "height integer, cid integer, memo text, date text, owner text, important integer, pdf_page integer)",
    "CREATE TABLE code_av (avid integer primary key,id integer,pos0 integer, pos1 integer, cid integer, "
    "memo text, date text, owner text, important integer)",
    "CREATE TABLE annotation (anid integer primary key, fid integer,pos0 integer, pos1 integer, memo text, "
    "owner text, date text, unique(fid,pos0,pos1,owner))",
    "CREATE TABLE attribute_type (name text primary key, date text, owner text, memo text, caseOrFile text, "
    "valuetype text)",
    "CREATE TABLE attribute (attrid integer primary key, name text, attr_type text, value text, id integer, "
    "date text, owner text, unique(name,attr_type,id))",
    "CREATE TABLE case_text (id integer primary key, caseid integer, fid integer, pos0 integer, pos1 integer, "
    "owner text, date text, memo text)",
    "CREATE TABLE cases (caseid integer primary key, name text, memo text, owner text,date text, "
    "constraint ucm unique(name))",
    "CREATE TABLE code_cat (catid integer primary key, name text, owner text, date text, memo text, "
    "supercatid integer, unique(name))",
    "CREATE TABLE code_text (ctid integer primary key, cid integer, fid integer,seltext text, pos0 integer, "
    "pos1 integer, owner text, date text, memo text, avid integer, important integer, "
    "unique(cid,fid,pos0,pos1, owner))",
    "CREATE TABLE code_name (cid integer primary key, name text, memo text, catid integer, owner text,"
    "date text, color text, unique(name))",
    "CREATE TABLE journal (jid integer primary key, name text, jentry text, date text, owner text, "
    "unique(name))",
    "CREATE TABLE stored_sql (title text, description text, grouper text, ssql text, unique(title))",
)
#: code_text before database v4: the v4 upgrade in open_project (same commit) copies these columns
#: (without ctid, the v2 avid and the v3 important) into the new table.
QUALCODER_OLD_CODE_TEXT = (
    "CREATE TABLE code_text (cid integer, fid integer,seltext text, pos0 integer, pos1 integer, "
    "owner text, date text, memo text, unique(cid,fid,pos0,pos1, owner))"
)

TEXT_1 = "Interviewer: Hoe werkt u samen?\nRespondent: We werken samen met de huisarts en het wijkteam.\n"
TEXT_2 = "Het overleg 👍 gaat goed. De kosten zijn hoog, vooral de reistijd.\n"
PDF_TEXT = "Rapport\nDe gemeente betaalt de helft van de kosten.\n"


def _span(text: str, passage: str) -> tuple[int, int]:
    i = text.index(passage)
    return i, i + len(passage)


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def make_qualcoder(folder: Path, *, codings: bool = True, old: bool = False) -> Path:
    """A QualCoder project folder ``folder`` (NAME.qda) with data.qda, as QualCoder would write it."""
    folder.mkdir(parents=True)
    for sub in ("documents", "images", "audio", "video"):
        (folder / sub).mkdir()
    conn = sqlite3.connect(folder / "data.qda")
    for statement in QUALCODER_SCHEMA:
        if old and statement.startswith("CREATE TABLE code_text"):
            statement = QUALCODER_OLD_CODE_TEXT
        conn.execute(statement)
    conn.execute(
        "INSERT INTO project VALUES(?,?,?,?,?,?,?,?)",
        ("v14", "2026-01-05 10:00:00", "", "QualCoder 3.9", 0, 0, "anna", ""),
    )
    cats = [(1, "Zorg", None), (2, "Organisatie", 1), (3, "Beleid", None)]
    conn.executemany(
        "INSERT INTO code_cat (catid, name, owner, date, memo, supercatid) VALUES (?,?,?,?,?,?)",
        [(c, n, "anna", "2026-01-05", f"memo {n}", s) for c, n, s in cats],
    )
    codes = [
        (1, "samenwerking", 2, "#ff0000"),
        (2, "kosten", 3, "#00ff00"),
        (3, "vertrouwen", None, "#0000ff"),
        (4, "ongebruikt", 3, None),
    ]
    conn.executemany(
        "INSERT INTO code_name (cid, name, memo, catid, owner, date, color) VALUES (?,?,?,?,?,?,?)",
        [(c, n, f"uitleg {n}", cat, "anna", "2026-01-05", col) for c, n, cat, col in codes],
    )
    sources = [
        (1, "interview_01.txt", TEXT_1, None),
        (2, "interview_02.txt", TEXT_2, "/docs/interview_02.txt"),
        (3, "foto.png", None, "/images/foto.png"),
        (4, "opname.mp3", None, "/audio/opname.mp3"),
        (5, "rapport.pdf", PDF_TEXT, "/docs/rapport.pdf"),
    ]
    conn.executemany(
        "INSERT INTO source (id, name, fulltext, mediapath, memo, owner, date) VALUES (?,?,?,?,?,?,?)",
        [(i, n, t, m, "", "anna", "2026-01-05") for i, n, t, m in sources],
    )
    conn.executemany(
        "INSERT INTO cases (caseid, name, memo, owner, date) VALUES (?,?,?,?,?)",
        [(1, "respondent A", "", "anna", "2026-01-05"), (2, "respondent B", "", "anna", "2026-01-05")],
    )
    conn.executemany(
        "INSERT INTO case_text (caseid, fid, pos0, pos1, owner, date) VALUES (?,?,?,?,?,?)",
        [(1, 1, 0, len(TEXT_1), "anna", ""), (2, 2, 0, len(TEXT_2), "anna", ""), (2, 4, 0, 0, "anna", "")],
    )
    conn.executemany(
        "INSERT INTO attribute_type (name, date, owner, memo, caseOrFile, valuetype) VALUES (?,?,?,?,?,?)",
        [
            ("rol", "", "anna", "rol van de respondent", "case", "character"),
            ("leeftijd", "", "anna", "", "case", "numeric"),
            ("afgenomen", "", "anna", "", "file", "character"),
        ],
    )
    conn.executemany(
        "INSERT INTO attribute (name, attr_type, value, id, date, owner) VALUES (?,?,?,?,?,?)",
        [
            ("rol", "case", "huisarts", 1, "", "anna"),
            ("rol", "case", "beleid", 2, "", "anna"),
            ("leeftijd", "case", "47", 1, "", "anna"),
            ("leeftijd", "case", "", 2, "", "anna"),
            ("afgenomen", "file", "januari", 1, "", "anna"),
            ("afgenomen", "file", "februari", 2, "", "anna"),
        ],
    )
    if codings:
        rows = []
        s, e = _span(TEXT_1, "We werken samen met de huisarts")
        rows += [(1, 1, TEXT_1[s:e], s, e, "anna"), (3, 1, TEXT_1[s:e], s, e, "bert")]
        s, e = _span(TEXT_2, "kosten zijn hoog")
        # QualCoder counts positions as Qt does, in UTF-16 units: past the emoji they are one more.
        rows.append((2, 2, TEXT_2[s:e], _utf16(TEXT_2, s), _utf16(TEXT_2, e), "anna"))
        s, e = _span(TEXT_1, "samen?\nRespondent")
        # Qt's selectedText() gives a line break as U+2029 (paragraph separator).
        rows.append((3, 1, TEXT_1[s:e].replace("\n", "\u2029"), s, e, "bert"))
        s, e = _span(TEXT_2, "Het overleg")
        rows.append((1, 2, TEXT_2[s:e], s, e, "bert"))
        s, e = _span(PDF_TEXT, "betaalt de helft")
        rows.append((2, 5, PDF_TEXT[s:e], s, e, "anna"))
        rows.append((3, 99, "weg", 0, 3, "anna"))  # a coding of a deleted document
        columns = "cid, fid, seltext, pos0, pos1, owner, date, memo"
        conn.executemany(
            f"INSERT INTO code_text ({columns}) VALUES (?,?,?,?,?,?,'2026-01-06','')",
            rows,
        )
        conn.execute(
            "INSERT INTO code_image (id, x1, y1, width, height, cid, memo, date, owner, important, pdf_page) "
            "VALUES (3, 10, 20, 100, 50, 3, '', '2026-01-06', 'anna', NULL, NULL)"
        )
        conn.execute(
            "INSERT INTO code_image (id, x1, y1, width, height, cid, memo, date, owner, important, pdf_page) "
            "VALUES (5, 1, 2, 3, 4, 2, '', '2026-01-06', 'bert', NULL, 1)"
        )
        conn.execute(
            "INSERT INTO code_av (id, pos0, pos1, cid, memo, date, owner, important) "
            "VALUES (4, 1500, 4200, 1, '', '2026-01-06', 'bert', NULL)"
        )
    conn.commit()
    conn.close()
    return folder


@pytest.fixture
def qualcoder(tmp_path) -> Path:
    return make_qualcoder(tmp_path / "wijkzorg.qda")


def _sql(db: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


# -- QualCoder ---------------------------------------------------------------------------------------


def test_qualcoder_counts_equal_a_direct_count_of_the_database(qualcoder):
    db = qualcoder / "data.qda"
    ds = read(qualcoder)
    codes = ds.tables["codes"]
    assert (
        len(codes)
        == _sql(db, "SELECT (SELECT count(*) FROM code_name) + (SELECT count(*) FROM code_cat)")[0][0]
    )
    assert int(codes["is_codable"].sum()) == _sql(db, "SELECT count(*) FROM code_name")[0][0] == 4
    n_codings = _sql(
        db,
        "SELECT (SELECT count(*) FROM code_text WHERE fid IN (SELECT id FROM source))"
        " + (SELECT count(*) FROM code_image WHERE id IN (SELECT id FROM source))"
        " + (SELECT count(*) FROM code_av WHERE id IN (SELECT id FROM source))",
    )[0][0]
    assert len(ds.frame) == n_codings == 9
    assert len(ds.tables["sources"]) == _sql(db, "SELECT count(*) FROM source")[0][0]
    assert len(ds.tables["cases"]) == _sql(db, "SELECT count(*) FROM cases")[0][0]
    per_code = dict(
        _sql(
            db,
            "SELECT n.name, count(*) FROM ("
            " SELECT cid, fid FROM code_text UNION ALL SELECT cid, id FROM code_image"
            " UNION ALL SELECT cid, id FROM code_av) c JOIN code_name n ON n.cid = c.cid"
            " WHERE c.fid IN (SELECT id FROM source) GROUP BY n.name",
        )
    )
    assert ds.frame["code"].value_counts().to_dict() == per_code
    docs_per_code = dict(
        _sql(
            db,
            "SELECT n.name, count(DISTINCT c.fid) FROM ("
            " SELECT cid, fid FROM code_text UNION ALL SELECT cid, id FROM code_image"
            " UNION ALL SELECT cid, id FROM code_av) c JOIN code_name n ON n.cid = c.cid"
            " WHERE c.fid IN (SELECT id FROM source) GROUP BY n.name",
        )
    )
    assert ds.frame.groupby("code")["document"].nunique().to_dict() == docs_per_code
    cases_per_code = ds.frame.dropna(subset=["case"]).groupby("code")["case"].nunique().to_dict()
    expected_cases = dict(
        _sql(
            db,
            "SELECT n.name, count(DISTINCT ct.caseid) FROM ("
            " SELECT cid, fid FROM code_text UNION ALL SELECT cid, id FROM code_image"
            " UNION ALL SELECT cid, id FROM code_av) c JOIN code_name n ON n.cid = c.cid"
            " JOIN case_text ct ON ct.fid = c.fid GROUP BY n.name",
        )
    )
    assert cases_per_code == expected_cases
    assert any("deleted" in w or "no longer in the project" in w for w in ds.warnings)


def test_qualcoder_texts_are_the_highlighted_passages(qualcoder):
    ds = read(qualcoder / "data.qda")
    text = ds.frame[ds.frame["selection_type"] == "PlainTextSelection"]
    seltexts = sorted(
        r[0].replace("\u2029", "\n")
        for r in _sql(
            qualcoder / "data.qda", "SELECT seltext FROM code_text WHERE fid IN (SELECT id FROM source)"
        )
    )
    assert sorted(text["text"]) == seltexts
    fulltext = dict(zip(ds.tables["sources"]["name"], ds.tables["sources"]["text"], strict=True))
    for row in text.itertuples():
        assert fulltext[row.document][row.start : row.end] == row.text
    # Past the emoji QualCoder's (UTF-16) positions are one more than the character offsets.
    kosten = text[text["text"] == "kosten zijn hoog"].iloc[0]
    assert (kosten.start, kosten.end) == _span(TEXT_2, "kosten zijn hoog")
    assert any("UTF-16" in w for w in ds.warnings)
    assert not any("differs" in w for w in ds.warnings)
    assert "samen?\nRespondent" in set(text["text"])
    media = ds.frame.set_index("selection_type")
    assert media.loc["PictureSelection", "position"] == "(10,20)-(110,70)"
    assert media.loc["PDFSelection", "position"] == "page 1 (1,2)-(4,6)"
    assert media.loc["AudioSelection", "position"] == "1500-4200 ms"
    assert media.loc["AudioSelection", "text"] is pd.NA or pd.isna(media.loc["AudioSelection", "text"])
    assert set(ds.frame["coder"]) == {"anna", "bert"}
    assert set(ds.tables["users"]["name"]) == {"anna", "bert"}
    kinds = dict(zip(ds.tables["sources"]["name"], ds.tables["sources"]["type"], strict=True))
    assert kinds == {
        "interview_01.txt": "TextSource",
        "interview_02.txt": "TextSource",
        "foto.png": "PictureSource",
        "opname.mp3": "AudioSource",
        "rapport.pdf": "PDFSource",
    }


def test_qualcoder_hierarchy_is_category_path_then_code(qualcoder):
    ds = read(qualcoder)
    codes = ds.tables["codes"].set_index("path")
    assert set(codes.index) == {
        "Zorg",
        "Zorg/Organisatie",
        "Beleid",
        "Zorg/Organisatie/samenwerking",
        "Beleid/kosten",
        "Beleid/ongebruikt",
        "vertrouwen",
    }
    assert not codes.loc["Zorg/Organisatie", "is_codable"]
    assert codes.loc["Zorg/Organisatie", "parent"] == codes.loc["Zorg", "guid"]
    assert codes.loc["Zorg/Organisatie/samenwerking", "parent"] == codes.loc["Zorg/Organisatie", "guid"]
    assert codes.loc["Zorg/Organisatie/samenwerking", "color"] == "#ff0000"
    assert codes.loc["Beleid/kosten", "description"] == "uitleg kosten"
    paths = ds.frame.drop_duplicates("code").set_index("code")
    assert paths.loc["samenwerking", "code_path"] == "Zorg/Organisatie/samenwerking"
    assert paths.loc["samenwerking", "code_family"] == "Zorg"
    assert paths.loc["vertrouwen", "code_family"] == "vertrouwen"


def test_qualcoder_case_and_file_attributes(qualcoder):
    ds = read(qualcoder)
    f = ds.frame
    first = f[f["document"] == "interview_01.txt"]
    assert set(first["case"]) == {"respondent A"}
    assert set(first["rol"].astype(str)) == {"huisarts"}
    assert set(first["leeftijd"]) == {47}
    assert set(first["afgenomen"].astype(str)) == {"januari"}
    second = f[f["document"] == "interview_02.txt"]
    assert set(second["rol"].astype(str)) == {"beleid"}
    assert second["leeftijd"].isna().all()  # an empty numeric value is missing, not 0
    assert f[f["document"] == "foto.png"]["case"].isna().all()
    cases = ds.tables["cases"].set_index("name")
    assert cases.loc["respondent B", "sources"] == "interview_02.txt; opname.mp3"
    variables = ds.tables["variables"].set_index("name")
    assert variables.loc["leeftijd", "type"] == "Float"
    assert variables.loc["rol", "description"] == "rol van de respondent"


def test_qualcoder_folder_and_data_qda_give_the_same_table(qualcoder):
    by_folder = read(qualcoder)
    by_file = read(qualcoder / "data.qda")
    pd.testing.assert_frame_equal(by_folder.frame, by_file.frame)
    assert by_folder.codebook.dataset == by_file.codebook.dataset == "wijkzorg"


def test_an_old_qualcoder_database_without_ctid_reads_the_same_codings(tmp_path):
    new = read(make_qualcoder(tmp_path / "nieuw.qda"))
    old = read(make_qualcoder(tmp_path / "oud.qda", old=True))
    keep = ["document", "code_path", "start", "end", "text", "coder"]
    a = new.frame[keep].sort_values(keep[:4]).reset_index(drop=True)
    b = old.frame[keep].sort_values(keep[:4]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_qualcoder_with_zero_codings_gives_its_code_system_and_a_warning(tmp_path):
    ds = read(make_qualcoder(tmp_path / "leeg.qda", codings=False))
    assert ds.frame.empty
    assert "code_path" in ds.frame.columns
    assert len(ds.tables["codes"]) == 7
    assert any(w.startswith("the project has no codings (7 codes, 5 sources)") for w in ds.warnings)


def test_qualcoder_open_in_the_program_gives_a_warning(qualcoder):
    (qualcoder / "project_in_use.lock").write_text("anna\n0", encoding="utf-8")
    ds = read(qualcoder)
    assert any("project_in_use.lock" in w for w in ds.warnings)


def test_a_qualcoder_project_roundtrips_through_the_refi_qda_export(qualcoder, tmp_path):
    from analysis.qda_export import write_qdpx

    ds = read(qualcoder)
    out = write_qdpx(ds, tmp_path / "wijkzorg.qdpx")
    back = read(out)
    keep = ["document", "code_path", "start", "end", "text"]
    text = ds.frame[ds.frame["selection_type"] == "PlainTextSelection"][keep]
    again = back.frame[back.frame["selection_type"] == "PlainTextSelection"][keep]
    pd.testing.assert_frame_equal(
        text.sort_values(keep).reset_index(drop=True), again.sort_values(keep).reset_index(drop=True)
    )
    assert len(back.frame) == len(ds.frame)


# -- Taguette ----------------------------------------------------------------------------------------


def test_taguette_counts_equal_a_direct_count_of_the_database():
    db = TAGUETTE / "interviews.sqlite3"
    ds = read(db)
    tags = _sql(db, "SELECT path FROM tags")
    codable = ds.tables["codes"][ds.tables["codes"]["is_codable"]]
    assert len(codable) == len(tags) == 6
    assert sorted(ds.tables["codes"]["path"]) == sorted(
        {t[0].replace(".", "/") for t in tags} | {"erkenning"}  # the missing parent of erkenning.serieus
    )
    n = _sql(db, "SELECT count(*) FROM highlight_tags ht JOIN highlights h ON h.id = ht.highlight_id")[0][0]
    assert len(ds.frame) == n == 8
    assert len(ds.tables["sources"]) == _sql(db, "SELECT count(*) FROM documents")[0][0] == 3
    per_tag = dict(
        _sql(
            db,
            "SELECT t.path, count(*) FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id GROUP BY t.path",
        )
    )
    got = ds.frame["code_path"].str.replace("/", ".").value_counts().to_dict()
    assert got == per_tag
    docs_per_tag = dict(
        _sql(
            db,
            "SELECT t.path, count(DISTINCT h.document_id) FROM highlight_tags ht JOIN tags t ON t.id = ht.tag_id"
            " JOIN highlights h ON h.id = ht.highlight_id GROUP BY t.path",
        )
    )
    got = ds.frame.assign(p=ds.frame["code_path"].str.replace("/", ".")).groupby("p")["document"].nunique()
    assert got.to_dict() == docs_per_tag
    untagged = _sql(
        db, "SELECT count(*) FROM highlights WHERE id NOT IN (SELECT highlight_id FROM highlight_tags)"
    )
    assert untagged[0][0] == 1
    assert any("1 highlight(s) have no tag" in w for w in ds.warnings)


def test_taguette_texts_and_offsets_are_what_taguette_highlighted():
    ds = read(TAGUETTE / "interviews.sqlite3")
    expected = EXPECTED["interviews.sqlite3"]["projects"][0]
    sources = dict(zip(ds.tables["sources"]["name"], ds.tables["sources"]["text"], strict=True))
    assert sources == expected["documents"]  # the text html5lib (Taguette's parser) finds
    want = sorted(
        (h["document"], h["start"], h["end"], h["text"], t.replace(".", "/"))
        for h in expected["highlights"]
        for t in h["tags"]
    )
    got = sorted(
        zip(
            ds.frame["document"],
            ds.frame["start"],
            ds.frame["end"],
            ds.frame["text"],
            ds.frame["code_path"],
            strict=True,
        )
    )
    assert got == want
    # Offsets are characters: the emoji and the accented letters are one character each.
    row = ds.frame[ds.frame["text"].str.contains("👍", regex=False)].iloc[0]
    assert (row.start, row.end) == (0, 51)
    assert sources[row.document][row.start : row.end] == row.text


@pytest.mark.parametrize("case", EXPECTED["html_text"], ids=lambda c: c["contents"][:30])
def test_the_text_of_taguettes_html_is_what_html5lib_finds(case):
    from analysis.ingest.qda_sqlite import _html_text

    assert _html_text(case["contents"]) == case["text"]


def test_taguette_hierarchy_and_guids_follow_taguette():
    ds = read(TAGUETTE / "interviews.sqlite3")
    codes = ds.tables["codes"].set_index("path")
    ns = uuid.UUID("51B2B2B7-27EB-4ECB-9D56-E75B0A0496C2")  # taguette.export.TAGUETTE_NAMESPACE
    assert codes.loc["kosten/reistijd", "guid"] == str(uuid.uuid5(ns, "kosten.reistijd")).upper()
    assert codes.loc["kosten/reistijd", "parent"] == codes.loc["kosten", "guid"]
    assert codes.loc["kosten/reistijd", "name"] == "reistijd"
    assert codes.loc["kosten/reistijd", "description"] == "Tijd die reizen kost"
    assert not codes.loc["erkenning", "is_codable"]
    assert codes.loc["erkenning/serieus", "is_codable"]
    fam = ds.frame.set_index("code_path")["code_family"]
    assert set(fam.loc[["kosten/reistijd", "kosten/budget"]]) == {"kosten"}


def test_a_taguette_project_without_highlights_gives_its_tags_and_a_warning():
    ds = read(TAGUETTE / "no_highlights.sqlite3")
    assert ds.frame.empty
    assert int(ds.tables["codes"]["is_codable"].sum()) == 6
    assert len(ds.tables["sources"]) == 3
    assert any(w.startswith("the project has no codings") for w in ds.warnings)


def test_a_taguette_database_with_two_projects_is_refused_with_their_names():
    with pytest.raises(ReadError, match=r"2 projects \('Interviews wijkzorg', 'Nog niet gecodeerd'\)") as err:
        read(TAGUETTE / "server_two_projects.sqlite3")
    assert "Export project" in err.value.hint


# -- read-only, dispatch, bad files --------------------------------------------------------------------


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def test_reading_changes_no_byte_and_no_modification_time(qualcoder, tmp_path):
    before = _state(qualcoder)
    read(qualcoder)
    read(qualcoder / "data.qda")
    assert _state(qualcoder) == before  # no journal, -wal or -shm file either
    taguette = tmp_path / "tg"
    taguette.mkdir()
    shutil.copy2(TAGUETTE / "interviews.sqlite3", taguette)
    before = _state(taguette)
    read(taguette / "interviews.sqlite3")
    assert _state(taguette) == before


def test_reading_works_on_a_read_only_copy(qualcoder):
    os.chmod(qualcoder / "data.qda", 0o444)
    try:
        assert len(read(qualcoder).frame) == 9
    finally:
        os.chmod(qualcoder / "data.qda", 0o644)


def test_a_study_dataset_can_point_at_a_qualcoder_folder_or_a_taguette_export(qualcoder):
    from analysis.study import Study

    root = qualcoder.parent
    shutil.copy2(TAGUETTE / "interviews.sqlite3", root / "taguette.sqlite3")
    (root / "study.yml").write_text(
        "name: proef\ndatasets:\n  qc:\n    path: wijkzorg.qda\n  qcdb:\n    path: wijkzorg.qda/data.qda\n"
        "  tg:\n    path: taguette.sqlite3\n",
        encoding="utf-8",
    )
    study = Study.from_yaml(root / "study.yml")
    assert len(study.load("qc").frame) == len(study.load("qcdb").frame) == 9
    assert len(study.load("tg").frame) == 8
    assert study.load("tg").codebook.dataset == "tg"


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    bad = tmp_path / "export.sqlite3"
    bad.write_text("document,code\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a SQLite database") as err:
        read(bad)
    assert err.value.path == bad
    assert "Taguette" in err.value.hint


def test_a_sqlite_file_that_is_neither_names_what_was_expected(tmp_path):
    other = tmp_path / "andere.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE klanten (id integer, naam text)")
    conn.commit()
    conn.close()
    with pytest.raises(ReadError, match="none of their tables") as err:
        read(other)
    message = str(err.value)
    assert str(other) in message and "klanten" in message
    assert "QualCoder" in message and "Taguette" in message and ".qdpx" in message


def test_a_qualcoder_database_missing_a_table_names_the_table(tmp_path):
    folder = make_qualcoder(tmp_path / "kapot.qda")
    conn = sqlite3.connect(folder / "data.qda")
    conn.execute("DROP TABLE code_text")
    conn.commit()
    conn.close()
    with pytest.raises(ReadError, match="no table code_text"):
        read(folder)


def test_a_view_is_not_taken_for_a_table(tmp_path):
    folder = make_qualcoder(tmp_path / "view.qda")
    conn = sqlite3.connect(folder / "data.qda")
    conn.execute("ALTER TABLE code_name RENAME TO code_name_old")
    conn.execute("CREATE VIEW code_name AS SELECT * FROM code_name_old")
    conn.commit()
    conn.close()
    with pytest.raises(ReadError, match="no table code_name"):
        read(folder)


def test_a_folder_without_data_qda_is_refused(tmp_path):
    folder = tmp_path / "leeg.qda"
    folder.mkdir()
    with pytest.raises(ReadError, match=r"no data\.qda"):
        read(folder)
    other = tmp_path / "map"
    other.mkdir()
    with pytest.raises(ReadError, match="folder, not a data file"):
        read(other)


def test_a_database_still_open_in_wal_mode_is_refused(tmp_path):
    db = tmp_path / "open.sqlite3"
    shutil.copy2(TAGUETTE / "interviews.sqlite3", db)
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("UPDATE tags SET description = 'nieuw' WHERE path = 'kosten'")
        conn.commit()
        assert (tmp_path / "open.sqlite3-wal").stat().st_size > 0
        with pytest.raises(ReadError, match="still has it open"):
            read(db)
    finally:
        conn.close()


def test_sniff_names_a_sqlite_database():
    assert "SQLite" in sniff.file_kind(b"SQLite format 3\x00" + b"\x00" * 84)


def test_init_names_a_qualcoder_project_by_its_folder_and_skips_its_backups(qualcoder):
    from analysis.init import find_files, propose, read_tables

    root = qualcoder.parent
    shutil.copytree(qualcoder, root / "wijkzorg_BKUP_20260105_10.qda")
    # QualCoder keeps the project's documents inside its folder: they are the project, not datasets
    (qualcoder / "documents").mkdir(exist_ok=True)
    for i in range(3):
        (qualcoder / "documents" / f"interview_{i}.txt").write_text(
            "Ik werk hier al jaren.\n", encoding="utf-8"
        )
    files, _ = find_files(root)
    assert files == [qualcoder / "data.qda"]
    tables, skipped, _ = read_tables(root)
    assert not skipped
    assert [t.name for t in tables] == ["wijkzorg"]
    proposal = propose(tables)
    assert proposal.bound("interviews") == "wijkzorg"


def test_the_study_digest_follows_the_database_inside_a_qualcoder_folder(qualcoder):
    from analysis.study import Study

    (qualcoder.parent / "study.yml").write_text(
        "name: proef\ndatasets:\n  qc:\n    path: wijkzorg.qda\n", encoding="utf-8"
    )
    study = Study.from_yaml(qualcoder.parent / "study.yml")
    assert qualcoder / "data.qda" in study.input_files()
    before = study.digest()
    conn = sqlite3.connect(qualcoder / "data.qda")
    conn.execute("UPDATE code_name SET name = 'samenwerken' WHERE cid = 1")
    conn.commit()
    conn.close()
    assert study.digest() != before


def test_a_qualcoder_passage_that_no_longer_matches_its_document_keeps_seltext_and_warns(qualcoder):
    conn = sqlite3.connect(qualcoder / "data.qda")
    conn.execute("UPDATE source SET fulltext = 'Tekst later herschreven. ' || fulltext WHERE id = 1")
    conn.commit()
    conn.close()
    ds = read(qualcoder)
    first = ds.frame[ds.frame["document"] == "interview_01.txt"]
    assert set(first["text"]) == {"We werken samen met de huisarts", "samen?\nRespondent"}
    assert any("3 coding(s) have a coded passage (seltext) that differs" in w for w in ds.warnings)


def test_a_database_with_an_interrupted_write_is_refused(qualcoder):
    (qualcoder / "data.qda-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 504)
    with pytest.raises(ReadError, match="-journal file"):
        read(qualcoder)
