"""The proposal ``bruggen init`` makes: its guessed lines (:class:`Guess`) and what it lacks (:class:`Proposal`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from analysis.init.table import (
    Table,
)


# -- the proposal --------------------------------------------------------------------------
@dataclass
class Guess:
    """One proposed line of study.yml: its key, its YAML value and why it was guessed."""

    key: str
    value: Any
    reason: str


@dataclass
class Proposal:
    """What :func:`propose` makes of the tables: the plan's parts, analyses and other settings.

    ``parts`` maps a part (``survey`` ...) to its guessed lines in order (``dataset`` first;
    keys with a dot, ``reach.count`` and ``scales.trust``, are nested); ``missing`` lists, per
    part, what could not be found.
    """

    parts: dict[str, list[Guess]] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    analyses: list[Guess] = field(default_factory=list)
    quasi_identifiers: Guess | None = None
    names_file: Guess | None = None

    def add(self, part: str, key: str, value: Any, reason: str) -> None:
        self.parts.setdefault(part, []).append(Guess(key, value, reason))

    def lack(self, part: str, text: str) -> None:
        self.missing.setdefault(part, []).append(text)

    def bound(self, part: str, role: str | None = None) -> Any:
        """The proposed value of a role (or the part's dataset), or ``None``."""
        for g in self.parts.get(part, []):
            if g.key == (role or "dataset"):
                return g.value
        return None

    def column(self, part: str, role: str) -> str | None:
        value = self.bound(part, role)
        return value.get("variable") if isinstance(value, dict) else value


def _show_labels(labels: dict[Any, str], limit: int = 4) -> str:
    shown = [f"{k} = {v}" for k, v in list(labels.items())[:limit]]
    return ", ".join(shown) + (", ..." if len(labels) > limit else "")


def _first(
    table: Table,
    columns: Iterable[str],
    test: Callable[[str], bool],
    prefer: Callable[[str], bool] | None = None,
) -> str | None:
    hits = [c for c in columns if test(c)]
    if prefer is not None:
        preferred = [c for c in hits if prefer(c)]
        hits = preferred or hits
    return hits[0] if hits else None
