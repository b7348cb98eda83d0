"""Build the study's reports: gate, analyse, disclose, render, write.

Data move one way. :func:`build_reports` runs the validation gate first and refuses to go
on when it fails (earlier reports stay untouched). Every page is rendered in memory before
anything is written, and each file is written to a temporary name and then moved into
place, so a failure never leaves a half-written report.

Files written (under the study's ``reports`` folder):

- ``rapport.html``: the study report;
- ``rapport-tabellen.xlsx``: its published tables, with the same suppression;
- ``<folder>/<code>.html`` (the report language's word for municipalities) (+ ``-tabellen.xlsx``): one per municipality when asked for, with
  ``plotly.min.js`` beside ``rapport.html``: the one copy of plotly.js they load (``../plotly.min.js``);
- ``validatie.html`` and ``validatie.json``: the validation report the reports rest on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from analysis.errors import StudyConfigError
from analysis.outputs import write_outputs
from analysis.plan import ANALYSES
from analysis.report.progress import Progress

if TYPE_CHECKING:
    from analysis.study import Study


def build_reports(
    study: Study,
    municipalities: Iterable[str] = (),
    lang: str | None = None,
    *,
    progress: TextIO | bool | None = None,
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

    Raises
    ------
    ValidationFailed
        The validation gate failed; nothing was written.
    """
    from analysis.report import pages
    from analysis.study import ValidatedStudy
    from analysis.validate import gate

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
    for code in codes:
        outputs.extend(pages.municipality_report(context, code))
        bar.step(code)
    bar.close()
    if codes:
        from analysis.figures import plotly_js
        from analysis.outputs import Output
        from analysis.report.render import PLOTLY_FILE

        outputs.append(Output(PLOTLY_FILE, plotly_js().encode("utf-8")))
    outputs.extend(gate.outputs(validation))
    return write_outputs(outputs, study.reports_dir)
