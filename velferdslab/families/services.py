"""Families: enrolment with a generated reference, lifecycle steps, consent windows, the team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from velferdslab.archive import hooks as archive
from velferdslab.audit.log import record
from velferdslab.bulk import active as collecting
from velferdslab.bulk import add_objects
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, Text, ValidationFailed
from velferdslab.families.models import Consent, ConsentAgency, Family, TeamMembership
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.models import User
from velferdslab.vocabulary import FamilyStatus, Protection, Role, TeamRole

REFERENCE_ATTEMPTS = 5


def next_reference_number(session: AnySession, municipality_id: int, year: int) -> int:
    current = session.scalar(
        select(func.max(Family.reference_number)).where(
            Family.municipality_id == municipality_id, Family.reference_year == year
        )
    )
    return int(current or 0) + 1


def create_family(
    session: AnySession,
    *,
    municipality_id: int,
    referred_on: dt.date,
    investment_lead_id: int | None,
    protection: str = Protection.NONE,
    today: dt.date | None = None,
    number: int | None = None,
    prepare: Callable[[Family], None] | None = None,
) -> Family:
    """A newly referred family, numbered PREFIX-YEAR-NNNN within its municipality and year.

    An import (many families in one transaction, each in a savepoint of its own) names the
    `number` it expects to be free, the next after its last: a number taken meanwhile reaches
    it as the IntegrityError of its savepoint. It may `prepare` the family before it is written
    (its reference and lifecycle steps, in one INSERT). While an import collects its rows
    (velferdslab.bulk) the family is collected too, and a collision fails the import's COPY."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise ValidationFailed(
            Text("Unknown municipality."), {"municipality_id": [Text("No such municipality.")]}
        )
    if referred_on > (today or dt.date.today()):
        raise ValidationFailed(
            Text("The referral date is in the future."),
            {"referred_on": [Text("Cannot be in the future.")]},
        )
    check_lead(session, investment_lead_id, municipality_id)
    for _attempt in range(REFERENCE_ATTEMPTS):
        numbered = number or next_reference_number(session, municipality_id, referred_on.year)
        family = Family(
            municipality_id=municipality_id,
            reference=f"{municipality.reference_prefix}-{referred_on.year}-{numbered:04d}",
            reference_year=referred_on.year,
            reference_number=numbered,
            status=FamilyStatus.REFERRED,
            referred_on=referred_on,
            investment_lead_id=investment_lead_id,
            protection=Protection(protection),
        )
        if prepare is not None:
            prepare(family)
        if number is not None or collecting(session):
            # The caller's savepoint takes a collision (or, with the rows collected for an
            # import's COPY, velferdslab.bulk, the COPY's).
            add_objects(session, [family], keep=True)
        else:
            try:
                # A concurrent enrolment may take the same number: retry with the next one.
                with session.begin_nested():
                    session.add(family)
            except IntegrityError:
                continue
        record(session, "create", "family", family.id, family_id=family.id)
        return family
    raise Conflict(Text("Could not number the family: try again."))


def check_lead(session: AnySession, lead_id: int | None, municipality_id: int) -> None:
    if lead_id is None:
        return
    lead = session.get(User, lead_id)
    if (
        lead is None
        or not lead.active
        or not lead.has_role(Role.INVESTMENT_LEAD)
        or lead.municipality_id not in (None, municipality_id)
    ):
        raise ValidationFailed(
            Text("The investment lead must be an active investment lead of the municipality."),
            {"investment_lead_id": [Text("Not an active investment lead of this municipality.")]},
        )


def update_family(session: AnySession, family: Family, data: Mapping[str, Any]) -> None:
    """Change the lead, the protection or the status (with its dates), as the API and the
    set-up page ask."""
    if "investment_lead_id" in data:
        check_lead(session, data["investment_lead_id"], family.municipality_id)
        family.investment_lead_id = data["investment_lead_id"]
    if "protection" in data:
        family.protection = data["protection"]
    if {"status", "enrolled_on", "concluded_on"} & data.keys():
        change_status(
            family,
            data.get("status", family.status.value),
            enrolled_on=data.get("enrolled_on"),
            concluded_on=data.get("concluded_on"),
        )
    session.flush()
    archive.family_changed(session, family)
    record(session, "update", "family", family.id, family_id=family.id,
           details={"fields": sorted(data)})  # fmt: skip


