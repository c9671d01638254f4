"""The Importer page in the lead's menu: the dry run's report first, in bokmål, and the import
only of the very file the dry run checked."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from sqlalchemy import func, select

from tests.factories import make_lab
from tests.imports.helpers import family_of
from tests.imports.workbooks import lab_file, small_lab
from tests.web.test_login import csrf_from, login
from velferdslab.families.models import Family


def post_file(client: Any, content: bytes, checked: str = "") -> Any:
    token = csrf_from(client.get("/imports").get_data(as_text=True))
    form = {"csrf_token": token, "checked": checked, "file": (io.BytesIO(content), "lab.xlsx")}
    return client.post("/imports", data=form, content_type="multipart/form-data")


def test_a_lead_dry_runs_reads_the_report_in_bokmal_then_imports(client: Any, db: Any) -> None:
    lab = make_lab(db)
    login(client, lab.lead.username)
    page = client.get("/imports").get_data(as_text=True)
    assert 'href="/imports"' in page and "Importer labbens registreringer" in page
    lab_rows = lab_file(small_lab(2), lab.municipality.number, lab.housing.name, "")
    lab_rows.rows["Kartlegginger"][0][2] = "god"  # LAB-001's first reading: no level word
    content = lab_rows.xlsx()
    dry = post_file(client, content).get_data(as_text=True)
    assert "Prøvekjøring av lab.xlsx: ingenting ble lagret" in dry
    assert "Ikke et nivå: skriv uholdbar, utsatt, stabil eller bærekraftig" in dry
    assert db.scalar(select(func.count(Family.external_reference))) == 0
    other = post_file(client, content + b" ", hashlib.sha256(content).hexdigest())
    assert "ikke filen prøvekjøringen sjekket" in other.get_data(as_text=True)
    done = post_file(client, content, hashlib.sha256(content).hexdigest()).get_data(as_text=True)
    assert "Importert: lab.xlsx" in done
    assert family_of(db, "LAB-002").investment_lead_id == lab.lead.id
    assert db.scalar(select(func.count(Family.external_reference))) == 1  # LAB-001 refused


def test_the_page_is_not_for_team_members(client: Any, db: Any) -> None:
    lab = make_lab(db)
    login(client, lab.member.username)
    assert client.get("/imports").status_code == 403
    assert 'href="/imports"' not in client.get("/").get_data(as_text=True)
