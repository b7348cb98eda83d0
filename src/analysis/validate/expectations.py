"""Bruggen's own great-expectations expectations: one expectation, many columns.

great-expectations spends ~15 ms of bookkeeping per expectation whatever the data size, so a
suite of one expectation per column per rule (200 for a 50-column survey) costs seconds
before a single row is read. The expectations here check a *list* of columns in one
vectorised pass (:mod:`analysis.validate.evaluate`) and report per column in
``result["details"]["columns"]``, so the gate can still name each failing column with its
own stable rule (``enquete.vertrouwen_1.value_set``).

=========================================== =================================================
expectation                                 checks
=========================================== =================================================
``expect_columns_values_to_be_in_set``      values in a set (value labels plus missing codes)
``expect_columns_values_to_be_between``     numbers within bounds (missing codes allowed)
``expect_columns_values_to_not_be_null``    a value in every row (optionally: rows a query selects)
``expect_columns_values_to_be_unique``      no value twice in a column (IDs)
``expect_columns_values_to_be_null_outside`` skip logic: empty outside a pandas query
``expect_column_pairs_to_be_ordered``       ``high >= low`` per pair (sub-counts, date order)
``expect_columns_to_have_types``            the codebook type of every column
=========================================== =================================================

Importing this module registers the expectations with great-expectations; import it (the
gate and :mod:`analysis.validate.suites` do) before loading a suite that uses them.
"""

from __future__ import annotations

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from typing import Any, ClassVar

from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import (
    TableMetricProvider,
)

from analysis.validate import evaluate


def _frame(execution_engine, metric_domain_kwargs):
    df, _, _ = execution_engine.get_compute_domain(metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE)
    return df


# -- metrics ----------------------------------------------------------------------------------
class ColumnsInSet(TableMetricProvider):
    metric_name = "bruggen.columns.in_set"
    value_keys = ("column_list", "value_set", "allow_null", "condition")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        kw = metric_value_kwargs
        return evaluate.in_set(
            _frame(execution_engine, metric_domain_kwargs),
            list(kw["column_list"]),
            list(kw["value_set"]),
            allow_null=bool(kw.get("allow_null", True)),
            condition=kw.get("condition"),
        )


class ColumnsUnique(TableMetricProvider):
    metric_name = "bruggen.columns.unique"
    value_keys = ("column_list",)

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        return evaluate.unique(
            _frame(execution_engine, metric_domain_kwargs), list(metric_value_kwargs["column_list"])
        )


class ColumnsBetween(TableMetricProvider):
    metric_name = "bruggen.columns.between"
    value_keys = ("column_list", "min_value", "max_value", "ignore_values", "ignore_ranges")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        kw = metric_value_kwargs
        return evaluate.between(
            _frame(execution_engine, metric_domain_kwargs),
            list(kw["column_list"]),
            kw.get("min_value"),
            kw.get("max_value"),
            ignore_values=kw.get("ignore_values"),
            ignore_ranges=kw.get("ignore_ranges"),
        )


class ColumnsNotNull(TableMetricProvider):
    metric_name = "bruggen.columns.not_null"
    value_keys = ("column_list", "condition")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        kw = metric_value_kwargs
        return evaluate.not_null(
            _frame(execution_engine, metric_domain_kwargs), list(kw["column_list"]), kw.get("condition")
        )


class ColumnsNullOutside(TableMetricProvider):
    metric_name = "bruggen.columns.null_outside"
    value_keys = ("column_list", "condition", "allowed")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        kw = metric_value_kwargs
        return evaluate.null_outside(
            _frame(execution_engine, metric_domain_kwargs),
            list(kw["column_list"]),
            kw["condition"],
            allowed=kw.get("allowed"),
        )


class ColumnPairsOrdered(TableMetricProvider):
    metric_name = "bruggen.column_pairs.ordered"
    value_keys = ("pairs", "ignore_values")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        kw = metric_value_kwargs
        return evaluate.pairs_ordered(
            _frame(execution_engine, metric_domain_kwargs),
            [list(p) for p in kw["pairs"]],
            ignore_values=kw.get("ignore_values"),
        )


class ColumnsTypes(TableMetricProvider):
    metric_name = "bruggen.columns.types"
    value_keys = ("types", "ignore_values")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    ):
        return evaluate.column_types(
            _frame(execution_engine, metric_domain_kwargs),
            dict(metric_value_kwargs["types"]),
            ignore_values=metric_value_kwargs.get("ignore_values"),
        )


