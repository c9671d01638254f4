"""The comparison behind grade 3 (velferdslab.evidence.grade): only where every lab of the set
is compared and the estimate exists."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import scoped_session

from tests.evidence.cohort_files import BASELINE, LATER, cohort_csv, lab_with_moves
from tests.evidence.test_cohort_api import COHORT, LAB
from tests.factories import make_lab
from velferdslab.evidence.cohorts import store_cohort
from velferdslab.evidence.grade import comparison_estimate

AS_OF = dt.date(2026, 1, 15)


def test_the_estimate_exists_only_where_every_lab_is_compared(db: scoped_session) -> None:
    compared, other = make_lab(db), make_lab(db)
    lab_with_moves(db, compared, LAB)
    lab_with_moves(db, other, LAB)
    ids = [compared.municipality.id]
    assert comparison_estimate(db, ids, AS_OF) is None  # no cohort yet
    store_cohort(db, compared.lead.id, compared.municipality.id, "Nabo", "k.csv",
                 cohort_csv(COHORT))  # fmt: skip
    estimate = comparison_estimate(db, ids, AS_OF)
    assert estimate is not None and abs(estimate.effect - 0.4) < 1e-9
    both = [compared.municipality.id, other.municipality.id]
    assert comparison_estimate(db, both, AS_OF) is None  # the other lab has no comparison
    assert comparison_estimate(db, [other.municipality.id], AS_OF) is None
    assert BASELINE < LATER < AS_OF


def test_a_small_cohort_gives_no_estimate(db: scoped_session) -> None:
    lab = make_lab(db)
    lab_with_moves(db, lab, LAB)
    store_cohort(db, lab.lead.id, lab.municipality.id, "Nabo", "k.csv", cohort_csv(COHORT[:4]))
    assert comparison_estimate(db, [lab.municipality.id], AS_OF) is None
