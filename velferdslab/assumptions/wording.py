"""The shipped default set's words in the reader's language.

The default set is stored in bokmål; its file gives the English beside each text (`label_en`,
`source_en`, `description_en`, `[sources_en]`). Those pairs make a small translation table: a
text of the shipped set is shown in the language the reader chose, whichever of the two it was
stored in (a database made before the set was shipped in bokmål holds the English words, and a
bokmål reader gets the bokmål ones all the same). A text a person wrote or changed is in no pair
and is shown as written. The calculation and the API read the stored words only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from velferdslab.settings import config_file

LANGUAGES = ("nb", "en")
SHIPPED_FILE = config_file("assumptions", "velferdslab-standard.toml")


def _pairs(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs = [(str(data.get("description", "")), str(data.get("description_en", "")))]
    english_sources = data.get("sources_en", {})
    for key, text in data.get("sources", {}).items():
        pairs.append((str(text), str(english_sources.get(key, ""))))
    for item in data.get("cost_items", []):
        pairs.append((str(item.get("label", "")), str(item.get("label_en", ""))))
        pairs.append((str(item.get("source", "")), str(item.get("source_en", ""))))
    return [(nb, en) for nb, en in pairs if nb and en]


@lru_cache(maxsize=2)
def _table(path: str, modified_ns: int) -> dict[str, dict[str, str]]:
    """{text in either language: {"nb": …, "en": …}}, read once per version of the file."""
    del modified_ns
    with open(path, "rb") as source:
        pairs = _pairs(tomllib.load(source))
    table: dict[str, dict[str, str]] = {}
    for nb, en in pairs:
        table.setdefault(nb, {"nb": nb, "en": en})
        table.setdefault(en, {"nb": nb, "en": en})
    return table


def in_language(text: str, language: str) -> str:
    if language not in LANGUAGES or not text:
        return text
    table = _table(str(SHIPPED_FILE), SHIPPED_FILE.stat().st_mtime_ns)
    return table.get(text, {}).get(language, text)


def set_in_language(described: Mapping[str, Any], language: str) -> dict[str, Any]:
    """A described set (assumptions.services.described) with the shipped words in `language`."""
    return {
        **described,
        "description": in_language(described.get("description", ""), language),
        "sources": {
            name: in_language(text, language)
            for name, text in (described.get("sources") or {}).items()
        },
        "cost_items": [
            {
                **item,
                "label": in_language(item.get("label", ""), language),
                "source": in_language(item.get("source", ""), language),
            }
            for item in described.get("cost_items", [])
        ],
    }


def drop_english_beside(data: dict[str, Any]) -> None:
    """An uploaded file in the shipped file's format may carry the English beside its words; a
    stored set holds its words once (only the shipped default is shown in two languages)."""
    data.pop("description_en", None)
    data.pop("sources_en", None)
    for item in data.get("cost_items", []):
        if isinstance(item, dict):
            item.pop("label_en", None)
            item.pop("source_en", None)
