"""``bruggen init``: describe a folder of data files as a study, with a proposed analysis plan.

:func:`init_study` reads every data file in a folder (``FOLDER/data/raw`` when it exists,
else ``FOLDER`` and its subfolders) with :func:`analysis.ingest.read`, and writes

- ``study.yml``: a dataset per file, the disclosure defaults, and a *proposed* analysis plan
  (``plan:`` and ``analyses:``, see :mod:`analysis.plan`);
- ``codebooks/<dataset>.yml``: each file's codebook, as the file describes itself;
- ``expectations/<dataset>.json``: the validation suites generated from those codebooks.

The plan is a set of guesses from names, labels and values (:func:`propose`): nothing in it
is taken for granted. Every proposed binding stands on its own line with a comment
``# REVIEW: guessed from <reason>``, and every part of the plan it could not find is left out
with a comment ``# NOT FOUND: ...`` saying what is missing. The rules are generic: they look for
what a study of formal-informal collaboration holds, in Dutch and English names and labels.

============================  ===============================================================
part / role                   recognised by
============================  ===============================================================
survey                        the dataset (not a REFI-QDA project, municipality frame or log)
                              with the most labelled variables, then the most rows
survey.id                     a unique, complete column named like an identifier
survey.side                   a variable with two values labelled formal/informal
                              (formeel/informeel, professional/vrijwilliger, sleutelpersoon)
survey.municipality           values that look like CBS municipality codes (GM + 4 digits)
survey.respondent_type        a category labelled like "type respondent" or "role"
survey.collaboration_form     a category labelled like "samenwerkingsvorm" / "form of
                              collaboration" with a value labelled structureel/structural
survey.scales                 items sharing a name prefix (``vertrouwen_1`` ...) and value labels
survey.reach                  counts labelled "bereik"/"reach" and "doelgroep"/"target"
municipalities                a dataset whose municipality codes are unique and that has a
                              name column; region, size, population by name or label
referrals                     a dataset with two date columns and a column whose values are
                              survey identifiers (the sender)
interviews                    a REFI-QDA project (or codings table): its ``case`` column and
                              the side from its case attributes
============================  ===============================================================

Analyses (:data:`analysis.plan.ANALYSES`) are proposed only where the parts they need are bound.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from analysis.errors import BruggenError, StudyConfigError
from analysis.plan import ROLES

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Variable
    from analysis.ingest import Dataset

#: Folders that are never searched for data: Bruggen's own output and tool folders.
SKIP_DIRS = frozenset(
    {"codebooks", "expectations", "reports", "processed", "notebooks", "node_modules", "__pycache__", "venv"}
)
#: A text file with this kind of name is a list of names and places to pseudonymise, not data.
NAMES_FILE = re.compile(r"^(namen|names?|naam|pseudonym\w*)[ _-]?(lijst|list)?$|namenlijst|names?[ _-]?list")

#: A role that groups respondents binds only a variable answered by at least this share of rows.
MOST = 0.5

#: Disclosure-control defaults, as in the example study.
DISCLOSURE = {"min_count": 10, "min_denominator": 20, "round_to": None, "k": 5}


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


def _side_values(table: Table, column: str) -> tuple[Any, Any, str] | None:
    """(formal, informal, reason) when the column holds exactly a formal and an informal value."""
    labels = table.labelled(column)
    if labels:
        if len(labels) != 2:
            return None
        pairs = list(labels.items())
        observed = {_norm(v) for v in table.distinct(column, 5)}
        if not observed <= {_norm(code) for code, _ in pairs}:
            return None
        source = f"value labels {_show_labels(labels)}"
    else:
        if table.var(column).type not in ("string",) and table.numbers(column) is not None:
            return None
        values = table.distinct(column, 3)
        if len(values) != 2:
            return None
        pairs = [(v, str(v)) for v in values]
        source = f"values {values[0]!r} and {values[1]!r}"
    formal = [code for code, label in pairs if FORMAL.search(label) and not INFORMAL.search(label)]
    informal = [code for code, label in pairs if INFORMAL.search(label)]
    if len(formal) == 1 and len(informal) == 1 and formal[0] != informal[0]:
        return formal[0], informal[0], source
    return None


def _find_side(table: Table, exclude: Iterable[str] = ()) -> Guess | None:
    hits = []
    for c in table.columns:
        if c in exclude or table.is_private(c) or table.answered(c) < MOST:
            continue
        found = _side_values(table, c)
        if found:
            hits.append((c, found))
    if not hits:
        return None
    hits.sort(key=lambda h: not table.matches(h[0], "side"))
    column, (formal, informal, source) = hits[0]
    reason = f"{column}: {source}"
    if len(hits) > 1:
        reason += f" (also possible: {', '.join(h[0] for h in hits[1:4])})"
    return Guess("side", {"variable": column, "formal": formal, "informal": informal}, reason)


def _gm_columns(table: Table) -> list[str]:
    return [c for c in table.columns if table.gm_share(c) >= 0.9]


def _name_column(table: Table, code: str) -> str | None:
    def texty(c: str) -> bool:
        if c == code or table.numbers(c) is not None or table.is_date(c):
            return False
        return table.gm_share(c) < 0.5

    found = _first(table, table.columns, lambda c: texty(c) and table.matches(c, "name"))
    if found:
        return found
    return _first(table, table.columns, lambda c: texty(c) and table.is_unique_key(c))


def _key_columns(table: Table) -> list[str]:
    """Columns that identify each row (unique, complete), not numbers with decimals nor dates."""
    out = []
    for c in table.columns:
        if table.is_date(c) or not table.is_unique_key(c):
            continue
        n = table.numbers(c)
        if n is not None and not bool((n % 1 == 0).all()):
            continue
        out.append(c)
    return out


def _share_in(table: Table, column: str, keys: set[str]) -> float:
    """The share of the column's valid values that are among ``keys`` (counted on distinct values)."""
    counts = table.value_counts(column)
    if counts.empty or not keys:
        return 0.0
    hit = [k in keys for k in table.normed(column)]
    return float(counts[hit].sum() / counts.sum())


def _row_numbers(keys: set[str]) -> bool:
    """Keys that are the numbers 1..n (or 0..n-1): row numbers, which any small count falls among."""
    try:
        numbers = sorted(int(k) for k in keys)
    except ValueError:
        return False
    return bool(numbers) and numbers[0] in (0, 1) and numbers[-1] - numbers[0] == len(numbers) - 1


def _ref_column(table: Table, keys: set[str], exclude: Iterable[str] = ()) -> tuple[str, float] | None:
    """The column whose values are (mostly) among ``keys``, with that share."""
    best = None
    if not keys or _row_numbers(keys):
        return None  # row numbers 1..n: any small number falls among them, so they identify nothing
    for c in table.columns:
        if c in exclude or table.is_date(c):
            continue
        counts = table.value_counts(c)
        if counts.sum() < max(2, table.rows / 2) or len(counts) < 2:
            continue  # a mostly empty or constant column refers to nothing
        share = _share_in(table, c, keys)
        if share >= 0.8 and (best is None or share > best[1]):
            best = (c, share)
    return best


