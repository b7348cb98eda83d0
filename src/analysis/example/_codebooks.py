"""Codebooks of the example study, built with :class:`analysis.codebook.Codebook`.

The survey's codebook is also the source of the ``.sav`` metadata (variable labels, value
labels, missing codes, measurement levels, formats), so file and codebook cannot disagree.
"""

from __future__ import annotations

from typing import Any

from analysis.codebook import Codebook, Variable
from analysis.example import _interviews as iv
from analysis.example import _survey as sv
from analysis.example import _texts as tx
from analysis.example._municipalities import SIZE_CLASSES
from analysis.example._referrals import OBSERVATION_END, OUTCOMES, THEMES, TO_ORG_TYPES

SYNTHETIC_NOTE = (
    "SYNTHETISCHE DATA. Dit bestand hoort bij de voorbeeldstudie van Bruggen en is gemaakt door "
    "`bruggen example` (analysis.example, seed {seed}). Er zijn geen echte respondenten, organisaties "
    "of cliënten; gemeentecodes en -namen zijn echt (CBS), alle andere waarden zijn getrokken uit een "
    "model met ingeplante effecten (zie data/raw/PLANTED.yml)."
)

MUNICIPALITY_PATTERN = r"^GM\d{4}$"
FORMAL = "org_side == 1"
INFORMAL = "org_side == 2"


def _v(name: str, label: str, en: str, en_values: dict[Any, str] | None = None, **kw: Any) -> Variable:
    """A variable with its Dutch label and its English translation (label and value labels)."""
    translation: dict[str, Any] = {"label": en}
    if en_values is not None:
        translation["value_labels"] = dict(en_values)
    return Variable(name=name, label=label, translations={"en": translation}, **kw)


def _ordinal(
    name: str, label: str, en: str, labels: dict[int, str], en_labels: dict[int, str], **kw: Any
) -> Variable:
    return _v(
        name,
        label,
        en,
        en_labels,
        type="numeric",
        measure="ordinal",
        value_labels=dict(labels),
        minimum=min(labels),
        maximum=max(labels),
        format="F1.0",
        required=True,
        **kw,
    )


def _nominal(
    name: str, label: str, en: str, labels: dict[int, str], en_labels: dict[int, str], **kw: Any
) -> Variable:
    kw.setdefault("required", True)
    fmt = "F2.0" if max(labels) >= 10 else "F1.0"
    return _v(
        name,
        label,
        en,
        en_labels,
        type="numeric",
        measure="nominal",
        value_labels=dict(labels),
        format=fmt,
        **kw,
    )


def _count(name: str, label: str, en: str, **kw: Any) -> Variable:
    return _v(name, label, en, type="numeric", measure="scale", minimum=0, format="F8.0", **kw)


def _keyed(keys: dict[int, str], labels: dict[int, str]) -> dict[str, str]:
    """Labels for a column that stores the short string codes ``keys`` instead of the numbers."""
    return {keys[code]: labels[code] for code in keys}


def _translated(book: Codebook) -> Codebook:
    """``book``, after checking that every variable has an English label and value labels."""
    for var in book:
        en = var.translations.get("en", {})
        if not en.get("label"):
            raise AssertionError(f"{book.dataset}.{var.name}: no English label")
        if set(en.get("value_labels") or {}) != set(var.value_labels):
            raise AssertionError(f"{book.dataset}.{var.name}: English value labels do not match the codes")
    return book


