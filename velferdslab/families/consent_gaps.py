"""Which agencies of a family's team no valid consent covers, and why: what the lead is told on
the family page and a member who lost access on the page that refuses them (policy.lost_access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import select

from velferdslab.db import AnySession
from velferdslab.families.models import Consent, ConsentAgency


class LostAccess(StrEnum):
    """Why a team member does not reach the family: no valid consent covers their agency."""

    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    NOT_COVERED = "not_covered"  # no consent names the agency (or none is in force yet)


def consent_gaps(
    session: AnySession, family_id: int, agency_ids: Sequence[int], today: dt.date
) -> dict[int, LostAccess]:
    """The agencies among `agency_ids` that no consent of the family covers today, with why —
    the same rule as the TEAM relation of velferdslab.policy (_consent_covers)."""
    rows = session.execute(
        select(ConsentAgency.agency_id, Consent.given_on, Consent.expires_on, Consent.withdrawn_on)
        .join(Consent, Consent.id == ConsentAgency.consent_id)
        .where(Consent.family_id == family_id, ConsentAgency.agency_id.in_(agency_ids))
    ).all()
    gaps: dict[int, LostAccess] = {}
    for agency in agency_ids:
        naming = [row for row in rows if row.agency_id == agency and row.given_on <= today]
        if any(
            (row.expires_on is None or row.expires_on >= today)
            and (row.withdrawn_on is None or row.withdrawn_on > today)
            for row in naming
        ):
            continue
        if any(row.withdrawn_on is not None and row.withdrawn_on <= today for row in naming):
            gaps[agency] = LostAccess.WITHDRAWN
        elif naming:
            gaps[agency] = LostAccess.EXPIRED
        else:
            gaps[agency] = LostAccess.NOT_COVERED
    return gaps
