"""A lab's pre-registration: before results exist it fixes its indicator, the baseline quarter,
the horizon and its targets. A version is never changed (like an assumption set once used); a
change is the next version, and every version is shown with its date. Whether the lab already
had readings after the baseline when a version was written is recorded beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import exists, func, select

from velferdslab.assessments.models import Assessment
from velferdslab.audit.log import record
from velferdslab.db import AnySession
from velferdslab.errors import NotFound, Text, ValidationFailed
from velferdslab.evidence.models import Preregistration
from velferdslab.families.models import Family

INDICATORS = ("share_stable_or_better", "lasting_moves", "families")


def register(
    session: AnySession, user_id: int, municipality_id: int, data: Mapping[str, Any]
) -> Preregistration:
    """The next version of the municipality's pre-registration."""
    _check(data)
    version = (
        session.scalar(
            select(func.max(Preregistration.version)).where(
                Preregistration.municipality_id == municipality_id
            )
        )
        or 0
    ) + 1
    row = Preregistration(
        municipality_id=municipality_id,
        version=version,
        indicator=data["indicator"],
        baseline_on=data["baseline_on"],
        horizon_on=data["horizon_on"],
        targets=[{"value": float(t["value"]), "by": t["by"].isoformat()} for t in data["targets"]],
        note=(data.get("note") or "").strip(),
        results_existed=_results_exist(session, municipality_id, data["baseline_on"]),
        created_by=user_id,
    )
    session.add(row)
    session.flush()
    record(session, "create", "preregistration", row.id,
           details={"municipality_id": municipality_id, "version": version})  # fmt: skip
    return row


def _check(data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if data["horizon_on"] <= data["baseline_on"]:
        errors["horizon_on"] = [Text("The horizon must come after the baseline.")]
    late = [t for t in data["targets"] if t["by"] <= data["baseline_on"]]
    if late:
        errors["targets"] = [Text("A target's date must come after the baseline.")]
    if errors:
        raise ValidationFailed(Text("The pre-registration has invalid values."), errors)


def _results_exist(session: AnySession, municipality_id: int, baseline_on: dt.date) -> bool:
    """Whether any of the lab's families had a reading after the baseline already."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Assessment.family_id == Family.id,
                    Family.municipality_id == municipality_id,
                    Assessment.assessed_on > baseline_on,
                )
            )
        )
    )


def versions(session: AnySession, municipality_ids: Sequence[int]) -> list[Preregistration]:
    """Every version, oldest first."""
    return list(
        session.scalars(
            select(Preregistration)
            .where(Preregistration.municipality_id.in_(municipality_ids))
            .order_by(Preregistration.municipality_id, Preregistration.version)
        )
    )


def latest_version(session: AnySession, municipality_ids: Sequence[int]) -> Preregistration | None:
    """The version in force: the newest of a single municipality's (several municipalities
    pooled share no pre-registration)."""
    if len(set(municipality_ids)) != 1:
        return None
    return session.scalars(
        select(Preregistration)
        .where(Preregistration.municipality_id == municipality_ids[0])
        .order_by(Preregistration.version.desc())
        .limit(1)
    ).first()


def version_or_404(session: AnySession, registration_id: int, visible: Any) -> Preregistration:
    row = session.get(Preregistration, registration_id)
    if row is None or not visible(row.municipality_id):
        raise NotFound()
    return row


def described(row: Preregistration) -> dict[str, Any]:
    return {
        "id": row.id,
        "municipality_id": row.municipality_id,
        "version": row.version,
        "indicator": row.indicator,
        "baseline_on": row.baseline_on,
        "horizon_on": row.horizon_on,
        "targets": row.targets,
        "note": row.note,
        "results_existed": row.results_existed,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "immutable": True,
    }
