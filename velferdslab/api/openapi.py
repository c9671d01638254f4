"""The finishing pass over the OpenAPI document, so a generated client is typed and complete.

flask-smorest describes each operation from its schemas; what holds for every operation alike is
said here once: its `operationId`, the errors it can answer, the `If-Match`/`ETag`/`X-Pagination`
headers, `security: []` where no token is needed, binary media types, `required` on every answer's
fields and a `type` on every enum.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import marshmallow as ma

from velferdslab import vocabulary as v
from velferdslab.api.common import ERROR_DESCRIPTIONS

Spec = dict[str, Any]
METHODS = ("get", "put", "post", "patch", "delete")
ERROR_REF = {"$ref": "#/components/schemas/Error"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BINARY = {"type": "string", "format": "binary"}

# Names an integrator would call these by; the rest follow the rule in operation_id().
OPERATION_IDS = {
    ("post", "/api/v1/auth/token"): "createToken",
    ("post", "/api/v1/auth/revoke"): "revokeToken",
    ("get", "/api/v1/families/{family_id}/team"): "listTeamMembers",
    ("post", "/api/v1/families/{family_id}/team"): "addTeamMember",
    ("patch", "/api/v1/families/{family_id}/team/{membership_id}"): "updateTeamMember",
    ("delete", "/api/v1/families/{family_id}/team/{membership_id}"): "removeTeamMember",
    ("get", "/api/v1/reports/portfolio"): "getPortfolio",
    ("get", "/api/v1/reports/portfolio.xlsx"): "downloadPortfolioExcel",
    ("get", "/api/v1/reports/{report_id}/pdf"): "downloadReportPdf",
    ("post", "/api/v1/reports/verify"): "verifyReport",
    ("get", "/api/v1/families/{family_id}/trajectory"): "getTrajectory",
    ("get", "/api/v1/families/{family_id}/gains"): "getGains",
    ("get", "/api/v1/families/{family_id}/spending-limits"): "getSpendingLimits",
    ("get", "/api/v1/families/{family_id}/access-log"): "listAccessLog",
    ("put", "/api/v1/level-descriptions/{domain}/{level}/{language}"): "setLevelDescription",
    ("get", "/healthz"): "getHealth",
}
VERBS = {"get": "get", "put": "replace", "post": "create", "patch": "update", "delete": "delete"}
# Collections whose singular is not the name less its "s".
SINGULAR = {"families": "family", "agencies": "agency", "municipalities": "municipality"}
# POST …/{id}/<action>: an action on the record, named verb first (approveExpenditure).
ACTIONS = {"approve", "reject"}

# Operations with a rate limit: failed sign-ins, and report issuing per user.
LIMITED = {"/api/v1/auth/token", "/api/v1/reports"}
PUBLIC = {("post", "/api/v1/auth/token"), ("get", "/healthz")}

TOO_MANY = {
    "description": ERROR_DESCRIPTIONS[429],
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
    "content": {"application/json": {"schema": ERROR_REF}},
}
EXTRA_ERRORS = {
    400: "The body is not valid JSON (or not the media type declared).",
    428: "If-Match is required: read the record, then send its ETag.",
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The ETag of the record as you last read it. Without it the answer is 428; "
    "when the record has changed since, 412 and nothing is saved.",
    "schema": {"type": "string"},
}
ETAG_HEADER = {
    "description": "The record's version; send it back as If-Match to change the record.",
    "schema": {"type": "string"},
}
PAGINATION_SCHEMA: Spec = {
    "type": "object",
    "description": "Where this page lies in the whole list.",
    "required": ["total", "total_pages", "first_page", "last_page", "page"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 0},
        "first_page": {"type": "integer", "minimum": 1},
        "last_page": {"type": "integer", "minimum": 1},
        "page": {"type": "integer", "minimum": 1},
        "previous_page": {"type": "integer", "minimum": 1},
        "next_page": {"type": "integer", "minimum": 1},
    },
}
PAGINATION_HEADER = {
    "description": "Where this page lies in the whole list, as JSON.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pagination"}}},
}
HEALTH = {
    "get": {
        "summary": "Liveness: the process answers. Needs no token.",
        "tags": ["probes"],
        "security": [],
        "responses": {
            "200": {
                "description": "The process is alive.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"type": "string", "enum": ["ok"]}},
                        }
                    }
                },
            }
        },
    }
}


# Each closed list of the vocabulary once, by name: a generated client gets one enum type for
# "level" instead of one per field that holds a level.
NAMED_ENUMS: dict[frozenset[str], str] = {
    frozenset(values): name
    for name, values in {
        "Level": v.LEVELS,
        "Domain": v.DOMAINS,
        "FamilyStatus": v.values(v.FamilyStatus),
        "Protection": v.values(v.Protection),
        "Relation": v.values(v.Relation),
        "Role": v.values(v.Role),
        "TeamRole": v.values(v.TeamRole),
        "AgencyKind": v.values(v.AgencyKind),
        "GovernmentLevel": v.values(v.GovernmentLevel),
        "ExpenditureStatus": v.values(v.ExpenditureStatus),
        "MeasureStatus": v.values(v.MeasureStatus),
        "Payer": v.values(v.Payer),
        "Category": v.values(v.Category),
        "Confidence": v.values(v.Confidence),
        "OverallRule": v.values(v.OverallRule),
        "ReportKind": v.values(v.ReportKind),
        "ReportRequestKind": tuple(k for k in v.values(v.ReportKind) if k != v.ReportKind.ACCESS),
        "ReportStatus": ("queued", "running", "ready", "failed"),
        "Language": ("nb", "en"),
    }.items()
}


def dict_keys2properties(converter: Any, field: Any, ret: Spec) -> Spec:
    """A dict whose keys are a closed list (domains) is an object with those properties and no
    others, so a client knows the keys it may send and will get back."""
    keys = getattr(field, "key_field", None)
    choices = [rule.choices for rule in getattr(keys, "validators", []) if hasattr(rule, "choices")]
    if not choices or not isinstance(field, ma.fields.Dict):
        return {}
    value = ret.get("additionalProperties", {})
    return {
        "properties": {key: copy.deepcopy(value) for key in choices[0]},
        "additionalProperties": False,
    }


def operation_id(method: str, path: str) -> str:
    """listFamilies, getFamily, createAssessment, approveExpenditure, …"""
    if (method, path) in OPERATION_IDS:
        return OPERATION_IDS[(method, path)]
    parts = [p for p in path.removeprefix("/api/v1/").split("/") if p]
    named = [p for p in parts if not p.startswith("{")]
    last = named[-1]
    if method == "post" and last in ACTIONS:
        return last + _camel(_singular(named[-2]))
    if parts[-1].startswith("{"):
        return VERBS[method] + _camel(_singular(last))
    if method == "get":
        return "list" + _camel(last)
    return VERBS[method] + _camel(_singular(last))


def _singular(name: str) -> str:
    if name in SINGULAR:
        return SINGULAR[name]
    return name[:-1] if name.endswith("s") else name


def _camel(name: str) -> str:
    words = re.split(r"[-_]", name)
    return "".join(w[:1].upper() + w[1:] for w in words)


def _operations(spec: Spec) -> Iterator[tuple[str, str, Spec]]:
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def finish(spec: Spec) -> Spec:
    """A copy of the document with what holds for every operation said once."""
    spec = copy.deepcopy(spec)
    spec.setdefault("servers", [{"url": "/", "description": "This service"}])
    info = spec.setdefault("info", {})
    info.setdefault("license", {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/en/"})
    info.setdefault("contact", {"name": "Velferdslab"})
    spec.setdefault("paths", {}).setdefault("/healthz", copy.deepcopy(HEALTH))
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Pagination"] = PAGINATION_SCHEMA
    spec["components"].setdefault("headers", {})["PAGINATION"] = PAGINATION_HEADER
    for path, method, operation in _operations(spec):
        operation.setdefault("operationId", operation_id(method, path))
        public = (method, path) in PUBLIC
        if public:
            operation["security"] = []
        _declare_errors(path, method, operation, public)
        _declare_headers(path, method, operation)
        _declare_media(path, method, operation)
    _enums(spec)
    _date_ranges(spec)
    for name in _answer_schemas(spec):
        _require_every_field(schemas[name])
    return spec


def _error(description: str) -> Spec:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _declare_errors(path: str, method: str, operation: Spec, public: bool) -> None:
    responses = operation.setdefault("responses", {})
    codes: set[int] = set()
    has_body = "requestBody" in operation
    if has_body:
        codes |= {400, 413, 422}
    if operation.get("parameters"):
        codes.add(422)
    if not public:
        codes |= {401, 403}
    if "{" in path:
        codes.add(404)
    if method in ("patch", "delete") and "{" in path:
        codes |= {412, 428}
    if method == "post" and path in LIMITED:
        codes.add(429)
    if path == "/healthz":
        codes = set()
    for code in sorted(codes):
        if str(code) in responses and code != 429:
            continue
        if code == 429:
            responses["429"] = copy.deepcopy(TOO_MANY)
        else:
            text = ERROR_DESCRIPTIONS.get(code) or EXTRA_ERRORS.get(code) or "Refused."
            responses[str(code)] = _error(text)


def _declare_headers(path: str, method: str, operation: Spec) -> None:
    responses = operation.get("responses", {})
    if method in ("patch", "delete") and "{" in path:
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "If-Match" for p in parameters if isinstance(p, dict)):
            parameters.append(copy.deepcopy(IF_MATCH))
    if method in ("get", "patch", "put") and "{" in path.rsplit("/", 1)[-1]:
        ok = responses.get("200")
        if isinstance(ok, dict) and "content" in ok:
            ok.setdefault("headers", {}).setdefault("ETag", copy.deepcopy(ETAG_HEADER))


def _declare_media(path: str, method: str, operation: Spec) -> None:
    responses = operation.get("responses", {})
    if path.endswith("/pdf"):
        responses["200"] = {
            "description": "The report as PDF/A-3b.",
            "content": {"application/pdf": {"schema": BINARY}},
        }
    elif path.endswith(".xlsx"):
        responses["200"] = {
            "description": "The portfolio as an Excel workbook.",
            "content": {XLSX: {"schema": BINARY}},
        }
    body = operation.get("requestBody", {}).get("content", {})
    if "application/pdf" in body:
        body["application/pdf"]["schema"] = BINARY


def _enums(spec: Spec) -> None:
    """Each enum typed, once: a closed list of the vocabulary becomes a reference to its named
    schema, and a nullable one `anyOf` that and null (OpenAPI 3.1), so a generated client gets
    `Level | None` instead of a class per field."""
    schemas = spec["components"]["schemas"]

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        if not isinstance(node.get("enum"), list):
            return {key: visit(value) for key, value in node.items()}
        return _one_enum(node, schemas)

    for key in list(schemas):
        if key not in NAMED_ENUMS.values():
            schemas[key] = visit(schemas[key])
    for _path, _method, operation in _operations(spec):
        operation.update(visit(operation))


def _date_ranges(node: Any) -> None:
    """JSON Schema bounds numbers only; a date range of whole years becomes a pattern on the
    year, so a client or a test generator keeps within it (the bounds stay as x-minimum/x-maximum
    for people)."""
    if isinstance(node, list):
        for item in node:
            _date_ranges(item)
    if not isinstance(node, dict):
        return
    low, high = str(node.get("x-minimum", "")), str(node.get("x-maximum", ""))
    if node.get("format") == "date" and low.endswith("-01-01") and high.endswith("-12-31"):
        node.setdefault("pattern", _year_pattern(int(low[:4]), int(high[:4])))
    for value in node.values():
        _date_ranges(value)


def _year_pattern(first: int, last: int) -> str:
    if first % 100 == 0 and last % 100 == 0:  # 1900–2100: 19xx, 20xx or 2100
        centuries = [rf"{c}\d\d" for c in range(first // 100, last // 100)]
        return f"^({'|'.join([*centuries, str(last)])})-"
    return f"^({'|'.join(str(year) for year in range(first, last + 1))})-"


def _one_enum(node: Spec, schemas: Spec) -> Spec:
    values = [value for value in node["enum"] if value is not None]
    types = node.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    nullable = None in node["enum"] or "null" in types or bool(node.get("nullable"))
    kind = next((t for t in types if t != "null"), None)
    if kind is None:
        kind = "integer" if values and isinstance(values[0], int) else "string"
    rest = {k: v for k, v in node.items() if k not in ("type", "enum", "nullable")}
    name = NAMED_ENUMS.get(frozenset(values)) if kind == "string" else None
    if name is not None:
        schemas.setdefault(name, {"type": "string", "enum": values})
        shape: Spec = {"$ref": f"#/components/schemas/{name}"}
    else:
        shape = {"type": kind, "enum": values}
    if nullable:
        return {"anyOf": [shape, {"type": "null"}], **rest}
    return {**shape, **rest}


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and "/schemas/" in value:
                found.add(value.rsplit("/", 1)[-1])
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _closure(spec: Spec, names: set[str]) -> set[str]:
    schemas = spec["components"]["schemas"]
    todo = list(names)
    while todo:
        found: set[str] = set()
        _refs(schemas.get(todo.pop(), {}), found)
        for name in found - names:
            names.add(name)
            todo.append(name)
    return names


def _answer_schemas(spec: Spec) -> set[str]:
    """Schemas only ever sent by the service: every field they declare is always there."""
    answers: set[str] = set()
    requests: set[str] = set()
    for _path, _method, operation in _operations(spec):
        _refs(operation.get("responses", {}), answers)
        _refs(operation.get("requestBody", {}), requests)
        _refs(operation.get("parameters", []), requests)
    answers = _closure(spec, answers)
    requests = _closure(spec, requests)
    answers.discard("Error")
    return {name for name in answers - requests if name in spec["components"]["schemas"]}


def _require_every_field(schema: Spec) -> None:
    # A schema that marks some fields required has said which; one that marks none always
    # sends every field it declares (null where it has no value).
    properties = schema.get("properties")
    if properties and not schema.get("required"):
        schema["required"] = sorted(properties)