def change_status(
    family: Family,
    status: str,
    *,
    enrolled_on: dt.date | None = None,
    concluded_on: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    from velferdslab.families.lifecycle import LifecycleError, check_transition

    enrolled = enrolled_on or family.enrolled_on
    concluded = concluded_on or family.concluded_on
    try:
        check_transition(
            family.status.value,
            status,
            family.referred_on,
            enrolled,
            concluded,
            today=today or dt.date.today(),
        )
    except LifecycleError as error:
        raise ValidationFailed(Text("The status cannot change so."), error.errors) from error
    family.status = FamilyStatus(status)
    family.enrolled_on = enrolled
    family.concluded_on = concluded


def record_consent(
    session: AnySession,
    family: Family,
    *,
    given_on: dt.date,
    agency_ids: list[int],
    expires_on: dt.date | None = None,
    withdrawn_on: dt.date | None = None,
    scope: str = "",
    recorded_by: int | None = None,
) -> Consent:
    _check_agencies(session, agency_ids, family.municipality_id)
    check_consent_dates(given_on, expires_on, withdrawn_on)
    consent = Consent(
        family_id=family.id,
        given_on=given_on,
        expires_on=expires_on,
        withdrawn_on=withdrawn_on,
        scope=scope,
        recorded_by=recorded_by,
        agency_rows=[ConsentAgency(agency_id=a) for a in sorted(set(agency_ids))],
    )
    session.add(consent)
    session.flush()
    record(session, "create", "consent", consent.id, family_id=family.id)
    archive.consent_changed(session, consent)
    return consent


def check_consent_dates(
    given_on: dt.date, expires_on: dt.date | None, withdrawn_on: dt.date | None
) -> None:
    errors: dict[str, list[str]] = {}
    if expires_on is not None and expires_on < given_on:
        errors["expires_on"] = [Text("Cannot be before the date the consent was given.")]
    if withdrawn_on is not None and withdrawn_on < given_on:
        errors["withdrawn_on"] = [Text("Cannot be before the date the consent was given.")]
    if errors:
        raise ValidationFailed(Text("The consent's dates are out of order."), errors)


def check_agencies_of(
    session: AnySession,
    agency_ids: Iterable[int],
    municipality_id: int,
    field: str,
    headline: Text,
    known: Collection[int] = (),
) -> None:
    """Every agency named is one of the family's municipality; else a 422 on `field`. `known`:
    agencies the caller has read as the municipality's in this transaction (an import)."""
    wanted = set(agency_ids) - set(known)
    if not wanted:
        return
    here = Agency.municipality_id == municipality_id
    found = set(session.scalars(select(Agency.id).where(Agency.id.in_(wanted), here)))
    missing = sorted(wanted - found)
    if missing:
        raise ValidationFailed(
            headline,
            {
                field: [
                    Text("No agency %(agency)s in the family's municipality.", agency=a)
                    for a in missing
                ]
            },
        )


def _check_agencies(
    session: AnySession, agency_ids: list[int], municipality_id: int, known: Collection[int] = ()
) -> None:
    if not agency_ids:
        raise ValidationFailed(
            Text("Name at least one agency."), {"agency_ids": [Text("Name at least one.")]}
        )
    check_agencies_of(
        session, agency_ids, municipality_id, "agency_ids", Text("Unknown agency."), known
    )


def add_team_member(
    session: AnySession,
    family: Family,
    *,
    user_id: int,
    agency_id: int,
    team_role: str,
    mandate_nok: Decimal,
    joined_on: dt.date,
    left_on: dt.date | None = None,
    known_agencies: Collection[int] = (),
) -> TeamMembership:
    user = session.get(User, user_id)
    if (
        user is None
        or not user.active
        or user.municipality_id not in (None, family.municipality_id)
    ):
        raise ValidationFailed(
            Text("Unknown user."), {"user_id": [Text("No such active staff member.")]}
        )
    if user.agency_id != agency_id:
        # Access follows the membership's agency and the consent names agencies: a staff member
        # registered under another agency, or under none, would see what the family agreed to
        # share with that one.
        own = session.get(Agency, user.agency_id) if user.agency_id is not None else None
        raise ValidationFailed(
            Text("A staff member joins the team for their own agency."),
            {
                "agency_id": [
                    Text("The user has no agency: an admin sets it first.")
                    if own is None
                    else Text(
                        "%(name)s works for %(agency)s.", name=user.full_name, agency=own.name
                    )
                ]
            },
        )
    _check_agencies(session, [agency_id], family.municipality_id, known_agencies)
    if mandate_nok < 0:
        raise ValidationFailed(
            Text("Negative mandate."), {"mandate_nok": [Text("Cannot be negative.")]}
        )
    if left_on is not None and left_on < joined_on:
        raise ValidationFailed(
            Text("Dates out of order."), {"left_on": [Text("Cannot be before joined_on.")]}
        )
    membership = TeamMembership(
        family_id=family.id,
        user_id=user_id,
        agency_id=agency_id,
        team_role=TeamRole(team_role),
        mandate_nok=mandate_nok,
        joined_on=joined_on,
        left_on=left_on,
    )
    add_objects(session, [membership])  # flushed, or collected (velferdslab.bulk)
    record(session, "create", "team_membership", membership.id, family_id=family.id)
    archive.team_changed(session, membership, "joined")
    return membership


def change_membership(
    session: AnySession, membership: TeamMembership, data: Mapping[str, Any]
) -> None:
    """The role, the mandate or the leaving date of a team member."""
    for name, value in data.items():
        setattr(membership, name, value)
    if membership.left_on is not None and membership.left_on < membership.joined_on:
        raise ValidationFailed(
            Text("Dates out of order."), {"left_on": [Text("Cannot be before joined_on.")]}
        )
    session.flush()
    record(session, "update", "team_membership", membership.id, family_id=membership.family_id)
    archive.team_changed(session, membership, "changed")


def end_membership(session: AnySession, membership: TeamMembership, left_on: dt.date) -> None:
    """The member leaves the team on `left_on` (see leaving_day); the row stays."""
    membership.left_on = left_on
    session.flush()
    record(session, "delete", "team_membership", membership.id, family_id=membership.family_id)
    archive.team_changed(session, membership, "left")


def put_lead_on_team(
    session: AnySession, family: Family, known_agencies: Collection[int] = ()
) -> TeamMembership | None:
    """The enrolling lead joins the family's team for their own agency from the referral day,
    so the team list shows who leads it; a lead without an agency is left to the set-up."""
    lead = session.get(User, family.investment_lead_id) if family.investment_lead_id else None
    if lead is None or lead.agency_id is None:
        return None
    return add_team_member(
        session,
        family,
        user_id=lead.id,
        agency_id=lead.agency_id,
        team_role=TeamRole.LEAD,
        mandate_nok=Decimal("0"),
        joined_on=family.referred_on,
        known_agencies=known_agencies,
    )


def check_withdrawal(data: Mapping[str, Any], consent: Consent | None, today: dt.date) -> None:
    """A withdrawal takes effect the day it is recorded, and a withdrawal in force stays."""
    if data.get("withdrawn_on") is not None and data["withdrawn_on"] > today:
        raise ValidationFailed(
            Text("A withdrawal takes effect at once: date it today or earlier."),
            {"withdrawn_on": [Text("Cannot be in the future.")]},
        )
    if consent is None or consent.withdrawn_on is None or "withdrawn_on" not in data:
        return
    if consent.withdrawn_on <= today and data["withdrawn_on"] != consent.withdrawn_on:
        raise Conflict(
            Text("The consent is withdrawn; a withdrawal cannot be undone: record a new consent."),
            {"withdrawn_on": [Text("Withdrawn on %(date)s.", date=consent.withdrawn_on)]},
        )


def change_consent(
    session: AnySession, consent: Consent, data: Mapping[str, Any], today: dt.date
) -> None:
    """Withdraw, extend or re-scope a consent; a withdrawal takes effect at once and stays."""
    check_withdrawal(data, consent, today)
    for name, value in data.items():
        setattr(consent, name, value)
    check_consent_dates(consent.given_on, consent.expires_on, consent.withdrawn_on)
    session.flush()
    details = {"withdrawn": True} if data.get("withdrawn_on") is not None else None
    record(session, "update", "consent", consent.id, family_id=consent.family_id, details=details)
    archive.consent_changed(session, consent, data)


def leaving_day(membership: TeamMembership, today: dt.date) -> dt.date:
    """The leaving date that ends access at once: the team counts the leaving day as a day on
    the team, so the last day is yesterday (or the first day of a membership begun today)."""
    last_day = max(membership.joined_on, today - dt.timedelta(days=1))
    if membership.left_on is not None and membership.left_on <= last_day:
        raise Conflict(
            Text("The member has already left the team."),
            {"left_on": [Text("Left on %(date)s.", date=membership.left_on)]},
        )
    return last_day
