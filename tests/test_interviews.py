"""Quotes and practice examples from the coded interviews: representative, pseudonymised, safe."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_example
from study_variants import renamed_study

import analysis
from analysis.disclosure import NameList, Policy
from analysis.errors import BruggenError, StudyConfigError
from analysis.interviews import META_CODES, case_box, quotes
from analysis.labels import code_labels
from analysis.plan import MetaCodes
from analysis.study import Study

THEMES = ("B3 NIET_SERIEUS_GENOMEN", "A6 TERUGKOPPELING")
B3 = THEMES[0]
COLUMNS = ["document", "case", "org_side", "role", "code", "code_family", "start", "end", "text"]


def _codings(n_formal: int = 12, n_informal: int = 12) -> pd.DataFrame:
    """A small codings table: every person has a QUOTE on B3 and one A6 segment; person 0 an IDENT."""
    rows = []
    for side, n in (("formeel", n_formal), ("informeel", n_informal)):
        for i in range(n):
            doc = f"{side}-{i}"
            text = f"Fatma zei dat haar signaal niet serieus werd genomen in Lombok ({side} {i})."
            person = (doc, f"{doc}-case", side, "vrijwilliger" if i % 2 else "professional")
            rows += [
                (*person, B3, "B RELATIEKWALITEIT", 0, 80, text),
                (*person, "QUOTE", "QUOTE", 0, 80, text),
                (*person, "A6 TERUGKOPPELING", "A SAMENWERKINGSSTRUCTUUR", 100, 160, "Terugkoppeling ..."),
            ]
            if i == 0:
                rows.append((*person, "IDENT", "IDENT", 10, 20, "haar signaal"))
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def codings(study):
    return study.part("interviews")


@pytest.fixture(scope="module")
def names(study):
    return NameList.from_study(study.study)


def _segments(codings: pd.DataFrame, code: str) -> pd.DataFrame:
    return codings[codings["code"] == code]


def _overlapping(segments: pd.DataFrame, others: pd.DataFrame) -> pd.Series:
    """Per segment: whether it overlaps one of ``others`` (a merge, not the library's loop)."""
    pairs = segments.reset_index().merge(
        others[["document", "start", "end"]], on="document", suffixes=("", "_o")
    )
    hit = pairs[(pairs["start_o"] < pairs["end"]) & (pairs["end_o"] > pairs["start"])]["index"]
    return segments.index.to_series().isin(set(hit))


# -- the library function on a small table --------------------------------------------------------
def test_quotes_skip_identifying_segments_replace_names_and_label_by_group():
    names = NameList(names=("Fatma",), districts=("Lombok",))
    result = quotes(_codings(), THEMES, Policy(), names, group="org_side", n=30)
    table = result.table()
    assert len(table) == 22  # 24 persons, minus the two whose quote overlaps an IDENT coding
    assert table["text"].str.contains(r"\[naam\] zei").all()
    assert table["text"].str.contains(r"\[wijk\]").all()
    assert not table["text"].str.contains("Fatma|Lombok").any()
    assert table["speaker"].str.fullmatch(r"(formeel|informeel) \d+").all()
    assert table["speaker"].is_unique
    assert (result.selection.quotes["code"] == B3).all()  # the QUOTE overlaps B3 only
    assert (table["theme"] == "Niet serieus genomen").all()  # without labels: the name made readable
    named = quotes(_codings(), THEMES, Policy(), names, group="org_side", n=30, code_labels={B3: "Genegeerd"})
    assert (named.table()["theme"] == "Genegeerd").all()


def test_quotes_from_a_group_below_the_threshold_are_refused():
    result = quotes(_codings(n_formal=4), THEMES, Policy(), NameList(), group="org_side", n=30)
    assert not result.table()["speaker"].str.startswith("formeel").any()
    assert len(result.table()) == 11
    assert len(result.refused) == 3  # four formal persons, one of whom only has an IDENT-blocked quote
    assert result.refused["reason"].str.contains("fewer than 10").all()


def test_speakers_are_labelled_by_role_only_where_the_role_is_large_enough():
    # informal: 20 persons, 10 of each role; formal: 12 persons, 6 of each role
    result = quotes(_codings(12, 20), THEMES, Policy(), NameList(), group="org_side", label="role", n=40)
    speakers = result.table()["speaker"]
    assert speakers.str.fullmatch(r"(vrijwilliger|professional|formeel) \d+").all()
    assert speakers.str.startswith("formeel").sum() == 11  # roles of 6 persons: labelled by the side
    assert speakers.str.startswith("vrijwilliger").sum() == 10
    assert speakers.str.startswith("professional").sum() == 9  # 10, one of whom only has an IDENT quote


def test_quotes_are_the_same_on_every_run():
    names = NameList(names=("Fatma",))
    first = quotes(_codings(), THEMES, Policy(), names, group="org_side")
    again = quotes(_codings().sample(frac=1, random_state=3), THEMES, Policy(), names, group="org_side")
    pd.testing.assert_frame_equal(first.table(), again.table())


def test_quotes_report_block_is_escaped_block_quotes():
    frame = _codings()
    frame.loc[frame["code"].isin([B3, "QUOTE"]), "text"] = "Wij zeiden <script>alert(1)</script> & meer."
    block = quotes(frame, B3, Policy(), NameList(), group="org_side", n=2).report_blocks("nl")
    assert len(block) == 1
    html = block[0][1]
    assert html.count("<blockquote") == 2 and html.count("<footer>") == 2
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; meer" in html


def test_missing_column_is_a_clear_error():
    with pytest.raises(BruggenError, match="no column 'respondent_type'"):
        quotes(_codings(), B3, Policy(), group="respondent_type")


# -- the representative rule on the example ---------------------------------------------------------
def _eligible(codings: pd.DataFrame, code: str, policy: Policy, *, group: str, max_words: int = 60):
    """The candidates by the documented rule, computed independently: QUOTE segments overlapping
    ``code``, none overlapping IDENT, at most ``max_words`` words, from groups of at least min_count."""
    marked = _segments(codings, "QUOTE")
    marked = marked[
        _overlapping(marked, _segments(codings, code)) & ~_overlapping(marked, _segments(codings, "IDENT"))
    ]
    marked = marked.assign(words=marked["text"].str.split().str.len())
    marked = marked[marked["words"] <= max_words]
    sizes = codings.drop_duplicates("case")[group].astype(str).value_counts()
    return marked[marked[group].astype(str).map(sizes) >= policy.min_count]


def test_each_speaker_gives_their_most_typical_quote(codings, names, study):
    result = quotes(codings, B3, study.policy, names, group="org_side", n=100)
    eligible = _eligible(codings, B3, study.policy, group="org_side")
    median = eligible["words"].median()
    best = eligible.assign(d=(eligible["words"] - median).abs()).groupby("case")["d"].min()
    published = result.selection.quotes
    assert len(published) == eligible["case"].nunique() >= 10  # one per speaker, every speaker
    chosen = published.assign(d=(published["words"] - median).abs())
    assert sorted(chosen["d"]) == sorted(best)  # each the closest to the median of its speaker's
    assert result.candidates >= len(eligible)


def test_n_quotes_spread_round_robin_over_the_groups(codings, names, study):
    eligible = _eligible(codings, B3, study.policy, group="org_side")
    speakers = eligible.drop_duplicates("case")["org_side"].astype(str).value_counts()
    assert 2 <= speakers["Formeel"] < speakers["Informeel"]  # B3 is mostly an informal theme
    turns = ["Formeel", "Informeel"] * speakers["Formeel"] + ["Informeel"] * 30
    for n in (1, 2, 3, 4, 2 * speakers["Formeel"] + 2):
        published = quotes(codings, B3, study.policy, names, group="org_side", n=n).selection.quotes
        assert len(published) == n
        assert list(published["group"]) == turns[:n]  # round robin until the formal speakers run out
    median = eligible["words"].median()
    first = quotes(codings, B3, study.policy, names, group="org_side", n=2).selection.quotes
    for side, row in zip(("Formeel", "Informeel"), first.itertuples(), strict=True):
        own = eligible[eligible["org_side"].astype(str) == side]
        assert abs(row.words - median) == (own["words"] - median).abs().min()  # the group's most typical


def test_max_words_leaves_out_long_quotes(codings, names, study):
    result = quotes(codings, THEMES, study.policy, names, group="org_side", n=100, max_words=12)
    assert len(result.table()) > 0
    assert (result.selection.quotes["words"] <= 12).all()


def test_no_quote_from_a_group_made_small(codings, names, study):
    formal = codings[codings["org_side"] == "Formeel"]["case"].drop_duplicates()
    subset = codings[~codings["case"].isin(formal.iloc[5:])]  # five formal persons left
    result = quotes(subset, THEMES, study.policy, names, group="org_side", n=100)
    assert len(result.table()) > 0
    assert (result.selection.quotes["group"] == "Informeel").all()
    assert (result.refused["group"] == "group=Formeel").any()
    assert result.refused["reason"].str.contains("has 5 persons, fewer than 10").all()


def test_never_a_segment_that_overlaps_an_identifying_one(codings, names, study):
    marked = _segments(codings, "QUOTE")
    identifying = marked[_overlapping(marked, _segments(codings, "IDENT"))]
    assert len(identifying) >= 3  # the example has quotable segments with an identifying detail
    blocked = {names.pseudonymise(t)[0] for t in identifying["text"]}
    every_code = [c for c in codings["code"].unique() if c not in META_CODES]
    published = quotes(codings, every_code, study.policy, names, group="org_side", n=1000).table()
    assert len(published) > 10
    assert not set(published["text"]) & blocked


def test_names_are_replaced_even_without_an_identifying_marker(codings, names, study):
    """The names list protects on its own: with IDENT ignored, quotes that name people are published pseudonymised."""
    every_code = [c for c in codings["code"].unique() if c not in META_CODES]
    result = quotes(
        codings, every_code, study.policy, names, group="org_side", n=1000, meta=MetaCodes(identifying=None)
    )
    assert len(result.selection.replacements) >= 2  # quotes that held a name or a place
    text = " ".join(result.table()["text"])
    assert "[naam]" in text
    assert not _names_in(text, names)


def test_a_project_without_meta_codes_quotes_segments_of_the_code(codings, names, study):
    plain = codings[~codings["code"].isin(META_CODES)]
    result = quotes(plain, B3, study.policy, names, group="org_side", n=100)
    b3 = _segments(plain, B3)
    assert len(result.table()) == b3["case"].nunique()  # every speaker of B3: no marker, no filter
    assert (result.selection.quotes["code"] == B3).all()
    words = b3["text"].str.split().str.len()
    assert quotes(plain, B3, study.policy, names, group="org_side", max_words=None).candidates == len(b3)
    assert (
        quotes(plain, B3, study.policy, names, group="org_side", max_words=40).candidates
        == (words <= 40).sum()
    )
    assert (words > 40).any()
    # the same when the plan says the project has no such markers, whatever the codes are called
    none = MetaCodes(quote=None, case_box=None, identifying=None)
    assert none.markers == ()
    same = quotes(plain, B3, study.policy, names, group="org_side", n=100, meta=none)
    pd.testing.assert_frame_equal(same.table(), result.table())
    assert case_box(plain, study.policy, names, group="org_side").findings("nl") == [
        "Er is geen praktijkvoorbeeld dat gepubliceerd kan worden."
    ]


# -- on the study ----------------------------------------------------------------------------------
def test_study_quotes_is_the_library_function_on_the_plan(study, codings, names):
    result = study.quotes(B3, group="side", n=4)
    expected = quotes(codings, B3, study.policy, names, group="org_side", label="resp_type", n=4)
    pd.testing.assert_frame_equal(result.table(), expected.table())
    assert study.quotes([B3], n=2).findings("en") == [
        "2 quotes from the interviews can be published after pseudonymisation."
    ]


def test_the_plans_quotes_analysis(study):
    result = study.analyse("citaten")
    assert len(result.table()) == 3
    labels = code_labels(study.dataset("interviews").codebook, "nl")
    assert set(result.table()["theme"]) <= {labels[t] for t in THEMES}
    assert result.title("nl") == "Citaten uit de interviews"


def test_quote_themes_and_case_box_titles_name_codes_in_the_report_language(study, codings):
    book = study.dataset("interviews").codebook
    codes = set(codings["code"].astype(str)) | set(codings["code_family"].astype(str))
    for lang in ("nl", "en"):
        labels = code_labels(book, lang)
        quoted = study.analyse("citaten", lang=lang)
        assert list(quoted.table()["theme"]) == [labels[c] for c in quoted.selection.quotes["code"]]
        boxes = study.analyse("praktijkvoorbeeld", lang=lang)
        titles = list(boxes.table()["title"])
        assert titles and all(t.split("; ")[0] in labels.values() for t in titles)
        for result in (quoted, boxes):
            shown = [
                *result.findings(lang),
                result.table().to_csv(),
                *(h for _, h in result.report_blocks(lang)),
            ]
            assert not any(code in text for code in codes for text in shown), lang
    english = study.analyse("citaten", lang="en").table()["theme"]
    assert set(english) <= {"Not taken seriously", "Feedback after a referral"}
    assert (
        "good practice" in study.analyse("praktijkvoorbeeld", lang="en").table()["title"].iloc[0].casefold()
    )


def _names_in(text: str, names: NameList) -> list[str]:
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names.entries)) + r")(?!\w)", re.IGNORECASE)
    return pattern.findall(text)


