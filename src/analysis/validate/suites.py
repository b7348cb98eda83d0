"""Expectation suites generated from codebooks, stored as reviewed JSON.

A researcher rarely writes an expectation by hand: the codebook already says what every
column may hold. :func:`build_suite` turns a :class:`~analysis.codebook.Codebook` into a
great-expectations :class:`ExpectationSuite`:

================ ======================================================= ===================
check            from the codebook                                       expectation
================ ======================================================= ===================
``present``      every variable is a column                              expect_table_columns_to_match_set
``type``         ``type`` (numeric, string, date, ...)                   expect_columns_to_have_types
``value_set``    ``value_labels`` plus ``missing_values``, when the      expect_columns_values_to_be_in_set
                 labels close the set (see :func:`value_set`)
``range``        ``minimum`` / ``maximum``, or the labelled end points   expect_columns_values_to_be_between
                 of a rating (see :func:`value_range`); user-missing
                 codes allowed
``required``     ``required`` (only in rows ``applies_to`` selects)      expect_columns_values_to_not_be_null
``unique``       ``unique``                                              expect_columns_values_to_be_unique
``pattern``      ``pattern`` (``^GM\\d{4}$``)                             expect_column_values_to_match_regex
================ ======================================================= ===================

plus the survey rules of :mod:`analysis.validate.rules` (skip logic, sub-counts, date order,
consent). Columns that share a check and its parameters share one expectation (all Likert
items in one ``value_set`` expectation), which keeps the gate fast; the gate still reports
each column under its own rule name.

The suite is stored as ``data/expectations/<dataset>.json`` and reviewed like code.
Generated expectations carry ``"meta": {"generated": true, ...}``; anything else in the file
is a hand-written addition (any great-expectations 1.x expectation) and survives
regeneration::

    bruggen suites --study study.yml            # all datasets
    bruggen suites --study study.yml kader      # one

The JSON is written with sorted keys and without great-expectations' random ids, so a
regeneration that changes nothing changes no bytes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import CodebookError

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite

    from analysis.codebook import Codebook, Variable
    from analysis.study import Study

#: Checks that belong to one column; the gate names them ``<dataset>.<column>.<check>``.
COLUMN_CHECKS = ("present", "type", "value_set", "range", "required", "unique", "pattern")
#: Checks that belong to a rule; the gate names them ``<dataset>.<check>.<key>``.
RULE_CHECKS = ("skip_logic", "subcount", "date_order", "consent")

HEADER = (
    "Bruggen expectation suite. Expectations with meta.generated = true are rewritten from the "
    "codebook by `bruggen suites`; add your own expectations "
    "(any great-expectations 1.x expectation, optionally with meta.rule = a stable rule name) and "
    "they are kept."
)


def import_gx():
    """Import great-expectations once, with usage statistics off, and register our expectations."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx

    from analysis.validate import expectations  # noqa: F401  (registers the custom expectations)

    return gx


# -- generation (plain dicts; no great-expectations needed) ----------------------------------
def _gen(type_: str, kwargs: dict[str, Any], check: str) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {"generated": True, "check": check}}


def _sort_key(value: Any) -> tuple:
    return (isinstance(value, str), value if not isinstance(value, str) else str(value))


_DATE_TYPES = ("date", "datetime", "time")


def _numbers(codes: list[Any]) -> list[float] | None:
    """The codes as sorted numbers, or ``None`` when one of them is not a number."""
    out = []
    for code in codes:
        if isinstance(code, bool) or not isinstance(code, (int, float)):
            return None
        out.append(float(code))
    return sorted(out)


def _whole_numbers_between(lo: float, hi: float) -> int:
    return max(0, math.floor(hi) - math.ceil(lo) + 1)


#: Words of a value label that marks a special answer rather than a value: don't know, refused,
#: not applicable, no answer, missing, other (Dutch and English).
SPECIAL_LABEL = re.compile(
    r"weet\s*(ik\s*)?niet|\bweigert?\b|geweigerd|weigering|wil\s*(ik\s*)?niet\s*zeggen|zeg\s*ik\s*liever\s*niet"
    r"|\bn\.?\s*v\.?\s*t\b|niet\s*van\s*toepassing|geen\s*antwoord|niet\s*(ingevuld|beantwoord|gevraagd)"
    r"|\bonbekend|ontbre(ekt|kend)|\bmissing\b|\bdon'?t\s*know|\bdo\s*not\s*know|\bdk\b|\brefus(ed|al)\b"
    r"|prefer\s*not|not\s*applicable|\bn\s*/\s*a\b|\bno\s*answer|not\s*(answered|asked)|\bunknown\b"
    r"|\bskipped\b|\bsysmis\b|\banders\b|\boverig\b|\bother\b",
    re.IGNORECASE,
)
#: Codes surveys commonly reserve for special answers, at the edge of a variable's range.
SPECIAL_NUMBERS = frozenset({7, 8, 9, 97, 98, 99, 997, 998, 999, 9997, 9998, 9999, *range(-9, 0)})