# -- expectations -----------------------------------------------------------------------------
class _ColumnsExpectation(BatchExpectation):
    """Shared result shape: success when no column has an unexpected row."""

    metric: ClassVar[str] = ""

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None):
        columns: dict[str, Any] = metrics[self.metric]
        failing = sorted(k for k, v in columns.items() if v["unexpected_count"])
        return {
            "success": not failing,
            "result": {"observed_value": failing, "details": {"columns": columns}},
        }


class ExpectColumnsValuesToBeInSet(_ColumnsExpectation):
    """Every non-missing value of each column is in ``value_set``."""

    column_list: list[str]
    value_set: list[Any]
    allow_null: bool = True
    condition: str | None = None

    metric: ClassVar[str] = ColumnsInSet.metric_name
    metric_dependencies = (ColumnsInSet.metric_name,)
    success_keys = ("column_list", "value_set", "allow_null", "condition")
    args_keys = ("column_list", "value_set")


class ExpectColumnsValuesToBeBetween(_ColumnsExpectation):
    """Every non-missing value of each column is a number within the bounds."""

    column_list: list[str]
    min_value: float | None = None
    max_value: float | None = None
    ignore_values: dict[str, list[Any]] | None = None
    ignore_ranges: dict[str, list[list[float]]] | None = None

    metric: ClassVar[str] = ColumnsBetween.metric_name
    metric_dependencies = (ColumnsBetween.metric_name,)
    success_keys = ("column_list", "min_value", "max_value", "ignore_values", "ignore_ranges")
    args_keys = ("column_list", "min_value", "max_value")


class ExpectColumnsValuesToNotBeNull(_ColumnsExpectation):
    """Each column has a value in every row (in the rows ``condition`` selects, if given)."""

    column_list: list[str]
    condition: str | None = None

    metric: ClassVar[str] = ColumnsNotNull.metric_name
    metric_dependencies = (ColumnsNotNull.metric_name,)
    success_keys = ("column_list", "condition")
    args_keys = ("column_list",)


class ExpectColumnsValuesToBeUnique(_ColumnsExpectation):
    """No non-missing value occurs twice in any of the columns (each column on its own)."""

    column_list: list[str]

    metric: ClassVar[str] = ColumnsUnique.metric_name
    metric_dependencies = (ColumnsUnique.metric_name,)
    success_keys = ("column_list",)
    args_keys = ("column_list",)


class ExpectColumnsValuesToBeNullOutside(_ColumnsExpectation):
    """Skip logic: each column is empty in rows outside ``condition`` (``allowed`` codes count as empty)."""

    column_list: list[str]
    condition: str
    allowed: dict[str, list[Any]] | None = None

    metric: ClassVar[str] = ColumnsNullOutside.metric_name
    metric_dependencies = (ColumnsNullOutside.metric_name,)
    success_keys = ("column_list", "condition", "allowed")
    args_keys = ("column_list", "condition")


class ExpectColumnPairsToBeOrdered(_ColumnsExpectation):
    """For each ``[high, low]`` pair, ``high >= low`` where both have a value."""

    pairs: list[list[str]]
    ignore_values: dict[str, list[Any]] | None = None

    metric: ClassVar[str] = ColumnPairsOrdered.metric_name
    metric_dependencies = (ColumnPairsOrdered.metric_name,)
    success_keys = ("pairs", "ignore_values")
    args_keys = ("pairs",)


class ExpectColumnsToHaveTypes(_ColumnsExpectation):
    """Each column's values have the codebook type (``numeric``, ``string``, ``date``, ...)."""

    types: dict[str, str]
    ignore_values: dict[str, list[Any]] | None = None

    metric: ClassVar[str] = ColumnsTypes.metric_name
    metric_dependencies = (ColumnsTypes.metric_name,)
    success_keys = ("types", "ignore_values")
    args_keys = ("types",)


#: The expectations this module adds, by their great-expectations type name.
CUSTOM = {
    cls.expectation_type: cls  # type: ignore[attr-defined]
    for cls in (
        ExpectColumnsValuesToBeInSet,
        ExpectColumnsValuesToBeBetween,
        ExpectColumnsValuesToNotBeNull,
        ExpectColumnsValuesToBeUnique,
        ExpectColumnsValuesToBeNullOutside,
        ExpectColumnPairsToBeOrdered,
        ExpectColumnsToHaveTypes,
    )
}
