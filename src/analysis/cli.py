"""The ``bruggen`` command.

Every subcommand is a thin layer over the library: it parses arguments, calls one function,
and prints a short summary with rich. Heavy libraries (great-expectations, statsmodels,
plotly) are imported inside the commands, so ``bruggen --help`` answers at once.

Exit status: 0 success; 1 the validation gate found problems; 2 bad input or configuration
(a :class:`~analysis.errors.BruggenError`, printed without a traceback unless ``--debug``);
3 an internal error (a bug in Bruggen), also printed without a traceback unless ``--debug``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from analysis.errors import BruggenError

app = typer.Typer(
    name="bruggen",
    help="Bruggen: validated survey and interview data, reproducible analyses and KIS-style reports "
    "for research on formal-informal collaboration.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
console = Console(stderr=True)
out = Console()

_state = {"debug": False}

StudyOption = Annotated[
    Path | None,
    typer.Option(
        "--study",
        "-s",
        help="The study.yml to use (default: $BRUGGEN_STUDY or ./study.yml).",
        show_default=False,
    ),
]


def _print_version(value: bool) -> None:
    if value:
        from analysis import __version__

        out.print(f"bruggen {__version__}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks for errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print Bruggen's version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    _state["debug"] = debug


def _study(path: Path | None):
    from analysis.study import Study

    return Study.from_yaml(path)


@app.command()
def example(
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the example study's raw files into.")
    ] = Path("data/raw"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 2019,
    codebooks: Annotated[
        Path | None,
        typer.Option(help="Folder for the codebooks (default: 'codebooks' beside the --out folder)."),
    ] = None,
) -> None:
    """(Re)generate the synthetic example study: survey, referral log, municipality frame, interviews.

    Writes the raw files, PLANTED.yml and a names list into --out; the codebooks into --codebooks.
    """
    from analysis import example as ex

    written = ex.write_study(out_dir, seed=seed, codebooks_dir=codebooks)
    for path in written:
        out.print(f"wrote {path}")


@app.command()
def codebook(
    path: Annotated[
        Path, typer.Argument(help="A data file (.sav, .csv, .xlsx, .qdpx, ...) or a dataset name.")
    ],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Write the codebook as yaml, json or html.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    study: StudyOption = None,
    variables: Annotated[
        bool,
        typer.Option("--variables", help="For an interview project: also list the codings table's columns."),
    ] = False,
) -> None:
    """Show a file's codebook, export it, or show how it drifted from the study's reviewed codebook.

    Given a dataset name of the study (e.g. enquete), compares the raw file's own
    metadata with `data/codebooks/DATASET.yml` and lists renamed variables, changed labels and
    new codes. For an interview project (.qdpx, .qde, QualCoder, Taguette) it shows the code
    system: every code as a tree with colour, codings, documents and description.
    """
    from analysis import codebook_cli

    codebook_cli.run(path, fmt=format, output=output, study_path=study, console=out, variables=variables)


@app.command()
def validate(
    study: StudyOption = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="Folder for validatie.html/json (default: from study.yml)."),
    ] = None,
    junit: Annotated[
        Path | None,
        typer.Option(
            "--junit",
            help="Also write a JUnit XML test report to this file (one test per check), for CI.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the validation gate on every dataset of the study; exit 1 when anything fails.

    Writes reports/validatie.html (readable, in Dutch) and reports/validatie.json; with
    --junit FILE also a JUnit XML report that CI systems show as test results. Always runs
    every check (never a stored result); a pass is stored in the study's processed folder so
    that `bruggen report` and analysis.load() with the same inputs do not check again.
    """
    s = _study(study)
    from analysis.validate import cache, gate
    from analysis.validate.text_checks import check_texts

    check_texts(s)
    result = gate.run(s)
    cache.store(s, result)
    gate.write(result, reports or s.reports_dir)
    if junit is not None:
        from analysis.validate.junit import write_junit

        write_junit(result, junit)
    gate.print_summary(result, out)
    if not result.passed:
        raise typer.Exit(1)


