"""Run the analyses a study's plan declares: the plan's names in, a library Result out.

Each kind of analysis (:data:`analysis.plan.ANALYSES`) has a runner beside its library
function (``analysis.collaboration.from_plan`` ...). A runner gets a :class:`Run`: it looks up
the columns bound in the plan (:meth:`Run.column`), takes labels from the codebooks in the
report language (:attr:`Run.labels`), and calls the library function with column names as
arguments. The library functions themselves know nothing of a study: they work the same on
any frame in a notebook.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from analysis import memory
from analysis.errors import StudyConfigError

if TYPE_CHECKING:
    import pandas as pd

    from analysis.plan import AnalysisSpec
    from analysis.results import Result
    from analysis.study import ValidatedStudy


#: The column :meth:`Run.group` adds when an analysis groups by nothing (all rows one group).
ALL_COLUMN = "_all"


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
    try:
        # a Result keeps no rows: its fitted models keep their estimates, not the data
        return hook(spec.kind, "runner")(Run(vs, spec, lang, data)).without_rows()
    finally:
        memory.release()


def hook(kind: str, name: str):
    """The function an analysis kind names under ``runner`` or ``check`` (None when it names none)."""
    from analysis.plan import ANALYSES

    target = ANALYSES[kind].get(name)
    if target is None:
        return None
    module, _, function = target.partition(":")
    return getattr(import_module(module), function)


class Run:
    """What a runner needs: the study, the analysis spec, the language and the frame.

    Attributes
    ----------
    vs, spec, lang, plan
        The validated study, the declared analysis, the report language, the plan.
    part, dataset
        The plan's part the analysis works on (``survey``) and its dataset.
    frame
        The part's validated frame in ``lang`` (or the subset the caller gave); columns that
        :meth:`column` joins from the municipality frame are added to it. Codings by the plan's
        check coders are left out, except for a kind marked ``all_coders`` in the registry
        (intercoder agreement).
    labels
        Variable labels (column -> label in ``lang``) of every column looked up so far.
    """

    def __init__(self, vs: ValidatedStudy, spec: AnalysisSpec, lang: str, data: pd.DataFrame | None):
        self.vs, self.spec, self.lang = vs, spec, lang
        self.plan = vs.plan
        self.part = spec.part
        self.dataset = self.plan.dataset(self.part)
        from analysis.plan import ANALYSES

        frame = data if data is not None else vs.part(self.part, lang, check_coders=True)
        # a check coder's codings serve intercoder agreement only: every other kind runs without them
        self.frame = frame if ANALYSES[spec.kind].get("all_coders") else vs.first_coding(self.part, frame)
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

    def group(self, option: str = "by") -> str:
        """The column of the groups an option names; ``None`` (no grouping): one group of all rows.

        Without grouping a column holding one value, "all interviews" in the report language
        (:data:`ALL_COLUMN`), is added to :attr:`frame`, so the library functions that split by a
        column run unchanged with a single group.
        """
        name = self.option(option)
        if name is not None:
            return self.column(name)
        import pandas as pd

        from analysis.text import words

        t = words(self.lang, "interview_only")
        self.frame = self.frame.assign(
            **{ALL_COLUMN: pd.Categorical([t["all_group"]] * len(self.frame), categories=[t["all_group"]])}
        )
        self.labels[ALL_COLUMN] = t["all_by"]
        return ALL_COLUMN

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
