"""Workbooks written from import.md alone (its sheet names, headers and value words, typed
here as a lab would type them), and a small lab: families with readings, budgets, spending
and goals over two years."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

HEADERS: dict[str, list[str]] = {
    "Familier": [
        "Referanse *", "Kommunenummer *", "Status", "Henvist *", "Innskrevet", "Avsluttet",
        "Investeringsleder", "Skjerming",
    ],
    "Medlemmer": ["Referanse *", "Navn *", "Fødselsnummer", "Fødselsdato", "Relasjon"],
    "Kartlegginger": [
        "Referanse *", "Dato *", "Bolig", "Arbeid", "Skole", "Nettverk", "Økonomi", "Helse",
        "Barnas oppvekst", "Begrunnelse", "Utført av",
    ],
    "Budsjett": ["Referanse *", "År *", "Etat *", "Beløp *"],
    "Utgifter": [
        "Referanse *", "Dato *", "Beløp *", "Beskrivelse *", "Område", "Betalt av *", "Status",
        "Bedt om av", "Besluttet av",
    ],
    "Mål": ["Referanse *", "Område *", "Målnivå *", "Måldato *", "Beskrivelse"],
}  # fmt: skip

LEVEL_WORDS = ("uholdbar", "utsatt", "stabil", "bærekraftig")
DOMAIN_WORDS = ("Bolig", "Arbeid", "Skole", "Nettverk", "Økonomi", "Helse", "Barnas oppvekst")
DOMAINS = ("housing", "work", "school", "network", "finance", "health", "childhood")


@dataclass
class LabFile:
    """A lab's spreadsheet: rows per sheet, in import.md's column order."""

    rows: dict[str, list[list[Any]]] = field(default_factory=lambda: {s: [] for s in HEADERS})

    def xlsx(self) -> bytes:
        workbook = Workbook()
        first = workbook.active
        assert first is not None
        workbook.remove(first)
        for name, headers in HEADERS.items():
            sheet = workbook.create_sheet(name)
            sheet.append(headers)
            for row in self.rows[name]:
                sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


@dataclass(frozen=True)
class FamilyPlan:
    """One family's history, as the lab recorded it (level numbers 0–3 per domain)."""

    reference: str
    referred_on: dt.date
    enrolled_on: dt.date
    readings: tuple[tuple[dt.date, tuple[int | None, ...]], ...]
    budgets: tuple[tuple[int, int], ...]  # (year, kroner)
    spending: tuple[tuple[dt.date, str, str], ...]  # (date, amount as typed, description)
    goal: tuple[str, int, dt.date]  # (domain, target level, target date)


def small_lab(count: int = 5) -> list[FamilyPlan]:
    plans = []
    for n in range(count):
        start = dt.date(2023, 1 + n, 10)
        plans.append(
            FamilyPlan(
                reference=f"LAB-{n + 1:03d}",
                referred_on=start,
                enrolled_on=start + dt.timedelta(days=14),
                readings=(
                    (start + dt.timedelta(days=20), (0, 1, None, 1, 0, 2, 1)),
                    (start + dt.timedelta(days=200), (1, 1, 2, 1, 1, 2, 2)),
                    (start + dt.timedelta(days=420), (2, 2 if n % 2 else 1, 2, 2, 2, 3, 2)),
                ),
                budgets=((2023, 120_000 + 10_000 * n), (2024, 80_000)),
                spending=(
                    (start + dt.timedelta(days=30), f"{12 + n} 500,50", "Husleiegaranti"),
                    (dt.date(2024, 3, 1 + n), "kr 8 000", "Arbeidstrening"),
                ),
                goal=(DOMAINS[n % 7], 2, dt.date(2025, 6, 30)),
            )
        )
    return plans


def lab_file(plans: list[FamilyPlan], number: str, agency: str, lead: str) -> LabFile:
    lab = LabFile()
    for p in plans:
        lab.rows["Familier"].append(
            [p.reference, number, "aktiv", p.referred_on, p.enrolled_on.strftime("%d.%m.%Y"),
             None, lead, None]
        )  # fmt: skip
        lab.rows["Medlemmer"].append([p.reference, "Kari Nordmann", None, None, "forelder"])
        for on, levels in p.readings:
            words = [LEVEL_WORDS[v] if v is not None else None for v in levels]
            lab.rows["Kartlegginger"].append(
                [p.reference, on.isoformat(), *words, "Teamets vurdering", lead]
            )
        for year, kroner in p.budgets:
            lab.rows["Budsjett"].append([p.reference, year, agency, kroner])
        for on, amount, text in p.spending:
            lab.rows["Utgifter"].append(
                [p.reference, on, amount, text, "Bolig", agency, "godkjent", lead, lead]
            )
        domain, level, target = p.goal
        lab.rows["Mål"].append(
            [p.reference, DOMAIN_WORDS[DOMAINS.index(domain)], LEVEL_WORDS[level],
             target.strftime("%d.%m.%Y"), "Trygg bolig"]
        )  # fmt: skip
    return lab
