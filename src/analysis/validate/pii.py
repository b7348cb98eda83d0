"""Personal-data detectors for open text and transcripts.

Open answers and interview transcripts are where personal data slips into a research
dataset: a respondent types an e-mail address, a phone number or a neighbour's name. The
gate scans every text column with the detectors below:

========== ===========================================================================
kind       what is found
========== ===========================================================================
email      ``naam@example.nl``
phone      Dutch numbers: ``06-12345678``, ``+31 6 12345678``, ``020-1234567``,
           ``(020) 123 4567``, ``0031 20 123 4567`` (ten digits after normalising)
bsn        a citizen service number: nine digits (or ``1234.56.782``) passing the 11-proof
iban       a Dutch IBAN (``NL91 ABNA 0417 1643 00``) passing the mod-97 check
address    a postcode with a house number: ``1234 AB 12`` or ``12, 1234 AB``
name       a name or place from the study's list (``privacy.names_file`` in study.yml)
========== ===========================================================================

Findings never carry the personal data itself: a :class:`Finding` holds the kind and the
character span only, so a report can say *what* was found *where* without repeating it.

Notes
-----
The detectors are tuned against false positives that survey text is full of: dates
(``01-05-2023``), amounts (``€ 1.250.000``, ``123456789 euro`` is still a BSN candidate and
is flagged only when it passes the 11-proof), years and counts. A nine-digit number that
happens to pass the 11-proof is flagged: one in eleven random numbers does, and a false
alarm on an open answer costs a researcher a minute, a published BSN costs far more.

Examples
--------
>>> [f.kind for f in scan_text("Mail mij op a.jansen@example.nl of bel 06-12345678")]
['email', 'phone']
>>> is_valid_bsn("111222333")
True
>>> is_valid_iban("NL91ABNA0417164300")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Kinds that identify a person directly. They fail the gate in every column, also in one
#: marked ``pii: true``: a BSN or bank account does not belong in a research dataset at all.
DIRECT_IDENTIFIERS = ("email", "phone", "bsn", "iban", "address")
#: All kinds, in report order.
KINDS = (*DIRECT_IDENTIFIERS, "name")
#: What each kind is called in the validation report: ``pii_kinds`` of section ``validation``
#: in :mod:`analysis.text`.

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)")
# A national prefix (0, +31, 0031, with an optional "(0)"), then nine digits of which the
# first is not 0, separated by at most two of space, hyphen or closing parenthesis.
PHONE = re.compile(
    r"(?<![\w+\-/])(?:(?:\+|00)31[ \-]?(?:\(0\)[ \-]?)?|\(?0)[1-9](?:[ \-)]{0,2}\d){8}(?![\w\-/]|[.,]\d)"
)
BSN = re.compile(r"(?<![\w.,\-/])(?:\d{9}|\d{4}\.\d{2}\.\d{3})(?![\w\-/]|[.,]\d)")
IBAN = re.compile(r"(?<![A-Za-z0-9])NL ?\d{2} ?[A-Za-z]{4}(?: ?\d){10}(?!\d)", re.IGNORECASE)
_POSTCODE = r"[1-9]\d{3}(?: ?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})"
_HOUSE = r"\d{1,5}(?: ?[A-Za-z](?![A-Za-z]))?"
ADDRESS = re.compile(rf"(?<![\w])(?:{_POSTCODE},? +{_HOUSE}|{_HOUSE},? +{_POSTCODE})(?![\w])")


#: A GUID (REFI-QDA identifiers): skipped, its hex digits are no phone number.
UUID = r"\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?"


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: its kind and where it sits (never the text)."""

    kind: str
    start: int
    end: int


def is_valid_bsn(text: str) -> bool:
    """Whether ``text`` (nine digits, dots allowed) passes the BSN 11-proof.

    The weighted sum ``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` must be a multiple of 11 and the
    number may not be all zeros.
    """
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 9 or not any(digits):
        return False
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
    return total % 11 == 0


def is_valid_iban(text: str) -> bool:
    """Whether ``text`` is an IBAN whose check digits pass ISO 13616 mod-97."""
    s = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def _phone_ok(match: str) -> bool:
    digits = re.sub(r"\D", "", match)
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("31") and match.lstrip().startswith("+"):
        digits = "0" + digits[2:]
    if digits.startswith("00"):  # "+31 (0)6": the (0) is not dialled
        digits = digits[1:]
    return len(digits) == 10 and digits[1] != "0"


