"""A passed validation kept across processes, keyed by the content of everything it depends on.

The gate (great-expectations, the survey rules, the personal-data scan) takes seconds; a
notebook's ``analysis.load()`` and a second ``bruggen report`` with unchanged inputs should not
pay it again. A passed :class:`~analysis.validate.checks.ValidationResult`, with the datasets
the gate read (``loaded``: frames, stored codes, codebooks), is kept in the study's
``processed`` folder (``data/processed/``, git-ignored) as two files:

``validation-<key>.json``
    The manifest: the full key, whether the gate passed, its summary, the SHA-256 of the data
    file it belongs to, and the SHA-256 of every library file the gate ran with (readable:
    what was validated, by which code).
``validation-<key>-<sha>.pickle``
    The result and its datasets, as Python's pickle, signed: the manifest records the
    HMAC-SHA256 of its bytes under this user's key (:mod:`analysis.store_signing`).

``key`` is the first 16 hex digits of :func:`cache_key`: a SHA-256 over
:meth:`analysis.study.Study.digest` (the bytes and paths of study.yml, every raw file,
codebook and suite, the names list, and the Bruggen version) and :func:`environment` (the
storage format, Python and the versions of the packages that read and check the data). A
changed byte in any of them gives another key, so a stale result is never found. The library's
own code counts file by file (:func:`code_files`): the entry serves only while every module the
gate ran with, and every data file of the library, is byte-identical; an edit to a module the
gate never loaded (the report, an analysis) leaves it valid.

Rules:

- only a **passed** result is stored; a failed gate runs again every time (and refuses again);
- a manifest that does not match (another key, not passed, a data file whose SHA-256 differs,
  a pickle not signed with this user's key or that does not load) is ignored with a
  :class:`CacheWarning` and the gate runs;
- files are written whole or not at all (:func:`analysis.outputs.write_outputs`), the data
  file first, and the entries of older keys are removed;
- ``bruggen validate`` always runs the gate (a CI run must see the data checked) and stores a
  passing result; ``bruggen report`` and ``analysis.load()`` reuse it
  (:func:`analysis.validate.gate.require_pass`).

The pickle is unpickled only after its HMAC-SHA256 matched the manifest's under this user's
secret key (:func:`analysis.store_signing.open_verified`, outside the study folder): a file that
another user, a colleague's machine or an attacker put in a shared or synced ``processed``
folder is never unpickled (unpickling runs code); it is ignored with a :class:`CacheWarning`
that names it, and the gate runs again. The SHA-256 tells a damaged file apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sys
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.study import Study
    from analysis.validate.checks import ValidationResult

#: Bumped when the layout of the stored files changes (2: signed pickles).
FORMAT = 2
#: Hex digits of the key in a file name.
KEY_LENGTH = 16
#: Packages whose version changes what is read or checked.
PACKAGES = ("pandas", "numpy", "pyarrow", "pyreadstat", "openpyxl", "great_expectations", "pyyaml")
#: The library's folder: where the code files recorded in a manifest are looked up.
_LIBRARY = _REAL_LIBRARY = Path(__file__).resolve().parents[1]
_PREFIX = str(_REAL_LIBRARY) + os.sep


class CacheWarning(UserWarning):
    """A stored validation could not be used; the gate runs again."""


@cache
def environment() -> str:
    """SHA-256 over the storage format, the Python version and the versions of :data:`PACKAGES`."""
    from importlib import metadata

    h = hashlib.sha256(f"format {FORMAT} python {sys.version_info[:3]}\n".encode())
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name} {version}\n".encode())
    return h.hexdigest()


def cache_key(study: Study) -> str:
    """The full SHA-256 hex key of the study's validation: its inputs and :func:`environment`.

    The library's own code is checked file by file against the manifest (:func:`code_files`).
    """
    h = hashlib.sha256(b"bruggen validation\0")
    h.update(study.digest().encode() + b"\0" + environment().encode() + b"\0")
    # the settings as read (a Study made from a dict need not match its file)
    h.update(settings_bytes(study.config))
    return h.hexdigest()


def settings_bytes(value: Any) -> bytes:
    """Settings as canonical JSON bytes for a cache key (the prepare stage's key uses it too)."""
    return json.dumps(_canonical(value), sort_keys=True, default=repr).encode()


def _canonical(value: Any) -> Any:
    """Settings with every mapping key as typed text (YAML reads ``yes:`` as ``True``)."""
    if isinstance(value, dict):
        return {f"{type(k).__name__}:{k}": _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def code_files() -> dict[str, str]:
    """SHA-256 of each library file the process has used so far: the code that matters.

    Every module of the library in ``sys.modules`` (after a gate run: every module it needed,
    whatever else the process loaded besides) plus the library's data files (``.yml``,
    ``.json``: the wording of the checks). A stored validation serves only while each of these
    files is unchanged; a file the gate never loaded cannot have changed its result.
    """
    files = {
        path
        for module in list(sys.modules.values())
        if (path := _library_file(getattr(module, "__file__", None))) is not None
    }
    files |= {
        p.relative_to(_LIBRARY).as_posix()
        for p in _LIBRARY.rglob("*")
        if p.suffix in {".yml", ".yaml", ".json"} and "__pycache__" not in p.parts and p.is_file()
    }
    return {rel: _sha(_LIBRARY / rel) for rel in sorted(files)}


def _library_file(file: str | None) -> str | None:
    """A module file's path inside the library, or None (quick: most modules are elsewhere)."""
    if not file or not file.endswith(".py"):
        return None
    if not file.startswith(_PREFIX):
        if "analysis" not in file:
            return None
        path = Path(file).resolve()  # a symlinked or relative path to the library
        return path.relative_to(_REAL_LIBRARY).as_posix() if path.is_relative_to(_REAL_LIBRARY) else None
    return Path(file).relative_to(_REAL_LIBRARY).as_posix()


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _changed_code(recorded: dict[str, str]) -> str | None:
    """The first library file whose content differs from the manifest's record, or None."""
    for rel, sha in sorted(recorded.items()):
        if _sha(_LIBRARY / rel) != sha:
            return rel
    return None


def manifest_path(study: Study, key: str | None = None) -> Path:
    """Where the manifest for the study's current inputs lives (it may not exist)."""
    key = key or cache_key(study)
    return study.processed_dir / f"validation-{key[:KEY_LENGTH]}.json"


def load(study: Study) -> ValidationResult | None:
    """The stored passed validation for exactly these inputs, or None.

    None, silently, when nothing is stored for the key; None with a :class:`CacheWarning` when
    something is stored but cannot be trusted: damaged, or not signed with this user's key (it
    is then not unpickled, and rebuilt by the caller).
    """
    key = cache_key(study)
    path = manifest_path(study, key)
    if not path.is_file():
        return None
    try:
        check_key_apart(study)
        manifest = read_manifest(path, key, FORMAT)
        if manifest is None:
            return None  # validated by other code: not damage, just out of date
        if manifest.get("passed") is not True:
            raise ValueError("it does not record a passed validation")
        result = load_pickle(
            path.with_name(str(manifest["data"])), manifest.get("sha256"), manifest.get("hmac")
        )
        from analysis.validate.checks import ValidationResult

        if not isinstance(result, ValidationResult) or not result.passed:
            raise ValueError("its data file holds no passed validation")
    except Exception as exc:  # any damage means: run the gate again
        warnings.warn(
            f"{path}: stored validation ignored, {exc}; running the validation gate again",
            CacheWarning,
            stacklevel=2,
        )
        return None
    return result


def store(study: Study, result: ValidationResult) -> Path | None:
    """Keep a passed result for the study's current inputs; return the manifest's path.

    A failed result is never stored (None). A folder that cannot be written gives a
    :class:`CacheWarning`, not an error: the result is still valid, only not kept.
    """
    if not result.passed:
        return None
    from analysis.outputs import Output, write_outputs

    key = cache_key(study)
    path = manifest_path(study, key)
    try:
        check_key_apart(study)
        data_name, sha, signature = dump_pickle(result, path.parent, path.stem)
    except OSError as exc:
        warnings.warn(f"{path.parent}: could not store the validation ({exc})", CacheWarning, stacklevel=2)
        return None
    summary = result.to_dict()["summary"]
    manifest = {
        "format": FORMAT,
        "key": key,
        "study": str(study.source),
        "passed": True,
        "summary": summary,
        "datasets": [d.to_dict() for d in result.datasets],
        "data": data_name,
        "sha256": sha,
        "hmac": signature,
        "code": code_files(),
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        write_outputs([Output(path.name, text.encode("utf-8"))], path.parent)
    except OSError as exc:
        warnings.warn(f"{path.parent}: could not store the validation ({exc})", CacheWarning, stacklevel=2)
        return None
    _remove_older(path.parent, keep={path.name, data_name})
    return path


def check_key_apart(study: Study) -> None:
    """Refuse to sign or trust stores when the signing key lies inside the study or the library.

    Raises
    ------
    analysis.store_signing.StoreKeyError
        The key file is inside the study's folder, its ``processed`` folder or the git
        checkout the library runs from (see :func:`analysis.store_signing.check_apart`).
    """
    from analysis import store_signing

    repository = _REAL_LIBRARY.parents[1]  # src/analysis -> the checkout, when it is one
    folders = [study.root, study.processed_dir]
    store_signing.check_apart(*folders, *([repository] if (repository / ".git").exists() else []))


def read_manifest(path: Path, key: str, version: int) -> dict[str, Any] | None:
    """A store's manifest for ``key``; None when the library code it records has changed since.

    Raises ValueError when the manifest cannot be trusted (other inputs, another format, no
    record of the code): the caller warns and computes again.
    """
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != version or manifest.get("key") != key:
        raise ValueError("it belongs to other inputs")
    code = manifest.get("code")
    if not isinstance(code, dict) or not code:
        raise ValueError("it does not record the library's code")
    return None if _changed_code(code) is not None else manifest


# -- signed pickles streamed to and from disk (a validation holds the datasets: gigabytes at 1M) --
def dump_pickle(
    obj: Any, folder: Path, stem: str, pickler: type[pickle.Pickler] | None = None
) -> tuple[str, str, str]:
    """Pickle ``obj`` into ``folder/<stem>-<sha>.pickle`` without holding the bytes in memory.

    Written to a temporary file while its SHA-256 and its HMAC-SHA256 under this user's key
    (:func:`analysis.store_signing.new_mac`) are computed, then renamed into place (never half
    a file under the final name), writable by this user only.

    Returns
    -------
    tuple of str
        The file's name, its full SHA-256 and its signature (hex), for the manifest.

    Raises
    ------
    OSError
        The folder cannot be written, or the key cannot be read or created
        (:class:`analysis.store_signing.StoreKeyError`, before anything is written).
    """
    import tempfile

    from analysis import store_signing
    from analysis.outputs import file_mode

    mac = store_signing.new_mac()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            writer = _HashingWriter(fh, mac)
            (pickler or StorePickler)(writer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
        sha = writer.sha.hexdigest()
        name = f"{stem}-{sha[:KEY_LENGTH]}.pickle"
        # writable by this user only, so that reading it can stream the very bytes it checked
        # (:func:`analysis.store_signing.open_verified`); no one else can use it anyway
        os.chmod(tmp, file_mode() & ~0o022)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name, sha, mac.hexdigest()


def load_pickle(
    path: Path, sha: str | None, signature: str | None, unpickler: type[pickle.Unpickler] = pickle.Unpickler
) -> Any:
    """Unpickle a stored file, only after its SHA-256 and its signature matched the manifest's.

    Raises
    ------
    ValueError
        The file is damaged (:class:`~analysis.store_signing.DamagedStoreError`) or not signed
        by this user (:class:`~analysis.store_signing.UnsignedStoreError`): it was not
        unpickled.
    """
    from analysis import store_signing

    with store_signing.open_verified(path, signature, sha) as fh:
        return unpickler(fh).load()


class StorePickler(pickle.Pickler):
    """Pickles pandas' Arrow-backed arrays by their chunks, as pyarrow pickles them.

    pandas' own pickling first joins an array's chunks into a new array, and the pickler keeps
    every such copy until it is done: a copy of every text column of a dataset (0.8 GB for a
    5M-row referral log) while a validation is stored.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from pandas.arrays import ArrowExtensionArray

        self._arrow = ArrowExtensionArray

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, self._arrow):
            import pyarrow as pa

            return _arrow_array, (type(obj), obj.dtype, pa.chunked_array(obj.__arrow_array__()))
        return NotImplemented


def _arrow_array(cls: type, dtype: Any, chunks: Any) -> Any:
    """The pandas array pickled by :class:`StorePickler`."""
    from pandas.arrays import ArrowStringArray

    return cls(chunks, dtype=dtype) if issubclass(cls, ArrowStringArray) else cls(chunks)


class _HashingWriter:
    """A binary file that also computes the SHA-256 and the HMAC of what is written to it."""

    def __init__(self, fh: Any, mac: Any) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.mac.update(data)
        return self.fh.write(data)


def clear(study: Study) -> int:
    """Remove every stored validation of the study's ``processed`` folder; return how many files."""
    return _remove_older(study.processed_dir, keep=set())


_ENTRY = re.compile(rf"validation-[0-9a-f]{{{KEY_LENGTH}}}(\.json|-[0-9a-f]{{{KEY_LENGTH}}}\.pickle)")


def _remove_older(folder: Path, *, keep: set[str]) -> int:
    removed = 0
    if not folder.is_dir():
        return removed
    for old in folder.iterdir():
        if old.name not in keep and _ENTRY.fullmatch(old.name):
            old.unlink(missing_ok=True)
            removed += 1
    return removed
