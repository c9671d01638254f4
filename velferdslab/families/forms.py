"""The family forms: a note, an expenditure, an assessment — each explains its limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from velferdslab.formatting import oslo_today
from velferdslab.vocabulary import DOMAINS
from velferdslab.web.fields import amount_field


def not_in_future(_form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > max(dt.date.today(), oslo_today()):
        raise ValidationError(str(_l("The date cannot be in the future.")))


def domain_choices() -> list[tuple[str, str]]:
    from velferdslab.web.labels import DOMAIN_LABELS

    return [("", "–"), *[(d, str(DOMAIN_LABELS[d])) for d in DOMAINS]]


class NoteForm(FlaskForm):  # type: ignore[misc]
    text = TextAreaField(_l("New note"), validators=[DataRequired(), Length(max=10_000)])
    domain = SelectField(_l("Domain (optional)"), choices=[], default="")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.domain.choices = domain_choices()


class ExpenditureForm(FlaskForm):  # type: ignore[misc]
    spent_on = DateField(_l("Date"), validators=[DataRequired(), not_in_future], default=oslo_today)
    amount = amount_field(_l("Amount (NOK)"), [DataRequired()], minimum=Decimal("0.01"))
    description = StringField(_l("What is it for?"), validators=[DataRequired(), Length(max=500)])
    paying_agency_id = SelectField(_l("Paid by"), coerce=int, choices=[])
    domain = SelectField(_l("Domain (optional)"), choices=[], default="")

    def __init__(self, agencies: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.paying_agency_id.choices = agencies
        self.domain.choices = domain_choices()


__all__ = ["ExpenditureForm", "NoteForm", "Optional"]


def level_choices(blank: str) -> list[tuple[str, str]]:
    from velferdslab.web.labels import LEVEL_LABELS

    # Best level first: the help text says to start there and step down.
    return [("", blank), *[(str(n), str(LEVEL_LABELS[n])) for n in range(3, -1, -1)]]


class AssessmentFormBase(FlaskForm):  # type: ignore[misc]
    assessed_on = DateField(
        _l("Date of the assessment"), validators=[DataRequired(), not_in_future]
    )
    overall_override = SelectField(_l("Override the overall level"), choices=[], default="")
    override_reason = TextAreaField(
        _l("Why the overall level is overridden"), validators=[Length(max=2000)]
    )

    def validate_override_reason(self, field: TextAreaField) -> None:
        if self.overall_override.data and not (field.data or "").strip():
            raise ValidationError(str(_l("Give the reason when you override the overall level.")))

    def levels(self, prefix: str = "level_") -> dict[str, int | None]:
        values = {d: getattr(self, prefix + d).data for d in DOMAINS}
        return {d: int(v) if v not in (None, "") else None for d, v in values.items()}

    def rationale(self) -> dict[str, str]:
        texts = {d: (getattr(self, f"rationale_{d}").data or "").strip() for d in DOMAINS}
        return {d: text for d, text in texts.items() if text}

    def validate(self, extra_validators: object = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if valid and all(level is None for level in self.levels().values()):
            self.level_housing.errors = [str(_l("Assess at least one domain."))]
            return False
        return valid


def assessment_form_class() -> type[AssessmentFormBase]:
    """One radio group, one rationale and one 'the family's view' per domain."""
    fields: dict[str, object] = {}
    for domain in DOMAINS:
        # A radio group left untouched sends nothing: that means "not assessed" ("").
        fields[f"level_{domain}"] = SelectField(choices=[], default="")
        fields[f"family_level_{domain}"] = SelectField(choices=[], default="")
        fields[f"rationale_{domain}"] = TextAreaField(validators=[Length(max=2000)])
    return type("AssessmentForm", (AssessmentFormBase,), fields)


def make_assessment_form(**kwargs: object) -> AssessmentFormBase:
    form = assessment_form_class()(**kwargs)
    for domain in DOMAINS:
        getattr(form, f"level_{domain}").choices = level_choices(str(_l("not assessed")))
        getattr(form, f"family_level_{domain}").choices = level_choices(str(_l("same as the team")))
    form.overall_override.choices = level_choices(str(_l("no override")))
    return form


class EnrolForm(FlaskForm):  # type: ignore[misc]
    municipality_id = SelectField(_l("Municipality"), coerce=int, choices=[])
    referred_on = DateField(_l("Referred on"), validators=[DataRequired(), not_in_future])
    protection = SelectField(_l("Protection"), choices=[], default="none")

    def __init__(self, municipalities: list[tuple[int, str]], *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)
        self.municipality_id.choices = municipalities
        self.protection.choices = [
            ("none", str(_l("none"))),
            ("confidential", str(_l("confidential (code 7)"))),
            ("strictly_confidential", str(_l("strictly confidential (code 6)"))),
        ]
