"""A mission's figures in words, for its page, the regional dashboard, its PDF and its sheet:
the value (a share in per cent, a count), the gap ("3 prosentpoeng bak kursen"), the traffic
light (words and a shape beside the colour) and the chart's labels — in the language of the
request or report being made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from velferdslab.charts.lines import NARROW, WIDE, Frame
from velferdslab.charts.mission import MissionChartLabels, mission_chart
from velferdslab.formatting import format_date, format_number, format_percent
from velferdslab.missions.progress import SHARE

INDICATOR_LABELS = {
    "share_stable_or_better": _l("Share of families at stable or better"),
    "lasting_moves": _l("Lasting moves to stable or better"),
    "families": _l("Families enrolled"),
}
DECISION_LABELS = {"continue": _l("Continue"), "adjust": _l("Adjust"), "stop": _l("Stop")}
# The traffic light: a word and a shape beside each colour (never colour alone).
STATUS = {
    "ahead": (_l("Ahead of the path"), "▲", "forecast-ahead"),
    "on_track": (_l("On track"), "●", "forecast-on_track"),
    "behind": (_l("Behind the path"), "▼", "forecast-behind"),
    None: (_l("Not known (small numbers hidden)"), "◆", ""),
}


def language() -> str:
    return str(get_locale() or "nb")


def value_text(value: float | None, indicator: str, span: list[float] | None = None) -> str:
    """A value as shown: a share in per cent, a count; a hidden one as its range."""
    if value is None and span:
        return f"{value_text(span[0], indicator)}–{value_text(span[1], indicator)}"
    if value is None:
        return "–"
    if indicator == SHARE:
        return format_percent(value, 1, language())
    return format_number(value, 0, language())


def count_text(point: Mapping[str, Any]) -> str:
    """ "13 av 30", or a hidden count as its range: "1–4 av 10"."""
    count, families = point["count"], point["families"]
    of = families["value"] if families and not families["suppressed"] else None
    shown = (
        format_number(count["value"], 0, language())
        if not count["suppressed"]
        else "–".join(format_number(v, 0, language()) for v in point["count_range"])
        if point["count_range"]
        else "–"
    )
    if of is None or point["families"] is point["count"]:
        return shown
    return str(_l("%(count)s of %(total)s", count=shown, total=format_number(of, 0, language())))


def gap_words(gap: float | None, indicator: str, gap_range: list[float] | None = None) -> str:
    """The gap in words: "3 prosentpoeng bak kursen", "2 families ahead of the path"."""
    if gap is None and gap_range:
        low, high = (_signed(v, indicator) for v in gap_range)
        return str(
            _l("Between %(low)s and %(high)s from the path (small numbers hidden)",
               low=low, high=high)
        )  # fmt: skip
    if gap is None:
        return str(_l("Not known (small numbers hidden)"))
    if indicator == SHARE:
        points = format_number(abs(gap) * 100, 0 if round(abs(gap) * 100) >= 1 else 1, language())
        if round(abs(gap) * 100, 1) == 0:
            return str(_l("On the path"))
        if gap < 0:
            return str(_l("%(n)s percentage points behind the path", n=points))
        return str(_l("%(n)s percentage points ahead of the path", n=points))
    amount = format_number(abs(gap), 0, language())
    if round(gap) == 0:
        return str(_l("On the path"))
    if gap < 0:
        return str(_l("%(n)s behind the path", n=amount))
    return str(_l("%(n)s ahead of the path", n=amount))


def gap_text(gap: float | None, indicator: str, gap_range: list[float] | None = None) -> str:
    """The gap in a table cell: signed points of a share, or a signed count; a range."""
    if gap is None and gap_range:
        return f"{_signed(gap_range[0], indicator)} – {_signed(gap_range[1], indicator)}"
    return "–" if gap is None else _signed(gap, indicator)


def target_words(gap: float | None, indicator: str, gap_range: list[float] | None = None) -> str:
    """The forecast at the deadline against the target: "8 prosentpoeng under målet"."""
    if gap is None:
        return gap_words(gap, indicator, gap_range)
    share = indicator == SHARE
    size = abs(gap) * 100 if share else abs(gap)
    amount = format_number(size, 0 if not share or round(size) >= 1 else 1, language())
    if round(size, 1 if share else 0) == 0:
        return str(_l("On target"))
    if share:
        if gap < 0:
            return str(_l("%(n)s percentage points short of the target", n=amount))
        return str(_l("%(n)s percentage points above the target", n=amount))
    if gap < 0:
        return str(_l("%(n)s short of the target", n=amount))
    return str(_l("%(n)s above the target", n=amount))


def _signed(value: float, indicator: str) -> str:
    sign = "−" if value < 0 else "+"
    if indicator == SHARE:
        return f"{sign}{format_number(abs(value) * 100, 0, language())} " + str(_l("points"))
    return f"{sign}{format_number(abs(value), 0, language())}"


def status_of(status: str | None) -> dict[str, str]:
    words, shape, css = STATUS.get(status, STATUS[None])
    return {"words": str(words), "shape": shape, "class": css}


def chart(progress: Mapping[str, Any], name: str, frame: Frame = WIDE) -> str:
    indicator = progress["indicator"]
    dates = {
        progress["baseline"]["on"]: format_date(progress["baseline"]["on"], language()),
        progress["target"]["by"]: format_date(progress["target"]["by"], language()),
    }
    now = progress["series"][-1] if progress["series"] else None
    description = str(
        _l("%(name)s: %(value)s on %(date)s against %(required)s on the path; %(gap)s. The plans "
           "promise %(forecast)s by %(deadline)s, against a target of %(target)s.",
           name=name,
           value=value_text(now["value"], indicator, now["value_range"]) if now else "–",
           date=format_date(now["quarter_end"], language()) if now else "–",
           required=value_text(now["required"], indicator) if now else "–",
           gap=gap_words(progress["gap"], indicator, progress["gap_range"]),
           forecast=value_text(progress["forecast"]["value"], indicator,
                               progress["forecast"]["value_range"]),
           deadline=format_date(progress["target"]["by"], language()),
           target=value_text(progress["target"]["value"], indicator))
    )  # fmt: skip
    labels = MissionChartLabels(
        title=str(_l("%(name)s: where the mission stands", name=name)),
        description=description,
        actual=str(_l("actual")),
        required=str(_l("required path")),
        forecast=str(_l("the plans' forecast")),
        target=str(_l("target")),
        dates=dates,
        value=lambda v: (
            format_percent(v, 0, language())
            if indicator == SHARE
            else format_number(v, 0, language())
        ),
    )
    return mission_chart(progress, labels, frame)


def page_context(mission: Any, progress: Mapping[str, Any]) -> dict[str, Any]:
    """What the page, the PDF and the sheet show beside the figures."""
    indicator = progress["indicator"]
    return {
        "indicator_label": str(INDICATOR_LABELS[indicator]),
        "chart": chart(progress, mission.name),
        # the same chart drawn for a phone's width, shown there instead (letters ≥ 10 px)
        "chart_narrow": chart(progress, mission.name, NARROW),
        "gap_words": gap_words(progress["gap"], indicator, progress["gap_range"]),
        "light": status_of(progress["status"]),
        "forecast_gap_words": target_words(
            progress["forecast"]["gap"], indicator, progress["forecast"]["gap_range"]
        ),
        "value_text": value_text,
        "gap_text": gap_text,
        "count_text": count_text,
        "status_of": status_of,
        "decision_labels": {k: str(v) for k, v in DECISION_LABELS.items()},
    }
