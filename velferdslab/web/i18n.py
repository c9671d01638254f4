"""Norwegian bokmål by default, English on request; the choice is kept in the session.

The family's own pages under /min-side also speak nynorsk (issue 26): the nn catalogue
translates every string those pages show, not the staff pages', so a staff session that
somehow carries `nn` is answered in bokmål."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel

from velferdslab.errors import DomainError
from velferdslab.settings import PACKAGE_DIR

LANGUAGES = ("nb", "en")
# the family's pages (their own cookie, velferdslab/family_portal/sessions.py)
FAMILY_LANGUAGES = ("nb", "nn", "en")
FAMILY_PREFIX = "/min-side"
babel = Babel()


def languages() -> tuple[str, ...]:
    """The languages this request's page may be shown in."""
    path = request.path if has_request_context() else ""
    family = path == FAMILY_PREFIX or path.startswith(FAMILY_PREFIX + "/")
    return FAMILY_LANGUAGES if family else LANGUAGES


def select_locale() -> str:
    # Bokmål unless the user chose another: the browser's language is not asked.
    chosen = session.get("language")
    return str(chosen) if chosen in languages() else str(current_app.config["DEFAULT_LANGUAGE"])


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("DEFAULT_LANGUAGE", "nb"))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations"))
    babel.init_app(app, locale_selector=select_locale)


def localise(message: object) -> str:
    """A service's message in the page's language: a `Text` by its template and values, any
    other string as it is when the catalogue does not know it."""
    from flask_babel import gettext

    template = getattr(message, "template", None)
    if template is None:
        return gettext(str(message)) if str(message) else ""
    values = getattr(message, "values", {})
    return str(gettext(template, **{k: _shown(k, v) for k, v in values.items()}))


def _shown(name: str, value: object) -> object:
    """A value inside a message as the page's reader writes it: `7 700` for an amount (the
    template adds `kr`), `0,6`, dd.mm.åååå, a status by its label."""
    import datetime as dt
    from decimal import Decimal

    from velferdslab.formatting import format_date, format_number
    from velferdslab.web.labels import STATUS_LABELS
    from velferdslab.web.navigation import current_language

    language = current_language()
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        whole = Decimal(str(value)) == Decimal(str(value)).to_integral_value()
        return format_number(value, 0 if whole else 2, language)
    if isinstance(value, dt.date):
        return format_date(value, language)
    if name in ("status", "current", "new") and isinstance(value, str) and value in STATUS_LABELS:
        return str(STATUS_LABELS[value])
    return value


def localised(messages: object) -> list[str]:
    return [localise(m) for m in messages]  # type: ignore[attr-defined]


def show_errors(form: Any, error: DomainError, fallback: str) -> None:
    """A service's refusal beside the fields it names, in the page's language; a field the
    form lacks, or a refusal without fields, is shown beside `fallback`."""
    for name, messages in (error.errors or {fallback: [error.message]}).items():
        field = getattr(form, name, None) or getattr(form, fallback)
        field.errors = localised(messages)
