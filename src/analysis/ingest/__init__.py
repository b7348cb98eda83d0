"""Reading the files a researcher brings, with their metadata.

One entry point, :func:`read`, chooses the reader by the file's content and extension and
returns a :class:`Dataset`: the frame and its :class:`~analysis.codebook.Codebook`.
Reading never writes next to the raw file and never changes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.errors import ReadError
from analysis.ingest.dataset import Dataset

__all__ = ["READERS", "Dataset", "read"]

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
}


def read(path: str | Path, **options: Any) -> Dataset:
    """Read any supported file into a :class:`Dataset`.

    Parameters
    ----------
    path
        A ``.sav``, ``.zsav``, ``.por``, ``.csv``, ``.xlsx``, ``.qdpx`` or ``.qde`` file.
    **options
        Passed to the format's reader (for example ``dialect="qualtrics"`` for a survey
        export, or ``codebook=`` to apply a reviewed codebook).

    Returns
    -------
    Dataset
        The frame (labelled categoricals, user-missing codes as missing) and its codebook.

    Raises
    ------
    ReadError
        The file does not exist, has an unsupported extension, or cannot be read; the message
        says which and what to do.
    """
    import importlib

    path = Path(path)
    if not path.exists():
        raise ReadError(
            "file not found", path=path, hint="check the path in study.yml or on the command line"
        )
    if path.is_dir():
        raise ReadError("this is a folder, not a data file", path=path)
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ReadError(
            f"Bruggen cannot read {suffix or 'extension-less'} files",
            path=path,
            hint=f"supported: {', '.join(sorted(READERS))}; export the data to one of these",
        )
    module = importlib.import_module(f"analysis.ingest.{READERS[suffix]}")
    return module.read(path, **options)
