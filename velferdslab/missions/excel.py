"""A mission's Excel sheet: the series, the municipalities' lines and the log, the figures the
page and the PDF show (a hidden count as its range, never a blank)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from velferdslab.missions.presentation import (
    DECISION_LABELS,
    INDICATOR_LABELS,
    count_text,
    gap_words,
    status_of,
    value_text,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def mission_workbook(mission: Any, progress: Mapping[str, Any]) -> bytes:
    from openpyxl import Workbook  # loaded by the first workbook, not with the app

    book = Workbook()
    sheet = book.active
    sheet.title = str(_l("Mission"))[:31]
    ind = progress["indicator"]
    sheet.append([mission.name])
    sheet.append([str(INDICATOR_LABELS[ind])])
    sheet.append([gap_words(progress["gap"], ind, progress["gap_range"])])
    sheet.append([])
    sheet.append([str(_l("Quarter end")), str(_l("Actual")), str(_l("Families")),
                  str(_l("Required")), str(_l("Gap"))])  # fmt: skip
    for p in progress["series"]:
        sheet.append([p["quarter_end"], value_text(p["value"], ind, p["value_range"]),
                      count_text(p), value_text(p["required"], ind),
                      gap_words(p["gap"], ind, p["gap_range"])])  # fmt: skip
    forecast = progress["forecast"]
    sheet.append([forecast["on"], value_text(forecast["value"], ind, forecast["value_range"]),
                  count_text(forecast), value_text(forecast["required"], ind),
                  str(_l("the plans' forecast"))])  # fmt: skip
    lines = book.create_sheet(str(_l("Municipalities"))[:31])
    lines.append([str(_l("Municipality")), str(_l("Now")), str(_l("Families")),
                  str(_l("Against the path")), str(_l("The plans promise"))])  # fmt: skip
    for line in progress["by_municipality"]:
        now, forecast = line["now"], line["forecast"]
        lines.append(
            [
                line["municipality"],
                value_text(now["value"], ind, now["value_range"]) if now else "–",
                count_text(now) if now else "–",
                status_of(now["status"] if now else None)["words"],
                value_text(forecast["value"], ind, forecast["value_range"]),
            ]
        )
    log = book.create_sheet(str(_l("Steering log"))[:31])
    log.append([str(_l("Date")), str(_l("Decision")), str(_l("Note")), str(_l("Target version"))])
    for d in mission.decisions:
        log.append([d.decided_on, str(DECISION_LABELS[d.decision.value]), d.note,
                    d.target_version])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
