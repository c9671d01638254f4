"""A client written from the contract (shared/spec/api.md) alone: every POST of the contract,
sent with exactly the fields the contract names for it, is accepted.

Each body below uses only names from the contract's table; a field the service needs beyond
them must be derived or optional, or this walk fails with the service's 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, auth, make_family, make_lab, make_user
from velferdslab.vocabulary import Role

TODAY = dt.date.today()
YEAR = TODAY.year


def post(client: FlaskClient, path: str, headers: dict[str, str], body: Any = None) -> Any:
    response = client.post(f"/api/v1{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.status_code, response.get_json())
    return response.get_json()


def test_each_post_of_the_contract_with_exactly_its_fields(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    regional_admin = make_user(db, Role.ADMIN)
    family = make_family(db, lab)
    admin = auth(db, regional_admin)
    lead = auth(db, lab.lead)
    member = auth(db, lab.member)

    # /auth/token {"username", "password"}; /auth/revoke
    token = post(
        client, "/auth/token", {}, {"username": lab.auditor.username, "password": PASSWORD}
    )
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    assert post(client, "/auth/revoke", {"Authorization": f"Bearer {token['access_token']}"}) == {
        "revoked": True
    }

    # /municipalities: id, name, number
    municipality = post(client, "/municipalities", admin, {"name": "Lier", "number": "3049"})
    assert municipality["number"] == "3049" and municipality["reference_prefix"] == "LIE"

    # /agencies: municipality_id, name, kind, government_level
    agency = post(
        client,
        "/agencies",
        admin,
        {"municipality_id": municipality["id"], "name": "NAV Lier", "kind": "nav",
         "government_level": "state"},
    )  # fmt: skip

    # /users: username, full_name, email, roles, agency_id, municipality_id, active, password
    post(
        client,
        "/users",
        admin,
        {"username": "lier.nav", "full_name": "Lise Lier", "email": "lise@lier.kommune.no",
         "roles": ["team_member"], "agency_id": agency["id"],
         "municipality_id": municipality["id"], "active": True, "password": "a-long-password"},
    )  # fmt: skip

    # /families: municipality_id, referred_on, investment_lead_id, protection
    new_family = post(
        client,
        "/families",
        lead,
        {"municipality_id": lab.municipality.id, "referred_on": TODAY.isoformat(),
         "investment_lead_id": lab.lead.id, "protection": "none"},
    )  # fmt: skip
    assert new_family["reference"]

    base = f"/families/{family.id}"
    child = {"full_name": "Ola Nordmann", "birth_date": "2012-05-01", "relation": "child"}
    post(client, f"{base}/members", lead, child)
    post(client, f"{base}/consents", lead,
         {"given_on": TODAY.isoformat(), "expires_on": None, "agency_ids": [lab.nav.id],
          "scope": "Bolig og arbeid"})  # fmt: skip
    staff = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=lab.housing)
    post(client, f"{base}/team", lead,
         {"user_id": staff.id, "agency_id": lab.housing.id, "team_role": "member",
          "mandate_nok": 5000, "joined_on": TODAY.isoformat()})  # fmt: skip
    post(client, f"{base}/goals", lead,
         {"domain": "housing", "target_level": "stable",
          "target_date": (TODAY + dt.timedelta(days=365)).isoformat(),
          "description": "Fast bolig"})  # fmt: skip
    measure = post(client, f"{base}/measures", lead,
                   {"description": "Søke kommunal bolig", "domain": "housing",
                    "owner_user_id": lab.member.id,
                    "due_on": (TODAY + dt.timedelta(days=60)).isoformat(),
                    "status": "planned"})  # fmt: skip
    post(client, f"{base}/budgets", lead,
         {"year": YEAR + 1, "amount": 20000,
          "contributions": [{"agency_id": lab.nav.id, "amount": 20000}]})  # fmt: skip
    small = post(client, f"{base}/expenditures", member,
                 {"spent_on": TODAY.isoformat(), "amount": 500, "description": "Buss",
                  "domain": "work", "paying_agency_id": lab.nav.id,
                  "measure_id": measure["id"]})  # fmt: skip
    assert small["status"] == "approved"
    above_mandate = [
        post(
            client,
            f"{base}/expenditures",
            member,
            {
                "spent_on": TODAY.isoformat(),
                "amount": 20000,
                "description": description,
                "domain": "housing",
                "paying_agency_id": lab.nav.id,
            },
        )
        for description in ("Depositum", "Møbler")
    ]
    assert {e["status"] for e in above_mandate} == {"pending"}
    approved = post(client, f"{base}/expenditures/{above_mandate[0]['id']}/approve", lead)
    rejected = post(client, f"{base}/expenditures/{above_mandate[1]['id']}/reject", lead)
    assert (approved["status"], rejected["status"]) == ("approved", "rejected")
    post(client, f"{base}/assessments", member,
         {"assessed_on": TODAY.isoformat(), "levels": {"housing": "exposed", "work": None},
          "rationale": {"housing": "Midlertidig bolig"}, "family_levels": {},
          "overall_override": None, "override_reason": None})  # fmt: skip
    post(client, f"{base}/notes", member,
         {"written_on": TODAY.isoformat(), "domain": "work", "text": "Møte med NAV"})  # fmt: skip

    # /assumption-sets: name, price_year and the parameters of benefit-model.md
    assumption_set = post(
        client,
        "/assumption-sets",
        admin,
        {"name": "Lier 2026", "price_year": 2025, "success_rate": 0.5, "deadweight": 0.1,
         "attribution": 0.2, "drop_off": 0.1, "horizon_years": 10,
         "discount_schedule": [{"from_year": 1, "rate": 0.04}], "tax_financing_cost": 0.2,
         "optimism_bias": {"A": 0, "B": 0.1, "C": 0.25}, "overall_rule": "lowest",
         "cost_items": [{"domain": "housing", "payer": "municipal", "category": "fiscal",
                         "confidence": "B", "source": "SSB tabell 12345",
                         "annual_cost": {"unsustainable": 100000, "exposed": 60000, "stable": 20000,
                                         "sustainable": 0}}]},
    )  # fmt: skip
    assert assumption_set["version"] == 1

    # /reports: kind, municipality_id, family_id, period_start, period_end, as_of, language
    report = post(
        client,
        "/reports",
        lead,
        {"kind": "family", "municipality_id": lab.municipality.id, "family_id": family.id,
         "as_of": TODAY.isoformat(), "language": "nb"},
    )  # fmt: skip
    assert report["status"] == "ready"
    pdf = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=lead).data
    verified = client.post(
        "/api/v1/reports/verify", data=pdf, headers={**lead, "Content-Type": "application/pdf"}
    )
    assert verified.status_code == 200 and verified.get_json()["valid"] is True


def test_a_derived_prefix_is_unique_shown_and_editable(
    client: FlaskClient, db: scoped_session
) -> None:
    admin = auth(db, make_user(db, Role.ADMIN))
    first = post(client, "/municipalities", admin, {"name": "Nord-Fron", "number": "3436"})
    second = post(client, "/municipalities", admin, {"name": "Nordre Follo", "number": "3207"})
    third = post(client, "/municipalities", admin, {"name": "Nore og Uvdal", "number": "3338"})
    assert [first["reference_prefix"], second["reference_prefix"]] == ["NOR", "NORD"]
    assert third["reference_prefix"] == "NORE"
    ålesund = post(client, "/municipalities", admin, {"name": "Ålesund", "number": "1508"})
    assert ålesund["reference_prefix"] == "ÅLE"
    changed = client.patch(
        f"/api/v1/municipalities/{first['id']}",
        json={"reference_prefix": "NFR"},
        headers={**admin, "If-Match": client.get(
            f"/api/v1/municipalities/{first['id']}", headers=admin).headers["ETag"]},
    )  # fmt: skip
    assert changed.status_code == 200 and changed.get_json()["reference_prefix"] == "NFR"
    # a prefix given is kept; one taken is a conflict, not a silent change
    given = client.post(
        "/api/v1/municipalities",
        json={"name": "Sande", "number": "1514", "reference_prefix": "NFR"},
        headers=admin,
    )
    assert given.status_code == 409 and "reference_prefix" in given.get_json()["errors"]
