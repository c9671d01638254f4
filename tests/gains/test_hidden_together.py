"""The region's check across its views (velferdslab/gains/region.py: hidden_together) keeps its
last answer for the same sums and hidden figures: whatever sequence of regions it is asked about,
each answer is the one solved afresh — what a regional leader sees hidden never comes from a
region asked about before."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.benefits.test_suppression import LEVEL_GROUPS, quarter_tables
from velferdslab.benefits.disclosure import recoverable
from velferdslab.benefits.suppression import Suppression
from velferdslab.gains import region

OPTIONS: dict[str, Any] = {"col_totals": False, "groups": LEVEL_GROUPS}


def _views(tables: list[list[list[int]]], told: bool) -> tuple[Suppression, list[Suppression]]:
    """A region's levels and its municipalities'; the region told what they hide or not (then
    the check across views has figures to add)."""
    owns = []
    for counts in tables:
        own = Suppression(applied=True, threshold=5)
        own.table(counts, "levels", **OPTIONS)
        owns.append(own)
    counts = [[sum(t[q][c] for t in tables) for c in range(4)] for q in range(len(tables[0]))]
    hidden, pinned = region.elsewhere(owns)
    made = Suppression(applied=True, threshold=5)
    made = made.beside(hidden, pinned) if told else made
    made.table(counts, "levels", **OPTIONS)
    return made, owns


def _solved_afresh(made: Suppression, owns: list[Suppression]) -> set[Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            region, "_any_recoverable", lambda tied, hidden: bool(recoverable(tied, hidden))
        )
        return region.hidden_together(made, owns)


REGIONS = st.tuples(st.integers(min_value=2, max_value=3).flatmap(quarter_tables), st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(REGIONS, min_size=1, max_size=6), st.data())
def test_each_answer_is_the_one_solved_afresh(regions: list[Any], data: st.DataObject) -> None:
    """Regions asked one after another, some again (the kept answer), each answered as afresh."""
    asked = regions + [data.draw(st.sampled_from(regions)) for _ in range(3)]
    for tables, told in asked:
        made, owns = _views(tables, told)
        assert region.hidden_together(made, owns) == _solved_afresh(made, owns)