def propose(tables: list[Table], names_file: str | None = None) -> Proposal:
    """Guess the analysis plan of a study from its tables (see the module docstring).

    ``names_file`` is the study's list of names and places (relative to the study folder),
    when the folder has one: quotes are proposed only with it.
    """
    p = Proposal()
    if names_file:
        p.names_file = Guess(
            "names_file", names_file, f"{Path(names_file).name} is named like a list of names"
        )
    qda = [t for t in tables if t.is_qda]
    plain = [t for t in tables if not t.is_qda]

    # municipality frames: a unique GM-code column and a name column
    frames: list[tuple[Table, str, str]] = []
    for t in plain:
        for code in _gm_columns(t):
            if t.is_unique_key(code):
                name = _name_column(t, code)
                if name:
                    frames.append((t, code, name))
                    break

    # the survey: most labelled variables, then most rows; a log that refers to another
    # dataset's key and has two dates comes last
    keys = {t.name: {c: set(t.normed(c)) for c in _key_columns(t)} for t in plain}

    def log_like(t: Table) -> bool:
        if sum(t.is_date(c) for c in t.columns) < 2:
            return False
        others = [k for name, cols in keys.items() if name != t.name for k in cols.values()]
        return any(_ref_column(t, k) for k in others)

    frame_names = {f[0].name for f in frames}
    candidates = [t for t in plain if t.name not in frame_names] or plain
    survey = None
    if candidates:
        survey = max(candidates, key=lambda t: (not log_like(t), t.n_labelled(), t.rows))
        why = f"{survey.rows} rows, {survey.n_labelled()} labelled variables"
        if len(candidates) > 1:
            why += "; the most of the study's tables"
        p.add("survey", "dataset", survey.name, why)
        _propose_survey(p, survey)
    else:
        p.lack("survey", "no survey: no dataset besides the interviews and the municipality frame")

    _propose_frame(p, frames, survey)
    others = [t for t in plain if survey is None or t.name != survey.name]
    others = [t for t in others if t.name not in frame_names]
    _propose_referrals(p, others, survey)
    _propose_interviews(p, qda, survey)
    by_name = {t.name: t for t in tables}
    _propose_analyses(p, {part: by_name[p.bound(part)] for part in p.parts if p.bound(part) in by_name})
    return p


def _propose_survey(p: Proposal, t: Table) -> None:
    taken: set[str] = set()

    def bind(role: str, value: Any, reason: str) -> None:
        p.add("survey", role, value, reason)
        taken.add(value["variable"] if isinstance(value, dict) else value)

    # id
    ids = [c for c in _key_columns(t) if t.matches(c, "id") or t.matches(c, "respondent")]
    ids.sort(key=lambda c: (not t.matches(c, "respondent"), not t.matches(c, "id"), t.columns.index(c)))
    if ids:
        bind(
            "id", ids[0], f"{ids[0]} is unique and complete in {t.rows} rows and is named like an identifier"
        )
    else:
        p.lack("survey", "id: no unique, complete column named like a respondent identifier")

    if "consent" in ROLES["survey"]:  # a role of newer plans
        consent = _first(t, t.columns, lambda c: c not in taken and t.matches(c, "consent"))
        yes = _yes_value(t, consent) if consent else None
        if consent and yes is not None:
            bind("consent", {"variable": consent, "yes": yes}, f"{consent} is yes/no, named like consent")
        else:
            p.lack("survey", "consent: no yes/no variable named like consent (toestemming)")

    side = _find_side(t)
    if side:
        bind("side", side.value, side.reason)
    else:
        p.lack(
            "survey",
            "side: no variable with two values labelled formal and informal "
            "(add side: {variable: ..., formal: <code>, informal: <code>})",
        )

    rtype = _first(
        t,
        t.columns,
        lambda c: c not in taken and t.matches(c, "respondent_type") and t.is_grouping(c),
        prefer=lambda c: bool(t.labelled(c)),
    )
    if rtype:
        labels = t.labelled(rtype)
        shown = f"; values {_show_labels(labels, 3)}" if labels else ""
        bind("respondent_type", rtype, f"{rtype} is labelled {t.var(rtype).label or rtype!r}{shown}")
    else:
        p.lack("survey", "respondent_type: no category named or labelled like a type of respondent or role")

    gm = [c for c in _gm_columns(t) if c not in taken and t.answered(c) >= MOST]
    if gm:
        bind("municipality", gm[0], f"the values of {gm[0]} look like CBS municipality codes (GM + 4 digits)")
    else:
        p.lack("survey", "municipality: no column with CBS municipality codes (GM0363)")

    form = _find_collaboration_form(t, taken)
    if form:
        bind("collaboration_form", form.value, form.reason)
    else:
        p.lack(
            "survey",
            "collaboration_form: no category labelled like a form of collaboration with a value "
            "structureel/structural",
        )

    scales = _find_scales(t, taken)
    for name, items, reason in scales:
        spec: dict[str, Any] = {"items": items}
        reversed_ = _reversed_items(t, items)
        if reversed_:
            spec["reversed"] = reversed_
            reason += f"; {', '.join(reversed_)} run against the others (reverse-keyed)"
        label = _scale_label(t, items)
        if label:
            spec["label"] = label
        p.add("survey", f"scales.{name}", spec, reason)
        taken.update(items)
    if not scales:
        p.lack(
            "survey",
            f"scales: no battery of {BATTERY_ITEMS} or more neighbouring items sharing one ordered answer "
            f"scale of {LIKERT_POINTS} or more points",
        )

    form = p.column("survey", "collaboration_form")
    indicators = _find_indicators(t, taken, form) if form else []
    if indicators:
        p.add(
            "survey",
            "indicators",
            [c for c, _ in indicators],
            "ordered answers that start at none/never and rise with the collaboration form "
            + ", ".join(f"{c} (rho {r:.2f})" for c, r in indicators[:4])
            + (", ..." if len(indicators) > 4 else ""),
        )
        taken.update(c for c, _ in indicators)

    counts = [c for c in t.columns if c not in taken and t.is_count(c) and not t.labelled(c)]
    reach = [c for c in counts if t.matches(c, "reach")]
    unknown = [c for c in reach if t.matches(c, "reach_unknown")]
    total = [c for c in reach if c not in unknown]
    total.sort(key=lambda c: not t.matches(c, "reach_count"))
    target = [c for c in counts if t.matches(c, "target") and c not in reach]
    if total:
        p.add(
            "survey",
            "reach.count",
            total[0],
            f"{total[0]} is a count labelled {t.var(total[0]).label or total[0]!r}",
        )
    if target:
        p.add(
            "survey",
            "reach.population",
            target[0],
            f"{target[0]} is a count labelled {t.var(target[0]).label or target[0]!r}",
        )
    if unknown:
        p.add(
            "survey",
            "reach.unknown",
            unknown[0],
            f"{unknown[0]} is a reach count labelled {t.var(unknown[0]).label or unknown[0]!r}",
        )
    funnel = _find_funnel(t, [c for c in counts if c not in taken and c not in reach and c not in target])
    for role, column in funnel.items():
        p.add(
            "survey",
            f"funnel.{role}",
            column,
            f"{column} is a count labelled {t.var(column).label or column!r}",
        )
    if not total:
        p.lack("survey", "reach.count: no count named or labelled 'bereik'/'reach'")
    if not target:
        p.lack("survey", "reach.population: no count named or labelled 'doelgroep'/'target'")


def _find_collaboration_form(t: Table, taken: set[str]) -> Guess | None:
    for c in t.columns:
        if c in taken or not t.matches(c, "collaboration", "form") or not t.is_grouping(c):
            continue
        labels = t.labelled(c) or {v: str(v) for v in t.distinct(c, 30)}
        structural = [code for code, label in labels.items() if PATTERNS["structural"].search(str(label))]
        if len(structural) == 1:
            label = labels[structural[0]]
            return Guess(
                "collaboration_form",
                {"variable": c, "structural": structural[0]},
                f"{c} is labelled {t.var(c).label or c!r} and has the category {structural[0]} = {label}",
            )
    return None


