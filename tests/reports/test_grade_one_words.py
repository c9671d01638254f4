"""At evidence grade 1 (before/after readings only) no PDF calls a gain an effect
(benefit-model.md, "Evidence grade"): not "effekt" in bokmål, not "effect" or "impact" in
English; each names the grade beside the gains instead, and the council's first page says in
plain words what grade 1 can and cannot tell (pages and workbooks: test_grade_one_pages.py)."""

from __future__ import annotations

import re

import pytest

from tests.reports.helpers import pdf_text
from tests.reports.test_pdf_pages import (  # noqa: F401  (the fixtures: every PDF, nb and en)
    issued,
    module_db,
)

EFFECT_WORDS = re.compile(r"effekt|\beffects?\b|\bimpacts?\b", re.IGNORECASE)
GRADE = {"nb": "Kunnskapsnivå 1 av 5", "en": "Evidence grade 1 of 5"}


def flat(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.mark.parametrize("kind", ["family", "portfolio", "audit"])
@pytest.mark.parametrize("language", ["nb", "en"])
def test_no_pdf_calls_a_grade_one_gain_an_effect(
    issued: dict[str, bytes],  # noqa: F811
    kind: str,
    language: str,
) -> None:
    text = " ".join(pdf_text(issued[f"{kind}-{language}"]).split())
    assert EFFECT_WORDS.findall(text) == []
    assert GRADE[language] in text


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_councils_first_page_says_what_grade_one_can_and_cannot_tell(
    issued: dict[str, bytes],  # noqa: F811
    language: str,
) -> None:
    first = " ".join(pdf_text(issued[f"portfolio-{language}"]).split("\f")[0].split())
    said = {
        "nb": ("Hva tallene kan og ikke kan si", "kan ikke vise hvor mye av den laben har skapt"),
        "en": ("What these figures can and cannot tell", "cannot show how much of it the lab"),
    }[language]
    assert all(words in first for words in said)
    assert ("Fra brutto til netto" if language == "nb" else "From gross to net") in first
