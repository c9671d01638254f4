"""The report pages' forms: issue a report, verify a file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional, ValidationError

LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]


class IssueForm(FlaskForm):  # type: ignore[misc]
    kind = SelectField(_l("Report"), choices=[], validators=[DataRequired()])
    municipality_id = SelectField(_l("Municipality"), choices=[], coerce=int)
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to"), validators=[Optional()])
    as_of = DateField(_l("Valuation date"), validators=[Optional()])
    language = SelectField(_l("Language of the report"), choices=[], default="nb")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = LANGUAGES

    def validate_period_end(self, field: DateField) -> None:
        start = self.period_start.data
        if start and field.data and field.data < start:
            raise ValidationError(str(_l("The period cannot end before it starts.")))


class FamilyReportForm(FlaskForm):  # type: ignore[misc]
    language = SelectField(_l("Language of the report"), choices=[], default="nb")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = LANGUAGES


class VerifyForm(FlaskForm):  # type: ignore[misc]
    file = FileField(_l("The PDF to verify"), validators=[FileRequired(_l("Choose a PDF file."))])