# -- case boxes ------------------------------------------------------------------------------------
def _boxes() -> pd.DataFrame:
    rows = []
    for i in range(24):
        side = "formeel" if i < 12 else "informeel"
        person = (f"doc-{i}", f"case-{i}", side, "vrijwilliger")
        rows.append((*person, "G3 GOED_VOORBEELD", "G OPBRENGSTEN", 0, 200, "..."))
        if i in (1, 5, 13):
            text = f"Samen met Fatma <b>begonnen</b> & doorgezet ({i})."
            rows.append((*person, "CASEBOX", "CASEBOX", 0, 120, text))
            rows.append((*person, "A3 VAST_AANSPREEKPUNT", "A STRUCTUUR", 0, 60, "..."))
        if i == 5:
            rows.append((*person, "IDENT", "IDENT", 20, 30, "Fatma"))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["selection_guid"] = [f"G-{i}" for i in range(len(frame))]
    return frame


def test_case_box_candidates_title_text_and_speaker_escaped():
    result = case_box(_boxes(), Policy(), NameList(names=("Fatma",)), group="org_side")
    table = result.table()
    assert list(table["position"]) == [1, 2]  # doc-5's box overlaps an IDENT segment
    assert table["text"].str.contains(r"\[naam\]").all()
    assert (table["title"] == "Goed voorbeeld; vast aanspreekpunt").all()  # G3 overlaps most, then A3
    titled = case_box(
        _boxes(), Policy(), group="org_side", code_labels={"A3 VAST_AANSPREEKPUNT": "GGD-contact"}
    )
    assert (titled.table()["title"] == "Goed voorbeeld; GGD-contact").all()  # an acronym stays
    assert table["speaker"].str.fullmatch(r"(formeel|informeel) \d+").all()
    html = result.report_blocks("nl")[0][1]
    assert html.startswith('<aside class="case-box"><h3>Goed voorbeeld; vast aanspreekpunt</h3>')
    assert html.endswith("</blockquote></aside>") and html.count('<blockquote class="citaat">') == 1
    assert "<b>" not in html and "&lt;b&gt;begonnen&lt;/b&gt; &amp; doorgezet (1)" in html
    assert "Fatma" not in html
    assert f"<footer>({table['speaker'][0]})</footer>" in html
    untitled = case_box(
        _boxes()[lambda f: ~f["code"].str.startswith(("G3", "A3"))], Policy(), group="org_side"
    )
    assert untitled.table()["title"].eq("").all() and "<h3>" not in untitled.html()
    assert result.findings("en") == [
        "Candidates for a practice example: 2; the researcher picks one (option pick). Shown here: number 1."
    ]


