"""Dutch text material for the synthetic interviews: the code book, the topic guide and
sentence pools. Everything here is invented; names are pseudonyms and are all listed in
``namenlijst.txt`` by the generator.

Placeholders in sentences: ``{formeel}`` (a formal partner, e.g. "het wijkteam"),
``{informeel}`` (an informal partner), ``{contact}`` (a contact person's first name),
``{stad}`` (the municipality as people say it), ``{wijk}`` (a neighbourhood),
``{gemeenschap}`` (a community).
"""

from __future__ import annotations

#: Code families: letter -> (name, colour).
FAMILIES: dict[str, tuple[str, str]] = {
    "A": ("A SAMENWERKINGSSTRUCTUUR", "#1F77B4"),
    "B": ("B RELATIEKWALITEIT", "#D62728"),
    "C": ("C BEREIK_EN_SIGNALERING", "#2CA02C"),
    "D": ("D VERWIJSROUTES", "#9467BD"),
    "E": ("E CAPACITEIT", "#8C564B"),
    "F": ("F CONTEXT_ZELFBESCHIKKING", "#E377C2"),
    "G": ("G OPBRENGSTEN_EN_AANBEVELINGEN", "#7F7F7F"),
}

#: Codes: id -> (name, definition). Domain brief §7.
CODES: dict[str, tuple[str, str]] = {
    "A1": (
        "FORMALISATIE",
        "Schriftelijke afspraken, convenant, samenwerkingsverklaring, mandaat. Niet: alleen mondelinge intenties (A8).",
    ),
    "A2": (
        "FINANCIERING_CONTINUITEIT",
        "Soort en horizon van financiering; tijd voor subsidieaanvragen en lobby; dreigend stoppen.",
    ),
    "A3": ("VAST_AANSPREEKPUNT", "Vaste contactpersonen aan beide kanten; bereikbaarheid; korte lijnen."),
    "A4": (
        "OVERLEGSTRUCTUUR",
        "Terugkerend overleg, casusoverleg, netwerkbijeenkomsten; frequentie en deelnemers.",
    ),
    "A5": ("VERWIJSPROTOCOL", "Afgesproken verwijsroutes, warme overdracht, triage, toestemming."),
    "A6": ("TERUGKOPPELING", "Of en hoe de verwijzer iets terughoort na een verwijzing of signaal."),
    "A7": ("BESTUURLIJKE_INBEDDING", "Steun van management of gemeente; opname in beleidsplannen."),
    "A8": ("PERSOONSAFHANKELIJKHEID", "Samenwerking hangt aan personen; gevolgen van verloop; continuïteit."),
    "A9": ("SCHOLING_COACHING", "Training en coaching van sleutelpersonen door professionals, en omgekeerd."),
    "A10": (
        "PROJECT_VS_STRUCTUREEL",
        "Eigen typering van de samenwerking als tijdelijk of ingebed; expliciete vergelijkingen.",
    ),
    "B1": ("VERTROUWEN", "Betrouwbaarheid, vertrouwelijkheid, open gesprek, gedeelde doelen."),
    "B2": ("WAARDERING_ERKENNING", "Erkenning, zichtbaarheid, vergoeding, genoemd worden."),
    "B3": (
        "NIET_SERIEUS_GENOMEN",
        "Signalen genegeerd, geen opvolging, deskundigheid weggezet, je gebruikt voelen. Apart houden van B2.",
    ),
    "B4": (
        "GELIJKWAARDIGHEID_MACHT",
        "Wie bepaalt de agenda, besluitvorming, afhankelijkheid van financierende partners.",
    ),
    "B5": (
        "EIGENHEID_VS_INKAPSELING",
        "Informele organisaties die autonomie of identiteit verliezen door aan te sluiten bij formele logica.",
    ),
    "B6": ("ROLVERWACHTINGEN", "Onduidelijke rollen; betaald of vrijwillig; taakgrenzen."),
    "B7": (
        "WEDERZIJDS_BEELD",
        "Kennis of misverstanden over elkaars werk (bijv. angst voor wat Veilig Thuis doet).",
    ),
    "C1": ("ACHTER_DE_VOORDEUR", "Toegang tot mensen en huizen die formele organisaties niet bereiken."),
    "C2": (
        "VERTROUWEN_GEMEENSCHAP",
        "Positie van de sleutelpersoon: gedeelde taal en cultuur, ervaringsdeskundigheid.",
    ),
    "C3": (
        "SIGNALEN_ZELFBESCHIKKING",
        "Concrete signalen van eergerelateerd geweld, huwelijksdwang, achterlating, gedwongen isolement.",
    ),
    "C4": (
        "DREMPELS_SLACHTOFFER",
        "Angst, schaamte, loyaliteit aan familie, afhankelijkheid, verblijfsstatus.",
    ),
    "C5": ("TIMING", "Vroeg of laat signaleren; 'te laat'-verhalen; vroegsignalering."),
    "C6": ("NIET_BEREIKT", "Groepen die ook informele organisaties missen (mannen, lhbtiq+, nieuwkomers)."),
    "D1": (
        "VERWIJSBESTEMMING",
        "Bestemming: Veilig Thuis, wijkteam, schuldhulp, voedselbank/kindpakket, huisarts/GGZ, politie, onderwijs.",
    ),
    "D2": ("BEGELEIDEN", "Meegaan naar afspraken, helpen met formulieren, tolken."),
    "D3": ("VERWIJSUITKOMST", "Contact gelukt, hulp gestart, afhaken, wachtlijsten."),
    "D4": ("OMGEKEERDE_VERWIJZING", "Verwijzingen of hulpvragen van formeel naar informeel."),
    "D5": (
        "INFORMATIEDELING_PRIVACY",
        "Dilemma's over informatie delen, toestemming, meldcode, vertrouwelijkheid naar de gemeenschap.",
    ),
    "D6": (
        "VEILIGHEID_SLEUTELPERSOON",
        "Risico's voor sleutelpersonen (reputatie, bedreiging) als signalen worden doorgegeven.",
    ),
    "E1": ("BELASTING_VRIJWILLIGERS", "Werkdruk, overbelasting, emotionele belasting."),
    "E2": ("VERGOEDING", "Betaling en vergoedingsregelingen en hun effecten."),
    "E3": ("ORGANISATIEKRACHT", "Draagkracht van de informele organisatie (bestuur, administratie, ruimte)."),
    "E4": (
        "ONDERSTEUNINGSBEHOEFTE",
        "Gevraagde ondersteuning (training, supervisie, intervisie, financiering).",
    ),
    "F1": ("GROEPSNORMEN", "Collectieve eer, sociale controle, groepsdruk."),
    "F2": ("GENDER_GENERATIE", "Verwachtingen rond gender, conflicten tussen generaties."),
    "F3": ("BELEIDSCONTEXT", "Landelijk en gemeentelijk beleid en programma's."),
    "G1": ("ERVAREN_EFFECT", "Ervaren uitkomsten voor bewoners (veiligheid, participatie, hulp gekregen)."),
    "G2": ("VERBETERPUNTEN", "Concrete verbetervoorstellen, naar de actor die ze aangaan."),
    "G3": ("GOED_VOORBEELD", "Een praktijk die een kader (casebox) waard is; altijd samen met CASEBOX."),
}
META_CODES: dict[str, str] = {
    "QUOTE": "Kandidaat-citaat voor de rapportage.",
    "CASEBOX": "Kandidaat-praktijkvoorbeeld (kader in het rapport).",
    "IDENT": "Bevat mogelijk herleidbare details (naam, plaats, wijk); niet letterlijk gebruiken voor anonimisering.",
}

