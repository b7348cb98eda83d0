"""The joint display (samenhang): per theme the survey's result beside the interviews.

On the example through ``study.analyse("gemengd_beeld")``: a row per theme of study.yml; its survey
numbers are the named analyses' own results; the interview counts equal counts made directly
from the codings (first coding only) where they are published and are hidden below the
threshold; each branch of the suggestion rule; a given inference wins and is not marked as a
suggestion; bad rows are configuration errors of the real gate listing the valid names; a study
without interviews has no joint display (and no such chapter); no entry of the names list is
ever published.
"""

from __future__ import annotations

import copy
import html
import re

import pandas as pd
import pytest
import yaml
from conftest import ROOT

import analysis
from analysis.disclosure import NameList
from analysis.errors import BruggenError, StudyConfigError
from analysis.joint import suggest_inference, survey_direction
from analysis.labels import code_label, code_labels
from analysis.study import Study

CONFIG = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))
THEMES = CONFIG["analyses"]["gemengd_beeld"]["themes"]


@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


@pytest.fixture(scope="module")
def joint(study):
    return study.analyse("gemengd_beeld")


def _themes(**changes) -> list[dict]:
    """The example's rows with changes to row ``i``: ``{1: {"direction": "higher"}}``; None deletes."""
    rows = copy.deepcopy(THEMES)
    for i, change in changes.items():
        for key, value in change.items():
            if value is None:
                rows[int(i[1:])].pop(key, None)
            else:
                rows[int(i[1:])][key] = value
    return rows


# -- the rows on the example -------------------------------------------------------------------
def test_a_row_per_theme_of_study_yml_in_its_order(joint):
    frame = joint.to_frame()
    assert list(frame["term"]) == [row["theme"]["nl"] for row in THEMES]
    assert list(frame["survey"]) == [row["survey"] for row in THEMES]
    assert list(frame.columns[:7]) == ["term", "estimate", "std_error", "ci_low", "ci_high", "p_value", "n"]
    assert len(joint.findings()) == len(THEMES)


def test_the_english_display_has_the_english_themes_and_the_same_numbers(study, joint):
    english = study.analyse("gemengd_beeld", lang="en")
    assert list(english.to_frame()["term"]) == [row["theme"]["en"] for row in THEMES]
    for col in ("estimate", "ci_low", "ci_high", "n"):
        assert english.to_frame()[col].tolist() == joint.to_frame()[col].tolist()


def test_the_survey_numbers_are_the_named_analyses_results(study, joint):
    frame = joint.to_frame()
    for row, spec in zip(frame.itertuples(), THEMES, strict=True):
        own = study.analyse(spec["survey"]).to_frame()
        match = own[own["term"] == spec["term"]].iloc[0]
        assert row.survey_term == spec["term"]
        for col in ("estimate", "ci_low", "ci_high", "n"):
            assert getattr(row, col) == pytest.approx(match[col], nan_ok=True), (spec["survey"], col)


def test_the_survey_cell_shows_the_result_and_the_sentence_that_states_it(study, joint):
    page = html.unescape(joint.html("nl"))
    reach = study.analyse("bereik_model")
    sentence = next(s for s in reach.findings() if "1,35" in s)
    assert sentence in page
    assert "1,35 (95%-betrouwbaarheidsinterval 1,12 tot 1,63)" in page
    assert "−0,74 (95%-betrouwbaarheidsinterval −0,87 tot −0,61)" in page


def test_interview_counts_equal_direct_counts_and_small_ones_are_hidden(study, joint):
    codings = study.part("interviews")  # the first coding: a check coder's codings left out
    side = "org_side"
    values, status = joint.table().values, joint.table().status
    policy = study.policy
    checked = 0
    labels = code_labels(study.dataset("interviews").codebook, "nl")
    for spec in THEMES:
        for code in spec["codes"]:
            label = code_label(code, labels)
            docs = codings[codings["code"] == code].drop_duplicates("document")
            direct = docs.groupby(docs[side].astype(str))["document"].nunique()
            for group in values.columns[:-1]:
                exact = int(direct.get(group, 0))
                if status.at[label, group] == "shown":
                    assert values.at[label, group] == exact, (code, group)
                    assert exact == 0 or exact >= policy.min_count
                    checked += 1
                elif 0 < exact < policy.min_count:
                    assert status.at[label, group] == "primary"
            total = int(docs["document"].nunique())
            if status.at[label, values.columns[-1]] == "shown":
                assert values.at[label, values.columns[-1]] == total
    assert checked > 0
    assert values.iloc[0, -1] == codings["document"].nunique()  # all interviews
    assert "<10" in joint.table().display().to_numpy()


