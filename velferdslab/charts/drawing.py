"""A small SVG builder for charts that are shapes and words, not plots.

A chart built here is a string of SVG elements with presentation attributes only (`fill`,
`font-size`, …): no `style` attribute and no `<style>` element, so a Content-Security-Policy
without 'unsafe-inline' styles lets it through, in a page as in a PDF. Every word is a real
`<text>` (found by search, read by screen readers, extracted from a PDF); numbers are written
with at most two decimals, so the same data always gives the same bytes.

    svg = Drawing(width=320, height=200, title="…", description="…")
    svg.rect(0, 0, 10, 10, fill="#b3261e")
    svg.text(5, 5, "UH", anchor="middle")
    markup = svg.render()
"""

from __future__ import annotations

import importlib.util
from functools import cache
from html import escape
from pathlib import Path


def number(value: float) -> str:
    """A coordinate as SVG reads it: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def attributes(values: dict[str, object]) -> str:
    """` name="value"` pairs; trailing underscores dropped (`class_`), `_` in names → `-`,
    None left out, floats as `number`."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        # Numbers need no escaping (most attributes of a chart are coordinates).
        if isinstance(value, float):
            shown = number(value)
        elif isinstance(value, int):
            shown = str(value)
        else:
            shown = escape(str(value))
        parts.append(f' {_NAMES.get(name) or _name(name)}="{shown}"')
    return "".join(parts)


_NAMES: dict[str, str] = {}


def _name(name: str) -> str:
    _NAMES[name] = name.rstrip("_").replace("_", "-")
    return _NAMES[name]


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of `text` in DejaVu Sans (the page's and the PDF's
    font) at `size`: enough to lay out labels without measuring fonts."""
    wide = sum(1 for c in text if c.isupper() or c in "mwæ◆")
    return size * (0.58 * (len(text) - wide) + 0.8 * wide)


FONT_FOLDERS = ("/usr/share/fonts/truetype/dejavu",)  # Debian's fonts-dejavu-core


@cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """DejaVu Sans's advance widths (per code point, in em) as the PDF will set them: from the
    font file that fontconfig gives WeasyPrint on Debian, else matplotlib's copy of it."""
    from fontTools.ttLib import TTFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    spec = importlib.util.find_spec("matplotlib")
    folders = [Path(folder) for folder in FONT_FOLDERS]
    if spec is not None and spec.submodule_search_locations:
        folders += [Path(p) / "mpl-data" / "fonts" / "ttf" for p in spec.submodule_search_locations]
    path = next((folder / name for folder in folders if (folder / name).is_file()), None)
    if path is None:
        raise FileNotFoundError(f"{name} in none of {[str(f) for f in folders]}")
    with TTFont(path, lazy=True) as font:  # reads only the tables asked for
        units, metrics = font["head"].unitsPerEm, font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
        return widths, metrics[".notdef"][0] / units


def measured_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` set in DejaVu Sans at `size`, from the font's advance widths
    (without kerning, a fraction of a unit in labels of a few letters)."""
    widths, missing = _advances(bold)
    return size * sum(widths.get(ord(c), missing) for c in text)


class Drawing:
    """An SVG document in a viewBox of `width` × `height` user units, scaled by the page: it
    keeps its proportions and never grows past `width` × `scale` CSS pixels."""

    def __init__(
        self,
        width: float,
        height: float,
        *,
        title: str,
        description: str,
        scale: float = 1.0,
        font_size: float = 12,
        class_: str | None = None,
        measured_anchors: bool = False,
    ) -> None:
        self.width, self.height, self.scale = width, height, scale
        self.title, self.description = title, description
        self.font_size, self.class_ = font_size, class_
        # For print: words centred or ended by measuring them, not by `text-anchor`, for which
        # WeasyPrint draws every word into a separate PDF object (a form XObject).
        self.measured_anchors = measured_anchors
        self.defs: list[str] = []
        self.parts: list[str] = []

    def element(self, name: str, content: str | None = None, /, **values: object) -> None:
        """`<name …/>`, or `<name …>content</name>` (content is markup: escape words)."""
        if content is None:
            self.parts.append(f"<{name}{attributes(values)}/>")
        else:
            self.parts.append(f"<{name}{attributes(values)}>{content}</{name}>")

    def raw(self, markup: str) -> None:
        """Markup made by the caller (escape its words)."""
        self.parts.append(markup)

    def open(self, name: str, /, **values: object) -> None:
        self.parts.append(f"<{name}{attributes(values)}>")

    def close(self, name: str) -> None:
        self.parts.append(f"</{name}>")

    def rect(self, x: float, y: float, width: float, height: float, **values: object) -> None:
        self.element("rect", x=float(x), y=float(y), width=float(width), height=float(height),
                     **values)  # fmt: skip

    def line(self, x1: float, y1: float, x2: float, y2: float, **values: object) -> None:
        self.element("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **values)

    def text(
        self,
        x: float,
        y: float,
        words: str,
        *,
        anchor: str = "start",
        size: float | None = None,
        **values: object,
    ) -> None:
        """Words centred vertically on y (the baseline is placed by hand: WeasyPrint does not
        read `dominant-baseline`), starting at x, or centred on it or ending at it (`anchor`)."""
        shown = self.font_size if size is None else size
        if self.measured_anchors and anchor != "start":
            width = measured_width(words, shown, bold=values.get("font_weight") == "bold")
            x, anchor = x - (width / 2 if anchor == "middle" else width), "start"
        self.element(
            "text",
            escape(words, quote=False),
            x=float(x),
            y=float(y + 0.36 * shown),
            text_anchor=None if anchor == "start" else anchor,
            font_size=None if size is None else float(size),
            **values,
        )

    def title_of(self, words: str) -> None:
        """A tooltip for the element (group) just opened: `<title>` as its first child."""
        self.parts.append(f"<title>{escape(words, quote=False)}</title>")

    def define(self, markup: str) -> None:
        """Something for `<defs>` (a pattern), written once before the drawing."""
        self.defs.append(markup)

    def render(self) -> str:
        head = attributes(
            {
                "role": "img",
                "aria-label": self.title,
                "xmlns": "http://www.w3.org/2000/svg",
                "viewBox": f"0 0 {number(self.width)} {number(self.height)}",
                "width": number(self.width * self.scale),
                "height": number(self.height * self.scale),
                "class": self.class_,
                "font-family": "DejaVu Sans, sans-serif",
                "font-size": number(self.font_size),
                "fill": "#1d2430",
            }
        )
        title = escape(self.title, quote=False)
        description = escape(self.description, quote=False)
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return (
            f"<svg{head}><title>{title}</title><desc>{description}</desc>{defs}"
            f"{''.join(self.parts)}</svg>"
        )
