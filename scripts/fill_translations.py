"""Fill bokmål translations from a JSON file {msgid: text}: for bulk work; translators may
edit velferdslab/translations/nb/LC_MESSAGES/messages.po directly instead."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).parent.parent / "velferdslab/translations/nb/LC_MESSAGES/messages.po"


def main(table_path: str) -> int:
    table = json.loads(Path(table_path).read_text(encoding="utf-8"))
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="nb")
    for message in catalog:
        if message.id and message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=100)
    missing = [str(m.id) for m in catalog if m.id and not m.string]
    print("untranslated:", ", ".join(missing) if missing else "none")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
