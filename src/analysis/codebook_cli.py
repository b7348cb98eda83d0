"""``bruggen codebook``: show, export, or check a codebook for drift.

``bruggen codebook FILE`` prints the codebook any readable file carries (or Bruggen infers) as
a table; ``--format yaml|json|html`` writes it. ``bruggen codebook DATASET`` (a name from
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


def _print_table(book: Codebook, heading: str, console: Console) -> None:
    from rich.table import Table

    table = Table(title=heading, title_justify="left", show_lines=False, expand=False)
    table.add_column("variable", style="bold", no_wrap=True)
    table.add_column("label", max_width=48)
    table.add_column("type")
    table.add_column("measure")
    table.add_column("value labels", max_width=48)
    table.add_column("missing")
    table.add_column("scale")
    for v in book:
        missing = [_plain(m) for m in v.missing_values]
        missing += [f"{_plain(lo)}..{_plain(hi)}" for lo, hi in v.missing_ranges]
        table.add_row(
            _escape(v.name),
            _escape(v.label),
            v.type,
            "" if v.measure == "unknown" else v.measure,
            _escape(_codes(v.value_labels)),
            _escape(", ".join(missing)),
            _escape(v.scale or ""),
        )
    console.print(table)
    if book.mr_sets:
        for name, spec in book.mr_sets.items():
            console.print(
                f"multiple-response set [bold]{_escape(name)}[/] ({spec.get('type')}): "
                f"{_escape(', '.join(map(str, spec.get('variables', []))))}",
                highlight=False,
            )


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
