"""The menu each role sees, and the template helpers every page uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from velferdslab import policy

# (endpoint, label, the page permission of policy.py that shows it). Entries whose page is not
# built are left out.
MENU: tuple[tuple[str, Any, str], ...] = (
    ("family_pages.my_families", _l("My families"), "pages.my_families"),
    ("family_pages.new_family", _l("Enrol a family"), "pages.lead"),
    ("family_pages.approvals", _l("Approvals"), "pages.lead"),
    ("leader_pages.dashboard", _l("Dashboard"), "pages.dashboard"),
    ("auditor_pages.expenditures", _l("Audit"), "pages.audit"),
    ("report_pages.index", _l("Reports"), "pages.reports"),
    ("import_pages.index", _l("Import"), "pages.imports"),
    ("evidence_pages.index", _l("Evidence"), "pages.evidence"),
    ("admin_pages.index", _l("Administration"), "pages.admin"),
)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    active: bool
    count: int | None = None  # e.g. the approvals waiting, shown beside the label


# Menu entries that show how much waits there: endpoint -> counter(user).
Counter = Callable[[Any], int]
COUNTERS: dict[str, Counter] = {}


def counter(endpoint: str) -> Callable[[Counter], Counter]:
    def register(function: Counter) -> Counter:
        COUNTERS[endpoint] = function
        return function

    return register


def navigation() -> list[MenuItem]:
    user = g.get("user")
    if user is None:
        return []
    shown = [
        (endpoint, url_for(endpoint), str(label))
        for endpoint, label, page in MENU
        if endpoint in current_app.view_functions and policy.page_allowed(user, page)
    ]
    # The most specific entry is the current one: /families/approvals is Approvals, not
    # My families.
    matching = [url for _, url, _ in shown if request.path.startswith(url)]
    current = max(matching, key=len, default=None)
    return [
        MenuItem(
            url, label, url == current, COUNTERS[endpoint](user) if endpoint in COUNTERS else None
        )
        for endpoint, url, label in shown
    ]


def current_language() -> str:
    return str(get_locale() or "nb")


def init_app(app: Flask) -> None:
    from velferdslab.audit.presentation import action_label, entity_label
    from velferdslab.web.labels import request_label_helpers, template_helpers

    app.jinja_env.globals.update(navigation=navigation, current_language=current_language)
    app.jinja_env.globals.update(template_helpers())
    # the audit log's words, for pages and PDFs alike (the audit report's access-log summary)
    app.jinja_env.globals.update(action_label=action_label, entity_label=entity_label)
    app.context_processor(request_label_helpers)
    from velferdslab.web.labels import formatting_filters, local_time

    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters.update(formatting_filters())
    app.jinja_env.filters["dict_without"] = lambda d, key: {k: v for k, v in d.items() if k != key}
