"""The lead's set-up forms on the family page, read from what was posted: each form a class that
reads its fields — dates, ids, and money through the one reader and bound of every money field
(web/fields.read_number: the API's bound) — and refuses with every field's message at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from velferdslab.errors import Text, ValidationFailed
from velferdslab.web.fields import read_number

MAX_ID_DIGITS = 9
MAX_TEXT = 2000


class Reader:
    """Reads one posted form, field by field, keeping every field's message."""

    def __init__(self, posted: MultiDict[str, str]) -> None:
        self.posted = posted
        self.errors: dict[str, list[str]] = {}
        self.message: Text | None = None  # the first refusal's sentence, as the page says it

    def _refuse(self, name: str, message: Text, field_message: str) -> None:
        self.message = self.message or message
        self.errors.setdefault(name, []).append(field_message)

    def text(self, name: str, limit: int = MAX_TEXT) -> str:
        return (self.posted.get(name, "") or "")[:limit]

    def date(self, name: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text(name)[:10])
        except ValueError:
            self._refuse(name, Text("A date is missing or malformed."), Text("Give a date."))
            return dt.date.min

    def ids(self, name: str) -> list[int]:
        return [
            int(v) for v in self.posted.getlist(name) if v.isdigit() and len(v) <= MAX_ID_DIGITS
        ]

    def amount(self, name: str, *, required: bool = True) -> Decimal | None:
        try:
            value = read_number(self.text(name))
        except ValueError as error:
            self._refuse(name, Text("An amount cannot be read."), str(error))
            return None
        if value is None and required:
            self._refuse(name, Text("An amount is missing."), Text("Give an amount in NOK."))
        return value

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(
                self.message or Text("Some fields have invalid values."), self.errors
            )


@dataclass(frozen=True)
class ConsentForm:
    given_on: dt.date
    agency_ids: list[int]
    scope: str

    @classmethod
    def read(cls, posted: MultiDict[str, str]) -> ConsentForm:
        reader = Reader(posted)
        form = cls(reader.date("given_on"), reader.ids("agency_ids"), reader.text("scope"))
        reader.done()
        return form


@dataclass(frozen=True)
class TeamForm:
    user_id: int
    agency_id: int | None  # None: the person's own agency
    team_role: str
    mandate_nok: Decimal
    joined_on: dt.date

    @classmethod
    def read(cls, posted: MultiDict[str, str]) -> TeamForm:
        reader = Reader(posted)
        user_ids, agency_ids = reader.ids("user_id"), reader.ids("agency_id")
        if len(user_ids) != 1 or len(agency_ids) > 1:
            raise ValidationFailed(
                Text("Choose a person and an agency."), {"user_id": [Text("Choose.")]}
            )
        form = cls(
            user_id=user_ids[0],
            agency_id=agency_ids[0] if agency_ids else None,
            team_role="lead" if reader.text("team_role") == "lead" else "member",
            mandate_nok=reader.amount("mandate_nok") or Decimal(0),
            joined_on=reader.date("joined_on"),
        )
        reader.done()
        return form


@dataclass(frozen=True)
class MandateForm:
    mandate_nok: Decimal

    @classmethod
    def read(cls, posted: MultiDict[str, str]) -> MandateForm:
        reader = Reader(posted)
        form = cls(reader.amount("mandate_nok") or Decimal(0))
        reader.done()
        return form


@dataclass(frozen=True)
class BudgetForm:
    year: int
    amount: Decimal
    contributions: list[dict[str, object]]

    @classmethod
    def read(cls, posted: MultiDict[str, str]) -> BudgetForm:
        reader = Reader(posted)
        year_text = reader.text("year", 4) or "0"
        if not year_text.isdigit():
            raise ValidationFailed(Text("Give a year."), {"year": [Text("Give a year.")]})
        contributions = []
        for agency in reader.ids("contributing_agency"):
            amount = reader.amount(f"contribution_{agency}", required=False)
            if amount is not None:
                contributions.append({"agency_id": agency, "amount": amount})
        form = cls(int(year_text), reader.amount("amount") or Decimal(0), contributions)
        reader.done()
        return form


@dataclass(frozen=True)
class StatusForm:
    status: str
    on: dt.date

    @classmethod
    def read(cls, posted: MultiDict[str, str]) -> StatusForm:
        reader = Reader(posted)
        form = cls(reader.text("status", 20), reader.date("on"))
        reader.done()
        return form


@dataclass(frozen=True)
class WithdrawalForm:
    withdrawn_on: dt.date

    @classmethod
    def read(cls, posted: MultiDict[str, str]) -> WithdrawalForm:
        reader = Reader(posted)
        form = cls(reader.date("withdrawn_on"))
        reader.done()
        return form
