"""The evidence page's forms: a comparison cohort's upload and a pre-registration version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from velferdslab.web.fields import NumberField

INDICATOR_LABELS = {
    "share_stable_or_better": _l("Share of families at stable or better"),
    "lasting_moves": _l("Lasting moves to stable"),
    "families": _l("Families enrolled"),
}


class CohortForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("The cohort's name"), validators=[DataRequired(_l("Name the cohort.")), Length(max=150)]
    )
    file = FileField(
        _l("Its readings: the sheet Kartlegginger (.xlsx or .csv), no names or national ids"),
        validators=[FileRequired(_l("Choose a file."))],
    )


class PreregistrationForm(FlaskForm):  # type: ignore[misc]
    indicator = SelectField(_l("Indicator"), choices=[])
    baseline_on = DateField(_l("Baseline quarter (any day of it)"), validators=[DataRequired()])
    horizon_on = DateField(_l("Horizon: the quarter the effect is read"),
                           validators=[DataRequired()])  # fmt: skip
    target = NumberField(
        _l("Target: the change aimed for (percentage points, or families)"),
        places=1,
        minimum=-100_000,
        maximum=100_000,
        validators=[InputRequired()],
    )
    target_by = DateField(_l("Target date"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.indicator.choices = [
            SelectChoice(key, str(label)) for key, label in INDICATOR_LABELS.items()
        ]
