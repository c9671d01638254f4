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
from velferdslab.web.setup import render_error


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
            body, status = render_error(error)  # type: ignore[arg-type]
            assert status == code
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
