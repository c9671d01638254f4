"""The changes the family makes on its own pages, each audited where it is made: its own
reading of an area (never the team's reading, never the gains), a comment on a goal or a
measure (and the team's answer), the withdrawal of a consent (the same service as a lead's),
and a flag on an entry of its access log for the municipality's privacy contact."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from velferdslab.audit.log import record
from velferdslab.audit.models import AuditEvent
from velferdslab.db import AnySession
from velferdslab.errors import NotFound, Text, ValidationFailed
from velferdslab.families.models import Consent, Family, Member
from velferdslab.families.services import change_consent
from velferdslab.family_portal.models import AccessFlag, FamilyComment, FamilyReading
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS

COMMENT_MAX = 1000
SENTENCE_MAX = 500
BY_FAMILY = {"family_portal": True}


def _by(member: Member) -> dict[str, object]:
    return {**BY_FAMILY, "member": member.id}


def record_reading(
    session: AnySession, family: Family, member: Member, domain: str, level: object,
    sentence: str, on: dt.date,
) -> FamilyReading:  # fmt: skip
    errors: dict[str, list[Text]] = {}
    if domain not in DOMAINS:
        errors["domain"] = [Text("Choose an area.")]
    if not isinstance(level, int) or not 0 <= level <= 3:
        errors["level"] = [Text("Choose how it is going.")]
    sentence = sentence.strip()
    if len(sentence) > SENTENCE_MAX:
        errors["sentence"] = [Text("At most %(count)s characters.", count=SENTENCE_MAX)]
    if errors:
        raise ValidationFailed(Text("Your reading was not saved."), errors)
    assert isinstance(level, int)
    row = FamilyReading(family_id=family.id, member_id=member.id, domain=domain, level=level,
                        sentence=sentence, read_on=on)  # fmt: skip
    session.add(row)
    session.flush()
    record(session, "create", "family_reading", row.id, family_id=family.id,
           details={**_by(member), "domain": domain})  # fmt: skip
    return row


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationFailed(Text("Write a message."), {"text": [Text("Write a message.")]})
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(
            Text("The message is too long."),
            {"text": [Text("At most %(count)s characters.", count=COMMENT_MAX)]},
        )
    return text


def comment(
    session: AnySession, family: Family, member: Member, kind: str, record_id: int, text: str
) -> FamilyComment:
    """The family's message on one of its goals or measures (another family's is a 404)."""
    found: Goal | Measure | None = None
    if kind == "goal":
        found = session.get(Goal, record_id)
    elif kind == "measure":
        found = session.get(Measure, record_id)
    if found is None or found.family_id != family.id:
        raise NotFound()
    row = FamilyComment(family_id=family.id, member_id=member.id, text=_text(text),
                        goal_id=record_id if kind == "goal" else None,
                        measure_id=record_id if kind == "measure" else None)  # fmt: skip
    session.add(row)
    session.flush()
    record(session, "create", "family_comment", row.id, family_id=family.id,
           details={**_by(member), "on": kind})  # fmt: skip
    return row


def answer(
    session: AnySession, family: Family, user: User, comment_id: int, text: str
) -> FamilyComment:
    """The team's answer to a family's comment (the view checked the user's relation)."""
    asked = session.get(FamilyComment, comment_id)
    if asked is None or asked.family_id != family.id or asked.answer_to is not None:
        raise NotFound()
    row = FamilyComment(family_id=family.id, user_id=user.id, answer_to=asked.id,
                        text=_text(text))  # fmt: skip
    session.add(row)
    session.flush()
    record(session, "create", "family_comment", row.id, family_id=family.id,
           details={"answer_to": asked.id})  # fmt: skip
    return row


def withdraw_consent(
    session: AnySession, family: Family, member: Member, consent_id: int, today: dt.date
) -> Consent:
    """The family withdraws a consent: the same change as a lead's withdrawal, in force at once
    (the team members it covered lose the family today); audited as the family's."""
    consent = session.get(Consent, consent_id)
    if consent is None or consent.family_id != family.id:
        raise NotFound()
    change_consent(session, consent, {"withdrawn_on": today}, today)
    record(session, "withdraw", "consent", consent.id, family_id=family.id, details=_by(member))
    return consent


def flag_entry(
    session: AnySession, family: Family, member: Member, event_id: int, reason: str
) -> AccessFlag:
    """Ask the municipality's privacy contact about an entry of the family's access log."""
    event = session.get(AuditEvent, event_id)
    if event is None or event.family_id != family.id:
        raise NotFound()
    reason = reason.strip()[:COMMENT_MAX]
    already = session.scalars(
        select(AccessFlag).where(AccessFlag.audit_event_id == event_id)
    ).first()
    if already is not None:
        return already
    row = AccessFlag(family_id=family.id, audit_event_id=event_id, member_id=member.id,
                     reason=reason)  # fmt: skip
    session.add(row)
    session.flush()
    record(session, "flag", "audit_event", event_id, family_id=family.id, details=_by(member))
    return row
