"""How a gate run is shown: the Dutch HTML report and the short terminal summary.

The JSON is :meth:`ValidationResult.to_json <analysis.validate.checks.ValidationResult.to_json>`;
the JUnit XML for CI is :mod:`analysis.validate.junit`. Both this report and the summary show
only what the checks hold (rule names, counts, row numbers, safe values), never personal data.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from analysis.validate.checks import ACCEPTED, FAILED, PASSED, REPORT_LANG, Check, ValidationResult, wording

if TYPE_CHECKING:
    from rich.console import Console


def print_summary(result: ValidationResult, console: Console) -> None:
    """A short rich summary: the verdict, counts, the failing rules (with what to do) and the accepted ones."""
    from rich.markup import escape

    t, a = wording("summary"), wording("accept")
    n_fail, n_warn = len(result.failures), len(result.warnings)
    warnings = t["warnings"].format(n=n_warn) if n_warn else ""
    if result.accepted:
        warnings += a["summary"].format(n=len(result.accepted))
    if result.passed:
        counts = t["checks"].format(n_checks=result.n_checks, n_datasets=result.n_datasets)
        console.print(f"[bold green]{escape(t['passed'])}[/]: {escape(counts)}{escape(warnings)}.")
    else:
        counts = t["failures"].format(n_failed=n_fail, n_checks=result.n_checks)
        console.print(f"[bold red]{escape(t['failed'])}[/]: {escape(counts)}{escape(warnings)}.")
    shown = result.failures[:25] + result.warnings[:10]
    for c in shown:
        colour, mark = ("red", "✗") if c.status == FAILED else ("yellow", "!")
        console.print(f"[{colour}]{mark}[/] [bold]{escape(c.rule)}[/]", highlight=False, soft_wrap=True)
        console.print(f"    {escape(c.message or c.description)}", highlight=False)
        if c.fix:
            console.print(f"    [dim]{escape(c.fix)}[/]", highlight=False)
    for c in result.accepted[:25]:
        console.print(f"[cyan]~[/] [bold]{escape(c.rule)}[/]", highlight=False, soft_wrap=True)
        console.print(f"    {escape(a['reason'].format(reason=c.reason))}", highlight=False)
    if len(result.failures) > 25:
        console.print(escape(t["more"].format(n=len(result.failures) - 25)))
    console.print(escape(t["see"]))


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;
color:#1d1d1b;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #e5e5e5}
.verdict{padding:.8rem 1rem;border-radius:6px;font-weight:600;margin:1rem 0}
.ok{background:#e6f4ea;color:#0f5c2e}.bad{background:#fde8e8;color:#8a1c1c}.synth{background:#fff4ce;
padding:.5rem 1rem;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85em;background:#f5f5f5;padding:0 .2em;border-radius:3px}
.s-failed{color:#8a1c1c;font-weight:600}.s-warning{color:#8a5a00;font-weight:600}.s-passed{color:#0f5c2e}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
footer{margin-top:3rem;font-size:.8rem;color:#666}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _check_rows(checks: list[Check], show_dataset: bool = True) -> str:
    status, row, col = wording("status"), wording("messages")["row"], wording("columns")
    status = {**status, ACCEPTED: wording("accept")["status"]}
    reason = wording("accept")["reason"]
    rows = []
    for c in checks:
        where = c.column or ""
        if c.table:
            where = f"{c.table}.{where}"
        examples = ", ".join(
            _e(row.format(row=e["row"])) + (f" ({_e(e['id'])})" if "id" in e else "") for e in c.examples
        )
        rows.append(
            "<tr>"
            f'<td class="s-{c.status}">{_e(status[c.status])}</td>'
            f"<td><code>{_e(c.rule)}</code></td>"
            + (f"<td>{_e(c.dataset)}</td>" if show_dataset else "")
            + f"<td>{_e(where)}</td>"
            f"<td>{_e(c.description)}"
            + (f"<br><small>{_e(c.message)}</small>" if c.message else "")
            + (
                f"<br><small><strong>{_e(reason.format(reason=c.reason))}</strong></small>"
                if c.status == ACCEPTED
                else ""
            )
            + (f"<br><small><em>{_e(c.fix)}</em></small>" if c.fix else "")
            + "</td>"
            f'<td class="num">{_e(c.unexpected_count if c.status != PASSED else "")}</td>'
            f"<td>{examples}</td>"
            "</tr>"
        )
    keys = ("status", "rule", *(("dataset",) if show_dataset else ()), "column", "check", "rows", "examples")
    head = "<tr>" + "".join(f"<th>{_e(col[k])}</th>" for k in keys) + "</tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(result: ValidationResult, fragment: bool = False) -> str:
    """The validation report as one self-contained HTML page in Dutch (no scripts, no CDN)."""
    t, col = wording("report"), wording("columns")
    fails, warns = result.failures, result.warnings
    title = _e(t["title"].format(title=result.title or result.study))
    parts = []
    parts.append(f"<h1>{title}</h1>")
    if result.synthetic:
        parts.append(f'<p class="synth">{_e(t["synthetic"])}</p>')
    if result.passed:
        verdict = t["passed"].format(
            n_checks=result.n_checks,
            n_datasets=result.n_datasets,
            warnings=(t["warnings"].format(n=len(warns)) if warns else "")
            + (wording("accept")["verdict"].format(n=len(result.accepted)) if result.accepted else ""),
        )
        parts.append(f'<p class="verdict ok">{_e(verdict)}</p>')
    else:
        verdict = t["failed"].format(n_failed=len(fails), n_checks=result.n_checks)
        parts.append(f'<p class="verdict bad">{_e(verdict)}</p>')
    parts.append(f"<p>{_e(t['rows_note'])}</p>")
    keys = ("dataset", "file", "rows", "columns", "suite", "failed", "warnings")
    parts.append(
        f"<h2>{_e(t['datasets'])}</h2><table><thead><tr>"
        + "".join(f"<th>{_e(col[k])}</th>" for k in keys)
        + "</tr></thead><tbody>"
    )
    for d in result.datasets:
        nf = sum(1 for c in fails if c.dataset == d.name)
        nw = sum(1 for c in warns if c.dataset == d.name)
        parts.append(
            f"<tr><td>{_e(d.name)}</td><td><code>{_e(d.path)}</code></td>"
            f'<td class="num">{_e(d.rows if d.read else t["not_read"])}</td>'
            f'<td class="num">{_e(d.columns)}</td><td>{_e(d.suite)}</td>'
            f'<td class="num">{nf}</td><td class="num">{nw}</td></tr>'
        )
    parts.append("</tbody></table>")
    if fails:
        parts.append(f"<h2>{_e(t['failed_heading'].format(n=len(fails)))}</h2>")
        parts.append(_check_rows(fails))
    if warns:
        parts.append(f"<h2>{_e(t['warnings_heading'].format(n=len(warns)))}</h2>")
        parts.append(_check_rows(warns))
    if result.accepted:
        a = wording("accept")
        parts.append(f"<h2>{_e(a['heading'].format(n=len(result.accepted)))}</h2>")
        parts.append(f"<p>{_e(a['intro'])}</p>")
        parts.append(_check_rows(result.accepted))
    parts.append(f"<h2>{_e(t['all_heading'])}</h2>")
    datasets = [d.name for d in result.datasets]
    extra = sorted({c.dataset for c in result.checks} - set(datasets))
    for name in [*extra, *datasets]:
        checks = [c for c in result.checks if c.dataset == name]
        if not checks:
            continue
        nf = sum(1 for c in checks if c.status == FAILED)
        summary = t["per_dataset"].format(dataset=name, n=len(checks), n_failed=nf)
        parts.append(
            f"<details{' open' if nf else ''}><summary>{_e(summary)}</summary>"
            f"{_check_rows(checks, show_dataset=False)}</details>"
        )
    footer = _e(t["footer"]).format(
        command="<code>bruggen validate</code>",
        suites="<code>data/expectations/</code>",
        rules="<code>analysis.validate.rules</code>",
    )
    parts.append(f"<footer>{footer}</footer>")
    body = "\n".join(parts)
    if fragment:
        return f"<div>{body}</div>"
    return (
        f'<!DOCTYPE html>\n<html lang="{REPORT_LANG}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
