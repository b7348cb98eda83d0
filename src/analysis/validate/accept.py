"""What to do about a failed check, and the check hits a study accepts (``validation.accept``).

Two steps the gate takes on its checks once all have run (:func:`analysis.validate.gate.run`):

1. :func:`add_fixes` gives every failed check its ``fix``: what the researcher can do about it
   (wording ``validation.fix`` of :mod:`analysis.text`, per kind of check), ending with how to
   accept it;
2. :func:`accept` applies the study's acceptances: a failed check (or a warning) whose rule
   study.yml lists under ``validation.accept`` gets the status ``accepted`` and the reason.
   It no longer blocks, but stays in every report of the gate with its reason. An entry that
   names no rule of this run is itself a failed check (``study.validation.accept.<rule>``),
   so a typo never accepts nothing in silence; an entry whose check passes is a warning (the
   acceptance is no longer needed).

A read failure cannot be accepted: a dataset that was not read cannot be analysed.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import TYPE_CHECKING

from analysis.validate.checks import ACCEPTED, FAILED, PASSED, WARNING, Check, wording

if TYPE_CHECKING:
    from analysis.study import Acceptance

#: Kinds of check an acceptance cannot turn: without the file nothing can be analysed.
NOT_ACCEPTABLE = ("read", "accept")
#: The study-wide rule of an acceptance: ``study.validation.accept.<rule>``.
PREFIX = "study.validation.accept."


def fix_for(check: Check, *, how_to_accept: bool = True) -> str:
    """What to do about a failed check, in the report language.

    With ``how_to_accept``, the advice ends with the ``validation.accept`` entry that would
    accept the check (its rule name filled in), unless the check cannot be accepted.
    """
    fixes = wording("fix")
    text = fixes.get(check.check) or fixes["custom"]
    if how_to_accept and check.check not in NOT_ACCEPTABLE:
        text += " " + fixes["accept"].format(rule=check.rule)
    return text


def add_fixes(checks: list[Check]) -> list[Check]:
    """Every failed check with its ``fix`` (a check that has one keeps it)."""
    return [replace(c, fix=fix_for(c)) if c.status == FAILED and not c.fix else c for c in checks]


def accept(checks: list[Check], acceptances: tuple[Acceptance, ...]) -> list[Check]:
    """Apply ``validation.accept``: the checks with accepted ones marked, plus one per unusable entry.

    Parameters
    ----------
    checks
        The gate's checks, with their final (unique) rule names.
    acceptances
        The study's entries (:attr:`analysis.study.Study.acceptances`).

    Returns
    -------
    list of Check
        The same checks in the same order, a failed or warning check that an entry names
        turned ``accepted`` (with the entry's reason and what could be done instead), followed by a
        failed check per entry that names no check or a check that cannot be accepted, and a
        warning per entry whose check passed.
    """
    if not acceptances:
        return checks
    t = wording("accept")
    by_rule = {a.rule: a for a in acceptances}
    found: dict[str, Check] = {}
    out = []
    for c in checks:
        a = by_rule.get(c.rule)
        if a is not None:
            found[a.rule] = c
            if c.status in (FAILED, WARNING) and c.check not in NOT_ACCEPTABLE:
                c = replace(c, status=ACCEPTED, reason=a.reason, fix=fix_for(c, how_to_accept=False))
        out.append(c)
    names = [c.rule for c in checks]
    for a in acceptances:
        c = found.get(a.rule)
        if c is None:
            close = difflib.get_close_matches(a.rule, names, n=3, cutoff=0.75)
            suggestion = t["suggestion"].format(names=", ".join(close)) if close else ""
            status, message = FAILED, t["no_such_rule"].format(key=a.key, rule=a.rule, suggestion=suggestion)
        elif c.check in NOT_ACCEPTABLE and c.status != PASSED:
            status, message = FAILED, t["not_acceptable"].format(key=a.key, rule=a.rule)
        elif c.status == PASSED:
            status, message = WARNING, t["not_needed"].format(key=a.key, rule=a.rule)
        else:
            continue
        out.append(
            Check(
                rule=PREFIX + a.rule,
                dataset="study",
                check="accept",
                status=status,
                description=t["describe"].format(key=a.key, rule=a.rule),
                message=message,
                fix=wording("fix")["accept_entry"].format(key=a.key) if status == FAILED else "",
            )
        )
    return out
