"""Bounds on an uploaded TOML file, checked before the parser sees it.

Python's TOML parser takes time quadratic in the number of parts of a dotted key, and recurses
once per nested array or inline table: a 100 kB key of 50 000 parts kept a worker busy for 30 s,
and 5 000 nested brackets overflow the stack. This linear scan refuses such a file first: no
line longer than MAX_LINE characters, no key of more than MAX_KEY_PARTS parts, no nesting deeper
than MAX_DEPTH. An assumption set needs a fraction of each (its deepest value is a list of tables
inside a table, its longest key has two parts).
"""

from __future__ import annotations

from velferdslab.errors import Text

MAX_LINE = 4000
MAX_KEY_PARTS = 8
MAX_DEPTH = 8


class TomlTooComplex(ValueError):
    def __init__(self, reason: Text) -> None:
        super().__init__(str(reason))
        self.reason = reason


def check_toml_shape(text: str) -> None:
    """Raise TomlTooComplex when the text exceeds the bounds (see the module's description)."""
    for number, content in enumerate(text.splitlines(), start=1):
        if len(content) > MAX_LINE:
            raise TomlTooComplex(
                Text("line %(line)s is longer than %(max)s characters", line=number, max=MAX_LINE)
            )
    depth = 0
    dots = 0  # dots of the key being read (outside strings, before its "=")
    in_value = False  # after "=" on the current logical line
    quote = ""  # the open string's delimiter: ", ', \"\"\" or '''
    i, n = 0, len(text)
    line = 1
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote in ('"', '"""'):
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            if c == "\n":
                line += 1
            i += 1
            continue
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i : i + 3]
            i += 3
            continue
        if c in "\"'":
            quote = c
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise TomlTooComplex(
                    Text("line %(line)s nests more than %(max)s levels", line=line, max=MAX_DEPTH)
                )
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "=" and depth == 0:
            in_value = True
        elif c == "=":
            dots = 0  # a key inside an inline table starts
        elif c == "." and (not in_value or (depth > 0 and not _in_number(text, i))):
            dots += 1
            if dots >= MAX_KEY_PARTS:
                raise TomlTooComplex(
                    Text(
                        "line %(line)s has a key of more than %(max)s parts",
                        line=line,
                        max=MAX_KEY_PARTS,
                    )
                )
        elif c == "\n":
            line += 1
            if depth == 0:
                in_value, dots = False, 0
        elif c == ",":
            dots = 0
        i += 1


def _in_number(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return before.isdigit() and after.isdigit()
