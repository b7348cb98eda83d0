"""What ``bruggen init`` reads: a :class:`Table` per data file, and the patterns of names and labels it looks for."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Variable
    from analysis.ingest import Dataset


#: A role that groups respondents binds only a variable answered by at least this share of rows.
MOST = 0.5


# -- the patterns (Dutch and English) ------------------------------------------------------
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


#: A CBS municipality code.
GM_CODE = _rx(r"^GM\d{4}$")
#: Names and labels, matched against "name label" with separators turned into spaces.
PATTERNS: dict[str, re.Pattern[str]] = {
    "id": _rx(
        r"\b(id|ids|nr|nummer|number|key|sleutel|respnr|respid|responseid|response id|record)\b"
        r"|respondentnummer|respondent ?id|\w+_?id\b|\bid\w*"
    ),
    "respondent": _rx(r"respond|deelnemer|participant|\bresp\b|response|case"),
    "side": _rx(r"\bkant\b|\bside\b|sector|formeel|formal|formele|type organisatie|organi[sz]ation type"),
    "respondent_type": _rx(
        r"(respondent|deelnemer|participant)\w*\b.*\b(type|soort|categorie|category|groep|group)"
        r"|\b(type|soort|categorie|category|groep|group)\b.*\b(respondent|deelnemer|participant)"
        r"|\brol\b|\brole\b|\bfunctie\b|\bposition\b"
    ),
    "collaboration": _rx(r"samenwerk|collaborat|\bcollab\b|cooperat|co-operat|partnership"),
    "form": _rx(r"vorm|\bforms?\b|\btype\b|\bsoort\b|\bwijze\b|\bmode\b|\bkind\b"),
    "structural": _rx(r"structure(el|le)|structural|structured"),
    "reach": _rx(r"bereik|\breach"),
    "reach_count": _rx(r"total|totaal|uniek|unique|\ball\b|\balle\b"),
    "reach_unknown": _rx(r"unknown|onbekend|niet bekend|nog niet bekend|new to services|not known"),
    "target": _rx(r"doelgroep|target"),
    "population": _rx(r"inwoner|population|bevolking|residents|\bpop\b"),
    "name": _rx(r"naam|\bname\b|\bnames\b|_name\b|\bnaam\b|benaming|omschrijving"),
    "region": _rx(r"regio|region|provincie|province|landsdeel|\bggd\b|veiligheidsregio|arbeidsmarkt"),
    "size": _rx(r"grootte|\bsize\b|klasse|\bclass\b|stedelijkheid|urbani[sz]|omvang ?klasse"),
    "referred": _rx(r"verwez|verwijz|\brefer|\breferral|aanmeld|\bsent\b|verstuurd|\bsignaal"),
    "first_contact": _rx(r"contact|eerste|\bfirst\b|\bstart|intake|opgepakt|response date"),
    "completed": _rx(r"completed|afgerond|voltooid|geslaagd|tot stand|success|gelukt|\bbereikt|\bmade\b"),
    "warm_handover": _rx(r"\bwarm|handover|hand-over|overdracht"),
    "destination": _rx(
        r"\bto\b|\bnaar\b|destination|bestemming|ontvang|receiv|doorverwezen naar|verwezen naar"
    ),
    "consent": _rx(r"consent|toestemming|akkoord|informed|instemming"),
    "theme": _rx(r"thema|theme|topic|onderwerp|\bprobleem|\bproblem"),
}
#: Value labels (or values) of a side: informal is tried first ("informeel" holds "formeel").
INFORMAL = _rx(
    r"informe|informal|vrijwillig|volunteer|sleutelperso|key ?person|zelforgani|self.?organi"
    r"|grassroots|community.?based|migrantenorg|burgerinitiatief|civil society"
)
FORMAL = _rx(
    r"\bformee?l|\bformal|professional|professioneel|beroepskracht|hulpverlen|\binstelling|institution"
    r"|\bstatutory|\bpaid staff"
)
#: The "yes" value of a yes/no variable.
YES = _rx(r"^(ja|yes|y|j|true|waar|wel|1|1\.0)$")


# -- what was read -------------------------------------------------------------------------
def _memo(method: Callable) -> Callable:
    """Keep a Table's answer per column (and arguments): the rules ask the same questions often."""
    import functools

    @functools.wraps(method)
    def wrapper(self: Table, *args: Any, **kwargs: Any) -> Any:
        key = (method.__name__, *args, *sorted(kwargs.items()))
        if key not in self._cache:
            self._cache[key] = method(self, *args, **kwargs)
        return self._cache[key]

    return wrapper


