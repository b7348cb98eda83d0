"""The validation gate: nothing is analysed or published from data that failed its checks.

:func:`run` reads every dataset of a study and runs, lazily (every failure is collected,
not just the first):

1. the dataset's expectation suite through great-expectations, on the stored codes (so value
   sets see the user-missing codes): the generated expectations derived from the current
   codebook, plus the hand-written ones of ``data/expectations/<dataset>.json`` (see
   :mod:`analysis.validate.suites`). When the file's generated part no longer matches the
   codebook, the gate says so (a warning, ``<dataset>.suite.up_to_date``) and checks against
   the codebook: a stale file never lets bad data through nor blocks good data;
2. the survey rules inside that suite (skip logic, sub-counts, date order, consent; see
   :mod:`analysis.validate.rules`);
3. the personal-data scan of text columns and transcripts (:mod:`analysis.validate.privacy`,
   detectors in :mod:`analysis.validate.pii`);
4. the cross-dataset rules (references between datasets, codes used in codings);
5. the analysis-plan checks (:mod:`analysis.validate.plan_checks`);
6. every failed check gets what to do about it, and the hits study.yml accepts under
   ``validation.accept`` are marked accepted (:mod:`analysis.validate.accept`): they do not
   block, and every report shows them with their reason.

Each dataset is read once, with ``study.get(name)`` (the study's cache), and handed on: the
result's ``loaded`` holds the datasets that were read, so a caller analyses the validated
frames without a second read.

A dataset that cannot be read is itself a failed check (``<dataset>.read``), not a crash.
Every check has a stable rule name (``enquete.vertrouwen_1.value_set``,
``enquete.skip_logic.type_informeel``) and reports how many rows failed and
a few example rows (1-based data rows, and the respondent ID where the dataset has one);
never the personal data itself.

:func:`write` writes ``validatie.json`` and ``validatie.html`` (Dutch, self-contained),
byte-stable for the same input; :func:`require_pass` is what the report builder calls.

This module only orchestrates. The parts live beside it, and every public name is
re-exported here (``gate.Check``, ``gate.ValidationResult``, ``gate.render_html``, ...):

- :mod:`~analysis.validate.checks`: the model (:class:`Check`, :class:`DatasetInfo`,
  :class:`ValidationResult`, the statuses);
- :mod:`~analysis.validate.gx`: running great-expectations and translating its results;
- :mod:`~analysis.validate.rule_checks`: scale and cross-dataset rules;
- :mod:`~analysis.validate.privacy`: the personal-data scan (detectors in
  :mod:`~analysis.validate.pii`);
- :mod:`~analysis.validate.evidence`: the example rows, safe values and Dutch messages;
- :mod:`~analysis.validate.render`: the HTML report and the terminal summary;
- :mod:`~analysis.validate.junit`: the JUnit XML report for CI.

Examples
--------
>>> from analysis.study import Study
>>> from analysis.validate import gate
>>> result = gate.run(Study.from_yaml("study.yml"))     # doctest: +SKIP
>>> result.passed, [c.rule for c in result.failures]    # doctest: +SKIP
(True, [])
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import ValidationFailed
from analysis.outputs import Output, write_outputs
from analysis.validate import accept, evidence, gx, pii, privacy, rule_checks
from analysis.validate.checks import (
    ACCEPTED,
    FAILED,
    MAX_VALUE_LENGTH,
    PASSED,
    WARNING,
    Check,
    DatasetInfo,
    ValidationResult,
    dedupe,
    wording,
)
from analysis.validate.render import print_summary, render_html

if TYPE_CHECKING:
    from analysis.ingest import Dataset
    from analysis.study import Study

__all__ = [
    "ACCEPTED",
    "FAILED",
    "MAX_VALUE_LENGTH",
    "PASSED",
    "WARNING",
    "Check",
    "DatasetInfo",
    "ValidationResult",
    "outputs",
    "print_summary",
    "render_html",
    "require_pass",
    "run",
    "write",
]


def run(study: Study) -> ValidationResult:
    """Run every suite and rule on every dataset of the study; collect all failures.

    Parameters
    ----------
    study
        The study; each dataset is read once, with ``study.get(name)`` (so a later
        ``study.get`` in the same process reuses it).

    Returns
    -------
    ValidationResult
        ``.passed`` is False when any check failed; ``.loaded`` holds the datasets read.

    Raises
    ------
    StudyConfigError
        A data file or codebook that study.yml names does not exist, or the analysis plan
        names something that does not exist. (The report texts are checked by ``bruggen
        validate`` and before a report is built, :func:`analysis.validate.text_checks.check_texts`,
        not here: a notebook analyses the data whatever the texts say.)
    """
    from analysis.validate.plan_checks import plan_checks

    study.check_files()
    engine = gx.Engine()
    config = study.validation_rules() or None
    privacy_config = study.section("privacy")
    checks: list[Check] = []
    infos: list[DatasetInfo] = []
    loaded: dict[str, Dataset] = {}

    names_pattern, name_checks = privacy.names_pattern(study, privacy_config)
    checks += name_checks
    fail_on = tuple(privacy_config.get("fail_on") or pii.DIRECT_IDENTIFIERS)

    for name, entry in study.datasets.items():
        relpath = evidence.rel_path(entry.path, study.root)
        try:
            ds = study.get(name)
        except Exception as exc:  # any reader failure is a failed check, never a crash
            text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            checks.append(
                Check(
                    rule=f"{name}.read",
                    dataset=name,
                    check="read",
                    status=FAILED,
                    description=wording("describe")["file_read"].format(path=relpath),
                    message=wording("messages")["file_unreadable"].format(error=text),
                )
            )
            infos.append(DatasetInfo(name, relpath, read=False))
            continue
        loaded[name] = ds
        frame = evidence.validation_frame(ds)
        expectations, origin, suite_checks = gx.suite_expectations(study, name, ds.codebook, config)
        checks += suite_checks
        ids = evidence.id_column(ds.codebook, frame)
        if expectations:
            result = engine.validate(frame, name, gx.runnable(expectations, frame))
            checks += gx.from_gx(name, result, frame, ds.codebook, ids)
        checks += rule_checks.scale_checks(name, ds.codebook)
        checks += privacy.pii_checks(name, ds, frame, ids, names_pattern, fail_on)
        infos.append(DatasetInfo(name, relpath, True, len(frame), len(frame.columns), origin))
        del frame  # the codes frame of one dataset at a time (at 1M respondents: gigabytes)

    checks += rule_checks.cross_checks(loaded, config)
    checks += plan_checks(study, loaded)

    order = {name: i for i, name in enumerate(study.datasets)}
    checks.sort(key=lambda c: (order.get(c.dataset, -1), c.rule))
    checks = accept.accept(accept.add_fixes(dedupe(checks)), study.acceptances)
    checks.sort(key=lambda c: (order.get(c.dataset, -1), c.rule))
    return ValidationResult(
        study=study.name,
        checks=tuple(checks),
        datasets=tuple(infos),
        title=study.title,
        synthetic=study.synthetic,
        loaded=loaded,
    )


def require_pass(study: Study, *, reuse: bool = True) -> ValidationResult:
    """Run the gate and raise :class:`ValidationFailed` unless every check passed.

    With ``reuse`` (the default), a passed validation of byte-identical inputs and library
    code stored by an earlier process is returned instead of running the gate again, and a
    new passed result is stored (:mod:`analysis.validate.cache`, in the study's ``processed``
    folder). A failed gate is never stored, so failing data are checked, and refused, every
    time.

    Writes nothing in ``reports/``: the caller (the report builder) must leave it untouched
    when the data fail.

    Raises
    ------
    ValidationFailed
        Listing the failing rules.
    """
    from analysis.validate import cache

    stored = cache.load(study) if reuse else None
    if stored is not None:
        return stored
    result = run(study)
    if reuse:
        cache.store(study, result)
    if not result.passed:
        fails = result.failures
        shown = ", ".join(c.rule for c in fails[:15]) + (
            f" and {len(fails) - 15} more" if len(fails) > 15 else ""
        )
        raise ValidationFailed(
            f"the validation gate failed ({len(fails)} check(s)): {shown}; nothing was analysed or written",
            path=study.source,
            hint="run `bruggen validate` and read reports/validatie.html for the rows involved",
        )
    return result


def outputs(result: ValidationResult) -> list[Output]:
    """``validatie.html`` and ``validatie.json``, rendered (byte-stable for the same input)."""
    return [
        Output("validatie.html", render_html(result).encode("utf-8")),
        Output("validatie.json", result.to_json().encode("utf-8")),
    ]


def write(result: ValidationResult, reports_dir: str | Path) -> list[Path]:
    """Write ``validatie.html`` and ``validatie.json`` into ``reports_dir``, each whole or not at all."""
    return write_outputs(outputs(result), reports_dir)
