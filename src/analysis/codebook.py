"""The data dictionary: variables, labels, value labels, missing codes, scales, PII flags.

A :class:`Codebook` is built from a file's own metadata (an SPSS file carries most of it) or
read from ``data/codebooks/<dataset>.yml``. For a study the YAML is the reviewed source of
truth; :meth:`Codebook.diff` shows how a new delivery of a file drifts from it.

The YAML layout is deliberately plain so a researcher can review it in a pull request::

    dataset: enquete
    title: Organisatie-enquête
    variables:
      - name: vertrouwen_1
        label: "[Partner] doet wat is afgesproken"
        type: numeric
        measure: ordinal
        value_labels: {1: helemaal oneens, 5: helemaal eens, 8: weet niet}
        missing_values: [8, 9]
        scale: vertrouwen
        required: false
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import CodebookError

#: libyaml's safe loader where PyYAML was built with it (several times faster on a large codebook).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Variable types the codebook knows. ``numeric`` and ``string`` follow SPSS; dates are
#: kept apart because their checks differ.
TYPES = ("numeric", "string", "date", "datetime", "time", "boolean")
MEASURES = ("nominal", "ordinal", "scale", "unknown")


@dataclass(frozen=True)
class Variable:
    """One column of a dataset.

    Parameters
    ----------
    name
        Column name as it stands in the file.
    label
        Variable label (the question text).
    type
        One of :data:`TYPES`.
    measure
        Measurement level, one of :data:`MEASURES`.
    value_labels
        Code -> label.
    missing_values
        Discrete user-defined missing codes (SPSS ``MISSING VALUES``), e.g. ``[8, 9]``.
    missing_ranges
        User-defined missing ranges as ``[low, high]`` pairs (``LO THRU -1`` is ``[-inf, -1]``).
    format
        Display format as the source gave it (SPSS ``F8.2``, ``A40``, ``DATE11``).
    scale
        Name of the multi-item scale this item belongs to, if any.
    reverse
        The item is reverse-keyed within its scale.
    pii
        The column may hold personal data (open text); it is scanned and never published raw.
    required
        Non-missing is required for every row (subject to ``applies_to``).
    unique
        Values must be unique (identifiers).
    pattern
        Regular expression every non-missing value must match (``^GM\\d{4}$``).
    minimum, maximum
        Inclusive bounds for valid (non-missing) values.
    applies_to
        Skip logic: a pandas query naming who answers this item (``kant == 2``).
        Rows outside it must be empty.
    source_name
        The column's heading in the source file when the reader had to change it into a
        usable name (LimeSurvey's ``A8[SQ001]`` becomes ``A8_SQ001``).
    translations
        Labels in other languages, per language code: ``{en: {label: ..., value_labels:
        {1: Formal}}}``. Reports in that language use them (:meth:`label_in`,
        :meth:`value_labels_in`); without them they show the codebook's own labels.
    unlabelled_codes
        Codes the data hold that have no value label, in a variable whose labels otherwise
        close its set of codes (a nominal ``1 = rood, 2 = groen, 3 = blauw`` whose file also
        holds 4 and 9). They belong to the variable's value set (the gate's ``value_set``
        check allows them); :func:`describe_observed` records them when a study starts.
    """

    name: str
    label: str = ""
    type: str = "numeric"
    measure: str = "unknown"
    value_labels: dict[Any, str] = field(default_factory=dict)
    missing_values: list[Any] = field(default_factory=list)
    missing_ranges: list[list[float]] = field(default_factory=list)
    format: str | None = None
    scale: str | None = None
    reverse: bool = False
    pii: bool = False
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    applies_to: str | None = None
    source_name: str | None = None
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    unlabelled_codes: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        for lang, spec in self.translations.items():
            if not isinstance(spec, dict) or set(spec) - {"label", "value_labels"}:
                raise CodebookError(
                    f"variable {self.name!r} has a malformed translation {lang!r}",
                    hint="write translations: {en: {label: ..., value_labels: {1: ...}}}",
                )
        if self.type not in TYPES:
            raise CodebookError(
                f"variable {self.name!r} has type {self.type!r}",
                hint=f"use one of {', '.join(TYPES)}",
            )
        if self.measure not in MEASURES:
            raise CodebookError(
                f"variable {self.name!r} has measure {self.measure!r}",
                hint=f"use one of {', '.join(MEASURES)}",
            )

    def is_missing_code(self, value: Any) -> bool:
        """Whether ``value`` is a user-defined missing code of this variable."""
        if value in self.missing_values:
            return True
        if isinstance(value, (int, float)):
            return any(lo <= value <= hi for lo, hi in self.missing_ranges)
        return False

    def label_in(self, lang: str | None = None) -> str:
        """The variable label in ``lang`` (its translation), else the label, else the name."""
        spec = self.translations.get(lang or "", {})
        return str(spec.get("label") or self.label or self.name)

    def value_labels_in(self, lang: str | None = None) -> dict[Any, str]:
        """Value labels in ``lang``: translated where the codebook gives a translation."""
        spec = self.translations.get(lang or "", {})
        return {**self.value_labels, **(spec.get("value_labels") or {})}

    @property
    def valid_labels(self) -> dict[Any, str]:
        """Value labels without the user-missing codes."""
        return {k: v for k, v in self.value_labels.items() if not self.is_missing_code(k)}

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with defaults left out, for YAML and JSON."""
        out: dict[str, Any] = {"name": self.name}
        for f in fields(self):
            if f.name == "name":
                continue
            value = getattr(self, f.name)
            default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
            if value != default:
                out[f.name] = value
        return out


