"""The mission report's content (issue 29): the figures the mission page shows, for the issuer,
at the report's valuation date and the target version it froze — plain data for the PDF
template reports/mission.html, and its table as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

from velferdslab.assumptions.models import AssumptionSet
from velferdslab.errors import NotFound
from velferdslab.extensions import db
from velferdslab.missions import services
from velferdslab.missions.models import Mission
from velferdslab.missions.presentation import page_context, value_text
from velferdslab.users.models import User


def mission_content(
    user: User, params: dict[str, Any], as_of: dt.date, assumption_set: AssumptionSet
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    mission = db.session.get(Mission, params["mission_id"])
    if mission is None:
        raise NotFound()
    progress = services.progress_for(db.session, user, mission, as_of)
    context = page_context(mission, progress)
    ind = progress["indicator"]
    decisions = [
        {"on": d.decided_on, "decision": context["decision_labels"][d.decision.value],
         "note": d.note, "target_version": d.target_version}
        for d in mission.decisions
    ]  # fmt: skip
    versions = [
        {"version": t.version, "baseline": value_text(t.baseline_value, ind),
         "on": t.baseline_on, "target": value_text(t.target_value, ind), "by": t.target_by}
        for t in mission.targets
    ]  # fmt: skip
    content = {
        "mission": {"id": mission.id, "name": mission.name},
        "progress": progress,
        "decisions": decisions,
        "versions": versions,
        "assumption_set": {"id": assumption_set.id, "name": assumption_set.name,
                           "version": assumption_set.version},
        "evidence_grade": 1,
        **context,  # the page's words and helpers: the same sentences in the PDF
    }  # fmt: skip
    rows = [
        {"municipality": line["municipality"],
         "value": line["now"]["value"] if line["now"] else None,
         "value_range": line["now"]["value_range"] if line["now"] else None,
         "forecast": line["forecast"]["value"]}
        for line in progress["by_municipality"]
    ]  # fmt: skip
    return content, {"municipalities.csv": rows}
