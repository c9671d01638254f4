"""Numbers typed into a page: money and other decimals as text (`inputmode="decimal"`), read by
formatting.parse_number, the one reader, and bounded as the API bounds them (db.MAX_MONEY).

A field that cannot be read exactly is refused with its message and keeps what was typed; an
amount that was read is stored as typed, never rounded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms.validators import StopValidation

from velferdslab.db import MAX_MONEY
from velferdslab.formatting import (
    UnreadableNumber,
    format_input_number,
    format_number,
    parse_number,
)


def language() -> str:
    return str(get_locale() or "nb")


def unreadable_message(reason: str, places: int) -> str:
    """Why typed text is not a number, in the reader's language."""
    if reason == "too_many_decimals":
        if places == 0:
            return str(_l("A whole number, without decimals."))
        if places == 1:
            return str(_l("At most one decimal."))
        return str(_l("At most two decimals (øre)."))
    if reason == "ambiguous":
        return str(_l("Write thousands with a space (1 234) and øre after a comma (1 234,50)."))
    example = format_number(Decimal("1234.5"), places, language())
    return str(_l("Write a number, such as %(example)s.", example=example))


def range_message(minimum: Decimal, maximum: Decimal, places: int) -> str:
    low, high = (format_number(v, places if v % 1 else 0, language()) for v in (minimum, maximum))
    return str(_l("From %(low)s to %(high)s.", low=low, high=high))


def read_number(
    text: str | None,
    *,
    places: int = 2,
    minimum: Decimal = Decimal(0),
    maximum: Decimal = Decimal(MAX_MONEY),
) -> Decimal | None:
    """Typed text as a bounded number (None when empty); ValueError holds the field's message."""
    try:
        number = parse_number(text, places, language())
    except UnreadableNumber as error:
        raise ValueError(unreadable_message(error.reason, places)) from None
    if number is not None and not minimum <= number <= maximum:
        raise ValueError(range_message(minimum, maximum, places))
    return number


class NumberField(StringField):  # type: ignore[misc]
    """A number typed as text, read by `read_number`: `1 234,50`, `1234.50`, `kr 1 234`."""

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        places: int = 2,
        minimum: Decimal | int = 0,
        maximum: Decimal | int = MAX_MONEY,
        **kwargs: Any,
    ) -> None:
        render_kw = {
            "inputmode": "decimal" if places else "numeric",
            "autocomplete": "off",
            **(kwargs.pop("render_kw", None) or {}),
        }
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.places = places
        self.minimum, self.maximum = Decimal(minimum), Decimal(maximum)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = None
        self.data = read_number(
            str(valuelist[0]), places=self.places, minimum=self.minimum, maximum=self.maximum
        )

    def pre_validate(self, form: Any) -> None:
        # Unreadable: its message stands alone (DataRequired would replace it with "required").
        if self.process_errors:
            raise StopValidation()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])  # what was typed, as typed
        return format_input_number(self.data, language()) if self.data is not None else ""


def amount_field(label: Any, validators: Any = None, **kwargs: Any) -> Field:
    """Money in kroner and øre, at most the API's bound."""
    return NumberField(label, validators, places=2, **kwargs)
