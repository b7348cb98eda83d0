"""Reading the files a researcher brings, with their metadata.

One entry point, :func:`read`, chooses the reader by the file's extension (and, for ``.txt``,
its content) and returns a :class:`Dataset`: the frame and its
:class:`~analysis.codebook.Codebook`. Reading never writes next to the raw file and never
changes it.

=====================  ==========================================  ===========================
extension              reader                                      dialects
=====================  ==========================================  ===========================
.sav .zsav .por        :mod:`analysis.ingest.spss`
.csv .tsv .xlsx .xlsm  :mod:`analysis.ingest.tabular`              qualtrics, qualtrics_legacy,
                                                                   limesurvey, plain, statline,
                                                                   codings
.qdpx .qde             :mod:`analysis.ingest.qda` (REFI-QDA)
.qda (folder or file)  :mod:`analysis.ingest.qda_sqlite`
                       (QualCoder project, or its data.qda)
.sqlite3               :mod:`analysis.ingest.qda_sqlite`
                       (Taguette project export)
.docx                  :mod:`analysis.ingest.qda` (a transcript)   transcript
.txt                   transcript, or a delimited table            transcript or any of the above
=====================  ==========================================  ===========================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.errors import ReadError
from analysis.ingest.dataset import Dataset

__all__ = ["OPTIONS", "READERS", "Dataset", "read"]

#: Extension -> reader module name (inside ``analysis.ingest``).
READERS: dict[str, str] = {
    ".sav": "spss",
    ".zsav": "spss",
    ".por": "spss",
    ".csv": "tabular",
    ".tsv": "tabular",
    ".txt": "tabular",
    ".xlsx": "tabular",
    ".xlsm": "tabular",
    ".qdpx": "qda",
    ".qde": "qda",
    ".qda": "qda_sqlite",
    ".sqlite3": "qda_sqlite",
    ".docx": "qda",
}

#: Options a study may give any dataset (``options:`` in study.yml); every reader accepts them
#: all and ignores those that mean nothing for its format.
OPTIONS: dict[str, str] = {
    "dataset": "the dataset name (defaults to the file stem)",
    "codebook": "a reviewed Codebook to apply",
    "sheet": "worksheet name or 0-based number of an Excel workbook",
    "encoding": "character encoding of a text or old SPSS file, e.g. windows-1252",
    "dialect": "how the file is laid out: qualtrics, qualtrics_legacy, limesurvey, plain, statline, "
    "codings, transcript, or auto",
}


def read(path: str | Path, **options: Any) -> Dataset:
    """Read any supported file into a :class:`Dataset`.

    Parameters
    ----------
    path
        A ``.sav``, ``.zsav``, ``.por``, ``.csv``, ``.tsv``, ``.txt``, ``.xlsx``, ``.xlsm``,
        ``.qdpx``, ``.qde`` or ``.docx`` file, a QualCoder project (the ``NAME.qda`` folder
        or its ``data.qda``) or a Taguette project export (``.sqlite3``).
    **options
        The options in :data:`OPTIONS`, passed to the format's reader (for example
        ``dialect="qualtrics"`` for a survey export, or ``codebook=`` to apply a reviewed
        codebook). Options that mean nothing for a format are ignored.

    Returns
    -------
    Dataset
        The frame (labelled categoricals, user-missing codes as missing) and its codebook.
        Without a reviewed ``codebook``, columns that hold personal data (open answers,
        names, e-mail addresses, ...; :mod:`analysis.ingest.personal`) are marked ``pii`` in
        the inferred codebook, and the dataset's warnings say which and why.

    Raises
    ------
    ReadError
        The file does not exist, has an unsupported extension, an option is unknown, or the
        file cannot be read; the message says which and what to do.

    Examples
    --------
    >>> from analysis.ingest import read
    >>> ds = read("data/raw/enquete.sav")  # doctest: +SKIP
    >>> ds.frame.head()  # doctest: +SKIP
    """
    import importlib

    path = Path(path)
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ReadError(
            f"unknown reading option(s): {', '.join(unknown)}",
            path=path,
            hint="the options a dataset may have are " + "; ".join(f"{k} ({v})" for k, v in OPTIONS.items()),
        )
    if not path.exists():
        raise ReadError(
            "file not found", path=path, hint="check the path in study.yml or on the command line"
        )
    if path.is_dir() and path.suffix.lower() != ".qda":
        raise ReadError(
            "this is a folder, not a data file",
            path=path,
            hint="give a data file; the only folder Bruggen reads is a QualCoder project (NAME.qda)",
        )
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ReadError(
            f"Bruggen cannot read {suffix or 'extension-less'} files",
            path=path,
            hint=f"supported: {', '.join(sorted(READERS))}; export the data to one of these",
        )
    module_name = READERS[suffix]
    if suffix == ".txt" and _is_transcript(path, options.get("dialect")):
        module_name = "qda"
    module = importlib.import_module(f"analysis.ingest.{module_name}")
    dataset = module.read(path, **options)
    if options.get("codebook") is None:
        # a codebook inferred from the file: mark what holds personal data (a reviewed codebook is
        # the researcher's word; the validation gate reports what it leaves unmarked)
        from analysis.ingest.personal import mark

        dataset = mark(dataset)
    return dataset


def _is_transcript(path: Path, dialect: str | None) -> bool:
    """Whether a ``.txt`` file is an interview transcript rather than a delimited table."""
    if dialect and dialect != "auto":
        return dialect == "transcript"
    import csv

    with path.open("rb") as fh:
        head = fh.read(16_384)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if len(lines) < 2:
        return True
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters="\t;,|")
    except csv.Error:
        return True
    counts = {line.count(sniffed.delimiter) for line in lines[:-1]}
    return not (len(counts) == 1 and counts.pop() >= 1 and sniffed.delimiter in "\t;|")
