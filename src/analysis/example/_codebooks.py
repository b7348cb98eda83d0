"""Codebooks of the example study, built with :class:`analysis.codebook.Codebook`.

The survey's codebook is also the source of the ``.sav`` metadata (variable labels, value
labels, missing codes, measurement levels, formats), so file and codebook cannot disagree.
"""

from __future__ import annotations

from typing import Any

from analysis.codebook import Codebook, Variable
from analysis.example import _survey as sv
from analysis.example import _texts as tx
from analysis.example._referrals import OUTCOMES, TO_ORG_TYPES

SYNTHETIC_NOTE = (
    "SYNTHETISCHE DATA. Dit bestand hoort bij de voorbeeldstudie van Bruggen en is gemaakt door "
    "`bruggen example` (analysis.example, seed {seed}). Er zijn geen echte respondenten, organisaties "
    "of cliënten; gemeentecodes en -namen zijn echt (CBS), alle andere waarden zijn getrokken uit een "
    "model met ingeplante effecten (zie data/raw/PLANTED.yml)."
)

MUNICIPALITY_PATTERN = r"^GM\d{4}$"
FORMAL = "org_side == 1"
INFORMAL = "org_side == 2"


def _v(name: str, label: str, **kw: Any) -> Variable:
    return Variable(name=name, label=label, **kw)


def _ordinal(name: str, label: str, labels: dict[int, str], **kw: Any) -> Variable:
    return _v(
        name,
        label,
        type="numeric",
        measure="ordinal",
        value_labels=labels,
        minimum=min(labels),
        maximum=max(labels),
        format="F1.0",
        required=True,
        **kw,
    )


def _nominal(name: str, label: str, labels: dict[int, str], **kw: Any) -> Variable:
    kw.setdefault("required", True)
    fmt = "F2.0" if max(labels) >= 10 else "F1.0"
    return _v(name, label, type="numeric", measure="nominal", value_labels=labels, format=fmt, **kw)


def _count(name: str, label: str, **kw: Any) -> Variable:
    return _v(name, label, type="numeric", measure="scale", minimum=0, format="F8.0", **kw)


