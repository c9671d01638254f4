"""Which hidden figures a reader could still work out: figures tied by sums ("these parts add up
to that total") form linear equations, and a hidden figure is recoverable exactly when it is
fixed by the equations once every shown figure is known. Suppression hides more until none is.

The check is linear algebra on the equations' 0/±1 coefficients (never on the values), so money
and counts are treated alike and the answer does not depend on rounding. The suppression rule
(velferdslab.benefits.suppression) uses it for every table it hides cells in; the property tests
use it to prove that no combination of views gives a hidden figure away."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

Line = tuple[Sequence[Any], Any]  # (parts, total): the parts add up to the total


def recoverable(lines: Iterable[Line], hidden: Iterable[Any]) -> set[Any]:
    """The hidden figures fixed by the lines when every figure not hidden is known."""
    hidden = set(hidden)
    found: set[Any] = set()
    for part in _components([line for line in lines if _unknowns(line, hidden)], hidden):
        found |= _recoverable(part, hidden)
    return found


def _fixed(lines: Sequence[Line], hidden: set[Any], target: Any) -> bool:
    """Whether the lines fix `target`, solving only the group of lines it is in."""
    for part in _components([line for line in lines if _unknowns(line, hidden)], hidden):
        if any(target in _unknowns(line, hidden) for line in part):
            return target in _recoverable(part, hidden)
    return False


def _unknowns(line: Line, hidden: set[Any]) -> list[Any]:
    parts, total = line
    return [key for key in (*parts, total) if key in hidden]


def _components(lines: list[Line], hidden: set[Any]) -> list[list[Line]]:
    """The lines in groups that share no hidden figure: each is solved on its own (a region's
    tables are thousands of figures, its groups a few dozen)."""
    parent: dict[Any, Any] = {}

    def root(key: Any) -> Any:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for line in lines:
        first, *rest = _unknowns(line, hidden)
        for key in rest:
            parent[root(key)] = root(first)
    groups: dict[Any, list[Line]] = {}
    for line in lines:
        groups.setdefault(root(_unknowns(line, hidden)[0]), []).append(line)
    return list(groups.values())


def _recoverable(lines: list[Line], hidden: set[Any]) -> set[Any]:
    unknown = sorted({key for line in lines for key in _unknowns(line, hidden)}, key=repr)
    column = {key: index for index, key in enumerate(unknown)}
    rows = []
    for parts, total in lines:
        row = np.zeros(len(unknown))
        for key in parts:
            if key in column:
                row[column[key]] += 1.0
        if total in column:
            row[column[total]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    free = vt[rank:]  # the null space: the ways the hidden figures can move together
    if free.size == 0:
        return set(unknown)
    moves = np.abs(free).max(axis=0)
    return {key for key in unknown if moves[column[key]] < 1e-9}


def protect(
    lines: Sequence[Line],
    hidden: set[Any],
    values: Mapping[Any, float],
    hideable: Callable[[Any], bool] = lambda _key: True,
) -> set[Any]:
    """`hidden` and as few more figures as this greedy rule needs for none to be recoverable:
    while one is, hide the smallest shown figure (zeros last: a zero reveals nobody) whose hiding
    frees it, looking first at the figures on its own lines."""
    hidden = set(hidden)
    everyone = {key for parts, total in lines for key in (*parts, total)}
    given_up: set[Any] = set()
    while found := recoverable(lines, hidden) - given_up:
        target = min(found, key=repr)
        near = {
            key for parts, total in lines if target in (*parts, total) for key in (*parts, total)
        }
        candidates = sorted(
            (key for key in everyone if key not in hidden and key in values and hideable(key)),
            key=lambda key: (values[key] == 0, key not in near, abs(values[key]), repr(key)),
        )
        if not candidates:  # only figures that may not be hidden could free it: the caller's
            given_up.add(target)  # rule says it is public (tests prove that it never is small)
            continue
        chosen = next(
            (key for key in candidates if not _fixed(lines, hidden | {key}, target)),
            candidates[0],  # no single figure frees it: hide the smallest and go on
        )
        hidden.add(chosen)
    return hidden