def test_case_box_pick_by_position_or_guid():
    frame = _boxes()
    second = case_box(frame, Policy(), group="org_side", pick=2)
    assert "(13)" in second.html()
    guid = second.table()["guid"][1]
    assert case_box(frame, Policy(), group="org_side", pick=guid).html() == second.html()
    with pytest.raises(BruggenError, match="positions 1 to 2"):
        case_box(frame, Policy(), group="org_side", pick=3)


def test_case_box_never_from_a_small_group():
    frame = _boxes()
    small = frame[
        ~frame["case"].isin([f"case-{i}" for i in range(14, 24)])
    ]  # 14 persons: 12 formal, 2 informal
    result = case_box(small, Policy(), group="org_side")
    assert len(result.table()) == 1 and (result.refused["group"] == "group=informeel").all()
    few = frame[frame["case"].isin([f"case-{i}" for i in range(12, 16)])]  # four informal persons
    assert case_box(few, Policy(), group="org_side").report_blocks() == []


def test_case_box_on_the_example(study, codings):
    result = study.analyse("praktijkvoorbeeld")
    marked = _segments(codings, "CASEBOX")
    safe = marked[~_overlapping(marked, _segments(codings, "IDENT"))]
    assert len(result.table()) == len(safe) < len(marked)  # one practice example names a person
    assert set(result.table()["guid"]) == set(safe["selection_guid"])
    assert str(len(safe)) in result.findings("nl")[0]
    picked = study.analyse("praktijkvoorbeeld", pick=3)
    assert picked.html() != result.html() and picked.table()["title"][2] in picked.html()


