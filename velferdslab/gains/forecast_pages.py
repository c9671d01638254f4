"""Pages of the forecast (issue 15): the family's gevinstrealiseringsplan as an Excel download,
and the `date` filter the forecast's templates write dates with (velferdslab.formatting)."""

from __future__ import annotations

import datetime as dt
import io

from flask import Blueprint, Response, g
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from velferdslab import policy
from velferdslab.assumptions.services import get_set
from velferdslab.auth.current import audit
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.formatting import format_date, format_number, format_percent
from velferdslab.gains.data import load_engine_input
from velferdslab.gains.excel import XLSX
from velferdslab.gains.excel_table import new_workbook
from velferdslab.gains.plan_sheet import add_plan_sheet
from velferdslab.gains.services import family_plan_rows
from velferdslab.web.auth import login_required


def _date(value: dt.date | dt.datetime | None) -> str:
    return format_date(value, str(get_locale() or "nb"))


def _percent(share: float | None) -> str:
    return format_percent(share, 0, str(get_locale() or "nb"))


def _number(value: float | None) -> str:
    return format_number(value, 0, str(get_locale() or "nb"))


def family_plan_workbook(family: Family, as_of: dt.date) -> bytes:
    row = get_set(db.session, None)
    data = load_engine_input(db.session, Family.id == family.id)
    book = new_workbook()  # openpyxl: loaded by the first workbook, not with the app
    add_plan_sheet(
        book, str(get_locale() or "nb"), family_plan=family_plan_rows(family, data, row, as_of)
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def create_blueprint() -> Blueprint:
    blp = Blueprint("forecast_pages", __name__)
    blp.add_app_template_filter(_date, "date")
    blp.add_app_template_global(_percent, "fc_percent")
    blp.add_app_template_global(_number, "fc_number")

    @blp.route("/families/<id:family_id>/gevinstrealiseringsplan.xlsx")
    @login_required
    def family_plan(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "gains.read")
        audit("read", "benefits_plan", family.id, family_id=family.id)
        response = Response(family_plan_workbook(family, dt.date.today()), mimetype=XLSX)
        safe = "".join(c for c in family.reference if c.isalnum() or c in "-_")
        name = f"gevinstrealiseringsplan-{safe}.xlsx"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return blp
