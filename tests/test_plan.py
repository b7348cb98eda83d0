"""The analysis plan: parsed from study.yml, checked against the data, and the entry point on top.

Every configuration error names the file and the key. Structural errors (a misspelt part, an
analysis kind the library does not have) stop when study.yml is read; a plan that names what
the data do not have stops at the gate; both exit 2 through the real command. Rows that break a
binding are failed checks of the gate (exit 1), like every other rule.
"""

from __future__ import annotations

import copy
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_example, run_cli

import analysis
from analysis import plan as plan_module
from analysis.errors import StudyConfigError
from analysis.plan import Plan
from analysis.study import Study
from analysis.validate.plan_checks import plan_checks

CONFIG = yaml.safe_load((ROOT / "study.yml").read_text(encoding="utf-8"))


def _config(**changes) -> dict:
    """The example's study.yml with changes: ``{"plan.survey.side": {...}}``; ``None`` deletes a key."""
    config = copy.deepcopy(CONFIG)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = config
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return config


# -- parsing -------------------------------------------------------------------------------------
def test_the_example_plan_binds_every_part():
    plan = Study.from_yaml(ROOT / "study.yml").plan
    assert set(plan.datasets) == {"survey", "municipalities", "referrals", "interviews"}
    assert plan.column("survey", "side") == "org_side"
    assert plan.binding("survey", "side").values == {"formal": 1, "informal": 2}
    assert plan.binding("referrals", "completed").values == {"yes": 1}  # `yes:` is not YAML's True
    assert plan.scales["taken_seriously"].reversed == ("taken_seriously_4",)
    assert plan.scales["taken_seriously"].required_items == 3
    assert plan.analysis("samenwerkingsvorm").chapter == "samenwerking"
    assert plan.analysis("samenwerkingsvorm").options["by"] == "respondent_type"


def test_the_docstring_example_parses():
    doc = plan_module.__doc__
    block = textwrap.dedent(doc[doc.index("    plan:") : doc.index("Every part is optional")])
    config = yaml.safe_load(block)
    plan = Plan.from_config(config["plan"], config["analyses"])
    assert plan.column("survey", "side") == "kant"
    assert str(plan.observation_end) == "2024-12-31"


def test_a_study_without_a_plan_still_reads():
    study = Study.from_dict({"datasets": {"a": "a.csv"}}, root=ROOT)
    assert study.plan.analyses == {} and not study.plan.has("survey")
    with pytest.raises(StudyConfigError, match=r"no 'survey' part.*\n.*plan: survey: dataset"):
        study.plan.dataset("survey")


