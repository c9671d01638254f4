"""Uploading a comparison cohort: the `Kartlegginger` sheet of import.md read by the import
pipeline's own reader and mapping, kept as levels per pseudonymous reference and date in the
cohort's tables. A cohort is all or nothing: any error refuses the file, naming every problem.

A cohort holds no names and no national ids: a file with a `Medlemmer` sheet is refused, a
reference that looks like a fødselsnummer is refused, and `Begrunnelse` (free text) and
`Utført av` (a username) are not stored."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from velferdslab.audit.log import record
from velferdslab.db import AnySession
from velferdslab.errors import Text, ValidationFailed
from velferdslab.evidence.models import CohortReading, ComparisonCohort
from velferdslab.imports.mapping import Problem, map_sheets, parse_all
from velferdslab.imports.reading import TooManyRows, UnreadableFile, read_upload
from velferdslab.imports.spec import ASSESSMENTS, MEMBERS
from velferdslab.vocabulary import DOMAINS

MAX_ROWS = 200_000
NOT_STORED = ("rationale", "assessed_by")
LOOKS_LIKE_NATIONAL_ID = re.compile(r"\d{6}\s?\d{5}")


def store_cohort(
    session: AnySession,
    user_id: int,
    municipality_id: int,
    name: str,
    file_name: str,
    data: bytes,
    max_rows: int = MAX_ROWS,
    language: str = "en",
) -> ComparisonCohort:
    """Read the file and store the cohort; ValidationFailed (422) with every problem, and
    nothing stored, when any row is wrong."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(Text("Name the cohort."), {"name": [Text("Required.")]})
    rows = _readings(file_name, data, max_rows, language)
    cohort = ComparisonCohort(
        municipality_id=municipality_id,
        name=name[:150],
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        families=len({row["reference"] for row in rows}),
        created_by=user_id,
    )
    session.add(cohort)
    session.flush()
    session.execute(
        insert(CohortReading),  # one statement for every reading
        [{"cohort_id": cohort.id, **row} for row in rows],
    )
    record(
        session, "create", "comparison_cohort", cohort.id,
        details={"families": cohort.families, "readings": len(rows), "sha256": cohort.sha256},
    )  # fmt: skip
    return cohort


def _readings(file_name: str, data: bytes, max_rows: int, language: str) -> list[dict[str, Any]]:
    try:
        sheets = read_upload(file_name, data, max_rows)
    except TooManyRows as error:
        raise ValidationFailed(
            Text("The file has %(rows)s rows; at most %(limit)s.", rows=error.rows,
                 limit=error.limit),
            {"file": [Text("Split the cohort into parts.")]},
        ) from error  # fmt: skip
    except UnreadableFile as error:
        raise ValidationFailed(
            Text("The file cannot be read."),
            {"file": [Text("Send an .xlsx workbook, a .csv file or a .zip of CSV files.")]},
        ) from error
    names = {sheet.name.strip().casefold() for sheet in sheets}
    if names & {MEMBERS.nb.casefold(), MEMBERS.en.casefold()}:
        raise ValidationFailed(
            Text("A comparison cohort holds no names or national ids: remove the sheet Medlemmer."),
            {"file": [Text("Only the sheet Kartlegginger is read for a cohort.")]},
        )
    # A CSV file of readings may have any name: it is the Kartlegginger sheet.
    if len(sheets) == 1 and file_name.lower().endswith((".csv", ".txt")):
        sheets[0].name = ASSESSMENTS.nb
    mapped = map_sheets([s for s in sheets if s.name.strip().casefold() in _ASSESSMENT_NAMES])
    families = parse_all(mapped)
    rows: list[dict[str, Any]] = []
    problems = [p for p in mapped.report() if p.severity == "error"]
    seen: set[tuple[str, Any]] = set()
    for reference, by_sheet in families.items():
        for row in by_sheet.get(ASSESSMENTS.key, []):
            problems.extend(_row_problems(row, reference, seen))
            rows.append(
                {
                    "reference": reference[:100],
                    "assessed_on": row.values.get("assessed_on"),
                    **{f"level_{d}": row.values.get(d) for d in DOMAINS},
                }
            )
    if problems:
        raise _refusal(problems, language)
    if not rows:
        raise ValidationFailed(
            Text("The file has no readings: fill in the sheet Kartlegginger."),
            {"file": [Text("No rows in Kartlegginger.")]},
        )
    return rows


_ASSESSMENT_NAMES = {ASSESSMENTS.nb.casefold(), ASSESSMENTS.en.casefold()}


def _row_problems(row: Any, reference: str, seen: set[tuple[str, Any]]) -> list[Problem]:
    problems = []
    if LOOKS_LIKE_NATIONAL_ID.fullmatch(reference.strip()):
        problems.append(
            Problem(row.sheet_name, row.number, row.header("reference"), "***", "error",
                    "cohort_national_id", reference=None)
        )  # fmt: skip
    key = (reference, row.values.get("assessed_on"))
    if key in seen:
        problems.append(
            Problem(row.sheet_name, row.number, row.header("assessed_on"), row.raw.get(
                "assessed_on", ""), "error", "duplicate_date", reference)
        )  # fmt: skip
    seen.add(key)
    return problems


def _refusal(problems: Sequence[Problem], language: str) -> ValidationFailed:
    """Every problem as a field message `Kartlegginger row 4, Dato: …` (at most 50 shown)."""
    lines = [_line(problem, language) for problem in problems[:50]]
    return ValidationFailed(
        Text("The cohort was not stored: %(count)s problems in the file.", count=len(problems)),
        {"file": lines},
    )


def _line(problem: Problem, language: str) -> str:
    where = f"{problem.sheet} {problem.row or ''}".strip()
    column = f", {problem.column}" if problem.column else ""
    texts = COHORT_MESSAGES.get(problem.code) or problem.as_dict()["message"]
    return f"{where}{column}: {texts['en' if language.startswith('en') else 'nb']}"


COHORT_MESSAGES: dict[str, dict[str, str]] = {
    "cohort_national_id": {
        "en": "The reference looks like a national id: use the cohort's own pseudonym.",
        "nb": "Referansen ser ut som et fødselsnummer: bruk kohortens eget pseudonym.",
    },
}


def cohorts_in(session: AnySession, municipality_ids: Sequence[int]) -> list[ComparisonCohort]:
    return list(
        session.scalars(
            select(ComparisonCohort)
            .where(ComparisonCohort.municipality_id.in_(municipality_ids))
            .order_by(ComparisonCohort.id.desc())
        )
    )


def reading_count(session: AnySession, cohort_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(CohortReading)
            .where(CohortReading.cohort_id == cohort_id)
        )
        or 0
    )