def special_codes(var: Variable) -> list[float]:
    """The labelled special codes of a numeric variable whose labels mark only special answers.

    A variable is a *measure labelled on its special codes* (a count or an age with
    ``97 = weet niet``, ``98 = weigert``, ``99 = n.v.t.``) when it is numeric, has value labels
    on numbers, and every label that is not on a user-missing code marks a special answer: its
    label says so (:data:`SPECIAL_LABEL`: weet niet, weigert, n.v.t., geen antwoord, niet
    ingevuld, don't know, refused, not applicable, N/A, missing, other ...), or its code is one of the
    typical special numbers (:data:`SPECIAL_NUMBERS`: 7-9, 97-99, 997-999, -1 to -9), with at
    least one label saying so. Such labels do not close a set (:func:`value_set` gives none);
    they bound a range instead (:func:`value_range`).

    Returns
    -------
    list of float
        Every labelled code (user-missing or not) of such a variable, sorted; ``[]`` for any
        other variable.
    """
    if var.type != "numeric" or not var.value_labels:
        return []
    codes = _numbers(list(var.value_labels))
    if codes is None:
        return []
    said = {c for c, label in var.value_labels.items() if SPECIAL_LABEL.search(str(label))}
    if not said:
        return []
    for code in var.valid_labels:
        if code not in said and float(code) not in SPECIAL_NUMBERS:
            return []
    return codes


def _special_bounds(var: Variable) -> tuple[float | None, float | None]:
    """The bounds that a variable's special codes imply: below its high codes, above its negative ones.

    Only the typical special numbers bound (97-99 -> at most 96; -1 to -9 -> at least 0); a
    special code elsewhere (``0 = geen antwoord``) implies nothing.
    """
    typical = [c for c in special_codes(var) if c in SPECIAL_NUMBERS]
    high = [c for c in typical if c > 0]
    low = [c for c in typical if c < 0]
    return (0.0 if low else None), (min(high) - 1 if high else None)


def _label_kind(var: Variable) -> str | None:
    """How a variable's value labels describe its values (the rule of :func:`value_set`).

    ``"closed"`` (the labels are the set), ``"anchors"`` (labelled points of a numeric
    rating: the lowest and highest bound it), ``"open"`` (labels annotate a few values of a
    wider set), or ``None`` (no value labels, or a date/time).
    """
    if not var.value_labels or var.type in _DATE_TYPES:
        return None
    if var.measure == "scale":
        return "open"
    valid = list(var.valid_labels)
    if not valid:  # the labels only name user-missing codes ("99 = weigert")
        return "open"
    if special_codes(var):  # a count or an age labelled on its special codes only
        return "open"
    if var.type != "numeric":
        return "closed" if var.measure in ("nominal", "ordinal") or len(valid) >= 2 else "open"
    codes = _numbers(valid)
    if codes is None:  # a numeric variable labelled with text codes: take the labels at their word
        return "closed"
    if len(codes) == 1:  # one label is an annotation ("0 = geen", "99 = 99 jaar of ouder")
        return "open"
    if var.measure != "nominal" and all(b - a > 1 for a, b in itertools.pairwise(codes)):
        return "anchors"  # 0 and 10 of a 0-10 rating; 1, 4 and 7 of a 1-7 one
    if var.minimum is not None or var.maximum is not None:
        lo = var.minimum if var.minimum is not None else codes[0]
        hi = var.maximum if var.maximum is not None else codes[-1]
        labelled = {c for c in codes if lo <= c <= hi and c.is_integer()}
        if len(labelled) < _whole_numbers_between(lo, hi):
            return "open"  # labelled points on a declared numeric range
    return "closed"


