"""The analysis plan: which of a study's variables plays each part, and which analyses it runs.

The library knows *concepts* (a side, a municipality, a collaboration form, a scale, a reach
count and its population, a referral's dates); a study's ``study.yml`` binds them to its own
datasets and variables once, under ``plan:``, and declares its analyses by names of its own
under ``analyses:``::

    plan:
      survey:
        dataset: enquete
        id: respnr
        side: {variable: kant, formal: 1, informal: 2}
        respondent_type: rol
        municipality: gemeente
        collaboration_form: {variable: vorm, structural: Structureel}
        indicators: [convenant, financiering, vast_contact]
        scales:
          serieus: {items: [serieus_1, serieus_2, serieus_3, serieus_4], reversed: [serieus_4], min_items: 3}
        reach: {count: bereikt, population: doelgroep}
      municipalities: {dataset: kader, code: gemcode, name: gemnaam, region: regio, size: grootte}
      referrals: {dataset: log, sender: verwijzer, destination: naar, referred: datum_verwijzing,
                  first_contact: datum_contact, completed: {variable: geslaagd, yes: 1},
                  observation_end: 2024-12-31}
      interviews: {dataset: gesprekken, case: case, side: {variable: kant, formal: F, informal: I},
                   coder: {variable: coder, check: Tweede codeur}}
    analyses:
      vormen: {kind: collaboration_form, by: respondent_type}
      codeurs: {kind: intercoder_agreement, unit: segment}

Every part is optional: a study with only a survey binds only ``survey``. A category value
(``formal: 1``, ``structural: 3``) may be given as the stored code or as its value label.

The interviews' ``coder`` role names the column of the codings table that says who coded
(``coder`` for a REFI-QDA project); its ``check`` names the check coder (or a list of them)
who coded a subset a second time. Codings by a check coder serve the ``intercoder_agreement``
analysis only: every other analysis works on the frame without them
(:meth:`analysis.study.ValidatedStudy.part`). The gate requires the column, requires every
check coder to occur in it, and refuses an ``intercoder_agreement`` analysis without a check
coder.

This module only *parses* the plan (structure errors raise :class:`StudyConfigError` naming
the file and the key). Whether the named variables exist and have the right kind is checked
against the data by the validation gate (:mod:`analysis.validate.plan_checks`); the analyses
are run by :meth:`analysis.session.ValidatedStudy.analyse`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import StudyConfigError

# -- the vocabulary ---------------------------------------------------------------------------
#: Kinds of variable a role can require; the gate checks each against the data.
#: ``key``: unique identifier; ``ref``: an identifier that refers to a key; ``category``: a
#: closed set of values; ``side``: exactly the declared formal and informal values; ``binary``:
#: two values, one declared as "yes"; ``count``: a non-negative integer; ``number``: numeric;
#: ``date``: a date; ``text``: any value.
KINDS = ("key", "ref", "category", "side", "binary", "count", "number", "date", "text")

#: Per part of the plan: role -> kind. A role's value in study.yml is a variable name, or a
#: mapping with ``variable:`` and the role's options (category values).
ROLES: dict[str, dict[str, str]] = {
    "survey": {
        "id": "key",
        "consent": "binary",
        "side": "side",
        "respondent_type": "category",
        "municipality": "ref",
        "collaboration_form": "category",
        "reach.count": "count",
        "reach.population": "count",
        "reach.unknown": "count",
        "funnel.signals": "count",
        "funnel.referred": "count",
        "funnel.first_contact": "count",
        "funnel.help_started": "count",
        "funnel.feedback": "count",
    },
    "municipalities": {
        "code": "key",
        "name": "text",
        "region": "category",
        "size": "category",
        "population": "count",
        "target_population": "count",
    },
    "referrals": {
        "id": "key",
        "sender": "ref",
        "municipality": "ref",
        "destination": "category",
        "theme": "category",
        "collaboration_form": "category",
        "referred": "date",
        "first_contact": "date",
        "completed": "binary",
        "warm_handover": "binary",
    },
    "interviews": {
        "case": "text",
        "survey_id": "ref",
        "side": "side",
        "respondent_type": "category",
        "municipality": "ref",
        "coder": "text",
    },
}

#: Options a role's mapping may carry besides ``variable`` (category values it declares).
ROLE_OPTIONS = {
    "side": ("formal", "informal"),
    "binary": ("yes",),
    "category": (),
}
#: Category options by role name (beyond its kind's): the collaboration form's structural value.
EXTRA_OPTIONS = {"collaboration_form": ("structural", "order"), "coder": ("check",)}
#: Options that hold a list of values (the others hold one).
LIST_OPTIONS = ("order", "check")
#: Keys of a part that are not roles.
PART_KEYS = {
    "survey": ("dataset", "indicators", "scales", "reach"),
    "municipalities": ("dataset",),
    "referrals": ("dataset", "observation_end"),
    "interviews": ("dataset", "quote_themes", "meta_codes"),
}

#: The analyses the library can run: kind -> its report chapter, the parts of the plan it
#: needs, its options with their defaults, and where its runner lives (``module:function``,
#: taking an :class:`analysis.analyses.Run`). A kind may name a ``check`` (``module:function``
#: with ``(spec, study, dataset) -> list[str]``) that the gate runs on its options. ``by``,
#: ``rows`` and ``cluster`` name a role of the part (``side``) or a column of its dataset.
#: ``by: null`` means "no grouping: the whole group" and is allowed only for the kinds marked
#: ``"ungrouped": True``; for any other kind the gate refuses the plan (``validate`` and
#: ``report`` alike, :mod:`analysis.validate.plan_checks`), naming the key. An interview kind's
#: default ``by: side`` becomes null when the plan binds no side (:func:`_ungrouped`).
ANALYSES: dict[str, dict[str, Any]] = {
    "response": {
        "chapter": "methode",
        "needs": ("survey",),
        "options": {"by": "side", "rows": "region"},
        "runner": "analysis.response:from_plan",
        "ungrouped": True,
    },
    "collaboration_form": {
        "chapter": "samenwerking",
        "needs": ("survey",),
        "options": {"by": "respondent_type"},
        "runner": "analysis.collaboration:from_plan",
    },
    "collaboration_index": {
        "chapter": "samenwerking",
        "needs": ("survey",),
        "options": {"cutoffs": None, "by": "side", "min_answered": None},
        "runner": "analysis.structure:from_plan",
        "check": "analysis.structure:check_plan",
    },
    "support": {
        "chapter": "perspectieven",
        "needs": ("survey",),
        "options": {"variables": None, "by": "collaboration_form", "side": "side", "among": None},
        "runner": "analysis.support:from_plan",
        "check": "analysis.support:check_plan",
    },
    # code frequencies (segments, interviews) by group, their shares (for the side: informal minus
    # formal with Newcombe's interval), roll-ups and the saturation curve (analysis.themes).
    # by: a role of plan.interviews (side, respondent_type, municipality) or of plan.survey
    # (collaboration_form, joined through plan.interviews.survey_id); level: code or code_family;
    # order (saturation): auto (by date when the codings have one), date or name
    "interview_themes": {
        "chapter": "interviews",
        "needs": ("interviews",),
        "options": {"by": "side", "level": "code", "order": "auto"},
        "runner": "analysis.themes:themes_from_plan",
        "ungrouped": True,
        "check": "analysis.themes:check_plan",
    },
    "quotes": {
        "chapter": "interviews",
        "needs": ("interviews",),
        "options": {"by": "side", "themes": None, "n": 3, "label": "respondent_type", "max_words": 60},
        "runner": "analysis.interviews:quotes_from_plan",
        "ungrouped": True,
        "check": "analysis.interviews:check_plan",
    },
    "case_box": {
        "chapter": "interviews",
        "needs": ("interviews",),
        "options": {"by": "side", "label": "respondent_type", "pick": None, "max_words": None},
        "runner": "analysis.interviews:case_box_from_plan",
        "ungrouped": True,
        "check": "analysis.interviews:check_plan",
    },
    "cooccurrence": {
        "chapter": "interviews",
        "needs": ("interviews",),
        "options": {"level": "code", "unit": "document", "measure": "c", "codes": None},
        "runner": "analysis.cooccurrence:from_plan",
    },
    # how well the check coder agrees with the first coding: a property of the method, so it
    # stands in the methode chapter, not among the interview themes; the only kind whose frame
    # keeps the check coder's codings (``all_coders``)
    "intercoder_agreement": {
        "chapter": "methode",
        "needs": ("interviews",),
        "options": {"codes": None, "level": "code", "unit": "segment"},
        "runner": "analysis.cooccurrence:agreement_from_plan",
        "check": "analysis.cooccurrence:check_agreement_plan",
        "all_coders": True,
    },
    "reliability": {
        "chapter": "perspectieven",
        "needs": ("survey",),
        "options": {"scales": None},
        "runner": "analysis.scales:from_plan",
        "check": "analysis.scales:check_plan",
    },
    "perspectives": {
        "chapter": "perspectieven",
        "needs": ("survey",),
        "options": {
            "scale": None,
            "by": "side",
            "moderator": "collaboration_form",
            "cluster": "municipality",
        },
        "runner": "analysis.perspectives:from_plan",
        "check": "analysis.perspectives:check_plan",
    },
    "likert_items": {
        "chapter": "perspectieven",
        "needs": ("survey",),
        "options": {"items": None, "scale": None, "by": "side", "moderator": None, "cluster": "municipality"},
        "runner": "analysis.perspectives:items_from_plan",
        "check": "analysis.perspectives:check_plan",
    },
    "referral_flows": {
        "chapter": "verwijzingen",
        "needs": ("referrals",),
        "options": {"source": None, "destination": "destination"},
        "runner": "analysis.referrals:flows_from_plan",
        "check": "analysis.referrals:check_plan",
    },
    "completion": {
        "chapter": "verwijzingen",
        "needs": ("referrals",),
        "options": {"destination": "destination", "cluster": None},
        "runner": "analysis.referrals:completion_from_plan",
        "check": "analysis.referrals:check_plan",
    },
    "time_to_contact": {
        "chapter": "verwijzingen",
        "needs": ("referrals",),
        "options": {"by": "collaboration_form"},
        "runner": "analysis.referrals:time_from_plan",
        "check": "analysis.referrals:check_plan",
    },
    "early_signals": {
        "chapter": "verwijzingen",
        "needs": ("referrals",),
        "options": {"themes": None, "by": "collaboration_form"},
        "runner": "analysis.referrals:signals_from_plan",
        "check": "analysis.referrals:check_plan",
    },
    "reach": {
        "chapter": "bereik",
        "needs": ("survey",),
        "options": {
            "between": "collaboration_form",
            "cluster": "municipality",
            "among": "informal",
            "covariates": None,
        },
        "runner": "analysis.reach:from_plan",
        "check": "analysis.reach:check_plan",
    },
    "reach_funnel": {
        "chapter": "bereik",
        "needs": ("survey",),
        "options": {"between": "collaboration_form", "among": "informal", "margins": None},
        "runner": "analysis.reach:funnel_from_plan",
        "check": "analysis.reach:check_funnel_plan",
    },
    # per theme the survey result (a declared analysis) beside the interview codes, a quote and
    # the meta-inference (confirms / expands / discordant), given or suggested (analysis.joint)
    "joint_display": {
        "chapter": "samenhang",
        "needs": ("interviews",),
        "options": {"themes": None, "by": "side"},
        "runner": "analysis.joint:from_plan",
        "ungrouped": True,
        "check": "analysis.joint:check_plan",
    },
}
#: What each kind needs of the plan beyond its part's dataset, with its default options: the
#: keys :meth:`Plan.lacks` names (the gate checks the same, kind by kind).
REQUIRES: dict[str, tuple[str, ...]] = {
    "response": (),
    "collaboration_form": ("survey.collaboration_form", "survey.respondent_type"),
    "collaboration_index": ("survey.indicators", "survey.collaboration_form"),
    "support": ("survey.collaboration_form",),
    "interview_themes": (),
    "quotes": (),
    "case_box": (),
    "cooccurrence": (),
    "intercoder_agreement": ("interviews.coder",),
    "reliability": ("survey.scales",),
    "perspectives": ("survey.scales", "survey.side", "survey.collaboration_form", "survey.municipality"),
    "likert_items": ("survey.side", "survey.municipality"),
    "referral_flows": ("referrals.sender",),
    "completion": ("referrals.completed", "referrals.warm_handover"),
    "time_to_contact": ("referrals.referred", "referrals.first_contact", "referrals.collaboration_form"),
    "early_signals": ("referrals.theme", "referrals.collaboration_form"),
    "reach": (
        "survey.reach.count",
        "survey.reach.population",
        "survey.side",
        "survey.collaboration_form",
        "survey.municipality",
    ),
    "reach_funnel": ("survey.reach.count", "survey.side", "survey.collaboration_form"),
    "joint_display": ("survey",),
}
#: Options every analysis accepts.
COMMON_OPTIONS = {"title": None, "chapter": None, "summary": True}


# -- the parsed plan ----------------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    """A variable of the study that plays a role.

    Attributes
    ----------
    role
        ``side``, ``reach.count``, ... (see :data:`ROLES`).
    part
        ``survey``, ``municipalities``, ``referrals`` or ``interviews``.
    dataset
        The study's dataset that holds it.
    variable
        Its column name in that dataset.
    kind
        What the gate requires of it (:data:`KINDS`).
    values
        Declared category values, as written (code or label): ``{"formal": 1, "informal": 2}``.
    key
        Where it stands in study.yml (``plan.survey.side``), for messages.
    """

    role: str
    part: str
    dataset: str
    variable: str
    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    key: str = ""


@dataclass(frozen=True)
class Scale:
    """A multi-item scale: its items, the reverse-keyed ones and the rule for missing items."""

    name: str
    items: tuple[str, ...]
    reversed: tuple[str, ...] = ()
    min_items: int | None = None
    key: str = ""
    #: What reports call the scale: one label, or one per language (``{nl: ..., en: ...}``).
    label: str | dict[str, str] | None = None

    def label_in(self, lang: str) -> str:
        """The scale's label in ``lang`` (the name when the plan gives none)."""
        if isinstance(self.label, dict):
            return self.label.get(lang) or next(iter(self.label.values()), self.name)
        return self.label or self.name

    @property
    def required_items(self) -> int:
        """Answered items needed for a score (default: all but one, at least one)."""
        return self.min_items if self.min_items is not None else max(1, len(self.items) - 1)


