"""How structural is a collaboration: an index from behavioural indicators, a rule, and its check.

The researchers classify each collaboration (for instance ad hoc, project-based, structural).
This module makes that classification transparent and checkable:

1. **Index** (:func:`structural_index`): every behavioural indicator (a written agreement, the
   funding horizon, how often partners meet, a named contact, a referral protocol, feedback after
   a referral, joint training, embedding in policy, the Frey level ...) is rescaled to 0-1 by
   ``(code - lowest valid code) / (highest valid code - lowest valid code)``, the lowest and
   highest valid codes taken from the indicator's valid value labels in the codebook (user-missing
   codes left out; without value labels its ``minimum`` and ``maximum``), or given as ``ranges``.
   The index is the mean of the rescaled indicators a respondent answered, provided at least
   half of them (rounded up) were answered; otherwise it is missing.
2. **Rule** (:func:`classify`): one cut-off per category of the researchers' classification,
   increasing with the categories: a respondent is in the highest category whose cut-off the
   index reaches (``index >= cut-off``); below the first cut-off the collaboration has no
   structure ("none").
3. **Check** (:func:`collaboration_structure`): the index by side, the classification by side,
   its agreement with the researchers' own classification (Cohen's kappa with a 95% interval),
   a profile of the indicators by side, and how the headline numbers move when every cut-off
   moves by -0.10, -0.05, +0.05 and +0.10.

Every table goes through disclosure control (:mod:`analysis.disclosure`); see
:func:`collaboration_structure` for the rules that decide which numbers are published.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from analysis.disclosure.tables import estimates_table
from analysis.errors import BruggenError, DisclosureError
from analysis.labels import in_sentence
from analysis.numbers import fmt_int, fmt_number, fmt_pct
from analysis.results import Result, tidy, wilson_interval
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.codebook import Codebook, Variable
    from analysis.disclosure import DisclosedTable, Policy
    from analysis.plan import AnalysisSpec
    from analysis.study import Study

#: How far every cut-off moves in the sensitivity table (besides 0, the rule itself).
SHIFTS = (-0.10, -0.05, 0.05, 0.10)
#: Decimals the index is rounded to before it is compared with a cut-off (so that a mean that
#: should be 0.35 but is 0.34999999999 in floating point counts as 0.35).
_COMPARE_DECIMALS = 9
#: Landis & Koch (1977): upper bounds of kappa for each strength of agreement.
_STRENGTH = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


# -- the index -------------------------------------------------------------------------------
def indicator_ranges(
    indicators: Sequence[str],
    *,
    codebook: Codebook | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """The lowest and highest valid code of every indicator.

    ``ranges`` wins where it names an indicator; otherwise the codebook's valid value labels
    (numeric codes, user-missing codes left out), else the variable's ``minimum``/``maximum``.

    Raises
    ------
    BruggenError
        An indicator with no known range, or a range whose highest code is not above its lowest.
    """
    ranges = dict(ranges or {})
    out: dict[str, tuple[float, float]] = {}
    for name in indicators:
        if name in ranges:
            lo, hi = ranges[name]
        else:
            var = codebook.get(name) if codebook is not None else None
            lo, hi = _codebook_range(var)
            if lo is None or hi is None:
                raise BruggenError(
                    f"indicator {name!r} has no range of valid codes",
                    hint="give it value labels (or minimum and maximum) in the codebook, "
                    "or pass ranges={'" + name + "': (lowest, highest)}",
                )
        lo, hi = float(lo), float(hi)
        if not hi > lo:
            raise BruggenError(
                f"indicator {name!r}: its highest valid code ({hi:g}) is not above its lowest ({lo:g})",
                hint="an indicator needs at least two valid values",
            )
        out[name] = (lo, hi)
    return out


def indicator_scores(
    data: pd.DataFrame,
    indicators: Sequence[str],
    *,
    codebook: Codebook | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Every indicator rescaled to 0-1: ``(code - lowest valid code) / (highest - lowest)``.

    Parameters
    ----------
    data
        Respondent-level frame. An indicator may hold its stored codes (numbers) or its value
        labels (a labelled categorical, in any language the codebook translates into); labels
        are turned back into codes with the codebook.
    indicators
        The indicator columns.
    codebook, ranges
        Where the lowest and highest valid codes come from (see :func:`indicator_ranges`).

    Returns
    -------
    pandas.DataFrame
        One float column per indicator (same index as ``data``), ``NaN`` where it was not
        answered.

    Raises
    ------
    BruggenError
        A column is missing, a label is not in the codebook, or a code lies outside its range.
    """
    import pandas as pd

    _require(data, indicators)
    bounds = indicator_ranges(indicators, codebook=codebook, ranges=ranges)
    out = {}
    for name in indicators:
        var = codebook.get(name) if codebook is not None else None
        codes = _as_codes(data[name], var)
        lo, hi = bounds[name]
        outside = codes.notna() & ((codes < lo) | (codes > hi))
        if outside.any():
            raise BruggenError(
                f"indicator {name!r} holds {codes[outside].iloc[0]:g}, outside its valid codes {lo:g}-{hi:g}",
                hint="check the codebook's value labels and missing codes, or the ranges given",
            )
        out[name] = (codes - lo) / (hi - lo)
    return pd.DataFrame(out, index=data.index)


def structural_index(
    data: pd.DataFrame,
    indicators: Sequence[str],
    *,
    codebook: Codebook | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    min_answered: int | None = None,
) -> pd.Series:
    """The structural index (0-1) of each respondent's collaboration.

    Each indicator is rescaled to 0-1 (:func:`indicator_scores`: the lowest valid code is 0,
    the highest 1); the index is the mean of the rescaled indicators the respondent answered.

    Parameters
    ----------
    data
        Respondent-level frame with the indicators (codes or labelled categoricals).
    indicators
        The indicator columns (at least one).
    codebook, ranges
        Where each indicator's lowest and highest valid code come from: ``ranges``
        (``{column: (lowest, highest)}``) where given, else the codebook's valid value labels,
        else its ``minimum``/``maximum``.
    min_answered
        How many indicators must be answered for an index; default half of them, rounded up.
        Below it the index is missing (``NaN``).

    Returns
    -------
    pandas.Series
        Float, named ``structural_index``, same index as ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [0, 3, 1, None], "b": [0, 1, None, None]})
    >>> structural_index(df, ["a", "b"], ranges={"a": (0, 3), "b": (0, 1)}).round(3).tolist()
    [0.0, 1.0, 0.333, nan]
    """
    if not indicators:
        raise BruggenError("the structural index needs at least one indicator")
    scores = indicator_scores(data, indicators, codebook=codebook, ranges=ranges)
    need = _min_answered(len(indicators), min_answered)
    answered = scores.notna().sum(axis=1)
    return scores.mean(axis=1).where(answered >= need).rename("structural_index")


