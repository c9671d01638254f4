"""The migration moves the lab's references of imported families onto the families."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from tests.core.test_migrations import empty_database_url  # noqa: F401  (the fixture)
from velferdslab.schema import alembic_config

ROWS = [
    "INSERT INTO municipality (id, name, number, reference_prefix)"
    " VALUES (1, 'Asker', '3203', 'ASK')",
    "INSERT INTO user_account (id, username, full_name, active, session_epoch, password_hash)"
    " VALUES (1, 'ine', 'Ine', true, 0, 'x')",
    "INSERT INTO family (id, municipality_id, reference, reference_year, reference_number, status,"
    " referred_on, protection, version) VALUES (1, 1, 'ASK-2024-0001', 2024, 1, 'referred',"
    " '2024-01-02', 'none', 1), (2, 1, 'ASK-2024-0002', 2024, 2, 'referred', '2024-01-02',"
    " 'none', 1)",
    "INSERT INTO import_run (id, municipality_id, created_by, dry_run, status, file_name, sha256,"
    " counts, report, families) VALUES (1, 1, 1, false, 'done', 'lab.xlsx', 'x', '{}', '[]', '{}')",
    "INSERT INTO imported_family (municipality_id, external_reference, family_id, import_id)"
    " VALUES (1, 'LAB-7', 1, 1)",
]


def test_imported_references_move_onto_the_families(empty_database_url: str) -> None:  # noqa: F811
    config = alembic_config(empty_database_url)
    command.upgrade(config, "c25a1e0f7b21")
    engine = create_engine(empty_database_url)
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement))
    command.upgrade(config, "e25f0a1b2c3d")
    with engine.connect() as connection:
        moved = connection.execute(
            text("SELECT id, external_reference FROM family ORDER BY id")
        ).all()
        tables = inspect(connection).get_table_names()
    engine.dispose()
    assert [tuple(row) for row in moved] == [(1, "LAB-7"), (2, None)]
    assert "imported_family" not in tables
