"""A region's portfolio put together from its municipalities' kept parts (velferdslab/gains/
region_parts.py: the engine's tables and level path, the levels per quarter, the lasting moves'
spells and the money sums) is, after any sequence of writes across its municipalities, the
portfolio made afresh from the region's own rows — every figure to the øre, every suppressed
cell the same — for a regional leader (suppressed) and an auditor (open)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment
from tests.gains.test_kept import AS_OF, WRITES, Region
from velferdslab.assumptions.services import default_set
from velferdslab.benefits.disclosure import recoverable
from velferdslab.benefits.suppression import Suppression
from velferdslab.families.models import Family
from velferdslab.gains import kept, portfolio, region, services


def _portfolio(db: Any, scope: Any, where: Any, suppression: Suppression) -> dict[str, Any]:
    tables = kept.engine_tables(db, scope, where, bulk=True)
    return services._compute_portfolio(None, tables, default_set(db), AS_OF, suppression)


def _afresh(
    db: Any, where: Any, suppression: Suppression, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The same portfolio as it was made before the parts were kept: the tables read whole,
    each municipality's report made anew, the region's figures from its own rows."""
    with monkeypatch.context() as patch:
        patch.setattr(services, "_parts", type(services._parts)(128))
        patch.setattr(region, "region_scratch", lambda parts, ids: {})
        patch.setattr(
            region, "_any_recoverable", lambda tied, hidden: bool(recoverable(tied, hidden))
        )
        return _portfolio(db, ("afresh", object()), where, suppression)


@settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(WRITES, min_size=1, max_size=8), threshold=st.sampled_from([2, 3, 5]))
def test_a_region_made_of_its_kept_municipalities_equals_one_made_afresh(
    db: scoped_session,  # type: ignore[type-arg]
    writes: list[tuple[Any, ...]],
    threshold: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kept, "FULL_SHARE", 1.0)  # a handful of families: always spliced
    savepoint = db.begin_nested()
    try:
        lab = Region(db)
        where = Family.municipality_id.in_(lab.ids)
        scope = ("parts", *lab.ids, threshold)
        readers = (Suppression(True, threshold), Suppression.off())
        for suppression in readers:  # the parts kept before the writes
            _portfolio(db, scope, where, suppression)
        for step in writes:
            lab.write(step)
            for suppression in readers:
                mine = _portfolio(db, scope, where, suppression)
                assert mine == _afresh(db, where, suppression, monkeypatch), (step, suppression)
    finally:
        savepoint.rollback()
        kept.forget()


def test_after_a_reading_only_its_municipality_is_made_again(
    db: scoped_session,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lab = Region(db)
    where = Family.municipality_id.in_(lab.ids)
    made: list[int] = []
    part = region.municipality_part

    def counted(data: Any, municipality_id: int, *args: Any) -> Any:
        made.append(municipality_id)
        return part(data, municipality_id, *args)

    monkeypatch.setattr(services, "municipality_part", counted)
    monkeypatch.setattr(services, "_parts", type(services._parts)(128))
    # the region's own level path is no longer made from all its families' rows
    sizes: list[int] = []
    prepare = portfolio.prepare_with_path

    def measured(assessments: Any, expenditures: Any, as_of: Any, ids: Any) -> Any:
        sizes.append(len(ids))
        return prepare(assessments, expenditures, as_of, ids)

    monkeypatch.setattr(portfolio, "prepare_with_path", measured)
    suppression = Suppression(True, 5)
    _portfolio(db, ("once", *lab.ids), where, suppression)
    assert sorted(made) == sorted(lab.ids)
    family = next(f for f in lab.families() if f.municipality_id == lab.ids[1])
    add_assessment(db, family, dt.date(2025, 3, 1), housing=3, work=3)
    made.clear()
    sizes.clear()
    after = _portfolio(db, ("once", *lab.ids), where, suppression)
    assert made == [lab.ids[1]]
    # … and the worker keeps one part per municipality: the changed one's older part is gone
    assert len(services._parts) == len(lab.ids)
    assert sizes == [len([f for f in lab.families() if f.municipality_id == lab.ids[1]])]
    assert after == _afresh(db, where, suppression, monkeypatch)
    kept.forget()