def compile_names(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of ``names`` as a whole word (case-sensitive), longest first."""
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=lambda n: (-len(n), n))
    if not cleaned:
        return None
    alternation = "|".join(re.escape(n) for n in cleaned)
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")


def read_names(path: str | Path) -> list[str]:
    """Every name, district and place in a names file (the format of :class:`analysis.disclosure.NameList`)."""
    from analysis.disclosure import NameList

    path = Path(path)
    return list(NameList.parse(path.read_text(encoding="utf-8"), source=path).entries)


def scan_text(text: str, names: re.Pattern[str] | Iterable[str] | None = None) -> list[Finding]:
    """All personal data in one text, in order of position.

    Parameters
    ----------
    text
        The text to scan.
    names
        A pattern from :func:`compile_names`, or a list of names, or ``None``.

    Returns
    -------
    list of Finding
        Kind and span of each finding; overlapping findings of different kinds are all kept.
    """
    if not isinstance(text, str) or not text:
        return []
    if names is not None and not isinstance(names, re.Pattern):
        names = compile_names(names)
    found: list[Finding] = []
    for m in EMAIL.finditer(text):
        found.append(Finding("email", m.start(), m.end()))
    for m in PHONE.finditer(text):
        if _phone_ok(m.group()):
            found.append(Finding("phone", m.start(), m.end()))
    for m in BSN.finditer(text):
        if is_valid_bsn(m.group()):
            found.append(Finding("bsn", m.start(), m.end()))
    ibans = [(m.start(), m.end()) for m in IBAN.finditer(text) if is_valid_iban(m.group())]
    if ibans:
        # the digits of an IBAN can look like a phone number or a BSN: report the IBAN only
        found = [f for f in found if not any(a <= f.start and f.end <= b for a, b in ibans)]
        found += [Finding("iban", a, b) for a, b in ibans]
    for m in ADDRESS.finditer(text):
        found.append(Finding("address", m.start(), m.end()))
    if names is not None:
        for m in names.finditer(text):
            found.append(Finding("name", m.start(), m.end()))
    return sorted(found, key=lambda f: (f.start, f.end, f.kind))


def looks_like_free_text(values: pd.Series, min_words: float = 5.0) -> bool:
    """Whether a text column holds running text (answers of ``min_words`` words on average).

    A names list holds places as well as people ("Amsterdam", "Den Haag"), which short label
    columns (a municipality name, a region) legitimately contain; names are therefore
    looked for in columns marked ``pii: true`` and in columns of running text only.
    """
    import pandas as pd

    s = pd.Series(values)
    text = s[s.map(lambda x: isinstance(x, str) and x.strip() != "").astype(bool)]
    if text.empty:
        return False
    return float(text.astype(str).str.count(r"[^\W\d_]+").mean()) >= min_words


def scan_series(
    values: pd.Series, names: re.Pattern[str] | Iterable[str] | None = None
) -> dict[str, list[int]]:
    """Which rows of a text column hold which kind of personal data.

    Parameters
    ----------
    values
        A text column (non-strings and missing values are skipped).
    names
        As in :func:`scan_text`.

    Returns
    -------
    dict
        Kind -> sorted row positions (0-based, in the order of ``values``) with at least one
        finding of that kind. Kinds without findings are left out.

    Notes
    -----
    Each distinct text is scanned once, and only texts that match a detector's pattern are
    checked in full (checksums), so a 100,000-row column of short answers takes about a
    second.
    """
    import pandas as pd

    if names is not None and not isinstance(names, re.Pattern):
        names = compile_names(names)
    s = pd.Series(values).reset_index(drop=True)
    is_text = s.map(lambda x: isinstance(x, str) and x != "").astype(bool)
    text = s[is_text].astype(str)
    text = text[~text.str.fullmatch(UUID)]
    if text.empty:
        return {}
    # scan each distinct text once; a detector's own pattern is the pre-filter, so the
    # Python-level checksum work only runs on the few texts that match one
    patterns = [EMAIL, PHONE, BSN, IBAN, ADDRESS] + ([names] if names is not None else [])
    unique = pd.Series(text.unique())
    hit = pd.Series(False, index=unique.index)
    for pattern in patterns:
        if pattern is EMAIL:
            hit |= unique.map(lambda x: "@" in x and EMAIL.search(x) is not None).astype(bool)
        else:
            hit |= unique.map(lambda x, p=pattern: p.search(x) is not None).astype(bool)
    kinds_of = {value: {f.kind for f in scan_text(value, names)} for value in unique[hit]}
    out: dict[str, set[int]] = {}
    if kinds_of:
        for pos, value in text[text.isin(list(kinds_of))].items():
            for kind in kinds_of[value]:
                out.setdefault(kind, set()).add(int(pos))
    return {k: sorted(out[k]) for k in KINDS if k in out}
