"""Run the analyses a study's plan declares: the plan's names in, a library Result out.

Each kind of analysis (:data:`analysis.plan.ANALYSES`) has a runner here that looks up the
columns bound in the plan, takes labels from the codebooks in the report language, and calls
the library function with column names as arguments. The library functions themselves know
nothing of a study: they work the same on any frame in a notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from analysis.errors import StudyConfigError

if TYPE_CHECKING:
    import pandas as pd

    from analysis.plan import AnalysisSpec
    from analysis.results import Result
    from analysis.study import ValidatedStudy


def run(
    vs: ValidatedStudy, spec: AnalysisSpec, *, lang: str, data: pd.DataFrame | None = None, **options: Any
) -> Result:
    """The Result of one declared analysis (see :meth:`ValidatedStudy.analyse`)."""
    from dataclasses import replace

    unknown = sorted(set(options) - set(spec.options))
    if unknown:
        raise StudyConfigError(
            f"{spec.key}: {unknown[0]!r} is not an option of {spec.kind}",
            path=vs.study.source,
            hint=f"options: {', '.join(spec.options)}",
        )
    if options:
        spec = replace(spec, options={**spec.options, **options}, given=spec.given | set(options))
    return _RUNNERS[spec.kind](_Run(vs, spec, lang, data))


class _Run:
    """What a runner needs: the study, the analysis spec, the language and the frame."""

    def __init__(self, vs: ValidatedStudy, spec: AnalysisSpec, lang: str, data: pd.DataFrame | None):
        self.vs, self.spec, self.lang = vs, spec, lang
        self.plan = vs.plan
        self.part = spec.part
        self.dataset = self.plan.dataset(self.part)
        self.frame = data if data is not None else vs.part(self.part, lang)
        self.labels: dict[str, str] = {}

    @property
    def policy(self):
        return self.vs.policy

    def option(self, name: str) -> Any:
        return self.spec.options[name]

    def column(self, name: str) -> str:
        """A role of this part (``side``) or a column; a municipality role is joined on."""
        plan = self.plan
        if (
            self.part != "municipalities"
            and plan.has("municipalities", name)
            and not plan.has(self.part, name)
        ):
            return self.place(name)
        column = plan.resolve(self.part, name)
        if column not in self.frame.columns:
            raise StudyConfigError(
                f"{self.spec.key}: {name!r} is neither a role of plan.{self.part} nor a column of {self.dataset}",
                path=self.vs.study.source,
                hint=f"use a role bound under plan.{self.part} or a variable of {self.dataset}",
            )
        self.labels[column] = self.vs.label(self.dataset, column, self.lang)
        return column

    def place(self, role: str) -> str:
        """Join a column of the municipality frame (region, size class) onto the frame."""
        plan = self.plan
        frame_ds = plan.dataset("municipalities")
        key = plan.column("municipalities", "code")
        column = plan.column("municipalities", role)
        own_key = plan.column(self.part, "municipality")
        if column not in self.frame.columns:
            places = self.vs.data(frame_ds, self.lang)[[key, column]]
            places = places.rename(columns={key: own_key}) if key != own_key else places
            left = self.frame.assign(**{own_key: self.frame[own_key].astype("string")})
            right = places.assign(**{own_key: places[own_key].astype("string")})
            self.frame = left.merge(right, on=own_key, how="left", validate="many_to_one")
        self.labels[column] = self.vs.label(frame_ds, column, self.lang)
        return column

    def declared(self, role: str, option: str) -> str | None:
        """The label of a category the plan declares for a role (``structural``), if declared."""
        if not self.plan.has(self.part, role) or option not in self.plan.binding(self.part, role).values:
            return None
        return self.vs.value(self.part, role, option, self.lang)


def _response(r: _Run) -> Result:
    from analysis.response import response

    by = r.column(r.option("by"))
    rows = r.option("rows")
    if (
        rows
        and "rows" not in r.spec.given
        and not (r.plan.has("municipalities", rows) and r.plan.has(r.part, "municipality"))
    ):
        rows = None  # the default (region) needs a municipality frame; without one, by side alone
    rows = r.column(rows) if rows else None
    return response(r.frame, r.policy, by=by, rows=rows, labels=r.labels, lang=r.lang)


def _collaboration_form(r: _Run) -> Result:
    from analysis.collaboration import collaboration_profile

    r.plan.binding(r.part, "collaboration_form")  # a clear error when the plan lacks it
    by = r.column(r.option("by"))
    form = r.column("collaboration_form")
    structural = r.declared("collaboration_form", "structural")
    return collaboration_profile(
        r.frame, r.policy, by=by, form=form, structural=structural, labels=r.labels, lang=r.lang
    )


def _interview_themes(r: _Run) -> Result:
    from analysis.interviews import code_matrix

    by = r.column(r.option("by"))
    level = r.option("level")
    var = r.vs.dataset(r.dataset).codebook.get(level)
    labels = var.value_labels_in(r.lang) if var is not None else None
    return code_matrix(
        r.frame, r.policy, by=by, level=level, by_label=r.labels[by], code_labels=labels, lang=r.lang
    )


def _quotes(r: _Run) -> Result:
    from analysis.disclosure import NameList
    from analysis.interviews import select_report_quotes

    themes = r.option("themes") or r.plan.quote_themes
    if not themes:
        raise StudyConfigError(
            f"{r.spec.key}: the quotes have no themes",
            path=r.vs.study.source,
            hint="name the codes a quote must overlap under plan.interviews.quote_themes or the analysis' themes:",
        )
    by = r.column(r.option("by"))
    case = r.plan.column("interviews", "case") if r.plan.has("interviews", "case") else "case"
    return select_report_quotes(
        r.frame,
        r.policy,
        NameList.from_study(r.vs.study),
        themes=list(themes),
        group_by=by,
        case=case,
        max_quotes=int(r.option("n")),
        lang=r.lang,
    )


_RUNNERS: dict[str, Callable[[_Run], Result]] = {
    "response": _response,
    "collaboration_form": _collaboration_form,
    "interview_themes": _interview_themes,
    "quotes": _quotes,
}
