"""Display names for the access package and the privacy pages (translated; data stay codes)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from velferdslab.vocabulary import LEVELS
from velferdslab.web.labels import LEVEL_LABELS

RELATION_LABELS: dict[str, Any] = {
    "parent": _l("parent"),
    "child": _l("child"),
    "youth": _l("young person"),
    "other_adult": _l("other adult"),
}
TEAM_ROLE_LABELS: dict[str, Any] = {"lead": _l("investment lead"), "member": _l("team member")}
ACTION_LABELS: dict[str, Any] = {
    "read": _l("read"),
    "list": _l("listed"),
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "approve": _l("approved"),
    "reject": _l("rejected"),
    "issue": _l("issued"),
    "render": _l("made"),
    "download": _l("downloaded"),
    "verify": _l("verified"),
    "anonymise": _l("anonymised"),
    "release": _l("released"),
}
RECORD_LABELS: dict[str, Any] = {
    "family": _l("the family"),
    "member": _l("a member"),
    "consent": _l("a consent"),
    "team_membership": _l("the team"),
    "goal": _l("the plan's goals"),
    "measure": _l("the plan's measures"),
    "assessment": _l("an assessment"),
    "progress_note": _l("a note"),
    "budget": _l("the budget"),
    "expenditure": _l("spending"),
    "gains": _l("estimated gains"),
    "trajectory": _l("the trajectory"),
    "report": _l("a report"),
    "access_log": _l("the access log"),
    "access_request": _l("an access request"),
    "legal_hold": _l("a legal hold"),
    "member_protection": _l("a protected address"),
    "confidential_note": _l("a note's confidentiality"),
    "spending_limits": _l("spending limits"),
}
WITHHELD_LABELS: dict[str, Any] = {
    "protected_address": _l(
        "Information that would reveal where another member with a protected address "
        "(strictly confidential, kode 6) lives: agencies and the staff working there."
    ),
    "child_confidence": _l(
        "Notes of what a child under 15 told in confidence (the Child Welfare Act § 12-4, the "
        "Patients' and Users' Rights Act § 3-4)."
    ),
    "other_members": _l(
        "Other members' national identity numbers and birth dates: they are not your data."
    ),
}


def label_helpers() -> dict[str, Any]:
    def look(table: dict[str, Any]) -> Any:
        return lambda code: str(table.get(str(code), code)) if code is not None else "–"

    return {
        "relation_label": look(RELATION_LABELS),
        "team_role_label": look(TEAM_ROLE_LABELS),
        "action_label": look(ACTION_LABELS),
        "record_label": look(RECORD_LABELS),
        "withheld_label": look(WITHHELD_LABELS),
        "level_name": lambda code: str(LEVEL_LABELS[LEVELS.index(code)]) if code else "–",
    }