@dataclass(frozen=True)
class MetaCodes:
    """The interviews' meta-codes: markers on segments, never themes (``plan.interviews.meta_codes``).

    The defaults are the codebook's (``QUOTE``, ``CASEBOX``, ``IDENT``); a project that calls
    them otherwise names its own, and ``null`` says the project has no such marker. A default
    that the project does not use marks nothing.

    Attributes
    ----------
    quote
        Marks a segment that may be quoted.
    case_box
        Marks a practice example (a candidate for a case box).
    identifying
        Marks a potentially identifying detail: no overlapping segment is ever published.
    given
        The keys study.yml sets (the gate checks that each names a code of the project).
    """

    quote: str | None = "QUOTE"
    case_box: str | None = "CASEBOX"
    identifying: str | None = "IDENT"
    given: frozenset[str] = frozenset()

    #: The keys of ``plan.interviews.meta_codes``.
    KEYS = ("quote", "case_box", "identifying")

    @property
    def markers(self) -> tuple[str, ...]:
        """Every meta-code the project has (what an analysis of themes leaves out)."""
        return tuple(code for code in (self.quote, self.case_box, self.identifying) if code)


@dataclass(frozen=True)
class AnalysisSpec:
    """One analysis declared under ``analyses:``: its name, kind and options (defaults filled in)."""

    name: str
    kind: str
    options: dict[str, Any]
    key: str = ""
    #: The options study.yml gives (the others are defaults).
    given: frozenset[str] = frozenset()

    @property
    def chapter(self) -> str:
        return self.options.get("chapter") or ANALYSES[self.kind]["chapter"]

    @property
    def part(self) -> str:
        return ANALYSES[self.kind]["needs"][0]


