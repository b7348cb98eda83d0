"""The study: its configuration and data catalog. The only module that knows paths.

A study is described by a ``study.yml``. Paths in it are relative to the folder that holds
it, so a researcher can keep a study (and its real data) anywhere outside this repository
and run ``bruggen ... --study path/to/study.yml``.

Examples
--------
>>> from analysis import study
>>> s = study.Study.from_yaml("study.yml")        # doctest: +SKIP
>>> enquete = s.load("organisatie_enquete")       # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from analysis.errors import StudyConfigError

if TYPE_CHECKING:
    from analysis.codebook import Codebook
    from analysis.ingest import Dataset

#: Environment variable that points at a study.yml when ``--study`` is not given.
ENV_VAR = "BRUGGEN_STUDY"


@dataclass(frozen=True)
class DatasetEntry:
    """One dataset of a study, as named in ``study.yml``."""

    name: str
    path: Path
    codebook: Path | None = None
    suite: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Study:
    """A research project: settings plus a catalog of datasets.

    Attributes
    ----------
    root
        Folder holding ``study.yml``; relative paths resolve against it.
    config
        The parsed YAML, for settings that modules read themselves (``disclosure``,
        ``privacy``, ``report``).
    datasets
        Catalog: name -> :class:`DatasetEntry`.
    """

    root: Path
    config: dict[str, Any]
    datasets: dict[str, DatasetEntry]
    source: Path | None = None

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> Study:
        """Read a ``study.yml``.

        Default: ``$BRUGGEN_STUDY``, else the nearest ``study.yml`` in the current folder or
        one of its parents (so notebooks in ``notebooks/`` find the project's study).
        """
        path = Path(path or os.environ.get(ENV_VAR) or _find_study_file()).resolve()
        if not path.exists():
            raise StudyConfigError(
                "study file not found",
                path=path,
                hint="run from the project folder, or pass --study path/to/study.yml",
            )
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise StudyConfigError(f"not valid YAML: {exc}", path=path) from None
        return cls.from_dict(config, root=path.parent, source=path)

    @classmethod
    def from_dict(cls, config: dict[str, Any], *, root: Path, source: Path | None = None) -> Study:
        if not isinstance(config, dict) or not isinstance(config.get("datasets"), dict):
            raise StudyConfigError(
                "the study needs a 'datasets' section mapping names to files",
                path=source,
                hint="copy the example study.yml and edit its datasets section",
            )
        entries = {}
        for name, spec in config["datasets"].items():
            if isinstance(spec, str):
                spec = {"path": spec}
            if not isinstance(spec, dict) or "path" not in spec:
                raise StudyConfigError(
                    f"dataset {name!r} has no 'path'",
                    path=source,
                    hint="give each dataset a path to its file",
                )
            spec = dict(spec)
            entries[name] = DatasetEntry(
                name=name,
                path=_resolve(root, spec.pop("path")),
                codebook=_resolve(root, spec.pop("codebook", None)),
                suite=_resolve(root, spec.pop("suite", None)),
                description=str(spec.pop("description", "")),
                options=spec.pop("options", {}) or {},
            )
            if spec:
                raise StudyConfigError(
                    f"dataset {name!r} has unknown key(s): {', '.join(sorted(spec))}",
                    path=source,
                    hint="allowed: path, codebook, suite, description, options",
                )
        return cls(root=root, config=config, datasets=entries, source=source)

    # -- settings ---------------------------------------------------------------------
    @property
    def name(self) -> str:
        return str(self.config.get("name", self.root.name))

    @property
    def title(self) -> str:
        return str(self.config.get("title", self.name))

    @property
    def synthetic(self) -> bool:
        """The data are synthetic (the example study); every report says so."""
        return bool(self.config.get("synthetic", False))

    @property
    def language(self) -> str:
        return str(self.config.get("language", "nl"))

    def section(self, key: str) -> dict[str, Any]:
        """A settings section of ``study.yml`` (``disclosure``, ``privacy``, ``report``)."""
        value = self.config.get(key) or {}
        if not isinstance(value, dict):
            raise StudyConfigError(f"'{key}' must be a mapping", path=self.source)
        return value

    def path(self, key: str, default: str) -> Path:
        """A folder or file named under ``paths:`` in study.yml, resolved against the root."""
        return self.resolve(self.section("paths").get(key, default))

    def resolve(self, value: str | Path) -> Path:
        """A path from study.yml: ``~`` expanded, relative paths taken from the study's folder."""
        return _resolve(self.root, str(value))  # type: ignore[return-value]

    @property
    def reports_dir(self) -> Path:
        return self.path("reports", "reports")

    @property
    def processed_dir(self) -> Path:
        return self.path("processed", "data/processed")

    # -- catalog ----------------------------------------------------------------------
    def entry(self, name: str) -> DatasetEntry:
        try:
            return self.datasets[name]
        except KeyError:
            raise StudyConfigError(
                f"no dataset named {name!r} in the study",
                path=self.source,
                hint=f"known datasets: {', '.join(self.datasets) or 'none'}",
            ) from None

    def codebook(self, name: str) -> Codebook | None:
        """The reviewed codebook of a dataset, if the study has one."""
        from analysis.codebook import Codebook

        entry = self.entry(name)
        if entry.codebook is None or not entry.codebook.exists():
            return None
        return Codebook.from_yaml(entry.codebook)

    def load(self, name: str) -> Dataset:
        """Read a dataset from its raw file, with the study's reviewed codebook applied."""
        from analysis.ingest import read

        entry = self.entry(name)
        options = dict(entry.options)
        book = self.codebook(name)
        if book is not None:
            options["codebook"] = book
        options.setdefault("dataset", name)
        return read(entry.path, **options)

    @cached_property
    def _cache(self) -> dict[str, Dataset]:
        return {}

    def get(self, name: str) -> Dataset:
        """Like :meth:`load`, but each dataset is read once per Study object."""
        if name not in self._cache:
            self._cache[name] = self.load(name)
        return self._cache[name]


def _find_study_file() -> Path:
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "study.yml").exists():
            return folder / "study.yml"
    return here / "study.yml"


def _resolve(root: Path, value: str | None) -> Path | None:
    if value is None:
        return None
    p = Path(os.path.expanduser(str(value)))
    return p if p.is_absolute() else (root / p)


def load(name: str, study: str | Path | None = None) -> Dataset:
    """Load a dataset of the current study by name (the catalog shortcut for notebooks)."""
    return Study.from_yaml(study).get(name)
