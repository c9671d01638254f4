"""The imported families' gains equal those of the same families entered through the API, to
the øre: the import writes through the same services, so the journeys are the same."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import Lab, auth, make_lab
from tests.imports.helpers import family_of, upload
from tests.imports.workbooks import DOMAINS, FamilyPlan, lab_file, small_lab
from velferdslab.imports.values import parse_import_amount
from velferdslab.vocabulary import LEVELS

IDENTITY = {"id", "family_id", "reference", "family_reference", "computed_at", "links"}


def enter_through_api(client: Any, headers: dict[str, str], lab: Lab, plan: FamilyPlan) -> int:
    def post(path: str, body: dict[str, Any]) -> Any:
        response = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code == 201, (path, response.get_json())
        return response.get_json()

    family_id = post("/families", {"referred_on": plan.referred_on.isoformat()})["id"]
    response = client.patch(
        f"/api/v1/families/{family_id}",
        json={"status": "active", "enrolled_on": plan.enrolled_on.isoformat()},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    base = f"/families/{family_id}"
    post(f"{base}/members", {"full_name": "Kari Nordmann", "relation": "parent"})
    for on, levels in plan.readings:
        names = {d: LEVELS[v] for d, v in zip(DOMAINS, levels, strict=True) if v is not None}
        rationale = dict.fromkeys(names, "Teamets vurdering")
        post(
            f"{base}/assessments",
            {"assessed_on": on.isoformat(), "levels": names, "rationale": rationale},
        )
    for year, kroner in plan.budgets:
        contributions = [{"agency_id": lab.housing.id, "amount": kroner}]
        post(f"{base}/budgets", {"year": year, "amount": kroner, "contributions": contributions})
    for on, amount, text in plan.spending:
        kroner = float(parse_import_amount(amount))  # type: ignore[assignment]
        post(
            f"{base}/expenditures",
            {"spent_on": on.isoformat(), "amount": kroner, "description": text,
             "domain": "housing", "paying_agency_id": lab.housing.id},
        )  # fmt: skip
    domain, level, target = plan.goal
    post(
        f"{base}/goals",
        {"domain": domain, "target_level": LEVELS[level], "target_date": target.isoformat(),
         "description": "Trygg bolig"},
    )  # fmt: skip
    return int(family_id)


def without_identity(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_identity(v) for k, v in value.items() if k not in IDENTITY}
    if isinstance(value, list):
        return [without_identity(v) for v in value]
    return value


def test_imported_gains_equal_the_same_families_entered_through_the_api(
    client: Any, db: Any
) -> None:
    lab = make_lab(db)
    plans = small_lab(5)
    headers = auth(db, lab.lead)
    by_hand = [enter_through_api(client, headers, lab, plan) for plan in plans]
    content = lab_file(plans, lab.municipality.number, lab.housing.name, lab.lead.username).xlsx()
    body = upload(client, db, lab.lead, content, dry_run=False).get_json()
    assert body["counts"]["created"] == 5 and body["report"] == []
    for plan, hand_id in zip(plans, by_hand, strict=True):
        imported_id = family_of(db, plan.reference).id
        typed = client.get(f"/api/v1/families/{hand_id}/gains", headers=headers)
        imported = client.get(f"/api/v1/families/{imported_id}/gains", headers=headers)
        assert typed.status_code == imported.status_code == 200
        hand_gains, import_gains = typed.get_json(), imported.get_json()
        assert without_identity(import_gains) == without_identity(hand_gains), plan.reference
        # real figures, not an empty answer: the spending to the øre and realised gains
        spent = sum(float(parse_import_amount(amount)) for _on, amount, _text in plan.spending)
        assert import_gains["spending"] == pytest.approx(spent, abs=0.001)
        assert import_gains["realised"]["total"] > 0
