"""The report pages in the words and dates a Norwegian reader expects (issue 22.8)."""

from __future__ import annotations

import datetime as dt
import io
import re

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.web.test_login import csrf_from, login


def test_the_report_page_writes_its_dates_the_norwegian_way(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 1), finance=1)
    body = {"kind": "family", "family_id": family.id, "as_of": "2025-12-06"}
    report_id = client.post("/api/v1/reports", json=body, headers=auth(db, lab.lead)).get_json()[
        "id"
    ]
    login(client, lab.lead.username)
    text = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "06.12.2025" in text and "01.01.2025 – 06.12.2025" in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)


def test_verifying_a_file_that_is_not_a_pdf_says_so(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.auditor.username)
    csrf = csrf_from(client.get("/reports/verify").get_data(as_text=True))
    answer = client.post(
        "/reports/verify",
        data={"csrf_token": csrf, "file": (io.BytesIO(b"Dato;Bel\xc3\xb8p\n"), "utgifter.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    assert "filen er ikke en PDF" in answer.get_data(as_text=True)
    pdf_like = client.post(
        "/reports/verify",
        data={"csrf_token": csrf, "file": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert "filen er ikke en PDF" not in pdf_like.get_data(as_text=True)