def survey_codebook(seed: int) -> Codebook:
    """The codebook of ``organisatie_enquete.sav`` (variables in file order)."""
    themes = {
        "theme_huwelijksdwang": "huwelijksdwang",
        "theme_achterlating": "achterlating",
        "theme_eergerelateerd_geweld": "eergerelateerd geweld",
        "theme_gedwongen_isolement": "gedwongen isolement",
        "theme_schulden_armoede": "schulden en armoede",
    }
    variables = [
        _v(
            "resp_id",
            "Respondentnummer (pseudoniem)",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
            pattern=r"^R\d{4,}$",
            format="A5",
        ),
        _v("wave", "Meting (golf)", measure="ordinal", required=True, minimum=1, maximum=10, format="F2.0"),
        _v("survey_date", "Datum van invullen", type="date", measure="scale", required=True, format="DATE11"),
        _nominal("consent", "Toestemming voor deelname en gebruik van de antwoorden", sv.YES_NO),
        _nominal("respondent_type", "Type respondent", sv.RESPONDENT_TYPES),
        _nominal("org_side", "Kant van de samenwerking", sv.ORG_SIDE),
        _nominal("formal_org_type", "Type formele organisatie", sv.FORMAL_ORG_TYPES, applies_to=FORMAL),
        _nominal(
            "informal_org_type", "Type informele organisatie", sv.INFORMAL_ORG_TYPES, applies_to=INFORMAL
        ),
        _v(
            "municipality_code",
            "Gemeente (CBS-code)",
            type="string",
            measure="nominal",
            required=True,
            pattern=MUNICIPALITY_PATTERN,
            format="A6",
        ),
        _v(
            "years_in_role",
            "Aantal jaren in de huidige rol",
            measure="scale",
            required=True,
            minimum=0,
            maximum=40,
            format="F2.0",
        ),
        _nominal(
            "key_person_paid",
            "Vergoeding voor de rol (sleutelpersoon, vrijwilliger, bestuurslid)",
            sv.KEY_PERSON_PAID,
            applies_to=INFORMAL,
        ),
        *[_nominal(k, f"Werkt aan het thema {v}", sv.YES_NO) for k, v in themes.items()],
        _v(
            "collab_form",
            "Samenwerkingsvorm (classificatie door de onderzoekers)",
            measure="ordinal",
            value_labels=sv.COLLAB_FORMS,
            required=True,
            minimum=1,
            maximum=3,
            format="F1.0",
        ),
        _v(
            "collab_duration_months",
            "Duur van de samenwerking (maanden)",
            measure="scale",
            required=True,
            minimum=0,
            maximum=600,
            format="F3.0",
        ),
        _ordinal("agreement_level", "Vastlegging van de afspraken", sv.AGREEMENT),
        _ordinal("funding_horizon", "Financieringshorizon van de samenwerking", sv.FUNDING),
        _ordinal("meeting_frequency", "Frequentie van overleg met de partner", sv.MEETINGS),
        _nominal("named_contact", "Vaste contactpersoon bij de partnerorganisatie", sv.YES_NO),
        _ordinal("referral_protocol", "Afspraken over verwijzen", sv.PROTOCOL),
        _ordinal("feedback_after_referral", "Terugkoppeling na een verwijzing", sv.FEEDBACK),
        _ordinal("joint_training", "Gezamenlijke scholing of coaching", sv.TRAINING),
        _nominal(
            "embedded_in_policy", "De samenwerking staat in gemeentelijk of regionaal beleid", sv.YES_NO
        ),
        _ordinal("frey_level", "Samenwerkingsniveau (Frey e.a. 2006)", sv.FREY),
    ]
    for scale, items in sv.SCALE_ITEMS.items():
        for j, text in enumerate(items, start=1):
            name = f"{scale}_{j}"
            variables.append(
                _v(
                    name,
                    text,
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
            measure="scale",
            minimum=0,
            maximum=10,
            format="F2.0",
        ),
        _count(
            "reach_total",
            "Bereik: unieke personen in de afgelopen 12 maanden",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "reach_new",
            "Bereik: nieuwe personen (eerste contact) in de afgelopen 12 maanden",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "reach_unknown_to_services",
            "Bereik: personen die nog niet bekend waren bij de hulpverlening",
            applies_to=INFORMAL,
            required=True,
        ),
        _count(
            "target_pop_estimate",
            "Geschatte omvang van de doelgroep van de organisatie",
            applies_to=INFORMAL,
            required=True,
        ),
        _count("ref_made_total", "Verwijzingen in de afgelopen 12 maanden", required=True),
        _count(
            "ref_completed",
            "Verwijzingen waarbij het eerste contact met de hulpverlener tot stand kwam",
            required=True,
        ),
        _count("ref_help_started", "Verwijzingen waarbij de hulp is gestart", required=True),
        _count("ref_feedback_received", "Verwijzingen waarover terugkoppeling is ontvangen", required=True),
        _v(
            "days_to_first_contact_median",
            "Mediaan aantal dagen van verwijzing tot eerste contact",
            measure="scale",
            minimum=0,
            maximum=365,
            format="F5.1",
        ),
        _v("open_remarks", "Opmerkingen (open antwoord)", type="string", measure="nominal", pii=True),
    ]
    notes = SYNTHETIC_NOTE.format(seed=seed) + (
        " Schalen: trust, appreciation, taken_seriously, knowledge_exchange (Likert 1-5; 8 = weet niet, "
        "9 = n.v.t. zijn user-missing). taken_seriously_4 is omgekeerd geformuleerd. Skip-logica: "
        "formal_org_type alleen voor org_side == 1, informal_org_type, key_person_paid en reach_* alleen "
        "voor org_side == 2 (anders systeem-missend). collab_form volgt de classificatieregel van "
        "domain-research §9 uit de indicatoren agreement_level ... frey_level."
    )
    return Codebook(
        dataset="organisatie_enquete",
        variables=tuple(variables),
        title="Organisatie-enquête: samenwerking formeel-informeel (SYNTHETISCHE DATA)",
        encoding="UTF-8",
        notes=notes,
    )


