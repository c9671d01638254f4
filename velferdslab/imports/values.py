"""Norwegian values as spreadsheets hold them: dates, amounts, levels, value words and national
ids. Each parser returns the value or raises BadValue naming the expected form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from velferdslab.formatting import UnreadableNumber, parse_number
from velferdslab.imports.reading import Cell
from velferdslab.imports.spec import CHOICES, LEVEL_WORDS
from velferdslab.people.national_id import InvalidNationalId, parse

EXCEL_EPOCH = dt.date(1899, 12, 30)
CENT = Decimal("0.01")
SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


class BadValue(ValueError):
    """The cell holds no value of its column's kind; `code` names the message (messages.py)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def as_text(cell: Cell) -> str:
    """The cell as the user sees it: `=HYPERLINK(…)` stays text, 12.0 reads 12."""
    if type(cell) is str:  # most cells: first
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return f"{cell:%d.%m.%Y}"
    return str(cell).strip()


def parse_date(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and 0 < cell < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(cell))  # an Excel serial date
    return _date_text(as_text(cell))


@lru_cache(maxsize=8192)
def _date_text(text: str) -> dt.date:
    """A date typed as text (a lab's file repeats its dates: each is parsed once)."""
    for form in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise BadValue("date")


def parse_import_amount(cell: Cell) -> Decimal:
    """Kroner from a spreadsheet: a number cell as it is, text read by the one parser of what
    users type (formatting.parse_number: `1 234,50`, `kr 1 234`, `1.234,50`)."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        amount = Decimal(str(cell))
        if not amount.is_finite() or amount != amount.quantize(CENT):
            raise BadValue("amount")
        return amount.quantize(CENT)
    return _amount_text(as_text(cell))


@lru_cache(maxsize=8192)
def _amount_text(text: str) -> Decimal:
    """An amount typed as text, parsed once however often it recurs."""
    try:
        typed = parse_number(text, places=2, language="nb")
    except UnreadableNumber as error:
        raise BadValue("amount") from error
    if typed is None:
        raise BadValue("amount")
    return typed.quantize(CENT)


def parse_year(cell: Cell) -> int:
    text = as_text(cell)
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
        raise BadValue("year")
    return int(text)


def parse_level(cell: Cell) -> int:
    level = LEVEL_WORDS.get(as_text(cell).casefold())
    if level is None:
        raise BadValue("level")
    return level


def parse_choice(kind: str, cell: Cell) -> str:
    words = CHOICES[kind]
    value = words.get(" ".join(as_text(cell).casefold().split()))
    if value is None:
        raise BadValue(kind)
    return value


def parse_national_id(cell: Cell) -> str:
    """Eleven digits, check digits valid. A number that lost its leading 0 in Excel gets it
    back; the caller warns about it."""
    text = SPACES.sub("", as_text(cell))
    if isinstance(cell, int | float) and text.isdigit() and len(text) == 10:
        text = text.zfill(11)
    try:
        return parse(text).number
    except InvalidNationalId as error:
        raise BadValue("national_id") from error


def mask(national_id: str) -> str:
    """A national id as the report shows it: its last two digits only."""
    digits = SPACES.sub("", national_id)
    return "*" * max(len(digits) - 2, 0) + digits[-2:]
