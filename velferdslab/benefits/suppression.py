"""Small-cell suppression for leaders: no count or sum over fewer than five families is shown, and
secondary suppression makes sure no hidden figure can be worked out from the figures shown —
its table's totals, its siblings, the groups it is part of, or (for a region) the same figure
shown in each of the region's municipalities (velferdslab.benefits.disclosure checks each).

`Suppression` carries the rule through the report: whether it applies to this reader, its
threshold, the figures hidden in the other views the reader may combine with this one, and the
figures it has hidden here (so a region can be told what its municipalities hide)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from velferdslab.benefits.disclosure import Line, protect
from velferdslab.benefits.line_rule import line_rule

SUPPRESSED: dict[str, Any] = {"value": None, "suppressed": True}
Figures = tuple[set[tuple[int, int]], set[int], set[int], bool]


@dataclass(frozen=True)
class Suppression:
    """Whether small figures are hidden for a reader, and below how many families. `elsewhere`
    holds the keys of figures hidden in a view the reader may set beside this one (a region's
    municipalities): they are hidden here too; `pinned` those every such view shows, whose sum
    here anyone can add up, so hiding it would protect nothing. `hidden` collects the keys
    hidden here, and `figures` and `lines` every figure decided and the sums that tie them
    (velferdslab.gains.region checks a region and its municipalities together with them)."""

    applied: bool
    threshold: int = 5
    elsewhere: frozenset[Any] = frozenset()
    pinned: frozenset[Any] = frozenset()
    # Ranges a figure hidden here lies in, as the views beside it tell (a region's hidden count
    # is the sum of its municipalities' counts and ranges): told here too, nothing more.
    spans: dict[Any, tuple[int, int]] = field(default_factory=dict, compare=False, hash=False)
    hidden: set[Any] = field(default_factory=set, compare=False, hash=False)
    figures: dict[Any, float] = field(default_factory=dict, compare=False, hash=False)
    lines: list[Line] = field(default_factory=list, compare=False, hash=False)
    # elsewhere's and pinned's keys by their table, found once (a region's are thousands)
    _tables: dict[int, dict[Any, list[Any]]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def off(cls) -> Suppression:
        return cls(applied=False, threshold=0)

    @property
    def limit(self) -> int:
        return self.threshold if self.applied else 0

    def small(self, families: int) -> bool:
        return 0 < families < self.limit

    def valuation_date(self, as_of: dt.date) -> dt.date:
        """The date a report is made at: for a reader under the rule, the last quarter end on
        or before the date asked for. Two reports a day apart would differ by one family's
        spending or move; two quarter ends apart, by a quarter's (issue 23)."""
        if not self.applied:
            return as_of
        month = (as_of.month - 1) // 3 * 3 + 1
        start = dt.date(as_of.year, month, 1)
        end = _quarter_end(start)
        return end if as_of == end else start - dt.timedelta(days=1)

    def described(self) -> dict[str, Any]:
        return {"applied": self.applied, "threshold": self.threshold if self.applied else None}

    def beside(
        self,
        hidden_elsewhere: set[Any],
        pinned: set[Any],
        spans: dict[Any, tuple[int, int]] | None = None,
    ) -> Suppression:
        """The same rule for a view read beside views that hide `hidden_elsewhere`, show the
        parts of each `pinned` figure and tell the `spans` of some hidden ones."""
        return Suppression(
            self.applied,
            self.threshold,
            frozenset(hidden_elsewhere),
            frozenset(pinned),
            dict(spans or {}),
        )

    def _mine(self, keys: frozenset[Any], key: Hashable, names: list[Hashable]) -> set[Any]:
        tables = self._tables.get(id(keys))
        if tables is None:  # keys is elsewhere or pinned, which live as long as self
            tables = {}
            for k in keys:
                if isinstance(k, tuple) and k:
                    tables.setdefault(k[0], []).append(k[1:])
            self._tables[id(keys)] = tables
        mine = set(tables.get(key, ()))
        return {_local(f, names) for f in mine if _local(f, names) is not None}

    def table(
        self,
        counts: list[list[int]],
        key: Hashable,
        *,
        row_keys: Sequence[Hashable] | None = None,
        row_totals: bool = True,
        col_totals: bool = True,
        groups: Sequence[Sequence[int]] = (),
        grand_total: bool = True,
    ) -> dict[str, Any]:
        """A table of counts as cells, suppressed by the rule (see suppress_table); without
        `grand_total` its total is never shown (a sum over quarters counts no one, and shown
        it would tie every quarter's hidden figures to the others')."""
        names: list[Any] = list(row_keys) if row_keys is not None else list(range(len(counts)))
        forced = self._mine(self.elsewhere, key, names)
        if not grand_total:
            forced.add(("total",))
        table, hidden = _suppressed_table(
            counts, self.limit, row_totals=row_totals, col_totals=col_totals, groups=groups,
            forced=forced,
            pinned=self._mine(self.pinned, key, names),
        )  # fmt: skip

        def named(local: Hashable) -> Hashable:
            return (key, *_named(local, names))  # type: ignore[arg-type]

        self.hidden.update(named(local) for local in hidden)
        lines, values = _equations(counts, row_totals=row_totals, col_totals=col_totals,
                                   grand=grand_total,
                                   groups=groups)  # fmt: skip
        self.figures.update((named(local), value) for local, value in values.items())
        self.lines.extend(([named(k) for k in parts], named(total)) for parts, total in lines)
        return table

    def total(self, value: float, families: int, key: Hashable) -> dict[str, Any]:
        """A sum over `families` families (a count when value is the count)."""
        hide = (
            self.applied
            and (key, "sum") not in self.pinned
            and (
                0 < families < self.threshold
                or (families == 0 and value != 0)
                or (key, "sum") in self.elsewhere
            )
        )
        self.figures[(key, "sum")] = value
        if hide:
            self.hidden.add((key, "sum"))
            return dict(SUPPRESSED)
        return {"value": value, "suppressed": False}

    def count(self, value: int, key: Hashable) -> dict[str, Any]:
        return self.total(value, value, key)


