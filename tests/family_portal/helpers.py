"""A family member's browser steps through ID-porten (oidc-provider-mock), done with plain
HTTP, and the family the tests sign in to."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, make_family, make_lab
from tests.sso.helpers import Provider
from velferdslab.budgets.models import Expenditure
from velferdslab.families.models import Family, Member
from velferdslab.plans.models import Goal, Measure
from velferdslab.vocabulary import ExpenditureStatus, Relation

CLIENT_SECRET = "family-client-secret"
SUBSTANTIAL = "idporten-loa-substantial"
# valid-looking national ids (the policy matches digits; the age comes from the birth date)
PARENT_PID = "01058512345"
CHILD_PID = "02021554321"
TODAY = dt.date.today()


@dataclass
class Demo:
    lab: Lab
    family: Family
    parent: Member
    child: Member
    goal: Goal
    measure: Measure


def demo_family(db: scoped_session, parent_pid: str = PARENT_PID) -> Demo:
    """An active family with a consent, a parent of 41 and a child of 11, a goal on housing and
    a measure with money decided for it."""
    lab = make_lab(db)
    family = make_family(db, lab)
    family.own_goals = "Et trygt hjem der barna kan ha venner på besøk"
    family.dreams = "At mamma får seg jobb"
    parent = family.members[0]
    parent.national_id, parent.birth_date = parent_pid, dt.date(1985, 5, 1)
    child = Member(
        full_name="Ola Nordmann",
        relation=Relation.CHILD,
        national_id=CHILD_PID,
        birth_date=TODAY.replace(year=TODAY.year - 11),
    )
    family.members.append(child)
    goal = Goal(
        family_id=family.id,
        domain="housing",
        target_level=2,
        target_date=TODAY + dt.timedelta(days=200),
        description="Fast leilighet med egen kontrakt",
    )
    db.add(goal)
    db.flush()
    measure = Measure(
        family_id=family.id,
        goal_id=goal.id,
        description="Søke kommunal bolig",
        domain="housing",
        owner_user_id=lab.member.id,
        due_on=TODAY + dt.timedelta(days=30),
    )
    db.add(measure)
    db.flush()
    db.add(
        Expenditure(
            family_id=family.id,
            budget_id=_budget_id(family),
            spent_on=TODAY,
            amount=Decimal("12500"),
            description="Depositum",
            domain="housing",
            paying_agency_id=lab.nav.id,
            measure_id=measure.id,
            status=ExpenditureStatus.APPROVED,
            requested_by=lab.lead.id,
            decided_by=lab.lead.id,
        )
    )
    db.flush()
    return Demo(lab, family, parent, child, goal, measure)


def _budget_id(family: Family) -> int:
    from sqlalchemy import select

    from velferdslab.budgets.models import Budget
    from velferdslab.extensions import db

    return int(db.session.scalars(select(Budget.id).where(Budget.family_id == family.id)).one())


def person(provider: Provider, sub: str, pid: str | None, acr: str = SUBSTANTIAL) -> None:
    claims: dict[str, Any] = {"acr": acr, "name": f"{sub.title()} Nordmann"}
    if pid is not None:
        claims["pid"] = pid
    provider.set_user(sub, claims)


def start(client: FlaskClient) -> str:
    """Our sign-in link: the authorization request it sends the browser to."""
    answer = client.get("/min-side/logg-inn")
    assert answer.status_code == 302, answer.data
    return str(answer.location)


def sign_in(client: FlaskClient, provider: Provider, sub: str) -> tuple[Any, str]:
    """The browser's steps: our sign-in link, the provider's form, our callback. Returns the
    callback's answer and the callback's path (to replay it)."""
    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["acr_values"] == [SUBSTANTIAL]
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    parts = urlsplit(answer.headers["Location"])
    path = f"{parts.path}?{parts.query}"
    return client.get(path), path


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)
