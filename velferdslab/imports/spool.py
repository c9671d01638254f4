"""The rows of an upload as read, kept by family in a temporary file rather than in memory.

A national lab's file is a million and a half rows, a family's spread over five sheets; held
as read until each family is written they were most of an import's memory (some 800 MB at
20 000 families). Mapping adds each row under its family's reference; rows are written out
a batch at a time, each family's rows of the batch as one pickle, and read back when the
family is written (and again for a refused family's download). The file is the process's
own (an unnamed temporary file), removed when the spool is closed or dropped.
"""

from __future__ import annotations

import pickle
import tempfile
import weakref
from array import array
from typing import Any

# A row as spooled: the sheet's place in the mapping (Mapped.places), its Excel row number,
# its cells as read.
SpooledRow = tuple[int, int, list[Any]]

BATCH_ROWS = 20_000


class Spool:
    def __init__(self, batch_rows: int = BATCH_ROWS) -> None:
        # Closed by close() or when the spool is dropped (the finalizer), not by a block.
        self._file = tempfile.TemporaryFile(prefix="velferdslab-import-")  # noqa: SIM115
        self._finalizer = weakref.finalize(self, self._file.close)
        self._batch_rows = batch_rows
        self._waiting: dict[str, list[SpooledRow]] = {}
        self._count = 0
        self._end = 0
        # reference -> (offset, length) of each of its pickles, flat; every family mapped,
        # in the order first met.
        self.segments: dict[str, array[int]] = {}
        self.rows_spooled = 0

    def family(self, reference: str) -> None:
        """A family of the file, whether or not any row of it is kept."""
        if reference not in self.segments:
            self.segments[reference] = array("q")

    def add(self, reference: str, place: int, number: int, cells: list[Any]) -> None:
        rows = self._waiting.get(reference)
        if rows is None:
            rows = self._waiting[reference] = []
        rows.append((place, number, cells))
        self._count += 1
        if self._count >= self._batch_rows:
            self.flush()

    def flush(self) -> None:
        """The rows waiting written out, each family's as one pickle; the families first met
        here noted in that order."""
        if not self._waiting:
            return
        out = bytearray()
        segments = self.segments
        for reference, rows in self._waiting.items():
            blob = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
            found = segments.get(reference)
            if found is None:
                found = segments[reference] = array("q")
            found.extend((self._end + len(out), len(blob)))
            out += blob
        self._file.seek(self._end)
        self._file.write(out)
        self._end += len(out)
        self.rows_spooled += self._count
        self._waiting.clear()
        self._count = 0

    def rows(self, reference: str) -> list[SpooledRow]:
        """The family's rows in the order they were added."""
        self.flush()
        found: list[SpooledRow] = []
        segments = self.segments.get(reference, ())
        for i in range(0, len(segments), 2):
            self._file.seek(segments[i])
            # The pickles this spool wrote itself, to a file only this process has open.
            found.extend(pickle.loads(self._file.read(segments[i + 1])))  # noqa: S301
        return found

    def close(self) -> None:
        self._waiting.clear()
        self._finalizer()
