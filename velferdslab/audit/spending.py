"""The auditor's list of expenditures: filters, and the list as CSV or Excel exactly as shown.

Filters: agency (who paid), status, a period (from – to, by the date spent), and whether the
expenditure was approved within the requester's mandate or went above it to the family's lead.
"Within mandate" is what the spending rule records: approved at once, the requester its decider.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, g, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, not_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from velferdslab import policy
from velferdslab.auth.current import audit
from velferdslab.budgets.models import Expenditure
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.formatting import format_date, format_datetime
from velferdslab.gains.excel_table import XLSX_TYPE, Column, new_workbook, table_sheet
from velferdslab.municipalities.models import Agency
from velferdslab.users.models import User
from velferdslab.vocabulary import ExpenditureStatus
from velferdslab.web.auth import login_required
from velferdslab.web.labels import STATUS_LABELS

EXPORT_LIMIT = 50_000  # rows in one export: a municipality's years of spending


@dataclass(frozen=True)
class Filters:
    agency_id: int | None = None
    status: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    mandate: str | None = None  # "within" | "above"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Unknown or malformed values are ignored: the list falls back to showing more."""
        start = _date(args.get("from", ""))
        end = _date(args.get("to", ""))
        year = args.get("year", "")
        if year.isdigit() and len(year) == 4 and not (start or end):
            start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
        agency = args.get("agency_id", "")
        return cls(
            agency_id=int(agency) if agency.isdigit() and len(agency) < 10 else None,
            status=args.get("status") if args.get("status") in _STATUSES else None,
            start=start,
            end=end,
            mandate=args.get("mandate") if args.get("mandate") in ("within", "above") else None,
        )

    def query_args(self) -> dict[str, str]:
        """The filters as the page's query string, for the export links."""
        values = {
            "agency_id": "" if self.agency_id is None else str(self.agency_id),
            "status": self.status or "",
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "mandate": self.mandate or "",
        }
        return {key: value for key, value in values.items() if value}


_STATUSES = tuple(status.value for status in ExpenditureStatus)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def within_mandate_clause() -> ColumnElement[bool]:
    return and_(
        Expenditure.status == ExpenditureStatus.APPROVED,
        Expenditure.decided_by == Expenditure.requested_by,
    )


def expenditure_query(user: User, filters: Filters) -> Any:
    requester, decider = aliased(User), aliased(User)
    query = (
        select(
            Expenditure,
            Family.reference,
            Agency.name,
            requester.full_name,
            requester.username,
            decider.full_name,
            decider.username,
        )
        .join(Family, Family.id == Expenditure.family_id)
        .join(Agency, Agency.id == Expenditure.paying_agency_id)
        .join(requester, requester.id == Expenditure.requested_by)
        .outerjoin(decider, decider.id == Expenditure.decided_by)
        .where(policy.visible_families(user, "expenditures.read", dt.date.today()))
    )
    if filters.agency_id is not None:
        query = query.where(Expenditure.paying_agency_id == filters.agency_id)
    if filters.status:
        query = query.where(Expenditure.status == filters.status)
    if filters.start:
        query = query.where(Expenditure.spent_on >= filters.start)
    if filters.end:
        query = query.where(Expenditure.spent_on <= filters.end)
    if filters.mandate == "within":
        query = query.where(within_mandate_clause())
    elif filters.mandate == "above":
        query = query.where(not_(within_mandate_clause()))
    return query.order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())


def agencies_for(user: User) -> list[tuple[int, str]]:
    """The agencies of the auditor's municipality (or region), for the filter."""
    rows = db.session.execute(
        select(Agency.id, Agency.name)
        .where(policy.scope_filter(user, Agency.municipality_id))
        .order_by(Agency.name)
    ).all()
    return [(int(agency_id), str(name)) for agency_id, name in rows]


def is_within_mandate(expenditure: Expenditure) -> bool:
    """Approved at once within the requester's mandate; anything else (pending, decided by the
    lead, rejected) went above it."""
    return (
        expenditure.status == ExpenditureStatus.APPROVED
        and expenditure.decided_by == expenditure.requested_by
    )


def _mandate_text(expenditure: Expenditure) -> str:
    return str(_l("within mandate") if is_within_mandate(expenditure) else _l("above mandate"))


def _columns() -> list[Column]:
    return [
        Column(str(_l("Date")), "date", 12),
        Column(str(_l("Family")), width=18),
        Column(str(_l("Description")), width=40),
        Column(str(_l("Paid by")), width=26),
        Column(str(_l("Amount")), "money", 14),
        Column(str(_l("Status")), width=12),
        Column(str(_l("Within mandate")), width=18),
        Column(str(_l("Requested by")), width=26),
        Column(str(_l("Requested")), "datetime", 17),
        Column(str(_l("Decided by")), width=26),
        Column(str(_l("Decided")), "datetime", 17),
        Column(str(_l("Decision note")), width=40),
    ]


def _person(name: str | None, username: str | None) -> str:
    return f"{name} ({username})" if name else ""


def _export_rows(user: User, filters: Filters) -> list[list[Any]]:
    rows = db.session.execute(expenditure_query(user, filters).limit(EXPORT_LIMIT)).all()
    return [
        [
            e.spent_on,
            reference,
            e.description,
            agency,
            float(e.amount),
            str(STATUS_LABELS.get(e.status.value, e.status.value)),
            _mandate_text(e),
            _person(requester, requester_user),
            e.created_at,
            _person(decider, decider_user),
            e.decided_at,
            e.decision_note or "",
        ]
        for e, reference, agency, requester, requester_user, decider, decider_user in rows
    ]


def export_csv(rows: list[list[Any]], language: str) -> str:
    """Semicolon-separated with a byte-order mark, dates dd.mm.åååå and decimal commas: what a
    Norwegian Excel opens as columns. Text that a spreadsheet would run is quoted with '."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in _columns()])
    for row in rows:
        writer.writerow([_csv_cell(value, language) for value in row])
    return buffer.getvalue()


def _csv_cell(value: Any, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value, language=language)
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, float):
        amount = f"{value:.2f}"
        return amount if language.startswith("en") else amount.replace(".", ",")
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_xlsx(rows: list[list[Any]], language: str) -> bytes:
    book = new_workbook()  # openpyxl: loaded by the first workbook, not with the app
    table_sheet(book, str(_l("Expenditures")), _columns(), rows, language, autofilter=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def create_blueprint() -> Blueprint:
    blp = Blueprint("auditor_spending", __name__, url_prefix="/audit")

    @blp.route("/expenditures.<any(csv, xlsx):kind>")
    @login_required
    def export(kind: str) -> ResponseReturnValue:
        user: User = policy.require_page(g.user, "pages.audit")
        filters = Filters.from_args(request.args)
        rows = _export_rows(user, filters)
        language = str(get_locale() or "nb")
        audit(
            "export",
            "expenditure",
            details={"format": kind, "rows": len(rows), "filters": filters.query_args()},
        )
        if kind == "csv":
            response = Response(export_csv(rows, language), content_type="text/csv; charset=utf-8")
        else:
            response = Response(export_xlsx(rows, language), mimetype=XLSX_TYPE)
        name = str(_l("expenditures"))
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    return blp
