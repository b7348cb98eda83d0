"""Output of published tables: the disclosure appendix (HTML) and spreadsheets (.xlsx).

Both are deterministic: the same tables give the same bytes (fixed document
timestamps, fixed zip entry times, fixed order), so reports diff cleanly and can be
checked by hash.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from analysis.disclosure._text import check_lang, text
from analysis.disclosure.log import SuppressionLog
from analysis.disclosure.policy import Policy
from analysis.disclosure.tables import DisclosedTable
from analysis.errors import DisclosureError

#: Timestamp written into spreadsheets (document properties and zip entries).
FIXED_TIME = datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
NOTES_SHEET = "toelichting"
#: Cell style of a statistic (a mean, a coefficient, a share) in the workbook, as ``class="stat"``
#: in the HTML: a cell that holds no count of respondents.
STAT_STYLE = "stat"


def appendix_html(log: SuppressionLog, policy: Policy, lang: str = "nl", *, details: bool = True) -> str:
    """The disclosure-control appendix of a report.

    States the policy, how many cells were suppressed per table and why. Hidden
    values never appear (only the public reasons of the log).

    Parameters
    ----------
    log
        The combined log of every published table (``SuppressionLog.combine``).
    policy
        The policy that was applied.
    lang
        ``"nl"`` (default) or ``"en"``.
    details
        Also list every suppressed cell with its reason.

    Returns
    -------
    str
        An HTML ``<section>``.

    Examples
    --------
    >>> from analysis.disclosure import Policy, SuppressionLog
    >>> html_text = appendix_html(SuppressionLog(), Policy())
    >>> "Er zijn geen cellen onderdrukt." in html_text
    True
    """
    lang = check_lang(lang)
    t = text(lang, "appendix")
    esc = html.escape
    out = [
        '<section class="bruggen-sdc-appendix">',
        f"<h2>{esc(t['title'])}</h2>",
        f"<p>{esc(t['intro'])}</p>",
    ]
    out.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in policy.describe(lang)) + "</ul>")
    if not len(log):
        out.append(f"<p>{esc(t['none'])}</p>")
    else:
        out.append("<p>" + esc(counts_sentence(log, lang)) + "</p>")
        kinds = ("primary", "secondary", "derived") if log.n_derived else ("primary", "secondary")
        out.append("<table><thead><tr>")
        out[-1] += "".join(f'<th scope="col">{esc(t[k])}</th>' for k in ("table", *kinds))
        out[-1] += "</tr></thead><tbody>"
        for row in log.summary().to_dict("records"):
            cells = "".join(f"<td>{row[k]}</td>" for k in kinds)
            out.append(f'<tr><th scope="row">{esc(row["table"])}</th>{cells}</tr>')
        out.append("</tbody></table>")
        if details:
            out.append(f"<h3>{esc(t['detail'])}</h3>")
            out.append("<table><thead><tr>")
            out[-1] += "".join(f'<th scope="col">{esc(t[k])}</th>' for k in ("table", "row", "col", "reason"))
            out[-1] += "</tr></thead><tbody>"
            for e in log:
                out.append(
                    f"<tr><td>{esc(e.table)}</td><td>{esc(e.row)}</td><td>{esc(e.col or '')}</td>"
                    f"<td>{esc(e.reason(lang))}</td></tr>"
                )
            out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def counts_sentence(log: SuppressionLog, lang: str = "nl") -> str:
    """How many cells the log holds, by kind (derived cells named only where there are any)."""
    t = text(check_lang(lang), "appendix")
    sentence = t["counts_derived"] if log.n_derived else t["counts"]
    return sentence.format(total=len(log), p=log.n_primary, s=log.n_secondary, d=log.n_derived)


def sheet_names(names: list[str]) -> list[str]:
    """Valid, unique Excel sheet names (≤31 characters, no ``[]:*?/\\``), in order.

    ``"toelichting"`` is reserved for the notes sheet.

    Examples
    --------
    >>> sheet_names(["bereik per gemeente en type organisatie", "bereik per gemeente en type organisatie"])
    ['bereik per gemeente en type org', 'bereik per gemeente en type o~2']
    """
    used = {NOTES_SHEET.lower()}
    out = []
    for raw in names:
        base = re.sub(r"\s*[\[\]:*?/\\]+\s*", " - ", str(raw)).strip("' -") or "tabel"
        name = base[:31]
        n = 1
        while name.lower() in used:
            n += 1
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)] + suffix
        used.add(name.lower())
        out.append(name)
    return out


def write_tables_xlsx(
    tables: Mapping[str, DisclosedTable],
    path: str | Path,
    *,
    lang: str = "nl",
) -> Path:
    """Write published tables to an Excel workbook, one sheet per table.

    Cells hold the display values (the same suppression as the HTML tables: ``"<10"``,
    ``"x"``, ``"n te klein"``); percentages, if any, follow below the counts. Cells of
    statistics rather than counts of respondents (the HTML's ``class="stat"``) have the cell
    style :data:`STAT_STYLE`. A last
    sheet ``toelichting`` states the policy, the footnotes and the public suppression
    log. The file is byte-for-byte reproducible.

    Parameters
    ----------
    tables
        Title -> table: the title heads the sheet (its name is the title shortened to 31
        characters and made unique); a table's own title, where it differs, follows below.
    path
        The ``.xlsx`` file to write (overwritten).
    lang
        ``"nl"`` (default) or ``"en"``.

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, NamedStyle
    from openpyxl.writer.excel import ExcelWriter

    lang = check_lang(lang)
    if not tables:
        raise DisclosureError("no tables to write", hint="pass a mapping of sheet names to tables")
    policies = {t.policy for t in tables.values() if t.policy is not None}  # None: no counts
    if len(policies) > 1:
        raise DisclosureError("tables in one workbook were made under different disclosure policies")
    policy = next(iter(policies))
    bold = Font(bold=True)
    wb = Workbook()
    wb.remove(wb.active)
    wb.add_named_style(NamedStyle(name=STAT_STYLE))
    for sheet, (title, table) in zip(sheet_names(list(tables)), tables.items(), strict=True):
        ws = wb.create_sheet(sheet)
        r = 1
        ws.cell(r, 1, str(title) or table.title).font = bold  # the title it is published under
        if table.title and table.title != str(title):
            ws.cell(r + 1, 1, table.title)
        r += 2
        r = _write_block(ws, table.to_frame(True, lang=lang), r, bold, table)
        if table.percent is not None:
            r += 1
            ws.cell(r, 1, "%").font = bold
            r += 1
            r = _write_block(ws, table.to_frame(True, what="percent", lang=lang), r, bold, table)
        r += 1
        for note in table.footnotes(lang):
            ws.cell(r, 1, note)
            r += 1
    notes = wb.create_sheet(NOTES_SHEET)
    t = text(lang, "appendix")
    r = 1
    notes.cell(r, 1, t["title"]).font = bold
    r += 2
    for line in policy.describe(lang):
        notes.cell(r, 1, line)
        r += 1
    log = SuppressionLog.combine(tbl.log for tbl in tables.values())
    r += 1
    if not len(log):
        notes.cell(r, 1, t["none"])
    else:
        notes.cell(r, 1, counts_sentence(log, lang))
        r += 2
        for c, key in enumerate(("table", "row", "col", "reason"), start=1):
            notes.cell(r, c, t[key]).font = bold
        for e in log:
            r += 1
            for c, value in enumerate((e.table, e.row, e.col or "", e.reason(lang)), start=1):
                notes.cell(r, c, value)

    wb.properties.creator = "Bruggen"
    wb.properties.lastModifiedBy = "Bruggen"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # not save_workbook(): it stamps the current time
    path = Path(path)
    path.write_bytes(_normalise_zip(buffer.getvalue()))
    return path


def _write_block(ws, frame, r: int, bold, table: DisclosedTable) -> int:
    corner = frame.index.name or ""
    if table.kind == "crosstab" and frame.columns.name:
        corner = f"{frame.index.name or ''} \\ {frame.columns.name}".strip(" \\")
    ws.cell(r, 1, corner).font = bold
    for c, label in enumerate(frame.columns, start=2):
        ws.cell(r, c, str(label)).font = bold
    stat = [str(c) in table.stat_columns for c in table.values.columns]
    for label, row in frame.iterrows():
        r += 1
        ws.cell(r, 1, str(label))
        for c, value in enumerate(row, start=2):
            cell = ws.cell(r, c, str(value))
            if c - 2 < len(stat) and stat[c - 2]:
                cell.style = STAT_STYLE
    return r + 1


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times and attributes, entries in the same order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            fixed.create_system = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
