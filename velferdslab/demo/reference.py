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

# A reading's rationale per domain and level (0 uholdbar … 3 bærekraftig), written to fit the
# level criteria (velferdslab/defaults/level-criteria.toml): a note never contradicts its level.
RATIONALES: dict[str, tuple[tuple[str, ...], ...]] = {
    "housing": (
        ("Bor midlertidig hos slekt.", "Varsel om utkastelse, saken er hos namsmannen.",
         "Familien bor på hospits i påvente av bolig."),
        ("Husleierestanse på tre måneder.", "Korttidskontrakt som går ut til våren.",
         "Trangbodd: fem personer på to rom."),
        ("Fått kommunal leilighet med fast kontrakt.", "Husleierestanse nedbetalt.",
         "Bostøtte innvilget; husleien betales hver måned."),
        ("Kjøpt egen bolig med startlån.", "Langsiktig leiekontrakt, betaler husleien selv.",
         "Flyttet til egen leilighet familien selv valgte."),
    ),
    "work": (
        ("Ingen voksne i arbeid, utdanning eller aktivitet.", "Mor står utenfor alt arbeid."),
        ("Sykmeldt, tett oppfølging fra NAV.", "Sporadiske ekstravakter uten fast avtale.",
         "Aktivitetsplan hos NAV, men uklart hva den fører til."),
        ("Startet i arbeidspraksis tre dager i uka.", "Deltar i norskopplæring.",
         "Fått deltidsjobb i butikk."),
        ("Fast ansettelse i full stilling.", "Har fått fast jobb og klarer seg selv.",
         "Fullfører fagbrev med lærlingelønn."),
    ),
    "school": (
        ("Eldste barn har ikke vært på skolen siden jul.", "Har falt ut av videregående."),
        ("Mye fravær siste måned.", "Konflikter i klassen, fare for å falle ut."),
        ("Møter jevnt på skolen etter ny timeplan.",
         "Får tilpasset opplæring med støtte fra PPT."),
        ("Går på skolen og henger med uten ekstra støtte.", "Fullfører vg1 til sommeren."),
    ),
    "network": (
        ("Familien er isolert og har ingen å spørre.", "Eldste sønn henger med et rusmiljø."),
        ("Få voksne rundt familien.", "Kontakten går mest gjennom hjelpeapparatet."),
        ("Begynt på fotballag og kor.", "Fått besøksvenn via frivilligsentralen."),
        ("Besteforeldre avlaster i helgene.",
         "Barna er med på fritidsaktiviteter, familien har folk å spørre."),
    ),
    "finance": (
        ("Ingen penger til mat; nødhjelp fra NAV.", "Gjeld til inkasso og trekk i lønn."),
        ("Sosialhjelp som hovedinntekt.", "Ubetalte regninger og gjeld uten oversikt."),
        ("Gjeldsordning er innvilget.", "Budsjett satt opp med økonomisk rådgiver.",
         "Inkasso stanset etter avtale."),
        ("Egen inntekt dekker utgiftene, og det er litt i buffer.",
         "Gjelden er under kontroll og familien sparer litt hver måned."),
    ),
    "health": (
        ("Ubehandlet rusproblem preger hverdagen.", "Alvorlig depresjon uten behandling."),
        ("Venter på time i psykisk helsevern.", "Smerter begrenser hverdagen; ujevn behandling."),
        ("Fått fastlege og regelmessig behandling.", "Rusbehandling fullført."),
        ("Trener jevnlig og sover bedre.", "God helse; mestrer diagnosen selv."),
    ),
    "childhood": (
        ("Akuttplassering av yngste barn.", "Bekymring for vold i hjemmet."),
        ("Hjelpetiltak fra barnevernet.", "Bekymringsmelding fulgt opp."),
        ("Foreldreveiledning pågår.", "God omsorg med støtte fra helsestasjonen."),
        ("Hjelpetiltak fra barnevernet avsluttet.", "Barna trives i barnehagen og på skolen."),
    ),
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
