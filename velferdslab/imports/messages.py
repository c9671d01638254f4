"""The report's messages in English and bokmål, each with the expected form. The report stores
a code and its values, so a lead reads it in the language they chose, whenever they read it."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "date": (
        "Not a date: write 31.12.2024 or 2024-12-31.",
        "Ikke en dato: skriv 31.12.2024 eller 2024-12-31.",
    ),
    "amount": (
        "Not an amount: write kroner as 1 234,50 or 1234.",
        "Ikke et beløp: skriv kroner som 1 234,50 eller 1234.",
    ),
    "year": (
        "Not a year: write four digits, 2000–2100.",
        "Ikke et år: skriv fire sifre, 2000–2100.",
    ),
    "level": (
        "Not a level: write unsustainable, exposed, stable, sustainable (or 1–4).",
        "Ikke et nivå: skriv uholdbar, utsatt, stabil eller bærekraftig (eller 1–4).",
    ),
    "family_status": (
        "Not a status: write referred, active, concluded or withdrawn.",
        "Ikke en status: skriv henvist, aktiv, avsluttet eller trukket.",
    ),
    "protection": (
        "Not a protection: leave blank, or write confidential or strictly confidential.",
        "Ikke en skjerming: la stå tom, eller skriv fortrolig eller strengt fortrolig.",
    ),
    "relation": (
        "Not a relation: write parent, child, youth or other adult.",
        "Ikke en relasjon: skriv forelder, barn, ungdom eller annen voksen.",
    ),
    "expenditure_status": (
        "Not a status: write approved, pending or rejected.",
        "Ikke en status: skriv godkjent, venter eller avvist.",
    ),
    "domain": (
        "Not a domain: write one of Housing, Work, School, Network, Finance, Health, Childhood.",
        "Ikke et område: skriv Bolig, Arbeid, Skole, Nettverk, Økonomi, Helse "
        "eller Barnas oppvekst.",
    ),
    "national_id": (
        "Not a valid national id: 11 digits whose check digits add up (written as text).",
        "Ikke et gyldig fødselsnummer: 11 sifre med riktige kontrollsifre (skrevet som tekst).",
    ),
    "national_id_zero": (
        "The national id was stored as a number and lost its leading 0; it was read with it. "
        "Format the column as text.",
        "Fødselsnummeret var lagret som tall og mistet sin første 0; det ble lest med 0. "
        "Formater kolonnen som tekst.",
    ),
    "required": ("Required: fill it in.", "Må fylles ut."),
    "missing_column": (
        "The required column %(column)s is missing.",
        "Den påkrevde kolonnen %(column)s mangler.",
    ),
    "unknown_column": (
        "Unknown column: ignored.",
        "Ukjent kolonne: ignorert.",
    ),
    "unknown_sheet": (
        "Unknown sheet: ignored. Sheets are Familier, Medlemmer, Kartlegginger, Budsjett, "
        "Utgifter and Mål.",
        "Ukjent ark: ignorert. Arkene heter Familier, Medlemmer, Kartlegginger, Budsjett, "
        "Utgifter og Mål.",
    ),
    "unknown_family": (
        "No family with this reference, in the file or already imported.",
        "Ingen familie med denne referansen, verken i filen eller importert før.",
    ),
    "duplicate_family": (
        "The reference is on more than one row of Familier.",
        "Referansen står på mer enn én rad i Familier.",
    ),
    "duplicate_date": (
        "Two readings of the same family on the same date: keep one row.",
        "To kartlegginger av samme familie på samme dato: behold én rad.",
    ),
    "municipality": (
        "Not your municipality's number: write %(number)s.",
        "Ikke kommunenummeret ditt: skriv %(number)s.",
    ),
    "unknown_user": (
        "No active user with this username in the municipality.",
        "Ingen aktiv bruker med dette brukernavnet i kommunen.",
    ),
    "unknown_agency": (
        "No agency of this name in the municipality.",
        "Ingen etat med dette navnet i kommunen.",
    ),
    "lead_required": (
        "Name the family's investment lead (an admin does not lead families).",
        "Oppgi familiens investeringsleder (en administrator leder ikke familier).",
    ),
    "rule": ("%(detail)s", "%(detail)s"),
    "rule_kind": (
        "Refused by the rules the API applies (see each row's message).",
        "Avvist av reglene API-et bruker (se meldingen på hver rad).",
    ),
    "refused_family": (
        "The family is not imported: it has an error on another row.",
        "Familien importeres ikke: den har en feil på en annen rad.",
    ),
}


def message(code: str, language: str, **values: Any) -> str:
    english, bokmal = MESSAGES[code]
    template = english if (language or "nb").startswith("en") else bokmal
    return template % values if values else template
