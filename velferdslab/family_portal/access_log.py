""" "Who has looked": the family's access log in words, newest first — when, who (name, agency
and role as the access rules allow), what — with the family's own reads marked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab.audit.models import AuditEvent
from velferdslab.audit.presentation import action_label, entity_label
from velferdslab.db import AnySession
from velferdslab.family_portal.models import AccessFlag
from velferdslab.municipalities.models import Agency
from velferdslab.users.labels import ROLE_LABELS
from velferdslab.users.models import User

LIMIT = 300
# What the lead does to protect a member (a protected address, a child's confidence) would tell
# the member it protects them from that there is something to protect: not on this page.
PROTECTIVE = ("member_protection", "confidential_note")

# (action, record) → what happened, in plain words; the rest is said from the log's labels
PHRASES: dict[tuple[str, str], Any] = {
    ("read", "family"): _l("read the family page"),
    ("read", "assessment"): _l("read the assessments"),
    ("read", "access_log"): _l("read who has looked"),
    ("read", "spending_limits"): _l("looked at what is left of the budget"),
    ("read", "gains"): _l("read the figures for the council"),
    ("read", "trajectory"): _l("read the journey"),
    ("read", "consent"): _l("read the consents"),
    ("read", "family_data"): _l("looked at the data about you"),
    ("list", "family"): _l("saw the family in a list"),
    ("issue", "report"): _l("made a report"),
    ("render", "report"): _l("a report was made"),
    ("download", "report"): _l("downloaded a report"),
    ("export", "family_data"): _l("downloaded the data about you"),
    ("login", "family_session"): _l("signed in to the family pages"),
    ("logout", "family_session"): _l("signed out of the family pages"),
    ("create", "family_reading"): _l("wrote the family's own reading"),
    ("create", "family_comment"): _l("wrote a comment on the plan"),
    ("withdraw", "consent"): _l("withdrew a consent"),
    ("flag", "audit_event"): _l("asked the privacy contact about an entry"),
    ("refused", "family"): _l("tried to open the family and was refused"),
}


@dataclass(frozen=True)
class Entry:
    id: int
    at: dt.datetime
    who: str
    what: str
    by_family: bool
    flagged: bool


# the family's own reads, by page
PAGE_PHRASES: dict[str, Any] = {
    "plan": _l("read our plan"),
    "journey": _l("read our journey"),
    "reading": _l("read our own reading"),
    "consents": _l("read our consents"),
    "access_log": _l("read who has looked"),
    "data": _l("looked at our data"),
}


def _what(event: AuditEvent) -> str:
    page = (event.details or {}).get("page")
    if (
        event.action == "read"
        and (event.details or {}).get("family_portal")
        and page in PAGE_PHRASES
    ):
        return str(PAGE_PHRASES[page])
    phrase = PHRASES.get((event.action, event.entity))
    if phrase is not None:
        return str(phrase)
    return f"{action_label(event.action)} {entity_label(event.entity)}"


def entries(
    session: AnySession, family_id: int, hidden: set[int], members: dict[int, str]
) -> list[Entry]:
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.family_id == family_id, AuditEvent.entity.not_in(PROTECTIVE))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(LIMIT)
        )
    )
    user_ids = {e.user_id for e in events if e.user_id is not None}
    people: dict[int, str] = {}
    if user_ids:
        for user, agency in session.execute(
            select(User, Agency)
            .outerjoin(Agency, Agency.id == User.agency_id)
            .where(User.id.in_(user_ids))
        ).all():
            people[user.id] = _staff(user, agency, hidden)
    flagged = set(
        session.scalars(select(AccessFlag.audit_event_id).where(AccessFlag.family_id == family_id))
    )
    shown = []
    for event in events:
        by_family = bool((event.details or {}).get("family_portal")) and event.user_id is None
        if by_family:
            member = members.get(int((event.details or {}).get("member") or 0))
            who = str(_l("You: %(name)s", name=member)) if member else str(_l("Your family"))
        elif event.user_id is not None:
            who = people.get(event.user_id, str(_l("A member of staff")))
        else:
            who = str(_l("The system"))
        shown.append(Entry(event.id, event.at, who, _what(event), by_family, event.id in flagged))
    return shown


def _staff(user: User, agency: Agency | None, hidden: set[int]) -> str:
    if user.agency_id is not None and user.agency_id in hidden:
        # naming them or their agency could tell where a member with a protected address lives
        return str(_l("A member of staff"))
    roles = ", ".join(str(ROLE_LABELS[r]) for r in sorted(user.roles) if r in ROLE_LABELS)
    parts = [user.full_name]
    if agency is not None:
        parts.append(agency.name)
    if roles:
        parts.append(roles)
    return ", ".join(parts)
