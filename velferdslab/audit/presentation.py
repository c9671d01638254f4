"""The audit log as people read it: actions and records in the page's language, families by
reference and people by name, never an internal code or id; and the log's filters (user,
family reference, action in the page's language, date range).

The codes stay English in the database and the API; every code an `audit(...)` call can write
has a label here (tests/audit/test_presentation.py reads the source to make sure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab.audit.models import AuditEvent
from velferdslab.db import AnySession
from velferdslab.families.models import Family
from velferdslab.formatting import OSLO
from velferdslab.users.models import User

ACTION_LABELS: dict[str, Any] = {
    "read": _l("read"),
    "decide": _l("decided"),
    "list": _l("listed"),
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("removed"),
    "approve": _l("approved"),
    "reject": _l("rejected"),
    "login": _l("signed in"),
    "login_failed": _l("failed sign-in"),
    "logout": _l("signed out"),
    "download": _l("downloaded"),
    "verify": _l("checked"),
    "issue": _l("ordered"),
    "render": _l("made"),
    "export": _l("exported"),
    "pdf": _l("made a PDF of"),
    "password_change": _l("changed the password of"),
    "password_reset": _l("set a new password for"),
    "change_password": _l("changed own password"),
    "set_one_time_password": _l("set a one-time password for"),
    "grant_family_access": _l("gave access to family data to"),
    "refused": _l("was refused"),
    "login_refused": _l("sign-in refused"),
    "sso_linked": _l("linked a sign-in account"),
    "sso_link_refused": _l("refused to link a sign-in account"),
    "sso_unlinked": _l("removed the link of a sign-in account"),
    "sso_mapping": _l("read the sign-in mapping"),
    "sso_roles_changed": _l("roles changed at sign-in"),
    "totp_enrolled": _l("set up a second factor"),
    "anonymise": _l("anonymised"),
    "release": _l("released"),
    "run": _l("ran"),
    # the archive's outbox (issue 27)
    "queue": _l("queued for the archive"),
    "send": _l("sent to the archive"),
    "receive": _l("received by the archive"),
    "receipt": _l("stored by the archive"),
    "fail": _l("refused by the archive"),
    "retry": _l("sent to the archive again"),
    "withdraw": _l("withdrew"),
    "flag": _l("asked the privacy contact about"),
}

ENTITY_LABELS: dict[str, Any] = {
    "family": _l("family"),
    "mission": _l("mission"),
    "mission_progress": _l("mission progress"),
    "member": _l("family member"),
    "consent": _l("consent"),
    "team_membership": _l("team membership"),
    "goal": _l("goal"),
    "measure": _l("measure"),
    "budget": _l("budget"),
    "expenditure": _l("expenditure"),
    "assessment": _l("assessment"),
    "progress_note": _l("note"),
    "access_log": _l("access log"),
    "audit_event": _l("audit log"),
    "user": _l("user"),
    "municipality": _l("municipality"),
    "agency": _l("agency"),
    "assumption_set": _l("assumption set"),
    "level_description": _l("level description"),
    "report": _l("report"),
    "trajectory": _l("journey"),
    "spending_limits": _l("spending limits"),
    "gains": _l("estimated gains"),
    "portfolio": _l("portfolio"),
    "session": _l("session"),
    "access_request": _l("access request"),
    "benefits_plan": _l("benefits realisation plan"),
    "confidential_note": _l("note given in confidence"),
    "gains_forecast": _l("planned against realised gains"),
    "legal_hold": _l("legal hold"),
    "member_protection": _l("protection of a family member"),
    "retention_policy": _l("retention period"),
    "retention_sweep": _l("retention sweep"),
    "sso_provider": _l("identity provider"),
    "import": _l("spreadsheet import"),
    "comparison_cohort": _l("comparison cohort"),
    "evidence": _l("evidence behind the figures"),
    "preregistration": _l("pre-registration"),
    "archive": _l("archive status"),
    "archive_record": _l("archived record"),
    "archive_settings": _l("archive settings"),
    "family_session": _l("the family's sign-in"),
    "family_reading": _l("the family's own reading"),
    "family_comment": _l("comment on the plan"),
    "family_data": _l("the family's data"),
    "import_rejected_rows": _l("refused rows of a spreadsheet import"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else str(_l("other action"))


def entity_label(code: str) -> str:
    label = ENTITY_LABELS.get(code)
    return str(label) if label is not None else str(_l("other record"))


def actions_matching(text: str) -> list[str]:
    """The action codes a filter means: a code as it is, or any whose label (in the page's
    language) has the words typed, in any form of the verb: "godkjenn" finds "godkjent"."""
    wanted = text.strip().lower()
    if not wanted:
        return []
    if wanted in ACTION_LABELS:
        return [wanted]
    words = wanted.split()
    return [
        code
        for code in ACTION_LABELS
        if all(_word_matches(word, action_label(code).lower().split()) for word in words)
    ]


def _word_matches(word: str, label_words: list[str]) -> bool:
    for candidate in label_words:
        if candidate.startswith(word):
            return True
        shared = next(
            (i for i, (a, b) in enumerate(zip(word, candidate, strict=False)) if a != b),
            min(len(word), len(candidate)),
        )
        if shared >= max(4, len(word) - 1):  # another ending of the same verb
            return True
    return False


@dataclass(frozen=True)
class LogFilters:
    user_id: int | None
    reference: str
    action: str
    start: dt.date | None
    end: dt.date | None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def read_filters(args: Mapping[str, str]) -> LogFilters:
    user = args.get("user", "")
    return LogFilters(
        user_id=int(user) if user.isdigit() and len(user) < 10 else None,
        reference=args.get("family", "").strip()[:20],
        action=args.get("action", "").strip()[:40],
        start=_day(args.get("from")),
        end=_day(args.get("to")),
    )


def _oslo_midnight(day: dt.date) -> dt.datetime:
    """The instant a day starts in Oslo, in UTC as the log stores it."""
    return dt.datetime.combine(day, dt.time(), OSLO).astimezone(dt.UTC)


def apply_filters(query: Any, filters: LogFilters) -> Any:
    """`query`: a Select over AuditEvent with whatever columns the page reads beside it."""
    if filters.user_id is not None:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.reference:
        families = select(Family.id).where(Family.reference == filters.reference.upper())
        query = query.where(AuditEvent.family_id.in_(families))
    if filters.action:
        query = query.where(AuditEvent.action.in_(actions_matching(filters.action)))
    if filters.start is not None:
        query = query.where(AuditEvent.at >= _oslo_midnight(filters.start))
    if filters.end is not None:
        query = query.where(AuditEvent.at < _oslo_midnight(filters.end + dt.timedelta(days=1)))
    return query


@dataclass(frozen=True)
class LogRow:
    at: dt.datetime
    who: str
    action: str
    record: str
    family: str
    ip: str


def present(session: AnySession, rows: Sequence[Any]) -> list[LogRow]:
    """Events as a reader sees them: the family by reference, a user record by the person's
    name, the action and record kind in the page's language, and no id at all."""
    events = [event for event, _ in rows]
    references = _references(session, {e.family_id for e in events if e.family_id})
    people = _names(session, {e.entity_id for e in events if e.entity == "user" and e.entity_id})
    shown = []
    for event, who in rows:
        family = references.get(event.family_id or 0, "")
        record = entity_label(event.entity)
        if event.entity == "family" and family:
            record = f"{record} {family}"
        elif event.entity == "user" and event.entity_id in people:
            record = f"{record} {people[event.entity_id]}"
        shown.append(
            LogRow(event.at, who or "–", action_label(event.action), record, family or "–",
                   event.ip or "–")
        )  # fmt: skip
    return shown


def _references(session: AnySession, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(select(Family.id, Family.reference).where(Family.id.in_(wanted)))
    return {family_id: reference for family_id, reference in rows}


def _names(session: AnySession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def action_choices() -> list[tuple[str, str]]:
    """The filter's choices, by label in the page's language."""
    return sorted(((code, action_label(code)) for code in ACTION_LABELS), key=lambda c: c[1])


def log_users(session: AnySession, municipality_id: int | None) -> list[tuple[int, str]]:
    """Whom the log can be filtered by: the users of the auditor's municipality (all for a
    national auditor), by name."""
    query = select(User.id, User.full_name).order_by(User.full_name)
    if municipality_id is not None:
        query = query.where(User.municipality_id == municipality_id)
    return [(user_id, name) for user_id, name in session.execute(query)]
