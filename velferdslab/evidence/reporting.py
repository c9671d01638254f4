"""The pre-registration's versions as plain data for the reports (the audit PDF's section):
the indicator by its name, each target in the reader's words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext

from velferdslab.db import AnySession
from velferdslab.evidence.forms import INDICATOR_LABELS
from velferdslab.evidence.preregistration import described, versions
from velferdslab.formatting import format_number


def preregistrations_for_report(
    session: AnySession, municipality_id: int, language: str
) -> list[dict[str, Any]]:
    """Every version of the municipality's pre-registration, oldest first."""
    rows = []
    for row in versions(session, [municipality_id]):
        share = row.indicator == "share_stable_or_better"
        rows.append(
            {
                **described(row),
                "indicator_label": str(INDICATOR_LABELS.get(row.indicator, row.indicator)),
                "targets": [
                    {
                        "by": dt.date.fromisoformat(t["by"]),
                        "shown": target_words(float(t["value"]), share, language),
                    }
                    for t in row.targets
                ],
            }
        )
    return rows


def target_words(value: float, share: bool, language: str) -> str:
    """A share's target in percentage points (`+10 prosentpoeng`), else the number."""
    if not share:
        return format_number(value, 0, language)
    points = format_number(value * 100, 0, language)
    return str(
        gettext("%(points)s percentage points", points=f"+{points}" if value > 0 else points)
    )