#: A scale item's name: a prefix and a number (vertrouwen_1, item1, Q3_1) or a letter (q1a, item_b).
_ITEM = re.compile(r"^(.+?)(?:[_.#](\d+|[a-z])|(?<=[A-Za-z])(\d+)|(?<=\d)([a-z]))$")
#: The words of an ordered answer scale (agreement, frequency, satisfaction, importance, quality).
ANSWER_SCALE = _rx(
    r"eens|agree|nooit|never|altijd|always|soms|sometimes|vaak|often|tevreden|satisf|belangrijk|important"
    r"|goed|good|slecht|poor|bad|helemaal|completely|strongly|zeer|very|neutra|mee eens|niet|not at all"
    r"|weinig|veel|little|much|likely|waarschijnlijk|excellent|uitstekend|matig|fair"
)
#: Fewest valid points of a Likert item; fewest items of a battery.
LIKERT_POINTS, BATTERY_ITEMS = 4, 3


def _likert_labels(t: Table, column: str) -> tuple | None:
    """The ordered answer scale of a Likert item (``((code, label), ...)``), or ``None``.

    At least :data:`LIKERT_POINTS` valid labelled codes that are consecutive whole numbers, with
    an ordinal measure or the words of an answer scale on its labels. A dichotomy (a multiple-
    response set's 0/1) and a nominal list of options are not Likert items.
    """
    if t.is_private(column):
        return None
    labels = t.labelled(column)
    if len(labels) < LIKERT_POINTS:
        return None
    try:
        codes = sorted(float(k) for k in labels)
    except (TypeError, ValueError):
        return None
    if any(not c.is_integer() for c in codes) or codes[-1] - codes[0] != len(codes) - 1:
        return None
    worded = sum(bool(ANSWER_SCALE.search(str(v))) for v in labels.values()) >= 2
    if t.var(column).measure != "ordinal" and not worded:
        return None
    return tuple(sorted((float(k), str(v).strip().casefold()) for k, v in labels.items()))


def _find_scales(t: Table, taken: set[str]) -> list[tuple[str, list[str], str]]:
    """Likert batteries: items that share one ordered answer scale (see :func:`_likert_labels`).

    Items with the same answer scale are split by their name's prefix (``vertrouwen_1`` ...,
    ``Q5_1`` ...) and into runs of neighbouring columns; a battery has at least
    :data:`BATTERY_ITEMS` items answered by most respondents. Members of a multiple-response set
    never are items.
    """
    in_sets = {v for spec in t.codebook.mr_sets.values() for v in spec.get("variables", ())}
    position = {c: i for i, c in enumerate(t.columns)}
    groups: dict[tuple, list[str]] = {}
    for c in t.columns:
        if c in taken or c in in_sets or t.answered(c) < MOST:
            continue
        labels = _likert_labels(t, c)
        if labels is None:
            continue
        m = _ITEM.match(c)
        groups.setdefault((m.group(1) if m else "", labels), []).append(c)
    out: list[tuple[str, list[str], str]] = []
    used: set[str] = set()
    for (prefix, labels), items in groups.items():
        runs: list[list[str]] = []
        for c in items:  # neighbouring columns (other columns between them split the run)
            if runs and position[c] - position[runs[-1][-1]] == 1:
                runs[-1].append(c)
            else:
                runs.append([c])
        for run in runs:
            if len(run) < BATTERY_ITEMS:
                continue
            base = _snake(prefix) if len(_snake(prefix)) > 2 else f"battery_{_snake(run[0])}"
            name = base
            n = 2
            while name in used:
                name, n = f"{base}_{n}", n + 1
            used.add(name)
            shown = _show_labels({_scalar(k): v for k, v in labels}, 2)
            out.append(
                (
                    name,
                    run,
                    f"{len(run)} neighbouring items share the ordered answer scale {shown} ({len(labels)} points)",
                )
            )
    return out


def _reversed_items(t: Table, items: list[str]) -> list[str]:
    """Items that correlate negatively with the sum of the battery's other items: reverse-keyed.

    Answers are the stored codes, missing codes left out; at most half the items can be
    reversed (otherwise the battery's direction itself is the question).
    """
    import pandas as pd

    codes = pd.DataFrame(
        {
            c: pd.to_numeric(
                t.dataset.code_column(c) if t.dataset.has_codes(c) else t.frame[c], errors="coerce"
            )
            for c in items
        }
    )
    codes = codes.where(t.frame[items].notna().to_numpy())
    out = []
    for c in items:
        rest = codes.drop(columns=c).mean(axis=1)
        both = pd.DataFrame({"x": codes[c], "rest": rest}).dropna()
        if len(both) >= 10 and both["x"].nunique() > 1 and float(both["x"].corr(both["rest"])) < 0:
            out.append(c)
    return out if len(out) <= len(items) / 2 else []


def _scale_label(t: Table, items: list[str]) -> str | None:
    """What the items' labels have in common (a matrix question's text), when it says something."""
    labels = [t.var(c).label or "" for c in items]
    if not all(labels):
        return None
    common = labels[0]
    for label in labels[1:]:
        while common and not label.startswith(common):
            common = common[:-1]
    common = common.rstrip(" -:–—_.([")
    return common if len(common.split()) >= 2 else None


#: The lowest answer of an indicator of structure: nothing arranged.
NONE_ANSWER = _rx(r"^(geen|nooit|nee|no|none|never|niet|geen samenwerking|no collaboration)\b")
#: Indicators rise with the collaboration form: at least this rank correlation.
INDICATOR_RHO = 0.2


def _find_indicators(t: Table, taken: set[str], form: str) -> list[tuple[str, float]]:
    """Behavioural indicators of structure: what partners actually arrange.

    Labelled variables answered by most respondents whose lowest code (0) means nothing
    arranged ("geen", "nooit", "nee") and whose answers rise with the researchers'
    collaboration form (Spearman's rho at least :data:`INDICATOR_RHO`). Members of a
    multiple-response set (items sharing a prefix, one 0/1 each) are left out.
    """
    import pandas as pd

    in_sets = {v for spec in t.codebook.mr_sets.values() for v in spec.get("variables", ())}
    prefixes: dict[str, int] = {}
    for c in t.columns:
        m = _ITEM.match(c)
        if m and len(t.labelled(c)) == 2:
            prefixes[m.group(1)] = prefixes.get(m.group(1), 0) + 1
    form_codes = pd.to_numeric(
        t.dataset.code_column(form) if t.dataset.has_codes(form) else t.frame[form], errors="coerce"
    )
    out = []
    for c in t.columns:
        if c in taken or c == form or c in in_sets or t.answered(c) < MOST:
            continue
        m = _ITEM.match(c)
        if m and prefixes.get(m.group(1), 0) >= 3:
            continue  # one of a set of dichotomies (x_1 .. x_5)
        labels = t.labelled(c)
        if len(labels) < 2:
            continue
        try:
            low = min(labels, key=float)
        except (TypeError, ValueError):
            continue
        if float(low) != 0 or not NONE_ANSWER.search(str(labels[low]).strip()):
            continue
        codes = pd.to_numeric(
            t.dataset.code_column(c) if t.dataset.has_codes(c) else t.frame[c], errors="coerce"
        )
        both = pd.DataFrame({"x": codes, "y": form_codes}).dropna()
        if len(both) < 10 or both["x"].nunique() < 2:
            continue
        rho = float(both["x"].rank().corr(both["y"].rank()))
        if rho >= INDICATOR_RHO:
            out.append((c, rho))
    return out


