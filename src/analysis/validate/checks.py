"""What the validation gate reports: one :class:`Check` per rule, gathered in a :class:`ValidationResult`.

This is the gate's data model only: no great-expectations, no rendering (the HTML, the
terminal summary and the JUnit report live in :mod:`analysis.validate.render` and
:mod:`analysis.validate.junit`). :mod:`analysis.validate.gate` re-exports every name here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.ingest import Dataset

PASSED, FAILED, WARNING = "passed", "failed", "warning"
#: A failed check (or a warning) the study accepts under ``validation.accept``: it does not
#: block, and every report shows it with the reason.
ACCEPTED = "accepted"
#: The language of the validation report; its words are section ``validation`` of :mod:`analysis.text`.
REPORT_LANG = "nl"
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
        ``passed``, ``failed``, ``warning`` (reported, does not block) or ``accepted`` (it
        failed, but study.yml accepts it under ``validation.accept``: does not block).
    description
        What the rule requires, in the report language (Dutch).
    message
        What went wrong, in the report language (empty when passed).
    element_count, unexpected_count
        Rows looked at and rows that failed.
    examples
        A few failing rows: ``{"row": 12}`` (1-based data row) plus ``"id"`` where the
        dataset has an ID column.
    values
        A few failing values, only when they cannot hold personal data.
    fix
        What to do about a failed or accepted check, in the report language (empty otherwise).
    reason
        Why the study accepts the check (its ``validation.accept`` entry); set when accepted.
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
    fix: str = ""
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.status != FAILED

    def to_dict(self) -> dict[str, Any]:
        out = {
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
        # only where they say something, so the JSON of a study without such checks stays as it was
        if self.fix:
            out["fix"] = self.fix
        if self.status == ACCEPTED:
            out["reason"] = self.reason
        return out


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
    loaded
        The datasets the gate read, by name (those that could be read), so a caller can
        analyse the validated frames without reading the files again. Not part of
        :meth:`to_dict`/:meth:`to_json`, equality or ``repr``.
    """

    study: str
    checks: tuple[Check, ...]
    datasets: tuple[DatasetInfo, ...] = ()
    title: str = ""
    synthetic: bool = False
    loaded: dict[str, Dataset] = field(default_factory=dict, compare=False, repr=False)

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
    def accepted(self) -> list[Check]:
        """Checks that failed but are accepted under ``validation.accept`` (they do not block)."""
        return [c for c in self.checks if c.status == ACCEPTED]

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
        summary = {
            "checks": self.n_checks,
            "failed": len(self.failures),
            "warnings": len(self.warnings),
            "passed": self.n_checks - len(self.failures) - len(self.warnings) - len(self.accepted),
        }
        if self.accepted:
            summary["accepted"] = len(self.accepted)
        return {
            "study": self.study,
            "title": self.title,
            "synthetic": self.synthetic,
            "passed": self.passed,
            "summary": summary,
            "datasets": [d.to_dict() for d in self.datasets],
            "checks": [c.to_dict() for c in self.checks],
        }

    def to_json(self) -> str:
        """Byte-stable JSON (sorted keys, no timestamps)."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"

    def _repr_html_(self) -> str:
        from analysis.validate.render import render_html

        return render_html(self, fragment=True)


def wording(part: str) -> dict[str, Any]:
    """One part of the validation report's wording (``status``, ``describe``, ``messages`` ...)."""
    from analysis.text import words

    return words(REPORT_LANG, "validation")[part]


def dedupe(checks: list[Check]) -> list[Check]:
    """Make rule names unique (a hand-written rule may reuse a generated name)."""
    seen: dict[str, int] = {}
    out = []
    for c in checks:
        seen[c.rule] = seen.get(c.rule, 0) + 1
        if seen[c.rule] > 1:
            c = replace(c, rule=f"{c.rule}.{seen[c.rule]}")
        out.append(c)
    return out
