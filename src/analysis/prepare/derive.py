"""Pure derivations: a frame in, a new frame (or series) out; no files, no study.

Each function takes column names as arguments and knows nothing of a study's plan, so it works
the same on any frame in a notebook. :mod:`analysis.prepare.compose` calls them with the
columns the plan binds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from analysis.errors import BruggenError

if TYPE_CHECKING:
    import pandas as pd

    from analysis.plan import Scale

#: How many rows an error message names before it says "and N more".
SHOW_ROWS = 10


class PrepareError(BruggenError):
    """Data that the prepare stage cannot turn into a derived value.

    Attributes
    ----------
    rows
        Index labels of the offending rows (empty when the problem is not about rows).
    """

    def __init__(self, message: str, *, rows: list[Any] | None = None, hint: str | None = None):
        self.rows = list(rows or [])
        super().__init__(message, hint=hint)


def scale_scores(
    items: pd.DataFrame,
    scales: Mapping[str, Scale],
    *,
    scale_min: float | Mapping[str, float] | None = None,
    scale_max: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per scale, the mean of its items after reversing the reverse-keyed ones.

    Parameters
    ----------
    items
        Numeric item codes, one column per item, user-missing codes already ``NaN``
        (:meth:`analysis.ingest.Dataset.numeric` gives this).
    scales
        Scale name -> :class:`analysis.plan.Scale` (its items, reversed items and
        ``required_items``).
    scale_min, scale_max
        The lowest and highest valid code of the items: one number for every item, or a mapping
        item -> number (from the codebook's valid value labels). Needed for reversed items only:
        a reversed value is ``min + max - value``.

    Returns
    -------
    pandas.DataFrame
        One float column per scale, named after the scale, with the index of ``items``; ``NaN``
        where fewer than ``scale.required_items`` of its items are answered.

    Raises
    ------
    PrepareError
        An item is not a column of ``items``, or a reversed item has no known minimum/maximum.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.plan import Scale
    >>> items = pd.DataFrame({"a": [1.0], "b": [2.0], "c": [None], "d": [5.0]})
    >>> s = Scale("s", ("a", "b", "c", "d"), reversed=("c", "d"), min_items=3)
    >>> scale_scores(items, {"s": s}, scale_min=1, scale_max=5)["s"].tolist()
    [1.3333333333333333]
    """
    import numpy as np
    import pandas as pd

    out: dict[str, pd.Series] = {}
    for name, scale in scales.items():
        absent = [item for item in scale.items if item not in items.columns]
        if absent:
            raise PrepareError(
                f"scale {name!r}: item {absent[0]!r} is not among the item columns",
                hint="pass every item of the scale (see the plan's survey.scales)",
            )
        columns = {}
        for item in scale.items:
            try:
                values = items[item].astype(float)
            except (TypeError, ValueError):
                raise PrepareError(
                    f"scale {name!r}: item {item!r} holds values that are not numbers",
                    hint="pass the numeric codes (Dataset.numeric), not the value labels",
                ) from None
            if item in scale.reversed:
                lo, hi = _bound(scale_min, item), _bound(scale_max, item)
                if lo is None or hi is None:
                    raise PrepareError(
                        f"scale {name!r}: item {item!r} is reverse-keyed, but its lowest and highest "
                        "valid code are not known",
                        hint="give the item value labels (or minimum and maximum) in the codebook",
                    )
                values = lo + hi - values
            columns[item] = values
        frame = pd.DataFrame(columns, index=items.index)
        answered = frame.notna().sum(axis=1)
        score = frame.mean(axis=1, skipna=True).where(answered >= scale.required_items, np.nan)
        out[name] = score.astype(float).rename(name)
    return pd.DataFrame(out, index=items.index)


def reach_rates(frame: pd.DataFrame, *, count: str, population: str, per: float = 1000) -> pd.Series:
    """Reach per ``per`` (default 1,000) of the target population.

    Parameters
    ----------
    frame
        Holds the two columns.
    count
        Column of people reached (a count).
    population
        Column of the size of the target population.
    per
        The rate's base: 1,000 gives "reached per 1,000 of the target population".

    Returns
    -------
    pandas.Series
        Float, named ``reach_per_<per>``, with the frame's index; ``NaN`` where the count or
        the population is missing, or the population is 0 (or below).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"n": [5, 3, 2], "pop": [1000, 0, None]})
    >>> reach_rates(f, count="n", population="pop").tolist()
    [5.0, nan, nan]
    """
    import numpy as np
    import pandas as pd

    n = pd.to_numeric(frame[count], errors="coerce").astype(float)
    pop = pd.to_numeric(frame[population], errors="coerce").astype(float)
    rate = (n / pop.where(pop > 0, np.nan)) * per
    return rate.astype(float).rename(f"reach_per_{per:g}")