#: Topic guide: (topic id, interviewer questions, primary code pool).
TOPICS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "rol",
        (
            "Kunt u iets vertellen over uzelf en uw rol?",
            "Wat doet u precies in uw werk of vrijwilligerswerk?",
        ),
        ("C2", "B6", "E2"),
    ),
    (
        "samenwerking",
        (
            "Hoe ziet de samenwerking met de andere partij eruit?",
            "Met wie werkt u samen, en hoe is dat geregeld?",
            "Kunt u de samenwerking eens beschrijven?",
        ),
        ("A1", "A2", "A3", "A4", "A10", "A8"),
    ),
    (
        "bereik",
        (
            "Welke mensen bereikt u, en hoe komt u met hen in contact?",
            "Hoe hoort u van situaties waarin iemand niet zelf mag kiezen?",
        ),
        ("C1", "C3", "C4", "C5", "C6"),
    ),
    (
        "verwijzen",
        ("Wat gebeurt er als iemand hulp nodig heeft?", "Kunt u beschrijven hoe een verwijzing verloopt?"),
        ("D1", "D2", "D3", "A5", "D4", "D5", "D6"),
    ),
    (
        "relatie",
        (
            "Hoe ervaart u het contact met de andere partij?",
            "Hoe is de verhouding tussen jullie organisaties?",
            "Hoe wordt er naar uw inbreng gekeken?",
        ),
        ("B1", "B2", "B4", "B5", "B7"),
    ),
    (
        "capaciteit",
        ("Hoe houdt u het werk vol?", "Wat heeft u nodig om dit werk goed te kunnen doen?"),
        ("E1", "E3", "E4", "A9"),
    ),
    (
        "context",
        (
            "Wat maakt het onderwerp zelfbeschikking in deze gemeenschap lastig?",
            "Welke rol speelt het beleid?",
        ),
        ("F1", "F2", "F3", "A7"),
    ),
    (
        "opbrengst",
        (
            "Wat levert de samenwerking op, en wat zou beter kunnen?",
            "Als u één ding mocht veranderen, wat zou dat zijn?",
        ),
        ("G1", "G2", "G3"),
    ),
)
#: Side-specific primary code pools that replace the topic guide's pool.
TOPIC_POOLS_BY_SIDE: dict[tuple[str, str], tuple[str, ...]] = {
    ("rol", "formeel"): ("B6", "A3", "A9"),
}
#: First sentence of the answer about one's role, by respondent type.
INTRO: dict[str, tuple[str, ...]] = {
    "sleutelpersoon": (
        "Ik ben sleutelpersoon in mijn wijk en help vooral vrouwen met allerlei vragen.",
        "Ik ben al een paar jaar sleutelpersoon, naast mijn werk in de thuiszorg.",
    ),
    "informeel_vrijwilliger": (
        "Ik ben vrijwilliger bij onze vereniging, vooral bij de vrouwengroep op dinsdag.",
        "Ik doe vrijwilligerswerk bij onze stichting, ik geef taalles en help met brieven.",
    ),
    "informeel_bestuur": (
        "Ik ben voorzitter van onze vereniging.",
        "Ik zit in het bestuur van onze stichting en doe de contacten met de gemeente.",
    ),
    "formeel_professional": (
        "Ik werk als hulpverlener bij {formeel}.",
        "Ik ben ambulant medewerker bij {formeel} en werk veel in de wijk.",
    ),
    "formeel_leidinggevende": (
        "Ik ben teamleider bij {formeel}.",
        "Ik ben manager van een team bij {formeel}.",
    ),
    "gemeente_beleid": (
        "Ik ben beleidsadviseur bij de gemeente, op het thema zelfbeschikking.",
        "Ik werk bij de gemeente als beleidsmedewerker sociaal domein.",
    ),
}
#: Interviewer questions that fit a segment's first code better than the topic's generic ones.
QUESTION_BY_CODE: dict[str, str] = {
    "A1": "Zijn er afspraken over de samenwerking vastgelegd?",
    "A2": "Hoe is de financiering geregeld?",
    "A4": "Hoe vaak hebben jullie overleg?",
    "A8": "Wat gebeurt er als er mensen vertrekken?",
    "A9": "Heeft u scholing of begeleiding gehad?",
    "F1": "Wat maakt het onderwerp zelfbeschikking in deze gemeenschap lastig?",
    "F2": "Speelt het verschil tussen generaties een rol?",
    "F3": "Welke rol speelt het beleid?",
    "A7": "Welke rol spelen de gemeente en het management?",
    "G2": "Als u één ding mocht veranderen, wat zou dat zijn?",
    "G3": "Wat werkt er goed?",
}
#: Relative weight of a code when it is drawn from its topic's pool (default 1).
CODE_WEIGHT: dict[str, float] = {"G3": 0.35}
#: Topics where an extra answer segment may follow, and where A6 can come up without B3.
EXTRA_TOPICS = ("samenwerking", "verwijzen", "relatie")
A6_TOPICS = ("samenwerking", "verwijzen", "relatie")
B3_TOPICS = ("samenwerking", "verwijzen", "relatie")

