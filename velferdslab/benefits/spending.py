"""Approved spending up to a date (K of benefit-model.md): a spending counts once it is approved
and dated on or before the valuation date. Written once, for rows of a table (the engine, the
portfolio) and for one spending (a family's figures); the model's hybrid `Expenditure.approved_by`
says the same in SQL."""

from __future__ import annotations

import datetime as dt

import numpy as np

APPROVED = "approved"


def approved_by(status: np.ndarray, dates: np.ndarray, as_of: dt.date) -> np.ndarray:
    """Which rows (status as text, dates as datetime64[D]) count at `as_of`."""
    values = np.asarray(status)
    # Text (or StrEnum) objects compare as they are: making a million of them fixed-width text
    # first cost a tenth of a region's report.
    approved = values == APPROVED if values.dtype == object else values.astype(str) == APPROVED
    chosen: np.ndarray = np.asarray(approved, dtype=bool) & (dates <= np.datetime64(as_of, "D"))
    return chosen


def is_approved_by(status: str, spent_on: dt.date, as_of: dt.date) -> bool:
    return status == APPROVED and spent_on <= as_of
