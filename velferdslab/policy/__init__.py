"""Who may see and do what: the role table of the domain spec, decided in one place.

Every endpoint and page asks this package (`from velferdslab import policy`). A family is
reached through a *relation* between the user and the family (its lead, a consented team member,
an auditor or admin of its municipality); each permission on a family names the relations that
grant it. A record the user may not see is reported as missing (404), so that its existence does
not leak. The core (`core.py`) holds the relations and permissions; `privacy.py` and
`reports.py` the decisions of those two areas, made from the core's relations.
"""

from velferdslab.policy.core import (
    COLLECTION_PERMISSIONS,
    FAMILY_PERMISSIONS,
    HIDDEN_PAGES,
    PAGE_PERMISSIONS,
    ROLE_RELATIONS,
    Relation,
    allowed,
    audit_log_filter,
    can,
    family_or_404,
    in_scope,
    is_lead_of,
    lost_access,
    may_add_municipality,
    page_allowed,
    reads_family_data,
    relation_conditions,
    relations,
    require,
    require_page,
    scope_filter,
    suppressed_portfolio,
    visible_families,
)
from velferdslab.policy.evidence import (
    EVIDENCE_PERMISSIONS,
    evidence_municipality_or_404,
    may_evidence,
    may_upload_cohort,
    require_evidence,
)
from velferdslab.policy.family import (
    ACR_LEVELS,
    acr_meets,
    hidden_agencies,
    portal_families,
)
from velferdslab.policy.privacy import (
    LEAD_CHANNEL,
    LETTER_CHANNEL,
    access_channel,
    access_request_filter,
    access_request_or_404,
    hold_family_or_404,
    may_run_sweep,
    may_set_retention,
)
from velferdslab.policy.records import record_of_family, record_of_family_or_404
from velferdslab.policy.reports import (
    REPORT_KINDS,
    issuable_kinds,
    may_issue_kind,
    report_filter,
)
from velferdslab.policy.sign_in import (
    link_refusal,
    may_use_password,
    needs_second_factor,
    provider_sign_in_refusal,
)

__all__ = [
    "ACR_LEVELS",
    "COLLECTION_PERMISSIONS",
    "EVIDENCE_PERMISSIONS",
    "FAMILY_PERMISSIONS",
    "HIDDEN_PAGES",
    "LEAD_CHANNEL",
    "LETTER_CHANNEL",
    "PAGE_PERMISSIONS",
    "REPORT_KINDS",
    "ROLE_RELATIONS",
    "Relation",
    "access_channel",
    "access_request_filter",
    "access_request_or_404",
    "acr_meets",
    "allowed",
    "audit_log_filter",
    "can",
    "evidence_municipality_or_404",
    "family_or_404",
    "hidden_agencies",
    "hold_family_or_404",
    "in_scope",
    "is_lead_of",
    "issuable_kinds",
    "link_refusal",
    "lost_access",
    "may_add_municipality",
    "may_evidence",
    "may_issue_kind",
    "may_run_sweep",
    "may_set_retention",
    "may_upload_cohort",
    "may_use_password",
    "needs_second_factor",
    "page_allowed",
    "portal_families",
    "provider_sign_in_refusal",
    "reads_family_data",
    "record_of_family",
    "record_of_family_or_404",
    "relation_conditions",
    "relations",
    "report_filter",
    "require",
    "require_evidence",
    "require_page",
    "scope_filter",
    "suppressed_portfolio",
    "visible_families",
]
