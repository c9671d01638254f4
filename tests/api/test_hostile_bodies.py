"""Bodies built to break the parser or the database get a clear 4xx with a field message, never
a 500, and nothing is stored: lone surrogates, NUL, deep nesting, huge integers, and TOML files
that would keep a worker busy or overflow the stack."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab
from tests.web.test_admin_pages import token, upload
from tests.web.test_login import login
from velferdslab.assessments.models import ProgressNote
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import default_set
from velferdslab.budgets.models import Expenditure
from velferdslab.families.models import Member


def count(db: scoped_session, model: type) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def expenditure(agency_id: int, **changes: object) -> dict[str, object]:
    return {"spent_on": "2025-01-01", "amount": 5, "description": "taxi",
            "paying_agency_id": agency_id, **changes}  # fmt: skip


def post_raw(client: FlaskClient, path: str, body: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(
        path, data=body.encode("utf-8"), headers={**headers, "Content-Type": "application/json"}
    )


@pytest.mark.parametrize(
    ("tail", "body", "status", "field"),
    [
        ("notes", '{"text": "a\\ud800b", "noted_on": "2025-01-01"}', 422, "text"),
        ("notes", '{"text": "a\\u0000b", "noted_on": "2025-01-01"}', 422, "text"),
        ("members", '{"full_name": "Kari \\udfff", "relation": "parent"}', 422, "full_name"),
        ("expenditures", '{"a":' * 5000 + "1" + "}" * 5000, 400, None),
        ("expenditures", "[" * 5000 + "]" * 5000, 400, None),
        ("expenditures", "AMOUNT", 422, "_body"),
        ("expenditures", "AGENCY_BIG", 422, "paying_agency_id"),
        ("expenditures", "AMOUNT_4000", 422, "amount"),
        ("expenditures", '{"amount": Infinity}', 400, None),
    ],
)
def test_hostile_json_gets_a_4xx_with_a_field_and_stores_nothing(
    tail: str,
    body: str,
    status: int,
    field: str | None,
    client: FlaskClient,
    db: scoped_session,
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    base = json.dumps(expenditure(lab.nav.id))
    body = {
        "AMOUNT": base.replace('"amount": 5', '"amount": ' + "9" * 5000),
        "AMOUNT_4000": base.replace('"amount": 5', '"amount": ' + "9" * 4000),
        "AGENCY_BIG": base.replace(f'"paying_agency_id": {lab.nav.id}', '"paying_agency_id": '
                                   + "9" * 30),
    }.get(body, body)  # fmt: skip
    before = [count(db, m) for m in (ProgressNote, Member, Expenditure)]
    response = post_raw(client, f"/api/v1/families/{family.id}/{tail}", body, auth(db, lab.lead))
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["code"] == status and answer["message"]
    if field:
        assert field in answer["errors"], answer
    assert [count(db, m) for m in (ProgressNote, Member, Expenditure)] == before


def test_a_nul_in_a_page_form_is_refused(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    login(client, lab.member.username)
    csrf = token(client, f"/families/{family.id}")
    before = count(db, ProgressNote)
    response = client.post(
        f"/families/{family.id}/notes",
        data={"csrf_token": csrf, "text": "hei\x00der", "noted_on": "2025-01-01"},
    )
    assert response.status_code == 422
    assert count(db, ProgressNote) == before


@pytest.mark.parametrize(
    "content",
    [
        "a" + ".a" * 50000 + " = 1",  # the security test's file: 30 s in the parser
        "name = " + "[" * 5000 + "]" * 5000,
        "name = " + "[\n" * 5000 + "]\n" * 5000,
        "name = " + "{a = " * 5000 + "1" + "}" * 5000,
        "[" + "a." * 40 + "a]\nx = 1\n",
    ],
    ids=["long-dotted-key", "deep-array", "deep-array-lines", "deep-inline-table", "deep-header"],
)
def test_a_hostile_toml_upload_is_refused_at_once(
    content: str, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    default_set(db)
    csrf = token(client, "/admin/assumption-sets")
    before = count(db, AssumptionSet)
    response = upload(client, csrf, content.encode())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # refused by the bounds, before the parser (which took 30 s on the first, and overflows
    # its stack on the deep ones)
    assert 'id="file-error"' in page and "Filen er for sammensatt" in page
    assert count(db, AssumptionSet) == before
