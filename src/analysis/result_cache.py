"""Results of the plan's analyses kept across processes, keyed by content.

A second ``bruggen report`` or a notebook's ``study.analyse(name)`` with unchanged inputs reads
the :class:`~analysis.results.Result` instead of fitting its models again. Stored in the
study's ``processed`` folder under ``results/`` as ``<analysis>-<lang>-<key>.json`` (manifest)
and ``...-<sha>.pickle`` (the Result), like the validation (:mod:`analysis.validate.cache`):

- ``key`` is a SHA-256 over the validation's key (every input file's bytes and paths, the
  Bruggen version, the package versions), the analysis's entry in the plan (kind and options)
  and the language;
- the manifest records the SHA-256 of every library file the process had loaded when the
  result was made (the analysis's own module among them); the entry serves only while each is
  unchanged;
- only whole-study results are kept (``data=None`` and no options given in the call): a subset
  or an override is computed every time;
- the pickle is signed (its HMAC-SHA256 under this user's key, in the manifest) and unpickled
  only after the signature is checked (:mod:`analysis.store_signing`): a file this user did
  not write is never unpickled. The fitted models inside it, unpickled when first used
  (:class:`Deferred`), are bytes of the signed file and covered by its signature;
- a damaged or unsigned entry is ignored with a :class:`~analysis.validate.cache.CacheWarning`
  that names it, and rebuilt.

It is switched on by ``bruggen report`` (:func:`enable`), not by default: code patched in a
running process (a test's monkeypatch, a notebook that redefines a function) does not change
the library's files, so only a process that runs the library as installed may reuse results.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import warnings
from typing import TYPE_CHECKING, Any

from analysis.validate import cache as vcache

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from analysis.results import Result
    from analysis.study import Study, ValidatedStudy

#: Bumped when the layout of the stored files changes (2: signed pickles).
FORMAT = 2
KEY_LENGTH = vcache.KEY_LENGTH
_ENABLED = False


def enable(on: bool = True) -> None:
    """Keep and reuse whole-study results in this process (``bruggen report`` does)."""
    global _ENABLED
    _ENABLED = on


def enabled() -> bool:
    return _ENABLED


def result_key(vs: ValidatedStudy, name: str, lang: str) -> str:
    """The full SHA-256 hex key of one analysis's whole-study result in ``lang``."""
    spec = vs.plan.analysis(name)
    described = {"name": name, "kind": spec.kind, "options": spec.options, "lang": lang}
    h = hashlib.sha256(f"bruggen result {FORMAT}\0".encode())
    h.update(_study_key(vs.study).encode() + b"\0")
    h.update(json.dumps(described, sort_keys=True, default=repr).encode())
    return h.hexdigest()


#: id(study) -> (study, its validation key): the inputs are hashed once per Study object and
#: report run, not once per analysis (at 1M respondents that is a gigabyte of files).
_STUDY_KEYS: dict[int, tuple[Study, str]] = {}


def _study_key(study: Study) -> str:
    known = _STUDY_KEYS.get(id(study))
    if known is None or known[0] is not study:
        _STUDY_KEYS.clear()
        known = _STUDY_KEYS[id(study)] = (study, vcache.cache_key(study))
    return known[1]


def _manifest(vs: ValidatedStudy, name: str, lang: str, key: str) -> Path:
    return vs.study.processed_dir / "results" / f"{_safe(name)}-{lang}-{key[:KEY_LENGTH]}.json"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def cached(vs: ValidatedStudy, name: str, lang: str, compute: Callable[[], Result]) -> Result:
    """The stored result for exactly these inputs and code, or ``compute()`` stored for next time."""
    key = result_key(vs, name, lang)
    path = _manifest(vs, name, lang, key)
    found = _load(path, key, vs.study)
    if found is not None:
        return found
    result = compute()
    _store(path, key, result, vs.study)
    return result


def _load(path: Path, key: str, study: Study) -> Any:
    if not path.is_file():
        return None
    try:
        vcache.check_key_apart(study)
        manifest = vcache.read_manifest(path, key, FORMAT)
        if manifest is None:
            return None  # made by other code: out of date, not damaged
        data = path.with_name(str(manifest["data"]))
        return vcache.load_pickle(data, manifest.get("sha256"), manifest.get("hmac"), _Unpickler)
    except Exception as exc:  # any damage means: compute again
        warnings.warn(
            f"{path}: stored result ignored, {exc}; computing it again", vcache.CacheWarning, stacklevel=3
        )
        return None


def _store(path: Path, key: str, result: Result, study: Study) -> None:
    from analysis.outputs import Output, write_outputs

    try:
        vcache.check_key_apart(study)
        data_name, sha, signature = vcache.dump_pickle(result, path.parent, path.stem, _Pickler)
    except OSError as exc:
        warnings.warn(f"{path.parent}: could not store the result ({exc})", vcache.CacheWarning, stacklevel=3)
        return
    except Exception:  # a result that cannot be pickled is simply not kept
        return
    manifest = {
        "format": FORMAT,
        "key": key,
        "data": data_name,
        "sha256": sha,
        "hmac": signature,
        "code": vcache.code_files(),
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    try:
        write_outputs([Output(path.name, text.encode("utf-8"))], path.parent)
    except OSError as exc:
        warnings.warn(f"{path.parent}: could not store the result ({exc})", vcache.CacheWarning, stacklevel=3)
        return
    prefix = path.name[: -len(f"{key[:KEY_LENGTH]}.json")]
    older = re.compile(
        rf"{re.escape(prefix)}[0-9a-f]{{{KEY_LENGTH}}}(\.json|-[0-9a-f]{{{KEY_LENGTH}}}\.pickle)"
    )
    for old in path.parent.iterdir():
        if old.name not in (path.name, data_name) and older.fullmatch(old.name):
            old.unlink(missing_ok=True)


# -- fitted models, unpickled when first used ----------------------------------------------------
#: Modules whose objects (the fitted models in ``Result.fit``) are stored as a pickle of their
#: own inside the result's, and unpickled only when used: a report reads the published views,
#: and importing statsmodels and scipy.stats to unpickle fits it never touches was a third of a
#: second report.
DEFERRED_MODULES = ("statsmodels.",)


class Deferred:
    """A stored fitted model, unpickled on first use (attribute access goes to the model).

    ``model()`` gives the object itself; pickling a ``Deferred`` pickles the model.
    """

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self._model: Any = None

    def model(self) -> Any:
        if self._data is not None:
            self._model, self._data = pickle.loads(self._data), None
        return self._model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_data", "_model"):
            raise AttributeError(name)
        return getattr(self.model(), name)

    def __reduce__(self):
        return _identity, (self.model(),)

    def __repr__(self) -> str:
        return repr(self.model())


def _identity(value: Any) -> Any:
    return value


class _Pickler(vcache.StorePickler):
    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, Deferred):
            obj = obj.model()
        elif not type(obj).__module__.startswith(DEFERRED_MODULES):
            return None
        return ("deferred", pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, data = pid
        if kind != "deferred":
            raise pickle.UnpicklingError(f"unknown stored object {kind!r}")
        return Deferred(data)