def referrals_codebook(seed: int) -> Codebook:
    """The codebook of ``verwijzingen.xlsx``."""
    labels_from = {v: v.replace("_", " ") for v in sv.INFORMAL_ORG_TYPES.values()}
    variables = (
        _v(
            "ref_id",
            "Verwijzingsnummer",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
            pattern=r"^V\d{5}$",
        ),
        _v(
            "municipality_code",
            "Gemeente (CBS-code)",
            type="string",
            measure="nominal",
            required=True,
            pattern=MUNICIPALITY_PATTERN,
        ),
        _v(
            "from_resp_id",
            "Verwijzer: respondentnummer in de organisatie-enquête (informele kant)",
            type="string",
            measure="nominal",
            required=True,
            pattern=r"^R\d{4,}$",
        ),
        _v(
            "from_org_type",
            "Verwijzer: type informele organisatie",
            type="string",
            measure="nominal",
            value_labels=labels_from,
            required=True,
        ),
        _v(
            "collab_form",
            "Samenwerkingsvorm van de verwijzer",
            type="string",
            measure="ordinal",
            value_labels={v: v.replace("_", " ") for v in sv.COLLAB_FORMS.values()},
            required=True,
        ),
        _v(
            "to_org_type",
            "Verwezen naar",
            type="string",
            measure="nominal",
            value_labels={
                "schuldhulp": "schuldhulpverlening",
                "wijkteam": "wijkteam",
                "veilig_thuis": "Veilig Thuis",
                "voedselbank_kindpakket": "voedselbank / kindpakket",
                "huisarts_ggz": "huisarts / GGZ",
                "politie": "politie",
                "overig": "overig",
            },
            required=True,
        ),
        _v("date_referred", "Datum van verwijzing", type="date", measure="scale", required=True),
        _v(
            "date_first_contact",
            "Datum van het eerste contact met de hulpverlener (leeg: geen contact tot stand gekomen)",
            type="date",
            measure="scale",
        ),
        _v(
            "warm_handover",
            "Warme overdracht",
            type="string",
            measure="nominal",
            value_labels={"ja": "ja", "nee": "nee"},
            required=True,
        ),
        _v(
            "completed",
            "Verwijzing voltooid: eerste contact met de hulpverlener tot stand gekomen",
            measure="nominal",
            value_labels=dict(sv.YES_NO),
            required=True,
            minimum=0,
            maximum=1,
        ),
        _v(
            "outcome",
            "Uitkomst van de verwijzing",
            type="string",
            measure="nominal",
            value_labels={o: o.replace("_", " ") for o in OUTCOMES},
            required=True,
        ),
    )
    assert set(TO_ORG_TYPES) == set(variables[5].value_labels)
    return Codebook(
        dataset="verwijzingen",
        variables=variables,
        title="Verwijslog: één regel per verwijzing, zonder cliëntgegevens (SYNTHETISCHE DATA)",
        encoding="UTF-8",
        notes=SYNTHETIC_NOTE.format(seed=seed)
        + " completed = 1 precies wanneer date_first_contact is ingevuld; dagen tot eerste contact = "
        "date_first_contact - date_referred.",
    )


def municipalities_codebook(seed: int) -> Codebook:
    """The codebook of ``gemeenten.csv``."""
    variables = (
        _v(
            "municipality_code",
            "Gemeente (CBS-code)",
            type="string",
            measure="nominal",
            required=True,
            unique=True,
            pattern=MUNICIPALITY_PATTERN,
        ),
        _v("municipality_name", "Gemeentenaam", type="string", measure="nominal", required=True, unique=True),
        _v(
            "population",
            "Aantal inwoners (afgerond, bij benadering)",
            measure="scale",
            required=True,
            minimum=0,
        ),
        _v(
            "target_pop_estimate",
            "Geschatte omvang van de doelgroep in de gemeente (noemer voor bereik per 1.000)",
            measure="scale",
            required=True,
            minimum=1,
        ),
        _v("region", "Regio (Veilig Thuis-regio)", type="string", measure="nominal", required=True),
        _v(
            "size_class",
            "Gemeentegrootteklasse",
            type="string",
            measure="ordinal",
            value_labels={
                "<50k": "minder dan 50.000",
                "50-100k": "50.000-100.000",
                "100-250k": "100.000-250.000",
                ">250k": "meer dan 250.000",
            },
            required=True,
        ),
    )
    return Codebook(
        dataset="gemeenten",
        variables=variables,
        title="Gemeentekader met inwonertal en geschatte doelgroep (SYNTHETISCHE DATA)",
        encoding="UTF-8",
        notes=SYNTHETIC_NOTE.format(seed=seed)
        + " Inwonertallen zijn afgeronde benaderingen; target_pop_estimate is synthetisch.",
    )


