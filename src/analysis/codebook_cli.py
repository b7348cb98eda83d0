"""``bruggen codebook``: show, export, or check a codebook for drift.

``bruggen codebook FILE`` prints the codebook any readable file carries (or Bruggen infers) as
a table, or one block per variable when the terminal is too narrow for the table (long names;
a pipe counts as 80 columns); ``--format yaml|json|html`` writes it. ``bruggen codebook DATASET`` (a name from
study.yml) reads the raw file's own metadata and lists how it drifts from the study's reviewed
``data/codebooks/<dataset>.yml``: renamed, added and removed variables, changed labels and types,
new or dropped codes, changed missing codes.

For an interview project (REFI-QDA ``.qdpx``/``.qde``, QualCoder, Taguette, a codings table)
and for a REFI-QDA codebook (``.qdc``, as ``bruggen export P.qdpx -o P.qdc`` writes it)
the codebook a researcher means is the code system: ``bruggen codebook project.qdpx`` prints a
header (codes, levels, codings, documents, codes without codings), then every code as a tree
with its colour, own codings and documents, the same with its sub-codes, and its description
(:mod:`analysis.codesystem`). ``--variables`` adds the table of the codings table's columns;
the exports carry the code system too (``code_system`` in YAML/JSON, a section of the HTML).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import BruggenError

if TYPE_CHECKING:
    from rich.console import Console

    from analysis.codebook import Codebook, Drift
    from analysis.codesystem import CodeSystem
    from analysis.ingest.dataset import Dataset

__all__ = ["FORMATS", "run"]

FORMATS = ("yaml", "json", "html")


def run(
    path: Path | str,
    *,
    fmt: str | None = None,
    output: Path | str | None = None,
    study_path: Path | str | None = None,
    console: Console | None = None,
    variables: bool = False,
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
    variables
        For an interview project: also print the table of the codings table's columns after
        the code system (a survey file always shows its variables).

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
    if path.suffix.lower() == ".qdc":  # a REFI-QDA codebook: the code system alone
        from analysis.ingest.qda import read_qdc

        dataset = read_qdc(path)
        book = dataset.codebook
        warnings = ()
        heading = f"{path.name}: a REFI-QDA codebook"
        label = path.name
    elif path.is_file() or path.suffix:
        dataset = read(path)
        book = dataset.codebook
        warnings = dataset.warnings
        heading = f"{path.name}: {len(dataset.frame)} rows, {len(book)} variables"
        label = path.name
    else:
        book, drift, warnings, heading, dataset = _study_codebook(str(path), study_path)
        label = str(path)
    codes = _code_system(dataset)
    if fmt is not None:
        text = _export(book, fmt, drift, codes)
        if output is not None:
            out = Path(output)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            console.print(f"wrote {out}", highlight=False)
        else:
            console.print(text, markup=False, highlight=False, soft_wrap=True, end="")
        return len(drift or [])
    if codes is not None:
        _print_code_system(codes, label, console, codebook_only=path.suffix.lower() == ".qdc")
        if codes.codings == 0:
            # The code system's own note says it plainly; the reader's would repeat it.
            warnings = tuple(w for w in warnings if not w.startswith("the project has no codings"))
        if variables:
            console.print()
            _print_table(
                book, f"The codings table of {label}: one row per coding, {len(book)} columns", console
            )
        else:
            console.print(
                f"The codings table has {len(book)} columns; `bruggen codebook {_escape(str(path))} "
                "--variables` lists them.",
                highlight=False,
                style="dim",
            )
    else:
        _print_table(book, heading, console)
    for w in warnings:
        console.print(f"[yellow]note:[/] {_escape(w)}", highlight=False)
    if drift is not None:
        _print_drift(drift, book.dataset, console)
    return len(drift or [])


def _study_codebook(
    name: str, study_path: Path | str | None
) -> tuple[Codebook, list[Drift] | None, tuple[str, ...], str, Dataset]:
    """The reviewed codebook of a study's dataset, its drift from the raw file, and the raw read."""
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
        return raw.codebook, None, warnings, heading, raw
    own = raw.codebook
    suffix = entry.path.suffix.lower()
    if suffix not in (".sav", ".zsav", ".por"):
        own = _fill_gaps(own, reviewed, labels_from_file=suffix not in QDA_SUFFIXES)
    return reviewed, reviewed.diff(own, detect_renames=True), raw.warnings, heading, raw


#: Interview files: their codings table's labels are Bruggen's own, never drift against the review.
QDA_SUFFIXES = (".qdpx", ".qde", ".qda", ".sqlite3", ".docx", ".txt")


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


def _code_system(dataset: Dataset) -> CodeSystem | None:
    """The code system of an interview project or codings table; ``None`` for other files."""
    from analysis.codesystem import code_system

    if "codes" not in (dataset.tables or {}):
        return None
    return code_system(dataset)