def referral_durations(
    frame: pd.DataFrame,
    *,
    referred: str,
    first_contact: str,
    observation_end: dt.date | pd.Timestamp | str | pd.Series,
    ids: str | None = None,
) -> pd.DataFrame:
    """Days from referral to first contact, censored at the observation end.

    Every referral keeps its row: one without a first contact by the observation end is
    censored there (``event`` 0), never dropped. A first contact after the observation end
    counts as not yet observed: censored at the end. Dates count as whole days.

    Parameters
    ----------
    frame
        One row per referral.
    referred
        Column of the referral date.
    first_contact
        Column of the date of first contact (missing: no contact recorded).
    observation_end
        The last day of observation: one date for every referral, or a Series of dates with the
        frame's index (a per-referral end).
    ids
        A column of referral IDs to name the rows in errors (optional).

    Returns
    -------
    pandas.DataFrame
        With the frame's index: ``days`` (int64, to the first contact, or to the observation end
        when censored) and ``event`` (int64, 1 when the first contact is observed by the end,
        else 0).

    Raises
    ------
    PrepareError
        Naming the rows (1-based, with their ID when ``ids`` is given) where the first contact
        is before the referral, the referral date or the observation end is missing, or the
        referral is after the observation end. ``.rows`` holds their index labels.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"in": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01"]),
    ...                   "fc": pd.to_datetime(["2024-01-11", None, "2024-03-01"])})
    >>> d = referral_durations(f, referred="in", first_contact="fc", observation_end="2024-01-31")
    >>> d["days"].tolist(), d["event"].tolist()
    ([10, 30, 30], [1, 0, 0])
    """
    import pandas as pd

    start = _dates(frame[referred], referred)
    contact = _dates(frame[first_contact], first_contact)
    if isinstance(observation_end, pd.Series):
        end = _dates(observation_end.reindex(frame.index), "observation_end")
    else:
        end = pd.Series(pd.Timestamp(observation_end).normalize(), index=frame.index).astype(start.dtype)

    _refuse(start.isna(), frame, ids, f"have no referral date ({referred})")
    _refuse(end.isna(), frame, ids, "have no observation end")
    _refuse(
        contact < start,
        frame,
        ids,
        f"have a first contact ({first_contact}) before the referral ({referred})",
        hint="correct the dates in the raw file; the validation gate's date-order rule shows them too",
    )
    _refuse(
        start > end,
        frame,
        ids,
        f"were referred ({referred}) after the observation end",
        hint="set plan.referrals.observation_end in study.yml to the last day the log covers",
    )
    event = contact.notna() & (contact <= end)
    stop = contact.where(event, end)
    return pd.DataFrame(
        {"days": (stop - start).dt.days.astype("int64"), "event": event.astype("int64")},
        index=frame.index,
    )


def _bound(value: float | Mapping[str, float] | None, item: str) -> float | None:
    if isinstance(value, Mapping):
        value = value.get(item)
    return None if value is None else float(value)


def _dates(values: pd.Series, name: str) -> pd.Series:
    import pandas as pd

    try:
        out = pd.to_datetime(values, errors="raise")
    except (TypeError, ValueError):
        raise PrepareError(
            f"{name}: holds values that are not dates", hint="give dates as 2024-12-31"
        ) from None
    return out.dt.normalize()


def _refuse(mask: pd.Series, frame: pd.DataFrame, ids: str | None, what: str, hint: str | None = None):
    if not mask.any():
        return
    positions = [i for i, bad in enumerate(mask.to_numpy()) if bad]
    labels = [frame.index[i] for i in positions]
    shown = []
    for i in positions[:SHOW_ROWS]:
        ref = f"row {i + 1}"
        if ids is not None:
            ref += f" ({frame[ids].iloc[i]})"
        shown.append(ref)
    more = f" and {len(positions) - SHOW_ROWS} more" if len(positions) > SHOW_ROWS else ""
    raise PrepareError(
        f"{len(positions)} referral(s) {what}: {', '.join(shown)}{more}", rows=labels, hint=hint
    )