def value_set(var: Variable) -> list | None:
    """The codes a variable may hold, or ``None`` when its labels do not close the set.

    The *valid labels* are the value labels on codes that are not user-missing. They close
    the set (the result is the labelled codes plus the user-missing codes) when

    1. the variable has valid labels, is not a date or time, and its ``measure`` is not
       ``scale`` (labels on a scale variable annotate a few of its values);
    2. for a text variable: its ``measure`` is ``nominal`` or ``ordinal``, or at least two
       values are labelled (a single label on undeclared text, such as ``Thai`` among a
       dozen languages, annotates one value);
    3. for a numeric variable, all of:

       a. at least two codes are labelled: one label annotates one value of a count or an
          age ("0 = geen", "99 = 99 jaar of ouder");
       b. when the codebook gives a ``minimum`` and/or ``maximum``, the labels cover every
          whole number between those bounds (a missing bound is taken from the lowest or
          highest label): a 0-10 rating with ``minimum: 0, maximum: 10`` and labels on 0
          and 10 only is open, a Likert item labelled 1-5 with ``minimum: 1, maximum: 5``
          is closed;
       c. the labels are not all *anchors*, that is isolated codes with an unlabelled whole
          number between every two of them (0 and 10; 1, 4 and 7). This test does not apply
          to ``measure: nominal``: a nominal variable's labels are its categories however
          they are numbered (10, 20, 30).

    Anything else is open. A fully labelled code list stays closed even with gaps
    (1, 2, 3 and 7 "anders"; 1-5 and 9 "n.v.t." not declared missing), and a nominal
    category such as ``{1: ja, 2: nee}`` is always closed. An open numeric
    variable gets a range check instead (:func:`value_range`). Note that the value set
    lists discrete user-missing codes only: a closed variable with a missing *range*
    (``LO THRU -1``) fails on codes in that range.
    """
    if _label_kind(var) != "closed":
        return None
    codes = set(var.value_labels) | set(var.missing_values) | set(var.unlabelled_codes)
    return sorted(codes, key=_sort_key)


