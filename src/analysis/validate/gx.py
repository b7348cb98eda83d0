"""great-expectations in the gate: choose a dataset's expectations, run them, translate the results.

:class:`Engine` holds one ephemeral great-expectations context per gate run;
:func:`suite_expectations` picks what to run (the generated expectations of the current
codebook plus the hand-written ones of ``data/expectations/<dataset>.json``, with a warning
when the file is stale); :func:`from_gx` turns a suite result into one
:class:`~analysis.validate.checks.Check` per rule and column, with stable rule names and
descriptions in the report language (:func:`describe_nl`).

great-expectations itself is imported only when an :class:`Engine` is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.validate import evidence, suites
from analysis.validate.checks import FAILED, PASSED, WARNING, Check, wording

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook
    from analysis.study import Study


class Engine:
    """One ephemeral great-expectations context per gate run (the import is paid once)."""

    def __init__(self) -> None:
        gx = suites.import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.execution_engine import pandas_execution_engine

        # great-expectations fingerprints every in-memory batch by hashing all its rows (a third
        # of the gate at 1M respondents, twice per dataset); nothing reads that fingerprint here:
        # Bruggen keys validation by the SHA-256 of the input files (analysis.validate.cache).
        pandas_execution_engine.HASH_THRESHOLD = 0

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
        try:
            return batch.validate(
                suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
            )
        finally:
            # the execution engine keeps every batch it was given (a frame of codes each, 0.7 GB
            # for a survey of 1M x 100): let go of this one before the next dataset's is made
            batch.data.execution_engine.batch_manager.reset_batch_cache()


def suite_expectations(
    study: Study, name: str, codebook: Codebook, config: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], str, list[Check]]:
    """The expectations to run on a dataset, where they came from, and the suite's own checks."""
    path = study.entry(name).suite
    if path is not None and path.exists():
        try:
            data = suites.read_suite_dict(path)
        except Exception as exc:
            return (
                suites.generated_expectations(codebook, config),
                wording("report")["suite_codebook"],
                [
                    Check(
                        rule=f"{name}.suite",
                        dataset=name,
                        check="suite",
                        status=FAILED,
                        description=wording("describe")["suite_read"],
                        message=str(getattr(exc, "message", exc)),
                    )
                ],
            )
        rel = evidence.rel_path(path, study.root)
        current = suites.is_current(data, codebook, config)
        check = Check(
            rule=f"{name}.suite.up_to_date",
            dataset=name,
            check="suite",
            status=PASSED if current else WARNING,
            description=wording("describe")["suite_current"].format(path=rel),
            message="" if current else wording("messages")["suite_stale"].format(path=rel),
        )
        # generated checks always follow the current codebook; hand-written ones come from the file
        return suites.merged(codebook, data, config)["expectations"], rel, [check]
    exps = suites.generated_expectations(codebook, config)
    return exps, wording("report")["suite_codebook"], []


_COLUMN_KWARGS = ("column", "column_A", "column_B")


def runnable(expectations: list[dict[str, Any]], frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Leave out single-column expectations on absent columns (the presence check names them)."""
    out = []
    cols = set(frame.columns)
    for e in expectations:
        kwargs = e.get("kwargs") or {}
        if any(k in kwargs and kwargs[k] not in cols for k in _COLUMN_KWARGS):
            continue
        out.append(e)
    return out


def describe_nl(check: str, column: str | None, kwargs: dict[str, Any], extra: str = "") -> str:
    """What a rule requires, in the report language (Dutch)."""
    t = wording("describe")
    col = column or ""
    if check in ("present", "unique"):
        return t[check].format(column=col)
    if check == "type":
        return t["type"].format(column=col, type=kwargs.get("types", {}).get(col, "?"))
    if check == "value_set":
        codes = ", ".join(evidence.fmt(v) for v in kwargs.get("value_set", []))
        return t["value_set"].format(column=col, codes=codes)
    if check == "range":
        lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
        if lo is not None and hi is not None:
            return t["range"].format(column=col, min=evidence.fmt(lo), max=evidence.fmt(hi))
        if lo is not None:
            return t["range_min"].format(column=col, min=evidence.fmt(lo))
        return t["range_max"].format(column=col, max=evidence.fmt(hi))
    if check == "required":
        cond = kwargs.get("condition")
        return (
            t["required_where"].format(column=col, condition=cond)
            if cond
            else t["required"].format(column=col)
        )
    if check == "pattern":
        return t["pattern"].format(column=col, regex=kwargs.get("regex"))
    if check == "skip_logic":
        return t["skip_logic"].format(column=col, condition=kwargs.get("condition"))
    if check == "subcount":
        return t["subcount"].format(part=extra, whole=col)
    if check == "date_order":
        return t["date_order"].format(later=col, earlier=extra)
    if check == "consent":
        vs = kwargs.get("value_set")
        if vs:
            return t["consent_code"].format(column=col, code=evidence.fmt(vs[0]))
        return t["consent"].format(column=col)
    return extra or check


def from_gx(name: str, result, frame: pd.DataFrame, codebook: Codebook, ids: str | None) -> list[Check]:
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
            t = wording("messages")
            error = str(exc.get("exception_message") or t["unknown_error"]).splitlines()[0]
            out.append(
                Check(
                    rule=rule,
                    dataset=name,
                    column=column,
                    check=check or "custom",
                    status=FAILED,
                    description=describe_nl(check or "custom", column, kwargs, cfg.type),
                    message=t["could_not_run"].format(error=error),
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
                        description=describe_nl("present", col, kwargs),
                        message=wording("messages")["column_missing"] if bad else "",
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
        examples = evidence.example_rows(list(res.get("partial_unexpected_index_list") or []), frame, ids)
        values = evidence.safe_values(
            list(dict.fromkeys(map(_hashable, res.get("partial_unexpected_list") or []))),
            sensitive=column in pii_cols or column is None,
        )
        status = PASSED if r.success else FAILED
        message = ""
        if not r.success:
            if "unexpected_count" in res:
                message = evidence.message_nl(
                    check or "custom", column, n, res.get("element_count"), examples, values
                )
            else:
                observed = res.get("observed_value")
                t = wording("messages")
                message = t["not_met"]
                if observed is not None and column not in pii_cols:
                    message += "; " + t["found"].format(values=observed)
                message += "."
        out.append(
            Check(
                rule=rule,
                dataset=name,
                column=column,
                check=check or "custom",
                status=status,
                description=describe_nl(
                    check or "custom", column, kwargs, meta.get("description") or cfg.type
                ),
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
    examples = evidence.example_rows(o.get("index") or [], frame, ids) if n else ()
    values = evidence.safe_values(o.get("values") or [], sensitive=key in pii_cols) if n else ()
    if check == "type":
        expected, observed = o.get("expected"), o.get("observed")
        message = wording("messages")["type"].format(expected=expected, observed=observed) if n else ""
        examples, values = (), ()
    else:
        message = evidence.message_nl(check, key, n, o.get("element_count"), examples, values) if n else ""
    description = describe_nl(check, column, kwargs, extra)
    if check == "subcount":
        description = wording("describe")["subcount"].format(part=low, whole=high)
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
