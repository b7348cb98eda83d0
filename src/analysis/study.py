"""The study: its configuration and data catalog. The only module that knows paths.

A study is described by a ``study.yml``. Paths in it are relative to the folder that holds
it, so a researcher can keep a study (and its real data) anywhere outside this repository
and run ``bruggen ... --study path/to/study.yml``.

Examples
--------
>>> from analysis import study
>>> s = study.Study.from_yaml("study.yml")        # doctest: +SKIP
>>> enquete = s.load("enquete")       # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from analysis.errors import StudyConfigError
from analysis.plan import Plan

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook
    from analysis.ingest import Dataset
    from analysis.results import Result
    from analysis.validate.gate import ValidationResult

#: Environment variable that points at a study.yml when ``--study`` is not given.
ENV_VAR = "BRUGGEN_STUDY"

#: The top-level settings of study.yml.
TOP_LEVEL_KEYS = frozenset(
    {
        "name", "title", "synthetic", "language", "datasets", "paths", "disclosure", "privacy",
        "validation", "plan", "analyses", "report",
    }
)  # fmt: skip


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
class Acceptance:
    """A check hit the researchers accept: ``validation.accept`` in study.yml.

    Attributes
    ----------
    rule
        The rule name as the gate reports it (``enquete.q12.value_set``, ``enquete.opmerking.pii``).
    reason
        Why the hit is accepted; shown beside the check in every report of the gate.
    key
        Where it stands in study.yml (``validation.accept[0]``), for messages.
    """

    rule: str
    reason: str
    key: str


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
    plan
        The analysis plan (:class:`analysis.plan.Plan`): which variable plays each part and
        which analyses the study runs.
    """

    root: Path
    config: dict[str, Any]
    datasets: dict[str, DatasetEntry]
    source: Path | None = None
    plan: Plan = field(default_factory=Plan)

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
        unknown = sorted(set(config) - TOP_LEVEL_KEYS)
        if unknown:
            raise StudyConfigError(
                f"{unknown[0]}: is not a setting of a study",
                path=source,
                hint=f"settings: {', '.join(sorted(TOP_LEVEL_KEYS))}",
            )
        plan = Plan.from_config(
            config.get("plan"), config.get("analyses"), datasets=tuple(entries), source=source
        )
        parse_acceptances(config.get("validation"), source)
        return cls(root=root, config=config, datasets=entries, source=source, plan=plan)

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

    @property
    def acceptances(self) -> tuple[Acceptance, ...]:
        """The check hits accepted under ``validation.accept`` (see :func:`parse_acceptances`)."""
        return parse_acceptances(self.config.get("validation"), self.source)

    def validation_rules(self) -> dict[str, Any]:
        """The ``validation:`` section plus the rules the analysis plan implies.

        The plan's rules (:meth:`analysis.plan.Plan.rules`) come after the section's own and
        are left out with ``validation: {builtin: false}``.
        """
        config = dict(self.section("validation"))
        config.pop("accept", None)  # not a rule: applied to the gate's result (gate.accept)
        if config.get("builtin", True):
            for key, implied in self.plan.rules().items():
                own = list(config.get(key) or [])
                if isinstance(own, str):
                    own = [own]
                config[key] = own + [item for item in implied if item not in own]
        return config

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

    def check_files(self) -> None:
        """Check that every data file and codebook study.yml names exists.

        The gate calls this first (``bruggen validate``, ``bruggen report``,
        :func:`analysis.load`): a wrong path is a configuration error, not data that failed.

        Raises
        ------
        StudyConfigError
            Naming, per missing file, the key in study.yml (``datasets.<name>.path``,
            ``datasets.<name>.codebook``) and the absolute path it was looked for at.
        """
        problems = []
        for name, entry in self.datasets.items():
            if not entry.path.exists():
                problems.append(
                    f"the data file named in study.yml datasets.{name}.path does not exist: "
                    f"{entry.path.resolve()}"
                )
            if entry.codebook is not None and not entry.codebook.exists():
                problems.append(
                    f"the codebook named in study.yml datasets.{name}.codebook does not exist: "
                    f"{entry.codebook.resolve()}"
                )
        if problems:
            raise StudyConfigError(
                problems[0]
                if len(problems) == 1
                else "files named in study.yml are missing:\n  " + "\n  ".join(problems),
                path=self.source,
                hint="correct the path in study.yml (relative paths start at the folder of study.yml), "
                "or put the file there; a codebook can be written with "
                "`bruggen codebook DATAFILE --format yaml -o CODEBOOK`",
            )

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

    # -- provenance -------------------------------------------------------------------
    def input_files(self) -> list[Path]:
        """Every file the study's results depend on: study.yml, raw files, codebooks, suites, names."""
        files = [self.source] if self.source else []
        for entry in self.datasets.values():
            raw = entry.path
            if raw is not None and raw.is_dir():  # a QualCoder project folder: its database
                raw = raw / "data.qda"
            files += [p for p in (raw, entry.codebook, entry.suite) if p is not None]
        names = self.section("privacy").get("names_file")
        if names:
            files.append(self.resolve(names))
        return files

    def digest(self) -> str:
        """SHA-256 over the contents of :meth:`input_files` (a missing file counts as absent).

        Two studies with the same digest give the same validation and the same results.
        """
        import hashlib

        from analysis import __version__

        h = hashlib.sha256(f"bruggen {__version__}\n".encode())
        for path in self.input_files():
            h.update(str(path).encode() + b"\0")
            if path.is_file():
                with path.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
            h.update(b"\0")
        return h.hexdigest()


