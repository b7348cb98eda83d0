"""The gate's result as a JUnit XML test report, for CI systems that show test results.

``bruggen validate --junit FILE`` writes it beside ``validatie.html``/``.json``. The layout:

- one ``<testsuite>`` per dataset (study order), preceded by one named ``study`` for the
  study-wide checks (the names list, the analysis plan: every check whose dataset is not one
  of the study's datasets);
- one ``<testcase>`` per check, in report order, with ``classname`` = the check's dataset
  and ``name`` = its rule;
- a failed check gets ``<failure message="..." type="<check>">`` with the Dutch message;
- a warning gets ``<skipped message="waarschuwing: ...">`` (see :func:`_testcase` for why);
- an accepted check (``validation.accept``) gets ``<skipped message="geaccepteerd: <reason>">``,
  for the same reason: listed and counted, not failing the pipeline.

The report holds only what the checks hold (rule names, Dutch descriptions and messages,
counts, row numbers, safe IDs): never personal data. It is deterministic: no timestamps,
no host name, ``time="0"``; the same result gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from analysis.outputs import Output, write_outputs
from analysis.validate.checks import ACCEPTED, FAILED, WARNING, Check, ValidationResult, wording

#: Name of the test suite for checks that belong to no dataset.
STUDY_SUITE = "study"

# characters XML 1.0 does not allow, even escaped (a reader's error text might carry one)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(result: ValidationResult) -> str:
    """The JUnit XML report of a gate run, as text (UTF-8 declared, ends with a newline)."""
    datasets = [d.name for d in result.datasets]
    groups: dict[str, list[Check]] = {STUDY_SUITE: []} | {name: [] for name in datasets}
    for c in result.checks:
        groups[c.dataset if c.dataset in datasets else STUDY_SUITE].append(c)
    if not groups[STUDY_SUITE]:
        del groups[STUDY_SUITE]

    root = ET.Element("testsuites", _counts(f"bruggen validate: {result.study}", result.checks))
    for name, checks in groups.items():
        suite = ET.SubElement(root, "testsuite", _counts(name, checks))
        for c in checks:
            _testcase(suite, c)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(result: ValidationResult, path: str | Path) -> Path:
    """Write :func:`render_junit` to ``path``, whole or not at all; return the path."""
    path = Path(path)
    content = render_junit(result).encode("utf-8")
    return write_outputs([Output(path.name, content)], path.parent)[0]


def _counts(name: str, checks: tuple[Check, ...] | list[Check]) -> dict[str, str]:
    return {
        "name": _text(name),
        "tests": str(len(checks)),
        "failures": str(sum(c.status == FAILED for c in checks)),
        "errors": "0",
        "skipped": str(sum(c.status in (WARNING, ACCEPTED) for c in checks)),
        "time": "0",
    }


def _testcase(suite: ET.Element, c: Check) -> None:
    case = ET.SubElement(
        suite, "testcase", {"classname": _text(c.dataset), "name": _text(c.rule), "time": "0"}
    )
    if c.status == FAILED:
        failure = ET.SubElement(
            case, "failure", {"message": _text(c.message or c.description), "type": _text(c.check)}
        )
        failure.text = _details(c)
    elif c.status == WARNING:
        # A warning is reported as <skipped>, not as a passed test with <system-out>: GitLab,
        # Jenkins, Azure DevOps and the GitHub JUnit report actions count and list skipped
        # tests on their summary page without failing the pipeline, which is what a warning
        # is (reported, does not block). Output of a passed test is shown by almost none of
        # them unless someone opens that one test, so a warning there would go unseen.
        # The message starts with "waarschuwing:" so nobody reads it as "not run".
        skipped = ET.SubElement(
            case,
            "skipped",
            {"message": _text(wording("junit")["warning"].format(message=c.message or c.description))},
        )
        skipped.text = _details(c)
    elif c.status == ACCEPTED:
        skipped = ET.SubElement(
            case, "skipped", {"message": _text(wording("accept")["junit"].format(reason=c.reason))}
        )
        skipped.text = _details(c)


def _details(c: Check) -> str:
    """The body of a failure or warning: what the rule requires, then what went wrong."""
    t = wording("junit")
    lines = [t["rule"].format(rule=c.rule), t["check"].format(description=c.description)]
    where = ".".join(p for p in (c.table, c.column) if p)
    if where:
        lines.append(t["column"].format(column=where))
    if c.message:
        lines.append(c.message)
    if c.fix:
        lines.append(c.fix)
    return _text("\n".join(lines))


def _text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))
