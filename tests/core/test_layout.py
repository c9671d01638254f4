"""The project's top level as its design card names it: Alembic's migrations/ and the report
templates' reports/ beside the package, found from a checkout by the service and by alembic.ini
(the installed wheel's copies are proved by test_wheel.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from velferdslab.settings import MIGRATIONS_DIR, REPORT_TEMPLATES_DIR

CHECKOUT = Path(__file__).resolve().parents[2]


def test_migrations_and_report_templates_sit_at_the_top_level() -> None:
    for name in ("pyproject.toml", "velferdslab", "migrations", "reports", "tests", "config"):
        assert (CHECKOUT / name).exists(), name
    assert MIGRATIONS_DIR == CHECKOUT / "migrations"
    assert (MIGRATIONS_DIR / "env.py").is_file() and any(MIGRATIONS_DIR.glob("versions/*.py"))
    assert REPORT_TEMPLATES_DIR == CHECKOUT / "reports"
    assert (REPORT_TEMPLATES_DIR / "family.html").is_file()
    assert not (CHECKOUT / "velferdslab" / "reports" / "pdf_templates").exists()


def test_alembic_ini_of_the_checkout_finds_the_migrations(tmp_path: Path) -> None:
    # what a developer runs from the project root: `alembic upgrade head`, `alembic heads`
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(CHECKOUT / "alembic.ini"), "heads"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(CHECKOUT),
             "VELFERDSLAB_DATABASE_URL": f"sqlite:///{tmp_path / 'heads.db'}"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(head)" in done.stdout
