"""The coded interviews: which themes come up on which side, and quotes that may be published.

Works on the codings table that :func:`analysis.ingest.read` makes of a REFI-QDA project (one
row per coded segment: ``document``, ``code``, ``code_family``, ``text``, ``case`` and the
case's attributes such as the side). Everything that leaves this module went through
disclosure control: the code matrix through :func:`analysis.disclosure.suppress_counts`,
quotes through :func:`analysis.disclosure.select_quotes` (small groups refused, names and
places replaced, speakers labelled consistently).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, StudyConfigError
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import NameList, Policy, QuoteSelection

#: Meta-codes (domain brief section 7): not themes. ``QUOTE`` marks a quotable segment,
#: ``CASEBOX`` a practice example, ``IDENT`` a potentially identifying detail.
META_CODES = ("QUOTE", "CASEBOX", "IDENT")


class Quotes(Result):
    """Publishable quotes: pseudonymised, labelled by group, never from a small group.

    ``table()`` is the published view (``speaker``, ``text``, ``theme``); quotes have no
    figure. ``refused`` (which were refused, and why) is for the researcher only.
    """

    key = "citaten"

    def __init__(self, selection: QuoteSelection, lang: str = "nl"):
        self.selection = selection
        self.lang = lang

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "interviews")["quotes_title"]

    @property
    def refused(self) -> pd.DataFrame:
        return self.selection.refused

    def table(self) -> pd.DataFrame:
        return self.selection.quotes[["speaker", "text", "theme"]].copy()

    def to_frame(self) -> pd.DataFrame:
        """One row per quote: ``term`` (its theme), ``n`` (1), plus ``speaker`` and ``text``."""
        q = self.table()
        return tidy([{"term": r.theme, "n": 1, "speaker": r.speaker, "text": r.text} for r in q.itertuples()])

    def figure(self, lang: str | None = None) -> go.Figure:
        lang = lang or self.lang
        raise BruggenError("quotes have no figure", hint="use table() or html()")

    def findings(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        t = words(lang, "interviews")
        n = len(self.selection.quotes)
        return [t["quotes_found"].format(n=n)] if n else [t["quotes_none"]]

    def html(self) -> str:
        """The quotes as block quotes with their speaker labels (escaped)."""
        from analysis.report.render import quote_html

        return "\n".join(quote_html(q.text, q.speaker) for q in self.selection.quotes.itertuples())

    def report_blocks(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The quotes as one block of block quotes (none when no quote may be published)."""
        return [("", self.html())] if len(self.selection.quotes) else []

    def _repr_html_(self) -> str:
        return self.html()


def select_report_quotes(
    codings: pd.DataFrame,
    policy: Policy,
    names: NameList,
    *,
    themes: Sequence[str],
    group_by: str,
    case: str = "case",
    max_quotes: int = 3,
    lang: str = "nl",
) -> Quotes:
    """Quotes for a report: segments coded QUOTE that overlap one of ``themes``.

    A segment that overlaps an ``IDENT`` coding (a potentially identifying detail) is never
    used. Quotes from a group (``group_by``) with fewer persons than ``policy.min_count`` are
    refused; names and places from the study's list are replaced (``[naam]``, ``[wijk]``,
    ``[plaats]``); every speaker gets one label everywhere ("vrijwilliger 3").

    Parameters
    ----------
    codings
        The codings table of a REFI-QDA project.
    policy
        The study's disclosure policy.
    names
        The study's names list (:meth:`analysis.disclosure.NameList.from_study`).
    themes
        Codes a quote must overlap, in order of preference.
    group_by
        Case attribute that quotes are attributed to.
    case
        The column naming the interviewee (one label per interviewee).
    max_quotes
        At most this many quotes, one per speaker, chosen deterministically (theme order,
        then document and position).
    lang
        Language of the result's title and findings.

    Returns
    -------
    Quotes
        ``table()`` has columns ``speaker``, ``text``, ``theme``; ``refused`` and the
        replacement log (``selection.replacements``) are for the researcher, never for the report.
    """
    import pandas as pd

    from analysis.disclosure import select_quotes

    people = codings.drop_duplicates(case)[[case, group_by]].rename(columns={case: "speaker_id"})
    quotes = codings[codings["code"] == "QUOTE"]
    blocked = codings[codings["code"] == "IDENT"]
    rows: list[dict[str, Any]] = []
    for rank, theme in enumerate(themes):
        coded = codings[codings["code"] == theme]
        for q in quotes.itertuples():
            if _overlaps(q, blocked) or not _overlaps(q, coded):
                continue
            rows.append(
                {
                    "speaker_id": getattr(q, case),
                    "text": q.text,
                    "theme": theme,
                    "rank": rank,
                    "document": q.document,
                    "start": q.start,
                    group_by: getattr(q, group_by),
                }
            )
    candidates = pd.DataFrame(
        rows, columns=["speaker_id", "text", "theme", "rank", "document", "start", group_by]
    )
    candidates = candidates.sort_values(["rank", "document", "start"]).drop_duplicates("speaker_id")
    selection = select_quotes(
        candidates[["speaker_id", "text", "theme", group_by]],
        policy,
        group_by=group_by,
        people=people,
        names=names,
        label_fields=(group_by,),
        on_refuse="drop",
    )
    kept = selection.quotes.head(max_quotes).reset_index(drop=True)
    selection = type(selection)(quotes=kept, refused=selection.refused, replacements=selection.replacements)
    return Quotes(selection, lang=lang)


def _overlaps(segment: Any, others: pd.DataFrame) -> bool:
    same = others[others["document"] == segment.document]
    return bool(((same["start"] < segment.end) & (same["end"] > segment.start)).any())


def quotes_from_plan(r: Run) -> Result:
    """The runner of the ``quotes`` analysis kind (see :mod:`analysis.analyses`)."""
    from analysis.disclosure import NameList

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