def test_a_check_coders_codings_are_not_counted(study, joint):
    """The double-coded interviews count once, by their first coding (the plan's check coder out)."""
    full = study.part("interviews", check_coders=True)
    first = study.part("interviews")
    values, status = joint.table().values, joint.table().status
    differ = []
    labels = code_labels(study.dataset("interviews").codebook, "nl")
    for code in {c for spec in THEMES for c in spec["codes"]}:
        n_full = full.loc[full["code"] == code, "document"].nunique()
        n_first = first.loc[first["code"] == code, "document"].nunique()
        label = code_label(code, labels)
        if n_full != n_first and status.at[label, values.columns[-1]] == "shown":
            differ.append(code)
            assert values.at[label, values.columns[-1]] == n_first
    assert differ, "no published count on which the check coder differs: the test would show nothing"


def test_a_hidden_count_cannot_be_recomputed_from_its_row(joint):
    status = joint.table().status
    for label in status.index:
        hidden = (status.loc[label] != "shown").sum()
        assert hidden != 1, label  # one hidden cell in a row would follow from the row's total


def test_no_column_total_is_published(joint):
    """An interview counts once per code: a sum over codes would count it several times."""
    assert not joint.table().total_row
    assert joint.table().values.index[-1] != "Totaal"


def test_findings_use_readable_labels_and_the_published_numbers(joint):
    for sentence in joint.findings():
        assert not re.search(r"\b[A-G]\d+ [A-Z_]+\b", sentence), sentence
    assert joint.findings()[1] == (
        "Serieus genomen worden: enquête en interviews bevestigen elkaar (suggestie). Enquête: −0,74 "
        "(95%-betrouwbaarheidsinterval −0,87 tot −0,61); in de interviews komt ‘Niet serieus genomen’ voor "
        "in 17 van de 30 interviews."
    )


def test_the_html_table_is_accessible(joint):
    page = joint.html("nl")
    assert "<caption>" in page
    assert page.count('<th scope="row">') == len(THEMES)
    assert page.count('<th scope="col">') == 5
    assert "Hoe de samenhang is bepaald" in page  # the rule, in the report's method text
    # the meaning is in words, never in a colour only
    assert "style=" not in page and "color" not in page
    assert joint.report_blocks("nl") == [("", page)]
    with pytest.raises(BruggenError, match="no figure"):
        joint.figure()


def test_each_row_has_one_pseudonymised_quote_and_no_quote_twice(joint):
    frame = joint.to_frame()
    assert frame["quote"].notna().all()
    assert frame["quote"].is_unique
    page = joint.html("nl")
    assert page.count('<blockquote class="citaat">') == len(THEMES)


def test_no_speaker_is_quoted_twice_in_the_report(study, joint):
    """Not within the display, nor a speaker of the study's quotes or its practice box."""
    speakers = list(joint.to_frame()["speaker"])
    assert len(set(speakers)) == len(speakers)
    elsewhere = set(study.analyse("citaten").to_frame()["speaker"])
    boxes = study.analyse("praktijkvoorbeeld").to_frame()
    elsewhere |= set(boxes.loc[boxes["picked"].astype(bool), "speaker"])
    assert elsewhere and not set(speakers) & elsewhere
    assert all(re.fullmatch(r"(Formeel|Informeel) \d+", s) for s in speakers)  # a large-enough group


def test_groups_smaller_than_the_threshold_give_no_quote_and_no_small_count(study):
    """By respondent type every group has fewer than 10 interviewees: no quote may name one."""
    result = study.analyse("gemengd_beeld", by="respondent_type")
    assert result.to_frame()["quote"].isna().all()
    assert "Geen citaat dat gepubliceerd kan worden." in result.html("nl")
    values, status = result.table().values, result.table().status
    sizes = study.part("interviews").drop_duplicates("document")["resp_type"].value_counts()
    assert (sizes < study.policy.min_count).all()
    for group in values.columns[:-1]:
        assert status.at[values.index[0], group] != "shown"  # the group's size is not published
    shown = [values.iat[i, j] for i, j in zip(*(status.to_numpy() == "shown").nonzero(), strict=True)]
    assert shown and all(v == 0 or v >= study.policy.min_count for v in shown)


