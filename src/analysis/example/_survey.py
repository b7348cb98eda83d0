"""The organisation survey (``organisatie_enquete.sav``): respondents, collaboration form,
perception scales, reach and referral counts, with planted effects.

Everything is drawn from one :class:`numpy.random.Generator`, in a fixed order, so a seed
fixes every value. The planted parameters are module constants; :func:`planted` returns
them in the form ``PLANTED.yml`` records.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.example._municipalities import SMALL_MUNICIPALITY_RESPONDENTS

N_RESPONDENTS = 600

# -- value labels ------------------------------------------------------------------------------
# Dutch labels as a researcher types them in SPSS (the file's value labels), with their English
# translations (``*_EN``, written into the codebooks as ``translations: {en: ...}``).
RESPONDENT_TYPES = {
    1: "Professional, formele organisatie",
    2: "Leidinggevende, formele organisatie",
    3: "Beleidsmedewerker gemeente",
    4: "Bestuurslid, informele organisatie",
    5: "Vrijwilliger, informele organisatie",
    6: "Sleutelpersoon",
}
RESPONDENT_TYPES_EN = {
    1: "Professional, formal organisation",
    2: "Manager, formal organisation",
    3: "Municipal policy officer",
    4: "Board member, informal organisation",
    5: "Volunteer, informal organisation",
    6: "Key person",
}
ORG_SIDE = {1: "Formeel", 2: "Informeel"}
ORG_SIDE_EN = {1: "Formal", 2: "Informal"}
FORMAL_ORG_TYPES = {
    1: "Veilig Thuis",
    2: "Wijkteam",
    3: "Gemeente",
    4: "Schuldhulpverlening",
    5: "GGD",
    6: "Jeugd en gezin",
    7: "Politie",
    8: "Onderwijs",
    9: "Welzijn",
    10: "Overig",
}
FORMAL_ORG_TYPES_EN = {
    1: "Veilig Thuis (domestic abuse and child abuse advice centre)",
    2: "Neighbourhood team",
    3: "Municipality",
    4: "Debt counselling",
    5: "Municipal public health service (GGD)",
    6: "Youth and family services",
    7: "Police",
    8: "Education",
    9: "Social welfare",
    10: "Other",
}
INFORMAL_ORG_TYPES = {
    1: "Migrantenzelforganisatie",
    2: "Vrouwenorganisatie",
    3: "Religieuze organisatie",
    4: "Sleutelpersonennetwerk",
    5: "Bewonersinitiatief",
    6: "Overig",
}
INFORMAL_ORG_TYPES_EN = {
    1: "Migrant-led organisation",
    2: "Women's organisation",
    3: "Religious organisation",
    4: "Key-person network",
    5: "Residents' initiative",
    6: "Other",
}
KEY_PERSON_PAID = {1: "Onbetaald", 2: "Vrijwilligersvergoeding", 3: "Betaald per uur", 4: "In dienst"}
KEY_PERSON_PAID_EN = {1: "Unpaid", 2: "Volunteer allowance", 3: "Paid by the hour", 4: "Employed"}
COLLAB_FORMS = {1: "Ad hoc", 2: "Projectmatig", 3: "Structureel"}
COLLAB_FORMS_EN = {1: "Ad hoc", 2: "Project-based", 3: "Structural"}
AGREEMENT = {
    0: "Geen",
    1: "Mondeling of per e-mail",
    2: "Samenwerkings- of intentieverklaring",
    3: "Convenant of contract",
}
AGREEMENT_EN = {
    0: "None",
    1: "Verbal or by e-mail",
    2: "Declaration of cooperation or intent",
    3: "Covenant or contract",
}
FUNDING = {
    0: "Geen",
    1: "Eenmalig of incidenteel",
    2: "Projectsubsidie (≤2 jaar)",
    3: "Jaarlijkse subsidie",
    4: "Meerjarig structureel",
}
FUNDING_EN = {
    0: "None",
    1: "One-off or incidental",
    2: "Project grant (≤2 years)",
    3: "Annual grant",
    4: "Structural, multi-year",
}
MEETINGS = {0: "Nooit", 1: "Ad hoc", 2: "Per kwartaal", 3: "Maandelijks", 4: "(Twee)wekelijks"}
MEETINGS_EN = {0: "Never", 1: "Ad hoc", 2: "Quarterly", 3: "Monthly", 4: "Weekly or fortnightly"}
PROTOCOL = {0: "Geen", 1: "Informele afspraken", 2: "Schriftelijk protocol of warme overdracht"}
PROTOCOL_EN = {0: "None", 1: "Informal agreements", 2: "Written protocol or warm handover"}
FEEDBACK = {0: "Nooit", 1: "Soms", 2: "Meestal", 3: "Altijd"}
FEEDBACK_EN = {0: "Never", 1: "Sometimes", 2: "Usually", 3: "Always"}
TRAINING = {0: "Nooit", 1: "Eenmalig", 2: "Jaarlijks", 3: "Doorlopende coaching of intervisie"}
TRAINING_EN = {0: "Never", 1: "Once", 2: "Every year", 3: "Ongoing coaching or peer supervision"}
FREY = {
    0: "Geen samenwerking",
    1: "Netwerken",
    2: "Afstemmen (cooperation)",
    3: "Coördineren",
    4: "Coalitie",
    5: "Samenwerken (collaboration)",
}
FREY_EN = {
    0: "No collaboration",
    1: "Networking",
    2: "Cooperation",
    3: "Coordination",
    4: "Coalition",
    5: "Collaboration",
}
YES_NO = {0: "Nee", 1: "Ja"}
YES_NO_EN = {0: "No", 1: "Yes"}
LIKERT = {
    1: "Helemaal oneens",
    2: "Oneens",
    3: "Neutraal",
    4: "Eens",
    5: "Helemaal eens",
    8: "Weet niet",
    9: "N.v.t.",
}
LIKERT_EN = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
    8: "Don't know",
    9: "Not applicable",
}
LIKERT_MISSING = [8, 9]

# -- short string codes ---------------------------------------------------------------------------
#: How the referral log (``verwijzingen.xlsx``) and the interviews' case variables store these
#: categories: short codes, labelled in their codebooks with the labels above.
RESPONDENT_TYPE_KEYS = {
    1: "formeel_professional",
    2: "formeel_leidinggevende",
    3: "gemeente_beleid",
    4: "informeel_bestuur",
    5: "informeel_vrijwilliger",
    6: "sleutelpersoon",
}
ORG_SIDE_KEYS = {1: "formeel", 2: "informeel"}
INFORMAL_ORG_TYPE_KEYS = {
    1: "migrantenzelforganisatie",
    2: "vrouwenorganisatie",
    3: "religieuze_organisatie",
    4: "sleutelpersonennetwerk",
    5: "bewonersinitiatief",
    6: "overig",
}
COLLAB_FORM_KEYS = {1: "ad_hoc", 2: "projectmatig", 3: "structureel"}

# -- the perception scales --------------------------------------------------------------------
#: Item texts (variable labels) per scale, after domain brief §6.5.
SCALE_ITEMS: dict[str, tuple[str, ...]] = {
    "trust": (
        "De partnerorganisatie doet wat is afgesproken",
        "Ik kan vertrouwelijke informatie veilig delen met de partnerorganisatie",
        "We kunnen openlijk van mening verschillen",
        "De partnerorganisatie streeft dezelfde doelen na",
    ),
    "appreciation": (
        "Mijn kennis van de gemeenschap wordt gewaardeerd",
        "Mijn inzet wordt zichtbaar erkend (bijv. vergoeding, vermelding)",
        "Ik word behandeld als gelijkwaardige partner",
    ),
    "taken_seriously": (
        "Als ik een signaal doorgeef, wordt er iets mee gedaan",
        "Ik krijg terugkoppeling na een doorverwijzing",
        "Professionals nemen mijn inschatting van risico serieus",
        "Ik voel me soms gebruikt als doorgeefluik",
    ),
    "knowledge_exchange": (
        "Ik weet wat Veilig Thuis/wijkteam doet na een melding",
        "Professionals weten wat er speelt in de gemeenschap",
        "We leren structureel van elkaar",
        "Ik heb training gehad in het herkennen van signalen",
    ),
}
#: The item texts in English, item for item.
SCALE_ITEMS_EN: dict[str, tuple[str, ...]] = {
    "trust": (
        "The partner organisation does what was agreed",
        "I can safely share confidential information with the partner organisation",
        "We can openly disagree",
        "The partner organisation pursues the same goals",
    ),
    "appreciation": (
        "My knowledge of the community is valued",
        "My efforts are visibly recognised (e.g. payment, mention)",
        "I am treated as an equal partner",
    ),
    "taken_seriously": (
        "When I pass on a concern, something is done with it",
        "I receive feedback after a referral",
        "Professionals take my assessment of risk seriously",
        "I sometimes feel used as a mere go-between",
    ),
    "knowledge_exchange": (
        "I know what Veilig Thuis/the neighbourhood team does after a report",
        "Professionals know what is going on in the community",
        "We learn from each other in a structured way",
        "I have been trained to recognise warning signs",
    ),
}
SCALE_TITLES = {
    "trust": "Vertrouwen",
    "appreciation": "Waardering/erkenning",
    "taken_seriously": "Serieus genomen",
    "knowledge_exchange": "Kennisuitwisseling",
}
#: Standardised loadings of the items on their scale's factor. Deliberately unequal for
#: trust and taken_seriously, so that McDonald's omega exceeds Cronbach's alpha.
LOADINGS: dict[str, tuple[float, ...]] = {
    "trust": (0.90, 0.70, 0.45, 0.30),
    "appreciation": (0.70, 0.65, 0.60),
    "taken_seriously": (0.85, 0.75, 0.50, 0.35),
    "knowledge_exchange": (0.75, 0.70, 0.60, 0.45),
}
REVERSED = {"taken_seriously_4"}
#: Cut points of the standard-normal item response into the five answer categories.
THRESHOLDS = (-1.5, -0.6, 0.3, 1.2)
#: Correlation of each scale factor with a general "relationship quality" factor.
GENERAL_LOADING = 0.45
#: Shares of "weet niet" (8) and "n.v.t." (9) per Likert item.
P_DONT_KNOW, P_NOT_APPLICABLE = 0.03, 0.015

#: Planted: gap informal - formal in the taken_seriously scale mean (1-5), by collaboration form.
TS_GAP_NONSTRUCTURAL = -0.8
TS_GAP_STRUCTURAL = -0.3
#: Factor mean of formal respondents without / with structural collaboration.
TS_FORMAL_MEAN = {False: 0.0, True: 0.3}
#: Factor means (formal, informal) x (non-structural, structural) for the other scales.
OTHER_FACTOR_MEANS = {
    "trust": {
        ("formeel", False): 0.1,
        ("formeel", True): 0.4,
        ("informeel", False): -0.3,
        ("informeel", True): 0.2,
    },
    "appreciation": {
        ("formeel", False): 0.3,
        ("formeel", True): 0.5,
        ("informeel", False): -0.5,
        ("informeel", True): 0.0,
    },
    "knowledge_exchange": {
        ("formeel", False): 0.0,
        ("formeel", True): 0.5,
        ("informeel", False): -0.4,
        ("informeel", True): 0.3,
    },
}

# -- reach (informal side) --------------------------------------------------------------------
#: Planted: reach per target person under ad hoc / project-based collaboration (40 per 1,000),
#: and the rate ratio for structural collaboration (project-based equals ad hoc).
REACH_BASE_RATE = 0.040
REACH_RATE_RATIO_STRUCTURAL = 1.5
REACH_NB_ALPHA = 0.4  # NB2: Var = mu + alpha * mu^2
REACH_MUNICIPALITY_SD = 0.25  # sd of the municipality random intercept, log scale

# -- collaboration form shares by side ----------------------------------------------------------
COLLAB_FORM_P = {"formeel": (0.25, 0.40, 0.35), "informeel": (0.33, 0.37, 0.30)}

OPEN_REMARKS = {
    "informeel": (
        "Wij doen veel werk zonder vergoeding. Een vaste bijdrage zou helpen.",
        "Na een doorverwijzing horen we vaak niets meer terug.",
        "De samenwerking met het wijkteam is de laatste tijd beter, er is nu een vast aanspreekpunt.",
        "Het subsidiegeld is elk jaar weer onzeker, dat kost veel tijd en energie.",
        "Vrouwen durven pas te praten als ze ons kennen. Dat vertrouwen bouw je niet in één gesprek op.",
        "Graag meer training over wat Veilig Thuis precies doet na een melding.",
        "Soms voelen wij ons alleen nodig als er een probleem is.",
        "Onze vrijwilligers zijn overbelast, er zijn te weinig mensen voor te veel vragen.",
        "Het zou fijn zijn als professionals ook eens bij ons langskomen.",
        "Mannen bereiken we nauwelijks, daar is een andere aanpak voor nodig.",
        "Het contact hangt erg af van één persoon bij de gemeente. Als die weggaat, begint alles opnieuw.",
        "Wij willen meedenken over beleid, niet alleen uitvoeren.",
        "De lijntjes met schuldhulp zijn kort, dat werkt goed.",
        "Ik zou graag intervisie willen met andere sleutelpersonen.",
        "De vragenlijst was lang, maar de onderwerpen zijn belangrijk.",
    ),
    "formeel": (
        "Sleutelpersonen bereiken gezinnen die wij niet in beeld hebben.",
        "Terugkoppelen lukt niet altijd door de privacyregels.",
        "We hebben te weinig tijd om de samenwerking goed te onderhouden.",
        "Het convenant heeft de afspraken duidelijker gemaakt.",
        "Het is lastig om in te schatten hoe betrouwbaar signalen zijn.",
        "Meer structurele financiering van de informele partners zou de samenwerking versterken.",
        "De warme overdracht via de vrouwenorganisatie werkt heel goed.",
        "Collega's weten vaak niet welke informele organisaties er in de wijk actief zijn.",
        "Wij zouden vaker aan casusoverleg met sleutelpersonen willen deelnemen.",
        "Door personeelsverloop gaat er kennis over de samenwerking verloren.",
        "Graag meer aandacht voor cultuursensitief werken in de opleiding.",
        "De wachttijden bij de hulpverlening zijn te lang, daar lijdt de samenwerking onder.",
    ),
}
P_OPEN_REMARK = 0.35


def expected_scale_mean(factor_mean: float, loadings: tuple[float, ...]) -> float:
    """Expected scale mean (1-5, reverse items already reversed) for a group.

    An item's latent response is ``lambda * eta + sqrt(1 - lambda**2) * e`` with the factor
    ``eta ~ N(factor_mean, 1)``, so it is ``N(lambda * factor_mean, 1)``; the answer is
    ``1 + #{thresholds below it}``. The expectation is exact (normal CDFs), no simulation.
    """
    total = 0.0
    for lam in loadings:
        total += 1.0 + sum(stats.norm.cdf(lam * factor_mean - t) for t in THRESHOLDS)
    return total / len(loadings)


@lru_cache(maxsize=1)
def taken_seriously_factor_means() -> dict[tuple[str, bool], float]:
    """Factor means per (side, structural) that give exactly the planted scale-mean gaps."""
    lam = LOADINGS["taken_seriously"]
    out: dict[tuple[str, bool], float] = {}
    for structural, gap in ((False, TS_GAP_NONSTRUCTURAL), (True, TS_GAP_STRUCTURAL)):
        formal = TS_FORMAL_MEAN[structural]
        target = expected_scale_mean(formal, lam) + gap
        informal = optimize.brentq(lambda s, t=target: expected_scale_mean(s, lam) - t, -6.0, 6.0, xtol=1e-12)
        out[("formeel", structural)] = formal
        out[("informeel", structural)] = float(informal)
    return out


def population_reliability(loadings: tuple[float, ...]) -> dict[str, float]:
    """Population Cronbach's alpha and McDonald's omega of standardised congeneric items.

    With loadings ``l`` and unique variances ``1 - l**2``:
    ``omega = (sum l)**2 / ((sum l)**2 + sum(1 - l**2))`` and
    ``alpha = k/(k-1) * (1 - k / ((sum l)**2 + sum(1 - l**2)))``.
    """
    lam = np.asarray(loadings)
    k = len(lam)
    common = lam.sum() ** 2
    total = common + (1 - lam**2).sum()
    return {"alpha": float(k / (k - 1) * (1 - k / total)), "omega": float(common / total)}


def _likert(rng: np.random.Generator, factor: np.ndarray, loadings: tuple[float, ...]) -> np.ndarray:
    """Answers 1-5 of each item (columns) given each respondent's factor score."""
    n = len(factor)
    out = np.empty((n, len(loadings)), dtype=float)
    for j, lam in enumerate(loadings):
        latent = lam * factor + np.sqrt(1 - lam**2) * rng.standard_normal(n)
        out[:, j] = 1 + (latent[:, None] > np.asarray(THRESHOLDS)[None, :]).sum(axis=1)
    return out