@app.command()
def report(
    study: StudyOption = None,
    municipality: Annotated[
        list[str] | None,
        typer.Option(
            "--gemeente",
            "-g",
            help="Also render a report per municipality code (repeatable; 'all').",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="Report language: nl or en (default: from study.yml).")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print each report to PDF through headless Chromium.")
    ] = False,
    notebooks: Annotated[
        bool,
        typer.Option("--notebooks", help="Also execute the notebooks as HTML into reports/notebooks/."),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes for the municipality reports (default: this machine's cores, at most 4).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate, analyse and render the study's HTML reports into reports/.

    Refuses to render when the validation gate fails; earlier reports are left untouched.
    With --pdf, each report page is also printed to a PDF beside it (print stylesheet, A4); with
    --notebooks, the analysis notebooks are executed and written as HTML for the team.
    """
    s = _study(study)
    from analysis import result_cache
    from analysis.report import build

    result_cache.enable()  # whole-study results of unchanged inputs and code are reused
    try:
        written = build.build_reports(
            s, municipalities=municipality or [], lang=lang, jobs=jobs or build.default_jobs()
        )
    finally:
        result_cache.enable(False)
    for path in written:
        out.print(f"wrote {path}")
    if pdf:
        from analysis.report.pdf import print_pdf

        for path in written:
            if path.suffix == ".html" and path.name != "validatie.html":
                out.print(f"wrote {print_pdf(path)}")
    if notebooks:
        from analysis.report.notebooks import render_notebooks

        for path in render_notebooks(s.path("notebooks", "notebooks"), s.reports_dir / "notebooks"):
            out.print(f"wrote {path}")


@app.command()
def lab(
    study: StudyOption = None,
    port: Annotated[int | None, typer.Option(help="Port for JupyterLab.")] = None,
) -> None:
    """Start JupyterLab in the study's notebooks/ folder with the project's kernel."""
    import os
    import subprocess

    folder = _study(study).root / "notebooks"
    cmd = [sys.executable, "-m", "jupyter", "lab", "--notebook-dir", str(folder)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI machines run as root
        cmd.append("--allow-root")
    if port:
        cmd += ["--port", str(port)]
    raise typer.Exit(subprocess.call(cmd))


@app.command()
def init(
    folder: Annotated[
        Path, typer.Argument(help="The folder with your data files (default: the current folder).")
    ] = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing study.yml, its codebooks and suites.")
    ] = False,
) -> None:
    """Describe a folder of data files as a study: study.yml with a proposed plan, codebooks, suites.

    Reads every data file in FOLDER/data/raw (or, without it, in FOLDER and its subfolders),
    writes codebooks/DATASET.yml, expectations/DATASET.json and study.yml with a proposed
    analysis plan. Every guess in study.yml carries a REVIEW comment saying what it was
    guessed from; what it could not find, a NOT FOUND comment. Refuses to overwrite an
    existing study.yml unless --force.
    """
    from analysis import init as init_mod

    result = init_mod.init_study(
        folder, force=force, warn=lambda line: console.print("warning: " + _escape(line), highlight=False)
    )
    for line in init_mod.summary(result, str(folder)):
        out.print(_escape(line), highlight=False, soft_wrap=True)


@app.command()
def suites(
    datasets: Annotated[
        list[str] | None,
        typer.Argument(help="Dataset names (default: every dataset of the study).", show_default=False),
    ] = None,
    study: StudyOption = None,
) -> None:
    """Regenerate the validation suites (expectations/DATASET.json) from the codebooks.

    Run it after editing a codebook. Hand-written expectations in the JSON are kept; a suite
    whose codebook did not change is left byte for byte as it was.
    """
    s = _study(study)
    from analysis.validate.suites import regenerate_study

    for name in datasets or []:
        s.entry(name)  # a clear error for an unknown dataset
    for path, changed in regenerate_study(s, list(datasets) if datasets else None):
        out.print(f"{'wrote' if changed else 'unchanged'} {path}", highlight=False, soft_wrap=True)


@app.command()
def export(
    project: Annotated[
        Path,
        typer.Argument(
            help="A REFI-QDA project (.qdpx or .qde), a QualCoder project (NAME.qda) or a Taguette export (.sqlite3)."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="File to write: .qdpx (the project) or .qdc (its code system)."),
    ],
) -> None:
    """Write a REFI-QDA project back for the QDA package: as a project (.qdpx) or its code system (.qdc).

    The export validates against the REFI-QDA schema and reads back to the same codings, so coding
    can go on in ATLAS.ti, NVivo, MAXQDA or QualCoder.
    """
    from analysis.errors import ReadError
    from analysis.ingest import read
    from analysis.qda_export import write_qdc, write_qdpx

    kind = output.suffix.lower()
    if kind not in (".qdpx", ".qdc"):
        raise ReadError(
            f"cannot export to {output.name}: the file must end in .qdpx or .qdc",
            hint="bruggen export P.qdpx -o P.qdc",
        )
    dataset = read(project)
    if "codes" not in dataset.tables or "users" not in dataset.tables:
        raise ReadError("this is not a REFI-QDA project", path=project, hint="give a .qdpx or .qde file")
    written = write_qdc(dataset.tables["codes"], output) if kind == ".qdc" else write_qdpx(dataset, output)
    out.print(f"wrote {written}", highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point: run the app; a BruggenError becomes a readable message.

    Exit 1 when the validation gate refused the data, 2 for any other bad input.
    """
    from analysis.errors import ValidationFailed

    try:
        # standalone_mode=False lets BruggenError reach us; click then *returns* the code
        # of a typer.Exit instead of exiting, so pass it on.
        code = app(standalone_mode=False)
    except BruggenError as exc:
        if _state["debug"]:
            raise
        console.print("[bold red]error:[/] " + _escape(str(exc)), highlight=False, soft_wrap=True)
        sys.exit(1 if isinstance(exc, ValidationFailed) else 2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        console.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        exc.show()
        sys.exit(getattr(exc, "exit_code", 2))
    except Exception as exc:  # a bug in Bruggen: no traceback for the researcher, but say so
        if _state["debug"]:
            raise
        console.print(
            "[bold red]internal error:[/] "
            + _escape(f"{type(exc).__name__}: {exc}")
            + "\n  This is a bug in Bruggen, not in your data. Run the command again with --debug "
            "(bruggen --debug ...) and send the output to the Bruggen maintainers.",
            highlight=False,
        )
        sys.exit(3)
    sys.exit(code if isinstance(code, int) else 0)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


if __name__ == "__main__":
    main()