def interviews_codebook(seed: int) -> Codebook:
    """The codebook of the codings table that ``analysis.ingest.qda`` reads from ``interviews.qdpx``.

    One row per coding; the columns follow :data:`analysis.ingest.qda.CODING_COLUMNS`, then the
    case variables, then the coding's provenance.
    """
    guid = r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"

    def text(name: str, label: str, **kw: Any) -> Variable:
        return _v(name, label, type="string", measure="nominal", **kw)

    variables = (
        text("document", "Naam van het interview (bron)", required=True),
        text("source_guid", "GUID van de bron", required=True, pattern=guid),
        text("code", "Code (bijv. 'B3 NIET_SERIEUS_GENOMEN', 'QUOTE')", required=True),
        text("code_guid", "GUID van de code", required=True, pattern=guid),
        text(
            "code_path",
            "Code met bovenliggende codefamilie ('B RELATIEKWALITEIT/B3 NIET_SERIEUS_GENOMEN')",
            required=True,
        ),
        text(
            "code_family",
            "Codefamilie: de bovenste code van code_path (A-G), of de metacode zelf",
            value_labels={
                **{name: name.split(" ", 1)[1].replace("_", " ").lower() for name, _ in tx.FAMILIES.values()},
                **{code: "metacode" for code in tx.META_CODES},
            },
            required=True,
        ),
        _v(
            "start",
            "Beginpositie van het fragment (Unicode-codepunt, vanaf 0)",
            measure="scale",
            required=True,
            minimum=0,
        ),
        _v("end", "Eindpositie van het fragment (exclusief)", measure="scale", required=True, minimum=1),
        text("text", "Gecodeerd fragment", required=True, pii=True),
        text("case", "Geïnterviewde (case; een pseudoniem, nooit publiceren)", required=True, pii=True),
        text(
            "respondent_type",
            "Type respondent",
            value_labels={v: v for v in sv.RESPONDENT_TYPES.values()},
            required=True,
        ),
        text(
            "org_side",
            "Kant van de samenwerking",
            value_labels={v: v for v in sv.ORG_SIDE.values()},
            required=True,
        ),
        text("municipality_code", "Gemeente (CBS-code)", required=True, pattern=MUNICIPALITY_PATTERN),
        _v(
            "gekoppeld_aan_enquete",
            "De geïnterviewde heeft ook de organisatie-enquête ingevuld (resp_id)",
            type="boolean",
            measure="nominal",
            required=True,
        ),
        text(
            "resp_id",
            "Respondentnummer in de organisatie-enquête (alleen als gekoppeld)",
            pattern=r"^R\d{4,}$",
            applies_to="gekoppeld_aan_enquete == True",
        ),
        text("coder", "Codeur", required=True),
        text("created", "Tijdstip van codering (ISO 8601)", required=True),
        text("selection_guid", "GUID van het gecodeerde fragment", required=True, pattern=guid),
        text(
            "selection_type",
            "Soort fragment",
            value_labels={"PlainTextSelection": "tekstfragment"},
            required=True,
        ),
        text("position", "Positie in audio/video of op een afbeelding (leeg bij tekst)"),
        text("coding_guid", "GUID van de codering", required=True, unique=True, pattern=guid),
    )
    return Codebook(
        dataset="interviews",
        variables=variables,
        title="Gecodeerde interviews (REFI-QDA), tabel van coderingen (SYNTHETISCHE DATA)",
        encoding="UTF-8",
        notes=SYNTHETIC_NOTE.format(seed=seed)
        + " Verzonnen transcripten met pseudoniemen; alle gebruikte namen en plaatsen staan in "
        "data/raw/namenlijst.txt. Eén rij per codering. Posities volgen REFI-QDA: tekens (codepunten) in de "
        "platte tekst, begin bij 0, eind exclusief (text = bron[start:end]). Een antwoord is één fragment met "
        "al zijn inhoudelijke codes (families A-G); QUOTE en IDENT staan op kleinere fragmenten (zinnen) "
        "daarbinnen, CASEBOX op het hele antwoord.",
    )
