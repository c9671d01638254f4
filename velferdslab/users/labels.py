"""The roles as the pages name them (the admin's user pages, the sign-in mapping page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("administrator"),
    "investment_lead": _l("investment lead"),
    "team_member": _l("team member"),
    "leader": _l("leader"),
    "auditor": _l("auditor"),
}
