"""The lab's estimate for a reader: the difference in differences with its interval, both
groups' shares per quarter (suppressed by the small-cell rule), and the words that say it.
The API, the page, the gains' evidence grade and the reports all take it from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale, gettext

from velferdslab.assumptions.services import get_set
from velferdslab.benefits.suppression import SUPPRESSED, Suppression
from velferdslab.db import AnySession
from velferdslab.evidence import did
from velferdslab.evidence.models import Preregistration
from velferdslab.evidence.preregistration import latest_version
from velferdslab.evidence.services import (
    MIN_FAMILIES,
    chosen_quarters,
    load_groups,
    quarter_table,
)
from velferdslab.formatting import format_number


@dataclass(frozen=True)
class Evidence:
    """What is known of the lab's effect in these municipalities at a date."""

    as_of: dt.date
    estimate: did.Estimate | None
    quarters: tuple[dt.date, dt.date] | None
    reason: str | None  # why there is no estimate: no_cohort, too_few_families, no_quarters
    series: list[dict[str, Any]] = field(default_factory=list)
    cohorts: list[dict[str, Any]] = field(default_factory=list)
    registered: dict[str, Any] | None = None
    # The groups' shares in the estimate hidden: one of them is over a small count of families
    # at stable or better, or below it (the effect and its interval stay: they hide which).
    shares_hidden: bool = False

    @property
    def grade(self) -> int:
        """The Maryland grade: 3 where a comparison estimate exists, else 1 (before/after)."""
        return 3 if self.estimate is not None else 1


def estimate_for(
    session: AnySession,
    municipality_ids: Sequence[int],
    as_of: dt.date,
    rule: str,
    *,
    suppressed: bool = True,
    baseline: dt.date | None = None,
    later: dt.date | None = None,
    draws: int = did.DRAWS,
    seed: int = did.SEED,
) -> Evidence:
    groups = load_groups(session, municipality_ids, as_of)
    cohorts = [{"id": c.id, "name": c.name} for c in groups.cohorts]
    registered = latest_version(session, municipality_ids)
    if not groups.cohorts:
        return Evidence(as_of, None, None, "no_cohort", registered=_registered(registered))
    table = quarter_table(groups, as_of, rule)
    rule_of = Suppression(applied=suppressed)
    series = _series(table, rule_of)
    chosen = chosen_quarters(table, baseline, later, registered)
    if chosen is None:
        return Evidence(as_of, None, None, "no_quarters", series, cohorts, _registered(registered))
    first, last = table.ends.index(chosen[0]), table.ends.index(chosen[1])
    panels = ((table.lab[:, first], table.lab[:, last]),
              (table.cohort[:, first], table.cohort[:, last]))  # fmt: skip
    if min(int((p[0] >= 0).sum()) for p in panels) < MIN_FAMILIES:
        return Evidence(
            as_of, None, chosen, "too_few_families", series, cohorts, _registered(registered)
        )
    estimate = did.difference_in_differences(*panels, draws=draws, seed=seed)
    assert estimate is not None
    hidden = any(_small_split(change, rule_of) for change in (estimate.lab, estimate.cohort))
    return Evidence(as_of, estimate, chosen, None, series, cohorts, _registered(registered), hidden)


def _small_split(change: did.GroupChange, rule: Suppression) -> bool:
    """Whether a share of the group, at either quarter, stands for a small count (at stable or
    better, or below it): the share times the families would tell it."""
    return any(
        _reveals(change.families, share, rule)
        for share in (change.baseline_share, change.later_share)
    )


def _reveals(families: int, share: float | None, rule: Suppression) -> bool:
    if share is None:
        return False
    stable = round(share * families)
    return rule.small(stable) or rule.small(families - stable)


def _registered(row: Preregistration | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "version": row.version, "baseline_on": row.baseline_on,
            "horizon_on": row.horizon_on}  # fmt: skip