def survey_codebook(seed: int) -> Codebook:
    """The codebook of ``organisatie_enquete.sav`` (variables in file order)."""
    themes = {
        "theme_huwelijksdwang": ("huwelijksdwang", "forced marriage"),
        "theme_achterlating": ("achterlating", "abandonment abroad"),
        "theme_eergerelateerd_geweld": ("eergerelateerd geweld", "honour-based violence"),
        "theme_gedwongen_isolement": ("gedwongen isolement", "forced isolation"),
        "theme_schulden_armoede": ("schulden en armoede", "debt and poverty"),
    }
    variables = [
        _v(
            "resp_id",
            "Respondentnummer (pseudoniem)",
            "Respondent number (pseudonym)",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
            pattern=r"^R\d{4,}$",
            format="A5",
        ),
        _v(
            "wave",
            "Meting (golf)",
            "Measurement (wave)",
            measure="ordinal",
            required=True,
            minimum=1,
            maximum=10,
            format="F2.0",
        ),
        _v(
            "survey_date",
            "Datum van invullen",
            "Date of completion",
            type="date",
            measure="scale",
            required=True,
            format="DATE11",
        ),
        _nominal(
            "consent_given",
            "Toestemming voor deelname en gebruik van de antwoorden",
            "Consent to take part and to the use of the answers",
            sv.YES_NO,
            sv.YES_NO_EN,
        ),
        _nominal(
            "resp_type",
            "Type respondent",
            "Respondent type",
            sv.RESPONDENT_TYPES,
            sv.RESPONDENT_TYPES_EN,
        ),
        _nominal(
            "org_side", "Kant van de samenwerking", "Side of the collaboration", sv.ORG_SIDE, sv.ORG_SIDE_EN
        ),
        _nominal(
            "formal_org_type",
            "Type formele organisatie",
            "Type of formal organisation",
            sv.FORMAL_ORG_TYPES,
            sv.FORMAL_ORG_TYPES_EN,
            applies_to=FORMAL,
        ),
        _nominal(
            "informal_org_type",
            "Type informele organisatie",
            "Type of informal organisation",
            sv.INFORMAL_ORG_TYPES,
            sv.INFORMAL_ORG_TYPES_EN,
            applies_to=INFORMAL,
        ),
        _v(
            "municipality_code",
            "Gemeente (CBS-code)",
            "Municipality (CBS code)",
            type="string",
            measure="nominal",
            required=True,
            pattern=MUNICIPALITY_PATTERN,
            format="A6",
        ),
        _v(
            "years_in_role",
            "Aantal jaren in de huidige rol",
            "Years in the current role",
            measure="scale",
            required=True,
            minimum=0,
            maximum=40,
            format="F2.0",
        ),
        _nominal(
            "key_person_paid",
            "Vergoeding voor de rol (sleutelpersoon, vrijwilliger, bestuurslid)",
            "Payment for the role (key person, volunteer, board member)",
            sv.KEY_PERSON_PAID,
            sv.KEY_PERSON_PAID_EN,
            applies_to=INFORMAL,
        ),
        *[
            _nominal(k, f"Werkt aan het thema {nl}", f"Works on the theme of {en}", sv.YES_NO, sv.YES_NO_EN)
            for k, (nl, en) in themes.items()
        ],
        _v(
            "collab_form",
            "Samenwerkingsvorm (classificatie door de onderzoekers)",
            "Form of collaboration (classified by the researchers)",
            sv.COLLAB_FORMS_EN,
            measure="ordinal",
            value_labels=dict(sv.COLLAB_FORMS),
            required=True,
            minimum=1,
            maximum=3,
            format="F1.0",
        ),
        _v(
            "collab_duration_months",
            "Duur van de samenwerking (maanden)",
            "Duration of the collaboration (months)",
            measure="scale",
            required=True,
            minimum=0,
            maximum=600,
            format="F3.0",
        ),
        _ordinal(
            "agreement_level",
            "Vastlegging van de afspraken",
            "How the agreements are laid down",
            sv.AGREEMENT,
            sv.AGREEMENT_EN,
        ),
        _ordinal(
            "funding_horizon",
            "Financieringshorizon van de samenwerking",
            "Funding horizon of the collaboration",
            sv.FUNDING,
            sv.FUNDING_EN,
        ),
        _ordinal(
            "meeting_frequency",
            "Frequentie van overleg met de partner",
            "How often the partners meet",
            sv.MEETINGS,
            sv.MEETINGS_EN,
        ),
        _nominal(
            "named_contact",
            "Vaste contactpersoon bij de partnerorganisatie",
            "Named contact person at the partner organisation",
            sv.YES_NO,
            sv.YES_NO_EN,
        ),
        _ordinal(
            "referral_protocol",
            "Afspraken over verwijzen",
            "Agreements on referral",
            sv.PROTOCOL,
            sv.PROTOCOL_EN,
        ),
        _ordinal(
            "feedback_after_referral",
            "Terugkoppeling na een verwijzing",
            "Feedback after a referral",
            sv.FEEDBACK,
            sv.FEEDBACK_EN,
        ),
        _ordinal(
            "joint_training",
            "Gezamenlijke scholing of coaching",
            "Joint training or coaching",
            sv.TRAINING,
            sv.TRAINING_EN,
        ),
        _nominal(
            "embedded_in_policy",
            "De samenwerking staat in gemeentelijk of regionaal beleid",
            "The collaboration is laid down in municipal or regional policy",
            sv.YES_NO,
            sv.YES_NO_EN,
        ),
        _ordinal(
            "frey_level",
            "Samenwerkingsniveau (Frey e.a. 2006)",
            "Level of collaboration (Frey et al. 2006)",
            sv.FREY,
            sv.FREY_EN,
        ),
    ]
    for scale, items in sv.SCALE_ITEMS.items():
        for j, (text, text_en) in enumerate(zip(items, sv.SCALE_ITEMS_EN[scale], strict=True), start=1):
            name = f"{scale}_{j}"
            variables.append(
                _v(
                    name,
                    text,
                    text_en,
                    sv.LIKERT_EN,
                    measure="ordinal",
                    value_labels=dict(sv.LIKERT),
                    missing_values=list(sv.LIKERT_MISSING),
                    scale=scale,
                    reverse=name in sv.REVERSED,
                    minimum=1,
                    maximum=5,
                    format="F1.0",
                )
            )
    variables += [
        _v(
            "collab_success",
            "Rapportcijfer voor de samenwerking (0-10)",
            "Overall rating of the collaboration (0-10)",
            measure="scale",
            minimum=0,
            maximum=10,
            format="F2.0",
        ),
        _count(
            "reach_total",
            "Bereik: unieke personen in de afgelopen 12 maanden",
            "Reach: unique persons in the past 12 months",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "reach_new",
            "Bereik: nieuwe personen (eerste contact) in de afgelopen 12 maanden",
            "Reach: new persons (first contact) in the past 12 months",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "reach_unknown_to_services",
            "Bereik: personen die nog niet bekend waren bij de hulpverlening",
            "Reach: persons not yet known to support services",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "target_pop_estimate",
            "Geschatte omvang van de doelgroep van de organisatie",
            "Estimated size of the organisation's target group",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "ref_made_total",
            "Verwijzingen in de afgelopen 12 maanden",
            "Referrals in the past 12 months",
            required=True,
        ),
        _count(
            "ref_completed",
            "Verwijzingen waarbij het eerste contact met de hulpverlener tot stand kwam",
            "Referrals that led to a first contact with the service provider",
            required=True,
        ),
        _count(
            "ref_help_started",
            "Verwijzingen waarbij de hulp is gestart",
            "Referrals after which help started",
            required=True,
        ),
        _count(
            "ref_feedback_received",
            "Verwijzingen waarover terugkoppeling is ontvangen",
            "Referrals on which feedback was received",
            required=True,
        ),
        _v(
            "days_to_first_contact_median",
            "Mediaan aantal dagen van verwijzing tot eerste contact",
            "Median number of days from referral to first contact",
            measure="scale",
            minimum=0,
            maximum=365,
            format="F5.1",
        ),
        _v(
            "open_remarks",
            "Opmerkingen (open antwoord)",
            "Remarks (open answer)",
            type="string",
            measure="nominal",
            pii=True,
        ),
    ]
    notes = SYNTHETIC_NOTE.format(seed=seed) + (
        " Schalen: trust, appreciation, taken_seriously, knowledge_exchange (Likert 1-5; 8 = weet niet, "
        "9 = n.v.t. zijn user-missing). taken_seriously_4 is omgekeerd geformuleerd. Skip-logica: "
        "formal_org_type alleen voor org_side == 1, informal_org_type, key_person_paid en reach_* alleen "
        "voor org_side == 2 (anders systeem-missend). collab_form volgt de classificatieregel van "
        "domain-research §9 uit de indicatoren agreement_level ... frey_level."
    )
    return _translated(
        Codebook(
            dataset="organisatie_enquete",
            variables=tuple(variables),
            title="Organisatie-enquête: samenwerking formeel-informeel (SYNTHETISCHE DATA)",
            encoding="UTF-8",
            notes=notes,
        )
    )


