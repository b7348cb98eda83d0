"""Proposing the quasi-identifiers of a dataset: columns that, combined, can single out a person.

A quasi-identifier is no personal data on its own (an age, a municipality, a job) but a
combination of them can point to one respondent: the only 60-year-old female coordinator of a
migrant organisation in a small municipality. The disclosure policy checks k-anonymity over
the columns listed in ``disclosure.quasi_identifiers`` of study.yml
(:func:`analysis.disclosure.k_anonymity`); :func:`propose_quasi_identifiers` proposes that list
for a researcher to review (``bruggen init`` writes it with a review mark).

A column is proposed when its name or short label says it is one of:

==============  ===============================================================================
what            name or label (Dutch and English)
==============  ===============================================================================
age             leeftijd, age, geboortejaar, year of birth, age group (numbers or age bands)
gender          geslacht, gender, sex
place           gemeente, municipality, woonplaats, city, postcode (four digits), regio, wijk,
                provincie, stadsdeel, district
role            functie, beroep, occupation, job, rol, role, respondent type, position
origin          geboorteland, country of birth, herkomst, nationaliteit, nationality,
                migratieachtergrond, ethnicity
education       opleiding, opleidingsniveau, education, diploma
experience      years in role, jaren ervaring, ervaring, experience, dienstjaren, tenure
organisation    organisation type, type organisatie, organisatietype, sector
==============  ===============================================================================

Never a column that holds personal data itself (marked ``pii`` or recognised by
:func:`analysis.ingest.personal.is_personal`: a names column is excluded from everything, not
a quasi-identifier), never a column that is mostly empty, never a key (a value per row).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.ingest.personal import heading_words, is_personal

if TYPE_CHECKING:
    from analysis.ingest import Dataset

__all__ = ["KINDS", "propose_quasi_identifiers"]

#: At least this share of the rows must hold a value (a question everyone skipped identifies no one;
#: one asked of half the respondents, such as the type of a formal organisation, does).
MIN_FILLED = 0.2
#: A label longer than this many words is a question about something else ("Hoe tevreden bent u
#: over de gemeente?" is no municipality).
MAX_LABEL_WORDS = 8

#: What a quasi-identifier is about -> the words that announce it (checked in this order).
KINDS: tuple[tuple[str, str], ...] = (
    (
        "experience",
        r" (?:years? (?:in|of) (?:the |your |current )*(?:role|function|job|post|position|service|experience)|"
        r"jaren (?:in (?:de |deze |uw |je )?(?:huidige )?(?:functie|rol|baan)|ervaring|werkzaam)|werkervaring|ervaring|experience|"
        r"dienstjaren|tenure|seniority) ",
    ),
    (
        "age",
        r" (?:leeftijd|leeftijdsgroep|leeftijdscategorie|age|age group|age band|geboortejaar|year of birth|birth ?year) ",
    ),
    ("gender", r" (?:geslacht|gender|sex|gender identity|genderidentiteit) "),
    (
        "origin",
        r" (?:geboorteland|country of birth|herkomst|herkomstland|land van herkomst|nationaliteit|nationality|"
        r"migratieachtergrond|migration background|etniciteit|ethnicity|ethnic background|origin) ",
    ),
    (
        "education",
        r" (?:hoogste? (?:afgeronde |genoten |voltooide )?opleiding|highest (?:level of )?(?:education|qualification)|opleiding|opleidingsniveau|education|educational level|education level|diploma|schooling) ",
    ),
    (
        "organisation",
        r" (?:(?:org|organisation|organization|organisatie) ?type|type (?:of )?(?:org|organisation|organization|"
        r"organisatie)|organisatietype|organisatiesoort|soort organisatie|sector) ",
    ),
    (
        "role",
        r" (?:functie|beroep|occupation|job|job title|rol|role|positie|position|(?:resp|respondent) ?type|"
        r"type (?:resp|respondent)|respondenttype|respondent category|doelgroep respondent) ",
    ),
    (
        "place",
        r" (?:gemeente|gemeentecode|municipality|woonplaats|place of residence|residence|city|stad|"
        r"postcode|post code|zip ?code|pc4|regio|region|wijk|buurt|neighbourhood|neighborhood|district|"
        r"provincie|province|stadsdeel|borough) ",
    ),
)
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in KINDS)
#: Kinds that are numbers or bands of them; the others are categories.
NUMERIC_KINDS = ("age", "experience")


#: Words a label may start with before it names what it asks ("Wat is uw geslacht?").
_LEAD = re.compile(
    r"^ (?:(?:wat|welke|what|which|in|is|are|uw|je|jouw|your|de|het|the|een|a|aantal|number|of|hoeveel|how|many|"
    r"bent|u|you|zijn|hebt|heeft|have|do|geef|vul|aan|please|state|indicate|huidige|current) )*"
)


def _kind_of(text: str | None, *, label: bool) -> str | None:
    """The kind a column name (anywhere in it) or a label (what it starts by asking) announces."""
    if not text:
        return None
    words = heading_words(str(text))
    if label:
        if len(words.split()) > MAX_LABEL_WORDS:
            return None
        words = " " + _LEAD.sub("", words)  # the label must start with what it asks about
    for kind, pattern in _COMPILED:
        m = pattern.search(words)
        if m is not None and (not label or m.start() == 0):
            return kind
    return None


def propose_quasi_identifiers(dataset: Dataset) -> list[tuple[str, str]]:
    """The columns of a dataset a researcher would list as quasi-identifiers, with the reason.

    Parameters
    ----------
    dataset
        A dataset as read (:func:`analysis.ingest.read` or ``study.get``).

    Returns
    -------
    list of (column, reason)
        In the dataset's column order; the reason in English ("age (by its name)",
        "place (by its label)"), for the review mark ``bruggen init`` writes.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.codebook import Codebook, Variable
    >>> from analysis.ingest import Dataset
    >>> frame = pd.DataFrame({"leeftijd": [34, 51, 28], "gemeente": ["GM0363", "GM0344", "GM0363"],
    ...                       "tevreden": [4, 5, 3]})
    >>> book = Codebook("d", tuple(Variable(c) for c in frame.columns))
    >>> propose_quasi_identifiers(Dataset(frame, book))
    [('leeftijd', 'age (by its name)'), ('gemeente', 'place (by its name)')]
    """
    import pandas as pd

    frame = dataset.frame
    n = len(frame)
    out: list[tuple[str, str]] = []
    for col in frame.columns:
        var = dataset.codebook.get(col)
        kind, by = _kind_of(str(col), label=False), "name"
        if kind is None and var is not None:
            kind, by = _kind_of(var.label, label=True), "label"
        if kind is None or (var is not None and var.scale):
            continue
        s = frame[col]
        filled = int(s.notna().sum())
        if n == 0 or filled / n < MIN_FILLED:
            continue
        if is_personal(dataset, col) is not None:
            continue
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if s.dtype.kind in "mM":
            continue  # a date: a date of birth is personal data, other dates no quasi-identifier
        distinct = int(s.nunique(dropna=True))
        if distinct <= 1:
            continue
        if distinct == filled and filled > 20 and not (numeric and kind in NUMERIC_KINDS):
            continue  # a value per row: a key or a free answer, not a category
        out.append((str(col), f"{kind} (by its {by})"))
    return out
