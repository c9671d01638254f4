"""The verify page takes files up to REPORT_MAX_UPLOAD_BYTES (50 MB), as documented, not the
1 MB of other forms: the limit applies before the CSRF check reads the form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import make_lab
from tests.web.test_login import csrf_from, login


@pytest.fixture
def three_mb_limit(app: Flask) -> Iterator[None]:
    saved = app.config["REPORT_MAX_UPLOAD_BYTES"]
    app.config["REPORT_MAX_UPLOAD_BYTES"] = 3 * 1024 * 1024
    yield
    app.config["REPORT_MAX_UPLOAD_BYTES"] = saved


def post_file(client: FlaskClient, size: int):  # type: ignore[no-untyped-def]
    csrf = csrf_from(client.get("/reports/verify").get_data(as_text=True))
    # The body made here, in memory: the test client would spool a large one to a temporary
    # file that it leaves open.
    boundary = "sec-boundary-7214"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.7\n"
        + b"0" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/reports/verify",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_file_above_one_megabyte_is_checked_on_the_verify_page(
    three_mb_limit: None, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.auditor.username)
    response = post_file(client, 2 * 1024 * 1024)
    assert response.status_code == 200
    assert "ikke" in response.get_data(as_text=True)  # answered: not an issued report
    assert post_file(client, 4 * 1024 * 1024).status_code == 413
