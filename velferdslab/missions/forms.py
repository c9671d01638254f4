"""The form that makes or changes a mission's definition on a page, and its translation to and
from the body the API's service takes (a share in per cent on the page, 0–1 in the service)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from velferdslab.missions.models import Mission
from velferdslab.missions.presentation import INDICATOR_LABELS
from velferdslab.missions.progress import SHARE
from velferdslab.web.fields import NumberField
from velferdslab.web.i18n import localised

# The API's bound on a value (schemas.MissionTargetSchema); a share is at most 100 %.
MAX_VALUE = 1_000_000
# A service's field names where the form's differ.
FORM_FIELD = {"target": "target_value", "baseline": "baseline_value"}


class MissionForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    indicator = SelectField(_l("Indicator"), choices=[])
    municipality_ids = SelectMultipleField(
        _l("Municipalities whose families count"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one municipality."))],
    )
    owner_id = SelectField(_l("Owner (a leader)"), coerce=int, choices=[])
    baseline_value = NumberField(
        _l("Baseline value"), places=2, maximum=MAX_VALUE, validators=[Optional()]
    )
    baseline_on = DateField(_l("Baseline date"), validators=[DataRequired()])
    target_value = NumberField(
        _l("Target value"), places=2, maximum=MAX_VALUE, validators=[InputRequired()]
    )
    target_by = DateField(_l("Target date"), validators=[DataRequired()])

    def offer(self, municipalities: list[Any], owners: list[Any]) -> None:
        self.indicator.choices = [(key, str(label)) for key, label in INDICATOR_LABELS.items()]
        self.municipality_ids.choices = [(m.id, m.name) for m in municipalities]
        self.owner_id.choices = [(0, str(_l("Choose a leader")))] + [
            (u.id, u.full_name) for u in owners
        ]


def shown(value: float, indicator: str) -> Decimal:
    number = Decimal(str(value))
    return number * 100 if indicator == SHARE else number


def stored(typed: Decimal, indicator: str) -> float:
    return float(typed / 100) if indicator == SHARE else float(typed)


def form_data(mission: Mission) -> dict[str, Any]:
    target, indicator = mission.target, str(mission.indicator)
    return {
        "name": mission.name,
        "indicator": indicator,
        "municipality_ids": mission.municipality_ids,
        "owner_id": mission.owner_id,
        "baseline_value": shown(target.baseline_value, indicator),
        "baseline_on": target.baseline_on,
        "target_value": shown(target.target_value, indicator),
        "target_by": target.target_by,
    }


def new_body(form: MissionForm) -> dict[str, Any]:
    indicator = form.indicator.data
    baseline = form.baseline_value.data
    return {
        "name": form.name.data.strip(),
        "indicator": indicator,
        "municipality_ids": list(form.municipality_ids.data),
        "owner_id": form.owner_id.data or None,
        "baseline": {
            "value": None if baseline is None else stored(baseline, indicator),
            "on": form.baseline_on.data,
        },
        "target": {
            "value": stored(form.target_value.data or Decimal(0), indicator),
            "by": form.target_by.data,
        },
    }


def changed_body(form: MissionForm, mission: Mission, *, fixed: set[str]) -> dict[str, Any]:
    """Only what the form changes: the service refuses any mention of a fixed field, and a
    target mentioned at all may make a new version."""
    new, old = new_body(form), form_data(mission)
    body: dict[str, Any] = {}
    if new["name"] != old["name"]:
        body["name"] = new["name"]
    if new["owner_id"] and new["owner_id"] != old["owner_id"]:
        body["owner_id"] = new["owner_id"]
    if "indicator" not in fixed and new["indicator"] != old["indicator"]:
        body["indicator"] = new["indicator"]
    if "municipality_ids" not in fixed and set(new["municipality_ids"]) != set(
        old["municipality_ids"]
    ):
        body["municipality_ids"] = new["municipality_ids"]
    target_moved = (form.target_value.data, form.target_by.data) != (
        old["target_value"],
        old["target_by"],
    )
    baseline_moved = (form.baseline_value.data, form.baseline_on.data) != (
        old["baseline_value"],
        old["baseline_on"],
    )
    if target_moved or baseline_moved or "indicator" in body:
        body["baseline"], body["target"] = new["baseline"], new["target"]
    return body


# The service (as the API) names the target for its value and its date alike; on the page the
# order of the dates is said beside the target's date.
DATE_ORDER = "The target's date comes after the baseline's."


def show_refusal(form: MissionForm, errors: dict[str, list[str]], message: str) -> None:
    """A service's refusal beside the fields it names (the form's names for its own)."""
    for name, messages in (errors or {"name": [message]}).items():
        for said in messages:
            wanted = "target_by" if name == "target" and str(said) == DATE_ORDER else name
            field = getattr(form, FORM_FIELD.get(wanted, wanted), None) or form.name
            field.errors = [*field.errors, *localised([said])]
