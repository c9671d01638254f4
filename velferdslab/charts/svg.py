"""matplotlib figures to inline SVG that a strict Content-Security-Policy lets through.

A CSP without 'unsafe-inline' styles blocks `style="…"` attributes and `<style>` elements, which
matplotlib writes everywhere. Each such declaration is a valid SVG presentation attribute, so
they are rewritten as attributes; the chart looks the same and needs no inline CSS.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any

STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


@cache
def pyplot() -> Any:
    # Imported on first use: matplotlib costs a second at start-up that most requests never pay.
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # real <text>: searchable, extractable, read by screen readers
            "svg.hashsalt": "velferdslab",  # the same data gives the same bytes (PDF hashes)
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _as_attributes(match: re.Match[str]) -> str:
    declarations = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def figure_to_svg(figure: Any, *, title: str, description: str) -> str:
    plt = pyplot()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = STYLE_ELEMENT.sub("", svg)
    svg = STYLE_ATTRIBUTE.sub(_as_attributes, svg)
    accessible = f'<svg role="img" aria-label="{_escape(title)}"'
    svg = svg.replace("<svg", accessible, 1)
    head_end = svg.index(">") + 1
    text = f"<title>{_escape(title)}</title><desc>{_escape(description)}</desc>"
    return svg[:head_end] + text + svg[head_end:]


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
