"""Quotes and open text: pseudonymise names and places, label speakers, refuse small groups.

Practice followed (UK Data Service, CESSDA, EUR; see the domain notes §5.2):
replacements are *marked* (``[naam]``, ``[wijk]``, ``[plaats]``) rather than blanked,
speakers get generic, consistent descriptors, and the replacement log is kept apart
from anything published: :func:`pseudonymise` returns it separately and no renderer
in this package accepts it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from analysis.disclosure.policy import Policy
from analysis.errors import DisclosureError, StudyConfigError

if TYPE_CHECKING:
    from analysis.study import Study

MARKERS = {"name": "[naam]", "district": "[wijk]", "place": "[plaats]"}
_HEADERS = {
    **dict.fromkeys(("namen", "naam", "names", "name"), "names"),
    **dict.fromkeys(("wijken", "wijk", "districts", "district"), "districts"),
    **dict.fromkeys(("plaatsen", "plaats", "places", "place"), "places"),
}
_POSSESSIVE = r"(?P<poss>['’]s|['’]|s)?"


@dataclass(frozen=True)
class Replacement:
    """One replacement in a text. **Private**: keep the log with the raw transcripts.

    Attributes
    ----------
    original
        The text that was replaced, as it stood (including a possessive ending).
    marker
        What replaced it, e.g. ``"[naam]'s"``.
    start, end
        Position of ``original`` in the (NFC-normalised) input text.
    """

    original: str
    marker: str
    start: int
    end: int


@dataclass(frozen=True)
class NameList:
    """Names and places to replace in open text and quotes.

    The study's ``privacy: names_file`` is a UTF-8 text file, one entry per line,
    ``#`` starts a comment. Section headers say what follows::

        [namen]
        Blanka
        Ahmed el Amrani
        [wijken]
        Schilderswijk
        [plaatsen]
        Hoogeveen

    (English headers ``[names]``, ``[districts]``, ``[places]`` work too.) Lines
    before any header are names. A line ``wijk: Schilderswijk`` also works.
    """

    names: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, *, source: Any = None) -> NameList:
        """Read the names-file format (see the class docstring)."""
        found: dict[str, list[str]] = {"names": [], "districts": [], "places": []}
        headers = _HEADERS
        section = "names"
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                key = line[1:-1].strip().lower()
                if key not in headers:
                    raise StudyConfigError(
                        f"line {number}: unknown section {line}",
                        path=source,
                        hint="use [namen], [wijken] or [plaatsen]",
                    )
                section = headers[key]
                continue
            prefix, sep, rest = line.partition(":")
            if sep and prefix.strip().lower() in headers and rest.strip():
                found[headers[prefix.strip().lower()]].append(rest.strip())
            else:
                found[section].append(line)
        return cls(**{k: tuple(dict.fromkeys(v)) for k, v in found.items()})

    @classmethod
    def from_study(cls, study: Study) -> NameList:
        """The study's names file (``privacy: names_file``); empty if none is configured."""
        value = study.section("privacy").get("names_file")
        if not value:
            return cls()
        path = study.resolve(value)
        if not path.exists():
            raise StudyConfigError(
                "the names file named under 'privacy: names_file' does not exist",
                path=path,
                hint="create it (one name or place per line) or remove the setting",
            )
        return cls.parse(path.read_text(encoding="utf-8"), source=path)

    @property
    def entries(self) -> tuple[str, ...]:
        """Every name, district and place, in file order per section."""
        return (*self.names, *self.districts, *self.places)

    def pseudonymise(self, text: str) -> tuple[str, tuple[Replacement, ...]]:
        """:func:`pseudonymise` with this list."""
        return pseudonymise(text, self.names, self.places, districts=self.districts)