#: Sentence pools: code -> {"informeel": [...], "formeel": [...]}; "beide" is used by both.
SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "A1": {
        "informeel": (
            "Sinds vorig jaar hebben we een samenwerkingsverklaring met {formeel}, daar staat precies in wie wat doet.",
            "Er is niets op papier gezet, het gaat allemaal op goed vertrouwen.",
            "We hebben een convenant getekend, en dat geeft ons ook een positie tegenover de gemeente.",
        ),
        "formeel": (
            "Met {informeel} hebben we een convenant, met afspraken over signalen en over geheimhouding.",
            "Formeel is er weinig geregeld; er ligt een intentieverklaring, maar die kent bijna niemand.",
            "In de samenwerkingsafspraken staat dat we elkaar binnen een week terugbellen.",
        ),
    },
    "A2": {
        "informeel": (
            "Elk jaar moeten we opnieuw subsidie aanvragen, en tot het laatste moment weten we niet of we door kunnen.",
            "Het lobbyen en het papierwerk kosten ons meer tijd dan het echte werk.",
            "Nu hebben we voor drie jaar geld, dat geeft eindelijk rust.",
            "Het project loopt nog tot de zomer, daarna weet niemand hoe het verder moet.",
        ),
        "formeel": (
            "De financiering van {informeel} loopt via een projectsubsidie, en dat maakt het kwetsbaar.",
            "We hebben de gemeente gevraagd om er een meerjarige subsidie van te maken.",
            "Zonder structureel budget blijft het een project dat elk jaar kan stoppen.",
        ),
    },
    "A3": {
        "informeel": (
            "Ik heb één vaste contactpersoon bij {formeel}, {contact}, en die kan ik altijd bellen.",
            "Er zit steeds iemand anders, je weet nooit wie je aan de lijn krijgt.",
            "De lijnen zijn kort: ik app {contact} en dezelfde dag hoor ik iets.",
        ),
        "formeel": (
            "Ik ben het vaste aanspreekpunt voor {informeel}; ze weten me te vinden.",
            "Korte lijnen zijn alles. Als ik {contact} bel, weet ik dat het goed komt.",
            "Bij ons wisselt de bezetting vaak, dus een vast aanspreekpunt is er eigenlijk niet.",
        ),
    },
    "A4": {
        "beide": (
            "Eens per maand zitten we samen aan tafel om casussen te bespreken.",
            "Overleg is er alleen als er iets aan de hand is, daartussen hoor je elkaar weinig.",
            "Elk kwartaal is er een netwerkbijeenkomst met alle partners in de wijk.",
            "Sinds kort schuiven sleutelpersonen ook aan bij het casusoverleg.",
        ),
    },
    "A5": {
        "informeel": (
            "We hebben afgesproken dat ik iemand altijd persoonlijk overdraag, een warme overdracht dus.",
            "Er is een formulier, maar dat vullen we samen met de bewoner in.",
            "Eerst vraag ik toestemming, en dan bel ik met de bewoner erbij.",
        ),
        "formeel": (
            "Voor verwijzingen vanuit {informeel} hebben we een vaste route met een warme overdracht.",
            "We hebben een triageafspraak: bij acute onveiligheid gaat het meteen naar Veilig Thuis.",
            "Het protocol is helder op papier, maar in de praktijk gaat het vaak anders.",
        ),
    },
    "A6": {
        "informeel": (
            "Na een verwijzing hoor ik meestal niets meer terug.",
            "Ik weet vaak niet of de hulp echt is gestart, niemand laat iets weten.",
            "Als ik zelf niet bel, krijg ik geen terugkoppeling.",
            "Soms belt {contact} terug om te vertellen hoe het ging, en dat helpt enorm.",
        ),
        "formeel": (
            "Terugkoppelen naar de sleutelpersoon schiet er bij ons vaak bij in.",
            "Door de privacyregels mogen we niet altijd vertellen wat er met een melding gebeurt.",
            "We proberen na elke verwijzing kort terug te bellen, maar dat lukt niet altijd.",
        ),
    },
    "A7": {
        "informeel": (
            "De wethouder is een keer langs geweest, maar in het beleid staan we nergens.",
            "Sinds de samenwerking in het beleidsplan staat, worden we serieuzer behandeld.",
        ),
        "formeel": (
            "De samenwerking met informele partners staat in het gemeentelijk plan voor zelfbeschikking.",
            "Ons management steunt het, maar er is geen geld of tijd voor vrijgemaakt.",
        ),
    },
    "A8": {
        "beide": (
            "Het hangt echt af van de persoon: toen mijn vaste contact wegging, viel alles stil.",
            "Als ik morgen stop, weet niemand hoe het verder moet.",
            "Er zijn veel wisselingen geweest, en elke keer moet je opnieuw beginnen.",
        ),
    },
    "A9": {
        "informeel": (
            "We hebben een training gehad over het herkennen van signalen van huwelijksdwang.",
            "Een professional van {formeel} geeft ons elke maand intervisie, daar leer ik veel van.",
        ),
        "formeel": (
            "Wij hebben de sleutelpersonen getraind in de meldcode, en zij hebben ons geleerd hoe je een gesprek opent.",
            "Mijn collega's hebben een training cultuursensitief werken gevolgd, samen met {informeel}.",
        ),
    },
    "A10": {
        "informeel": (
            "Het blijft een project. Structureel is het niet, ook al doen we het al jaren.",
            "Eerst was het een project, nu hoort het bij het gewone werk van de wijk.",
        ),
        "formeel": (
            "We willen van losse projecten naar een structurele samenwerking.",
            "Het verschil met vroeger is dat het nu ingebed is, het hangt niet meer aan een projectperiode.",
        ),
    },
    "B1": {
        "informeel": (
            "Ik vertrouw {contact}; zij doet wat ze zegt.",
            "We kunnen het oneens zijn zonder dat het contact eronder lijdt.",
            "Vertrouwen moest groeien. In het begin was ik bang dat ze alles zouden doorvertellen.",
        ),
        "formeel": (
            "Het vertrouwen is gegroeid doordat we elkaar vaak zien.",
            "Ik weet dat ik vertrouwelijke informatie met {contact} kan bespreken.",
            "We hebben dezelfde doelen, alleen een andere manier van werken.",
        ),
    },
    "B2": {
        "informeel": (
            "Het is fijn dat ze ons noemen als partner, ook in hun jaarverslag.",
            "Ze zeggen dat ze onze kennis waarderen, maar betalen doen ze niet.",
            "Mijn inzet wordt gezien, vorig jaar kregen we zelfs een prijs van de gemeente.",
        ),
        "formeel": (
            "Wij zouden de sleutelpersonen veel zichtbaarder moeten bedanken.",
            "Hun kennis van de gemeenschap is onmisbaar, dat zeg ik ook tegen mijn leidinggevende.",
        ),
    },
    "B3": {
        "informeel": (
            "Ik voel me soms gebruikt als doorgeefluik.",
            "Mijn signaal werd weggewuifd, en een paar maanden later ging het echt mis.",
            "Ze luisteren beleefd, maar er gebeurt niets met wat ik vertel.",
            "Alsof wij alleen goed genoeg zijn om mensen binnen te brengen.",
            "Mijn inschatting telt niet, ik ben maar een vrijwilliger in hun ogen.",
        ),
        "formeel": (
            "Ik begrijp dat sleutelpersonen zich niet altijd serieus genomen voelen.",
            "Eerlijk gezegd nemen collega's een signaal van een vrijwilliger minder serieus dan van een huisarts.",
            "We hebben weleens een signaal laten liggen, en dat heeft het vertrouwen geschaad.",
        ),
    },
    "B4": {
        "informeel": (
            "Zij bepalen de agenda; wij mogen aanschuiven.",
            "Omdat zij het geld hebben, hebben zij het laatste woord.",
            "We beslissen nu samen over de activiteiten, dat was vroeger anders.",
        ),
        "formeel": (
            "Wij zetten de kaders, en dat voelt voor {informeel} soms als sturen.",
            "We proberen besluiten echt samen te nemen, maar de subsidierelatie maakt het ongelijk.",
        ),
    },
    "B5": {
        "informeel": (
            "We willen onze eigen manier van werken houden, anders verliezen we het vertrouwen van de mensen.",
            "Soms voelt het alsof we een loket van de gemeente moeten worden.",
        ),
        "formeel": (
            "We moeten oppassen dat we {informeel} niet in onze formulieren en procedures trekken.",
            "Hun kracht is juist dat ze geen instantie zijn.",
        ),
    },
    "B6": {
        "informeel": (
            "Eigenlijk ben ik ook tolk, maatschappelijk werker en vriendin tegelijk.",
            "Wat mag je van een vrijwilliger verwachten? Dat is nooit goed afgesproken.",
            "Het is niet duidelijk waar mijn taak ophoudt en die van het wijkteam begint.",
        ),
        "formeel": (
            "Het is niet altijd helder wat we van een sleutelpersoon mogen vragen.",
            "Ik ben casusregisseur; de sleutelpersoon is geen hulpverlener en moet dat ook niet worden.",
        ),
    },
    "B7": {
        "informeel": (
            "Veel mensen denken dat Veilig Thuis meteen de kinderen weghaalt.",
            "Ik wist eerst ook niet wat {formeel} precies doet na een melding.",
        ),
        "formeel": (
            "Veel collega's weten niet wat {informeel} allemaal doet.",
            "Er bestaat een beeld dat informele organisaties dingen binnenskamers houden, maar dat klopt niet.",
        ),
    },
    "C1": {
        "informeel": (
            "Mensen laten mij binnen, ook als ze de deur dichthouden voor de hulpverlening.",
            "Ik kom achter de voordeur, bij de vrouwen thuis, en daar hoor je pas wat er speelt.",
            "Op het schoolplein en bij de moskee spreek ik mensen die nergens anders komen.",
        ),
        "formeel": (
            "Zij komen achter de voordeur waar wij niet binnenkomen.",
            "Via {informeel} bereiken we gezinnen die bij ons nooit in beeld waren.",
        ),
    },
    "C2": {
        "informeel": (
            "Ik spreek de taal en ik ken de gewoontes, dus mensen voelen zich bij mij veilig.",
            "Ik ben zelf ook ooit nieuw in Nederland geweest, daarom begrijp ik wat ze meemaken.",
            "Ik werk al jaren als sleutelpersoon in {gemeenschap}.",
            "Mensen kennen mij al jaren, ik ben een bekend gezicht in de wijk.",
        ),
        "formeel": (
            "Sleutelpersonen hebben een positie in {gemeenschap} die wij als instelling nooit krijgen.",
            "Ze spreken de taal en ze weten wat er speelt.",
        ),
    },
    "C3": {
        "beide": (
            "Een meisje vertelde dat ze in de zomer naar het land van haar ouders moest, en dat ze bang was niet terug te komen.",
            "Een jonge vrouw mocht de deur niet meer uit, ook niet naar haar taalles.",
            "Er was een moeder die onder druk werd gezet om haar dochter uit te huwelijken.",
            "Je hoort dat een vrouw nooit alleen boodschappen mag doen. Dat is een signaal.",
        ),
    },
    "C4": {
        "informeel": (
            "Vrouwen zijn bang dat hun man of familie erachter komt dat ze hulp zoeken.",
            "De schaamte is groot; ze willen de familie niet te schande maken.",
            "Sommigen denken dat hun verblijfsvergunning in gevaar komt als ze hulp vragen.",
        ),
        "formeel": (
            "De angst voor instanties is groot, zeker bij mensen zonder vaste verblijfsstatus.",
            "Loyaliteit aan de familie weegt vaak zwaarder dan de eigen veiligheid.",
        ),
    },
    "C5": {
        "beide": (
            "Vaak komen we te laat, als het al uit de hand is gelopen.",
            "Omdat we er vroeg bij waren, kon de situatie nog worden omgebogen.",
            "Hoe eerder je het hoort, hoe meer je kunt doen.",
        ),
    },
    "C6": {
        "beide": (
            "Mannen bereiken we bijna niet, terwijl ook zij met dwang te maken hebben.",
            "Jongeren uit de lhbtiq-gemeenschap vinden de weg naar ons niet.",
            "Nieuwkomers weten vaak niet dat wij bestaan.",
        ),
    },
    "D1": {
        "informeel": (
            "Meestal verwijs ik naar het wijkteam of naar schuldhulp.",
            "Bij onveiligheid bel ik Veilig Thuis, en voor voedselhulp gaan we naar de voedselbank.",
            "Soms stuur ik iemand naar de huisarts, omdat ze zoveel stress heeft.",
        ),
        "formeel": (
            "De verwijzingen van {informeel} komen vooral bij schuldhulp en bij het wijkteam terecht.",
            "Een deel gaat door naar de huisarts of de GGZ.",
        ),
    },
    "D2": {
        "informeel": (
            "Ik ga mee naar het eerste gesprek en ik help met de formulieren.",
            "Ik tolk bij de afspraak, want anders begrijpt ze niet wat er gezegd wordt.",
            "Als ik niet meega, gaat ze vaak niet.",
        ),
        "formeel": (
            "Het helpt enorm als de sleutelpersoon meekomt naar het eerste gesprek.",
            "De sleutelpersoon helpt met de aanvraag, en dan gaat het veel sneller.",
        ),
    },
    "D3": {
        "beide": (
            "Bij schuldhulp is de wachtlijst lang, en dan haken mensen af.",
            "Als het eerste gesprek er eenmaal is, start de hulp meestal ook.",
            "Sommigen komen nooit aan bij de hulp, omdat ze niet terugbellen.",
        ),
    },
    "D4": {
        "informeel": (
            "Het wijkteam belt ons nu ook zelf als ze bij een gezin niet binnenkomen.",
            "Omgekeerd verwijst {formeel} ook mensen naar onze vrouwengroep.",
        ),
        "formeel": (
            "Wij verwijzen ook naar {informeel}, bijvoorbeeld voor lotgenotencontact.",
            "Als wij een gezin niet bereiken, vragen we de sleutelpersoon om mee te gaan.",
        ),
    },
    "D5": {
        "informeel": (
            "Ik vraag altijd toestemming voordat ik iets doorgeef, anders verlies ik het vertrouwen.",
            "Wat mag ik vertellen en wat niet? Daar twijfel ik vaak over.",
        ),
        "formeel": (
            "Met de meldcode moeten we soms melden, ook als de sleutelpersoon dat liever niet wil.",
            "Informatie delen blijft lastig vanwege de privacywetgeving.",
        ),
    },
    "D6": {
        "informeel": (
            "Als bekend wordt dat ik een melding heb gedaan, kan ik niet meer in de gemeenschap werken.",
            "Ik ben een keer bedreigd door een familielid, sindsdien ben ik voorzichtiger.",
        ),
        "formeel": (
            "We moeten de sleutelpersoon beschermen; haar naam mag nergens in een melding staan.",
            "De veiligheid van de sleutelpersonen wordt vaak onderschat.",
        ),
    },
    "E1": {
        "informeel": (
            "Soms word ik 's nachts gebeld, en dan kan ik niet nee zeggen.",
            "Het werk is zwaar; wat je hoort neem je mee naar huis.",
            "We zijn met te weinig vrijwilligers voor te veel vragen.",
        ),
        "formeel": (
            "De vrijwilligers dragen veel, en wij vragen soms te veel van ze.",
            "Ik zie dat sleutelpersonen overbelast raken.",
        ),
    },
    "E2": {
        "informeel": (
            "Ik krijg een kleine vrijwilligersvergoeding, maar het is eigenlijk een baan.",
            "Ik doe het onbetaald, naast mijn gewone werk.",
            "Sinds ik per uur betaald word, kan ik er echt tijd voor maken.",
        ),
        "formeel": (
            "Wij vinden dat sleutelpersonen betaald moeten worden voor hun werk.",
            "Een vergoeding maakt het verschil tussen vrijblijvend en betrouwbaar.",
        ),
    },
    "E3": {
        "informeel": (
            "Onze vereniging heeft geen eigen ruimte; we zitten bij mensen thuis of in het buurthuis.",
            "Het bestuur bestaat uit drie mensen, en de administratie doen we 's avonds.",
        ),
        "formeel": (
            "Het bestuur van {informeel} is klein en heeft weinig tijd.",
            "Ze hebben hulp nodig bij verantwoording en administratie.",
        ),
    },
    "E4": {
        "informeel": (
            "Ik zou graag intervisie willen met andere sleutelpersonen.",
            "Wij hebben vooral behoefte aan een vaste plek en een vast budget.",
        ),
        "formeel": (
            "Sleutelpersonen vragen om supervisie, en die zouden wij kunnen bieden.",
            "Ze hebben behoefte aan training over de meldcode en over wat er na een melding gebeurt.",
        ),
    },
    "F1": {
        "beide": (
            "De eer van de familie staat voorop; wat de buren zeggen telt zwaar.",
            "De sociale controle is groot, iedereen kent iedereen.",
            "Groepsdruk maakt dat vrouwen geen eigen keuzes durven te maken.",
        ),
    },
    "F2": {
        "beide": (
            "De jongeren willen zelf kiezen, de ouders willen dat ze binnen de gemeenschap trouwen.",
            "Van meisjes wordt iets anders verwacht dan van jongens.",
            "Tussen de generaties botst het, vooral over trouwen en studeren.",
        ),
    },
    "F3": {
        "informeel": (
            "Er zijn veel plannen en programma's, maar in de wijk merken we er weinig van.",
            "De gemeente heeft een aanpak zelfbeschikking, en daar horen wij nu bij.",
        ),
        "formeel": (
            "Vanuit het landelijk programma is er aandacht voor zelfbeschikking, en dat helpt.",
            "Het beleid vraagt om samenwerking met zelforganisaties, maar de uitvoering blijft achter.",
        ),
    },
    "G1": {
        "beide": (
            "Vrouwen die eerst niet buiten kwamen, doen nu mee aan de taalles.",
            "Een gezin is van de schulden af en de kinderen gaan weer naar school.",
            "Mensen weten nu de weg naar de hulp, en ze durven het ook.",
        ),
    },
    "G2": {
        "informeel": (
            "De gemeente zou ons structureel moeten financieren, niet per project.",
            "Formele organisaties moeten altijd terugkoppelen na een verwijzing.",
            "Neem ons mee in het overleg, niet pas als het misgaat.",
        ),
        "formeel": (
            "We moeten vaste afspraken maken over terugkoppeling.",
            "Investeer in een vast aanspreekpunt per wijk.",
            "Betaal sleutelpersonen voor hun werk en train ze goed.",
        ),
    },
    "G3": {
        "beide": (
            "Een goed voorbeeld is ons spreekuur samen met het wijkteam in het buurthuis: laagdrempelig en met een vaste professional.",
            "Wat goed werkt is de koffieochtend waar een schuldhulpverlener één keer per maand aanschuift.",
            "Een mooi voorbeeld is de vrouwengroep waar een wijkverpleegkundige vaste gast is geworden; vrouwen stellen daar vragen die ze nergens anders durven te stellen.",
            "Bij ons werkt het duo-spreekuur goed: een sleutelpersoon en een schuldhulpverlener samen, zonder afspraak.",
        ),
    },
}

