"""An integrator's journey written only with the client generated from /api/v1/openapi.json.

Type-checked with `mypy --strict` and run against a live server by test_generated_client.py:
no cast, no hand-written header, no dict where the document promises a model.
Usage: python journey.py BASE_URL LEAD LEADER PASSWORD FAMILY_ID
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time

from client import AuthenticatedClient, Client
from client.api.assessments import create_assessment, list_assessments
from client.api.auth import create_token
from client.api.families import get_family, list_families, update_family
from client.api.gains import get_gains, get_portfolio
from client.api.reports import create_report, download_report_pdf, get_report, verify_report
from client.models import (
    Assessment,
    AssessmentCreate,
    AssessmentCreateLevels,
    Credentials,
    Error,
    Family,
    FamilyUpdate,
    Gains,
    Level,
    Portfolio,
    Report,
    ReportCreate,
    ReportKind,
    ReportRequestKind,
    ReportStatus,
    Token,
    Verification,
)
from client.types import File


def sign_in(base_url: str, username: str, password: str) -> AuthenticatedClient:
    answer = create_token.sync(
        client=Client(base_url=base_url), body=Credentials(username=username, password=password)
    )
    assert isinstance(answer, Token), answer
    return AuthenticatedClient(base_url=base_url, token=answer.access_token)


def lead_journey(lead: AuthenticatedClient, family_id: int) -> None:
    families = list_families.sync(client=lead)
    assert isinstance(families, list) and any(f.id == family_id for f in families)
    family = get_family.sync(family_id, client=lead)
    assert isinstance(family, Family) and family.id == family_id

    before = list_assessments.sync(family_id, client=lead)
    assert isinstance(before, list)
    levels = AssessmentCreateLevels(housing=Level.STABLE, work=Level.EXPOSED, school=None)
    new = create_assessment.sync(
        family_id, client=lead, body=AssessmentCreate(assessed_on=dt.date.today(), levels=levels)
    )
    assert isinstance(new, Assessment), new
    after = list_assessments.sync(family_id, client=lead)
    assert isinstance(after, list) and len(after) == len(before) + 1

    gains = get_gains.sync(family_id, client=lead)
    assert isinstance(gains, Gains) and gains.family_id == family_id
    assert gains.current.housing == Level.STABLE
    print("gains", gains.by_payer.municipal.total, gains.fiscal_bcr)

    # A stale If-Match is refused, and nothing is saved.
    read = get_family.sync_detailed(family_id, client=lead)
    assert isinstance(read.parsed, Family)
    etag = read.headers["ETag"]
    changed = update_family.sync(
        family_id, client=lead, if_match=etag, body=FamilyUpdate(enrolled_on=dt.date.today())
    )
    assert isinstance(changed, Family) and changed.enrolled_on == dt.date.today()
    stale = update_family.sync_detailed(
        family_id, client=lead, if_match=etag, body=FamilyUpdate(enrolled_on=None)
    )
    assert stale.status_code == 412 and isinstance(stale.parsed, Error)
    print("stale If-Match", stale.status_code)

    report = create_report.sync(
        client=lead, body=ReportCreate(kind=ReportRequestKind.FAMILY, family_id=family_id)
    )
    assert isinstance(report, Report), report
    deadline = time.monotonic() + 60
    while report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING):
        assert time.monotonic() < deadline, "the report was not made in time"
        time.sleep(0.5)
        polled = get_report.sync(report.id, client=lead)
        assert isinstance(polled, Report)
        report = polled
    assert report.status == ReportStatus.READY, report.error
    pdf = download_report_pdf.sync(report.id, client=lead)
    assert isinstance(pdf, File)
    content = pdf.payload.read()
    assert content.startswith(b"%PDF")
    verified = verify_report.sync(
        client=lead,
        body=File(payload=io.BytesIO(content), file_name="r.pdf", mime_type="application/pdf"),
    )
    assert isinstance(verified, Verification) and verified.valid
    assert verified.report_id == report.id and verified.kind == ReportKind.FAMILY
    print("report", report.id, "verified")


def leader_journey(leader: AuthenticatedClient) -> None:
    portfolio = get_portfolio.sync(client=leader)
    assert isinstance(portfolio, Portfolio), portfolio
    assert portfolio.suppression.applied
    print("portfolio families", portfolio.family_count.value, portfolio.family_count.suppressed)


def main() -> None:
    base_url, lead_name, leader_name, password, family_id = sys.argv[1:6]
    lead_journey(sign_in(base_url, lead_name, password), int(family_id))
    leader_journey(sign_in(base_url, leader_name, password))
    print("journey done")


if __name__ == "__main__":
    main()
