"""``bruggen codebook``: show, export, or check a codebook for drift.

``bruggen codebook FILE`` prints the codebook any readable file carries (or Bruggen infers) as
a table, or one block per variable when the terminal is too narrow for the table (long names;
a pipe counts as 80 columns); ``--format yaml|json|html`` writes it. ``bruggen codebook DATASET`` (a name from
study.yml) reads the raw file's own metadata and lists how it drifts from the study's reviewed
``data/codebooks/<dataset>.yml``: renamed, added and removed variables, changed labels and types,
new or dropped codes, changed missing codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import BruggenError

if TYPE_CHECKING:
    from rich.console import Console

    from analysis.codebook import Codebook, Drift

__all__ = ["FORMATS", "run"]

FORMATS = ("yaml", "json", "html")


def run(
    path: Path | str,
    *,
    fmt: str | None = None,
    output: Path | str | None = None,
    study_path: Path | str | None = None,
    console: Console | None = None,
) -> int:
    """Show or export the codebook of a file or of a study's dataset.

    Parameters
    ----------
    path
        A data file, or the name of a dataset in the study.
    fmt
        ``"yaml"``, ``"json"`` or ``"html"`` to export; ``None`` prints a table.
    output
        File to write the export to (default: the console).
    study_path
        The study.yml, when ``path`` is a dataset name (default: ``$BRUGGEN_STUDY`` or
        ``./study.yml``).
    console
        Where to print (a rich Console; default stdout).

    Returns
    -------
    int
        The number of drift items found (0 for a plain file).

    Raises
    ------
    BruggenError
        The path is neither a readable file nor a dataset of the study, or the format is unknown.
    """
    from rich.console import Console

    from analysis.ingest import read

    console = console or Console()
    if fmt is not None and fmt.lower() not in FORMATS:
        raise BruggenError(f"unknown codebook format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    fmt = fmt.lower() if fmt else None
    path = Path(path)
    drift: list[Drift] | None = None
    if path.is_file() or path.suffix:
        dataset = read(path)
        book = dataset.codebook
        warnings = dataset.warnings
        heading = f"{path.name}: {len(dataset.frame)} rows, {len(book)} variables"
    else:
        book, drift, warnings, heading = _study_codebook(str(path), study_path)
    if fmt is not None:
        text = _export(book, fmt, drift)
        if output is not None:
            out = Path(output)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            console.print(f"wrote {out}", highlight=False)
        else:
            console.print(text, markup=False, highlight=False, soft_wrap=True, end="")
        return len(drift or [])
    _print_table(book, heading, console)
    for w in warnings:
        console.print(f"[yellow]note:[/] {_escape(w)}", highlight=False)
    if drift is not None:
        _print_drift(drift, book.dataset, console)
    return len(drift or [])


def _study_codebook(
    name: str, study_path: Path | str | None
) -> tuple[Codebook, list[Drift] | None, tuple[str, ...], str]:
    """The reviewed codebook of a study's dataset and its drift from the raw file."""
    from analysis.errors import StudyConfigError
    from analysis.ingest import read
    from analysis.study import Study

    try:
        study = Study.from_yaml(study_path)
    except StudyConfigError as exc:
        raise BruggenError(
            f"{name!r} is not a file, and there is no study to look it up in ({exc.message})",
            path=exc.path,
            hint="give the path of a data file, or run from the project folder / pass --study",
        ) from None
    if name not in study.datasets:
        raise BruggenError(
            f"{name!r} is neither a file nor a dataset of the study",
            path=study.source,
            hint=f"datasets: {', '.join(study.datasets) or 'none'}; or give the path of a data file",
        )
    entry = study.entry(name)
    options = {k: v for k, v in entry.options.items() if k != "codebook"}
    options.setdefault("dataset", name)
    raw = read(entry.path, **options)
    reviewed = study.codebook(name)
    heading = f"{name} ({entry.path.name}): {len(raw.frame)} rows"
    if reviewed is None:
        warnings = (
            *raw.warnings,
            f"the study has no reviewed codebook for {name}; this is the file's own. Save it with "
            f"`bruggen codebook {name} --format yaml -o data/codebooks/{name}.yml`, review it and commit it",
        )
        return raw.codebook, None, warnings, heading
    own = raw.codebook
    suffix = entry.path.suffix.lower()
    if suffix not in (".sav", ".zsav", ".por"):
        own = _fill_gaps(own, reviewed, labels_from_file=suffix not in (".qdpx", ".qde", ".docx", ".txt"))
    return reviewed, reviewed.diff(own, detect_renames=True), raw.warnings, heading


def _fill_gaps(own: Codebook, reviewed: Codebook, *, labels_from_file: bool = True) -> Codebook:
    """Compare only what a CSV, workbook or project can carry.

    Such files hold names, types and (for survey exports) question texts, but no value labels
    or missing codes; what the file cannot say is taken from the reviewed codebook, so that
    only real differences remain. The columns of a QDA project's codings table are Bruggen's
    own, so their labels are never drift (``labels_from_file=False``).
    """
    from dataclasses import replace

    variables = []
    for var in own:
        ref = reviewed.get(var.name)
        if ref is not None:
            var = replace(
                var,
                label=(var.label or ref.label) if labels_from_file else ref.label,
                value_labels=var.value_labels or ref.value_labels,
                missing_values=var.missing_values or ref.missing_values,
                missing_ranges=var.missing_ranges or ref.missing_ranges,
            )
        variables.append(var)
    return replace(own, variables=tuple(variables))


