"""Code analysis of the interviews (``interview_themes``): frequencies by group, roll-ups, saturation."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_example

import analysis
from analysis.disclosure import Policy
from analysis.errors import BruggenError, StudyConfigError
from analysis.interviews import META_CODES
from analysis.labels import code_label, code_labels, readable_code
from analysis.results import TIDY_COLUMNS
from analysis.study import Study
from analysis.themes import code_matrix, interview_themes, rollup, saturation, share_difference

COLUMNS = ["document", "case", "org_side", "code", "code_family", "start", "end", "text"]


def _codings(n_formal: int = 12, n_informal: int = 12) -> pd.DataFrame:
    """A small codings table: every person has a QUOTE on B3 and one A6 segment; person 0 an IDENT."""
    rows = []
    for side, n in (("formeel", n_formal), ("informeel", n_informal)):
        for i in range(n):
            doc = f"{side}-{i}"
            text = f"Fatma zei dat haar signaal niet serieus werd genomen in Lombok ({side} {i})."
            person = (doc, f"{doc}-case", side)
            rows += [
                (*person, "B3 NIET_SERIEUS_GENOMEN", "B RELATIEKWALITEIT", 0, 80, text),
                (*person, "QUOTE", "QUOTE", 0, 80, text),
                (*person, "A6 TERUGKOPPELING", "A SAMENWERKINGSSTRUCTUUR", 100, 160, "Terugkoppeling ..."),
            ]
            if i == 0:
                rows.append((*person, "IDENT", "IDENT", 10, 20, "haar signaal"))
    return pd.DataFrame(rows, columns=COLUMNS)


def test_code_matrix_counts_segments_per_family_and_side_without_meta_codes():
    table = code_matrix(_codings(), Policy(), by="org_side").table()
    values = table.values
    assert not set(values.index) & set(META_CODES)
    # without the codebook's labels the families are named by their names made readable
    assert values.loc["Relatiekwaliteit", "formeel"] == 12
    assert values.loc["Samenwerkingsstructuur", "informeel"] == 12
    assert values.iloc[-1, -1] == 48  # 24 persons x (B3 + A6)


def test_code_matrix_suppresses_small_cells():
    table = code_matrix(_codings(n_formal=4), Policy(), by="org_side").table()
    assert table.status.loc["Relatiekwaliteit", "formeel"] == "primary"
    assert table.values.loc["Relatiekwaliteit", "formeel"] is None


def test_planted_effect_not_taken_seriously_is_coded_more_for_informal_respondents():
    """PLANTED.yml: B3 occurs in about 80% of informal and 25% of formal interviews."""
    codings = Study.from_yaml().get("interviews").frame
    table = code_matrix(codings, Policy(min_count=1), by="org_side", level="code").table().values
    persons = codings.drop_duplicates("case")["org_side"].value_counts()
    per_person = {side: table.loc["Niet serieus genomen", side] / persons[side] for side in persons.index}
    assert per_person["Informeel"] > 2 * per_person["Formeel"]


def test_missing_column_is_a_clear_error():
    from analysis.errors import BruggenError

    with pytest.raises(BruggenError, match="no column 'respondent_type'"):
        code_matrix(_codings(), Policy(), by="respondent_type")


# -- the code analysis through the plan (analysis.themes.interview_themes) ---------------------

QDE_NS = {"q": "urn:QDA-XML:project:1.0"}
B3 = "B3 NIET_SERIEUS_GENOMEN"


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def themes(study):
    return study.analyse("themas")


@pytest.fixture(scope="module")
def project(study) -> dict:
    """Direct counts from the project XML (project.qde in interviews.qdpx), without Bruggen's reader.

    Codings of a check coder (the plan's ``coder.check``) are left out, as every analysis but
    intercoder agreement leaves them out.
    """
    check = set()
    if study.plan.has("interviews", "coder"):
        declared = study.plan.binding("interviews", "coder").values.get("check") or []
        check = {declared} if isinstance(declared, str) else set(declared)
    with zipfile.ZipFile(ROOT / "data" / "raw" / "interviews.qdpx") as z:
        root = ET.fromstring(z.read("project.qde"))
    users = {u.get("guid"): u.get("name") for u in root.iterfind(".//q:Users/q:User", QDE_NS)}
    names, parents = {}, {}

    def walk(node, parent):
        for code in node.findall("q:Code", QDE_NS):
            names[code.get("guid")] = code.get("name")
            parents[code.get("guid")] = parent
            walk(code, code.get("guid"))

    walk(root.find(".//q:CodeBook/q:Codes", QDE_NS), None)
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variables/q:Variable", QDE_NS)}
    attributes = {}
    for case in root.iterfind(".//q:Cases/q:Case", QDE_NS):
        values = {}
        for vv in case.findall("q:VariableValue", QDE_NS):
            value = vv.find("q:TextValue", QDE_NS)
            if value is not None:
                values[variables[vv.find("q:VariableRef", QDE_NS).get("targetGUID")]] = value.text
        for ref in case.findall("q:SourceRef", QDE_NS):
            attributes[ref.get("targetGUID")] = values
    documents, dates, codings = {}, {}, []
    for source in root.iterfind(".//q:Sources/*", QDE_NS):
        guid = source.get("guid")
        documents[guid] = source.get("name")
        dates[source.get("name")] = source.get("creationDateTime")
        for coding in source.iterfind(".//q:Coding", QDE_NS):
            if users.get(coding.get("creatingUser")) in check:
                continue
            code = coding.find("q:CodeRef", QDE_NS).get("targetGUID")
            path = [names[code]]
            while parents[code] is not None:
                code = parents[code]
                path.insert(0, names[code])
            codings.append((source.get("name"), "/".join(path), attributes[guid]))
    return {
        "codings": codings,
        "attributes": {documents[g]: a for g, a in attributes.items()},
        "dates": dates,
    }


def _docs_with(project, code: str, **where) -> set[str]:
    return {
        doc
        for doc, path, attrs in project["codings"]
        if code in path.split("/") and all(attrs.get(k) == v for k, v in where.items())
    }


def _interviews(project, **where) -> set[str]:
    return {
        d for d, attrs in project["attributes"].items() if all(attrs.get(k) == v for k, v in where.items())
    }


def test_planted_side_difference_is_recovered_and_equals_a_direct_count(themes, project):
    """PLANTED.yml interviews_b3_by_side: informal minus formal share of interviews with B3 is 0.55."""
    row = themes.differences.set_index("code").loc[B3].rename({"difference": "estimate"})
    informal, formal = _interviews(project, org_side="informeel"), _interviews(project, org_side="formeel")
    direct = len(_docs_with(project, B3, org_side="informeel")) / len(informal) - len(
        _docs_with(project, B3, org_side="formeel")
    ) / len(formal)
    assert row["estimate"] == pytest.approx(direct, abs=1e-12)
    assert row["ci_low"] < 0.55 < row["ci_high"]
    assert row["ci_low"] > 0  # the difference is clear
    assert row["n"] == len(informal) + len(formal)


def test_a_difference_that_would_reveal_a_hidden_share_is_not_published(themes, study):
    """B3: 3 of 12 formal interviews (below the threshold) is hidden; 14 of 18 informal is shown.

    With both group sizes published, the difference 14/18 - 3/12 would give the 3 away, so no
    published view carries it; the finding says in words that the difference is clear.
    """
    hidden = themes.differences.set_index("code").loc[B3, "difference"]
    frame = themes.to_frame()
    assert B3 not in set(frame.loc[frame["measure"] == "difference", "code"])
    published = themes.published_differences()
    assert B3 not in set(published["code"])
    assert len(published) > 0  # codes whose shares are both published keep their difference
    for r in published.itertuples():
        both = themes.shares[themes.shares["code"] == r.code]
        assert both["shown"].all()
    label = themes.shares.set_index("code").loc[B3, "label"].iloc[0]
    shares_html = next(html for _, html in themes.more_tables() if 'data-table="themes-shares"' in html)
    b3_row = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', shares_html).group(1)
    assert b3_row.endswith('<td class="stat">x</td><td class="stat">x</td>')
    assert f"{100 * hidden:.0f}" not in b3_row
    sentence = next(f for f in themes.findings() if "Niet serieus genomen" in f)
    assert "duidelijk vaker" in sentence and f"minder dan {study.policy.min_count}" in sentence
    assert "procentpunten" not in sentence and "53" not in sentence


def test_the_finding_names_the_code_by_its_readable_label(themes):
    findings = themes.findings()
    sentence = next(f for f in findings if "Niet serieus genomen" in f)
    assert "'Informeel'" in sentence and "'Formeel'" in sentence
    codes = {c for c in themes.shares["code"]}
    for text in [*findings, themes.title()]:
        assert not any(code in text for code in codes), text
        assert "_" not in text


def test_document_counts_equal_direct_counts_and_small_ones_are_hidden(themes, project, study):
    table = themes.table()
    min_count = study.policy.min_count
    labels = dict(zip(themes.shares["label"], themes.shares["code"], strict=False))
    checked = 0
    for label, code in labels.items():
        for side, value in (("Formeel", "formeel"), ("Informeel", "informeel")):
            n = len(_docs_with(project, code, org_side=value))
            status, published = table.status.at[label, side], table.values.at[label, side]
            if n and n < min_count:
                assert status == "primary" and published is None
            elif status == "shown":
                assert published == n
                checked += 1
        total = len(_docs_with(project, code))
        if table.status.at[label, table.values.columns[-1]] == "shown":
            assert table.values.at[label, table.values.columns[-1]] == total
            checked += 1
    assert checked >= 20
    # the planted code: 3 formal interviews (below 10) hidden, so its share is not published either
    b3 = themes.shares[(themes.shares["code"] == B3)].set_index("group")
    assert not b3.at["Formeel", "shown"] and b3.at["Formeel", "documents"] == 3


def test_segment_counts_equal_direct_counts(themes, project):
    segments = themes.segments
    for label, code in zip(themes.shares["label"], themes.shares["code"], strict=False):
        total = sum(1 for _, path, _ in project["codings"] if path.split("/")[-1] == code)
        if segments.status.at[label, segments.values.columns[-1]] == "shown":
            assert segments.values.at[label, segments.values.columns[-1]] == total


def test_a_share_is_published_only_with_its_count_and_a_large_enough_group(themes, study):
    shares = themes.shares
    status = themes.table().status
    for r in shares.itertuples():
        if r.shown:
            assert r.n >= study.policy.min_count and status.at[r.label, r.group] == "shown"
    published = themes.to_frame()
    published = published[published["measure"] == "share"]
    assert len(published) == int(shares["shown"].sum()) > 0
    assert not ((published["code"] == B3) & (published["group"] == "Formeel")).any()


def test_meta_codes_are_never_themes(themes, study):
    markers = (
        set(getattr(study.plan, "meta_codes", None).markers) if hasattr(study.plan, "meta_codes") else set()
    )
    markers |= set(META_CODES)
    assert not markers & set(themes.shares["code"])
    assert not markers & set(themes.rollup["name"])
    assert themes.saturation["cumulative"].iloc[-1] == themes.shares["code"].nunique()


def test_rollups_count_descendants_and_each_document_once(themes, project):
    tree = themes.rollup.set_index("node")
    families = {path.split("/")[0] for _, path, _ in project["codings"]} - set(META_CODES)
    for family in families:
        docs = {doc for doc, path, _ in project["codings"] if path.split("/")[0] == family}
        n = sum(1 for _, path, _ in project["codings"] if path.split("/")[0] == family)
        assert tree.at[family, "documents_total"] == len(docs)
        assert tree.at[family, "codings_total"] == n
        children = tree[tree["parent"] == family]
        assert (
            tree.at[family, "codings_total"] == tree.at[family, "codings"] + children["codings_total"].sum()
        )
        assert tree.at[family, "documents_total"] <= children["documents_total"].sum()


def test_the_project_code_system_and_the_frame_give_the_same_rollup(themes, study):
    """The runner rolls up with analysis.codesystem over the analysis' frame; rollup() is the frame-only twin."""
    columns = ["node", "parent", "depth", "codings", "documents", "codings_total", "documents_total"]
    from_project = themes.rollup[columns].sort_values("node").reset_index(drop=True)
    from_frame = rollup(study.part("interviews"))[columns].sort_values("node").reset_index(drop=True)
    pd.testing.assert_frame_equal(from_project, from_frame, check_dtype=False)


def test_the_rollup_never_shows_a_total_the_main_table_hides(themes, study):
    table = themes.table()
    shown = table.display()
    below = study.policy.below
    by_label = dict(zip(themes.shares["code"], themes.shares["label"], strict=False))
    compared = 0
    for r in themes.rollup.itertuples():
        label = by_label.get(r.name)
        if label is not None:
            assert r.documents_shown == shown.at[label, shown.columns[-1]]
            compared += 1
        elif 0 < r.documents_total < study.policy.min_count:
            assert r.documents_shown == below
    assert compared == themes.shares["code"].nunique()


def test_rollup_of_a_deeper_hierarchy():
    codings = pd.DataFrame(
        {
            "document": ["d1", "d1", "d2", "d3", "d3"],
            "code": ["x1", "x2", "x1", "y", "QUOTE"],
            "code_path": ["X/X1/x1", "X/x2", "X/X1/x1", "Y/y", "QUOTE"],
        }
    )
    tree = rollup(codings).set_index("node")
    assert list(tree.index) == ["X", "X/X1", "X/X1/x1", "X/x2", "Y", "Y/y"]
    assert tree.at["X", "codings_total"] == 3 and tree.at["X", "documents_total"] == 2  # d1 once
    assert tree.at["X/X1", "codings"] == 0 and tree.at["X/X1", "documents_total"] == 2
    assert tree.at["X/X1/x1", "depth"] == 3 and tree.at["X/X1/x1", "parent"] == "X/X1"


def test_saturation_curve_equals_a_direct_count(themes, project):
    dates = project["dates"]
    order = sorted(dates, key=lambda d: (dates[d], d))
    seen, new = set(), []
    for doc in order:
        codes = {path.split("/")[-1] for d, path, _ in project["codings"] if d == doc} - set(META_CODES)
        new.append(len(codes - seen))
        seen |= codes
    sat = themes.saturation
    assert list(sat["document"]) == order and list(sat["new_codes"]) == new
    assert list(sat["cumulative"]) == list(np.cumsum(new))
    last = max(i for i, k in enumerate(new, start=1) if k)
    assert f"Na interview {last} van de {len(order)} kwamen er geen nieuwe codes meer bij" in " ".join(
        themes.findings()
    )
    assert themes.order == "date"


def test_saturation_by_name_when_asked():
    codings = pd.DataFrame(
        {
            "document": ["Interview 10", "Interview 2", "Interview 2", "Interview 1"],
            "code": ["c", "a", "b", "a"],
            "created": ["2026-01-01", "2026-03-01", "2026-03-01", "2026-02-01"],
        }
    )
    by_name = saturation(codings, order="name")
    assert list(by_name["document"]) == ["Interview 1", "Interview 2", "Interview 10"]
    assert list(by_name["new_codes"]) == [1, 1, 1] and by_name.attrs["order"] == "name"
    by_date = saturation(codings)
    assert list(by_date["document"]) == ["Interview 10", "Interview 1", "Interview 2"]
    assert list(by_date["new_codes"]) == [1, 1, 1] and by_date.attrs["order"] == "date"
    assert saturation(codings.drop(columns="created")).attrs["order"] == "name"


def test_small_groups_are_not_shown_alone(study):
    result = study.analyse("themas", by="respondent_type")
    columns = list(result.table().values.columns)
    assert columns == ["overige groepen", "Totaal"]  # every respondent type has fewer than 10 interviews
    assert result.differences is None
    assert any("minder dan 10 interviews" in f for f in result.findings())
    small = interview_themes(_codings(n_formal=4), Policy(), by="org_side", level="code", date=None)
    assert list(small.table().values.columns) == ["informeel", "overige groepen", "Totaal"]
    assert set(small.shares.loc[small.shares["group"] == "overige groepen", "shown"]) == {False}


def test_a_contrast_in_the_other_direction_is_said_with_a_positive_interval():
    codings = _codings(n_formal=12, n_informal=12)
    codings = codings[
        ~((codings["org_side"] == "informeel") & (codings["code"] == "B3 NIET_SERIEUS_GENOMEN"))
    ]
    result = interview_themes(codings, Policy(), by="org_side", contrast=("formeel", "informeel"), date=None)
    row = result.differences.set_index("code").loc["B3 NIET_SERIEUS_GENOMEN"]
    assert row["difference"] == -1 and row["ci_high"] < 0
    sentence = result.findings()[0]
    assert sentence.startswith(
        "Niet serieus genomen komt vaker ter sprake in interviews uit de groep 'formeel'"
    )
    assert "verschilt 100 procentpunten (95%-betrouwbaarheidsinterval 66 tot 100)" in sentence


def test_contrast_needs_two_large_enough_groups():
    result = interview_themes(
        _codings(n_formal=4, n_informal=30),
        Policy(),
        by="org_side",
        contrast=("formeel", "informeel"),
        date=None,
    )
    assert result.differences is None and result.contrast_skipped
    assert any("te klein" in f for f in result.findings())


def test_level_and_order_options(study):
    result = study.analyse("themas", level="code_family", order="name")
    assert "Relatiekwaliteit" in list(result.table().values.index)
    assert result.order == "name" and result.saturation["cumulative"].iloc[-1] == 7


def test_english_report_and_published_views(study):
    themes = study.analyse("themas", lang="en")
    assert themes.title() == "Themes in the interviews by side of the collaboration"
    assert any("Not taken seriously" in f for f in themes.findings())
    assert themes.figure().data and themes.saturation_figure().data
    tables = themes.more_tables()
    assert len(tables) == 4 and all(html.strip() for _, html in tables)
    assert not any(B3 in html for _, html in tables)
    frame = themes.to_frame()
    assert list(frame.columns[:7]) == list(TIDY_COLUMNS)


def test_collaboration_form_through_the_survey_link(tmp_path, project):
    path = copy_example(tmp_path / "link")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["disclosure"]["min_count"] = 1
    config["analyses"] = {"themas": {"kind": "interview_themes", "by": "collaboration_form"}}
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    linked = analysis.load(path)
    result = linked.analyse("themas")
    survey = pd.read_spss(ROOT / "data" / "raw" / "organisatie_enquete.sav")
    form = dict(zip(survey["resp_id"].astype(str), survey["collab_form"].astype(str), strict=True))
    groups: dict[str, set[str]] = {}
    for doc, attrs in project["attributes"].items():
        groups.setdefault(form.get(attrs.get("resp_id"), "onbekend"), set()).add(doc)
    sizes = result.shares.drop_duplicates("group").set_index("group")["n"].to_dict()
    assert sizes == {g: len(d) for g, d in groups.items()}
    assert sizes["onbekend"] == sum(1 for a in project["attributes"].values() if not a.get("resp_id"))
    b3 = result.shares[result.shares["code"] == B3].set_index("group")["documents"].to_dict()
    assert b3 == {g: len(_docs_with(project, B3) & d) for g, d in groups.items()}


def test_a_survey_grouping_without_the_survey_link_is_a_clear_error(tmp_path):
    path = copy_example(tmp_path / "nolink")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    del config["plan"]["interviews"]["survey_id"]
    config["analyses"] = {"themas": {"kind": "interview_themes", "by": "side"}}
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    unlinked = analysis.load(path)
    with pytest.raises(StudyConfigError, match=r"plan\.interviews\.survey_id"):
        unlinked.analyse("themas", by="collaboration_form")
    config["analyses"]["themas"]["by"] = "collaboration_form"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BruggenError, match=r"plan\.interviews\.survey_id"):
        analysis.load(path).analyse("themas")