def value_range(var: Variable) -> tuple[float | None, float | None] | None:
    """The bounds a numeric variable without a value set is held to, or ``None``.

    The codebook's ``minimum`` and ``maximum`` where it gives them. When the value labels
    are anchors of a rating (rule 3c of :func:`value_set`: labels on 0 and 10 only, with an
    ``ordinal`` or unknown measure), a bound the codebook leaves out is the lowest or
    highest labelled code. When the labels mark only special codes (:func:`special_codes`),
    the typical special numbers bound it: 97-99 labelled gives at most 96, -1 to -9 at least 0
    (the special codes themselves are allowed). Otherwise a scale variable or a single label
    gives no bound of its own. User-missing codes are allowed whatever the bounds.
    """
    if var.type != "numeric" or value_set(var) is not None:
        return None
    lo, hi = var.minimum, var.maximum
    if special_codes(var):
        low, high = _special_bounds(var)
        lo = low if lo is None else lo
        hi = high if hi is None else hi
    elif _label_kind(var) == "anchors":
        codes = _numbers(list(var.valid_labels)) or []
        lo = codes[0] if lo is None else lo
        hi = codes[-1] if hi is None else hi
    if lo is None and hi is None:
        return None
    return lo, hi


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def generated_expectations(codebook: Codebook, rules: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The generated expectations of a codebook, as great-expectations configuration dicts.

    Parameters
    ----------
    codebook
        The dataset's reviewed codebook.
    rules
        The study's rules (:meth:`analysis.study.Study.validation_rules`); ``None``
        applies only the rules that need no declaration (skip logic).

    Returns
    -------
    list of dict
        ``{"type", "kwargs", "meta"}`` per expectation, in a stable order.
    """
    from analysis.validate import rules as survey_rules

    variables = list(codebook.variables)
    out: list[dict[str, Any]] = []
    if not variables:
        return out
    out.append(
        _gen(
            "expect_table_columns_to_match_set",
            {"column_set": [v.name for v in variables], "exact_match": False},
            "present",
        )
    )
    types: dict[str, Any] = {"types": {v.name: v.type for v in variables}}
    other_codes = {  # user-missing codes of another type than the variable's ("." in a numeric column)
        v.name: [m for m in v.missing_values if isinstance(m, str)]
        for v in variables
        if v.type == "numeric" and any(isinstance(m, str) for m in v.missing_values)
    }
    if other_codes:
        types["ignore_values"] = other_codes
    out.append(_gen("expect_columns_to_have_types", types, "type"))

    groups: dict[Any, list[str]] = {}
    for v in variables:
        vs = value_set(v)
        if vs is not None:
            groups.setdefault(json.dumps(vs), []).append(v.name)
    for key, cols in groups.items():
        out.append(
            _gen(
                "expect_columns_values_to_be_in_set",
                {"column_list": cols, "value_set": json.loads(key)},
                "value_set",
            )
        )

    ranges: dict[tuple, list[Variable]] = {}
    for v in variables:
        bounds = value_range(v)
        if bounds is not None:
            ranges.setdefault(tuple(_plain(b) for b in bounds), []).append(v)
    for (lo, hi), vs in ranges.items():
        kwargs: dict[str, Any] = {"column_list": [v.name for v in vs]}
        if lo is not None:
            kwargs["min_value"] = _plain(lo)
        if hi is not None:
            kwargs["max_value"] = _plain(hi)
        ignore = {
            v.name: list(v.missing_values)
            + [_plain(c) for c in special_codes(v) if c not in v.missing_values]
            for v in vs
            if v.missing_values or special_codes(v)
        }
        if ignore:
            kwargs["ignore_values"] = ignore
        ignore_r = {v.name: [list(r) for r in v.missing_ranges] for v in vs if v.missing_ranges}
        if ignore_r:
            kwargs["ignore_ranges"] = ignore_r
        out.append(_gen("expect_columns_values_to_be_between", kwargs, "range"))

    required: dict[str | None, list[str]] = {}
    for v in variables:
        if v.required:
            required.setdefault(v.applies_to, []).append(v.name)
    for condition, cols in sorted(required.items(), key=lambda kv: (kv[0] is not None, kv[0] or "")):
        kwargs = {"column_list": cols}
        if condition:
            kwargs["condition"] = condition
        out.append(_gen("expect_columns_values_to_not_be_null", kwargs, "required"))

    unique = [v.name for v in variables if v.unique]
    if unique:
        out.append(_gen("expect_columns_values_to_be_unique", {"column_list": unique}, "unique"))
    for v in variables:
        if v.pattern:
            out.append(
                _gen("expect_column_values_to_match_regex", {"column": v.name, "regex": v.pattern}, "pattern")
            )

    out.extend(survey_rules.rule_expectations(codebook, rules))
    return out


# -- great-expectations objects ----------------------------------------------------------------
def to_suite(name: str, expectations: list[dict[str, Any]]) -> ExpectationSuite:
    """A great-expectations suite from configuration dicts (built in one go: fast)."""
    gx = import_gx()
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    objs = []
    for e in expectations:
        try:
            config = ExpectationConfiguration(
                type=e["type"], kwargs=dict(e.get("kwargs") or {}), meta=dict(e.get("meta") or {})
            )
            objs.append(config.to_domain_obj())
        except Exception as exc:
            raise CodebookError(
                f"suite {name!r}: expectation {e.get('type')!r} with {e.get('kwargs')} is not valid ({exc})",
                hint="fix or remove it in data/expectations/<dataset>.json",
            ) from None
    return gx.ExpectationSuite(name=name, expectations=objs)


def build_suite(codebook: Codebook, rules: dict[str, Any] | None = None) -> ExpectationSuite:
    """Build a dataset's expectation suite from its codebook (and the study's rules).

    Parameters
    ----------
    codebook
        The reviewed codebook; the suite is named after ``codebook.dataset``.
    rules
        The study's ``validation:`` section, if any.

    Returns
    -------
    great_expectations.ExpectationSuite

    Examples
    --------
    >>> from analysis.codebook import Codebook, Variable
    >>> book = Codebook("demo", (Variable("item_1", value_labels={1: "oneens", 5: "eens"}, measure="ordinal"),))
    >>> suite = build_suite(book)                               # doctest: +SKIP
    >>> [e.expectation_type for e in suite.expectations][:2]     # doctest: +SKIP
    ['expect_table_columns_to_match_set', 'expect_columns_to_have_types']
    """
    return to_suite(codebook.dataset, generated_expectations(codebook, rules))


def suite_to_dict(suite: ExpectationSuite | dict[str, Any]) -> dict[str, Any]:
    """A suite as the plain JSON-ready dict that :func:`write_suite` stores (no random ids)."""
    if isinstance(suite, dict):
        name, exps = suite["name"], suite["expectations"]
    else:
        name = suite.name
        exps = []
        for e in suite.expectations:
            cfg = e.configuration.to_json_dict()
            exps.append(
                {"type": cfg["type"], "kwargs": cfg.get("kwargs") or {}, "meta": cfg.get("meta") or {}}
            )
    cleaned = []
    for e in exps:
        item = {"type": e["type"], "kwargs": _json_ready(e.get("kwargs") or {})}
        if e.get("meta"):
            item["meta"] = _json_ready(e["meta"])
        cleaned.append(item)
    return {"name": name, "meta": {"notes": HEADER}, "expectations": cleaned}


def _json_ready(obj: Any) -> Any:
    return json.loads(json.dumps(obj, default=str))


def dumps(suite: ExpectationSuite | dict[str, Any]) -> str:
    """Serialise a suite byte-stably: sorted keys, two-space indent, trailing newline."""
    return json.dumps(suite_to_dict(suite), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_suite(suite: ExpectationSuite | dict[str, Any], path: str | Path) -> Path:
    """Write a suite to ``path`` (usually ``data/expectations/<dataset>.json``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(suite), encoding="utf-8")
    return path


