"""The wheel is the product: built once, installed (not editable) into a fresh virtual
environment, and run from an empty folder the way an operator or a container image would.

Runs once per `make test` (no database fixture, so not in the PostgreSQL `-m db` run). To stay
fast and offline the wheel is built without build isolation, and the fresh venv borrows the
dependencies of the suite's own venv through a .pth line (only the path: the checkout's editable
hook is not imported) — `pip install --no-index` then proves that the wheel's declared
dependencies are satisfied and that the package itself comes from the wheel.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[2]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(
    method: str, url: str, token: str | None = None, body: Any = None, headers: Any = None
) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1 only)
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except urllib.error.URLError:
        return 0, b"", {}  # not listening (yet)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A fresh venv with only the wheel installed, and an empty folder to run it in."""
    root = tmp_path_factory.mktemp("wheel")
    started = time.perf_counter()
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(root / "dist"), str(CHECKOUT)],
        root, dict(os.environ),
    )  # fmt: skip
    (wheel,) = (root / "dist").glob("velferdslab-*.whl")
    venv = root / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, dict(os.environ))
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # the suite's dependencies, as a plain path: no .pth of that venv (the editable hook) runs
    Path(purelib, "suite-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VELFERDSLAB_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-cache-dir", "--quiet",
         str(wheel)],
        root, env,
    )  # fmt: skip
    folder = root / "empty"
    folder.mkdir()
    return {
        "venv": venv,
        "python": python,
        "folder": folder,
        "env": env,
        "wheel": wheel,
        "install_seconds": time.perf_counter() - started,
    }


def test_the_wheel_carries_the_compiled_catalogue_and_the_shipped_files(
    installed: dict[str, Any],
) -> None:
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for shipped in (
        "velferdslab/translations/nb/LC_MESSAGES/messages.mo",
        "velferdslab/translations/nn/LC_MESSAGES/messages.mo",  # the family pages (issue 26)
        "velferdslab/defaults/defaults.toml",
        "velferdslab/defaults/level-criteria.toml",
        "velferdslab/defaults/assumptions/velferdslab-standard.toml",
        # the checkout's top-level reports/ and migrations/, carried into the package
        "velferdslab/report_templates/family.html",
        "velferdslab/report_templates/report.css",
        "velferdslab/migrations/env.py",
        "velferdslab/migrations/versions/20261123_0356_9625bbe97d3a_initial_schema.py",
        "velferdslab/templates/login.html",
    ):
        assert shipped in names, shipped
    assert not any(
        name.startswith(("tests/", "config/", "benchmarks/", "migrations/", "reports/"))
        for name in names
    )
    assert not any("__pycache__" in name for name in names)


def test_installed_wheel_migrates_fills_and_serves_from_an_empty_folder(
    installed: dict[str, Any],
) -> None:
    folder, env, venv = installed["folder"], installed["env"], installed["venv"]
    cli = str(venv / "bin" / "velferdslab")

    version = run([cli, "--version"], folder, env)
    from importlib.metadata import version as package_version

    assert version.strip() == f"velferdslab {package_version('velferdslab')}"
    where = run([str(installed["python"]), "-c", "import velferdslab; print(velferdslab.__file__)"],
                folder, env)  # fmt: skip
    assert where.strip().startswith(str(venv)), "the package must come from the wheel"

    assert "newest schema" in run([cli, "db", "upgrade"], folder, env)
    demo = run([cli, "demo", "--families", "12", "--municipalities", "1"], folder, env)
    assert "demo-lead-2026" in demo
    assert (folder / "instance" / "velferdslab.db").is_file()

    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=folder, env=env, stdout=output, stderr=output, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while call("GET", f"{base}/healthz")[0] != 200:
            assert server.poll() is None, f"serve exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)

        # No language chosen, no Accept-Language: Norwegian
        status, page, _ = call("GET", f"{base}/login")
        html = page.decode()
        assert status == 200 and '<html lang="nb"' in html
        assert "Brukernavn" in html and "Passord" in html and "User name" not in html

        status, body, _ = call(
            "POST", f"{base}/api/v1/auth/token",
            body={"username": "lead", "password": "demo-lead-2026"},
        )  # fmt: skip
        assert status == 200, body
        token = json.loads(body)["access_token"]

        status, body, _ = call("GET", f"{base}/api/v1/assumption-sets", token)
        assert status == 200
        assert "Velferdslab standard" in {item["name"] for item in json.loads(body)}

        status, body, _ = call("GET", f"{base}/api/v1/families", token)
        family_id = json.loads(body)[0]["id"]
        status, body, _ = call(
            "POST", f"{base}/api/v1/reports", token, {"kind": "family", "family_id": family_id}
        )
        assert status in (201, 202), body
        report = json.loads(body)
        deadline = time.monotonic() + 90
        while report["status"] != "ready":
            assert report["status"] != "failed", report
            assert time.monotonic() < deadline, report
            time.sleep(0.3)
            report = json.loads(call("GET", f"{base}/api/v1/reports/{report['id']}", token)[1])
        status, pdf, _ = call("GET", f"{base}/api/v1/reports/{report['id']}/pdf", token)
        assert status == 200 and pdf.startswith(b"%PDF")
        assert "Familierapport" in pdf_text(pdf)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the serve command's own process group
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert not (folder / "config").exists() or not any((folder / "config").iterdir())
