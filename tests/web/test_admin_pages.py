"""The admin's pages for municipalities, agencies, assumption sets and level help texts: the
same services and rules as the API, errors beside the field, nothing stored when refused."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import make_lab, make_municipality, make_user
from tests.web.test_login import csrf_from, login
from velferdslab.assessments.descriptions import default_criteria
from velferdslab.assessments.models import LevelDescription
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import DEFAULT_FILE, default_set, mark_immutable
from velferdslab.audit.models import AuditEvent
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.vocabulary import Role

PAGES = (
    "/admin/municipalities",
    "/admin/municipalities/{municipality}",
    "/admin/agencies/{agency}",
    "/admin/assumption-sets",
    "/admin/assumption-sets/{set}",
    "/admin/level-texts",
    "/admin/level-texts/work",
)


def rows(db: scoped_session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def events(db: scoped_session, entity: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def token(client: FlaskClient, url: str = "/") -> str:
    return csrf_from(client.get(url).get_data(as_text=True))


def test_every_admin_page_opens_for_the_admin_and_the_admin_page_links_them(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    standard = default_set(db)
    login(client, lab.admin.username)
    index = client.get("/admin").get_data(as_text=True)
    for link in ("/admin/municipalities", "/admin/assumption-sets", "/admin/level-texts"):
        assert f'href="{link}"' in index
    for page in PAGES:
        url = page.format(municipality=lab.municipality.id, agency=lab.nav.id, set=standard.id)
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="nb"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["member", "lead", "leader", "auditor"])
def test_other_roles_get_404_for_every_admin_page(
    client: FlaskClient, db: scoped_session, role: str
) -> None:
    lab = make_lab(db)
    standard = default_set(db)
    login(client, getattr(lab, role).username)
    csrf = token(client)
    before = (rows(db, Municipality), rows(db, Agency), rows(db, AssumptionSet))
    for page in PAGES:
        url = page.format(municipality=lab.municipality.id, agency=lab.nav.id, set=standard.id)
        assert client.get(url).status_code == 404, url
        if url == "/admin/level-texts":
            continue  # read-only: each domain has its own form
        posted = client.post(url, data={"csrf_token": csrf, "name": "X", "description": "X"})
        assert posted.status_code == 404, url
    assert (rows(db, Municipality), rows(db, Agency), rows(db, AssumptionSet)) == before
    assert rows(db, LevelDescription) == 0


def test_a_regional_admin_lists_and_adds_municipalities(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    other = make_municipality(db)
    regional = make_user(db, Role.ADMIN)
    login(client, regional.username)
    page = client.get("/admin/municipalities").get_data(as_text=True)
    assert lab.municipality.name in page and other.name in page
    assert "Legg til en kommune" in page
    response = client.post(
        "/admin/municipalities",
        data={
            "csrf_token": csrf_from(page),
            "name": "Nykommune",
            "number": "4299",
            "reference_prefix": "nyk",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Nykommune er lagt til" in response.get_data(as_text=True)
    added = db.scalars(select(Municipality).where(Municipality.name == "Nykommune")).one()
    assert added.reference_prefix == "NYK" and added.number == "4299"
    assert [e.entity_id for e in events(db, "municipality")] == [added.id]
    # the new municipality's page adds agencies to it
    assert "Legg til en virksomhet" in response.get_data(as_text=True)
    # no prefix typed: derived from the name, and shown
    response = client.post(
        "/admin/municipalities",
        data={"csrf_token": csrf_from(page), "name": "Øvre Eiker", "number": "3314",
              "reference_prefix": ""},
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code == 200 and "ØVR" in response.get_data(as_text=True)


def test_bad_municipality_input_is_shown_beside_the_field_and_stores_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    regional = make_user(db, Role.ADMIN)
    login(client, regional.username)
    csrf = token(client, "/admin/municipalities")
    before = rows(db, Municipality)
    empty = client.post(
        "/admin/municipalities",
        data={"csrf_token": csrf, "name": "  ", "number": "42", "reference_prefix": "X1"},
    )
    assert empty.status_code == 422
    page = empty.get_data(as_text=True)
    assert 'id="name-error"' in page and "Skriv kommunens navn" in page
    assert 'id="number-error"' in page and "Nøyaktig 4 sifre" in page
    assert 'id="reference_prefix-error"' in page
    duplicate = client.post(
        "/admin/municipalities",
        data={
            "csrf_token": csrf,
            "name": lab.municipality.name,
            "number": lab.municipality.number,
            "reference_prefix": "DUPL",
        },
    )
    assert duplicate.status_code == 422
    page = duplicate.get_data(as_text=True)
    assert 'id="name-error">En annen kommune har dette navnet.' in page
    assert 'id="number-error">En annen kommune har dette kommunenummeret.' in page
    assert rows(db, Municipality) == before
    assert events(db, "municipality") == []


def test_a_municipal_admin_sees_and_manages_only_its_own_municipality(
    client: FlaskClient, db: scoped_session
) -> None:
    ours = make_lab(db)
    theirs = make_lab(db)
    login(client, ours.admin.username)
    page = client.get("/admin/municipalities").get_data(as_text=True)
    assert ours.municipality.name in page and theirs.municipality.name not in page
    assert "Legg til en kommune" not in page  # only a regional admin adds municipalities
    before = rows(db, Municipality)
    refused = client.post(
        "/admin/municipalities",
        data={
            "csrf_token": csrf_from(page),
            "name": "Ny",
            "number": "4298",
            "reference_prefix": "NY",
        },
    )
    assert refused.status_code == 404 and rows(db, Municipality) == before
    assert client.get(f"/admin/municipalities/{theirs.municipality.id}").status_code == 404
    assert client.get(f"/admin/agencies/{theirs.nav.id}").status_code == 404
    posted = client.post(
        f"/admin/agencies/{theirs.nav.id}",
        data={"csrf_token": csrf_from(page), "name": "Overtatt", "kind": "nav",
              "government_level": "state"},
    )  # fmt: skip
    assert posted.status_code == 404
    db.expire_all()
    assert theirs.nav.name != "Overtatt"
    own = client.get(f"/admin/municipalities/{ours.municipality.id}").get_data(as_text=True)
    assert ours.nav.name in own and theirs.nav.name not in own
    # a regional admin reaches both
    regional = make_user(db, Role.ADMIN)
    login(client, regional.username)
    assert client.get(f"/admin/municipalities/{theirs.municipality.id}").status_code == 200
    assert client.get(f"/admin/agencies/{ours.nav.id}").status_code == 200


def test_the_admin_adds_and_renames_an_agency(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    url = f"/admin/municipalities/{lab.municipality.id}"
    csrf = token(client, url)
    added = client.post(
        url,
        data={"csrf_token": csrf, "name": "Barnevernstjenesten", "kind": "child_welfare",
              "government_level": "municipal"},
        follow_redirects=True,
    )  # fmt: skip
    page = added.get_data(as_text=True)
    assert "Barnevernstjenesten er lagt til" in page and "barnevern" in page
    agency = db.scalars(select(Agency).where(Agency.name == "Barnevernstjenesten")).one()
    assert agency.municipality_id == lab.municipality.id
    form = client.get(f"/admin/agencies/{agency.id}").get_data(as_text=True)
    assert 'value="Barnevernstjenesten"' in form
    renamed = client.post(
        f"/admin/agencies/{agency.id}",
        data={"csrf_token": csrf, "name": "Barnevernet", "kind": "child_welfare",
              "government_level": "municipal"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Barnevernet er lagret" in renamed.get_data(as_text=True)
    db.expire_all()
    assert agency.name == "Barnevernet"
    audited = [(e.action, e.entity_id, e.details) for e in events(db, "agency")]
    assert audited == [("create", agency.id, {}), ("update", agency.id, {"fields": ["name"]})]


def test_bad_agency_input_is_shown_beside_the_field_and_stores_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    url = f"/admin/municipalities/{lab.municipality.id}"
    csrf = token(client, url)
    before = rows(db, Agency)
    empty = client.post(
        url, data={"csrf_token": csrf, "name": "", "kind": "nav", "government_level": "state"}
    )
    assert empty.status_code == 422
    assert 'id="name-error">Skriv virksomhetens navn.' in empty.get_data(as_text=True)
    duplicate = client.post(
        url,
        data={"csrf_token": csrf, "name": lab.nav.name, "kind": "nav", "government_level": "state"},
    )
    assert duplicate.status_code == 422
    assert "Kommunen har allerede en virksomhet med dette navnet." in duplicate.get_data(
        as_text=True
    )
    unknown = client.post(
        url, data={"csrf_token": csrf, "name": "Ny", "kind": "bank", "government_level": "state"}
    )
    assert unknown.status_code == 422 and 'id="kind-error"' in unknown.get_data(as_text=True)
    assert rows(db, Agency) == before
    taken = client.post(
        f"/admin/agencies/{lab.housing.id}",
        data={"csrf_token": csrf, "name": lab.nav.name, "kind": "housing",
              "government_level": "municipal"},
    )  # fmt: skip
    assert taken.status_code == 422 and 'id="name-error"' in taken.get_data(as_text=True)
    db.expire_all()
    assert lab.housing.name != lab.nav.name
    assert events(db, "agency") == []


def upload(client: FlaskClient, csrf: str, content: bytes, name: str = "set.toml"):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/assumption-sets",
        data={"csrf_token": csrf, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_the_admin_uploads_a_new_version_of_an_assumption_set(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    page = client.get("/admin/assumption-sets").get_data(as_text=True)
    standard = default_set(db)
    assert "Velferdslab standard" in page and 'enctype="multipart/form-data"' in page
    response = upload(client, csrf_from(page), DEFAULT_FILE.read_bytes())
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f"Velferdslab standard versjon {standard.version + 1} er lagret" in text
    newest = db.scalars(select(AssumptionSet).order_by(AssumptionSet.id.desc()).limit(1)).one()
    assert newest.name == standard.name and newest.version == standard.version + 1
    assert newest.created_by == lab.admin.id and len(newest.cost_items) == len(standard.cost_items)
    assert [e.entity_id for e in events(db, "assumption_set")] == [newest.id]
    listing = client.get("/admin/assumption-sets").get_data(as_text=True)
    assert f"/admin/assumption-sets/{newest.id}" in listing


def test_a_malformed_or_invalid_file_is_refused_beside_the_field_and_stores_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    default_set(db)
    csrf = token(client, "/admin/assumption-sets")
    before = rows(db, AssumptionSet)
    standard = DEFAULT_FILE.read_text(encoding="utf-8")
    cases = {
        b"name = 'x'\nthis is not toml": "Filen er ikke gyldig TOML",
        b"\xff\xfe\x00garbage": "Filen er ikke UTF-8-tekst",
        standard.replace('domain = "childhood"', 'domain = "garden"', 1).encode(): (
            "cost_items.0.domain"
        ),
        standard.replace("success_rate = 0.6", "success_rate = 1.6", 1).encode(): "success_rate",
        b'name = "Bare et navn"': "cost_items",
    }
    for content, expected in cases.items():
        response = upload(client, csrf, content)
        assert response.status_code == 422, expected
        page = response.get_data(as_text=True)
        assert 'id="file-error"' in page and expected in page, expected
    missing = client.post(
        "/admin/assumption-sets", data={"csrf_token": csrf}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422 and "Velg en TOML-fil" in missing.get_data(as_text=True)
    assert rows(db, AssumptionSet) == before
    assert events(db, "assumption_set") == []


def test_the_description_of_an_open_set_changes_and_of_an_immutable_one_does_not(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    row = default_set(db)
    url = f"/admin/assumption-sets/{row.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Lagre beskrivelsen" in page and "Omsorgstiltak i barnevernet" in page
    saved = client.post(
        url,
        data={"csrf_token": csrf_from(page), "description": "Kommunens egne tall.\r\n2025."},
        follow_redirects=True,
    )
    assert "Beskrivelsen er lagret" in saved.get_data(as_text=True)
    db.expire_all()
    assert row.description == "Kommunens egne tall.\n2025."
    assert [e.action for e in events(db, "assumption_set")] == ["update"]

    mark_immutable(row)
    db.flush()
    page = client.get(url).get_data(as_text=True)
    assert "brukt i en utstedt rapport: kan ikke endres" in page
    assert "readonly" in page and "Lagre beskrivelsen" not in page
    refused = client.post(url, data={"csrf_token": csrf_from(page), "description": "Endret"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert 'id="description-error"' in text and "Last opp en ny versjon" in text
    db.expire_all()
    assert row.description == "Kommunens egne tall.\n2025."
    assert len(events(db, "assumption_set")) == 1
    assert client.get("/admin/assumption-sets/2147483647").status_code == 404


def test_the_admin_edits_the_level_help_texts(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    overview = client.get("/admin/level-texts").get_data(as_text=True)
    defaults = default_criteria()
    assert defaults["nb"]["housing"][0] in overview and "Barnas oppvekstsvilkår" in overview
    form = client.get("/admin/level-texts/work").get_data(as_text=True)
    assert defaults["en"]["work"][2] in form
    data = {
        f"{language}_{level}": defaults[language]["work"][number]
        for language in ("nb", "en")
        for number, level in enumerate(("unsustainable", "exposed", "stable", "sustainable"))
    }
    data["nb_stable"] = "Fast jobb i minst seks måneder."
    response = client.post(
        "/admin/level-texts/work",
        data={"csrf_token": csrf_from(form), **data},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Hjelpetekstene er lagret (1 endret)" in page
    assert "Fast jobb i minst seks måneder." in page
    stored = db.scalars(select(LevelDescription)).all()
    assert [(r.domain, r.level, r.language, r.updated_by) for r in stored] == [
        ("work", 2, "nb", lab.admin.id)
    ]
    assert [e.details for e in events(db, "level_description")] == [{"key": "work.stable.nb"}]
    # the team member sees the new text beside the assessment form
    from tests.factories import make_family

    family = make_family(db, lab)
    login(client, lab.member.username)
    assessment = client.get(f"/families/{family.id}/assessments/new").get_data(as_text=True)
    assert "Fast jobb i minst seks måneder." in assessment


def test_an_empty_help_text_or_an_unknown_domain_is_refused(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    form = client.get("/admin/level-texts/school").get_data(as_text=True)
    csrf = csrf_from(form)
    defaults = default_criteria()
    data = {
        f"{language}_{level}": defaults[language]["school"][number]
        for language in ("nb", "en")
        for number, level in enumerate(("unsustainable", "exposed", "stable", "sustainable"))
    }
    response = client.post(
        "/admin/level-texts/school",
        data={"csrf_token": csrf, **data, "nb_exposed": "   ", "en_stable": "Ok"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="nb_exposed-error">Skriv hjelpeteksten; den kan ikke være tom.' in page
    assert rows(db, LevelDescription) == 0  # the valid change beside it is not stored either
    too_long = client.post(
        "/admin/level-texts/school", data={"csrf_token": csrf, **data, "en_stable": "x" * 2001}
    )
    assert too_long.status_code == 422 and 'id="en_stable-error"' in too_long.get_data(as_text=True)
    assert client.get("/admin/level-texts/garden").status_code == 404
    unknown = client.post("/admin/level-texts/garden", data={"csrf_token": csrf, **data})
    assert unknown.status_code == 404
    assert rows(db, LevelDescription) == 0 and events(db, "level_description") == []


def test_admin_pages_need_a_signed_in_user(client: FlaskClient, db: scoped_session) -> None:
    for url in ("/admin/municipalities", "/admin/assumption-sets", "/admin/level-texts"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_admin_pages_read_in_english_too(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    login(client, lab.admin.username)
    client.post("/language", data={"csrf_token": token(client), "language": "en", "next": "/"})
    page = client.get("/admin/municipalities").get_data(as_text=True)
    assert "Municipality number" in page and 'lang="en"' in page