#: Where a referral goes (stored code -> Dutch label, English label).
TO_ORG_LABELS = {
    "schuldhulp": ("Schuldhulpverlening", "Debt counselling"),
    "wijkteam": ("Wijkteam", "Neighbourhood team"),
    "veilig_thuis": ("Veilig Thuis", "Veilig Thuis (domestic abuse and child abuse advice centre)"),
    "voedselbank_kindpakket": ("Voedselbank of kindpakket", "Food bank or children's package"),
    "huisarts_ggz": ("Huisarts of GGZ", "GP or mental health care"),
    "politie": ("Politie", "Police"),
    "overig": ("Overig", "Other"),
}
#: Outcome of a referral (stored code -> Dutch label, English label).
OUTCOME_LABELS = {
    "hulp_gestart": ("Hulp gestart", "Help started"),
    "wachtlijst": ("Wachtlijst", "Waiting list"),
    "afgewezen": ("Afgewezen", "Turned down"),
    "haakt_af": ("Haakt af", "Dropped out"),
    "onbekend": ("Onbekend", "Unknown"),
}
#: Theme of a referral (stored code -> Dutch label, English label): four self-determination
#: themes, then debts and poverty.
THEME_LABELS = {
    "huwelijksdwang": ("Huwelijksdwang", "Forced marriage"),
    "achterlating": ("Achterlating", "Abandonment abroad"),
    "eergerelateerd_geweld": ("Eergerelateerd geweld", "Honour-related violence"),
    "gedwongen_isolement": ("Gedwongen isolement", "Forced isolation"),
    "schulden_armoede": ("Schulden of armoede", "Debts or poverty"),
}