#: The practice example (CASEBOX), in the spirit of the KIS article's Roza and Blanka.
#: Placeholders: {sleutel} the key person, {bewoner} the resident.
PRACTICE_EXAMPLE = (
    "Ik zal een voorbeeld geven. {bewoner} woonde pas een paar jaar hier, alleen met haar drie kinderen. "
    "Ze sprak nog weinig Nederlands en kwam bijna nooit buiten. Op het schoolplein zag ik dat ze steeds "
    "vermoeider werd, en de kinderen hadden in de winter geen goede jassen. Ik ben naast haar gaan staan en "
    "heb haar uitgenodigd voor een kop koffie. Na een paar keer koffie vertelde ze dat ze de brieven van de "
    "gemeente en de belastingdienst niet begreep, en dat er steeds meer rekeningen bleven liggen. Ze durfde "
    "geen hulp te vragen, want ze was bang dat de instanties haar kinderen zouden afpakken. Ik heb uitgelegd "
    "wat schuldhulp doet, en ik ben met haar meegegaan naar het eerste gesprek. Samen hebben we ook een "
    "kindpakket aangevraagd. Nu heeft ze een vaste contactpersoon bij schuldhulp, en als er iets is, belt ze "
    "mij nog steeds even."
)
PRACTICE_EXAMPLE_QUESTION = "Heeft u een voorbeeld van een situatie waarin de samenwerking goed werkte?"
PRACTICE_EXAMPLE_CODES = ("C1", "C2", "C4", "D1", "D2", "G3", "CASEBOX")

