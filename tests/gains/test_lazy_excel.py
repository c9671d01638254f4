"""openpyxl (with lxml and PIL: some 12 MB in each worker) is loaded by the first workbook made
or read, not with the app: a worker that serves the dashboard and the portfolio API never holds
it (issue 30, the portfolio's peak RSS ≤ 400 MB). The workbooks themselves are tested where they
are made (test_portfolio_workbook.py, the plan sheet, the import template and its rejected rows)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STARTED = """
import sys
from velferdslab.app import create_app
app = create_app({"DATABASE_URL": "sqlite://", "ENV": "test", "SECRET_KEY": "x"})
print(sorted(name for name in ("openpyxl", "lxml", "PIL") if name in sys.modules))
with app.app_context():
    from velferdslab.gains.excel import portfolio_workbook  # noqa: F401
print(sorted(name for name in ("openpyxl", "lxml", "PIL") if name in sys.modules))
"""


def test_a_started_app_has_not_loaded_openpyxl() -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    answer = subprocess.run(
        [sys.executable, "-c", STARTED],
        capture_output=True, text=True, cwd=ROOT, env=environment, check=True, timeout=120,
    )  # fmt: skip
    started, with_the_module = answer.stdout.strip().splitlines()[-2:]
    assert started == "[]"
    assert with_the_module == "[]"  # the module only: openpyxl comes with the first workbook


ON_SQLITE = """
import sys
from velferdslab.app import create_app
create_app({"DATABASE_URL": "sqlite://", "ENV": "test", "SECRET_KEY": "x"})
print("psycopg" in sys.modules)
"""


def test_an_app_on_sqlite_has_not_loaded_the_postgresql_driver() -> None:
    """The import's COPY (velferdslab/bulk.py) loads psycopg where it copies rows: an embedded
    installation (`make run`) never holds it."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    answer = subprocess.run(
        [sys.executable, "-c", ON_SQLITE],
        capture_output=True, text=True, cwd=ROOT, env=environment, check=True, timeout=120,
    )  # fmt: skip
    assert answer.stdout.strip().splitlines()[-1] == "False"