#: The steps of the reach funnel after the referral, by their labels.
FUNNEL = {
    "referred": _rx(r"^(verwijzingen|referrals)\b|verwijzingen in de|referrals (made|in the)|\bdoorverwez"),
    "first_contact": _rx(r"eerste contact|first contact|contact .*tot stand|contact (was )?made"),
    "help_started": _rx(r"hulp .*(gestart|begonnen)|help (started|began)|support started"),
    "feedback": _rx(r"terugkoppeling|feedback"),
}


def _find_funnel(t: Table, counts: list[str]) -> dict[str, str]:
    """The reach funnel's counts (referred, first contact, help started, feedback) by their labels.

    Bound only when the referrals themselves are found: the other steps count among them.
    """
    out: dict[str, str] = {}
    for role, pattern in FUNNEL.items():
        for c in counts:
            if c in out.values() or t.answered(c) < MOST:
                continue
            label = t.var(c).label or ""
            if role == "referred" and any(FUNNEL[o].search(label) for o in FUNNEL if o != "referred"):
                continue
            if pattern.search(label) and (role == "referred" or PATTERNS["referred"].search(t.words(c))):
                out[role] = c
                break
    return out if "referred" in out else {}


def _propose_frame(p: Proposal, frames: list[tuple[Table, str, str]], survey: Table | None) -> None:
    if not frames:
        p.lack(
            "municipalities",
            "no municipality frame: no dataset with one row per municipality code (GM + 4 digits) "
            "and a name column",
        )
        return
    survey_codes: set[str] = set()
    gm = p.column("survey", "municipality")
    if survey is not None and gm:
        survey_codes = set(survey.normed(gm))

    def coverage(f: tuple[Table, str, str]) -> float:
        t, code, _ = f
        if not survey_codes:
            return 0.0
        return len(survey_codes & set(t.normed(code))) / len(survey_codes)

    t, code, name = max(frames, key=lambda f: (coverage(f), f[0].rows))
    why = f"{t.rows} rows, one per municipality code in {code}"
    if survey_codes:
        share = coverage((t, code, name))
        why += f"; holds {share:.0%} of the survey's municipalities"
        if share < 1:
            why += " (every municipality of the survey must be in the frame)"
    p.add("municipalities", "dataset", t.name, why)
    p.add("municipalities", "code", code, f"{code} holds unique CBS municipality codes (GM + 4 digits)")
    p.add("municipalities", "name", name, f"{name} is named or labelled like a name")
    taken = {code, name}
    for role in ("region", "size"):  # one region is a category too: a study in one region
        found = _first(
            t,
            t.columns,
            lambda c, role=role: c not in taken and t.matches(c, role) and t.is_category(c, least=1),
        )
        if found:
            taken.add(found)
            p.add("municipalities", role, found, f"{found} is a category named or labelled like {role}")
        else:
            p.lack("municipalities", f"{role}: no category named or labelled like a {role}")
    counts = [c for c in t.columns if c not in taken and t.is_count(c)]
    target = [c for c in counts if t.matches(c, "target")]
    population = [c for c in counts if t.matches(c, "population") and c not in target]
    if population:
        p.add(
            "municipalities",
            "population",
            population[0],
            f"{population[0]} is a count named like inhabitants/population",
        )
    if target:
        p.add(
            "municipalities",
            "target_population",
            target[0],
            f"{target[0]} is a count named like a target group",
        )


def _yes_value(t: Table, column: str) -> Any | None:
    labels = t.labelled(column)
    values = labels or {v: str(v) for v in t.distinct(column, 3)}
    if len(values) > 2:
        return None
    yes = [code for code, label in values.items() if YES.match(str(label).strip())]
    return yes[0] if len(yes) == 1 else None


def _propose_referrals(p: Proposal, tables: list[Table], survey: Table | None) -> None:
    sid = p.column("survey", "id")
    if survey is None or not sid:
        p.lack(
            "referrals",
            "no referral log: it is recognised by a column of survey identifiers, and the survey has none",
        )
        return
    ids = set(survey.normed(sid))
    found = []
    for t in tables:
        dates = [c for c in t.columns if t.is_date(c)]
        if len(dates) < 2:
            continue
        ref = _ref_column(t, ids, exclude=dates)
        if ref:
            found.append((t, dates, ref))
    if not found:
        p.lack(
            "referrals",
            f"no referral log: no dataset with two date columns and a column of survey identifiers ({sid})",
        )
        return
    t, dates, (sender, share) = max(found, key=lambda f: (f[2][1], f[0].rows))
    p.add(
        "referrals",
        "dataset",
        t.name,
        f"two date columns ({', '.join(dates[:3])}) and survey identifiers in {sender}",
    )
    taken = {sender, *dates}
    key = [c for c in _key_columns(t) if c not in taken and t.matches(c, "id")]
    if key:
        taken.add(key[0])
        p.add("referrals", "id", key[0], f"{key[0]} is unique and complete and named like an identifier")
    p.add(
        "referrals", "sender", sender, f"{share:.0%} of the values of {sender} are survey identifiers ({sid})"
    )
    gm = [c for c in _gm_columns(t) if c not in taken]
    if gm:
        taken.add(gm[0])
        p.add("referrals", "municipality", gm[0], f"the values of {gm[0]} look like CBS municipality codes")
    referred = _first(t, dates, lambda c: t.matches(c, "referred") and not t.matches(c, "first_contact"))
    first = _first(t, dates, lambda c: c != referred and t.matches(c, "first_contact"))
    if referred and first:
        p.add("referrals", "referred", referred, f"{referred} is a date named like the referral")
        p.add("referrals", "first_contact", first, f"{first} is a date named like the first contact")
    else:
        a, b = sorted(dates[:2], key=lambda c: t.frame[c].dropna().min())
        p.add("referrals", "referred", a, f"{a} is the earlier of the two dates")
        p.add("referrals", "first_contact", b, f"{b} is the later of the two dates")
    p.lack(
        "referrals",
        "observation_end: the last day the log covers (a date); without it, referrals without a "
        "contact are censored at the latest date in the log",
    )
    for role in ("completed", "warm_handover"):
        column = _first(t, t.columns, lambda c, role=role: c not in taken and t.matches(c, role))
        yes = _yes_value(t, column) if column else None
        if column and yes is not None:
            taken.add(column)
            p.add(
                "referrals", role, {"variable": column, "yes": yes}, f"{column} is yes/no, named like {role}"
            )
        else:
            p.lack("referrals", f"{role}: no yes/no column named like {role.replace('_', ' ')}")
    survey_form = p.column("survey", "collaboration_form")
    for role, pattern in (
        ("destination", "destination"),
        ("theme", "theme"),
        ("collaboration_form", "collaboration"),
    ):
        column = _first(
            t,
            t.columns,
            lambda c, role=role, pattern=pattern: (
                c not in taken
                and (t.matches(c, pattern) if role != "collaboration_form" or c != survey_form else True)
                and (role == "collaboration_form" or c != survey_form)
                and t.is_grouping(c)
            ),
            prefer=lambda c: c == survey_form,
        )
        if not column:
            continue
        taken.add(column)
        value: Any = column
        if role == "collaboration_form":
            labels = t.labelled(column) or {v: str(v) for v in t.distinct(column, 30)}
            structural = [k for k, v in labels.items() if PATTERNS["structural"].search(str(v))]
            if len(structural) == 1:
                value = {"variable": column, "structural": structural[0]}
        p.add("referrals", role, value, f"{column} is a category named like {role.replace('_', ' ')}")


