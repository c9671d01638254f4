"""The one PDF helper: a Jinja template from the top-level reports/ and plain data → PDF/A-3b
with the figures attached. Nothing is fetched while rendering: data: URLs only, never file: or
http:."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from velferdslab.settings import REPORT_TEMPLATES_DIR

TEMPLATES = REPORT_TEMPLATES_DIR
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    name: str
    content: str  # CSV or JSON text
    description: str


@dataclass(frozen=True)
class Stamp:
    """Printed on every page: which report this is and when it was issued."""

    report_id: int
    issued_at: dt.datetime
    title: str


@cache
def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):  # type: ignore[misc]
        """Only inline data: URLs; a report never reads the disk or the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                log.warning("report rendering refused to fetch %.80s", url)
                raise ValueError(f"refused to fetch {url[:80]!r}: reports use inline data only")
            return super().fetch(url, headers)

    return RefusingFetcher


def url_fetcher() -> Any:
    return _fetcher_class()(allowed_protocols={"data"}, fail_on_errors=False, timeout=1)


def environment() -> Environment:
    """The app's Jinja environment (translations, helpers) over the report templates, with
    autoescaping on so that any text from the database renders as text."""
    app = current_app
    env = app.extensions.get("velferdslab_report_env")
    if env is None:
        # The report templates first; the app's own after them, for the partials that pages
        # and reports share (e.g. _assumption_tables.html).
        loaders = [FileSystemLoader(str(_template_dir())), app.jinja_env.loader]
        env = app.jinja_env.overlay(
            loader=ChoiceLoader([loader for loader in loaders if loader is not None]),
            autoescape=select_autoescape(["html"], default=True),
        )
        app.extensions["velferdslab_report_env"] = env
    return env


def _template_dir() -> Path:
    return Path(current_app.config.get("REPORT_TEMPLATES") or TEMPLATES)


def render_html(template: str, data: Mapping[str, Any], stamp: Stamp, language: str) -> str:
    with force_locale(language):
        return environment().get_template(template).render(**data, stamp=stamp, language=language)


def render_pdf(
    template: str,
    data: Mapping[str, Any],
    *,
    stamp: Stamp,
    language: str,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    from weasyprint import HTML
    from weasyprint import Attachment as PdfAttachment

    html = render_html(template, data, stamp, language)
    files = [
        PdfAttachment(
            string=item.content.encode(),
            name=item.name,
            description=item.description,
            relationship="Data",
        )
        for item in attachments
    ]
    _compress_at_the_default_level()
    with _collecting_only_the_reports_own_objects():
        pdf: bytes = HTML(string=html, url_fetcher=url_fetcher()).write_pdf(
            stylesheets=[_stylesheet(_template_dir() / "report.css")],
            pdf_variant="pdf/a-3b",
            attachments=files,
            custom_metadata=True,
        )
    return pdf


class _DefaultLevelZlib:
    """zlib as pydyf sees it, with its streams compressed at zlib's default level (6) rather
    than the highest (9). The audit report's page streams hold a glyph a character: level 9 took
    0.55 s of its 2 s of writing for 25 KB less of 290 KB (issue 30). The PDF is the same
    document, read the same by every reader; only the Flate streams differ."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args: Any, **kwargs: Any) -> Any:
        del level
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


@cache
def _compress_at_the_default_level() -> None:
    import pydyf  # type: ignore[import-untyped]

    if getattr(pydyf, "zlib", None) is zlib:  # as in pydyf 0.13: Stream.data calls zlib here
        pydyf.zlib = _DefaultLevelZlib()


@cache
def _stylesheet(path: Path) -> Any:
    """The reports' static styles, parsed and validated once per process (validating them
    took 0.03-0.04 s of each family report). WeasyPrint applies them as the user's stylesheet:
    below the report's own `<style>`, which sets the running heads and any per-report rule."""
    from weasyprint import CSS

    return CSS(string=path.read_text(encoding="utf-8"), url_fetcher=url_fetcher())


@contextmanager
def _collecting_only_the_reports_own_objects() -> Iterator[None]:
    """While WeasyPrint lays out a report, Python's cyclic garbage collector looks only at the
    objects made since it began, not at the whole application's (the app, SQLAlchemy, pandas:
    some 300 000 objects). A report makes so many boxes that it set off a full collection
    over all of them: 0.2-0.25 s of the family report's 1.1 s (issue 18, P5). What was alive
    before is set aside (`gc.freeze`) and given back to the collector afterwards
    (`gc.unfreeze`), once the report's own garbage is collected: the object count stays flat
    from report to report."""
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()
