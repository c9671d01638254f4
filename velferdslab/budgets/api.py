"""/families/{id}/budgets and /expenditures (+ approve, reject) and the spending limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors
from velferdslab.api.records import ETAG, FAMILY, answer, family_for
from velferdslab.auth.current import audit, current_user
from velferdslab.budgets import services
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.budgets.schemas import (
    BudgetCreateSchema,
    BudgetSchema,
    BudgetUpdateSchema,
    DecisionSchema,
    ExpenditureCreateSchema,
    ExpenditureSchema,
    LimitsQuerySchema,
    SpendingLimitsSchema,
)
from velferdslab.errors import Conflict, ValidationFailed
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.municipalities.models import Agency
from velferdslab.plans.models import Measure


def _check_refs(family: Family, data: dict[str, Any]) -> None:
    agency = db.session.get(Agency, data["paying_agency_id"])
    if agency is None or agency.municipality_id != family.municipality_id:
        raise ValidationFailed("Unknown agency.", {"paying_agency_id": ["No such agency here."]})
    measure_id = data.get("measure_id")
    if measure_id is not None and not policy.record_of_family(
        db.session, Measure, family.id, measure_id
    ):
        raise ValidationFailed("Unknown measure.", {"measure_id": ["No such measure."]})


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "budgets",
        __name__,
        url_prefix="/api/v1/families",
        description="Budgets per year, who contributes, and spending within mandates.",
    )

    @blp.route(f"{FAMILY}/budgets", methods=["GET"])
    @blp.response(200, BudgetSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_budgets(family_id: int) -> Any:
        """The family's budget per year.

        With each agency's contribution, and the year's approved, pending and remaining
        spending (read-only figures)."""
        family = family_for(family_id, "budgets.read")
        audit("list", "budget", family_id=family.id)
        return select(Budget).where(Budget.family_id == family.id).order_by(Budget.year)

    @blp.route(f"{FAMILY}/budgets", methods=["POST"])
    @blp.arguments(BudgetCreateSchema)
    @blp.response(201, BudgetSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 409)
    def create_budget(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Set a year's budget and its contributions (409 if the year has one: PATCH it)."""
        family = family_for(family_id, "budgets.write")
        exists = db.session.scalar(
            select(Budget.id).where(Budget.family_id == family.id, Budget.year == data["year"])
        )
        if exists is not None:
            raise Conflict(f"{data['year']} already has a budget.", {"year": ["PATCH it instead."]})
        budget = services.set_budget(db.session, family, **data)
        return answer(BudgetSchema(), budget, 201, "budget")

    @blp.route(f"{FAMILY}/budgets/<id:budget_id>", methods=["PATCH"])
    @blp.arguments(BudgetUpdateSchema)
    @blp.response(200, BudgetSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 409, 412)
    def update_budget(data: dict[str, Any], family_id: int, budget_id: int) -> ResponseReturnValue:
        """Change a year's amount or its contributions.

        The amount never goes below the approved spending (409); a contributions list replaces
        the old one. Honours If-Match."""
        family = family_for(family_id, "budgets.write")
        budget = policy.record_of_family_or_404(db.session, Budget, family.id, budget_id)
        check_if_match("budget", budget)
        contributions = data.get("contributions")
        # A change of contributions alone is a change of the budget: its version (ETag) moves.
        flag_modified(budget, "amount")
        if contributions is None:
            contributions = [
                {"agency_id": c.agency_id, "amount": c.amount} for c in budget.contributions
            ]
        services.set_budget(
            db.session,
            family,
            year=budget.year,
            amount=data.get("amount", budget.amount),
            contributions=contributions,
        )
        return answer(BudgetSchema(), budget, etag="budget")

    @blp.route(f"{FAMILY}/expenditures", methods=["GET"])
    @blp.response(200, ExpenditureSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_expenditures(family_id: int) -> Any:
        """Spending with its approval trail, newest first."""
        family = family_for(family_id, "expenditures.read")
        audit("list", "expenditure", family_id=family.id)
        return (
            select(Expenditure)
            .where(Expenditure.family_id == family.id)
            .order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())
        )

    @blp.route(f"{FAMILY}/expenditures", methods=["POST"])
    @blp.arguments(ExpenditureCreateSchema)
    @blp.response(201, ExpenditureSchema)
    @document_errors(blp, 401, 404, 409)
    def spend(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Spend on the family: approved at once within your mandate, else pending.

        Within your mandate (the lead: always) the expenditure is approved at once, decided by
        you. Above it, it waits for the investment lead. More than is left of the year's budget,
        or no budget for the year: 409, also when requests arrive at the same moment."""
        user = current_user()
        family = family_for(family_id, "expenditures.write")
        _check_refs(family, data)
        expenditure = services.request_expenditure(db.session, family, user, **data)
        return answer(ExpenditureSchema(), expenditure, 201)

    @blp.route(f"{FAMILY}/expenditures/<id:expenditure_id>", methods=["GET"])
    @blp.response(200, ExpenditureSchema)
    @document_errors(blp, 401, 404)
    def get_expenditure(family_id: int, expenditure_id: int) -> ResponseReturnValue:
        """One expenditure with who asked and who decided."""
        family = family_for(family_id, "expenditures.read")
        expenditure = policy.record_of_family_or_404(
            db.session, Expenditure, family.id, expenditure_id
        )
        audit("read", "expenditure", expenditure.id, family_id=family.id)
        return answer(ExpenditureSchema(), expenditure)

    for verb, approve in (("approve", True), ("reject", False)):
        _decision_route(blp, verb, approve)

    @blp.route(f"{FAMILY}/spending-limits", methods=["GET"])
    @blp.arguments(LimitsQuerySchema, location="query")
    @blp.response(200, SpendingLimitsSchema)
    @document_errors(blp, 401, 404)
    def limits(args: dict[str, Any], family_id: int) -> Any:
        """What you may spend on this family in a year: budget left, your mandate."""
        user = current_user()
        family = family_for(family_id, "expenditures.write")
        today = dt.date.today()
        found = services.spending_limits(
            db.session, family, user, args.get("year", today.year), today
        )
        audit("read", "spending_limits", family_id=family.id)
        return {**found.__dict__, "remaining": found.remaining}

    return blp


DECISIONS = {
    "approve": (
        "Approve a pending expenditure (the investment lead).",
        "Rechecks the year's budget: approval that would pass it is refused (409) and nothing "
        "changes. Only a pending expenditure can be decided (409 otherwise).",
    ),
    "reject": (
        "Reject a pending expenditure (the investment lead).",
        "Only a pending expenditure can be decided (409 otherwise).",
    ),
}


def _decision_route(blp: Blueprint, verb: str, approve: bool) -> None:
    summary, description = DECISIONS[verb]

    @blp.route(
        f"{FAMILY}/expenditures/<id:expenditure_id>/{verb}",
        methods=["POST"],
        endpoint=verb,
    )
    @blp.doc(summary=summary, description=description)
    @blp.arguments(DecisionSchema, required=False)  # a note is optional: no body at all is fine
    @blp.response(200, ExpenditureSchema)
    @document_errors(blp, 401, 404, 409)
    def decide(data: dict[str, Any], family_id: int, expenditure_id: int) -> ResponseReturnValue:
        user = current_user()
        family = family_for(family_id, "expenditures.decide")
        expenditure = policy.record_of_family_or_404(
            db.session, Expenditure, family.id, expenditure_id
        )
        services.decide_expenditure(
            db.session, family, expenditure, user, approve=approve, note=data.get("note")
        )
        return answer(ExpenditureSchema(), expenditure)
