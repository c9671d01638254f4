"""Reference data for the demo: real municipalities (2024 numbers), agencies, synthetic names
and short Norwegian texts. No real person is named."""

from __future__ import annotations

# (name, kommunenummer, reference prefix) — numbers after the 2024 county reform.
MUNICIPALITIES: tuple[tuple[str, str, str], ...] = (
    ("Asker", "3203", "ASK"), ("Bærum", "3201", "BAR"), ("Oslo", "0301", "OSL"),
    ("Drammen", "3301", "DRA"), ("Bergen", "4601", "BGO"), ("Trondheim", "5001", "TRD"),
    ("Stavanger", "1103", "STV"), ("Kristiansand", "4204", "KRS"), ("Tromsø", "5501", "TOS"),
    ("Fredrikstad", "3107", "FRE"), ("Sandnes", "1108", "SNS"), ("Sarpsborg", "3105", "SAR"),
    ("Skien", "4003", "SKI"), ("Bodø", "1804", "BOD"), ("Ålesund", "1508", "ALE"),
    ("Larvik", "3909", "LAR"), ("Tønsberg", "3905", "TON"), ("Lillestrøm", "3205", "LIL"),
    ("Arendal", "4203", "ARE"), ("Haugesund", "1106", "HAU"), ("Nordre Follo", "3207", "NFO"),
    ("Porsgrunn", "4001", "POR"), ("Moss", "3103", "MOS"), ("Ringsaker", "3411", "RIN"),
    ("Halden", "3101", "HAL"), ("Hamar", "3403", "HAM"), ("Lørenskog", "3222", "LOR"),
    ("Ullensaker", "3209", "ULL"), ("Molde", "1506", "MOL"), ("Gjøvik", "3407", "GJO"),
    ("Harstad", "5503", "HAR"), ("Kongsberg", "3303", "KON"), ("Lillehammer", "3405", "LHM"),
    ("Horten", "3901", "HOR"), ("Ringerike", "3305", "RIK"), ("Sandefjord", "3907", "SAN"),
    ("Narvik", "1806", "NAR"), ("Steinkjer", "5006", "STE"), ("Elverum", "3420", "ELV"),
    ("Kristiansund", "1505", "KSU"), ("Alta", "5601", "ALT"),
)  # fmt: skip

# (kind, government level, name pattern); {m} is the municipality's name.
AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("nav", "state", "NAV {m}"),
    ("child_welfare", "municipal", "Barneverntjenesten i {m}"),
    ("housing", "municipal", "Boligkontoret i {m}"),
    ("health", "municipal", "Helse og mestring, {m} kommune"),
    ("school", "municipal", "Skoletjenesten i {m}"),
    ("kindergarten", "municipal", "Barnehagetjenesten i {m}"),
    ("ppt", "municipal", "PPT {m}"),
    ("police", "state", "Politiet – {m} politistasjon"),
    ("refugee", "municipal", "Flyktningtjenesten i {m}"),
    ("economic_advice", "municipal", "Økonomisk rådgivning, {m}"),
    ("voluntary", "voluntary", "Frivilligsentralen i {m}"),
    ("other", "county", "Oppfølgingstjenesten, videregående opplæring ({m})"),
)

FIRST_NAMES_F = (
    "Ingrid", "Kari", "Nora", "Emma", "Sara", "Ida", "Maja", "Amina", "Hanne", "Linn", "Tone",
    "Marte", "Sofie", "Leah", "Aisha", "Silje", "Hilde", "Mona", "Camilla", "Zainab", "Oda",
)  # fmt: skip
FIRST_NAMES_M = (
    "Ola", "Jonas", "Lars", "Emil", "Noah", "Ali", "Filip", "Magnus", "Mohammed", "Kristian",
    "Tobias", "Eirik", "Sander", "Jakob", "Omar", "Henrik", "Per", "Geir", "Yusuf", "Aksel",
)  # fmt: skip
SURNAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Eriksen", "Bakken", "Dahl", "Lund",
    "Solberg", "Strand", "Moen", "Ahmed", "Hussein", "Nguyen", "Kowalski", "Mohamud", "Lie",
)  # fmt: skip

