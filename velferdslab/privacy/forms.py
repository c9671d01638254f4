"""The forms of the privacy pages (the lead's page of a family and the admin's page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from velferdslab.web.admin import strip
from velferdslab.web.fields import NumberField

LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
PROTECTION_LABELS: dict[str, Any] = {
    "none": _l("no protected address"),
    "confidential": _l("confidential address (kode 7)"),
    "strictly_confidential": _l("strictly confidential address (kode 6)"),
}


def _request_fields() -> tuple[Any, Any]:
    """When an access request came and the language of the answer, as both request forms ask."""
    received_on = DateField(
        _l("Request received on"),
        default=dt.date.today,
        validators=[InputRequired(message=_l("Give the date."))],
    )
    return received_on, SelectField(_l("Language"), choices=[])


def _reference_field() -> Any:
    return StringField(
        _l("Family reference"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[DataRequired(message=_l("Give the family's reference.")), Length(max=20)],
    )


class _RequestForm(FlaskForm):  # type: ignore[misc]
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = LANGUAGES


class HoldForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the reason.")), Length(min=5, max=2000)],
    )


class ReleaseForm(FlaskForm):  # type: ignore[misc]
    confirm = BooleanField(
        _l("Yes, release the hold: the family may then be anonymised by the next sweep"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class AccessForm(_RequestForm):  # type: ignore[misc]
    member_id = SelectField(_l("Family member"), coerce=int, choices=[])
    received_on, language = _request_fields()


class ProtectionForm(FlaskForm):  # type: ignore[misc]
    member_id = SelectField(_l("Family member"), coerce=int, choices=[])
    protection = SelectField(_l("Protected address"), choices=[])
    agency_ids = SelectMultipleField(
        _l("Agencies that would reveal where the member lives"), coerce=int, choices=[]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.protection.choices = [(k, str(v)) for k, v in PROTECTION_LABELS.items()]


class ConfidenceForm(FlaskForm):  # type: ignore[misc]
    note_id = SelectField(_l("Note"), coerce=int, choices=[])
    child_id = SelectField(_l("Told in confidence by"), coerce=int, choices=[])


class RetentionForm(FlaskForm):  # type: ignore[misc]
    municipality_id = SelectField(_l("Municipality"), coerce=int, choices=[])
    years = NumberField(
        _l("Years after the family ended"),
        validators=[DataRequired(message=_l("Give a number of years."))],
        places=0,
        minimum=1,
        maximum=100,
    )


class SweepForm(FlaskForm):  # type: ignore[misc]
    confirm = BooleanField(
        _l("Yes, anonymise every family listed as due: this cannot be undone"),
    )


class ReferenceHoldForm(HoldForm):
    reference = _reference_field()


class ReceivedForm(_RequestForm):  # type: ignore[misc]
    reference = _reference_field()
    national_id = StringField(
        _l("The requester's national identity number"),
        filters=[lambda v: v.replace(" ", "") if isinstance(v, str) else v],
        validators=[Regexp(r"^[0-9]{11}\Z", message=_l("11 digits, as in the request."))],
    )
    received_on, language = _request_fields()


class AnonymiseForm(FlaskForm):  # type: ignore[misc]
    confirm = BooleanField(
        _l("Yes, anonymise the family now: this cannot be undone"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
