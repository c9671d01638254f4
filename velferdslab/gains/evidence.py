"""The grade of the evidence behind the gains of a set of municipalities (benefit-model.md,
"Evidence grade", the Maryland scale): 1 before/after readings of the lab's own families;
3 a comparison cohort's difference in differences. Every page, PDF, sheet and API answer asks
here, so that the words beside a figure follow one decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from velferdslab.db import AnySession
from velferdslab.evidence.grade import comparison_estimate

BEFORE_AFTER = 1
COMPARISON = 3


@dataclass(frozen=True)
class Evidence:
    grade: int
    # The estimate behind grade 3 (a difference in differences with its interval); None at 1.
    estimate: object | None = None

    @property
    def effect_words(self) -> bool:
        """Whether a figure may be called an effect: only against a comparison."""
        return self.grade >= COMPARISON


def evidence_for(
    session: AnySession, municipality_ids: Sequence[int] | None, as_of: dt.date
) -> Evidence:
    """The grade for the gains of these municipalities' families at T (None: every one): 3
    with the comparison cohort's estimate (velferdslab.evidence: a difference in differences
    with its 90 % interval) where it exists for every lab of the set, else 1."""
    estimate = comparison_estimate(session, municipality_ids, as_of)
    return Evidence(BEFORE_AFTER) if estimate is None else Evidence(COMPARISON, estimate)
