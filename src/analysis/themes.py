"""Code analysis of the coded interviews: which themes come up in which group.

Works on the codings table that :func:`analysis.ingest.read` makes of a REFI-QDA project (one
row per coded segment: ``document``, ``code``, ``code_family``, ``text``, ``case`` and the
case's attributes such as the side). Everything that leaves this module went through
disclosure control (:func:`analysis.disclosure.suppress_counts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, StudyConfigError
from analysis.interviews import META_CODES
from analysis.labels import code_label, code_labels, in_sentence
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy


class CodeMatrix(Result):
    """Coded segments per code (family) and group (see :func:`code_matrix`)."""

    key = "code_matrix"

    def __init__(self, disclosed: DisclosedTable, by: str, level: str, by_label: str | None = None):
        self._table = disclosed
        self.lang = disclosed.lang
        self.by = by
        self.level = level
        self.by_label = by_label or by

    def title(self, lang: str | None = None) -> str:
        return _matrix_title(self.by_label, lang or self.lang)

    def table(self) -> DisclosedTable:
        return self._table

    def to_frame(self) -> pd.DataFrame:
        """Published counts: ``term`` (``code: group``), ``estimate`` (segments), ``n`` (the group's segments)."""
        data = self._table.figure_data()
        totals = self._table.values.iloc[-1]
        rows = [
            {
                "term": f"{r.row}: {r.col}",
                "estimate": r.count,
                "n": totals[r.col],
                "code": r.row,
                "group": r.col,
            }
            for r in data.itertuples()
            if r.status == "shown"
        ]
        return tidy(rows)

    def figure(self, lang: str | None = None) -> go.Figure:
        lang = lang or self.lang
        from analysis.figures import heatmap

        data = self._table.figure_data(lang)
        return heatmap(data, x_title=self.by_label, value_title=words(lang, "interviews")["cells"])

    def findings(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        t = words(lang, "interviews")
        values, status = self._table.values, self._table.status
        shown = [
            (int(values.iloc[i, -1]), str(values.index[i]))
            for i in range(len(values.index) - 1)
            if status.iloc[i, -1] == "shown" and values.iloc[i, -1] is not None
        ]
        if not shown:
            return [t["none"]]
        n, family = max(shown)
        return [t["most"].format(family=family, n=n)]


def code_matrix(
    codings: pd.DataFrame,
    policy: Policy,
    *,
    by: str,
    level: str = "code_family",
    by_label: str | None = None,
    code_labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> CodeMatrix:
    """Count coded segments per code (or code family) and group, through disclosure control.

    Parameters
    ----------
    codings
        The codings table (``Dataset.frame`` of a REFI-QDA project).
    policy
        The study's disclosure policy.
    by
        Case attribute to compare (the side, the respondent type).
    level
        ``code_family`` (the top-level codes) or ``code``.
    by_label
        The attribute's label for headers and titles (default: ``by``).
    code_labels
        Readable names of the codes (code -> label, e.g. :func:`analysis.labels.code_labels`
        of the codebook); a code without one is named by :func:`analysis.labels.code_label`.
    lang
        Label language.

    Returns
    -------
    CodeMatrix
        ``table()`` holds the disclosed counts with margins; meta-codes (QUOTE, CASEBOX, IDENT)
        are left out.

    Notes
    -----
    Cells count coded segments, as the code matrix of ATLAS.ti or MAXQDA does, so the
    margins add up and secondary suppression protects every hidden cell.
    """
    import pandas as pd

    from analysis.disclosure import suppress_counts

    for col in (by, level, "code"):
        if col not in codings.columns:
            raise BruggenError(
                f"the codings table has no column {col!r}",
                hint="read the interviews with analysis.ingest.read (REFI-QDA) and check the case attributes",
            )
    themes = codings[
        ~codings["code"].astype(str).isin(META_CODES) & ~codings[level].astype(str).isin(META_CODES)
    ]
    groups = themes[by]
    if not isinstance(groups.dtype, pd.CategoricalDtype):
        groups = groups.astype(str)
    codes = themes[level].astype(str)
    # readable names, in the order of the codes (A ..., B ...)
    named = {c: code_label(c, code_labels) for c in sorted(codes.unique(), key=_natural)}
    codes = pd.Categorical(codes.map(named), categories=list(dict.fromkeys(named.values())))
    counts = pd.crosstab(codes, groups)
    counts.index.name, counts.columns.name = words(lang, "interviews")["theme"], by_label or by
    table = suppress_counts(counts, policy, name=_matrix_title(by_label or by, lang), lang=lang)
    return CodeMatrix(table, by=by, level=level, by_label=by_label)


def _matrix_title(by_label: str, lang: str) -> str:
    return words(lang, "interviews")["title"].format(by=in_sentence(by_label))


# -- the code analysis: frequencies by group, roll-ups, saturation ------------------------------

#: Columns of :func:`rollup` (named as :func:`analysis.codesystem.code_system` names its counts).
ROLLUP_COLUMNS = (
    "node",
    "name",
    "parent",
    "depth",
    "codings",
    "documents",
    "codings_total",
    "documents_total",
)
#: Columns of :func:`saturation`.
SATURATION_COLUMNS = ("position", "document", "date", "codes", "new_codes", "cumulative")
#: How :func:`saturation` orders the interviews.
ORDERS = ("auto", "date", "name")


def _natural(value: object) -> tuple:
    """Sort key that puts ``A2`` before ``A10`` and ``Interview 2`` before ``Interview 10``."""
    import re

    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", str(value)))


def _without_meta(codings: pd.DataFrame, meta_codes: Sequence[str], level: str | None = None) -> pd.DataFrame:
    """The codings that are themes: no meta-code as the code, its level or its path's top."""
    meta = {str(c) for c in meta_codes}
    if not meta:
        return codings
    keep = ~codings["code"].astype(str).isin(meta) if "code" in codings else None
    for col in (level, "code_family"):
        if col and col in codings:
            part = ~codings[col].astype(str).isin(meta)
            keep = part if keep is None else keep & part
    return codings if keep is None else codings[keep.to_numpy()]


def rollup(
    codings: pd.DataFrame,
    *,
    path: str = "code_path",
    document: str = "document",
    sep: str = "/",
    meta_codes: Sequence[str] = META_CODES,
) -> pd.DataFrame:
    """Codings and documents per code, a parent counting those of all its descendants.

    Parameters
    ----------
    codings
        The codings table (one row per coding) with each code's ``path`` in the code hierarchy
        (``"C RELATIONSHIP/C2 FELT_UNHEARD"``); without a path column every code
        is a top-level code (``code``).
    path, document, sep
        The path column, the document column and the path separator.
    meta_codes
        Markers that are not themes (left out).

    Returns
    -------
    DataFrame
        One row per node of the hierarchy (every prefix of a path), in path order, with
        :data:`ROLLUP_COLUMNS`: ``codings``/``documents`` of the node itself, and
        ``codings_total`` (its codings and those of every descendant, added up) and
        ``documents_total`` (the distinct documents with any of them: a document once).

    Notes
    -----
    This is the roll-up of :func:`analysis.codesystem.code_system` (same counting rules and
    column names) computed from a codings frame, so it works on the frame an analysis runs on
    (the check coder's codings left out) rather than on a project read afresh.
    """
    import pandas as pd

    col = path if path in codings.columns else "code"
    _require(codings, (col, document))
    themes = _without_meta(codings, meta_codes)
    paths = themes[col].astype(str).str.strip(sep)
    docs = themes[document].astype(str)
    rows = []
    for p, d in zip(paths, docs, strict=True):
        parts = p.split(sep)
        for depth in range(1, len(parts) + 1):
            rows.append((sep.join(parts[:depth]), d, depth == len(parts)))
    long = pd.DataFrame(rows, columns=["node", "document", "own"])
    if long.empty:
        return pd.DataFrame(columns=list(ROLLUP_COLUMNS))
    total = long.groupby("node").agg(
        codings_total=("document", "size"), documents_total=("document", "nunique")
    )
    own = (
        long[long["own"]].groupby("node").agg(codings=("document", "size"), documents=("document", "nunique"))
    )
    out = total.join(own).fillna(0).astype(int).reset_index()
    out["name"] = out["node"].str.rsplit(sep, n=1).str[-1]
    out["parent"] = out["node"].map(lambda n: n.rsplit(sep, 1)[0] if sep in n else None)
    out["depth"] = out["node"].str.count(sep) + 1
    order = sorted(out["node"], key=lambda n: tuple(_natural(p) for p in n.split(sep)))
    out = out.set_index("node").loc[order].reset_index()
    return out[list(ROLLUP_COLUMNS)]


def rollup_of_project(
    dataset: Any, codings: pd.DataFrame, *, meta_codes: Sequence[str] = META_CODES
) -> pd.DataFrame:
    """:func:`rollup`'s table from the project's own code system (:func:`analysis.codesystem.code_system`).

    The code system comes from the project (``dataset.tables["codes"]``: codes nobody applied
    are in it with zeros, ATLAS.ti's ``parent::child`` codes are placed under their parent);
    the counts come from ``codings``, the frame the analysis runs on (without a check coder's
    codings and without meta-codes).
    """
    import dataclasses

    import pandas as pd

    from analysis.codesystem import code_system

    meta = {str(c) for c in meta_codes}
    themes = _without_meta(codings, meta_codes)
    project = dataclasses.replace(dataset, tables={**dataset.tables, "codings": themes})
    table = code_system(project).table
    path_of = dict(zip(table["guid"], table["path"], strict=True))
    table = table[~table["path"].map(lambda p: str(p).split("/")[0] in meta)]
    out = pd.DataFrame(
        {
            "node": table["path"].astype(str),
            "name": table["name"].astype(str),
            "parent": table["parent"].map(lambda g: path_of.get(g) if g else None),
            "depth": table["depth"] + 1,
            **{c: table[c] for c in ("codings", "documents", "codings_total", "documents_total")},
        }
    )
    return out[list(ROLLUP_COLUMNS)].reset_index(drop=True)


def saturation(
    codings: pd.DataFrame,
    *,
    level: str = "code",
    document: str = "document",
    order: str = "auto",
    date: str | None = "created",
    meta_codes: Sequence[str] = META_CODES,
) -> pd.DataFrame:
    """New codes per successive interview: the saturation curve.

    Parameters
    ----------
    codings
        The codings table (one row per coding).
    level
        The column whose distinct values count as codes (``code`` or ``code_family``).
    document
        The interview (document) column.
    order
        ``"date"``: by the interview's date (the earliest ``date`` of its codings; documents
        without one last), then by name; ``"name"``: by document name (``Interview 2`` before
        ``Interview 10``); ``"auto"``: by date when the codings carry dates, else by name.
    date
        The column with a date per coding (REFI-QDA ``creationDateTime``), or None.
    meta_codes
        Markers that are not themes.

    Returns
    -------
    DataFrame
        One row per interview in order with :data:`SATURATION_COLUMNS`: ``codes`` (distinct
        codes in it), ``new_codes`` (codes no earlier interview had) and ``cumulative``.
        ``attrs["order"]`` says which order was used (``"date"`` or ``"name"``). An interview
        with only meta-codes is in the curve with no codes.
    """
    import pandas as pd

    if order not in ORDERS:
        raise BruggenError(
            f"order must be one of {', '.join(ORDERS)}, got {order!r}", hint="e.g. order: name"
        )
    _require(codings, (level, document))
    names = codings[document].astype(str)
    dates = pd.Series(pd.NaT, index=codings.index, dtype="datetime64[ns, UTC]")
    if date and date in codings.columns:
        dates = pd.to_datetime(codings[date], utc=True, errors="coerce", format="ISO8601")
    if order == "date" and dates.isna().all():
        raise BruggenError(
            f"the interviews cannot be ordered by date: the codings have no {date!r} dates",
            hint="use order: name, or give the codings' date column",
        )
    used = "date" if order == "date" or (order == "auto" and dates.notna().any()) else "name"
    per_doc = pd.DataFrame({"document": names, "date": dates}).groupby("document", sort=False)["date"].min()
    docs = list(per_doc.index)
    if used == "date":
        docs.sort(key=lambda d: (pd.isna(per_doc[d]), per_doc[d] if pd.notna(per_doc[d]) else 0, _natural(d)))
    else:
        docs.sort(key=_natural)
    themes = _without_meta(codings, meta_codes, level)
    codes_of = (
        themes.assign(_doc=themes[document].astype(str))
        .groupby("_doc")[level]
        .agg(lambda s: set(s.astype(str)))
    )
    seen: set[str] = set()
    rows = []
    for i, d in enumerate(docs, start=1):
        codes = codes_of.get(d, set())
        new = codes - seen
        seen |= codes
        rows.append((i, d, per_doc[d], len(codes), len(new), len(seen)))
    out = pd.DataFrame(rows, columns=list(SATURATION_COLUMNS))
    out.attrs["order"] = used
    return out


def share_difference(x1: int, n1: int, x0: int, n0: int, level: float = 0.95) -> tuple[float, float, float]:
    """``x1/n1 - x0/n0`` with Newcombe's hybrid score interval (his method 10).

    The interval combines the Wilson score intervals of the two shares (Newcombe 1998,
    *Statistics in Medicine* 17:873-890); it keeps its coverage with the small groups and
    shares near 0 or 1 of interview studies, where the Wald interval does not. Computed with
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``;
    tests/reference/themes_newcombe.R checks it against R's Wilson intervals (``prop.test``
    without continuity correction) combined by hand.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff", alpha=1 - level)
    return x1 / n1 - x0 / n0, float(lo), float(hi)


def _require(codings: pd.DataFrame, columns: Sequence[str]) -> None:
    for col in columns:
        if col not in codings.columns:
            raise BruggenError(
                f"the codings table has no column {col!r}",
                hint="read the interviews with analysis.ingest.read (REFI-QDA) and check the case attributes",
            )


class Themes(Result):
    """Code analysis of the interviews: see :func:`interview_themes`."""

    key = "interview_themes"

    def __init__(self, **parts: Any):
        self.__dict__.update(parts)

    # -- Result ---------------------------------------------------------------------------
    def title(self, lang: str | None = None) -> str:
        if not getattr(self, "grouped", True):
            return words(lang or self.lang, "interview_only")["themes_title"]
        return words(lang or self.lang, "themes")["title"].format(by=in_sentence(self.by_label))

    def table(self) -> DisclosedTable:
        """Interviews (documents, that is persons) per code and group, through disclosure control."""
        return self.documents

    def to_frame(self) -> pd.DataFrame:
        """Published shares and differences in the tidy vocabulary.

        ``measure`` is ``"share"`` (``estimate``: the share of the group's interviews with the
        code; ``n``: the group's interviews) or ``"difference"`` (the contrast's second group
        minus its first, with its 95% interval; ``n``: the interviews of both). Extra columns:
        ``code`` (as coded), ``label``, ``group``, ``documents``.
        """
        rows = [
            {
                "term": f"{r.label}: {r.group}",
                "estimate": r.share,
                "n": r.n,
                "measure": "share",
                "code": r.code,
                "label": r.label,
                "group": r.group,
                "documents": r.documents,
            }
            for r in self.shares.itertuples()
            if r.shown
        ]
        if self.differences is not None:
            low, high = self.contrast
            rows += [
                {
                    "term": f"{r.label}: {high} - {low}",
                    "estimate": r.difference,
                    "ci_low": r.ci_low,
                    "ci_high": r.ci_high,
                    "n": r.n,
                    "measure": "difference",
                    "code": r.code,
                    "label": r.label,
                    "group": f"{high} - {low}",
                }
                for r in self.published_differences().itertuples()
            ]
        return tidy(rows)

    def published_differences(self) -> pd.DataFrame:
        """The rows of ``differences`` that may be published: both shares are published.

        A difference of two shares gives away either share when the other and both group
        sizes are published, so a difference is shown only where neither share is hidden.
        ``differences`` itself (every code) is for the researcher, like ``fit``.
        """
        shown = self.shares[self.shares["group"].isin([str(g) for g in self.contrast])]
        ok = shown.groupby("code", sort=False)["shown"].all()
        return self.differences[self.differences["code"].map(ok).fillna(False).astype(bool)]

    def figure(self, lang: str | None = None) -> go.Figure:
        """Heat map of the share of each group's interviews with each code (hidden where not published)."""
        import pandas as pd

        from analysis.figures import heatmap

        lang = lang or self.lang
        t = words(lang, "themes")
        rows = []
        for r in self.shares.itertuples():
            rows.append(
                {
                    "row": r.label,
                    "col": t["group_n"].format(group=r.group, n=r.n),
                    "count": 100 * r.share if r.shown else float("nan"),
                    "label": fmt_pct(100 * r.share, 0, lang) if r.shown else self._hidden_mark(r),
                }
            )
        return heatmap(pd.DataFrame(rows), x_title=self.by_label, value_title=t["share_axis"])

    def findings(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        t = words(lang, "themes")
        most: list[str] = []
        totals = self.documents.values.iloc[:-1, -1]
        status = self.documents.status.iloc[:-1, -1]
        shown = [
            (int(v), str(i))
            for i, v, s in zip(totals.index, totals, status, strict=True)
            if s == "shown" and v
        ]
        if shown:
            n, label = max(shown, key=lambda x: (x[0], _neg(x[1])))
            most.append(t["most"].format(theme=label, n=n, total=self.n_interviews))
        else:
            most.append(t["none"])
        contrasts: list[str] = []
        if self.differences is not None:
            low, high = self.contrast
            clear = self.differences[(self.differences["ci_low"] > 0) | (self.differences["ci_high"] < 0)]
            clear = clear.reindex(clear["difference"].abs().sort_values(ascending=False, kind="stable").index)
            published = set(self.published_differences()["code"])
            for r in clear.head(self.max_findings).itertuples():
                # said as "more in one group than in the other": a positive difference and its interval
                sign = 1 if r.difference > 0 else -1
                more, less = (high, low) if sign > 0 else (low, high)
                ci = sorted((sign * r.ci_low, sign * r.ci_high))
                if r.code not in published:  # a number would give the hidden share away
                    contrasts.append(
                        t["difference_hidden"].format(
                            theme=r.label, more=more, less=less, m=self.policy.min_count
                        )
                    )
                    continue
                contrasts.append(
                    t["difference"].format(
                        theme=r.label,
                        more=more,
                        less=less,
                        diff=fmt_number(abs(100 * r.difference), 0, lang),
                        low=fmt_number(100 * ci[0], 0, lang),
                        high=fmt_number(100 * ci[1], 0, lang),
                    )
                )
            if clear.empty:
                most.append(t["no_difference"].format(a=low, b=high))
        elif self.contrast_skipped:
            most.append(t["contrast_small"].format(m=self.policy.min_count))
        out = contrasts + most  # the contrast, when there is a clear one, is the chapter's key finding
        sat = self.saturation
        if len(sat) and sat["cumulative"].iloc[-1]:
            last = int(sat.loc[sat["new_codes"] > 0, "position"].max()) if (sat["new_codes"] > 0).any() else 0
            total, codes = len(sat), int(sat["cumulative"].iloc[-1])
            if last < total:
                out.append(t["saturated"].format(n=last, total=total, codes=codes))
            else:
                new = int(sat["new_codes"].iloc[-1])
                out.append(t["not_saturated"].format(total=total, new=new, codes=codes))
        if self.merged:
            out.append(t["merged"].format(m=self.policy.min_count, other=self.other_label))
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """Shares (and the contrast), segments by group, the roll-up and the saturation table."""
        lang = lang or self.lang
        t = words(lang, "themes")
        return [
            (t["shares_title"], self._shares_table(lang)),
            (t["segments_title"], self.segments),
            (t["rollup_title"], self._rollup_table(lang)),
            (t["saturation_title"], self._saturation_table(lang)),
        ]

    def more_tables(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The tables of :meth:`extra_tables`; the saturation curve above its table."""
        import re

        from analysis.figures import describe, to_html

        lang = lang or self.lang
        label = words(lang, "themes")["saturation_title"]
        fig = self.saturation_figure(lang)
        div_id = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{self.name}-saturation")
        figure = to_html(fig, div_id=div_id, label=label, description=describe(fig, lang, label))
        return [  # the figure's numbers beside it
            (caption, figure + "\n" + html if caption == label else html)
            for caption, html in super().more_tables(lang)
        ]

    # -- extra views ------------------------------------------------------------------------
    def saturation_figure(self, lang: str | None = None) -> go.Figure:
        """New codes per successive interview (bars) and the cumulative number of codes (line)."""
        import plotly.graph_objects as go

        from analysis.figures import PALETTE, theme

        lang = lang or self.lang
        t = words(lang, "themes")
        sat = self.saturation
        positions = [int(p) for p in sat["position"]]
        fig = go.Figure()
        fig.add_bar(
            x=positions, y=[int(v) for v in sat["new_codes"]], name=t["new_codes"], marker_color=PALETTE[1]
        )
        fig.add_scatter(
            x=positions,
            y=[int(v) for v in sat["cumulative"]],
            name=t["cumulative"],
            mode="lines+markers",
            line_color=PALETTE[0],
        )
        layout = theme()
        layout.update(
            xaxis={**layout["xaxis"], "title": t[f"order_{self.order}"], "dtick": 1},
            yaxis={**layout["yaxis"], "title": t["codes_axis"], "rangemode": "tozero"},
        )
        fig.update_layout(**layout)
        return fig

    def _hidden_mark(self, r: Any) -> str:
        return (
            self.policy.below
            if r.n >= self.policy.min_count and 0 < r.documents < self.policy.min_count
            else "x"
        )

    def _shares_table(self, lang: str) -> DisclosedTable:
        from analysis.disclosure.tables import estimates_table

        t = words(lang, "themes")
        groups = list(dict.fromkeys(self.shares["group"]))
        sizes = dict(zip(self.shares["group"], self.shares["n"], strict=False))
        header = [t["theme"], *(t["group_n"].format(group=g, n=sizes[g]) for g in groups)]
        diffs = {}
        if self.differences is not None:
            low, high = self.contrast
            header += [t["difference_col"].format(a=high, b=low), t["ci_col"]]
            diffs = {r.code: r for r in self.published_differences().itertuples()}
        rows = []
        for code, part in self.shares.groupby("code", sort=False):
            cells = [
                fmt_pct(100 * r.share, 0, lang) if r.shown else self._hidden_mark(r)
                for r in part.itertuples()
            ]
            if self.differences is not None:
                d = diffs.get(code)
                cells += (
                    [
                        fmt_number(100 * d.difference, 0, lang),
                        t["ci"].format(
                            low=fmt_number(100 * d.ci_low, 0, lang), high=fmt_number(100 * d.ci_high, 0, lang)
                        ),
                    ]
                    if d is not None
                    else ["x", "x"]
                )
            rows.append([part["label"].iloc[0], *cells])
        notes = [t["shares_note"].format(m=self.policy.min_count)]
        if self.differences is not None:
            notes.append(t["difference_note"])
        return estimates_table(
            "themes-shares",
            header,
            rows,
            notes,
            stat=True,
            policy=self.policy,
            title=t["shares_title"],
            lang=lang,
        )

    def _rollup_table(self, lang: str) -> DisclosedTable:
        from analysis.disclosure.tables import estimates_table

        t = words(lang, "themes")
        rows = [
            ["\u2003" * (int(r.depth) - 1) + r.label, r.documents_shown, fmt_int(r.codings_total, lang)]
            for r in self.rollup.itertuples()
        ]
        header = [t["code"], t["interviews_col"], t["segments_col"]]
        return estimates_table(
            "themes-rollup",
            header,
            rows,
            [t["rollup_note"].format(m=self.policy.min_count)],
            stat=[False, True],
            policy=self.policy,
            title=t["rollup_title"],
            lang=lang,
        )

    def _saturation_table(self, lang: str) -> DisclosedTable:
        from analysis.disclosure.tables import estimates_table

        t = words(lang, "themes")
        rows = [
            [str(r.position), fmt_int(r.new_codes, lang), fmt_int(r.cumulative, lang)]
            for r in self.saturation.itertuples()
        ]
        header = [t[f"order_{self.order}"], t["new_codes"], t["cumulative"]]
        notes = [t[f"order_note_{self.order}"]]
        title = t["saturation_title"]
        return estimates_table(
            "themes-saturation", header, rows, notes, stat=True, policy=self.policy, title=title, lang=lang
        )


def _neg(label: str) -> tuple:
    return tuple(-ord(ch) for ch in label)


def interview_themes(
    codings: pd.DataFrame,
    policy: Policy,
    *,
    by: str | None,
    level: str = "code",
    document: str = "document",
    path: str = "code_path",
    meta_codes: Sequence[str] = META_CODES,
    code_labels: Mapping[str, str] | None = None,
    by_label: str | None = None,
    contrast: tuple[str, str] | None = None,
    order: str = "auto",
    date: str | None = "created",
    max_findings: int = 3,
    tree: pd.DataFrame | None = None,
    name: str = "themes",
    lang: str = "nl",
) -> Themes:
    """Code frequencies (segments and interviews) overall and by group, roll-ups and saturation.

    Parameters
    ----------
    codings
        The codings table (one row per coding; ``Run.frame`` of the interviews part, so without
        a check coder's codings).
    policy
        The disclosure policy.
    by
        The column that groups the interviews (a case attribute, or one joined from the survey).
        A missing value is its own group ("unknown"). ``None``: no grouping, all interviews
        together (an interview-only study without a side).
    level
        ``code`` or ``code_family``: what counts as a code in the tables and the saturation curve.
    document
        The interview column; an interview is one person, so its counts are protected.
    path
        The column with each code's place in the hierarchy, for :func:`rollup`.
    meta_codes
        Markers (quote, case box, identifying) that are never themes.
    code_labels
        Readable names of codes (code -> label: :func:`analysis.labels.code_labels` of the
        codebook, in the report language); a code without one is named by
        :func:`analysis.labels.code_label`.
    by_label
        The grouping's label in the report language.
    contrast
        Two groups of ``by`` (first, second): each code's share of interviews in the second
        minus the first, with Newcombe's hybrid score 95% interval (:func:`share_difference`).
        Given for the side (formal, informal).
    order, date
        Order of the interviews in the saturation curve (:func:`saturation`).
    max_findings
        At most this many codes whose difference is clear (interval without 0) get a sentence.
    tree
        The roll-up (:data:`ROLLUP_COLUMNS`), e.g. :func:`rollup_of_project`; default
        :func:`rollup` of ``codings``.
    name
        The analysis' name, for the ids of its figures in a report.
    lang
        Language of labels and text.

    Returns
    -------
    Themes
        ``table()``: interviews per code and group through
        :func:`analysis.disclosure.suppress_counts` (a count below ``policy.min_count`` shown as
        "<10", secondary suppression in the margins); ``segments``: the same for coded
        segments; ``shares``, ``differences``, ``rollup``, ``saturation``: the frames behind the
        other tables; ``figure()``: heat map of shares; ``extra_tables()``: shares and the contrast,
        segments, roll-up, saturation.

    Notes
    -----
    Disclosure control: a group with fewer than ``policy.min_count`` interviews is never shown
    alone: such groups are merged into one "other groups" column. A share is published only when
    its group has at least ``policy.min_count`` interviews and its count of interviews is published
    in ``table()`` (so a share never reveals a hidden count); ``policy.min_denominator`` is the
    rule for survey percentages, and is not applied to these shares of interviews. The contrast is
    given only when both of its groups have at least ``policy.min_count`` interviews: it is an
    estimate, like a model's, not a count. In the roll-up a count of interviews below the threshold
    is hidden, and a code that is a row of ``table()`` takes that table's total (and its
    suppression). Segment counts are of text fragments, not persons: the roll-up shows their totals.
    """
    import pandas as pd

    import analysis.analyses as analyses_mod
    from analysis.disclosure import suppress_counts
    from analysis.labels import unique_labels

    grouped = by is not None
    if by is None:  # one group: all interviews
        alone = words(lang, "interview_only")
        by, by_label = analyses_mod.ALL_COLUMN, alone["all_by"]
        codings = codings.assign(
            **{by: pd.Categorical([alone["all_group"]] * len(codings), categories=[alone["all_group"]])}
        )
    _require(codings, (by, level, document))
    t = words(lang, "themes")
    labels = dict(code_labels or {})

    def label(code: str) -> str:
        return code_label(code, labels)

    # the interviews and their groups: a small group is never shown alone
    firsts = codings.drop_duplicates(document)
    raw = firsts[by]
    order_groups = (
        [str(c) for c in raw.cat.categories]
        if isinstance(raw.dtype, pd.CategoricalDtype)
        else sorted({str(v) for v in raw.dropna()}, key=_natural)
    )
    unknown = t["unknown"]
    groups_of = pd.Series(
        [str(v) if pd.notna(v) else unknown for v in raw], index=firsts[document].astype(str).to_numpy()
    )
    sizes = groups_of.value_counts()
    order_groups = [g for g in order_groups if g in sizes.index] + (
        [unknown] if unknown in sizes.index else []
    )
    # all interviews together are one group, never merged into "other groups" (its shares still
    # need min_count interviews)
    small = [g for g in order_groups if sizes[g] < policy.min_count] if grouped else []
    other = t["other_groups"]
    if small:
        groups_of = groups_of.where(~groups_of.isin(small), other)
        order_groups = [g for g in order_groups if g not in small] + [other]
    sizes = groups_of.value_counts().reindex(order_groups)

    themes = _without_meta(codings, meta_codes, level)
    codes = sorted({str(c) for c in themes[level].dropna()}, key=_natural)
    row_labels = unique_labels([label(c) for c in codes])
    code_doc = pd.DataFrame({"code": themes[level].astype(str), "doc": themes[document].astype(str)})
    code_doc["group"] = code_doc["doc"].map(groups_of)

    def counts(frame: pd.DataFrame) -> pd.DataFrame:
        table = pd.crosstab(frame["code"], frame["group"]).reindex(
            index=codes, columns=order_groups, fill_value=0
        )
        table.index = pd.Index(row_labels, name=t["theme"])
        table.columns = pd.Index(order_groups, name=by_label or by)
        return table

    doc_counts = counts(code_doc.drop_duplicates(["code", "doc"]))
    seg_counts = counts(code_doc)
    title = (
        t["title"].format(by=in_sentence(by_label or by))
        if grouped
        else words(lang, "interview_only")["themes_title"]
    )
    documents = suppress_counts(doc_counts, policy, name=t["documents_name"], lang=lang, title=title)
    segments = suppress_counts(seg_counts, policy, name=t["segments_name"], lang=lang)

    share_rows = []
    for i, code in enumerate(codes):
        for j, g in enumerate(order_groups):
            x, n = int(doc_counts.iat[i, j]), int(sizes[g])
            shown = n >= policy.min_count and documents.status.iat[i, j] == "shown"
            share_rows.append(
                {
                    "code": code,
                    "label": row_labels[i],
                    "group": g,
                    "documents": x,
                    "n": n,
                    "share": x / n,
                    "shown": shown,
                }
            )
    shares = pd.DataFrame(share_rows, columns=["code", "label", "group", "documents", "n", "share", "shown"])

    differences, contrast_skipped = None, False
    if contrast is not None:
        first, second = (str(c) for c in contrast)
        if all(g in sizes.index and sizes[g] >= policy.min_count for g in (first, second)):
            diff_rows = []
            for i, code in enumerate(codes):
                x1, x0 = int(doc_counts.at[row_labels[i], second]), int(doc_counts.at[row_labels[i], first])
                n1, n0 = int(sizes[second]), int(sizes[first])
                est, lo, hi = share_difference(x1, n1, x0, n0)
                diff_rows.append(
                    {
                        "code": code,
                        "label": row_labels[i],
                        "difference": est,
                        "ci_low": lo,
                        "ci_high": hi,
                        "n": n1 + n0,
                    }
                )
            differences = pd.DataFrame(
                diff_rows, columns=["code", "label", "difference", "ci_low", "ci_high", "n"]
            )
        else:
            contrast_skipped = True

    tree = (
        rollup(codings, path=path, document=document, meta_codes=meta_codes) if tree is None else tree.copy()
    )
    tree["label"] = tree["name"].map(label)
    main = dict(zip(codes, range(len(codes)), strict=True))
    shown_docs = []
    for r in tree.itertuples():
        i = main.get(r.name)
        if i is not None and r.documents_total == doc_counts.iloc[i].sum():
            value, status = documents.values.iat[i, -1], documents.status.iat[i, -1]
            shown_docs.append(
                fmt_int(value, lang) if status == "shown" else documents.display(lang).iat[i, -1]
            )
        elif 0 < r.documents_total < policy.min_count:
            shown_docs.append(policy.below)
        else:
            shown_docs.append(fmt_int(policy.round(r.documents_total), lang))
    tree["documents_shown"] = shown_docs

    sat = saturation(codings, level=level, document=document, order=order, date=date, meta_codes=meta_codes)
    return Themes(
        lang=lang,
        policy=policy,
        by=by,
        by_label=by_label or by,
        grouped=grouped,
        level=level,
        documents=documents,
        segments=segments,
        shares=shares,
        differences=differences,
        contrast=tuple(str(c) for c in contrast) if contrast is not None else None,
        contrast_skipped=contrast_skipped,
        rollup=tree,
        saturation=sat,
        order=sat.attrs.get("order", "name"),
        n_interviews=len(groups_of),
        merged=tuple(small),
        other_label=other,
        max_findings=max_findings,
        name=name,
    )


def themes_from_plan(r: Run) -> Result:
    """The runner of the ``interview_themes`` analysis kind (see :mod:`analysis.analyses`)."""
    from analysis.interviews import META_CODES as DEFAULT_META

    name, level = r.option("by"), r.option("level")
    frame = r.frame
    plan = r.plan
    by_label: str | None
    if name is None:  # no grouping: all interviews together
        by, by_label = None, None
    elif plan.has("interviews", name) or name in frame.columns or plan.has("municipalities", name):
        by = r.column(name)
        frame = r.frame
        by_label = r.labels[by]
    else:
        frame, by, by_label = _from_survey(r, name)
    contrast = None
    if by is not None and plan.has("interviews", "side") and by == plan.column("interviews", "side"):
        declared = (r.declared("side", "formal"), r.declared("side", "informal"))
        contrast = declared if None not in declared else None
    meta = getattr(plan, "meta_codes", None)
    markers = meta.markers if meta is not None else DEFAULT_META
    labels = code_labels(r.vs.dataset(r.dataset).codebook, r.lang, columns=(level, "code", "code_family"))
    document = "document" if "document" in frame.columns else level
    dataset = r.vs.dataset(r.dataset)
    tree = None
    if "codes" in (dataset.tables or {}) and "code_guid" in frame.columns:
        tree = rollup_of_project(dataset, frame, meta_codes=markers)
    return interview_themes(
        frame,
        r.policy,
        by=by,
        level=level,
        document=document,
        meta_codes=markers,
        code_labels=labels,
        by_label=by_label,
        contrast=contrast,
        order=r.option("order"),
        tree=tree,
        name=r.spec.name,
        lang=r.lang,
    )


def _from_survey(r: Run, name: str) -> tuple[pd.DataFrame, str, str]:
    """Join a survey role (the collaboration form) onto the interviews through ``survey_id``."""
    plan = r.plan
    source = r.vs.study.source
    if not plan.has("survey", name):
        raise StudyConfigError(
            f"{r.spec.key}: by {name!r} is neither a role of plan.interviews, a column of {r.dataset}, "
            "nor a role of plan.survey",
            path=source,
            hint="use a role bound under plan.interviews (side, respondent_type, municipality) or a survey role "
            "(collaboration_form) with plan.interviews.survey_id",
        )
    if not plan.has("interviews", "survey_id"):
        raise StudyConfigError(
            f"{r.spec.key}: by {name!r} is a role of the survey, and the interviews have no link to the survey "
            "(plan.interviews.survey_id)",
            path=source,
            hint="bind the interviews' column with the survey respondent id under plan.interviews.survey_id, "
            "or group by a role of plan.interviews",
        )
    link = plan.column("interviews", "survey_id")
    key = plan.column("survey", "id")
    column = plan.column("survey", name)
    survey_ds = plan.dataset("survey")
    survey = r.vs.part("survey", r.lang)[[key, column]].drop_duplicates(key)
    survey = survey.assign(**{key: survey[key].astype("string")})
    frame = r.frame.assign(_survey_key=r.frame[link].astype("string"))
    by = column if column not in frame.columns else f"{column}_survey"
    joined = frame.merge(
        survey.rename(columns={key: "_survey_key", column: by}),
        on="_survey_key",
        how="left",
        validate="many_to_one",
    ).drop(columns="_survey_key")
    joined.index = r.frame.index
    return joined, by, r.vs.label(survey_ds, column, r.lang)


def check_plan(spec: Any, study: Any, dataset: Any) -> list[str]:
    """The gate's check of an ``interview_themes`` analysis: its order, and the survey link it needs."""
    plan = study.plan
    out = []
    order = spec.options.get("order")
    if order not in ORDERS:
        out.append(f"order: {order!r} is not one of {', '.join(ORDERS)}")
    by = spec.options.get("by")
    if (
        by
        and not plan.has("interviews", by)
        and by not in dataset.frame.columns
        and plan.has("survey", by)
        and not plan.has("interviews", "survey_id")
    ):
        out.append(
            f"by: {by!r} is a role of the survey, and the interviews have no link to it: "
            "bind plan.interviews.survey_id (the interviews' survey respondent id)"
        )
    return out
