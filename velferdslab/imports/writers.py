"""One family's rows written through the services the API uses: the family and its lifecycle,
members, readings, budgets, spending and goals. Each writer says whether it changed anything;
a refusal names the row and column it came from (RowFailure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from velferdslab.assessments import services as assessments
from velferdslab.assessments.models import Assessment
from velferdslab.assessments.recorded import Reading, check_reading, record_readings
from velferdslab.audit.log import record
from velferdslab.budgets import services as budgets
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.budgets.recorded import NewBudget, RecordedSpending, check_budget, record_budgets
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import DomainError, FieldErrors, Text
from velferdslab.families import services as families
from velferdslab.families.models import Family, Member
from velferdslab.families.schemas import MemberCreateSchema
from velferdslab.imports.mapping import Row
from velferdslab.people import services as people
from velferdslab.people.national_id import parse
from velferdslab.plans import services as plans
from velferdslab.plans.models import Goal
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS, LEVELS, ExpenditureStatus, Role

# The lifecycle steps that reach a status from `referred` (the API's transitions, one by one).
STATUS_PATH: dict[str, tuple[str, ...]] = {
    "referred": (),
    "active": ("active",),
    "concluded": ("active", "concluded"),
    "withdrawn": ("withdrawn",),
}


# The API's schema for a new member, made once (validate keeps nothing between calls).
MEMBER_SCHEMA = MemberCreateSchema()


class RowFailure(Exception):
    """A row the rules refuse: its column and the message code (or a service's error)."""

    def __init__(self, row: Row, column: str, code: str, error: Exception | None = None) -> None:
        super().__init__(code)
        self.row, self.column, self.code, self.error = row, column, code, error


@dataclass
class Context:
    session: AnySession
    user: User
    municipality_id: int
    municipality_number: str
    import_id: int
    rule: str
    today: dt.date
    users: dict[str, User] = field(default_factory=dict)  # username (casefolded) -> user
    agencies: dict[str, int] = field(default_factory=dict)  # name (casefolded) -> id
    known: dict[str, int] = field(default_factory=dict)  # external reference -> family id
    # The family's budgets written by this import just now (record_budgets), for its spending.
    fresh_budgets: list[Budget] = field(default_factory=list)
    # The family is created by this import: it has no stored rows to compare with.
    new_family: bool = False
    # What the import reads once and the services would read again per family: held here so
    # the session's identity map keeps them (the municipality, its agencies), and the next
    # reference number per referral year.
    held: list[Any] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)

    def audit(self, action: str, entity: str, entity_id: int, family_id: int) -> None:
        record(
            self.session,
            action,
            entity,
            entity_id,
            family_id=family_id,
            details={"import_id": self.import_id},
            user_id=self.user.id,
        )

    def user_for(self, row: Row, key: str, default: User | None = None) -> User | None:
        name = row.values.get(key)
        if not name:
            return default
        user = self.users.get(str(name).casefold())
        if user is None:
            raise RowFailure(row, key, "unknown_user")
        return user

    def agency_for(self, row: Row, key: str) -> int:
        agency_id = self.agencies.get(str(row.values[key]).casefold())
        if agency_id is None:
            raise RowFailure(row, key, "unknown_agency")
        return agency_id


