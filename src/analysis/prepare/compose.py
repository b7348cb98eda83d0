"""The prepared frames of a study: the derivations of :mod:`.derive`, bound by the plan's roles.

Each function reads the validated data of one part of the plan and returns a new frame with the
dataset's index (row *i* is row *i* of the part's dataset). Nothing here names a variable of a
particular study: every column comes from the plan (``plan.survey.scales``, ``reach``,
``referrals.referred`` ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analysis.errors import StudyConfigError
from analysis.prepare.derive import reach_rates, referral_durations, scale_scores

if TYPE_CHECKING:
    import pandas as pd

    from analysis.codebook import Codebook
    from analysis.study import ValidatedStudy

#: The parts of the plan that have a prepared frame.
PARTS = ("survey", "referrals")
#: Prefix of a scale score's column in the prepared survey.
SCALE_PREFIX = "scale_"
#: The reach-rate column of the prepared survey.
REACH_COLUMN = "reach_per_1000"


def prepare(vs: ValidatedStudy, part: str) -> pd.DataFrame:
    """The prepared frame of a part of the plan (``survey`` or ``referrals``).

    Parameters
    ----------
    vs
        A study that passed the validation gate.
    part
        One of :data:`PARTS`.

    Returns
    -------
    pandas.DataFrame
        See :func:`prepare_survey` and :func:`prepare_referrals`.

    Raises
    ------
    StudyConfigError
        ``part`` has no prepared frame, or the plan does not bind it.
    """
    if part not in PARTS:
        raise StudyConfigError(
            f"there is no prepared frame for the plan's {part!r} part",
            path=vs.study.source,
            hint=f"parts with a prepared frame: {', '.join(PARTS)}",
        )
    return prepare_survey(vs) if part == "survey" else prepare_referrals(vs)


def prepare_survey(vs: ValidatedStudy) -> pd.DataFrame:
    """Scale scores and reach rates of the survey bound in the plan.

    Returns
    -------
    pandas.DataFrame
        The plan's ``survey.id`` column (when bound); ``scale_<name>`` per scale of
        ``survey.scales`` (mean of the items, reverse-keyed items reversed with the lowest and
        highest valid code of the item's codebook entry, ``NaN`` below ``min_items``);
        ``reach_per_1000`` when ``survey.reach.count`` and ``reach.population`` are bound.
    """
    import pandas as pd

    plan = vs.plan
    ds = vs.dataset(plan.dataset("survey"))
    columns: dict[str, pd.Series] = {}
    if plan.has("survey", "id"):
        column = plan.column("survey", "id")
        columns[column] = ds.frame[column].copy()
    if plan.scales:
        items = sorted({item for scale in plan.scales.values() for item in scale.items})
        _require(vs, ds.frame, items, "plan.survey.scales")
        lows, highs = _item_ranges(ds.codebook, items)
        scores = scale_scores(ds.numeric(items), plan.scales, scale_min=lows, scale_max=highs)
        for name in plan.scales:
            columns[f"{SCALE_PREFIX}{name}"] = scores[name]
    if plan.has("survey", "reach.count") and plan.has("survey", "reach.population"):
        count, population = plan.column("survey", "reach.count"), plan.column("survey", "reach.population")
        _require(vs, ds.frame, [count, population], "plan.survey.reach")
        rates = reach_rates(ds.numeric([count, population]), count=count, population=population)
        columns[REACH_COLUMN] = rates.rename(REACH_COLUMN)
    return pd.DataFrame(columns, index=ds.frame.index)


def prepare_referrals(vs: ValidatedStudy) -> pd.DataFrame:
    """Time to first contact per referral, censored at the observation end.

    The observation end is ``plan.referrals.observation_end`` when it is a date, the variable it
    names when it names one (a per-referral end), and otherwise the latest date in the referral
    and first-contact columns; the last case is recorded in ``frame.attrs["notes"]``.

    Returns
    -------
    pandas.DataFrame
        The plan's ``referrals.id`` column (when bound), ``days`` and ``event`` (see
        :func:`analysis.prepare.derive.referral_durations`) when ``referred`` and
        ``first_contact`` are bound.
    """
    import pandas as pd

    plan = vs.plan
    ds = vs.dataset(plan.dataset("referrals"))
    frame = ds.frame
    ids = plan.column("referrals", "id") if plan.has("referrals", "id") else None
    columns: dict[str, Any] = {}
    if ids is not None:
        columns[ids] = frame[ids].copy()
    notes: list[str] = []
    if plan.has("referrals", "referred") and plan.has("referrals", "first_contact"):
        referred, contact = plan.column("referrals", "referred"), plan.column("referrals", "first_contact")
        _require(vs, frame, [referred, contact], "plan.referrals")
        end: Any
        if plan.observation_end is not None:
            end = plan.observation_end
        elif plan.observation_end_variable is not None:
            _require(vs, frame, [plan.observation_end_variable], "plan.referrals.observation_end")
            end = frame[plan.observation_end_variable]
        else:
            dates = pd.concat([pd.to_datetime(frame[referred]), pd.to_datetime(frame[contact])])
            end = dates.max().normalize()
            notes.append(
                "plan.referrals.observation_end is not set: referrals are censored at the latest "
                f"date in the data, {end.date().isoformat()}"
            )
        durations = referral_durations(
            frame, referred=referred, first_contact=contact, observation_end=end, ids=ids
        )
        columns["days"], columns["event"] = durations["days"], durations["event"]
    out = pd.DataFrame(columns, index=frame.index)
    if notes:
        out.attrs["notes"] = notes
    return out


def _item_ranges(book: Codebook, items: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Per item, its lowest and highest valid code: from its valid value labels, else its bounds."""
    lows, highs = {}, {}
    for item in items:
        var = book.get(item)
        if var is None:
            continue
        codes = [float(k) for k in var.valid_labels if _is_number(k)]
        lo = min(codes) if codes else var.minimum
        hi = max(codes) if codes else var.maximum
        if lo is not None:
            lows[item] = float(lo)
        if hi is not None:
            highs[item] = float(hi)
    return lows, highs


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _require(vs: ValidatedStudy, frame: pd.DataFrame, columns: list[str], key: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise StudyConfigError(
            f"{key} names {absent[0]!r}, which is not a column of the dataset",
            path=vs.study.source,
            hint="correct the variable name in study.yml (bruggen validate checks the plan)",
        )
