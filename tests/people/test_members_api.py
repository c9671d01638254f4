"""/families/{id}/members: the family's people, their national ids and who may see them."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, events_of, make_family, only, setting, statuses, url
from velferdslab.families.models import Member

OLD = "31129956715"  # born 1899-12-31 (fnrinfo.no's worked example)
EIGHTY_TWO = "30108299920"  # born 1982-10-30 (Skatteetaten)


def test_the_lead_adds_reads_corrects_and_removes_a_member(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    headers = auth(db, s.lab.lead)
    created = client.post(
        url(s.family, "/members"),
        json={"full_name": "Ola Nordmann", "relation": "parent", "national_id": "301082 99920"},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    # stored without the space, and the birth date read from the number
    assert body == {
        "id": body["id"], "full_name": "Ola Nordmann", "national_id": EIGHTY_TWO,
        "birth_date": "1982-10-30", "relation": "parent",
    }  # fmt: skip
    one = url(s.family, f"/members/{body['id']}")
    assert client.get(one, headers=headers).get_json() == body
    tag = created.headers["ETag"]
    patched = client.patch(
        one, json={"relation": "other_adult"}, headers={**headers, "If-Match": tag}
    )
    assert patched.status_code == 200 and patched.get_json()["relation"] == "other_adult"
    stale = client.delete(one, headers={**headers, "If-Match": tag})
    assert stale.status_code == 412
    assert client.delete(one, headers=headers).status_code == 204
    assert client.get(one, headers=headers).status_code == 404
    assert [a for a, _ in events_of(db, s.family.id, "member")] == [
        "create", "read", "update", "delete",
    ]  # fmt: skip


def test_national_ids_are_validated_consistent_and_unique(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    headers = auth(db, s.lab.lead)
    members = url(s.family, "/members")
    bad = client.post(
        members, json={"full_name": "Kari", "relation": "child", "national_id": "31129956716"},
        headers=headers,
    )  # fmt: skip
    assert bad.status_code == 422
    assert "check digit" in bad.get_json()["errors"]["national_id"][0]
    wrong_date = client.post(
        members,
        json={"full_name": "Kari", "relation": "child", "national_id": OLD,
              "birth_date": "1999-12-31"},
        headers=headers,
    )  # fmt: skip
    assert wrong_date.status_code == 422 and "birth_date" in wrong_date.get_json()["errors"]
    first = client.post(
        members, json={"full_name": "Kari", "relation": "child", "national_id": OLD},
        headers=headers,
    )  # fmt: skip
    assert first.status_code == 201
    again = client.post(
        members, json={"full_name": "Kari II", "relation": "child", "national_id": OLD},
        headers=headers,
    )  # fmt: skip
    assert again.status_code == 409 and "national_id" in again.get_json()["errors"]
    db.expire_all()
    count = select(func.count()).select_from(Member).where(Member.national_id == OLD)
    assert db.scalar(count) == 1


def test_a_patch_of_the_birth_date_alone_must_agree_with_the_stored_number(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    headers = auth(db, s.lab.lead)
    created = client.post(
        url(s.family, "/members"),
        json={"full_name": "Kari", "relation": "child", "national_id": OLD}, headers=headers,
    )  # fmt: skip
    one = url(s.family, f"/members/{created.get_json()['id']}")
    refused = client.patch(one, json={"birth_date": "2001-01-01"}, headers=headers)
    assert refused.status_code == 422 and "birth_date" in refused.get_json()["errors"]
    assert client.get(one, headers=headers).get_json()["birth_date"] == "1899-12-31"


def test_who_may_read_and_write_members(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    members = url(s.family, "/members")
    assert statuses(client, db, s, "GET", members) == only({"lead", "member"})
    body = {"full_name": "Per", "relation": "child"}
    assert statuses(client, db, s, "POST", members, body) == only({"lead"}, 201)
    member_id = s.family.members[0].id
    one = url(s.family, f"/members/{member_id}")
    assert statuses(client, db, s, "GET", one) == only({"lead", "member"})
    assert statuses(client, db, s, "PATCH", one, {"full_name": "Kari N"}) == only({"lead"})


def test_a_member_of_another_family_is_not_found_here(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    sibling = make_family(db, s.lab)
    theirs = sibling.members[0].id
    headers = auth(db, s.lab.lead)
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open(
            url(s.family, f"/members/{theirs}"), method=method,
            json={"full_name": "X"} if method == "PATCH" else None, headers=headers,
        )  # fmt: skip
        assert response.status_code == 404, method
    db.expire_all()
    assert db.get(Member, theirs) is not None
