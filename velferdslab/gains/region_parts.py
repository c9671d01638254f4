"""A region's figures made of its municipalities' (issue 30): the figures of a report that do not
depend on the suppression and are made family by family — the engine's tables and level path,
the levels at each quarter end, the lasting moves' spells, the money sums — are kept with each
municipality's part, and the region's are put together from them instead of from its million
rows, so that after a change in one municipality only that one's are made again.

Each is put together to the bit: the engine's tables and path row for row as the region's own
(each family's rows depend on its own readings only; the rows are put in family order), the
counts added (a family is in one municipality), the money added in whole øre
(velferdslab.gains.portfolio_money). The suppression is then applied to the region's figures as
before. tests/gains/test_kept.py holds the region's report equal to one made from its own tables."""

from __future__ import annotations

from typing import Any

import numpy as np

from velferdslab.benefits.engine import Prepared
from velferdslab.benefits.moves import Moves
from velferdslab.benefits.paths import Path
from velferdslab.gains.portfolio_money import MoneySums, added

# The scratch figures of portfolio_report a municipality's part keeps for its region.
KEPT = ("path", "distribution", "moves", "money")


def kept_figures(scratch: dict[str, Any]) -> dict[str, Any]:
    return {name: scratch[name] for name in KEPT if name in scratch}


def region_scratch(parts: list[dict[str, Any]], family_ids: list[int]) -> dict[str, Any]:
    """The scratch of the region's portfolio_report, made of its municipalities' kept figures
    (`family_ids`: the region's families); a figure some part lacks is left to the report."""
    scratch: dict[str, Any] = {}
    if not parts or any(set(KEPT) - set(part) for part in parts):
        return scratch
    ids = np.unique(np.asarray(family_ids, dtype=np.int64))
    tables = _tables([part["path"] for part in parts], ids)
    if tables is not None:
        scratch["path"] = tables
    scratch["distribution"] = _distribution([part["distribution"] for part in parts])
    moves = _moves([part["moves"] for part in parts])
    if moves is not None:
        scratch["moves"] = moves
    money: MoneySums | None = added([part["money"] for part in parts])
    if money is not None:
        scratch["money"] = money
    return scratch


def _order(ids: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The parts' family ids in one sorted array, the order that sorts their concatenation, and
    each part's offset in it."""
    joined = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    order = np.argsort(joined, kind="stable")
    offsets = np.cumsum([0, *(len(part) for part in ids)]).tolist()
    return joined[order], order, offsets


def _rows(order: np.ndarray, offsets: list[int], rows: list[np.ndarray]) -> np.ndarray:
    """Each part's row numbers as rows of the sorted whole."""
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order), dtype=np.int64)
    pieces = [
        place[offset + row.astype(np.int64)] for offset, row in zip(offsets, rows, strict=False)
    ]
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)  # fmt: skip


def _tables(parts: list[tuple[Prepared, Path]], ids: np.ndarray) -> tuple[Prepared, Path] | None:
    """prepare_with_path's answer for all the parts' families: each family's rows as its part
    has them, in family order; the path grouped by domain, family and start as actual_path
    gives it."""
    prepared = [part[0] for part in parts]
    joined, order, offsets = _order([p.family_ids for p in prepared])
    if not np.array_equal(joined, ids) or len({p.as_of for p in prepared}) != 1:
        return None

    def whole(name: str) -> np.ndarray:
        rows: np.ndarray = np.concatenate([getattr(p, name) for p in prepared])[order]
        return rows

    tables = Prepared(joined, whole("baseline"), whole("current"), whole("days"),
                      whole("spending"), prepared[0].as_of)  # fmt: skip
    paths = [part[1] for part in parts]
    row = _rows(order, offsets, [path.row for path in paths])
    domain = np.concatenate([path.domain for path in paths])
    start = np.concatenate([path.start for path in paths])
    level = np.concatenate([path.level for path in paths])
    # Each part's path is in (domain, family, start) order and its families keep their order
    # among the region's: a stable sort on (domain, family) leaves each group in start order.
    by = np.argsort(domain.astype(np.int64) * max(len(joined), 1) + row, kind="stable")
    return tables, Path(joined, row[by], domain[by], start[by], level[by])


def _distribution(parts: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """level_distribution of all the parts' families: each quarter end's counts added (a part
    whose first reading comes later has none there)."""
    quarters: dict[Any, dict[str, Any]] = {}
    for rows in parts:
        for row in rows:
            have = quarters.get(row["quarter_end"])
            if have is None:
                quarters[row["quarter_end"]] = {
                    "quarter_end": row["quarter_end"],
                    "counts": dict(row["counts"]),
                    "total": row["total"],
                    "by_domain": {d: dict(counts) for d, counts in row["by_domain"].items()},
                }
                continue
            for level, count in row["counts"].items():
                have["counts"][level] += count
            have["total"] += row["total"]
            for domain, counts in row["by_domain"].items():
                for level, count in counts.items():
                    have["by_domain"][domain][level] += count
    return [quarters[end] for end in sorted(quarters)]


def _moves(parts: list[Moves]) -> Moves | None:
    """The spells of all the parts' families, grouped by family in start order."""
    if len({part.sustain_months for part in parts}) != 1:
        return None
    joined, order, offsets = _order([part.family_ids for part in parts])
    if len(joined) > 1 and bool((joined[1:] == joined[:-1]).any()):
        return None
    row = _rows(order, offsets, [part.row for part in parts])

    def spells(name: str) -> np.ndarray:
        return np.concatenate([getattr(part, name) for part in parts])

    start = spells("start")
    by = np.argsort(row, kind="stable")  # each part's spells in family and start order
    return Moves(
        joined,
        np.concatenate([part.counted_from for part in parts])[order],
        row[by],
        spells("status")[by],
        start[by],
        spells("end")[by],
        spells("reached")[by],
        spells("fell")[by],
        parts[0].sustain_months,
    )