def _series(table: Any, rule: Suppression) -> list[dict[str, Any]]:
    lab_n, lab_share = did.shares(table.lab)
    cohort_n, cohort_share = did.shares(table.cohort)
    rows = []
    for q, end in enumerate(table.ends):
        rows.append(
            {
                "quarter_end": end,
                "lab": _group_cell(lab_n[q], lab_share[q], rule),
                "cohort": _group_cell(cohort_n[q], cohort_share[q], rule),
            }
        )
    return rows


def _group_cell(families: int, share: float | None, rule: Suppression) -> dict[str, Any]:
    if rule.small(families):
        return {"families": dict(SUPPRESSED), "share": None, "share_suppressed": True}
    # As the portfolio's quarters: a share over a small count at stable or better (or below
    # it) is hidden, its families shown.
    hidden = _reveals(families, share, rule)
    return {
        "families": {"value": families, "suppressed": False},
        "share": None if share is None or hidden else round(share, 4),
        "share_suppressed": hidden,
    }


def points(share: float, language: str, signed: bool = True) -> str:
    """A difference of shares as whole percentage points: `+12`, `−3`, `0`."""
    value = round(share * 100)
    text = format_number(value, 0, language)
    return f"+{text}" if signed and value > 0 else text


def in_words(evidence: Evidence, language: str) -> str:
    """The estimate as a reader says it: "anslått effekt: +12 prosentpoeng (90 % intervall 4
    til 20)"; without one, why not."""
    with force_locale(language):
        return _words(evidence, language)


def _words(evidence: Evidence, language: str) -> str:
    estimate = evidence.estimate
    if estimate is None:
        return str(
            {
                "no_cohort": gettext("No comparison cohort: the figures are before/after changes."),
                "too_few_families": gettext(
                    "Too few families to estimate an effect (fewer than %(n)s in a group).",
                    n=MIN_FAMILIES,
                ),
            }.get(evidence.reason or "", gettext("No quarter with readings of both groups yet."))
        )
    return str(
        gettext(
            "estimated effect: %(effect)s percentage points (%(level)s %% interval %(low)s to "
            "%(high)s)",
            effect=points(estimate.effect, language),
            level=round(estimate.level * 100),
            low=points(estimate.low, language, signed=False),
            high=points(estimate.high, language, signed=False),
        )
    )


def as_json(evidence: Evidence) -> dict[str, Any]:
    estimate = evidence.estimate
    return {
        "as_of": evidence.as_of.isoformat(),
        "evidence_grade": evidence.grade,
        "baseline_quarter": evidence.quarters[0].isoformat() if evidence.quarters else None,
        "later_quarter": evidence.quarters[1].isoformat() if evidence.quarters else None,
        "estimate": None if estimate is None else _estimate_json(estimate, evidence.shares_hidden),
        "reason": evidence.reason,
        "series": [
            {**row, "quarter_end": row["quarter_end"].isoformat()} for row in evidence.series
        ],
        "cohorts": evidence.cohorts,
        "preregistration": evidence.registered
        and {
            k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in evidence.registered.items()
        },
    }


def _estimate_json(estimate: did.Estimate, hidden: bool) -> dict[str, Any]:
    def group(change: did.GroupChange) -> dict[str, Any]:
        return {
            "families": change.families,
            "baseline_share": None if hidden else round(change.baseline_share, 4),
            "later_share": None if hidden else round(change.later_share, 4),
            "suppressed": hidden,
        }

    return {
        "effect": round(estimate.effect, 4),
        "interval": [round(estimate.low, 4), round(estimate.high, 4)],
        "level": estimate.level,
        "draws": estimate.draws,
        "seed": estimate.seed,
        "lab": group(estimate.lab),
        "cohort": group(estimate.cohort),
    }


def overall_rule(session: AnySession, assumption_set_id: int | None = None) -> str:
    """The engine's rule for the overall level: the assumption set's (the default one's)."""
    rule = get_set(session, assumption_set_id).overall_rule
    return str(getattr(rule, "value", rule))
