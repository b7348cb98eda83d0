"""The other parts of the plan: the municipality frame, the referral log and the interviews."""

from __future__ import annotations

from typing import Any

from analysis.init.columns import (
    _find_side,
    _gm_columns,
    _key_columns,
    _ref_column,
    _yes_value,
)
from analysis.init.model import Proposal, _first
from analysis.init.table import (
    PATTERNS,
    Table,
)


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