#: study.yml files that are wrong in their structure: (changes, the key the message must name).
STRUCTURE_ERRORS = [
    ({"plan.surveys": {"dataset": "organisatie_enquete"}}, "plan.surveys"),
    ({"plan.survey.dataset": "enquete"}, "plan.survey.dataset"),
    ({"plan.survey.dataset": None}, "plan.survey.dataset"),
    ({"plan.survey.sides": "org_side"}, "plan.survey.sides"),
    ({"plan.survey.side": {"variable": "org_side", "formal": 1}}, "plan.survey.side.informal"),
    ({"plan.survey.side": {"variable": "org_side", "formal": 1, "informal": 1}}, "plan.survey.side"),
    ({"plan.survey.side": {"formal": 1, "informal": 2}}, "plan.survey.side"),
    ({"plan.survey.side": {"variable": "org_side", "formal": 1, "informal": 2, "other": 3}}, "plan.survey.side.other"),
    ({"plan.survey.reach": {"count": "reach_total", "people": "x"}}, "plan.survey.reach.people"),
    ({"plan.survey.scales": {"trust": {"items": ["trust_1"]}}}, "plan.survey.scales.trust.items"),
    ({"plan.survey.scales": {"trust": {"items": ["trust_1", "trust_2"], "reversed": ["trust_3"]}}},
     "plan.survey.scales.trust.reversed"),
    ({"plan.survey.scales": {"trust": {"items": ["trust_1", "trust_2"], "min_items": 5}}},
     "plan.survey.scales.trust.min_items"),
    ({"plan.referrals.observation_end": 2024}, "plan.referrals.observation_end"),
    ({"analyses.x": {"kind": "regression"}}, "analyses.x.kind"),
    ({"analyses.x": {"by": "side"}}, "analyses.x.kind"),
    ({"analyses.x": {"kind": "response", "colour": "blue"}}, "analyses.x.colour"),
    ({"analyses.x": {"kind": "response", "chapter": "elders"}}, "analyses.x.chapter"),
    ({"plan.interviews": None, "analyses.themas": {"kind": "interview_themes"}}, "analyses.themas"),
    ({"plna": {}}, "plna"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key"), STRUCTURE_ERRORS, ids=[k for _, k in STRUCTURE_ERRORS])
def test_a_malformed_plan_is_an_error_naming_the_key(changes, key, tmp_path):
    path = tmp_path / "study.yml"
    with pytest.raises(StudyConfigError) as info:
        Study.from_dict(_config(**changes), root=ROOT, source=path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert re.search(rf"(^|\s){re.escape(key)}:", message), message


def test_a_malformed_plan_exits_2_through_the_real_command(tmp_path):
    path = copy_example(tmp_path)
    path.write_text(yaml.safe_dump(_config(**{"analyses.x": {"kind": "regression"}})), encoding="utf-8")
    result = run_cli("validate", "--study", str(path))
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr and "analyses.x.kind" in result.stderr
    assert "Traceback" not in result.stderr


# -- checked against the data -------------------------------------------------------------------
@pytest.fixture(scope="module")
def loaded():
    """The example's datasets, read once for every case below."""
    study = Study.from_yaml(ROOT / "study.yml")
    return {name: study.get(name) for name in study.datasets}


#: Plans that name what the data do not have: (changes, the key the message must name, a phrase).
DATA_ERRORS = [
    ({"plan.survey.side": {"variable": "org_sid", "formal": 1, "informal": 2}},
     "plan.survey.side", "did you mean 'org_side'"),
    ({"plan.survey.side": {"variable": "org_side", "formal": 1, "informal": 7}},
     "plan.survey.side", "7 is neither a code nor a label"),
    ({"plan.survey.collaboration_form": {"variable": "collab_form", "structural": "Duurzaam"}},
     "plan.survey.collaboration_form", "'Duurzaam' is neither"),
    ({"plan.survey.reach": {"count": "resp_id"}}, "plan.survey.reach.count", "must be numeric"),
    ({"plan.referrals.referred": "ref_id"}, "plan.referrals.referred", "must be a date"),
    ({"plan.referrals.observation_end": "31-12-2024"}, "plan.referrals.observation_end", "not a variable"),
    ({"plan.survey.indicators": ["named_contact", "written_agreement"]}, "plan.survey.indicators[1]",
     "not a variable"),
    ({"plan.survey.scales": {"trust": {"items": ["trust_1", "open_remarks"]}}},
     "plan.survey.scales.trust.items[1]", "must be numeric"),
    ({"plan.interviews.quote_themes": ["B3 NIET_SERIEUS"]}, "plan.interviews.quote_themes[0]",
     "did you mean 'B3 NIET_SERIEUS_GENOMEN'"),
    ({"analyses.samenwerkingsvorm.by": "sector"}, "analyses.samenwerkingsvorm", "'sector' is neither"),
    ({"analyses.themas.level": "family"}, "analyses.themas", "not a column"),
    ({"disclosure.quasi_identifiers": ["postcode"]}, "disclosure.quasi_identifiers[0]", "not a column"),
    ({"datasets.gemeenten.codebook": "data/codebooks/kader.yml"}, "datasets.gemeenten.codebook",
     "does not exist"),
    ({"privacy.names_file": "data/raw/namen.txt"}, "privacy.names_file", "does not exist"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key", "phrase"), DATA_ERRORS, ids=[k for _, k, _ in DATA_ERRORS])
def test_a_plan_that_does_not_fit_the_data_names_the_key(changes, key, phrase, loaded):
    source = ROOT / "study.yml"
    study = Study.from_dict(_config(**changes), root=ROOT, source=source)
    with pytest.raises(StudyConfigError) as info:
        plan_checks(study, loaded)
    message = str(info.value)
    assert message.startswith(f"{source}: the analysis plan does not fit the data")
    line = next((line for line in message.splitlines() if line.strip().startswith(key + ":")), None)
    assert line is not None, message
    assert phrase in line, line


def test_every_problem_is_listed_at_once(loaded):
    changes = {
        "plan.survey.side": {"variable": "org_sid", "formal": 1, "informal": 2},
        "plan.referrals.referred": "ref_id",
    }
    study = Study.from_dict(_config(**changes), root=ROOT, source=ROOT / "study.yml")
    with pytest.raises(StudyConfigError, match=r"2 problem\(s\)"):
        plan_checks(study, loaded)


def test_a_plan_that_fits_leaves_a_passed_check_per_binding_and_analysis(loaded):
    study = Study.from_yaml(ROOT / "study.yml")
    checks = plan_checks(study, loaded)
    rules = {c.rule for c in checks}
    assert {"plan.survey.side", "plan.referrals.first_contact", "analyses.samenwerkingsvorm"} <= rules
    assert all(c.passed for c in checks)


def test_rows_that_break_a_binding_are_failed_checks_not_configuration_errors(tmp_path):
    """A third value of the side in the data is a data error: the gate fails (exit 1) and says so."""
    import pyreadstat

    path = copy_example(tmp_path)
    sav = tmp_path / "data" / "raw" / "organisatie_enquete.sav"
    frame, meta = pyreadstat.read_sav(sav, user_missing=True)
    frame.loc[0, "org_side"] = 3
    pyreadstat.write_sav(
        frame, sav, column_labels=meta.column_names_to_labels, variable_value_labels=meta.variable_value_labels,
        missing_ranges=meta.missing_ranges, variable_measure=meta.variable_measure,
    )  # fmt: skip
    result = run_cli("validate", "--study", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    report = (tmp_path / "reports" / "validatie.json").read_text(encoding="utf-8")
    assert '"plan.survey.side"' in report


def test_a_misspelt_variable_exits_2_through_the_real_command(tmp_path):
    path = copy_example(tmp_path)
    changes = {"plan.survey.side": {"variable": "org_sid", "formal": 1, "informal": 2}}
    path.write_text(yaml.safe_dump(_config(**changes), allow_unicode=True), encoding="utf-8")
    result = run_cli("report", "--study", str(path))
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr
    assert "plan.survey.side" in result.stderr and "did you mean 'org_side'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "reports" / "rapport.html").exists()


# -- the entry point -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def study():
    return analysis.load(ROOT / "study.yml")


def test_load_validates_and_reuses_a_validation_of_identical_inputs(study):
    assert study.validation.passed
    assert analysis.load(ROOT / "study.yml") is study


def test_data_gives_validated_frames_that_callers_cannot_spoil(study):
    frame = study.data("organisatie_enquete")
    assert len(frame) == study.validation.datasets[0].rows
    frame.loc[:, "org_side"] = None
    frame.iloc[0, 0] = None
    frame["resp_type"] = "overschreven"
    before = study.data("organisatie_enquete")
    assert before["org_side"].notna().all() and before["resp_type"].ne("overschreven").all()
    assert before.iloc[0, 0] is not None and not pd.isna(before.iloc[0, 0])


@pytest.mark.parametrize("name", list(CONFIG["analyses"]))
def test_every_declared_analysis_returns_a_result_with_the_contract(study, name):
    from analysis.results import TIDY_COLUMNS

    result = study.analyse(name)
    assert list(result.to_frame().columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert result.findings() and all(isinstance(s, str) and s for s in result.findings())
    assert result.table() is not None
    assert result._repr_html_()


def test_an_unknown_analysis_names_the_declared_ones(study):
    with pytest.raises(StudyConfigError, match="no analysis named 'nergens'") as info:
        study.analyse("nergens")
    assert "samenwerkingsvorm" in str(info.value)


def test_options_can_be_overridden_for_one_call(study):
    by_side = study.analyse("respons", rows=None)
    assert by_side.rows is None and by_side.table().kind == "frequency"
    with pytest.raises(StudyConfigError, match="'colour' is not an option of response"):
        study.analyse("respons", colour="blue")


def test_a_subset_of_the_data_gives_the_analysis_on_that_subset(study):
    survey = study.data("organisatie_enquete")
    informal = survey[survey["org_side"] == study.value("survey", "side", "informal")]
    result = study.analyse("samenwerkingsvorm_per_kant", data=informal)
    assert list(result.table().values.index[:-1]) == [study.value("survey", "side", "informal")]


def test_library_functions_take_column_names_as_arguments():
    """The library names no example variable: a frame with the researcher's own names works."""
    import pandas as pd

    from analysis.collaboration import collaboration_profile
    from analysis.disclosure import Policy

    frame = pd.DataFrame({"sector": ["zorg"] * 40 + ["welzijn"] * 40, "vorm": ["duurzaam", "los"] * 40})
    result = collaboration_profile(frame, Policy(), by="sector", form="vorm", structural="duurzaam")
    assert result.findings("nl")[0].endswith("werkt 50% structureel samen.")


# -- no example names in the library -------------------------------------------------------------
#: Words that are the library's own vocabulary (or plain Dutch and English), even though the
#: example study happens to use them as names too.
VOCABULARY = {
    *plan_module.CHAPTERS,  # chapters (section ids) of every report
    "outcome",  # a plain English word
    "ja", "nee",  # Dutch yes and no, which the consent and yes/no detection look for
}  # fmt: skip


#: Dutch words that ``bruggen init`` looks for in a researcher's labels to propose a plan
#: (a side labelled formeel/informeel, a form labelled structureel): matching vocabulary there.
PROPOSAL_WORDS = {
    "formeel", "informeel", "sleutelpersoon", "structureel", "onbekend", "samenwerkingsvorm",
    "huwelijksdwang", "achterlating",  # themes of self-determination: early signals of referrals
}  # fmt: skip


def _qda_reader_columns() -> set[str]:
    """The columns of a codings table that the REFI-QDA reader makes (case, code, coder ...)."""
    from analysis.ingest.qda import CODING_COLUMNS, TAIL_COLUMNS

    return {*CODING_COLUMNS, *TAIL_COLUMNS, "coding_guid"}


def _example_names() -> set[str]:
    """Dataset keys, variable names and category codes of the example study."""
    names = set(CONFIG["datasets"])
    # of the interviews, the reader's columns are the library's; the case attributes are the example's
    reader = _qda_reader_columns()
    for dataset in CONFIG["datasets"]:
        book = yaml.safe_load((ROOT / "data" / "codebooks" / f"{dataset}.yml").read_text(encoding="utf-8"))
        for var in book["variables"]:
            if var["name"] in reader:
                continue
            names.add(var["name"])
            names |= {str(code) for code in var.get("value_labels") or {} if isinstance(code, str)}
    names |= {"formeel", "informeel", "structureel", "projectmatig", "ad_hoc", "sleutelpersoon"}
    names |= {"NIET_SERIEUS_GENOMEN", "TERUGKOPPELING", "SAMENWERKINGSSTRUCTUUR"}  # example codes
    names |= set(CONFIG["analyses"])  # the example's names of its analyses (respons, themas ...)
    return names - VOCABULARY


def test_the_library_names_no_example_dataset_variable_or_category():
    names = _example_names()
    pattern = re.compile(
        r"(?<![\w])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?![\w])"
    )
    hits = []
    for path in sorted((ROOT / "src" / "analysis").rglob("*.py")):
        if "example" in path.relative_to(ROOT / "src" / "analysis").parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                if (
                    "init" in path.relative_to(ROOT / "src" / "analysis").parts
                    and match.group(1) in PROPOSAL_WORDS
                ):
                    continue
                hits.append(f"{path.relative_to(ROOT)}:{number}: {match.group(1)}")
    assert not hits, "the library names the example study:\n" + "\n".join(hits)


def test_the_name_scan_would_find_a_name():
    """The scan above is not vacuous: it knows the example's names."""
    names = _example_names()
    assert {"org_side", "organisatie_enquete", "collab_form", "from_resp_id", "structureel"} <= names
    assert {"gemeenten", "themas", "voltooiing", "samenloop"} <= names
    assert {"consent_given", "resp_type", "contact_made", "warm_transfer", "vt_region", "pop_total"} <= names
    assert {"gekoppeld_aan_enquete", "informeel_vrijwilliger"} <= names  # the interviews' case attributes
    assert not {"case", "code", "coder", "document"} & names  # the REFI-QDA reader's columns


def _plan_words() -> set[str]:
    """Every word of the plan's vocabulary: parts, roles (and the parts of a dotted role), part keys, options."""
    words = set(plan_module.ROLES) | set(plan_module.PART_KEYS)
    for roles in plan_module.ROLES.values():
        for role in roles:
            words |= {role, *role.split(".")}
    words |= {key for keys in plan_module.PART_KEYS.values() for key in keys}
    words |= {option for options in plan_module.ROLE_OPTIONS.values() for option in options}
    words |= set(plan_module.EXTRA_OPTIONS)
    words |= {option for options in plan_module.EXTRA_OPTIONS.values() for option in options}
    return words


def test_no_example_variable_is_named_like_a_plan_role():
    """The example's variables have names of their own, so nothing can work only because a
    variable happens to be named like the role it plays (study.yml binds every one). The
    REFI-QDA reader's own columns (case, code, coder ...) are the reader's, not the example's."""
    reader = _qda_reader_columns()
    words = _plan_words()
    assert {"consent", "respondent_type", "completed", "warm_handover", "theme"} <= words
    assert {"region", "population", "target_population"} <= words
    assert {"survey", "reach", "count", "dataset", "observation_end", "yes", "structural"} <= words
    clashes = []
    for dataset in CONFIG["datasets"]:
        book = yaml.safe_load((ROOT / "data" / "codebooks" / f"{dataset}.yml").read_text(encoding="utf-8"))
        assert len(book["variables"]) >= 6, dataset  # the codebook was read
        clashes += [
            f"{dataset}.{var['name']}"
            for var in book["variables"]
            if var["name"] in words and var["name"] not in reader
        ]
    assert not clashes, f"example variables named like a plan role or key: {clashes}"


def test_no_example_analysis_is_named_like_a_report_chapter():
    """The example's analyses are named by the researcher, not by the chapter they fill, so a
    chapter cannot appear only because an analysis happens to carry its name."""
    assert {"perspectieven", "bereik", "verwijzingen", "samenhang"} <= set(plan_module.CHAPTERS)
    clashes = sorted(set(CONFIG["analyses"]) & set(plan_module.CHAPTERS))
    assert not clashes, f"example analyses named like a chapter: {clashes}"


# -- the command never shows a traceback -------------------------------------------------------------
def test_an_internal_error_is_reported_without_a_traceback(monkeypatch, capsys):
    from analysis import cli

    def broken(*args, **kwargs):
        raise KeyError("municipality_code")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.setitem(cli._state, "debug", False)
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "KeyError" in err and "--debug" in err
    assert "Traceback" not in err


def test_paths_in_this_file_exist():
    assert Path(ROOT / "study.yml").exists()


@pytest.mark.parametrize("kind", list(plan_module.ANALYSES))
def test_every_kind_of_analysis_has_a_runner_a_chapter_and_known_parts(kind):
    from analysis.analyses import hook

    info = plan_module.ANALYSES[kind]
    assert callable(hook(kind, "runner"))
    assert info.get("check") is None or callable(hook(kind, "check"))
    assert info["chapter"] in plan_module.CHAPTERS
    assert set(info["needs"]) <= set(plan_module.ROLES)


def test_what_a_plan_lacks_for_each_kind_is_what_the_kind_needs():
    """The refusal of a plan without analyses names the real requirements, never "nothing more"."""
    from analysis.plan import ANALYSES, REQUIRES

    bare = Plan.from_config({"survey": {"dataset": "enquete"}}, {}, datasets=("enquete",))
    assert bare.lacks("response") == []
    assert bare.lacks("reach") == [
        "plan.survey.reach.count",
        "plan.survey.reach.population",
        "plan.survey.side",
        "plan.survey.collaboration_form",
        "plan.survey.municipality",
    ]
    assert bare.lacks("reliability") == ["plan.survey.scales"]
    assert bare.lacks("completion") == ["plan.referrals"]
    full = Plan.from_config(
        {
            "survey": {
                "dataset": "enquete",
                "side": {"variable": "kant", "formal": 1, "informal": 2},
                "collaboration_form": "vorm",
                "municipality": "gemeente",
                "reach": {"count": "bereik", "population": "doelgroep"},
                "scales": {"s": ["a", "b"]},
            }
        },
        {},
        datasets=("enquete",),
    )
    assert full.lacks("reach") == [] and full.lacks("perspectives") == []
    assert bare.lacks("joint_display") == ["plan.interviews"]
    assert set(REQUIRES) == set(ANALYSES)
