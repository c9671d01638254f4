"""WCAG 2.1 AA as axe-core checks it (contrast, names, landmarks, scrollable boxes a keyboard can
reach), on every page of the access matrix that each role may open, at 1280 and 390 px.

Not a database test: the pages' markup and styles are the same on SQLite and PostgreSQL, so the
sweep runs once, in the SQLite pass of `make test` (without the `db` mark).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import BrowserContext
from sqlalchemy import select

from tests.api.test_access_matrix import PAGES
from tests.browser.helpers import Seed, login
from velferdslab.assumptions.services import default_set
from velferdslab.extensions import db as flask_db
from velferdslab.imports.models import ImportRun
from velferdslab.missions.models import Mission, MissionMunicipality, MissionTarget
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal, Measure
from velferdslab.reports.models import IssuedReport
from velferdslab.users.models import User

pytestmark = [pytest.mark.browser]

ROLES = ("member", "lead", "leader", "auditor", "admin")
WIDTHS = ({"width": 1280, "height": 800}, {"width": 390, "height": 844})
# What the browser downloads rather than shows (a workbook, a PDF, a CSV or an .xlsx export).
DOWNLOAD = re.compile(r"\.(xlsx|pdf|\{kind\})$")
SERIOUS = ("serious", "critical")
AXE_SOURCE = Axe().axe_script  # axe-core as axe-playwright-python ships it
RUN_AXE = "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"


def pages_of(role: str) -> list[str]:
    """The pages of the access matrix (a new page must enter it) that `role` may open; a
    family's page as a member of its team."""
    return [
        path
        for path, allowed in sorted(PAGES.items())
        if not DOWNLOAD.search(path) and _may_open(role, path, allowed)
    ]


def _may_open(role: str, path: str, allowed: Any) -> bool:
    if "{family_id}" in path:
        return "own" in allowed.get(role, ())
    return role in allowed


@pytest.fixture
def page_ids(browser_app: Flask, seeded: Seed) -> dict[str, str]:
    """A record of the seed for each parameter of a page's path."""
    with browser_app.app_context():
        session = flask_db.session
        municipality = session.scalars(
            select(Municipality).where(Municipality.name == seeded.municipality)
        ).one()

        def first(query: Any) -> str:
            return str(session.scalars(query.limit(1)).one())

        ids = {
            "family_id": str(seeded.charted_id),
            "goal_id": first(select(Goal.id).where(Goal.family_id == seeded.charted_id)),
            "measure_id": first(select(Measure.id).where(Measure.family_id == seeded.charted_id)),
            "municipality_id": str(municipality.id),
            "agency_id": first(select(Agency.id).where(Agency.municipality_id == municipality.id)),
            "user_id": first(select(User.id).where(User.username == seeded.member)),
            "set_id": str(default_set(session).id),  # made when first needed
            "report_id": first(select(IssuedReport.id).order_by(IssuedReport.id)),
            "import_id": str(_dry_run(session, municipality.id, seeded.lead)),
            "domain": "housing",
            "mission_id": str(_mission(session, municipality.id, seeded.leader)),
        }
        session.commit()
        session.remove()
    return ids


def _dry_run(session: Any, municipality_id: int, lead: str) -> int:
    """A dry run of the municipality with one problem (its page shows the report's tables)."""
    found = session.scalar(select(ImportRun.id).where(ImportRun.municipality_id == municipality_id))
    if found is not None:
        return int(found)
    problem = {
        "sheet": "Kartlegginger", "row": 3, "column": "Bolig", "value": "god",
        "severity": "error", "code": "level", "reference": "LAB-1",
        "message": {"nb": "Ikke et nivå.", "en": "Not a level."},
    }  # fmt: skip
    run = ImportRun(
        municipality_id=municipality_id,
        created_by=session.scalars(select(User.id).where(User.username == lead)).one(),
        dry_run=True, status="done", file_name="lab.xlsx", sha256="1" * 64,
        counts={"created": 0, "updated": 0, "unchanged": 0, "refused": 1},
        report=[problem], families={"LAB-1": "refused"},
        rejected={"headers": {"Kartlegginger": ["Referanse", "Dato", "Bolig"]},
                  "rows": [{"sheet": "Kartlegginger", "row": 3,
                            "cells": ["LAB-1", "2024-01-01", "god"]}]},
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run.id


def _mission(session: Any, municipality_id: int, leader_name: str) -> int:
    """A mission over the seed's municipality, owned by its leader (made once)."""
    found = session.scalars(select(Mission.id).order_by(Mission.id).limit(1)).first()
    if found is not None:
        return int(found)
    leader = session.scalars(select(User).where(User.username == leader_name)).one()
    mission = Mission(
        name="60 % stabil eller bedre innen 31.12.2030", indicator="share_stable_or_better",
        owner_id=leader.id, created_by=leader.id,
        municipality_rows=[MissionMunicipality(municipality_id=municipality_id)],
        targets=[MissionTarget(version=1, baseline_value=0.2, baseline_on=dt.date(2023, 1, 1),
                               target_value=0.6, target_by=dt.date(2030, 12, 31),
                               created_by=leader.id)],
    )  # fmt: skip
    session.add(mission)
    session.flush()
    return mission.id


def fill(path: str, ids: dict[str, str]) -> str:
    url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), m.group(0)), path)
    assert "{" not in url, f"{path}: give the sweep a record for this new page's path"
    return url


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_accessibility_violation_on_any_page_of_a_role(
    context: BrowserContext, seeded: Seed, page_ids: dict[str, str], role: str,
    artifacts_dir: Path,
) -> None:  # fmt: skip
    """WCAG 2.1 AA as axe-core checks it, at 1280 and 390 px: contrast, names, landmarks,
    scrollable boxes a keyboard can reach. One sign-in per role; each page is loaded once and
    checked at both widths."""
    page = context.new_page()
    login(page, getattr(seeded, role))
    paths = pages_of(role)
    assert len(paths) >= 3, paths
    found: list[str] = []
    for path in paths:
        response = page.goto(fill(path, page_ids))
        assert response is not None and response.ok, f"{role}: {path} answered {response}"
        page.evaluate(AXE_SOURCE)  # once per page, for both widths
        for size in WIDTHS:
            page.set_viewport_size(size)
            for violation in page.evaluate(RUN_AXE):
                if violation["impact"] in SERIOUS:
                    targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
                    found.append(f"{path} @{size['width']}px {violation['id']}: {targets[:4]}")
    report = artifacts_dir / f"axe-{role}.txt"
    report.write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found == [], "\n".join(found)
