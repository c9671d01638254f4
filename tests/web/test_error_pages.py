"""Every page of the error family (403, 404, 413, 422, 429, 500) in the page's language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy.orm import scoped_session
from werkzeug.exceptions import InternalServerError, TooManyRequests

from tests.factories import make_lab
from tests.web.test_login import login
from velferdslab.errors import ValidationFailed
from velferdslab.web.errors import error_response


def test_a_too_large_form_is_refused_in_bokmal(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    login(client, lab.member.username)
    response = client.post("/families/1/notes", data={"text": "x" * 1_100_000})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "For stort" in page and "Ingenting ble lagret" in page
    assert 'lang="nb"' in page


@pytest.mark.parametrize(
    ("error", "code", "nb", "en"),
    [
        (InternalServerError(), 500, "Noe gikk galt", "Something went wrong"),
        (TooManyRequests(), 429, "For mange forsøk", "Too many attempts"),
        (ValidationFailed("x"), 422, "Kunne ikke lagres", "Could not be saved"),
    ],
)
def test_error_pages_follow_the_language(
    app: Flask, error: Exception, code: int, nb: str, en: str
) -> None:
    for language, title in (("nb", nb), ("en", en)):
        with app.test_request_context("/families"), force_locale(language):
            if isinstance(error, ValidationFailed):
                response = error_response(error.status_code, error.message)
            else:
                response = error_response(error.code or 500, show_message=False)  # type: ignore[attr-defined]
            body = response.get_data(as_text=True)
            assert response.status_code == code
            assert f"<h1>{title}</h1>" in body
            assert f'lang="{language}"' in body


def test_a_refusal_writes_money_the_norwegian_way(client: FlaskClient, db: scoped_session) -> None:
    import datetime as dt
    from decimal import Decimal

    from tests.factories import make_family
    from tests.web.test_login import csrf_from

    lab = make_lab(db)
    family = make_family(db, lab, budget=Decimal("5000"))
    login(client, lab.lead.username)  # the lead decides alone, within the budget
    form = client.get(f"/families/{family.id}/expenditures/new").get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(form),
        "spent_on": dt.date.today().isoformat(),
        "amount": "7700",
        "description": "Depositum",
        "paying_agency_id": str(lab.housing.id),
    }
    refused = client.post(f"/families/{family.id}/expenditures/new", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 or refused.status_code == 422
    # 5 000 kr of the budget is left: written with a narrow space, no øre, no decimal point
    assert "Det er høyst 5\u202f000 kr igjen av budsjettet" in page
    assert "5000.00" not in page


@pytest.mark.parametrize(
    ("failure", "code", "nb"),
    [
        ("conflict", 409, "I strid med det som er lagret"),
        ("busy", 503, "Tjenesten er opptatt"),
        ("stale", 412, "Endret siden du leste det"),
    ],
)
def test_a_failure_at_commit_answers_a_page_to_a_page_and_json_to_the_api(
    client: FlaskClient, db: scoped_session, monkeypatch: pytest.MonkeyPatch, failure: str,
    code: int, nb: str,
) -> None:  # fmt: skip
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from tests.factories import auth, make_family
    from tests.web.test_login import csrf_from
    from velferdslab import transactions

    lab = make_lab(db)
    family = make_family(db, lab)
    errors = {
        "conflict": IntegrityError("insert", {}, Exception("unique")),
        "busy": OperationalError("commit", {}, Exception("locked")),
        "stale": StaleDataError("changed"),
    }

    def fail(*_args: object) -> None:
        raise errors[failure]

    headers = auth(db, lab.member)
    login(client, lab.member.username)
    form = client.get(f"/families/{family.id}").get_data(as_text=True)
    monkeypatch.setattr(transactions, "_append", fail)
    page = client.post(
        f"/families/{family.id}/notes",
        data={"text": "Møte med skolen", "csrf_token": csrf_from(form)},
    )
    assert page.status_code == code
    assert page.mimetype == "text/html"
    assert f"<h1>{nb}</h1>" in page.get_data(as_text=True)
    api = client.post(
        f"/api/v1/families/{family.id}/notes", json={"text": "Møte med skolen"}, headers=headers
    )
    assert api.status_code == code
    assert api.get_json()["code"] == code