def _min_answered(k: int, min_answered: int | None) -> int:
    if min_answered is None:
        return math.ceil(k / 2)
    if isinstance(min_answered, bool) or not isinstance(min_answered, int) or not 1 <= min_answered <= k:
        raise BruggenError(f"min_answered must be a whole number from 1 to {k}, not {min_answered!r}")
    return min_answered


# -- the rule --------------------------------------------------------------------------------
def cutoff_problems(cutoffs: Any) -> list[str]:
    """What is wrong with a set of cut-offs (empty when nothing is): numbers in 0-1, increasing."""
    if not isinstance(cutoffs, Mapping) or not cutoffs:
        return [
            "must map each category of the classification to its cut-off, e.g. {1: 0.05, 2: 0.35, 3: 0.65}"
        ]
    out = []
    values = list(cutoffs.values())
    for key, value in cutoffs.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            out.append(f"the cut-off of {key!r} must be a number from 0 to 1, not {value!r}")
    if not out and any(b <= a for a, b in pairwise(values)):
        out.append(
            "the cut-offs must increase with the categories "
            f"({', '.join(f'{k}: {v:g}' for k, v in cutoffs.items())})"
        )
    return out


def classify(index: pd.Series, cutoffs: Mapping[Any, float], *, none: str = "none") -> pd.Series:
    """Classify the index with cut-offs: the highest category whose cut-off the index reaches.

    The rule: with cut-offs ``c_1 < c_2 < ... < c_k`` for categories ``1 ... k`` (in the order
    given), a respondent is in category ``j`` when ``c_j <= index < c_(j+1)`` (the last category
    from ``c_k`` up to and including 1), and in ``none`` below ``c_1``. An index exactly at a
    cut-off belongs to the higher category. A missing index stays missing.

    Parameters
    ----------
    index
        The structural index (0-1), e.g. from :func:`structural_index`.
    cutoffs
        Category -> its lowest index, increasing, within 0-1 (``{"ad hoc": 0.05, "project":
        0.35, "structural": 0.65}``).
    none
        The label of the class below the first cut-off; left out when the first cut-off is 0
        (nobody can be below it).

    Returns
    -------
    pandas.Series
        Ordered categorical (``none`` first, then the categories in the order of the cut-offs),
        same index as ``index``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([0.0, 0.05, 0.2, 0.35, 0.8, None])
    >>> classify(s, {"ad hoc": 0.05, "project": 0.35, "structural": 0.65}).tolist()
    ['none', 'ad hoc', 'ad hoc', 'project', 'structural', nan]
    """
    problems = cutoff_problems(cutoffs)
    if problems:
        raise BruggenError(
            f"cut-offs: {problems[0]}", hint="e.g. {'ad hoc': 0.05, 'project': 0.35, 'structural': 0.65}"
        )
    return _assign(index, [str(k) for k in cutoffs], [float(v) for v in cutoffs.values()], none)


def _assign(index: pd.Series, labels: list[str], cuts: list[float], none: str) -> pd.Series:
    """The rule of :func:`classify` without checks (cut-offs may touch after a shift)."""
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(index, errors="coerce").to_numpy(dtype=float)
    classes = [none, *labels] if cuts[0] > 0 else labels
    offset = 0 if cuts[0] > 0 else -1
    position = np.searchsorted(np.asarray(cuts, float), np.round(values, _COMPARE_DECIMALS), side="right")
    codes = np.where(np.isnan(values), -1, position + offset).astype(int)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=classes, ordered=True), index=index.index, name="class"
    )