def _choice(
    rng: np.random.Generator, codes: list[int], p: list[float] | tuple[float, ...], size: int
) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return rng.choice(np.asarray(codes), size=size, p=p / p.sum())


def make_survey(rng: np.random.Generator, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Draw the survey: one row per respondent, stored codes (numbers), SPSS-ready.

    Parameters
    ----------
    rng
        The study's random generator.
    municipalities
        The frame from :func:`~analysis.example._municipalities.make_municipalities`.

    Returns
    -------
    pandas.DataFrame
        One row per respondent with the columns of ``data/codebooks/organisatie_enquete.yml``.
        Skip logic is system-missing (``NaN``); Likert "weet niet"/"n.v.t." are the codes 8/9.
    """
    n = N_RESPONDENTS
    munis = municipalities.set_index("municipality_code")

    # -- where: fixed handfuls in the three tiny municipalities, the rest by sqrt(population)
    small = SMALL_MUNICIPALITY_RESPONDENTS
    large = munis.index[~munis.index.isin(list(small))]
    weights = np.sqrt(munis.loc[large, "pop_total"].to_numpy(float))
    counts = rng.multinomial(n - sum(small.values()), weights / weights.sum())
    muni = np.concatenate([np.repeat(large.to_numpy(), counts), np.repeat(list(small), list(small.values()))])
    muni = muni[rng.permutation(n)]

    # -- who
    informal = rng.random(n) < 0.55
    side = np.where(informal, "informeel", "formeel")
    rtype = np.where(
        informal,
        _choice(rng, [4, 5, 6], [0.25, 0.35, 0.40], n),
        _choice(rng, [1, 2, 3], [0.55, 0.20, 0.25], n),
    )
    formal_type = np.where(
        rtype == 3,
        3,
        _choice(rng, [1, 2, 4, 5, 6, 7, 8, 9, 10], [0.14, 0.26, 0.12, 0.08, 0.12, 0.05, 0.08, 0.11, 0.04], n),
    ).astype(float)
    formal_type[informal] = np.nan
    informal_type = _choice(rng, [1, 2, 3, 4, 5, 6], [0.28, 0.22, 0.14, 0.18, 0.12, 0.06], n).astype(float)
    informal_type[rtype == 6] = np.where(rng.random((rtype == 6).sum()) < 0.6, 4, informal_type[rtype == 6])
    informal_type[~informal] = np.nan
    years = np.minimum(np.round(rng.gamma(1.6, 5.5, n)), 40)

    # -- collaboration form and its indicators (consistent with the classification rule)
    form = np.where(
        informal,
        _choice(rng, [1, 2, 3], COLLAB_FORM_P["informeel"], n),
        _choice(rng, [1, 2, 3], COLLAB_FORM_P["formeel"], n),
    )
    structural = form == 3
    ind = _collaboration_indicators(rng, form)

    paid = np.full(n, np.nan)
    for t, p in {
        4: [0.55, 0.30, 0.05, 0.10],
        5: [0.60, 0.35, 0.03, 0.02],
        6: [0.35, 0.35, 0.15, 0.15],
    }.items():
        sel = rtype == t
        p_t = np.asarray(p)
        paid[sel & ~structural] = _choice(rng, [1, 2, 3, 4], p_t, (sel & ~structural).sum())
        p_s = p_t * np.array([0.6, 1.0, 1.6, 1.6])
        paid[sel & structural] = _choice(rng, [1, 2, 3, 4], p_s, (sel & structural).sum())

    themes = {}
    for name, (p_f, p_i) in {
        "theme_huwelijksdwang": (0.30, 0.35),
        "theme_achterlating": (0.15, 0.20),
        "theme_eergerelateerd_geweld": (0.30, 0.30),
        "theme_gedwongen_isolement": (0.35, 0.50),
        "theme_schulden_armoede": (0.45, 0.60),
    }.items():
        themes[name] = (rng.random(n) < np.where(informal, p_i, p_f)).astype(float)

    # -- perception scales
    general = rng.standard_normal(n)
    ts_means = taken_seriously_factor_means()
    likert: dict[str, np.ndarray] = {}
    factors: dict[str, np.ndarray] = {}
    for scale, loadings in LOADINGS.items():
        means = ts_means if scale == "taken_seriously" else OTHER_FACTOR_MEANS[scale]
        mu = np.array([means[(s, bool(st))] for s, st in zip(side, structural, strict=True)])
        eta = mu + GENERAL_LOADING * general + np.sqrt(1 - GENERAL_LOADING**2) * rng.standard_normal(n)
        factors[scale] = eta
        answers = _likert(rng, eta, loadings)
        for j in range(len(loadings)):
            name = f"{scale}_{j + 1}"
            col = answers[:, j]
            if name in REVERSED:
                col = 6 - col
            u = rng.random(n)
            col = np.where(u < P_DONT_KNOW, 8, np.where(u < P_DONT_KNOW + P_NOT_APPLICABLE, 9, col))
            likert[name] = col
    success = np.clip(
        np.round(5.4 + 1.4 * structural + 0.5 * (form == 2) + 0.5 * factors["trust"] + rng.normal(0, 1.1, n)),
        0,
        10,
    )

    # -- reach (informal side, last 12 months), planted negative binomial with exposure
    reach = _reach(rng, informal, structural, muni, munis)

    # -- referral counts (both sides)
    mean_made = np.where(informal, 12.0, 28.0) * np.where(structural, 1.25, 1.0)
    made = rng.poisson(mean_made * rng.gamma(1 / 0.6, 0.6, n)).astype(float)
    p_completed = 0.50 + 0.20 * structural + 0.08 * (form == 2)
    completed = rng.binomial(made.astype(int), p_completed).astype(float)
    help_started = rng.binomial(completed.astype(int), 0.72).astype(float)
    p_feedback = np.array([0.10, 0.35, 0.65, 0.90])[ind["feedback_after_referral"].astype(int)]
    feedback = rng.binomial(made.astype(int), p_feedback).astype(float)
    days = np.round(rng.gamma(3.0, 18.0 * np.where(structural, 0.6, 1.0) / 3.0, n) * 2) / 2
    days = np.where((made == 0) | (rng.random(n) < 0.06), np.nan, np.maximum(days, 0.5))

    start = dt.date(2026, 2, 2)
    survey_date = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 75, n)]

    remarks = []
    for s in side:
        pool = OPEN_REMARKS[s]
        remarks.append(pool[int(rng.integers(len(pool)))] if rng.random() < P_OPEN_REMARK else "")

    df = pd.DataFrame(
        {
            "resp_id": [f"R{i + 1:04d}" for i in range(n)],
            "wave": np.ones(n),
            "survey_date": survey_date,
            "consent_given": np.ones(n),
            "resp_type": rtype.astype(float),
            "org_side": np.where(informal, 2.0, 1.0),
            "formal_org_type": formal_type,
            "informal_org_type": informal_type,
            "municipality_code": muni,
            "years_in_role": years,
            "key_person_paid": paid,
            **themes,
            "collab_form": form.astype(float),
            **ind,
            **likert,
            "collab_success": success,
            **reach,
            "ref_made_total": made,
            "ref_completed": completed,
            "ref_help_started": help_started,
            "ref_feedback_received": feedback,
            "days_to_first_contact_median": days,
            "open_remarks": remarks,
        }
    )
    return df


def _collaboration_indicators(rng: np.random.Generator, form: np.ndarray) -> dict[str, np.ndarray]:
    """Behavioural indicators drawn per collaboration form.

    They follow the classification rule of domain brief §9: *structureel* has
    agreement >= 2, funding >= 3, meetings >= 2, a named contact and >= 24 months;
    *ad hoc* has meetings <= 1 and agreement <= 1; *projectmatig* has project funding (1-2)
    and is not ad hoc.
    """
    n = len(form)
    out = {
        k: np.zeros(n)
        for k in (
            "collab_duration_months",
            "agreement_level",
            "funding_horizon",
            "meeting_frequency",
            "named_contact",
            "referral_protocol",
            "feedback_after_referral",
            "joint_training",
            "embedded_in_policy",
            "frey_level",
        )
    }
    spec = {
        # form: {indicator: (codes, probabilities)}
        1: {
            "agreement_level": ([0, 1], [0.45, 0.55]),
            "funding_horizon": ([0, 1], [0.6, 0.4]),
            "meeting_frequency": ([0, 1], [0.3, 0.7]),
            "named_contact": ([0, 1], [0.7, 0.3]),
            "referral_protocol": ([0, 1], [0.6, 0.4]),
            "feedback_after_referral": ([0, 1, 2], [0.45, 0.45, 0.10]),
            "joint_training": ([0, 1], [0.75, 0.25]),
            "embedded_in_policy": ([0, 1], [0.95, 0.05]),
            "frey_level": ([1, 2], [0.6, 0.4]),
        },
        2: {
            "agreement_level": ([1, 2], [0.4, 0.6]),
            "funding_horizon": ([1, 2], [0.3, 0.7]),
            "meeting_frequency": ([1, 2, 3], [0.25, 0.45, 0.30]),
            "named_contact": ([0, 1], [0.3, 0.7]),
            "referral_protocol": ([0, 1, 2], [0.2, 0.5, 0.3]),
            "feedback_after_referral": ([0, 1, 2, 3], [0.15, 0.45, 0.30, 0.10]),
            "joint_training": ([0, 1, 2], [0.30, 0.45, 0.25]),
            "embedded_in_policy": ([0, 1], [0.75, 0.25]),
            "frey_level": ([2, 3], [0.55, 0.45]),
        },
        3: {
            "agreement_level": ([2, 3], [0.4, 0.6]),
            "funding_horizon": ([3, 4], [0.35, 0.65]),
            "meeting_frequency": ([2, 3, 4], [0.35, 0.45, 0.20]),
            "named_contact": ([1], [1.0]),
            "referral_protocol": ([1, 2], [0.25, 0.75]),
            "feedback_after_referral": ([1, 2, 3], [0.15, 0.45, 0.40]),
            "joint_training": ([1, 2, 3], [0.2, 0.45, 0.35]),
            "embedded_in_policy": ([0, 1], [0.25, 0.75]),
            "frey_level": ([3, 4, 5], [0.35, 0.40, 0.25]),
        },
    }
    for code, indicators in spec.items():
        sel = form == code
        m = int(sel.sum())
        for name, (codes, p) in indicators.items():
            out[name][sel] = _choice(rng, codes, p, m)
        if code == 2:  # project-based is never ad hoc: with ad hoc meetings comes a written agreement
            fix = sel & (out["meeting_frequency"] <= 1)
            out["agreement_level"][fix] = 2
        low, high = {1: (1, 60), 2: (3, 30), 3: (24, 180)}[code]
        out["collab_duration_months"][sel] = rng.integers(low, high + 1, m)
    return out


def _reach(
    rng: np.random.Generator,
    informal: np.ndarray,
    structural: np.ndarray,
    muni: np.ndarray,
    munis: pd.DataFrame,
) -> dict[str, np.ndarray]:
    """Reach counts of informal respondents: NB2 with exposure and municipality intercepts."""
    n = len(informal)
    codes = munis.index.to_list()
    effects = dict(zip(codes, rng.normal(0.0, REACH_MUNICIPALITY_SD, len(codes)), strict=True))
    u = np.array([effects[m] for m in muni])
    muni_target = munis.loc[muni, "target_pop_estimate"].to_numpy(float)
    share = np.clip(np.exp(rng.normal(np.log(0.08), 0.6, n)), 0.01, 0.6)
    target = np.maximum(np.round(muni_target * share), 20.0)
    log_rate = np.log(REACH_BASE_RATE) + np.log(REACH_RATE_RATIO_STRUCTURAL) * structural + u
    mu = target * np.exp(log_rate)
    total = rng.poisson(mu * rng.gamma(1 / REACH_NB_ALPHA, REACH_NB_ALPHA, n)).astype(float)
    target = np.maximum(target, total + 1)  # a target population is never smaller than the reach
    new = rng.binomial(total.astype(int), 0.35).astype(float)
    unknown = rng.binomial(total.astype(int), 0.30).astype(float)
    out = {
        "reach_total": total,
        "reach_new": new,
        "reach_unknown_to_services": unknown,
        "target_pop_estimate": target,
    }
    for k in out:
        out[k] = np.where(informal, out[k], np.nan)
    return out
