"""What anonymisation clears of the family's own pages: its words (the readings' sentences, its
comments and the team's answers, the reasons it gave for a flag) and its sign-in sessions (an
ID token names the person). The readings' levels stay, like the team's levels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update

from velferdslab.db import AnySession
from velferdslab.family_portal.models import (
    AccessFlag,
    FamilyComment,
    FamilyReading,
    FamilySession,
)


def _count(session: AnySession, statement: Any) -> int:
    result: Any = session.execute(statement)
    return int(result.rowcount or 0)


def clear_family_portal(session: AnySession, family_id: int) -> dict[str, int]:
    return {
        "family_reading_texts": _count(
            session,
            update(FamilyReading).where(FamilyReading.family_id == family_id).values(sentence=""),
        ),
        "family_comments": _count(
            session, delete(FamilyComment).where(FamilyComment.family_id == family_id)
        ),
        "family_flag_reasons": _count(
            session, update(AccessFlag).where(AccessFlag.family_id == family_id).values(reason="")
        ),
        "family_sessions": _count(
            session, delete(FamilySession).where(FamilySession.family_id == family_id)
        ),
    }
