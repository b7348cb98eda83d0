"""What the reports say: sections built from results, in the report language.

Every number in these pages comes from a Result (``findings()``, ``table()``, ``figure()``),
never from text typed here. Tables and figures are built from disclosed tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.errors import StudyConfigError
from analysis.figures import to_html
from analysis.outputs import Output
from analysis.report.build import FRAME, INTERVIEWS, SURVEY
from analysis.report.i18n import texts
from analysis.report.render import Block, Page, Section, render

if TYPE_CHECKING:
    import pandas as pd

    from analysis.disclosure import Policy
    from analysis.study import Study
    from analysis.validate.gate import ValidationResult


@dataclass
class Context:
    """The validated inputs every page draws on.

    Only the survey is required. Without a municipality frame (``gemeenten``) the response is
    shown by side and there are no municipality reports; without coded interviews
    (``interviews``) the report has no interview chapter.
    """

    study: Study
    survey: pd.DataFrame
    frame: pd.DataFrame | None
    policy: Policy
    validation: ValidationResult
    lang: str
    tables: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_study(cls, study: Study, *, validation: Any, lang: str) -> Context:
        from analysis.disclosure import Policy

        texts(lang)  # fail early on an unknown language
        survey = study.get(SURVEY).frame
        frame = study.get(FRAME).frame if FRAME in study.datasets else None
        return cls(
            study=study,
            survey=survey,
            frame=frame,
            policy=Policy.from_study(study),
            validation=validation,
            lang=lang,
        )

    def municipality_codes(self) -> list[str]:
        """Municipalities with respondents in the survey."""
        return sorted(str(c) for c in self.survey["municipality_code"].dropna().unique())

    def grouping(self):
        """Which municipalities are reported alone and which are pooled (computed once)."""
        from analysis.disclosure import municipality_fallback

        if self.frame is None:
            raise StudyConfigError(
                f"municipality reports need the municipality frame: a dataset named {FRAME!r} with "
                "municipality_code, municipality_name, region and size_class",
                path=self.study.source,
                hint=f"add the {FRAME!r} dataset to study.yml, or leave out --gemeente",
            )
        if "grouping" not in self.tables:
            places = self.frame[["municipality_code", "region", "size_class"]]
            joined = self.survey.merge(places, on="municipality_code", how="left", validate="many_to_one")
            self.tables["grouping"] = municipality_fallback(
                joined, "municipality_code", ("region", "size_class"), self.policy, lang=self.lang
            )
        return self.tables["grouping"]

    @property
    def t(self) -> dict[str, str]:
        return texts(self.lang)


def study_report(ctx: Context) -> Iterator[Output]:
    """The study report and its tables workbook."""
    yield from _report(ctx, ctx.survey, name="rapport", title=ctx.study.title, subtitle="")


def municipality_report(ctx: Context, code: str) -> Iterator[Output]:
    """A report for one municipality.

    A municipality with fewer respondents than the policy's ``min_count`` is pooled with other
    small municipalities of its region (or size class): its report shows the pooled figures
    and says so on top, instead of figures about a handful of people.
    """
    grouping = ctx.grouping()
    group = grouping.group(code)
    members = [m for m, g in grouping.mapping.items() if g == group]
    subset = ctx.survey[ctx.survey["municipality_code"].isin(members)]
    name = _municipality_name(ctx, code)
    note = "" if grouping.is_alone(code) else grouping.sentence(code, ctx.lang).replace(code, name)
    yield from _report(
        ctx,
        subset,
        name=f"gemeenten/{code}",
        title=f"{ctx.t['municipality_report']} {name}",
        subtitle=ctx.study.title,
        note=note,
    )


def _municipality_name(ctx: Context, code: str) -> str:
    if ctx.frame is None:
        return code
    hit = ctx.frame.loc[ctx.frame["municipality_code"] == code, "municipality_name"]
    return str(hit.iloc[0]) if len(hit) else code


def _report(
    ctx: Context, survey: pd.DataFrame, *, name: str, title: str, subtitle: str, note: str = ""
) -> Iterator[Output]:
    from analysis.collaboration import collaboration_profile
    from analysis.disclosure import SuppressionLog, appendix_html

    t, lang = ctx.t, ctx.lang
    response, response_caption = _response_table(ctx, survey, municipal=name.startswith("gemeenten/"))
    profile = collaboration_profile(survey, ctx.policy, by="respondent_type", lang=lang)
    by_side = collaboration_profile(survey, ctx.policy, by="org_side", lang=lang)
    tables = {"respons": response}
    tables.update({r.key + "_" + r.by: r.table() for r in (profile, by_side) if not r.empty})
    summary = Section(
        id="samenvatting",
        title=t["summary"],
        bullets=tuple(by_side.findings(lang)[:3]),
        note=note,
    )
    intro = Section(id="aanleiding", title=t["intro"], paragraphs=(t["intro_text"],))
    method = Section(
        id="methode",
        title=t["method"],
        paragraphs=(t["method_text"],),
        blocks=(Block(response.to_html(lang=lang), caption=response_caption),),
    )
    with_interviews = INTERVIEWS in ctx.study.datasets and not name.startswith("gemeenten/")
    interviews = _interview_section(ctx, tables) if with_interviews else None
    findings = Section(
        id="samenwerking",
        title=t["collaboration"],
        paragraphs=tuple(profile.findings(lang)),
        blocks=_result_blocks(profile, lang, f"{name}-samenwerkingsvorm"),
    )
    log = SuppressionLog.combine(table.log for table in tables.values())
    appendix = Section(
        id="bijlagen",
        title=t["appendix"],
        blocks=(Block(appendix_html(log, ctx.policy, lang=lang)),),
        paragraphs=(_validation_sentence(ctx),),
    )
    page = Page(
        title=title,
        subtitle=subtitle,
        sections=tuple(s for s in (summary, intro, method, findings, interviews, appendix) if s is not None),
        lang=lang,
        synthetic=ctx.study.synthetic,
    )
    yield Output(f"{name}.html", render(page).encode("utf-8"))
    yield Output(f"{name}-tabellen.xlsx", _xlsx_bytes(tables, lang))


def _interview_section(ctx: Context, tables: dict[str, Any]) -> Section:
    """Themes per side (code matrix) and a few pseudonymised quotes from the coded interviews."""
    from analysis.disclosure import NameList
    from analysis.interviews import code_matrix, select_report_quotes
    from analysis.report.render import quote_html

    t, lang = ctx.t, ctx.lang
    codings = ctx.study.get(INTERVIEWS).frame
    matrix = code_matrix(codings, ctx.policy, by="org_side", lang=lang)
    tables[matrix.key] = matrix.table()
    quotes = select_report_quotes(codings, ctx.policy, NameList.from_study(ctx.study))
    blocks = [
        Block(to_html(matrix.figure(lang), div_id="thema-matrix"), caption=matrix.title(lang)),
        Block(matrix.table().to_html(lang=lang)),
    ]
    if len(quotes.quotes):
        html = "\n".join(quote_html(q.text, q.speaker) for q in quotes.quotes.itertuples())
        blocks.append(Block(html, caption=t["quotes_caption"]))
    return Section(
        id="interviews",
        title=t["interviews"],
        paragraphs=(t["interviews_text"], *matrix.findings(lang)),
        blocks=tuple(blocks),
    )


def _response_table(ctx: Context, survey: pd.DataFrame, *, municipal: bool):
    """Response by region and side for the study; by side alone within one municipality."""
    from analysis.disclosure import crosstab, frequency

    if municipal or ctx.frame is None:
        table = frequency(survey, "org_side", ctx.policy, name="respons", lang=ctx.lang)
        return table, ctx.t["response_side"]
    places = ctx.frame[["municipality_code", "region"]]
    joined = survey.merge(places, on="municipality_code", how="left", validate="many_to_one")
    table = crosstab(joined, rows="region", cols="org_side", policy=ctx.policy, name="respons", lang=ctx.lang)
    return table, ctx.t["response"]


def _xlsx_bytes(tables: dict[str, Any], lang: str) -> bytes:
    """The tables workbook as bytes (written by :func:`analysis.disclosure.write_tables_xlsx`)."""
    import tempfile
    from pathlib import Path

    from analysis.disclosure import write_tables_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = write_tables_xlsx(tables, Path(tmp) / "tabellen.xlsx", lang=lang)
        return path.read_bytes()


def _result_blocks(result, lang: str, div_id: str) -> tuple[Block, ...]:
    """A result's figure and table, or nothing when every group was too small to publish."""
    if result.empty:
        return ()
    figure = to_html(result.figure(lang), div_id=div_id.replace("/", "-"))
    return (Block(figure, caption=result.title(lang)), Block(result.table().to_html(lang=lang)))


def _validation_sentence(ctx: Context) -> str:
    v = ctx.validation
    return ctx.t["validation_passed"].format(n_checks=v.n_checks, n_datasets=v.n_datasets)
