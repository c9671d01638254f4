"""What the admin's pages share: who may open them, and form helpers for one-line text."""

from __future__ import annotations

import re
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from velferdslab import policy
from velferdslab.users.models import User

# Tab and line breaks are fine in a text area; other control characters (NUL above all, which
# PostgreSQL refuses) are not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def admin_or_404() -> User:
    """The signed-in admin; anyone else is told the page does not exist (policy.py decides)."""
    return policy.require_page(g.user, "pages.admin")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def normalise_text(value: Any) -> Any:
    """A text area's line breaks as the API stores them (LF), without surrounding blanks."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def printable(_form: FlaskForm, field: Field) -> None:
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(str(_l("Must not contain control characters.")))