# -- meta-codes from the plan ----------------------------------------------------------------------
RENAMED_META = {"QUOTE": "CITEERBAAR", "CASEBOX": "KADERTEKST", "IDENT": "HERKENBAAR"}


def _rename_codes(path) -> None:
    """Rename the meta-codes inside a REFI-QDA project."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".qde"):
                text = data.decode("utf-8")
                for old, new in RENAMED_META.items():
                    text = text.replace(f'name="{old}"', f'name="{new}"')
                data = text.encode("utf-8")
            zout.writestr(item, data)
    tmp.replace(path)


@pytest.fixture(scope="module")
def renamed_meta(tmp_path_factory):
    """The example's interviews with meta-codes of other names, which its plan declares."""
    from analysis.validate.suites import regenerate_study

    folder = tmp_path_factory.mktemp("metacodes")
    analyses = {
        "citaten": {"kind": "quotes", "by": "side", "n": 3},
        "kader": {"kind": "case_box", "by": "side"},
        "samenloop": {"kind": "cooccurrence", "unit": "segment"},
    }
    path = renamed_study(folder, keep=("interviews",), analyses=analyses)
    _rename_codes(folder / "bestanden" / "gesprekken.qdpx")
    book = folder / "codeboeken" / "gesprekken.yml"
    text = book.read_text(encoding="utf-8")
    for old, new in RENAMED_META.items():
        text = re.sub(rf"(?m)^(\s+){old}:", rf"\g<1>{new}:", text)
    book.write_text(text, encoding="utf-8")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["disclosure"]["quasi_identifiers"] = []  # survey variables: the copy has only interviews
    config["plan"]["interviews"]["meta_codes"] = {
        "quote": "CITEERBAAR",
        "case_box": "KADERTEKST",
        "identifying": "HERKENBAAR",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    regenerate_study(Study.from_yaml(path))
    return path


def test_meta_codes_of_other_names_come_from_the_plan(renamed_meta, study):
    renamed = analysis.load(renamed_meta)
    assert renamed.plan.meta_codes.markers == tuple(RENAMED_META.values())
    frame = renamed.part("interviews")
    assert not frame["code"].isin(META_CODES).any() and frame["code"].isin(RENAMED_META.values()).any()
    pd.testing.assert_frame_equal(renamed.analyse("citaten").table(), study.analyse("citaten").table())
    pd.testing.assert_frame_equal(
        renamed.analyse("kader").table(), study.analyse("praktijkvoorbeeld").table()
    )
    # the other interview analyses leave them out as markers too
    codes = set(renamed.analyse("samenloop").table().values.index)
    assert len(codes) > 10 and not codes & set(RENAMED_META.values())


def test_a_meta_code_that_is_no_code_is_a_configuration_error_listing_the_codes(renamed_meta):
    config = yaml.safe_load(renamed_meta.read_text(encoding="utf-8"))
    config["plan"]["interviews"]["meta_codes"]["identifying"] = "IDENT"
    wrong = renamed_meta.with_name("fout.yml")
    wrong.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(StudyConfigError) as err:
        analysis.load(wrong)
    message = str(err.value)
    assert "plan.interviews.meta_codes.identifying: 'IDENT' is not a code of gesprekken" in message
    assert "HERKENBAAR" in message and "B3 NIET_SERIEUS_GENOMEN" in message


def test_the_plan_parses_meta_codes():
    from analysis.plan import Plan

    def parse(meta):
        plan = {"interviews": {"dataset": "x", "meta_codes": meta}}
        return Plan.from_config(plan, None, datasets=("x",)).meta_codes

    assert parse(None) == MetaCodes() and MetaCodes().markers == META_CODES
    custom = parse({"quote": "Q", "identifying": None})
    assert (custom.quote, custom.case_box, custom.identifying) == ("Q", "CASEBOX", None)
    assert custom.given == {"quote"} and custom.markers == ("Q", "CASEBOX")
    with pytest.raises(StudyConfigError, match=r"meta_codes\.quotes: is not a meta-code"):
        parse({"quotes": "Q"})


# -- no name or place in any report ----------------------------------------------------------------
@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    from analysis.report.build import build_reports

    path = copy_example(tmp_path_factory.mktemp("rapporten"))
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["analyses"]["citaten"]["n"] = 30  # every quote that may be published
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    built = Study.from_yaml(path)
    pages = [p for p in build_reports(built, municipalities=["all"]) if p.suffix == ".html"]
    return built, [p for p in pages if p.name != "validatie.html"]


def _text(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", " ", html))


def test_no_name_or_place_from_the_list_in_any_quote_of_any_report(reports):
    built, pages = reports
    names = NameList.from_study(built)
    assert len(names.entries) > 40 and len(pages) > 2  # the study report and municipality reports
    quoted = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        boxes = re.findall(r"<blockquote.*?</blockquote>|<aside.*?</aside>", html, flags=re.DOTALL)
        quoted += boxes
        assert not _names_in(" ".join(_text(b) for b in boxes), names), page.name
    assert sum(b.startswith("<blockquote") for b in quoted) >= 10
    assert sum(b.startswith("<aside") for b in quoted) == 1
    study_report = next(p for p in pages if p.name == "rapport.html").read_text(encoding="utf-8")
    chapter = re.search(r'<section id="interviews".*?</section>', study_report, flags=re.DOTALL)
    assert chapter is not None
    assert not _names_in(_text(chapter.group(0)), names)


def test_the_gate_checks_the_options_of_quotes_and_case_boxes(renamed_meta):
    config = yaml.safe_load(renamed_meta.read_text(encoding="utf-8"))
    config["analyses"]["citaten"].update(label="functie", n=0)
    config["analyses"]["kader"].update(pick=True, max_words=None)
    wrong = renamed_meta.with_name("opties.yml")
    wrong.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(StudyConfigError) as err:
        analysis.load(wrong)
    message = str(err.value)
    assert "analyses.citaten: label: 'functie' is neither a role of plan.interviews nor a variable" in message
    assert "analyses.citaten: n: must be a whole number of at least 1, not 0" in message
    assert (
        "analyses.kader: pick: must be a position (1 is the first) or a segment's guid, not True" in message
    )
    assert "max_words" not in message  # null: no maximum
