"""Display names of the vocabulary, translated (API values stay English)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from velferdslab import formatting
from velferdslab.charts.journey import ChartLabels
from velferdslab.formatting import format_datetime
from velferdslab.gains.words import MOVE_STATUS_LABELS, WATERFALL_STEP_LABELS, grade_label
from velferdslab.vocabulary import DOMAINS, GovernmentLevel

DOMAIN_LABELS: dict[str, Any] = {
    "housing": _l("Housing"),
    "work": _l("Work"),
    "school": _l("School"),
    "network": _l("Network"),
    "finance": _l("Finance"),
    "health": _l("Health"),
    "childhood": _l("Children's conditions"),
}
LEVEL_LABELS: tuple[Any, ...] = (
    _l("unsustainable"),
    _l("exposed"),
    _l("stable"),
    _l("sustainable"),
)
# Two letters, written in every chart cell so the chart reads without colour.
LEVEL_SHORT: tuple[Any, ...] = (_l("UN"), _l("EX"), _l("ST"), _l("SU"))
STATUS_LABELS: dict[str, Any] = {
    "referred": _l("referred"),
    "active": _l("active"),
    "concluded": _l("concluded"),
    "withdrawn": _l("withdrawn"),
    "approved": _l("approved"),
    "pending": _l("pending"),
    "rejected": _l("rejected"),
    "planned": _l("planned"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "cancelled": _l("cancelled"),
    "queued": _l("queued"),
    "running": _l("being made"),
    "ready": _l("ready"),
    "failed": _l("failed"),
}

# Who carries a cost or a gain, by level of government (agencies' pages, the workbook).
GOVERNMENT_LEVEL_LABELS: dict[str, Any] = {
    GovernmentLevel.MUNICIPAL: _l("municipal"),
    GovernmentLevel.COUNTY: _l("county"),
    GovernmentLevel.STATE: _l("state"),
    GovernmentLevel.VOLUNTARY: _l("voluntary"),
    GovernmentLevel.PRIVATE: _l("private"),
}


# The assumption set's parameters as a reader names them (the codes stay in the API and files).
PAYER_LABELS: dict[str, Any] = {
    "municipal": _l("the municipality"),
    "county": _l("the county"),
    "state": _l("the state"),
    "household": _l("the household"),
    "society": _l("society"),
}

# The assumptions the sensitivity analysis moves, as a reader names them.
PARAMETER_LABELS = {
    "success_rate": _l("success rate"),
    "deadweight": _l("deadweight"),
    "attribution": _l("attribution"),
    "drop_off": _l("drop-off"),
    "tax_financing_cost": _l("tax financing cost"),
    "discount_rate": _l("discount rate"),
    "cost_unsustainable": _l("cost at unsustainable"),
    "cost_exposed": _l("cost at exposed"),
    "cost_stable": _l("cost at stable"),
    "cost_sustainable": _l("cost at sustainable"),
    "horizon_years": _l("time horizon (years)"),
    "sustain_months": _l("months at stable before a move is lasting"),
    "overall_rule": _l("overall level"),
    "discount_schedule": _l("discount rate"),
    "optimism_bias": _l("optimism bias (haircut by data grade)"),
    "lowest": _l("the lowest domain"),
    "median": _l("the median domain"),
    "fiscal": _l("fiscal"),
    "economic": _l("economic"),
    "social": _l("social"),
}


def level_label(level: int | None) -> str:
    return "–" if level is None else str(LEVEL_LABELS[level])


@dataclass(frozen=True)
class Translated:
    """The vocabulary's labels in one language, as plain strings."""

    domains: dict[str, str]
    levels: tuple[str, ...]
    short_levels: tuple[str, ...]
    statuses: dict[str, str]
    payers: dict[str, str]
    overall: str
    goal: str


@lru_cache(maxsize=8)
def _translated(language: str) -> Translated:
    # Called with the language of the request (or forced locale) it runs in, so the lazy
    # strings below resolve to that language; the catalogue does not change while running.
    del language
    return Translated(
        domains={key: str(label) for key, label in DOMAIN_LABELS.items()},
        levels=tuple(str(label) for label in LEVEL_LABELS),
        short_levels=tuple(str(label) for label in LEVEL_SHORT),
        statuses={key: str(label) for key, label in STATUS_LABELS.items()},
        payers={key: str(label) for key, label in PAYER_LABELS.items()},
        overall=str(_l("Overall")),
        goal=str(_l("Goal")),
    )


