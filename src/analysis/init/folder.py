"""A folder of data files becomes a study: reading it, writing study.yml, codebooks and suites, and the summary."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import BruggenError, StudyConfigError
from analysis.init.model import Proposal
from analysis.init.proposal import propose
from analysis.init.table import (
    Table,
    _snake,
)

#: Folders that are never searched for data: Bruggen's own output and tool folders.
SKIP_DIRS = frozenset(
    {"codebooks", "expectations", "reports", "processed", "notebooks", "node_modules", "__pycache__", "venv"}
)
#: A text file with this kind of name is a list of names and places to pseudonymise, not data.
NAMES_FILE = re.compile(r"^(namen|names?|naam|pseudonym\w*)[ _-]?(lijst|list)?$|namenlijst|names?[ _-]?list")

#: Disclosure-control defaults, as in the example study.
DISCLOSURE = {"min_count": 10, "min_denominator": 20, "round_to": None, "k": 5}


def data_folder(folder: Path) -> Path:
    """Where init looks for data: ``FOLDER/data/raw`` when it exists, else ``FOLDER`` itself."""
    raw = folder / "data" / "raw"
    return raw if raw.is_dir() else folder


def find_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(data files, names files) under the data folder, in a stable order.

    Hidden folders and Bruggen's own folders (:data:`SKIP_DIRS`) are not searched.
    """
    from analysis.ingest import READERS

    data, names = [], []
    root = data_folder(folder)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if any("_BKUP_" in part and part.lower().endswith(".qda") for part in rel.parts[:-1]):
            continue  # a backup QualCoder made of the project next to it
        project = next((i for i, part in enumerate(rel.parts[:-1]) if part.lower().endswith(".qda")), None)
        if project is not None and not (project == len(rel.parts) - 2 and path.name.lower() == "data.qda"):
            continue  # a QualCoder project is one dataset (its data.qda): its documents are inside it
        if path.suffix.lower() == ".txt" and NAMES_FILE.search(_snake(path.stem)):
            names.append(path)
        elif path.suffix.lower() in READERS:
            data.append(path)
    return data, names


@dataclass
class InitResult:
    """What :func:`init_study` did: for the summary the command prints."""

    study_file: Path
    tables: list[Table]
    skipped: list[tuple[Path, str]]
    proposal: Proposal
    written: list[Path]
    suites: list[tuple[Path, bool]]
    text: str

    @property
    def n_review(self) -> int:
        return self.text.count("# REVIEW:")


def read_tables(
    folder: Path, warn: Callable[[str], None] | None = None
) -> tuple[list[Table], list[tuple[Path, str]], list[Path]]:
    """Read every data file in ``folder``; files that cannot be read are skipped (with the reason)."""
    from analysis.ingest import read

    files, names = find_files(folder)
    tables: list[Table] = []
    skipped: list[tuple[Path, str]] = []
    used: set[str] = set()
    for path in files:
        # A QualCoder project is named by its folder (NAME.qda/data.qda).
        base = _snake(path.parent.stem if path.name.lower() == "data.qda" else path.stem) or "dataset"
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        try:
            ds = read(path, dataset=name)
        except BruggenError as exc:
            reason = exc.message.splitlines()[0]
        except Exception as exc:  # a file no reader understands must never stop init
            reason = f"could not be read ({type(exc).__name__}: {exc})"
        else:
            if len(ds.frame.columns) == 0:
                reason = "has no columns"
            else:
                used.add(name)
                tables.append(Table(name, path, ds))
                continue
        skipped.append((path, reason))
        if warn is not None:
            warn(f"skipped {path}: {reason}")
    return tables, skipped, names