def referrals_codebook(seed: int) -> Codebook:
    """The codebook of ``verwijzingen.xlsx``.

    The log stores short string codes (``structureel``, ``veilig_thuis``); the codebook labels them.
    """
    variables = (
        _v(
            "ref_id",
            "Verwijzingsnummer",
            "Referral number",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
            pattern=r"^V\d{5}$",
        ),
        _v(
            "municipality_code",
            "Gemeente (CBS-code)",
            "Municipality (CBS code)",
            type="string",
            measure="nominal",
            required=True,
            pattern=MUNICIPALITY_PATTERN,
        ),
        _v(
            "from_resp_id",
            "Verwijzer: respondentnummer in de organisatie-enquête (informele kant)",
            "Referrer: respondent number in the organisation survey (informal side)",
            type="string",
            measure="nominal",
            required=True,
            pattern=r"^R\d{4,}$",
        ),
        _v(
            "from_org_type",
            "Verwijzer: type informele organisatie",
            "Referrer: type of informal organisation",
            _keyed(sv.INFORMAL_ORG_TYPE_KEYS, sv.INFORMAL_ORG_TYPES_EN),
            type="string",
            measure="nominal",
            value_labels=_keyed(sv.INFORMAL_ORG_TYPE_KEYS, sv.INFORMAL_ORG_TYPES),
            required=True,
        ),
        _v(
            "collab_form",
            "Samenwerkingsvorm van de verwijzer",
            "The referrer's form of collaboration",
            _keyed(sv.COLLAB_FORM_KEYS, sv.COLLAB_FORMS_EN),
            type="string",
            measure="ordinal",
            value_labels=_keyed(sv.COLLAB_FORM_KEYS, sv.COLLAB_FORMS),
            required=True,
        ),
        _v(
            "to_org_type",
            "Verwezen naar",
            "Referred to",
            {code: en for code, (_, en) in TO_ORG_LABELS.items()},
            type="string",
            measure="nominal",
            value_labels={code: nl for code, (nl, _) in TO_ORG_LABELS.items()},
            required=True,
        ),
        _v(
            "date_referred",
            "Datum van verwijzing",
            "Date of referral",
            type="date",
            measure="scale",
            required=True,
        ),
        _v(
            "date_first_contact",
            "Datum van het eerste contact met de hulpverlener (leeg: geen contact tot stand gekomen)",
            "Date of the first contact with the service provider (empty: no contact made)",
            type="date",
            measure="scale",
        ),
        _v(
            "warm_transfer",
            "Warme overdracht",
            "Warm handover",
            {"ja": "Yes", "nee": "No"},
            type="string",
            measure="nominal",
            value_labels={"ja": "Ja", "nee": "Nee"},
            required=True,
        ),
        _v(
            "contact_made",
            "Verwijzing voltooid: eerste contact met de hulpverlener tot stand gekomen",
            "Referral completed: first contact with the service provider made",
            sv.YES_NO_EN,
            measure="nominal",
            value_labels=dict(sv.YES_NO),
            required=True,
            minimum=0,
            maximum=1,
        ),
        _v(
            "outcome",
            "Uitkomst van de verwijzing",
            "Outcome of the referral",
            {code: en for code, (_, en) in OUTCOME_LABELS.items()},
            type="string",
            measure="nominal",
            value_labels={code: nl for code, (nl, _) in OUTCOME_LABELS.items()},
            required=True,
        ),
        _v(
            "ref_theme",
            "Thema van de verwijzing",
            "Theme of the referral",
            {code: en for code, (_, en) in THEME_LABELS.items()},
            type="string",
            measure="nominal",
            value_labels={code: nl for code, (nl, _) in THEME_LABELS.items()},
            required=True,
        ),
    )
    assert list(TO_ORG_TYPES) == list(TO_ORG_LABELS) and list(OUTCOMES) == list(OUTCOME_LABELS)
    assert list(THEMES) == list(THEME_LABELS)
    return _translated(
        Codebook(
            dataset="verwijzingen",
            variables=variables,
            title="Verwijslog: één regel per verwijzing, zonder cliëntgegevens (SYNTHETISCHE DATA)",
            encoding="UTF-8",
            notes=SYNTHETIC_NOTE.format(seed=seed)
            + " contact_made = 1 precies wanneer date_first_contact is ingevuld; dagen tot eerste contact = "
            "date_first_contact - date_referred. Het log loopt tot en met "
            f"{OBSERVATION_END.isoformat()} (einde van de waarneming): een verwijzing zonder eerste "
            "contact is op die dag gecensureerd.",
        )
    )


