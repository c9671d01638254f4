"""The admin's pages for the level help texts beside the assessment form: every domain and
level in bokmål and English, the default from config/ until an admin replaces it.

The same service and rules as PUT /api/v1/level-descriptions: any admin may replace a text
(the texts are not kept per municipality: one edit applies to every assessment form), a text is
1–2000 characters, and an unknown domain is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from velferdslab.assessments.descriptions import LANGUAGES, all_descriptions, set_description
from velferdslab.errors import NotFound
from velferdslab.extensions import db
from velferdslab.vocabulary import DOMAINS, LEVELS
from velferdslab.web.admin import admin_or_404, normalise_text, printable
from velferdslab.web.auth import login_required

LANGUAGE_LABELS: dict[str, Any] = {"nb": _l("Norwegian bokmål"), "en": _l("English")}


def field_name(language: str, level: str) -> str:
    return f"{language}_{level}"


def level_text_form(current: dict[str, str]) -> FlaskForm:
    """One text area per level and language of a domain, filled with the texts in force."""
    fields: dict[str, object] = {
        field_name(language, level): TextAreaField(
            filters=[normalise_text],
            validators=[
                DataRequired(message=_l("Write the help text; it cannot be empty.")),
                Length(max=2000),
                printable,
            ],
        )
        for language in LANGUAGES
        for level in LEVELS
    }
    form_class = type("LevelTextForm", (FlaskForm,), fields)
    form: FlaskForm = form_class(data=current)
    return form


def _texts(domain: str | None = None) -> list[dict[str, Any]]:
    return all_descriptions(db.session, {"domain": domain} if domain else {})


def create_blueprint() -> Blueprint:
    blp = Blueprint("level_text_pages", __name__, url_prefix="/admin/level-texts")

    @blp.route("")
    @login_required
    def level_texts() -> ResponseReturnValue:
        admin_or_404()
        texts: dict[str, dict[str, dict[str, Any]]] = {d: {} for d in DOMAINS}
        for row in _texts():
            texts[row["domain"]].setdefault(row["level"], {})[row["language"]] = row
        return render_template(
            "admin/level_texts.html", texts=texts, LEVELS=LEVELS, LANGUAGES=LANGUAGES,
            language_labels=LANGUAGE_LABELS,
        )  # fmt: skip

    @blp.route("/<domain>", methods=["GET", "POST"])
    @login_required
    def edit_level_texts(domain: str) -> ResponseReturnValue:
        admin = admin_or_404()
        if domain not in DOMAINS:
            raise NotFound()
        rows = _texts(domain)
        current = {field_name(r["language"], r["level"]): r["text"] for r in rows}
        form = level_text_form(current)
        if form.validate_on_submit():
            changed = []
            for language in LANGUAGES:
                for level in LEVELS:
                    text = form[field_name(language, level)].data
                    if text != current[field_name(language, level)]:
                        set_description(db.session, domain, level, language, text, admin.id)
                        changed.append(f"{domain}.{level}.{language}")
            if changed:
                flash(
                    _l("The help texts are saved (%(count)s changed).", count=len(changed)),
                    "success",
                )
            else:
                flash(_l("Nothing was changed."), "info")
            return redirect(url_for(".level_texts", _anchor=domain))
        edited = {field_name(r["language"], r["level"]) for r in rows if r["edited"]}
        return render_template(
            "admin/level_text_form.html",
            domain=domain,
            form=form,
            edited=edited,
            field_name=field_name,
            LEVELS=LEVELS,
            LANGUAGES=LANGUAGES,
            language_labels=LANGUAGE_LABELS,
        ), 422 if form.errors else 200

    return blp
