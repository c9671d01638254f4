"""/evidence, /cohorts and /preregistrations: the estimate of the lab's effect against a
comparison cohort (issue 28), the cohorts uploaded for it, and the lab's pre-registration."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from velferdslab import policy
from velferdslab.api.common import document_errors, today
from velferdslab.auth.current import audit, current_user
from velferdslab.errors import NotFound, Text, ValidationFailed
from velferdslab.evidence import cohorts as cohort_service
from velferdslab.evidence import preregistration as registry
from velferdslab.evidence.estimate import as_json, estimate_for, in_words, overall_rule
from velferdslab.evidence.models import ComparisonCohort
from velferdslab.evidence.schemas import (
    CohortSchema,
    EvidenceQuerySchema,
    MunicipalityQuerySchema,
    PreregistrationCreateSchema,
    PreregistrationSchema,
)
from velferdslab.evidence.services import MIN_FAMILIES
from velferdslab.extensions import db
from velferdslab.users.models import User

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def evidence_of(user: User, args: dict[str, Any], language: str) -> dict[str, Any]:
    """The estimate for the user's (or the named) municipality, as the API and page show it."""
    municipality_id = policy.evidence_municipality_or_404(user, args.get("municipality_id"))
    evidence = estimate_for(
        db.session, [municipality_id], args.get("as_of") or today(),
        overall_rule(db.session, args.get("assumption_set_id")),
        suppressed=policy.suppressed_portfolio(user),
        baseline=args.get("baseline"), later=args.get("later"),
    )  # fmt: skip
    return {"municipality_id": municipality_id, **as_json(evidence),
            "words": in_words(evidence, language)}  # fmt: skip


def upload_cohort(user: User, municipality_id: int | None, language: str) -> ComparisonCohort:
    chosen = policy.evidence_municipality_or_404(user, municipality_id, "cohorts.upload")
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(Text("The file is too large."), {"file": [Text("At most 20 MB.")]})
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(
            Text("No file was sent."), {"file": [Text("Send the cohort's readings as `file`.")]}
        )
    return cohort_service.store_cohort(
        db.session, user.id, chosen, request.form.get("name", ""), upload.filename,
        upload.read(), language=language,
    )  # fmt: skip


def cohort_json(cohort: ComparisonCohort, user: User) -> dict[str, Any]:
    shown = {name: getattr(cohort, name) for name in CohortSchema().fields}
    if policy.suppressed_portfolio(user) and 0 < cohort.families < MIN_FAMILIES:
        shown["families"] = None
    return shown


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "evidence",
        __name__,
        url_prefix="/api/v1",
        description="The evidence behind the figures: a comparison cohort's estimate (grade 3) "
        "and the lab's pre-registration.",
    )

    @blp.route("/evidence", methods=["GET"])
    @blp.arguments(EvidenceQuerySchema, location="query")
    @blp.response(200)
    @document_errors(blp, 401, 403, 404)
    def get_evidence(args: dict[str, Any]) -> dict[str, Any]:
        """The difference in differences of the share at stable or better, lab against its
        comparison cohorts, baseline quarter against a later one, with a 90 % bootstrap
        interval (1 000 draws over families, seeded); both groups' shares per quarter end,
        suppressed under the threshold; `evidence_grade` 3 where the estimate exists."""
        user = current_user()
        shown = evidence_of(user, args, "en")
        audit("read", "evidence", details={"municipality_id": shown["municipality_id"]})
        return shown

    @blp.route("/cohorts", methods=["POST"])
    @blp.arguments(MunicipalityQuerySchema, location="query")
    @blp.response(201, CohortSchema)
    @document_errors(blp, 401, 403, 404)
    def create_cohort(args: dict[str, Any]) -> dict[str, Any]:
        """Upload a comparison cohort: multipart `file` (import.md's `Kartlegginger` sheet as
        `.xlsx` or CSV; no names, no national ids) and `name`. All or nothing: a 422 names
        every problem and stores nothing."""
        user = current_user()
        return cohort_json(upload_cohort(user, args["municipality_id"], "en"), user)

    @blp.route("/cohorts", methods=["GET"])
    @blp.arguments(MunicipalityQuerySchema, location="query")
    @blp.response(200, CohortSchema(many=True))
    @document_errors(blp, 401, 403, 404)
    def list_cohorts(args: dict[str, Any]) -> list[dict[str, Any]]:
        """The municipality's comparison cohorts, newest first."""
        user = current_user()
        chosen = policy.evidence_municipality_or_404(user, args["municipality_id"])
        return [cohort_json(c, user) for c in cohort_service.cohorts_in(db.session, [chosen])]

    @blp.route("/cohorts/<id:cohort_id>", methods=["GET"])
    @blp.response(200, CohortSchema)
    @document_errors(blp, 401, 403, 404)
    def get_cohort(cohort_id: int) -> dict[str, Any]:
        """One comparison cohort (its summary; its readings are never listed)."""
        user = current_user()
        policy.require_evidence(user)
        cohort = db.session.get(ComparisonCohort, cohort_id)
        if cohort is None:
            raise NotFound()
        policy.evidence_municipality_or_404(user, cohort.municipality_id)
        return cohort_json(cohort, user)

    @blp.route("/preregistrations", methods=["GET"])
    @blp.arguments(MunicipalityQuerySchema, location="query")
    @blp.response(200, PreregistrationSchema(many=True))
    @document_errors(blp, 401, 403, 404)
    def list_preregistrations(args: dict[str, Any]) -> list[dict[str, Any]]:
        """Every version of the municipality's pre-registration, oldest first, with dates."""
        chosen = policy.evidence_municipality_or_404(current_user(), args["municipality_id"])
        return [registry.described(r) for r in registry.versions(db.session, [chosen])]

    @blp.route("/preregistrations", methods=["POST"])
    @blp.arguments(PreregistrationCreateSchema)
    @blp.response(201, PreregistrationSchema)
    @document_errors(blp, 401, 403, 404)
    def create_preregistration(data: dict[str, Any]) -> dict[str, Any]:
        """Fix the lab's indicator, baseline, horizon and targets: a new, dated version that
        never changes (the first is version 1; a change is the next version)."""
        user = current_user()
        chosen = policy.evidence_municipality_or_404(
            user, data.pop("municipality_id"), "preregistration.write"
        )
        return registry.described(registry.register(db.session, user.id, chosen, data))

    @blp.route("/preregistrations/<id:registration_id>", methods=["GET"])
    @blp.response(200, PreregistrationSchema)
    @document_errors(blp, 401, 403, 404)
    def get_preregistration(registration_id: int) -> dict[str, Any]:
        """One version."""
        user = current_user()
        policy.require_evidence(user)
        row = registry.version_or_404(
            db.session, registration_id, lambda m: policy.in_scope(user, m)
        )
        return registry.described(row)

    return blp