def _quarter_end(start: dt.date) -> dt.date:
    following = dt.date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _local(figure: tuple[Any, ...], names: list[Hashable]) -> tuple[Any, ...] | None:
    """A figure's key in a table ("cell", row name, column) as the table's own (row index)."""
    kind, *rest = figure
    if kind in ("cell", "row", "group"):
        if rest[0] not in names:
            return None
        return (kind, names.index(rest[0]), *rest[1:])
    return figure


def _named(local: tuple[Any, ...], names: list[Hashable]) -> tuple[Any, ...]:
    kind, *rest = local
    if kind in ("cell", "row", "group"):
        return (kind, names[rest[0]], *rest[1:])
    return local


def hidden_cells(
    counts: list[list[int]], threshold: int = 5, *, row_totals: bool = True, col_totals: bool = True
) -> Figures:
    """Which cells, row totals, column totals (and the grand total) to hide.

    Primary: every count from 1 to threshold − 1 (zero is shown: it says no family, which no
    family can be recognised from), and every total under the threshold. Secondary: the line
    rule (a line whose total is shown never hides exactly one part), then whatever more the
    equations of the table's sums need for no hidden figure to be recoverable."""
    hidden = hidden_figures(counts, threshold, row_totals=row_totals, col_totals=col_totals)
    return _split(hidden)


def _split(hidden: set[tuple[Any, ...]]) -> Figures:
    return (
        {(f[1], f[2]) for f in hidden if f[0] == "cell"},
        {f[1] for f in hidden if f[0] == "row"},
        {f[1] for f in hidden if f[0] == "column"},
        ("total",) in hidden,
    )


def hidden_figures(
    counts: list[list[int]],
    threshold: int,
    *,
    row_totals: bool,
    col_totals: bool,
    groups: Sequence[Sequence[int]] = (),
    forced: set[tuple[Any, ...]] = frozenset(),  # type: ignore[assignment]
    pinned: set[tuple[Any, ...]] = frozenset(),  # type: ignore[assignment]
) -> set[tuple[Any, ...]]:
    """The figures of a table to hide, as keys: ("cell", r, c), ("row", r), ("column", c),
    ("group", r, g) for the sum of row r's columns in groups[g], and ("total",). `forced`
    figures are hidden whatever their size; `pinned` ones are never hidden."""
    if threshold <= 0:
        return set()
    cells, rows, cols, grand = line_rule(counts, threshold, row_totals=row_totals,
                                         col_totals=col_totals,
                                         grand_hidden=("total",) in forced)  # fmt: skip
    hidden: set[tuple[Any, ...]] = {("cell", r, c) for r, c in cells}
    hidden |= {("row", r) for r in rows} | {("column", c) for c in cols}
    hidden |= {("total",)} if grand else set()
    lines, values = _equations(counts, row_totals=row_totals, col_totals=col_totals,
                               groups=groups, grand=("total",) not in forced)  # fmt: skip
    hidden |= {key for key in values if key[0] == "group" and 0 < values[key] < threshold}
    hidden |= {key for key in forced if key in values}
    hidden -= pinned
    return protect(lines, hidden, values, lambda key: key not in pinned, total_last)  # type: ignore[return-value]


