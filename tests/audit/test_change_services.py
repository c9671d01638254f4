"""Every change is audited by the service that makes it: each change service, called once in a
request and once outside one (a job, a CLI command), leaves exactly its one event at commit.

SERVICES lists them; a service that stops recording fails here, and a service module that
records from a function not listed fails `test_every_recording_service_is_listed`."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, Lab, make_family, make_lab, make_user, unique
from velferdslab.archive import services as archive
from velferdslab.archive.models import ArchiveKind, ArchiveRecord, ArchiveState
from velferdslab.assessments import services as assessments
from velferdslab.assessments.descriptions import set_description
from velferdslab.assumptions import services as assumptions
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.current import set_current_user
from velferdslab.benefits.params import load_toml
from velferdslab.budgets import services as budgets
from velferdslab.budgets.models import Expenditure
from velferdslab.db import AnySession
from velferdslab.families import services as families
from velferdslab.families.models import Consent, Family, Member, TeamMembership
from velferdslab.family_portal import services as portal
from velferdslab.municipalities import services as municipalities
from velferdslab.people import services as people
from velferdslab.plans import services as plans
from velferdslab.users import services as users
from velferdslab.vocabulary import DOMAINS, Role

TODAY = dt.date.today()
SOURCE = Path(families.__file__).resolve().parents[1]


@dataclass
class World:
    session: AnySession
    lab: Lab
    family: Family

    def membership(self) -> TeamMembership:
        return self.session.scalars(
            select(TeamMembership).where(
                TeamMembership.family_id == self.family.id,
                TeamMembership.user_id == self.lab.member.id,
            )
        ).one()

    def consent(self) -> Consent:
        return self.session.scalars(
            select(Consent).where(Consent.family_id == self.family.id)
        ).first()  # type: ignore[return-value]

    def member(self) -> Member:
        return self.session.scalars(select(Member).where(Member.family_id == self.family.id)).one()


# What a change does and the event it must leave: (action, entity, the record's id).
Change = Callable[[World], tuple[str, str, int | None]]


def _family(w: World) -> tuple[str, str, int | None]:
    family = families.create_family(
        w.session, municipality_id=w.lab.municipality.id, referred_on=TODAY,
        investment_lead_id=w.lab.lead.id,
    )  # fmt: skip
    return "create", "family", family.id


def _update_family(w: World) -> tuple[str, str, int | None]:
    families.update_family(w.session, w.family, {"investment_lead_id": w.lab.lead.id})
    return "update", "family", w.family.id


def _team_member(w: World) -> tuple[str, str, int | None]:
    newcomer = make_user(
        w.session, Role.TEAM_MEMBER, municipality=w.lab.municipality, agency=w.lab.nav
    )
    membership = families.add_team_member(
        w.session, w.family, user_id=newcomer.id, agency_id=w.lab.nav.id, team_role="member",
        mandate_nok=Decimal("0"), joined_on=TODAY,
    )  # fmt: skip
    return "create", "team_membership", membership.id


def _change_membership(w: World) -> tuple[str, str, int | None]:
    membership = w.membership()
    families.change_membership(w.session, membership, {"mandate_nok": Decimal("5")})
    return "update", "team_membership", membership.id


def _end_membership(w: World) -> tuple[str, str, int | None]:
    membership = w.membership()
    families.end_membership(w.session, membership, families.leaving_day(membership, TODAY))
    return "delete", "team_membership", membership.id


def _consent(w: World) -> tuple[str, str, int | None]:
    consent = families.record_consent(
        w.session, w.family, given_on=TODAY, agency_ids=[w.lab.nav.id]
    )
    return "create", "consent", consent.id


def _change_consent(w: World) -> tuple[str, str, int | None]:
    consent = w.consent()
    families.change_consent(w.session, consent, {"withdrawn_on": TODAY}, TODAY)
    return "update", "consent", consent.id


def _member(w: World) -> tuple[str, str, int | None]:
    member = people.add_member(w.session, w.family, {"full_name": "Ola", "relation": "child"})
    return "create", "member", member.id


def _members(w: World) -> tuple[str, str, int | None]:
    # An import's members, added at once: an event each, as add_member's.
    added = people.add_members(w.session, w.family, [{"full_name": "Ola", "relation": "child"}])
    return "create", "member", added[-1].id


def _change_member(w: World) -> tuple[str, str, int | None]:
    member = w.member()
    people.change_member(w.session, member, {"full_name": "Kari Nordmann Berg"})
    return "update", "member", member.id


def _remove_member(w: World) -> tuple[str, str, int | None]:
    member = w.member()
    member_id = member.id
    people.remove_member(w.session, member)
    return "delete", "member", member_id


def _new_budget(w: World) -> tuple[str, str, int | None]:
    budget = budgets.set_budget(w.session, w.family, year=TODAY.year + 1, amount=Decimal("10"))
    return "create", "budget", budget.id


def _change_budget(w: World) -> tuple[str, str, int | None]:
    budget = budgets.set_budget(
        w.session, w.family, year=TODAY.year, amount=Decimal("200000"),
        contributions=[{"agency_id": w.lab.nav.id, "amount": Decimal("200000")}],
    )  # fmt: skip
    return "update", "budget", budget.id


def _spend(w: World, by_member: bool = False) -> Expenditure:
    return budgets.request_expenditure(
        w.session, w.family, w.lab.member if by_member else w.lab.lead, spent_on=TODAY,
        amount=Decimal("20000"), description="Fritidsutstyr", paying_agency_id=w.lab.nav.id,
    )  # fmt: skip


def _expenditure(w: World) -> tuple[str, str, int | None]:
    return "create", "expenditure", _spend(w).id


def _decide(approve: bool) -> Change:
    def decide(w: World) -> tuple[str, str, int | None]:
        expenditure = _spend(w, by_member=True)  # above the member's mandate: pending
        budgets.decide_expenditure(w.session, w.family, expenditure, w.lab.lead, approve=approve)
        return "approve" if approve else "reject", "expenditure", expenditure.id

    return decide


def _goal(w: World) -> tuple[str, str, int | None]:
    goal = plans.add_goal(
        w.session, w.family, w.lab.lead.id,
        {"domain": DOMAINS[0], "target_level": 3, "target_date": TODAY, "description": "Bolig"},
    )  # fmt: skip
    return "create", "goal", goal.id


def _goals(w: World) -> tuple[str, str, int | None]:
    # An import's goals, added at once: an event each, as add_goal's.
    added = plans.add_goals(
        w.session, w.family, w.lab.lead.id, [{"domain": DOMAINS[0], "target_level": 3}]
    )
    return "create", "goal", added[-1].id


def _change_goal(w: World) -> tuple[str, str, int | None]:
    goal = plans.add_goal(w.session, w.family, w.lab.lead.id, {"domain": DOMAINS[0],
                          "target_level": 3})  # fmt: skip
    plans.change(w.session, goal, {"description": "Egen bolig"}, closed=True)
    return "update", "goal", goal.id


def _measure(w: World) -> tuple[str, str, int | None]:
    measure = plans.add_measure(w.session, w.family, {"description": "Leksehjelp"}, TODAY)
    return "create", "measure", measure.id


def _change_measure(w: World) -> tuple[str, str, int | None]:
    measure = plans.add_measure(w.session, w.family, {"description": "Leksehjelp"}, TODAY)
    plans.change(w.session, measure, {"description": "Leksehjelp to dager"})
    return "update", "measure", measure.id


def _own_words(w: World) -> tuple[str, str, int | None]:
    plans.set_own_words(w.session, w.family, "Et trygt hjem", "Å reise")
    return "update", "family", w.family.id


def _assess(w: World) -> assessments.Assessment:
    return assessments.record_assessment(
        w.session, w.family, w.lab.lead, assessed_on=TODAY, levels={DOMAINS[0]: 2}
    )


def _assessment(w: World) -> tuple[str, str, int | None]:
    return "create", "assessment", _assess(w).id


def _change_assessment(w: World) -> tuple[str, str, int | None]:
    assessment = _assess(w)
    assessments.update_assessment(
        w.session, assessment, {"rationale": {DOMAINS[0]: "Ny"}}, "lowest"
    )
    return "update", "assessment", assessment.id


def _note(w: World) -> tuple[str, str, int | None]:
    note = assessments.write_note(
        w.session, w.family, w.lab.lead, text="Møte", domain=None, written_on=TODAY
    )
    return "create", "progress_note", note.id


def _level_text(w: World) -> tuple[str, str, int | None]:
    set_description(w.session, DOMAINS[0], "stable", "nb", "Stabil bolig", w.lab.admin.id)
    return "update", "level_description", None


def _assumption_set(w: World) -> tuple[str, str, int | None]:
    row = assumptions.create_set(w.session, load_toml(assumptions.DEFAULT_FILE), w.lab.admin.id)
    return "create", "assumption_set", row.id


def _describe_set(w: World) -> tuple[str, str, int | None]:
    row = assumptions.store_params(w.session, load_toml(assumptions.DEFAULT_FILE), None)
    assumptions.change_description(w.session, row, "Revidert")
    return "update", "assumption_set", row.id


def _municipality(w: World) -> tuple[str, str, int | None]:
    data = {"name": unique("Nykommune "), "number": f"8{len(unique('')) % 10}{TODAY:%m}"}
    row = municipalities.create_municipality(w.session, data)
    return "create", "municipality", row.id


def _rename_municipality(w: World) -> tuple[str, str, int | None]:
    municipalities.update_municipality(w.session, w.lab.municipality, {"name": unique("Ny ")})
    return "update", "municipality", w.lab.municipality.id


def _agency(w: World) -> tuple[str, str, int | None]:
    data = {"name": unique("Skole "), "kind": "school", "government_level": "municipal"}
    return "create", "agency", municipalities.create_agency(w.session, w.lab.admin, data).id


def _rename_agency(w: World) -> tuple[str, str, int | None]:
    municipalities.update_agency(w.session, w.lab.nav, {"name": unique("NAV ")})
    return "update", "agency", w.lab.nav.id


def _user(w: World) -> tuple[str, str, int | None]:
    user = users.add_user(
        w.session, w.lab.admin,
        {"username": unique("ny"), "full_name": "Ny Bruker", "roles": ["auditor"],
         "password": "a-first-password-42", "active": True},
    )  # fmt: skip
    return "create", "user", user.id


def _update_user(w: World) -> tuple[str, str, int | None]:
    users.update_user(w.session, w.lab.admin, w.lab.member, {"full_name": "Nytt Navn"})
    return "update", "user", w.lab.member.id


def _own_password(w: World) -> tuple[str, str, int | None]:
    users.change_own_password(w.session, w.lab.member, PASSWORD, "a-new-password-of-mine-7")
    return "change_password", "user", w.lab.member.id


def _archive_settings(w: World) -> tuple[str, str, int | None]:
    row = archive.save_settings(w.session, w.lab.municipality.id, {"class_id": "F47"})
    return "update", "archive_settings", row.id


def _archive_retry(w: World) -> tuple[str, str, int | None]:
    row = ArchiveRecord(key=unique("key"), family_id=w.family.id, state=ArchiveState.FAILED,
                        municipality_id=w.family.municipality_id, kind=ArchiveKind.FOLDER,
                        occurred_on=TODAY, snapshot={})  # fmt: skip
    w.session.add(row)
    w.session.flush()
    archive.send_again(w.session, row)
    return "retry", "archive_record", row.id


def _family_reading(w: World) -> tuple[str, str, int | None]:
    reading = portal.record_reading(w.session, w.family, w.member(), "housing", 2, "Bra", TODAY)
    return "create", "family_reading", reading.id


def _family_comment(w: World) -> tuple[str, str, int | None]:
    goal = plans.add_goal(w.session, w.family, w.lab.lead.id, {"domain": "work", "target_level": 2})
    comment = portal.comment(w.session, w.family, w.member(), "goal", goal.id, "Hei")
    return "create", "family_comment", comment.id


def _answer_family(w: World) -> tuple[str, str, int | None]:
    measure = plans.add_measure(w.session, w.family, {"description": "Leksehjelp"}, TODAY)
    comment = portal.comment(w.session, w.family, w.member(), "measure", measure.id, "Når?")
    answer = portal.answer(w.session, w.family, w.lab.lead, comment.id, "På torsdag")
    return "create", "family_comment", answer.id


def _family_withdraws(w: World) -> tuple[str, str, int | None]:
    consent = portal.withdraw_consent(w.session, w.family, w.member(), w.consent().id, TODAY)
    return "withdraw", "consent", consent.id


def _family_flags(w: World) -> tuple[str, str, int | None]:
    from velferdslab.audit.services import PendingEvent, write_events

    write_events(w.session, [PendingEvent("read", "family", w.family.id, family_id=w.family.id)])
    event_id = w.session.scalar(select(func.max(AuditEvent.id)))
    assert event_id is not None
    portal.flag_entry(w.session, w.family, w.member(), event_id, "Hvem er dette?")
    return "flag", "audit_event", event_id


SERVICES: dict[str, Change] = {
    "families.create_family": _family,
    "families.update_family": _update_family,
    "families.add_team_member": _team_member,
    "families.change_membership": _change_membership,
    "families.end_membership": _end_membership,
    "families.record_consent": _consent,
    "families.change_consent": _change_consent,
    "people.add_member": _member,
    "people.add_members": _members,
    "people.change_member": _change_member,
    "people.remove_member": _remove_member,
    "budgets.set_budget (new year)": _new_budget,
    "budgets.set_budget": _change_budget,
    "budgets.request_expenditure": _expenditure,
    "budgets.decide_expenditure": _decide(approve=True),
    "budgets.decide_expenditure (reject)": _decide(approve=False),
    "plans.add_goal": _goal,
    "plans.add_goals": _goals,
    "plans.change": _change_goal,
    "plans.add_measure": _measure,
    "plans.change (measure)": _change_measure,
    "plans.set_own_words": _own_words,
    "assessments.record_assessment": _assessment,
    "assessments.update_assessment": _change_assessment,
    "assessments.write_note": _note,
    "descriptions.set_description": _level_text,
    "assumptions.create_set": _assumption_set,
    "assumptions.change_description": _describe_set,
    "municipalities.create_municipality": _municipality,
    "municipalities.update_municipality": _rename_municipality,
    "municipalities.create_agency": _agency,
    "municipalities.update_agency": _rename_agency,
    "users.add_user": _user,
    "users.update_user": _update_user,
    "users.change_own_password": _own_password,
    "archive.save_settings": _archive_settings,
    "archive.send_again": _archive_retry,
    "family_portal.record_reading": _family_reading,
    "family_portal.comment": _family_comment,
    "family_portal.answer": _answer_family,
    "family_portal.withdraw_consent": _family_withdraws,
    "family_portal.flag_entry": _family_flags,
}


def _last_id(db: scoped_session) -> int:  # type: ignore[type-arg]
    return int(db.scalar(select(func.max(AuditEvent.id))) or 0)


@pytest.mark.parametrize("in_request", [True, False], ids=["request", "job"])
@pytest.mark.parametrize("name", list(SERVICES))
def test_each_change_service_records_its_one_event_at_commit(
    app: Flask,
    db: scoped_session,  # type: ignore[type-arg]
    name: str,
    in_request: bool,
) -> None:
    context = (
        app.test_request_context("/", method="POST", environ_base={"REMOTE_ADDR": "10.1.2.3"})
        if in_request
        else app.app_context()
    )
    with context:
        lab = make_lab(db)
        world = World(db, lab, make_family(db, lab))
        if in_request:
            set_current_user(lab.lead)
        db.commit()
        before = _last_id(db)
        action, entity, entity_id = SERVICES[name](world)
        db.commit()
        found = db.execute(
            select(AuditEvent.user_id, AuditEvent.ip, AuditEvent.family_id).where(
                AuditEvent.id > before,
                AuditEvent.action == action,
                AuditEvent.entity == entity,
                AuditEvent.entity_id == entity_id
                if entity_id is not None
                else AuditEvent.entity_id.is_(None),
            )
        ).all()
    assert len(found) == 1, f"{name}: {len(found)} events {action} {entity} {entity_id}"
    [(user_id, ip, family_id)] = found
    assert (user_id, ip) == ((lab.lead.id, "10.1.2.3") if in_request else (None, None))
    if entity in ("family", "member", "consent", "team_membership", "budget", "expenditure",
                  "goal", "measure", "assessment", "progress_note"):  # fmt: skip
        assert family_id is not None


def _recording_functions() -> set[str]:
    """Every function of a service module that calls record(session, ...)."""
    found = set()
    modules = [*SOURCE.glob("*/services.py"), SOURCE / "assessments" / "descriptions.py"]
    for path in modules:
        if path.parent.name in ("privacy", "reports", "auth", "audit", "missions"):
            continue  # their own events (privacy, reports, sign-in, missions) are tested there
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(call, ast.Call) and getattr(call.func, "id", "") == "record"
                for call in ast.walk(node)
            ):
                prefix = "descriptions" if path.name == "descriptions.py" else path.parent.name
                found.add(f"{prefix}.{node.name}")
    return found


def test_every_recording_service_is_listed() -> None:
    listed = {name.split(" ")[0] for name in SERVICES}
    recording = _recording_functions()
    helpers = {"users.audit_grants"}  # called by add_user and update_user, listed above
    # An import records its run beside the events of the services it calls (a file to read, a
    # dry run rolled back): its events are counted in tests/imports/test_pipeline.py.
    tested_elsewhere = {"imports.run_import"}
    unlisted = recording - helpers - tested_elsewhere - listed
    assert not unlisted, sorted(unlisted)
    assert "families.create_family" in recording  # the scan works
