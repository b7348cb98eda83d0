"""Support for key persons: training, coaching and payment, by collaboration form and side.

Key persons and volunteers carry much of the informal side of a collaboration. Whether they are
trained, coached and paid says how seriously a collaboration takes them. For each support
variable (a labelled categorical such as the payment for the role, or joint training and
coaching), the answers are cross-tabulated by a grouping (the collaboration form), within each
side when a side is given, through disclosure control.

The sentences and the figure give, per group, the share who answered anything other than the
variable's first category (its lowest code: "unpaid", "never"): the share with *some* support.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError, DisclosureError
from analysis.labels import in_sentence
from analysis.numbers import fmt_pct
from analysis.results import Result, tidy, wilson_interval
from analysis.text import words

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from analysis.analyses import Run
    from analysis.disclosure import DisclosedTable, Policy
    from analysis.plan import AnalysisSpec
    from analysis.study import Study


@dataclass(frozen=True)
class SupportTable:
    """One support variable's disclosed crosstab and what its rows stand for."""

    variable: str
    table: DisclosedTable
    #: Row label -> (side, group); side is None without a side split.
    rows: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    #: The variable's first category (no support).
    first: str = ""
    #: Groups left out because they have fewer respondents than the policy's ``min_count``.
    n_small_groups: int = 0