def test_meta_codes_of_other_names_are_left_out():
    codings = _codings().replace({"code": {"QUOTE": "CITEERBAAR"}, "code_family": {"QUOTE": "CITEERBAAR"}})
    result = interview_themes(
        codings, Policy(min_count=1), by="org_side", meta_codes=("CITEERBAAR",), date=None
    )
    assert set(result.shares["code"]) == {"A6 TERUGKOPPELING", "B3 NIET_SERIEUS_GENOMEN", "IDENT"}
    assert "CITEERBAAR" not in set(result.rollup["name"])
    assert result.saturation["cumulative"].iloc[-1] == 3


def test_the_gate_refuses_an_unknown_order(tmp_path):
    path = copy_example(tmp_path / "order")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["analyses"] = {"themas": {"kind": "interview_themes", "by": "side", "order": "alphabet"}}
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BruggenError, match=r"order: 'alphabet' is not one of auto, date, name"):
        analysis.load(path)


def test_newcombe_interval_matches_r():
    reference = json.loads((ROOT / "tests" / "reference" / "themes_newcombe.json").read_text())
    for case in reference["differences"]:
        got = share_difference(case["x1"], case["n1"], case["x0"], case["n0"])
        assert got == pytest.approx((case["difference"], case["ci_low"], case["ci_high"]), abs=1e-9)