class ValidatedStudy:
    """A study whose data passed the validation gate: the one entry point for analyses.

    Made by :func:`load`. Frames come from the gate's own reading of the files (no second
    read); analyses are the ones the study's plan declares under ``analyses:``.

    Examples
    --------
    >>> import analysis
    >>> study = analysis.load("study.yml")            # doctest: +SKIP
    >>> study.data("enquete").shape       # doctest: +SKIP
    >>> res = study.analyse("vormen")                 # doctest: +SKIP
    >>> res.table(); res.figure(); res.findings()     # doctest: +SKIP
    """

    def __init__(self, study: Study, validation: ValidationResult):
        self.study = study
        self.validation = validation
        self.plan = study.plan
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}

    def __repr__(self) -> str:
        analyses = ", ".join(self.plan.analyses) or "none"
        return (
            f"<ValidatedStudy {self.study.name!r}: {len(self.study.datasets)} datasets; analyses: {analyses}>"
        )

    @property
    def language(self) -> str:
        return self.study.language

    def dataset(self, name: str) -> Dataset:
        """A validated dataset (frame, codebook, stored codes)."""
        self.study.entry(name)  # a clear error for an unknown name
        loaded = getattr(self.validation, "loaded", {}) or {}
        return loaded[name] if name in loaded else self.study.get(name)

    def data(self, name: str, lang: str | None = None) -> pd.DataFrame:
        """The validated frame of a dataset, with value labels in ``lang`` (default: the study's).

        Labelled columns are categoricals; user-missing codes are missing. The frame is a copy:
        changing it changes nothing for later calls. Under pandas' copy-on-write a column is
        copied only when it is changed, so no analysis copies a frame of millions of rows whole.
        """
        return self._frame(name, lang or self.language).copy(deep=False)

    def part(self, part: str, lang: str | None = None, *, check_coders: bool = False) -> pd.DataFrame:
        """The validated frame bound to a part of the plan (``survey``, ``referrals`` ...).

        Codings by the plan's check coders (``plan.interviews.coder.check``) are left out unless
        ``check_coders`` is true: they serve intercoder agreement only (:meth:`first_coding`).
        """
        frame = self.data(self.plan.dataset(part), lang)
        return frame if check_coders else self.first_coding(part, frame)

    def first_coding(self, part: str, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` without the rows coded by the part's check coders (unchanged when it has none).

        The rows left keep their order and get a fresh 0..n-1 index.
        """
        checks = self.plan.check_coders(part)
        if not checks:
            return frame
        coder = self.plan.column(part, "coder")
        return frame[~frame[coder].astype("string").isin(checks)].reset_index(drop=True)

    def prepared(self, part: str) -> pd.DataFrame:
        """The prepared frame of a part of the plan (``survey``: scale scores and reach rates;
        ``referrals``: days to first contact and whether it was observed).

        Cached as Parquet in the study's ``processed`` folder, keyed by every input's bytes, the
        plan's section and the prepare code (:mod:`analysis.prepare.cache`): a second call, or
        another process with the same inputs, reads the file instead of recomputing. Rows are
        the rows of the part's dataset, in order.
        """
        from analysis import memory
        from analysis.prepare.cache import prepared

        try:
            return prepared(self, part)
        finally:
            memory.release()

    def _frame(self, name: str, lang: str) -> pd.DataFrame:
        if (name, lang) not in self._frames:
            from analysis.labels import relabel

            ds = self.dataset(name)
            self._frames[name, lang] = relabel(ds.frame, ds.codebook, lang, self.language)
        return self._frames[name, lang]

    def label(self, name: str, column: str, lang: str | None = None) -> str:
        """A variable's label in ``lang`` from its codebook (the column name when it has none)."""
        var = self.dataset(name).codebook.get(column)
        return column if var is None else var.label_in(lang or self.language)

    def value(self, binding_part: str, role: str, option: str, lang: str | None = None) -> str:
        """The value label that a plan option declares (``side``'s ``formal: 1`` -> "Formeel")."""
        from analysis.labels import declared_label

        b = self.plan.binding(binding_part, role)
        var = self.dataset(b.dataset).codebook.get(b.variable)
        return declared_label(var, b.values[option], lang or self.language, self.language)

    @cached_property
    def policy(self):
        """The study's disclosure policy (:class:`analysis.disclosure.Policy`)."""
        from analysis.disclosure import Policy

        return Policy.from_study(self.study)

    def analyse(
        self, name: str, *, lang: str | None = None, data: pd.DataFrame | None = None, **options: Any
    ) -> Result:
        """Run the analysis declared under ``name`` in the plan; return its Result.

        Parameters
        ----------
        name
            A key under ``analyses:`` in study.yml.
        lang
            Language of labels and sentences (default: the study's).
        data
            A subset of the analysis's own dataset (e.g. one municipality's respondents),
            as :meth:`data` gives it in the same language; default: all of it.
        **options
            Options that override the plan's for this call (``rows=None``).
        """
        from analysis import result_cache
        from analysis.analyses import run

        lang = lang or self.language
        if data is None and not options and result_cache.enabled():  # bruggen report
            return result_cache.cached(
                self, name, lang, lambda: run(self, self.plan.analysis(name), lang=lang)
            )
        return run(self, self.plan.analysis(name), lang=lang, data=data, **options)

    def quotes(
        self,
        code: str | list[str],
        *,
        group: str = "side",
        n: int = 3,
        lang: str | None = None,
        data: pd.DataFrame | None = None,
        **options: Any,
    ) -> Result:
        """Short, representative, pseudonymised quotes on an interview code (no plan entry needed).

        ``study.quotes("B1 TRUST", group="side", n=4)`` runs the ``quotes`` analysis kind on the
        plan's interviews (the first coding, the plan's meta-codes and names list): see
        :func:`analysis.interviews.quotes` for what "representative" means and what is refused.

        Parameters
        ----------
        code
            An interview code, or several (a quote overlapping the first counts for it).
        group
            A role of ``plan.interviews`` (``side``) or a case attribute that quotes are
            attributed to; no quote comes from a group smaller than the policy's ``min_count``.
        n
            At most this many quotes.
        lang, data
            As for :meth:`analyse`.
        **options
            Other options of the ``quotes`` kind (``label``, ``max_words``).
        """
        from analysis.analyses import run
        from analysis.plan import ANALYSES, COMMON_OPTIONS, AnalysisSpec

        given = {"themes": [code] if isinstance(code, str) else list(code), "by": group, "n": n}
        spec = AnalysisSpec(
            "quotes",
            "quotes",
            {**COMMON_OPTIONS, **ANALYSES["quotes"]["options"], **given},
            key="quotes",
            given=frozenset(given),
        )
        return run(self, spec, lang=lang or self.language, data=data, **options)


_LOADED: dict[str, ValidatedStudy] = {}


def load_validated(path: str | Path | None = None) -> ValidatedStudy:
    """Validate a study and return it ready for analysis (see :func:`analysis.load`).

    A validation of byte-identical inputs in this process is reused.
    """
    from analysis.validate import gate

    study = Study.from_yaml(path)
    key = f"{study.source}:{study.digest()}"
    if key not in _LOADED:
        from analysis import memory

        _LOADED.clear()
        _LOADED[key] = ValidatedStudy(study, gate.require_pass(study))
        memory.release()
    return _LOADED[key]


#: The keys of one entry under ``validation.accept``.
ACCEPT_KEYS = ("rule", "reason")


def parse_acceptances(validation: Any, source: Path | None = None) -> tuple[Acceptance, ...]:
    """The entries of ``validation.accept``: each a rule name and a mandatory reason.

    An entry accepts exactly one rule of the gate (no patterns, no restriction to some
    values or rows): what is accepted is what the rule name says, and nothing else.

    Parameters
    ----------
    validation
        The ``validation:`` section of study.yml (``None`` when it has none).
    source
        The study.yml, for messages.

    Raises
    ------
    StudyConfigError
        The section is not a list of ``{rule, reason}`` mappings, a reason is empty, or a
        rule is accepted twice; the message names the file and the key.
    """
    if not isinstance(validation, dict) or validation.get("accept") is None:
        return ()
    entries = validation["accept"]
    example = 'validation: {accept: [{rule: enquete.q12.value_set, reason: "97 = weet niet"}]}'
    if not isinstance(entries, list):
        raise StudyConfigError(
            "validation.accept must be a list of {rule, reason} entries", path=source, hint=example
        )
    out: list[Acceptance] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        key = f"validation.accept[{i}]"
        if not isinstance(entry, dict):
            raise StudyConfigError(
                f"{key} must be a mapping with 'rule' and 'reason'", path=source, hint=example
            )
        unknown = sorted(set(map(str, entry)) - set(ACCEPT_KEYS))
        if unknown:
            raise StudyConfigError(
                f"{key} has unknown key(s): {', '.join(unknown)}",
                path=source,
                hint="an entry has only 'rule' (the rule name as validatie.html shows it) and 'reason'",
            )
        rule, reason = entry.get("rule"), entry.get("reason")
        if not isinstance(rule, str) or not rule.strip():
            raise StudyConfigError(
                f"{key}.rule is missing or empty",
                path=source,
                hint="give the rule name as validatie.html shows it, e.g. enquete.q12.value_set",
            )
        if not isinstance(reason, str) or not reason.strip():
            raise StudyConfigError(
                f"{key}.reason is missing or empty (rule {rule.strip()!r})",
                path=source,
                hint="say why this check may fail: the reason is printed beside it in every validation report",
            )
        rule = rule.strip()
        if rule in seen:
            raise StudyConfigError(
                f"{key}.rule: {rule!r} is accepted already in {seen[rule]}",
                path=source,
                hint="accept each rule once",
            )
        seen[rule] = key
        out.append(Acceptance(rule, reason.strip(), key))
    return tuple(out)


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
