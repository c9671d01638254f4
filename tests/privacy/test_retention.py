"""Storage limitation (bar R8): the sweep anonymises families past their municipality's period,
respects legal holds, changes nothing when dry, keeps every figure and the audit chain."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab
from tests.privacy.fixtures import rich_family
from tests.reports.helpers import pdf_attachments
from tests.reports.test_family_report import download, issue
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import verify_chain
from velferdslab.budgets.models import Expenditure
from velferdslab.families.models import Consent, Family, Member
from velferdslab.privacy.models import RetentionSweep
from velferdslab.privacy.retention import due_date, place_hold, run_sweep, set_retention_years
from velferdslab.reports.models import IssuedReport
from velferdslab.vocabulary import FamilyStatus

TODAY = dt.date(2036, 3, 1)  # the test's clock
ELEVEN_YEARS_AGO = dt.date(2025, 2, 1)


def rows(db: scoped_session, model: Any, family: Family) -> list[Any]:
    query = select(model).where(model.family_id == family.id).order_by(model.id)
    return list(db.scalars(query))


def snapshot(db: scoped_session, family: Family) -> dict[str, object]:
    db.expire_all()
    return {
        "members": [(m.full_name, m.national_id, m.birth_date) for m in rows(db, Member, family)],
        "own": (family.own_goals, family.dreams),
        "notes": [n.text for n in rows(db, ProgressNote, family)],
        "rationales": [a.rationale for a in rows(db, Assessment, family)],
        "consents": [c.scope for c in rows(db, Consent, family)],
        "spending": [
            (e.description, e.decision_note, e.amount, e.spent_on, e.paying_agency_id)
            for e in rows(db, Expenditure, family)
        ],
        "levels": [
            (a.assessed_on, a.levels(), a.family_levels(), a.overall)
            for a in rows(db, Assessment, family)
        ],
    }


def portfolio(client: FlaskClient, headers: dict[str, str]) -> dict[str, object]:
    response = client.get("/api/v1/reports/portfolio?as_of=2026-11-01", headers=headers)
    assert response.status_code == 200
    figures: dict[str, object] = response.get_json()
    return figures


def test_the_sweep_anonymises_what_is_due_keeps_held_families_and_every_figure(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    due = rich_family(db, lab, tag="Due", ended_on=ELEVEN_YEARS_AGO)
    anonymous = {"parent_id": None, "child_id": None}
    held = rich_family(db, lab, tag="Held", ended_on=ELEVEN_YEARS_AGO, **anonymous)
    recent = rich_family(db, lab, tag="Recent", ended_on=dt.date(2030, 6, 1), **anonymous)
    active = rich_family(db, lab, tag="Active", parent_id=None, child_id=None)
    set_retention_years(db, lab.admin, lab.municipality.id, 10)
    place_hold(db, lab.lead, held.id, "Klagesak hos Statsforvalteren")
    headers = auth(db, lab.auditor)
    figures_before = portfolio(client, headers)
    report = issue(client, headers, kind="portfolio", as_of="2026-11-01")
    pdf_before = download(client, headers, report["id"])
    kept = {f.id: snapshot(db, f) for f in (held, recent, active)}
    due_before = snapshot(db, due)

    # the dry run lists the due family and the held one, and changes nothing
    dry = run_sweep(db, TODAY, app.config, dry_run=True)
    assert [d.reference for d in dry.anonymised] == [due.reference]
    assert [d.reference for d in dry.held] == [held.reference]
    assert snapshot(db, due) == due_before

    result = run_sweep(db, TODAY, app.config, dry_run=False)
    sweep_id = result.sweep.id
    assert [d.reference for d in result.anonymised] == [due.reference]
    after = snapshot(db, due)
    assert after["members"] == [
        ("[anonymisert]", None, dt.date(1999, 1, 1)),  # the birth year only
        ("[anonymisert]", None, dt.date(2032, 1, 1)),
    ]
    assert after["own"] == (None, None)
    assert after["notes"] == []
    assert after["rationales"] == [{}, {}]
    assert after["consents"] == [""]
    assert after["spending"] == [("", None, *due_before["spending"][0][2:])]  # type: ignore[index]
    assert after["levels"] == due_before["levels"]  # the team's and the family's own levels
    for family in (held, recent, active):
        assert snapshot(db, family) == kept[family.id]
    db.expire_all()
    assert db.get(Family, due.id).reference == due.reference  # type: ignore[union-attr]
    assert db.get(Family, due.id).status == FamilyStatus.CONCLUDED  # type: ignore[union-attr]

    # every portfolio figure to the cent, and the issued report untouched
    figures_after = portfolio(client, headers)
    assert json.dumps(figures_after, sort_keys=True) == json.dumps(figures_before, sort_keys=True)
    stored = db.get(IssuedReport, report["id"])
    assert stored is not None and stored.pdf == pdf_before
    assert json.loads(pdf_attachments(stored.pdf)["figures.json"]) == json.loads(
        pdf_attachments(pdf_before)["figures.json"]
    )
    # the chain verifies, and both runs are stored and audited with what they did
    db.commit()  # the caller commits: the sweeps' events are written with it
    assert verify_chain(db).intact
    runs = db.scalars(select(AuditEvent).where(AuditEvent.entity == "retention_sweep")).all()
    counts = [tuple(e.details[k] for k in ("dry_run", "due", "held", "anonymised")) for e in runs]
    assert counts == [(True, 1, 1, 0), (False, 1, 1, 1)]
    sweep = db.get(RetentionSweep, sweep_id)
    assert sweep is not None and sweep.summary["due"][0]["reference"] == due.reference
    assert sweep.summary["due"][0]["cleared"]["notes"] == 1
    # a second run finds nothing more
    assert run_sweep(db, TODAY, app.config, dry_run=False).anonymised == []


def test_the_cli_runs_dry_then_for_real(app: Flask, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    family.status, family.concluded_on = FamilyStatus.WITHDRAWN, ELEVEN_YEARS_AGO
    db.flush()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run", "--as-of", TODAY.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert f"{family.reference}" in dry.output and "would be anonymised" in dry.output
    assert "01.02.2025" in dry.output and "01.02.2035" in dry.output  # ended, due: 10 years
    db.expire_all()
    assert db.get(Member, family.members[0].id).full_name == "Kari Nordmann"  # type: ignore[union-attr]
    result = runner.invoke(args=["retention", "run", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 0 and "1 families anonymised" in result.output
    db.expire_all()
    assert db.get(Member, family.members[0].id).full_name == "[anonymisert]"  # type: ignore[union-attr]


def test_the_period_is_the_municipalitys_own(app: Flask, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    family.status, family.concluded_on = FamilyStatus.CONCLUDED, ELEVEN_YEARS_AGO
    db.flush()
    set_retention_years(db, lab.admin, lab.municipality.id, 12)
    assert run_sweep(db, TODAY, app.config, dry_run=True).due == []
    result = app.test_cli_runner().invoke(
        args=["retention", "set-period", "--municipality", lab.municipality.number, "--years", "0"]
    )
    assert result.exit_code == 2 and "1 to 100 years" in result.output
    assert due_date(dt.date(2024, 2, 29), 10) == dt.date(2034, 2, 28)


def test_after_the_sweep_no_package_no_stored_family_report_and_no_hold_reason(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    import pytest

    from velferdslab.errors import ValidationFailed
    from velferdslab.privacy.access_request import start_access_request
    from velferdslab.privacy.models import LegalHold
    from velferdslab.privacy.retention import release_hold

    lab = make_lab(db)
    family = rich_family(db, lab, tag="Gammel")
    report = issue(client, auth(db, lab.lead), kind="family", family_id=family.id)
    family.status, family.concluded_on = FamilyStatus.CONCLUDED, ELEVEN_YEARS_AGO
    place_hold(db, lab.lead, family.id, "Klage fra Solveig Gammelsen")
    release_hold(db, lab.lead, family.id)
    assert len(run_sweep(db, TODAY, app.config, dry_run=False).anonymised) == 1
    db.expire_all()
    stored = db.get(IssuedReport, report["id"])
    assert stored is not None and stored.pdf is None and stored.sha256  # the hash still verifies
    assert db.scalars(select(LegalHold)).one().reason == "[anonymisert]"
    member = db.scalars(select(Member).where(Member.family_id == family.id)).first()
    assert member is not None
    with app.app_context(), pytest.raises(ValidationFailed):
        start_access_request(db, lab.lead, family.id, member.id, dt.date.today())