@dataclass(frozen=True)
class Plan:
    """A study's analysis plan (see the module docstring for the YAML)."""

    datasets: dict[str, str] = field(default_factory=dict)
    bindings: dict[str, Binding] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    indicators: tuple[str, ...] = ()
    observation_end: dt.date | None = None
    observation_end_variable: str | None = None
    quote_themes: tuple[str, ...] = ()
    meta_codes: MetaCodes = field(default_factory=MetaCodes)
    analyses: dict[str, AnalysisSpec] = field(default_factory=dict)
    source: Path | None = None

    # -- look-ups ---------------------------------------------------------------------
    def has(self, part: str, role: str | None = None) -> bool:
        """Whether the plan binds a part (``referrals``) or one of its roles."""
        if role is None:
            return part in self.datasets
        return f"{part}.{role}" in self.bindings

    def dataset(self, part: str) -> str:
        """The dataset bound to a part, or a clear error naming what the plan lacks."""
        if part not in self.datasets:
            raise StudyConfigError(
                f"the analysis plan has no {part!r} part",
                path=self.source,
                hint=f"add 'plan: {part}: dataset: <name>' to study.yml (see the README, 'Your own data')",
            )
        return self.datasets[part]

    def binding(self, part: str, role: str) -> Binding:
        """The variable bound to a role, or a clear error naming the missing key."""
        try:
            return self.bindings[f"{part}.{role}"]
        except KeyError:
            raise StudyConfigError(
                f"the analysis plan does not say which variable is the {role.replace('.', ' ')} "
                f"(key plan.{part}.{role})",
                path=self.source,
                hint=f"add plan.{part}.{role} to study.yml, naming a variable of "
                f"{self.datasets.get(part, 'the ' + part + ' dataset')}",
            ) from None

    def check_coders(self, part: str = "interviews") -> tuple[str, ...]:
        """The check coders the plan declares for a part (``coder: {check: ...}``), or ``()``.

        Their codings serve intercoder agreement only: :meth:`ValidatedStudy.part` leaves them
        out of every other analysis.
        """
        b = self.bindings.get(f"{part}.coder")
        return tuple(str(c) for c in b.values.get("check", ())) if b is not None else ()

    def column(self, part: str, role: str) -> str:
        """The column name of a role (``plan.column("survey", "side")`` -> ``"kant"``)."""
        return self.binding(part, role).variable

    def resolve(self, part: str, name: str) -> str:
        """A role of the part (``side``) or, failing that, a column name as given."""
        hit = self.bindings.get(f"{part}.{name}")
        if hit is not None:
            return hit.variable
        if part == "survey" and f"municipalities.{name}" in self.bindings:
            return self.bindings[f"municipalities.{name}"].variable
        return name

    def analysis(self, name: str) -> AnalysisSpec:
        try:
            return self.analyses[name]
        except KeyError:
            known = ", ".join(self.analyses) or "none"
            raise StudyConfigError(
                f"no analysis named {name!r} in the plan",
                path=self.source,
                hint=f"declared analyses: {known}; add it under 'analyses:' in study.yml",
            ) from None

    def to_frame(self):
        """The bindings as a table: ``part, role, dataset, variable, kind, values`` (for a notebook)."""
        import pandas as pd

        rows = [
            {
                "part": b.part,
                "role": b.role,
                "dataset": b.dataset,
                "variable": b.variable,
                "kind": b.kind,
                "values": ", ".join(f"{k}: {v}" for k, v in b.values.items()),
            }
            for b in self.bindings.values()
        ]
        return pd.DataFrame(rows, columns=["part", "role", "dataset", "variable", "kind", "values"])

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)

    def lacks(self, kind: str) -> list[str]:
        """The keys of study.yml an analysis of ``kind`` needs (with its default options) and lacks.

        The requirements are :data:`REQUIRES` (the roles, scales and indicators the gate asks
        for); a part that is missing is named alone (``plan.referrals``).
        """
        part = ANALYSES[kind]["needs"][0]
        if part not in self.datasets:
            return [f"plan.{part}"]
        out = []
        for key in REQUIRES.get(kind, ()):
            need_part, _, role = key.partition(".")
            if need_part not in self.datasets:
                out.append(f"plan.{need_part}")
            elif role and (
                (role == "scales" and not self.scales)
                or (role == "indicators" and not self.indicators)
                or (role not in ("scales", "indicators") and not self.has(need_part, role))
            ):
                out.append(f"plan.{key}")
        return list(dict.fromkeys(out))

    def rules(self) -> dict[str, list]:
        """The validation rules the plan implies, in the layout of study.yml's ``validation:``.

        A sub-count of persons reached never exceeds the count; a referral's first contact is
        not before the referral; the consent variable holds its declared yes; a referral's sender and an
        interviewee's survey number are survey respondents; municipality codes are in the frame.
        """
        b = self.bindings
        out: dict[str, list] = {"subcounts": [], "date_order": [], "consent": [], "references": []}
        if "survey.reach.unknown" in b and "survey.reach.count" in b:
            out["subcounts"].append([b["survey.reach.unknown"].variable, b["survey.reach.count"].variable])
        if "referrals.referred" in b and "referrals.first_contact" in b:
            out["date_order"].append(
                [b["referrals.referred"].variable, b["referrals.first_contact"].variable]
            )
        if "survey.consent" in b:
            out["consent"].append(b["survey.consent"].variable)
        for source, target in (
            ("referrals.sender", "survey.id"),
            ("interviews.survey_id", "survey.id"),
            ("survey.municipality", "municipalities.code"),
            ("referrals.municipality", "municipalities.code"),
            ("interviews.municipality", "municipalities.code"),
        ):
            if source in b and target in b:
                out["references"].append(
                    {
                        "from": f"{b[source].dataset}.{b[source].variable}",
                        "to": f"{b[target].dataset}.{b[target].variable}",
                    }
                )
        return out

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_config(
        cls, plan: Any, analyses: Any, *, datasets: tuple[str, ...] = (), source: Path | None = None
    ) -> Plan:
        """Parse the ``plan:`` and ``analyses:`` sections of study.yml.

        Parameters
        ----------
        plan, analyses
            The sections as YAML gives them (``None`` when absent).
        datasets
            The study's dataset names: every ``dataset:`` of the plan must be one of them.
        source
            The study file, for messages.

        Raises
        ------
        StudyConfigError
            Naming the file and the key of the first structural problem.
        """
        p = _Parser(source, datasets)
        parsed = p.plan(plan)
        parsed["analyses"] = p.analyses(analyses, parsed)
        return cls(**parsed, source=source)