RATIONALES: dict[str, tuple[str, ...]] = {
    "housing": ("Fått kommunal leilighet med fast kontrakt.", "Husleierestanse nedbetalt.",
                "Bor midlertidig hos slekt.", "Varsel om utkastelse er trukket.",
                "Søker startlån sammen med boligkontoret."),
    "work": ("Startet i arbeidspraksis tre dager i uka.", "Deltar i norskopplæring.",
             "Fått deltidsjobb i butikk.", "Sykmeldt, tett oppfølging fra NAV.",
             "Fast ansettelse fra neste måned."),
    "school": ("Møter jevnt på skolen etter ny timeplan.", "Mye fravær siste måned.",
               "Får tilpasset opplæring med støtte fra PPT.", "Fullfører vg1 til sommeren."),
    "network": ("Begynt på fotballag og kor.", "Få voksne rundt familien.",
                "Besteforeldre avlaster i helgene.", "Fått besøksvenn via frivilligsentralen."),
    "finance": ("Gjeldsordning er innvilget.", "Budsjett satt opp med økonomisk rådgiver.",
                "Sosialhjelp som hovedinntekt.", "Inkasso stanset etter avtale."),
    "health": ("Fått fastlege og regelmessig behandling.", "Venter på time i psykisk helsevern.",
               "Trener jevnlig og sover bedre.", "Rusbehandling fullført."),
    "childhood": ("Hjelpetiltak fra barnevernet avsluttet.", "Foreldreveiledning pågår.",
                  "Barna trives i barnehagen.", "Bekymringsmelding fulgt opp."),
}  # fmt: skip

NOTES = (
    "Investeringsmøte med hele teamet og familien. Duken oppdatert.",
    "Hjemmebesøk. Familien forteller om en roligere hverdag.",
    "Ringt NAV om aktivitetsplan; ny avtale neste uke.",
    "Familien har selv tatt kontakt med skolen om fravær.",
    "Søknad om bostøtte sendt sammen med mor.",
    "Felles møte med PPT og skole; tiltak justert.",
    "Barna deltok på aktivitetsdag med frivilligsentralen.",
    "Vanskelig uke. Ekstra oppfølging avtalt.",
)

# What a lab spends on: the description, its usual size in kroner (low, high) and the kinds of
# agency that would pay for it (the police pays no housing deposit).
SPENDING: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("Depositum for leilighet", 15_000, 45_000, ("housing", "nav")),
    ("Kurs i norsk", 3_000, 12_000, ("nav", "refugee")),
    ("Treningskort", 2_000, 6_000, ("health", "child_welfare")),
    ("Fotballutstyr til barna", 1_000, 4_000, ("child_welfare", "voluntary", "school")),
    ("Transport til arbeidspraksis", 1_500, 6_000, ("nav",)),
    ("Møbler til ny bolig", 5_000, 25_000, ("housing", "nav")),
    ("Førerkortopplæring", 15_000, 32_000, ("nav", "other")),
    ("Leksehjelp", 3_000, 12_000, ("school", "child_welfare")),
    ("Tannbehandling", 3_000, 20_000, ("nav", "health")),
    ("Feriekoloni for barna", 2_500, 9_000, ("child_welfare", "voluntary")),
    ("Mobiltelefon og abonnement", 2_000, 6_000, ("nav",)),
    ("Sommerjobbtilskudd", 10_000, 30_000, ("nav", "other")),
    ("Barnehageplass i overgang", 4_000, 15_000, ("kindergarten", "child_welfare")),
    ("Flyttebil", 2_500, 8_000, ("housing",)),
    ("Gjeldsordning: innløsning av smålån", 5_000, 30_000, ("nav", "economic_advice")),
)
EXPENDITURES = tuple(description for description, *_ in SPENDING)
# Agencies that put money into a family's budget; the police, PPT and volunteers take part in
# the team but do not fund it.
FUNDERS = (
    "nav",
    "child_welfare",
    "housing",
    "health",
    "school",
    "kindergarten",
    "refugee",
    "other",
)
APPROVAL_NOTES = (
    "I tråd med familiens plan.",
    "Avtalt i teammøtet.",
    "Nødvendig for å holde på boligen.",
    "Gir mor mulighet til å ta jobben hun er tilbudt.",
)
REJECTION_NOTES = (
    "Dekkes av ordinær stønad fra NAV.",
    "Årets budsjett er brukt opp.",
    "Ikke del av planen; tas opp i neste teammøte.",
)

MEASURES = (
    "Søke kommunal bolig",
    "Arbeidspraksis via NAV",
    "Leksehjelp to dager i uka",
    "Fritidsaktivitet for barna",
    "Gjeldsrådgivning",
    "Time hos fastlege",
    "Foreldreveiledning (ICDP)",
    "Norskkurs for mor",
    "Jobbsøkerkurs",
    "Sette opp budsjett",
)