def test_readable_code_names():
    assert readable_code("B3 NIET_SERIEUS_GENOMEN") == "Niet serieus genomen"
    assert readable_code("A10 PROJECT_VS_STRUCTUREEL") == "Project vs structureel"
    assert readable_code("B RELATIEKWALITEIT") == "Relatiekwaliteit"
    assert readable_code("Trust in the partner") == "Trust in the partner"
    assert readable_code("A good example") == "A good example"
    # the cases of the rule joint.py had (several letters before the number, an identifier)
    assert readable_code("K12 EEN_LANGE_CODE") == "Een lange code"
    assert readable_code("Al leesbaar") == "Al leesbaar"
    assert readable_code("waardering_erkenning") == "Waardering erkenning"
    assert isinstance(pd.Series([readable_code("X1 Y")]).iloc[0], str)
    # outline numbers of other tools; words in mixed case are kept; a bare number stays
    assert readable_code("2.1 FELT_UNHEARD") == "Felt unheard"
    assert readable_code("B3a: SUB_CODE") == "Sub code"
    assert readable_code("GGD contact") == "GGD contact"
    assert readable_code("42") == "42"
    assert readable_code("QUOTE") == "Quote"


def test_a_code_is_named_by_the_codebook_in_the_report_language_else_by_its_name(study):
    book = study.dataset("interviews").codebook
    nl, en = code_labels(book, "nl"), code_labels(book, "en")
    assert code_label(B3, nl) == "Niet serieus genomen" and code_label(B3, en) == "Not taken seriously"
    assert code_label("A10 PROJECT_VS_STRUCTUREEL", en) == "Project or structural"  # not the name's words
    assert code_label("B RELATIEKWALITEIT", en) == "Quality of the relationship"  # a family
    # every code of the project has its own label in both languages
    codes = set(study.data("interviews")["code"].astype(str))
    assert codes <= set(nl) and codes <= set(en)
    assert len({en[c] for c in codes}) == len({nl[c] for c in codes}) == len(codes)
    # a code the codebook does not label, and no codebook at all: the name made readable
    assert code_label("H1 NIEUWE_CODE", en) == "Nieuwe code"
    assert code_labels(None, "en") == {}
    # a label without a translation into the report language: the codebook's own label
    from analysis.codebook import Codebook, Variable

    partial = Codebook("x", (Variable("code", type="string", value_labels={B3: "Niet serieus"}),))
    assert code_label(B3, code_labels(partial, "en")) == "Niet serieus"


def test_an_english_analysis_names_the_codes_in_english_and_no_finding_a_raw_code(study):
    book = study.dataset("interviews").codebook
    en = code_labels(book, "en")
    themes = study.analyse("themas", lang="en")
    rows = list(themes.table().values.index)[:-1]  # the codes, then the total
    assert rows == [en[c] for c in themes.shares["code"].drop_duplicates()]
    assert "Not taken seriously" in rows and "Niet serieus genomen" not in rows
    assert "Feedback after a referral" in " ".join(html for _, html in themes.more_tables())
    codes = set(study.data("interviews")["code"].astype(str)) | set(study.data("interviews")["code_family"])
    for lang in ("nl", "en"):
        result = study.analyse("themas", lang=lang)
        for text in [*result.findings(), result.title(), *(html for _, html in result.more_tables())]:
            assert not any(code in text for code in codes), text
