"""The audit report's long lists as ledgers: lines of text in columns of a fixed-width font, a
block per month, instead of a table row per expenditure.

WeasyPrint lays out each table cell as a box of its own (some 3-6 ms a row on this machine, and
more as a table grows over pages): W-lab's 2 751 expenditures were 310 of the report's 327 pages
and most of its minute. A line of text costs a fraction of a row, and a line per expenditure
holds what the row held — date, family, description, agency, amount, who asked and when, the
mandate, and the decision with its note — so the content stays, at a tenth of the pages
(issue 30). Every figure is formatted by velferdslab.formatting, as elsewhere in the report.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import format_date as babel_date
from flask_babel import lazy_gettext as _l

from velferdslab.formatting import format_amount, format_date, format_datetime, format_money
from velferdslab.gains.words import MOVE_STATUS_LABELS
from velferdslab.web.labels import translated

GAP = "  "
# Wider values run on and the line wraps: nothing is cut off.
WIDEST = {"description": 34, "requested": 54}


def _cells(values: Sequence[str], widths: Sequence[int], right: Iterable[int] = ()) -> str:
    aligned = set(right)
    return GAP.join(
        value.rjust(width) if column in aligned else value.ljust(width)
        for column, (value, width) in enumerate(zip(values, widths, strict=True))
    ).rstrip()


def _width(values: Iterable[str], heading: str, widest: int | None = None) -> int:
    width = max([len(heading), *(len(value) for value in values)])
    return width if widest is None else min(width, max(widest, len(heading)))


def _person(name: str | None, username: str | None) -> str:
    return f"{name} ({username})" if name else str(username or "")


def expenditure_ledger(
    rows: Sequence[Mapping[str, Any]], listed_sum: float, language: str
) -> dict[str, Any]:
    """Each month's expenditures as lines under a heading line, and the sum line. An expenditure
    decided otherwise than at once within the requester's mandate has its decision (by whom,
    when, and the note) on the line beneath it."""
    statuses = translated().statuses
    mandate = {True: str(_l("within mandate")), False: str(_l("above mandate"))}
    lines = []
    for row in rows:
        within = bool(row["within_mandate"])
        decision = ""
        at_once = within and row["decided_at"] == row["requested_at"]
        if not at_once:
            decision = statuses.get(row["status"], row["status"])
            if row["decided_by"]:
                decider = _person(row["decided_by_name"], row["decided_by"])
                decision += f" {decider} {format_datetime(row['decided_at'], language=language)}"
            if row["decision_note"]:
                decision += f" «{row['decision_note']}»"
        lines.append(
            {
                "month": row["spent_on"].replace(day=1),
                "cells": [
                    format_date(row["spent_on"], language),
                    row["reference"],
                    format_amount(row["amount"], language),
                    mandate[within],
                    _person(row["requested_by_name"], row["requested_by"])
                    + " "
                    + format_datetime(row["requested_at"], language=language),
                    row["description"],
                    row["agency"],
                ],
                "decision": decision,
            }
        )
    headings = [
        str(_l("Date")),
        str(_l("Family")),
        str(_l("Amount")),
        str(_l("Within mandate")),
        str(_l("Requested by")),
        str(_l("Description")),
        str(_l("Paid by")),
    ]
    # The columns of one width come first; the free texts last, where no padding is drawn
    # (every space is a glyph WeasyPrint lays out and writes).
    names = ["date", "family", "amount", "mandate", "requested", "description", "agency"]
    widths = [
        _width((line["cells"][n] for line in lines), headings[n], WIDEST.get(names[n]))
        for n in range(len(names))
    ]
    widths[-1] = 0  # the last column runs to the end of the line
    amount = names.index("amount")
    indent = " " * (sum(widths[:2]) + 2 * len(GAP))  # beneath the amount
    decided = str(_l("Decision")) + ": "
    months = []
    for month, group in itertools.groupby(lines, key=lambda line: line["month"]):
        # Runs of one-line expenditures make one block; an expenditure with its decision
        # beneath it makes a block of its own that a page break does not split.
        blocks: list[dict[str, Any]] = []
        for line in group:
            text = _cells(line["cells"], widths, right=[amount])
            if line["decision"]:
                text += "\n" + indent + decided + line["decision"]
                blocks.append({"lines": [text], "together": True})
            elif blocks and not blocks[-1]["together"]:
                blocks[-1]["lines"].append(text)
            else:
                blocks.append({"lines": [text], "together": False})
        for block in blocks:
            block["lines"] = "\n".join(block["lines"])
        months.append({"title": _month(month), "blocks": blocks})
    total = str(_l("Approved in the period, listed"))
    return {
        "heading": _cells(headings, widths, right=[amount]),
        "months": months,
        "sum": total + GAP + format_amount(listed_sum, language),
    }


def _month(first: dt.date) -> str:
    """`desember 2022` / `December 2022`: a month by its name, never `2022-12`."""
    return str(babel_date(first, "LLLL y"))


def audit_ledgers(content: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The ledgers of an audit report's content (velferdslab.reports.audit_content), for its
    page: figures.json and the CSV files keep the rows."""
    listed = content["period_sums"]["approved"] - content["hidden_expenditures"]["approved"]
    return {
        "expenditure_ledger": expenditure_ledger(content["expenditures"], listed, language),
        "budget_ledger": budget_ledger(content["budgets"], language),
        "moves_ledger": moves_ledger(
            content.get("moves_section", {}).get("families", []), language
        ),
    }


def budget_ledger(rows: Sequence[Mapping[str, Any]], language: str) -> dict[str, str]:
    """Budget against actual per family and year, a line each."""
    headings = [
        str(_l("Family")),
        str(_l("Year")),
        str(_l("Budget")),
        str(_l("Approved")),
        str(_l("Pending")),
        str(_l("Remaining")),
    ]
    cells = [
        [
            row["reference"],
            str(row["year"]),
            *(format_money(row[key], language) for key in ("budget", "approved", "pending")),
            format_money(row["remaining"], language),
        ]
        for row in rows
    ]
    widths = [_width((line[n] for line in cells), headings[n]) for n in range(len(headings))]
    right = range(1, len(headings))
    return {
        "heading": _cells(headings, widths, right),
        "lines": "\n".join(_cells(line, widths, right) for line in cells),
    }


def moves_ledger(rows: Sequence[Mapping[str, Any]], language: str) -> dict[str, str]:
    """Each family's move to stable (issue 28), a line each: reference, status and its dates."""
    headings = [
        str(_l("Family")),
        str(_l("Move")),
        str(_l("Reached stable")),
        str(_l("Lasting since")),
        str(_l("Fell back")),
    ]

    def day(value: dt.date | None) -> str:
        return format_date(value, language) if value else "–"

    cells = [
        [
            row["reference"],
            str(MOVE_STATUS_LABELS.get(row["status"], row["status"]))
            if row["status"]
            else str(_l("not assessed yet")),
            day(row["reached_on"]),
            day(row["lasting_since"]),
            day(row["fell_back_on"]),
        ]
        for row in rows
    ]
    widths = [_width((line[n] for line in cells), headings[n]) for n in range(len(headings))]
    return {
        "heading": _cells(headings, widths),
        "lines": "\n".join(_cells(line, widths) for line in cells),
    }
