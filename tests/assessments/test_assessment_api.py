"""Recording assessments through the API: derived overall level, carry-forward, override."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab

TODAY = dt.date.today()


def post(client: FlaskClient, headers: dict[str, str], family_id: int, **body: object):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/families/{family_id}/assessments", json=body, headers=headers)


def test_overall_is_derived_from_the_levels_in_force(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    headers = auth(db, lab.member)
    first = post(client, headers, family.id, assessed_on="2025-01-06",
                 levels={"housing": "unsustainable", "work": "stable"})  # fmt: skip
    assert first.status_code == 201 and first.get_json()["overall"] == "unsustainable"
    assert first.headers["ETag"]
    why = {"housing": "Egen leilighet"}
    second = post(
        client, headers, family.id, assessed_on="2025-04-07",
        levels={"housing": "sustainable"}, rationale=why,
    )  # fmt: skip
    body = second.get_json()
    # work (stable) is carried forward from January: lowest of sustainable, stable = stable
    assert body["overall"] == "stable"
    assert body["levels"]["work"] is None and body["levels"]["housing"] == "sustainable"
    trajectory = client.get(f"/api/v1/families/{family.id}/trajectory", headers=headers)
    assert [p["overall"] for p in trajectory.get_json()] == ["unsustainable", "stable"]
    assert trajectory.get_json()[1]["levels"]["work"] == "stable"


def test_a_reading_entered_late_changes_later_overall_levels(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    headers = auth(db, lab.member)
    later = post(client, headers, family.id, assessed_on="2025-04-07", levels={"housing": "stable"})
    post(client, headers, family.id, assessed_on="2025-01-06", levels={"work": "exposed"})
    again = client.get(
        f"/api/v1/families/{family.id}/assessments/{later.get_json()['id']}", headers=headers
    )
    assert again.get_json()["overall"] == "exposed"  # work exposed now carries into April
    assert again.headers["ETag"] != later.headers["ETag"]


def test_override_needs_a_reason_and_both_are_kept(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    headers = auth(db, lab.lead)
    refused = post(client, headers, family.id, assessed_on="2025-01-06",
                   levels={"housing": "exposed"}, overall_override="stable")  # fmt: skip
    assert refused.status_code == 422
    assert "override_reason" in refused.get_json()["errors"]
    kept = post(
        client, headers, family.id, assessed_on="2025-01-06", levels={"housing": "exposed"},
        overall_override="stable", override_reason="Tryggere enn tallene viser",
    )  # fmt: skip
    assert kept.status_code == 201
    assert (kept.get_json()["overall"], kept.get_json()["overall_override"]) == (
        "exposed",
        "stable",
    )


def test_bad_readings_are_refused_with_field_messages(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    headers = auth(db, lab.member)
    cases = [
        ({"assessed_on": "2025-01-06", "levels": {"garden": "stable"}}, "levels.garden"),
        ({"assessed_on": "2025-01-06", "levels": {"housing": "great"}}, "levels.housing.value"),
        ({"assessed_on": "2025-01-06", "levels": {}}, "levels"),
        ({"assessed_on": (TODAY + dt.timedelta(days=1)).isoformat(),
          "levels": {"housing": "stable"}}, "assessed_on"),
        ({"assessed_on": "1850-01-01", "levels": {"housing": "stable"}}, "assessed_on"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post(
            f"/api/v1/families/{family.id}/assessments", json=body, headers=headers
        )
        assert response.status_code == 422, body
        assert any(key.startswith(field) for key in response.get_json()["errors"]), (
            body,
            response.get_json(),
        )
    listed = client.get(f"/api/v1/families/{family.id}/assessments", headers=headers)
    assert listed.get_json() == []


def test_stale_if_match_is_412(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    headers = auth(db, lab.member)
    created = post(client, headers, family.id, assessed_on="2025-01-06", levels={"work": "exposed"})
    url = f"/api/v1/families/{family.id}/assessments/{created.get_json()['id']}"
    tag = created.headers["ETag"]
    first = client.patch(
        url, json={"levels": {"work": "stable"}}, headers={**headers, "If-Match": tag}
    )
    assert first.status_code == 200 and first.get_json()["overall"] == "stable"
    stale = client.patch(
        url, json={"levels": {"work": "sustainable"}}, headers={**headers, "If-Match": tag}
    )
    assert stale.status_code == 412
