"""Norwegian throughout, in a real browser: the audit log and the access log name actions and
records in bokmål, families by reference and people by name, with no English code and no id; the
log's filters understand the page's words; the error pages speak the page's language."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login
from velferdslab.audit.presentation import ACTION_LABELS, ENTITY_LABELS

pytestmark = [pytest.mark.db, pytest.mark.browser]

CODES = re.compile(r"\b(" + "|".join(sorted({*ACTION_LABELS, *ENTITY_LABELS})) + r")\b")


def assert_no_code_or_id(page: Page, table: str) -> None:
    """Fails on any English action or record code, and on any raw id, shown in the table."""
    text = page.locator(table).inner_text()
    assert not CODES.findall(text), f"untranslated codes: {sorted(set(CODES.findall(text)))}"
    assert not re.search(r"#\d", text), "an internal id is shown"
    for cell in page.locator(f"{table} tbody td").all_inner_texts():
        assert not re.fullmatch(r"\d+", cell.strip()), f"a bare number (an id?): {cell}"


def test_the_audit_log_is_norwegian_and_filters_in_the_pages_words(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    page.goto(f"/families/{seeded.planned_id}")  # an event to find
    page.get_by_role("button", name="Logg ut").click()

    login(page, seeded.auditor)
    page.goto("/audit/log")
    expect(page.locator("#log tbody tr").first).to_be_visible()
    assert_no_code_or_id(page, "#log")
    shoot(page, "audit-log-norwegian")

    page.get_by_label("Bruker").select_option(label="Tove Teammedlem")
    page.get_by_label("Familiens referanse").fill(seeded.planned_reference)
    page.get_by_label("Handling").select_option(label="leste")
    page.get_by_label("Fra", exact=True).fill(TODAY.isoformat())
    page.get_by_label("Til", exact=True).fill(TODAY.isoformat())
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("#log tbody tr")
    expect(rows.first).to_contain_text("Tove Teammedlem")
    for row in rows.all():
        expect(row).to_contain_text("leste")
        expect(row).to_contain_text(seeded.planned_reference)
    assert_no_code_or_id(page, "#log")
    shoot(page, "audit-log-filtered")

    # what a person types in the page's language is understood too
    page.goto(f"/audit/log?action=godkjenn&family={seeded.planned_reference}")
    expect(page.locator("#log tbody")).to_contain_text("Ingen hendelser")
    page.goto(f"/audit/log?action=les&family={seeded.planned_reference}")
    expect(page.locator("#log tbody tr").first).to_contain_text("leste")
    tomorrow = TODAY.toordinal() + 1
    page.goto(f"/audit/log?from={TODAY.fromordinal(tomorrow).isoformat()}")
    expect(page.locator("#log tbody")).to_contain_text("Ingen hendelser")


def test_the_access_log_names_actions_and_records_in_bokmal(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.goto(f"/families/{seeded.quiet_id}")
    page.get_by_role("link", name="Hvem har sett").click()
    expect(page.locator("#access-log tbody tr").first).to_contain_text("Ine Investeringsleder")
    assert_no_code_or_id(page, "#access-log")
    expect(page.locator("#access-log")).to_contain_text(f"familie {seeded.quiet_reference}")


def test_error_pages_speak_the_pages_language(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    response = page.goto("/dashboard")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Ikke tillatt")).to_be_visible()
    expect(page.get_by_text("Rollen din gir ikke tilgang til dette.")).to_be_visible()
    shoot(page, "error-403")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_text("Your role does not allow this.")).to_be_visible()
    page.get_by_role("button", name="Norsk").click()
    expect(page.get_by_role("heading", name="Ikke tillatt")).to_be_visible()
