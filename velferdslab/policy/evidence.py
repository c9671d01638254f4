"""The policy of the evidence behind the figures (issue 28): comparison cohorts and the lab's
pre-registration. A cohort holds readings of families not in the lab, pseudonymous, so it is
no family's record: it belongs to a municipality, and a user outside it finds no such cohort
(404) and no estimate for it."""

from __future__ import annotations

from velferdslab.errors import Forbidden, NotFound, Text, ValidationFailed
from velferdslab.policy.core import PAGE_PERMISSIONS, in_scope
from velferdslab.users.models import User
from velferdslab.vocabulary import Role

# Who uploads a comparison cohort (like an import: the lead for their municipality, the admin),
# who reads the estimate and the cohorts' summaries, and who fixes the lab's pre-registration.
EVIDENCE_PERMISSIONS: dict[str, frozenset[Role]] = {
    "cohorts.upload": frozenset({Role.INVESTMENT_LEAD, Role.ADMIN}),
    "evidence.read": PAGE_PERMISSIONS["pages.evidence"],
    "preregistration.write": frozenset({Role.LEADER, Role.INVESTMENT_LEAD}),
}


def may_evidence(user: User, permission: str) -> bool:
    return bool(user.roles & EVIDENCE_PERMISSIONS[permission])


def require_evidence(user: User, permission: str = "evidence.read") -> None:
    if not may_evidence(user, permission):
        raise Forbidden()


def evidence_municipality_or_404(
    user: User, municipality_id: int | None, permission: str = "evidence.read"
) -> int:
    """The municipality whose evidence the user asks for: their own when they name none (a
    regional user must name one: 422). A role without the permission gets 403; a municipality
    outside the user's scope 404."""
    require_evidence(user, permission)
    chosen = municipality_id if municipality_id is not None else user.municipality_id
    if chosen is None:  # a regional user names the municipality
        raise ValidationFailed(
            Text("Name the municipality."),
            {"municipality_id": [Text("Required for a regional user.")]},
        )
    if not in_scope(user, chosen):
        raise NotFound()
    return chosen


def may_upload_cohort(user: User, municipality_id: int) -> bool:
    return may_evidence(user, "cohorts.upload") and in_scope(user, municipality_id)
