"""The joint display (*samenhang*): per theme of the study, the survey beside the interviews.

A mixed-methods joint display (Guetterman, Fetters & Creswell 2015: "statistics by themes")
puts one row per theme side by side: the survey's result with its numbers, the interview
codes that speak to the same theme with the number of interviews per group in which they
came up, one pseudonymised quote, and the meta-inference: do the two kinds of data
**confirm** each other, do the interviews **expand** on the survey, or are they
**discordant**?

The researcher declares the rows in study.yml (kind ``joint_display``)::

    samenhang:
      kind: joint_display
      by: side                       # the groups the interview counts are split by
      themes:
        - theme: {nl: Serieus genomen worden, en: Being taken seriously}
          survey: perspectieven      # a declared analysis
          term: gap                  # which row of its to_frame() is the survey result
          codes: [B9 EEN_CODE, B10 NOG_EEN]   # codes of the project (or {code: label})
          direction: lower           # optional: what the interviews say of that result
          inference: confirms        # optional: the researcher's meta-inference

Row keys: ``theme`` (a label, or one per language), ``survey`` (the name of a declared
analysis), ``term`` (optional; default: the first row of the analysis' ``to_frame()`` with a
p-value, else the first with an interval, else the first), ``codes`` (a list of codes, or a
mapping of code to its readable label, or one per language; without one the codebook's value
label of the code in the report language, else a label made from the code's name:
:func:`analysis.labels.code_label`),
``direction`` (``higher`` or ``lower``: whether the interviews point to a survey result above
or below its null value), ``null`` (the survey result's null value; default 1 for a ratio, 0
otherwise), ``inference`` (``confirms``, ``expands`` or ``discordant``) and ``quote`` (the
code the quote is chosen from; default: the row's codes in order).

The suggestion rule (used only where a row gives no ``inference``; the display marks the
result "suggestie" so that the researcher confirms it in study.yml):

1. The survey result is *directional* when it is a comparison: its row carries a p-value, or
   the theme declares a ``null``. It points up (down) when its 95% interval lies wholly above
   (below) the null value (without an interval: p < 0.05 and the sign of the difference from
   the null), and shows *no clear effect* otherwise. A result without a p-value or a declared
   null (a share, a mean) states a level, not a direction.
2. No interview of the row's codes: no suggestion (the interviews are silent on the theme).
3. Directional survey result and a declared interview ``direction``: the same direction ->
   **confirms**, the opposite direction -> **discordant**.
4. Otherwise, with the codes present in the interviews -> **expands**: the interviews speak
   where the survey shows no clear effect or states only a level, or they add reasons and
   context that the survey cannot give.

Everything published went through disclosure control: the interview counts through
:func:`analysis.disclosure.suppress_counts` (a count below ``min_count`` is shown as
``<10``, with secondary suppression across each code's groups), the quote through the quote
selection of :mod:`analysis.interviews` (quotes from a small group refused, names and places
replaced, speakers labelled by group). The survey results are the named analyses' own
results, published as they are in their chapters.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, StudyConfigError
from analysis.labels import code_label, code_labels, in_sentence, unique_labels
from analysis.numbers import fmt_number, fmt_pct
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable
    from analysis.plan import AnalysisSpec
    from analysis.study import Study

#: The meta-inferences a row can have.
INFERENCES = ("confirms", "expands", "discordant")
#: What the interviews may say of the survey result, as a sign.
DIRECTIONS = {"higher": 1, "lower": -1}
#: The keys a row of ``themes`` may have.
ROW_KEYS = ("theme", "survey", "term", "codes", "direction", "null", "inference", "quote")
#: Significance level for a directional result that has a p-value but no interval.
ALPHA = 0.05


# -- the suggestion rule ------------------------------------------------------------------------
def survey_direction(
    estimate: float, ci_low: float, ci_high: float, p_value: float, null: float | None
) -> int | None:
    """The direction of a survey result: +1 up, -1 down, 0 no clear effect, None not directional.

    ``null`` None means the result is not a comparison (a level): not directional unless it
    has a p-value, in which case the null is 0.
    """
    has_p = _number(p_value)
    if null is None and not has_p:
        return None
    null = 0.0 if null is None else float(null)
    if _number(ci_low) and _number(ci_high):
        if ci_low > null:
            return 1
        if ci_high < null:
            return -1
        return 0
    if has_p and _number(estimate):
        if p_value < ALPHA and estimate != null:
            return 1 if estimate > null else -1
        return 0
    return 0


def suggest_inference(survey: int | None, interviews: int | None, documents: int) -> str | None:
    """The suggested meta-inference (see the module docstring for the rule).

    Parameters
    ----------
    survey
        :func:`survey_direction` of the survey result.
    interviews
        What the interviews say of it: +1 higher, -1 lower, None not declared.
    documents
        The interviews in which one of the row's codes came up (exact; used only here).

    Returns
    -------
    str or None
        ``confirms``, ``expands``, ``discordant``, or None when the interviews are silent.
    """
    if documents <= 0:
        return None
    if survey in (1, -1) and interviews in (1, -1):
        return "confirms" if survey == interviews else "discordant"
    return "expands"


# -- the rows -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyResult:
    """The survey side of a row: one row of a declared analysis' ``to_frame()``."""

    analysis: str
    title: str
    term: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    n: float
    null: float | None
    finding: str

    @property
    def direction(self) -> int | None:
        return survey_direction(self.estimate, self.ci_low, self.ci_high, self.p_value, self.null)


