"""Recognising columns that hold personal data, by their heading, label and content.

Every file a researcher brings may carry columns that must never be analysed or published
raw: open answers, respondents' names, e-mail and IP addresses, phone numbers, addresses,
dates of birth, GPS coordinates. Survey tools add some of them on their own (Qualtrics'
``RecipientFirstName``, ``IPAddress``, ``LocationLatitude``), and a researcher's own file may
have a ``voornaam`` column or an open question whose answers would become row labels. This
module finds such columns *when a file is read*, without a study's names list:

=============  ==================================================================================
kind           how it is recognised
=============  ==================================================================================
free_text      content: a text column whose answers are mostly unique and several words long
               (:func:`looks_like_free_text`); or a text-entry column of a survey tool
               (Qualtrics ``_TEXT``, LimeSurvey ``[other]``/``[comment]``) or a question that
               asks for an open answer ("toelichting", "please specify"), when its values vary
name           heading or label: ``voornaam``, ``achternaam``, ``first name``, ``surname``,
               ``RecipientLastName``, ``contactpersoon``, "Wat is uw naam?", ... (not
               ``gemeentenaam``, "naam van de organisatie", ``file name``); or content: most
               values are common given names or surnames (Faker's person lists, many locales)
email, phone,  heading or label: ``e-mailadres``, ``IPAddress``, ``telefoonnummer``, ``adres``,
ip, address,   ``straat``, ``postcode`` (a full Dutch postcode, ``1234 AB``; a four-digit one is
bsn, iban,     a region, not an address), ``BSN``, ``IBAN``, ``LocationLatitude``,
location,      ``geboortedatum``
birth_date
=============  ==================================================================================

:func:`mark` sets ``pii: true`` on such variables of a codebook inferred from the file (every
reader's result passes through it in :func:`analysis.ingest.read`); a reviewed codebook is the
researcher's word and is not changed, but the validation gate reports a column it does not mark
(:mod:`analysis.validate.privacy`). :func:`detect` says which columns and why.

Examples
--------
>>> import pandas as pd
>>> header_kind("RecipientFirstName"), header_kind("gemeentenaam"), header_kind("Wat is uw naam?")
('name', None, 'name')
>>> header_kind("naam van de organisatie") is None
True
>>> looks_like_free_text(pd.Series(["Male", "Female", "Female", "Male"]))
False
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook, Variable
    from analysis.ingest.dataset import Dataset

__all__ = [
    "KINDS",
    "Personal",
    "detect",
    "detect_column",
    "header_kind",
    "heading_words",
    "looks_like_free_text",
    "looks_like_names",
    "mark",
    "name_lists",
]

#: Kinds of personal data a column can hold, in report order.
KINDS = ("name", "email", "phone", "ip", "address", "bsn", "iban", "location", "birth_date", "free_text")

#: Free text: at least this many answered values, a median of this many words, and this share
#: of the answered values unique (an open answer is; a category label repeats).
MIN_ANSWERS = 3
MIN_WORDS = 4.0
MIN_UNIQUE_SHARE = 0.6
#: Names by content: at least this many distinct values, this share of them (and of the rows)
#: a given name, a surname or both, and values this short.
MIN_NAME_VALUES = 5
MIN_NAME_SHARE = 0.6
MAX_NAME_WORDS = 4
#: At most this many values of a column are looked at (its first ones): enough to judge, fast
#: on a million rows.
SAMPLE = 20_000

#: Locales whose given names and surnames are read from Faker: the Netherlands and Belgium, and
#: the languages of the largest groups of migrants and of Europe, in Latin script and in their own.
NAME_LOCALES = (
    "nl_NL", "nl_BE", "en_US", "en_GB", "de_DE", "fr_FR", "fr_DZ", "tr_TR", "pl_PL", "ar_AA",
    "ar_SA", "ar_DZ", "ar_PS", "es_ES", "it_IT", "pt_PT", "pt_BR", "ro_RO", "bg_BG", "uk_UA",
    "ru_RU", "fa_IR", "id_ID", "hi_IN", "en_IN", "so_SO", "sw", "en_NG", "yo_NG", "zh_CN",
)  # fmt: skip
#: Name particles, left out when a value is split into words ("Jan de Vries", "El Amrani").
PARTICLES = frozenset((
    "van", "de", "der", "den", "het", "ter", "ten", "te", "t", "in", "op", "aan", "bij", "uit",
    "el", "al", "ben", "bin", "ibn", "abu", "bou", "ait", "da", "di", "do", "dos", "du", "la", "le",
    "von", "zu", "y", "e",
))  # fmt: skip


@dataclass(frozen=True)
class Personal:
    """A column recognised as holding personal data.

    Attributes
    ----------
    column
        The column.
    kind
        One of :data:`KINDS`.
    by
        What gave it away: ``"name"`` (the column's heading), ``"label"`` (its question text)
        or ``"values"`` (its content).
    """

    column: str
    kind: str
    by: str

    @property
    def reason(self) -> str:
        """In English, for warnings and messages of the command line."""
        what = {
            "free_text": "open answers",
            "name": "personal names",
            "email": "e-mail addresses",
            "phone": "phone numbers",
            "ip": "IP addresses",
            "address": "addresses",
            "bsn": "citizen service numbers (BSN)",
            "iban": "bank account numbers",
            "location": "geographic coordinates",
            "birth_date": "dates of birth",
        }[self.kind]
        how = {"name": "its name", "label": "its label", "values": "its values", "codebook": "its codebook"}[
            self.by
        ]
        return f"{what} (recognised by {how})"


# -- headings and labels --------------------------------------------------------------------------
def heading_words(text: str) -> str:
    """A heading or label as folded lower-case words, a space each side: ``RecipientFirstName`` -> ``" recipient first name "``."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(text))
    text = _fold(text.casefold())
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return f" {text.strip()} "


_PERSON = (
    r"(?:respondent|deelnemer|participant|client|interviewer|invuller|persoon|person|contact|student|"
    r"leerling|patient|medewerker|employee|ouder|parent|kind|child|recipient)"
)
#: Words that announce a kind wherever they stand in a heading (``RecipientFirstName``,
#: ``email_werk``), checked in this order: an "e-mailadres" is no street address.
_ANYWHERE: tuple[tuple[str, str], ...] = (
    ("email", r" (?:e ?mail|email|e ?mailadres|emailadres|mailadres)(?: ?(?:adres|address|addr))?s? "),
    ("ip", r" ip ?(?:adres|adresse|address|addr)s? | ipadres "),
    (
        "phone",
        r" (?:telefoon|telefoonnummer|mobielnummer|mobiel nummer|phone|telephone|cellphone|mobile number|mobile phone|phone number)s? ",
    ),
    ("bsn", r" (?:burgerservicenummer|sofinummer|sofi nummer|social security number) "),
    ("iban", r" (?:iban|rekeningnummer|bankrekeningnummer|bank ?account number) "),
    ("location", r" (?:latitude|longitude|geolocation|gps coordinates|coordinates|coordinaten) "),
    ("birth_date", r" (?:geboortedatum|birthdate|date of birth|birth date|geboren op) "),
    (
        "address",
        r" (?:adres|address|straat|straatnaam|street address|street name|huisnummer|house number|woonadres|huisadres|home address|postadres)(?: en (?:huisnummer|woonplaats))? ",
    ),
    (
        "name",
        r" (?:voornaam|voornamen|achternaam|roepnaam|familienaam|meisjesnaam|geboortenaam|tussenvoegsels?|voorletters?|forename|surname|lastname|firstname|givenname|fullname|contactpersoon|gebruikersnaam|username) ",
    ),
    ("name", r" (?:first|last|given|family|full|middle|maiden|nick|user) ?names? "),
    ("name", r" contact ?(?:person|persoon) "),
)
#: Short words that announce a kind only as the whole heading (``tel`` is also Dutch for
#: "count", ``lat`` could be anything inside a longer name).
_WHOLE: tuple[tuple[str, str], ...] = (
    ("phone", r"^ (?:tel|telnr|tel nr|gsm|mobiel|mobile|phone no|tel no) $"),
    ("bsn", r"^ (?:bsn|ssn|sofi) $"),
    ("ip", r"^ ip $"),
    ("location", r"^ (?:location )?(?:lat|lon|lng|long|gps) $"),
    ("birth_date", r"^ (?:dob|geb datum|gebdatum) $"),
    ("address", r"^ (?:street|straat) $"),
    ("name", r"^ initialen $"),
    (
        "name",
        rf"^ (?:wat is |what is |vul )?(?:uw |je |jouw |your |de |the |hun |their )?(?:{_PERSON} )?"
        rf"(?:naam|name|namen|names)(?: (?:(?:van|of) (?:de |het |the |this |deze |your |uw )?)?{_PERSON})?(?: in)? $",
    ),
)
_HEADER_COMPILED = tuple((kind, re.compile(p)) for kind, p in _WHOLE + _ANYWHERE)
#: A label (question text) longer than this many words is a question about something, not the
#: name of a field: "Hoe vaak heeft u contact per e-mail of telefoon?" asks for no e-mail address.
MAX_LABEL_WORDS = 6
#: A free-text entry field of a survey tool, by its column name.
_TEXT_ENTRY = re.compile(
    r"(?:_TEXT|_other|\[other\]|_comment|\[comment\]|_anders|_toelichting)$", re.IGNORECASE
)
#: A question that asks for an open answer, by its label.
_OPEN_QUESTION = re.compile(
    r" (?:free text|open text|open answer|open vraag|open antwoord|vrije tekst|toelichting|licht toe|"
    r"please specify|please describe|please explain|describe|explain|briefly|in your own words|"
    r"in uw eigen woorden|in je eigen woorden|namelijk|opmerking|opmerkingen|remarks|comments?|"
    r"anders namelijk|other please specify|waarom|why) "
)


def header_kind(text: str | None) -> str | None:
    """The kind of personal data a heading or question text announces, if any.

    Parameters
    ----------
    text
        A column name (``RecipientFirstName``, ``e_mail``) or a variable label ("Wat is uw
        naam?").

    Returns
    -------
    str or None
        A kind of :data:`KINDS` (never ``free_text``: a heading alone does not make running
        text), or ``None``. ``postcode`` is not an address here: a four-digit postcode is a
        region (see :func:`detect_column`).
    """
    if not text or not str(text).strip():
        return None
    words = heading_words(str(text))
    if len(words.split()) > MAX_LABEL_WORDS:
        return None
    for kind, pattern in _HEADER_COMPILED:
        if pattern.search(words):
            return kind
    return None


_POSTCODE_HEADER = re.compile(r" (?:postcode|post code|postal code|zip ?code|zip|postcode6|pc6) ")
_PC6 = re.compile(r"^\s*[1-9]\d{3}\s?[A-Za-z]{2}\s*$")


# -- content ----------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Lower case without accents: ``Yılmaz`` -> ``yilmaz``, ``Ayşe`` -> ``ayse``."""
    text = text.casefold().replace("ı", "i").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _answers(values: pd.Series | list[str]) -> list[str]:
    """The answered (non-missing, non-blank) values of a column as stripped strings, at most :data:`SAMPLE`."""
    if isinstance(values, list):
        return values
    import pandas as pd

    s = pd.Series(values)
    if len(s) > SAMPLE * 2:
        s = s.iloc[: SAMPLE * 2]
    out = [x.strip() for x in s.astype(object).tolist() if isinstance(x, str)]
    return [x for x in out if x][:SAMPLE]


def looks_like_free_text(values: pd.Series | list[str], *, min_words: float = MIN_WORDS) -> bool:
    """Whether a text column holds open answers: most answers unique and several words long.

    Parameters
    ----------
    values
        A column (values that are not text are ignored).
    min_words
        The median number of words an answer must have.

    Returns
    -------
    bool
        True when at least :data:`MIN_ANSWERS` values are answered, their median length is
        ``min_words`` words, and at least :data:`MIN_UNIQUE_SHARE` of the answers of that
        length occur once. Category labels ("Male", "Female", a country, "I don't want to
        answer this question") repeat, so a column of them is not free text however long they
        are.
    """
    from collections import Counter
    from statistics import median

    answers = _answers(values)
    if len(answers) < MIN_ANSWERS:
        return False
    words = [len(a.split()) for a in answers]
    if median(words) < min_words:
        return False
    counts = Counter(a for a, n in zip(answers, words, strict=True) if n >= min_words)
    return sum(1 for c in counts.values() if c == 1) / sum(counts.values()) >= MIN_UNIQUE_SHARE


@cache
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Common given names and surnames (folded, one word each) from Faker's person providers.

    Read from the providers' class attributes (``first_names``, ``first_names_male``,
    ``first_names_female``, ``last_names``) of :data:`NAME_LOCALES`; no fake data are made.
    Surnames of more than one word ("de Vries", "Bruijne van der Veen") give each word
    that is not a particle.
    """
    import importlib

    first: set[str] = set()
    last: set[str] = set()
    for locale in NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):  # a locale a later Faker drops
            continue
        for attr, into in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
        ):
            for name in getattr(provider, attr, None) or ():
                for word in re.split(r"[\s,\-]+", _fold(str(name))):
                    word = word.strip("'.")
                    if len(word) >= 2 and word not in PARTICLES:
                        into.add(word)
    return frozenset(first), frozenset(last)


def _is_name(value: str, first: frozenset[str], last: frozenset[str]) -> bool:
    words = [w.strip("'.") for w in re.split(r"[\s\-]+", _fold(value))]
    words = [w for w in words if w and w not in PARTICLES and not re.fullmatch(r"[a-z]\.?", w)]
    if not words or len(words) > MAX_NAME_WORDS or any(ch.isdigit() for w in words for ch in w):
        return False
    return all(w in first or w in last for w in words)


def looks_like_names(values: pd.Series | list[str]) -> bool:
    """Whether most values of a text column are given names, surnames or both ("Fatma Yılmaz").

    At least :data:`MIN_NAME_VALUES` distinct values, and :data:`MIN_NAME_SHARE` of the distinct
    values and of the answered rows, are made of words of :func:`name_lists` only (particles
    such as "van der" and initials aside). A column of category labels ("Male", "Female") has
    too few values; country and municipality names are mostly not in the lists.
    """
    from statistics import median

    answers = _answers(values)
    distinct = list(dict.fromkeys(answers))
    if len(distinct) < MIN_NAME_VALUES or median(len(v.split()) for v in distinct) > MAX_NAME_WORDS - 1:
        return False
    first, last = name_lists()
    hits = {v for v in distinct if _is_name(v, first, last)}
    if len(hits) / len(distinct) < MIN_NAME_SHARE:
        return False
    return sum(1 for a in answers if a in hits) / len(answers) >= MIN_NAME_SHARE


def _is_text(values: pd.Series, variable: Variable | None) -> bool:
    import pandas as pd

    if variable is not None:
        return variable.type == "string" and not variable.value_labels
    s = pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.dtype.categories.dtype.kind in "OU" or str(s.dtype.categories.dtype) == "str"
    return pd.api.types.is_string_dtype(s) or s.dtype == object


def detect_column(values: pd.Series, name: str, variable: Variable | None = None) -> Personal | None:
    """Whether one column holds personal data, and of which kind.

    Parameters
    ----------
    values
        The column (as read: codes or labels).
    name
        Its name.
    variable
        Its codebook entry, for the label, type and value labels (optional).

    Returns
    -------
    Personal or None
        The kind and what gave it away; ``None`` for a column with nothing personal.

    Notes
    -----
    A column that holds no answered value is still recognised by its heading (an empty
    ``RecipientEmail`` column is excluded all the same). A labelled (coded) variable is never
    free text or a names column by content: its values are a closed set.
    """
    label = variable.label if variable is not None else ""
    if variable is not None and variable.value_labels:
        return None  # a closed set of codes: "Vaste contactpersoon? ja/nee" holds no name
    text_column = _is_text(values, variable)
    answers = _answers(values) if text_column else []
    for by, text in (
        ("name", name),
        ("name", variable.source_name if variable is not None else None),
        ("label", label),
    ):
        if by == "label" and text and _POSTCODE_HEADER.search(heading_words(text)):
            break
        kind = header_kind(text)
        # a name is text; a numeric column called "contactpersoon" counts or codes something
        if kind is not None and (kind != "name" or text_column or not _has_values(values)):
            return Personal(name, kind, by)
    if _POSTCODE_HEADER.search(heading_words(name)) or _POSTCODE_HEADER.search(heading_words(label or "")):
        # a full postcode (1234 AB) is an address; a four-digit one a region (a quasi-identifier)
        if answers and sum(1 for a in answers if _PC6.match(a)) / len(answers) >= 0.5:
            return Personal(name, "address", "values")
        return None
    if not text_column:
        return None
    if looks_like_free_text(answers):
        return Personal(name, "free_text", "values")
    if looks_like_names(answers):
        return Personal(name, "name", "values")
    # a text-entry field or an open question: free text unless its answers are a few categories
    entry = bool(_TEXT_ENTRY.search(str(name)))
    open_question = entry or bool(_OPEN_QUESTION.search(heading_words(label or "")))
    if open_question and (not answers or len(set(answers)) / len(answers) >= 0.5):
        return Personal(name, "free_text", "name" if entry else "label")
    return None


def _has_values(values: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.Series(values).notna().any())


def detect(frame: pd.DataFrame, codebook: Codebook | None = None) -> dict[str, Personal]:
    """Every column of ``frame`` that holds personal data (see :func:`detect_column`).

    Returns
    -------
    dict
        Column -> :class:`Personal`, in the frame's column order.
    """
    out: dict[str, Personal] = {}
    for col in frame.columns:
        var = codebook.get(col) if codebook is not None else None
        found = detect_column(frame[col], str(col), var)
        if found is not None:
            out[col] = found
    return out


def mark(dataset: Dataset) -> Dataset:
    """The dataset with ``pii: true`` on every variable of its codebook that holds personal data.

    For a codebook the reader inferred from the file; one warning of the result says which
    columns were marked and why, so a researcher reviewing the codebook sees it. Variables
    already marked stay so; nothing is unmarked.
    """
    from dataclasses import replace

    book = dataset.codebook
    found = detect(dataset.frame, book)
    new = [(col, p) for col, p in found.items() if col in book and not book[col].pii]
    if not new:
        return dataset
    for col, _ in new:
        book = book.with_variable(replace(book[col], pii=True))
    listed = "; ".join(f"{col} ({p.reason})" for col, p in new[:12])
    more = f"; and {len(new) - 12} more" if len(new) > 12 else ""
    warning = (
        f"{len(new)} column(s) hold personal data and are marked pii (never analysed or published raw): "
        f"{listed}{more}"
    )
    return replace(dataset, codebook=book, warnings=(*dataset.warnings, warning))


def is_personal(dataset: Dataset, column: str) -> Personal | None:
    """Whether a column of a dataset is personal: marked ``pii`` in its codebook or recognised.

    Returns
    -------
    Personal or None
        For a column the codebook marks ``pii`` and that is not otherwise recognised, kind
        ``free_text`` by ``"codebook"``.
    """
    if column not in dataset.frame.columns:
        return None
    var = dataset.codebook.get(column)
    found = detect_column(dataset.frame[column], column, var)
    if found is None and var is not None and var.pii:
        return Personal(column, "free_text", "codebook")
    return found
