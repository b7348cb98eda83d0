"""k-anonymity for respondent-level exports.

A record is *k-anonymous* when at least ``k`` records share its combination of
quasi-identifiers (municipality, respondent type, ...). An export is refused while
any combination is rarer than ``k``. Missing values count as a value of their own
(an empty cell is as telling as a filled one when it is rare).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.disclosure.policy import Policy
from analysis.errors import DisclosureError


@dataclass(frozen=True)
class KAnonymityReport:
    """The outcome of :func:`k_anonymity`.

    Attributes
    ----------
    k
        The required class size.
    quasi_identifiers
        The columns checked.
    n_records
        Records in the frame.
    n_classes
        Distinct combinations of the quasi-identifiers.
    smallest_class
        Size of the rarest combination (0 for an empty frame).
    n_records_below_k
        Records in combinations rarer than ``k``.
    offending
        One row per combination rarer than ``k``: the quasi-identifier values and
        ``n`` (class size), smallest first. No record IDs, no other columns.
    """

    k: int
    quasi_identifiers: tuple[str, ...]
    n_records: int
    n_classes: int
    smallest_class: int
    n_records_below_k: int
    offending: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when every combination has at least ``k`` records."""
        return self.n_records_below_k == 0

    def message(self) -> str:
        """A researcher-readable summary."""
        qi = ", ".join(self.quasi_identifiers) or "(none)"
        if self.ok:
            return (
                f"{self.n_records} records are {self.k}-anonymous on {qi}: "
                f"the smallest group has {self.smallest_class} records."
            )
        return (
            f"{self.n_records_below_k} of {self.n_records} records fall in "
            f"{len(self.offending)} combination(s) of {qi} shared by fewer than {self.k} records "
            f"(the smallest has {self.smallest_class})."
        )


def k_anonymity(frame: pd.DataFrame, quasi_identifiers: Sequence[str], k: int) -> KAnonymityReport:
    """Check whether every combination of quasi-identifiers occurs at least ``k`` times.

    Parameters
    ----------
    frame
        Respondent-level data to be exported. Not changed.
    quasi_identifiers
        Columns that together could single out a respondent. All must be in ``frame``.
    k
        Required minimum class size.

    Returns
    -------
    KAnonymityReport

    Examples
    --------
    >>> df = pd.DataFrame({"gemeente": ["A"] * 6 + ["B"], "type": ["vrijwilliger"] * 7})
    >>> report = k_anonymity(df, ["gemeente", "type"], k=5)
    >>> report.ok, report.smallest_class, report.n_records_below_k
    (False, 1, 1)
    >>> report.offending.to_dict("records")
    [{'gemeente': 'B', 'type': 'vrijwilliger', 'n': 1}]
    """
    qi = tuple(quasi_identifiers)
    if not qi:
        raise DisclosureError(
            "no quasi-identifiers given for the k-anonymity check",
            hint="list them under 'disclosure: quasi_identifiers:' in study.yml",
        )
    missing = [c for c in qi if c not in frame.columns]
    if missing:
        raise DisclosureError(
            f"quasi-identifier column(s) not in the data: {', '.join(missing)}",
            hint="check 'disclosure: quasi_identifiers' in study.yml against the exported columns",
        )
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise DisclosureError(f"k must be a whole number of at least 1, got {k!r}")
    if len(frame) == 0:
        empty = pd.DataFrame(columns=[*qi, "n"])
        return KAnonymityReport(k, qi, 0, 0, 0, 0, empty)
    sizes = frame.groupby(list(qi), dropna=False, observed=True, sort=True).size().rename("n").reset_index()
    small = sizes[sizes["n"] < k].sort_values("n", kind="stable").reset_index(drop=True)
    return KAnonymityReport(
        k=k,
        quasi_identifiers=qi,
        n_records=len(frame),
        n_classes=len(sizes),
        smallest_class=int(sizes["n"].min()),
        n_records_below_k=int(small["n"].sum()),
        offending=small,
    )


def require_k_anonymity(
    frame: pd.DataFrame,
    policy: Policy,
    *,
    quasi_identifiers: Sequence[str] | None = None,
    what: str = "this export",
) -> KAnonymityReport:
    """Refuse a respondent-level export that is not k-anonymous.

    The policy's quasi-identifiers that are columns of ``frame`` are checked (a
    quasi-identifier that is not exported cannot single anyone out); pass
    ``quasi_identifiers`` to check others.

    Raises
    ------
    DisclosureError
        When any combination has fewer than ``policy.k`` records. The message says
        how many records and combinations, the smallest class, and what to do; it
        names no record.

    Examples
    --------
    >>> df = pd.DataFrame({"gemeente": ["A"] * 6 + ["B"]})
    >>> require_k_anonymity(df, Policy(quasi_identifiers=("gemeente",)))
    Traceback (most recent call last):
    ...
    analysis.errors.DisclosureError: export refused: 1 of 7 records fall in 1 combination(s) of gemeente ...
    """
    qi = tuple(quasi_identifiers) if quasi_identifiers is not None else policy.quasi_identifiers
    if quasi_identifiers is None:
        qi = tuple(c for c in qi if c in frame.columns)
        if not qi:
            return KAnonymityReport(
                policy.k, (), len(frame), 1 if len(frame) else 0, len(frame), 0, pd.DataFrame()
            )
    report = k_anonymity(frame, qi, policy.k)
    if not report.ok:
        raise DisclosureError(
            f"export refused: {report.message()} {what.capitalize()} must be {policy.k}-anonymous.",
            hint=(
                "coarsen a quasi-identifier (e.g. years in role into bands, municipality into region), "
                "drop a quasi-identifier from the export, or leave out the rare records; then check again "
                "with k_anonymity() to see which combinations are too rare"
            ),
        )
    return report