@dataclass(frozen=True)
class JointRow:
    """One theme of the display.

    ``codes`` are the project's code names, ``labels`` their readable names (the display
    shows only these), ``quote`` a published ``(text, speaker)`` or None, ``documents`` the
    exact number of interviews with one of the codes (for the suggestion rule only; the
    display shows the disclosed counts of :meth:`JointDisplay.table`).
    """

    theme: str
    survey: SurveyResult
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    quote: tuple[str, str] | None
    interview_direction: int | None
    documents: int
    inference: str | None
    suggested: bool


class JointDisplay(Result):
    """The joint display: one row per theme (see the module docstring).

    ``table()`` is the disclosed count of interviews per code and group (with a first row of
    all interviews per group); ``report_blocks`` gives the display as one accessible HTML table
    with the method of the suggestion below it; there is no figure.
    """

    key = "joint_display"

    def __init__(
        self,
        rows: list[JointRow],
        counts: DisclosedTable,
        *,
        all_label: str,
        by_label: str,
        lang: str = "nl",
    ):
        self.rows = rows
        self.counts = counts
        self.all_label = all_label
        self.by_label = by_label
        self.lang = lang

    # -- the contract ---------------------------------------------------------------------
    def title(self, lang: str | None = None) -> str:
        return words(lang or self.lang, "joint")["title"]

    def table(self) -> DisclosedTable:
        return self.counts

    def to_frame(self) -> pd.DataFrame:
        """One row per theme: ``term`` (the theme), the survey result's ``estimate``,
        ``std_error`` (none), ``ci_low``, ``ci_high``, ``p_value`` and ``n``, then ``survey``
        (the analysis), ``survey_term``, ``codes`` (readable, ``; ``-separated),
        ``documents`` (published interviews with the row's most frequent code, a display
        string such as ``"17"`` or ``"<10"``), ``quote``, ``speaker``, ``inference`` and
        ``suggested``."""
        out = []
        for row in self.rows:
            s = row.survey
            _, shown = self._most_frequent(row)
            out.append(
                {
                    "term": row.theme,
                    "estimate": s.estimate,
                    "ci_low": s.ci_low,
                    "ci_high": s.ci_high,
                    "p_value": s.p_value,
                    "n": s.n,
                    "survey": s.analysis,
                    "survey_term": s.term,
                    "codes": "; ".join(row.labels),
                    "documents": shown,
                    "quote": row.quote[0] if row.quote else None,
                    "speaker": row.quote[1] if row.quote else None,
                    "inference": row.inference,
                    "suggested": row.suggested,
                }
            )
        return tidy(out)

    def figure(self, lang: str | None = None) -> go.Figure:
        raise BruggenError(
            "the joint display has no figure", hint="use report_blocks(), table() or to_frame()"
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """One sentence per theme: how the survey and the interviews relate, with their numbers."""
        lang = lang or self.lang
        t = words(lang, "joint")
        out = []
        for row in self.rows:
            label, shown = self._most_frequent(row)
            relation = t[f"relation_{row.inference}"] if row.inference else t["relation_none"]
            if row.suggested and row.inference:
                relation += f" ({t['suggestion']})"
            out.append(
                t["finding"].format(
                    theme=row.theme,
                    relation=relation,
                    result=self._result_text(row.survey, lang),
                    code=label,
                    count=self._count_words(shown, lang),
                    total=self._count_words(self._all_total(), lang),
                )
            )
        return out or [t["none"]]

    def report_blocks(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The display as one block: the table, its footnote, and how a suggestion is made."""
        return [("", self.html(lang))]

    def _repr_html_(self) -> str:
        return self.html()

    # -- the HTML ---------------------------------------------------------------------------
    def html(self, lang: str | None = None) -> str:
        """The display as an HTML table (escaped): one row per theme, headers with scope."""
        from analysis.report.render import quote_html

        lang = lang or self.lang
        t = words(lang, "joint")
        esc = html.escape
        display = self.counts.display(lang)
        groups = [str(c) for c in display.columns[:-1]]
        out = ['<div class="bruggen-table bruggen-joint" data-table="samenhang">', "<table>"]
        out.append(f"<caption>{esc(t['caption'])}</caption>")
        by = in_sentence(self.by_label)
        header = [t["col_theme"], t["col_survey"], t["col_interviews"].format(by=by), t["col_quote"]]
        header.append(t["col_inference"])
        out.append(
            "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in header) + "</tr></thead>"
        )
        out.append("<tbody>")
        for row in self.rows:
            s = row.survey
            survey = (
                f'<p class="stat">{esc(self._result_text(s, lang))}</p>'
                + (f"<p>{esc(s.finding)}</p>" if s.finding else "")
                + f'<p class="bruggen-source">{esc(t["source"].format(analysis=s.title))}</p>'
            )
            items = []
            for label in row.labels:
                cells = display.loc[label] if label in display.index else None
                if cells is None:
                    continue
                parts = [f"{g} {cells[g]}" for g in groups]
                parts.append(f"{t['total']} {cells.iloc[-1]}")
                items.append(f"<li>{esc(label)}: {esc(', '.join(parts))}</li>")
            interviews = f"<ul>{''.join(items)}</ul>"
            quote = quote_html(*row.quote) if row.quote else f"<p>{esc(t['no_quote'])}</p>"
            if row.inference:
                inference = f"<p>{esc(t['label_' + row.inference])}</p>"
                if row.suggested:
                    inference += f'<p class="bruggen-suggestion">({esc(t["suggestion"])})</p>'
            else:
                inference = f"<p>{esc(t['label_none'])}</p>"
            out.append(
                f'<tr><th scope="row">{esc(row.theme)}</th><td>{survey}</td><td>{interviews}</td>'
                f"<td>{quote}</td><td>{inference}</td></tr>"
            )
        out.append("</tbody></table>")
        first = display.iloc[0]
        sizes = ", ".join([f"{g} {first[g]}" for g in groups] + [f"{t['total']} {first.iloc[-1]}"])
        notes = [
            t["counts_note"].format(groups=sizes, by=in_sentence(self.by_label)),
            *self.counts.footnotes(lang),
            t["method"],
        ]
        out.append('<p class="bruggen-footnote">' + "<br>".join(esc(n) for n in notes) + "</p>")
        out.append("</div>")
        return "\n".join(out) + "\n"

    # -- helpers ----------------------------------------------------------------------------
    def _most_frequent(self, row: JointRow) -> tuple[str, str]:
        """The row's code with the most published interviews, and that count as displayed."""
        values, status = self.counts.values, self.counts.status
        display = self.counts.display(self.lang)
        best: tuple[int, int, str] | None = None
        for label in row.labels:
            if label not in values.index:
                continue
            st, v = status.at[label, values.columns[-1]], values.at[label, values.columns[-1]]
            rank = (1, int(v)) if st == "shown" and v is not None else (0, 0)
            if best is None or rank > best[:2]:
                best = (*rank, label)
        if best is None:
            return (row.labels[0] if row.labels else "", "")
        return best[2], str(display.at[best[2], display.columns[-1]])

    def _all_total(self) -> str:
        display = self.counts.display(self.lang)
        return str(display.iat[0, -1])

    def _count_words(self, shown: str, lang: str) -> str:
        t = words(lang, "joint")
        if shown.startswith("<"):
            return t["fewer_than"].format(n=shown[1:])
        if not shown or not shown[0].isdigit():
            return t["hidden"]
        return shown

    def _result_text(self, s: SurveyResult, lang: str) -> str:
        t = words(lang, "joint")
        est = _fmt(s.estimate, lang)
        if _number(s.ci_low) and _number(s.ci_high):
            return t["result_ci"].format(estimate=est, low=_fmt(s.ci_low, lang), high=_fmt(s.ci_high, lang))
        if _number(s.p_value):
            return t["result_p"].format(estimate=est, p=_fmt_p(s.p_value, lang))
        return est


# -- building it ------------------------------------------------------------------------------------
def joint_display(
    codings: pd.DataFrame,
    rows: list[dict[str, Any]],
    policy: Any,
    *,
    by: str,
    by_label: str | None = None,
    quote: Any = None,
    lang: str = "nl",
) -> JointDisplay:
    """Build the joint display from a codings table and survey results.

    Parameters
    ----------
    codings
        The codings table (one row per coded segment: ``document``, ``code`` and the case
        attribute ``by``), without a check coder's codings.
    rows
        One mapping per theme: ``theme`` (label), ``survey`` (a :class:`SurveyResult`),
        ``codes`` (code -> readable label, in order), ``direction`` (+1, -1 or None),
        ``inference`` (given by the researcher, or None to suggest one) and ``quote``
        (``(text, speaker)`` already through the quote selection, or None).
    policy
        The disclosure policy.
    by
        The case attribute whose groups the interview counts are split by.
    by_label
        Its label in headers (default ``by``).
    lang
        Language of labels and sentences.
    """
    import pandas as pd

    from analysis.disclosure import suppress_counts

    t = words(lang, "joint")
    for col in ("document", "code", by):
        if col not in codings.columns:
            raise BruggenError(
                f"the codings table has no column {col!r}",
                hint="read the interviews with analysis.ingest.read (REFI-QDA) and check the case attributes",
            )
    groups = codings[by]
    if isinstance(groups.dtype, pd.CategoricalDtype):
        order = [g for g in groups.cat.categories if (groups == g).any()]
    else:
        order = sorted(groups.dropna().astype(str).unique())
    documents = codings.assign(_group=groups.astype(object).astype(str)).drop_duplicates(["document"])
    per_group = documents.groupby("_group")["document"].nunique()
    labels: dict[str, str] = {}
    for row in rows:
        for code, label in row["codes"].items():
            labels.setdefault(code, label)
    unique = unique_labels(list(labels.values()))
    label_of = dict(zip(labels, unique, strict=True))
    counts = pd.DataFrame(
        0, index=[t["all_interviews"], *unique], columns=[str(g) for g in order], dtype="int64"
    )
    for g in counts.columns:
        counts.at[t["all_interviews"], g] = int(per_group.get(g, 0))
    coded = codings[codings["code"].astype(str).isin(labels)]
    coded = coded.assign(_group=coded[by].astype(object).astype(str))
    for (code, group), n in coded.groupby(["code", "_group"])["document"].nunique().items():
        if group in counts.columns:
            counts.at[label_of[str(code)], group] = int(n)
    counts.index.name, counts.columns.name = t["code"], by_label or by
    table = suppress_counts(counts, policy, name="joint_display", lang=lang, title=t["counts_title"])
    table = _without_total_row(table)

    built = []
    for row in rows:
        codes = tuple(row["codes"])
        n_docs = int(codings.loc[codings["code"].astype(str).isin(codes), "document"].nunique())
        given = row.get("inference")
        inference = given or suggest_inference(row["survey"].direction, row.get("direction"), n_docs)
        built.append(
            JointRow(
                theme=row["theme"],
                survey=row["survey"],
                codes=codes,
                labels=tuple(label_of[c] for c in codes),
                quote=row.get("quote"),
                interview_direction=row.get("direction"),
                documents=n_docs,
                inference=inference,
                suggested=given is None and inference is not None,
            )
        )
    return JointDisplay(built, table, all_label=t["all_interviews"], by_label=by_label or by, lang=lang)


def _without_total_row(table: DisclosedTable) -> DisclosedTable:
    """Drop the column totals: interviews are counted once per code, so a sum over codes
    counts one interview several times and is not published (nor needed for protection)."""
    from analysis.disclosure import SuppressionLog

    total = str(table.values.index[-1])
    log = SuppressionLog(tuple(e for e in table.log if e.row != total))
    return dataclasses.replace(
        table, values=table.values.iloc[:-1], status=table.status.iloc[:-1], log=log, total_row=False
    )


# -- the plan -------------------------------------------------------------------------------------
def check_plan(spec: AnalysisSpec, study: Study, dataset: Any) -> list[str]:
    """The gate's check of a ``joint_display``: every row names a declared analysis and
    codes of the project, and its other keys are valid (problems list the valid names)."""
    codes = _project_codes(dataset)
    return _problems(spec, study.plan, codes)


def _problems(spec: AnalysisSpec, plan: Any, codes: set[str] | None) -> list[str]:
    from analysis.validate.plan_checks import _did_you_mean

    themes = spec.options.get("themes")
    if not themes or not isinstance(themes, list):
        return ["themes: a list of rows is needed, each with theme, survey and codes (see the README)"]
    declared = [n for n, a in plan.analyses.items() if a.kind != "joint_display"]
    out = []
    for i, row in enumerate(themes):
        key = f"themes[{i}]"
        if not isinstance(row, dict):
            out.append(f"{key}: must be a mapping with theme, survey and codes, not {row!r}")
            continue
        unknown = sorted(set(map(str, row)) - set(ROW_KEYS))
        if unknown:
            out.append(f"{key}.{unknown[0]}: is not a key of a row (keys: {', '.join(ROW_KEYS)})")
        theme = row.get("theme")
        if not (isinstance(theme, str) and theme.strip()) and not (
            isinstance(theme, dict) and theme and all(isinstance(v, str) for v in theme.values())
        ):
            out.append(f"{key}.theme: needs a label, or one per language ({{nl: ..., en: ...}})")
        survey = row.get("survey")
        if survey is None:
            out.append(f"{key}.survey: missing: name the analysis that gives the survey result")
        elif str(survey) not in declared:
            out.append(
                f"{key}.survey: {survey!r} is not an analysis the study declares"
                + _did_you_mean(str(survey), declared)
                + f" (declared: {', '.join(declared) or 'none'})"
            )
        row_codes = row.get("codes")
        if isinstance(row_codes, str):
            row_codes = [row_codes]
        if not row_codes or not isinstance(row_codes, (list, dict)):
            out.append(f"{key}.codes: name at least one code of the interviews (a list, or code: label)")
            row_codes = []
        for j, code in enumerate(row_codes):
            if codes is not None and str(code) not in codes:
                out.append(
                    f"{key}.codes[{j}]: {str(code)!r} is not a code of the project"
                    + _did_you_mean(str(code), sorted(codes))
                    + f" (codes: {', '.join(sorted(codes))})"
                )
        if isinstance(row_codes, dict):
            for code, label in row_codes.items():
                if not isinstance(label, (str, dict)):
                    out.append(f"{key}.codes.{code}: the label must be a text or one per language")
        quote = row.get("quote")
        if quote is not None and str(quote) not in map(str, row_codes):
            out.append(f"{key}.quote: {quote!r} is not one of the row's codes")
        direction = row.get("direction")
        if direction is not None and direction not in DIRECTIONS:
            out.append(f"{key}.direction: {direction!r} is not one of {', '.join(DIRECTIONS)}")
        inference = row.get("inference")
        if inference is not None and inference not in INFERENCES:
            out.append(f"{key}.inference: {inference!r} is not one of {', '.join(INFERENCES)}")
        null = row.get("null")
        if null is not None and (isinstance(null, bool) or not isinstance(null, (int, float))):
            out.append(f"{key}.null: must be a number (the survey result's value of no effect), not {null!r}")
    return out


def _project_codes(dataset: Any) -> set[str]:
    frame = dataset.frame
    codes = {str(c) for c in frame["code"].dropna().unique()} if "code" in frame.columns else set()
    tables = getattr(dataset, "tables", None) or {}
    if "codes" in tables and "name" in tables["codes"]:
        codes |= {str(c) for c in tables["codes"]["name"]}
    return codes


def from_plan(r: Run) -> Result:
    """The runner of the ``joint_display`` analysis kind (see :mod:`analysis.analyses`).

    Survey results come from the named analyses as the study runs them (all respondents);
    the interview counts and quotes from this analysis' frame (the first coding only).
    """
    from analysis.disclosure import NameList

    problems = _problems(r.spec, r.plan, _project_codes(r.vs.dataset(r.dataset)))
    if problems:
        raise StudyConfigError(
            f"{r.spec.key}: " + "; ".join(problems),
            path=r.vs.study.source,
            hint="correct the rows of the joint display in study.yml",
        )
    by = r.group()
    names = NameList.from_study(r.vs.study)
    taken = _quoted_elsewhere(r)
    named = code_labels(r.vs.dataset(r.dataset).codebook, r.lang)
    rows = []
    for i, spec in enumerate(r.option("themes")):
        codes = spec["codes"]
        codes = {codes: None} if isinstance(codes, str) else codes
        codes = codes if isinstance(codes, dict) else dict.fromkeys(codes)
        labels = {str(c): _label(lbl, r.lang) or code_label(c, named) for c, lbl in codes.items()}
        order = [str(spec["quote"])] if spec.get("quote") is not None else []
        order += [c for c in labels if c not in order]
        direction = spec.get("direction")
        rows.append(
            {
                "theme": _label(spec["theme"], r.lang),
                "survey": _survey_result(r, spec, i),
                "codes": labels,
                "direction": DIRECTIONS.get(direction) if direction else None,
                "inference": spec.get("inference"),
                "quote": _quote(r, order, by, names, taken),
            }
        )
    return joint_display(r.frame, rows, r.policy, by=by, by_label=r.labels[by], lang=r.lang)


def _survey_result(r: Run, spec: dict[str, Any], i: int) -> SurveyResult:
    """The row's survey result: the named analysis, run as the study runs it."""
    name = str(spec["survey"])
    result = r.vs.analyse(name, lang=r.lang)
    frame = result.to_frame().reset_index(drop=True)
    term = spec.get("term")
    if term is not None:
        hits = frame.index[frame["term"].astype(str) == str(term)]
        if not len(hits) and r.lang != r.vs.language:  # the plan names terms in the study's language
            own = r.vs.analyse(name).to_frame().reset_index(drop=True)
            hits = own.index[own["term"].astype(str) == str(term)]
        if not len(hits):
            raise StudyConfigError(
                f"{r.spec.key}.themes[{i}].term: {term!r} is not a row of {name}",
                path=r.vs.study.source,
                hint=f"terms of {name}: {', '.join(map(str, frame['term']))}",
            )
        position = int(hits[0])
    else:
        with_p = frame.index[frame["p_value"].notna()]
        with_ci = frame.index[frame["ci_low"].notna() & frame["ci_high"].notna()]
        position = int(with_p[0] if len(with_p) else with_ci[0] if len(with_ci) else 0)
    row = frame.iloc[position]
    null = spec.get("null")
    if null is None and _number(row["p_value"]):
        text = " ".join(str(v) for v in row.to_numpy() if isinstance(v, str))
        null = 1.0 if "ratio" in text.casefold() else 0.0
    return SurveyResult(
        analysis=name,
        title=r.vs.plan.analysis(name).options.get("title") or result.title(r.lang),
        term=str(row["term"]),
        estimate=float(row["estimate"]),
        ci_low=float(row["ci_low"]),
        ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]),
        n=float(row["n"]),
        null=None if null is None else float(null),
        finding=_finding_for(result.findings(r.lang), float(row["estimate"]), r.lang),
    )


