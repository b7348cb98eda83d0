"""Published tables: counts, percentages and group means that passed disclosure control.

Every function here returns a :class:`DisclosedTable`. It holds only what may be
published (hidden cells are ``None``) plus how to show it; the true counts of hidden
cells are not kept on it. Build tables, figures and spreadsheets from it, never from
the raw counts.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from analysis.disclosure._text import check_lang, fmt_float, text
from analysis.disclosure.log import SuppressionEntry, SuppressionLog
from analysis.disclosure.policy import Policy
from analysis.disclosure.suppression import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    one_way_lines,
    suppress,
    two_way_lines,
)
from analysis.errors import DisclosureError
from analysis.labels import unique_labels
from analysis.numbers import fmt_int, fmt_pct

Status = Literal["shown", "primary", "secondary", "derived"]
PercentBase = Literal["row", "col", "total"]
_STATUS = {SHOWN: "shown", PRIMARY: "primary", SECONDARY: "secondary"}


@dataclass(frozen=True, eq=False)
class DisclosedTable:
    """A table that passed disclosure control: the only thing to publish from.

    Attributes
    ----------
    name
        Short name (used in the suppression log and as the spreadsheet sheet name).
    kind
        ``"crosstab"``, ``"frequency"`` or ``"means"``.
    values
        Published numbers (object dtype): an ``int`` (counts, rounded if the policy
        rounds) or ``float`` (means) where shown, ``None`` where hidden. The last
        row (and for a crosstab the last column) is the total, labelled in the
        table's language (``"Totaal"``); labels are strings.
    status
        Same shape: ``"shown"``, ``"primary"`` or ``"secondary"``.
    percent
        Published percentages (``float`` or ``None``), or ``None`` if the table has
        no percentages.
    percent_status
        Same shape as ``percent``: ``"shown"``, ``"hidden"`` (numerator or
        denominator hidden) or ``"small_n"`` (denominator below ``min_denominator``).
    policy, log
        The policy applied and the suppressions it caused.
    """

    name: str
    kind: Literal["crosstab", "frequency", "means", "estimates"]
    values: pd.DataFrame
    status: pd.DataFrame
    policy: Policy
    log: SuppressionLog
    percent: pd.DataFrame | None = None
    percent_status: pd.DataFrame | None = None
    percent_base: PercentBase | None = None
    lang: str = "nl"
    decimals: int = 0
    title: str = ""
    row_var: str = ""
    col_var: str = ""
    total_row: bool = True
    total_col: bool = False
    notes: tuple[str, ...] = field(default=())

    # -- reading ----------------------------------------------------------------------
    @property
    def n_hidden(self) -> int:
        """Number of hidden cells (primary and secondary)."""
        return int((self.status != "shown").to_numpy().sum())

    def display(self, lang: str | None = None) -> pd.DataFrame:
        """The cells as display strings (``"<10"``, ``"x"``, ``"1.234"``), labels localised."""
        lang = check_lang(lang or self.lang)
        t = text(lang)
        values = self.values.to_numpy(dtype=object)
        status = self.status.to_numpy(dtype=object)
        cells = np.empty(values.shape, dtype=object)  # cell by cell on arrays: tables of 300 x 300 codes
        for j, col in enumerate(self.values.columns):
            is_mean = self.kind == "means" and col == "mean"
            for i in range(values.shape[0]):
                st, val = status[i, j], values[i, j]
                if st == "shown":
                    if val is None:
                        cells[i, j] = t["empty"]
                    elif is_mean:
                        cells[i, j] = fmt_float(val, self.decimals, lang)
                    else:
                        cells[i, j] = fmt_int(val, lang)
                elif st == "primary" and not is_mean:
                    cells[i, j] = self.policy.below
                else:
                    cells[i, j] = t["hidden"]
        out = pd.DataFrame(cells, index=self.values.index, columns=self.values.columns, dtype=object)
        return self._localise(out, lang)

    def percent_display(self, lang: str | None = None) -> pd.DataFrame | None:
        """Percentages as display strings (``"34%"``, ``"x"``, ``"n te klein"``)."""
        if self.percent is None or self.percent_status is None:
            return None
        lang = check_lang(lang or self.lang)
        t = text(lang)
        out = pd.DataFrame(index=self.percent.index, columns=self.percent.columns, dtype=object)
        for col in self.percent.columns:
            for row in self.percent.index:
                st = self.percent_status.at[row, col]
                if st == "shown":
                    out.at[row, col] = fmt_pct(self.percent.at[row, col], self.decimals, lang)
                elif st == "small_n":
                    out.at[row, col] = t["small_n"]
                else:
                    out.at[row, col] = t["hidden"]
        return self._localise(out, lang)

    def to_frame(
        self, display: bool = True, *, what: Literal["counts", "percent"] = "counts", lang: str | None = None
    ) -> pd.DataFrame:
        """The published table as a DataFrame.

        Parameters
        ----------
        display
            ``True``: display strings. ``False``: numbers, with ``None`` for hidden cells.
        what
            ``"counts"`` (or means) or ``"percent"``.
        lang
            ``"nl"`` or ``"en"``; default the table's language.
        """
        lang = check_lang(lang or self.lang)
        if what == "percent":
            if self.percent is None:
                raise DisclosureError(
                    f"table {self.name!r} has no percentages", hint="pass percent=... when building it"
                )
            return self.percent_display(lang) if display else self._localise(self.percent.copy(), lang)
        return self.display(lang) if display else self._localise(self.values.copy(), lang)

    def figure_data(self, lang: str | None = None) -> pd.DataFrame:
        """Long data for a chart: interior cells only (no totals), hidden values as NaN.

        Returns
        -------
        DataFrame
            Columns ``row, col, count, percent, label, status`` for a crosstab
            (``col`` is absent for frequency and means tables; ``count`` is ``mean``
            for means). ``label`` is the display string, for hover text.
        """
        lang = check_lang(lang or self.lang)
        shown = self.display(lang)
        pct = self.percent
        rows = list(self.values.index[:-1]) if self.total_row else list(self.values.index)
        cols = list(self.values.columns[:-1]) if self.total_col else list(self.values.columns)
        recs = []
        for i, row in enumerate(rows):
            if self.kind == "crosstab":
                for j, col in enumerate(cols):
                    val = self.values.at[row, col]
                    p = None if pct is None else pct.at[row, col]
                    recs.append(
                        {
                            "row": row,
                            "col": col,
                            "count": np.nan if val is None else float(val),
                            "percent": np.nan if p is None else float(p),
                            "label": shown.iat[i, j],
                            "status": self.status.at[row, col],
                        }
                    )
            elif self.kind == "frequency":
                val = self.values.at[row, "n"]
                p = None if pct is None else pct.at[row, "n"]
                recs.append(
                    {
                        "row": row,
                        "count": np.nan if val is None else float(val),
                        "percent": np.nan if p is None else float(p),
                        "label": shown.iat[i, 0],
                        "status": self.status.at[row, "n"],
                    }
                )
            else:
                val = self.values.at[row, "mean"]
                recs.append(
                    {
                        "row": row,
                        "mean": np.nan if val is None else float(val),
                        "label": shown.iat[i, 1],
                        "status": self.status.at[row, "mean"],
                    }
                )
        return pd.DataFrame(recs)

    def footnotes(self, lang: str | None = None) -> list[str]:
        """The footnote lines this table needs (only for markers that occur in it)."""
        lang = check_lang(lang or self.lang)
        t = text(lang)
        p = self.policy
        notes = []
        statuses = set(self.status.to_numpy().ravel())
        if self.kind == "means":
            mean_hidden = (self.status["mean"] != "shown").any()
            n_primary = (self.status["n"] == "primary").any()
            n_secondary = (self.status["n"] == "secondary").any()
            if n_primary:
                notes.append(t["fn_below"].format(below=p.below, m=p.min_count))
            if n_secondary:
                notes.append(t["fn_hidden"])
            if mean_hidden:
                notes.append(t["fn_hidden_mean"].format(m=p.min_count))
        else:
            if "primary" in statuses:
                notes.append(t["fn_below"].format(below=p.below, m=p.min_count))
            pct_hidden = (
                self.percent_status is not None and (self.percent_status == "hidden").to_numpy().any()
            )
            if "secondary" in statuses or pct_hidden:
                notes.append(t["fn_hidden"])
        if self.percent_status is not None:
            if (self.percent_status == "small_n").to_numpy().any():
                notes.append(t["fn_small_n"].format(d=p.min_denominator))
            if self.percent_base:
                notes.append(t[f"fn_pct_{self.percent_base}"])
        if "rounded" in self.notes:
            notes.append(t["fn_rounded"].format(r=p.round_to))
        return notes

    def to_html(self, lang: str | None = None) -> str:
        """A plain HTML table with a footnote on suppression (deterministic output).

        Crosstabs with percentages show ``count (percent)`` in each cell; frequency
        tables show ``n`` and ``%`` columns; means tables ``n`` and the mean.
        """
        lang = check_lang(lang or self.lang)
        t = text(lang)
        counts = self.display(lang)
        pct = self.percent_display(lang)
        esc = html.escape
        if self.kind == "frequency":
            header = [t["n"]] + ([t["percent"]] if pct is not None else [])
        else:
            header = [str(c) for c in counts.columns]
        corner = self.row_var if self.kind != "crosstab" else f"{self.row_var} \\ {self.col_var}".strip(" \\")
        out = [f'<div class="bruggen-table" data-table="{esc(self.name)}">', "<table>"]
        if self.title:
            out.append(f"<caption>{esc(self.title)}</caption>")
        out.append("<thead><tr>" + f'<th scope="col">{esc(corner)}</th>')
        out[-1] += "".join(f'<th scope="col">{esc(h)}</th>' for h in header) + "</tr></thead>"
        out.append("<tbody>")
        n_rows = len(counts.index)
        for i, label in enumerate(counts.index):
            cls = ' class="total"' if self.total_row and i == n_rows - 1 else ""
            cells = []
            if self.kind == "frequency":
                cells.append(counts.iat[i, 0])
                if pct is not None:
                    cells.append(pct.iat[i, 0])
            elif self.kind == "crosstab" and pct is not None:
                cells = [
                    counts.iat[i, j] if st != "shown" else f"{counts.iat[i, j]} ({pct.iat[i, j]})"
                    for j, st in enumerate(self.status.iloc[i])
                ]
            else:
                cells = list(counts.iloc[i])
            stat = [str(c) in self.stat_columns for c in self.values.columns]
            out.append(row_html(label, cells, stat, cls))
        out.append("</tbody></table>")
        notes = self.footnotes(lang)
        if notes:
            out.append('<p class="bruggen-footnote">' + "<br>".join(esc(n) for n in notes) + "</p>")
        out.append("</div>")
        return "\n".join(out) + "\n"

    def _repr_html_(self) -> str:
        return self.to_html()

    @property
    def stat_columns(self) -> tuple[str, ...]:
        """Columns that hold statistics rather than counts of respondents (a means table's
        means); the HTML marks their cells ``class="stat"``."""
        return ("mean",) if self.kind == "means" else ()

    def _localise(self, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
        t = text(lang)
        index = list(frame.index)
        columns = list(frame.columns)
        if self.total_row:
            index[-1] = t["total"]
        if self.total_col:
            columns[-1] = t["total"]
        if self.kind == "means":
            columns = [t["mean"] if c == "mean" else t["n"] for c in columns]
        if self.kind == "frequency":
            columns = [t["n"]]
        frame = frame.copy()
        frame.index = pd.Index(index, name=self.row_var or None)
        frame.columns = pd.Index(columns, name=self.col_var or None)
        return frame


# -- building tables -----------------------------------------------------------------------
def row_html(label: object, cells: Sequence[object], stat: Sequence[bool] = (), cls: str = "") -> str:
    """One body row of a published table: its label and cells, escaped.

    Cells whose ``stat`` flag is set hold a statistic, not a count of respondents, and are
    marked ``class="stat"`` (so checks of published counts, and styles, can tell them apart).
    """
    esc = html.escape
    flags = list(stat) + [False] * (len(cells) - len(stat))
    tds = "".join(
        f'<td class="stat">{esc(str(c))}</td>' if flag else f"<td>{esc(str(c))}</td>"
        for c, flag in zip(cells, flags, strict=False)
    )
    return f'<tr{cls}><th scope="row">{esc(str(label))}</th>{tds}</tr>'


def html_table(
    name: str,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    notes: Sequence[str] = (),
    *,
    stat: bool | Sequence[bool] = False,
) -> str:
    """A plain, deterministic HTML table in the style of the disclosed tables.

    For what a Result publishes beside its disclosed table (a model's estimates, a sensitivity
    table): ``header`` names the row label's column and then the cells', each row is its label
    and cells (already formatted, already through disclosure control), ``notes`` its footnotes.
    ``stat`` marks cells that hold statistics rather than counts of respondents: all of them
    (``True``) or per cell column.
    """
    esc = html.escape
    out = [f'<div class="bruggen-table" data-table="{esc(name)}">', "<table>", "<thead><tr>"]
    out[-1] += "".join(f'<th scope="col">{esc(str(h))}</th>' for h in header) + "</tr></thead>"
    out.append("<tbody>")
    for row in rows:
        flags = [stat] * (len(row) - 1) if isinstance(stat, bool) else list(stat)
        out.append(row_html(row[0], list(row[1:]), flags))
    out.append("</tbody></table>")
    if notes:
        out.append('<p class="bruggen-footnote">' + "<br>".join(esc(n) for n in notes) + "</p>")
    out.append("</div>")
    return "\n".join(out) + "\n"


@dataclass(frozen=True, eq=False)
class EstimatesTable(DisclosedTable):
    """A published table of statistics whose cells are formatted already (``kind="estimates"``).

    What a Result publishes beside its disclosed table: a model's estimates with their
    intervals, shares or medians computed from published counts, a sensitivity table. Its
    cells are display strings that went through disclosure control before they were formatted;
    a cell hidden there shows the policy's marks, and :func:`estimates_table` records it in the
    table's log (``"<10"`` a primary suppression, ``"x"`` a cell derived from a suppressed one).
    A :class:`DisclosedTable`, so the report page, the tables workbook and the disclosure
    appendix are all made from this one object.

    Attributes
    ----------
    values
        The cells as display strings; the index holds the row labels, ``row_var`` names it.
    stat
        Per cell column: the cell holds a statistic, not a count of respondents.
    """

    stat: tuple[bool, ...] = ()

    @property
    def stat_columns(self) -> tuple[str, ...]:
        return tuple(str(c) for c, flag in zip(self.values.columns, self.stat, strict=False) if flag)

    def display(self, lang: str | None = None) -> pd.DataFrame:
        """The cells as published (formatted in the language the table was made in)."""
        out = self.values.copy()
        out.index = pd.Index(list(out.index), name=self.row_var or None)
        return out

    def footnotes(self, lang: str | None = None) -> list[str]:
        return list(self.notes)

    def figure_data(self, lang: str | None = None) -> pd.DataFrame:
        raise DisclosureError(f"table {self.name!r} holds formatted estimates, not data for a chart")

    def to_html(self, lang: str | None = None) -> str:
        """The table as :func:`html_table` renders it."""
        rows = [
            [label, *cells] for label, cells in zip(self.values.index, self.values.to_numpy(), strict=True)
        ]
        return html_table(self.name, [self.row_var, *self.values.columns], rows, self.notes, stat=self.stat)


def estimates_table(
    name: str,
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    notes: Sequence[str] = (),
    *,
    stat: bool | Sequence[bool] = False,
    policy: Policy | None,
    title: str = "",
    lang: str = "nl",
) -> EstimatesTable:
    """A published table of formatted statistics (:class:`EstimatesTable`), its hidden cells logged.

    Arguments as :func:`html_table` (whose HTML the table renders), and the policy the cells
    went through. A cell showing the policy's ``below`` mark (``"<10"``) is logged as a primary
    suppression (a count below ``min_count``); a cell showing the hidden mark (``"x"``) as a
    derived one (computed from a count that is suppressed or too small). ``title``, the caption
    the table is published under, names it in the log. ``policy`` is None for a table of
    statistics that are no counts of persons and go through no policy (nothing is logged).
    """
    lang = check_lang(lang)
    header = [str(h) for h in header]
    width = len(header) - 1
    flags = tuple([stat] * width if isinstance(stat, bool) else list(stat) + [False] * (width - len(stat)))
    labels = [str(r[0]) for r in rows]
    cells = [[str(c) for c in r[1:]] for r in rows]
    values = pd.DataFrame(cells, index=labels, columns=header[1:], dtype=object)
    below, hidden = (policy.below, text(lang)["hidden"]) if policy is not None else (None, None)
    status = values.map(lambda c: "primary" if c == below else "derived" if c == hidden else "shown")
    entries = [
        SuppressionEntry(
            table=title or name,
            row=label,
            col=col,
            kind="primary" if status.iat[i, j] == "primary" else "derived",
            threshold=policy.min_count if policy is not None else 0,
        )
        for i, label in enumerate(labels)
        for j, col in enumerate(header[1:])
        if status.iat[i, j] != "shown"
    ]
    return EstimatesTable(
        name=name,
        kind="estimates",
        values=values,
        status=status,
        policy=policy,
        log=SuppressionLog(tuple(entries)),
        lang=lang,
        title=title,
        row_var=header[0],
        total_row=False,
        notes=tuple(notes),
        stat=flags,
    )


def suppress_counts(
    counts: pd.DataFrame,
    policy: Policy,
    *,
    name: str = "tabel",
    percent: PercentBase | None = None,
    lang: str = "nl",
    decimals: int = 0,
    title: str = "",
) -> DisclosedTable:
    """Apply the policy to a two-way table of counts (interior cells, no margins).

    Use this when you already have counts; :func:`crosstab` builds them from
    respondent-level data. Margins are added here, then primary and secondary
    suppression, rounding and the percentage rule are applied.

    Parameters
    ----------
    counts
        Non-negative whole numbers; index = row categories, columns = column categories.
    policy
        The disclosure policy (:meth:`Policy.from_study`).
    name
        Table name for the log and the spreadsheet.
    percent
        ``"row"``, ``"col"``, ``"total"`` or ``None`` (no percentages).
    lang
        Display language, ``"nl"`` (default) or ``"en"``.
    decimals
        Decimals of the percentages.

    Returns
    -------
    DisclosedTable

    Notes
    -----
    Suppression (see :mod:`analysis.disclosure.suppression`) is decided on the exact
    counts. If ``policy.round_to`` is set, every *published* cell and margin is then
    rounded on its own to the nearest multiple (half up); totals are not recomputed
    from rounded parts, so they may differ from the sum of the rounded cells, and a
    footnote says so. Percentages are computed from the published (rounded) counts,
    so they reveal nothing the counts do not. A percentage is shown only if its
    count and denominator are published and the denominator is at least
    ``policy.min_denominator``; if the denominator is hidden the percentage shows
    ``"x"`` (not ``"n te klein"``, which would reveal the size of the hidden cell).

    Examples
    --------
    >>> counts = pd.DataFrame({"ja": [3, 40], "nee": [25, 30]}, index=["groep a", "groep b"])
    >>> t = suppress_counts(counts, Policy())
    >>> t.to_frame()                                         # doctest: +NORMALIZE_WHITESPACE
                ja nee Totaal
    groep a    <10   x     28
    groep b      x   x     70
    Totaal      43  55     98
    """
    check_lang(lang)
    if percent not in (None, "row", "col", "total"):
        raise DisclosureError(f"percent must be 'row', 'col', 'total' or None, got {percent!r}")
    if counts.shape[0] == 0 or counts.shape[1] == 0:
        raise DisclosureError(f"table {name!r} is empty", hint="check the filter and the variable names")
    arr = _as_counts(counts, name)
    n_rows, n_cols = arr.shape
    ext = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    ext[:n_rows, :n_cols] = arr
    ext[:n_rows, n_cols] = arr.sum(axis=1)
    ext[n_rows, :n_cols] = arr.sum(axis=0)
    ext[n_rows, n_cols] = arr.sum()
    lines = two_way_lines(n_rows, n_cols)
    result = suppress(ext.ravel(), lines, policy.min_count)
    status = result.status.reshape(ext.shape)

    total = text(lang)["total"]
    row_labels = [_label(x) for x in counts.index] + [total]
    col_labels = [_label(x) for x in counts.columns] + [total]

    def cell_label(flat: int) -> tuple[str, str]:
        i, j = divmod(flat, n_cols + 1)
        r = total if i == n_rows else row_labels[i]
        c = total if j == n_cols else col_labels[j]
        return r, c

    entries = []
    for flat in range(ext.size):
        st = result.status[flat]
        if st == SHOWN:
            continue
        r, c = cell_label(flat)
        entries.append(
            SuppressionEntry(
                table=name,
                row=r,
                col=c,
                kind="primary" if st == PRIMARY else "secondary",
                threshold=policy.min_count,
                protects=cell_label(result.protects[flat]) if st == SECONDARY else None,
                value=int(ext.flat[flat]),
            )
        )
    published = _publish(ext, status, policy)
    values = pd.DataFrame(
        published, index=unique_labels(row_labels), columns=unique_labels(col_labels), dtype=object
    )
    status_df = pd.DataFrame(
        np.vectorize(_STATUS.get, otypes=[object])(status), index=values.index, columns=values.columns
    )
    pct = pct_status = None
    if percent is not None:
        pct, pct_status = _percentages(ext, status, published, percent, policy, values.index, values.columns)
    return DisclosedTable(
        name=name,
        kind="crosstab",
        values=values,
        status=status_df,
        policy=policy,
        log=SuppressionLog(tuple(entries)),
        percent=pct,
        percent_status=pct_status,
        percent_base=percent,
        lang=lang,
        decimals=decimals,
        title=title,
        row_var=str(counts.index.name or ""),
        col_var=str(counts.columns.name or ""),
        total_row=True,
        total_col=True,
        notes=("rounded",) if policy.round_to else (),
    )


def crosstab(
    frame: pd.DataFrame,
    rows: str,
    cols: str,
    policy: Policy,
    *,
    percent: PercentBase | None = None,
    name: str | None = None,
    lang: str = "nl",
    decimals: int = 0,
    title: str = "",
    labels: Mapping[str, str] | None = None,
) -> DisclosedTable:
    """Count respondents by two variables and apply disclosure control.

    Counts are unweighted numbers of records (rows of ``frame``); records missing
    either variable are left out. Categorical columns keep their category order and
    show unobserved categories as zero; other columns are sorted.

    Parameters
    ----------
    frame
        Respondent-level data (one record per respondent). Not changed.
    rows, cols
        Column names for the table's rows and columns.
    policy
        The disclosure policy.
    percent
        ``"row"``, ``"col"``, ``"total"`` or ``None``. A percentage is shown only if
        its count and its denominator are both published and the denominator is at
        least ``policy.min_denominator``.
    name
        Table name for the log and spreadsheet (default ``"<rows> x <cols>"``).
    lang
        ``"nl"`` (default) or ``"en"``.
    decimals
        Decimals of the percentages.
    labels
        Variable labels (column -> label) to head the table with; default the column names.

    Returns
    -------
    DisclosedTable
        ``values`` has the row categories plus a total row, the column categories
        plus a total column.

    Examples
    --------
    >>> df = pd.DataFrame({"type": ["groep a"] * 30 + ["groep b"] * 25,
    ...                    "bereik": ["ja"] * 27 + ["nee"] * 3 + ["ja"] * 12 + ["nee"] * 13})
    >>> t = crosstab(df, "type", "bereik", Policy(), percent="row")
    >>> t.to_frame().loc["groep a"].tolist()
    ['x', '<10', '30']
    >>> print(t.log.entries[0].reason())
    secundair: beschermt cel (groep a, nee)
    """
    _require_columns(frame, [rows, cols])
    counts = count_table(frame[rows], frame[cols])
    labels = labels or {}
    counts.index.name, counts.columns.name = labels.get(rows, rows), labels.get(cols, cols)
    return suppress_counts(
        counts,
        policy,
        name=name or f"{rows} x {cols}",
        percent=percent,
        lang=lang,
        decimals=decimals,
        title=title,
    )


def frequency(
    frame: pd.DataFrame,
    column: str,
    policy: Policy,
    *,
    name: str | None = None,
    lang: str = "nl",
    decimals: int = 0,
    percent: bool = True,
    title: str = "",
    label: str | None = None,
) -> DisclosedTable:
    """A one-way frequency table (categories and a total) under disclosure control.

    Parameters
    ----------
    frame
        Respondent-level data; records missing ``column`` are left out.
    column
        The variable to count.
    policy
        The disclosure policy.
    percent
        Add percentages of the total (shown only if the total reaches
        ``policy.min_denominator`` and the count is published).
    label
        The variable label to head the table with; default the column name.

    Returns
    -------
    DisclosedTable
        ``values`` has one column ``"n"``; rows are the categories and the total.

    Examples
    --------
    >>> df = pd.DataFrame({"gemeente": ["A"] * 40 + ["B"] * 4 + ["C"] * 12})
    >>> frequency(df, "gemeente", Policy()).to_frame()["n"].tolist()
    ['40', '<10', 'x', '56']
    """
    _require_columns(frame, [column])
    counts = _as_categorical(frame[column]).value_counts(sort=False)
    if len(counts) == 0:
        raise DisclosureError(f"table {name or column!r} is empty", hint=f"column {column!r} has no values")
    arr = counts.to_numpy(dtype=np.int64)
    ext = np.append(arr, arr.sum())
    result = suppress(ext, one_way_lines(len(arr)), policy.min_count)
    total = text(lang)["total"]
    labels = [_label(x) for x in counts.index] + [total]
    shown_labels = [*labels[:-1], total]
    name = name or column
    entries = [
        SuppressionEntry(
            table=name,
            row=shown_labels[k],
            col=None,
            kind="primary" if result.status[k] == PRIMARY else "secondary",
            threshold=policy.min_count,
            protects=(shown_labels[result.protects[k]], None) if result.status[k] == SECONDARY else None,
            value=int(ext[k]),
        )
        for k in range(len(ext))
        if result.status[k] != SHOWN
    ]
    published = _publish(ext, result.status, policy)
    index = unique_labels(labels)
    values = pd.DataFrame({"n": list(published)}, index=index, dtype=object)
    status_df = pd.DataFrame({"n": [_STATUS[s] for s in result.status]}, index=index, dtype=object)
    pct = pct_status = None
    if percent:
        p_vals, p_stat = [], []
        denom_true, denom_pub, denom_st = ext[-1], published[-1], result.status[-1]
        for k in range(len(ext)):
            st = _pct_status(result.status[k], denom_st, denom_true, policy)
            p_stat.append(st)
            p_vals.append(100.0 * published[k] / denom_pub if st == "shown" and denom_pub else None)
            if st == "shown" and not denom_pub:
                p_stat[-1] = "hidden"
        pct = pd.DataFrame({"n": p_vals}, index=index, dtype=object)
        pct_status = pd.DataFrame({"n": p_stat}, index=index, dtype=object)
    return DisclosedTable(
        name=name,
        kind="frequency",
        values=values,
        status=status_df,
        policy=policy,
        log=SuppressionLog(tuple(entries)),
        percent=pct,
        percent_status=pct_status,
        percent_base="total" if percent else None,
        lang=lang,
        decimals=decimals,
        title=title,
        row_var=label or column,
        total_row=True,
        total_col=False,
        notes=("rounded",) if policy.round_to else (),
    )


def group_means(
    frame: pd.DataFrame,
    value: str,
    by: str,
    policy: Policy,
    *,
    total: bool = True,
    name: str | None = None,
    lang: str = "nl",
    decimals: int = 1,
    title: str = "",
) -> DisclosedTable:
    """Means of ``value`` per group of ``by``, with small groups hidden.

    Rules
    -----
    * ``n`` per group is the number of non-missing ``value`` records. The ``n``
      column (groups and total) is a one-way count table and gets primary and
      secondary suppression like :func:`frequency`.
    * A group mean is hidden when its ``n`` is below ``policy.min_count`` (primary).
    * If the overall mean is published (``total=True``) and exactly one group mean
      is hidden, the mean of the smallest other group is hidden too (secondary):
      otherwise ``N * overall - sum(n_g * mean_g)`` gives the hidden group's sum.
      With only one non-empty group the overall mean would equal it, so the overall
      mean is hidden instead. The overall mean is also hidden if ``N < min_count``.
    * A group with no observations shows ``n = 0`` and ``"–"`` as its mean.

    Not covered: dominance (one extreme value driving a mean) and differencing
    between several tables of the same variable. Keep such tables few and coarse.

    Returns
    -------
    DisclosedTable
        ``kind="means"``; ``values`` has columns ``n`` and ``mean``, rows = groups and
        (if ``total``) the total.

    Examples
    --------
    >>> df = pd.DataFrame({"groep": ["a"] * 12 + ["b"] * 15 + ["c"] * 3,
    ...                    "score": [3.0] * 12 + [4.0] * 15 + [5.0] * 3})
    >>> group_means(df, "score", "groep", Policy()).to_frame()["gemiddelde"].tolist()
    ['x', '4,0', 'x', '3,7']
    """
    _require_columns(frame, [value, by])
    data = frame[[by, value]].dropna(subset=[value])
    groups = _as_categorical(data[by])
    vals = pd.to_numeric(data[value], errors="coerce")
    if vals.isna().any():
        raise DisclosureError(f"column {value!r} has values that are not numbers", hint="recode it first")
    stats = vals.groupby(groups, observed=False).agg(["count", "mean"])
    n = stats["count"].to_numpy(dtype=np.int64)
    means = stats["mean"].to_numpy(dtype=float)
    k = len(n)
    if k == 0:
        raise DisclosureError(f"no groups in column {by!r}")
    name = name or f"{value} per {by}"
    labels = [_label(x) for x in stats.index]
    total_label = text(lang)["total"]
    n_all = int(n.sum())
    mean_all = float(vals[groups.notna()].mean()) if n_all else float("nan")

    # n column: a one-way count table
    ext = np.append(n, n_all)
    res = suppress(ext, one_way_lines(k), policy.min_count)
    n_status = res.status.copy()
    if not total:
        n_status = n_status[:-1]

    # mean column
    m_status = np.where((n > 0) & (n < policy.min_count), PRIMARY, SHOWN).astype(np.int8)
    protects: dict[int, int] = {}
    total_mean_status = PRIMARY if n_all < policy.min_count else SHOWN
    if total and total_mean_status == SHOWN:
        hidden = [g for g in range(k) if m_status[g] != SHOWN]
        if len(hidden) == 1:
            others = [g for g in range(k) if m_status[g] == SHOWN and n[g] > 0]
            if others:
                pick = min(others, key=lambda g: (n[g], g))
                m_status[pick] = SECONDARY
                protects[pick] = hidden[0]
            else:
                total_mean_status = SECONDARY
                protects[k] = hidden[0]
    all_labels = [*labels, total_label] if total else labels
    mean_values = list(means) + ([mean_all] if total else [])
    mean_st = list(m_status) + ([total_mean_status] if total else [])

    mean_col = text(lang)["mean"]  # the log names the column as the table shows it
    entries = []
    for g, st in enumerate(n_status):
        if st != SHOWN:
            entries.append(
                SuppressionEntry(
                    table=name,
                    row=all_labels[g],
                    col="n",
                    kind="primary" if st == PRIMARY else "secondary",
                    threshold=policy.min_count,
                    protects=(all_labels[res.protects[g]], "n") if st == SECONDARY else None,
                    value=int(ext[g]),
                )
            )
    for g, st in enumerate(mean_st):
        if st != SHOWN:
            entries.append(
                SuppressionEntry(
                    table=name,
                    row=all_labels[g],
                    col=mean_col,
                    kind="primary" if st == PRIMARY else "secondary",
                    threshold=policy.min_count,
                    protects=(all_labels[protects[g]], mean_col) if st == SECONDARY else None,
                    measure="mean",
                    value=int(ext[g]) if st == PRIMARY else mean_values[g],
                )
            )
    n_pub = _publish(ext if total else n, n_status, policy)
    index = unique_labels([*labels, total_label] if total else labels)
    values = pd.DataFrame(
        {
            "n": list(n_pub),
            "mean": [
                None if st != SHOWN or np.isnan(m) else round(float(m), 10)
                for m, st in zip(mean_values, mean_st, strict=True)
            ],
        },
        index=index,
        dtype=object,
    )
    status_df = pd.DataFrame(
        {"n": [_STATUS[s] for s in n_status], "mean": [_STATUS[s] for s in mean_st]},
        index=index,
        dtype=object,
    )
    return DisclosedTable(
        name=name,
        kind="means",
        values=values,
        status=status_df,
        policy=policy,
        log=SuppressionLog(tuple(entries)),
        lang=lang,
        decimals=decimals,
        title=title,
        row_var=by,
        total_row=total,
        total_col=False,
        notes=("rounded",) if policy.round_to else (),
    )


# -- helpers -------------------------------------------------------------------------------
def _publish(ext: np.ndarray, status: np.ndarray, policy: Policy) -> np.ndarray:
    """Published counts: rounded per the policy where shown, ``None`` where hidden."""
    out = np.empty(ext.shape, dtype=object)
    for idx in np.ndindex(ext.shape):
        out[idx] = policy.round(int(ext[idx])) if status[idx] == SHOWN else None
    return out


def _pct_status(num_status: int, den_status: int, den_true: int, policy: Policy) -> str:
    if den_status != SHOWN:
        return "hidden"  # "n te klein" would reveal the size of a hidden denominator
    if den_true < policy.min_denominator:
        return "small_n"
    if num_status != SHOWN:
        return "hidden"
    return "shown"


def _percentages(ext, status, published, base, policy, index, columns):
    n_rows, n_cols = ext.shape
    pct = np.empty(ext.shape, dtype=object)
    pst = np.empty(ext.shape, dtype=object)
    for i in range(n_rows):
        for j in range(n_cols):
            di, dj = {"row": (i, n_cols - 1), "col": (n_rows - 1, j), "total": (n_rows - 1, n_cols - 1)}[base]
            st = _pct_status(status[i, j], status[di, dj], ext[di, dj], policy)
            den = published[di, dj]
            if st == "shown" and not den:
                st = "hidden"
            pst[i, j] = st
            pct[i, j] = 100.0 * published[i, j] / den if st == "shown" else None
    return (
        pd.DataFrame(pct, index=index, columns=columns, dtype=object),
        pd.DataFrame(pst, index=index, columns=columns, dtype=object),
    )


def _as_counts(counts: pd.DataFrame, name: str) -> np.ndarray:
    try:
        arr = counts.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise DisclosureError(f"table {name!r} has cells that are not counts") from None
    if np.isnan(arr).any() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise DisclosureError(
            f"table {name!r} must hold whole, non-negative counts",
            hint="disclosure control works on unweighted counts of respondents",
        )
    return arr.astype(np.int64)


def _as_categorical(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    values = series.dropna().unique()
    try:
        cats = sorted(values)
    except TypeError:
        cats = sorted(values, key=str)
    return pd.Series(pd.Categorical(series, categories=cats), index=series.index, name=series.name)


def count_table(rows: pd.Series, cols: pd.Series, *, observed: bool = False) -> pd.DataFrame:
    """The counts of records by two variables, *unsuppressed*: for a statsmodels ``Table`` or
    the researcher, never for publication (:func:`crosstab` is that).

    Categorical columns keep their category order, other columns are sorted; records missing
    either value are left out. ``observed`` leaves out rows and columns without any record
    (the unobserved categories, as ``pd.crosstab`` does by default). Counted on the
    categoricals' codes: no value per record is made.
    """
    counts = _counts(_as_categorical(rows), _as_categorical(cols))
    if observed:
        counts = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    return counts


def _counts(r: pd.Series, c: pd.Series) -> pd.DataFrame:
    """Records by two categoricals: every category of both (unobserved ones as zero), records
    missing either left out (``pd.crosstab`` keeps a row for a missing row value), counted on
    the categoricals' codes: no value per record is made, which at millions of records is
    the difference between megabytes and a gigabyte."""
    rc, cc = r.cat.codes.to_numpy(), c.cat.codes.to_numpy()
    nr, nc = len(r.cat.categories), len(c.cat.categories)
    both = (rc >= 0) & (cc >= 0)
    flat = np.bincount(rc[both].astype(np.int64) * nc + cc[both], minlength=nr * nc)
    return pd.DataFrame(
        flat.reshape(nr, nc),
        index=pd.CategoricalIndex(r.cat.categories, dtype=r.dtype, name=r.name),
        columns=pd.CategoricalIndex(c.cat.categories, dtype=c.dtype, name=c.name),
    )


def _require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DisclosureError(
            f"column(s) not in the data: {', '.join(map(repr, missing))}",
            hint=f"available columns: {', '.join(map(str, frame.columns))}",
        )


def _label(x: Hashable) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)
