"""The lead's set-up forms read what was posted as one form: every field's message at once, and
money read and bounded as every money field and the API are (db.MAX_MONEY)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from velferdslab.db import MAX_MONEY
from velferdslab.errors import ValidationFailed
from velferdslab.families.setup_forms import BudgetForm, TeamForm


def test_a_team_form_is_read_as_typed(app: Flask) -> None:
    with app.test_request_context("/"):
        team = TeamForm.read(
            MultiDict({"user_id": "7", "mandate_nok": "1\u202f234,50", "joined_on": "2026-12-01"})
        )
    assert (team.user_id, team.agency_id, team.team_role) == (7, None, "member")
    assert team.mandate_nok == Decimal("1234.50")
    assert team.joined_on == dt.date(2026, 12, 1)


def test_every_refused_field_is_named_at_once(app: Flask) -> None:
    posted = MultiDict({"user_id": "7", "mandate_nok": "12,345", "joined_on": "i går"})
    with app.test_request_context("/"), pytest.raises(ValidationFailed) as refused:
        TeamForm.read(posted)
    assert set(refused.value.errors) == {"mandate_nok", "joined_on"}


def test_the_budget_takes_the_apis_bound(app: Flask) -> None:
    at_bound = f"{MAX_MONEY:,}".replace(",", " ")
    above = f"{MAX_MONEY + 1:,}".replace(",", " ")
    with app.test_request_context("/"):
        budget = BudgetForm.read(
            MultiDict(
                [("year", "2026"), ("amount", at_bound), ("contributing_agency", "3"),
                 ("contribution_3", "80 000,50")]
            )
        )  # fmt: skip
        assert budget.amount == Decimal(MAX_MONEY)
        assert budget.contributions == [{"agency_id": 3, "amount": Decimal("80000.50")}]
        with pytest.raises(ValidationFailed) as refused:
            BudgetForm.read(MultiDict({"year": "2026", "amount": above}))
    assert list(refused.value.errors) == ["amount"]