def translated() -> Translated:
    """The labels in the current language, translated once per process and language: a
    family page shows some 140 of them, and each lazy string costs a catalogue lookup."""
    return _translated(str(get_locale() or "nb"))


def chart_labels(reference: str) -> ChartLabels:
    """The journey chart's words in the current language; its title names the family."""
    labels = translated()
    return ChartLabels(
        domains=dict(labels.domains),
        levels=list(labels.levels),
        short_levels=list(labels.short_levels),
        overall=labels.overall,
        goal=labels.goal,
        title=f"{_l('Investment journey')} {reference}",
    )


def template_helpers() -> dict[str, Any]:
    return {
        "domain_label": lambda d: str(DOMAIN_LABELS.get(d, d)),
        "level_label": level_label,
        "status_label": lambda s: str(STATUS_LABELS.get(s, s)),
        "payer_label": lambda p: str(PAYER_LABELS.get(p, p)),
        "DOMAINS": DOMAINS,
        "money": format_money,
        "amount": format_amount,
        "date": formatting.format_date,
        "number": format_number,
        "value": format_value,
        "parameter_label": lambda name: str(PARAMETER_LABELS.get(name, name)),
        # issue 28: a move's status, a step from gross to net, the grade of the evidence
        "move_label": lambda s: str(MOVE_STATUS_LABELS.get(s, s)),
        "step_label": lambda s: str(WATERFALL_STEP_LABELS.get(s, s)),
        "grade_label": grade_label,
    }


def request_label_helpers() -> dict[str, Any]:
    """The same label helpers as template_helpers, over the current language's table: a
    context processor, so each page looks its language up once."""
    labels = translated()
    return {
        "domain_label": lambda d: labels.domains.get(d, d),
        "level_label": lambda level: "–" if level is None else labels.levels[level],
        "status_label": lambda s: labels.statuses.get(s, s),
        "payer_label": lambda p: labels.payers.get(p, p),
    }


def local_time(value: dt.datetime | None, seconds: bool = False) -> str:
    """A stored instant (UTC; naive from SQLite) as Norwegians read it: Oslo time."""
    return format_datetime(value, seconds=seconds)


def format_number(value: Any, decimals: int = 0) -> str:
    """A number in the page's language (`0,6` in bokmål), by velferdslab.formatting."""
    return formatting.format_number(value, decimals, str(get_locale() or "nb"))


def format_value(value: Any) -> str:
    """A parameter's value (`0,6`, `30`, a rule by its name) in the page's language."""
    if isinstance(value, str) and value in PARAMETER_LABELS:
        return str(PARAMETER_LABELS[value])
    return formatting.format_value(value, str(get_locale() or "nb"))


def format_money(value: Any) -> str:
    """Whole kroner in the page's language (`12 345 kr`), by velferdslab.formatting."""
    return formatting.format_money(value, str(get_locale() or "nb"))


def format_amount(value: Any) -> str:
    """One recorded amount with its øre when it has them (`150,50 kr`): velferdslab.formatting."""
    return formatting.format_amount(value, str(get_locale() or "nb"))


def _language() -> str:
    return str(get_locale() or "nb")


def formatting_filters() -> dict[str, Any]:
    """velferdslab.formatting as Jinja filters in the current language, for pages and PDFs:
    `{{ d|date }}`, `{{ t|datetime }}`, `{{ x|number(1) }}`, `{{ x|millions }}`, `{{ s|percent }}`;
    `{{ x|input_number }}`: a saved amount in a form field, read back unchanged.
    """
    return {
        "date": lambda v: formatting.format_date(v, _language()),
        "datetime": lambda v, seconds=False: formatting.format_datetime(
            v, seconds=seconds, language=_language()
        ),
        "number": lambda v, decimals=0: formatting.format_number(v, decimals, _language()),
        "input_number": lambda v: formatting.format_input_number(v, _language()),
        "millions": lambda v, decimals=1: formatting.format_millions(v, decimals, _language()),
        "percent": lambda v, decimals=0: formatting.format_percent(v, decimals, _language()),
    }


# A goal's or a domain's place against the plan (the forecast's status).
FORECAST_STATUS_LABELS = {
    "ahead": _l("ahead"),
    "on_track": _l("on track"),
    "behind": _l("behind"),
}
