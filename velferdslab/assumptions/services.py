"""Assumption sets in the database: versioned, immutable once a report used them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from velferdslab.assumptions.models import AssumptionSet, CostItem, annual_costs
from velferdslab.assumptions.wording import set_in_language
from velferdslab.audit.log import record
from velferdslab.benefits.params import AssumptionParams, load_toml, to_dict
from velferdslab.benefits.params import CostItem as PlainItem
from velferdslab.database import written_apart
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, NotFound, Text
from velferdslab.settings import config_file

DEFAULT_FILE = config_file("assumptions", "velferdslab-standard.toml")


def store_params(
    session: AnySession, params: AssumptionParams, created_by: int | None
) -> AssumptionSet:
    """A new version under the set's name: sets are never edited in place."""
    latest = session.scalar(
        select(func.max(AssumptionSet.version)).where(AssumptionSet.name == params.name)
    )
    row = AssumptionSet(
        name=params.name,
        version=int(latest or 0) + 1,
        price_year=params.price_year,
        success_rate=params.success_rate,
        deadweight=params.deadweight,
        attribution=params.attribution,
        drop_off=params.drop_off,
        horizon_years=params.horizon_years,
        sustain_months=params.sustain_months,
        discount_schedule=[{"from_year": y, "rate": r} for y, r in params.discount_schedule],
        tax_financing_cost=params.tax_financing_cost,
        optimism_bias=dict(params.optimism_bias),
        overall_rule=params.overall_rule,
        sources=dict(params.sources),
        description=params.description,
        created_by=created_by,
        cost_items=[
            CostItem(
                position=index,
                label=item.label,
                domain=item.domain,
                payer=item.payer,
                category=item.category,
                confidence=item.confidence,
                source=item.source,
                illustrative=item.illustrative,
                cost_unsustainable=item.annual_cost[0],
                cost_exposed=item.annual_cost[1],
                cost_stable=item.annual_cost[2],
                cost_sustainable=item.annual_cost[3],
            )
            for index, item in enumerate(params.cost_items)
        ],
    )
    session.add(row)
    session.flush()
    return row


def create_set(
    session: AnySession, params: AssumptionParams, created_by: int | None
) -> AssumptionSet:
    """A set (or its next version) from an admin's file or a command: stored and audited.
    The shipped default stored on first use (default_set) is no one's change."""
    row = store_params(session, params, created_by)
    record(session, "create", "assumption_set", row.id)
    return row


def _value(member: object) -> str:
    # A row just stored holds the strings it was given; a loaded one holds enum members.
    return str(getattr(member, "value", member))


def to_params(row: AssumptionSet) -> AssumptionParams:
    return AssumptionParams(
        name=row.name,
        version=row.version,
        price_year=row.price_year,
        success_rate=row.success_rate,
        deadweight=row.deadweight,
        attribution=row.attribution,
        drop_off=row.drop_off,
        horizon_years=row.horizon_years,
        discount_schedule=tuple(
            (int(e["from_year"]), float(e["rate"])) for e in row.discount_schedule
        ),
        tax_financing_cost=row.tax_financing_cost,
        optimism_bias={k: float(v) for k, v in row.optimism_bias.items()},
        overall_rule=_value(row.overall_rule),
        cost_items=tuple(
            PlainItem(
                domain=item.domain,
                payer=_value(item.payer),
                category=_value(item.category),
                confidence=_value(item.confidence),
                source=item.source,
                annual_cost=annual_costs(item),
                illustrative=item.illustrative,
                label=item.label,
            )
            for item in row.cost_items
        ),
        sources=dict(row.sources or {}),
        description=row.description,
        sustain_months=row.sustain_months,
    )


@lru_cache(maxsize=4)
def _shipped(path: str, modified_ns: int) -> AssumptionParams:
    # Parsed once per version of the file (its modification time is in the key): the lead's
    # family page asks for the default set on every request.
    del modified_ns
    return load_toml(path)


def default_set(session: AnySession) -> AssumptionSet:
    """The newest version of the shipped default, loaded from config/ the first time."""
    params = _shipped(str(DEFAULT_FILE), DEFAULT_FILE.stat().st_mtime_ns)

    def newest() -> AssumptionSet | None:
        return session.scalars(
            select(AssumptionSet)
            .where(AssumptionSet.name == params.name)
            .order_by(AssumptionSet.version.desc())
            .limit(1)
            # Its cost items are read when used: a lead's family page with its gains already
            # kept needs only the set's id and version.
            .options(lazyload(AssumptionSet.cost_items))
        ).first()

    row = newest()
    if row is not None:
        return row
    # In a request that only reads (SQLite) the store is a short write transaction of its own,
    # which looks again first: another request may have stored the set since this one read.
    with written_apart(session):
        row = newest()
        if row is None:
            try:
                with session.begin_nested():
                    row = store_params(session, params, None)
                    session.flush()
            except IntegrityError:  # another request (another instance) stored it just now
                row = newest()
    assert row is not None
    return row


def get_set(session: AnySession, set_id: int | None) -> AssumptionSet:
    if set_id is None:
        return default_set(session)
    row = session.get(AssumptionSet, set_id)
    if row is None:
        raise NotFound("No such assumption set.")
    return row


def described(row: AssumptionSet, language: str | None = None) -> dict[str, Any]:
    """Every value of the set with its source, its id and whether a report froze it: what the
    API, the auditor's and admin's pages and the reports show of a set. With a language, the
    shipped default's words are in that language (the API shows them as stored)."""
    plain = {**to_dict(to_params(row)), "id": row.id, "immutable": row.immutable}
    return plain if language is None else set_in_language(plain, language)


def change_description(session: AnySession, row: AssumptionSet, description: str) -> None:
    if row.immutable:
        raise Conflict(
            Text(
                "An issued report used this assumption set: it cannot change. Create a new version."
            ),
            {"id": [Text("Immutable: POST a new version instead.")]},
        )
    row.description = description
    session.flush()
    record(session, "update", "assumption_set", row.id)


def mark_immutable(row: AssumptionSet) -> None:
    row.immutable = True