FILL = {
    "formeel": (
        "het wijkteam",
        "Veilig Thuis",
        "schuldhulp",
        "de GGD",
        "de gemeente",
        "het jeugd- en gezinsteam",
    ),
    "informeel": (
        "de vrouwenorganisatie",
        "het sleutelpersonennetwerk",
        "de migrantenorganisatie",
        "de moskeevereniging",
        "het bewonersinitiatief",
    ),
    "gemeenschap": (
        "de Turkse gemeenschap",
        "de Marokkaanse gemeenschap",
        "de Eritrese gemeenschap",
        "de Poolse gemeenschap",
        "de Syrische gemeenschap",
        "de Somalische gemeenschap",
        "de Hindoestaanse gemeenschap",
    ),
}
#: Pseudonyms. Interviewees by side; contact persons mentioned by name; the practice example.
INTERVIEWEE_NAMES = {
    "informeel": (
        "Fatma",
        "Samira",
        "Nadia",
        "Hülya",
        "Khadija",
        "Selam",
        "Amina",
        "Rachida",
        "Meryem",
        "Hanan",
        "Yasmina",
        "Esra",
        "Najat",
        "Farida",
        "Zeynep",
        "Ilham",
        "Saida",
        "Yusuf",
        "Ahmet",
        "Tesfay",
        "Dorota",
    ),
    "formeel": (
        "Marloes",
        "Joost",
        "Sanne",
        "Pieter",
        "Anouk",
        "Ruud",
        "Ingrid",
        "Femke",
        "Karin",
        "Thijs",
        "Esther",
        "Wouter",
        "Judith",
    ),
}
CONTACT_NAMES = {
    # named by an informal interviewee: someone at a formal organisation, and vice versa
    "informeel": ("Marieke", "Jeroen", "Wendy", "Henk", "Linda", "Erik"),
    "formeel": ("Naima", "Hatice", "Sevda", "Malika", "Aziza", "Dunya"),
}
PRACTICE_RESIDENT = "Kasia"
NEIGHBOURHOODS = ("de Bloemenbuurt", "Oud-Noord", "het Havenkwartier", "de Schildersbuurt", "Zuidrand")
SPOKEN_NAMES = {"'s-Gravenhage": "Den Haag", "'s-Hertogenbosch": "Den Bosch"}
#: Sentences that mention a neighbourhood or the city (so IDENT has something to flag).
PLACE_SENTENCES = (
    "Dat speelt vooral in {wijk}, daar ken ik bijna iedereen.",
    "In {stad} is dat anders geregeld dan in de buurgemeenten.",
    "Het buurthuis in {wijk} is ons vaste adres geworden.",
)
ROLE_DESCRIPTIONS = {
    "formeel_professional": "professional bij een formele organisatie",
    "formeel_leidinggevende": "leidinggevende bij een formele organisatie",
    "gemeente_beleid": "beleidsmedewerker van de gemeente",
    "informeel_bestuur": "bestuurslid van een informele organisatie",
    "informeel_vrijwilliger": "vrijwilliger bij een informele organisatie",
    "sleutelpersoon": "sleutelpersoon",
}