def test_no_name_of_the_names_list_is_published(study, joint):
    names = NameList.from_study(study.study)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names.entries)) + r")(?!\w)", re.IGNORECASE)
    published = [joint.html("nl"), joint.html("en"), *joint.findings(), joint.to_frame().to_csv()]
    published.append(joint.table().to_html())
    assert not [hit for text in published for hit in pattern.findall(text)]


# -- the suggestion rule ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("survey", "interviews", "documents", "expected"),
    [
        (1, 1, 5, "confirms"),
        (-1, -1, 5, "confirms"),
        (1, -1, 5, "discordant"),
        (-1, 1, 5, "discordant"),
        (0, 1, 5, "expands"),  # codes present where the survey shows no clear effect
        (0, None, 5, "expands"),
        (None, 1, 5, "expands"),  # a level, not a comparison
        (1, None, 5, "expands"),  # the interviews add reasons the survey cannot give
        (1, 1, 0, None),  # the interviews are silent on the theme
    ],
)
def test_the_suggestion_rule(survey, interviews, documents, expected):
    assert suggest_inference(survey, interviews, documents) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1.35, 1.12, 1.63, 0.002, 1.0), 1),  # a ratio above 1
        ((0.80, 0.70, 0.95, 0.01, 1.0), -1),
        ((1.05, 0.90, 1.20, 0.5, 1.0), 0),  # interval includes the null
        ((-0.74, -0.87, -0.61, 1e-11, 0.0), -1),  # a difference below 0
        ((0.35, 0.31, 0.39, float("nan"), None), None),  # a share: a level, not a direction
        ((0.35, 0.31, 0.39, float("nan"), 0.30), 1),  # ... unless the theme declares a null
        ((0.4, float("nan"), float("nan"), 0.01, 0.0), 1),  # no interval: p and the sign
        ((0.4, float("nan"), float("nan"), 0.20, 0.0), 0),
    ],
)
def test_the_direction_of_a_survey_result(args, expected):
    assert survey_direction(*args) == expected


def test_the_example_rows_take_each_branch_through_the_plan(study, joint):
    frame = joint.to_frame()
    # a share (no p-value): expands; a difference and a ratio with the interviews' direction: confirms
    assert list(frame["inference"]) == ["expands", "confirms", "confirms", "confirms"]
    assert list(frame["suggested"]) == [True, True, True, False]
    opposite = study.analyse(
        "gemengd_beeld", themes=_themes(r1={"direction": "higher"}, r2={"direction": None})
    )
    assert list(opposite.to_frame()["inference"])[:3] == ["expands", "discordant", "expands"]
    level = study.analyse("gemengd_beeld", themes=_themes(r0={"null": 0.5, "direction": "lower"}))
    assert level.to_frame()["inference"].iloc[0] == "confirms"  # 35% (31% to 39%) lies below 0.5


def test_interviews_silent_on_a_theme_give_no_suggestion(study):
    codings = study.part("interviews")
    silent = codings[~codings["code"].isin(THEMES[2]["codes"])]
    result = study.analyse("gemengd_beeld", data=silent)
    row = result.to_frame().iloc[2]
    assert pd.isna(row["inference"]) and not row["suggested"]
    assert "gaan er niet op in" in result.findings()[2]
    assert "Geen oordeel" in result.html("nl")


def test_a_given_inference_wins_and_is_not_marked_as_a_suggestion(study):
    result = study.analyse("gemengd_beeld", themes=_themes(r1={"inference": "discordant"}))
    frame = result.to_frame()
    assert frame["inference"].iloc[1] == "discordant" and not frame["suggested"].iloc[1]
    rows = result.html("nl").split('<tr><th scope="row">')[1:]
    assert "Tegenstrijdig" in rows[1] and "suggestie" not in rows[1]
    assert "(suggestie)" in rows[0]
    assert "(suggestie)" not in result.findings()[1]


# -- configuration errors --------------------------------------------------------------------------
def _config(themes) -> dict:
    config = copy.deepcopy(CONFIG)
    config["analyses"]["gemengd_beeld"]["themes"] = themes
    return config