def _fold(ch: str) -> str:
    """A character without its diacritics, lower-cased (one character in, one out)."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    base = base.lower()
    return base if len(base) == 1 else ch.lower()


def _fold_text(text: str) -> str:
    return "".join(_fold(c) for c in text)


def pseudonymise(
    text: str,
    names: Iterable[str] = (),
    places: Iterable[str] = (),
    *,
    districts: Iterable[str] = (),
) -> tuple[str, tuple[Replacement, ...]]:
    """Replace names and places by marked descriptors.

    Whole words only, case-insensitive, and insensitive to diacritics (``Zoë`` also
    matches ``Zoe`` and ``ZOË``). Longer entries win (``Den Haag`` before ``Den``);
    spaces in an entry match any run of white space. A possessive ending is kept on
    the marker: ``Blanka's`` -> ``[naam]'s``, ``Ahmeds`` -> ``[naam]'s``,
    ``Kees'`` -> ``[naam]'s``.

    Parameters
    ----------
    text
        The open text or quote. It is normalised to Unicode NFC first.
    names
        Person names -> ``[naam]``.
    places
        Towns, villages -> ``[plaats]``.
    districts
        Neighbourhoods -> ``[wijk]``.

    Returns
    -------
    (str, tuple of Replacement)
        The pseudonymised text, and the replacement log. The log holds the original
        names: store it with the raw data, never in a report.

    Examples
    --------
    >>> text, log = pseudonymise("Blanka's moeder woont in de Schilderswijk bij blanka.",
    ...                          names=["Blanka"], places=[], districts=["Schilderswijk"])
    >>> text
    "[naam]'s moeder woont in de [wijk] bij [naam]."
    >>> [r.original for r in log]
    ["Blanka's", 'Schilderswijk', 'blanka']
    """
    text = unicodedata.normalize("NFC", text)
    terms: dict[str, str] = {}
    for kind, items in (("name", names), ("district", districts), ("place", places)):
        for item in items:
            item = unicodedata.normalize("NFC", str(item)).strip()
            if item:
                terms.setdefault(_fold_text(item), MARKERS[kind])
    if not terms:
        return text, ()
    ordered = sorted(terms, key=lambda t: (-len(t), t))
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in t.split()) for t in ordered)
    pattern = re.compile(rf"(?<!\w)(?P<term>{alternatives}){_POSSESSIVE}(?!\w)")
    folded = _fold_text(text)
    out, log, pos = [], [], 0
    for match in pattern.finditer(folded):
        term = re.sub(r"\s+", " ", match.group("term"))
        marker = terms[term]
        poss = match.group("poss")
        if poss:
            apostrophe = poss[0] if poss[0] in "'’" else "'"
            marker += f"{apostrophe}s"
        start, end = match.span()
        out.append(text[pos:start])
        out.append(marker)
        log.append(Replacement(original=text[start:end], marker=marker, start=start, end=end))
        pos = end
    out.append(text[pos:])
    return "".join(out), tuple(log)


def speaker_label(
    attrs: Mapping[str, Any], *, fields: Sequence[str] = ("role", "organisation"), number: int | None = None
) -> str:
    """A generic descriptor for a speaker, e.g. ``"vrijwilliger, buurthuis"``.

    Parameters
    ----------
    attrs
        The speaker's attributes (e.g. a row of the interview-participants table).
    fields
        Which attributes make up the label, in order; empty or missing ones are skipped.
    number
        When several people share a label, their number (placed after the first
        part): ``"vrijwilliger 3, buurthuis"``. Use :class:`SpeakerLabels`
        to assign these consistently.

    Examples
    --------
    >>> speaker_label({"role": "vrijwilliger", "organisation": "buurthuis"})
    'vrijwilliger, buurthuis'
    >>> speaker_label({"role": "vrijwilliger", "organisation": "buurthuis"}, number=3)
    'vrijwilliger 3, buurthuis'
    """
    parts = []
    for f in fields:
        value = attrs.get(f)
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        value = str(value).strip()
        if value:
            parts.append(value)
    if not parts:
        raise DisclosureError(
            f"a speaker has none of the label fields {', '.join(fields)}",
            hint="give every interview participant a role (and organisation type)",
        )
    if number is not None:
        parts[0] = f"{parts[0]} {number}"
    return ", ".join(parts)


@dataclass(frozen=True)
class SpeakerLabels:
    """Consistent labels for every speaker in a study.

    People who share a label are numbered 1, 2, ... in the order of a hash of
    their ID (a stable key: the same people always get the same numbers, in every
    report, whatever order quotes appear in; and the numbers say nothing about the
    order in which people were interviewed). A label held by one person only gets
    no number.

    Examples
    --------
    >>> people = [{"speaker_id": "R1", "role": "vrijwilliger", "organisation": "moskee"},
    ...           {"speaker_id": "R2", "role": "vrijwilliger", "organisation": "moskee"},
    ...           {"speaker_id": "R3", "role": "beleidsmedewerker", "organisation": "gemeente"}]
    >>> labels = SpeakerLabels.from_people(people)
    >>> labels["R3"]
    'beleidsmedewerker, gemeente'
    >>> sorted([labels["R1"], labels["R2"]])
    ['vrijwilliger 1, moskee', 'vrijwilliger 2, moskee']
    """

    labels: Mapping[str, str]

    @classmethod
    def from_people(
        cls,
        people: pd.DataFrame | Iterable[Mapping[str, Any]],
        *,
        key: str = "speaker_id",
        fields: Sequence[str] = ("role", "organisation"),
    ) -> SpeakerLabels:
        """Label everyone in ``people`` (a frame or records, one per person)."""
        records = people.to_dict("records") if isinstance(people, pd.DataFrame) else list(people)
        base: dict[str, str] = {}
        for rec in records:
            if key not in rec or rec[key] is None:
                raise DisclosureError(f"a speaker has no {key!r}", hint=f"every person needs a stable {key}")
            pid = str(rec[key])
            label = speaker_label(rec, fields=fields)
            if pid in base and base[pid] != label:
                raise DisclosureError(
                    f"speaker {pid!r} has two different descriptions ({base[pid]!r} and {label!r})",
                    hint="give each person one role and organisation",
                )
            base[pid] = label
        by_label: dict[str, list[str]] = {}
        for pid, label in base.items():
            by_label.setdefault(label, []).append(pid)
        out: dict[str, str] = {}
        for label, pids in by_label.items():
            if len(pids) == 1:
                out[pids[0]] = label
                continue
            ordered = sorted(pids, key=lambda p: (hashlib.sha256(p.encode("utf-8")).hexdigest(), p))
            rec_by_id = {str(r[key]): r for r in records}
            for number, pid in enumerate(ordered, start=1):
                out[pid] = speaker_label(rec_by_id[pid], fields=fields, number=number)
        return cls(labels=dict(sorted(out.items())))

    def __getitem__(self, speaker_id: Any) -> str:
        try:
            return self.labels[str(speaker_id)]
        except KeyError:
            raise DisclosureError(
                f"speaker {speaker_id!r} is not in the participants list",
                hint="add the person to the participants table the labels were built from",
            ) from None


@dataclass(frozen=True)
class QuoteSelection:
    """The outcome of :func:`select_quotes`.

    Attributes
    ----------
    quotes
        Publishable quotes: the input columns except the speaker ID, with ``text``
        pseudonymised and a ``speaker`` label.
    refused
        Refused quotes (``speaker_id``, ``group``, ``reason``); for the researcher only.
    replacements
        The replacement log (private, keep with the raw transcripts).
    """

    quotes: pd.DataFrame
    refused: pd.DataFrame
    replacements: tuple[Replacement, ...]


def select_quotes(
    quotes: pd.DataFrame,
    policy: Policy,
    *,
    group_by: str | Sequence[str],
    people: pd.DataFrame | None = None,
    speaker: str = "speaker_id",
    text: str = "text",
    names: NameList | None = None,
    label_fields: Sequence[str] = ("role", "organisation"),
    min_persons: int | None = None,
    on_refuse: Literal["raise", "drop"] = "raise",
) -> QuoteSelection:
    """Prepare quotes for a report: refuse small groups, pseudonymise, label speakers.

    A quote is refused when the speaker's group (the combination of ``group_by``
    columns, e.g. municipality and respondent type) has fewer than ``min_persons``
    distinct persons among ``people`` (default ``policy.min_count``). Group sizes are
    counted in persons, never in quotes.

    Parameters
    ----------
    quotes
        One row per quote: ``speaker``, ``text`` and the ``group_by`` columns (or
        these come from ``people``).
    policy
        The disclosure policy.
    group_by
        Column(s) defining the group a quote would be attributed to.
    people
        All participants (one row per person: ``speaker``, ``group_by`` and label
        fields). Default: the distinct speakers of ``quotes``.
    names
        Names and places to replace (:meth:`NameList.from_study`).
    label_fields
        Attributes of a person that make up the speaker label.
    min_persons
        Smallest group; default ``policy.min_count``.
    on_refuse
        ``"raise"`` (default): a refused quote raises :class:`DisclosureError`.
        ``"drop"``: refused quotes are left out and listed in ``refused``.

    Returns
    -------
    QuoteSelection

    Examples
    --------
    >>> people = pd.DataFrame({"speaker_id": [f"P{i}" for i in range(12)],
    ...                        "role": ["vrijwilliger"] * 10 + ["wethouder"] * 2,
    ...                        "organisation": ["zelforganisatie"] * 10 + ["gemeente"] * 2})
    >>> quotes = pd.DataFrame({"speaker_id": ["P1", "P11"], "text": ["Fatima belde me.", "Wij betalen."]})
    >>> sel = select_quotes(quotes, Policy(), group_by="role", people=people,
    ...                     names=NameList(names=("Fatima",)), on_refuse="drop")
    >>> sel.quotes[["speaker", "text"]].to_dict("records")
    [{'speaker': 'vrijwilliger 10, zelforganisatie', 'text': '[naam] belde me.'}]
    >>> sel.refused["reason"].tolist()
    ['group role=wethouder has 2 persons, fewer than 10']
    """
    groups = [group_by] if isinstance(group_by, str) else list(group_by)
    threshold = policy.min_count if min_persons is None else int(min_persons)
    if people is None:
        people = quotes.drop_duplicates(speaker)
    need = [speaker, *groups]
    for col in need:
        if col not in people.columns:
            raise DisclosureError(f"column {col!r} is missing from the participants table")
    if speaker not in quotes.columns or text not in quotes.columns:
        raise DisclosureError(f"quotes need columns {speaker!r} and {text!r}")
    persons = people.drop_duplicates(speaker)
    sizes = persons.groupby(groups, dropna=False).size()
    group_of = persons.set_index(persons[speaker].astype(str))[groups]
    labels = SpeakerLabels.from_people(persons, key=speaker, fields=label_fields)
    names = names or NameList()

    kept, refused, log = [], [], []
    for idx, row in quotes.iterrows():
        pid = str(row[speaker])
        if pid not in group_of.index:
            raise DisclosureError(f"quote {idx!r}: speaker {pid!r} is not in the participants table")
        key = tuple(group_of.loc[pid, g] for g in groups)
        size = int(sizes.loc[key if len(key) > 1 else key[0]])
        if size < threshold:
            desc = ", ".join(f"{g}={v}" for g, v in zip(groups, key, strict=True))
            reason = f"group {desc} has {size} persons, fewer than {threshold}"
            refused.append({speaker: pid, "group": desc, "reason": reason})
            continue
        new_text, reps = names.pseudonymise(str(row[text]))
        log.extend(reps)
        rec = row.drop(labels=[speaker]).to_dict()
        rec[text] = new_text
        rec["speaker"] = labels[pid]
        kept.append(rec)
    if refused and on_refuse == "raise":
        first = refused[0]
        raise DisclosureError(
            f"{len(refused)} quote(s) refused: {first['reason']} (a quote could identify its speaker)",
            hint="attribute the quote to a broader group (fewer group_by columns), or leave it out "
            "(on_refuse='drop' lists the refused quotes)",
        )
    columns = [c for c in quotes.columns if c != speaker] + ["speaker"]
    return QuoteSelection(
        quotes=pd.DataFrame(kept, columns=columns).reset_index(drop=True),
        refused=pd.DataFrame(refused, columns=[speaker, "group", "reason"]),
        replacements=tuple(log),
    )
