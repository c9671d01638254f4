from flask.testing import FlaskClient


def test_healthz_answers_ok_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from velferdslab.app import create_app

    # A directory that does not exist: SQLite cannot open the file.
    app = create_app({"ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/missing/x.db"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
