"""Every UI string has a Norwegian bokmål translation, and the catalogue matches the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent.parent
CATALOG = ROOT / "velferdslab" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"


def extracted_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    pybabel = str(Path(sys.executable).parent / "pybabel")
    keywords = ["-k", "_l", "-k", "lazy_gettext"]
    command = [pybabel, "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "-o", str(pot), "."]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}  # type: ignore[misc]


def test_every_string_in_the_code_is_translated_to_bokmal(tmp_path: Path) -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nb")
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    missing = sorted(str(i) for i in extracted_ids(tmp_path) - translated)
    assert missing == [], "run scripts/translations.sh update and translate these"


def test_the_nynorsk_catalogue_is_kept_in_step_with_the_code(tmp_path: Path) -> None:
    """`scripts/translations.sh update` refreshes nn beside nb. Only the family's pages speak
    nynorsk (their strings are checked in tests/family_portal/test_nynorsk.py); a string missing
    from the nn file altogether means the update was not run."""
    with (CATALOG.parents[2] / "nn" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        known = {m.id for m in read_po(handle, locale="nn") if m.id}
    assert sorted(str(i) for i in extracted_ids(tmp_path) - known) == []