def _quote(r: Run, codes: list[str], by: str, names: Any, taken: set[str]) -> tuple[str, str] | None:
    """One published quote for the codes (in order of preference) by a speaker not yet quoted
    (``taken``: speaker labels, updated), or None: the one call into the quote selection of
    :mod:`analysis.interviews` (:func:`analysis.interviews.quotes`, which chooses representative
    quotes round robin over the groups, one per speaker)."""
    from analysis.interviews import quotes

    case = r.plan.column("interviews", "case") if r.plan.has("interviews", "case") else "case"
    label = r.plan.resolve("interviews", "respondent_type")
    label = label if label in r.frame.columns and label != by else None
    selected = quotes(
        r.frame,
        codes,
        r.policy,
        names,
        group=by,
        n=r.frame[case].nunique(),
        label=label,
        case=case,
        meta=getattr(r.plan, "meta_codes", None),
        lang=r.lang,
    ).table()
    for text, speaker in zip(selected["text"], selected["speaker"], strict=True):
        if str(speaker) not in taken:
            taken.add(str(speaker))
            return str(text), str(speaker)
    return None


def _quoted_elsewhere(r: Run) -> set[str]:
    """Speakers the study's report already quotes (its quotes and the picked practice box), so
    that the display quotes no one twice: the labels are the same in every analysis."""
    taken: set[str] = set()
    for spec in r.plan.analyses.values():
        if spec.kind not in ("quotes", "case_box") or spec.part != r.part:
            continue
        frame = r.vs.analyse(spec.name, lang=r.lang).to_frame()
        if "picked" in frame.columns:
            frame = frame[frame["picked"].astype(bool)]
        if "speaker" in frame.columns:
            taken |= {str(s) for s in frame["speaker"].dropna()}
    return taken


