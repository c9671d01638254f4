"""GET /families/{id}/archive: what was handed to the municipality's archive, and when."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from velferdslab.api.common import document_errors
from velferdslab.api.records import FAMILY, family_for
from velferdslab.archive import services
from velferdslab.archive.schemas import ArchiveSchema
from velferdslab.auth.current import audit
from velferdslab.extensions import db


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "archive",
        __name__,
        url_prefix="/api/v1/families",
        description="What the service handed to the municipality's Noark archive (Fiks Arkiv).",
    )

    @blp.route(f"{FAMILY}/archive", methods=["GET"])
    @blp.response(200, ArchiveSchema)
    @document_errors(blp, 401, 404)
    def family_archive(family_id: int) -> Any:
        """The family's records for the archive, oldest first.

        Each with its external key, its state (queued, sent, received, receipted or failed),
        the archive's id and journal number once receipted, and the archive's last error. For
        the family's lead and the admin; titles hold the reference, never a name."""
        family = family_for(family_id, "archive.read")
        audit("read", "archive", family_id=family.id)
        return {"items": [services.item(r) for r in services.family_records(db.session, family.id)]}

    return blp