def _export(book: Codebook, fmt: str, drift: list[Drift] | None) -> str:
    if fmt == "yaml":
        return book.to_yaml()
    if fmt == "json":
        return book.to_json() + "\n"
    return book.to_html(drift=drift)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _codes(value_labels: dict, limit: int = 6) -> str:
    items = [f"{_plain(k)}={v}" for k, v in value_labels.items()]
    if len(items) > limit:
        items = [*items[:limit], f"... ({len(value_labels)} labels)"]
    return "; ".join(items)


def _plain(x: object) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


#: The narrowest a wrapped column may become before the table is shown as blocks instead.
_MIN_TEXT_WIDTH = 16


def _rows(book: Codebook) -> list[dict[str, str]]:
    """Each variable's cells, as plain text (escaped when printed)."""
    rows = []
    for v in book:
        missing = [_plain(m) for m in v.missing_values]
        missing += [f"{_plain(lo)}..{_plain(hi)}" for lo, hi in v.missing_ranges]
        rows.append(
            {
                "variable": v.name,
                "label": v.label,
                "type": v.type,
                "measure": "" if v.measure == "unknown" else v.measure,
                "value labels": _codes(v.value_labels),
                "missing": ", ".join(missing),
                "scale": v.scale or "",
            }
        )
    return rows


def _columns(rows: list[dict[str, str]]) -> list[str]:
    """The table's columns: name, label and type always, the others when a variable fills them."""
    always = ("variable", "label", "type")
    return [c for c in rows[0] if c in always or any(r[c] for r in rows)] if rows else list(always)


def _table_fits(rows: list[dict[str, str]], columns: list[str], width: int) -> bool:
    """Whether a table shows every name whole and leaves labels room to read at ``width``.

    The name, type and measure columns need their full width; the texts at least
    :data:`_MIN_TEXT_WIDTH` (or their longest, if shorter); the box takes three characters
    per column and one more.
    """
    need = 1
    for column in columns:
        longest = max([len(column), *(len(r[column]) for r in rows)])
        if column in ("label", "value labels", "missing", "scale"):
            longest = min(longest, max(_MIN_TEXT_WIDTH, len(column)))
        need += longest + 3
    return need <= width


def _print_table(book: Codebook, heading: str, console: Console) -> None:
    """The codebook as a table, or one block per variable when the console is too narrow."""
    from rich.table import Table

    rows = _rows(book)
    columns = _columns(rows)
    if rows and not _table_fits(rows, columns, console.width):
        _print_blocks(rows, heading, console)
    else:
        settings = {
            "variable": {"style": "bold", "overflow": "fold"},
            "label": {"max_width": 48, "overflow": "fold"},
            "type": {"no_wrap": True},
            "measure": {"no_wrap": True},
            "value labels": {"max_width": 48, "overflow": "fold"},
            "missing": {"overflow": "fold"},
            "scale": {"overflow": "fold"},
        }
        table = Table(title=heading, title_justify="left", show_lines=False, expand=False)
        for column in columns:
            table.add_column(column, **settings[column])
        for r in rows:
            table.add_row(*(_escape(r[c]) for c in columns))
        console.print(table)
    if book.mr_sets:
        for name, spec in book.mr_sets.items():
            console.print(
                f"multiple-response set [bold]{_escape(name)}[/] ({spec.get('type')}): "
                f"{_escape(', '.join(map(str, spec.get('variables', []))))}",
                highlight=False,
            )


def _print_blocks(rows: list[dict[str, str]], heading: str, console: Console) -> None:
    """One block per variable: its name on a line of its own, then its fields, indented.

    For narrow terminals (and pipes, which rich treats as 80 columns) and long names: nothing
    is cut off, long names and texts fold onto the next line.
    """
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    console.print(Text(heading, style="italic", overflow="fold"))
    for r in rows:
        console.print()
        kind = ", ".join(x for x in (r["type"], r["measure"]) if x)
        line = Text(r["variable"], style="bold", overflow="fold")
        line.append(f"  ({kind})", style="dim")
        console.print(line)
        fields = Table.grid(padding=(0, 1))
        fields.add_column(style="dim", no_wrap=True, width=len("value labels"))
        fields.add_column(overflow="fold")
        for column in ("label", "value labels", "missing", "scale"):
            if r[column]:
                fields.add_row(column, Text(r[column]))
        if fields.row_count:
            console.print(Padding(fields, (0, 0, 0, 2)))


def _print_drift(drift: list[Drift], name: str, console: Console) -> None:
    from rich.table import Table

    if not drift:
        console.print(f"[green]The raw file matches the reviewed codebook of {_escape(name)}.[/]")
        return
    table = Table(
        title=f"{len(drift)} difference(s) between the reviewed codebook and the raw file",
        title_justify="left",
    )
    table.add_column("variable", style="bold")
    table.add_column("kind")
    table.add_column("detail")
    for d in drift:
        table.add_row(_escape(d.variable), d.kind, _escape(d.detail))
    console.print(table)
    console.print(
        "Update data/codebooks/" + _escape(name) + ".yml if the change is intended, or ask the supplier "
        "about it; then run `bruggen validate`.",
        highlight=False,
    )
