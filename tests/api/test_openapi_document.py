"""The OpenAPI document as an integrator's tools read it: valid, linted clean, and complete enough
for a typed client (names, required fields, types, errors, headers, media types)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from velferdslab.app import create_app

REDOCLY = "@redocly/cli@2.77.0"
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    # The document needs no data: an app of its own, so this runs once, not per database.
    app = create_app({"ENV": "test", "DATABASE_URL": "sqlite://", "SECRET_KEY": "openapi"})
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.get_json()
    return spec


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def redocly() -> Path:
    """Redocly's CLI from the npm registry, installed once beside the virtual environment."""
    prefix = Path(sys.prefix) / "node"
    binary = prefix / "node_modules" / ".bin" / "redocly"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, REDOCLY],
            check=True,
            timeout=300,
        )
    return binary


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_redocly_recommended_rules_find_no_error(document: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    result = subprocess.run(
        [redocly(), "lint", path, "--format=json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert errors == [], errors
    assert result.returncode == 0


def test_every_operation_has_a_name_an_integrator_would_call(document: dict[str, Any]) -> None:
    names = [op["operationId"] for _, _, op in operations(document)]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)+", name) for name in names), names
    by_route = {(m, p): op["operationId"] for p, m, op in operations(document)}
    assert by_route[("get", "/api/v1/families")] == "listFamilies"
    assert by_route[("get", "/api/v1/families/{family_id}")] == "getFamily"
    assert by_route[("post", "/api/v1/families/{family_id}/assessments")] == "createAssessment"
    assert (
        by_route[("post", "/api/v1/families/{family_id}/expenditures/{expenditure_id}/approve")]
        == "approveExpenditure"
    )
    assert document["servers"] and document["info"]["license"]["name"] == "EUPL-1.2"


def test_every_answer_lists_its_required_fields_and_types_every_field(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    for name in ("Family", "Assessment", "Gains", "Portfolio", "Report", "Verification", "Cell"):
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name

    untyped = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if not {"type", "$ref", "anyOf", "allOf", "oneOf"} & set(prop):
                    untyped.append(f"{where}.{key}")
            for key, value in node.items():
                walk(value, f"{where}.{key}")
            assert "nullable" not in node, where  # 3.1 says null in the type
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(schemas, "schemas")
    assert untyped == []
    # The nested tables are named shapes, not free-form objects.
    gains = schemas["Gains"]["properties"]
    assert gains["by_payer"] == {"$ref": "#/components/schemas/ByPayer"}
    assert schemas["Report"]["properties"]["parameters"]["$ref"].endswith("ReportParameters")
    # One enum type for a level, null beside it where a level may be missing.
    assert {"$ref": "#/components/schemas/Level"} in gains["current_overall"]["anyOf"]


def test_errors_and_headers_are_declared_where_they_are_sent(document: dict[str, Any]) -> None:
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert token["security"] == []
    assert {"401", "429"} <= set(token["responses"])
    assert "Retry-After" in token["responses"]["429"]["headers"]
    for path, method, operation in operations(document):
        responses = operation["responses"]
        if method in ("patch", "delete") and "{" in path:
            if_match = [p for p in operation["parameters"] if p.get("name") == "If-Match"]
            assert if_match and if_match[0]["required"], (method, path)
            assert {"412", "428"} <= set(responses), (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), (method, path)
        if operation.get("security") != []:
            assert "401" in responses, (method, path)
    family = document["paths"]["/api/v1/families/{family_id}"]["get"]["responses"]["200"]
    assert "ETag" in family["headers"]
    listed = document["paths"]["/api/v1/families"]["get"]["responses"]["200"]["headers"]
    pagination = document["components"]["headers"]["PAGINATION"]
    assert listed["X-Pagination"]["$ref"].endswith("PAGINATION")
    assert pagination["content"]["application/json"]["schema"]["$ref"].endswith("Pagination")


def test_binary_bodies_declare_their_media_types(document: dict[str, Any]) -> None:
    paths = document["paths"]
    pdf = paths["/api/v1/reports/{report_id}/pdf"]["get"]["responses"]["200"]["content"]
    assert pdf["application/pdf"]["schema"]["format"] == "binary"
    xlsx = paths["/api/v1/reports/portfolio.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(xlsx) == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    verify = paths["/api/v1/reports/verify"]["post"]["requestBody"]["content"]
    assert verify["application/pdf"]["schema"]["format"] == "binary"
