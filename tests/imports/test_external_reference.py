"""The lab's own reference is the family's `external_reference`: the API shows it and finds a
family by it, within what the policy lets the user see."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from tests.factories import auth, make_lab
from tests.imports.helpers import family_of, upload
from tests.imports.workbooks import lab_file, small_lab
from velferdslab.families.services import create_family


def test_a_family_is_found_by_the_reference_it_was_imported_with(client: Any, db: Any) -> None:
    lab = make_lab(db)
    rows = lab_file(small_lab(3), lab.municipality.number, lab.housing.name, lab.lead.username)
    upload(client, db, lab.lead, rows.xlsx(), dry_run=False)
    found = client.get(
        "/api/v1/families?external_reference=LAB-002", headers=auth(db, lab.lead)
    ).get_json()
    assert [f["external_reference"] for f in found] == ["LAB-002"]
    assert found[0]["referred_on"] == "2023-02-10"
    assert found[0]["reference"].endswith("-2023-0002")  # the service's own numbering stays
    unknown = client.get("/api/v1/families?external_reference=LAB-999", headers=auth(db, lab.lead))
    assert unknown.get_json() == []
    other = make_lab(db)  # another municipality's lead sees nothing of it
    theirs = client.get("/api/v1/families?external_reference=LAB-002", headers=auth(db, other.lead))
    assert theirs.status_code == 200 and theirs.get_json() == []


def test_imported_families_are_numbered_after_the_stored_ones_one_by_one(
    client: Any, db: Any
) -> None:
    """The import counts its families' numbers itself after the first of a year: they follow the
    family enrolled by hand before it, none twice, none is refused for it, and a family refused
    for its own rows leaves no gap."""
    lab = make_lab(db)
    by_hand = create_family(
        db, municipality_id=lab.municipality.id, referred_on=dt.date(2023, 6, 1),
        investment_lead_id=lab.lead.id,
    )  # fmt: skip
    db.commit()
    plans = small_lab(5)
    beyond = ((plans[1].referred_on + dt.timedelta(days=30), "kr 900 000", "Over budsjett"),)
    plans[1] = replace(plans[1], spending=beyond)  # LAB-002: refused by the year's budget
    rows = lab_file(plans, lab.municipality.number, lab.housing.name, lab.lead.username)
    answer = upload(client, db, lab.lead, rows.xlsx(), dry_run=False).get_json()
    assert answer["counts"]["created"] == 4 and answer["counts"]["refused"] == 1
    numbers = [family_of(db, f"LAB-{n:03d}").reference for n in (1, 3, 4, 5)]
    prefix = by_hand.reference.rsplit("-", 1)[0]
    assert by_hand.reference == f"{prefix}-0001"
    assert numbers == [f"{prefix}-{n:04d}" for n in range(2, 6)]