def _propose_interviews(p: Proposal, tables: list[Table], survey: Table | None) -> None:
    if not tables:
        p.lack("interviews", "no interviews: no REFI-QDA, QualCoder or Taguette project, or codings table")
        return
    t = max(tables, key=lambda t: (t.path.suffix.lower() in (".qdpx", ".qde", ".qda", ".sqlite3"), t.rows))
    p.add(
        "interviews", "dataset", t.name, f"a coded interview project ({t.path.name}, {t.rows} coded passages)"
    )
    if "case" in t.columns:
        p.add("interviews", "case", "case", "the project's cases")
    else:
        p.lack("interviews", "case: the project has no cases (the 'case' column is missing)")
    from analysis.ingest.qda import CODING_COLUMNS, TAIL_COLUMNS

    standard = {*CODING_COLUMNS, *TAIL_COLUMNS, "coding_guid"}
    attributes = [c for c in t.columns if c not in standard]
    taken: set[str] = set()
    sid = p.column("survey", "id")
    if survey is not None and sid:
        ref = _ref_column(t, set(survey.normed(sid)), exclude=standard)
        if ref:
            taken.add(ref[0])
            p.add(
                "interviews",
                "survey_id",
                ref[0],
                f"{ref[1]:.0%} of the values of {ref[0]} are survey identifiers",
            )
    side = _find_side(t, exclude=standard | taken)
    if side:
        taken.add(side.value["variable"])
        p.add("interviews", "side", side.value, f"case attribute {side.reason}")
    else:
        p.lack("interviews", "side: no case attribute with a formal and an informal value")
    rtype = p.column("survey", "respondent_type")
    column = _first(
        t,
        attributes,
        lambda c: c not in taken and (c == rtype or t.matches(c, "respondent_type")) and t.is_category(c),
    )
    if column:
        taken.add(column)
        p.add("interviews", "respondent_type", column, "a case attribute named like the respondent type")
    gm = [c for c in _gm_columns(t) if c not in taken and c in attributes]
    if gm:
        p.add("interviews", "municipality", gm[0], f"the values of {gm[0]} look like CBS municipality codes")
    coder = _check_coder(t)
    if coder:
        column, check, reason = coder
        p.add("interviews", "coder", {"variable": column, "check": check}, reason)
    meta = {"QUOTE", "CASEBOX", "IDENT"}
    counts = t.frame["code"].dropna().astype(str).value_counts()
    top = counts[~counts.index.isin(meta)].head(2)
    if len(top):
        p.add(
            "interviews",
            "quote_themes",
            list(top.index),
            "the codes with the most coded passages; quotes are drawn from passages coded with these",
        )


def _check_coder(t: Table) -> tuple[str, str, str] | None:
    """(column, check coder, reason) when one coder coded only documents another coder coded too.

    That coder is the check coder of intercoder agreement: the one with the fewest documents,
    all of them also coded by someone else.
    """
    if "coder" not in t.columns or "document" not in t.columns:
        return None
    docs = t.frame[["coder", "document"]].dropna().astype(str).drop_duplicates()
    per = docs.groupby("coder")["document"].apply(set)
    if len(per) < 2:
        return None
    for coder in per.sort_values(key=lambda s: s.map(len)).index:
        others = set().union(*(d for c, d in per.items() if c != coder))
        if per[coder] <= others and len(per[coder]) < len(others):
            return (
                "coder",
                coder,
                f"{coder} coded {len(per[coder])} documents, each also coded by another coder: the check coder",
            )
    return None


#: Referral themes that are early signals of a threat to self-determination.
SIGNALS = _rx(
    r"huwelijksdwang|achterlating|eer.?gerelateerd|gedwongen.?isolement|zelfbeschikking|forced.?marriage"
    r"|abandon|honou?r|forced.?isolation|self.?determination|vrouwelijke genitale|genital"
)


