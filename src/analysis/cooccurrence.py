"""Which codes come up together in the interviews, and how well two coders agree.

Works on the codings table of a REFI-QDA project (:func:`analysis.ingest.read`: one row per
coding with ``document``, ``code``, ``code_family``, ``start``, ``end``, ``coder``).

Co-occurrence (:func:`cooccurrence`) follows ATLAS.ti's code co-occurrence table. The units
are either *segments* (``unit="segment"``: within one document, selections that are the same
or overlap, ``start < other.end and end > other.start``, are joined into one passage; two codes
co-occur when both are applied in it) or whole *documents* (``unit="document"``: both codes
applied somewhere in the same interview). Meta-codes (QUOTE, CASEBOX, IDENT) are left out
before units are formed, and only units carrying at least one substantive code count. Each
cell counts units, so the matrix is symmetric with the units per code on the diagonal; it goes
through :func:`analysis.disclosure.suppress_counts` (a hidden cell hides its mirror too). The
frequency-corrected measure is computed from the *published* counts only:

- c-coefficient (Friese; ATLAS.ti): ``n12 / (n1 + n2 - n12)``;
- Jaccard: the same ratio of units (intersection over union), the name used outside ATLAS.ti.

With units as sets both give the same number; ``measure`` names it. The conditional share
``P(A | B) = n_AB / n_B`` and ``P(A | not B) = (n_A - n_AB) / (N - n_B)`` are published only
when every count they use is published and the difference counts are zero or at least the
policy's ``min_count``.

Intercoder agreement (:func:`intercoder_agreement`): on the units coded by both coders, per
code the percent agreement on its presence and Cohen's kappa
(:func:`statsmodels.stats.inter_rater.cohens_kappa`). In a study, a check coder codes a subset
of the interviews a second time (``plan.interviews.coder: {variable: ..., check: ...}``); the
``intercoder_agreement`` analysis compares the check coder with the first coding (whoever did
it) on the answer segments of those interviews, and every other analysis leaves the check
coder's codings out (:meth:`analysis.study.ValidatedStudy.part`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, StudyConfigError
from analysis.interviews import META_CODES
from analysis.labels import code_label, code_labels, unique_labels
from analysis.results import Result, tidy
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy

UNITS = ("document", "segment")
MEASURES = ("c", "jaccard")
#: Above this many codes the figure shows the code families (the top level of the code system)
#: and the full matrix stands only in the table (and the tables workbook).
MAX_FIGURE_CODES = 30


class CodeCooccurrence(Result):
    """Units (segments or interviews) per pair of codes, disclosed, with the c-coefficient.

    ``codes`` are the codes of the matrix as the project names them, ``labels`` their readable
    names (the matrix' rows and columns, the findings); the methods take either.
    """

    key = "cooccurrence"

    def __init__(
        self,
        disclosed: DisclosedTable,
        *,
        codes: Sequence[str],
        unit: str,
        measure: str,
        n_units: int,
        labels: Sequence[str] | None = None,
        families: DisclosedTable | None = None,
    ):
        self._table = disclosed
        #: The co-occurrence of the code families (a code system of more than
        #: :data:`MAX_FIGURE_CODES` codes), disclosed on its own; the figure shows it.
        self.families = families
        self.lang = disclosed.lang
        self.codes = list(codes)
        self.labels = list(labels) if labels is not None else list(self.codes)
        self.unit = unit
        self.measure = measure
        self.n_units = int(n_units)

    # -- the published numbers -------------------------------------------------------
    def count(self, a: str, b: str) -> int | None:
        """The published number of units with both codes (``None`` where hidden)."""
        v = self._published()[self._position(a)][self._position(b)]
        return None if v is None else int(v)

    def _published(self) -> list[list[Any]]:
        """The published matrix as lists (looked up cell by cell for every pair of hundreds of codes)."""
        cells = self.__dict__.get("_cells")
        if cells is None:
            cells = self.__dict__["_cells"] = self._table.values.to_numpy(dtype=object).tolist()
        return cells

    def _position(self, code: str) -> int:
        where = self.__dict__.get("_where")
        if where is None:  # a code's name first, else its label; the first of equal names
            where = {label: i for i, label in reversed(list(enumerate(self.labels)))}
            where.update({c: i for i, c in reversed(list(enumerate(self.codes)))})
            self.__dict__["_where"] = where
        if code not in where:
            raise ValueError(f"{code!r} is not a code of the matrix")
        return where[code]

    def label(self, code: str) -> str:
        """A code's readable name in the matrix."""
        return self.labels[self._position(code)]

    def coefficient(self, a: str, b: str) -> float | None:
        """The c-coefficient (or Jaccard) of two codes from published counts, else ``None``."""
        n12, n1, n2 = self.count(a, b), self.count(a, a), self.count(b, b)
        if n12 is None or n1 is None or n2 is None:
            return None
        union = n1 + n2 - n12
        return n12 / union if union > 0 else None

    def share(self, a: str, given: str) -> float | None:
        """``P(a | given)``: of the units with ``given``, the share that has ``a`` too."""
        n12, nb = self.count(a, given), self.count(given, given)
        if n12 is None or not nb:
            return None
        return n12 / nb

    def share_without(self, a: str, given: str) -> float | None:
        """``P(a | not given)``: of the units without ``given``, the share that has ``a``."""
        n12, na, nb = self.count(a, given), self.count(a, a), self.count(given, given)
        if n12 is None or na is None or nb is None:
            return None
        num, den = na - n12, self.n_units - nb
        k = self._table.policy.min_count
        if 0 < num < k or den < k:  # a difference of published counts must not reveal a small one
            return None
        return num / den

    def _pairs(self) -> list[dict[str, Any]]:
        known = self.__dict__.get("_pair_rows")
        if known is None:
            known = self.__dict__["_pair_rows"] = self._count_pairs()
        return [dict(row) for row in known]

    def _count_pairs(self) -> list[dict[str, Any]]:
        rows = []
        for i, a in enumerate(self.codes):
            for b in self.codes[i + 1 :]:
                n12 = self.count(a, b)
                if n12 is None:
                    continue
                rows.append(
                    {
                        "term": f"{a} & {b}",
                        "estimate": self.coefficient(a, b),
                        "n": n12,
                        "code_a": a,
                        "code_b": b,
                        "p_a_given_b": self.share(a, b),
                        "p_b_given_a": self.share(b, a),
                        "p_a_given_not_b": self.share_without(a, b),
                        "p_b_given_not_a": self.share_without(b, a),
                    }
                )
        return rows

    # -- the Result contract ---------------------------------------------------------
    def title(self, lang: str | None = None) -> str:
        t = words(lang or self.lang, "cooccurrence")
        return t["title"].format(unit=t[f"per_{self.unit}"])

    def table(self) -> DisclosedTable:
        return self._table

    def to_frame(self) -> pd.DataFrame:
        """One row per published pair: ``term`` (``A & B``), ``estimate`` (c or Jaccard, NaN if a
        count it needs is hidden), ``n`` (units with both), ``code_a``, ``code_b`` and the
        conditional shares ``p_a_given_b``, ``p_b_given_a``, ``p_a_given_not_b``, ``p_b_given_not_a``."""
        import pandas as pd

        frame = tidy(self._pairs())
        for col in ("estimate", "p_a_given_b", "p_b_given_a", "p_a_given_not_b", "p_b_given_not_a"):
            if col in frame:
                frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        return frame

    def figure(self, lang: str | None = None) -> go.Figure:
        """A heat map of the matrix; of a large code system, of its code families."""
        lang = lang or self.lang
        from analysis.figures import heatmap

        t = words(lang, "cooccurrence")
        if self.families is not None:
            x_title = words(lang, "interview_only")["families_code"]
            return heatmap(
                self.families.figure_data(lang), x_title=x_title, value_title=t[f"cells_{self.unit}"]
            )
        return heatmap(self._table.figure_data(lang), x_title=t["code"], value_title=t[f"cells_{self.unit}"])

    def findings(self, lang: str | None = None) -> list[str]:
        """The strongest published pairs (by the measure) and the conditional share of the strongest."""
        from analysis.disclosure._text import fmt_float

        lang = lang or self.lang
        t = words(lang, "cooccurrence")
        pairs = [p for p in self._pairs() if p["estimate"] is not None and p["n"] > 0]
        if not pairs:
            return [t["none"]]
        pairs.sort(key=lambda p: (-p["estimate"], p["term"]))
        unit = t[f"units_{self.unit}"]
        out = []
        for p in pairs[:3]:
            out.append(
                t["pair"].format(
                    a=self.label(p["code_a"]),
                    b=self.label(p["code_b"]),
                    n=p["n"],
                    unit=unit,
                    measure=t[f"measure_{self.measure}"],
                    value=fmt_float(p["estimate"], 2, lang),
                )
            )
        best = pairs[0]
        # the direction with the larger conditional share: P(a | b)
        a, b, share = best["code_a"], best["code_b"], best["p_a_given_b"]
        other = best["p_a_given_not_b"]
        if best["p_b_given_a"] is not None and (share is None or best["p_b_given_a"] > share):
            a, b, share, other = b, a, best["p_b_given_a"], best["p_b_given_not_a"]
        a, b = self.label(a), self.label(b)
        if share is not None:
            if other is not None:
                out.append(
                    t["share"].format(
                        a=a, b=b, unit=unit, share=fmt_float(share, 2, lang), other=fmt_float(other, 2, lang)
                    )
                )
            else:
                out.append(t["share_only"].format(a=a, b=b, unit=unit, share=fmt_float(share, 2, lang)))
        return out

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The c-coefficient (or Jaccard) matrix, from published counts (hidden pairs show "x");
        of a large code system the code families' counts, the figure's numbers."""
        from analysis.disclosure._text import fmt_float, text
        from analysis.disclosure.tables import estimates_table

        lang = lang or self.lang
        t = words(lang, "cooccurrence")
        if self.families is not None:  # the figure's numbers; the c-matrix of hundreds of codes is not read
            alone = words(lang, "interview_only")
            note = alone["families_note"].format(n=len(self.codes), k=len(self.families.values.index) - 1)
            return [(f"{self.families.title}. {note}", self.families)]
        hidden = text(lang)["hidden"]
        rows = []
        for a in self.codes:
            cells = []
            for b in self.codes:
                v = self.coefficient(a, b)
                cells.append(hidden if v is None else fmt_float(v, 2, lang))
            rows.append([self.label(a), *cells])
        caption = t["measure_title"].format(measure=t[f"measure_{self.measure}"])
        policy = self._table.policy
        header = [t["code"], *self.labels]
        name = f"{self.key}_{self.measure}"
        return [
            (caption, estimates_table(name, header, rows, stat=True, policy=policy, title=caption, lang=lang))
        ]


def cooccurrence(
    codings: pd.DataFrame,
    policy: Policy,
    *,
    level: str = "code",
    unit: str = "document",
    measure: str = "c",
    codes: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    meta_codes: Sequence[str] = META_CODES,
    lang: str = "nl",
) -> CodeCooccurrence:
    """Count the units in which two codes are both applied, through disclosure control.

    Parameters
    ----------
    codings
        The codings table (``Dataset.frame`` of a REFI-QDA project).
    policy
        The study's disclosure policy.
    level
        ``code`` or ``code_family`` (the column of the codings table to count).
    unit
        ``document`` (the same interview) or ``segment`` (the same or overlapping selections in
        one document, joined into passages).
    measure
        ``c`` (c-coefficient) or ``jaccard``: the name of the frequency-corrected measure.
    codes
        The codes of the matrix, in this order (a code's full name or its first word, ``B3``);
        default all substantive codes. Units are formed from *all* substantive codes either way.
    labels
        Readable names of the codes (code -> label: :func:`analysis.labels.code_labels` of the
        codebook, in the report language); a code without one is named by
        :func:`analysis.labels.code_label`.
    meta_codes
        The project's meta-codes (markers, not themes: left out); default the codebook's
        (``plan.interviews.meta_codes`` through the plan).
    lang
        Label language.

    Returns
    -------
    CodeCooccurrence
        ``table()`` is the disclosed symmetric matrix (units per code on the diagonal).
    """
    import numpy as np
    import pandas as pd

    from analysis.disclosure import SuppressionEntry, SuppressionLog, suppress_counts

    if unit not in UNITS:
        raise BruggenError(f"unit must be one of {UNITS}, got {unit!r}")
    if measure not in MEASURES:
        raise BruggenError(f"measure must be one of {MEASURES}, got {measure!r}")
    need = ["document", "code", level] + (["start", "end"] if unit == "segment" else [])
    for col in need:
        if col not in codings.columns:
            raise BruggenError(
                f"the codings table has no column {col!r}",
                hint="read the interviews with analysis.ingest.read (REFI-QDA)",
            )
    markers = list(meta_codes)
    themes = codings[~codings["code"].astype(str).isin(markers) & ~codings[level].astype(str).isin(markers)]
    units = _units(themes, unit)
    names = themes[level].astype(str)
    incidence = pd.crosstab(units, names).clip(upper=1)
    available = list(incidence.columns)
    chosen = available if codes is None else [_find(c, available) for c in codes]
    x = incidence[chosen].to_numpy(dtype=np.float64)  # BLAS; whole numbers far below 2**53
    counts = np.rint(x.T @ x).astype(np.int64)
    shown = unique_labels([code_label(c, labels) for c in chosen])
    t = words(lang, "cooccurrence")
    matrix = pd.DataFrame(counts, index=shown, columns=shown)
    matrix.index.name = matrix.columns.name = t["code"]
    title = t["title"].format(unit=t[f"per_{unit}"])
    if len(chosen) > MAX_FIGURE_CODES:  # the table holds every code; the figure their families
        title = words(lang, "interview_only")["full_table"].format(n=len(chosen), unit=t[f"per_{unit}"])
    table = suppress_counts(matrix, policy, name="cooccurrence", lang=lang, title=title)
    table = _mirror(table, SuppressionEntry, SuppressionLog)
    families = None
    if len(chosen) > MAX_FIGURE_CODES and level != "code_family" and "code_family" in themes.columns:
        families = _families(themes[names.isin(chosen)], units, policy, labels, unit, lang)
    return CodeCooccurrence(
        table,
        codes=list(chosen),
        labels=shown,
        unit=unit,
        measure=measure,
        n_units=len(incidence),
        families=families,
    )


def _families(
    themes: pd.DataFrame,
    units: pd.Series,
    policy: Policy,
    labels: Mapping[str, str] | None,
    unit: str,
    lang: str,
) -> DisclosedTable | None:
    """The co-occurrence of the code families (top level) over the same units, disclosed.

    A unit has a family when any of its codes belongs to it. ``None`` when the families do not
    make the matrix smaller (every code its own family) or there is only one.
    """
    import numpy as np
    import pandas as pd

    from analysis.disclosure import SuppressionEntry, SuppressionLog, suppress_counts

    incidence = pd.crosstab(units[themes.index], themes["code_family"].astype(str)).clip(upper=1)
    if not 1 < incidence.shape[1] <= MAX_FIGURE_CODES:
        return None
    y = incidence.to_numpy(dtype=np.float64)
    counts = np.rint(y.T @ y).astype(np.int64)
    shown = unique_labels([code_label(c, labels) for c in incidence.columns])
    alone = words(lang, "interview_only")
    matrix = pd.DataFrame(counts, index=shown, columns=shown)
    matrix.index.name = matrix.columns.name = alone["families_code"]
    title = alone["families_title"].format(unit=words(lang, "cooccurrence")[f"per_{unit}"])
    table = suppress_counts(matrix, policy, name="cooccurrence_families", lang=lang, title=title)
    return _mirror(table, SuppressionEntry, SuppressionLog)


def _find(code: str, available: Sequence[str]) -> str:
    if code in available:
        return code
    hits = [c for c in available if c.split()[0] == str(code)]
    if len(hits) != 1:
        raise BruggenError(
            f"no code {code!r} in the codings" if not hits else f"code {code!r} is ambiguous: {hits}",
            hint="name a code as it appears in the codings table (or by its first word, e.g. B3)",
        )
    return hits[0]


def _units(themes: pd.DataFrame, unit: str) -> pd.Series:
    """A unit label per coding: its document, or its passage of overlapping selections.

    A selection without character offsets (a picture, PDF area, audio or video selection, or a
    whole-document coding) is a unit of its own, shared by the codings of that selection.
    """
    import pandas as pd

    doc = themes["document"].astype(str)
    if unit == "document":
        return doc
    labels = pd.Series("", index=themes.index, dtype=object)
    placeless = themes["start"].isna() | themes["end"].isna()
    if placeless.any():
        selection = (
            themes["selection_guid"].astype("string")
            if "selection_guid" in themes.columns
            else pd.Series(pd.NA, index=themes.index, dtype="string")
        )
        own = selection.fillna(pd.Series(themes.index.astype(str), index=themes.index))
        labels[placeless] = doc[placeless] + "@" + own[placeless]
    order = themes[~placeless].assign(_doc=doc).sort_values(["_doc", "start", "end"], kind="stable")
    current, reach, k = None, -math.inf, -1
    for idx, d, s, e in zip(order.index, order["_doc"], order["start"], order["end"], strict=True):
        if d != current or s >= reach:  # a new passage: another document, or no overlap
            k += 1
            current, reach = d, e
        else:
            reach = max(reach, e)
        labels.at[idx] = f"{d}#{k}"
    return labels


def _mirror(table: DisclosedTable, entry_cls: Any, log_cls: Any) -> DisclosedTable:
    """Hide the mirror of every hidden interior cell: the matrix is symmetric."""
    import numpy as np

    values, status = table.values.copy(), table.status.copy()
    n = len(values.index) - 1
    entries = list(table.log)
    hidden = status.to_numpy()[:n, :n] != "shown"
    for i, j in zip(*np.nonzero(hidden & ~hidden.T), strict=True):  # row by row, as the log reads
        i, j = int(i), int(j)
        status.iat[j, i] = "secondary"
        values.iat[j, i] = None
        entries.append(
            entry_cls(
                table=table.name,
                row=str(values.index[j]),
                col=str(values.columns[i]),
                kind="secondary",
                threshold=table.policy.min_count,
                protects=(str(values.index[i]), str(values.columns[j])),
            )
        )
    return dataclasses.replace(table, values=values, status=status, log=log_cls(tuple(entries)))


def from_plan(r: Run) -> Result:
    """The runner of the ``cooccurrence`` analysis kind (see :mod:`analysis.analyses`)."""
    level = r.option("level")
    labels = code_labels(r.vs.dataset(r.dataset).codebook, r.lang, columns=(level, "code", "code_family"))
    codes = r.option("codes")
    return cooccurrence(
        r.frame,
        r.policy,
        level=level,
        unit=r.option("unit"),
        measure=r.option("measure"),
        codes=list(codes) if codes else None,
        labels=labels,
        meta_codes=r.plan.meta_codes.markers,
        lang=r.lang,
    )


# -- intercoder agreement -------------------------------------------------------------------
#: Kappa from which agreement counts as substantial (Landis & Koch 1977); codes below it are named.
KAPPA_SUBSTANTIAL = 0.60
#: The ``unit`` shorthands of :func:`intercoder_agreement`: their key columns, and the column
#: within which every unit counts once both ratings coded something there.
UNIT_SHORTHANDS = {"segment": (("document", "start", "end"), "document"), "document": (("document",), None)}


class IntercoderAgreement(Result):
    """Percent agreement and Cohen's kappa per code on the units both coders coded."""

    key = "intercoder_agreement"

    def __init__(
        self,
        frame: pd.DataFrame,
        coders: tuple[str, str],
        n_units: int,
        lang: str = "nl",
        *,
        unit: str = "unit",
        n_within: int | None = None,
        pooled: Mapping[str, float] | None = None,
        labels: Mapping[str, str] | None = None,
    ):
        self._frame = frame
        self.coders = coders
        self.n_units = n_units
        self.lang = lang
        #: ``segment``, ``document`` or ``unit`` (columns given): how the findings name a unit.
        self.unit = unit
        #: Interviews (``within`` groups) both ratings coded, when units are counted within them.
        self.n_within = n_within
        #: Over all codes together (their 2x2 tables added): ``kappa``, ``std_error``,
        #: ``ci_low``, ``ci_high``, ``agreement`` (empty when no code was compared).
        self.pooled = dict(pooled) if pooled is not None else {}
        #: Readable names of the codes (code -> label); the findings and tables name codes by
        #: :func:`analysis.labels.code_label`, ``to_frame()`` by the project's code names.
        self.labels = dict(labels) if labels is not None else {}

    def title(self, lang: str | None = None) -> str:
        return words(lang or self.lang, "cooccurrence")["agreement_title"]

    def to_frame(self) -> pd.DataFrame:
        """One row per code: ``term`` (code), ``estimate`` (kappa), ``std_error``, ``ci_low``,
        ``ci_high``, ``n`` (units both coded), ``agreement`` (share of units on which they agree),
        ``n_first``, ``n_check`` (units each rating applied the code to) and ``n_both``."""
        return self._frame.copy()

    def table(self) -> pd.DataFrame:
        table = self._frame[["term", "agreement", "estimate", "n"]].rename(columns={"estimate": "kappa"})
        return table.assign(term=[code_label(c, self.labels) for c in table["term"]])

    def figure(self, lang: str | None = None) -> go.Figure:
        raise BruggenError("intercoder agreement has no figure", hint="use table() or to_frame()")

    def _unit_word(self, t: Mapping[str, str]) -> str:
        return t.get(f"units_{self.unit}", t["agreement_unit"])

    def findings(self, lang: str | None = None) -> list[str]:
        """The agreement over all codes, the codes below :data:`KAPPA_SUBSTANTIAL` (with how many
        units carry them), the codes without a kappa."""
        import statistics

        from analysis.disclosure._text import fmt_float
        from analysis.numbers import fmt_pct

        lang = lang or self.lang
        t = words(lang, "cooccurrence")
        f = self._frame.dropna(subset=["estimate"])
        if f.empty:
            return [t["agreement_none"]]
        unit = self._unit_word(t)
        units = (
            t["agreement_units_in"].format(n=self.n_units, unit=unit, docs=self.n_within)
            if self.n_within is not None
            else t["agreement_units"].format(n=self.n_units, unit=unit)
        )
        kappas = [float(k) for k in f["estimate"]]
        out = [
            t["agreement"].format(
                check=self.coders[1],
                units=units,
                codes=len(f),
                unit=unit,
                pct=fmt_pct(100 * float(f["agreement"].mean()), 0, lang),
                kmin=fmt_float(min(kappas), 2, lang),
                kmax=fmt_float(max(kappas), 2, lang),
                kmed=fmt_float(statistics.median(kappas), 2, lang),
            )
        ]
        p = self.pooled
        if p and not math.isnan(p["kappa"]):
            out.append(
                t["agreement_pooled"].format(
                    kappa=fmt_float(p["kappa"], 2, lang),
                    lo=fmt_float(p["ci_low"], 2, lang),
                    hi=fmt_float(min(p["ci_high"], 1.0), 2, lang),
                )
            )
        cut = fmt_float(KAPPA_SUBSTANTIAL, 2, lang)
        low = f[f["estimate"] < KAPPA_SUBSTANTIAL].sort_values(["estimate", "term"])
        if len(low):
            listed = ", ".join(
                t["agreement_low_code"].format(
                    code=code_label(r.term, self.labels),
                    kappa=fmt_float(float(r.estimate), 2, lang),
                    k=int(r.n_first + r.n_check - r.n_both),
                    n=self.n_units,
                    unit=unit,
                )
                for r in low.itertuples()
            )
            out.append(t["agreement_low"].format(cut=cut, codes=listed))
        else:
            out.append(t["agreement_high"].format(cut=cut))
        constant = int(self._frame["estimate"].isna().sum())
        if constant:
            out.append(t["agreement_constant"].format(k=constant, unit=unit))
        return out

    def report_blocks(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The table of :meth:`extra_tables`, under the result's title."""
        return self.more_tables(lang)

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """One table: per code the units each rating applied it to, percent agreement, kappa and
        its 95% interval (cut at 1), and a last row over all codes; statistics of coded
        segments, not counts of persons (no disclosure policy applies to them)."""
        from analysis.disclosure._text import fmt_float
        from analysis.disclosure.tables import estimates_table
        from analysis.numbers import fmt_int, fmt_pct

        lang = lang or self.lang
        t = words(lang, "cooccurrence")
        if self._frame.dropna(subset=["estimate"]).empty:
            return []

        def interval(lo: float, hi: float) -> str:
            if math.isnan(lo):
                return ""
            return f"{fmt_float(max(lo, -1.0), 2, lang)} – {fmt_float(min(hi, 1.0), 2, lang)}"

        header = [
            t[f"agreement_col_{c}"] for c in ("code", "n", "first", "check", "both", "pct", "kappa", "ci")
        ]
        rows = [
            [
                code_label(r.term, self.labels),
                fmt_int(r.n, lang),
                fmt_int(r.n_first, lang),
                fmt_int(r.n_check, lang),
                fmt_int(r.n_both, lang),
                fmt_pct(100 * float(r.agreement), 0, lang),
                fmt_float(float(r.estimate), 2, lang),
                interval(float(r.ci_low), float(r.ci_high)),
            ]
            for r in self._frame.itertuples()
        ]
        p, f = self.pooled, self._frame
        if p:
            rows.append(
                [
                    t["agreement_all_codes"],
                    fmt_int(self.n_units, lang),
                    fmt_int(int(f["n_first"].sum()), lang),
                    fmt_int(int(f["n_check"].sum()), lang),
                    fmt_int(int(f["n_both"].sum()), lang),
                    fmt_pct(100 * p["agreement"], 0, lang),
                    fmt_float(p["kappa"], 2, lang),
                    interval(p["ci_low"], p["ci_high"]),
                ]
            )
        note = t["agreement_note"].format(unit=self._unit_word(t))
        title = self.title(lang)
        return [
            (
                title,
                estimates_table(
                    self.key, header, rows, [note], stat=True, policy=None, title=title, lang=lang
                ),
            )
        ]

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)


def intercoder_agreement(
    codings: pd.DataFrame,
    *,
    coder: str = "coder",
    unit: str | Sequence[str] = ("document", "start", "end"),
    codes: Sequence[str] | None = None,
    level: str = "code",
    check: str | Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> IntercoderAgreement:
    """Per code, how well two coders agree on the units both of them coded.

    Parameters
    ----------
    codings
        The codings table with a column naming the coder.
    coder
        That column. Without ``check`` it must hold exactly two coders.
    unit
        Column(s) that identify a unit (a selection, a question's answer): only units both
        coders coded count. Or a shorthand: ``segment`` (a selection, ``document``, ``start``,
        ``end``, counted in every document both coded, also where only one of them applied a
        code: that is a unit on which the other applied none) or ``document`` (an interview).
    codes
        The codes to compare (a code's full name or its first word; default: every
        substantive code either coder used on the compared units).
    level
        ``code`` or ``code_family``.
    check
        The check coder(s): their codings are the second rating, everyone else's the first
        (a study with several first coders, each coding other interviews, and one check coder).
    labels
        Readable names of the codes (code -> label, as for :func:`cooccurrence`) for the
        findings and tables.
    lang
        Language of the title and findings.

    Returns
    -------
    IntercoderAgreement
        Per code: percent agreement (share of units on which both apply it or both do not)
        and Cohen's kappa with its standard error and 95% interval
        (:func:`statsmodels.stats.inter_rater.cohens_kappa`); ``pooled``: the same over the
        2x2 tables of all codes added. A code neither coder varies on has no kappa (NaN).
        Units coded by only one coder are left out (with ``segment``: units in documents
        that only one of them coded).
    """
    import numpy as np
    import pandas as pd

    shorthand = unit if isinstance(unit, str) and unit in UNIT_SHORTHANDS else None
    if shorthand:
        keys, within = list(UNIT_SHORTHANDS[shorthand][0]), UNIT_SHORTHANDS[shorthand][1]
    else:
        keys, within = ([unit] if isinstance(unit, str) else list(unit)), None
    for col in (coder, level, *keys):
        if col not in codings.columns:
            raise BruggenError(f"the codings table has no column {col!r}")
    data = codings[~codings[level].astype(str).isin(META_CODES) & codings[coder].notna()].copy()
    data["_unit"] = data[keys].astype(str).agg("\x1f".join, axis=1) if len(data) else ""
    data["_code"] = data[level].astype(str)
    names = data[coder].astype(str)
    if check is None:
        coders = sorted(names.unique())
        if len(coders) != 2:
            raise BruggenError(f"intercoder agreement needs two coders, found {len(coders)}: {coders}")
        data["_coder"] = (names == coders[1]).astype(int)
        pair = (coders[0], coders[1])
    else:
        checks = [check] if isinstance(check, str) else [str(c) for c in check]
        second = names.isin(checks)
        if not second.any() or second.all():
            raise BruggenError(
                f"no codings by the check coder(s) {checks}"
                if not second.any()
                else "every substantive coding is by a check coder: there is no first coding to compare",
                hint=f"coders in the codings: {sorted(names.unique())}",
            )
        data["_coder"] = second.astype(int)
        pair = (", ".join(sorted(names[~second].unique())), ", ".join(sorted(names[second].unique())))
    n_within = None
    if within is None:
        by_coder = data.groupby("_unit")["_coder"].nunique()
        both = list(by_coder.index[by_coder == 2])
    else:
        by_group = data.groupby(data[within].astype(str))["_coder"].nunique()
        groups = by_group.index[by_group == 2]
        n_within = len(groups)
        both = sorted(data.loc[data[within].astype(str).isin(groups), "_unit"].unique())
    data = data[data["_unit"].isin(both)]
    available = sorted(data["_code"].unique())
    chosen = available if codes is None else [c if c in available else _find(c, available) for c in codes]
    rows = []
    pooled = np.zeros((2, 2))
    for code in chosen:
        present = data[data["_code"] == code].groupby("_coder")["_unit"].apply(set)
        a = np.array([u in present.get(0, set()) for u in both], dtype=bool)
        b = np.array([u in present.get(1, set()) for u in both], dtype=bool)
        table = np.array([[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]], dtype=float)
        pooled += table
        kappa, se, lo, hi = _kappa(table)
        rows.append(
            {
                "term": code,
                "estimate": kappa,
                "std_error": se,
                "ci_low": lo,
                "ci_high": hi,
                "n": len(both),
                "agreement": float((a == b).mean()) if len(both) else float("nan"),
                "n_first": int(a.sum()),
                "n_check": int(b.sum()),
                "n_both": int((a & b).sum()),
            }
        )
    columns = ["term", "estimate", "n", "agreement", "n_first", "n_check", "n_both"]
    frame = tidy(rows) if rows else pd.DataFrame(columns=columns)
    overall: dict[str, float] = {}
    if pooled.sum():
        kappa, se, lo, hi = _kappa(pooled)
        agreement = float((pooled[0, 0] + pooled[1, 1]) / pooled.sum())
        overall = {"kappa": kappa, "std_error": se, "ci_low": lo, "ci_high": hi, "agreement": agreement}
    return IntercoderAgreement(
        frame,
        pair,
        len(both),
        lang=lang,
        unit=shorthand or "unit",
        n_within=n_within,
        pooled=overall,
        labels=labels,
    )


def _kappa(table: Any) -> tuple[float, float, float, float]:
    """Cohen's kappa of a 2x2 table, its standard error and 95% Wald interval (within -1 to 1);
    NaN when chance agreement is 1 (neither coder varies)."""
    import warnings

    from statsmodels.stats.inter_rater import cohens_kappa

    n = table.sum()
    pe = ((table.sum(1) * table.sum(0)).sum()) / n**2 if n else 1.0
    if pe >= 1:
        return (math.nan, math.nan, math.nan, math.nan)
    with warnings.catch_warnings():  # its z test divides by zero when kappa is 1; no z is used
        warnings.simplefilter("ignore", RuntimeWarning)
        res = cohens_kappa(table)
    # the interval cut at the bounds of kappa, as psych::cohen.kappa reports it
    lo, hi = max(float(res.kappa_low), -1.0), min(float(res.kappa_upp), 1.0)
    return float(res.kappa), float(res.std_kappa), lo, hi


def agreement_from_plan(r: Run) -> Result:
    """The runner of the ``intercoder_agreement`` kind: the plan's check coder(s) against the
    first coding, on the frame that keeps both (:data:`analysis.plan.ANALYSES` ``all_coders``)."""
    checks = r.plan.check_coders(r.part)
    if not checks:  # the gate refuses this plan; a notebook's own Plan may still get here
        raise StudyConfigError(
            f"{r.spec.key}: intercoder agreement needs a check coder",
            path=r.vs.study.source,
            hint=f"declare plan.{r.part}.coder: {{variable: <column>, check: <the second coder>}}",
        )
    codes = r.option("codes")
    return intercoder_agreement(
        r.frame,
        coder=r.plan.column(r.part, "coder"),
        unit=r.option("unit"),
        codes=list(codes) if codes else None,
        level=r.option("level"),
        check=checks,
        labels=code_labels(
            r.vs.dataset(r.dataset).codebook, r.lang, columns=(r.option("level"), "code", "code_family")
        ),
        lang=r.lang,
    )


def check_agreement_plan(spec: Any, study: Any, ds: Any) -> list[str]:
    """Gate check of an ``intercoder_agreement`` analysis: a check coder is declared, the
    unit is a shorthand or columns of the codings, the level is a column."""
    out = []
    part = spec.part
    if not study.plan.check_coders(part):
        out.append(
            f"intercoder agreement needs a check coder: declare plan.{part}.coder with "
            "{variable: <the coder column>, check: <the second coder>}"
        )
    unit = spec.options.get("unit")
    keys = UNIT_SHORTHANDS[unit][0] if isinstance(unit, str) and unit in UNIT_SHORTHANDS else unit
    keys = [keys] if isinstance(keys, str) else list(keys or ())
    for col in [*keys, spec.options.get("level")]:
        if col not in ds.frame.columns:
            out.append(f"{col!r} is not a column of {ds.name}")
    return out
