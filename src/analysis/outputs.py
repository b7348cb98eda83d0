"""Writing what Bruggen publishes: whole files or nothing.

Every output (a report page, a tables workbook, the validation report) is rendered in memory
first, then written to a temporary file beside its target and moved into place. A failure
halfway never leaves a half-written file, and an earlier version stays until the new one is
complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Output:
    """One rendered file, waiting to be written: a path relative to the output folder, and bytes."""

    relpath: str
    content: bytes


def write_outputs(outputs: Iterable[Output], folder: str | Path) -> list[Path]:
    """Write every output atomically (temporary file, then rename) and return the paths."""
    written = []
    for output in outputs:
        target = Path(folder) / output.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(output.content)
            os.chmod(tmp, file_mode())  # mkstemp makes 0600; a report is an ordinary file
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def file_mode() -> int:
    """The permissions of an ordinary new file under the process's umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
