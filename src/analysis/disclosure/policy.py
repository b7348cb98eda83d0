"""The disclosure-control policy: the thresholds every published number must respect.

The policy is read from the ``disclosure:`` section of ``study.yml``::

    disclosure:
      min_count: 10            # counts below this are shown as "<10"
      min_denominator: 20      # percentages only with at least this many in the denominator
      round_to: null           # e.g. 5 to round published counts to multiples of 5
      k: 5                     # k-anonymity for any respondent-level export
      quasi_identifiers: [gemeente, rol, type_organisatie, jaren_actief]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.disclosure._text import text
from analysis.errors import DisclosureError, StudyConfigError

if TYPE_CHECKING:
    from analysis.study import Study

_FIELDS = ("min_count", "min_denominator", "round_to", "k", "quasi_identifiers")


@dataclass(frozen=True)
class Policy:
    """Thresholds for statistical disclosure control (SDC).

    Parameters
    ----------
    min_count
        Smallest count that may be published. A count ``0 < n < min_count`` is
        suppressed and shown as ``"<10"`` (for ``min_count=10``). Zero is published.
    min_denominator
        Smallest denominator for a percentage; smaller denominators show
        ``"n te klein"`` (``"n too small"`` in English).
    round_to
        If set (e.g. 5), published counts are rounded to the nearest multiple.
        ``None`` publishes exact counts.
    k
        Smallest equivalence class allowed in a respondent-level export
        (k-anonymity on :attr:`quasi_identifiers`).
    quasi_identifiers
        Columns that, combined, could single out a respondent.

    Examples
    --------
    >>> Policy()
    Policy(min_count=10, min_denominator=20, round_to=None, k=5, quasi_identifiers=())
    >>> Policy.from_dict({"min_count": 5, "quasi_identifiers": ["gemeente"]}).min_count
    5
    """

    min_count: int = 10
    min_denominator: int = 20
    round_to: int | None = None
    k: int = 5
    quasi_identifiers: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("min_count", "min_denominator", "k"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise DisclosureError(
                    f"disclosure setting {name!r} must be a whole number of at least 1, got {value!r}",
                    hint=f"set '{name}' under 'disclosure:' in study.yml (the default is {_default(name)})",
                )
        if self.round_to is not None and (not _is_int(self.round_to) or self.round_to < 2):
            raise DisclosureError(
                f"disclosure setting 'round_to' must be empty (no rounding) or a whole number of at least 2, "
                f"got {self.round_to!r}",
                hint="use 'round_to: null' for exact counts or e.g. 'round_to: 5'",
            )
        qi = self.quasi_identifiers
        if isinstance(qi, str) or not all(isinstance(q, str) and q for q in qi):
            raise DisclosureError(
                f"disclosure setting 'quasi_identifiers' must be a list of column names, got {qi!r}",
                hint="e.g. 'quasi_identifiers: [gemeente, rol]'",
            )
        if not isinstance(qi, tuple):
            object.__setattr__(self, "quasi_identifiers", tuple(qi))

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_dict(cls, settings: Mapping[str, Any] | None, *, source: Any = None) -> Policy:
        """Build a policy from a ``disclosure:`` mapping; missing keys take the defaults.

        Raises
        ------
        StudyConfigError
            An unknown key, or a value of the wrong kind. The message names the key.
        """
        if settings is None:
            settings = {}
        if not isinstance(settings, Mapping):
            raise StudyConfigError(
                f"'disclosure' must be a mapping of settings, got {type(settings).__name__}",
                path=source,
                hint="see the example study.yml for the disclosure section",
            )
        unknown = sorted(set(settings) - set(_FIELDS))
        if unknown:
            raise StudyConfigError(
                f"unknown disclosure setting(s): {', '.join(map(str, unknown))}",
                path=source,
                hint=f"allowed: {', '.join(_FIELDS)}",
            )
        kwargs = {key: settings[key] for key in _FIELDS if key in settings}
        qi = kwargs.get("quasi_identifiers")
        if qi is None:
            kwargs.pop("quasi_identifiers", None)
        elif isinstance(qi, list | tuple):
            kwargs["quasi_identifiers"] = tuple(qi)
        try:
            return cls(**kwargs)
        except DisclosureError as exc:
            raise StudyConfigError(exc.message, path=source, hint=exc.hint) from None

    @classmethod
    def from_study(cls, study: Study) -> Policy:
        """The policy in a study's ``disclosure:`` section (defaults where a key is absent)."""
        return cls.from_dict(study.section("disclosure"), source=study.source)

    # -- helpers ----------------------------------------------------------------------
    @property
    def below(self) -> str:
        """The marker for a primary-suppressed count, e.g. ``"<10"``."""
        return f"<{self.min_count}"

    def round(self, count: int) -> int:
        """Round a published count to the policy's base (half up); unchanged without rounding."""
        if self.round_to is None:
            return int(count)
        base = self.round_to
        return (int(count) + base // 2) // base * base

    def describe(self, lang: str = "nl") -> list[str]:
        """The policy as plain sentences, for a report appendix or a spreadsheet note."""
        t = text(lang, "policy")
        m, d = self.min_count, self.min_denominator
        lines = [t["below"].format(largest_hidden=m - 1, m=m), t["secondary"], t["denominator"].format(d=d)]
        if self.round_to:
            lines.append(t["rounded"].format(r=self.round_to))
        lines.append(t["k_anonymity"].format(k=self.k))
        return lines


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _default(name: str) -> Any:
    return Policy.__dataclass_fields__[name].default
