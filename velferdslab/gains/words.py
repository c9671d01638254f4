"""The words of issue 28 as a reader sees them: the move statuses, the steps from gross to net,
and what the evidence grade lets a figure be called (benefit-model.md: "effekt" only at grade 3;
at grade 1 "endring" and "anslått gevinst")."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

MOVE_STATUS_LABELS: dict[str, Any] = {
    "lasting": _l("lasting"),
    "not_yet_lasting": _l("not yet lasting"),
    "fell_back": _l("fell back"),
    "never_reached": _l("not reached stable"),
    "started_stable": _l("started at stable"),
    "not_assessed": _l("not assessed yet"),
}

WATERFALL_STEP_LABELS: dict[str, Any] = {
    "gross": _l("gross value"),
    "deadweight": _l("deadweight"),
    "attribution": _l("attribution"),
    "success_rate": _l("success rate"),
    "drop_off": _l("drop-off"),
    "optimism_bias": _l("optimism bias"),
    "discounting": _l("discounting"),
}

GRADE_LABELS: dict[int, Any] = {
    1: _l("Evidence grade 1 of 5: before and after, no comparison group"),
    3: _l("Evidence grade 3 of 5: against a comparison group"),
}


def grade_label(grade: int) -> str:
    return str(GRADE_LABELS.get(grade, GRADE_LABELS[1]))