#: Municipality size classes (stored code -> Dutch label, English label).
SIZE_CLASS_LABELS = {
    "<50k": ("Minder dan 50.000 inwoners", "Fewer than 50,000 inhabitants"),
    "50-100k": ("50.000 tot 100.000 inwoners", "50,000 to 100,000 inhabitants"),
    "100-250k": ("100.000 tot 250.000 inwoners", "100,000 to 250,000 inhabitants"),
    ">250k": ("250.000 inwoners of meer", "250,000 inhabitants or more"),
}


def municipalities_codebook(seed: int) -> Codebook:
    """The codebook of ``gemeenten.csv``."""
    assert tuple(SIZE_CLASS_LABELS) == SIZE_CLASSES
    variables = (
        _v(
            "municipality_code",
            "Gemeente (CBS-code)",
            "Municipality (CBS code)",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
            pattern=MUNICIPALITY_PATTERN,
        ),
        _v(
            "municipality_name",
            "Gemeentenaam",
            "Municipality name",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
        ),
        _v(
            "pop_total",
            "Aantal inwoners (afgerond, bij benadering)",
            "Number of inhabitants (rounded, approximate)",
            measure="scale",
            required=True,
            minimum=0,
        ),
        _v(
            "target_pop_estimate",
            "Geschatte omvang van de doelgroep in de gemeente (noemer voor bereik per 1.000)",
            "Estimated size of the target group in the municipality (denominator of reach per 1,000)",
            measure="scale",
            required=True,
            minimum=1,
        ),
        _v(
            "vt_region",
            "Regio (Veilig Thuis-regio)",
            "Region (Veilig Thuis region)",
            type="string",
            measure="nominal",
            required=True,
        ),
        _v(
            "size_class",
            "Gemeentegrootteklasse",
            "Municipality size class",
            {code: en for code, (_, en) in SIZE_CLASS_LABELS.items()},
            type="string",
            measure="ordinal",
            value_labels={code: nl for code, (nl, _) in SIZE_CLASS_LABELS.items()},
            required=True,
        ),
    )
    return _translated(
        Codebook(
            dataset="gemeenten",
            variables=variables,
            title="Gemeentekader met inwonertal en geschatte doelgroep (SYNTHETISCHE DATA)",
            encoding="UTF-8",
            notes=SYNTHETIC_NOTE.format(seed=seed)
            + " Inwonertallen zijn afgeronde benaderingen; target_pop_estimate is synthetisch.",
        )
    )