@dataclass
class Table:
    """One data file that was read, under its dataset name, with the helpers the rules use.

    Answers about a column (its values, whether it is a date, a number, open text ...) are
    computed once: the data are read, never changed.
    """

    name: str
    path: Path
    dataset: Dataset
    _cache: dict[tuple, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        return self.dataset.frame

    @property
    def codebook(self):
        return self.dataset.codebook

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def is_qda(self) -> bool:
        """A REFI-QDA project or a codings table: coded passages with a ``code`` column."""
        cols = set(self.columns)
        return "code" in cols and ("case" in cols or "document" in cols or "codings" in self.dataset.tables)

    def var(self, column: str) -> Variable:
        from analysis.codebook import Variable

        return self.codebook.get(column) or Variable(column)

    def words(self, column: str) -> str:
        """Name and label lower-cased, with ``_ . - / ( )`` and camelCase turned into spaces."""
        var = self.var(column)
        name = re.sub(r"([a-z])([A-Z])", r"\1 \2", column)
        text = f"{name} {var.label or ''}".lower()
        return re.sub(r"[_\-.\[\]()/:;,]+", " ", text)

    def matches(self, column: str, *patterns: str) -> bool:
        return all(PATTERNS[p].search(self.words(column)) for p in patterns)

    @_memo
    def values(self, column: str) -> pd.Series:
        """The valid values as stored (codes where the variable has value labels), no missing."""
        frame = self.frame[column]
        present = frame.notna()
        source = self.dataset.code_column(column) if self.dataset.has_codes(column) else frame
        return source[present]

    @_memo
    def value_counts(self, column: str) -> pd.Series:
        """How often each valid value occurs (codes where labelled)."""
        return self.values(column).value_counts(sort=False)

    def normed(self, column: str) -> list[str]:
        """The distinct valid values of :meth:`value_counts`, normalised for comparison."""
        key = ("normed", column)
        if key not in self._cache:
            self._cache[key] = [_norm(v) for v in self.value_counts(column).index]
        return self._cache[key]

    @_memo
    def distinct(self, column: str, limit: int = 50) -> list[Any]:
        """The distinct valid values (at most ``limit`` + 1, so callers can tell "many")."""
        out = []
        for v in self.values(column).drop_duplicates():
            out.append(_scalar(v))
            if len(out) > limit:
                break
        return out

    @_memo
    def labelled(self, column: str) -> dict[Any, str]:
        """The value labels of valid codes."""
        return dict(self.var(column).valid_labels)

    @_memo
    def is_date(self, column: str) -> bool:
        import pandas as pd

        s = self.frame[column]
        if pd.api.types.is_datetime64_any_dtype(s):
            return s.notna().any()
        head = s.dropna().head(100)
        return len(head) > 0 and all(
            hasattr(v, "year") and hasattr(v, "month") and not isinstance(v, str) for v in head
        )

    @_memo
    def numbers(self, column: str) -> pd.Series | None:
        """The valid values as numbers, or ``None`` when they are not all numbers."""
        import pandas as pd

        if self.is_date(column):
            return None
        s = self.frame[column]
        if isinstance(s.dtype, pd.CategoricalDtype) and not self.labelled(column):
            s = s.astype(object)
        if isinstance(s.dtype, pd.CategoricalDtype):
            return None  # a labelled category, not a number
        s = s.dropna()
        if s.empty:
            return None
        n = pd.to_numeric(s.astype(object), errors="coerce")
        return None if n.isna().any() else n.astype(float)

    def is_count(self, column: str) -> bool:
        n = self.numbers(column)
        return n is not None and bool(((n >= 0) & (n % 1 == 0)).all())

    @_memo
    def is_unique_key(self, column: str) -> bool:
        s = self.frame[column]
        return self.rows > 0 and not s.isna().any() and not s.astype(str).duplicated().any()

    @_memo
    def gm_share(self, column: str) -> float:
        """The share of the non-missing values that look like a CBS municipality code."""
        s = self.frame[column].dropna()
        if s.empty:
            return 0.0
        text = s.astype(str).str.strip()
        return float(text.str.match(GM_CODE).mean())

    @_memo
    def answered(self, column: str) -> float:
        """The share of rows with a valid (non-missing) value."""
        return float(self.frame[column].notna().mean()) if self.rows else 0.0

    @_memo
    def is_private(self, column: str) -> bool:
        """Personal data or open text: never a role, a grouping or a quasi-identifier.

        The codebook's ``pii`` flag, or text that reads as open answers: unlabelled strings of
        which most answers are distinct and several words long.
        """
        if self.var(column).pii:
            return True
        if self.labelled(column) or self.numbers(column) is not None or self.is_date(column):
            return False
        values = self.frame[column].dropna().astype(str).str.strip()
        values = values[values != ""]
        if len(values) < 3:
            return False
        distinct = values.nunique() / len(values)
        words = values.str.split().str.len().median()
        return distinct > 0.5 and (words >= 3 or values.str.len().median() >= 25)

    @_memo
    def is_category(self, column: str, most: int = 30, least: int = 2) -> bool:
        """A closed set of ``least`` to ``most`` values (labelled codes, or distinct values).

        Open text is never a category, however few its answers.
        """
        if self.is_date(column) or self.is_private(column):
            return False
        if self.labelled(column):
            return least <= len(self.labelled(column)) <= most
        n = len(self.distinct(column, most))
        return least <= n <= most and n < max(3, self.rows)

    def is_grouping(self, column: str) -> bool:
        """A category answered by most respondents: what a role that groups them may bind."""
        return self.is_category(column) and self.answered(column) >= MOST

    def n_labelled(self) -> int:
        """Variables with a label of their own or value labels: how well the file describes itself."""
        return sum(1 for v in self.codebook if (v.label and v.label != v.name) or v.valid_labels)


def _scalar(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _norm(value: Any) -> str:
    value = _scalar(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().casefold()


def _snake(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if text and text[0].isdigit():
        text = "d_" + text
    return text