def _export(book: Codebook, fmt: str, drift: list[Drift] | None, codes: CodeSystem | None = None) -> str:
    """The codebook as YAML, JSON or HTML; a project's code system goes with it.

    In YAML and JSON the code system is the top-level key ``code_system`` (a reviewed codebook
    read back with :meth:`Codebook.from_yaml` ignores it); in HTML it is a section after the
    variables.
    """
    if codes is None:
        if fmt == "yaml":
            return book.to_yaml()
        if fmt == "json":
            return book.to_json() + "\n"
        return book.to_html(drift=drift)
    if fmt in ("yaml", "json"):
        import json

        import yaml

        data = {**book.to_dict(), "code_system": codes.to_dict()}
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    from analysis.codesystem import CSS

    page = book.to_html(drift=drift)
    page = page.replace("</style>", CSS + "</style>", 1)
    head, _, tail = page.rpartition("</body>")
    return head + codes.to_html() + "\n</body>" + tail


#: The most lines a code's description takes in the terminal; the exports carry it in full.
_DESCRIPTION_LINES = 2


def _print_code_system(
    codes: CodeSystem, label: str, console: Console, *, codebook_only: bool = False
) -> None:
    """The code system as a tree: colour, own codings and documents, with sub-codes, description.

    One line per code (its name folds within the name column, indented by its depth), the
    counts at the right, and under it the description over the console's width (80 columns in
    a pipe), cut after :data:`_DESCRIPTION_LINES` lines with an ellipsis. The colour is a
    swatch and its hex value, so it can be read without seeing colour.
    """
    from rich.style import Style
    from rich.text import Text

    console.print(Text(f"{label}: {codes.summary()}", style="bold", overflow="fold"))
    if codebook_only:
        console.print(
            "A REFI-QDA codebook (.qdc) holds the code system only: no codings or documents to count.",
            highlight=False,
            markup=False,
        )
    elif codes.codings == 0:
        console.print(
            f"There are no codings yet: all {len(codes)} codes are listed with 0. Code the "
            "interviews in your QDA program, then read the project (or a new export of it) again.",
            highlight=False,
            markup=False,
        )
    if not len(codes):
        console.print("The project has no codes.", highlight=False)
        return
    nested = any(c.children for c in codes)
    widths = {
        "colour": max([len("colour"), *(len(c.color or "") + 2 for c in codes)]),
        "codings": max([len("codings"), *(len(str(c.codings)) for c in codes)]),
        "docs": max([len("docs"), *(len(str(c.documents)) for c in codes)]),
    }
    totals = {c.guid: f"{c.codings_total} in {c.documents_total}" if c.children else "" for c in codes}
    if nested:
        widths["with sub-codes"] = max([len("with sub-codes"), *(len(t) for t in totals.values())])
    right = sum(widths.values()) + 2 * len(widths)
    width = console.width
    name_width = max(16, width - right)

    def line(left: Text, cells: list[Text | str]) -> Text:
        out = left.copy()
        out.append(" " * max(0, name_width - left.cell_len))
        for (column, w), cell in zip(widths.items(), cells, strict=True):
            cell = cell if isinstance(cell, Text) else Text(cell)
            pad = " " * max(0, w - cell.cell_len)
            out.append("  ")
            if column == "colour":
                out.append_text(cell)
                out.append(pad)
            else:
                out.append(pad)
                out.append_text(cell)
        return out

    console.print(line(Text("code", style="bold"), [Text(k, style="bold") for k in widths]), no_wrap=True)
    console.print("\u2500" * min(width, name_width + right), style="dim", no_wrap=True)
    for c in codes:
        indent = "  " * min(c.depth, 8)
        name = Text(c.name, style="bold" if c.children else "")
        if not c.codable:
            name.append(" (not codable)", style="dim")
        lines = name.wrap(console, max(8, name_width - len(indent) - 1))
        colour = Text()
        if c.color:
            try:
                colour.append("\u25a0 ", style=Style(color=c.color))
            except Exception:  # a colour rich cannot show: the hex value alone
                colour.append("  ")
            colour.append(c.color)
        cells: list[Text | str] = [colour, str(c.codings), str(c.documents)]
        if nested:
            cells.append(totals[c.guid])
        for i, part in enumerate(lines):
            left = Text(indent) + part
            console.print(line(left, cells) if i == 0 else left, no_wrap=True)
        if c.description:
            text = Text(" ".join(c.description.split()), style="dim")
            room = max(16, width - len(indent) - 2)
            wrapped = text.wrap(console, room)
            shown = list(wrapped)[:_DESCRIPTION_LINES]
            if len(wrapped) > _DESCRIPTION_LINES:
                last = shown[-1]
                last.truncate(room - 1)
                last.rstrip()
                last.append("\u2026", style="dim")
            for part in shown:
                console.print(Text(indent + "  ") + part, no_wrap=True)
    if nested:
        console.print(
            "with sub-codes: the codings of a code and of all codes below it, and the number of "
            "documents they are in (each counted once).",
            style="dim",
            highlight=False,
        )
    if codes.orphans:
        refs = ", ".join(r or "(none)" for r in codes.orphan_refs[:5])
        more = " ..." if len(codes.orphan_refs) > 5 else ""
        console.print(
            f"[yellow]note:[/] {codes.orphans} coding(s) refer to codes that are not in the code system "
            f"(code reference {_escape(refs)}{more}); they count in the totals but under no code.",
            highlight=False,
        )


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
                "value labels": "; ".join(
                    part
                    for part in (
                        _codes(v.value_labels),
                        # codes the file holds without a label (analysis.codebook.describe_observed)
                        "no label: " + ", ".join(map(_plain, v.unlabelled_codes))
                        if v.unlabelled_codes
                        else "",
                    )
                    if part
                ),
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
