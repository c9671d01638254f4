"""Every operation the served OpenAPI document offers is either the contract's
(shared/spec/api.md, which this repository may not edit) or listed in docs/api-clients.md,
"Beyond the contract" — and everything listed there is served, so the list stays true.

The contract's operations are written out below from api.md's table, as
tests/api/test_contract_posts.py writes its bodies: the spec lives outside this repository.
Where api.md gives one line to a collection and its records ("GET, POST, PATCH"), the
collection takes GET and POST and the record GET, PATCH and DELETE as the line lists them."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api-clients.md"
PARAMETER = re.compile(r"\{[^}]*\}")


def _crud(path: str, listed: str, record: str | None = None) -> set[tuple[str, str]]:
    """A collection and (when it has one) its record, with the methods api.md lists for both."""
    methods = set(listed.split())
    ops = {(m, path) for m in methods & {"GET", "POST"}}
    if record is not None:
        ops |= {(m, f"{path}/{record}") for m in methods & {"GET", "PATCH", "DELETE"}}
    return ops


CONTRACT: set[tuple[str, str]] = {
    ("GET", "/healthz"),
    ("POST", "/auth/token"),
    ("POST", "/auth/revoke"),
    *_crud("/municipalities", "GET POST PATCH", "{id}"),
    *_crud("/agencies", "GET POST PATCH", "{id}"),
    *_crud("/users", "GET POST PATCH", "{id}"),
    *_crud("/families", "GET POST PATCH", "{id}"),
    *_crud("/families/{id}/members", "GET POST PATCH DELETE", "{id}"),
    *_crud("/families/{id}/consents", "GET POST PATCH", "{id}"),
    *_crud("/families/{id}/team", "GET POST PATCH DELETE", "{id}"),
    *_crud("/families/{id}/goals", "GET POST PATCH", "{id}"),
    *_crud("/families/{id}/measures", "GET POST PATCH", "{id}"),
    *_crud("/families/{id}/budgets", "GET POST PATCH", "{id}"),
    *_crud("/families/{id}/expenditures", "GET POST"),
    ("POST", "/families/{id}/expenditures/{id}/approve"),
    ("POST", "/families/{id}/expenditures/{id}/reject"),
    *_crud("/families/{id}/assessments", "GET POST PATCH", "{id}"),
    ("GET", "/families/{id}/trajectory"),
    *_crud("/families/{id}/notes", "GET POST"),
    ("GET", "/families/{id}/gains"),
    ("GET", "/families/{id}/gains/forecast"),
    ("GET", "/families/{id}/access-log"),
    *_crud("/assumption-sets", "GET POST", "{id}"),
    ("GET", "/reports/portfolio"),
    *_crud("/reports", "GET POST", "{id}"),
    ("GET", "/reports/{id}/pdf"),
    ("POST", "/reports/verify"),
    *_crud("/imports", "GET POST", "{id}"),
    ("GET", "/imports/{id}/rejected-rows"),
    ("GET", "/imports/template"),
    *_crud("/missions", "GET POST PATCH", "{id}"),
    ("GET", "/missions/{id}/progress"),
    ("GET", "/families/{id}/archive"),
    ("GET", "/audit-events"),
}
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
OPERATION = re.compile(r"`(GET|POST|PATCH|PUT|DELETE) (/[^`?\s]*)")


def shape(path: str) -> str:
    return PARAMETER.sub("{id}", path.removeprefix("/api/v1"))


def served(app: Flask) -> set[tuple[str, str]]:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {
        (method.upper(), shape(path))
        for path, operations in document["paths"].items()
        for method in operations
        if method.upper() in METHODS
    }


def documented() -> set[tuple[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Beyond the contract") :]
    section = section[: section.find("\n## ", 1) if "\n## " in section[1:] else len(section)]
    return {(method, shape(path)) for method, path in OPERATION.findall(section)}


def test_every_operation_served_is_the_contracts_or_documented_beyond_it(app: Flask) -> None:
    offered = served(app)
    assert sorted(offered - CONTRACT - documented()) == []


def test_everything_documented_beyond_the_contract_is_served_and_not_the_contracts(
    app: Flask,
) -> None:
    listed = documented()
    assert sorted(listed - served(app)) == []
    assert sorted(listed & CONTRACT) == []
