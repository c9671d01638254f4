"""Issue 26: the family's pages in bokmål, nynorsk and English. A family member who chooses
Nynorsk reads every /min-side page in nynorsk (every catalogue string those pages look up has a
nynorsk translation, none falls back to the English msgid or to bokmål), dates and money as in
bokmål; the choice outlives sign-in and sign-out in the family's own cookie; the staff pages keep
bokmål and English."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.api.test_access_matrix import signed_in
from tests.factories import add_assessment
from tests.family_portal.helpers import PARENT_PID, csrf, demo_family, person, sign_in
from tests.family_portal.test_pages import text_of
from tests.sso.helpers import Provider
from velferdslab.families.models import Consent

CATALOGUE = Path(__file__).parents[2] / "velferdslab/translations/nn/LC_MESSAGES/messages.po"


def nynorsk() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="nn")
    return {str(m.id): str(m.string) for m in catalogue if m.id and isinstance(m.id, str)}


@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Every msgid the rendered pages ask the catalogue for (flask-babel asks `ugettext`,
    lazy strings included, and `ungettext` for plurals: singular and plural both counted)."""
    seen: set[str] = set()
    plain, plural = Translations.ugettext, Translations.ungettext

    def ugettext(self: Translations, message: str) -> str:
        seen.add(message)
        return str(plain(self, message))

    def ungettext(self: Translations, singular: str, many: str, n: int) -> str:
        seen.update((singular, many))
        return str(plural(self, singular, many, n))

    monkeypatch.setattr(Translations, "ugettext", ugettext)
    monkeypatch.setattr(Translations, "ungettext", ungettext)
    yield seen


def choose(client: FlaskClient, language: str, page: str = "/min-side") -> FlaskClient:
    shown = client.get(page)
    answer = client.post(
        "/min-side/sprak",
        data={"csrf_token": csrf(text_of(shown)), "language": language, "next": page},
    )
    assert answer.status_code == 302
    return client


def test_a_family_member_who_chooses_nynorsk_reads_every_page_in_nynorsk(
    family_client: FlaskClient, db: scoped_session, provider: Provider, looked_up: set[str]
) -> None:
    demo = demo_family(db)
    add_assessment(db, demo.family, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, demo.family, dt.date(2025, 6, 2), housing=1, work=1)
    person(provider, "kari", PARENT_PID)
    start = text_of(choose(family_client, "nn").get("/min-side"))
    assert '<html lang="nn">' in start
    # chosen before signing in, kept through ID-porten: the sign-in asks it in nynorsk too
    assert "ui_locales=nn" in family_client.get("/min-side/logg-inn").location
    answer, _ = sign_in(family_client, provider, "kari")
    assert answer.status_code == 302

    plan = text_of(family_client.get("/min-side/plan"))
    family_client.post(
        "/min-side/kommentar",
        data={
            "csrf_token": csrf(plan),
            "kind": "measure",
            "record": demo.measure.id,
            "text": "Kan vi få hjelp?",
        },
    )
    pages = {
        path: text_of(family_client.get(path))
        for path in (
            "/min-side/plan",
            "/min-side/reisen",
            "/min-side/var-vurdering",
            "/min-side/samtykker",
            "/min-side/hvem-har-sett",
            "/min-side/vare-data",
        )
    }
    consent = db.scalars(select(Consent).where(Consent.family_id == demo.family.id)).one()
    pages["withdraw"] = text_of(
        family_client.get(f"/min-side/samtykker/{consent.id}/trekk-tilbake")
    )

    # signing out keeps the language: the signed-out page is in nynorsk too
    family_client.post("/min-side/logg-ut", data={"csrf_token": csrf(pages["withdraw"])})
    pages["signed out"] = text_of(family_client.get("/min-side/logget-ut"))
    assert "Du er logga ut" in pages["signed out"]

    # characteristic nynorsk words, page by page (bokmål: "Vår plan", "Reisen vår", "Vår egen
    # vurdering", "Samtykkene våre", "Hvem har sett opplysningene våre", "Trekke tilbake")
    assert "Planen vår" in pages["/min-side/plan"]
    assert "Kommentaren er send til teamet" in pages["/min-side/plan"]  # the flash after it
    assert "Reisa vår" in pages["/min-side/reisen"]
    assert "Korleis det har gått" in pages["/min-side/reisen"]
    assert "Vår eiga vurdering" in pages["/min-side/var-vurdering"]
    assert "Samtykka våre" in pages["/min-side/samtykker"]
    assert "Kven har sett opplysningane våre" in pages["/min-side/hvem-har-sett"]
    assert "las planen vår" in pages["/min-side/hvem-har-sett"]
    assert "Last ned opplysningane våre" in pages["/min-side/vare-data"]
    assert "Trekkje tilbake samtykket" in pages["withdraw"]
    for path, page in pages.items():
        assert '<html lang="nn">' in page, path
        # bokmål's give-aways (the family's own words in the demo data hold none of them)
        words = re.sub(r"<[^>]*>", " ", page)  # what is read, not the links' paths
        assert not re.search(r"\b(hvem|hvordan|ikke|hva|leste)\b", words, re.IGNORECASE), path
    # dates and money as in bokmål
    assert "06.01.2025" in pages["/min-side/reisen"]
    assert "12 500 kr" in pages["/min-side/plan"]

    # every string the pages looked up has a nynorsk translation: no English msgid leaks
    catalogue = nynorsk()
    untranslated = sorted(m for m in looked_up if not catalogue.get(m))
    assert untranslated == [], "translate these in the nn catalogue"
    assert len(looked_up) > 60  # the walk did look (navigation, chart, levels, domains, …)


def test_the_language_switch_offers_bokmal_nynorsk_and_english(
    family_client: FlaskClient,
) -> None:
    page = text_of(family_client.get("/min-side"))
    for code, name in (("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")):
        assert f'value="{code}" lang="{code}"' in page and f">{name}</button>" in page
    assert 'value="nb" lang="nb" aria-pressed="true"' in page
    english = text_of(choose(family_client, "en").get("/min-side"))
    assert '<html lang="en">' in english and 'value="en" lang="en" aria-pressed="true"' in english
    # a language the pages do not have is refused: the choice stays as it was
    choose(family_client, "se")
    assert '<html lang="en">' in text_of(family_client.get("/min-side"))


def test_the_staff_pages_keep_bokmal_when_a_session_carries_nynorsk(
    portal_app: Flask, db: scoped_session
) -> None:
    demo = demo_family(db)
    staff = signed_in(portal_app, demo.lab.member)
    with staff.session_transaction() as session:
        session["language"] = "nn"
    page = text_of(staff.get(f"/families/{demo.family.id}"))
    assert '<html lang="nb">' in page and "Familie" in page
