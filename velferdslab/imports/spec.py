"""The template of import.md as data: sheets, columns (bokmål and English headers) and the value
words. The reader, the mapping and the template generator all read it from here."""

from __future__ import annotations

from dataclasses import dataclass

from velferdslab.vocabulary import DOMAINS


@dataclass(frozen=True)
class Column:
    key: str
    nb: str
    en: str
    required: bool = False
    kind: str = "text"  # text, date, money, year, level, choice, national_id, username, agency


@dataclass(frozen=True)
class Sheet:
    key: str
    nb: str
    en: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# The template's help row begins each cell so; the reader skips such rows.
HELP_MARK = "↳"
# The template's own sheets that hold no records: skipped without a warning.
TEMPLATE_SHEETS = frozenset({"eksempel", "example", "lister", "lists"})
# The refused rows' download adds this column (bokmål, English): read back without a warning.
REASON_HEADERS = ("Årsak", "Reason")

REFERENCE = Column("reference", "Referanse", "Reference", True)

DOMAIN_WORDS: dict[str, tuple[str, str]] = {
    "housing": ("Bolig", "Housing"),
    "work": ("Arbeid", "Work"),
    "school": ("Skole", "School"),
    "network": ("Nettverk", "Network"),
    "finance": ("Økonomi", "Finance"),
    "health": ("Helse", "Health"),
    "childhood": ("Barnas oppvekst", "Childhood"),
}

FAMILIES = Sheet(
    "families",
    "Familier",
    "Families",
    (
        REFERENCE,
        Column("municipality_number", "Kommunenummer", "Municipality number", True),
        Column("status", "Status", "Status", kind="family_status"),
        Column("referred_on", "Henvist", "Referred on", True, "date"),
        Column("enrolled_on", "Innskrevet", "Enrolled on", kind="date"),
        Column("concluded_on", "Avsluttet", "Concluded on", kind="date"),
        Column("investment_lead", "Investeringsleder", "Investment lead", kind="username"),
        Column("protection", "Skjerming", "Protection", kind="protection"),
    ),
)
MEMBERS = Sheet(
    "members",
    "Medlemmer",
    "Members",
    (
        REFERENCE,
        Column("full_name", "Navn", "Name", True),
        Column("national_id", "Fødselsnummer", "National id", kind="national_id"),
        Column("birth_date", "Fødselsdato", "Birth date", kind="date"),
        Column("relation", "Relasjon", "Relation", kind="relation"),
    ),
)
ASSESSMENTS = Sheet(
    "assessments",
    "Kartlegginger",
    "Assessments",
    (
        REFERENCE,
        Column("assessed_on", "Dato", "Date", True, "date"),
        *(Column(d, DOMAIN_WORDS[d][0], DOMAIN_WORDS[d][1], kind="level") for d in DOMAINS),
        Column("rationale", "Begrunnelse", "Rationale"),
        Column("assessed_by", "Utført av", "Assessed by", kind="username"),
    ),
)
BUDGETS = Sheet(
    "budgets",
    "Budsjett",
    "Budgets",
    (
        REFERENCE,
        Column("year", "År", "Year", True, "year"),
        Column("agency", "Etat", "Agency", True, "agency"),
        Column("amount", "Beløp", "Amount", True, "money"),
    ),
)
EXPENDITURES = Sheet(
    "expenditures",
    "Utgifter",
    "Expenditures",
    (
        REFERENCE,
        Column("spent_on", "Dato", "Date", True, "date"),
        Column("amount", "Beløp", "Amount", True, "money"),
        Column("description", "Beskrivelse", "Description", True),
        Column("domain", "Område", "Domain", kind="domain"),
        Column("paying_agency", "Betalt av", "Paid by", True, "agency"),
        Column("status", "Status", "Status", kind="expenditure_status"),
        Column("requested_by", "Bedt om av", "Requested by", kind="username"),
        Column("decided_by", "Besluttet av", "Decided by", kind="username"),
    ),
)
GOALS = Sheet(
    "goals",
    "Mål",
    "Goals",
    (
        REFERENCE,
        Column("domain", "Område", "Domain", True, "domain"),
        Column("target_level", "Målnivå", "Target level", True, "level"),
        Column("target_date", "Måldato", "Target date", True, "date"),
        Column("description", "Beskrivelse", "Description"),
    ),
)

SHEETS: tuple[Sheet, ...] = (FAMILIES, MEMBERS, ASSESSMENTS, BUDGETS, EXPENDITURES, GOALS)

# Value words: the template's word -> the stored value. English words are accepted too.
LEVEL_WORDS: dict[str, int] = {
    "uholdbar": 0,
    "utsatt": 1,
    "stabil": 2,
    "bærekraftig": 3,
    "unsustainable": 0,
    "exposed": 1,
    "stable": 2,
    "sustainable": 3,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
}
CHOICES: dict[str, dict[str, str]] = {
    "family_status": {
        "henvist": "referred",
        "aktiv": "active",
        "avsluttet": "concluded",
        "trukket": "withdrawn",
        "referred": "referred",
        "active": "active",
        "concluded": "concluded",
        "withdrawn": "withdrawn",
    },
    "protection": {
        "fortrolig": "confidential",
        "strengt fortrolig": "strictly_confidential",
        "confidential": "confidential",
        "strictly confidential": "strictly_confidential",
    },
    "relation": {
        "forelder": "parent",
        "barn": "child",
        "ungdom": "youth",
        "annen voksen": "other_adult",
        "parent": "parent",
        "child": "child",
        "youth": "youth",
        "other adult": "other_adult",
    },
    "expenditure_status": {
        "godkjent": "approved",
        "venter": "pending",
        "avvist": "rejected",
        "approved": "approved",
        "pending": "pending",
        "rejected": "rejected",
    },
    "domain": {
        **{nb.lower(): d for d, (nb, _en) in DOMAIN_WORDS.items()},
        **{en.lower(): d for d, (_nb, en) in DOMAIN_WORDS.items()},
    },
}
# The words the template's drop-down lists offer (the bokmål or the English ones).
LIST_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "level": (
        ("uholdbar", "utsatt", "stabil", "bærekraftig"),
        ("unsustainable", "exposed", "stable", "sustainable"),
    ),
    "family_status": (
        ("henvist", "aktiv", "avsluttet", "trukket"),
        ("referred", "active", "concluded", "withdrawn"),
    ),
    "protection": (("fortrolig", "strengt fortrolig"), ("confidential", "strictly confidential")),
    "relation": (
        ("forelder", "barn", "ungdom", "annen voksen"),
        ("parent", "child", "youth", "other adult"),
    ),
    "expenditure_status": (("godkjent", "venter", "avvist"), ("approved", "pending", "rejected")),
    "domain": (
        tuple(nb for nb, _en in DOMAIN_WORDS.values()),
        tuple(en for _nb, en in DOMAIN_WORDS.values()),
    ),
}


def sheet_named(name: str) -> Sheet | None:
    """The sheet a workbook tab or a CSV file's name stands for (bokmål or English)."""
    wanted = name.strip().casefold()
    return next((s for s in SHEETS if wanted in (s.nb.casefold(), s.en.casefold())), None)


def header_key(sheet: Sheet, header: str) -> str | None:
    """A header matched without regard to case, surrounding spaces or a trailing ` *`."""
    wanted = header.strip().removesuffix("*").strip().casefold()
    return next(
        (c.key for c in sheet.columns if wanted in (c.nb.casefold(), c.en.casefold())), None
    )
