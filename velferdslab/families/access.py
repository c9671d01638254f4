"""Consent you can see: a team member who lost the family is told why (not a bare 404), and the
lead is told which members no consent covers. The decisions are policy's (lost_access) and the
consent rule's (consent_gaps); this module words them for the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from velferdslab import policy
from velferdslab.errors import Forbidden, NotFound, Text
from velferdslab.extensions import db
from velferdslab.families.consent_gaps import LostAccess, consent_gaps
from velferdslab.families.models import Family
from velferdslab.users.models import User

NO_LONGER = {
    LostAccess.WITHDRAWN: Text(
        "The family is no longer available to you: the consent has been withdrawn."
    ),
    LostAccess.EXPIRED: Text("The family is no longer available to you: the consent has expired."),
    LostAccess.NOT_COVERED: Text(
        "The family is no longer available to you: the consent does not cover your agency."
    ),
}
WHY = {
    LostAccess.WITHDRAWN: _l("the consent is withdrawn"),
    LostAccess.EXPIRED: _l("the consent has expired"),
    LostAccess.NOT_COVERED: _l("no consent covers the agency"),
}


def family_or_explained(user: User, family_id: int, permission: str) -> Family:
    """policy.family_or_404, except that a current team member whose agency lost its consent
    gets a 403 page saying so; anyone else still gets the 404 that reveals nothing."""
    try:
        return policy.family_or_404(db.session, user, family_id, permission)
    except NotFound:
        reason = policy.lost_access(db.session, user, family_id, dt.date.today())
        if reason is None:
            raise
        raise Forbidden(NO_LONGER[reason]) from None


def team_without_consent(family: Family, team: Sequence[Any], today: dt.date) -> list[Any]:
    """The current members (other than the lead) no valid consent covers: (name, agency, why),
    from the page's (membership, user, agency) rows."""
    current = [
        (membership, user, agency)
        for membership, user, agency in team
        if membership.user_id != family.investment_lead_id
        and membership.joined_on <= today
        and (membership.left_on is None or membership.left_on >= today)
    ]
    gaps = consent_gaps(db.session, family.id, sorted({row[2].id for row in current}), today)
    return [
        (user.full_name, agency.name, WHY[gaps[agency.id]])
        for _, user, agency in current
        if agency.id in gaps
    ]


def consent_missing_for(family: Family, agency_id: int, today: dt.date) -> Any | None:
    """Why a member added for this agency would not see the family, or None when they would."""
    gaps = consent_gaps(db.session, family.id, [agency_id], today)
    return WHY[gaps[agency_id]] if agency_id in gaps else None
