"""The plan's page forms: a goal, a measure, and the family's own goals and dreams.

Each carries the version of the record it edits (the page's If-Match): a save over someone
else's newer change is refused and the typed values are kept.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from velferdslab.formatting import oslo_today
from velferdslab.vocabulary import DOMAINS, MeasureStatus


def _domains(blank: str | None) -> list[tuple[str, str]]:
    from velferdslab.web.labels import DOMAIN_LABELS

    choices = [(d, str(DOMAIN_LABELS[d])) for d in DOMAINS]
    return [("", blank), *choices] if blank is not None else choices


def target_level_choices() -> list[tuple[str, str]]:
    """Best level first, as the level help reads."""
    from velferdslab.web.labels import LEVEL_LABELS

    return [(str(n), str(LEVEL_LABELS[n])) for n in range(3, -1, -1)]


class GoalForm(FlaskForm):  # type: ignore[misc]
    version = HiddenField()
    domain = SelectField(_l("Domain"), choices=[], validators=[DataRequired()])
    target_level = SelectField(_l("Target level"), choices=[], validators=[DataRequired()])
    target_date = DateField(
        _l("Target date"),
        validators=[
            DataRequired(message=_l("Give the date by which the family aims to be there."))
        ],
    )
    description = TextAreaField(
        _l("What the goal means for the family"), validators=[Length(max=2000)]
    )
    closed = BooleanField(_l("The goal is closed (reached or set aside)"))

    def __init__(
        self, *args: object, saved_target_date: dt.date | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.domain.choices = _domains(None)
        self.target_level.choices = target_level_choices()
        self.saved_target_date = saved_target_date

    def validate_target_date(self, field: DateField) -> None:
        # A goal already due keeps its date (to be closed or moved); a new date is still ahead.
        if field.data and field.data < oslo_today() and field.data != self.saved_target_date:
            raise ValidationError(str(_l("The date has passed: choose today or a later date.")))


class MeasureForm(FlaskForm):  # type: ignore[misc]
    version = HiddenField()
    description = TextAreaField(_l("Measure"), validators=[DataRequired(), Length(min=1, max=2000)])
    domain = SelectField(_l("Domain (optional)"), choices=[], default="")
    owner_user_id = SelectField(_l("Owner"), choices=[], default="")
    due_on = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[], default=MeasureStatus.PLANNED.value)

    def __init__(self, owners: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from velferdslab.web.labels import STATUS_LABELS

        self.domain.choices = _domains("–")
        self.owner_user_id.choices = [("", str(_l("nobody yet")))] + [
            (str(user_id), name) for user_id, name in owners
        ]
        self.status.choices = [(s.value, str(STATUS_LABELS[s.value])) for s in MeasureStatus]


class OwnWordsForm(FlaskForm):  # type: ignore[misc]
    version = HiddenField()
    own_goals = TextAreaField(_l("The family's own goals"), validators=[Length(max=4000)])
    dreams = TextAreaField(_l("Dreams"), validators=[Length(max=4000)])