def guarded(row: Row, column: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service; its refusal becomes a failure of this row and column."""
    try:
        return call(*args, **kwargs)
    except (DomainError, FieldErrors) as error:
        raise RowFailure(row, column, "rule", error) from error


def write_family(ctx: Context, row: Row, family: Family | None) -> tuple[Family, bool]:
    v = row.values
    if str(v["municipality_number"]).zfill(4) != ctx.municipality_number:
        raise RowFailure(row, "municipality_number", "municipality")
    lead = ctx.user_for(row, "investment_lead")
    if lead is None and family is None and not ctx.user.has_role(Role.INVESTMENT_LEAD):
        raise RowFailure(row, "investment_lead", "lead_required")
    status = v.get("status") or "active"
    if family is not None:
        return family, _update_family(ctx, row, family, lead, status)

    def prepare(new: Family) -> None:  # the reference and the status in the family's INSERT
        new.external_reference = row.reference
        for step in STATUS_PATH[status]:
            _status(row, new, step, v, ctx.today)

    year = v["referred_on"].year
    family = guarded(
        row,
        "referred_on",
        families.create_family,
        ctx.session,
        municipality_id=ctx.municipality_id,
        referred_on=v["referred_on"],
        investment_lead_id=(lead or ctx.user).id,
        protection=v.get("protection") or "none",
        today=ctx.today,
        number=ctx.numbers.get(year),
        prepare=prepare,
    )
    ctx.numbers[year] = family.reference_number + 1
    families.put_lead_on_team(ctx.session, family, known_agencies=ctx.agencies.values())
    return family, True


def _status(row: Row, family: Family, status: str, v: dict[str, Any], today: dt.date) -> None:
    column = "concluded_on" if status in ("concluded", "withdrawn") else "enrolled_on"
    guarded(
        row,
        column,
        families.change_status,
        family,
        status,
        enrolled_on=v.get("enrolled_on"),
        concluded_on=v.get("concluded_on") if status != "active" else None,
        today=today,
    )


def _update_family(ctx: Context, row: Row, family: Family, lead: User | None, status: str) -> bool:
    v = row.values
    if v["referred_on"] != family.referred_on:
        fixed = Text("The referral date cannot change: import it as recorded.")
        raise RowFailure(row, "referred_on", "rule", DomainError(fixed))
    changes: dict[str, Any] = {}
    if lead is not None and lead.id != family.investment_lead_id:
        guarded(row, "investment_lead", families.check_lead, ctx.session, lead.id,
                family.municipality_id)  # fmt: skip
        changes["investment_lead_id"] = lead.id
    protection = v.get("protection") or "none"
    if protection != family.protection.value:
        changes["protection"] = protection
    dates = (v.get("enrolled_on"), v.get("concluded_on"))
    if status != family.status.value or dates != (family.enrolled_on, family.concluded_on):
        changes.update(status=status, enrolled_on=dates[0], concluded_on=dates[1])
    if changes:
        column = (
            ("concluded_on" if status in ("concluded", "withdrawn") else "enrolled_on")
            if "status" in changes
            else "protection"
        )
        guarded(row, column, families.update_family, ctx.session, family, changes)
    return bool(changes)


def write_members(ctx: Context, family: Family, rows: list[Row]) -> bool:
    existing = [] if ctx.new_family else _stored(ctx, Member, family)
    new: list[tuple[Row, str, dict[str, Any]]] = []  # the family's new members, added at once
    changed = False
    for row in rows:
        data = {k: row.values.get(k) for k in ("full_name", "national_id", "birth_date")}
        data["relation"] = row.values.get("relation") or "other_adult"
        errors = MEMBER_SCHEMA.validate(
            {**data, "birth_date": data["birth_date"] and data["birth_date"].isoformat()}
        )
        if errors:
            raise RowFailure(row, next(iter(errors)), "rule", FieldErrors(errors))  # type: ignore[arg-type]
        if data["national_id"] and data["birth_date"] is None:
            data["birth_date"] = parse(data["national_id"]).birth_date
        column = (
            "birth_date" if data["national_id"] and row.values.get("birth_date") else "national_id"
        )
        pending = next((i for i, (_, _, d) in enumerate(new) if _same_person(d, data)), None)
        member = next((m for m in existing if _same_person(_as_data(m), data)), None)
        if pending is not None:
            new[pending] = (row, column, data)  # the person twice: the later row holds
        elif member is None:
            new.append((row, column, data))
            changed = True
        elif any(getattr(member, k) != v for k, v in data.items()):
            guarded(row, column, people.change_member, ctx.session, member, data)
            changed = True
    if new:
        try:
            people.add_members(
                ctx.session, family, [data for _, _, data in new], fresh=ctx.new_family
            )
        except people.MemberRefused as refused:
            row, column, _ = new[refused.index]
            raise RowFailure(row, column, "rule", refused.error) from refused
    return changed


def _stored(ctx: Context, model: Any, family: Family) -> list[Any]:
    """The family's stored rows of a kind, in the order they were written."""
    return list(
        ctx.session.scalars(select(model).where(model.family_id == family.id).order_by(model.id))
    )


def _as_data(member: Member) -> dict[str, Any]:
    return {"national_id": member.national_id, "full_name": member.full_name}


def _same_person(known: dict[str, Any], data: dict[str, Any]) -> bool:
    if data["national_id"] or known["national_id"]:
        return bool(known["national_id"] == data["national_id"])
    return str(known["full_name"]).casefold() == str(data["full_name"]).casefold()


def write_assessments(ctx: Context, family: Family, rows: list[Row]) -> bool:
    stored = [] if ctx.new_family else _stored(ctx, Assessment, family)
    by_date = {a.assessed_on: a for a in stored}
    seen: set[dt.date] = set()
    new: list[Reading] = []  # the family's new readings, written at once
    changed = False
    for row in rows:
        on = row.values["assessed_on"]
        if on in seen:
            raise RowFailure(row, "assessed_on", "duplicate_date")
        seen.add(on)
        levels = {d: row.values.get(d) for d in DOMAINS}
        text = row.values.get("rationale") or ""
        rationale = {d: text for d in DOMAINS if text and levels[d] is not None}
        assessor = ctx.user_for(row, "assessed_by", ctx.user)
        found = by_date.get(on)
        if found is None:
            assert assessor is not None
            reading = Reading(on, levels, assessor.id, rationale)
            guarded(row, "assessed_on", check_reading, reading, ctx.today)
            new.append(reading)
            changed = True
        elif found.levels() != levels or (found.rationale or {}) != rationale:
            names = {d: None if n is None else LEVELS[n] for d, n in levels.items()}
            guarded(
                row, "assessed_on", assessments.update_assessment, ctx.session, found,
                {"levels": names, "rationale": rationale}, ctx.rule, ctx.today,
            )  # fmt: skip
            changed = True
    if new:
        record_readings(
            ctx.session, family, new, rule=ctx.rule, today=ctx.today, fresh=ctx.new_family
        )
    return changed


def write_budgets(ctx: Context, family: Family, rows: list[Row]) -> bool:
    years: dict[int, list[Row]] = {}
    for row in rows:
        years.setdefault(row.values["year"], []).append(row)
    stored = {b.year: b for b in ([] if ctx.new_family else _stored(ctx, Budget, family))}
    new: list[NewBudget] = []  # the years the family has no budget for, written at once
    changed = False
    for year, year_rows in sorted(years.items()):
        contributions = [
            {"agency_id": ctx.agency_for(r, "agency"), "amount": r.values["amount"]}
            for r in year_rows
        ]
        amount = sum((Decimal(str(c["amount"])) for c in contributions), Decimal(0))
        budget = stored.get(year)
        if budget is None:
            wanted = NewBudget(year, amount, contributions)
            guarded(year_rows[0], "amount", check_budget, wanted)
            new.append(wanted)
            changed = True
            continue
        wanted_shares = sorted((c["agency_id"], c["amount"]) for c in contributions)
        if budget.amount == amount and wanted_shares == sorted(
            (c.agency_id, c.amount) for c in budget.contributions
        ):
            continue
        guarded(
            year_rows[0], "amount", budgets.set_budget, ctx.session, family,
            year=year, amount=amount, contributions=contributions,
        )  # fmt: skip
        changed = True
    ctx.fresh_budgets = record_budgets(
        ctx.session, family, new, fresh=ctx.new_family, known_agencies=ctx.agencies.values()
    )
    return changed


def write_expenditures(ctx: Context, family: Family, rows: list[Row]) -> bool:
    existing = [] if ctx.new_family else _stored(ctx, Expenditure, family)
    new = RecordedSpending(ctx.session, family)  # the family's new spending, written at once
    new.fresh(ctx.fresh_budgets)
    changed = False
    for row in rows:
        v = row.values
        agency_id = ctx.agency_for(row, "paying_agency")
        requester = ctx.user_for(row, "requested_by", ctx.user) or ctx.user
        decider = ctx.user_for(row, "decided_by") or requester
        status = v.get("status") or "approved"
        key = (v["spent_on"], v["amount"], v["description"], agency_id)
        found = next(
            (
                e
                for e in existing
                if (e.spent_on, e.amount, e.description, e.paying_agency_id) == key
            ),
            None,
        )
        if found is None:
            guarded(
                row, "amount", new.add, spent_on=v["spent_on"], amount=v["amount"],
                description=v["description"], paying_agency_id=agency_id, domain=v.get("domain"),
                status=status, requested_by=requester.id, decided_by=decider.id,
            )  # fmt: skip
            changed = True
            continue
        existing.remove(found)  # a second identical row is a second expenditure
        if (found.status.value, found.domain) == (status, v.get("domain")):
            continue
        found.domain = v.get("domain")
        _as_recorded(row, ctx, family, found, status, decider)
        ctx.audit("update", "expenditure", found.id, family.id)  # no service changes it so
        changed = True
    if new.added:
        new.finish()
    return changed


def _as_recorded(
    row: Row, ctx: Context, family: Family, spent: Expenditure, status: str, decider: User
) -> None:
    """A stored expenditure whose recorded decision changed: taken as recorded, but an approval
    beyond the year's budget is refused."""
    if status == "approved" and spent.status.value != "approved":
        budget = budgets.budget_for_year(ctx.session, family.id, spent.spent_on.year, lock=True)
        approved = budgets.approved_total(ctx.session, budget.id)
        guarded(row, "amount", budgets.over_budget, budget, approved, spent.amount)
    spent.status = ExpenditureStatus(status)
    pending = status == "pending"
    spent.decided_by = None if pending else decider.id
    spent.decided_at = None if pending else utcnow()
    ctx.session.flush()


def write_goals(ctx: Context, family: Family, rows: list[Row]) -> bool:
    existing = [] if ctx.new_family else _stored(ctx, Goal, family)
    new: list[dict[str, Any]] = []  # the family's new goals, added at once (one plan)
    changed = False
    for row in rows:
        v = row.values
        data = {
            "domain": v["domain"],
            "target_level": v["target_level"],
            "target_date": v["target_date"],
            "description": v.get("description") or "",
        }
        key = (v["domain"], v["target_date"])
        found = next((g for g in existing if (g.domain, g.target_date) == key), None)
        pending = next((d for d in new if (d["domain"], d["target_date"]) == key), None)
        if pending is not None:
            pending.update(data)  # the goal twice: the later row holds
        elif found is None:
            new.append(data)
            changed = True
        elif (found.target_level, found.description) != (data["target_level"], data["description"]):
            plans.change(ctx.session, found, data)
            changed = True
    if new:
        plans.add_goals(ctx.session, family, ctx.user.id, new)
    return changed
