"""Archiving on, into a folder of the test's own; every test in one app context (the hooks
read the app's settings, and the test and the services then share one session)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import scoped_session

from tests.archive.fake_fiks_io import Broker, FakeFiksIo
from tests.archive.helpers import Archive
from tests.factories import Lab, make_lab
from velferdslab.budgets import services as budgets
from velferdslab.families import services as families
from velferdslab.families.models import Family, Member
from velferdslab.plans import services as plans
from velferdslab.vocabulary import Protection


@pytest.fixture(autouse=True)
def in_app(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def drop(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """VELFERDSLAB_ARCHIVE_TRANSPORT=folder, VELFERDSLAB_ARCHIVE_FOLDER=<this folder>."""
    folder = tmp_path / "drop"
    monkeypatch.setitem(app.config, "ARCHIVE_TRANSPORT", "folder")
    monkeypatch.setitem(app.config, "ARCHIVE_FOLDER", str(folder))
    return folder


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    """The RabbitMQ scripts/test.sh started (VELFERDSLAB_TEST_RABBITMQ_URL and _ADMIN), else
    one started here for the session by scripts/rabbitmq_throwaway.sh. Without rabbitmq-server
    (scripts/system-deps.sh test installs it) the tests that need it fail; they never skip."""
    url = os.environ.get("VELFERDSLAB_TEST_RABBITMQ_URL")
    admin = os.environ.get("VELFERDSLAB_TEST_RABBITMQ_ADMIN")
    if url and admin:
        yield Broker.from_urls(url, admin)
        return
    script = Path(__file__).resolve().parents[2] / "scripts" / "rabbitmq_throwaway.sh"
    command = (
        f"source {script} && rabbitmq_up >&2"
        ' && echo "$VELFERDSLAB_TEST_RABBITMQ_URL $VELFERDSLAB_TEST_RABBITMQ_ADMIN"'
        " && read -r _; rabbitmq_down >&2"
    )
    port = 17672 + (os.getpid() % 500) * 4  # xdist workers start theirs apart
    server = subprocess.Popen(
        ["bash", "-c", command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "RABBITMQ_PORT": str(port)},
        start_new_session=True,
    )
    assert server.stdout is not None and server.stdin is not None
    started = server.stdout.readline().split()
    assert len(started) == 2, "RabbitMQ did not start (scripts/system-deps.sh test installs it)"
    try:
        yield Broker.from_urls(*started)
    finally:
        server.stdin.close()  # rabbitmq_down
        server.wait(60)
        server.stdout.close()


@pytest.fixture
def fiks_io(
    app: Flask, broker: Broker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeFiksIo]:
    """VELFERDSLAB_ARCHIVE_TRANSPORT=fiks-io against a fake Fiks IO and its archive."""
    fake = FakeFiksIo(Archive(), tmp_path / "fiks-io", broker)
    for name, value in fake.settings().items():
        monkeypatch.setitem(app.config, name, value)
    yield fake
    fake.close()


def enrolled_family(
    db: scoped_session, lab: Lab, protection: str = Protection.NONE, name: str = "Kari Nordmann"
) -> Family:
    """Referred, with a parent and a child, then enrolled: the case folder is queued."""
    family = families.create_family(
        db,
        municipality_id=lab.municipality.id,
        referred_on=dt.date(2024, 1, 2),
        investment_lead_id=lab.lead.id,
        protection=protection,
    )
    db.add_all(
        [
            Member(
                family_id=family.id, full_name=name, relation="parent", national_id="15076500565"
            ),
            Member(family_id=family.id, full_name=f"{name} jr.", relation="child"),
        ]
    )
    db.flush()
    families.update_family(db, family, {"status": "active", "enrolled_on": dt.date(2024, 1, 16)})
    return family


def whole_journey(db: scoped_session, lab: Lab, family: Family) -> None:
    """Consent, plan, team, a decision above the member's mandate, withdrawal, conclusion."""
    consent = families.record_consent(
        db, family, given_on=dt.date(2024, 1, 16), agency_ids=[lab.nav.id, lab.housing.id]
    )
    goal = {"domain": "housing", "target_level": 2, "target_date": dt.date(2025, 6, 1)}
    plans.add_goal(db, family, lab.lead.id, goal)
    families.add_team_member(
        db,
        family,
        user_id=lab.member.id,
        agency_id=lab.nav.id,
        team_role="member",
        mandate_nok=Decimal("1000"),
        joined_on=dt.date(2024, 1, 16),
    )
    budgets.set_budget(db, family, year=2024, amount=Decimal("50000"))
    expenditure = budgets.request_expenditure(
        db,
        family,
        lab.member,
        spent_on=dt.date(2024, 3, 1),
        amount=Decimal("8000"),
        description="Depositum",
        paying_agency_id=lab.nav.id,
        today=dt.date(2024, 3, 1),
    )
    budgets.decide_expenditure(db, family, expenditure, lab.lead, approve=True)
    families.change_consent(db, consent, {"withdrawn_on": dt.date(2024, 9, 1)}, dt.date(2024, 9, 1))
    families.update_family(db, family, {"status": "concluded", "concluded_on": dt.date(2024, 9, 2)})


@pytest.fixture
def lab(db: scoped_session) -> Lab:
    return make_lab(db)
