"""Storage limitation: retention periods, legal holds and the sweep that anonymises.

GDPR art. 5(1)(e) says personal data are kept no longer than the purpose needs; the
municipality's archive plan (arkivlova § 6, riksarkivarens forskrift chapter 7 on preservation
and disposal) says how long its case records are kept. A family's record here is the lab's
working copy: when the family's journey ended (concluded or withdrawn) more than the
municipality's retention period ago, the sweep removes what identifies its members or tells
their story, and keeps what the portfolio figures and the audit need.

Removed: members' names and national ids, birth dates (only the year is kept, stored as
1 January), progress notes, assessment rationales and override reasons, the family's own
goals and dreams, goal and measure descriptions, consent texts, expenditure descriptions and
decision notes, released legal holds' reasons, member protection records, and the stored
PDFs of the family's own reports and access packages (their registry entries and hashes stay,
so a copy still verifies).
Kept: the reference, status, dates, every level (the team's and the family's own), budgets,
contributions, expenditures' amounts, dates, domains, agencies and approvals, team memberships
and mandates, consents' dates and agencies. Audit events are not touched: they never carry
a member's name or national id (tests/privacy/test_retention.py proves it for every action).

A legal hold (a complaint, a court case, the supervisory authority's inspection) keeps a family
out of the sweep until released. Every run, dry or not, is stored with what it found and did,
and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from velferdslab import policy
from velferdslab.audit.log import record
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import NotFound, Text, ValidationFailed
from velferdslab.families.models import Family
from velferdslab.municipalities.models import Municipality
from velferdslab.privacy.anonymise import anonymise_family
from velferdslab.privacy.models import AnonymisedFamily, LegalHold, RetentionPolicy, RetentionSweep
from velferdslab.users.models import User
from velferdslab.vocabulary import FamilyStatus, Protection

# Used for a municipality whose admin has set no period (RETENTION_DEFAULT_YEARS overrides it).
# Not a figure from law: the archive plan sets the real period; this is a conservative default
# so that nothing is kept forever by omission.
DEFAULT_RETENTION_YEARS = 10
ENDED = (FamilyStatus.CONCLUDED, FamilyStatus.WITHDRAWN)


def default_years(config: Mapping[str, Any]) -> int:
    return int(config.get("RETENTION_DEFAULT_YEARS") or DEFAULT_RETENTION_YEARS)


def set_retention_years(
    session: AnySession, user: User | None, municipality_id: int, years: int
) -> RetentionPolicy:
    """An admin (of that municipality, or a regional one) sets the period; None: the CLI."""
    if not policy.may_set_retention(user, municipality_id):
        raise NotFound()
    if session.get(Municipality, municipality_id) is None:
        raise NotFound()
    if not 1 <= years <= 100:
        raise ValidationFailed(
            Text("The retention period must be 1 to 100 years."),
            {"years": [Text("Between 1 and 100.")]},
        )
    row = session.get(RetentionPolicy, municipality_id)
    old = None if row is None else row.years
    if row is None:
        row = RetentionPolicy(municipality_id=municipality_id, years=years)
        session.add(row)
    row.years, row.set_by, row.set_at = years, None if user is None else user.id, utcnow()
    session.flush()
    record(
        session,
        "update",
        "retention_policy",
        municipality_id,
        details={"years": years, "before": old},
        user_id=None if user is None else user.id,
    )
    return row


def due_date(ended_on: dt.date, years: int) -> dt.date:
    """The day the period ends: the same date `years` later (28 February for 29 February)."""
    try:
        return ended_on.replace(year=ended_on.year + years)
    except ValueError:
        return ended_on.replace(year=ended_on.year + years, day=28)


# --- legal holds ------------------------------------------------------------------------------


def active_hold(session: AnySession, family_id: int) -> LegalHold | None:
    return session.scalars(
        select(LegalHold).where(LegalHold.family_id == family_id, LegalHold.released_at.is_(None))
    ).first()


def place_hold(session: AnySession, user: User, family_id: int, reason: str) -> LegalHold:
    family = policy.hold_family_or_404(session, user, family_id)
    reason = reason.strip()
    if not 5 <= len(reason) <= 2000:
        raise ValidationFailed(
            Text("Give the reason for the legal hold."),
            {"reason": [Text("5 to 2000 characters.")]},
        )
    if active_hold(session, family.id) is not None:
        raise ValidationFailed(
            Text("The family is already on legal hold."),
            {"reason": [Text("Release the current hold first.")]},
        )
    if session.get(AnonymisedFamily, family.id) is not None:
        raise ValidationFailed(
            Text("The family is already anonymised."), {"reason": [Text("Nothing to hold.")]}
        )
    hold = LegalHold(family_id=family.id, reason=reason, placed_by=user.id, placed_at=utcnow())
    session.add(hold)
    session.flush()
    record(session, "create", "legal_hold", hold.id, family_id=family.id, user_id=user.id)
    return hold


def release_hold(session: AnySession, user: User, family_id: int) -> LegalHold:
    family = policy.hold_family_or_404(session, user, family_id)
    hold = active_hold(session, family.id)
    if hold is None:
        raise NotFound()
    hold.released_at, hold.released_by = utcnow(), user.id
    session.flush()
    record(session, "release", "legal_hold", hold.id, family_id=family.id, user_id=user.id)
    return hold


# --- the sweep --------------------------------------------------------------------------------


@dataclass
class Due:
    family_id: int
    reference: str
    municipality: str
    ended_on: dt.date
    due_on: dt.date
    held: bool
    # strictly confidential (kode 6): counted on the admin's page, never listed; anonymised
    # only when the family's lead confirms it (confirm_anonymisation), not by the sweep
    protected: bool = False
    cleared: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "family_id": self.family_id,
            "reference": self.reference,
            "municipality": self.municipality,
            "ended_on": self.ended_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "cleared": self.cleared,
        }


def due_families(
    session: AnySession,
    today: dt.date,
    config: Mapping[str, Any],
    municipality_id: int | None = None,
) -> list[Due]:
    """Ended families whose period has run out on `today` and that are not yet anonymised,
    those on legal hold included (marked held)."""
    rows = session.execute(select(RetentionPolicy.municipality_id, RetentionPolicy.years)).all()
    years = {int(m): int(y) for m, y in rows}
    held = set(session.scalars(select(LegalHold.family_id).where(LegalHold.released_at.is_(None))))
    query = (
        select(
            Family.id,
            Family.reference,
            Family.concluded_on,
            Municipality.id,
            Municipality.name,
            Family.protection == Protection.STRICTLY_CONFIDENTIAL,
        )
        .join(Municipality, Municipality.id == Family.municipality_id)
        .where(
            Family.status.in_(ENDED),
            Family.concluded_on.is_not(None),
            Family.id.not_in(select(AnonymisedFamily.family_id)),
        )
        .order_by(Municipality.name, Family.concluded_on, Family.id)
    )
    if municipality_id is not None:
        query = query.where(Family.municipality_id == municipality_id)
    found = []
    for family_id, reference, ended_on, m_id, m_name, protected in session.execute(query):
        assert ended_on is not None  # selected so
        due_on = due_date(ended_on, years.get(m_id, default_years(config)))
        if due_on <= today:
            found.append(
                Due(family_id, reference, m_name, ended_on, due_on, family_id in held, protected)
            )
    return found


@dataclass(frozen=True)
class SweepResult:
    sweep: RetentionSweep
    due: list[Due]

    @property
    def anonymised(self) -> list[Due]:
        return [d for d in self.due if not d.held and not d.protected]

    @property
    def held(self) -> list[Due]:
        return [d for d in self.due if d.held]

    @property
    def awaiting_lead(self) -> list[Due]:
        """Strictly confidential families past the period: their lead confirms."""
        return [d for d in self.due if d.protected and not d.held]


def run_sweep(
    session: AnySession,
    today: dt.date,
    config: Mapping[str, Any],
    *,
    dry_run: bool,
    user: User | None = None,
) -> SweepResult:
    """List what falls due on `today` and, unless dry, anonymise each due family not on hold
    (a strictly confidential one waits for its lead). Stored and audited; the caller commits."""
    if not policy.may_run_sweep(user):
        raise NotFound()
    scope = None if user is None else user.municipality_id
    result = SweepResult(
        _new_sweep(session, today, dry_run, user), due_families(session, today, config, scope)
    )
    _anonymise(session, result, dry_run)
    return result


def confirm_anonymisation(
    session: AnySession, user: User, family_id: int, today: dt.date, config: Mapping[str, Any]
) -> SweepResult:
    """The lead of a strictly confidential family past its period confirms its anonymisation:
    the sweep leaves such a family to them, since nobody else may see it as a record."""
    family = policy.family_or_404(session, user, family_id, "privacy.lead")
    due = [
        d
        for d in due_families(session, today, config, family.municipality_id)
        if d.family_id == family.id
    ]
    if not due or not due[0].protected or due[0].held:
        raise ValidationFailed(
            Text(
                "Only a strictly confidential family past its retention period, not on legal "
                "hold, is anonymised on its lead's confirmation."
            ),
            {"confirm": [Text("Nothing to confirm.")]},
        )
    due[0].protected = False  # confirmed: anonymised like any other
    result = SweepResult(_new_sweep(session, today, False, user), due)
    _anonymise(session, result, dry_run=False)
    return result


def _new_sweep(
    session: AnySession, today: dt.date, dry_run: bool, user: User | None
) -> RetentionSweep:
    sweep = RetentionSweep(as_of=today, dry_run=dry_run, run_by=None if user is None else user.id)
    session.add(sweep)
    session.flush()
    return sweep


def _anonymise(session: AnySession, result: SweepResult, dry_run: bool) -> None:
    sweep = result.sweep
    for item in [] if dry_run else result.anonymised:
        item.cleared = anonymise_family(session, item.family_id)
        session.add(AnonymisedFamily(family_id=item.family_id, sweep_id=sweep.id))
        record(
            session,
            "anonymise",
            "family",
            item.family_id,
            family_id=item.family_id,
            details={"sweep_id": sweep.id},
            user_id=sweep.run_by,
        )
    sweep.summary = {
        "due": [d.as_dict() for d in result.anonymised],
        "held": [d.as_dict() for d in result.held],
        "awaiting_lead": [d.as_dict() for d in result.awaiting_lead],
    }
    session.flush()
    record(
        session,
        "run",
        "retention_sweep",
        sweep.id,
        user_id=sweep.run_by,
        details={
            "as_of": sweep.as_of.isoformat(),
            "dry_run": dry_run,
            "due": len(result.anonymised),
            "held": len(result.held),
            "awaiting_lead": len(result.awaiting_lead),
            "anonymised": 0 if dry_run else len(result.anonymised),
        },
    )


def retention_job(app: Any, today: dt.date | None = None) -> int:
    """The scheduled sweep: a plain function of the app for any job runner (or a timer running
    `velferdslab retention run`). Returns the sweep's id."""
    from velferdslab.extensions import db

    with app.app_context():
        try:
            result = run_sweep(db.session, today or dt.date.today(), app.config, dry_run=False)
            db.session.commit()
            return result.sweep.id
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