def read_suite_dict(path: str | Path) -> dict[str, Any]:
    """The stored suite as a plain dict (``name``, ``expectations``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(
            "expectation suite not found",
            path=path,
            hint="generate it: bruggen suites --study study.yml",
        ) from None
    except json.JSONDecodeError as exc:
        raise CodebookError(
            f"not valid JSON: {exc}", path=path, hint="fix the file or regenerate it"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise CodebookError(
            "not an expectation suite: the top level needs an 'expectations' list",
            path=path,
            hint="regenerate it: bruggen suites --study study.yml",
        )
    data.setdefault("name", path.stem)
    return data


def load_suite(path: str | Path) -> ExpectationSuite:
    """Read a stored suite (generated and hand-written expectations) into great-expectations."""
    data = read_suite_dict(path)
    try:
        return to_suite(str(data["name"]), data["expectations"])
    except CodebookError as exc:
        raise CodebookError(exc.message, path=path, hint=exc.hint) from None


def hand_written(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The expectations of a stored suite that were not generated."""
    return [e for e in data.get("expectations", []) if not (e.get("meta") or {}).get("generated")]


def merged(codebook: Codebook, existing: dict[str, Any] | None, rules: dict[str, Any] | None = None) -> dict:
    """Freshly generated expectations followed by the hand-written ones of ``existing``."""
    exps = generated_expectations(codebook, rules)
    if existing:
        exps += hand_written(existing)
    return {"name": codebook.dataset, "expectations": exps}


def is_current(data: dict[str, Any], codebook: Codebook, rules: dict[str, Any] | None = None) -> bool:
    """Whether a stored suite's generated part matches what the codebook generates now."""
    stored = [e for e in suite_to_dict(data)["expectations"] if (e.get("meta") or {}).get("generated")]
    fresh = suite_to_dict({"name": codebook.dataset, "expectations": generated_expectations(codebook, rules)})
    return stored == fresh["expectations"]


def regenerate(
    codebook: Codebook, path: str | Path, rules: dict[str, Any] | None = None
) -> tuple[Path, bool]:
    """Rewrite the generated part of a stored suite, keeping hand-written additions.

    Returns
    -------
    (path, changed)
        The file and whether its bytes changed.
    """
    path = Path(path)
    existing = read_suite_dict(path) if path.exists() else None
    before = path.read_bytes() if path.exists() else b""
    text = dumps(merged(codebook, existing, rules))
    path.parent.mkdir(parents=True, exist_ok=True)
    if text.encode("utf-8") != before:
        path.write_text(text, encoding="utf-8")
        return path, True
    return path, False


def suite_path(study: Study, name: str) -> Path:
    """Where a dataset's suite lives: ``suite:`` in study.yml, else ``data/expectations/<name>.json``."""
    entry = study.entry(name)
    return entry.suite or (study.root / "data" / "expectations" / f"{name}.json")


def regenerate_study(study: Study, names: list[str] | None = None) -> list[tuple[Path, bool]]:
    """Regenerate the suites of a study's datasets (all, or ``names``) from their codebooks."""
    rules = study.validation_rules() or None
    out = []
    for name in names or list(study.datasets):
        book = study.codebook(name)
        if book is None:
            raise CodebookError(
                f"dataset {name!r} has no codebook, so no suite can be generated",
                path=study.source,
                hint=f"add `codebook: data/codebooks/{name}.yml` to the dataset in study.yml",
            )
        out.append(regenerate(book, suite_path(study, name), rules))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.validate.suites``: regenerate suites from codebooks."""
    from analysis.errors import BruggenError
    from analysis.study import Study

    parser = argparse.ArgumentParser(
        prog="python -m analysis.validate.suites",
        description="Regenerate data/expectations/<dataset>.json from the codebooks; "
        "hand-written expectations are kept.",
    )
    parser.add_argument("datasets", nargs="*", help="dataset names (default: all)")
    parser.add_argument(
        "--study", "-s", default=None, help="study.yml (default: $BRUGGEN_STUDY or ./study.yml)"
    )
    args = parser.parse_args(argv)
    try:
        study = Study.from_yaml(args.study)
        for path, changed in regenerate_study(study, args.datasets or None):
            print(f"{'wrote' if changed else 'unchanged'} {path}")
    except BruggenError as exc:
        print(f"error: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