class _Parser:
    def __init__(self, source: Path | None, datasets: tuple[str, ...]):
        self.source = source
        self.known = datasets

    def error(self, key: str, message: str, hint: str | None = None) -> StudyConfigError:
        return StudyConfigError(f"{key}: {message}", path=self.source, hint=hint)

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"must be a mapping, not {type(value).__name__}")
        bad = [k for k in value if not isinstance(k, str)]
        if bad:
            raise self.error(key, f"keys must be names, not {bad[0]!r}")
        return value

    def name(self, value: Any, key: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
            raise self.error(key, f"must be a variable name, not {value!r}")
        return str(value)

    def names(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, list):
            raise self.error(key, "must be a list of names")
        return tuple(self.name(v, f"{key}[{i}]") for i, v in enumerate(value))

    def plan(self, plan: Any) -> dict[str, Any]:
        section = self.mapping(plan, "plan")
        out: dict[str, Any] = {"datasets": {}, "bindings": {}, "scales": {}}
        for part, spec in section.items():
            key = f"plan.{part}"
            if part not in ROLES:
                raise self.error(key, "is not a part of the plan", hint=f"parts: {', '.join(ROLES)}")
            spec = self.mapping(spec, key)
            out["datasets"][part] = dataset = self.dataset(spec.get("dataset"), f"{key}.dataset")
            allowed = set(PART_KEYS[part]) | {r.split(".")[0] for r in ROLES[part]}
            unknown = sorted(set(spec) - allowed)
            if unknown:
                raise self.error(
                    f"{key}.{unknown[0]}",
                    "is not a role the library knows",
                    hint=f"roles of {part}: {', '.join(sorted(allowed - {'dataset'}))}",
                )
            for role, kind in ROLES[part].items():
                if "." in role:
                    group, sub = role.split(".")
                    value = self.mapping(spec.get(group), f"{key}.{group}").get(sub)
                    extra = set(self.mapping(spec.get(group), f"{key}.{group}")) - {
                        r.split(".")[1] for r in ROLES[part] if r.startswith(group + ".")
                    }
                    if extra:
                        raise self.error(
                            f"{key}.{group}.{sorted(extra)[0]}", "is not a role the library knows"
                        )
                else:
                    value = spec.get(role)
                if value is not None:
                    out["bindings"][f"{part}.{role}"] = self.binding(part, role, kind, dataset, value)
            if part == "survey":
                out["indicators"] = self.names(spec.get("indicators"), f"{key}.indicators")
                out["scales"] = self.scales(spec.get("scales"), f"{key}.scales")
            if part == "referrals" and spec.get("observation_end") is not None:
                end = spec["observation_end"]
                if isinstance(end, dt.datetime):
                    end = end.date()
                if isinstance(end, dt.date):
                    out["observation_end"] = end
                elif isinstance(end, str):
                    try:
                        out["observation_end"] = dt.date.fromisoformat(end)
                    except ValueError:
                        out["observation_end_variable"] = self.name(end, f"{key}.observation_end")
                else:
                    raise self.error(
                        f"{key}.observation_end",
                        f"must be a date (2024-12-31) or a variable name, not {end!r}",
                    )
            if part == "interviews":
                out["quote_themes"] = self.names(spec.get("quote_themes"), f"{key}.quote_themes")
                out["meta_codes"] = self.meta_codes(spec.get("meta_codes"), f"{key}.meta_codes")
        return out

    def dataset(self, value: Any, key: str) -> str:
        if value is None:
            raise self.error(key, "is missing: say which dataset of the study this part is")
        name = self.name(value, key)
        if self.known and name not in self.known:
            raise self.error(
                key,
                f"names {name!r}, which is not a dataset of the study",
                hint=f"datasets: {', '.join(self.known)}",
            )
        return name

    def binding(self, part: str, role: str, kind: str, dataset: str, value: Any) -> Binding:
        key = f"plan.{part}.{role}"
        options: dict[str, Any] = {}
        if isinstance(value, dict):
            # YAML 1.1 reads an unquoted `yes:` key as True
            value = {("yes" if k is True else k): v for k, v in value.items()}
            if "variable" not in value:
                raise self.error(key, "needs 'variable:' naming the column that plays this role")
            variable = self.name(value.pop("variable"), f"{key}.variable")
            allowed = ROLE_OPTIONS.get(kind, ()) + EXTRA_OPTIONS.get(role, ())
            for opt in list(value):
                if opt not in allowed:
                    raise self.error(
                        f"{key}.{opt}",
                        "is not an option of this role",
                        hint=f"options: variable{', ' if allowed else ''}{', '.join(allowed)}",
                    )
            options = value
        else:
            variable = self.name(value, key)
        if kind == "side":
            missing = [o for o in ("formal", "informal") if o not in options]
            if missing:
                raise self.error(
                    f"{key}.{missing[0]}",
                    "is missing: say which value of the variable is the formal side and which the informal",
                    hint=f"write e.g. {{variable: {variable}, formal: 1, informal: 2}}",
                )
            if options["formal"] == options["informal"]:
                raise self.error(key, "formal and informal name the same value")
        for opt in LIST_OPTIONS:
            if opt in options:
                options[opt] = list(self.names(options[opt], f"{key}.{opt}"))
        for opt, v in options.items():
            if opt not in LIST_OPTIONS and (isinstance(v, (dict, list)) or v is None):
                raise self.error(f"{key}.{opt}", f"must be one value (a code or a label), not {v!r}")
        return Binding(role, part, dataset, variable, kind, options, key)

    def meta_codes(self, value: Any, key: str) -> MetaCodes:
        section = self.mapping(value, key)
        unknown = sorted(set(section) - set(MetaCodes.KEYS))
        if unknown:
            raise self.error(
                f"{key}.{unknown[0]}", "is not a meta-code", hint=f"meta-codes: {', '.join(MetaCodes.KEYS)}"
            )
        codes = {k: None if v is None else self.name(v, f"{key}.{k}") for k, v in section.items()}
        return MetaCodes(**codes, given=frozenset(k for k, v in codes.items() if v is not None))

    def scales(self, value: Any, key: str) -> dict[str, Scale]:
        out = {}
        for name, spec in self.mapping(value, key).items():
            k = f"{key}.{name}"
            if isinstance(spec, list):
                spec = {"items": spec}
            spec = self.mapping(spec, k)
            unknown = sorted(set(spec) - {"items", "reversed", "min_items", "label"})
            if unknown:
                raise self.error(
                    f"{k}.{unknown[0]}", "is not a scale option", hint="items, reversed, min_items, label"
                )
            label = spec.get("label")
            if (
                label is not None
                and not isinstance(label, str)
                and not (isinstance(label, dict) and all(isinstance(v, str) for v in label.values()))
            ):
                raise self.error(f"{k}.label", "must be a text, or a text per language ({nl: ..., en: ...})")
            items = self.names(spec.get("items"), f"{k}.items")
            if len(items) < 2:
                raise self.error(f"{k}.items", "a scale needs at least two items")
            reversed_ = self.names(spec.get("reversed"), f"{k}.reversed")
            stray = [r for r in reversed_ if r not in items]
            if stray:
                raise self.error(f"{k}.reversed", f"{stray[0]!r} is not one of the scale's items")
            min_items = spec.get("min_items")
            if min_items is not None and (
                isinstance(min_items, bool)
                or not isinstance(min_items, int)
                or not 1 <= min_items <= len(items)
            ):
                raise self.error(f"{k}.min_items", f"must be a whole number from 1 to {len(items)}")
            out[str(name)] = Scale(str(name), items, reversed_, min_items, k, label)
        return out

    def analyses(self, value: Any, parsed: dict[str, Any]) -> dict[str, AnalysisSpec]:
        out = {}
        for name, spec in self.mapping(value, "analyses").items():
            key = f"analyses.{name}"
            spec = dict(self.mapping(spec, key))
            kind = spec.pop("kind", None)
            if kind not in ANALYSES:
                raise self.error(
                    f"{key}.kind",
                    "is missing" if kind is None else f"{kind!r} is not an analysis the library has",
                    hint=f"kinds: {', '.join(ANALYSES)}",
                )
            info = ANALYSES[kind]
            defaults = {**COMMON_OPTIONS, **info["options"]}
            unknown = sorted(set(spec) - set(defaults))
            if unknown:
                raise self.error(
                    f"{key}.{unknown[0]}",
                    f"is not an option of {kind}",
                    hint=f"options: {', '.join(defaults)}",
                )
            for part in info["needs"]:
                if part not in parsed["datasets"]:
                    raise self.error(
                        key,
                        f"a {kind} analysis needs the plan's {part!r} part",
                        hint=f"bind it under plan.{part} (at least its dataset), or remove the analysis",
                    )
            chapter = spec.get("chapter")
            if chapter is not None and chapter not in CHAPTERS:
                raise self.error(f"{key}.chapter", f"{chapter!r} is not a chapter", hint=", ".join(CHAPTERS))
            options = {**defaults, **spec}
            if _ungrouped(kind, spec, parsed):
                options["by"] = None  # the default role is not bound: all interviews together
            out[str(name)] = AnalysisSpec(str(name), kind, options, key, frozenset(spec))
        return out


def _ungrouped(kind: str, given: dict[str, Any], parsed: dict[str, Any]) -> bool:
    """Whether an analysis' default ``by`` falls back to no grouping.

    The kinds that can run without a grouping (``"ungrouped": True``: the response, the
    interview kinds) group by the side by default; a study may bind no side (an interview-only
    study, a survey of another field). Then the default means "all together" (``by: None``), so
    the gate and the report agree; a ``by`` that study.yml gives is kept as given.
    """
    info = ANALYSES[kind]
    default = info["options"].get("by")
    return (
        bool(info.get("ungrouped"))
        and "by" not in given
        and default is not None
        and f"{info['needs'][0]}.{default}" not in parsed["bindings"]
    )


#: Report chapters (section ids) that analyses can fill, in report order.
CHAPTERS = ("methode", "samenwerking", "perspectieven", "bereik", "verwijzingen", "interviews", "samenhang")
