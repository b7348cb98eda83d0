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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

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
#: Chapters whose title speaks of the field (formal and informal partners): the kinds that
#: justify it; a chapter holding none of them gets the neutral title after the arrow.
DOMAIN_TITLES = {"perspectieven": ({"perspectives", "likert_items", "support"}, "scales")}


def chapter_title(chapter: str, kinds: list[str]) -> str:
    """The wording key of a chapter's title: what its analyses measure.

    Reliability alone (the scales of any survey) is "Schalen", not "Perspectieven van formele en
    informele partners"; the field's title is kept where an analysis compares the sides.
    """
    if chapter in DOMAIN_TITLES:
        kinds_needed, neutral = DOMAIN_TITLES[chapter]
        if not kinds_needed & set(kinds):
            return neutral
    return CHAPTER_TITLES[chapter]


def placeholder(t: dict[str, str], what: str) -> str:
    """A visible, clearly marked placeholder for a text only the researcher can write."""
    from html import escape

    return (
        f'<div class="placeholder" role="note"><p><strong>{escape(t["placeholder_label"])}</strong> '
        f"{escape(t[f'placeholder_{what}'])}</p></div>"
    )


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


#: Actors of the recommendations (keys under report.texts.recommendations), in report order,
#: with the report text key of each heading.
ACTORS = {
    "municipality": "actor_municipality",
    "formal": "actor_formal",
    "informal": "actor_informal",
    "key_persons": "actor_key_persons",
}
#: Words read per minute for "Leestijd" (a common figure for reading Dutch or English prose).
WORDS_PER_MINUTE = 200


def in_lang(value: Any, lang: str) -> str:
    """A setting given as text, or per language (``{nl: ..., en: ...}``)."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("nl") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Texts:
    """The researcher's Markdown files named in study.yml under ``report.texts``."""

    background: Path | None = None
    interpretation: dict[str, Path] = field(default_factory=dict)
    recommendations: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def from_study(cls, study) -> Texts:
        config = study.section("report").get("texts") or {}
        where = f"{study.source}: report.texts"
        if not isinstance(config, dict):
            raise StudyConfigError("report.texts must be a mapping", path=study.source)
        unknown = sorted(set(config) - {"background", "interpretation", "recommendations"})
        if unknown:
            raise StudyConfigError(
                f"report.texts has unknown key(s): {', '.join(unknown)}",
                path=study.source,
                hint="allowed: background, interpretation (per chapter), recommendations (per actor)",
            )
        interpretation = dict(config.get("interpretation") or {})
        bad = sorted(set(interpretation) - set(CHAPTERS))
        recommendations = dict(config.get("recommendations") or {})
        bad_actor = sorted(set(recommendations) - set(ACTORS))
        if bad or bad_actor:
            raise StudyConfigError(
                f"{where}: unknown chapter(s) or actor(s): {', '.join(bad + bad_actor)}",
                path=study.source,
                hint=f"chapters: {', '.join(CHAPTERS)}; actors: {', '.join(ACTORS)}",
            )
        background = config.get("background")
        return cls(
            background=study.resolve(background) if background else None,
            interpretation={k: study.resolve(v) for k, v in interpretation.items()},
            recommendations={k: study.resolve(recommendations[k]) for k in ACTORS if k in recommendations},
        )

    def files(self, lang: str) -> list[Path]:
        from analysis.report.prose import file_for

        every = [self.background, *self.interpretation.values(), *self.recommendations.values()]
        return [file_for(p, lang) for p in every if p is not None]


