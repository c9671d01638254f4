"""A region's portfolio beside its municipalities' (issue 23): a regional leader may ask for
the region and for each municipality, and the region's figure is the sum of theirs, so the
region hides every figure any municipality hides (then whatever more its own sums need). A
municipality's report depends on its own families only; the region's side-by-side table shows
each municipality's figures exactly as its own report does."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from velferdslab.benefits.disclosure import Line, protect, recoverable
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.suppression import SUPPRESSED, Suppression, total_last
from velferdslab.gains.data import EngineInput
from velferdslab.gains.portfolio import portfolio_report
from velferdslab.gains.region_parts import kept_figures, region_scratch


def municipality_input(data: EngineInput, municipality_id: int) -> EngineInput:
    """The region's tables cut to one municipality's families (agencies stay: names only)."""
    families = data.families[data.families["municipality_id"] == municipality_id]
    ids = set(families["family_id"].tolist())

    def own(frame: Any) -> Any:
        return frame[frame["family_id"].isin(ids)]

    return EngineInput(
        families=families,
        assessments=own(data.assessments),
        expenditures=own(data.expenditures),
        contributions=own(data.contributions),
        budgets=own(data.budgets),
        agencies=data.agencies,
        goals=own(data.goals),
    )


# A municipality's report, what its suppression decided, and the figures the region's are made
# of (velferdslab.gains.region_parts).
Part = tuple[dict[str, Any], Suppression, dict[str, Any]]


def municipality_part(
    data: EngineInput,
    municipality_id: int,
    params: AssumptionParams,
    as_of: dt.date,
    suppression: Suppression,
) -> Part:
    """One municipality's own report within a region, and what its suppression decided (the
    hidden figures and the sums that tie them): it depends on that municipality's data only."""
    own = Suppression(suppression.applied, suppression.threshold)
    scratch: dict[str, Any] = {}
    report = portfolio_report(
        municipality_input(data, municipality_id), params, as_of, own, scratch=scratch
    )
    return report, own, kept_figures(scratch)


def region_report(
    data: EngineInput,
    params: AssumptionParams,
    as_of: dt.date,
    suppression: Suppression,
    *,
    part: Callable[[int], Part] | None = None,
) -> dict[str, Any]:
    """The region's report, and its municipalities side by side, for one region's data.
    `part(municipality_id)` gives municipality_part's answer where the caller keeps them
    (treated as read-only here)."""
    municipalities = sorted(int(m) for m in data.families["municipality_id"].unique())
    if len(municipalities) < 2:
        return portfolio_report(data, params, as_of, suppression)
    parts: dict[int, dict[str, Any]] = {}
    owns: list[Suppression] = []
    figures: list[dict[str, Any]] = []
    for municipality_id in municipalities:
        if part is None:
            made = municipality_part(data, municipality_id, params, as_of, suppression)
        else:
            made = part(municipality_id)
        parts[municipality_id] = made[0]
        owns.append(made[1])
        figures.append(made[2])
    hidden_elsewhere, pinned = elsewhere(owns)
    spans = stable_spans(list(parts.values()))
    first = suppression.beside(hidden_elsewhere, pinned, spans)
    # The figures both reports share, computed once; those made family by family put together
    # from the municipalities' (treated as read-only).
    scratch = region_scratch(figures, data.family_ids)
    report = portfolio_report(data, params, as_of, first, scratch=scratch)
    more = hidden_together(first, owns) if suppression.applied else set()
    if more:  # made again with them hidden: a hidden figure changes what is drawn around it
        again = suppression.beside(hidden_elsewhere | first.hidden | more, pinned, spans)
        report = portfolio_report(data, params, as_of, again, scratch=scratch)
    report["by_municipality"] = [side_by_side(m, parts[m]) for m in municipalities]
    return report


def stable_spans(reports: list[dict[str, Any]]) -> dict[Any, tuple[int, int]]:
    """Per quarter, the range the region's count at stable or better lies in, as its
    municipalities tell it (each a count or a range; a municipality without families then
    counts 0); none where one of them hides it without a range."""
    rows = [{row["quarter_end"]: row for row in r["stable_share_over_time"]} for r in reports]
    spans = {}
    for quarter in sorted(set().union(*rows)):
        low = high = 0
        for row in (by_quarter[quarter] for by_quarter in rows if quarter in by_quarter):
            cell, span = row["stable_or_better"], row["stable_or_better_range"]
            if not cell["suppressed"]:
                low, high = low + cell["value"], high + cell["value"]
            elif span is not None:
                low, high = low + span[0], high + span[1]
            else:
                break
        else:
            spans[("levels", "group", quarter, 1)] = (low, high)
    return spans


def side_by_side(municipality_id: int, report: dict[str, Any]) -> dict[str, Any]:
    """A municipality's line of the region's table, each cell as its own report shows it."""
    reaching, gains = report["reaching_stable"], report["gains"]
    families, assessed = report["family_count"], reaching["families"]
    stable, npv = reaching["stable_or_sustainable"], gains["socioeconomic_npv"]
    share = dict(SUPPRESSED)
    if not assessed["suppressed"] and not stable["suppressed"]:
        share = {
            "value": round(stable["value"] / assessed["value"], 4) if assessed["value"] else 0.0,
            "suppressed": False,
        }
    per_family = dict(SUPPRESSED)
    if not families["suppressed"] and not npv["suppressed"]:
        count = families["value"]
        per_family = {
            "value": round(npv["value"] / count, 2) if count else 0.0,
            "suppressed": False,
        }
    return {
        "municipality_id": municipality_id,
        "families": families,
        "assessed": assessed,
        "stable_or_better": stable,
        "share_stable_or_better": share,
        "spending": gains["spending"],
        "socioeconomic_npv": npv,
        "socioeconomic_npv_per_family": per_family,
    }