def _propose_analyses(p: Proposal, tables: dict[str, Table]) -> None:
    """Every analysis whose parts the proposal binds; per kind, what is missing when it is not.

    ``tables`` maps a part of the plan to its table. Options are given where the data decide
    them (the collaboration index's cut-offs, the early signals' themes, the check coder);
    defaults that name an unbound role are set to ``null``.
    """
    survey, referrals, interviews = (tables.get(k) for k in ("survey", "referrals", "interviews"))
    add = p.analyses.append

    def has(part: str, role: str | None = None) -> bool:
        return p.bound(part, role) is not None

    def lack(kind: str, what: str) -> None:
        p.lack("analyses", f"{kind}: {what}")

    side, rtype, form = (has("survey", r) for r in ("side", "respondent_type", "collaboration_form"))
    cluster = "municipality" if has("survey", "municipality") else None
    scales = [g.key.split(".", 1)[1] for g in p.parts.get("survey", []) if g.key.startswith("scales.")]
    if survey is not None:
        by = "side" if side else "respondent_type" if rtype else None
        spec: dict[str, Any] = {"kind": "response", "by": by}
        why = f"the survey binds {by}" if by else "the survey (no grouping bound: all respondents together)"
        if has("municipalities", "region") and has("survey", "municipality"):
            spec["rows"] = "region"
            why += " and the municipality frame a region"
        add(Guess("response", spec, why))
        if form:
            if side:
                add(
                    Guess(
                        "collaboration_form_by_side",
                        {"kind": "collaboration_form", "by": "side"},
                        "the survey binds collaboration_form and side",
                    )
                )
            if rtype:
                add(
                    Guess(
                        "collaboration_form",
                        {"kind": "collaboration_form", "by": "respondent_type"},
                        "the survey binds collaboration_form and respondent_type",
                    )
                )
            if not side and not rtype:
                lack("collaboration_form", "needs survey.side or survey.respondent_type to compare groups")
        else:
            lack("collaboration_form", "needs survey.collaboration_form")
        indicators = p.bound("survey", "indicators")
        if form and indicators and side:
            cutoffs = _propose_cutoffs(survey, indicators, p.column("survey", "collaboration_form"))
            spec = {"kind": "collaboration_index", "by": "side", "cutoffs": cutoffs}
            add(
                Guess(
                    "collaboration_index",
                    spec,
                    "the survey binds indicators and collaboration_form; the cut-offs agree best with it",
                )
            )
        else:
            lack("collaboration_index", "needs survey.indicators, survey.collaboration_form and survey.side")
        support = _find_support(survey, p)
        if support and form:
            add(
                Guess(
                    "support",
                    {
                        "kind": "support",
                        "variables": support,
                        "by": "collaboration_form",
                        "side": "side" if side else None,
                    },
                    f"{', '.join(support)} are named like payment, training or coaching",
                )
            )
        else:
            lack(
                "support",
                "needs survey.collaboration_form and labelled variables named like payment or training",
            )
        if scales:
            add(Guess("reliability", {"kind": "reliability"}, f"the survey binds {len(scales)} scale(s)"))
            if side:
                for name in scales:
                    add(
                        Guess(
                            f"perspectives_{name}",
                            {
                                "kind": "perspectives",
                                "scale": name,
                                "moderator": "collaboration_form" if form else None,
                                "cluster": cluster,
                            },
                            f"the scale {name} compared between the sides",
                        )
                    )
                    items = next(g.value["items"] for g in p.parts["survey"] if g.key == f"scales.{name}")
                    add(
                        Guess(
                            f"items_{name}",
                            {"kind": "likert_items", "items": items, "cluster": cluster, "summary": False},
                            f"the items of {name} compared between the sides",
                        )
                    )
            else:
                lack("perspectives", "needs survey.side (which value is formal, which informal)")
        else:
            lack("reliability", "needs survey.scales (a battery of Likert items)")
        if has("survey", "reach.count") and has("survey", "reach.population") and side:
            add(
                Guess(
                    "reach",
                    {"kind": "reach", "between": "collaboration_form" if form else None, "cluster": cluster},
                    "the survey binds the reach count, its population and side",
                )
            )
        else:
            lack("reach", "needs survey.reach.count, survey.reach.population and survey.side")
        if has("survey", "reach.count") and has("survey", "funnel.referred") and side:
            add(
                Guess(
                    "reach_funnel",
                    {"kind": "reach_funnel", "between": "collaboration_form" if form else None},
                    "the survey binds the reach count and the referrals' funnel",
                )
            )
        else:
            lack(
                "reach_funnel",
                "needs survey.reach.count, survey.funnel (referrals and their steps) and survey.side",
            )
    if referrals is not None:
        add(Guess("referral_flows", {"kind": "referral_flows"}, "the referral log"))
        if has("referrals", "completed") and has("referrals", "warm_handover"):
            add(
                Guess(
                    "completion",
                    {
                        "kind": "completion",
                        "cluster": "municipality" if has("referrals", "municipality") else None,
                    },
                    "the log binds completed and warm_handover",
                )
            )
        else:
            lack("completion", "needs referrals.completed and referrals.warm_handover (yes/no)")
        # the time to contact and the early signals compare the referrers' collaboration forms
        grouped = has("referrals", "collaboration_form")
        if grouped and has("referrals", "referred") and has("referrals", "first_contact"):
            add(
                Guess(
                    "time_to_contact",
                    {"kind": "time_to_contact"},
                    "the log binds the dates of the referral and the first contact, and the collaboration form",
                )
            )
        else:
            lack(
                "time_to_contact",
                "needs referrals.referred, referrals.first_contact and referrals.collaboration_form",
            )
        themes = (
            _signal_themes(referrals, p.column("referrals", "theme")) if has("referrals", "theme") else []
        )
        if themes and grouped:
            add(
                Guess(
                    "early_signals",
                    {"kind": "early_signals", "themes": themes},
                    "referral themes that signal a threat to self-determination, by collaboration form",
                )
            )
        else:
            lack(
                "early_signals",
                "needs referrals.theme with themes of self-determination (huwelijksdwang, ...) "
                "and referrals.collaboration_form",
            )
    if interviews is not None:
        by = next((r for r in ("side", "respondent_type") if has("interviews", r)), None)
        add(
            Guess(
                "interview_themes",
                {"kind": "interview_themes", "by": by},
                f"the interviews bind {by}" if by else "the interviews (no grouping bound: all together)",
            )
        )
        names = p.names_file is not None
        if names and has("interviews", "quote_themes"):
            add(
                Guess(
                    "quotes",
                    {"kind": "quotes", "by": by, "n": 3},
                    f"the interviews bind quote_themes, and {p.names_file.value} lists names to replace",
                )
            )
        else:
            lack(
                "quotes",
                "quotes are published only with a names file under privacy.names_file (names and "
                "places to replace) and plan.interviews.quote_themes",
            )
        codes = set(interviews.frame["code"].dropna().astype(str))
        if names and "CASEBOX" in codes:
            add(
                Guess(
                    "case_box",
                    {"kind": "case_box", "by": by, "summary": False},
                    "passages coded CASEBOX are practice examples",
                )
            )
        else:
            lack("case_box", "needs passages coded CASEBOX (a practice example) and a names file")
        add(
            Guess(
                "cooccurrence",
                {"kind": "cooccurrence", "unit": "segment"},
                "codes applied to the same passage",
            )
        )
        if has("interviews", "coder"):
            add(
                Guess(
                    "intercoder_agreement",
                    {"kind": "intercoder_agreement", "unit": "segment", "summary": False},
                    "a check coder coded documents a second time",
                )
            )
        else:
            lack(
                "intercoder_agreement", "needs interviews.coder with a check coder who coded documents twice"
            )
        rows = _joint_rows(p, survey, codes)
        if rows:
            add(
                Guess(
                    "joint_display",
                    {"kind": "joint_display", "by": by, "themes": rows},
                    "survey results beside the interview codes that share their words",
                )
            )
        else:
            lack("joint_display", "needs a survey analysis and interview codes that speak of the same theme")
    if survey is not None:
        _propose_quasi_identifiers(p, survey)


def _propose_quasi_identifiers(p: Proposal, survey: Table) -> None:
    """The survey's quasi-identifiers: the columns that could single out a respondent together.

    What :func:`analysis.validate.identifiers.propose_quasi_identifiers` finds (age, gender,
    place, role, origin, education, experience, organisation type; never personal data), and
    the grouping roles the plan binds (municipality, respondent type, side).
    """
    from analysis.validate.identifiers import propose_quasi_identifiers

    found = {c: why for c, why in propose_quasi_identifiers(survey.dataset) if not survey.is_private(c)}
    for role in ("municipality", "respondent_type", "side"):
        column = p.column("survey", role)
        if column is not None and column not in found:
            found[column] = f"the plan's {role.replace('_', ' ')}"
    if found:
        ordered = [c for c in survey.columns if c in found]
        p.quasi_identifiers = Guess(
            "quasi_identifiers", ordered, "; ".join(f"{c}: {found[c]}" for c in ordered)
        )


def _propose_cutoffs(t: Table, indicators: list[str], form: str) -> dict[Any, float]:
    """Cut-offs of the structural index (per collaboration form code, 0.05 apart) that classify
    most respondents as the researchers did."""
    import itertools

    import numpy as np
    import pandas as pd

    from analysis.structure import structural_index

    index = structural_index(t.frame, indicators, codebook=t.codebook).to_numpy()
    codes = sorted(t.labelled(form), key=float)
    observed = pd.to_numeric(
        t.dataset.code_column(form) if t.dataset.has_codes(form) else t.frame[form], errors="coerce"
    ).to_numpy()
    rank = np.full(len(observed), -2)
    for i, code in enumerate(codes):
        rank[observed == float(code)] = i
    keep = (rank >= 0) & ~np.isnan(index)
    index, rank = index[keep], rank[keep]
    grid = np.round(np.arange(0.05, 1.0, 0.05), 2)
    best, cuts = -1, None
    for combo in itertools.combinations(grid, len(codes)):
        predicted = np.searchsorted(np.array(combo), index, side="right") - 1
        hits = int((predicted == rank).sum())
        if hits > best:
            best, cuts = hits, combo
    return {_scalar(code): float(c) for code, c in zip(codes, cuts or grid[: len(codes)], strict=True)}


#: Support for key persons: payment and training.
SUPPORT = _rx(
    r"vergoed|betaal|betaald|\bpaid\b|payment|compensat|scholing|training|coaching|intervisie|onkosten"
)


def _find_support(t: Table, p: Proposal) -> list[str]:
    """Labelled variables named like payment, compensation, training or coaching (support for
    key persons), not bound to a role of the survey."""
    bound = {
        p.column("survey", g.key)
        for g in p.parts.get("survey", [])
        if "." not in g.key and isinstance(g.value, (str, dict))
    }
    bound |= {i for g in p.parts.get("survey", []) if g.key.startswith("scales.") for i in g.value["items"]}
    return [
        c
        for c in t.columns
        if c not in bound and len(t.labelled(c)) >= 2 and not t.is_private(c) and SUPPORT.search(t.words(c))
    ]


