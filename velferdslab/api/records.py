"""Helpers shared by the family sub-resources: the child record of a family, and JSON answers."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Response, jsonify

from velferdslab import policy
from velferdslab.api.common import with_etag
from velferdslab.auth.current import current_user
from velferdslab.extensions import db
from velferdslab.families.models import Family

T = TypeVar("T")

# The path of one family, with the id bounded so a huge number is a 404, not an overflow.
FAMILY = "/<id:family_id>"
# The ETag header as documented on every editable record's answer.
ETAG = {"ETag": {"schema": {"type": "string"}}}


def family_for(family_id: int, permission: str) -> Family:
    """The family if the current user holds the permission on it, else 404."""
    return policy.family_or_404(db.session, current_user(), family_id, permission)


def answer(schema: Any, record: Any, status: int = 200, etag: str | None = None) -> Response:
    response = jsonify(schema.dump(record))
    response.status_code = status
    return with_etag(response, etag, record) if etag else response
