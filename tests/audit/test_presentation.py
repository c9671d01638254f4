"""The audit log in the reader's language: every code the code base can write has a label."""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask
from flask_babel import force_locale

from velferdslab.audit import presentation

SOURCE = Path(presentation.__file__).resolve().parents[1]


def written_codes() -> tuple[set[str], set[str]]:
    """The (action, entity) literals of every audit(...), record(...) and PendingEvent(...)."""
    actions: set[str] = set()
    entities: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in ("audit", "PendingEvent", "record"):
                continue
            # record(session, action, entity, …): the session comes first
            args = list(node.args[1:3] if name == "record" else node.args[:2])
            keywords = {k.arg: k.value for k in node.keywords}
            action = keywords.get("action", args[0] if args else None)
            entity = keywords.get("entity", args[1] if len(args) > 1 else None)
            for value, found in ((action, actions), (entity, entities)):
                for literal in ast.walk(value) if value is not None else ():
                    if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                        found.add(literal.value)
    return actions, entities


def test_every_action_and_record_the_code_writes_has_a_label() -> None:
    actions, entities = written_codes()
    assert {"read", "approve", "reject", "login_failed", "create"} <= actions  # the scan works
    assert sorted(actions - presentation.ACTION_LABELS.keys()) == []
    assert sorted(entities - presentation.ENTITY_LABELS.keys()) == []


def test_labels_are_bokmal_and_the_filter_understands_them(app: Flask) -> None:
    with app.test_request_context(), force_locale("nb"):
        assert presentation.action_label("approve") == "godkjent"
        assert presentation.entity_label("team_membership") == "teammedlemskap"
        assert presentation.actions_matching("godkjenn") == ["approve"]
        assert presentation.actions_matching("approve") == ["approve"]  # the code still works
        assert presentation.actions_matching("logget") == ["login", "logout"]
        codes = set(presentation.ACTION_LABELS) | set(presentation.ENTITY_LABELS)
        for code in codes:
            label = (
                presentation.action_label(code)
                if code in presentation.ACTION_LABELS
                else presentation.entity_label(code)
            )
            assert label != code, f"{code} is not translated"
