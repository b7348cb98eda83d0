"""The Parquet cache of prepared frames in the study's ``processed`` folder.

A prepared frame is written as ``<dataset>-<part>-<key>.parquet``, where ``key`` is the first
16 hex digits of a SHA-256 over :meth:`analysis.study.Study.digest` (every input file: study.yml,
raw files, codebooks, suites, names list), the plan's section for the part, and the version of
the code that reads and prepares the frames (:func:`code_version`). Identical inputs find the
file and read it; any changed byte gives a new key and a new file, and the older files of that
dataset and part are removed.
Files are written whole or not at all (:func:`analysis.outputs.write_outputs`).

Reading a Parquet file runs no code of its author's (columns, dtypes by registered name, and
``attrs`` as JSON; pyarrow no longer unpickles extension types), so unlike the pickled stores
of the validation and the results (:mod:`analysis.store_signing`) these files need no
signature: one put into a shared ``processed`` folder by someone else can change no more than
the data it holds.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.prepare import compose
from analysis.validate.cache import settings_bytes

if TYPE_CHECKING:
    import pandas as pd

    from analysis.study import ValidatedStudy

#: Hex digits of the key in a file name.
KEY_LENGTH = 16


#: Library files whose code makes the validated frames a prepared frame starts from: the
#: readers, the codebook and the labelling (besides the prepare package itself).
_READING = ("ingest/*.py", "codebook.py", "labels.py")


@cache
def code_version() -> str:
    """SHA-256 over the prepare package's source, the readers', and the pandas and pyarrow versions.

    Any change to how frames are read, prepared (or stored) invalidates every cached file.
    """
    import pandas as pd
    import pyarrow as pa

    h = hashlib.sha256(f"pandas {pd.__version__} pyarrow {pa.__version__}\n".encode())
    here = Path(__file__).parent
    library = here.parent
    sources = sorted(here.glob("*.py")) + sorted(p for pattern in _READING for p in library.glob(pattern))
    for source in sources:
        h.update(str(source.relative_to(library)).encode() + b"\0" + source.read_bytes() + b"\0")
    return h.hexdigest()


def cache_key(vs: ValidatedStudy, part: str) -> str:
    """The full SHA-256 hex key of a part's prepared frame (see the module docstring)."""
    section = (vs.study.config.get("plan") or {}).get(part)
    h = hashlib.sha256()
    h.update(vs.study.digest().encode() + b"\0")
    h.update(settings_bytes(section) + b"\0")
    h.update(code_version().encode())
    return h.hexdigest()


def cache_path(vs: ValidatedStudy, part: str) -> Path:
    """Where the part's prepared frame for the current inputs lives (it may not exist yet)."""
    dataset = vs.plan.dataset(part)
    return vs.study.processed_dir / f"{dataset}-{part}-{cache_key(vs, part)[:KEY_LENGTH]}.parquet"


def prepared(vs: ValidatedStudy, part: str) -> pd.DataFrame:
    """The prepared frame of a part: read from the cache, or computed, written and returned.

    Parameters
    ----------
    vs
        A study that passed the validation gate.
    part
        ``survey`` or ``referrals`` (:data:`analysis.prepare.compose.PARTS`).

    Returns
    -------
    pandas.DataFrame
        A new frame each call: what :func:`analysis.prepare.compose.prepare` returns, equal
        (dtypes, index and ``attrs`` included) whether computed or read back.
    """
    import pandas as pd

    if part not in compose.PARTS:
        return compose.prepare(vs, part)  # raises the clear error
    path = cache_path(vs, part)
    if path.is_file():
        try:
            return pd.read_parquet(path)
        except Exception:  # an unreadable cache file is rebuilt, never trusted
            pass
    frame = compose.prepare(vs, part)
    _write(frame, path, prefix=f"{vs.plan.dataset(part)}-{part}-")
    return frame


def _write(frame: pd.DataFrame, path: Path, *, prefix: str) -> None:
    """Write atomically, then remove the older files of the same dataset and part."""
    import io

    from analysis.outputs import Output, write_outputs

    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow")
    write_outputs([Output(path.name, buffer.getvalue())], path.parent)
    older = re.compile(rf"{re.escape(prefix)}[0-9a-f]{{{KEY_LENGTH}}}\.parquet")
    for old in path.parent.iterdir():
        if old.name != path.name and older.fullmatch(old.name):
            old.unlink(missing_ok=True)
