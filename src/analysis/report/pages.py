"""What the reports say: sections composed from the study's plan, in the report language.

Every analysis declared under ``analyses:`` in study.yml fills its chapter (the methode
section, samenwerking, interviews ...); a chapter the plan cannot fill is left out. Every number
in these pages comes from a Result (``findings()``, ``table()``, ``figure()``), never from text
typed here, and every label from the codebooks. Tables and figures are built from disclosed
tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.errors import StudyConfigError
from analysis.figures import describe, to_html
from analysis.outputs import Output
from analysis.plan import CHAPTERS
from analysis.report.i18n import texts
from analysis.report.render import PLOTLY_FILE, Block, Page, Section, render

if TYPE_CHECKING:
    import pandas as pd

    from analysis.plan import AnalysisSpec
    from analysis.results import Result
    from analysis.study import ValidatedStudy

#: Report text key of each chapter's title.
CHAPTER_TITLES = {
    "methode": "method",
    "samenwerking": "collaboration",
    "perspectieven": "perspectives",
    "bereik": "reach",
    "verwijzingen": "referrals",
    "interviews": "interviews",
    "samenhang": "joint",
}
#: Report text key of the paragraph that opens a chapter, where it has one.
CHAPTER_INTROS = {"methode": "method_text", "interviews": "interviews_text"}


@dataclass
class Context:
    """The validated study every page draws on, and what is computed once for all pages."""

    vs: ValidatedStudy
    lang: str
    tables: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_validated(cls, vs: ValidatedStudy, *, lang: str) -> Context:
        texts(lang)  # fail early on an unknown language
        return cls(vs=vs, lang=lang)

    @property
    def t(self) -> dict[str, str]:
        return texts(self.lang)

    @property
    def study(self):
        return self.vs.study

    @property
    def plan(self):
        return self.vs.plan

    # -- municipalities ---------------------------------------------------------------
    def _municipality_column(self) -> str:
        plan = self.plan
        if not plan.has("survey", "municipality") or not plan.has("municipalities"):
            raise StudyConfigError(
                "municipality reports need the plan to bind the survey's municipality "
                "(plan.survey.municipality) and a municipality frame (plan.municipalities with "
                "code, name, region and size)",
                path=self.study.source,
                hint="add them to the plan in study.yml, or leave out --gemeente",
            )
        for role in ("code", "name", "region", "size"):
            plan.binding("municipalities", role)
        return plan.column("survey", "municipality")

    def municipality_codes(self) -> list[str]:
        """Municipalities with respondents in the survey."""
        column = self._municipality_column()
        return sorted(str(c) for c in self.vs.part("survey", self.lang)[column].dropna().unique())

    def grouping(self):
        """Which municipalities are reported alone and which are pooled (computed once)."""
        from analysis.disclosure import municipality_fallback

        column = self._municipality_column()
        if "grouping" not in self.tables:
            plan = self.plan
            frame = self.vs.part("municipalities", self.lang)
            key = plan.column("municipalities", "code")
            fallbacks = [plan.column("municipalities", r) for r in ("region", "size")]
            places = frame[[key, *fallbacks]].rename(columns={key: column})
            survey = self.vs.part("survey", self.lang)
            joined = survey.assign(**{column: survey[column].astype("string")}).merge(
                places.assign(**{column: places[column].astype("string")}),
                on=column,
                how="left",
                validate="many_to_one",
            )
            labels = {c: self.vs.label(plan.dataset("municipalities"), c, self.lang) for c in fallbacks}
            self.tables["grouping"] = municipality_fallback(
                joined, column, tuple(fallbacks), self.vs.policy, lang=self.lang, labels=labels
            )
        return self.tables["grouping"]

    def name_of(self, code: str) -> str:
        plan = self.plan
        frame = self.vs.part("municipalities", self.lang)
        hit = frame.loc[
            frame[plan.column("municipalities", "code")].astype(str) == code,
            plan.column("municipalities", "name"),
        ]
        return str(hit.iloc[0]) if len(hit) else code


def study_report(ctx: Context) -> Iterator[Output]:
    """The study report and its tables workbook."""
    yield from _report(ctx, None, name="rapport", title=ctx.study.title, subtitle="")


def municipality_report(ctx: Context, code: str) -> Iterator[Output]:
    """A report for one municipality: the survey's analyses on its respondents.

    A municipality with fewer respondents than the policy's ``min_count`` is pooled with other
    small municipalities of its region (or size class): its report shows the pooled figures
    and says so on top, instead of figures about a handful of people.
    """
    grouping = ctx.grouping()
    group = grouping.group(code)
    members = [m for m, g in grouping.mapping.items() if g == group]
    survey = ctx.vs.part("survey", ctx.lang)
    subset = survey[survey[ctx._municipality_column()].astype(str).isin(members)]
    name = ctx.name_of(code)
    note = "" if grouping.is_alone(code) else grouping.sentence(code, ctx.lang).replace(code, name)
    yield from _report(
        ctx,
        subset,
        name=f"gemeenten/{code}",
        title=f"{ctx.t['municipality_report']} {name}",
        subtitle=ctx.study.title,
        note=note,
        plotly_src=f"../{PLOTLY_FILE}",  # one shared copy for the batch, beside the study report
    )


def _analyses(ctx: Context, survey: pd.DataFrame | None) -> list[tuple[AnalysisSpec, Result]]:
    """Every declared analysis, run; for a municipality (``survey`` given) only the survey's."""
    out = []
    for spec in ctx.plan.analyses.values():
        if survey is None:
            out.append((spec, ctx.vs.analyse(spec.name, lang=ctx.lang)))
        elif spec.part == "survey":
            extra = {"rows": None} if spec.kind == "response" else {}
            out.append((spec, ctx.vs.analyse(spec.name, lang=ctx.lang, data=survey, **extra)))
    return out