@dataclass(frozen=True)
class Codebook:
    """The data dictionary of one dataset.

    Parameters
    ----------
    dataset
        Dataset name (the catalog key, file stem and suite name).
    variables
        Variables in file order.
    title
        Human-readable title.
    encoding
        Character encoding the source file declared.
    mr_sets
        Multiple-response sets as the file carries them: name -> dict with ``label``,
        ``type`` (``D`` dichotomy or ``C`` category), ``counted_value`` and ``variables``.
    notes
        Free notes (provenance, "synthetic data").
    """

    dataset: str
    variables: tuple[Variable, ...] = ()
    title: str = ""
    encoding: str | None = None
    mr_sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self) -> None:
        names = [v.name for v in self.variables]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise CodebookError(
                f"codebook {self.dataset!r} names variable(s) more than once: {', '.join(dupes)}",
                hint="give each variable one entry",
            )

    # -- access -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def get(self, name: str, default: Variable | None = None) -> Variable | None:
        """The variable called ``name``, or ``default`` when the codebook has none."""
        for v in self.variables:
            if v.name == name:
                return v
        return default

    def __contains__(self, name: object) -> bool:
        return any(v.name == name for v in self.variables)

    def __iter__(self):
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def scales(self) -> dict[str, list[Variable]]:
        """Scale name -> its items, in file order."""
        out: dict[str, list[Variable]] = {}
        for v in self.variables:
            if v.scale:
                out.setdefault(v.scale, []).append(v)
        return out

    def with_variable(self, variable: Variable) -> Codebook:
        """A new codebook with ``variable`` replacing (or appended after) the one of that name."""
        vs = [variable if v.name == variable.name else v for v in self.variables]
        if variable.name not in self:
            vs.append(variable)
        return replace(self, variables=tuple(vs))

    # -- serialisation ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dataset": self.dataset}
        if self.title:
            out["title"] = self.title
        if self.encoding:
            out["encoding"] = self.encoding
        if self.notes:
            out["notes"] = self.notes
        if self.mr_sets:
            out["mr_sets"] = self.mr_sets
        out["variables"] = [v.to_dict() for v in self.variables]
        return out

    def to_yaml(self, path: str | Path | None = None) -> str:
        """Serialise to YAML (and write it to ``path`` when given)."""
        data = _plain(self.to_dict())
        # YAML reads NEL, LS and PS as line breaks; a label holding one is written escaped
        # (the whole file then uses \x.. escapes) so that it reads back unchanged.
        readable = not any(ch in json.dumps(data, ensure_ascii=False) for ch in "\x85\u2028\u2029")
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=readable, width=100)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_json(self) -> str:
        return json.dumps(_plain(self.to_dict()), ensure_ascii=False, indent=2)

    def to_html(self, *, lang: str = "nl", drift: list[Drift] | None = None) -> str:
        """A self-contained HTML data dictionary (no scripts, no external files).

        Parameters
        ----------
        lang
            ``"nl"`` (default) or ``"en"`` headings.
        drift
            Differences with a new delivery to list at the end (from :meth:`diff`).

        Returns
        -------
        str
            One HTML page: per variable its name, label, type, measurement level, value labels,
            missing codes and scale; multiple-response sets and scales follow.
        """
        from analysis.codebook_html import render

        return render(self, lang=lang, drift=drift)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str | Path | None = None) -> Codebook:
        if not isinstance(data, dict) or "dataset" not in data:
            raise CodebookError(
                "not a codebook: the top level needs a 'dataset' key and a 'variables' list",
                path=source,
                hint="compare with a codebook written by `bruggen codebook FILE --format yaml`",
            )
        known = {f.name for f in fields(Variable)}
        variables = []
        for i, raw in enumerate(data.get("variables") or []):
            if not isinstance(raw, dict) or "name" not in raw:
                raise CodebookError(
                    f"variable entry {i + 1} has no 'name'", path=source, hint="give every entry a name"
                )
            unknown = sorted(set(raw) - known)
            if unknown:
                raise CodebookError(
                    f"variable {raw['name']!r} has unknown key(s): {', '.join(unknown)}",
                    path=source,
                    hint=f"allowed keys are {', '.join(sorted(known))}",
                )
            raw = dict(raw)
            if "value_labels" in raw:
                raw["value_labels"] = {_code(k): str(v) for k, v in (raw["value_labels"] or {}).items()}
            if "missing_values" in raw:
                raw["missing_values"] = [_code(k) for k in raw["missing_values"] or []]
            if "unlabelled_codes" in raw:
                raw["unlabelled_codes"] = [_code(k) for k in raw["unlabelled_codes"] or []]
            if "translations" in raw:
                raw["translations"] = _translations(raw["translations"], raw["name"], source)
            try:
                variables.append(Variable(**raw))
            except CodebookError as exc:
                raise CodebookError(exc.message, path=source, hint=exc.hint) from None
        return cls(
            dataset=str(data["dataset"]),
            variables=tuple(variables),
            title=str(data.get("title", "")),
            encoding=data.get("encoding"),
            mr_sets=dict(data.get("mr_sets") or {}),
            notes=str(data.get("notes", "")),
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Codebook:
        path = Path(path)
        if not path.exists():
            raise CodebookError(
                "codebook file not found", path=path, hint="run `bruggen codebook DATAFILE --format yaml`"
            )
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        except yaml.YAMLError as exc:
            raise CodebookError(f"not valid YAML: {exc}", path=path) from None
        return cls.from_dict(data, source=path)

    # -- drift ----------------------------------------------------------------------------
    def diff(self, other: Codebook, *, detect_renames: bool = False) -> list[Drift]:
        """How ``other`` (a new delivery) differs from this codebook (the reviewed one).

        Parameters
        ----------
        other
            The codebook of the new file (its own metadata).
        detect_renames
            Report a removed and an added variable with the same non-empty label and the
            same value labels as one ``renamed`` drift (``old -> new``) instead of two.

        Returns
        -------
        list of Drift
            Variables added, removed (or renamed), and per variable changes of label, type,
            value labels and missing codes. Only what a file can carry is compared (scale
            membership and PII flags live in the YAML alone).
        """
        out: list[Drift] = []
        mine, theirs = {v.name: v for v in self.variables}, {v.name: v for v in other.variables}
        removed = [n for n in mine if n not in theirs]
        added = [n for n in theirs if n not in mine]
        renamed: dict[str, str] = {}
        if detect_renames:
            for old in removed:
                a = mine[old]
                for new in added:
                    b = theirs[new]
                    if (
                        new not in renamed.values()
                        and a.label
                        and a.label == b.label
                        and a.value_labels == b.value_labels
                    ):
                        renamed[old] = new
                        break
        for name in removed:
            if name in renamed:
                out.append(Drift(name, "renamed", f"{name} -> {renamed[name]}"))
            else:
                out.append(Drift(name, "removed", "variable is missing from the new file"))
        for name in added:
            if name not in renamed.values():
                out.append(Drift(name, "added", "variable is new in the file"))
        for name in mine.keys() & theirs.keys():
            a, b = mine[name], theirs[name]
            if a.label != b.label:
                out.append(Drift(name, "label", f"{a.label!r} -> {b.label!r}"))
            if a.type != b.type:
                out.append(Drift(name, "type", f"{a.type} -> {b.type}"))
            for code in sorted(set(a.value_labels) | set(b.value_labels), key=str):
                la, lb = a.value_labels.get(code), b.value_labels.get(code)
                if la is None:
                    out.append(Drift(name, "new code", f"{code} = {lb!r}"))
                elif lb is None:
                    out.append(Drift(name, "dropped code", f"{code} = {la!r}"))
                elif la != lb:
                    out.append(Drift(name, "value label", f"{code}: {la!r} -> {lb!r}"))
            if sorted(map(str, a.missing_values)) != sorted(map(str, b.missing_values)) or list(
                map(list, a.missing_ranges)
            ) != list(map(list, b.missing_ranges)):
                out.append(
                    Drift(
                        name,
                        "missing codes",
                        f"{a.missing_values}{a.missing_ranges or ''} -> {b.missing_values}{b.missing_ranges or ''}",
                    )
                )
        order = {n: i for i, n in enumerate(list(mine) + [n for n in theirs if n not in mine])}
        return sorted(out, key=lambda d: (order[d.variable], d.kind))


#: At most this many unlabelled codes are recorded for a numeric variable; more make it a
#: measure (``measure: scale``), not a set of categories.
MAX_UNLABELLED = 20


def describe_observed(codebook: Codebook, data: Any) -> Codebook:
    """The codebook of a file, made to describe what the file holds (for a study's first codebook).

    A file's own metadata can disagree with its data in two ways that would make its generated
    suite fail on the untouched file:

    1. a count or an age marked nominal, labelled only on its special codes
       (``97 = weet niet``, ``98 = weigert``, ``99 = n.v.t.``;
       :func:`analysis.validate.suites.special_codes`): it gets ``measure: scale`` and its
       special codes are declared missing (``missing_values``), so analyses do not count 99 as
       99 years;
    2. a closed set of labelled codes (a nominal or ordinal variable labelled ``1 = rood,
       2 = groen, 3 = blauw``) whose data also hold codes without a label (4 and 9): those are
       recorded in ``unlabelled_codes``, which the value set includes, so the reviewer sees them
       in the codebook and can label them. A numeric variable with more than
       :data:`MAX_UNLABELLED` such codes is a measure, not a set: it gets ``measure: scale``.

    Nothing else changes. Codes that are user-missing are never unlabelled codes.

    Parameters
    ----------
    codebook
        The file's own codebook (``Dataset.codebook`` of a file read without a reviewed codebook).
    data
        The :class:`~analysis.ingest.Dataset` read from the file (its stored codes are looked
        at), or a frame of the stored codes.

    Returns
    -------
    Codebook
        A new codebook; the same object when nothing needed to change.

    Examples
    --------
    >>> from analysis.codebook import describe_observed
    >>> book = describe_observed(dataset.codebook, dataset)       # doctest: +SKIP
    >>> book.to_yaml("codebooks/enquete.yml")                     # doctest: +SKIP
    """
    from analysis.validate.suites import special_codes, value_set

    changed = False
    variables = []
    for var in codebook.variables:
        new = var
        special = special_codes(var)
        if special:
            missing = list(var.missing_values) + [
                _plain(c) for c in special if not var.is_missing_code(_plain(c))
            ]
            if var.measure != "scale" or missing != list(var.missing_values):
                new = replace(var, measure="scale", missing_values=missing)
        else:
            allowed = value_set(var)
            if allowed is not None:
                extra = _unlabelled(var, allowed, _codes_of(data, var.name))
                if var.type == "numeric" and len(extra) > MAX_UNLABELLED:
                    new = replace(var, measure="scale")
                elif extra:
                    new = replace(var, unlabelled_codes=list(var.unlabelled_codes) + extra)
        changed |= new is not var
        variables.append(new)
    return replace(codebook, variables=tuple(variables)) if changed else codebook


def _codes_of(data: Any, column: str) -> Any:
    """The stored codes of one column of a Dataset or frame (``None`` when it has no such column)."""
    if hasattr(data, "code_column"):
        try:
            return data.code_column(column)
        except KeyError:
            return None
    return data[column] if column in getattr(data, "columns", ()) else None


def _unlabelled(var: Variable, allowed: list[Any], codes: Any) -> list[Any]:
    """The distinct non-missing codes of ``codes`` outside ``allowed``, sorted, as plain values."""
    if codes is None:
        return []
    import pandas as pd

    values = pd.Series(codes).dropna()
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    seen = set()
    for value in pd.unique(values):
        value = _plain(value)
        if isinstance(value, str) and var.type == "numeric":
            continue  # text in a numeric column is the type check's business
        if value in allowed or var.is_missing_code(value) or (isinstance(value, str) and not value.strip()):
            continue
        seen.add(value)
    return sorted(seen, key=lambda v: (isinstance(v, str), v if not isinstance(v, str) else str(v)))


@dataclass(frozen=True)
class Drift:
    """One difference between a reviewed codebook and a new delivery."""

    variable: str
    kind: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _translations(value: Any, name: str, source: str | Path | None) -> dict[str, dict[str, Any]]:
    """Parse a variable's ``translations:`` (language -> label and value labels)."""
    if not isinstance(value, dict):
        raise CodebookError(
            f"variable {name!r}: translations must map a language to labels",
            path=source,
            hint="write translations: {en: {label: ..., value_labels: {1: ...}}}",
        )
    out = {}
    for lang, spec in value.items():
        spec = dict(spec or {}) if isinstance(spec, dict) else spec
        if isinstance(spec, dict) and "value_labels" in spec:
            spec["value_labels"] = {_code(k): str(v) for k, v in (spec["value_labels"] or {}).items()}
        out[str(lang)] = spec
    return out


def _code(value: Any) -> Any:
    """Normalise a value-label key read from YAML/JSON: '1' -> 1, '1.5' -> 1.5, 'ja' -> 'ja'."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return value
        return int(f) if f.is_integer() and "." not in value else f
    return value


def _plain(obj: Any) -> Any:
    """Turn numpy scalars, tuples and floats-that-are-ints into plain YAML-friendly values."""
    if isinstance(obj, dict):
        return {_plain(_code(k)) if not isinstance(k, str) else k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float):
        if obj != obj:  # NaN
            return None
        if obj in (float("inf"), float("-inf")):
            return obj
        return int(obj) if obj.is_integer() else obj
    return obj