class SupportProfile(Result):
    """Support variables by collaboration form (and side) (see :func:`support_profile`)."""

    key = "support"

    def __init__(
        self,
        parts: Sequence[SupportTable],
        *,
        by: str,
        side: str | None,
        variables: Sequence[str],
        labels: Mapping[str, str] | None = None,
        lang: str = "nl",
        order: Sequence[str] = (),
    ):
        self.parts = {p.variable: p for p in parts}
        #: Every row label in display order (sides, then groups, in their category order).
        self.order = tuple(order)
        self.by, self.side, self.lang = by, side, lang
        self.variables = tuple(variables)
        self.labels = dict(labels or {})

    @property
    def empty(self) -> bool:
        """No variable has a group large enough to publish."""
        return not self.parts

    @property
    def n_small_groups(self) -> int:
        return sum(p.n_small_groups for p in self.parts.values())

    def title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return words(lang, "support")["title"].format(by=in_sentence(self.labels.get(self.by, self.by)))

    def table(self) -> DisclosedTable:
        """The first support variable's crosstab (the others are :meth:`extra_tables`)."""
        if self.empty:
            raise DisclosureError(
                "every group has fewer respondents than the disclosure threshold: there is no table",
                hint="report on a coarser grouping or a larger area",
            )
        return next(iter(self.parts.values())).table

    def tables(self) -> dict[str, DisclosedTable]:
        """Every support variable's disclosed crosstab, by variable."""
        return {v: p.table for v, p in self.parts.items()}

    def extra_tables(self, lang: str | None = None) -> list[tuple[str, DisclosedTable]]:
        """The other support variables' crosstabs."""
        return [(p.table.name, p.table) for p in list(self.parts.values())[1:]]

    def shares(self) -> pd.DataFrame:
        """Published share (0-1) with some support (not the first category): groups x variables.

        Rows are the row labels of the tables (``side: group`` with a side split), columns the
        variables' labels; ``NaN`` where the share is not published.
        """
        import pandas as pd

        data: dict[str, dict[str, float]] = {}
        seen: list[str] = []
        for variable, part in self.parts.items():
            col = self.labels.get(variable, variable)
            data[col] = {}
            for row, share in _any_shares(part).items():
                data[col][row] = share
                if row not in seen:
                    seen.append(row)
        order = [r for r in self.order if r in seen] + [r for r in seen if r not in self.order]
        return pd.DataFrame(data, index=order, dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """Published shares as tidy rows.

        ``part`` ``share``: term ``variable: group: category``, the share of the group in that
        category (Wilson 95% interval), n the group's size. ``part`` ``any``: term
        ``variable: group``, the share answering other than the first category. Extra columns:
        ``variable`` (column name), ``side``, ``group``, ``category``.
        """
        rows: list[dict[str, Any]] = []
        for variable, part in self.parts.items():
            values, status = part.table.values, part.table.status
            for i, row in enumerate(values.index[:-1]):
                side, group = part.rows.get(str(row), (None, str(row)))
                n = values.iloc[i, -1]
                if n is None or status.iloc[i, -1] != "shown" or not n:
                    continue
                for j, cat in enumerate(values.columns[:-1]):
                    k = values.iloc[i, j]
                    if k is None or status.iloc[i, j] != "shown":
                        continue
                    lo, hi = wilson_interval(int(k), int(n))
                    rows.append(
                        {
                            "term": f"{variable}: {row}: {cat}",
                            "estimate": int(k) / int(n),
                            "ci_low": lo,
                            "ci_high": hi,
                            "n": int(n),
                            "part": "share",
                            "variable": variable,
                            "side": side,
                            "group": group,
                            "category": str(cat),
                        }
                    )
            for row, share in _any_shares(part).items():
                if share == share:
                    side, group = part.rows.get(row, (None, row))
                    n = int(values.loc[row].iloc[-1])
                    rows.append(
                        {
                            "term": f"{variable}: {row}",
                            "estimate": share,
                            "n": n,
                            "part": "any",
                            "variable": variable,
                            "side": side,
                            "group": group,
                            "category": part.first,
                        }
                    )
        return tidy(rows)

    def figure(self, lang: str | None = None) -> go.Figure:
        """The share with some support per group, one bar per support variable."""
        from analysis.figures import grouped_bars

        lang = lang or self.lang
        t = words(lang, "support")
        shares = self.shares()
        legend = {
            self.labels.get(v, v): t["legend"].format(
                variable=self.labels.get(v, v), first=in_sentence(p.first)
            )
            for v, p in self.parts.items()
        }
        shown = (100 * shares).rename(columns=legend)
        note = t["hidden"] if self.n_small_groups or shares.isna().to_numpy().any() else None
        return grouped_bars(
            shown,
            title=self.title(lang),
            x_title=t["x"],
            legend_title=t["legend_title"],
            x_range=(0, 100),
            suffix="%",
            note=note,
        )

    def findings(self, lang: str | None = None) -> list[str]:
        """Per variable (and side): the share with some support in each group, where published."""
        lang = lang or self.lang
        t = words(lang, "support")
        if self.empty:
            return [t["none"]]
        by = in_sentence(self.labels.get(self.by, self.by))
        out = []
        for variable, part in self.parts.items():
            label = self.labels.get(variable, variable)
            per_side: dict[str | None, list[str]] = {}
            for row, share in _any_shares(part).items():
                if share != share:
                    continue
                side, group = part.rows.get(row, (None, row))
                per_side.setdefault(side, []).append(
                    t["part"].format(group=in_sentence(group), pct=fmt_pct(100 * share, 0, lang))
                )
            for side, parts in per_side.items():
                key = "any" if side is None else "any_side"
                out.append(
                    t[key].format(
                        variable=label,
                        side=in_sentence(side or ""),
                        first=in_sentence(part.first),
                        by=by,
                        parts=_join(parts, lang),
                    )
                )
        return out or [t["none"]]


def support_profile(
    data: pd.DataFrame,
    *,
    variables: Sequence[str],
    by: str,
    policy: Policy,
    side: str | None = None,
    among: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> SupportProfile:
    """Cross-tabulate support variables by a grouping (and side), through disclosure control.

    Parameters
    ----------
    data
        Respondent-level frame with labelled categoricals.
    variables
        The support variables (payment for the role, joint training or coaching ...): labelled
        categoricals whose first category (lowest code) means no support.
    by
        The grouping (the collaboration form).
    policy
        The disclosure policy.
    side
        Split every group by this column too (rows ``side: group``); ``None`` for no split.
        A variable asked on one side only (skip logic) simply has rows of that side.
    among
        Keep only these respondents: column -> a value or a list of values as they stand in
        ``data`` (``{"rol": ["Sleutelpersoon"]}``).
    labels
        Variable labels (column -> label) for titles, headers and sentences.
    lang
        ``nl`` or ``en``.

    Returns
    -------
    SupportProfile
        ``table()`` the first variable's crosstab (row percentages), ``extra_tables()`` the
        others; ``figure()`` and ``findings()`` the share with some support per group;
        ``to_frame()`` (see :meth:`SupportProfile.to_frame`).

    Notes
    -----
    Per variable, respondents without an answer (skipped, or missing) are left out, and so are
    groups with fewer than ``policy.min_count`` respondents who answered (their size is not
    published; the figure says that groups are missing). The share with some support is
    ``100% - the published percentage of the first category``: it is shown only where that
    percentage is (its count and its group's total are published, the total at least
    ``policy.min_denominator``), so it reveals nothing the table hides.
    """
    import pandas as pd

    from analysis.disclosure import crosstab

    labels = dict(labels or {})
    columns = [*variables, by, *([side] if side else []), *(among or {})]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise BruggenError(
            f"the data have no column {missing[0]!r}",
            hint="check the variable names in the codebook and in the plan in study.yml",
        )
    if not variables:
        raise BruggenError("name at least one support variable")
    t = words(lang, "support")
    data = _among(data, among or {})
    parts = []
    if side:
        order = [
            t["cell"].format(side=s, group=g) for s in _categories(data[side]) for g in _categories(data[by])
        ]
    else:
        order = _categories(data[by])
    for variable in variables:
        sub = data[data[variable].notna() & data[by].notna() & (data[side].notna() if side else True)]
        if sub.empty:
            continue
        groups = sub[by].astype(str)
        rows: dict[str, tuple[str | None, str]] = {}
        if side:
            sides = sub[side].astype(str)
            keys = [t["cell"].format(side=s, group=g) for s, g in zip(sides, groups, strict=True)]
            for s in _categories(sub[side]):
                for g in _categories(sub[by]):
                    rows[t["cell"].format(side=s, group=g)] = (s, g)
        else:
            keys = list(groups)
            rows = {str(g): (None, str(g)) for g in _categories(sub[by])}
        key = pd.Series(keys, index=sub.index)
        sizes = key.value_counts()
        present = [r for r in rows if sizes.get(r, 0) > 0]
        small = [r for r in present if sizes[r] < policy.min_count]
        kept = [r for r in present if r not in small]
        if not kept:
            continue  # no group of this variable is large enough to publish
        frame = pd.DataFrame(
            {"__group": pd.Categorical(key.where(key.isin(kept)), categories=kept), variable: sub[variable]},
            index=sub.index,
        ).dropna(subset=["__group"])
        title = _title(variable, by, side, labels, lang)
        row_label = (
            t["cell"].format(side=labels.get(side, side), group=labels.get(by, by))
            if side
            else labels.get(by, by)
        )
        table = crosstab(
            frame,
            rows="__group",
            cols=variable,
            policy=policy,
            percent="row",
            name=title,
            title=title if not parts else "",  # the first table is the report's own; the others get captions
            lang=lang,
            labels={"__group": row_label, variable: labels.get(variable, variable)},
        )
        first = str(_categories(sub[variable])[0])
        parts.append(SupportTable(variable, table, {r: rows[r] for r in kept}, first, len(small)))
    return SupportProfile(parts, by=by, side=side, variables=variables, labels=labels, lang=lang, order=order)


def _title(variable: str, by: str, side: str | None, labels: Mapping[str, str], lang: str) -> str:
    t = words(lang, "support")
    key = "table_side" if side else "table"
    return t[key].format(
        variable=labels.get(variable, variable),
        by=in_sentence(labels.get(by, by)),
        side=in_sentence(labels.get(side, side)) if side else "",
    )


def _among(data: pd.DataFrame, among: Mapping[str, Any]) -> pd.DataFrame:
    keep = None
    for column, wanted in among.items():
        values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
        hit = data[column].map(lambda v, vs=values: any(_same(v, w) for w in vs)).astype(bool)
        keep = hit if keep is None else keep & hit
    return data if keep is None else data[keep]


def _any_shares(part: SupportTable) -> dict[str, float]:
    """Row label -> published share (0-1) not in the first category (NaN when not published)."""
    values, pct, status = part.table.values, part.table.percent, part.table.percent_status
    first = values.columns[0]
    out = {}
    for i, row in enumerate(values.index[:-1]):
        if status.iloc[i][first] == "shown":
            out[str(row)] = 1 - float(pct.iloc[i][first]) / 100
        else:
            out[str(row)] = float("nan")
    return out


def _categories(series: pd.Series) -> list[str]:
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna().astype(str))
        return [str(c) for c in series.cat.categories if str(c) in present]
    values = series.dropna().unique()
    try:
        return [str(v) for v in sorted(values)]
    except TypeError:
        return sorted(str(v) for v in values)


def _same(a: Any, b: Any) -> bool:
    if str(a) == str(b):
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + words(lang, "support")["and"] + parts[-1]


# -- plan ------------------------------------------------------------------------------------
def from_plan(r: Run) -> Result:
    """The runner of the ``support`` analysis kind (see :mod:`analysis.analyses`)."""
    from analysis.errors import StudyConfigError
    from analysis.labels import declared_label

    variables = r.option("variables")
    if not variables:
        raise StudyConfigError(
            f"{r.spec.key}.variables: name the support variables (payment, training, coaching ...)",
            path=r.vs.study.source,
        )
    if isinstance(variables, str):
        variables = [variables]
    columns = [r.column(v) for v in variables]
    by = r.column(r.option("by"))
    side = r.column(r.option("side")) if r.option("side") else None
    among = {}
    codebook = r.vs.dataset(r.dataset).codebook
    for name, wanted in (r.option("among") or {}).items():
        column = r.column(name)
        values = wanted if isinstance(wanted, list) else [wanted]
        var = codebook.get(column)
        among[column] = [declared_label(var, v, r.lang, r.vs.language) for v in values]
    return support_profile(
        r.frame,
        variables=columns,
        by=by,
        side=side,
        among=among,
        policy=r.policy,
        labels=r.labels,
        lang=r.lang,
    )


def check_plan(spec: AnalysisSpec, study: Study, dataset: Any) -> list[str]:
    """The gate's check of a ``support`` analysis: labelled variables, a side and a subset that exist."""
    from analysis.labels import declared_code
    from analysis.validate.plan_checks import _did_you_mean

    plan = study.plan
    out = []
    variables = spec.options.get("variables")
    if not variables:
        return ["variables: missing: name the support variables (payment, training, coaching ...)"]
    if isinstance(variables, str):
        variables = [variables]
    if not isinstance(variables, list):
        return [f"variables: must be a list of variable names, not {variables!r}"]
    for name in variables:
        column = plan.resolve("survey", str(name))
        if column not in dataset.frame.columns:
            out.append(
                f"variables: {name!r} is not a variable of {dataset.name}"
                + _did_you_mean(str(name), list(dataset.frame.columns))
            )
            continue
        var = dataset.codebook.get(column)
        if var is None or not var.valid_labels:
            out.append(f"variables: {name!r} needs value labels (its categories) in the codebook")
    side = spec.options.get("side")
    if side and not plan.has("survey", side) and side not in dataset.frame.columns:
        out.append(f"side: {side!r} is neither a role of plan.survey nor a variable of {dataset.name}")
    among = spec.options.get("among")
    if among is not None and not isinstance(among, dict):
        out.append(f"among: must map variables to the values to keep, not {among!r}")
        among = {}
    for name, wanted in (among or {}).items():
        column = plan.resolve("survey", str(name))
        if column not in dataset.frame.columns:
            out.append(f"among: {name!r} is neither a role of plan.survey nor a variable of {dataset.name}")
            continue
        var = dataset.codebook.get(column)
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if var is not None and var.value_labels and declared_code(var, value) is None:
                out.append(f"among.{name}: {value!r} is neither a code nor a label of {column}")
    return out
