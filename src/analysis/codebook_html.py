"""A codebook as one self-contained HTML page, to share with a team or an archive.

No scripts, fonts or style sheets are fetched: the page works offline and prints well.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from analysis.text import LANGUAGES, words

if TYPE_CHECKING:
    from analysis.codebook import Codebook, Drift, Variable

__all__ = ["render"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:80rem;
padding:0 1rem;color:#1a1a1a;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
.meta{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6;position:sticky;top:0}
code{font-family:ui-monospace,Consolas,monospace;font-size:.85rem}
ul.v{margin:0;padding-left:1rem}ul.v li{list-style:none;text-indent:-1rem}
.tag{display:inline-block;background:#eef2ff;border-radius:.25rem;padding:0 .3rem;margin:0 .2rem .1rem 0;
font-size:.8rem}
.pii{background:#fde8e8}
@media print{th{position:static}}
"""


def _fmt_code(code: Any) -> str:
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)


def _values(var: Variable) -> str:
    if not var.value_labels:
        return ""
    items = "".join(
        f"<li><code>{escape(_fmt_code(k))}</code> {escape(str(v))}</li>" for k, v in var.value_labels.items()
    )
    return f'<ul class="v">{items}</ul>'


def _missing(var: Variable) -> str:
    parts = [escape(_fmt_code(m)) for m in var.missing_values]
    for lo, hi in var.missing_ranges:
        lo_s = "LO" if lo == float("-inf") else _fmt_code(lo)
        hi_s = "HI" if hi == float("inf") else _fmt_code(hi)
        parts.append(f"{escape(lo_s)} t/m {escape(hi_s)}")
    return ", ".join(f"<code>{p}</code>" for p in parts)


def _tags(var: Variable, t: dict[str, str]) -> str:
    tags = []
    if var.pii:
        tags.append(f'<span class="tag pii">{t["pii"]}</span>')
    if var.reverse:
        tags.append(f'<span class="tag">{t["reverse"]}</span>')
    if var.required:
        tags.append(f'<span class="tag">{t["required"]}</span>')
    if var.unique:
        tags.append(f'<span class="tag">{t["unique"]}</span>')
    if var.applies_to:
        tags.append(f'<span class="tag">{t["applies"]}: <code>{escape(var.applies_to)}</code></span>')
    if var.source_name:
        tags.append(f'<span class="tag">{t["source"]}: <code>{escape(var.source_name)}</code></span>')
    if var.format:
        tags.append(f'<span class="tag"><code>{escape(var.format)}</code></span>')
    return "".join(tags)


def render(codebook: Codebook, *, lang: str = "nl", drift: list[Drift] | None = None) -> str:
    """The HTML page for ``codebook`` (see :meth:`Codebook.to_html`).

    Parameters
    ----------
    codebook
        The codebook to show.
    lang
        ``"nl"`` or ``"en"``.
    drift
        Optional differences to list.

    Returns
    -------
    str
        A complete HTML document.
    """
    t = words(lang if lang in LANGUAGES else "en", "codebook")
    title = codebook.title or codebook.dataset
    rows = []
    for v in codebook.variables:
        rows.append(
            "<tr>"
            f'<td id="var-{escape(v.name)}"><code>{escape(v.name)}</code></td>'
            f"<td>{escape(v.label)}</td>"
            f"<td>{escape(v.type)}</td>"
            f"<td>{escape(v.measure if v.measure != 'unknown' else '')}</td>"
            f"<td>{_values(v)}</td>"
            f"<td>{_missing(v)}</td>"
            f"<td>{escape(v.scale or '')}</td>"
            f"<td>{_tags(v, t)}</td>"
            "</tr>"
        )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(t['title'])}: {escape(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(t['title'])}: {escape(title)}</h1>",
        f'<p class="meta"><code>{escape(codebook.dataset)}</code> · {t["count"].format(n=len(codebook))}'
        + (f" · {t['encoding']}: {escape(codebook.encoding)}" if codebook.encoding else "")
        + "</p>",
    ]
    if codebook.notes:
        parts.append(f"<p>{escape(codebook.notes)}</p>")
    parts.append(f"<h2>{t['variables']}</h2><table><thead><tr>")
    for key in ("name", "label", "type", "measure", "values", "missing", "scale", "notes"):
        parts.append(f"<th>{t[key]}</th>")
    parts.append("</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    scales = codebook.scales()
    if scales:
        parts.append(
            f"<h2>{t['scales']}</h2><table><thead><tr><th>{t['scale']}</th><th>{t['items']}</th></tr></thead><tbody>"
        )
        for name, items in scales.items():
            listed = ", ".join(
                f"<code>{escape(i.name)}</code>" + (f" ({t['reverse']})" if i.reverse else "") for i in items
            )
            parts.append(f"<tr><td>{escape(name)}</td><td>{listed}</td></tr>")
        parts.append("</tbody></table>")
    if codebook.mr_sets:
        parts.append(
            f"<h2>{t['mr_sets']}</h2><table><thead><tr><th>{t['name']}</th><th>{t['label']}</th>"
            f"<th>{t['type']}</th><th>{t['items']}</th></tr></thead><tbody>"
        )
        for name, spec in codebook.mr_sets.items():
            kind = str(spec.get("type", ""))
            if spec.get("counted_value") is not None:
                kind += f" (= {escape(_fmt_code(spec['counted_value']))})"
            items = ", ".join(f"<code>{escape(str(x))}</code>" for x in spec.get("variables", []))
            parts.append(
                f"<tr><td><code>{escape(name)}</code></td><td>{escape(str(spec.get('label', '')))}</td>"
                f"<td>{escape(kind)}</td><td>{items}</td></tr>"
            )
        parts.append("</tbody></table>")
    if drift is not None:
        parts.append(f"<h2>{t['drift']}</h2>")
        if drift:
            parts.append(
                f"<table><thead><tr><th>{t['name']}</th><th>{t['kind']}</th><th>{t['detail']}</th></tr></thead><tbody>"
            )
            for d in drift:
                parts.append(
                    f"<tr><td><code>{escape(d.variable)}</code></td><td>{escape(d.kind)}</td>"
                    f"<td>{escape(d.detail)}</td></tr>"
                )
            parts.append("</tbody></table>")
        else:
            parts.append(f"<p>{t['none']}</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
