"""The validation gate: nothing is analysed or published from data that failed its checks.

:func:`run` reads every dataset of a study and runs, lazily (every failure is collected,
not just the first):

1. the dataset's expectation suite through great-expectations, on the stored codes (so value
   sets see the user-missing codes): the generated expectations derived from the current
   codebook, plus the hand-written ones of ``data/expectations/<dataset>.json`` (see
   :mod:`analysis.validate.suites`). When the file's generated part no longer matches the
   codebook, the gate says so (a warning, ``<dataset>.suite.up_to_date``) and checks against
   the codebook: a stale file never lets bad data through nor blocks good data;
2. the survey rules inside that suite (skip logic, sub-counts, date order, consent; see
   :mod:`analysis.validate.rules`);
3. the personal-data scan of text columns and transcripts (:mod:`analysis.validate.pii`);
4. the cross-dataset rules (references between datasets, codes used in codings).

A dataset that cannot be read is itself a failed check (``<dataset>.read``), not a crash.
Every check has a stable rule name (``organisatie_enquete.trust_1.value_set``,
``organisatie_enquete.skip_logic.informal_org_type``) and reports how many rows failed and
a few example rows (1-based data rows, and the respondent ID where the dataset has one);
never the personal data itself.

:func:`write` writes ``validatie.json`` and ``validatie.html`` (Dutch, self-contained),
byte-stable for the same input; :func:`require_pass` is what the report builder calls.

Examples
--------
>>> from analysis.study import Study
>>> from analysis.validate import gate
>>> result = gate.run(Study.from_yaml("study.yml"))     # doctest: +SKIP
>>> result.passed, [c.rule for c in result.failures]    # doctest: +SKIP
(True, [])
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import ValidationFailed
from analysis.outputs import Output, write_outputs
from analysis.validate import pii, suites

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from analysis.codebook import Codebook
    from analysis.ingest import Dataset
    from analysis.study import Study

PASSED, FAILED, WARNING = "passed", "failed", "warning"
STATUS_NL = {PASSED: "geslaagd", FAILED: "mislukt", WARNING: "waarschuwing"}
#: Longest unexpected value shown in a report (longer ones are left out).
MAX_VALUE_LENGTH = 40


@dataclass(frozen=True)
class Check:
    """The outcome of one rule on one dataset (and column).

    Attributes
    ----------
    rule
        Stable name, ``<dataset>.<column>.<check>`` or ``<dataset>.<check>.<key>``.
    dataset, column, table
        Where the rule looked (``table`` for a table of a multi-table source).
    check
        The kind of check: ``read``, ``present``, ``type``, ``value_set``, ``range``,
        ``required``, ``unique``, ``pattern``, ``skip_logic``, ``subcount``, ``date_order``,
        ``consent``, ``references``, ``codes``, ``pii``, ``suite``, or ``custom``.
    status
        ``passed``, ``failed`` or ``warning`` (reported, does not block).
    description
        What the rule requires, in Dutch.
    message
        What went wrong, in Dutch (empty when passed).
    element_count, unexpected_count
        Rows looked at and rows that failed.
    examples
        A few failing rows: ``{"row": 12}`` (1-based data row) plus ``"id"`` where the
        dataset has an ID column.
    values
        A few failing values, only when they cannot hold personal data.
    """

    rule: str
    dataset: str
    check: str
    status: str
    description: str
    column: str | None = None
    table: str | None = None
    message: str = ""
    element_count: int | None = None
    unexpected_count: int = 0
    examples: tuple[dict[str, Any], ...] = ()
    values: tuple[Any, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status != FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "dataset": self.dataset,
            "table": self.table,
            "column": self.column,
            "check": self.check,
            "status": self.status,
            "description": self.description,
            "message": self.message,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "examples": [dict(e) for e in self.examples],
            "values": list(self.values),
        }


@dataclass(frozen=True)
class DatasetInfo:
    """What the gate saw of one dataset."""

    name: str
    path: str
    read: bool
    rows: int | None = None
    columns: int | None = None
    suite: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "read": self.read,
            "rows": self.rows,
            "columns": self.columns,
            "suite": self.suite,
        }


@dataclass(frozen=True)
class ValidationResult:
    """Every check of one gate run.

    Attributes
    ----------
    study
        The study's name.
    checks
        All checks, passed ones included, sorted by dataset (study order) and rule.
    datasets
        Per dataset: file, rows, columns, where its suite came from.
    """

    study: str
    checks: tuple[Check, ...]
    datasets: tuple[DatasetInfo, ...] = ()
    title: str = ""
    synthetic: bool = False

    @property
    def passed(self) -> bool:
        """No check failed (warnings do not block)."""
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAILED]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status == WARNING]

    @property
    def n_checks(self) -> int:
        return len(self.checks)

    @property
    def n_datasets(self) -> int:
        return len(self.datasets)

    def rules(self) -> list[str]:
        """The rule names, in report order."""
        return [c.rule for c in self.checks]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict: ``study``, ``passed``, ``summary``, ``datasets``, ``checks``."""
        return {
            "study": self.study,
            "title": self.title,
            "synthetic": self.synthetic,
            "passed": self.passed,
            "summary": {
                "checks": self.n_checks,
                "failed": len(self.failures),
                "warnings": len(self.warnings),
                "passed": self.n_checks - len(self.failures) - len(self.warnings),
            },
            "datasets": [d.to_dict() for d in self.datasets],
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_json(self) -> str:
        """Byte-stable JSON (sorted keys, no timestamps)."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"

    def _repr_html_(self) -> str:
        return render_html(self, fragment=True)


# -- the run -------------------------------------------------------------------------------------
class _Engine:
    """One ephemeral great-expectations context per gate run (the import is paid once)."""

    def __init__(self) -> None:
        gx = suites.import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        source = self.context.data_sources.add_pandas("bruggen")
        self.batch_definition = source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe(
            "whole"
        )

    def validate(self, frame: pd.DataFrame, name: str, expectations: list[dict[str, Any]]):
        suite = suites.to_suite(name, expectations)
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(
            suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
        )


def run(study: Study) -> ValidationResult:
    """Run every suite and rule on every dataset of the study; collect all failures.

    Parameters
    ----------
    study
        The study; each dataset is read with ``study.load(name)``.

    Returns
    -------
    ValidationResult
        ``.passed`` is False when any check failed.
    """
    engine = _Engine()
    config = study.section("validation") or None
    privacy = study.section("privacy")
    checks: list[Check] = []
    infos: list[DatasetInfo] = []
    loaded: dict[str, Dataset] = {}

    names_pattern, name_checks = _names(study, privacy)
    checks += name_checks
    fail_on = tuple(privacy.get("fail_on") or pii.DIRECT_IDENTIFIERS)

    for name, entry in study.datasets.items():
        relpath = _rel(entry.path, study.root)
        try:
            ds = study.load(name)
        except Exception as exc:  # any reader failure is a failed check, never a crash
            text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            checks.append(
                Check(
                    rule=f"{name}.read",
                    dataset=name,
                    check="read",
                    status=FAILED,
                    description=f"het bestand {relpath} kan worden gelezen",
                    message=f"Het bestand kon niet worden gelezen: {text}",
                )
            )
            infos.append(DatasetInfo(name, relpath, read=False))
            continue
        loaded[name] = ds
        frame = _validation_frame(ds)
        expectations, origin, suite_checks = _expectations(study, name, ds.codebook, config)
        checks += suite_checks
        ids = _id_column(ds.codebook, frame)
        if expectations:
            result = engine.validate(frame, name, _runnable(expectations, frame))
            checks += _from_gx(name, result, frame, ds.codebook, ids)
        checks += _scale_checks(name, ds.codebook)
        checks += _pii_checks(name, ds, frame, ids, names_pattern, fail_on)
        infos.append(DatasetInfo(name, relpath, True, len(frame), len(frame.columns), origin))

    for o in _cross(loaded, config):
        checks.append(o)

    order = {name: i for i, name in enumerate(study.datasets)}
    checks.sort(key=lambda c: (order.get(c.dataset, -1), c.rule))
    checks = _dedupe(checks)
    return ValidationResult(
        study=study.name,
        checks=tuple(checks),
        datasets=tuple(infos),
        title=study.title,
        synthetic=study.synthetic,
    )


def require_pass(study: Study) -> ValidationResult:
    """Run the gate and raise :class:`ValidationFailed` unless every check passed.

    Writes nothing: the caller (the report builder) must leave ``reports/`` untouched when
    the data fail.

    Raises
    ------
    ValidationFailed
        Listing the failing rules.
    """
    result = run(study)
    if not result.passed:
        fails = result.failures
        shown = ", ".join(c.rule for c in fails[:15]) + (
            f" and {len(fails) - 15} more" if len(fails) > 15 else ""
        )
        raise ValidationFailed(
            f"the validation gate failed ({len(fails)} check(s)): {shown}; nothing was analysed or written",
            path=study.source,
            hint="run `bruggen validate` and read reports/validatie.html for the rows involved",
        )
    return result


# -- helpers for run -------------------------------------------------------------------------------
def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def _names(study: Study, privacy: dict[str, Any]) -> tuple[re.Pattern[str] | None, list[Check]]:
    value = privacy.get("names_file")
    if not value:
        return None, []
    path = study.resolve(value)
    if not path.exists():
        return None, [
            Check(
                rule="study.privacy.names_file",
                dataset="study",
                check="pii",
                status=WARNING,
                description="de namenlijst (privacy.names_file) is aanwezig",
                message=f"De namenlijst {_rel(path, study.root)} ontbreekt; open tekst is niet op namen gecontroleerd.",
            )
        ]
    return pii.compile_names(pii.read_names(path)), [
        Check(
            rule="study.privacy.names_file",
            dataset="study",
            check="pii",
            status=PASSED,
            description="de namenlijst (privacy.names_file) is aanwezig",
        )
    ]


def _validation_frame(ds: Dataset) -> pd.DataFrame:
    """The stored codes (user-missing codes kept), with a 0..n-1 index for row numbers."""
    frame = ds.codes if ds.codes is not None else ds.frame
    return frame.reset_index(drop=True)


def _expectations(
    study: Study, name: str, codebook: Codebook, config: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], str, list[Check]]:
    path = study.entry(name).suite
    if path is not None and path.exists():
        try:
            data = suites.read_suite_dict(path)
        except Exception as exc:
            return (
                suites.generated_expectations(codebook, config),
                "codeboek",
                [
                    Check(
                        rule=f"{name}.suite",
                        dataset=name,
                        check="suite",
                        status=FAILED,
                        description="de expectation suite kan worden gelezen",
                        message=str(getattr(exc, "message", exc)),
                    )
                ],
            )
        rel = _rel(path, study.root)
        current = suites.is_current(data, codebook, config)
        check = Check(
            rule=f"{name}.suite.up_to_date",
            dataset=name,
            check="suite",
            status=PASSED if current else WARNING,
            description=f"de suite {rel} past bij het codeboek",
            message=""
            if current
            else f"De suite {rel} is niet opnieuw gegenereerd na een wijziging van het codeboek. "
            "De gegenereerde controles zijn voor deze run uit het huidige codeboek afgeleid; werk het "
            "bestand bij met: python -m analysis.validate.suites --study study.yml",
        )
        # generated checks always follow the current codebook; hand-written ones come from the file
        return suites.merged(codebook, data, config)["expectations"], rel, [check]
    exps = suites.generated_expectations(codebook, config)
    return exps, "codeboek", []


_COLUMN_KWARGS = ("column", "column_A", "column_B")


def _runnable(expectations: list[dict[str, Any]], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Leave out single-column expectations on absent columns (the presence check names them)."""
    out = []
    cols = set(frame.columns)
    for e in expectations:
        kwargs = e.get("kwargs") or {}
        if any(k in kwargs and kwargs[k] not in cols for k in _COLUMN_KWARGS):
            continue
        out.append(e)
    return out


def _id_column(codebook: Codebook, frame: pd.DataFrame) -> str | None:
    for v in codebook.variables:
        if v.unique and v.type == "string" and not v.pii and v.name in frame.columns:
            return v.name
    return None


def _examples(index: list[Any], frame: pd.DataFrame | None, ids: str | None) -> tuple[dict[str, Any], ...]:
    out = []
    for i in index:
        try:
            row = int(i)
        except (TypeError, ValueError):
            continue
        ex: dict[str, Any] = {"row": row + 1}
        if ids is not None and frame is not None and 0 <= row < len(frame):
            value = frame[ids].iloc[row]
            if isinstance(value, str) and not pii.scan_text(value):
                ex["id"] = value
        out.append(ex)
    return tuple(out)


def _safe_values(values: list[Any], sensitive: bool) -> tuple[Any, ...]:
    """Values fit to print: never for a pii column, never when a detector fires, never long."""
    if sensitive:
        return ()
    out = []
    for v in values:
        if isinstance(v, (list, tuple)):
            continue
        text = str(v)
        if len(text) > MAX_VALUE_LENGTH or pii.scan_text(text):
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(v if isinstance(v, (int, float, str, bool)) or v is None else text)
    return tuple(out)


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _describe(check: str, column: str | None, kwargs: dict[str, Any], extra: str = "") -> str:
    """What a rule requires, in Dutch."""
    col = column or ""
    if check == "present":
        return f"kolom {col} is aanwezig"
    if check == "type":
        return f"{col} heeft type {kwargs.get('types', {}).get(col, '?')}"
    if check == "value_set":
        return f"{col} bevat alleen de codes {', '.join(_fmt(v) for v in kwargs.get('value_set', []))}"
    if check == "range":
        lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
        if lo is not None and hi is not None:
            return f"{col} ligt tussen {_fmt(lo)} en {_fmt(hi)} (missende codes toegestaan)"
        if lo is not None:
            return f"{col} is minstens {_fmt(lo)}"
        return f"{col} is hoogstens {_fmt(hi)}"
    if check == "required":
        cond = kwargs.get("condition")
        return f"{col} is ingevuld" + (f" waar {cond}" if cond else "")
    if check == "unique":
        return f"{col} is uniek"
    if check == "pattern":
        return f"{col} volgt het patroon {kwargs.get('regex')}"
    if check == "skip_logic":
        return f"{col} is leeg waar niet geldt: {kwargs.get('condition')} (skip-logica)"
    if check == "subcount":
        return f"{extra} is niet groter dan {col}"
    if check == "date_order":
        return f"{col} ligt niet vóór {extra}"
    if check == "consent":
        vs = kwargs.get("value_set")
        return f"{col} = toestemming gegeven" + (f" (code {_fmt(vs[0])})" if vs else "")
    return extra or check


def _message(check: str, column: str | None, n: int, total: int | None, examples, values) -> str:
    """What went wrong, in Dutch."""
    what = {
        "value_set": "met een code die niet in het codeboek staat",
        "range": "met een waarde buiten het toegestane bereik",
        "required": "zonder waarde",
        "unique": "met een waarde die vaker voorkomt",
        "pattern": "met een waarde die niet het patroon volgt",
        "skip_logic": "waarin de vraag is ingevuld terwijl die niet voor deze respondent bedoeld is",
        "subcount": "waarin het deelaantal groter is dan het totaal",
        "date_order": "waarin de latere datum vóór de eerdere ligt",
        "consent": "zonder gegeven toestemming",
        "references": "met een waarde die niet in het andere bestand voorkomt",
        "codes": "met een code die niet in het codeboek van het project staat",
    }.get(check, "die niet voldoen")
    text = f"{n} {'rij' if n == 1 else 'rijen'}"
    if total is not None:
        text += f" (van {total})"
    text += f" {what}"
    if examples:
        refs = [f"rij {e['row']}" + (f" ({e['id']})" if "id" in e else "") for e in examples]
        text += "; bijvoorbeeld " + ", ".join(refs)
    if values:
        text += "; gevonden: " + ", ".join(_fmt(v) for v in values)
    return text + "."


def _from_gx(name: str, result, frame: pd.DataFrame, codebook: Codebook, ids: str | None) -> list[Check]:
    """Turn a great-expectations suite result into one Check per rule (per column)."""
    out: list[Check] = []
    pii_cols = {v.name for v in codebook.variables if v.pii}
    seen: dict[str, int] = {}
    for r in result.results:
        cfg = r.expectation_config
        kwargs = dict(cfg.kwargs or {})
        kwargs.pop("batch_id", None)
        meta = dict(cfg.meta or {})
        check = meta.get("check") if meta.get("generated") else None
        exc = r.exception_info or {}
        raised = exc.get("raised_exception") if isinstance(exc, dict) else False
        if raised:
            column = kwargs.get("column")
            rule = _custom_rule(name, cfg.type, kwargs, meta, check, seen)
            out.append(
                Check(
                    rule=rule,
                    dataset=name,
                    column=column,
                    check=check or "custom",
                    status=FAILED,
                    description=_describe(check or "custom", column, kwargs, cfg.type),
                    message="De controle kon niet worden uitgevoerd: "
                    + str(exc.get("exception_message") or "onbekende fout").splitlines()[0],
                )
            )
            continue
        res = r.result or {}
        if check == "present":
            missing = set(((res.get("details") or {}).get("mismatched") or {}).get("missing") or [])
            for col in kwargs.get("column_set", []):
                bad = col in missing
                out.append(
                    Check(
                        rule=f"{name}.{col}.present",
                        dataset=name,
                        column=col,
                        check="present",
                        status=FAILED if bad else PASSED,
                        description=_describe("present", col, kwargs),
                        message="De kolom ontbreekt in het bestand." if bad else "",
                    )
                )
            continue
        details = (res.get("details") or {}).get("columns")
        if check and details is not None:
            for key, o in details.items():
                out.append(_column_check(name, check, key, o, kwargs, frame, ids, pii_cols))
            continue
        # a single-column generated check (unique, pattern) or a hand-written expectation
        column = kwargs.get("column")
        rule = (
            f"{name}.{column}.{check}"
            if check in suites.COLUMN_CHECKS and column
            else _custom_rule(name, cfg.type, kwargs, meta, check, seen)
        )
        n = int(res.get("unexpected_count") or 0)
        examples = _examples(list(res.get("partial_unexpected_index_list") or []), frame, ids)
        values = _safe_values(
            list(dict.fromkeys(map(_hashable, res.get("partial_unexpected_list") or []))),
            sensitive=column in pii_cols or column is None,
        )
        status = PASSED if r.success else FAILED
        message = ""
        if not r.success:
            if "unexpected_count" in res:
                message = _message(check or "custom", column, n, res.get("element_count"), examples, values)
            else:
                observed = res.get("observed_value")
                message = "Niet voldaan" + (
                    f"; gevonden: {observed}" if observed is not None and column not in pii_cols else ""
                )
                message += "."
        out.append(
            Check(
                rule=rule,
                dataset=name,
                column=column,
                check=check or "custom",
                status=status,
                description=_describe(check or "custom", column, kwargs, meta.get("description") or cfg.type),
                message=message,
                element_count=res.get("element_count"),
                unexpected_count=n,
                examples=examples if not r.success else (),
                values=values if not r.success else (),
            )
        )
    return out


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _custom_rule(
    name: str,
    type_: str,
    kwargs: dict[str, Any],
    meta: dict[str, Any],
    check: str | None,
    seen: dict[str, int],
) -> str:
    if meta.get("rule"):
        base = str(meta["rule"])
    else:
        where = kwargs.get("column") or "table"
        base = f"{name}.{where}.{check or type_}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}.{seen[base]}"


def _column_check(
    name: str,
    check: str,
    key: str,
    o: dict[str, Any],
    kwargs: dict[str, Any],
    frame: pd.DataFrame,
    ids: str | None,
    pii_cols: set[str],
) -> Check:
    extra = ""
    column = key
    if check in ("subcount", "date_order"):
        high, low = key.split(">=", 1)
        if check == "subcount":
            rule, column, extra = f"{name}.subcount.{low}", high, low
        else:
            rule, column, extra = f"{name}.date_order.{high}", high, low
    elif check in suites.RULE_CHECKS:
        rule = f"{name}.{check}.{key}"
    else:
        rule = f"{name}.{key}.{check}"
    n = int(o.get("unexpected_count") or 0)
    examples = _examples(o.get("index") or [], frame, ids) if n else ()
    values = _safe_values(o.get("values") or [], sensitive=key in pii_cols) if n else ()
    if check == "type":
        message = f"Verwacht type {o.get('expected')}, gevonden {o.get('observed')}." if n else ""
        examples, values = (), ()
    else:
        message = _message(check, key, n, o.get("element_count"), examples, values) if n else ""
    description = _describe(check, column, kwargs, extra)
    if check == "subcount":
        description = f"{low} is niet groter dan {high}"
    return Check(
        rule=rule,
        dataset=name,
        column=column if check not in ("subcount",) else low,
        check=check,
        status=FAILED if n else PASSED,
        description=description,
        message=message,
        element_count=o.get("element_count"),
        unexpected_count=n,
        examples=examples,
        values=values,
    )


def _scale_checks(name: str, codebook: Codebook) -> list[Check]:
    from analysis.validate import rules

    return [
        Check(
            rule=f"{name}.scale.{scale}",
            dataset=name,
            check="scale",
            status=FAILED if problem else PASSED,
            description=f"de items van schaal {scale} ({', '.join(items)}) hebben dezelfde antwoordschaal",
            message=(problem[0].upper() + problem[1:] + ". Pas het codeboek aan.") if problem else "",
        )
        for scale, items, problem in rules.scale_checks(codebook)
    ]


# -- personal data ----------------------------------------------------------------------------------
def _text_columns(ds: Dataset, frame: pd.DataFrame) -> list[tuple[str, bool]]:
    """(column, marked pii) for every column that can hold free text."""
    from analysis.validate.evaluate import type_of

    out = []
    for col in frame.columns:
        var = ds.codebook[col] if col in ds.codebook else None  # noqa: SIM401 (no .get)
        if var is not None and not var.pii and (var.pattern or var.value_labels or var.type != "string"):
            continue
        if var is None and type_of(frame[col]) not in ("string", "mixed"):
            continue
        out.append((col, bool(var is not None and var.pii)))
    return out


def _pii_checks(
    name: str,
    ds: Dataset,
    frame: pd.DataFrame,
    ids: str | None,
    names: re.Pattern[str] | None,
    fail_on: tuple[str, ...],
) -> list[Check]:
    from analysis.validate.evaluate import type_of

    out = []
    targets: list[tuple[str | None, str, pd.DataFrame, bool]] = [
        (None, col, frame, marked) for col, marked in _text_columns(ds, frame)
    ]
    for table, tframe in sorted(ds.tables.items()):
        if tframe is ds.frame or tframe is ds.codes or _same_columns(tframe, frame):
            continue
        tframe = tframe.reset_index(drop=True)
        for col in tframe.columns:
            if type_of(tframe[col]) in ("string", "mixed"):
                # transcripts and other running text in a table are personal by nature
                targets.append((table, col, tframe, pii.looks_like_free_text(tframe[col])))
    for table, col, tframe, marked in targets:
        free_text = marked or pii.looks_like_free_text(tframe[col])
        found = pii.scan_series(tframe[col], names if free_text else None)
        rule = f"{name}.{table}.{col}.pii" if table else f"{name}.{col}.pii"
        blocking = {k: v for k, v in found.items() if k in fail_on or not marked}
        status = FAILED if blocking else (WARNING if found else PASSED)
        rows = sorted({r for v in found.values() for r in v})
        parts = [
            f"{pii.KIND_LABELS_NL[k]} in {len(v)} {'rij' if len(v) == 1 else 'rijen'}"
            + (" (rij " + ", ".join(str(r + 1) for r in v[:5]) + ")")
            for k, v in found.items()
        ]
        if not found:
            message = ""
        elif blocking:
            message = (
                "Persoonsgegevens gevonden: "
                + "; ".join(parts)
                + (
                    ". De kolom is niet als persoonsgegeven (pii) gemarkeerd."
                    if not marked
                    else ". Directe identificatoren horen niet in een onderzoeksbestand; verwijder ze uit de brondata."
                )
                + " De gegevens zelf staan niet in dit rapport."
            )
        else:
            message = (
                "Gevonden: "
                + "; ".join(parts)
                + ". De kolom is als persoonsgegeven gemarkeerd; namen worden vóór publicatie vervangen."
            )
        out.append(
            Check(
                rule=rule,
                dataset=name,
                table=table,
                column=col,
                check="pii",
                status=status,
                description=f"{col} bevat geen persoonsgegevens"
                + (" (kolom gemarkeerd als pii: alleen namen toegestaan)" if marked else ""),
                message=message,
                element_count=int(tframe[col].notna().sum()),
                unexpected_count=len(rows),
                examples=_examples(
                    rows[:5], tframe if table is None else None, ids if table is None else None
                ),
            )
        )
    return out


def _same_columns(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.shape == b.shape and list(a.columns) == list(b.columns)


def _cross(loaded: dict[str, Dataset], config: dict[str, Any] | None) -> list[Check]:
    from analysis.validate import rules

    out = []
    for o in rules.cross_checks(loaded, config):
        ds = loaded.get(o.dataset)
        frame = None
        ids = None
        if ds is not None and o.table is None:
            frame = _validation_frame(ds)
            ids = _id_column(ds.codebook, frame)
        sensitive = ds is not None and o.column in ds.codebook and ds.codebook[o.column].pii
        examples = _examples(o.index, frame, ids) if o.unexpected_count else ()
        values = _safe_values(o.values, sensitive=bool(sensitive)) if o.unexpected_count else ()
        if o.error:
            status, message = FAILED, f"De controle kon niet worden uitgevoerd: {o.error}."
        elif o.unexpected_count:
            status = FAILED
            message = _message(o.check, o.column, o.unexpected_count, o.element_count, examples, values)
        else:
            status, message = PASSED, ""
        out.append(
            Check(
                rule=o.rule,
                dataset=o.dataset,
                table=o.table,
                column=o.column,
                check=o.check,
                status=status,
                description=o.description,
                message=message,
                element_count=o.element_count,
                unexpected_count=o.unexpected_count,
                examples=examples,
                values=values,
            )
        )
    return out


def _dedupe(checks: list[Check]) -> list[Check]:
    """Make rule names unique (a hand-written rule may reuse a generated name)."""
    seen: dict[str, int] = {}
    out = []
    for c in checks:
        seen[c.rule] = seen.get(c.rule, 0) + 1
        if seen[c.rule] > 1:
            from dataclasses import replace

            c = replace(c, rule=f"{c.rule}.{seen[c.rule]}")
        out.append(c)
    return out


# -- output ---------------------------------------------------------------------------------------------
def outputs(result: ValidationResult) -> list[Output]:
    """``validatie.html`` and ``validatie.json``, rendered (byte-stable for the same input)."""
    return [
        Output("validatie.html", render_html(result).encode("utf-8")),
        Output("validatie.json", result.to_json().encode("utf-8")),
    ]


def write(result: ValidationResult, reports_dir: str | Path) -> list[Path]:
    """Write ``validatie.html`` and ``validatie.json`` into ``reports_dir``, each whole or not at all."""
    return write_outputs(outputs(result), reports_dir)


def print_summary(result: ValidationResult, console: Console) -> None:
    """A short rich summary: the verdict, counts, and the failing rules."""
    from rich.markup import escape

    n_fail, n_warn = len(result.failures), len(result.warnings)
    if result.passed:
        console.print(
            f"[bold green]Validatie geslaagd[/]: {result.n_checks} controles op {result.n_datasets} datasets"
            + (f", {n_warn} waarschuwing(en)" if n_warn else "")
            + "."
        )
    else:
        console.print(
            f"[bold red]Validatie mislukt[/]: {n_fail} van {result.n_checks} controles mislukt"
            + (f", {n_warn} waarschuwing(en)" if n_warn else "")
            + "."
        )
    shown = result.failures[:25] + result.warnings[:10]
    for c in shown:
        colour, mark = ("red", "✗") if c.status == FAILED else ("yellow", "!")
        console.print(f"[{colour}]{mark}[/] [bold]{escape(c.rule)}[/]", highlight=False, soft_wrap=True)
        console.print(f"    {escape(c.message or c.description)}", highlight=False)
    if len(result.failures) > 25:
        console.print(f"… en nog {len(result.failures) - 25} mislukte controles.")
    console.print("Zie reports/validatie.html voor alle controles.")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;
color:#1d1d1b;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #e5e5e5}
.verdict{padding:.8rem 1rem;border-radius:6px;font-weight:600;margin:1rem 0}
.ok{background:#e6f4ea;color:#0f5c2e}.bad{background:#fde8e8;color:#8a1c1c}.synth{background:#fff4ce;
padding:.5rem 1rem;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85em;background:#f5f5f5;padding:0 .2em;border-radius:3px}
.s-failed{color:#8a1c1c;font-weight:600}.s-warning{color:#8a5a00;font-weight:600}.s-passed{color:#0f5c2e}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
footer{margin-top:3rem;font-size:.8rem;color:#666}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _check_rows(checks: list[Check], show_dataset: bool = True) -> str:
    rows = []
    for c in checks:
        where = c.column or ""
        if c.table:
            where = f"{c.table}.{where}"
        examples = ", ".join(
            f"rij {e['row']}" + (f" ({_e(e['id'])})" if "id" in e else "") for e in c.examples
        )
        rows.append(
            "<tr>"
            f'<td class="s-{c.status}">{_e(STATUS_NL[c.status])}</td>'
            f"<td><code>{_e(c.rule)}</code></td>"
            + (f"<td>{_e(c.dataset)}</td>" if show_dataset else "")
            + f"<td>{_e(where)}</td>"
            f"<td>{_e(c.description)}"
            + (f"<br><small>{_e(c.message)}</small>" if c.message else "")
            + "</td>"
            f'<td class="num">{_e(c.unexpected_count if c.status != PASSED else "")}</td>'
            f"<td>{examples}</td>"
            "</tr>"
        )
    head = (
        "<tr><th>status</th><th>regel</th>"
        + ("<th>dataset</th>" if show_dataset else "")
        + "<th>kolom</th><th>controle</th><th>rijen</th><th>voorbeelden</th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(result: ValidationResult, fragment: bool = False) -> str:
    """The validation report as one self-contained HTML page in Dutch (no scripts, no CDN)."""
    fails, warns = result.failures, result.warnings
    parts = []
    parts.append(f"<h1>Validatierapport: {_e(result.title or result.study)}</h1>")
    if result.synthetic:
        parts.append('<p class="synth">Deze studie gebruikt synthetische gegevens (voorbeeldstudie).</p>')
    if result.passed:
        parts.append(
            f'<p class="verdict ok">Geslaagd: alle {result.n_checks} controles op {result.n_datasets} '
            f"datasets zijn in orde{f' ({len(warns)} waarschuwing(en))' if warns else ''}. "
            "De gegevens mogen worden geanalyseerd.</p>"
        )
    else:
        parts.append(
            f'<p class="verdict bad">Niet geslaagd: {len(fails)} van de {result.n_checks} controles '
            "zijn mislukt. Er wordt niets geanalyseerd of gepubliceerd tot deze problemen zijn opgelost.</p>"
        )
    parts.append(
        "<p>Rijnummers tellen de gegevensregels vanaf 1 (in Excel en CSV is de kopregel regel 1, dus "
        "rij 5 staat op regel 6). Persoonsgegevens worden in dit rapport nooit getoond: bij een vondst "
        "staan alleen het soort gegeven en de rijnummers.</p>"
    )
    parts.append(
        "<h2>Datasets</h2><table><thead><tr><th>dataset</th><th>bestand</th>"
        "<th>rijen</th><th>kolommen</th><th>suite</th><th>mislukt</th><th>waarschuwingen</th>"
        "</tr></thead><tbody>"
    )
    for d in result.datasets:
        nf = sum(1 for c in fails if c.dataset == d.name)
        nw = sum(1 for c in warns if c.dataset == d.name)
        parts.append(
            f"<tr><td>{_e(d.name)}</td><td><code>{_e(d.path)}</code></td>"
            f'<td class="num">{_e(d.rows if d.read else "niet gelezen")}</td>'
            f'<td class="num">{_e(d.columns)}</td><td>{_e(d.suite)}</td>'
            f'<td class="num">{nf}</td><td class="num">{nw}</td></tr>'
        )
    parts.append("</tbody></table>")
    if fails:
        parts.append(f"<h2>Mislukte controles ({len(fails)})</h2>")
        parts.append(_check_rows(fails))
    if warns:
        parts.append(f"<h2>Waarschuwingen ({len(warns)})</h2>")
        parts.append(_check_rows(warns))
    parts.append("<h2>Alle controles</h2>")
    datasets = [d.name for d in result.datasets]
    extra = sorted({c.dataset for c in result.checks} - set(datasets))
    for name in [*extra, *datasets]:
        checks = [c for c in result.checks if c.dataset == name]
        if not checks:
            continue
        nf = sum(1 for c in checks if c.status == FAILED)
        parts.append(
            f"<details{' open' if nf else ''}><summary>{_e(name)}: {len(checks)} controles, "
            f"{nf} mislukt</summary>{_check_rows(checks, show_dataset=False)}</details>"
        )
    parts.append(
        "<footer>Gemaakt door <code>bruggen validate</code> (great-expectations-suites uit "
        "<code>data/expectations/</code>, regels uit <code>analysis.validate.rules</code>). "
        "Hetzelfde invoerbestand geeft byte voor byte hetzelfde rapport.</footer>"
    )
    body = "\n".join(parts)
    if fragment:
        return f"<div>{body}</div>"
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Validatierapport: {_e(result.title or result.study)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