def _finding_for(findings: list[str], estimate: float, lang: str) -> str:
    """The finding sentence that states the result (the first showing its number), else the first."""
    if not findings:
        return ""
    if _number(estimate):
        shown = [fmt_number(abs(estimate), 2, lang), fmt_number(abs(estimate), 1, lang)]
        if 0 <= estimate <= 1:
            shown.append(fmt_pct(estimate * 100, 0, lang))
        for sentence in findings:
            for number in shown:
                if re.search(r"(?<![\d.,])" + re.escape(number) + r"(?![\d])", sentence):
                    return sentence
    return findings[0]


def _label(value: Any, lang: str) -> str | None:
    if isinstance(value, dict):
        return value.get(lang) or next(iter(value.values()), None)
    return None if value is None else str(value)


def _number(x: Any) -> bool:
    try:
        return x is not None and not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _fmt(x: float, lang: str) -> str:
    s = fmt_number(x, 2, lang)
    return s.replace("-", "\u2212")


def _fmt_p(p: float, lang: str) -> str:
    return "< " + fmt_number(0.001, 3, lang) if p < 0.001 else fmt_number(p, 3, lang)


__all__ = [
    "INFERENCES",
    "JointDisplay",
    "JointRow",
    "SurveyResult",
    "joint_display",
    "suggest_inference",
    "survey_direction",
]
