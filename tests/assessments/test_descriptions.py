"""Level help texts: complete defaults in both languages, and admins' edits take precedence."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import scoped_session

from velferdslab.assessments.descriptions import default_criteria, help_texts
from velferdslab.assessments.models import LevelDescription


def test_every_domain_and_level_has_help_in_bokmal_and_english() -> None:
    criteria = default_criteria()
    assert set(criteria) == {"nb", "en"}
    for language in ("nb", "en"):
        assert len(criteria[language]) == 7
        assert all(len(texts) == 4 and all(texts) for texts in criteria[language].values())
    assert criteria["nb"]["housing"][0].startswith("Ingen egen bolig")


def test_an_admins_edit_replaces_the_default(app: Flask, db: scoped_session) -> None:
    db.add(LevelDescription(domain="work", level=2, language="nb", text="Egen tekst for stabil."))
    db.flush()
    with app.app_context():
        texts = help_texts("nb")
    assert texts["work"][2] == "Egen tekst for stabil."
    assert texts["work"][3] == default_criteria()["nb"]["work"][3]
