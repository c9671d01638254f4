"""A client generated from the OpenAPI document (openapi-python-client), as an integrator makes
one: the journey in client_journey/journey.py passes `mypy --strict` and runs against a live
server — token, families, assessments, gains, the portfolio as a leader, a family report issued,
polled, downloaded and verified, and a stale If-Match refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, add_assessment, make_family, make_lab
from tests.isolated import isolated_database
from velferdslab.app import create_app
from velferdslab.extensions import db as flask_db
from velferdslab.schema import upgrade_database

JOURNEY = Path(__file__).parent / "client_journey" / "journey.py"
BIN = Path(sys.executable).parent
# openapi-python-client handles these media types as bytes once told they are binary.
GENERATOR_CONFIG = {
    "content_type_overrides": {
        "application/pdf": "application/octet-stream",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
            "application/octet-stream"
        ),
    }
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("client")
    with isolated_database("generated_client", folder) as url:
        app = create_app(
            {
                "ENV": "test",
                "DATABASE_URL": url,
                "SECRET_KEY": "generated-client-test",
                "REPORT_DIR": str(folder / "reports"),
            }
        )
        upgrade_database(app)
        with app.app_context():
            session = flask_db.session
            lab = make_lab(session)
            family = make_family(session, lab)
            add_assessment(session, family, dt.date(2025, 1, 6), housing=0, work=1)
            session.commit()
            people = {
                "lead": lab.lead.username,
                "leader": lab.leader.username,
                "family": str(family.id),
            }
        http = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{http.server_port}", people
        finally:
            http.shutdown()
            thread.join(timeout=10)
            http.server_close()
            with app.app_context():
                flask_db.session.remove()
                flask_db.engine.dispose()


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The generator finishes its code with ruff from PATH, as on an integrator's machine.
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_a_generated_client_walks_the_journey_typed(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base_url, people = server
    document = subprocess.run(
        [BIN / "python", "-c", "import urllib.request,sys;"
         f"sys.stdout.write(urllib.request.urlopen('{base_url}/api/v1/openapi.json').read().decode())"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    (tmp_path / "openapi.json").write_text(document)
    (tmp_path / "config.json").write_text(json.dumps(GENERATOR_CONFIG))
    generated = run(
        BIN / "openapi-python-client", "generate", "--path", "openapi.json", "--meta", "none",
        "--output-path", "client", "--config", "config.json", cwd=tmp_path,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout  # nothing left out
    shutil.copy(JOURNEY, tmp_path / "journey.py")

    checked = run(
        BIN / "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
        "--config-file", "/dev/null", "journey.py", cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout

    walked = run(
        BIN / "python", "journey.py", base_url, people["lead"], people["leader"], PASSWORD,
        people["family"], cwd=tmp_path,
    )  # fmt: skip
    assert walked.returncode == 0, walked.stdout + walked.stderr
    assert "stale If-Match 412" in walked.stdout
    assert "journey done" in walked.stdout