def _signal_themes(t: Table, column: str) -> list[Any]:
    labels = t.labelled(column) or {v: str(v) for v in t.distinct(column, 50)}
    return [code for code, label in labels.items() if SIGNALS.search(str(label)) or SIGNALS.search(str(code))]


def _stems(text: str) -> set[str]:
    """Words of at least five letters, cut to their first five (serieus, serieuze -> serie)."""
    return {w[:5] for w in re.findall(r"[a-zà-ÿ]{5,}", text.casefold())}


def _joint_rows(p: Proposal, survey: Table | None, codes: set[str]) -> list[dict[str, Any]]:
    """Rows of a joint display: per survey result, the interview codes that share its words.

    The survey results are the structural index, reach, completion and each scale's
    perspective; a row is proposed where at least one code (not a meta-code) shares a word
    stem with the result's topic (its words in the catalogue, a scale's name, label and item
    labels). Terms name the result's row in the study's language.
    """
    from analysis.text import LANGUAGES, words

    names = {g.key: g.value for g in p.analyses}
    themed = [c for c in sorted(codes) if c not in {"QUOTE", "CASEBOX", "IDENT"}]
    structural = ""
    form = p.bound("survey", "collaboration_form")
    if survey is not None and isinstance(form, dict) and "structural" in form:
        structural = str(survey.labelled(form["variable"]).get(form["structural"], form["structural"]))
    total = words("nl", "disclosure")["table"]["total"]
    topics: list[tuple[str, Any, str | None, str]] = []
    for kind, term in (
        ("collaboration_index", f"{total}: {structural}" if structural else None),
        ("reach", structural or None),
        ("completion", "odds ratio: warm handover"),
    ):
        theme = {lang: words(lang, "init_joint")[kind] for lang in LANGUAGES}
        stems = " ".join(words(lang, "init_joint")[f"{kind}_words"] for lang in LANGUAGES)
        topics.append((kind, theme, term, stems))
    for name, spec in names.items():
        if spec["kind"] != "perspectives" or survey is None:
            continue
        scale = next(g.value for g in p.parts["survey"] if g.key == f"scales.{spec['scale']}")
        text = " ".join(
            [spec["scale"].replace("_", " "), scale.get("label", "")]
            + [survey.var(c).label or "" for c in scale["items"]]
        )
        topics.append((name, scale.get("label") or spec["scale"], "gap", text))
    rows = []
    for name, theme, term, text in topics:
        if name not in names:
            continue
        stems = _stems(text)
        scored = [(len(_stems(c.replace("_", " ")) & stems), c) for c in themed]
        hits = [c for n, c in sorted(scored, key=lambda h: -h[0]) if n][:3]
        if hits:
            row: dict[str, Any] = {"theme": theme, "survey": name}
            if term:
                row["term"] = term
            rows.append({**row, "codes": hits})
    return rows


# -- reading a folder ----------------------------------------------------------------------
def _snake(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if text and text[0].isdigit():
        text = "d_" + text
    return text


def data_folder(folder: Path) -> Path:
    """Where init looks for data: ``FOLDER/data/raw`` when it exists, else ``FOLDER`` itself."""
    raw = folder / "data" / "raw"
    return raw if raw.is_dir() else folder


def find_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(data files, names files) under the data folder, in a stable order.

    Hidden folders and Bruggen's own folders (:data:`SKIP_DIRS`) are not searched.
    """
    from analysis.ingest import READERS

    data, names = [], []
    root = data_folder(folder)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if any("_BKUP_" in part and part.lower().endswith(".qda") for part in rel.parts[:-1]):
            continue  # a backup QualCoder made of the project next to it
        project = next((i for i, part in enumerate(rel.parts[:-1]) if part.lower().endswith(".qda")), None)
        if project is not None and not (project == len(rel.parts) - 2 and path.name.lower() == "data.qda"):
            continue  # a QualCoder project is one dataset (its data.qda): its documents are inside it
        if path.suffix.lower() == ".txt" and NAMES_FILE.search(_snake(path.stem)):
            names.append(path)
        elif path.suffix.lower() in READERS:
            data.append(path)
    return data, names


@dataclass
class InitResult:
    """What :func:`init_study` did: for the summary the command prints."""

    study_file: Path
    tables: list[Table]
    skipped: list[tuple[Path, str]]
    proposal: Proposal
    written: list[Path]
    suites: list[tuple[Path, bool]]
    text: str

    @property
    def n_review(self) -> int:
        return self.text.count("# REVIEW:")


def read_tables(
    folder: Path, warn: Callable[[str], None] | None = None
) -> tuple[list[Table], list[tuple[Path, str]], list[Path]]:
    """Read every data file in ``folder``; files that cannot be read are skipped (with the reason)."""
    from analysis.ingest import read

    files, names = find_files(folder)
    tables: list[Table] = []
    skipped: list[tuple[Path, str]] = []
    used: set[str] = set()
    for path in files:
        # A QualCoder project is named by its folder (NAME.qda/data.qda).
        base = _snake(path.parent.stem if path.name.lower() == "data.qda" else path.stem) or "dataset"
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        try:
            ds = read(path, dataset=name)
        except BruggenError as exc:
            reason = exc.message.splitlines()[0]
        except Exception as exc:  # a file no reader understands must never stop init
            reason = f"could not be read ({type(exc).__name__}: {exc})"
        else:
            if len(ds.frame.columns) == 0:
                reason = "has no columns"
            else:
                used.add(name)
                tables.append(Table(name, path, ds))
                continue
        skipped.append((path, reason))
        if warn is not None:
            warn(f"skipped {path}: {reason}")
    return tables, skipped, names


def init_study(
    folder: str | Path = ".", *, force: bool = False, warn: Callable[[str], None] | None = None
) -> InitResult:
    """Describe the data files in ``folder`` as a study: study.yml, codebooks and suites.

    Parameters
    ----------
    folder
        The study's folder; data are read from ``folder/data/raw`` when it exists, else from
        ``folder`` and its subfolders.
    force
        Overwrite an existing ``study.yml``, codebooks and suites.
    warn
        Called with a line for every file that was skipped.

    Raises
    ------
    StudyConfigError
        The folder does not exist, holds no readable data file, or already has a study.yml
        (without ``force``).
    """
    from analysis.codebook import describe_observed
    from analysis.study import Study
    from analysis.validate.suites import regenerate_study

    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise StudyConfigError(
            "this folder does not exist", path=folder, hint="give the folder that holds your data files"
        )
    study_file = folder / "study.yml"
    if study_file.exists() and not force:
        raise StudyConfigError(
            "a study.yml exists already; bruggen init does not overwrite it",
            path=study_file,
            hint="edit it, or run `bruggen init --force` to replace it (and its codebooks) with a fresh proposal",
        )
    tables, skipped, names = read_tables(folder, warn)
    if not tables:
        from analysis.ingest import READERS

        where = data_folder(folder)
        what = f"{len(skipped)} file(s) could not be read" if skipped else "no data files"
        raise StudyConfigError(
            f"no data Bruggen can read in this folder ({what})",
            path=where,
            hint=f"put the study's data files here (or in data/raw/): {', '.join(sorted(READERS))}",
        )
    codebooks = {t.name: folder / "codebooks" / f"{t.name}.yml" for t in tables}
    if not force:
        existing = [p for p in codebooks.values() if p.exists()]
        if existing:
            raise StudyConfigError(
                f"codebook(s) exist already: {', '.join(str(p.relative_to(folder)) for p in existing)}",
                path=folder,
                hint="run `bruggen init --force` to overwrite them, or move them away first",
            )
    proposal = propose(tables, _rel(names[0], folder) if names else None)
    text = render(folder, tables, proposal)
    # the proposal must parse: a bug here is ours, so check before writing anything
    config = yaml.safe_load(text)
    Study.from_dict(config, root=folder, source=study_file)

    written = []
    for t in tables:
        path = codebooks[t.name]
        path.parent.mkdir(parents=True, exist_ok=True)
        describe_observed(t.codebook, t.dataset).to_yaml(path)  # the file's own codes, as it holds them
        written.append(path)
    study_file.write_text(text, encoding="utf-8")
    written.insert(0, study_file)
    suites = regenerate_study(Study.from_yaml(study_file))
    return InitResult(study_file, tables, skipped, proposal, written, suites, text)


def _rel(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


# -- writing study.yml ---------------------------------------------------------------------
def _flow(value: Any) -> str:
    """A value as one line of YAML (flow style)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=math.inf, sort_keys=False)
    text = text.strip()
    if text.endswith("..."):
        text = text[:-3].strip()
    return text


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _review(reason: str) -> str:
    return f"  # REVIEW: guessed from {_comment(reason)}"