def test_bad_rows_are_configuration_errors_of_the_real_gate_listing_the_valid_names():
    from analysis.validate import gate

    bad = _themes(
        r0={"survey": "samenwerkingsindx"},
        r1={"codes": ["B3 NIET_SERIEUS", "B4 GELIJKWAARDIGHEID_MACHT"]},
        r2={"inference": "agrees"},
        r3={"colour": "red"},
    )
    study = Study.from_dict(_config(bad), root=ROOT, source=ROOT / "study.yml")
    with pytest.raises(StudyConfigError) as info:
        gate.run(study)
    message = str(info.value)
    assert "4 problem(s)" in message
    lines = [
        line.strip() for line in message.splitlines() if line.strip().startswith("analyses.gemengd_beeld:")
    ]
    assert len(lines) == 4, message
    line = " ".join(lines)
    assert "themes[0].survey: 'samenwerkingsindx' is not an analysis the study declares" in line
    assert "did you mean 'samenwerkingsindex'" in line
    assert "declared: respons, samenwerkingsvorm_per_kant" in line  # the valid names
    assert "gemengd_beeld" not in line.split("declared:")[1].split(")")[0]  # not itself
    assert "themes[1].codes[0]: 'B3 NIET_SERIEUS' is not a code of the project" in line
    assert "B3 NIET_SERIEUS_GENOMEN" in line and "G2 VERBETERPUNTEN" in line  # the codes listed
    assert "themes[2].inference: 'agrees' is not one of confirms, expands, discordant" in line
    assert "themes[3].colour: is not a key of a row" in line


def test_a_row_without_codes_or_a_missing_term_is_an_error(study):
    with pytest.raises(StudyConfigError, match=r"themes\[0\]\.codes: name at least one code"):
        study.analyse("gemengd_beeld", themes=_themes(r0={"codes": []}))
    with pytest.raises(StudyConfigError, match=r"'Nergens' is not a row of bereik_model") as info:
        study.analyse("gemengd_beeld", themes=_themes(r2={"term": "Nergens"}))
    assert "Structureel" in str(info.value)  # the terms it has


def test_without_a_term_the_first_tested_row_is_the_result(study):
    result = study.analyse("gemengd_beeld", themes=_themes(r2={"term": None}))
    own = study.analyse("bereik_model").to_frame()
    first = own[own["p_value"].notna()].iloc[0]
    assert result.to_frame()["estimate"].iloc[2] == pytest.approx(first["estimate"])


def test_a_study_without_interviews_has_no_joint_display(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["plan"].pop("interviews")
    config["analyses"] = {"gemengd_beeld": config["analyses"]["gemengd_beeld"]}
    with pytest.raises(StudyConfigError, match="needs the plan's 'interviews' part"):
        Study.from_dict(config, root=ROOT, source=ROOT / "study.yml")


def test_a_study_without_interviews_leaves_the_chapter_out(tmp_path):
    from study_variants import renamed_study

    from analysis.report import pages

    path = renamed_study(
        tmp_path,
        keep=("organisatie_enquete",),
        analyses={"vorm": {"kind": "collaboration_form", "by": "side"}},
    )
    assert "gemengd_beeld" not in yaml.safe_load(path.read_text(encoding="utf-8"))["analyses"]
    vs = analysis.load(path)
    report = next(o for o in pages.study_report(pages.Context.from_validated(vs, lang="nl")))
    page = report.content.decode("utf-8")
    assert 'id="samenwerking"' in page and 'id="samenhang"' not in page


def test_codes_are_named_by_the_codebook_in_the_report_language_unless_the_plan_names_them(study, joint):
    english = study.analyse("gemengd_beeld", lang="en")
    en = code_labels(study.dataset("interviews").codebook, "en")
    rows = list(english.table().values.index)[1:]  # after "all interviews"
    assert rows == list(dict.fromkeys(en[c] for spec in THEMES for c in spec["codes"]))
    assert "Not taken seriously" in rows and "Project or structural" in rows
    page = html.unescape(english.html("en"))
    for text in [*english.findings(), *joint.findings(), page, html.unescape(joint.html("nl"))]:
        assert not re.search(r"\b[A-G]\d+ [A-Z_]+\b", text)
    assert "‘Not taken seriously’" in english.findings()[1]
    # a label the plan gives (one per language) wins over the codebook's
    themes = _themes(r1={"codes": {"B3 NIET_SERIEUS_GENOMEN": {"nl": "Genegeerd", "en": "Ignored"}}})
    own = study.analyse("gemengd_beeld", themes=themes, lang="en")
    assert "Ignored" in list(own.table().values.index) and "Not taken seriously" not in list(
        own.table().values.index
    )
