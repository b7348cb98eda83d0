"""The analyses ``bruggen init`` proposes: every kind whose parts the proposal binds, with the options the data decide."""

from __future__ import annotations

import re
from typing import Any

from analysis.init.model import Guess, Proposal
from analysis.init.table import (
    Table,
    _rx,
    _scalar,
)

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

    def has(part: str, role: str | None = None) -> bool:
        return p.bound(part, role) is not None

    def offer(name: str, when: Any, spec: dict[str, Any], why: str, missing: str = "") -> None:
        """Propose the analysis when ``when`` holds; else say what its kind is missing."""
        if when:
            p.analyses.append(Guess(name, spec, why))
        elif missing:
            p.lack("analyses", f"{spec['kind']}: {missing}")

    side, rtype, form = (has("survey", r) for r in ("side", "respondent_type", "collaboration_form"))
    cluster = "municipality" if has("survey", "municipality") else None
    between = "collaboration_form" if form else None
    scales = {
        g.key.split(".", 1)[1]: g.value for g in p.parts.get("survey", []) if g.key.startswith("scales.")
    }
    if survey is not None:
        by = "side" if side else "respondent_type" if rtype else None
        spec: dict[str, Any] = {"kind": "response", "by": by}
        why = f"the survey binds {by}" if by else "the survey (no grouping bound: all respondents together)"
        if has("municipalities", "region") and has("survey", "municipality"):
            spec["rows"] = "region"
            why += " and the municipality frame a region"
        offer("response", True, spec, why)
        offer(
            "collaboration_form_by_side",
            form and side,
            {"kind": "collaboration_form", "by": "side"},
            "the survey binds collaboration_form and side",
        )
        offer(
            "collaboration_form",
            form and rtype,
            {"kind": "collaboration_form", "by": "respondent_type"},
            "the survey binds collaboration_form and respondent_type",
        )
        if not form or not (side or rtype):
            p.lack(
                "analyses",
                "collaboration_form: needs survey.collaboration_form and survey.side or survey.respondent_type",
            )
        indicators = p.bound("survey", "indicators")
        ready = form and indicators and side
        cutoffs = (
            _propose_cutoffs(survey, indicators, p.column("survey", "collaboration_form")) if ready else None
        )
        offer(
            "collaboration_index",
            ready,
            {"kind": "collaboration_index", "by": "side", "cutoffs": cutoffs},
            "the survey binds indicators and collaboration_form; the cut-offs agree best with it",
            "needs survey.indicators, survey.collaboration_form and survey.side",
        )
        support = _find_support(survey, p)
        offer(
            "support",
            support and form,
            {
                "kind": "support",
                "variables": support,
                "by": "collaboration_form",
                "side": "side" if side else None,
            },
            f"{', '.join(support)} are named like payment, training or coaching",
            "needs survey.collaboration_form and labelled variables named like payment or training",
        )
        offer(
            "reliability",
            scales,
            {"kind": "reliability"},
            f"the survey binds {len(scales)} scale(s)",
            "needs survey.scales (a battery of Likert items)",
        )
        if scales and not side:
            p.lack("analyses", "perspectives: needs survey.side (which value is formal, which informal)")
        for name, scale in scales.items() if side else ():
            offer(
                f"perspectives_{name}",
                True,
                {"kind": "perspectives", "scale": name, "moderator": between, "cluster": cluster},
                f"the scale {name} compared between the sides",
            )
            offer(
                f"items_{name}",
                True,
                {"kind": "likert_items", "items": scale["items"], "cluster": cluster, "summary": False},
                f"the items of {name} compared between the sides",
            )
        offer(
            "reach",
            has("survey", "reach.count") and has("survey", "reach.population") and side,
            {"kind": "reach", "between": between, "cluster": cluster},
            "the survey binds the reach count, its population and side",
            "needs survey.reach.count, survey.reach.population and survey.side",
        )
        offer(
            "reach_funnel",
            has("survey", "reach.count") and has("survey", "funnel.referred") and side,
            {"kind": "reach_funnel", "between": between},
            "the survey binds the reach count and the referrals' funnel",
            "needs survey.reach.count, survey.funnel (referrals and their steps) and survey.side",
        )
    if referrals is not None:
        offer("referral_flows", True, {"kind": "referral_flows"}, "the referral log")
        offer(
            "completion",
            has("referrals", "completed") and has("referrals", "warm_handover"),
            {"kind": "completion", "cluster": "municipality" if has("referrals", "municipality") else None},
            "the log binds completed and warm_handover",
            "needs referrals.completed and referrals.warm_handover (yes/no)",
        )
        # the time to contact and the early signals compare the referrers' collaboration forms
        grouped = has("referrals", "collaboration_form")
        offer(
            "time_to_contact",
            grouped and has("referrals", "referred") and has("referrals", "first_contact"),
            {"kind": "time_to_contact"},
            "the log binds the dates of the referral and the first contact, and the collaboration form",
            "needs referrals.referred, referrals.first_contact and referrals.collaboration_form",
        )
        themes = (
            _signal_themes(referrals, p.column("referrals", "theme")) if has("referrals", "theme") else []
        )
        offer(
            "early_signals",
            themes and grouped,
            {"kind": "early_signals", "themes": themes},
            "referral themes that signal a threat to self-determination, by collaboration form",
            "needs referrals.theme with themes of self-determination (huwelijksdwang, ...) "
            "and referrals.collaboration_form",
        )
    if interviews is not None:
        by = next((r for r in ("side", "respondent_type") if has("interviews", r)), None)
        offer(
            "interview_themes",
            True,
            {"kind": "interview_themes", "by": by},
            f"the interviews bind {by}" if by else "the interviews (no grouping bound: all together)",
        )
        names = p.names_file is not None
        offer(
            "quotes",
            names and has("interviews", "quote_themes"),
            {"kind": "quotes", "by": by, "n": 3},
            f"the interviews bind quote_themes, and {names and p.names_file.value} lists names to replace",
            "quotes are published only with a names file under privacy.names_file (names and "
            "places to replace) and plan.interviews.quote_themes",
        )
        codes = set(interviews.frame["code"].dropna().astype(str))
        offer(
            "case_box",
            names and "CASEBOX" in codes,
            {"kind": "case_box", "by": by, "summary": False},
            "passages coded CASEBOX are practice examples",
            "needs passages coded CASEBOX (a practice example) and a names file",
        )
        offer(
            "cooccurrence",
            True,
            {"kind": "cooccurrence", "unit": "segment"},
            "codes applied to the same passage",
        )
        offer(
            "intercoder_agreement",
            has("interviews", "coder"),
            {"kind": "intercoder_agreement", "unit": "segment", "summary": False},
            "a check coder coded documents a second time",
            "needs interviews.coder with a check coder who coded documents twice",
        )
        rows = _joint_rows(p, survey, codes)
        offer(
            "joint_display",
            rows,
            {"kind": "joint_display", "by": by, "themes": rows},
            "survey results beside the interview codes that share their words",
            "needs a survey analysis and interview codes that speak of the same theme",
        )
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