def _describe(t: Table) -> str:
    kinds = {
        ".sav": "SPSS",
        ".zsav": "SPSS",
        ".por": "SPSS",
        ".qdpx": "REFI-QDA",
        ".qde": "REFI-QDA",
        ".qda": "QualCoder",
        ".sqlite3": "Taguette",
    }
    kind = kinds.get(t.path.suffix.lower(), t.path.suffix.lstrip(".").upper())
    return f"{kind} file {t.path.name}: {t.rows} rows, {len(t.columns)} variables"


def render(folder: Path, tables: list[Table], p: Proposal) -> str:
    """The text of study.yml: settings, datasets and the proposed plan with its comments."""
    name = _snake(folder.name) or "study"
    processed = "data/processed" if data_folder(folder) != folder else "processed"
    lines = [
        "# Written by `bruggen init`: a study description proposed from the data files in this folder.",
        "# Every line marked REVIEW is a guess from names, labels and values: check it against the",
        "# questionnaire and the codebooks (codebooks/), correct or delete it. NOT FOUND says what the",
        "# plan lacks. Then: bruggen validate --study study.yml, and bruggen report --study study.yml.",
        "# Real respondent data never enter git: keep this folder outside the Bruggen repository.",
        f"name: {_flow(name)}",
        f"title: {_flow(folder.name)}",
        "language: nl             # report language: nl or en",
        "",
        "datasets:",
    ]
    for t in tables:
        lines += [
            f"  {t.name}:",
            f"    path: {_flow(_rel(t.path, folder))}",
            f"    codebook: {_flow(f'codebooks/{t.name}.yml')}",
            f"    suite: {_flow(f'expectations/{t.name}.json')}",
            f"    description: {_flow(_describe(t))}",
        ]
    lines += [
        "",
        "paths:",
        "  reports: reports",
        f"  processed: {processed}",
        "",
        "# Statistical disclosure control: applied to every table and figure.",
        "disclosure:",
        f'  min_count: {DISCLOSURE["min_count"]}            # counts below this are shown as "<10"',
        f"  min_denominator: {DISCLOSURE['min_denominator']}      # percentages only with at least this many in the denominator",
        "  round_to: null           # e.g. 5 to round published counts to multiples of 5",
        f"  k: {DISCLOSURE['k']}                     # k-anonymity for any respondent-level export",
    ]
    if p.quasi_identifiers:
        lines.append(
            f"  quasi_identifiers: {_flow(p.quasi_identifiers.value)}{_review(p.quasi_identifiers.reason)}"
        )
    else:
        lines.append(
            "  quasi_identifiers: []    # NOT FOUND: list the columns that could identify a respondent"
        )
    lines += ["", "privacy:"]
    if p.names_file:
        lines.append(f"  names_file: {_flow(p.names_file.value)}{_review(p.names_file.reason)}")
    else:
        lines.append(
            "  # NOT FOUND: names_file: a text file of names and places to replace in open text and quotes"
        )
    lines += [
        "",
        "# The analysis plan: which of this study's variables plays each part the library knows.",
        '# Category values may be given as the stored code (1) or as the value label ("formeel").',
        "plan:",
    ]
    for part in ("survey", "municipalities", "referrals", "interviews"):
        guesses = p.parts.get(part, [])
        missing = p.missing.get(part, [])
        if not guesses:
            for text in missing:
                lines.append(f"  # NOT FOUND: {part}: {_comment(text)}")
            continue
        lines.append(f"  {part}:")
        groups_open: set[str] = set()
        for g in guesses:
            if "." in g.key:
                group, sub = g.key.split(".", 1)
                if group not in groups_open:
                    groups_open.add(group)
                    lines.append(f"    {group}:")
                lines.append(f"      {_key(sub)}: {_flow(g.value)}{_review(g.reason)}")
            else:
                lines.append(f"    {g.key}: {_flow(g.value)}{_review(g.reason)}")
        for text in missing:
            lines.append(f"    # NOT FOUND: {_comment(text)}")
    lines += [
        "",
        '# The analyses: each is study.analyse("<name>") in a notebook and fills its chapter of the report.',
        "analyses:",
    ]
    for g in p.analyses:
        lines.append(f"  {g.key}: {_flow(g.value)}{_review(g.reason)}")
    for text in p.missing.get("analyses", []):
        lines.append(f"  # NOT FOUND: {_comment(text)}")
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    return _flow(name) if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name) else name


# -- the summary ---------------------------------------------------------------------------
def summary(result: InitResult, folder_arg: str) -> list[str]:
    """The lines ``bruggen init`` prints: what was read, the plan, what to review, what next."""
    p = result.proposal
    study = folder_arg.rstrip("/") + "/study.yml" if folder_arg not in ("", ".") else "study.yml"
    lines = [f"Read {len(result.tables)} file(s), skipped {len(result.skipped)}."]
    parts = {g.value: part for part, gs in p.parts.items() for g in gs if g.key == "dataset"}
    for t in result.tables:
        role = parts.get(t.name)
        lines.append(
            f"  {t.name:<24} {t.rows:>7} rows {len(t.columns):>4} variables"
            + (f"  -> {role}" if role else "")
        )
    lines.append("Proposed plan:")
    for part, guesses in p.parts.items():
        roles = [g.key for g in guesses if g.key != "dataset"]
        lines.append(f"  {part}: {', '.join(roles) if roles else '(dataset only)'}")
    if p.analyses:
        lines.append(f"  analyses: {', '.join(g.key for g in p.analyses)}")
    else:
        lines.append("  analyses: none (the plan binds too little for any)")
    n_missing = sum(len(v) for v in p.missing.values())
    lines.append(
        f"Review {result.n_review} line(s) marked REVIEW and {n_missing} NOT FOUND note(s) in {result.study_file}, "
        f"and the codebooks in {result.study_file.parent / 'codebooks'}."
    )
    lines += [
        "Next:",
        f"  bruggen validate --study {study}",
        f"  bruggen report --study {study}",
        "  (after editing a codebook: bruggen suites --study " + study + ")",
    ]
    return lines
