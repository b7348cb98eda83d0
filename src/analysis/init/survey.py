"""The survey's roles, scales (Likert batteries), indicators of structure and the reach funnel."""

from __future__ import annotations

import re
from typing import Any

from analysis.init.columns import (
    _find_side,
    _gm_columns,
    _key_columns,
    _yes_value,
)
from analysis.init.model import Guess, Proposal, _first, _show_labels
from analysis.init.table import (
    MOST,
    PATTERNS,
    Table,
    _rx,
    _scalar,
    _snake,
)
from analysis.plan import ROLES


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