# -- agreement -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of a square agreement table, with its 95% interval.

    ``std_error`` is the large-sample standard error of Fleiss, Cohen and Everitt (1969), the
    one SAS (``ASE``), R ``psych::cohen.kappa`` (``var.kappa``) and statsmodels report; the
    interval is ``kappa +/- 1.96 std_error``. ``agreement`` is the observed share of agreement,
    ``expected`` the share expected by chance from the margins.
    """

    kappa: float
    std_error: float
    ci_low: float
    ci_high: float
    agreement: float
    expected: float
    n: int

    @property
    def defined(self) -> bool:
        return not math.isnan(self.kappa)


def cohens_kappa(table: Any) -> tuple[Kappa, Any]:
    """Cohen's kappa of a square table of counts (rows: one rater, columns: the other, same order).

    Returns the :class:`Kappa` and statsmodels' ``KappaResults`` (None when kappa is not
    defined: no observations, or every observation in one category for both raters).
    """
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise BruggenError("Cohen's kappa needs a square table (the same categories for both raters)")
    n = float(t.sum())
    nan = float("nan")
    if n == 0:
        return Kappa(nan, nan, nan, nan, nan, nan, 0), None
    p = t / n
    observed = float(np.trace(p))
    expected = float(p.sum(axis=1) @ p.sum(axis=0))
    if expected >= 1 - 1e-12:
        return Kappa(nan, nan, nan, nan, observed, expected, int(n)), None
    res = sm_kappa(t)
    se = float(math.sqrt(res.var_kappa)) if res.var_kappa >= 0 else nan
    return (
        Kappa(float(res.kappa), se, float(res.kappa_low), float(res.kappa_upp), observed, expected, int(n)),
        res,
    )


# -- the result ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Variant:
    """The published numbers of one set of cut-offs (the rule itself, or a shifted one)."""

    shift: float
    cuts: tuple[float, ...]
    table: DisclosedTable  # classification by group
    agreement: DisclosedTable | None  # researchers' class x (same, other)
    kappa: Kappa | None
    kappa_published: bool
    #: Whether the row's structural shares may be shown (see :func:`_publish_shifts`).
    shares_published: bool = True


class CollaborationStructure(Result):
    """The structural index, its classification and their check (see :func:`collaboration_structure`)."""

    key = "collaboration_index"

    def __init__(
        self,
        *,
        by: str,
        form: str,
        indicators: Sequence[str],
        classes: Sequence[str],
        cutoffs: Mapping[str, float],
        structural: str,
        min_answered: int,
        variants: Sequence[_Variant] = (),
        index_means: DisclosedTable | None = None,
        index_stats: Mapping[str, tuple[float, float]] | None = None,
        profile: Mapping[str, DisclosedTable] | None = None,
        n_small_groups: int = 0,
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
    ):
        self.by, self.form, self.lang = by, form, lang
        self.indicators = tuple(indicators)
        #: The classes of the rule, lowest first (``none`` first when the first cut-off is above 0).
        self.classes = tuple(classes)
        #: Category of the researchers' classification -> its cut-off (the rule as declared).
        self.cutoffs = dict(cutoffs)
        #: The class whose share the findings report (the declared structural category).
        self.structural = structural
        self.min_answered = min_answered
        self._variants = {v.shift: v for v in variants}
        self._index = index_means
        self._index_stats = dict(index_stats or {})
        self._profile = dict(profile or {})
        self.labels = dict(labels or {})
        #: Groups left out because fewer than the policy's ``min_count`` respondents have an index.
        self.n_small_groups = n_small_groups

    # -- state ------------------------------------------------------------------------
    @property
    def empty(self) -> bool:
        """Every group was too small: nothing to publish."""
        return 0.0 not in self._variants

    @property
    def kappa(self) -> Kappa | None:
        """Cohen's kappa of the rule against the researchers' classification (unsuppressed)."""
        return None if self.empty else self._variants[0.0].kappa

    def summary(self):
        """statsmodels' kappa results (kappa, ASE, interval, test of kappa = 0), for the researcher."""
        if self.fit is None:
            raise NotImplementedError("kappa is not defined for these data (too few, or one category)")
        return self.fit

    def title(self, lang: str | None = None) -> str:
        """The caption of the figure (the indicator profile); the table carries its own."""
        return self.profile_title(lang)

    def table(self) -> DisclosedTable:
        """The classification by group (row percentages), through disclosure control."""
        if self.empty:
            raise DisclosureError(
                "every group has fewer respondents than the disclosure threshold: there is no table",
                hint="report on a coarser grouping or a larger area",
            )
        return self._variants[0.0].table

    # -- published numbers --------------------------------------------------------------
    def profile(self, lang: str | None = None) -> pd.DataFrame:
        """Mean 0-1 score per indicator (rows: labels, then the index) per group (and the total).

        A hidden mean (a group below the threshold, or one that would reveal it) is ``NaN``.
        """
        import pandas as pd

        t = words(lang or self.lang, "structure")
        rows = {}
        for column, table in [*self._profile.items(), ("", self._index)]:
            if table is None:
                continue
            label = self.labels.get(column, column) if column else t["index"]
            rows[label] = {
                g: (float(v) if table.status.at[g, "mean"] == "shown" and v is not None else float("nan"))
                for g, v in zip(table.values.index, table.values["mean"], strict=True)
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def sensitivity(self, lang: str | None = None) -> pd.DataFrame:
        """The headline numbers per shift of every cut-off (published values; ``NaN`` where hidden).

        Columns: ``shift``, ``cutoffs`` (as text), ``share: <group>`` (share, 0-1, of the
        structural class per group, the total last) and ``kappa``.
        """
        import pandas as pd

        lang = lang or self.lang
        rows = []
        for shift in sorted(self._variants):
            v = self._variants[shift]
            row: dict[str, Any] = {
                "shift": shift,
                "cutoffs": " / ".join(fmt_number(c, 2, lang) for c in v.cuts),
            }
            for group, share in self._shares(v).items():
                row[f"share: {group}"] = share
            row["kappa"] = v.kappa.kappa if v.kappa_published and v.kappa is not None else float("nan")
            rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """Every published number as tidy rows; ``part`` says which table it comes from.

        ``part``:

        - ``classification``: term ``group: class``, estimate the share (0-1) with a Wilson 95%
          interval, n the group's size; the total as the group named as in the table.
        - ``index``: term ``index: group``, the mean index with its standard error and a
          t-interval, n.
        - ``profile``: term ``indicator: group``, the mean 0-1 score of an indicator.
        - ``agreement``: term ``kappa`` (Cohen's kappa, its standard error and 95% interval) and
          ``agreement`` (the observed share of agreement), when publishable.
        - ``sensitivity``: term ``shift: group`` (share of the structural class) and
          ``shift: kappa``; ``shift`` as a number.
        """
        rows: list[dict[str, Any]] = []
        if self.empty:
            return tidy(rows)
        main = self._variants[0.0]
        for group, cls, k, n in _published_cells(main.table):
            lo, hi = wilson_interval(k, n)
            rows.append(
                {
                    "term": f"{group}: {cls}",
                    "estimate": k / n,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "part": "classification",
                    "group": group,
                    "category": cls,
                }
            )
        if self._index is not None:
            for group, (n, mean) in _published_means(self._index).items():
                sd, _ = self._index_stats.get(group, (float("nan"), 0))
                se = sd / math.sqrt(n) if n > 1 else float("nan")
                lo, hi = _t_interval(mean, se, n)
                rows.append(
                    {
                        "term": f"index: {group}",
                        "estimate": mean,
                        "std_error": se,
                        "ci_low": lo,
                        "ci_high": hi,
                        "n": n,
                        "part": "index",
                        "group": group,
                    }
                )
        for column, table in self._profile.items():
            label = self.labels.get(column, column)
            for group, (n, mean) in _published_means(table).items():
                rows.append(
                    {
                        "term": f"{label}: {group}",
                        "estimate": mean,
                        "n": n,
                        "part": "profile",
                        "group": group,
                        "category": label,
                    }
                )
        if main.kappa_published and main.kappa is not None:
            kp = main.kappa
            rows.append(
                {
                    "term": "kappa",
                    "estimate": kp.kappa,
                    "std_error": kp.std_error,
                    "ci_low": kp.ci_low,
                    "ci_high": kp.ci_high,
                    "p_value": _kappa_p(self.fit),
                    "n": kp.n,
                    "part": "agreement",
                }
            )
            rows.append({"term": "agreement", "estimate": kp.agreement, "n": kp.n, "part": "agreement"})
        for shift in sorted(self._variants):
            v = self._variants[shift]
            for group, share in self._shares(v).items():
                if share == share:
                    rows.append(
                        {
                            "term": f"{shift:+.2f}: {group}",
                            "estimate": share,
                            "part": "sensitivity",
                            "group": group,
                            "category": self.structural,
                            "shift": shift,
                        }
                    )
            if v.kappa_published and v.kappa is not None:
                rows.append(
                    {
                        "term": f"{shift:+.2f}: kappa",
                        "estimate": v.kappa.kappa,
                        "n": v.kappa.n,
                        "part": "sensitivity",
                        "shift": shift,
                    }
                )
        return tidy(rows)

    # -- views -----------------------------------------------------------------------------
    def figure(self, lang: str | None = None) -> go.Figure:
        """The indicator profile: mean 0-1 score per indicator, one bar per group."""
        from analysis.figures import grouped_bars

        lang = lang or self.lang
        t = words(lang, "structure")
        profile = self.profile(lang)
        groups = [c for c in profile.columns[:-1]] if len(profile.columns) > 1 else list(profile.columns)
        shown = profile[groups].dropna(how="all", axis=1)
        note = t["hidden"] if self.n_small_groups or shown.shape[1] < len(groups) else None
        return grouped_bars(
            shown,
            title=self.profile_title(lang),
            x_title=t["profile_x"],
            legend_title=self.labels.get(self.by, self.by),
            x_range=(0, 1),
            decimals=2,
            note=note,
        )

    def profile_title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "structure")["profile_title"].format(
            by=in_sentence(self.labels.get(self.by, self.by))
        )

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The profile, the agreement with the researchers' classification and the sensitivity table."""
        if self.empty:
            return []
        lang = lang or self.lang
        t = words(lang, "structure")
        out = [(self.profile_title(lang), self._profile_table(lang))]
        main = self._variants[0.0]
        if main.agreement is not None:
            out.append((t["agreement_title"], main.agreement))
        out.append((t["sensitivity_title"], self._sensitivity_table(lang)))
        return out

    def more_tables(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The tables of :meth:`extra_tables`; the agreement with its kappa below it."""
        lang = lang or self.lang
        agreement = words(lang, "structure")["agreement_title"]
        return [
            (caption, html + self._kappa_html(lang) if caption == agreement else html)
            for caption, html in super().more_tables(lang)
        ]

    def findings(self, lang: str | None = None) -> list[str]:
        """Sentences: the share classified structural (overall, per group), the mean index, the
        agreement with the researchers (kappa) and how the numbers move with the cut-offs."""
        lang = lang or self.lang
        t = words(lang, "structure")
        if self.empty:
            return [t["none"]]
        main = self._variants[0.0]
        values, pct, status = main.table.values, main.table.percent, main.table.percent_status
        out: list[str] = []
        cls = self.structural
        if cls in values.columns and status.iloc[-1][cls] == "shown":
            out.append(
                t["overall"].format(
                    pct=fmt_pct(pct.iloc[-1][cls], 0, lang),
                    n=fmt_int(values.iloc[-1, -1], lang),
                    label=in_sentence(cls),
                    cut=fmt_number(self.cutoffs[cls], 2, lang),
                )
            )
            for i, group in enumerate(values.index[:-1]):
                if status.iloc[i][cls] == "shown":
                    out.append(
                        t["group"].format(
                            group=in_sentence(str(group)),
                            pct=fmt_pct(pct.iloc[i][cls], 0, lang),
                            n=fmt_int(values.iloc[i, -1], lang),
                        )
                    )
        if self._index is not None:
            means = _published_means(self._index)
            total = self._index.values.index[-1]
            if total in means:
                n, mean = means[total]
                out.append(
                    t["index_overall"].format(
                        mean=fmt_number(mean, 2, lang), n=fmt_int(n, lang), k=len(self.indicators)
                    )
                )
            groups = [(g, m) for g, (n, m) in means.items() if g != total]
            if groups:
                out.append(
                    t["index_groups"].format(
                        groups=_join(
                            [
                                t["index_group"].format(group=in_sentence(g), mean=fmt_number(m, 2, lang))
                                for g, m in groups
                            ],
                            lang,
                        )
                    )
                )
        if main.kappa_published and main.kappa is not None:
            kp = main.kappa
            out.append(
                t["agreement"].format(
                    pct=fmt_pct(100 * kp.agreement, 0, lang),
                    kappa=fmt_number(kp.kappa, 2, lang),
                    lo=fmt_number(kp.ci_low, 2, lang),
                    hi=fmt_number(kp.ci_high, 2, lang),
                    strength=t["strength_" + _strength(kp.kappa)],
                )
            )
        else:
            out.append(t["agreement_none"])
        sens = self.sensitivity(lang)
        total_col = f"share: {values.index[-1]}"
        if len(sens) > 1 and total_col in sens:
            shares, kappas = sens[total_col].dropna(), sens["kappa"].dropna()
            if len(shares) and len(kappas):
                out.append(
                    t["sensitivity"].format(
                        step=fmt_number(max(abs(s) for s in self._variants if s), 2, lang),
                        label=in_sentence(cls),
                        low=fmt_pct(100 * shares.min(), 0, lang),
                        high=fmt_pct(100 * shares.max(), 0, lang),
                        k_low=fmt_number(kappas.min(), 2, lang),
                        k_high=fmt_number(kappas.max(), 2, lang),
                    )
                )
        out.append(self.rule(lang))
        return out

    def rule(self, lang: str | None = None) -> str:
        """The index and the classification rule in words (also under the tables)."""
        lang = lang or self.lang
        t = words(lang, "structure")
        classes = [
            t["rule_class"].format(label=in_sentence(str(k)), cut=fmt_number(v, 2, lang))
            for k, v in self.cutoffs.items()
        ]
        first = next(iter(self.cutoffs.values()))
        text = t["rule"].format(k=len(self.indicators), m=self.min_answered, classes=_join(classes, lang))
        if first > 0:
            text += " " + t["rule_none"].format(
                none=in_sentence(self.classes[0]), cut=fmt_number(first, 2, lang)
            )
        return text

    # -- helpers ---------------------------------------------------------------------------
    def _shares(self, v: _Variant) -> dict[str, float]:
        """Published share (0-1) of the structural class per group and in total (NaN if hidden)."""
        values, pct, status = v.table.values, v.table.percent, v.table.percent_status
        cls = self.structural
        out = {}
        for i, group in enumerate(values.index):
            if v.shares_published and cls in values.columns and status.iloc[i][cls] == "shown":
                out[str(group)] = float(pct.iloc[i][cls]) / 100
            else:
                out[str(group)] = float("nan")
        return out

    def _profile_table(self, lang: str) -> DisclosedTable:
        t = words(lang, "structure")
        profile = self.profile(lang)
        body = [
            [str(label), *[_fmt(v, 2, lang) for v in row]]
            for label, row in zip(profile.index, profile.to_numpy(), strict=True)
        ]
        notes = [t["profile_note"]]
        if any(v != v for v in profile.to_numpy().ravel()):
            notes.append(t["fn_hidden"].format(m=self._index.policy.min_count if self._index else ""))
        return estimates_table(
            t["profile_name"],
            [t["indicator"], *map(str, profile.columns)],
            body,
            notes,
            stat=True,
            policy=self._variants[0.0].table.policy,
            title=self.profile_title(lang),
            lang=lang,
        )

    def _kappa_html(self, lang: str) -> str:
        """Kappa and its interval, the line below the agreement table."""
        t = words(lang, "structure")
        main = self._variants[0.0]
        if main.kappa_published and main.kappa is not None:
            kp = main.kappa
            line = t["kappa_line"].format(
                kappa=fmt_number(kp.kappa, 2, lang),
                lo=fmt_number(kp.ci_low, 2, lang),
                hi=fmt_number(kp.ci_high, 2, lang),
                n=fmt_int(kp.n, lang),
            )
        else:
            line = t["agreement_none"]
        return f'<p class="bruggen-footnote">{html.escape(line)}</p>\n'

    def _sensitivity_table(self, lang: str) -> DisclosedTable:
        t = words(lang, "structure")
        sens = self.sensitivity(lang)
        shares = [c for c in sens.columns if c.startswith("share: ")]
        header = [t["shift"], t["cutoffs"]]
        header += [
            t["share"].format(label=in_sentence(self.structural), group=c[len("share: ") :]) for c in shares
        ]
        header.append(t["kappa"])
        body = []
        for row in sens.to_dict("records"):
            shift = row["shift"]
            shift_text = (
                t["rule_itself"]
                if shift == 0
                else ("+" if shift > 0 else "−") + fmt_number(abs(shift), 2, lang)
            )
            body.append(
                [
                    shift_text,
                    row["cutoffs"],
                    *[_fmt(100 * row[c], 0, lang, pct=True) for c in shares],
                    _fmt(row["kappa"], 2, lang),
                ]
            )
        notes = [t["sensitivity_note"]]
        if sens.drop(columns=["shift", "cutoffs"]).isna().to_numpy().any():
            notes.append(t["fn_hidden_sensitivity"])
        policy = self._variants[0.0].table.policy
        title = t["sensitivity_title"]
        return estimates_table(title, header, body, notes, policy=policy, title=title, lang=lang)


def collaboration_structure(
    data: pd.DataFrame,
    *,
    indicators: Sequence[str],
    form: str,
    side: str,
    cutoffs: Mapping[Any, float],
    policy: Policy,
    structural: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
    codebook: Codebook | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    min_answered: int | None = None,
    shifts: Sequence[float] = SHIFTS,
) -> CollaborationStructure:
    """The structural index, its classification by a rule, and how well the rule agrees with the
    researchers' own classification.

    Parameters
    ----------
    data
        Respondent-level frame with the indicators, the researchers' classification and the
        grouping.
    indicators
        The behavioural indicator columns (codes or labelled categoricals; see
        :func:`structural_index`).
    form
        The researchers' classification (a labelled categorical: ad hoc, project-based,
        structural).
    side
        The grouping column (the side; any grouping works).
    cutoffs
        One cut-off (0-1) per category of ``form``, keyed by the category as it stands in
        ``data`` (or a number equal to it), increasing with the categories' order (see
        :func:`classify`). Every category of ``form`` needs one, so that the rule's classes are
        the researchers' classes (plus "none" below the first cut-off).
    policy
        The disclosure policy.
    structural
        The category whose share the findings report; default the highest.
    labels
        Variable labels (column -> label) for titles, headers and the profile's rows.
    lang
        ``nl`` or ``en`` (the table words and the "none" class).
    codebook, ranges, min_answered
        See :func:`structural_index`.
    shifts
        How far every cut-off moves (together) in the sensitivity table; shifted cut-offs are
        kept within 0-1.

    Returns
    -------
    CollaborationStructure
        ``table()`` the classification by group with row percentages; ``figure()`` the
        indicator profile by group; ``extra_tables()`` the profile, the agreement and the
        sensitivity table; ``findings()``; ``to_frame()`` (see
        :meth:`CollaborationStructure.to_frame`); ``fit`` statsmodels' kappa results
        (``summary()``), on unsuppressed counts: for the researcher only.

    Notes
    -----
    Which respondents count: those with an index (enough indicators answered) and a value of
    ``side``; the agreement also needs a value of ``form``. Groups with fewer respondents than
    ``policy.min_count`` are left out before anything is computed (their size is not
    published; the figure says that groups are missing).

    What is published, and why it is safe:

    - the classification by group and the agreement table (each class of ``form`` split into
      "same class by the rule" and "another class") are counts through
      :func:`analysis.disclosure.crosstab` (primary and secondary suppression);
    - the index and indicator means per group go through :func:`analysis.disclosure.group_means`
      (no mean of fewer than ``min_count`` respondents, and none that would reveal one);
    - kappa and the observed agreement are computed from the diagonal and the margins of the
      agreement table. They are published only when those numbers are published themselves
      (the "same class" total, every class total of ``form`` and of the rule, and the grand
      total), so they reveal no hidden count. Its interval also involves the disagreeing cells,
      each weighted; published to two decimals it cannot be solved for any of them;
    - the sensitivity table shows, per shift, the structural share where the shifted
      classification table would publish it, and kappa under the same rule as above.
      Percentages are whole numbers.
    """
    import pandas as pd

    from analysis.disclosure import crosstab, group_means

    labels = dict(labels or {})
    _require(data, [*indicators, form, side])
    t = words(lang, "structure")
    need = _min_answered(len(indicators), min_answered)
    index = structural_index(data, indicators, codebook=codebook, ranges=ranges, min_answered=need)
    scores = indicator_scores(data, indicators, codebook=codebook, ranges=ranges)

    form_cats = _categories(data[form])
    ordered = _order_cutoffs(cutoffs, form_cats, form)
    class_labels = [str(c) for c, _ in ordered]
    cuts = [v for _, v in ordered]
    structural = str(structural) if structural is not None else class_labels[-1]
    if structural not in class_labels:
        raise BruggenError(f"the structural category {structural!r} is not a category of {form!r}")
    none = t["none_class"]
    if none in class_labels:
        none = f"{none} ({t['index'].lower()})"
    classes = ([none] if cuts[0] > 0 else []) + class_labels

    # who counts: an index and a group; groups below the threshold are left out
    groups = data[side]
    keep = index.notna() & groups.notna()
    sizes = groups[keep].astype("string").value_counts()
    small = sorted(str(g) for g, n in sizes.items() if n < policy.min_count)
    keep &= ~groups.astype("string").isin(small)
    base = dict(
        by=side,
        form=form,
        indicators=indicators,
        classes=classes,
        cutoffs=dict(zip(class_labels, cuts, strict=True)),
        structural=structural,
        min_answered=need,
        labels=labels,
        lang=lang,
        n_small_groups=len(small),
    )
    if not keep.any():
        return CollaborationStructure(**base)

    group_col, form_col, index_col, class_col = "__group", "__form", "__index", "__class"
    group_values = groups[keep]
    if isinstance(group_values.dtype, pd.CategoricalDtype):
        group_values = group_values.cat.remove_unused_categories()
    researchers = pd.Series(
        pd.Categorical(
            [None if _missing(v) else _match(v, form_cats) for v in data.loc[keep, form]],
            categories=class_labels,
            ordered=True,
        ),
        index=group_values.index,
    )
    frame = pd.DataFrame({group_col: group_values, form_col: researchers, index_col: index[keep]})
    frame_labels = {
        group_col: labels.get(side, side),
        form_col: labels.get(form, form),
        class_col: t["rule_classes"],
    }

    variants = []
    raw: dict[float, tuple[list[int], int]] = {}  # unpublished: structural counts, agreeing count
    for shift in sorted({0.0, *(round(float(s), 10) for s in shifts)}):
        moved = [round(min(1.0, max(0.0, c + shift)), _COMPARE_DECIMALS) for c in cuts]  # 0.65 + 0.05 is 0.7
        assigned = _assign(frame[index_col], class_labels, moved, none)
        assigned = assigned.cat.set_categories(classes, ordered=True)
        framed = frame.assign(**{class_col: assigned})
        title = t["title"].format(by=in_sentence(labels.get(side, side)))
        table = crosstab(
            framed,
            rows=group_col,
            cols=class_col,
            policy=policy,
            percent="row",
            name=title if shift == 0 else f"{title} ({shift:+.2f})",
            title=title,
            lang=lang,
            labels=frame_labels,
        )
        agreement, kp, published = _agreement(
            framed, form_col, class_col, classes, policy, lang, frame_labels, t
        )
        # kappa's chance agreement uses the rule's totals of the researchers' classes ("none" is
        # not one of them: its total is multiplied by zero), and the grand total
        needed = [*class_labels, table.values.columns[-1]]
        published = published and bool((table.status.iloc[-1][needed] == "shown").all())
        variants.append(_Variant(shift, tuple(moved), table, agreement, kp, published))
        structural_counts = framed.groupby(group_col, observed=False)[class_col].apply(
            lambda c: int((c == structural).sum())
        )
        raw[shift] = (
            [*structural_counts.tolist(), int((framed[class_col] == structural).sum())],
            int((framed[form_col].astype(object) == framed[class_col].astype(object)).sum()),
        )
    variants = _publish_shifts(variants, raw, policy.min_count)

    # means: the index and each indicator's 0-1 score per group
    index_table = group_means(frame, index_col, group_col, policy, lang=lang, decimals=2, name=t["index"])
    stats = {
        str(g): (float(s.std(ddof=1)) if len(s) > 1 else float("nan"), len(s))
        for g, s in frame.groupby(group_col, observed=True)[index_col]
    }
    stats[str(index_table.values.index[-1])] = (float(frame[index_col].std(ddof=1)), len(frame))
    profile = {}
    for name in indicators:
        sub = pd.DataFrame({group_col: group_values, "__score": scores.loc[keep, name]})
        profile[name] = group_means(
            sub, "__score", group_col, policy, lang=lang, decimals=2, name=labels.get(name, name)
        )

    result = CollaborationStructure(
        **base, variants=variants, index_means=index_table, index_stats=stats, profile=profile
    )
    # the researcher's view: statsmodels' kappa results of the rule itself
    main = frame.assign(**{class_col: _assign(frame[index_col], class_labels, cuts, none)})
    square = _square(main, form_col, class_col, classes)
    _, result.fit = cohens_kappa(square.to_numpy())
    return result


def _publish_shifts(
    variants: list[_Variant], raw: dict[float, tuple[list[int], int]], min_count: int
) -> list[_Variant]:
    """Guard the sensitivity table against differencing.

    Two rows of the table differ by the respondents whose index lies between their cut-offs: a
    shifted row's structural shares are shown only when, in every group and in total, its
    count of the structural class differs from that of every row already shown by 0 or by at
    least ``min_count``; likewise its kappa, for the count of respondents the rule puts in the
    researchers' class. Rows are taken from the rule itself outwards (-0.05, +0.05, -0.10 ...).
    """
    from dataclasses import replace

    def safe(a: int, b: int) -> bool:
        return a == b or abs(a - b) >= min_count

    by_shift = {v.shift: v for v in variants}
    order = sorted(by_shift, key=lambda s: (abs(s), s))
    shown_counts: list[list[int]] = []
    shown_same: list[int] = []
    out = {}
    for shift in order:
        v = by_shift[shift]
        counts, same = raw[shift]
        shares_ok = all(safe(a, b) for other in shown_counts for a, b in zip(counts, other, strict=True))
        kappa_ok = v.kappa_published and all(safe(same, other) for other in shown_same)
        if shares_ok:
            shown_counts.append(counts)
        if kappa_ok:
            shown_same.append(same)
        out[shift] = v if shift == 0 else replace(v, shares_published=shares_ok, kappa_published=kappa_ok)
    return [out[s] for s in sorted(out)]


def _agreement(framed, form_col, class_col, classes, policy, lang, frame_labels, t):
    """The disclosed agreement table (researchers' class x same/other), kappa, and whether kappa
    may be published (the numbers it is computed from are)."""
    import pandas as pd

    from analysis.disclosure import crosstab

    both = framed.dropna(subset=[form_col, class_col])
    if both.empty:
        return None, None, False
    square = _square(both, form_col, class_col, classes)
    kp, _ = cohens_kappa(square.to_numpy())
    same = both[form_col].astype(str) == both[class_col].astype(str)
    verdict = pd.Series(
        pd.Categorical([t["same"] if s else t["other"] for s in same], categories=[t["same"], t["other"]]),
        index=both.index,
    )
    table = crosstab(
        both.assign(__verdict=verdict),
        rows=form_col,
        cols="__verdict",
        policy=policy,
        percent="row",
        name=t["agreement_title"],
        lang=lang,
        labels={**frame_labels, "__verdict": t["rule_classes"]},
    )
    status = table.status
    published = (
        kp.defined
        and (status.iloc[:, -1] == "shown").all()  # every class total of the researchers
        and status.iloc[-1, 0] == "shown"  # the "same class" total
        and status.iloc[-1, -1] == "shown"
    )
    return table, kp, bool(published)


def _square(frame, form_col, class_col, classes):
    """Counts of the rule's class (rows) by the researchers' class (columns), both over ``classes``."""
    import pandas as pd

    rule = pd.Categorical(frame[class_col].astype(object), categories=classes)
    theirs = pd.Categorical(frame[form_col].astype(object), categories=classes)
    return pd.crosstab(rule, theirs, dropna=False).reindex(index=classes, columns=classes, fill_value=0)


# -- plan ------------------------------------------------------------------------------------
def from_plan(r: Run) -> Result:
    """The runner of the ``collaboration_index`` analysis kind (see :mod:`analysis.analyses`)."""
    from analysis.errors import StudyConfigError
    from analysis.labels import declared_label

    if not r.plan.indicators:
        raise StudyConfigError(
            f"{r.spec.key}: the collaboration index needs plan.{r.part}.indicators",
            path=r.vs.study.source,
            hint=f"list the behavioural indicators under plan.{r.part}.indicators in study.yml",
        )
    r.plan.binding(r.part, "collaboration_form")  # a clear error when the plan lacks it
    form = r.column("collaboration_form")
    side = r.column(r.option("by"))
    indicators = [r.column(name) for name in r.plan.indicators]
    codebook = r.vs.dataset(r.dataset).codebook
    problems = _plan_cutoff_problems(r.option("cutoffs"), codebook.get(form))
    if problems:
        raise StudyConfigError(f"{r.spec.key}.cutoffs: {problems[0]}", path=r.vs.study.source)
    var = codebook.get(form)
    cutoffs = {
        declared_label(var, key, r.lang, r.vs.language): float(value)
        for key, value in r.option("cutoffs").items()
    }
    return collaboration_structure(
        r.frame,
        indicators=indicators,
        form=form,
        side=side,
        cutoffs=cutoffs,
        policy=r.policy,
        structural=r.declared("collaboration_form", "structural"),
        labels=r.labels,
        lang=r.lang,
        codebook=codebook,
        min_answered=r.option("min_answered"),
    )


def check_plan(spec: AnalysisSpec, study: Study, dataset: Any) -> list[str]:
    """The gate's check of a ``collaboration_index`` analysis: indicators, and cut-offs that are
    numbers in 0-1, one per category of the collaboration form, increasing with its codes."""
    plan = study.plan
    out = []
    if not plan.indicators:
        out.append("needs plan.survey.indicators (the behavioural indicators of the index)")
    for name in plan.indicators:
        if name not in dataset.frame.columns:
            out.append(f"plan.survey.indicators: {name!r} is not a variable of {dataset.name}")
            continue
        lo, hi = _codebook_range(dataset.codebook.get(name))
        if lo is None or hi is None or not hi > lo:
            out.append(
                f"plan.survey.indicators: {name!r} needs numeric value labels (or minimum and maximum) "
                "in the codebook, for its range of valid codes"
            )
    if not plan.has("survey", "collaboration_form"):
        out.append("needs plan.survey.collaboration_form (the researchers' classification)")
        return out
    var = dataset.codebook.get(plan.column("survey", "collaboration_form"))
    out += [f"cutoffs: {p}" for p in _plan_cutoff_problems(spec.options.get("cutoffs"), var)]
    n = spec.options.get("min_answered")
    if n is not None and (
        isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= max(1, len(plan.indicators))
    ):
        out.append(f"min_answered: must be a whole number from 1 to {len(plan.indicators)}, not {n!r}")
    return out


def _plan_cutoff_problems(cutoffs: Any, var: Variable | None) -> list[str]:
    """Cut-offs keyed by the collaboration form's codes or labels: one per valid category, numbers
    in 0-1, increasing with the codes."""
    from analysis.labels import declared_code

    if cutoffs is None:
        return [
            "missing: give a cut-off (0-1) per category of the collaboration form, e.g. {1: 0.05, 2: 0.35, 3: 0.65}"
        ]
    problems = cutoff_problems(cutoffs)
    if problems or var is None or not var.valid_labels:
        return problems
    codes = list(var.valid_labels)
    found: dict[Any, float] = {}
    for key, value in cutoffs.items():
        code = declared_code(var, key)
        if code is None or code not in codes:
            return [f"{key!r} is neither a code nor a label of {var.name} ({_show_labels(var)})"]
        if code in found:
            return [f"{key!r} names a category that already has a cut-off"]
        found[code] = value
    missing = [c for c in codes if c not in found]
    if missing:
        return [
            f"no cut-off for {var.valid_labels[missing[0]]!r} ({missing[0]}): every category of {var.name} needs one"
        ]
    in_order = [found[c] for c in sorted(codes, key=_sort_key)]
    if any(b <= a for a, b in pairwise(in_order)):
        return [f"the cut-offs must increase with the codes of {var.name} ({_show_labels(var)})"]
    return []


def _show_labels(var: Variable) -> str:
    return ", ".join(f"{k} {v}" for k, v in var.valid_labels.items())


def _sort_key(code: Any) -> tuple[int, Any]:
    try:
        return (0, float(code))
    except (TypeError, ValueError):
        return (1, str(code))


# -- helpers ---------------------------------------------------------------------------------
def _require(data: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise BruggenError(
            f"the data have no column {missing[0]!r}",
            hint="check the variable names in the codebook and in the plan in study.yml",
        )


def _codebook_range(var: Variable | None) -> tuple[float | None, float | None]:
    if var is None:
        return None, None
    codes = []
    for k in var.valid_labels:
        try:
            if not isinstance(k, bool):
                codes.append(float(k))
        except (TypeError, ValueError):
            pass
    if codes:
        return min(codes), max(codes)
    return var.minimum, var.maximum


def _as_codes(series: pd.Series, var: Variable | None) -> pd.Series:
    """Stored codes of a column given as codes or as value labels (in any language of ``var``)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        return series.astype(float)
    mapping: dict[str, Any] = {}
    if var is not None:
        for lang in [None, *var.translations]:
            for code, label in var.value_labels_in(lang).items():
                mapping.setdefault(str(label), code)

    def code(value: Any) -> float:
        if _missing(value):
            return float("nan")
        if str(value) in mapping:
            return float(mapping[str(value)])
        try:
            return float(value)
        except (TypeError, ValueError):
            raise BruggenError(
                f"{series.name!r} holds {value!r}, which is not one of its value labels",
                hint="pass the codes, or the codebook whose value labels the column carries",
            ) from None

    return series.astype(object).map(code).astype(float)


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _categories(series: pd.Series) -> list[Any]:
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    values = series.dropna().unique()
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _same(a: Any, b: Any) -> bool:
    if str(a) == str(b):
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _match(value: Any, categories: Sequence[Any]) -> str:
    for c in categories:
        if _same(value, c):
            return str(c)
    return str(value)


def _order_cutoffs(
    cutoffs: Mapping[Any, float], categories: Sequence[Any], form: str
) -> list[tuple[Any, float]]:
    """The cut-offs in the order of the form's categories, checked."""
    problems = cutoff_problems(cutoffs)
    if problems:
        raise BruggenError(f"cut-offs: {problems[0]}")
    by_category: dict[Any, float] = {}
    for key, value in cutoffs.items():
        hits = [c for c in categories if _same(key, c)]
        if not hits:
            raise BruggenError(
                f"cut-offs: {key!r} is not a category of {form!r}",
                hint=f"categories: {', '.join(map(str, categories))}",
            )
        by_category[hits[0]] = float(value)
    missing = [c for c in categories if c not in by_category]
    if missing:
        raise BruggenError(
            f"cut-offs: no cut-off for {missing[0]!r}: every category of {form!r} needs one",
            hint=f"categories: {', '.join(map(str, categories))}",
        )
    ordered = [(c, by_category[c]) for c in categories]
    values = [v for _, v in ordered]
    if any(b <= a for a, b in pairwise(values)):
        raise BruggenError(
            f"cut-offs must increase with the categories of {form!r}",
            hint=", ".join(f"{c}: {v:g}" for c, v in ordered),
        )
    return ordered


def _published_cells(table: DisclosedTable):
    """(group, class, count, group total) for every published interior cell (the total row too)."""
    values, status = table.values, table.status
    for i, group in enumerate(values.index):
        n = values.iloc[i, -1]
        if n is None or status.iloc[i, -1] != "shown" or not n:
            continue
        for j, cls in enumerate(values.columns[:-1]):
            k = values.iloc[i, j]
            if k is not None and status.iloc[i, j] == "shown":
                yield str(group), str(cls), int(k), int(n)


def _published_means(table: DisclosedTable) -> dict[str, tuple[int, float]]:
    """group -> (n, mean) for every published mean of a ``group_means`` table (the total last)."""
    out = {}
    for group in table.values.index:
        mean, n = table.values.at[group, "mean"], table.values.at[group, "n"]
        if table.status.at[group, "mean"] == "shown" and mean is not None and n is not None and n > 0:
            out[str(group)] = (int(n), float(mean))
    return out


def _t_interval(mean: float, se: float, n: int) -> tuple[float, float]:
    from scipy.stats import t as student

    if n < 2 or se != se:
        return float("nan"), float("nan")
    q = float(student.ppf(0.975, n - 1))
    return mean - q * se, mean + q * se


def _kappa_p(fit: Any) -> float:
    if fit is None:
        return float("nan")
    try:
        return float(fit["pvalue_two_sided"])
    except (KeyError, TypeError):
        return float("nan")


def _strength(kappa: float) -> str:
    """Landis & Koch's words for a kappa: poor, slight, fair, moderate, substantial, perfect."""
    for bound, name in _STRENGTH:
        if kappa <= bound:
            return name
    return "perfect"


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + words(lang, "structure")["and"] + parts[-1]


def _fmt(value: float, decimals: int, lang: str, *, pct: bool = False) -> str:
    from analysis.disclosure._text import text

    if value is None or value != value:
        return text(lang)["hidden"]
    return fmt_pct(value, decimals, lang) if pct else fmt_number(value, decimals, lang)
