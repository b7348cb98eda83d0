"""Quotes and practice examples from the coded interviews that may be published.

Works on the codings table that :func:`analysis.ingest.read` makes of a REFI-QDA project (one
row per coded segment: ``document``, ``code``, ``start``, ``end``, ``text``, ``case`` and the
case's attributes such as the side). The project's meta-codes (:class:`analysis.plan.MetaCodes`:
quotable, practice example, identifying) mark segments and are never themes. :func:`quotes`
picks short, representative quotes on a code; :func:`case_box` lists the practice examples and
shows one as a box. Everything that leaves this module went through
:func:`analysis.disclosure.select_quotes` (small groups refused, names and places replaced,
speakers labelled consistently), and no segment overlapping an identifying one is ever used.
The code matrix is :mod:`analysis.themes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, StudyConfigError
from analysis.labels import code_label, code_labels, in_sentence
from analysis.plan import MetaCodes
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import NameList, Policy, QuoteSelection

#: The codebook's meta-codes (domain brief section 7), not themes: ``QUOTE`` marks a quotable
#: segment, ``CASEBOX`` a practice example, ``IDENT`` a potentially identifying detail. A study
#: names its own under ``plan.interviews.meta_codes`` (:class:`analysis.plan.MetaCodes`).
META_CODES = MetaCodes().markers


class Quotes(Result):
    """Publishable quotes: pseudonymised, labelled by role or group, never from a small group.

    ``table()`` is the published view (``speaker``, ``text``, ``theme``); quotes have no
    figure. ``refused`` (which were refused, and why) and ``selection.replacements`` are for
    the researcher only. ``candidates`` counts the segments the quotes were chosen from.
    """

    key = "quotes"

    def __init__(self, selection: QuoteSelection, lang: str = "nl", candidates: int | None = None):
        self.selection = selection
        self.lang = lang
        self.candidates = len(selection.quotes) if candidates is None else candidates

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


def quotes(
    codings: pd.DataFrame,
    code: str | Sequence[str],
    policy: Policy,
    names: NameList | None = None,
    *,
    group: str,
    n: int = 3,
    label: str | None = None,
    case: str = "case",
    meta: MetaCodes | None = None,
    max_words: int | None = 60,
    code_labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> Quotes:
    """Short, representative quotes on a code, safe to publish.

    Which segments are candidates
        The segments marked with the quote meta-code (``meta.quote``) that overlap a segment
        of ``code``; when the project has no quote marker (no segment carries it, or
        ``meta.quote`` is None), every segment of ``code`` itself. A candidate that overlaps a
        segment marked as identifying (``meta.identifying``) is never used, nor one longer than
        ``max_words`` words, nor one by a person whose group (``group``) has fewer persons than
        ``policy.min_count``.
    Which are representative
        Those of typical length: closest to the median number of words of the candidates
        left. Each speaker gives at most one quote (their most typical one), and quotes are
        taken round robin over the groups (the most typical of each group in turn, groups in
        their order), so that the quotes spread over groups and speakers. Ties go by
        document and position: the choice is the same on every run, whatever the row order.

    Names and places from ``names`` are replaced (``[naam]``, ``[wijk]``, ``[plaats]``); every
    speaker gets one label everywhere: the value of ``label`` (the role, "vrijwilliger 3")
    when that role has at least ``policy.min_count`` persons within the speaker's group,
    otherwise the group's value ("kant B 3").

    Parameters
    ----------
    codings
        The codings table of a REFI-QDA project (``document``, ``start``, ``end``, ``text``,
        ``code``, the case column and its attributes).
    code
        The code a quote is about, or several (a quote overlapping the first counts for it).
    policy
        The study's disclosure policy.
    names
        The study's names list (:meth:`analysis.disclosure.NameList.from_study`).
    group
        Case attribute that quotes are attributed to (the side).
    n
        At most this many quotes.
    label
        Case attribute that labels a speaker (the respondent type); default: ``group``.
    case
        The column naming the interviewee (one label per interviewee).
    meta
        The project's meta-codes (:class:`analysis.plan.MetaCodes`; default the codebook's).
    max_words
        Longest quote in words (None: no maximum).
    code_labels
        Readable names of codes (code -> label: :func:`analysis.labels.code_labels` of the
        codebook, in the report language); a quote's theme is its code's name by
        :func:`analysis.labels.code_label`.
    lang
        Language of the result's title and findings.

    Returns
    -------
    Quotes
        ``table()`` has columns ``speaker``, ``text``, ``theme`` (the code's readable name);
        ``selection.quotes`` also has the ``code``, the ``group`` and the ``words``.
    """
    import pandas as pd

    from analysis.disclosure import select_quotes

    meta = meta or MetaCodes()
    themes = [code] if isinstance(code, str) else list(code)
    _require(codings, ["document", "start", "end", "text", "code", case, group, *([label] if label else [])])
    codes = codings["code"].astype(str)
    theme_rows = codings[codes.isin(themes)]
    marked = meta.quote is not None and bool((codes == meta.quote).any())
    blocked = _Spans(codings[codes == meta.identifying] if meta.identifying else codings.iloc[:0])
    coded = {t: _Spans(theme_rows[theme_rows["code"].astype(str) == t]) for t in themes} if marked else {}
    rows = []
    for seg in (codings[codes == meta.quote] if marked else theme_rows).itertuples():
        hit = [t for t in themes if coded[t].overlap(seg)] if marked else [str(seg.code)]
        if not hit or blocked.overlap(seg):
            continue
        size = len(str(seg.text).split())
        if max_words is not None and size > max_words:
            continue
        rows.append(
            {
                "speaker_id": str(getattr(seg, case)),
                "text": str(seg.text),
                "theme": code_label(hit[0], code_labels),
                "code": hit[0],
                "rank": themes.index(hit[0]),
                "document": str(seg.document),
                "start": int(seg.start),
                "end": int(seg.end),
                "words": size,
            }
        )
    columns = ["speaker_id", "text", "theme", "code", "rank", "document", "start", "end", "words"]
    candidates = pd.DataFrame(rows, columns=columns)
    candidates = candidates.sort_values(["rank", "document", "start", "end"]).drop_duplicates(
        ["document", "start", "end"]
    )
    people, groups = _people(codings, policy, case=case, group=group, label=label)
    candidates["group"] = candidates["speaker_id"].map(people.set_index("speaker_id")["group"])
    candidates = candidates[candidates["group"].notna()]  # a person without a group is quoted nowhere
    selection = select_quotes(
        candidates.assign(who=candidates["speaker_id"]),
        policy,
        group_by="group",
        people=people,
        names=names,
        label_fields=("label",),
        on_refuse="drop",
    )
    kept = selection.quotes
    if len(kept):
        median = float(kept["words"].median())
        kept = kept.assign(distance=(kept["words"] - median).abs())
        kept = kept.sort_values(["distance", "rank", "document", "start", "end"], kind="stable")
        kept = kept.drop_duplicates("who")  # one per speaker: their most typical quote
    queues = [kept[kept["group"] == g] for g in groups]
    chosen = []
    depth = 0
    while len(chosen) < n and any(depth < len(q) for q in queues):
        chosen += [q.iloc[depth] for q in queues if depth < len(q)][: n - len(chosen)]
        depth += 1
    published = pd.DataFrame(chosen, columns=kept.columns)[
        ["speaker", "text", "theme", "code", "group", "words"]
    ]
    selection = type(selection)(
        quotes=published.reset_index(drop=True),
        refused=selection.refused.drop_duplicates("speaker_id").reset_index(drop=True),
        replacements=selection.replacements,
    )
    return Quotes(selection, lang=lang, candidates=len(candidates))


def _require(codings: pd.DataFrame, columns: Sequence[str]) -> None:
    for col in dict.fromkeys(columns):
        if col not in codings.columns:
            raise BruggenError(
                f"the codings table has no column {col!r}",
                hint="read the interviews with analysis.ingest.read (REFI-QDA) and check the case attributes",
            )


def _people(
    codings: pd.DataFrame, policy: Policy, *, case: str, group: str, label: str | None
) -> tuple[pd.DataFrame, list[str]]:
    """One row per person (``speaker_id``, ``group``, ``label``) and the groups in their order.

    A person is labelled by ``label`` only when the persons of their group with that label are
    at least ``policy.min_count``; otherwise by the group, so that a label never names a group
    smaller than the threshold.
    """
    import pandas as pd

    persons = codings.drop_duplicates(case)
    values = persons[group]
    if isinstance(values.dtype, pd.CategoricalDtype):
        groups = [str(g) for g in values.cat.categories if (values == g).any()]
    else:
        groups = sorted(values.dropna().astype(str).unique())
    people = pd.DataFrame({"speaker_id": persons[case].astype(str), "group": values.astype(str)})
    people = people[values.notna().to_numpy()]
    people["label"] = people["group"]
    if label and label != group:
        role = persons[label].astype("string").to_numpy()[values.notna().to_numpy()]
        people["role"] = role
        sizes = people.groupby(["group", "role"], dropna=True)["speaker_id"].transform("size")
        large = people["role"].notna() & (sizes >= policy.min_count)
        people.loc[large, "label"] = people.loc[large, "role"]
        people = people.drop(columns="role")
    return people.reset_index(drop=True), groups


class _Spans:
    """The character spans of some codings, by document, for overlap tests of many segments."""

    def __init__(self, codings: pd.DataFrame):
        self._by_doc = {
            doc: (part["start"].to_numpy(dtype=float, na_value=float("nan")),
                  part["end"].to_numpy(dtype=float, na_value=float("nan")))
            for doc, part in codings.groupby(codings["document"].astype(str), sort=False)
        }  # fmt: skip

    def overlap(self, segment: Any) -> bool:
        """Whether any span of the segment's document overlaps the segment's span."""
        spans = self._by_doc.get(str(segment.document))
        if spans is None:
            return False
        starts, ends = spans
        return bool(((starts < segment.end) & (ends > segment.start)).any())


class CaseBox(Result):
    """Candidates for a practice example (case box) and the one the report shows.

    ``table()`` lists every publishable candidate (``position``, ``guid``, ``title``,
    ``speaker``, ``text``); the researcher picks one with the option ``pick`` (a position from
    1 or a segment's guid), by default the first. ``report_blocks`` give the picked one as an
    ``<aside>`` box: a short title from its codes, the pseudonymised text, the speaker's label.
    """

    key = "case_box"

    def __init__(self, candidates: pd.DataFrame, picked: int | None, refused: pd.DataFrame, lang: str = "nl"):
        self.candidates = candidates
        self.picked = picked
        self.refused = refused
        self.lang = lang

    def title(self, lang: str | None = None) -> str:
        return words(lang or self.lang, "interviews")["case_box_title"]

    def table(self) -> pd.DataFrame:
        return self.candidates[["position", "guid", "title", "speaker", "text"]].copy()

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate: ``term`` (its title), ``n`` (1), ``speaker``, ``text``, ``picked``."""
        return tidy(
            [
                {"term": r.title, "n": 1, "speaker": r.speaker, "text": r.text, "picked": i == self.picked}
                for i, r in enumerate(self.candidates.itertuples())
            ]
        )

    def figure(self, lang: str | None = None) -> go.Figure:
        raise BruggenError("a practice example has no figure", hint="use table() or html()")

    def findings(self, lang: str | None = None) -> list[str]:
        t = words(lang or self.lang, "interviews")
        if self.picked is None:
            return [t["case_box_none"]]
        return [t["case_box_found"].format(n=len(self.candidates), shown=self.picked + 1)]

    def html(self) -> str:
        """The picked candidate as an ``<aside>`` practice box (escaped); empty when there is none.

        The box holds its title (when its codes give one) and the text as a block quote with the
        speaker's label, as every published quote.
        """
        from markupsafe import escape

        from analysis.report.render import quote_html

        if self.picked is None:
            return ""
        box = self.candidates.iloc[self.picked]
        title = f"<h3>{escape(box['title'])}</h3>" if box["title"] else ""
        return f'<aside class="case-box">{title}{quote_html(box["text"], box["speaker"])}</aside>'

    def report_blocks(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The picked practice box as one block (none when no candidate may be published)."""
        return [("", self.html())] if self.picked is not None else []

    def _repr_html_(self) -> str:
        return self.html() or self.table().to_html(index=False)


def case_box(
    codings: pd.DataFrame,
    policy: Policy,
    names: NameList | None = None,
    *,
    group: str,
    label: str | None = None,
    case: str = "case",
    meta: MetaCodes | None = None,
    pick: int | str | None = None,
    max_words: int | None = None,
    code_labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> CaseBox:
    """Practice examples marked with the case-box meta-code, with the protections of :func:`quotes`.

    Candidates are the segments marked ``meta.case_box``, in document order; left out are
    those that overlap a segment marked as identifying, those longer than ``max_words``
    words and those by a person of a group (``group``) smaller than ``policy.min_count``.
    Names and places are replaced; the speaker is labelled as in :func:`quotes`. A
    candidate's title is made of the codes (not meta-codes) that overlap it most, at most
    two, each by its readable name (:func:`analysis.labels.code_label` with ``code_labels``:
    "G3 GOED_VOORBEELD" without a label reads "Goed voorbeeld").

    Parameters
    ----------
    pick
        Which candidate the report shows: its position (1 is the first) or its segment's guid
        (``selection_guid``); default the first.

    Other parameters are those of :func:`quotes`.
    """
    import pandas as pd

    from analysis.disclosure import select_quotes

    meta = meta or MetaCodes()
    _require(codings, ["document", "start", "end", "text", "code", case, group, *([label] if label else [])])
    codes = codings["code"].astype(str)
    blocked = _Spans(codings[codes == meta.identifying] if meta.identifying else codings.iloc[:0])
    themes = codings[~codes.isin(meta.markers)]
    rows = []
    marked = codings[codes == meta.case_box] if meta.case_box else codings.iloc[:0]
    for seg in marked.itertuples():
        if blocked.overlap(seg) or (max_words is not None and len(str(seg.text).split()) > max_words):
            continue
        guid = getattr(seg, "selection_guid", None)
        rows.append(
            {
                "speaker_id": str(getattr(seg, case)),
                "text": str(seg.text),
                "title": _box_title(seg, themes, code_labels),
                "guid": str(guid)
                if isinstance(guid, str) and guid
                else f"{seg.document}:{seg.start}-{seg.end}",
                "document": str(seg.document),
                "start": int(seg.start),
                "end": int(seg.end),
            }
        )
    columns = ["speaker_id", "text", "title", "guid", "document", "start", "end"]
    candidates = pd.DataFrame(rows, columns=columns).sort_values(["document", "start", "end"])
    candidates = candidates.drop_duplicates(["document", "start", "end"])
    people, _ = _people(codings, policy, case=case, group=group, label=label)
    candidates["group"] = candidates["speaker_id"].map(people.set_index("speaker_id")["group"])
    candidates = candidates[candidates["group"].notna()]  # a person without a group is quoted nowhere
    selection = select_quotes(
        candidates,
        policy,
        group_by="group",
        people=people,
        names=names,
        label_fields=("label",),
        on_refuse="drop",
    )
    kept = selection.quotes.reset_index(drop=True)
    kept.insert(0, "position", range(1, len(kept) + 1))
    picked = None
    if len(kept):
        picked = 0
        if pick is not None:
            hits = kept.index[(kept["guid"] == str(pick)) | (kept["position"].astype(str) == str(pick))]
            if not len(hits):
                raise BruggenError(
                    f"pick: {pick!r} is neither the position nor the guid of a practice example",
                    hint=f"positions 1 to {len(kept)}; guids: {', '.join(kept['guid'])}",
                )
            picked = int(hits[0])
    return CaseBox(kept, picked, selection.refused, lang=lang)


def _box_title(segment: Any, themes: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """The codes overlapping a segment most (at most two), by their readable names
    (:func:`analysis.labels.code_label`): "Goed voorbeeld; vertrouwen"."""
    same = themes[themes["document"].astype(str) == str(segment.document)]
    overlap = (same["end"].clip(upper=segment.end) - same["start"].clip(lower=segment.start)).rename(
        "overlap"
    )
    hits = same.assign(overlap=overlap)[overlap > 0]
    ranked = hits.groupby(hits["code"].astype(str))["overlap"].sum().reset_index()
    ranked = ranked.sort_values(["overlap", "code"], ascending=[False, True]).head(2)
    names = [code_label(c, labels) for c in ranked["code"]]
    return "; ".join(names[:1] + [in_sentence(n) for n in names[1:]])


def _meta(r: Run) -> MetaCodes:
    return r.plan.meta_codes


def _code_labels(r: Run) -> dict[str, str]:
    """The codebook's names of the codes in the report language."""
    return code_labels(r.vs.dataset(r.dataset).codebook, r.lang)


def _label(r: Run, group: str) -> str | None:
    """The column that labels speakers: the option ``label`` (a role or a column), if the data have it."""
    name = r.option("label")
    if not name:
        return None
    if "label" not in r.spec.given and r.plan.resolve(r.part, name) not in r.frame.columns:
        return None  # the default role, which this plan does not bind: label by the group
    column = r.column(name)
    return None if column == group else column


def _case(r: Run) -> str:
    """The column naming the person of a segment: the plan's case, else ``case``; a project that
    assigns no cases at all (every value missing) counts each interview (document) as a person."""
    column = r.plan.column("interviews", "case") if r.plan.has("interviews", "case") else "case"
    if column not in r.frame.columns or r.frame[column].isna().all():
        return "document"
    return column


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
    by = r.group()
    return quotes(
        r.frame,
        [themes] if isinstance(themes, str) else list(themes),
        r.policy,
        NameList.from_study(r.vs.study),
        group=by,
        n=int(r.option("n")),
        label=_label(r, by),
        case=_case(r),
        meta=_meta(r),
        max_words=r.option("max_words"),
        code_labels=_code_labels(r),
        lang=r.lang,
    )


def case_box_from_plan(r: Run) -> Result:
    """The runner of the ``case_box`` analysis kind (see :mod:`analysis.analyses`)."""
    from analysis.disclosure import NameList

    by = r.group()
    return case_box(
        r.frame,
        r.policy,
        NameList.from_study(r.vs.study),
        group=by,
        label=_label(r, by),
        case=_case(r),
        meta=_meta(r),
        pick=r.option("pick"),
        max_words=r.option("max_words"),
        code_labels=_code_labels(r),
        lang=r.lang,
    )


def check_plan(spec: Any, study: Any, dataset: Any) -> list[str]:
    """The gate's check of a ``quotes`` or ``case_box`` analysis: a label that exists, whole
    numbers where numbers are asked, a ``pick`` that is a position or a guid."""
    from analysis.validate.plan_checks import _did_you_mean

    out = []
    label = spec.options.get("label")
    if label and "label" in spec.given:
        column = study.plan.resolve(spec.part, str(label))
        if column not in dataset.frame.columns:
            out.append(
                f"label: {label!r} is neither a role of plan.{spec.part} nor a variable of {dataset.name}"
                + _did_you_mean(str(label), list(dataset.frame.columns))
            )
    for option, smallest in (("n", 1), ("max_words", 1)):
        if option not in spec.options:
            continue
        value = spec.options[option]
        if value is None and option == "max_words":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
            out.append(f"{option}: must be a whole number of at least {smallest}, not {value!r}")
    pick = spec.options.get("pick")
    if pick is not None and (isinstance(pick, bool) or not isinstance(pick, (int, str)) or pick == 0):
        out.append(f"pick: must be a position (1 is the first) or a segment's guid, not {pick!r}")
    return out
