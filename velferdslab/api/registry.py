"""Every blueprint of /api/v1, in the order the OpenAPI document lists them."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_smorest import Blueprint


def api_blueprints(limiter: Limiter) -> list[Blueprint]:
    # Blueprints are made per app: a module-level one cannot be registered on a second app.
    from velferdslab.archive import api as archive_api
    from velferdslab.assessments import api as assessments_api
    from velferdslab.assessments import descriptions
    from velferdslab.assumptions import api as assumptions_api
    from velferdslab.audit import api as audit_api
    from velferdslab.auth import api as auth_api
    from velferdslab.budgets import api as budgets_api
    from velferdslab.evidence import api as evidence_api
    from velferdslab.families import api as families_api
    from velferdslab.families import records_api
    from velferdslab.gains import api as gains_api
    from velferdslab.imports import api as imports_api
    from velferdslab.missions import api as missions_api
    from velferdslab.municipalities import api as municipalities_api
    from velferdslab.plans import api as plans_api
    from velferdslab.reports import api as reports_api
    from velferdslab.users import api as users_api

    return [
        auth_api.create_blueprint(limiter),
        municipalities_api.create_blueprint(),
        users_api.create_blueprint(),
        families_api.create_blueprint(),
        records_api.create_blueprint(),
        budgets_api.create_blueprint(),
        plans_api.create_blueprint(),
        assessments_api.create_blueprint(),
        audit_api.create_blueprint(),
        gains_api.create_blueprint(),
        reports_api.create_blueprint(),
        assumptions_api.create_blueprint(),
        descriptions.create_blueprint(),
        imports_api.create_blueprint(),
        archive_api.create_blueprint(),
        evidence_api.create_blueprint(),
        missions_api.create_blueprint(),
    ]
