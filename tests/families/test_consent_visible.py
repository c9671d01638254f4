"""Consent you can see (issue 22.5): a member who lost the family is told why, a user who never
had access still learns nothing, the lead sees whom no consent covers, and adding such a member
asks first."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import make_agency, make_family, make_lab, make_user
from tests.web.test_login import csrf_from, login
from velferdslab.families.models import Consent, ConsentAgency, TeamMembership
from velferdslab.vocabulary import Role

YESTERDAY = dt.date.today() - dt.timedelta(days=1)
WITHDRAWN = "Familien er ikke lenger tilgjengelig for deg: samtykket er trukket tilbake."


def test_a_member_who_lost_the_consent_is_told_why_and_no_one_else(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    consent = db.scalars(select(Consent).where(Consent.family_id == family.id)).one()
    consent.withdrawn_on = YESTERDAY
    db.flush()
    login(client, lab.member.username)
    for path in ("", "/expenditures/new", "/assessments/new"):
        page = client.get(f"/families/{family.id}{path}")
        assert page.status_code == 403, path
        assert WITHDRAWN in page.get_data(as_text=True)
    assert family.reference not in client.get("/families").get_data(as_text=True)

    consent.withdrawn_on = None
    consent.expires_on = YESTERDAY
    db.flush()
    page = client.get(f"/families/{family.id}")
    assert page.status_code == 403
    assert "samtykket har utløpt" in page.get_data(as_text=True)

    # a member of another municipality, and a member who left the team, learn nothing
    outsider = make_lab(db)
    client.post("/logout", data={"csrf_token": ""})
    login(client, outsider.member.username)
    page = client.get(f"/families/{family.id}")
    assert page.status_code == 404 and "samtykket" not in page.get_data(as_text=True)
    membership = db.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == lab.member.id
        )
    ).one()
    membership.left_on = YESTERDAY
    db.flush()
    client.post("/logout", data={"csrf_token": ""})
    login(client, lab.member.username)
    page = client.get(f"/families/{family.id}")
    assert page.status_code == 404 and "samtykket" not in page.get_data(as_text=True)


def test_the_lead_sees_at_the_top_whom_no_consent_covers(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab, consent=False)
    db.add(
        Consent(
            family_id=family.id,
            given_on=family.referred_on,
            agency_rows=[ConsentAgency(agency_id=lab.housing.id)],  # not NAV, the member's
        )
    )
    db.flush()
    login(client, lab.lead.username)
    html = client.get(f"/families/{family.id}").get_data(as_text=True)
    banner = html[html.index('id="consent-gaps"') :][:800]
    assert html.index('id="consent-gaps"') < html.index('id="journey"')  # at the top
    assert "Ingen gyldig samtykke dekker hele teamet" in banner
    assert f"{lab.member.full_name} ({lab.nav.name}): ingen samtykke dekker virksomheten" in banner
    assert banner.count("<li>") == 1  # the lead, covered for housing, is not listed

    covered = make_family(db, lab)
    assert 'id="consent-gaps"' not in client.get(f"/families/{covered.id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": ""})
    login(client, lab.member.username)  # the member is not shown the lead's banner
    assert 'id="consent-gaps"' not in client.get(f"/families/{covered.id}").get_data(as_text=True)


def test_adding_a_member_the_consent_does_not_cover_asks_first(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)  # consent for NAV and housing
    school = make_agency(db, lab.municipality, "school", "municipal")
    teacher = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=school)
    login(client, lab.lead.username)
    token = csrf_from(client.get(f"/families/{family.id}").get_data(as_text=True))
    form = {"csrf_token": token, "user_id": str(teacher.id), "agency_id": str(school.id),
            "mandate_nok": "1000", "joined_on": dt.date.today().isoformat()}  # fmt: skip
    url = f"/families/{family.id}/setup/team"

    def members() -> set[int]:
        return set(
            db.scalars(select(TeamMembership.user_id).where(TeamMembership.family_id == family.id))
        )

    asked = client.post(url, data=form)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert f"{school.name} er ikke dekket av et samtykke" in html
    assert "ser ikke" in html and "Legg til i teamet likevel" in html
    assert teacher.id not in members()
    done = client.post(url, data={**form, "confirmed": "yes"})
    assert done.status_code == 302
    assert teacher.id in members()

    # an agency the consent covers: added at once, no question
    colleague = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.nav)
    added = client.post(url, data={**form, "user_id": str(colleague.id),
                                   "agency_id": str(lab.nav.id)})  # fmt: skip
    assert added.status_code == 302 and colleague.id in members()