def init_study(
    folder: str | Path = ".", *, force: bool = False, warn: Callable[[str], None] | None = None
) -> InitResult:
    """Describe the data files in ``folder`` as a study: study.yml, codebooks and suites.

    Parameters
    ----------
    folder
        The study's folder; data are read from ``folder/data/raw`` when it exists, else from
        ``folder`` and its subfolders.
    force
        Overwrite an existing ``study.yml``, codebooks and suites.
    warn
        Called with a line for every file that was skipped.

    Raises
    ------
    StudyConfigError
        The folder does not exist, holds no readable data file, or already has a study.yml
        (without ``force``).
    """
    from analysis.codebook import describe_observed
    from analysis.study import Study
    from analysis.validate.suites import regenerate_study

    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise StudyConfigError(
            "this folder does not exist", path=folder, hint="give the folder that holds your data files"
        )
    study_file = folder / "study.yml"
    if study_file.exists() and not force:
        raise StudyConfigError(
            "a study.yml exists already; bruggen init does not overwrite it",
            path=study_file,
            hint="edit it, or run `bruggen init --force` to replace it (and its codebooks) with a fresh proposal",
        )
    tables, skipped, names = read_tables(folder, warn)
    if not tables:
        from analysis.ingest import READERS

        where = data_folder(folder)
        what = f"{len(skipped)} file(s) could not be read" if skipped else "no data files"
        raise StudyConfigError(
            f"no data Bruggen can read in this folder ({what})",
            path=where,
            hint=f"put the study's data files here (or in data/raw/): {', '.join(sorted(READERS))}",
        )
    codebooks = {t.name: folder / "codebooks" / f"{t.name}.yml" for t in tables}
    if not force:
        existing = [p for p in codebooks.values() if p.exists()]
        if existing:
            raise StudyConfigError(
                f"codebook(s) exist already: {', '.join(str(p.relative_to(folder)) for p in existing)}",
                path=folder,
                hint="run `bruggen init --force` to overwrite them, or move them away first",
            )
    proposal = propose(tables, _rel(names[0], folder) if names else None)
    text = render(folder, tables, proposal)
    # the proposal must parse: a bug here is ours, so check before writing anything
    config = yaml.safe_load(text)
    Study.from_dict(config, root=folder, source=study_file)

    written = []
    for t in tables:
        path = codebooks[t.name]
        path.parent.mkdir(parents=True, exist_ok=True)
        describe_observed(t.codebook, t.dataset).to_yaml(path)  # the file's own codes, as it holds them
        written.append(path)
    study_file.write_text(text, encoding="utf-8")
    written.insert(0, study_file)
    suites = regenerate_study(Study.from_yaml(study_file))
    return InitResult(study_file, tables, skipped, proposal, written, suites, text)