#: Code families of the interview code book (family code -> Dutch label, English label).
FAMILY_LABELS = {
    "A SAMENWERKINGSSTRUCTUUR": ("Samenwerkingsstructuur", "Structure of the collaboration"),
    "B RELATIEKWALITEIT": ("Relatiekwaliteit", "Quality of the relationship"),
    "C BEREIK_EN_SIGNALERING": ("Bereik en signalering", "Reach and spotting concerns"),
    "D VERWIJSROUTES": ("Verwijsroutes", "Referral routes"),
    "E CAPACITEIT": ("Capaciteit", "Capacity"),
    "F CONTEXT_ZELFBESCHIKKING": ("Context en zelfbeschikking", "Context and self-determination"),
    "G OPBRENGSTEN_EN_AANBEVELINGEN": ("Opbrengsten en aanbevelingen", "Results and recommendations"),
}


#: Codes of the interview code book (code id -> Dutch label, English label), domain brief §7;
#: the meta-codes mark segments and are labelled as what they mark.
CODE_LABELS = {
    "A1": ("Formalisering", "Formalisation"),
    "A2": ("Financiering en continuïteit", "Funding and continuity"),
    "A3": ("Vast aanspreekpunt", "Fixed contact person"),
    "A4": ("Overlegstructuur", "Meeting structure"),
    "A5": ("Verwijsprotocol", "Referral protocol"),
    "A6": ("Terugkoppeling", "Feedback after a referral"),
    "A7": ("Bestuurlijke inbedding", "Backing from management and municipality"),
    "A8": ("Persoonsafhankelijkheid", "Dependence on individuals"),
    "A9": ("Scholing en coaching", "Training and coaching"),
    "A10": ("Project of structureel", "Project or structural"),
    "B1": ("Vertrouwen", "Trust"),
    "B2": ("Waardering en erkenning", "Appreciation and recognition"),
    "B3": ("Niet serieus genomen", "Not taken seriously"),
    "B4": ("Gelijkwaardigheid en macht", "Equality and power"),
    "B5": ("Eigenheid of inkapseling", "Autonomy or absorption"),
    "B6": ("Rolverwachtingen", "Role expectations"),
    "B7": ("Wederzijds beeld", "Mutual perceptions"),
    "C1": ("Achter de voordeur", "Behind the front door"),
    "C2": ("Vertrouwen in de gemeenschap", "Trust within the community"),
    "C3": ("Signalen over zelfbeschikking", "Signals about self-determination"),
    "C4": ("Drempels voor slachtoffers", "Barriers for victims"),
    "C5": ("Timing van signalering", "Timing of spotting concerns"),
    "C6": ("Niet bereikt", "Not reached"),
    "D1": ("Verwijsbestemming", "Referral destination"),
    "D2": ("Begeleiden", "Accompanying clients"),
    "D3": ("Uitkomst van de verwijzing", "Outcome of the referral"),
    "D4": ("Omgekeerde verwijzing", "Referral from formal to informal"),
    "D5": ("Informatiedeling en privacy", "Information sharing and privacy"),
    "D6": ("Veiligheid van de sleutelpersoon", "Safety of the key person"),
    "E1": ("Belasting van vrijwilligers", "Burden on volunteers"),
    "E2": ("Vergoeding", "Compensation"),
    "E3": ("Organisatiekracht", "Organisational capacity"),
    "E4": ("Ondersteuningsbehoefte", "Support needed"),
    "F1": ("Groepsnormen", "Group norms"),
    "F2": ("Gender en generatie", "Gender and generation"),
    "F3": ("Beleidscontext", "Policy context"),
    "G1": ("Ervaren effect", "Perceived effect"),
    "G2": ("Verbeterpunten", "Suggested improvements"),
    "G3": ("Goed voorbeeld", "Good practice"),
    "QUOTE": ("Citeerbaar fragment (metacode)", "Quotable passage (meta-code)"),
    "CASEBOX": ("Praktijkvoorbeeld (metacode)", "Practice example (meta-code)"),
    "IDENT": ("Mogelijk herleidbaar (metacode)", "Possibly identifying (meta-code)"),
}


