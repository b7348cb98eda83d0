"""The gate checks the analysis plan against the data before anything is analysed.

Every dataset, variable and category the plan in ``study.yml`` names must exist and have the
right kind: a count is a non-negative whole number, a side has exactly the declared formal and
informal values, a date is a date, a key is unique. Every analysis option that names a variable
must find it; every quasi-identifier of the disclosure policy must be a column; a codebook or
names file that study.yml names must exist.

Two kinds of problem. A plan that names something the data do not have (a misspelt variable,
a category that is no code or label, a text column bound as a count) is a configuration error:
:func:`plan_checks` collects all of them and raises one
:class:`~analysis.errors.StudyConfigError` (exit status 2) naming the file and each key. Rows
that break what the plan declares (a third value of the side, a negative count, a duplicated
key) are data errors: failed checks with rule ``plan.<part>.<role>`` in the validation report
(exit status 1), like every other rule. Each binding and analysis that fits gets a passed
check, so the validation report records what was checked.

Personal data are never used as data: a role binding (other than the text roles, the
interviews' case and coder and a municipality's name), a variable an analysis option names (``by``,
``rows``, ``variables``, ``covariates``, ``items``, ...) and a quasi-identifier of the
disclosure policy each fail (rule ``<key>.pii``) when the column is marked ``pii`` in its
codebook or holds names, direct identifiers or open answers
(:func:`analysis.ingest.personal.is_personal`): a free-text answer would otherwise become a row
label of a published table.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from analysis.analyses import hook
from analysis.errors import StudyConfigError
from analysis.validate.checks import FAILED, PASSED, Check, wording

if TYPE_CHECKING:
    import pandas as pd

    from analysis.ingest import Dataset
    from analysis.plan import AnalysisSpec, Binding
    from analysis.study import Study


def plan_checks(study: Study, loaded: dict[str, Dataset]) -> list[Check]:
    """Check the study's plan against the datasets that could be read.

    Parameters
    ----------
    study
        The study, with its parsed plan (``study.plan``).
    loaded
        The datasets the gate read (name -> Dataset). Bindings of a dataset that could not be
        read are skipped: its read failure is already reported.

    Returns
    -------
    list of Check
        Per binding a passed or failed check (rows that break it), per analysis a passed one.

    Raises
    ------
    StudyConfigError
        Listing every key of study.yml that does not fit the data.
    """
    problems: list[tuple[str, str]] = []
    checks: list[Check] = []
    plan = study.plan

    for key, path in _named_files(study):
        if not path.exists():
            problems.append((key, f"names {path}, which does not exist"))

    for binding in plan.bindings.values():
        ds = loaded.get(binding.dataset)
        if ds is None:
            continue
        found = _binding_problems(binding, ds)
        problems += [(binding.key, p) for p in found]
        if not found:
            checks.append(
                _passed(
                    f"plan.{binding.part}.{binding.role}", binding.dataset, binding.variable, binding.kind
                )
            )

    survey = loaded.get(plan.datasets.get("survey", ""))
    if survey is not None:
        for i, name in enumerate(plan.indicators):
            problems += [(f"plan.survey.indicators[{i}]", p) for p in _present(name, survey)]
        for scale in plan.scales.values():
            for i, item in enumerate(scale.items):
                found = _present(item, survey) or _numeric(item, survey)
                problems += [(f"{scale.key}.items[{i}]", p) for p in found]

    referrals = loaded.get(plan.datasets.get("referrals", ""))
    if referrals is not None and plan.observation_end_variable:
        column = plan.observation_end_variable
        found = _present(column, referrals) or _date(column, referrals)
        problems += [("plan.referrals.observation_end", p) for p in found]

    interviews = loaded.get(plan.datasets.get("interviews", ""))
    if interviews is not None:
        for i, code in enumerate(plan.quote_themes):
            problems += [(f"plan.interviews.quote_themes[{i}]", p) for p in _code_exists(code, interviews)]
        for role in sorted(plan.meta_codes.given):
            problems += [
                (f"plan.interviews.meta_codes.{role}", p) for p in _meta_code_exists(role, plan, interviews)
            ]

    for spec in plan.analyses.values():
        ds = loaded.get(plan.datasets.get(spec.part, ""))
        if ds is None:
            continue
        found = _analysis_problems(spec, study, ds, loaded)
        problems += [(spec.key, p) for p in found]
        if not found:
            checks.append(_passed(spec.key, ds.name, None, spec.kind))

    checks += personal_data_checks(study, loaded)

    columns = {c for ds in loaded.values() for c in ds.frame.columns}
    for i, qi in enumerate(study.section("disclosure").get("quasi_identifiers") or []):
        if loaded and qi not in columns:
            problems.append((f"disclosure.quasi_identifiers[{i}]", f"{qi!r} is not a column of any dataset"))

    if problems:
        lines = "\n".join(f"  {key}: {text}" for key, text in problems)
        raise StudyConfigError(
            f"the analysis plan does not fit the data ({len(problems)} problem(s)):\n{lines}",
            path=study.source,
            hint="correct these keys in study.yml; `bruggen codebook DATASET` lists a dataset's variables "
            "and value labels",
        )
    return checks


# -- personal data are never used as data -----------------------------------------------------------
#: Roles that hold text or an identifier by design (the interviews' case pseudonym, the coder, a
#: municipality's name): never shown as a category, so a pii mark does not stop them.
TEXT_KINDS = ("text",)


def personal_data_checks(study: Study, loaded: dict[str, Dataset]) -> list[Check]:
    """A failed check for every key of study.yml that uses a column holding personal data.

    Looks at every role binding (except :data:`TEXT_KINDS`), every option of an analysis that
    names a variable of its dataset rather than a role, and every
    ``disclosure.quasi_identifiers`` entry. Keys that use no personal data get no check (the
    binding's own check records it).

    Returns
    -------
    list of Check
        Rule ``<key>.pii`` (``plan.survey.respondent_type.pii``,
        ``analyses.deelname.by.pii``, ``disclosure.quasi_identifiers[0].pii``), failed, naming
        the variable, its dataset and what to do.
    """
    from analysis.ingest.personal import is_personal

    plan = study.plan
    out: list[Check] = []
    words = wording("personal")

    def use(key: str, dataset: str, column: Any, category: bool) -> None:
        ds = loaded.get(dataset)
        if ds is None or not isinstance(column, str) or column not in ds.frame.columns:
            return
        found = is_personal(ds, column)
        if found is None:
            return
        message = words["plan_bound"].format(
            key=key, variable=column, dataset=dataset, kind=words["kinds"][found.kind]
        )
        if category and found.kind == "free_text":
            message += words["plan_free_text"]
        out.append(
            Check(
                rule=f"{key}.pii",
                dataset=dataset,
                column=column,
                check="plan",
                status=FAILED,
                description=words["plan_describe"].format(key=key),
                message=message,
                element_count=int(ds.frame[column].notna().sum()),
                unexpected_count=int(ds.frame[column].notna().sum()),
            )
        )

    for b in plan.bindings.values():
        if b.kind not in TEXT_KINDS:
            use(b.key, b.dataset, b.variable, category=b.kind in ("category", "side", "binary", "ref"))
    for spec in plan.analyses.values():
        dataset = plan.datasets.get(spec.part, "")
        for option, value in spec.options.items():
            names = value if isinstance(value, (list, tuple)) else [value]
            for i, name in enumerate(names):
                if not isinstance(name, str) or plan.has(spec.part, name):
                    continue  # a role: its binding is checked above
                key = f"{spec.key}.{option}" + (f"[{i}]" if isinstance(value, (list, tuple)) else "")
                use(key, dataset, name, category=True)
    for i, qi in enumerate(study.section("disclosure").get("quasi_identifiers") or []):
        for dataset in loaded:
            use(f"disclosure.quasi_identifiers[{i}]", dataset, qi, category=True)
    return out


# -- what each kind requires ------------------------------------------------------------------
def _binding_problems(b: Binding, ds: Dataset) -> list[str]:

    missing = _present(b.variable, ds)
    if missing:
        return missing
    var = ds.codebook.get(b.variable)
    labels = ds.frame[b.variable]
    codes = ds.code_column(b.variable) if ds.has_codes(b.variable) else labels
    valid = codes[labels.notna()]
    out: list[str] = []
    for option, declared in b.values.items():
        values = declared if isinstance(declared, list) else [declared]  # order, check: lists
        for value in values:
            if _value_exists(var, value, valid, labels):
                continue
            if option == "check":  # a check coder who coded nothing
                where = f"no row of {b.dataset} has it as {b.variable}"
                out.append(f"check: {value!r} coded nothing ({where}){_labels_hint(var, labels)}")
            else:
                out.append(
                    f"{option}: {value!r} is neither a code nor a label of {b.variable}{_labels_hint(var, labels)}"
                )
    if out:
        return out
    if b.kind in ("count", "number"):
        out += _numeric(b.variable, ds)
    elif b.kind == "date":
        out += _date(b.variable, ds)
    return out


def _row_check(b: Binding, ds: Dataset) -> Check:
    """The rows that break what the plan declares of a binding, as a check of the gate."""
    from analysis.labels import declared_code
    from analysis.validate.evidence import example_rows

    labels = ds.frame[b.variable]
    codes = ds.code_column(b.variable) if ds.has_codes(b.variable) else labels
    present = labels.notna()
    bad = present & False
    if b.kind == "key":
        bad = labels.isna() | (codes.duplicated(keep=False) & present)
    elif b.kind == "side":
        var = ds.codebook.get(b.variable)
        declared = {_norm(declared_code(var, b.values[o])) for o in ("formal", "informal")}
        bad = present & ~codes.map(_norm).isin(declared)
    elif b.kind == "count":
        numbers = ds.numeric([b.variable])[b.variable]
        bad = numbers.notna() & ((numbers < 0) | (numbers % 1 != 0))
    n_bad = int(bad.sum())
    rule = f"plan.{b.part}.{b.role}"
    if not n_bad:
        return _passed(rule, b.dataset, b.variable, b.kind)
    requirement = wording("plan_requirements").get(b.kind) or wording("plan_kinds").get(b.kind, b.kind)
    return Check(
        rule=rule,
        dataset=b.dataset,
        column=b.variable,
        check="plan",
        status=FAILED,
        description=wording("describe")["plan_rows"].format(
            rule=rule, variable=b.variable, requirement=requirement
        ),
        message=wording("messages")["plan_rows"].format(
            n=n_bad, variable=b.variable, rule=rule, requirement=requirement
        ),
        element_count=len(labels),
        unexpected_count=n_bad,
        examples=example_rows([i for i, flag in enumerate(bad.to_numpy()) if flag][:5], None, None),
    )


def _analysis_problems(
    spec: AnalysisSpec, study: Study, ds: Dataset, loaded: dict[str, Dataset]
) -> list[str]:
    plan = study.plan
    out = []
    for option in ("by", "rows", "cluster", "moderator"):
        name = spec.options.get(option)
        if option == "by" and name is None and "by" in spec.given and not _ungrouped(spec.kind):
            out.append(_BY_NULL.format(kind=spec.kind, part=spec.part))
        if not name:
            continue
        if plan.has(spec.part, name):
            continue
        if spec.kind == "interview_themes" and option == "by" and plan.has("survey", name):
            continue  # a survey role joined through plan.interviews.survey_id (analysis.themes.check_plan)
        if spec.part == "survey" and plan.has("municipalities", name):
            if not plan.has("survey", "municipality"):
                out.append(
                    f"{option}: {name!r} is a role of the municipality frame, so plan.survey.municipality is needed"
                )
            continue
        if name in ds.frame.columns:
            continue
        if option == "rows" and "rows" not in spec.given:
            continue  # the default (region) is used only where the plan binds it
        out.append(
            f"{option}: {name!r} is neither a role of plan.{spec.part} nor a variable of {ds.name}"
            + _did_you_mean(str(name), list(ds.frame.columns))
        )
    if spec.kind == "interview_themes" and spec.options["level"] not in ds.frame.columns:
        out.append(f"level: {spec.options['level']!r} is not a column of {ds.name}")
    if spec.kind == "quotes":
        themes = spec.options.get("themes") or plan.quote_themes
        if not themes:
            out.append("the quotes need themes: plan.interviews.quote_themes or the analysis' themes")
        for code in spec.options.get("themes") or ():
            out += _code_exists(code, ds)
    if spec.kind == "collaboration_form" and not plan.has("survey", "collaboration_form"):
        out.append("needs plan.survey.collaboration_form")
    check = hook(spec.kind, "check")
    if check is not None:
        out += check(spec, study, ds)
    return out


# -- small checks --------------------------------------------------------------------------------
def _present(column: str, ds: Dataset) -> list[str]:
    if column in ds.frame.columns:
        return []
    by_label = [
        v.name for v in ds.codebook if v.label and v.label.strip().casefold() == column.strip().casefold()
    ]
    hint = (
        f" (the variable labelled so is {by_label[0]!r})"
        if by_label
        else _did_you_mean(column, list(ds.frame.columns))
    )
    return [f"{column!r} is not a variable of {ds.name}{hint}"]


def _numeric(column: str, ds: Dataset) -> list[str]:
    numbers = ds.numeric([column])[column]
    present = ds.frame[column].notna()
    if present.any() and numbers[present].isna().all():
        return [f"{column} must be numeric, but its values are not numbers"]
    return []


def _date(column: str, ds: Dataset) -> list[str]:
    import pandas as pd

    s = ds.frame[column].dropna()
    if pd.api.types.is_datetime64_any_dtype(ds.frame[column]):
        return []
    if len(s) and all(hasattr(v, "year") and hasattr(v, "month") for v in s.head(100)):
        return []
    return [f"{column} must be a date, but it holds {ds.frame[column].dtype} values"]


def _code_exists(code: str, ds: Dataset) -> list[str]:
    if "code" not in ds.frame.columns:
        return [f"{ds.name} is not a codings table (it has no 'code' column)"]
    codes = {str(c) for c in ds.frame["code"].dropna().unique()}
    codes |= {str(c) for c in ds.tables.get("codes", {}).get("name", [])} if "codes" in ds.tables else set()
    if code in codes:
        return []
    return [f"{code!r} is not a code of {ds.name}" + _did_you_mean(code, sorted(codes))]


def _meta_code_exists(role: str, plan: Any, ds: Dataset) -> list[str]:
    """A meta-code study.yml names must be a code of the project; the message lists its codes."""
    code = getattr(plan.meta_codes, role)
    found = _code_exists(code, ds)
    if not found or "code" not in ds.frame.columns:
        return found
    codes = sorted({str(c) for c in ds.frame["code"].dropna().unique()})
    return [f"{code!r} is not a code of {ds.name}; its codes: {', '.join(codes)}"]


def _value_exists(var: Any, declared: Any, valid: pd.Series, labels: pd.Series) -> bool:
    from analysis.labels import declared_code

    if var is not None and var.value_labels:
        return declared_code(var, declared) is not None
    observed = {_norm(v) for v in valid.unique()} | {_norm(v) for v in labels.dropna().unique()}
    return _norm(declared) in observed


def _labels_hint(var: Any, labels: pd.Series) -> str:
    if var is not None and var.value_labels:
        shown = ", ".join(f"{k} = {v}" for k, v in list(var.value_labels.items())[:8])
        return f" (value labels: {shown})"
    values = ", ".join(sorted(str(v) for v in labels.dropna().unique())[:8])
    return f" (values: {values})"


def _norm(value: Any) -> str:
    try:
        f = float(value)
        return str(int(f)) if f.is_integer() else str(f)
    except (TypeError, ValueError):
        return str(value).strip().casefold()


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


#: ``by: null`` on a kind that cannot run without a grouping (see ``ungrouped`` in analysis.plan.ANALYSES).
_BY_NULL = (
    "by: null means no grouping (the whole group), which the {kind} analysis cannot do; name a role of "
    "plan.{part} or a variable, or leave `by` out for its default"
)


def _ungrouped(kind: str) -> bool:
    from analysis.plan import ANALYSES

    return bool(ANALYSES.get(kind, {}).get("ungrouped"))


def _named_files(study: Study):
    """(key, path) of every codebook and names file that study.yml names."""
    for name, entry in study.datasets.items():
        if entry.codebook is not None:
            yield f"datasets.{name}.codebook", entry.codebook
    names = study.section("privacy").get("names_file")
    if names:
        yield "privacy.names_file", study.resolve(names)


def _passed(rule: str, dataset: str, column: str | None, kind: str) -> Check:
    return Check(
        rule=rule,
        dataset=dataset,
        column=column,
        check="plan",
        status=PASSED,
        description=wording("describe")["plan"].format(rule=rule, kind=wording("plan_kinds").get(kind, kind)),
    )