def _rel(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


# -- writing study.yml ---------------------------------------------------------------------
def _flow(value: Any) -> str:
    """A value as one line of YAML (flow style)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=math.inf, sort_keys=False)
    text = text.strip()
    if text.endswith("..."):
        text = text[:-3].strip()
    return text


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _review(reason: str) -> str:
    return f"  # REVIEW: guessed from {_comment(reason)}"


def _describe(t: Table) -> str:
    kinds = {
        ".sav": "SPSS",
        ".zsav": "SPSS",
        ".por": "SPSS",
        ".qdpx": "REFI-QDA",
        ".qde": "REFI-QDA",
        ".qda": "QualCoder",
        ".sqlite3": "Taguette",
    }
    kind = kinds.get(t.path.suffix.lower(), t.path.suffix.lstrip(".").upper())
    return f"{kind} file {t.path.name}: {t.rows} rows, {len(t.columns)} variables"


def render(folder: Path, tables: list[Table], p: Proposal) -> str:
    """The text of study.yml: settings, datasets and the proposed plan with its comments."""
    name = _snake(folder.name) or "study"
    processed = "data/processed" if data_folder(folder) != folder else "processed"
    lines = [
        "# Written by `bruggen init`: a study description proposed from the data files in this folder.",
        "# Every line marked REVIEW is a guess from names, labels and values: check it against the",
        "# questionnaire and the codebooks (codebooks/), correct or delete it. NOT FOUND says what the",
        "# plan lacks. Then: bruggen validate --study study.yml, and bruggen report --study study.yml.",
        "# Real respondent data never enter git: keep this folder outside the Bruggen repository.",
        f"name: {_flow(name)}",
        f"title: {_flow(folder.name)}",
        "language: nl             # report language: nl or en",
        "",
        "datasets:",
    ]
    for t in tables:
        lines += [
            f"  {t.name}:",
            f"    path: {_flow(_rel(t.path, folder))}",
            f"    codebook: {_flow(f'codebooks/{t.name}.yml')}",
            f"    suite: {_flow(f'expectations/{t.name}.json')}",
            f"    description: {_flow(_describe(t))}",
        ]
    lines += [
        "",
        "paths:",
        "  reports: reports",
        f"  processed: {processed}",
        "",
        "# Statistical disclosure control: applied to every table and figure.",
        "disclosure:",
        f'  min_count: {DISCLOSURE["min_count"]}            # counts below this are shown as "<10"',
        f"  min_denominator: {DISCLOSURE['min_denominator']}      # percentages only with at least this many in the denominator",
        "  round_to: null           # e.g. 5 to round published counts to multiples of 5",
        f"  k: {DISCLOSURE['k']}                     # k-anonymity for any respondent-level export",
    ]
    if p.quasi_identifiers:
        lines.append(
            f"  quasi_identifiers: {_flow(p.quasi_identifiers.value)}{_review(p.quasi_identifiers.reason)}"
        )
    else:
        lines.append(
            "  quasi_identifiers: []    # NOT FOUND: list the columns that could identify a respondent"
        )
    lines += ["", "privacy:"]
    if p.names_file:
        lines.append(f"  names_file: {_flow(p.names_file.value)}{_review(p.names_file.reason)}")
    else:
        lines.append(
            "  # NOT FOUND: names_file: a text file of names and places to replace in open text and quotes"
        )
    lines += [
        "",
        "# The analysis plan: which of this study's variables plays each part the library knows.",
        '# Category values may be given as the stored code (1) or as the value label ("formeel").',
        "plan:",
    ]
    for part in ("survey", "municipalities", "referrals", "interviews"):
        guesses = p.parts.get(part, [])
        missing = p.missing.get(part, [])
        if not guesses:
            for text in missing:
                lines.append(f"  # NOT FOUND: {part}: {_comment(text)}")
            continue
        lines.append(f"  {part}:")
        groups_open: set[str] = set()
        for g in guesses:
            if "." in g.key:
                group, sub = g.key.split(".", 1)
                if group not in groups_open:
                    groups_open.add(group)
                    lines.append(f"    {group}:")
                lines.append(f"      {_key(sub)}: {_flow(g.value)}{_review(g.reason)}")
            else:
                lines.append(f"    {g.key}: {_flow(g.value)}{_review(g.reason)}")
        for text in missing:
            lines.append(f"    # NOT FOUND: {_comment(text)}")
    lines += [
        "",
        '# The analyses: each is study.analyse("<name>") in a notebook and fills its chapter of the report.',
        "analyses:",
    ]
    for g in p.analyses:
        lines.append(f"  {g.key}: {_flow(g.value)}{_review(g.reason)}")
    for text in p.missing.get("analyses", []):
        lines.append(f"  # NOT FOUND: {_comment(text)}")
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    return _flow(name) if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name) else name


# -- the summary ---------------------------------------------------------------------------
def summary(result: InitResult, folder_arg: str) -> list[str]:
    """The lines ``bruggen init`` prints: what was read, the plan, what to review, what next."""
    p = result.proposal
    study = folder_arg.rstrip("/") + "/study.yml" if folder_arg not in ("", ".") else "study.yml"
    lines = [f"Read {len(result.tables)} file(s), skipped {len(result.skipped)}."]
    parts = {g.value: part for part, gs in p.parts.items() for g in gs if g.key == "dataset"}
    for t in result.tables:
        role = parts.get(t.name)
        lines.append(
            f"  {t.name:<24} {t.rows:>7} rows {len(t.columns):>4} variables"
            + (f"  -> {role}" if role else "")
        )
    lines.append("Proposed plan:")
    for part, guesses in p.parts.items():
        roles = [g.key for g in guesses if g.key != "dataset"]
        lines.append(f"  {part}: {', '.join(roles) if roles else '(dataset only)'}")
    if p.analyses:
        lines.append(f"  analyses: {', '.join(g.key for g in p.analyses)}")
    else:
        lines.append("  analyses: none (the plan binds too little for any)")
    n_missing = sum(len(v) for v in p.missing.values())
    lines.append(
        f"Review {result.n_review} line(s) marked REVIEW and {n_missing} NOT FOUND note(s) in {result.study_file}, "
        f"and the codebooks in {result.study_file.parent / 'codebooks'}."
    )
    lines += [
        "Next:",
        f"  bruggen validate --study {study}",
        f"  bruggen report --study {study}",
        "  (after editing a codebook: bruggen suites --study " + study + ")",
    ]
    return lines
