"""How a gate run is shown: the Dutch HTML report and the short terminal summary.

The JSON is :meth:`ValidationResult.to_json <analysis.validate.checks.ValidationResult.to_json>`;
the JUnit XML for CI is :mod:`analysis.validate.junit`. Both this report and the summary show
only what the checks hold (rule names, counts, row numbers, safe values), never personal data.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from analysis.validate.checks import FAILED, PASSED, STATUS_NL, Check, ValidationResult

if TYPE_CHECKING:
    from rich.console import Console


def print_summary(result: ValidationResult, console: Console) -> None:
    """A short rich summary: the verdict, counts, and the failing rules."""
    from rich.markup import escape

    n_fail, n_warn = len(result.failures), len(result.warnings)
    if result.passed:
        console.print(
            f"[bold green]Validatie geslaagd[/]: {result.n_checks} controles op {result.n_datasets} datasets"
            + (f", {n_warn} waarschuwing(en)" if n_warn else "")
            + "."
        )
    else:
        console.print(
            f"[bold red]Validatie mislukt[/]: {n_fail} van {result.n_checks} controles mislukt"
            + (f", {n_warn} waarschuwing(en)" if n_warn else "")
            + "."
        )
    shown = result.failures[:25] + result.warnings[:10]
    for c in shown:
        colour, mark = ("red", "✗") if c.status == FAILED else ("yellow", "!")
        console.print(f"[{colour}]{mark}[/] [bold]{escape(c.rule)}[/]", highlight=False, soft_wrap=True)
        console.print(f"    {escape(c.message or c.description)}", highlight=False)
    if len(result.failures) > 25:
        console.print(f"… en nog {len(result.failures) - 25} mislukte controles.")
    console.print("Zie reports/validatie.html voor alle controles.")


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
    rows = []
    for c in checks:
        where = c.column or ""
        if c.table:
            where = f"{c.table}.{where}"
        examples = ", ".join(
            f"rij {e['row']}" + (f" ({_e(e['id'])})" if "id" in e else "") for e in c.examples
        )
        rows.append(
            "<tr>"
            f'<td class="s-{c.status}">{_e(STATUS_NL[c.status])}</td>'
            f"<td><code>{_e(c.rule)}</code></td>"
            + (f"<td>{_e(c.dataset)}</td>" if show_dataset else "")
            + f"<td>{_e(where)}</td>"
            f"<td>{_e(c.description)}"
            + (f"<br><small>{_e(c.message)}</small>" if c.message else "")
            + "</td>"
            f'<td class="num">{_e(c.unexpected_count if c.status != PASSED else "")}</td>'
            f"<td>{examples}</td>"
            "</tr>"
        )
    head = (
        "<tr><th>status</th><th>regel</th>"
        + ("<th>dataset</th>" if show_dataset else "")
        + "<th>kolom</th><th>controle</th><th>rijen</th><th>voorbeelden</th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(result: ValidationResult, fragment: bool = False) -> str:
    """The validation report as one self-contained HTML page in Dutch (no scripts, no CDN)."""
    fails, warns = result.failures, result.warnings
    parts = []
    parts.append(f"<h1>Validatierapport: {_e(result.title or result.study)}</h1>")
    if result.synthetic:
        parts.append('<p class="synth">Deze studie gebruikt synthetische gegevens (voorbeeldstudie).</p>')
    if result.passed:
        parts.append(
            f'<p class="verdict ok">Geslaagd: alle {result.n_checks} controles op {result.n_datasets} '
            f"datasets zijn in orde{f' ({len(warns)} waarschuwing(en))' if warns else ''}. "
            "De gegevens mogen worden geanalyseerd.</p>"
        )
    else:
        parts.append(
            f'<p class="verdict bad">Niet geslaagd: {len(fails)} van de {result.n_checks} controles '
            "zijn mislukt. Er wordt niets geanalyseerd of gepubliceerd tot deze problemen zijn opgelost.</p>"
        )
    parts.append(
        "<p>Rijnummers tellen de gegevensregels vanaf 1 (in Excel en CSV is de kopregel regel 1, dus "
        "rij 5 staat op regel 6). Persoonsgegevens worden in dit rapport nooit getoond: bij een vondst "
        "staan alleen het soort gegeven en de rijnummers.</p>"
    )
    parts.append(
        "<h2>Datasets</h2><table><thead><tr><th>dataset</th><th>bestand</th>"
        "<th>rijen</th><th>kolommen</th><th>suite</th><th>mislukt</th><th>waarschuwingen</th>"
        "</tr></thead><tbody>"
    )
    for d in result.datasets:
        nf = sum(1 for c in fails if c.dataset == d.name)
        nw = sum(1 for c in warns if c.dataset == d.name)
        parts.append(
            f"<tr><td>{_e(d.name)}</td><td><code>{_e(d.path)}</code></td>"
            f'<td class="num">{_e(d.rows if d.read else "niet gelezen")}</td>'
            f'<td class="num">{_e(d.columns)}</td><td>{_e(d.suite)}</td>'
            f'<td class="num">{nf}</td><td class="num">{nw}</td></tr>'
        )
    parts.append("</tbody></table>")
    if fails:
        parts.append(f"<h2>Mislukte controles ({len(fails)})</h2>")
        parts.append(_check_rows(fails))
    if warns:
        parts.append(f"<h2>Waarschuwingen ({len(warns)})</h2>")
        parts.append(_check_rows(warns))
    parts.append("<h2>Alle controles</h2>")
    datasets = [d.name for d in result.datasets]
    extra = sorted({c.dataset for c in result.checks} - set(datasets))
    for name in [*extra, *datasets]:
        checks = [c for c in result.checks if c.dataset == name]
        if not checks:
            continue
        nf = sum(1 for c in checks if c.status == FAILED)
        parts.append(
            f"<details{' open' if nf else ''}><summary>{_e(name)}: {len(checks)} controles, "
            f"{nf} mislukt</summary>{_check_rows(checks, show_dataset=False)}</details>"
        )
    parts.append(
        "<footer>Gemaakt door <code>bruggen validate</code> (great-expectations-suites uit "
        "<code>data/expectations/</code>, regels uit <code>analysis.validate.rules</code>). "
        "Hetzelfde invoerbestand geeft byte voor byte hetzelfde rapport.</footer>"
    )
    body = "\n".join(parts)
    if fragment:
        return f"<div>{body}</div>"
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Validatierapport: {_e(result.title or result.study)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
