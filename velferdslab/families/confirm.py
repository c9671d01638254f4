"""Confirmation before what cannot be undone, on a page of its own and without JavaScript.

A destructive form posts to its action as before; without `confirmed=yes` the action changes
nothing and answers with a page that says what will happen, carrying the form's values on to a
second, confirming post. Cancelling is a link back: nothing was changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue

from velferdslab.families.models import Family


def confirmed() -> bool:
    return request.form.get("confirmed") == "yes"


def ask(
    family: Family,
    *,
    title: Any,
    consequences: Sequence[Any],
    confirm_label: Any,
    cancel_url: str,
    hidden: Mapping[str, str] | None = None,
    note: str | None = None,
) -> ResponseReturnValue:
    return render_template(
        "families/confirm.html",
        family=family,
        title=title,
        consequences=consequences,
        confirm_label=confirm_label,
        cancel_url=cancel_url,
        action=request.path,
        hidden=dict(hidden or {}),
        note=note,
    )
