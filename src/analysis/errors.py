"""One exception hierarchy for everything a researcher can get wrong.

Every error that bad input can cause is a :class:`BruggenError`. The CLI catches
``BruggenError`` once, prints its message and exits with status 2 (status 1 is
reserved for "the validation gate found problems"). Messages are written for a
researcher: they name the file, the variable or row, what is wrong, and what to do.
"""

from __future__ import annotations

from pathlib import Path


class BruggenError(Exception):
    """Base class: a problem with the researcher's input or configuration.

    Parameters
    ----------
    message
        What is wrong, in one or two sentences.
    path
        The file the problem is about, if any.
    hint
        What to do about it.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(f"{self.path}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f"\n  What to do: {self.hint}")
        return "".join(parts)


class StudyConfigError(BruggenError):
    """``study.yml`` is missing, malformed, or names something that does not exist."""


class ReadError(BruggenError):
    """A data file could not be read (corrupt, encrypted, wrong format, unknown encoding)."""


class CodebookError(BruggenError):
    """A codebook YAML file is malformed or disagrees with its dataset."""


class ValidationFailed(BruggenError):
    """The validation gate failed; nothing may be analysed or published."""


class DisclosureError(BruggenError):
    """An output would break the study's disclosure-control policy."""
