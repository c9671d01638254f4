"""Which hidden figures a reader could still work out: figures tied by sums ("these parts add up
to that total") form linear equations, and a hidden figure is recoverable exactly when it is
fixed by the equations once every shown figure is known. Suppression hides more until none is.

The check is linear algebra on the equations' 0/±1 coefficients (never on the values), so money
and counts are treated alike and the answer does not depend on rounding. The suppression rule
(velferdslab.benefits.suppression) uses it for every table it hides cells in; the property tests
use it to prove that no combination of views gives a hidden figure away."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

Line = tuple[Sequence[Any], Any]  # (parts, total): the parts add up to the total


def recoverable(lines: Iterable[Line], hidden: Iterable[Any]) -> set[Any]:
    """The hidden figures fixed by the lines when every figure not hidden is known."""
    return _System(list(lines)).recoverable(set(hidden))


class _System:
    """The lines indexed by figure, so that the group of lines a hidden figure is tied to (by
    other hidden figures) is found without looking at the rest: a region's tables are
    thousands of figures, its groups a few dozen, most of them one line."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.through: dict[Any, list[int]] = {}
        for index, (parts, total) in enumerate(lines):
            for key in {*parts, total}:
                self.through.setdefault(key, []).append(index)

    def group(self, start: Any, hidden: set[Any]) -> tuple[list[Line], set[Any]]:
        """The lines tied to `start` through hidden figures, and those figures."""
        seen, lines, todo = {start}, set(), [start]
        while todo:
            for index in self.through.get(todo.pop(), ()):
                if index not in lines:
                    lines.add(index)
                    for key in _unknowns(self.lines[index], hidden):
                        if key not in seen:
                            seen.add(key)
                            todo.append(key)
        return [self.lines[i] for i in sorted(lines)], seen

    def recoverable(self, hidden: set[Any]) -> set[Any]:
        found: set[Any] = set()
        left = set(hidden)
        while left:
            lines, keys = self.group(next(iter(left)), hidden)
            found |= _recoverable(lines, hidden)
            left -= keys
        return found

    def fixed(self, hidden: set[Any], target: Any) -> bool:
        return target in _recoverable(self.group(target, hidden)[0], hidden)


def _unknowns(line: Line, hidden: set[Any]) -> list[Any]:
    parts, total = line
    return [key for key in (*parts, total) if key in hidden]


def _recoverable(lines: list[Line], hidden: set[Any]) -> set[Any]:
    if len(lines) == 1:  # one sum: it fixes its one unknown figure, or none of several
        alone = _unknowns(lines[0], hidden)
        return set(alone) if len(alone) == 1 else set()
    # The answer depends on the pattern of unknowns only, and a table's quarters repeat a few
    # patterns many times: each pattern is solved once.
    column: dict[Any, int] = {}
    pattern = []
    for parts, total in lines:
        signs = [(column.setdefault(key, len(column)), 1) for key in parts if key in hidden]
        if total in hidden:
            signs.append((column.setdefault(total, len(column)), -1))
        pattern.append(tuple(sorted(signs)))
    fixed = _solve(tuple(pattern), len(column))
    return {key for key, index in column.items() if index in fixed}


@lru_cache(maxsize=4096)
def _solve(pattern: tuple[tuple[tuple[int, int], ...], ...], unknowns: int) -> frozenset[int]:
    """The unknowns (by index) fixed by the lines, each line a tuple of (unknown, ±1)."""
    matrix = np.zeros((len(pattern), unknowns))
    for row, signs in enumerate(pattern):
        for index, sign in signs:
            matrix[row, index] += sign
    matrix = matrix[np.abs(matrix).sum(axis=1) > 0]
    if not len(matrix):
        return frozenset()
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    free = vt[rank:]  # the null space: the ways the hidden figures can move together
    if free.size == 0:
        return frozenset(range(unknowns))
    moves = np.abs(free).max(axis=0)
    return frozenset(int(i) for i in np.flatnonzero(moves < 1e-9))


def protect(
    lines: Sequence[Line],
    hidden: set[Any],
    values: Mapping[Any, float],
    hideable: Callable[[Any], bool] = lambda _key: True,
    rank: Callable[[Any], int] = lambda _key: 0,
) -> set[Any]:
    """`hidden` and as few more figures as this greedy rule needs for none to be recoverable:
    while one is, hide the smallest shown figure (zeros last: a zero reveals nobody; lower `rank`
    first, so a table's parts go before its totals) whose hiding frees it, looking first at the
    figures on its own lines."""
    hidden = set(hidden)
    system = _System(list(lines))
    found = system.recoverable(hidden)
    if not found:
        return hidden
    order = sorted(
        (key for key in system.through if key in values and hideable(key)),
        key=lambda key: (values[key] == 0, rank(key), abs(values[key]), repr(key)),
    )
    buckets: dict[tuple[bool, int], list[Any]] = {}
    for key in order:
        buckets.setdefault((values[key] == 0, rank(key)), []).append(key)
    given_up: set[Any] = set()
    while found - given_up:
        target = min(found - given_up, key=repr)
        near = {key for i in system.through[target] for key in (*lines[i][0], lines[i][1])}
        chosen = _choose(system, buckets, hidden, near, target)
        if chosen is None:  # only figures that may not be hidden could free it: the caller's
            given_up.add(target)  # rule says it is public (tests prove that it never is small)
            continue
        hidden.add(chosen)
        # Only the group the chosen figure joins changes.
        joined, keys = system.group(chosen, hidden)
        found = (found - keys) | _recoverable(joined, hidden)
    return hidden


def _choose(
    system: _System, buckets: dict[tuple[bool, int], list[Any]], hidden: set[Any],
    near: set[Any], target: Any,
) -> Any:  # fmt: skip
    """The figure to hide next for `target`: the first, rank by rank, that frees it alone (its
    own lines' figures first); a part on its own lines when no part alone does (two parts may,
    where one total would: a quarter keeps its number of families); else the smallest."""
    first = None
    for (zero, rank), bucket in buckets.items():
        shown = [key for key in bucket if key not in hidden]
        ordered = [key for key in shown if key in near] + [k for k in shown if k not in near]
        first = first or next(iter(ordered), None)
        freeing = next((key for key in ordered if not system.fixed(hidden | {key}, target)), None)
        if freeing is not None:
            return freeing
        if rank == 0 and not zero and ordered and ordered[0] in near:
            return ordered[0]
    return first