def _report(
    ctx: Context,
    survey: pd.DataFrame | None,
    *,
    name: str,
    title: str,
    subtitle: str,
    note: str = "",
    plotly_src: str | None = None,
) -> Iterator[Output]:
    from analysis.disclosure import SuppressionLog, appendix_html

    t, lang = ctx.t, ctx.lang
    results = _analyses(ctx, survey)
    tables: dict[str, Any] = {}
    chapters: dict[str, list[tuple[AnalysisSpec, Result]]] = {}
    for spec, result in results:
        chapters.setdefault(spec.chapter, []).append((spec, result))
        table = _disclosed(result)
        if table is not None:
            tables[spec.name] = table

    summary = Section(
        id="samenvatting",
        title=t["summary"],
        bullets=tuple(  # in the order of the chapters they summarise
            result.findings(lang)[0]
            for spec, result in sorted(results, key=lambda sr: CHAPTERS.index(sr[0].chapter))
            if spec.options.get("summary", True) and result.findings(lang)
        ),
        note=note,
    )
    sections = [summary, Section(id="aanleiding", title=t["intro"], paragraphs=(t["intro_text"],))]
    for chapter in CHAPTERS:
        members = chapters.get(chapter, [])
        if not members and chapter != "methode":
            continue
        paragraphs = [t[CHAPTER_INTROS[chapter]]] if chapter in CHAPTER_INTROS else []
        blocks: list[Block] = []
        for spec, result in members:
            paragraphs += [s for s in result.findings(lang) if s not in paragraphs]  # said once per chapter
            blocks += _blocks(spec, result, lang, f"{name}-{spec.name}")
        sections.append(
            Section(
                id=chapter,
                title=t[CHAPTER_TITLES[chapter]],
                paragraphs=tuple(paragraphs),
                blocks=tuple(blocks),
            )
        )
    log = SuppressionLog.combine(table.log for table in tables.values())
    sections.append(
        Section(
            id="bijlagen",
            title=t["appendix"],
            blocks=(Block(appendix_html(log, ctx.vs.policy, lang=lang)),),
            paragraphs=(_validation_sentence(ctx),),
        )
    )
    page = Page(
        title=title,
        subtitle=subtitle,
        sections=tuple(sections),
        lang=lang,
        synthetic=ctx.study.synthetic,
        plotly_src=plotly_src,
    )
    yield Output(f"{name}.html", render(page).encode("utf-8"))
    yield Output(f"{name}-tabellen.xlsx", _xlsx_bytes(tables, lang))


def _disclosed(result: Result):
    """The result's disclosed table, or None (quotes; every group too small)."""
    from analysis.disclosure import DisclosedTable

    if getattr(result, "empty", False):
        return None
    table = result.table()
    return table if isinstance(table, DisclosedTable) else None


def _blocks(spec: AnalysisSpec, result: Result, lang: str, div_id: str) -> list[Block]:
    """A result's figure and table, or the blocks it makes itself; nothing when it is empty."""
    title = spec.options.get("title") or result.title(lang)
    own = result.report_blocks(lang)
    if own is not None:
        return [Block(html, caption=caption or title) for caption, html in own]
    if _disclosed(result) is None:
        return []
    table = Block(result.table().to_html(lang=lang))
    more = [Block(html, caption=caption) for caption, html in result.more_tables(lang)]
    if spec.kind == "response":
        return [Block(table.html, caption=title), *more]
    fig = result.figure(lang)
    figure = to_html(
        fig, div_id=div_id.replace("/", "-"), label=title, description=describe(fig, lang, title)
    )
    return [Block(figure + "\n" + table.html, caption=title), *more]  # the figure's numbers beside it


def _xlsx_bytes(tables: dict[str, Any], lang: str) -> bytes:
    """The tables workbook as bytes (written by :func:`analysis.disclosure.write_tables_xlsx`)."""
    import tempfile
    from pathlib import Path

    from analysis.disclosure import write_tables_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = write_tables_xlsx(tables, Path(tmp) / "tabellen.xlsx", lang=lang)
        return path.read_bytes()


def _validation_sentence(ctx: Context) -> str:
    v = ctx.vs.validation
    return ctx.t["validation_passed"].format(n_checks=v.n_checks, n_datasets=v.n_datasets)
