"""`velferdslab audit verify`'s fast walk over the log (issue 30.5) is as strict as the plain
check over ORM objects: every event's hash is the canonical JSON's, byte for byte, and every
change of a stored value — details, time, a field, a row removed or reordered — is found at the
event where it was made."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import scoped_session

from tests.audit.test_chain import tamper
from tests.conftest import is_postgres
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import (
    GENESIS,
    PendingEvent,
    canonical_time,
    chain_status,
    event_hash,
    verify_chain,
    write_events,
)
from velferdslab.audit.verify import check_chain


def canonical_hash(prev: str, event: PendingEvent) -> str:
    """The chain's hash as it was written before issue 30: json.dumps of the whole list."""
    payload = json.dumps(
        [
            prev, canonical_time(event.at), event.user_id, event.action, event.entity,
            event.entity_id, event.family_id, event.ip, event.details or {},
        ],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip
    return hashlib.sha256(payload.encode()).hexdigest()


texts = st.text(max_size=30)  # any character: quotes, backslashes, control characters, æøå
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    prev=st.just(GENESIS) | texts,
    at=st.datetimes(timezones=st.just(dt.UTC)),
    user_id=st.none() | st.integers(),
    action=texts,
    entity=texts,
    entity_id=st.none() | st.integers(),
    family_id=st.none() | st.integers(),
    ip=st.none() | texts,
    details=st.none() | st.dictionaries(texts, json_values, max_size=5),
)
def test_every_events_hash_is_the_canonical_jsons_byte_for_byte(
    prev: str, at: dt.datetime, user_id: int | None, action: str, entity: str,
    entity_id: int | None, family_id: int | None, ip: str | None, details: dict[str, Any] | None,
) -> None:  # fmt: skip
    """So a log written before the hash was written out by hand still verifies."""
    event = PendingEvent(action, entity, entity_id, family_id, user_id, ip, details or {}, at=at)
    assert event_hash(prev, event) == canonical_hash(prev, event)


def varied_log(db: scoped_session) -> list[AuditEvent]:
    details: list[dict[str, Any]] = [
        {"page": "family"},
        {"page": "family"},
        {},
        {"note": 'sa «ja» \\ "nei"\n', "fields": ["amount", "spent_on"], "n": 3.5},
        {"nested": {"b": None, "a": [1, {"ø": True}]}},
        {"page": "family"},
    ]
    write_events(
        db,
        [
            PendingEvent(
                action="read", entity="family", entity_id=n, family_id=n if n % 2 else None,
                user_id=None, ip=None if n % 3 else "10.0.0.7", details=item,
            )
            for n, item in enumerate(details)
        ],
    )  # fmt: skip
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def both_checks(db: scoped_session) -> tuple[tuple[int | None, str | None], ...]:
    found = []
    for report in (check_chain(db), chain_status(db), verify_chain(db)):
        found.append((report.first_broken_id, report.reason))
    return tuple(found)


def test_a_varied_log_is_intact_by_the_fast_walk_and_the_plain_check(db: scoped_session) -> None:
    events = varied_log(db)
    assert check_chain(db).intact and check_chain(db).checked == len(events)
    assert both_checks(db) == ((None, None),) * 3


def test_the_same_details_stored_in_another_spelling_still_verify(db: scoped_session) -> None:
    """Canonical JSON: key order and spacing in the stored text are not content."""
    events = varied_log(db)
    respelled = '{ "nested" : { "a" : [1, {"ø": true}], "b": null } }'
    tamper(db, "UPDATE audit_event SET details = :d WHERE id = :id", d=respelled, id=events[4].id)
    assert both_checks(db) == ((None, None),) * 3


def test_a_changed_detail_is_found_at_its_event_by_every_check(db: scoped_session) -> None:
    events = varied_log(db)
    # One of the three identical {"page": "family"}: the walk keeps their canonical form once.
    changed = '{"page": "families"}'
    tamper(db, "UPDATE audit_event SET details = :d WHERE id = :id", d=changed, id=events[5].id)
    broken = (events[5].id, "its content does not match its hash")
    assert both_checks(db) == (broken,) * 3


def test_a_time_moved_by_a_microsecond_is_found(db: scoped_session) -> None:
    events = varied_log(db)
    moved = events[2].at + dt.timedelta(microseconds=1)
    tamper(db, "UPDATE audit_event SET at = :at WHERE id = :id", at=moved, id=events[2].id)
    broken = (events[2].id, "its content does not match its hash")
    assert both_checks(db) == (broken,) * 3


def test_a_changed_field_is_found(db: scoped_session) -> None:
    events = varied_log(db)
    tamper(db, "UPDATE audit_event SET ip = '10.0.0.8' WHERE id = :id", id=events[0].id)
    assert both_checks(db) == ((events[0].id, "its content does not match its hash"),) * 3


def test_a_removed_event_breaks_the_next_link(db: scoped_session) -> None:
    events = varied_log(db)
    tamper(db, "DELETE FROM audit_event WHERE id = :id", id=events[3].id)
    assert both_checks(db) == ((events[4].id, "its link to the event before it is broken"),) * 3


def test_two_events_swapped_break_the_link_where_the_order_changed(db: scoped_session) -> None:
    events = varied_log(db)
    first, second, spare = events[1].id, events[2].id, events[-1].id + 1000
    move = "UPDATE audit_event SET id = :to WHERE id = :id"
    tamper(db, move, to=spare, id=first)  # drops SQLite's triggers; PostgreSQL's are bypassed
    postgres = is_postgres(str(db.get_bind().engine.url))
    if postgres:
        db.execute(text("SET LOCAL session_replication_role = replica"))
    db.execute(text(move), {"to": first, "id": second})
    db.execute(text(move), {"to": second, "id": spare})
    if postgres:
        db.execute(text("SET LOCAL session_replication_role = origin"))
    db.expire_all()
    assert both_checks(db) == ((first, "its link to the event before it is broken"),) * 3
