"""The lab's own reference is the family's `external_reference`: the API shows it and finds a
family by it, within what the policy lets the user see."""

from __future__ import annotations

from typing import Any

from tests.factories import auth, make_lab
from tests.imports.helpers import upload
from tests.imports.workbooks import lab_file, small_lab


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