# The figures a region's figure is the sum of its municipalities' same figure for. Not the
# grouped transition matrix: a municipality shows it only when its own four levels hide a cell.
ADDITIVE_TABLES = frozenset(
    ("levels", "transitions", "reaching_stable", "goals", "forecast_goals", "moves")
)


TABLE_FIGURES = frozenset(("cell", "row", "column", "group", "total"))


def _additive(key: Hashable) -> bool:
    name = key[0] if isinstance(key, tuple) else key
    if isinstance(key, tuple) and key[-1] == "sum":
        return True
    return (name[0] if isinstance(name, tuple) else name) in ADDITIVE_TABLES


def elsewhere(municipalities: list[Suppression]) -> tuple[set[Any], set[Any]]:
    """What the municipalities hide, and the additive figures all of them show (a region's
    sum of shown parts is no secret, and never small: each part is 0 or at least the
    threshold)."""
    hidden: set[Any] = set().union(*(own.hidden for own in municipalities))
    figures: set[Any] = set().union(*(own.figures for own in municipalities))
    return hidden, {key for key in figures - hidden if _additive(key)}


def hidden_together(region: Suppression, municipalities: list[Suppression]) -> set[Any]:
    """Region figures to hide besides those `region` hid, so that no hidden figure of the
    region or of a municipality follows from all their sums taken together (each view's own,
    and region = sum of municipalities for every additive figure)."""
    views = [_in_view(index, own) for index, own in enumerate(municipalities)]
    hidden: set[Any] = {("region", key) for key in region.hidden}
    for own_hidden, _own_tied in views:
        hidden |= own_hidden
    # Most often nothing more is to be hidden, and only the sums that hold a hidden figure can
    # fix one (a figure is recovered from the sums it is in, through other hidden figures):
    # checked on those alone first, the same answer as on all of them.
    if not _any_recoverable(_tied(region, municipalities, views), hidden):
        return set()
    # Only region figures are ever hidden here, so a municipality's sum without a hidden figure
    # never joins a hidden figure's equations, and a shown part of region = Σ municipalities is
    # a known number: both are left out (the same equations in the unknowns, the same answer,
    # without renaming a region's hundred thousand figures).
    lines = [line for _own_hidden, own_tied in views for line in own_tied]
    lines += _renamed("region", region.lines)
    hidden_in: dict[Any, list[Any]] = {}
    for i, own in enumerate(municipalities):
        for key in own.hidden:
            if key in own.figures:
                hidden_in.setdefault(key, []).append((i, key))
    for key in region.figures:
        if _additive(key):
            lines.append((hidden_in.get(key, []), ("region", key)))
    values = {("region", key): value for key, value in region.figures.items()}
    safe = protect(
        lines,
        hidden,
        values,
        hideable=lambda key: key[0] == "region" and key[1] not in region.pinned,
        rank=lambda key: total_last(key[1][1:]) if key[1][1] in TABLE_FIGURES else 0,
    )
    return {key for view, key in safe if view == "region"} - region.hidden


# The last check's sums and hidden figures, and whether any hidden figure was recoverable from
# them: the answer depends on these alone (never on the values), and after a new reading they are
# most often the very same (comparing them costs a millisecond, solving them some forty).
_last_check: tuple[list[Line], frozenset[Any], bool] | None = None


def _any_recoverable(tied: list[Line], hidden: set[Any]) -> bool:
    global _last_check
    last = _last_check
    if last is not None and last[1] == hidden and last[0] == tied:
        return last[2]
    answer = bool(recoverable(tied, hidden))
    _last_check = (tied, frozenset(hidden), answer)
    return answer


def _renamed(view: Any, lines: list[Line]) -> list[Line]:
    """A view's sums with each figure named by the view as well."""
    return [([(view, k) for k in parts], (view, total)) for parts, total in lines]


def _tied(region: Suppression, municipalities: list[Suppression], views: list[_View]) -> list[Line]:
    """The sums of hidden_together that hold at least one hidden figure: the municipalities'
    (kept with their parts), the region's own, and region = Σ municipalities for each additive
    figure hidden in one of the views (found among the hidden figures, not among all)."""
    hiding = set().union(*(own.hidden for own in municipalities))
    tied = [line for _hidden, own_tied in views for line in own_tied]
    held = region.hidden
    tied += _renamed(
        "region",
        [line for line in region.lines if line[1] in held or any(k in held for k in line[0])],
    )
    for key in held | hiding:
        if key in region.figures and _additive(key):
            parts = [(i, key) for i, own in enumerate(municipalities) if key in own.figures]
            tied.append((parts, ("region", key)))
    return tied


# A municipality's hidden figures named as one view among the region's, and those of its sums
# that hold a hidden figure, kept while its part is (a kept part is the same object:
# velferdslab/gains/services.py keeps them). Its other sums are named only when something is
# recoverable (rarely): a region's are some hundred thousand figures.
_View = tuple[set[Any], list[Line]]
_views: OrderedDict[tuple[int, int], tuple[Suppression, _View]] = OrderedDict()
_views_lock = threading.Lock()


def _in_view(index: int, own: Suppression) -> _View:
    key = (id(own), index)
    with _views_lock:
        found = _views.get(key)
        if found is not None and found[0] is own:
            return found[1]
    hidden: set[Any] = {(index, key) for key in own.hidden}
    tied: list[Line] = [
        ([(index, k) for k in parts], (index, total))
        for parts, total in own.lines
        if total in own.hidden or any(k in own.hidden for k in parts)
    ]
    view = (hidden, tied)
    with _views_lock:
        _views[key] = (own, view)  # holding `own` keeps its id from being reused
        while len(_views) > 256:
            _views.popitem(last=False)
    return view
