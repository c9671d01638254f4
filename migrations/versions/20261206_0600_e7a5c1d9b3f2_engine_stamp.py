"""engine stamps: one per family, set anew by triggers whenever a row the engine reads changes

The kept engine tables (velferdslab/gains/kept.py) read only the families whose stamp moved
since they were read. The database sets the stamps itself, so every writer (services, imports,
the demo generator, anonymisation, a hand-written UPDATE) is covered.

Revision ID: e7a5c1d9b3f2
Revises: e28c0b1d4a77
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e7a5c1d9b3f2"
down_revision: str | None = "e28c0b1d4a77"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table the engine reads, and how a row of it names its family.
TABLES = {
    "family": "{row}.id",
    "assessment": "{row}.family_id",
    "expenditure": "{row}.family_id",
    "budget": "{row}.family_id",
    "goal": "{row}.family_id",
    "contribution": "(SELECT b.family_id FROM budget b WHERE b.id = {row}.budget_id)",
}
EVENTS = ("insert", "update", "delete")


def _pg_families(table: str, rows: str) -> str:
    return f"SELECT {TABLES[table].format(row='r')} FROM {rows} r"


def _pg(table: str, event: str) -> list[str]:
    """A statement-level trigger (one upsert per statement, however many rows: bulk writers
    such as the generator and imports stay fast), stamps taken in family order."""
    name = f"engine_stamp_{table}_{event}"
    touched = {
        "insert": [_pg_families(table, "new_rows")],
        "update": [_pg_families(table, "new_rows"), _pg_families(table, "old_rows")],
        "delete": [_pg_families(table, "old_rows")],
    }[event]
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }[event]
    return [
        f"""
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    INSERT INTO engine_stamp (family_id, stamp)
    SELECT f, nextval('engine_stamp_seq') FROM (
        SELECT DISTINCT f FROM ({" UNION ALL ".join(touched)}) AS touched(f)
        WHERE f IS NOT NULL ORDER BY f
    ) AS changed
    ON CONFLICT (family_id) DO UPDATE SET stamp = EXCLUDED.stamp;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {referencing}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite_stamp(family: str) -> str:
    # No INSERT OR REPLACE: an outer statement's conflict clause (INSERT OR IGNORE …) would
    # override it inside the trigger; an UPDATE and an INSERT of a missing row cannot conflict.
    return (
        f"UPDATE engine_stamp SET stamp = random() WHERE family_id = {family};"
        f" INSERT INTO engine_stamp (family_id, stamp) SELECT {family}, random()"
        f" WHERE {family} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM engine_stamp WHERE family_id = {family});"
    )


def _sqlite(table: str, event: str) -> list[str]:
    new, old = TABLES[table].format(row="NEW"), TABLES[table].format(row="OLD")
    body = {
        "insert": _sqlite_stamp(new),
        "update": _sqlite_stamp(new) + " " + _sqlite_stamp(old),
        "delete": _sqlite_stamp(old),
    }[event]
    return [
        f"CREATE TRIGGER engine_stamp_{table}_{event} AFTER {event.upper()} ON {table}"
        f" BEGIN {body} END"
    ]


def upgrade() -> None:
    op.create_table(
        "engine_stamp",
        sa.Column("family_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("family_id"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE SEQUENCE engine_stamp_seq")
        op.execute(
            "INSERT INTO engine_stamp (family_id, stamp)"
            " SELECT id, nextval('engine_stamp_seq') FROM family ORDER BY id"
        )
    else:
        op.execute("INSERT INTO engine_stamp (family_id, stamp) SELECT id, random() FROM family")
    for table in TABLES:
        for event in EVENTS:
            for statement in _pg(table, event) if postgres else _sqlite(table, event):
                op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for event in EVENTS:
            name = f"engine_stamp_{table}_{event}"
            op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
            if postgres:
                op.execute(f"DROP FUNCTION {name}()")
    if postgres:
        op.execute("DROP SEQUENCE engine_stamp_seq")
    op.drop_table("engine_stamp")