def interviews_codebook(seed: int) -> Codebook:
    """The codebook of the codings table that ``analysis.ingest.qda`` reads from ``interviews.qdpx``.

    One row per coding; the columns follow :data:`analysis.ingest.qda.CODING_COLUMNS`, then the
    case variables, then the coding's provenance. The case variables store short string codes
    (``formeel``, ``sleutelpersoon``); the codebook labels them.
    """
    guid = r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"
    assert set(FAMILY_LABELS) == {name for name, _ in tx.FAMILIES.values()}
    assert set(CODE_LABELS) == set(tx.CODES) | set(tx.META_CODES)
    codes = {code: iv.code_label(code) for code in CODE_LABELS}  # the code's name in the project

    def text(name: str, label: str, en: str, en_values: dict[str, str] | None = None, **kw: Any) -> Variable:
        return _v(name, label, en, en_values, type="string", measure="nominal", **kw)

    variables = (
        text("document", "Naam van het interview (bron)", "Name of the interview (source)", required=True),
        text("source_guid", "GUID van de bron", "GUID of the source", required=True, pattern=guid),
        text(
            "code",
            "Code (bijv. 'B3 NIET_SERIEUS_GENOMEN', 'QUOTE')",
            "Code (e.g. 'B3 NIET_SERIEUS_GENOMEN', 'QUOTE')",
            {codes[code]: en for code, (_, en) in CODE_LABELS.items()},
            value_labels={codes[code]: nl for code, (nl, _) in CODE_LABELS.items()},
            required=True,
        ),
        text("code_guid", "GUID van de code", "GUID of the code", required=True, pattern=guid),
        text(
            "code_path",
            "Code met bovenliggende codefamilie ('B RELATIEKWALITEIT/B3 NIET_SERIEUS_GENOMEN')",
            "Code with its parent code family ('B RELATIEKWALITEIT/B3 NIET_SERIEUS_GENOMEN')",
            required=True,
        ),
        text(
            "code_family",
            "Codefamilie: de bovenste code van code_path (A-G), of de metacode zelf",
            "Code family: the top code of code_path (A-G), or the meta-code itself",
            {
                **{code: en for code, (_, en) in FAMILY_LABELS.items()},
                **{code: "Meta-code" for code in tx.META_CODES},
            },
            value_labels={
                **{code: nl for code, (nl, _) in FAMILY_LABELS.items()},
                **{code: "Metacode" for code in tx.META_CODES},
            },
            required=True,
        ),
        _v(
            "start",
            "Beginpositie van het fragment (Unicode-codepunt, vanaf 0)",
            "Start of the fragment (Unicode code point, from 0)",
            measure="scale",
            required=True,
            minimum=0,
        ),
        _v(
            "end",
            "Eindpositie van het fragment (exclusief)",
            "End of the fragment (exclusive)",
            measure="scale",
            required=True,
            minimum=1,
        ),
        text("text", "Gecodeerd fragment", "Coded fragment", required=True, pii=True),
        text(
            "case",
            "Geïnterviewde (case; een pseudoniem, nooit publiceren)",
            "Interviewee (case; a pseudonym, never publish)",
            required=True,
            pii=True,
        ),
        text(
            "resp_type",
            "Type respondent",
            "Respondent type",
            _keyed(sv.RESPONDENT_TYPE_KEYS, sv.RESPONDENT_TYPES_EN),
            value_labels=_keyed(sv.RESPONDENT_TYPE_KEYS, sv.RESPONDENT_TYPES),
            required=True,
        ),
        text(
            "org_side",
            "Kant van de samenwerking",
            "Side of the collaboration",
            _keyed(sv.ORG_SIDE_KEYS, sv.ORG_SIDE_EN),
            value_labels=_keyed(sv.ORG_SIDE_KEYS, sv.ORG_SIDE),
            required=True,
        ),
        text(
            "municipality_code",
            "Gemeente (CBS-code)",
            "Municipality (CBS code)",
            required=True,
            pattern=MUNICIPALITY_PATTERN,
        ),
        _v(
            "gekoppeld_aan_enquete",
            "De geïnterviewde heeft ook de organisatie-enquête ingevuld (resp_id)",
            "The interviewee also completed the organisation survey (resp_id)",
            type="boolean",
            measure="nominal",
            required=True,
        ),
        text(
            "resp_id",
            "Respondentnummer in de organisatie-enquête (alleen als gekoppeld)",
            "Respondent number in the organisation survey (only when linked)",
            pattern=r"^R\d{4,}$",
            applies_to="gekoppeld_aan_enquete == True",
        ),
        text("coder", "Codeur", "Coder", required=True),
        text("created", "Tijdstip van codering (ISO 8601)", "Time of coding (ISO 8601)", required=True),
        text(
            "selection_guid",
            "GUID van het gecodeerde fragment",
            "GUID of the coded fragment",
            required=True,
            pattern=guid,
        ),
        text(
            "selection_type",
            "Soort fragment",
            "Kind of fragment",
            {"PlainTextSelection": "Text fragment"},
            value_labels={"PlainTextSelection": "Tekstfragment"},
            required=True,
        ),
        text(
            "position",
            "Positie in audio/video of op een afbeelding (leeg bij tekst)",
            "Position in audio/video or on an image (empty for text)",
        ),
        text(
            "coding_guid",
            "GUID van de codering",
            "GUID of the coding",
            required=True,
            unique=True,
            pattern=guid,
        ),
    )
    return _translated(
        Codebook(
            dataset="interviews",
            variables=variables,
            title="Gecodeerde interviews (REFI-QDA), tabel van coderingen (SYNTHETISCHE DATA)",
            encoding="UTF-8",
            notes=SYNTHETIC_NOTE.format(seed=seed)
            + " Verzonnen transcripten met pseudoniemen; alle gebruikte namen en plaatsen staan in "
            "data/raw/namenlijst.txt. Eén rij per codering. Posities volgen REFI-QDA: tekens (codepunten) in "
            "de platte tekst, begin bij 0, eind exclusief (text = bron[start:end]). Een antwoord is één "
            "fragment met al zijn inhoudelijke codes (families A-G); QUOTE en IDENT staan op kleinere "
            "fragmenten (zinnen) daarbinnen, CASEBOX op het hele antwoord.",
        )
    )