def total_last(key: Any) -> int:
    """Hide a table's parts before its totals: a quarter's number of families is what its share
    and its range are read against."""
    return {"row": 1, "column": 1, "total": 2}.get(key[0], 0)


def _equations(
    counts: list[list[int]],
    *,
    row_totals: bool,
    col_totals: bool,
    groups: Sequence[Sequence[int]],
    grand: bool = True,
) -> tuple[list[Line], dict[Any, float]]:
    """The table's sums as lines, and every figure's value by its key; without `grand` (a total
    always hidden) no line to the total: an unknown in no other line ties nothing together."""
    rows, cols = len(counts), len(counts[0]) if counts else 0
    values: dict[Any, float] = {
        ("cell", r, c): counts[r][c] for r in range(rows) for c in range(cols)
    }
    values[("total",)] = sum(map(sum, counts))
    lines: list[Line] = []
    if row_totals:
        for r in range(rows):
            values[("row", r)] = sum(counts[r])
            lines.append(([("cell", r, c) for c in range(cols)], ("row", r)))
        lines.append(([("row", r) for r in range(rows)], ("total",)))
    if col_totals:
        for c in range(cols):
            values[("column", c)] = sum(counts[r][c] for r in range(rows))
            lines.append(([("cell", r, c) for r in range(rows)], ("column", c)))
        lines.append(([("column", c) for c in range(cols)], ("total",)))
    if not row_totals and not col_totals:
        lines.append((list(values)[:-1], ("total",)))
    for r in range(rows):
        for g, members in enumerate(groups):
            values[("group", r, g)] = sum(counts[r][c] for c in members)
            lines.append(([("cell", r, c) for c in members], ("group", r, g)))
        if groups and row_totals:
            lines.append(([("group", r, g) for g in range(len(groups))], ("row", r)))
    if not grand:
        lines = [line for line in lines if line[1] != ("total",)]
    return lines, values


def suppress_table(
    counts: list[list[int]],
    threshold: int = 5,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    groups: Sequence[Sequence[int]] = (),
) -> dict[str, Any]:
    """The table as cells ({"value", "suppressed"}), with its row totals, column totals, the
    sums of its column `groups` per row (`groups`), and its total."""
    table, _ = _suppressed_table(
        counts, threshold, row_totals=row_totals, col_totals=col_totals, groups=groups
    )
    return table


def _suppressed_table(
    counts: list[list[int]],
    threshold: int = 5,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    groups: Sequence[Sequence[int]] = (),
    forced: set[tuple[Any, ...]] = frozenset(),  # type: ignore[assignment]
    pinned: set[tuple[Any, ...]] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[str, Any], set[tuple[Any, ...]]]:
    """suppress_table, and the keys of the figures it hid (`forced` ones whatever their size)."""
    hidden = hidden_figures(counts, threshold, row_totals=row_totals, col_totals=col_totals,
                            groups=groups, forced=forced, pinned=pinned)  # fmt: skip

    def cell(value: int, key: tuple[Any, ...]) -> dict[str, Any]:
        return dict(SUPPRESSED) if key in hidden else {"value": value, "suppressed": False}

    table: dict[str, Any] = {
        "cells": [
            [cell(v, ("cell", r, c)) for c, v in enumerate(row)] for r, row in enumerate(counts)
        ]
    }
    if row_totals:
        table["row_totals"] = [cell(sum(row), ("row", r)) for r, row in enumerate(counts)]
    if col_totals:
        table["column_totals"] = [
            cell(sum(row[c] for row in counts), ("column", c))
            for c in range(len(counts[0]) if counts else 0)
        ]
    if groups:
        table["groups"] = [
            [
                cell(sum(row[c] for c in members), ("group", r, g))
                for g, members in enumerate(groups)
            ]
            for r, row in enumerate(counts)
        ]
    table["total"] = cell(sum(map(sum, counts)), ("total",))
    return table, hidden


def open_table(counts: list[list[int]]) -> dict[str, Any]:
    """The same shape, nothing hidden (auditors see per-family figures anyway)."""
    return suppress_table(counts, threshold=0)


def suppress_sum(value: float, families: int, threshold: int = 5) -> dict[str, Any]:
    if 0 < families < threshold or (families == 0 and value != 0):
        return dict(SUPPRESSED)
    return {"value": value, "suppressed": False}
