"""Build the study's reports: gate, analyse, disclose, render, write.

Data move one way. :func:`build_reports` runs the validation gate first and refuses to go
on when it fails (earlier reports stay untouched). Every page is rendered in memory before
anything is written, and each file is written to a temporary name and then moved into
place, so a failure never leaves a half-written report. Before writing, every published page
is searched for values of the study's personal-data columns (:mod:`analysis.report.guard`);
a hit stops the build and nothing is written.

Files written (under the study's ``reports`` folder):

- ``rapport.html``: the study report;
- ``rapport-tabellen.xlsx``: its published tables, with the same suppression;
- ``<folder>/<code>.html`` (the report language's word for municipalities) (+ ``-tabellen.xlsx``): one per municipality when asked for, with
  ``plotly.min.js`` beside ``rapport.html``: the one copy of plotly.js they load (``../plotly.min.js``);
- ``validatie.html`` and ``validatie.json``: the validation report the reports rest on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from analysis.errors import StudyConfigError
from analysis.outputs import write_outputs
from analysis.plan import ANALYSES
from analysis.report.progress import Progress

if TYPE_CHECKING:
    from analysis.outputs import Output
    from analysis.report import pages
    from analysis.study import Study
    from analysis.validate.gate import ValidationResult


def build_reports(
    study: Study,
    municipalities: Iterable[str] = (),
    lang: str | None = None,
    *,
    progress: TextIO | bool | None = None,
    jobs: int = 1,
) -> list[Path]:
    """Validate, analyse and render; return the paths written.

    Parameters
    ----------
    study
        The study (see :mod:`analysis.study`).
    municipalities
        Municipality codes (``GM0363``) to render a report for each, or ``["all"]``.
    lang
        ``nl`` or ``en``; default from ``study.yml``.
    progress
        Where a progress bar of the municipality batch goes: a stream, ``False`` for none, or
        ``None`` for standard error when it is a terminal (never into a log file or a pipe).
    jobs
        Processes that render the municipality reports (``bruggen report`` uses the machine's
        cores). Each worker reads the study's files again, checks that they are the files the
        gate validated, and renders its share; the pages are the same bytes as with one process.

    Raises
    ------
    ValidationFailed
        The validation gate failed; nothing was written.
    DisclosureError
        A page would publish a value of a personal-data column; nothing was written.
    """
    from analysis.report import pages
    from analysis.study import ValidatedStudy
    from analysis.validate import gate
    from analysis.validate.text_checks import check_texts

    if not study.plan.analyses:
        needs = "; ".join(
            f"{kind} needs {', '.join(study.plan.lacks(kind)) or 'nothing more'}" for kind in ANALYSES
        )
        raise StudyConfigError(
            "the plan declares no analyses (key 'analyses'), so there is nothing to report. What the plan "
            f"lacks for each kind of analysis: {needs}",
            path=study.source,
            hint="bind those variables under 'plan:' in study.yml and declare analyses under 'analyses:' "
            "(see the example study.yml; `bruggen init` proposes them)",
        )
    check_texts(study)
    validation = gate.require_pass(study)
    lang = lang or study.language
    context = pages.Context.from_validated(ValidatedStudy(study, validation), lang=lang)

    outputs = list(pages.study_report(context))
    codes = list(municipalities)
    known = context.municipality_codes() if codes else []  # a clear error if the plan has no frame
    if codes == ["all"]:
        codes = known
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise StudyConfigError(
            f"unknown municipality code(s): {', '.join(unknown)}",
            path=study.source,
            hint="use codes from the municipality frame (e.g. GM0363), or 'all'",
        )
    bar = Progress(len(codes), stream=progress, label="municipality reports")
    for code, pages_of_code in zip(codes, _municipality_reports(context, codes, jobs), strict=True):
        outputs.extend(pages_of_code)
        bar.step(code)
    bar.close()
    if codes:
        from analysis.figures import plotly_js
        from analysis.outputs import Output
        from analysis.report.render import PLOTLY_FILE

        outputs.append(Output(PLOTLY_FILE, plotly_js().encode("utf-8")))
    # the last door: no published page may hold a value of a personal-data column
    from analysis.report.guard import check_study_outputs

    check_study_outputs(study, {name: context.vs.dataset(name) for name in study.datasets}, outputs)
    outputs.extend(gate.outputs(validation))
    return write_outputs(outputs, study.reports_dir)


# -- the municipality batch in more processes -------------------------------------------------------
#: Most worker processes ``bruggen report`` starts by default (each holds the study's data).
MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """The cores this process may use, at most :data:`MAX_DEFAULT_JOBS`."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS))


def _municipality_reports(context: pages.Context, codes: list[str], jobs: int) -> Iterator[list[Output]]:
    """Each municipality's pages, in the order of ``codes``; rendered in ``jobs`` processes.

    A worker is a fresh interpreter ("spawn": never a fork of this process and its thread
    pools). It receives the study's settings and the gate's result with the validated datasets
    once, so it renders from exactly the data the gate passed and reads no file again.
    """
    from analysis.report import pages

    jobs = min(jobs, len(codes))
    if jobs <= 1:
        for code in codes:
            yield list(pages.municipality_report(context, code))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from analysis import result_cache

    study = context.study
    job = _WorkerJob(
        study.config, study.root, study.source, context.vs.validation, context.lang, result_cache.enabled()
    )
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(job,),
    ) as pool:
        yield from pool.map(_render_municipality, codes)


@dataclass(frozen=True)
class _WorkerJob:
    """What a worker needs to render municipality reports of the validated study."""

    config: dict[str, Any]
    root: Path
    source: Path | None
    validation: ValidationResult  # with the validated datasets (``loaded``)
    lang: str
    reuse_results: bool


#: The worker's job, and its context once made (on the first municipality, so that an error
#: there reaches the parent as the error it is; a failing initializer only breaks the pool).
_WORKER: dict[str, Any] = {}


def _start_worker(job: _WorkerJob) -> None:
    _WORKER["job"] = job


def _render_municipality(code: str) -> list[Output]:
    from analysis import result_cache
    from analysis.report import pages
    from analysis.study import Study, ValidatedStudy

    context = _WORKER.get("context")
    if context is None:
        job = _WORKER["job"]
        study = Study.from_dict(job.config, root=job.root, source=job.source)
        result_cache.enable(job.reuse_results)
        context = _WORKER["context"] = pages.Context.from_validated(
            ValidatedStudy(study, job.validation), lang=job.lang
        )
    return list(pages.municipality_report(context, code))