def study_report(ctx: Context) -> Iterator[Output]:
    """The study report and its tables workbook."""
    settings = ctx.study.section("report")
    title = in_lang(settings.get("title"), ctx.lang) or ctx.study.title
    subtitle = ctx.study.title if title != ctx.study.title else ""
    yield from _report(
        ctx,
        None,
        name="rapport",
        title=title,
        subtitle=subtitle,
        lead=in_lang(settings.get("lead"), ctx.lang),
        texts=Texts.from_study(ctx.study),
    )


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
        name=f"{ctx.t['municipality_folder']}/{code}",
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
    lead: str = "",
    texts: Texts | None = None,
) -> Iterator[Output]:
    from analysis.disclosure import SuppressionLog, appendix_html
    from analysis.report import provenance

    t, lang = ctx.t, ctx.lang
    results = _analyses(ctx, survey)
    tables: dict[str, Any] = {}
    chapters: dict[str, list[tuple[AnalysisSpec, Result]]] = {}
    for spec, result in results:
        chapters.setdefault(spec.chapter, []).append((spec, result))
        for base, each in _published(spec, result, lang):  # the page's tables, under their captions
            label, i = base, 1
            while label in tables:
                i += 1
                label = f"{base} ({i})"
            tables[label] = each

    summary = Section(
        id="samenvatting",
        title=t["summary"],
        bullets=tuple(  # in the order of the chapters they summarise
            result.findings(lang)[0]
            for spec, result in sorted(results, key=lambda sr: CHAPTERS.index(sr[0].chapter))
            if spec.options.get("summary", True) and result.findings(lang)
        ),
        note=note,
        html_after=_national(ctx, results) if survey is not None else "",
    )
    texts = texts or Texts()
    prose = _Prose(ctx, results, name)
    if texts.background:
        background = Section(id="aanleiding", title=t["intro"], html_before=prose(texts.background))
    else:  # nothing of another study's background: say what the researcher is to write, and where
        background = Section(id="aanleiding", title=t["intro"], html_before=placeholder(t, "background"))
    sections = [summary, background]
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
                title=t[chapter_title(chapter, [spec.kind for spec, _ in members])],
                paragraphs=tuple(paragraphs),
                blocks=tuple(blocks),
                html_after=prose(texts.interpretation[chapter]) if chapter in texts.interpretation else "",
            )
        )
    if texts.recommendations:
        parts = [
            f'<h3 id="aanbevelingen-{actor.replace("_", "-")}">{t[ACTORS[actor]]}</h3>\n'
            + prose(path, level=4)
            for actor, path in texts.recommendations.items()
        ]
        sections.append(Section(id="aanbevelingen", title=t["recommendations"], html_before="\n".join(parts)))
    log = SuppressionLog.combine(table.log for table in tables.values())
    herkomst = provenance.html(ctx.study, texts.files(lang), t, _settings(ctx))
    sections.append(
        Section(
            id="bijlagen",
            title=t["appendix"],
            blocks=(
                Block(appendix_html(log, ctx.vs.policy, lang=lang)),
                Block(herkomst, caption=t["provenance"], id="herkomst"),
            ),
            paragraphs=(_validation_sentence(ctx),),
        )
    )
    contact = _contact(ctx)
    if contact:
        sections.append(Section(id="contact", title=t["contact"], html_before=contact))
    page = Page(
        title=title,
        subtitle=subtitle,
        sections=tuple(sections),
        lang=lang,
        synthetic=ctx.study.synthetic,
        plotly_src=plotly_src,
        lead=lead,
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


def _published(spec: AnalysisSpec, result: Result, lang: str) -> list[tuple[str, Any]]:
    """Every table a result publishes, ``(caption, table)``: its disclosed table and its
    :meth:`~analysis.results.Result.extra_tables`, as :func:`_blocks` shows them (the extra
    tables beside a disclosed table, or in the result's own blocks). The workbook and the
    appendix are made of these."""
    if getattr(result, "empty", False):
        return []
    table = _disclosed(result)
    if table is None and result.report_blocks(lang) is None:
        return []
    main = [(spec.options.get("title") or result.title(lang), table)] if table is not None else []
    return main + result.extra_tables(lang)


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


class _Prose:
    """Renders the researcher's Markdown files of one page, placeholders filled from its results."""

    def __init__(self, ctx: Context, results: list[tuple[AnalysisSpec, Result]], page: str):
        self.ctx, self.page = ctx, page
        self.by_name = {spec.name: (spec, result) for spec, result in results}
        self.declared = dict(ctx.plan.analyses)
        self.figures = 0

    def __call__(self, path: Path, level: int = 3) -> str:
        from analysis.report import prose

        source = prose.file_for(path, self.ctx.lang)
        return prose.render(
            prose.read(source), source, names=self.declared, fill=self._fill(source), heading_level=level
        )

    def _fill(self, source: Path):
        from analysis.report import prose

        lang = self.ctx.lang

        def fill(p: prose.Placeholder) -> str:
            if p.name not in self.by_name:
                raise StudyConfigError(
                    f"line {p.line}: {p.name!r} is declared but not part of this report",
                    path=source,
                    hint="name an analysis this report runs",
                )
            spec, result = self.by_name[p.name]
            findings = result.findings(lang)
            if p.what == "finding":
                if p.index is None or p.index >= len(findings):
                    raise StudyConfigError(
                        f"line {p.line}: {p.name}.finding[{p.index}] does not exist: {p.name} has "
                        f"{len(findings)} finding(s) (finding[0] to finding[{max(len(findings) - 1, 0)}])",
                        path=source,
                    )
                return findings[p.index]
            if p.what == "findings":
                return " ".join(findings)
            if p.what == "title":
                return spec.options.get("title") or result.title(lang)
            self.figures += 1
            title = spec.options.get("title") or result.title(lang)
            if p.what == "table" and _disclosed(result) is not None:
                blocks = [Block(result.table().to_html(lang=lang), caption=title)]
            else:
                blocks = _blocks(spec, result, lang, f"{self.page}-{spec.name}-tekst{self.figures}")[:1]
            if not blocks:
                raise StudyConfigError(
                    f"line {p.line}: {p.name} has no {p.what} to show (nothing publishable)",
                    path=source,
                    hint=f"use {{{{ {p.name}.findings }}}} instead",
                )
            (block,) = blocks
            return f'<figure class="blok"><figcaption>{escape(block.caption)}</figcaption>\n{block.html}</figure>'

        return fill


def _national(ctx: Context, local: list[tuple[AnalysisSpec, Result]]) -> str:
    """The national picture beside a municipality's: the study's key finding of each of its analyses.

    The national results are computed once for the whole batch (they are the study report's).
    """
    if "national" not in ctx.tables:
        ctx.tables["national"] = {
            spec.name: ctx.vs.analyse(spec.name, lang=ctx.lang).findings(ctx.lang)
            for spec in ctx.plan.analyses.values()
            if spec.part == "survey"
        }
    national = ctx.tables["national"]
    items = [
        national[spec.name][0]
        for spec, _ in sorted(local, key=lambda sr: CHAPTERS.index(sr[0].chapter))
        if spec.options.get("summary", True) and national.get(spec.name)
    ]
    if not items:
        return ""
    bullets = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<h3>{escape(ctx.t["national"])}</h3>\n<ul class="landelijk">{bullets}</ul>'


def _settings(ctx: Context) -> list[tuple[str, str]]:
    """The settings the report shows in its provenance: language, disclosure policy, analyses."""
    t = ctx.t
    policy = ctx.study.section("disclosure")
    rows = [
        (t["setting_language"], ctx.lang),
        (t["setting_synthetic"], t["yes"] if ctx.study.synthetic else t["no"]),
    ]
    for key, value in policy.items():
        if isinstance(value, list):  # variables (quasi-identifiers): their labels, not their names
            value = ", ".join(_variable_label(ctx, str(v)) for v in value)
        rows.append((f"{t['setting_disclosure']}: {key}", "-" if value is None else str(value)))
    rows += [(f"{t['setting_analysis']}: {spec.name}", spec.kind) for spec in ctx.plan.analyses.values()]
    return rows


def _variable_label(ctx: Context, column: str) -> str:
    """A variable's label from the first codebook that has it."""
    for name in ctx.study.datasets:
        label = ctx.vs.label(name, column, ctx.lang)
        if label != column:
            return label
    return column


def _contact(ctx: Context) -> str:
    """The contact block from study.yml (report.contact: name, role, organisation, email, phone, website)."""
    contact = ctx.study.section("report").get("contact") or {}
    if not contact:
        return ""
    lang = ctx.lang
    lines = [
        escape(in_lang(contact.get(k), lang)) for k in ("name", "role", "organisation") if contact.get(k)
    ]
    if contact.get("email"):
        mail = escape(in_lang(contact["email"], lang))
        lines.append(Markup(f'<a href="mailto:{mail}">{mail}</a>'))
    if contact.get("phone"):
        lines.append(escape(in_lang(contact["phone"], lang)))
    if contact.get("website"):
        site = escape(in_lang(contact["website"], lang))
        lines.append(Markup(f'<a href="{site}">{site}</a>'))
    intro = in_lang(contact.get("text"), lang)
    body = "<br>\n".join(str(x) for x in lines)
    return (f"<p>{escape(intro)}</p>\n" if intro else "") + f'<address class="contact">{body}</address>'


def _validation_sentence(ctx: Context) -> str:
    v = ctx.vs.validation
    return ctx.t["validation_passed"].format(n_checks=v.n_checks, n_datasets=v.n_datasets)
