"""An agency's team members see a family only while an active consent covers their agency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import scoped_session

from tests.factories import make_family, make_lab
from velferdslab import policy
from velferdslab.families.models import Consent, ConsentAgency

TODAY = dt.date.today()


def consent(db: scoped_session, family_id: int, agency_id: int, **dates: dt.date | None) -> Consent:
    given = dates.get("given_on") or TODAY - dt.timedelta(days=30)
    row = Consent(
        family_id=family_id,
        given_on=given,
        expires_on=dates.get("expires_on"),
        withdrawn_on=dates.get("withdrawn_on"),
        agency_rows=[ConsentAgency(agency_id=agency_id)],
    )
    db.add(row)
    db.flush()
    return row


def sees(db: scoped_session, lab, family) -> bool:  # type: ignore[no-untyped-def]
    return policy.can(db, lab.member, family.id, "members.read", TODAY)


def test_consent_opens_and_withdrawal_closes_at_once(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, consent=False)
    assert not sees(db, lab, family)
    row = consent(db, family.id, lab.nav.id)
    assert sees(db, lab, family)
    row.withdrawn_on = TODAY
    db.flush()
    assert not sees(db, lab, family)


def test_expired_future_or_other_agency_consent_does_not_count(db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, consent=False)
    consent(db, family.id, lab.nav.id, expires_on=TODAY - dt.timedelta(days=1))
    consent(db, family.id, lab.nav.id, given_on=TODAY + dt.timedelta(days=1))
    consent(db, family.id, lab.housing.id)  # covers the lead's agency, not the member's
    assert not sees(db, lab, family)
    consent(db, family.id, lab.nav.id, expires_on=TODAY)  # the last day still counts
    assert sees(db, lab, family)
