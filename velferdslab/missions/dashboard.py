"""The regional dashboard's list of missions, each with its traffic light and gap in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from velferdslab import policy
from velferdslab.extensions import db
from velferdslab.missions import services
from velferdslab.missions.presentation import gap_words, status_of


def mission_lights(user: Any, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    if not policy.may_read_progress(user):
        return []
    rows = []
    for mission in db.session.scalars(services.visible_missions(user)):
        progress = services.progress_for(db.session, user, mission, as_of)
        rows.append(
            {
                "id": mission.id,
                "name": mission.name,
                "light": status_of(progress["status"]),
                "gap_words": gap_words(
                    progress["gap"], progress["indicator"], progress["gap_range"]
                ),
            }
        )
    return rows
